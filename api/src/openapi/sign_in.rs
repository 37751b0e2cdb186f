//! Signing up, in (the password, then a second step or a new password)
//! and out; and signing in with a passkey.

use schemars::SchemaGenerator;
use serde_json::{Value, json};

use super::{
    FORM, JSON, Refusals, body, json_body, json_of, redirected, responses, to_json, with_cookie,
};
use crate::{
    EmailVerified, EmailVerifyRequest, ForgotPasswordRequest, InvitationAcceptRequest,
    LoginCodeRequest, LoginRequest, NewPasswordRequest, NotMeDone, NotMeRequest, PasskeyAssertion,
    PasskeyCeremony, PasswordResetDone, PasswordResetRequest, ResetPasskeyStartRequest,
    SignInChallenge, SignedIn, SignupRequest,
};

/// A made-up challenge, for the examples.
const CHALLENGE: &str = "VGhlIGNoYWxsZW5nZSB0aGUgcGFzc3dvcmQgZ2F2ZQAA";

/// Sign-up, the password, code and new-password steps, and sign-out.
pub(super) fn paths(g: &mut SchemaGenerator, refused: &Refusals) -> Value {
    let signed_in = json_of::<SignedIn>(g);
    let code = json!({"code": "123456", "challenge": CHALLENGE});
    let mut paths = json!({
        "/api/auth/signup": {"post": {
            "summary": "Creates an account with you as its owner, and signs you in.",
            "requestBody": body::<SignupRequest>(g, &json!({
                "account_name": "Acme",
                "name": "Ada Lovelace",
                "email": "ada@example.com",
                "password": "correct horse battery staple",
            })),
            "responses": responses([
                ("201", with_cookie(to_json("Signed up and in: the session.", signed_in.clone()))),
                ("303", redirected("to the security page, signed in (the session cookie is \
                    set); or back to `/signup?error=CODE` (and `&field=`).")),
                ("400", refused.bad_body(", or a field is not valid (`field` names it)")),
                ("403", refused.forbidden("")),
                ("409", refused.because("An account with this email exists (`conflict`).")),
                ("413", refused.too_large()),
                ("429", refused.rate_limited("sign-ups and sign-ins from this address")),
                ("500", refused.internal()),
                ("503", refused.busy()),
            ]),
        }},
        "/api/auth/login": {"post": {
            "summary": "Signs in with an email and password (and `next`, the page of a \
                protected app to go back to).",
            "requestBody": body::<LoginRequest>(g, &json!({
                "email": "ada@example.com",
                "password": "correct horse battery staple",
            })),
            "responses": responses([
                ("200", to_json("Signed in: the session, and its cookie is set. Or no session \
                    yet: the challenge to send with the next step, which `waits_for` names: \
                    the code of the user's second factor (`code`, to \
                    `/api/auth/login/code`), a code from the app in `setup` where the account \
                    requires one (`setup`, to `/api/auth/login/setup`), or a password of the \
                    user's own after the server's operator reset theirs (`new_password`, to \
                    `/api/auth/login/password`).", signed_in_or_waiting(g))),
                ("303", redirected("to `next` or the security page, signed in; to the page \
                    that asks for the next step (`/login/code`, `/login/setup` to set an app \
                    up, or `/login/password` to choose a new password), the sign-in waiting \
                    in a cookie; or back to `/login?error=CODE`.")),
                ("400", refused.bad_body("")),
                ("401", refused.because("The email or password is wrong (`unauthenticated`), \
                    the same for an email nobody has.")),
                ("403", refused.forbidden("")),
                ("413", refused.too_large()),
                ("429", refused.rate_limited("sign-in attempts from this address or for this email")),
                ("500", refused.internal()),
                ("503", refused.busy()),
            ]),
        }},
        "/api/auth/login/code": {"post": {
            "summary": "The second step of signing in: a code from the authenticator app, or a \
                recovery code, for the challenge the password step answered (a browser's form \
                has it in a cookie).",
            "requestBody": body::<LoginCodeRequest>(g, &code),
            "responses": code_step_responses(refused, &signed_in, "/login/code"),
        }},
        "/api/auth/login/setup": {"post": {
            "summary": "The second step of signing in where the account requires a second \
                factor and the user has none: a code from the app the password step answered \
                with (`setup`).",
            "requestBody": body::<LoginCodeRequest>(g, &code),
            "responses": code_step_responses(refused, &signed_in, "/login/setup"),
        }},
        "/api/auth/logout": {"post": {
            "summary": "Ends this session and clears its cookie. Reads no body; a form post \
                is redirected.",
            "requestBody": {
                "required": false,
                "content": {
                    JSON: {"schema": {"type": "object"}, "example": {}},
                    FORM: {"schema": {"type": "object"}, "example": {}},
                },
            },
            "responses": responses([
                ("204", with_cookie(json!({"description": "Signed out, or was not signed in: \
                    the cookie is cleared."}))),
                ("303", redirected("to `/login`, the cookie cleared.")),
                ("403", refused.forbidden("")),
                ("413", refused.too_large()),
                ("500", refused.because("Ending the session failed (`internal`); the detail is \
                    in the server's log.")),
            ]),
        }},
    });
    paths["/api/auth/login/password"] = new_password_step(g, refused);
    paths["/api/auth/forgot"] = forgot(g, refused);
    paths["/api/auth/reset"] = reset(g, refused);
    paths["/api/auth/not-me"] = not_me(g, refused);
    paths["/api/auth/invitation"] = invitation(g, refused);
    paths["/api/auth/verify-email"] = verify_email(g, refused);
    paths
}

/// Verifying an address with the link mailed to it.
fn verify_email(g: &mut SchemaGenerator, refused: &Refusals) -> Value {
    json!({"post": {
        "summary": "Verifies an address with the token of the link mailed to it (single use, \
            24 hours; a newer link ends it): the user's own address, or the one they asked to \
            change theirs to, which then becomes theirs. A used, replaced, expired or unknown \
            link is refused the same way. Needs no session.",
        "requestBody": body::<EmailVerifyRequest>(g, &json!({"token": CHALLENGE})),
        "responses": responses([
            ("200", to_json("Verified: the address, and whether it replaced the user's \
                earlier one.", json_of::<EmailVerified>(g))),
            ("303", redirected("to `/login/verify-email?verified=1`; or, the link having \
                ended, back to `/login/verify-email?error=CODE&field=token`.")),
            ("400", refused.bad_body(", or the link has ended (`field` is `token`)")),
            ("403", refused.forbidden("")),
            ("409", refused.because("Another account took the new address meanwhile \
                (`email_taken`); the link is used up.")),
            ("413", refused.too_large()),
            ("429", refused.rate_limited("tries from this address")),
            ("500", refused.internal()),
        ]),
    }})
}

/// "This wasn't me", from the mail about a sign-in from a new device.
fn not_me(g: &mut SchemaGenerator, refused: &Refusals) -> Value {
    json!({"post": {
        "summary": "Ends the session that the mail about a sign-in from a new device was \
            about, with the token of its \"This wasn't me\" link (single use, a week), and its \
            live connections at once; records it in the account's security log; and opens a \
            link to choose a new password (30 minutes, single use), where a browser goes next.",
        "requestBody": body::<NotMeRequest>(g, &json!({"token": CHALLENGE})),
        "responses": responses([
            ("200", to_json("Done: whether the session was still going, and the link to \
                choose a new password.", json_of::<NotMeDone>(g))),
            ("303", redirected("to `/login/reset?token=...&reported=1`; or, the link having \
                ended, back to `/login/not-me?error=CODE&field=token`.")),
            ("400", refused.bad_body(", or the link has ended (`field` is `token`)")),
            ("403", refused.forbidden("")),
            ("413", refused.too_large()),
            ("429", refused.rate_limited("tries from this address")),
            ("500", refused.internal()),
        ]),
    }})
}

/// Joining a team with the link of an invitation.
fn invitation(g: &mut SchemaGenerator, refused: &Refusals) -> Value {
    json!({"post": {
        "summary": "Joins the team of an invitation with the token of the link from the mail, \
            as a member, with a name and password of your own (the same rules as signing up). \
            The link works once, for 7 days; a used, revoked, replaced, expired or unknown one \
            is refused the same way. Then as a sign-in: the session, or, where the team \
            requires a second factor, the challenge to set one up.",
        "requestBody": body::<InvitationAcceptRequest>(g, &json!({
            "token": CHALLENGE,
            "name": "Grace Hopper",
            "password": "a password of my very own",
        })),
        "responses": responses([
            ("200", to_json("Joined and signed in: the session, and its cookie is set. Or, \
                where the team requires a second factor, the challenge to send with a code \
                from the app in `setup` to `/api/auth/login/setup`.",
                signed_in_or_waiting(g))),
            ("303", redirected("to the security page, signed in; to `/login/setup`, the \
                sign-in waiting in a cookie; back to the form \
                (`/login/invitation?token=...&error=CODE&field=...`); or, the link having \
                ended, to `/login/invitation?error=CODE&field=token`.")),
            ("400", refused.bad_body(", the link has ended (`field` is `token`), or the name \
                or password breaks the rules (`name`, `password`)")),
            ("403", refused.forbidden("")),
            ("413", refused.too_large()),
            ("429", refused.rate_limited("sign-ups and sign-ins from this address")),
            ("500", refused.internal()),
            ("503", refused.busy()),
        ]),
    }})
}

/// Asking for a link to choose a new password, by mail.
fn forgot(g: &mut SchemaGenerator, refused: &Refusals) -> Value {
    json!({"post": {
        "summary": "Asks for a mail with a link to choose a new password. Answered the same \
            whether or not the address is a user's; the mail, if any, is queued and sent \
            by the server's courier, never while the request waits. The link works once, for \
            30 minutes.",
        "requestBody": body::<ForgotPasswordRequest>(g, &json!({"email": "ada@example.com"})),
        "responses": responses([
            ("202", to_json("Taken: a mail is on its way if the address is a user's.", json!({
                JSON: {"schema": {
                    "type": "object",
                    "required": ["status"],
                    "properties": {"status": {"type": "string", "const": "accepted"}},
                }},
            }))),
            ("303", redirected("to `/login/forgot?sent=1` whatever the address; or back to \
                `/login/forgot?error=CODE`.")),
            ("400", refused.bad_body("")),
            ("403", refused.forbidden("")),
            ("413", refused.too_large()),
            ("429", refused.rate_limited("asks from this address or for this email")),
            ("500", refused.internal()),
        ]),
    }})
}

/// A new password with the link's token.
fn reset(g: &mut SchemaGenerator, refused: &Refusals) -> Value {
    json!({"post": {
        "summary": "Sets a new password with the token of the link from the mail (the same \
            length rules as everywhere). Where the user has a second factor, one of it is \
            needed too: `code` (an authenticator app's or a recovery code), or `passkey`, the \
            answer to the ceremony `/api/auth/reset/passkey/start` began (JSON only). Ends \
            the link, every session of the user and, with `revoke_api_tokens`, every API \
            token.",
        "requestBody": body::<PasswordResetRequest>(g, &json!({
            "token": CHALLENGE,
            "new_password": "a password of my very own",
            "revoke_api_tokens": false,
        })),
        "responses": responses([
            ("200", to_json("Set: what it ended.", json_of::<PasswordResetDone>(g))),
            ("303", redirected("to `/login/reset?done=1`; back to the form \
                (`/login/reset?token=...&error=CODE&field=...`, `field=code` asking for a \
                code); or, the link having ended, to `/login/forgot?error=CODE&field=token`.")),
            ("400", refused.bad_body(", the link has ended (`field` is `token`), the \
                password breaks the rules (`new_password`), the second factor is missing or \
                a code is wrong (`code`; `passkey` where the user has only a passkey), or the \
                passkey's answer does not check out (`passkey`)")),
            ("401", refused.because("The passkey's ceremony is unknown, was answered or \
                ended (`sign_in_expired`).")),
            ("403", refused.forbidden("")),
            ("413", refused.too_large()),
            ("429", refused.rate_limited("tries from this address or for this user")),
            ("500", refused.internal()),
            ("503", refused.busy()),
        ]),
    }})
}

/// The step of signing in after the server's operator reset the password.
fn new_password_step(g: &mut SchemaGenerator, refused: &Refusals) -> Value {
    json!({"post": {
        "summary": "The step of signing in after the server's operator reset your \
            password: a password of your own (the same length rules as everywhere, and not \
            the one the operator gave), for the challenge the password step answered (a \
            browser's form has it in a cookie). It replaces the operator's, and the sign-in \
            goes on as any would.",
        "requestBody": body::<NewPasswordRequest>(g, &json!({
            "new_password": "a password of my very own",
            "challenge": CHALLENGE,
        })),
        "responses": responses([
            ("200", to_json("Signed in: the session, and its cookie is set. Where the \
                account requires a second factor, no session yet: the challenge of the \
                next step (`waits_for`: `setup`).", signed_in_or_waiting(g))),
            ("303", redirected("to `next` or the security page, signed in; to \
                `/login/setup` where the account requires a second factor; back to \
                `/login/password?error=CODE` (`invalid_params&field=new_password` for a \
                password refused); or to `/login?error=sign_in_expired` when the sign-in has \
                ended.")),
            ("400", refused.bad_body(", or the new password is too short, too long, or \
                the one the operator gave (`field`: `new_password`)")),
            ("401", refused.because("No sign-in waits for a new password with this \
                challenge: five minutes went by, too many passwords were refused, or there \
                was none (`sign_in_expired`).")),
            ("403", refused.forbidden("")),
            ("413", refused.too_large()),
            ("429", refused.rate_limited("sign-in attempts from this address or for this user")),
            ("500", refused.internal()),
            ("503", refused.busy()),
        ]),
    }})
}

/// A JSON answer that is a session, or a sign-in waiting for its next step.
fn signed_in_or_waiting(g: &mut SchemaGenerator) -> Value {
    json!({JSON: {"schema": {"oneOf": [
        g.subschema_for::<SignedIn>(),
        g.subschema_for::<SignInChallenge>(),
    ]}}})
}

/// The answers of a code step (`/api/auth/login/code` or `/setup`), whose
/// browser page is `page`.
fn code_step_responses(refused: &Refusals, signed_in: &Value, page: &str) -> Value {
    responses([
        (
            "200",
            with_cookie(to_json("Signed in: the session.", signed_in.clone())),
        ),
        (
            "303",
            redirected(&format!(
                "to `next` or the security page, signed in; back to \
            `{page}?error=invalid_params` for a wrong code; or to `/login?error=sign_in_expired` \
            when the sign-in has ended."
            )),
        ),
        (
            "400",
            refused.bad_body(", or the code is wrong or was used (`field`: `code`)"),
        ),
        (
            "401",
            refused.because(
                "No sign-in waits for this challenge: five minutes went by, \
            too many codes were wrong, or there was none (`sign_in_expired`).",
            ),
        ),
        ("403", refused.forbidden("")),
        ("413", refused.too_large()),
        (
            "429",
            refused.rate_limited("sign-in attempts from this address or for this user"),
        ),
        ("500", refused.internal()),
    ])
}

/// Signing in with a passkey: alone, or as the second step. These take
/// JSON only, and answer JSON whatever they are sent.
pub(super) fn passkey_paths(g: &mut SchemaGenerator, refused: &Refusals) -> Value {
    let ceremony = json_of::<PasskeyCeremony>(g);
    let landed = json!({JSON: {"schema": {"allOf": [
        g.subschema_for::<SignedIn>(),
        {"type": "object", "required": ["landing"], "properties": {
            "landing": {"type": "string", "description": "The page to go to."},
        }},
    ]}}});
    let answer = json!({
        "ceremony": "VGhlIGNlcmVtb255IHRoZSBzdGFydCBhbnN3ZXJlZAAA",
        "credential": {"id": "…", "rawId": "…", "type": "public-key", "response": {}},
    });
    let not_checked = ", or the answer does not check out or names a passkey nobody \
        registered (`field`: `passkey`)";
    json!({
        "/api/auth/passkey/start": {"post": {
            "summary": "Starts signing in with a passkey alone: the options for \
                `navigator.credentials.get()`, naming nobody. Reads no body.",
            "responses": responses([
                ("200", json!({"description": "The ceremony, for five minutes.", "content": ceremony})),
                ("403", refused.forbidden("")),
                ("413", refused.too_large()),
                ("429", refused.rate_limited("sign-in attempts from this address")),
                ("500", refused.internal()),
            ]),
        }},
        "/api/auth/passkey/finish": {"post": {
            "summary": "Signs in with the browser's answer to the ceremony (and `next`, the \
                page of a protected app to go back to).",
            "requestBody": json_body::<PasskeyAssertion>(g, &answer),
            "responses": responses([
                ("200", with_cookie(to_json("Signed in: the session, and `landing`, the page \
                    to go to.", landed.clone()))),
                ("400", refused.bad_body(not_checked)),
                ("401", refused.because("The ceremony is unknown, was answered or ended \
                    (`sign_in_expired`), or the passkey's user is gone (`unauthenticated`).")),
                ("403", refused.forbidden("")),
                ("413", refused.too_large()),
                ("429", refused.rate_limited("sign-in attempts from this address")),
                ("500", refused.internal()),
            ]),
        }},
        "/api/auth/reset/passkey/start": {"post": {
            "summary": "Starts confirming a new password with a passkey: the options for \
                `navigator.credentials.get()`, for the passkeys of the link's user. The \
                answer goes with the new password to `/api/auth/reset`, as `passkey`.",
            "requestBody": json_body::<ResetPasskeyStartRequest>(g, &json!({"token": CHALLENGE})),
            "responses": responses([
                ("200", json!({"description": "The ceremony, for five minutes.", "content": ceremony})),
                ("400", refused.bad_body(", or the link has ended (`field` is `token`)")),
                ("403", refused.forbidden("")),
                ("409", refused.because("The user has no passkey (`conflict`).")),
                ("413", refused.too_large()),
                ("429", refused.rate_limited("tries from this address")),
                ("500", refused.internal()),
            ]),
        }},
        "/api/auth/login/passkey/start": {"post": {
            "summary": "The second step of signing in with a passkey instead of a code: the \
                options for the waiting sign-in's user (its cookie, or `challenge`).",
            "requestBody": {
                "required": false,
                "content": {JSON: {
                    "schema": {"type": "object", "properties": {"challenge": {
                        "type": "string",
                        "description": "The password step's challenge; a browser leaves it \
                            out, its cookie has it.",
                    }}},
                    "example": {"challenge": CHALLENGE},
                }},
            },
            "responses": responses([
                ("200", json!({"description": "The ceremony, for five minutes.", "content": ceremony})),
                ("401", refused.because("No sign-in waits for a second step with this \
                    challenge (`sign_in_expired`).")),
                ("403", refused.forbidden("")),
                ("409", refused.because("The user has no passkey (`conflict`).")),
                ("413", refused.too_large()),
                ("429", refused.rate_limited("sign-in attempts from this address")),
                ("500", refused.internal()),
            ]),
        }},
        "/api/auth/login/passkey/finish": {"post": {
            "summary": "Finishes the waiting sign-in with the passkey's answer (and \
                `challenge`, for a script).",
            "requestBody": json_body::<PasskeyAssertion>(g, &answer),
            "responses": responses([
                ("200", with_cookie(to_json("Signed in: the session, and `landing`, the page \
                    to go to.", landed))),
                ("400", refused.bad_body(not_checked)),
                ("401", refused.because("No sign-in waits for this challenge, or the \
                    ceremony is unknown, was answered or ended (`sign_in_expired`).")),
                ("403", refused.forbidden("")),
                ("413", refused.too_large()),
                ("429", refused.rate_limited("sign-in attempts from this address or for this user")),
                ("500", refused.internal()),
            ]),
        }},
    })
}
