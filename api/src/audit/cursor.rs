//! Where a page of the log ends, as an opaque cursor the next page starts
//! after.

use serde::{Deserialize, Serialize};

use crate::{ApiError, ErrorCode, Timestamp};

/// Where a page of the log ends: the next page starts after this entry.
/// Opaque to clients; made of the entry's time and id, so a page never
/// repeats or skips an entry however many are written meanwhile.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct AuditCursor {
    at: Timestamp,
    id: String,
}

/// Length of an audit entry's id (hex).
const AUDIT_ID_CHARS: usize = 32;

impl AuditCursor {
    /// The cursor after the entry `id` at `at`.
    pub fn after(at: Timestamp, id: &str) -> Self {
        Self {
            at,
            id: id.to_owned(),
        }
    }

    pub const fn at(&self) -> Timestamp {
        self.at
    }

    pub fn id(&self) -> &str {
        &self.id
    }

    pub fn parse(raw: &str) -> Result<Self, ApiError> {
        let bad = || {
            ApiError::new(
                ErrorCode::InvalidParams,
                "That page cursor is not one of ours.",
            )
            .with_field("cursor")
        };
        let (at, id) = raw.split_once('-').ok_or_else(bad)?;
        let at = at.parse::<i64>().map_err(|_| bad())?;
        let hex = id.len() == AUDIT_ID_CHARS
            && id
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        if !hex {
            return Err(bad());
        }
        Ok(Self::after(Timestamp::from_millis(at), id))
    }
}

#[cfg(feature = "schema")]
impl schemars::JsonSchema for AuditCursor {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "AuditCursor".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "pattern": "^-?[0-9]+-[0-9a-f]{32}$",
            "description": "Where the next page of the log starts, as `next_cursor` gave it.",
        })
    }
}

impl TryFrom<String> for AuditCursor {
    type Error = String;

    fn try_from(raw: String) -> Result<Self, Self::Error> {
        Self::parse(&raw).map_err(|err| err.message)
    }
}

impl From<AuditCursor> for String {
    fn from(cursor: AuditCursor) -> Self {
        format!("{}-{}", cursor.at.as_millis(), cursor.id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_goes_out_and_comes_back_the_same() {
        let cursor =
            AuditCursor::after(Timestamp::from_millis(1_700_000_000_123), &"ab".repeat(16));
        let json = serde_json::to_string(&cursor).unwrap();
        assert_eq!(json, format!("\"1700000000123-{}\"", "ab".repeat(16)));
        assert_eq!(serde_json::from_str::<AuditCursor>(&json).unwrap(), cursor);
    }

    #[test]
    fn a_cursor_that_is_not_ours_is_refused_naming_the_field() {
        let id = "ab".repeat(16);
        for raw in [
            String::new(),
            "12".to_owned(),
            format!("x-{id}"),
            format!("12-{}", &id[1..]),
            format!("12-{}", id.to_uppercase()),
            "12-' OR 1=1 --".to_owned(),
        ] {
            let err = AuditCursor::parse(&raw).unwrap_err();
            assert_eq!(err.code, ErrorCode::InvalidParams, "{raw}");
            assert_eq!(err.field.as_deref(), Some("cursor"));
        }
    }
}
