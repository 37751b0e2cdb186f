//! Command-line flags, each also settable by an environment variable.

use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::path::PathBuf;
use std::time::Duration;

use clap::{ArgAction, Parser, ValueEnum};

use crate::mail::SmtpUrl;
use crate::return_to::ProtectedOrigin;

/// Where the database is when nothing says.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/latchkey.db";

#[derive(Clone, Debug, Parser)]
#[command(
    name = "latchkey",
    version,
    about = "Session security for your team's web app"
)]
pub struct Config {
    /// Address and port to listen on.
    #[arg(long, env = "LATCHKEY_LISTEN", default_value = "127.0.0.1:3000")]
    pub listen: SocketAddr,

    /// Database: `sqlite://PATH` (created if missing) or `postgres://...`
    /// (for several instances).
    #[arg(long, env = "DATABASE_URL", default_value = DEFAULT_DATABASE_URL)]
    pub database_url: String,

    /// Serve HTTPS with this PEM certificate chain (and `--tls-key`), for
    /// a set-up without a proxy in front (device-bound sessions need
    /// HTTPS). Behind a proxy that terminates TLS, leave it unset.
    #[arg(long, env = "LATCHKEY_TLS_CERT", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,

    /// The PEM private key of `--tls-cert`.
    #[arg(long, env = "LATCHKEY_TLS_KEY", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,

    /// Folder with the built front end (`pkg/` with the WASM, JS and CSS).
    #[arg(long, env = "LATCHKEY_SITE_ROOT", default_value = "target/site")]
    pub site_root: PathBuf,

    /// Development mode: send the session cookie over plain HTTP (no
    /// `__Host-` prefix, no `Secure`). Only allowed on a loopback address.
    #[arg(long, env = "LATCHKEY_DEV", default_value_t = false, action = ArgAction::Set, num_args = 0..=1, default_missing_value = "true")]
    pub dev: bool,

    /// In development mode (`--dev`), on an empty database, create a demo
    /// account and print how to sign in. Ignored outside development mode:
    /// a production start never creates accounts with printed passwords.
    #[arg(long, env = "LATCHKEY_DEMO", default_value_t = true, action = ArgAction::Set, num_args = 0..=1, default_missing_value = "true")]
    pub demo: bool,

    /// The public origin passkeys are registered for, e.g.
    /// `https://latchkey.example.com`: its host name is the WebAuthn
    /// relying party, and passkeys work only on pages of that origin (change
    /// it and every registered passkey stops working). An IP address cannot
    /// be one. Default: `http://localhost` on the listening port.
    #[arg(long, env = "LATCHKEY_PASSKEY_ORIGIN", value_parser = auth::RelyingParty::new)]
    pub passkey_origin: Option<auth::RelyingParty>,

    /// Origins besides this server's own that may send state-changing
    /// requests, e.g. `https://latchkey.example.com` behind a proxy that
    /// rewrites `Host`. Comma-separated.
    #[arg(long, env = "LATCHKEY_TRUSTED_ORIGINS", value_delimiter = ',')]
    pub trusted_origins: Vec<String>,

    /// Origins of the apps Latchkey protects through the reverse proxy
    /// (`/api/auth/forward`), e.g. `https://wiki.example.com`: after
    /// signing in, the browser may be sent back to their pages, and to no
    /// other site's. Comma-separated.
    #[arg(long, env = "LATCHKEY_PROTECTED_ORIGINS", value_delimiter = ',', value_parser = ProtectedOrigin::parse)]
    pub protected_origins: Vec<ProtectedOrigin>,

    /// Reverse proxies in front of this server, by IP address. Requests
    /// from them take the client's address from `X-Forwarded-For`; from
    /// anyone else the header is ignored. Comma-separated.
    #[arg(long, env = "LATCHKEY_TRUSTED_PROXIES", value_delimiter = ',')]
    pub trusted_proxies: Vec<IpAddr>,

    /// Live sessions one user may have; signing in past it ends the oldest.
    #[arg(long, env = "LATCHKEY_MAX_SESSIONS", default_value_t = 10)]
    pub max_sessions_per_user: usize,

    /// Idle timeout for accounts without their own policy (e.g. `60m`, `90s`).
    #[arg(long, env = "LATCHKEY_DEFAULT_IDLE_TIMEOUT", default_value = "60m", value_parser = humantime::parse_duration)]
    pub default_idle_timeout: Duration,

    /// Absolute timeout for accounts without their own policy (e.g. `24h`).
    #[arg(long, env = "LATCHKEY_DEFAULT_ABSOLUTE_TIMEOUT", default_value = "24h", value_parser = humantime::parse_duration)]
    pub default_absolute_timeout: Duration,

    /// A session's token is replaced on its next page load or server
    /// function once it is older than this.
    #[arg(long, env = "LATCHKEY_ROTATION_INTERVAL", default_value = "10m", value_parser = humantime::parse_duration)]
    pub rotation_interval: Duration,

    /// How long a replaced token keeps working, for parallel requests and
    /// other tabs. Used after that, it is taken as stolen.
    #[arg(long, env = "LATCHKEY_ROTATION_GRACE", default_value = "60s", value_parser = humantime::parse_duration)]
    pub rotation_grace: Duration,

    /// Activity moves a session's "last active" only when it is older than
    /// this, so a busy user costs few writes.
    #[arg(long, env = "LATCHKEY_TOUCH_THRESHOLD", default_value = "60s", value_parser = humantime::parse_duration)]
    pub touch_threshold: Duration,

    /// Creating an API token, adding a member, changing the policy and
    /// signing out the account need the password entered within this; after
    /// it, the browser asks for the password again.
    #[arg(long, env = "LATCHKEY_REAUTH_WINDOW", default_value = "15m", value_parser = humantime::parse_duration)]
    pub reauth_window: Duration,

    /// How long the cookie of a session bound to its device (DBSC) works
    /// before the browser must prove it holds the device's key for a new
    /// one. The session keeps its own idle and absolute ends.
    #[arg(long, env = "LATCHKEY_BOUND_COOKIE_LIFETIME", default_value = "10m", value_parser = humantime::parse_duration)]
    pub bound_cookie_lifetime: Duration,

    /// How long ended sessions are kept, so their browsers can be told why.
    #[arg(long, env = "LATCHKEY_ENDED_SESSION_RETENTION", default_value = "7days", value_parser = humantime::parse_duration)]
    pub ended_session_retention: Duration,

    /// Usable API tokens one user may hold; creating one past it revokes the oldest.
    #[arg(long, env = "LATCHKEY_MAX_TOKENS", default_value_t = 10)]
    pub max_tokens_per_user: usize,

    /// Sign-in and sign-up attempts allowed per minute from one IP address.
    #[arg(long, env = "LATCHKEY_LOGIN_RATE_PER_IP", default_value_t = auth::DEFAULT_ATTEMPTS_PER_IP_MINUTE)]
    pub login_rate_per_ip: NonZeroU32,

    /// Sign-in attempts allowed per hour for one email address, a twelfth of
    /// them at once (OWASP ASVS V2.2.1 asks for no more than 100 an hour).
    #[arg(long, env = "LATCHKEY_LOGIN_RATE_PER_EMAIL_HOUR", default_value_t = auth::DEFAULT_ATTEMPTS_PER_EMAIL_HOUR)]
    pub login_rate_per_email_hour: NonZeroU32,

    /// With PostgreSQL: the first wait before reconnecting the change feed
    /// after its connection drops, or before sending a change again that
    /// could not be published; it doubles up to 10 s.
    #[arg(long, env = "LATCHKEY_FEED_RETRY", default_value = "500ms", value_parser = humantime::parse_duration)]
    pub feed_retry: Duration,

    /// Live connections (event streams and WebSockets) one session or API
    /// token may hold open at once; past it a new one is refused (429).
    #[arg(long, env = "LATCHKEY_LIVE_PER_CREDENTIAL", default_value_t = 32)]
    pub live_per_credential: usize,

    /// Live connections one client address (an IPv6 client: its /64
    /// network) may hold open at once.
    #[arg(long, env = "LATCHKEY_LIVE_PER_ADDRESS", default_value_t = 1024)]
    pub live_per_address: usize,

    /// How often an RPC WebSocket is pinged; one that has not answered by
    /// the next ping (a half-open connection) is closed.
    #[arg(long, env = "LATCHKEY_WS_PING_INTERVAL", default_value = "30s", value_parser = humantime::parse_duration)]
    pub ws_ping_interval: Duration,

    /// Where "now" comes from: `database` sets this instance's clock by the
    /// database server's at start and every ten minutes, so instances that
    /// share a database agree on every deadline whatever their own clocks
    /// say; `local` is this machine's clock alone.
    #[arg(long, env = "LATCHKEY_CLOCK", value_enum, default_value_t = ClockSource::Database)]
    pub clock: ClockSource,

    /// Serve Prometheus metrics at `http://ADDR/metrics` (off when unset).
    /// Keep it on a loopback or private address: it is not authenticated.
    #[arg(long, env = "LATCHKEY_METRICS_LISTEN")]
    pub metrics_listen: Option<SocketAddr>,

    /// How log lines are written: `text` for people, `json` (one object a
    /// line, with the request's id and span fields) for log collectors.
    #[arg(long, env = "LATCHKEY_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,

    /// Send mail by SMTP: `smtps://USER:PASS@HOST:465` (TLS from the
    /// start), `smtp://HOST:587?tls=starttls` (STARTTLS required) or
    /// `smtp://HOST:25` (no TLS: a relay on this machine only). The
    /// password is never logged. Unset: mail is written to `--mail-dir`.
    #[arg(long, env = "LATCHKEY_SMTP_URL", value_parser = SmtpUrl::parse)]
    pub smtp_url: Option<SmtpUrl>,

    /// The sender of the mail this server sends.
    #[arg(long, env = "LATCHKEY_MAIL_FROM", default_value = "Latchkey <latchkey@localhost>", value_parser = crate::mail::parse_mailbox)]
    pub mail_from: lettre::message::Mailbox,

    /// With no `--smtp-url`: the folder each message is written to, as an
    /// `.eml` file whose path is logged.
    #[arg(long, env = "LATCHKEY_MAIL_DIR", default_value = "data/mail")]
    pub mail_dir: PathBuf,

    /// Send no mail at all: nobody is invited by mail (the owner adds
    /// members with a first password, as before mail), no link to choose a
    /// new password is sent, and the outbox is not worked.
    #[arg(long, env = "LATCHKEY_NO_MAIL", default_value_t = false, action = ArgAction::Set, num_args = 0..=1, default_missing_value = "true")]
    pub no_mail: bool,

    /// The address people reach this server at, e.g.
    /// `https://latchkey.example.com`: links in mail start with it, never
    /// with a request's `Host`. Default: `http://` (or `https://` with
    /// `--tls-cert`) and the listening address.
    #[arg(long, env = "LATCHKEY_PUBLIC_URL", value_parser = auth::mail::PublicUrl::parse)]
    pub public_url: Option<auth::mail::PublicUrl>,

    /// A GeoIP database in the MaxMind DB format (GeoLite2-City, GeoIP2-City
    /// or -Country, or db-ip.com's lite City database), read into memory at
    /// start: the notice and mail about a sign-in from a new device then
    /// name the place near its address too. A file that cannot be read
    /// stops the start. Unset: they name the address alone.
    #[arg(long, env = "LATCHKEY_GEOIP_DB")]
    pub geoip_db: Option<PathBuf>,

    /// How often ended sessions and retired tokens are cleaned up.
    #[arg(long, env = "LATCHKEY_CLEANUP_INTERVAL", default_value = "10m", value_parser = humantime::parse_duration)]
    pub cleanup_interval: Duration,
}

/// How log lines are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

/// Where an instance reads the time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ClockSource {
    Database,
    Local,
}

impl Config {
    /// The defaults, as if started with no flags and no environment.
    pub fn defaults() -> Self {
        Self::parse_from(["latchkey"])
    }

    /// The domain's settings, as the flags give them; reads the GeoIP
    /// database of `--geoip-db` into memory.
    pub fn session_settings(&self) -> Result<auth::SessionSettings, auth::PlacesError> {
        let places = self
            .geoip_db
            .as_deref()
            .map(auth::Places::open)
            .transpose()?;
        Ok(auth::SessionSettings {
            max_sessions_per_user: self.max_sessions_per_user,
            max_tokens_per_user: self.max_tokens_per_user,
            default_idle_timeout: self.default_idle_timeout,
            default_absolute_timeout: self.default_absolute_timeout,
            rotation_interval: self.rotation_interval,
            rotation_grace: self.rotation_grace,
            touch_threshold: self.touch_threshold,
            ended_session_retention: self.ended_session_retention,
            reauth_window: self.reauth_window,
            bound_cookie_lifetime: self.bound_cookie_lifetime,
            attempts_per_ip_minute: self.login_rate_per_ip,
            attempts_per_email_hour: self.login_rate_per_email_hour,
            relying_party: self.relying_party(),
            public_url: self.public_url(),
            sends_mail: !self.no_mail,
            places,
        })
    }

    /// `--public-url`, or this server's listening address.
    pub fn public_url(&self) -> auth::mail::PublicUrl {
        self.public_url.clone().unwrap_or_else(|| {
            let scheme = if self.tls_cert.is_some() {
                "https"
            } else {
                "http"
            };
            let own = format!("{scheme}://{}", self.listen);
            auth::mail::PublicUrl::parse(&own).unwrap_or_default()
        })
    }

    /// The relying party of `--passkey-origin`, or of `http://localhost`
    /// on the port this server listens on.
    fn relying_party(&self) -> auth::RelyingParty {
        self.passkey_origin.clone().unwrap_or_else(|| {
            let local = format!("http://localhost:{}", self.listen.port());
            auth::RelyingParty::new(&local)
                .unwrap_or_else(|err| unreachable!("{local} is an origin: {err}"))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn switches_work_bare_or_with_a_value() {
        assert!(!Config::try_parse_from(["latchkey"]).unwrap().dev);
        assert!(Config::try_parse_from(["latchkey", "--dev"]).unwrap().dev);
        assert!(
            !Config::try_parse_from(["latchkey", "--demo=false"])
                .unwrap()
                .demo
        );
    }

    #[test]
    fn mail_is_on_unless_turned_off() {
        assert!(Config::defaults().session_settings().unwrap().sends_mail);
        let off = Config::try_parse_from(["latchkey", "--no-mail"]).unwrap();
        assert!(!off.session_settings().unwrap().sends_mail);
    }

    #[test]
    fn places_come_only_from_a_geoip_database_that_reads() {
        assert!(
            Config::defaults()
                .session_settings()
                .unwrap()
                .places
                .is_none()
        );
        let missing =
            Config::try_parse_from(["latchkey", "--geoip-db", "/nonexistent/City.mmdb"]).unwrap();
        let err = missing.session_settings().unwrap_err();
        assert!(err.to_string().contains("/nonexistent/City.mmdb"), "{err}");
    }

    #[test]
    fn a_tls_certificate_needs_its_key_and_the_other_way_round() {
        assert!(Config::try_parse_from(["latchkey", "--tls-cert", "c.pem"]).is_err());
        assert!(Config::try_parse_from(["latchkey", "--tls-key", "k.pem"]).is_err());
        let both =
            Config::try_parse_from(["latchkey", "--tls-cert", "c.pem", "--tls-key", "k.pem"])
                .unwrap();
        assert!(both.tls_cert.is_some() && both.tls_key.is_some());
    }

    #[test]
    fn links_in_mail_start_with_the_public_url_or_the_listening_address() {
        let own = Config::try_parse_from(["latchkey", "--listen", "127.0.0.1:8080"]).unwrap();
        assert_eq!(own.public_url().as_str(), "http://127.0.0.1:8080");
        let set = Config::try_parse_from(["latchkey", "--public-url", "https://lk.example.com/"])
            .unwrap();
        assert_eq!(set.public_url().as_str(), "https://lk.example.com");
        assert!(Config::try_parse_from(["latchkey", "--public-url", "lk.example.com"]).is_err());
    }

    #[test]
    fn durations_take_units_including_seconds() {
        let config = Config::try_parse_from([
            "latchkey",
            "--rotation-interval",
            "1s",
            "--default-idle-timeout",
            "90s",
        ])
        .unwrap();
        assert_eq!(config.rotation_interval, Duration::from_secs(1));
        assert_eq!(config.default_idle_timeout, Duration::from_secs(90));
    }
}
