//! Who a request is from: where it came from, what credential it presented,
//! and the caller that credential resolved to.

use api::{Me, SessionId, SignInMethod, TokenId, TokenScope};

use crate::secret::TokenHash;
use crate::session::Deadlines;

/// Where a request came from, as recorded with sessions and audit events.
#[derive(Clone, Debug, Default)]
pub struct ClientMeta {
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

/// Longest user agent kept; the rest is cut.
const USER_AGENT_MAX_CHARS: usize = 512;

impl ClientMeta {
    pub fn new(ip: Option<String>, user_agent: Option<&str>) -> Self {
        Self {
            ip,
            user_agent: user_agent.map(|ua| ua.chars().take(USER_AGENT_MAX_CHARS).collect()),
        }
    }
}

/// What authenticated a request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Credential {
    /// A browser's session cookie.
    Session {
        session_id: SessionId,
        deadlines: Deadlines,
        /// The token presented: a live connection is bound to it, not only
        /// to the session, and ends once rotation has retired it.
        token: TokenHash,
        /// How the session was signed in.
        method: SignInMethod,
        /// Whether its browser bound it to its device (DBSC).
        device_bound: bool,
    },
    /// A personal API token, and what it may call.
    ApiToken {
        token_id: TokenId,
        scope: TokenScope,
    },
}

/// The authenticated caller of a request. Only `auth` makes one, from a
/// credential it has checked.
#[derive(Clone, Debug)]
pub struct Caller {
    pub(crate) me: Me,
    pub(crate) credential: Credential,
}

impl Caller {
    /// Who is calling.
    pub fn me(&self) -> &Me {
        &self.me
    }

    /// What they called with.
    pub fn credential(&self) -> &Credential {
        &self.credential
    }

    /// The session making the request, if it is a session.
    pub fn session_id(&self) -> Option<&SessionId> {
        match &self.credential {
            Credential::Session { session_id, .. } => Some(session_id),
            Credential::ApiToken { .. } => None,
        }
    }

    /// The session's deadlines, if it is a session.
    pub fn deadlines(&self) -> Option<Deadlines> {
        match &self.credential {
            Credential::Session { deadlines, .. } => Some(*deadlines),
            Credential::ApiToken { .. } => None,
        }
    }
}

/// What the credential on a request resolved to: the caller, or the error to
/// answer with. The server resolves it once per request; every handler and
/// server function reads that one answer.
#[derive(Clone, Debug)]
pub struct Authentication(Result<Caller, api::ApiError>);

impl Authentication {
    pub fn new(result: Result<Caller, api::ApiError>) -> Self {
        Self(result)
    }

    pub fn caller(&self) -> Result<&Caller, api::ApiError> {
        self.0.as_ref().map_err(Clone::clone)
    }
}
