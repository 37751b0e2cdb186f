//! The words on each method: what it does, and what calling it requires.

use crate::rpc::Method;
use crate::{Credentials, Proof, Who};

/// What calling the method requires, as the table of who may call what
/// says it.
pub(super) fn requirements(method: Method) -> String {
    let needs = method.requires();
    let who = match needs.who {
        Who::AnyUser => "Any user of the account",
        Who::Owner => "Only an owner of the account",
    };
    let credentials = match needs.credentials {
        Credentials::BrowserSession => "with a browser session (API tokens are refused)",
        Credentials::SessionOrToken => {
            "with a browser session or an API token whose scope allows it"
        }
    };
    let proof = match needs.proof {
        Proof::None => "",
        Proof::RecentConfirmation => {
            ", the password (or a second factor) confirmed within the re-authentication \
             window (`account_password_confirm`) when it is a session"
        }
        Proof::CurrentPassword => ", the current password in the params",
    };
    let effect = if method.only_reads() {
        "It only reads."
    } else {
        "It changes the account."
    };
    format!("{who}, {credentials}{proof}. {effect}")
}

/// What a method does, in a sentence.
#[allow(clippy::too_many_lines, reason = "one short arm per method")]
pub(super) const fn summary(method: Method) -> &'static str {
    match method {
        Method::Verify => "Who is calling, and with what credential.",
        Method::SessionList => {
            "The caller's live sessions, newest first; `current` marks this one."
        }
        Method::SessionRevoke => {
            "Ends one of the caller's sessions; `false` for one that is not theirs."
        }
        Method::SessionRevokeAll => "Ends all the caller's sessions, or all but this one.",
        Method::TokenCreate => "Creates an API token; the secret is in this answer alone.",
        Method::TokenList => "The caller's usable API tokens, never their secrets.",
        Method::TokenRevoke => {
            "Revokes one of the caller's API tokens; `false` for one that is not theirs."
        }
        Method::SecurityGet => "The account's session policy and who is signed in.",
        Method::PolicyGet => "The account's session policy, as it applies to the caller.",
        Method::PolicySet => {
            "Sets a preset, custom minutes, or clears the policy, for every session \
            or (`applies_to: unbound_sessions`) for those not bound to their device; \
            optionally shortens the sessions signed in now."
        }
        Method::SessionsRevoke => {
            "Signs out everyone but this session, or everyone; \
            optionally their API tokens too."
        }
        Method::PasswordConfirm => {
            "Checks the password again; sensitive actions then go through for a while."
        }
        Method::PasswordChange => {
            "Changes the password with the current one; every other session of the caller \
            ends, and with `revoke_api_tokens` their API tokens too."
        }
        Method::MemberAdd => "Adds a member to the account, with a first password.",
        Method::MemberSignOut => {
            "Signs out one user of the account, optionally with their \
            API tokens; another account's user answers `not_found`."
        }
        Method::MemberList => "Every user of the account, with their activity.",
        Method::MemberRemove => {
            "Removes a user from the account; every credential of theirs ends \
            and they can no longer sign in. Not yourself."
        }
        Method::MemberRoleSet => {
            "Makes a user of the account an owner or a member; the last owner \
            stays one (`conflict`)."
        }
        Method::AuditList => {
            "The security log, newest first, a page at a time (`next_cursor`): the whole \
            account for an owner, your own entries for a member."
        }
        Method::SecondFactorGet => {
            "Whether the caller has an authenticator app, and how many recovery codes are left."
        }
        Method::TotpSetupStart => {
            "Starts setting up an authenticator app: the secret and its `otpauth://` \
            address. It counts once confirmed."
        }
        Method::TotpSetupConfirm => {
            "Confirms the app being set up with a code from it; answers the ten recovery \
            codes, shown this once. From then on, signing in asks for a code."
        }
        Method::TotpTurnOff => {
            "Turns the authenticator app off, with the password and a code from the app \
            or a recovery code; the recovery codes go with it."
        }
        Method::MemberSecondFactorReset => {
            "Turns off the authenticator app of a user of the account who lost \
            it; they sign in with their password alone until they set one up again (or, \
            when the account requires one, set one up when they next sign in). Not yourself."
        }
        Method::SecondFactorPolicySet => {
            "Requires a second factor of everyone in the \
            account, or no longer. Turned on, members without one are signed out and set \
            one up when they sign in again; refused while you have none yourself."
        }
        Method::PasskeyList => "The caller's passkeys: name, when added and last used.",
        Method::PasskeyRegisterStart => {
            "Starts registering a passkey: the options for `navigator.credentials.create()`, \
            and the ceremony to finish it with, within five minutes."
        }
        Method::PasskeyRegisterFinish => {
            "Finishes registering a passkey with the browser's answer and a name for it."
        }
        Method::PasskeyRemove => {
            "Removes one of the caller's passkeys; `false` for one that \
            is not theirs. Refused for the last second factor while the account requires one."
        }
        Method::PasskeyConfirmStart => {
            "Starts confirming it is you with a passkey: the options for \
            `navigator.credentials.get()`; send the answer as `passkey` to \
            `account_password_confirm`."
        }
        Method::NoticeList => {
            "The caller's unseen security notices (a password change, a new device, ...), \
            each shown once, in a session other than the one that caused it."
        }
        Method::NoticeAcknowledge => {
            "The notices with these ids have been shown: they are not listed again."
        }
        Method::RecoveryCodesRenew => {
            "Makes ten new recovery codes, shown in this answer alone; the old ones stop \
            working."
        }
        Method::MemberInvite => {
            "Invites someone by mail to join the account: a link that works once, for 7 \
            days, where they choose their name and password. Inviting an address again \
            replaces its earlier link; an address with an account answers \
            `already_has_account`, and a server without mail `mail_off`."
        }
        Method::InvitationList => {
            "The pending invitations, newest first, and whether this server sends mail."
        }
        Method::EmailGet => {
            "The caller's address, when it was verified (none yet: no mail but the link that \
            verifies it goes there), whether this server sends mail, and the link waiting to \
            be used, for this address or the one the caller is changing to."
        }
        Method::EmailVerificationSend => {
            "Mails the link that verifies the address again (to the new address while a change \
            waits), ending the earlier link; once a minute (`rate_limited`). A verified address \
            with no change waiting answers `invalid_params`, a server without mail `mail_off`."
        }
        Method::EmailChange => {
            "Asks to change the caller's address, with the current password: a link goes to \
            the new address (24 hours, once) and the old one is told at once; the address \
            changes only when the link is used. An address another account has answers \
            `email_taken`, a server without mail `mail_off`."
        }
        Method::SecurityMailGet => {
            "Every kind of security notice, whether its mail goes to the caller (`on`), and \
            whether the caller may turn it off (`may_turn_off`: `false` for the mail that \
            protects the account, always sent); and whether this server sends mail."
        }
        Method::SecurityMailSet => {
            "Turns one kind's mail on or off for the caller; the notice in the page is told \
            either way. A kind that protects the account answers `invalid_params` (field \
            `kind`). Answers the kind as it now is."
        }
        Method::InvitationRevoke => {
            "Revokes a pending invitation: its link stops working at once. `false` for one \
            that is not pending in the account."
        }
    }
}
