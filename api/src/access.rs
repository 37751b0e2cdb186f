//! Who may call what: for every account action, the one entry that every
//! transport reads before the action runs (JSON-RPC over HTTP, over the
//! WebSocket and in batches, the page's server functions, the REST routes).
//! It is an exhaustive `match`, so a new action does not compile until it
//! says what it needs. The scope check, the token form, the `OpenRPC`
//! document and [`Method::only_reads`] are read off it.

use crate::rpc::Method;

/// Who may call an action.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Who {
    /// Any user of the account, on their own things.
    AnyUser,
    /// Only an owner of the account.
    Owner,
}

/// Which credentials may call an action.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Credentials {
    /// Only a person at a browser: a session cookie. An API token is
    /// refused, whatever its scope.
    BrowserSession,
    /// A browser session, or an API token whose scope allows the method.
    SessionOrToken,
}

/// What the caller must have proved lately, beyond holding the credential.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Proof {
    /// Nothing more.
    None,
    /// A browser session must have confirmed its password (or a second
    /// factor) within the re-authentication window. An API token, where
    /// the credentials allow one, passes: making it took such a session.
    RecentConfirmation,
    /// The request itself carries the current password, checked every
    /// time.
    CurrentPassword,
}

/// Whether an action changes anything.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Effect {
    Reads,
    Changes,
}

/// What calling one action requires.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Requirements {
    pub who: Who,
    pub credentials: Credentials,
    pub proof: Proof,
    pub effect: Effect,
}

const fn needs(who: Who, credentials: Credentials, proof: Proof, effect: Effect) -> Requirements {
    Requirements {
        who,
        credentials,
        proof,
        effect,
    }
}

impl Method {
    /// What calling the method requires: the one table.
    pub const fn requires(self) -> Requirements {
        use Credentials::{BrowserSession, SessionOrToken};
        use Effect::{Changes, Reads};
        use Proof::{CurrentPassword, RecentConfirmation};
        use Who::{AnyUser, Owner};
        match self {
            // Reading one's own things.
            Method::Verify
            | Method::SessionList
            | Method::TokenList
            | Method::PolicyGet
            | Method::AuditList
            | Method::SecondFactorGet
            | Method::PasskeyList
            | Method::EmailGet
            | Method::SecurityMailGet => needs(AnyUser, SessionOrToken, Proof::None, Reads),
            // Notices are told to the person at a browser.
            Method::NoticeList => needs(AnyUser, BrowserSession, Proof::None, Reads),
            // Ending one's own sessions and tokens.
            Method::SessionRevoke | Method::SessionRevokeAll | Method::TokenRevoke => {
                needs(AnyUser, SessionOrToken, Proof::None, Changes)
            }
            // What the person at a browser does with what the page shows:
            // acknowledging its notices; proving it is them (the proof
            // itself, and what starts one); having the link that proves the
            // address is theirs mailed again; choosing which security mail
            // they get (the mail that protects the account cannot be
            // turned off, so no proof is asked).
            Method::NoticeAcknowledge
            | Method::PasswordConfirm
            | Method::PasskeyConfirmStart
            | Method::EmailVerificationSend
            | Method::SecurityMailSet => needs(AnyUser, BrowserSession, Proof::None, Changes),
            // A credential, a password or a sign-in factor: a leaked token
            // must mint nothing and strip nothing.
            Method::TokenCreate
            | Method::TotpSetupStart
            | Method::TotpSetupConfirm
            | Method::RecoveryCodesRenew
            | Method::PasskeyRegisterStart
            | Method::PasskeyRegisterFinish
            | Method::PasskeyRemove => needs(AnyUser, BrowserSession, RecentConfirmation, Changes),
            // A new address is where the links to choose a new password
            // go: it asks what a new password does.
            Method::PasswordChange | Method::TotpTurnOff | Method::EmailChange => {
                needs(AnyUser, BrowserSession, CurrentPassword, Changes)
            }
            // The owner reads the account.
            Method::SecurityGet | Method::MemberList | Method::InvitationList => {
                needs(Owner, SessionOrToken, Proof::None, Reads)
            }
            // The owner changes the account.
            Method::PolicySet
            | Method::SessionsRevoke
            | Method::MemberAdd
            | Method::MemberInvite
            | Method::MemberSignOut
            | Method::MemberRemove
            | Method::MemberRoleSet => needs(Owner, SessionOrToken, RecentConfirmation, Changes),
            // The owner ends an invitation: it only takes a way in away,
            // as ending one's own session does.
            Method::InvitationRevoke => needs(Owner, SessionOrToken, Proof::None, Changes),
            // The owner changes how people sign in.
            Method::MemberSecondFactorReset | Method::SecondFactorPolicySet => {
                needs(Owner, BrowserSession, RecentConfirmation, Changes)
            }
        }
    }

    /// Whether an API token can ever call the method (the token form
    /// offers only these).
    pub const fn open_to_tokens(self) -> bool {
        matches!(self.requires().credentials, Credentials::SessionOrToken)
    }

    /// Whether the method only reads: what a read-only API token may call.
    pub const fn only_reads(self) -> bool {
        matches!(self.requires().effect, Effect::Reads)
    }

    /// Whether only an owner may call it.
    pub const fn owner_only(self) -> bool {
        matches!(self.requires().who, Who::Owner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_reads_is_open_to_tokens_and_asks_no_proof() {
        for method in Method::ALL {
            let needs = method.requires();
            if needs.effect == Effect::Reads {
                assert_eq!(needs.proof, Proof::None, "{}", method.name());
            }
        }
        assert!(Method::SessionList.open_to_tokens() && Method::SessionList.only_reads());
        assert!(!Method::NoticeList.open_to_tokens());
    }

    #[test]
    fn sign_in_factors_passwords_and_new_tokens_need_a_browser_session() {
        for method in [
            Method::TokenCreate,
            Method::PasswordChange,
            Method::PasswordConfirm,
            Method::TotpSetupStart,
            Method::TotpSetupConfirm,
            Method::TotpTurnOff,
            Method::RecoveryCodesRenew,
            Method::PasskeyRegisterStart,
            Method::PasskeyRegisterFinish,
            Method::PasskeyRemove,
            Method::MemberSecondFactorReset,
            Method::SecondFactorPolicySet,
            Method::NoticeAcknowledge,
            Method::EmailVerificationSend,
            Method::EmailChange,
            Method::SecurityMailSet,
        ] {
            assert_eq!(
                method.requires().credentials,
                Credentials::BrowserSession,
                "{}",
                method.name()
            );
        }
    }

    #[test]
    fn adding_or_removing_a_factor_needs_a_fresh_confirmation_or_the_password() {
        for method in [
            Method::TotpSetupStart,
            Method::TotpSetupConfirm,
            Method::TotpTurnOff,
            Method::PasskeyRegisterStart,
            Method::PasskeyRegisterFinish,
            Method::PasskeyRemove,
            Method::PasswordChange,
            Method::MemberSecondFactorReset,
        ] {
            assert_ne!(method.requires().proof, Proof::None, "{}", method.name());
        }
    }

    #[test]
    fn every_change_to_the_account_is_the_owners() {
        for method in [
            Method::PolicySet,
            Method::SessionsRevoke,
            Method::MemberAdd,
            Method::MemberInvite,
            Method::InvitationList,
            Method::InvitationRevoke,
            Method::MemberSignOut,
            Method::MemberRemove,
            Method::MemberRoleSet,
            Method::MemberSecondFactorReset,
            Method::SecondFactorPolicySet,
            Method::SecurityGet,
            Method::MemberList,
        ] {
            assert!(method.owner_only(), "{}", method.name());
        }
        assert!(!Method::AuditList.owner_only());
    }

    #[test]
    fn changing_ones_address_asks_what_changing_ones_password_does() {
        assert_eq!(
            Method::EmailChange.requires(),
            Method::PasswordChange.requires()
        );
        assert!(!Method::EmailVerificationSend.owner_only());
        assert!(!Method::EmailVerificationSend.open_to_tokens());
    }

    #[test]
    fn a_script_may_read_which_security_mail_is_sent_but_not_choose() {
        let get = Method::SecurityMailGet;
        let set = Method::SecurityMailSet;

        assert!(get.open_to_tokens() && get.only_reads() && !get.owner_only());
        assert!(!set.open_to_tokens() && !set.only_reads() && !set.owner_only());
        assert_eq!(set.requires().proof, Proof::None);
    }

    #[test]
    fn inviting_a_member_asks_what_adding_one_does() {
        assert_eq!(
            Method::MemberInvite.requires(),
            Method::MemberAdd.requires()
        );
        assert_eq!(
            Method::InvitationList.requires(),
            Method::MemberList.requires()
        );
    }
}
