//! A forgotten password: a link by mail, single use, for 30 minutes, ended
//! by a newer link, a password change or a sign-in; the same answer for
//! an unknown address; every session ended by the new password; and a
//! code or a passkey asked for where the user has a second factor (a real
//! passkey's answer is in `end2end/tests/forgot_password.spec.ts`).

use std::time::Duration;

use api::{ApiError, ErrorCode, Password, PasswordChange, PasswordResetDone};
use auth::testing::TestAuth;
use auth::{AuthError, Clock as _, NewPasswordByLink};

use crate::helpers::{
    PASSWORD, audited_kinds, by_token, caller, change_password, code_at, live_sessions, logged_in,
    logged_in_with, meta, new_token, signed_up, signs_in_with, test_auth, token_in_link, with_app,
};
use crate::outbox::delivered;
use crate::passkeys::{CREDENTIAL_ID, answer, answer_naming, with_passkey};

const NEW_PASSWORD: &str = "a brand new passphrase";

/// Asks for a link for `email` and lets the courier send what is due: the
/// mails sent.
async fn ask_and_deliver(t: &TestAuth, email: &str) -> Vec<auth::mail::OutgoingMail> {
    t.auth.request_password_reset(email, &meta()).await.unwrap();
    delivered(t).await
}

/// The token in the link of the reset mail to `email`.
async fn link_token(t: &TestAuth, email: &str) -> String {
    let sent = ask_and_deliver(t, email).await;
    let mail = sent.last().expect("a mail");
    assert_eq!(mail.to, email);
    token_in_link(mail, "/login/reset")
}

fn choose(password: &str) -> NewPasswordByLink {
    NewPasswordByLink {
        new_password: Password::new(password.into()),
        code: None,
        passkey: None,
        revoke_api_tokens: false,
    }
}

fn with_code(code: &str) -> NewPasswordByLink {
    NewPasswordByLink {
        code: Some(code.into()),
        ..choose(NEW_PASSWORD)
    }
}

async fn reset(
    t: &TestAuth,
    token: &str,
    choice: NewPasswordByLink,
) -> Result<PasswordResetDone, AuthError> {
    t.auth.reset_password(token, choice, &meta()).await
}

fn refused_field(result: Result<PasswordResetDone, AuthError>) -> Option<String> {
    let err = ApiError::from(result.expect_err("refused"));
    assert_eq!(err.code, ErrorCode::InvalidParams);
    err.field
}

#[tokio::test]
async fn a_reset_link_sets_the_new_password_once_and_ends_every_session() {
    // Arrange
    let t = test_auth().await;
    signed_up(&t, "ada@example.com").await;
    logged_in(&t, "ada@example.com").await;
    let token = link_token(&t, "ada@example.com").await;

    // Act
    let done = reset(&t, &token, choose(NEW_PASSWORD)).await.unwrap();
    let again = reset(&t, &token, choose("yet another passphrase")).await;

    // Assert
    assert_eq!(done.sessions_ended, 2);
    assert_eq!(live_sessions(&t, "ada@example.com").await, 0);
    assert_eq!(refused_field(again).as_deref(), Some("token"));
    assert!(signs_in_with(&t, "ada@example.com", NEW_PASSWORD).await);
    assert!(!signs_in_with(&t, "ada@example.com", PASSWORD).await);
    assert!(
        audited_kinds(&t)
            .await
            .contains(&"password_changed".to_owned())
    );
    let detail: String =
        sqlx::query_scalar("SELECT detail FROM audit_events WHERE event = 'password_changed'")
            .fetch_one(t.db.db.reader())
            .await
            .unwrap();
    assert!(detail.contains("link from the mail"), "{detail}");
}

#[tokio::test]
async fn the_reset_mail_links_to_the_public_url_and_its_token_is_stored_hashed() {
    // Arrange
    let t = test_auth().await;
    signed_up(&t, "ada@example.com").await;

    // Act
    let sent = ask_and_deliver(&t, "ada@example.com").await;

    // Assert
    let mail = &sent[0];
    assert!(
        mail.text
            .contains("http://127.0.0.1:3000/login/reset?token=")
    );
    let start = mail.text.find("token=").unwrap() + "token=".len();
    let token = mail.text[start..].split_whitespace().next().unwrap();
    assert_eq!(token.len(), 43, "256 bits, base64url");
    let stored: Vec<String> = sqlx::query_scalar("SELECT token_hash FROM password_resets")
        .fetch_all(t.db.db.reader())
        .await
        .unwrap();
    assert_eq!(
        stored,
        [blake3::hash(token.as_bytes()).to_hex().to_string()]
    );
    let bodies: Vec<String> = sqlx::query_scalar("SELECT text_body FROM mail_outbox")
        .fetch_all(t.db.db.reader())
        .await
        .unwrap();
    assert_eq!(bodies, [""], "a sent mail's link is not kept");
}

#[tokio::test]
async fn an_unknown_address_queues_nothing_yet_answers_the_same() {
    // Arrange
    let t = test_auth().await;
    signed_up(&t, "ada@example.com").await;

    // Act
    let unknown = t
        .auth
        .request_password_reset("nobody@example.com", &meta())
        .await;
    let malformed = t
        .auth
        .request_password_reset("not an address", &meta())
        .await;

    // Assert
    assert!(unknown.is_ok() && malformed.is_ok());
    assert_eq!(t.auth.outbox_counts().await.unwrap().waiting, 0);
    assert!(delivered(&t).await.is_empty());
}

#[tokio::test]
async fn asking_writes_the_same_row_for_any_address_and_the_courier_makes_the_mail() {
    // Arrange
    let t = test_auth().await;
    signed_up(&t, "ada@example.com").await;
    delivered(&t).await;

    // Act
    for email in ["ada@example.com", "nobody@example.com"] {
        t.auth.request_password_reset(email, &meta()).await.unwrap();
    }
    let asked: Vec<String> =
        sqlx::query_scalar("SELECT email FROM password_reset_asks ORDER BY id")
            .fetch_all(t.db.db.reader())
            .await
            .unwrap();
    let waiting = t.auth.outbox_counts().await.unwrap().waiting;
    let sent = delivered(&t).await;

    // Assert: the same write for both; the mail only once the courier ran.
    assert_eq!(asked, ["ada@example.com", "nobody@example.com"]);
    assert_eq!(waiting, 0, "no mail is made while the request waits");
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].to, "ada@example.com");
}

#[tokio::test]
async fn a_reset_link_ends_after_thirty_minutes() {
    // Arrange
    let t = test_auth().await;
    signed_up(&t, "ada@example.com").await;
    let token = link_token(&t, "ada@example.com").await;

    // Act
    t.clock.advance(Duration::from_mins(30));
    let late = reset(&t, &token, choose(NEW_PASSWORD)).await;

    // Assert
    assert_eq!(refused_field(late).as_deref(), Some("token"));
    assert!(signs_in_with(&t, "ada@example.com", PASSWORD).await);
}

#[tokio::test]
async fn a_link_still_works_a_moment_before_thirty_minutes() {
    // Arrange
    let t = test_auth().await;
    signed_up(&t, "ada@example.com").await;
    let token = link_token(&t, "ada@example.com").await;

    // Act
    t.clock
        .advance(Duration::from_mins(30) - Duration::from_secs(1));
    let done = reset(&t, &token, choose(NEW_PASSWORD)).await;

    // Assert
    assert!(done.is_ok());
}

#[tokio::test]
async fn a_newer_link_ends_the_older_one() {
    // Arrange
    let t = test_auth().await;
    signed_up(&t, "ada@example.com").await;
    let older = link_token(&t, "ada@example.com").await;
    let newer = link_token(&t, "ada@example.com").await;

    // Act
    let with_older = reset(&t, &older, choose(NEW_PASSWORD)).await;
    let with_newer = reset(&t, &newer, choose(NEW_PASSWORD)).await;

    // Assert
    assert_eq!(refused_field(with_older).as_deref(), Some("token"));
    assert!(with_newer.is_ok());
}

#[tokio::test]
async fn a_password_change_ends_the_link() {
    // Arrange
    let t = test_auth().await;
    let session = signed_up(&t, "ada@example.com").await;
    let me = caller(&t, &session.token).await;
    let token = link_token(&t, "ada@example.com").await;

    // Act
    change_password(
        &t,
        &me,
        PasswordChange {
            current_password: Password::new(PASSWORD.into()),
            new_password: Password::new("changed by ada herself".into()),
            revoke_api_tokens: false,
        },
    )
    .await
    .unwrap();
    let after = reset(&t, &token, choose(NEW_PASSWORD)).await;

    // Assert
    assert_eq!(refused_field(after).as_deref(), Some("token"));
}

#[tokio::test]
async fn a_sign_in_ends_the_link() {
    // Arrange
    let t = test_auth().await;
    signed_up(&t, "ada@example.com").await;
    let token = link_token(&t, "ada@example.com").await;

    // Act
    logged_in_with(&t, "ada@example.com", PASSWORD).await;
    let after = reset(&t, &token, choose(NEW_PASSWORD)).await;

    // Assert
    assert_eq!(refused_field(after).as_deref(), Some("token"));
}

#[tokio::test]
async fn a_link_of_another_shape_or_unknown_changes_nothing() {
    // Arrange
    let t = test_auth().await;
    signed_up(&t, "ada@example.com").await;
    link_token(&t, "ada@example.com").await;

    // Act
    let junk = reset(&t, "junk", choose(NEW_PASSWORD)).await;
    let unknown = reset(&t, &"A".repeat(43), choose(NEW_PASSWORD)).await;

    // Assert
    assert_eq!(refused_field(junk).as_deref(), Some("token"));
    assert_eq!(refused_field(unknown).as_deref(), Some("token"));
    assert!(signs_in_with(&t, "ada@example.com", PASSWORD).await);
}

#[tokio::test]
async fn a_short_new_password_is_refused_and_keeps_the_link() {
    // Arrange
    let t = test_auth().await;
    signed_up(&t, "ada@example.com").await;
    let token = link_token(&t, "ada@example.com").await;

    // Act
    let short = reset(&t, &token, choose("short")).await;
    let then = reset(&t, &token, choose(NEW_PASSWORD)).await;

    // Assert
    assert_eq!(refused_field(short).as_deref(), Some("new_password"));
    assert!(then.is_ok());
}

#[tokio::test]
async fn api_tokens_are_revoked_when_asked() {
    // Arrange
    let t = test_auth().await;
    let session = signed_up(&t, "ada@example.com").await;
    let me = caller(&t, &session.token).await;
    let created = new_token(&t, &me, "script").await;
    let token = link_token(&t, "ada@example.com").await;

    // Act
    let done = reset(
        &t,
        &token,
        NewPasswordByLink {
            revoke_api_tokens: true,
            ..choose(NEW_PASSWORD)
        },
    )
    .await
    .unwrap();

    // Assert
    assert_eq!(done.api_tokens_revoked, 1);
    let secret = auth::ApiTokenSecret::from_bearer(&created.token).unwrap();
    assert!(t.auth.authenticate_api_token(&secret).await.is_err());
    assert_eq!(t.closer.closed_tokens().len(), 1);
}

#[tokio::test]
async fn api_tokens_outlive_a_reset_that_did_not_ask() {
    // Arrange
    let t = test_auth().await;
    let session = signed_up(&t, "ada@example.com").await;
    let me = caller(&t, &session.token).await;
    let created = new_token(&t, &me, "script").await;
    let token = link_token(&t, "ada@example.com").await;

    // Act
    let done = reset(&t, &token, choose(NEW_PASSWORD)).await.unwrap();

    // Assert
    assert_eq!(done.api_tokens_revoked, 0);
    by_token(&t, &created).await;
}

#[tokio::test]
async fn with_an_app_a_reset_asks_for_a_code_and_a_wrong_one_keeps_the_link() {
    // Arrange
    let t = test_auth().await;
    let session = signed_up(&t, "ada@example.com").await;
    let me = caller(&t, &session.token).await;
    let (secret, _) = with_app(&t, &me).await;
    let token = link_token(&t, "ada@example.com").await;
    t.clock.advance(Duration::from_mins(1));

    // Act
    let without = reset(&t, &token, choose(NEW_PASSWORD)).await;
    let wrong = reset(&t, &token, with_code("000000")).await;
    let right = reset(&t, &token, with_code(&code_at(&secret, t.clock.now()))).await;

    // Assert
    assert_eq!(refused_field(without).as_deref(), Some("code"));
    assert_eq!(refused_field(wrong).as_deref(), Some("code"));
    assert!(right.is_ok(), "{right:?}");
    assert!(t.auth.password_reset_link(&token).await.is_err(), "used");
}

#[tokio::test]
async fn with_an_app_a_recovery_code_opens_the_reset_once() {
    // Arrange
    let t = test_auth().await;
    let session = signed_up(&t, "ada@example.com").await;
    let me = caller(&t, &session.token).await;
    let (_, codes) = with_app(&t, &me).await;
    let recovery = codes.codes[0].clone();
    let token = link_token(&t, "ada@example.com").await;
    let asks = t.auth.password_reset_link(&token).await.unwrap();
    assert!(asks.asks_code && !asks.asks_passkey, "{asks:?}");

    // Act
    let done = reset(&t, &token, with_code(&recovery)).await;
    let token = link_token(&t, "ada@example.com").await;
    let again = reset(
        &t,
        &token,
        NewPasswordByLink {
            code: Some(recovery),
            ..choose("the third passphrase")
        },
    )
    .await;

    // Assert
    assert!(done.is_ok(), "{done:?}");
    assert_eq!(refused_field(again).as_deref(), Some("code"));
}

#[tokio::test]
async fn without_a_second_factor_the_reset_asks_for_no_code() {
    // Arrange
    let t = test_auth().await;
    signed_up(&t, "ada@example.com").await;
    let token = link_token(&t, "ada@example.com").await;

    // Act
    let asks = t.auth.password_reset_link(&token).await.unwrap();
    let done = reset(&t, &token, choose(NEW_PASSWORD)).await;

    // Assert
    assert!(!asks.asks_second_factor(), "{asks:?}");
    assert!(done.is_ok(), "{done:?}");
}

/// Ada with the fixture passkey as her only second factor, and a link:
/// the link's token and her user id.
async fn passkey_only_with_a_link(t: &TestAuth) -> (String, api::UserId) {
    let session = signed_up(t, "ada@example.com").await;
    with_passkey(t, &caller(t, &session.token).await).await;
    let token = link_token(t, "ada@example.com").await;
    (token, session.signed_in.me.user_id)
}

fn with_passkey_answer(ceremony: &str) -> NewPasswordByLink {
    NewPasswordByLink {
        passkey: Some(answer(ceremony)),
        ..choose(NEW_PASSWORD)
    }
}

#[tokio::test]
async fn with_only_a_passkey_the_reset_asks_for_it_and_a_wrong_answer_keeps_the_link() {
    // Arrange
    let t = test_auth().await;
    let (token, ada) = passkey_only_with_a_link(&t).await;

    // Act
    let asks = t.auth.password_reset_link(&token).await.unwrap();
    let without = reset(&t, &token, choose(NEW_PASSWORD)).await;
    let with_a_code = reset(&t, &token, with_code("000000")).await;
    let started = t.auth.start_reset_passkey(&token, &meta()).await.unwrap();
    let unsigned = NewPasswordByLink {
        passkey: Some(answer_naming(&started.ceremony, &ada, CREDENTIAL_ID)),
        ..choose(NEW_PASSWORD)
    };
    let wrong = reset(&t, &token, unsigned).await;
    let replayed = reset(&t, &token, with_passkey_answer(&started.ceremony)).await;

    // Assert
    assert!(asks.asks_passkey && !asks.asks_code, "{asks:?}");
    assert_eq!(refused_field(without).as_deref(), Some("passkey"));
    assert_eq!(
        refused_field(with_a_code).as_deref(),
        Some("passkey"),
        "a code is no way in for a user without an app or recovery codes"
    );
    assert_eq!(
        started.options["allowCredentials"][0]["id"], CREDENTIAL_ID,
        "only the link's user's passkeys"
    );
    assert_eq!(
        refused_field(wrong).as_deref(),
        Some("passkey"),
        "her passkey's answer with no signature sets nothing"
    );
    assert_eq!(
        ApiError::from(replayed.expect_err("refused")).code,
        ErrorCode::SignInExpired,
        "a ceremony is answered once"
    );
    assert!(
        t.auth.password_reset_link(&token).await.is_ok(),
        "the link still works"
    );
    assert!(signs_in_with(&t, "ada@example.com", PASSWORD).await);
    assert!(
        audited_kinds(&t)
            .await
            .contains(&"password_confirm_failed".to_owned())
    );
}

#[tokio::test]
async fn a_reset_takes_only_a_passkey_ceremony_started_for_its_own_link() {
    // Arrange: a ceremony of Ada's sign-in's second step, and one of
    // Bob's reset.
    let t = test_auth().await;
    let (token, _) = passkey_only_with_a_link(&t).await;
    let bob = signed_up(&t, "bob@example.com").await;
    with_passkey_of_bob(&t, &bob).await;
    let bobs_token = link_token(&t, "bob@example.com").await;
    let bobs = t
        .auth
        .start_reset_passkey(&bobs_token, &meta())
        .await
        .unwrap();
    let waiting = crate::helpers::password_step(&t).await;
    let second_step = t
        .auth
        .start_passkey_second_step(&waiting.token, &meta())
        .await
        .unwrap();

    // Act
    let with_bobs = reset(&t, &token, with_passkey_answer(&bobs.ceremony)).await;
    let with_sign_ins = reset(&t, &token, with_passkey_answer(&second_step.ceremony)).await;

    // Assert
    for refused in [with_bobs, with_sign_ins] {
        assert_eq!(
            ApiError::from(refused.expect_err("refused")).code,
            ErrorCode::SignInExpired
        );
    }
    assert!(t.auth.password_reset_link(&token).await.is_ok());
}

/// Bob gets a passkey row of his own (the fixture's key under another id).
async fn with_passkey_of_bob(t: &TestAuth, bob: &auth::NewSession) {
    let bob = caller(t, &bob.token).await;
    t.db.db
        .execute_write(
            sqlx::query(
                "INSERT INTO passkeys (id, user_id, credential_id, name, passkey, created_at) \
                 SELECT $1, $2, 'bobs-credential', name, passkey, created_at FROM passkeys",
            )
            .bind(api::PasskeyId::from_random_bytes([0x78; 16]).as_str())
            .bind(bob.me().user_id.as_str()),
        )
        .await
        .unwrap();
}

#[tokio::test]
async fn a_reset_passkey_ceremony_needs_a_working_link_and_a_passkey() {
    // Arrange
    let t = test_auth().await;
    signed_up(&t, "ada@example.com").await;
    let token = link_token(&t, "ada@example.com").await;

    // Act
    let made_up = t.auth.start_reset_passkey(&"A".repeat(43), &meta()).await;
    let no_passkey = t.auth.start_reset_passkey(&token, &meta()).await;

    // Assert
    let made_up = ApiError::from(made_up.expect_err("refused"));
    assert_eq!(made_up.field.as_deref(), Some("token"));
    assert_eq!(
        ApiError::from(no_passkey.expect_err("refused")).code,
        ErrorCode::Conflict
    );
}

#[tokio::test]
async fn with_an_app_and_a_passkey_either_confirms_a_reset() {
    // Arrange
    let t = test_auth().await;
    let session = signed_up(&t, "ada@example.com").await;
    let me = caller(&t, &session.token).await;
    let (secret, _) = with_app(&t, &me).await;
    with_passkey(&t, &me).await;
    let token = link_token(&t, "ada@example.com").await;
    t.clock.advance(Duration::from_mins(1));

    // Act
    let asks = t.auth.password_reset_link(&token).await.unwrap();
    let without = reset(&t, &token, choose(NEW_PASSWORD)).await;
    let by_code = reset(&t, &token, with_code(&code_at(&secret, t.clock.now()))).await;

    // Assert
    assert!(asks.asks_passkey && asks.asks_code, "{asks:?}");
    assert_eq!(refused_field(without).as_deref(), Some("code"));
    assert!(by_code.is_ok(), "{by_code:?}");
}

#[tokio::test]
async fn asking_for_links_is_limited_per_address() {
    // Arrange
    let t = TestAuth::new(auth::SessionSettings {
        attempts_per_ip_minute: std::num::NonZeroU32::new(3).unwrap(),
        ..auth::SessionSettings::default()
    })
    .await;

    // Act
    let mut answers = Vec::new();
    for n in 0..4 {
        let email = format!("someone{n}@example.com");
        answers.push(t.auth.request_password_reset(&email, &meta()).await);
    }

    // Assert
    assert!(answers[..3].iter().all(Result::is_ok));
    let err = ApiError::from(answers.pop().unwrap().unwrap_err());
    assert_eq!(err.code, ErrorCode::RateLimited);
}

#[tokio::test]
async fn asking_for_links_is_limited_per_email() {
    // Arrange
    let t = TestAuth::new(auth::SessionSettings {
        attempts_per_email_hour: std::num::NonZeroU32::new(24).unwrap(),
        ..auth::SessionSettings::default()
    })
    .await;
    signed_up(&t, "ada@example.com").await;

    // Act: a burst of a twelfth of 24 is 2.
    let mut answers = Vec::new();
    for _ in 0..3 {
        answers.push(
            t.auth
                .request_password_reset("ada@example.com", &meta())
                .await,
        );
    }

    // Assert
    assert!(answers[..2].iter().all(Result::is_ok));
    let err = ApiError::from(answers.pop().unwrap().unwrap_err());
    assert_eq!(err.code, ErrorCode::RateLimited);
}
