//! Session policy: presets, bounds and the one validation function that the
//! browser runs as the owner types and the server runs before storing.

use std::ops::RangeInclusive;

use serde::{Deserialize, Serialize};

/// Allowed idle timeouts, in minutes.
pub const IDLE_MINUTES: RangeInclusive<u32> = 5..=1440;
/// Allowed absolute timeouts, in minutes (up to 30 days).
pub const ABSOLUTE_MINUTES: RangeInclusive<u32> = 15..=43_200;

/// The named policies offered besides custom values.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Preset {
    /// Idle 15 minutes, absolute 8 hours.
    Strict,
    /// Idle 1 hour, absolute 24 hours.
    Standard,
}

impl Preset {
    pub const ALL: [Preset; 2] = [Preset::Strict, Preset::Standard];

    pub const fn policy(self) -> SessionPolicy {
        match self {
            Preset::Strict => SessionPolicy {
                idle_minutes: 15,
                absolute_minutes: 480,
            },
            Preset::Standard => SessionPolicy {
                idle_minutes: 60,
                absolute_minutes: 1440,
            },
        }
    }
}

/// Which sessions a policy is for.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PolicyFor {
    /// Every session: the account's policy.
    #[default]
    AllSessions,
    /// Sessions whose browser has not bound them to its device (browsers
    /// without Device Bound Session Credentials): shorter limits, if the
    /// owner sets them, until the browser binds the session.
    UnboundSessions,
}

/// A valid per-account policy: both timeouts within bounds and idle no
/// longer than absolute. The only way to get one is through
/// [`SessionPolicy::new`] or a [`Preset`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "RawPolicy", into = "RawPolicy")]
pub struct SessionPolicy {
    idle_minutes: u32,
    absolute_minutes: u32,
}

/// What is wrong with a proposed policy, per field, in words for people.
#[derive(Clone, Debug, Default, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.summary())]
pub struct PolicyErrors {
    pub idle: Option<String>,
    pub absolute: Option<String>,
}

impl PolicyErrors {
    fn summary(&self) -> String {
        [self.idle.as_deref(), self.absolute.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ")
    }
}

impl From<PolicyErrors> for crate::ApiError {
    fn from(errors: PolicyErrors) -> Self {
        let field = if errors.idle.is_some() {
            "idle_minutes"
        } else {
            "absolute_minutes"
        };
        crate::ApiError {
            field: Some(field.to_owned()),
            ..crate::ApiError::invalid_params(errors.summary())
        }
    }
}

impl SessionPolicy {
    /// Validates a proposed policy.
    pub fn new(idle_minutes: i64, absolute_minutes: i64) -> Result<Self, PolicyErrors> {
        let mut errors = PolicyErrors::default();
        let idle = within(idle_minutes, &IDLE_MINUTES);
        let absolute = within(absolute_minutes, &ABSOLUTE_MINUTES);
        if idle.is_none() {
            errors.idle = Some(format!(
                "Idle timeout must be {} to {} minutes.",
                IDLE_MINUTES.start(),
                IDLE_MINUTES.end()
            ));
        }
        if absolute.is_none() {
            errors.absolute = Some(format!(
                "Absolute timeout must be {} to {} minutes (30 days).",
                ABSOLUTE_MINUTES.start(),
                ABSOLUTE_MINUTES.end()
            ));
        }
        match (idle, absolute) {
            (Some(idle), Some(absolute)) if idle <= absolute => Ok(Self {
                idle_minutes: idle,
                absolute_minutes: absolute,
            }),
            (Some(_), Some(_)) => Err(PolicyErrors {
                idle: Some("Idle timeout cannot be longer than the absolute timeout.".into()),
                absolute: None,
            }),
            _ => Err(errors),
        }
    }

    /// Validates the text of the two minute inputs, as the UI holds them.
    pub fn parse(idle_minutes: &str, absolute_minutes: &str) -> Result<Self, PolicyErrors> {
        let number = |raw: &str| raw.trim().parse::<i64>().unwrap_or(-1);
        Self::new(number(idle_minutes), number(absolute_minutes))
    }

    pub const fn idle_minutes(self) -> u32 {
        self.idle_minutes
    }

    pub const fn absolute_minutes(self) -> u32 {
        self.absolute_minutes
    }

    /// The idle timeout as a duration.
    pub fn idle(self) -> std::time::Duration {
        std::time::Duration::from_mins(u64::from(self.idle_minutes))
    }

    /// The absolute timeout as a duration.
    pub fn absolute(self) -> std::time::Duration {
        std::time::Duration::from_mins(u64::from(self.absolute_minutes))
    }

    /// The preset this policy equals, if any.
    pub fn preset(self) -> Option<Preset> {
        Preset::ALL
            .into_iter()
            .find(|preset| preset.policy() == self)
    }

    /// Validates `self` as the limits of sessions not bound to their
    /// device, next to what the other sessions get (in seconds): neither
    /// timeout may be longer.
    pub fn no_longer_than(
        self,
        idle_seconds: u64,
        absolute_seconds: u64,
    ) -> Result<Self, PolicyErrors> {
        let longer = |minutes: u32, seconds: u64| u64::from(minutes) * 60 > seconds;
        let errors = PolicyErrors {
            idle: longer(self.idle_minutes, idle_seconds).then(|| {
                format!(
                    "Sessions not bound to a device cannot stay idle longer than the others ({} minutes).",
                    idle_seconds / 60
                )
            }),
            absolute: longer(self.absolute_minutes, absolute_seconds).then(|| {
                format!(
                    "Sessions not bound to a device cannot last longer than the others ({} minutes).",
                    absolute_seconds / 60
                )
            }),
        };
        if errors.idle.is_none() && errors.absolute.is_none() {
            Ok(self)
        } else {
            Err(errors)
        }
    }

    /// True when this policy is shorter than `other` in either timeout.
    pub const fn tightens(self, other: SessionPolicy) -> bool {
        self.idle_minutes < other.idle_minutes || self.absolute_minutes < other.absolute_minutes
    }
}

fn within(value: i64, bounds: &RangeInclusive<u32>) -> Option<u32> {
    u32::try_from(value).ok().filter(|v| bounds.contains(v))
}

#[cfg(feature = "schema")]
impl schemars::JsonSchema for SessionPolicy {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "SessionPolicy".into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        RawPolicy::json_schema(generator)
    }
}

/// The wire form of a policy; deserializing validates it.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Serialize, Deserialize)]
struct RawPolicy {
    idle_minutes: i64,
    absolute_minutes: i64,
}

impl TryFrom<RawPolicy> for SessionPolicy {
    type Error = PolicyErrors;
    fn try_from(raw: RawPolicy) -> Result<Self, PolicyErrors> {
        SessionPolicy::new(raw.idle_minutes, raw.absolute_minutes)
    }
}

impl From<SessionPolicy> for RawPolicy {
    fn from(policy: SessionPolicy) -> Self {
        RawPolicy {
            idle_minutes: i64::from(policy.idle_minutes),
            absolute_minutes: i64::from(policy.absolute_minutes),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presets_are_valid_policies_and_recognised() {
        for preset in Preset::ALL {
            let policy = preset.policy();
            let rebuilt = SessionPolicy::new(
                i64::from(policy.idle_minutes()),
                i64::from(policy.absolute_minutes()),
            );
            assert_eq!(rebuilt, Ok(policy));
            assert_eq!(policy.preset(), Some(preset));
        }
        assert_eq!(SessionPolicy::new(30, 600).unwrap().preset(), None);
    }

    #[test]
    fn bounds_are_inclusive() {
        assert!(SessionPolicy::new(5, 15).is_ok());
        assert!(SessionPolicy::new(1440, 43_200).is_ok());
    }

    #[test]
    fn each_out_of_bounds_field_gets_its_own_message() {
        let errors = SessionPolicy::new(4, 43_201).unwrap_err();
        assert!(errors.idle.as_deref().unwrap().contains("5 to 1440"));
        assert!(errors.absolute.as_deref().unwrap().contains("15 to 43200"));
        let idle_only = SessionPolicy::new(1441, 2000).unwrap_err();
        assert!(idle_only.idle.is_some() && idle_only.absolute.is_none());
    }

    #[test]
    fn idle_longer_than_absolute_is_refused_on_the_idle_field() {
        let errors = SessionPolicy::new(120, 60).unwrap_err();
        assert!(errors.idle.unwrap().contains("cannot be longer"));
        assert!(errors.absolute.is_none());
    }

    #[test]
    fn text_that_is_not_a_whole_number_is_out_of_bounds() {
        for (idle, absolute) in [("", "60"), ("ten", "60"), ("7.5", "60"), ("-5", "60")] {
            let errors = SessionPolicy::parse(idle, absolute).unwrap_err();
            assert!(errors.idle.is_some(), "{idle:?}");
        }
        assert_eq!(
            SessionPolicy::parse(" 15 ", "480"),
            Ok(Preset::Strict.policy())
        );
    }

    #[test]
    fn deserializing_validates() {
        let bad: Result<SessionPolicy, _> =
            serde_json::from_str(r#"{"idle_minutes": 1, "absolute_minutes": 60}"#);
        assert!(bad.is_err());
        let good: SessionPolicy =
            serde_json::from_str(r#"{"idle_minutes": 15, "absolute_minutes": 480}"#).unwrap();
        assert_eq!(good, Preset::Strict.policy());
    }

    #[test]
    fn tightening_means_shorter_in_either_timeout() {
        let standard = Preset::Standard.policy();
        let strict = Preset::Strict.policy();
        assert!(strict.tightens(standard));
        assert!(!standard.tightens(strict));
        assert!(SessionPolicy::new(60, 600).unwrap().tightens(standard));
    }

    #[test]
    fn limits_for_unbound_sessions_are_no_longer_than_the_others_in_either_timeout() {
        let strict = Preset::Strict.policy();
        let standard = (60 * 60, 24 * 3600);

        assert_eq!(strict.no_longer_than(standard.0, standard.1), Ok(strict));
        assert_eq!(strict.no_longer_than(15 * 60, 480 * 60), Ok(strict));
        let idle = strict.no_longer_than(10 * 60, 24 * 3600).unwrap_err();
        assert!(idle.idle.unwrap().contains("10 minutes"));
        assert!(idle.absolute.is_none());
        let both = Preset::Standard
            .policy()
            .no_longer_than(15 * 60, 480 * 60)
            .unwrap_err();
        assert!(both.idle.is_some() && both.absolute.is_some());
    }

    /// What a valid policy is, said once more, independently.
    fn in_bounds(idle: i64, absolute: i64) -> bool {
        (5..=1440).contains(&idle) && (15..=43_200).contains(&absolute) && idle <= absolute
    }

    fn minutes() -> impl proptest::strategy::Strategy<Value = i64> {
        proptest::prop_oneof![proptest::prelude::any::<i64>(), -10_i64..50_000]
    }

    // `make fuzz` runs these (`fuzz_` in the name) with many more cases.
    proptest::proptest! {
        #[test]
        fn fuzz_policy_numbers_are_valid_exactly_when_in_bounds(idle in minutes(), absolute in minutes()) {
            let policy = SessionPolicy::new(idle, absolute);
            proptest::prop_assert_eq!(policy.is_ok(), in_bounds(idle, absolute));
            if let Err(errors) = policy {
                proptest::prop_assert!(errors.idle.is_some() || errors.absolute.is_some());
            }
        }

        #[test]
        fn fuzz_policy_text_never_panics_and_accepts_only_valid_policies(
            idle in "[ 0-9a-z+-.]{0,12}",
            absolute in "\\PC{0,12}",
        ) {
            if let Ok(policy) = SessionPolicy::parse(&idle, &absolute) {
                proptest::prop_assert!(in_bounds(
                    i64::from(policy.idle_minutes()),
                    i64::from(policy.absolute_minutes())
                ));
            }
        }

        #[test]
        fn fuzz_policy_json_decodes_only_valid_policies_and_round_trips(
            idle in minutes(),
            absolute in minutes(),
        ) {
            let wire = serde_json::json!({"idle_minutes": idle, "absolute_minutes": absolute});
            let decoded = serde_json::from_value::<SessionPolicy>(wire.clone());
            proptest::prop_assert_eq!(decoded.is_ok(), in_bounds(idle, absolute));
            if let Ok(policy) = decoded {
                proptest::prop_assert_eq!(serde_json::to_value(policy).unwrap(), wire);
            }
        }

        #[test]
        fn fuzz_policy_arbitrary_json_text_never_panics(text in "\\PC{0,80}") {
            let _ = serde_json::from_str::<SessionPolicy>(&text);
        }
    }
}
