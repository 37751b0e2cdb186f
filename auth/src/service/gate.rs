//! The one gate between a caller and an account action. Every transport
//! (JSON-RPC over HTTP, the WebSocket and batches, the page's server
//! functions, the REST routes) asks [`Auth::admit`] before it runs an
//! action; the gate reads what the action requires from the table in `api`
//! ([`Method::requires`]) and checks the caller against it: the kind of
//! credential and a token's scope, the role, a recent confirmation.
//!
//! What the gate lets through carries the proofs that the actions take as
//! arguments ([`BrowserSession`], [`Fresh`], [`Confirmed`], and
//! [`OwnerActions`] itself). Only this module can make them, so an action
//! that needs one cannot be called without passing the gate for it.

use api::rpc::Method;
use api::{Credentials, Proof, Role, SessionId, Who};

use super::{Auth, Caller, Credential, OwnerActions, UserActions};
use crate::AuthError;
use crate::settings::millis;
use crate::store::sessions;

/// How a call reached the action.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Via {
    /// The API: JSON-RPC (over HTTP or a WebSocket, alone or in a batch)
    /// and the REST routes. An API token may call what its scope allows.
    Api,
    /// The page: its server functions. API tokens are for the API, so a
    /// token here counts as no credential at all.
    Page,
}

/// A call the gate let through, with the proofs of what it checked. Only
/// [`Auth::admit`] makes one.
pub struct Admitted<'a> {
    auth: &'a Auth,
    caller: &'a Caller,
    /// Whether the caller proved it recently (or is a token that need not).
    confirmed: bool,
}

/// Proof that the caller is a person at a browser, with the session they
/// use. Only the gate makes one.
pub struct BrowserSession<'a> {
    session_id: &'a SessionId,
}

impl BrowserSession<'_> {
    /// The session making the call.
    pub fn id(&self) -> &SessionId {
        self.session_id
    }
}

/// Proof that the caller is a browser session whose password (or second
/// factor) was confirmed within the re-authentication window. Only the
/// gate makes one.
pub struct Fresh<'a> {
    session: BrowserSession<'a>,
}

impl<'a> Fresh<'a> {
    /// The session that confirmed it.
    pub fn session(&self) -> &BrowserSession<'a> {
        &self.session
    }
}

/// Proof that the caller confirmed who they are within the
/// re-authentication window, or is an API token that the table lets act
/// without (making the token took a browser session that had). Only the
/// gate makes one.
pub struct Confirmed {
    _private: (),
}

impl Auth {
    /// Checks that `caller` may call `method` by way of `via`, as the table
    /// says: the credential (a token's scope), the role, and a recent
    /// confirmation where one is needed. The answer carries the proofs the
    /// action takes.
    pub async fn admit<'a>(
        &'a self,
        caller: &'a Caller,
        method: Method,
        via: Via,
    ) -> Result<Admitted<'a>, AuthError> {
        let needs = method.requires();
        let is_token = match (&caller.credential, via, needs.credentials) {
            (Credential::Session { .. }, _, _) => false,
            (Credential::ApiToken { .. }, Via::Page, _) => return Err(AuthError::Unauthenticated),
            (Credential::ApiToken { .. }, Via::Api, Credentials::BrowserSession) => {
                return Err(AuthError::SessionRequired);
            }
            (Credential::ApiToken { scope, .. }, Via::Api, Credentials::SessionOrToken) => {
                if !scope.allows(method) {
                    return Err(AuthError::OutOfScope {
                        scope: scope.clone(),
                        action: method.name(),
                    });
                }
                true
            }
        };
        match needs.who {
            Who::AnyUser => {}
            Who::Owner if caller.me.role == Role::Owner => {}
            Who::Owner => return Err(AuthError::Forbidden),
        }
        let confirmed = match needs.proof {
            Proof::None | Proof::CurrentPassword => false,
            Proof::RecentConfirmation if is_token => true,
            Proof::RecentConfirmation => {
                self.require_recent_password(caller).await?;
                true
            }
        };
        Ok(Admitted {
            auth: self,
            caller,
            confirmed,
        })
    }

    /// Whether the caller's session confirmed its password (or a second
    /// factor) within the re-authentication window; for the gate.
    ///
    /// It is read from the database each time, so a confirmation counts at
    /// once for every connection of the session.
    async fn require_recent_password(&self, caller: &Caller) -> Result<(), AuthError> {
        let Some(session_id) = caller.session_id() else {
            return Err(AuthError::SessionRequired);
        };
        let entered = sessions::password_entered_at(self.0.db.reader(), session_id)
            .await?
            .ok_or(AuthError::Unauthenticated)?;
        if self.now().millis_since(entered) > millis(self.0.settings.reauth_window) {
            return Err(AuthError::ReauthRequired);
        }
        Ok(())
    }
}

impl<'a> Admitted<'a> {
    /// Who is calling.
    pub fn caller(&self) -> &'a Caller {
        self.caller
    }

    /// The caller's actions on their own account.
    pub fn user(&self) -> UserActions<'a> {
        UserActions {
            auth: self.auth,
            caller: self.caller,
        }
    }

    /// The owner's actions on the account; `forbidden` for a member.
    pub fn owner(&self) -> Result<OwnerActions<'a>, AuthError> {
        if self.caller.me.role != Role::Owner {
            return Err(AuthError::Forbidden);
        }
        Ok(OwnerActions {
            auth: self.auth,
            owner: self.caller,
        })
    }

    /// The browser session making the call; `session_required` for an API
    /// token.
    pub fn session(&self) -> Result<BrowserSession<'a>, AuthError> {
        match &self.caller.credential {
            Credential::Session { session_id, .. } => Ok(BrowserSession { session_id }),
            Credential::ApiToken { .. } => Err(AuthError::SessionRequired),
        }
    }

    /// The browser session, confirmed recently. An action asking for it
    /// under a method whose entry in the table asks no confirmation is a
    /// mistake in the table: refused, never let through.
    pub fn fresh(&self) -> Result<Fresh<'a>, AuthError> {
        let session = self.session()?;
        self.confirmed()?;
        Ok(Fresh { session })
    }

    /// The proof of a recent confirmation (or of a token that need not
    /// have one), as for [`Admitted::fresh`].
    pub fn confirmed(&self) -> Result<Confirmed, AuthError> {
        if self.confirmed {
            Ok(Confirmed { _private: () })
        } else {
            Err(AuthError::RulesDisagree("recent confirmation"))
        }
    }
}
