//! The table of who may call what, walked over every transport: every
//! JSON-RPC method over HTTP, in a batch and over a WebSocket, and every
//! server function of the page, each with an owner's session, a member's,
//! a full API token, a read-only one, one that may call only another
//! method, and an owner's session past the re-authentication window. Every
//! answer is the one the table (`Method::requires`) gives.

use std::time::Duration;

use api::rpc::{MAX_BATCH, Method};
use api::{Credentials, Proof, Who};
use app::server_fns::email::{
    ChangeEmail, LoadEmailStatus, LoadEmailVerification, SendVerificationAgain,
};
use app::server_fns::invitations::{
    InviteMember, LoadInvitation, LoadInvitations, RevokeInvitation,
};
use app::server_fns::passkeys::{
    ConfirmWithPasskey, FinishPasskeyRegistration, ListPasskeys, RemovePasskey,
    StartPasskeyConfirmation, StartPasskeyRegistration,
};
use app::server_fns::recovery::LoadResetLink;
use app::server_fns::second_factor::{
    ConfirmTotpSetup, ConfirmWithCode, LoadSecondFactor, LoadWaitingSetup, RenewRecoveryCodes,
    ResetMemberSecondFactor, SetSecondFactorRequired, StartTotpSetup, TurnOffTotp,
};
use app::server_fns::security_mail::{LoadSecurityMail, SetSecurityMail};
use app::server_fns::{
    AcknowledgeSecurityNotices, ConfirmPassword, CreateToken, CurrentUser, ListSessions,
    ListTokens, LoadMembers, LoadPolicy, LoadSecurityLog, LoadSecurityNotices,
    LoadSecurityOverview, RemoveMember, RevokeAccountSessions, RevokeOtherSessions, RevokeSession,
    RevokeToken, SetMemberRole, SetPolicy, SignOutMember, Verify,
};
use leptos::server_fn::ServerFn;
use reqwest::StatusCode;
use reqwest::header::CONTENT_TYPE;
use serde_json::{Value, json};

use crate::helpers::{Cred, TestApp, TestUser, spawn_app, with_cred};

/// Who calls, and with what.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum As {
    OwnerSession,
    MemberSession,
    FullToken,
    ReadOnlyToken,
    /// A token that may call `account_verify` only.
    VerifyOnlyToken,
    /// An owner's session whose password was confirmed longer ago than
    /// the re-authentication window.
    StaleOwnerSession,
}

const EVERYONE: [As; 6] = [
    As::OwnerSession,
    As::MemberSession,
    As::FullToken,
    As::ReadOnlyToken,
    As::VerifyOnlyToken,
    As::StaleOwnerSession,
];

impl As {
    fn is_token(self) -> bool {
        matches!(
            self,
            As::FullToken | As::ReadOnlyToken | As::VerifyOnlyToken
        )
    }
}

/// What the gate answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Gate {
    Admits,
    /// An API token where only a browser session may call.
    SessionRequired,
    /// A token whose scope does not allow the method.
    OutOfScope,
    /// A member where only an owner may call.
    OwnersOnly,
    /// A session that must confirm its password first.
    ReauthRequired,
    /// Refused like no credential at all.
    Unauthenticated,
}

/// What the table says the gate answers `caller` calling `method` over the
/// API (JSON-RPC and REST).
fn over_the_api(method: Method, caller: As) -> Gate {
    let needs = method.requires();
    if caller.is_token() {
        if needs.credentials == Credentials::BrowserSession {
            return Gate::SessionRequired;
        }
        let in_scope = match caller {
            As::ReadOnlyToken => method.only_reads(),
            As::VerifyOnlyToken => method == Method::Verify,
            _ => true,
        };
        if !in_scope {
            return Gate::OutOfScope;
        }
    }
    if needs.who == Who::Owner && caller == As::MemberSession {
        return Gate::OwnersOnly;
    }
    if needs.proof == Proof::RecentConfirmation && caller == As::StaleOwnerSession {
        return Gate::ReauthRequired;
    }
    Gate::Admits
}

/// What the table says the gate answers `caller` calling `method` from
/// the page: API tokens are refused like no credential at all.
fn from_the_page(method: Method, caller: As) -> Gate {
    if caller.is_token() {
        Gate::Unauthenticated
    } else {
        over_the_api(method, caller)
    }
}

/// The gate's answer, read off an error body (`{code, message, field}`);
/// `Admits` for a result or any error the action itself gave.
fn gate_of(error: Option<&Value>) -> Gate {
    let Some(error) = error else {
        return Gate::Admits;
    };
    let code = error["code"].as_str().unwrap_or_default();
    let message = error["message"].as_str().unwrap_or_default();
    match code {
        "unauthenticated" => Gate::Unauthenticated,
        "reauth_required" => Gate::ReauthRequired,
        "forbidden" if error["field"] == "scope" => Gate::OutOfScope,
        "forbidden" if message.contains("browser session") => Gate::SessionRequired,
        "forbidden" if message.contains("Only the account owner") => Gate::OwnersOnly,
        _ => Gate::Admits,
    }
}

/// A JSON-RPC answer's error as `{code, message, field}`.
fn rpc_error(answer: &Value) -> Option<Value> {
    let error = answer.get("error")?;
    Some(json!({
        "code": error["data"]["code"],
        "message": error["message"],
        "field": error["data"]["field"],
    }))
}

/// Notes in `wrong` a JSON-RPC `answer` to `caller` calling `method` that
/// is not the one the table gives.
fn note_if_wrong(wrong: &mut Vec<String>, method: Method, caller: As, answer: &Value) {
    if gate_of(rpc_error(answer).as_ref()) != over_the_api(method, caller) {
        wrong.push(format!("{} as {caller:?}: {answer}", method.name()));
    }
}

/// Params that decode where the method takes none and harm nothing: the
/// walk must not sign its own callers out.
fn params_for(method: Method) -> Value {
    if method == Method::SessionRevokeAll {
        json!({"except_current": true})
    } else {
        json!({})
    }
}

/// One caller of each kind, each in an account of their own (what one
/// does cannot end another's credential).
struct Callers {
    owner: String,
    member: String,
    full: String,
    read_only: String,
    verify_only: String,
    stale: String,
}

impl Callers {
    async fn new(app: &TestApp) -> Self {
        let owner = app.signed_up(&TestUser::generate()).await;
        let members_owner = app.signed_up(&TestUser::generate()).await;
        let member = app.added_member(&members_owner, "Max").await;
        let member = app.logged_in(&member).await;
        let token = |scope: Value| async move {
            let cookie = app.signed_up(&TestUser::generate()).await;
            let created = app
                .rpc_ok(
                    "account_token_create",
                    json!({"name": "walk", "scope": scope}),
                    Cred::Cookie(&cookie),
                )
                .await;
            created["token"].as_str().unwrap().to_owned()
        };
        let full = token(json!("full")).await;
        let read_only = token(json!("read_only")).await;
        let verify_only = token(json!({"methods": ["account_verify"]})).await;
        let stale = app.signed_up(&TestUser::generate()).await;
        Self {
            owner,
            member,
            full,
            read_only,
            verify_only,
            stale,
        }
    }

    fn cred(&self, caller: As) -> Cred<'_> {
        match caller {
            As::OwnerSession => Cred::Cookie(&self.owner),
            As::MemberSession => Cred::Cookie(&self.member),
            As::FullToken => Cred::Bearer(&self.full),
            As::ReadOnlyToken => Cred::Bearer(&self.read_only),
            As::VerifyOnlyToken => Cred::Bearer(&self.verify_only),
            As::StaleOwnerSession => Cred::Cookie(&self.stale),
        }
    }
}

/// The fixtures of a walk: every kind of caller, and the stale one's
/// window run out (the others call nothing that needs it before).
async fn callers_with_one_stale(app: &TestApp) -> Callers {
    let callers = Callers::new(app).await;
    app.clock.advance(Duration::from_mins(16));
    // Everyone else confirms again, as signing in would have done.
    for fresh in [&callers.owner, &callers.member] {
        let (status, body) = app
            .rpc(
                "account_password_confirm",
                json!({"password": "correct horse battery staple"}),
                Cred::Cookie(fresh),
            )
            .await;
        assert_ne!(status, StatusCode::UNAUTHORIZED, "{body}");
    }
    callers
}

#[tokio::test]
async fn every_method_over_http_answers_each_kind_of_caller_as_the_table_says() {
    let app = spawn_app().await;
    let callers = callers_with_one_stale(&app).await;

    let mut wrong = Vec::new();
    for caller in EVERYONE {
        for method in Method::ALL {
            let (_, answer) = app
                .rpc(method.name(), params_for(method), callers.cred(caller))
                .await;
            note_if_wrong(&mut wrong, method, caller, &answer);
        }
    }

    assert!(wrong.is_empty(), "{wrong:#?}");
}

#[tokio::test]
async fn every_method_in_a_batch_answers_each_kind_of_caller_as_the_table_says() {
    let app = spawn_app().await;
    let callers = callers_with_one_stale(&app).await;

    let mut wrong = Vec::new();
    for caller in EVERYONE {
        for methods in Method::ALL.chunks(MAX_BATCH) {
            let batch: Vec<Value> = methods
                .iter()
                .enumerate()
                .map(|(id, method)| {
                    json!({"jsonrpc": "2.0", "id": id, "method": method.name(), "params": params_for(*method)})
                })
                .collect();
            let response = app
                .post_rpc_body(&Value::from(batch).to_string(), callers.cred(caller))
                .await;
            let answers: Vec<Value> = response.json().await.unwrap();
            for (method, answer) in methods.iter().zip(&answers) {
                note_if_wrong(&mut wrong, *method, caller, answer);
            }
        }
    }

    assert!(wrong.is_empty(), "{wrong:#?}");
}

#[tokio::test]
async fn every_method_over_a_websocket_answers_each_kind_of_caller_as_the_table_says() {
    let app = spawn_app().await;
    let callers = callers_with_one_stale(&app).await;

    let mut wrong = Vec::new();
    for caller in EVERYONE {
        let mut socket = app.open_socket(callers.cred(caller), None).await.unwrap();
        for method in Method::ALL {
            let answer = socket.call(method.name(), params_for(method)).await;
            note_if_wrong(&mut wrong, method, caller, &answer);
        }
    }

    assert!(wrong.is_empty(), "{wrong:#?}");
}

/// What a server function reaches.
#[derive(Clone, Copy, Debug)]
enum Reaches {
    /// The action of this method.
    Action(Method),
    /// What only owners see, loaded by every page: `null` for a member.
    OwnersView(Method),
    /// A sign-in waiting for its second factor: no caller at all.
    WaitingSignIn,
    /// The link of an invitation: no caller at all, only its token.
    InvitationLink,
    /// The link that verifies an address: no caller at all, only its token.
    VerificationLink,
    /// The link to choose a new password: no caller at all, only its token.
    ResetLink,
}

/// A server function's arguments.
enum Arguments {
    None,
    Form(Vec<(&'static str, String)>),
    Json(Value),
}

/// Every server function: its path, what it reaches, and arguments that
/// decode (ids of nothing, wrong passwords and codes: the walk changes
/// nothing that matters).
#[allow(clippy::too_many_lines, reason = "one entry per server function")]
fn server_functions() -> Vec<(&'static str, Reaches, Arguments)> {
    use Arguments::{Form, Json};
    use Reaches::{Action, OwnersView};
    let id = || "0".repeat(32);
    let answer = json!({"ceremony": "ended", "credential": {}});
    vec![
        (CurrentUser::PATH, Action(Method::Verify), Arguments::None),
        (Verify::PATH, Action(Method::Verify), Arguments::None),
        (
            LoadSecurityNotices::PATH,
            Action(Method::NoticeList),
            Arguments::None,
        ),
        (
            AcknowledgeSecurityNotices::PATH,
            Action(Method::NoticeAcknowledge),
            Form(vec![("ids[0]", id())]),
        ),
        (
            ConfirmPassword::PATH,
            Action(Method::PasswordConfirm),
            Form(vec![("password", "not the password".into())]),
        ),
        (
            ListSessions::PATH,
            Action(Method::SessionList),
            Arguments::None,
        ),
        (
            RevokeSession::PATH,
            Action(Method::SessionRevoke),
            Form(vec![("session_id", id())]),
        ),
        (
            RevokeOtherSessions::PATH,
            Action(Method::SessionRevokeAll),
            Arguments::None,
        ),
        (
            CreateToken::PATH,
            Action(Method::TokenCreate),
            Form(vec![("name", "walk".into()), ("scope", "read_only".into())]),
        ),
        (ListTokens::PATH, Action(Method::TokenList), Arguments::None),
        (
            RevokeToken::PATH,
            Action(Method::TokenRevoke),
            Form(vec![("token_id", id())]),
        ),
        (LoadPolicy::PATH, Action(Method::PolicyGet), Arguments::None),
        (
            LoadSecurityOverview::PATH,
            OwnersView(Method::SecurityGet),
            Arguments::None,
        ),
        (
            SetPolicy::PATH,
            Action(Method::PolicySet),
            Form(vec![("params[clear]", "true".into())]),
        ),
        (
            LoadMembers::PATH,
            OwnersView(Method::MemberList),
            Arguments::None,
        ),
        (
            LoadInvitations::PATH,
            OwnersView(Method::InvitationList),
            Arguments::None,
        ),
        (
            InviteMember::PATH,
            Action(Method::MemberInvite),
            Form(vec![("email", "walk-invited@example.com".into())]),
        ),
        (
            RevokeInvitation::PATH,
            Action(Method::InvitationRevoke),
            Form(vec![("invitation_id", id())]),
        ),
        (
            LoadInvitation::PATH,
            Reaches::InvitationLink,
            Form(vec![("token", "A".repeat(43))]),
        ),
        (
            RemoveMember::PATH,
            Action(Method::MemberRemove),
            Form(vec![("user_id", id())]),
        ),
        (
            SetMemberRole::PATH,
            Action(Method::MemberRoleSet),
            Form(vec![("user_id", id()), ("role", "member".into())]),
        ),
        (
            LoadSecurityLog::PATH,
            Action(Method::AuditList),
            Arguments::None,
        ),
        (
            SignOutMember::PATH,
            Action(Method::MemberSignOut),
            Form(vec![
                ("user_id", id()),
                ("revoke_api_tokens", "false".into()),
            ]),
        ),
        (
            RevokeAccountSessions::PATH,
            Action(Method::SessionsRevoke),
            Form(vec![
                ("scope", "others".into()),
                ("revoke_api_tokens", "false".into()),
            ]),
        ),
        (
            LoadSecondFactor::PATH,
            Action(Method::SecondFactorGet),
            Arguments::None,
        ),
        (
            LoadWaitingSetup::PATH,
            Reaches::WaitingSignIn,
            Arguments::None,
        ),
        (
            RenewRecoveryCodes::PATH,
            Action(Method::RecoveryCodesRenew),
            Arguments::None,
        ),
        (
            SetSecondFactorRequired::PATH,
            Action(Method::SecondFactorPolicySet),
            Form(vec![("required", "false".into())]),
        ),
        (
            StartTotpSetup::PATH,
            Action(Method::TotpSetupStart),
            Arguments::None,
        ),
        (
            ConfirmTotpSetup::PATH,
            Action(Method::TotpSetupConfirm),
            Form(vec![("code", "000000".into())]),
        ),
        (
            ResetMemberSecondFactor::PATH,
            Action(Method::MemberSecondFactorReset),
            Form(vec![("user_id", id())]),
        ),
        (
            ConfirmWithCode::PATH,
            Action(Method::PasswordConfirm),
            Form(vec![("code", "000000".into())]),
        ),
        (
            TurnOffTotp::PATH,
            Action(Method::TotpTurnOff),
            Form(vec![
                ("password", "not the password".into()),
                ("code", "000000".into()),
            ]),
        ),
        (
            ListPasskeys::PATH,
            Action(Method::PasskeyList),
            Arguments::None,
        ),
        (
            StartPasskeyRegistration::PATH,
            Action(Method::PasskeyRegisterStart),
            Arguments::None,
        ),
        (
            FinishPasskeyRegistration::PATH,
            Action(Method::PasskeyRegisterFinish),
            Json(json!({"name": "walk", "answer": answer})),
        ),
        (
            RemovePasskey::PATH,
            Action(Method::PasskeyRemove),
            Form(vec![("passkey_id", id())]),
        ),
        (
            StartPasskeyConfirmation::PATH,
            Action(Method::PasskeyConfirmStart),
            Arguments::None,
        ),
        (
            ConfirmWithPasskey::PATH,
            Action(Method::PasswordConfirm),
            Json(json!({"answer": answer})),
        ),
        (
            LoadEmailStatus::PATH,
            Action(Method::EmailGet),
            Arguments::None,
        ),
        (
            SendVerificationAgain::PATH,
            Action(Method::EmailVerificationSend),
            Arguments::None,
        ),
        (
            ChangeEmail::PATH,
            Action(Method::EmailChange),
            Form(vec![
                ("new_email", "walk-changed@example.com".into()),
                ("current_password", "not the password".into()),
            ]),
        ),
        (
            LoadEmailVerification::PATH,
            Reaches::VerificationLink,
            Form(vec![("token", "A".repeat(43))]),
        ),
        (
            LoadResetLink::PATH,
            Reaches::ResetLink,
            Form(vec![("token", "A".repeat(43))]),
        ),
        (
            LoadSecurityMail::PATH,
            Action(Method::SecurityMailGet),
            Arguments::None,
        ),
        (
            SetSecurityMail::PATH,
            Action(Method::SecurityMailSet),
            Form(vec![("kind", "new_device".into()), ("on", "true".into())]),
        ),
    ]
}

impl TestApp {
    /// Calls a server function as a page of this site would, with `cred`.
    async fn server_fn(
        &self,
        path: &str,
        arguments: &Arguments,
        cred: Cred<'_>,
    ) -> (StatusCode, Value) {
        let request = self
            .client
            .post(self.url(path))
            .header("sec-fetch-site", "same-origin");
        let request = match arguments {
            Arguments::None => request,
            Arguments::Form(form) => request.form(form),
            Arguments::Json(body) => request
                .header(CONTENT_TYPE, "application/json")
                .body(body.to_string()),
        };
        let response = with_cred(request, cred).send().await.unwrap();
        let status = response.status();
        let text = response.text().await.unwrap();
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }
}

#[test]
fn the_walk_knows_every_server_function() {
    let mut walked: Vec<&str> = server_functions().iter().map(|(path, ..)| *path).collect();
    let mut registered: Vec<&str> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path)
        .collect();
    walked.sort_unstable();
    registered.sort_unstable();

    assert_eq!(
        walked, registered,
        "a server function is missing from the walk"
    );
}

#[tokio::test]
async fn every_server_function_answers_each_kind_of_caller_as_the_table_says() {
    let app = spawn_app().await;
    let callers = callers_with_one_stale(&app).await;

    let mut wrong = Vec::new();
    for caller in EVERYONE {
        for (path, reaches, arguments) in server_functions() {
            let (status, body) = app.server_fn(path, &arguments, callers.cred(caller)).await;
            let error = (!status.is_success()).then_some(&body);
            let right = match reaches {
                Reaches::Action(method) => gate_of(error) == from_the_page(method, caller),
                Reaches::OwnersView(method) => match from_the_page(method, caller) {
                    Gate::OwnersOnly => status == StatusCode::OK && body.is_null(),
                    gate => gate_of(error) == gate && !(gate == Gate::Admits && body.is_null()),
                },
                Reaches::WaitingSignIn => body["code"] == "sign_in_expired",
                Reaches::InvitationLink | Reaches::VerificationLink | Reaches::ResetLink => {
                    body["code"] == "invalid_params" && body["field"] == "token"
                }
            };
            if !right {
                wrong.push(format!("{path} as {caller:?}: {status} {body}"));
            }
        }
    }

    assert!(wrong.is_empty(), "{wrong:#?}");
}

#[tokio::test]
async fn a_read_only_token_changes_nothing_through_the_pages_server_functions() {
    let app = spawn_app().await;
    let owner = app.signed_up(&TestUser::generate()).await;
    let member = app.added_member(&owner, "Max").await;
    let member_id = app.user_id_of(&app.logged_in(&member).await).await;
    let created = app
        .rpc_ok(
            "account_token_create",
            json!({"name": "reader", "scope": "read_only"}),
            Cred::Cookie(&owner),
        )
        .await;
    let secret = created["token"].as_str().unwrap();

    let removed = app
        .server_fn(
            RemoveMember::PATH,
            &Arguments::Form(vec![("user_id", member_id.clone())]),
            Cred::Bearer(secret),
        )
        .await;
    let required = app
        .server_fn(
            SetSecondFactorRequired::PATH,
            &Arguments::Form(vec![("required", "false".into())]),
            Cred::Bearer(secret),
        )
        .await;

    assert_eq!(removed.0, StatusCode::UNAUTHORIZED, "{}", removed.1);
    assert_eq!(removed.1["code"], "unauthenticated");
    assert_eq!(required.0, StatusCode::UNAUTHORIZED, "{}", required.1);
    let members = app
        .rpc_ok("account_member_list", json!({}), Cred::Cookie(&owner))
        .await;
    assert_eq!(
        members.as_array().unwrap().len(),
        2,
        "the member is still there"
    );
}

#[tokio::test]
async fn a_signed_in_page_with_an_api_token_is_a_signed_out_visit() {
    let app = spawn_app().await;
    let owner = app.signed_up(&TestUser::generate()).await;
    let (_, secret) = app.api_token(&owner, "reader").await;

    let page = with_cred(
        app.client.get(app.url("/account/security")),
        Cred::Bearer(&secret),
    )
    .send()
    .await
    .unwrap();

    assert!(page.status().is_redirection(), "{}", page.status());
    assert_eq!(page.headers()["location"], "/login");
    let body = page.text().await.unwrap();
    assert!(!body.contains("API tokens"), "nothing of the page is drawn");
}

#[tokio::test]
async fn no_api_token_removes_a_sign_in_factor_or_changes_the_password_whatever_its_scope() {
    let app = spawn_app().await;
    let owner = app.signed_up(&TestUser::generate()).await;
    let (_, secret) = app.api_token(&owner, "full").await;
    let id = "0".repeat(32);

    let mut answers = Vec::new();
    for (method, params) in [
        ("account_passkey_remove", json!({"passkey_id": id})),
        ("account_passkey_register_start", json!({})),
        ("account_totp_setup_start", json!({})),
        (
            "account_totp_turn_off",
            json!({"password": "x", "code": "000000"}),
        ),
        ("account_member_second_factor_reset", json!({"user_id": id})),
        (
            "account_second_factor_policy_set",
            json!({"required": false}),
        ),
        (
            "account_password_change",
            json!({"current_password": "x", "new_password": "a new long password"}),
        ),
    ] {
        answers.push((method, app.rpc(method, params, Cred::Bearer(&secret)).await));
    }

    for (method, (status, body)) in answers {
        assert_eq!(status, StatusCode::FORBIDDEN, "{method}: {body}");
        assert!(
            body["error"]["message"]
                .as_str()
                .unwrap()
                .contains("browser session"),
            "{method}: {body}"
        );
    }
}

#[tokio::test]
async fn the_rest_routes_ask_the_same_gate() {
    let app = spawn_app().await;
    let owner = app.signed_up(&TestUser::generate()).await;
    let created = app
        .rpc_ok(
            "account_token_create",
            json!({"name": "reader", "scope": "read_only"}),
            Cred::Cookie(&owner),
        )
        .await;
    let reader = created["token"].as_str().unwrap();
    let (_, full) = app.api_token(&owner, "full").await;

    let added = with_cred(
        app.client.post(app.url("/api/account/members")),
        Cred::Bearer(reader),
    )
    .json(&json!({"name": "Eve", "email": "eve@example.com", "password": "a long enough password"}))
    .send()
    .await
    .unwrap();
    let changed = with_cred(
        app.client.post(app.url("/api/auth/password")),
        Cred::Bearer(&full),
    )
    .json(&json!({"current_password": "x", "new_password": "a new long password"}))
    .send()
    .await
    .unwrap();
    let me = with_cred(
        app.client.get(app.url("/api/account/me")),
        Cred::Bearer(reader),
    )
    .send()
    .await
    .unwrap();

    assert_eq!(added.status(), StatusCode::FORBIDDEN);
    let added: Value = added.json().await.unwrap();
    assert_eq!(added["field"], "scope", "{added}");
    assert_eq!(changed.status(), StatusCode::FORBIDDEN);
    assert_eq!(me.status(), StatusCode::OK);
    let listed = app
        .rpc_ok("account_member_list", json!({}), Cred::Cookie(&owner))
        .await;
    assert_eq!(listed.as_array().unwrap().len(), 1, "nobody was added");
}
