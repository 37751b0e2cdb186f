//! The timing and limit knobs of sessions. Everything is a `Duration` so the
//! server can accept seconds, which tests use to run expiry and rotation for
//! real.

use std::num::NonZeroU32;
use std::time::Duration;

use crate::limits::{DEFAULT_ATTEMPTS_PER_EMAIL_HOUR, DEFAULT_ATTEMPTS_PER_IP_MINUTE};
use crate::mail::PublicUrl;
use crate::passkey::RelyingParty;
use crate::place::Places;

/// The origin passkeys belong to unless one is set: this machine.
const LOCAL_ORIGIN: &str = "http://localhost";

#[derive(Clone, Debug)]
pub struct SessionSettings {
    /// Live sessions one user may hold; signing in past it ends the oldest.
    pub max_sessions_per_user: usize,
    /// Usable API tokens one user may hold; creating one past it revokes the oldest.
    pub max_tokens_per_user: usize,
    /// Idle timeout for accounts without their own policy.
    pub default_idle_timeout: Duration,
    /// Absolute timeout for accounts without their own policy.
    pub default_absolute_timeout: Duration,
    /// A session's token is replaced when it is older than this.
    pub rotation_interval: Duration,
    /// How long a replaced token still works (parallel requests, other tabs).
    pub rotation_grace: Duration,
    /// Activity moves `last_seen` only when it is older than this.
    pub touch_threshold: Duration,
    /// How long an ended session is kept, so its browser can be told why.
    pub ended_session_retention: Duration,
    /// Sensitive actions in a session need the password entered within this.
    pub reauth_window: Duration,
    /// How long the cookie of a session bound to its device works before
    /// the device must prove itself again for a new one.
    pub bound_cookie_lifetime: Duration,
    /// Password attempts (signing up or in, changing or confirming the
    /// password) a minute from one address.
    pub attempts_per_ip_minute: NonZeroU32,
    /// Password attempts an hour for one email.
    pub attempts_per_email_hour: NonZeroU32,
    /// The relying party passkeys are registered with: this server's public
    /// origin.
    pub relying_party: RelyingParty,
    /// Where people reach this server: links in mail start with it.
    pub public_url: PublicUrl,
    /// Whether this server sends mail. Without, nobody is invited by mail
    /// (members are added with a first password) and no link to choose a
    /// new password is sent.
    pub sends_mail: bool,
    /// The GeoIP database that tells where a new device signed in from,
    /// approximately; without one, the notice gives its address alone.
    pub places: Option<Places>,
}

impl Default for SessionSettings {
    fn default() -> Self {
        Self {
            max_sessions_per_user: 10,
            max_tokens_per_user: 10,
            default_idle_timeout: Duration::from_hours(1),
            default_absolute_timeout: Duration::from_hours(24),
            rotation_interval: Duration::from_mins(10),
            rotation_grace: Duration::from_mins(1),
            touch_threshold: Duration::from_mins(1),
            ended_session_retention: Duration::from_hours(24 * 7),
            reauth_window: Duration::from_mins(15),
            bound_cookie_lifetime: Duration::from_mins(10),
            attempts_per_ip_minute: DEFAULT_ATTEMPTS_PER_IP_MINUTE,
            attempts_per_email_hour: DEFAULT_ATTEMPTS_PER_EMAIL_HOUR,
            relying_party: RelyingParty::new(LOCAL_ORIGIN)
                .unwrap_or_else(|err| unreachable!("{LOCAL_ORIGIN} is an origin: {err}")),
            public_url: PublicUrl::default(),
            sends_mail: true,
            places: None,
        }
    }
}

pub(crate) use api::millis;
