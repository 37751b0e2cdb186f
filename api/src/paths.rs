//! Every path the server routes or sends a browser to, named once. The
//! server's router, middleware and redirects say these names, and so can
//! the app's pages and links: a path changes in one place.
//!
//! - [`page`]: what a browser shows;
//! - [`auth`] and [`account`]: the REST routes (`/api/auth/...`,
//!   `/api/account/...`) the sign-in pages' forms and scripts post to;
//! - the rest here: the JSON-RPC API and the live connections, the
//!   descriptions of the API, the probes, and the files and scripts the
//!   server serves itself.

/// The pages.
pub mod page {
    /// Home: sends the browser on to the security page.
    pub const HOME: &str = "/";
    /// The security page: sessions, tokens, the account. Where a browser
    /// lands after signing in.
    pub const SECURITY: &str = "/account/security";
    /// The owner's page of the team: the policy, who is signed in, the
    /// members, the two-step requirement.
    pub const SECURITY_TEAM: &str = "/account/security/team";
    /// The account's security log.
    pub const SECURITY_LOG: &str = "/account/security/log";
    /// The sign-in page.
    pub const LOGIN: &str = "/login";
    /// The sign-in's second page: the code from the app, or a recovery code.
    pub const LOGIN_CODE: &str = "/login/code";
    /// The sign-in's page for setting up an authenticator app, when the
    /// account requires one.
    pub const LOGIN_SETUP: &str = "/login/setup";
    /// The sign-in's page for choosing a new password, after the server's
    /// operator reset the user's.
    pub const LOGIN_PASSWORD: &str = "/login/password";
    /// Asking for a link to choose a new password, by mail.
    pub const LOGIN_FORGOT: &str = "/login/forgot";
    /// Choosing a new password with the link from the mail
    /// (`?token=...`).
    pub const LOGIN_RESET: &str = "/login/reset";
    /// "This wasn't me", from the mail about a sign-in from a new device
    /// (`?token=...`): ends that session.
    pub const LOGIN_NOT_ME: &str = "/login/not-me";
    /// Joining a team with the link of an invitation from the mail
    /// (`?token=...`).
    pub const LOGIN_INVITATION: &str = "/login/invitation";
    /// Verifying an address with the link from the mail (`?token=...`).
    pub const LOGIN_VERIFY_EMAIL: &str = "/login/verify-email";
    /// Creating an account.
    pub const SIGNUP: &str = "/signup";

    /// The pages a visitor sees before signing in. Every other page is for
    /// a signed-in caller only: a page missing here is guarded, never open.
    pub const SIGNED_OUT: [&str; 10] = [
        LOGIN,
        LOGIN_CODE,
        LOGIN_SETUP,
        LOGIN_PASSWORD,
        LOGIN_FORGOT,
        LOGIN_RESET,
        LOGIN_NOT_ME,
        LOGIN_INVITATION,
        LOGIN_VERIFY_EMAIL,
        SIGNUP,
    ];
}

/// The sign-in lifecycle: `/api/auth/...`, JSON bodies or HTML form posts.
pub mod auth {
    pub const SIGNUP: &str = "/api/auth/signup";
    /// The password, the first step of signing in.
    pub const LOGIN: &str = "/api/auth/login";
    /// The code from the app, or a recovery code, after the password.
    pub const LOGIN_CODE: &str = "/api/auth/login/code";
    /// The first code of the app the account requires set up.
    pub const LOGIN_SETUP: &str = "/api/auth/login/setup";
    /// The user's own password, after the operator reset theirs.
    pub const LOGIN_PASSWORD: &str = "/api/auth/login/password";
    /// A passkey as the second step after the password.
    pub const LOGIN_PASSKEY_START: &str = "/api/auth/login/passkey/start";
    pub const LOGIN_PASSKEY_FINISH: &str = "/api/auth/login/passkey/finish";
    /// A passkey alone.
    pub const PASSKEY_START: &str = "/api/auth/passkey/start";
    pub const PASSKEY_FINISH: &str = "/api/auth/passkey/finish";
    /// Asking for a link to choose a new password.
    pub const FORGOT: &str = "/api/auth/forgot";
    /// A new password, with the link's token.
    pub const RESET: &str = "/api/auth/reset";
    /// A passkey of the link's user, asked before the new password is set
    /// (the answer goes with it to `RESET`).
    pub const RESET_PASSKEY_START: &str = "/api/auth/reset/passkey/start";
    /// "This wasn't me": ends the session a new device's mail was about,
    /// with the link's token.
    pub const NOT_ME: &str = "/api/auth/not-me";
    /// Joining a team: the invitation's token, a name and a password.
    pub const INVITATION: &str = "/api/auth/invitation";
    /// Verifying an address: the token of the link mailed to it.
    pub const VERIFY_EMAIL: &str = "/api/auth/verify-email";
    pub const LOGOUT: &str = "/api/auth/logout";
    /// Changing the password.
    pub const PASSWORD: &str = "/api/auth/password";
    /// Forward authentication, asked by the reverse proxy of a protected
    /// app.
    pub const FORWARD: &str = "/api/auth/forward";
}

/// What the owner does for the account over REST: `/api/account/...`.
pub mod account {
    /// Adding a member.
    pub const MEMBERS: &str = "/api/account/members";
    /// Who is calling.
    pub const ME: &str = "/api/account/me";
}

/// Every API path starts with this; an unknown one is a JSON 404, never a
/// page.
pub const API: &str = "/api";
/// JSON-RPC 2.0 over HTTP.
pub const RPC: &str = "/api/rpc";
/// JSON-RPC 2.0 over a WebSocket.
pub const WS: &str = "/api/ws";
/// The live stream (Server-Sent Events).
pub const EVENTS: &str = "/api/events";
/// Where a page whose WASM failed reports it.
pub const CLIENT_ERRORS: &str = "/api/client-errors";
/// The app's server functions, under this prefix (the app's
/// `#[server(prefix = ...)]` says it again: the macro takes a literal).
pub const SERVER_FNS: &str = "/api/fn";
/// The JSON-RPC methods, described for tools.
pub const OPENRPC_JSON: &str = "/api/openrpc.json";
/// The HTTP routes outside JSON-RPC, described for tools.
pub const OPENAPI_JSON: &str = "/api/openapi.json";

/// Where a browser binds its session to its device (DBSC), and renews the
/// bound session's cookie.
pub const DBSC_REGISTER: &str = "/dbsc/register";
pub const DBSC_REFRESH: &str = "/dbsc/refresh";

/// The orchestrator's probes: the process serves; it can do its work.
pub const HEALTHZ: &str = "/healthz";
pub const READYZ: &str = "/readyz";
/// The metrics, on their own address only.
pub const METRICS: &str = "/metrics";

/// The built front end (WASM, JS, CSS).
pub const BUILT_FILES: &str = "/pkg";
/// The script a protected app's pages include for the live session.
pub const LATCHKEY_JS: &str = "/latchkey.js";
/// The passkey button of the sign-in pages, which load no WASM.
pub const PASSKEY_JS: &str = "/login/passkey.js";

#[cfg(test)]
mod tests {
    use super::*;

    const EVERY_PATH: [&str; 50] = [
        page::HOME,
        page::SECURITY,
        page::SECURITY_TEAM,
        page::SECURITY_LOG,
        page::LOGIN,
        page::LOGIN_CODE,
        page::LOGIN_SETUP,
        page::LOGIN_PASSWORD,
        page::LOGIN_FORGOT,
        page::LOGIN_RESET,
        page::LOGIN_NOT_ME,
        page::LOGIN_INVITATION,
        page::LOGIN_VERIFY_EMAIL,
        page::SIGNUP,
        auth::SIGNUP,
        auth::LOGIN,
        auth::LOGIN_CODE,
        auth::LOGIN_SETUP,
        auth::LOGIN_PASSWORD,
        auth::LOGIN_PASSKEY_START,
        auth::LOGIN_PASSKEY_FINISH,
        auth::PASSKEY_START,
        auth::PASSKEY_FINISH,
        auth::FORGOT,
        auth::RESET,
        auth::RESET_PASSKEY_START,
        auth::NOT_ME,
        auth::INVITATION,
        auth::VERIFY_EMAIL,
        auth::LOGOUT,
        auth::PASSWORD,
        auth::FORWARD,
        account::MEMBERS,
        account::ME,
        API,
        RPC,
        WS,
        EVENTS,
        CLIENT_ERRORS,
        SERVER_FNS,
        OPENRPC_JSON,
        OPENAPI_JSON,
        DBSC_REGISTER,
        DBSC_REFRESH,
        HEALTHZ,
        READYZ,
        METRICS,
        BUILT_FILES,
        LATCHKEY_JS,
        PASSKEY_JS,
    ];

    #[test]
    fn every_path_is_absolute_plain_and_named_once() {
        for (i, path) in EVERY_PATH.iter().enumerate() {
            assert!(path.starts_with('/'), "{path}");
            assert!(*path == "/" || !path.ends_with('/'), "{path}");
            assert!(!path.contains(['?', '#', '{', ' ']), "{path}");
            assert!(!EVERY_PATH[..i].contains(path), "{path} is named twice");
        }
    }

    #[test]
    fn the_api_is_under_its_prefix_and_no_page_is() {
        let under_api = |path: &str| path.starts_with(&format!("{API}/"));
        for path in [
            auth::SIGNUP,
            auth::LOGOUT,
            auth::FORWARD,
            account::ME,
            RPC,
            WS,
            EVENTS,
            CLIENT_ERRORS,
            SERVER_FNS,
            OPENRPC_JSON,
        ] {
            assert!(under_api(path), "{path}");
        }
        for page in [
            page::HOME,
            page::SECURITY,
            page::SECURITY_TEAM,
            page::SECURITY_LOG,
        ]
        .into_iter()
        .chain(page::SIGNED_OUT)
        {
            assert!(!under_api(page), "{page}");
        }
    }
}
