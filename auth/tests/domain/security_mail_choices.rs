//! Each person chooses which kinds of security mail they get: a kind that
//! may be turned off goes unmailed once they turn it off (the page still
//! tells it), and mailed again once they turn it back on. The mail that
//! protects the account is always sent: it cannot be turned off, and a row
//! saying otherwise, written straight into the database, changes nothing.

use api::rpc::Method;
use api::{
    ApiError, ErrorCode, NoticeKind, Password, PasswordChange, SecurityMail, SecurityMailKind,
    SecurityMailSetParams,
};
use auth::mail::OutgoingMail;
use auth::testing::TestAuth;
use auth::{AuthError, Caller, ClientMeta, Via};

use crate::helpers::{
    PASSWORD, audited_kinds, by_token, caller, change_password, login_request, meta, new_token,
    refused, security_notices, signed_up, test_auth,
};
use crate::outbox::delivered;

const ADA: &str = "ada@example.com";
const BOB: &str = "bob@example.com";

/// A browser none of the user's sessions used before.
fn new_browser() -> ClientMeta {
    ClientMeta::new(
        Some("203.0.113.9".into()),
        Some("Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) Safari/605.1.15"),
    )
}

/// Signed up and verified, the caller of that first session; no mail
/// waiting.
async fn person(t: &TestAuth, email: &str) -> Caller {
    let me = caller(t, &signed_up(t, email).await.token).await;
    delivered(t).await;
    me
}

/// `me` turns `kind`'s mail on or off (`account_security_mail_set`).
async fn set_mail(
    t: &TestAuth,
    me: &Caller,
    kind: NoticeKind,
    on: bool,
) -> Result<SecurityMailKind, AuthError> {
    let admitted = t.auth.admit(me, Method::SecurityMailSet, Via::Api).await?;
    admitted
        .user()
        .set_security_mail(
            &admitted.session()?,
            SecurityMailSetParams { kind, on },
            &meta(),
        )
        .await
}

/// Which security mail `me` gets (`account_security_mail_get`).
async fn mail_choices(t: &TestAuth, me: &Caller) -> SecurityMail {
    let admitted = t
        .auth
        .admit(me, Method::SecurityMailGet, Via::Api)
        .await
        .unwrap();
    admitted.user().security_mail().await.unwrap()
}

/// Whether `kind`'s mail goes to `me`, as `account_security_mail_get` says.
async fn is_on(t: &TestAuth, me: &Caller, kind: NoticeKind) -> bool {
    let choices = mail_choices(t, me).await;
    choices
        .kinds
        .iter()
        .find(|choice| choice.kind == kind)
        .expect("every kind is listed")
        .on
}

/// `email` signs in from a browser they never used; the mail that sends.
async fn sign_in_from_a_new_browser(t: &TestAuth, email: &str) -> Vec<OutgoingMail> {
    t.auth
        .login(login_request(email, PASSWORD), new_browser())
        .await
        .unwrap()
        .session()
        .unwrap();
    delivered(t).await
}

async fn change_ada_password(t: &TestAuth, me: &Caller) {
    let change = PasswordChange {
        current_password: Password::new(PASSWORD.into()),
        new_password: Password::new("another long enough password".into()),
        revoke_api_tokens: false,
    };
    change_password(t, me, change).await.unwrap();
}

#[tokio::test]
async fn every_kind_is_mailed_until_the_person_turns_it_off() {
    let t = test_auth().await;
    let ada = person(&t, ADA).await;

    let choices = mail_choices(&t, &ada).await;

    assert!(choices.sends_mail);
    let kinds: Vec<NoticeKind> = choices.kinds.iter().map(|choice| choice.kind).collect();
    assert_eq!(kinds, NoticeKind::ALL);
    for choice in choices.kinds {
        assert!(choice.on, "{:?}", choice.kind);
        assert_eq!(choice.may_turn_off, choice.kind.may_turn_off_mail());
    }
}

#[tokio::test]
async fn with_new_device_mail_off_a_new_sign_in_is_told_in_the_page_only() {
    // Arrange
    let t = test_auth().await;
    let ada = person(&t, ADA).await;
    let answer = set_mail(&t, &ada, NoticeKind::NewDevice, false)
        .await
        .unwrap();

    // Act
    let sent = sign_in_from_a_new_browser(&t, ADA).await;

    // Assert
    assert!(!answer.on && answer.may_turn_off);
    assert!(sent.is_empty(), "no mail: {sent:?}");
    let told: Vec<NoticeKind> = security_notices(&t, &ada)
        .await
        .iter()
        .map(|notice| notice.kind)
        .collect();
    assert_eq!(told, [NoticeKind::NewDevice], "the page still tells it");
    let reports: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM session_reports")
        .fetch_one(t.db.db.reader())
        .await
        .unwrap();
    assert_eq!(reports, 0, "no \"This wasn't me\" link without its mail");
    assert!(!is_on(&t, &ada, NoticeKind::NewDevice).await);
}

#[tokio::test]
async fn turned_back_on_a_new_sign_in_is_mailed_again() {
    let t = test_auth().await;
    let ada = person(&t, ADA).await;
    set_mail(&t, &ada, NoticeKind::NewDevice, false)
        .await
        .unwrap();

    let answer = set_mail(&t, &ada, NoticeKind::NewDevice, true)
        .await
        .unwrap();
    let sent = sign_in_from_a_new_browser(&t, ADA).await;

    assert!(answer.on);
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(sent[0].subject, "New sign-in to your Latchkey account");
    assert!(is_on(&t, &ada, NoticeKind::NewDevice).await);
}

#[tokio::test]
async fn turning_a_kind_off_twice_or_on_twice_is_the_same_as_once() {
    let t = test_auth().await;
    let ada = person(&t, ADA).await;

    for on in [false, false, true, true] {
        let answer = set_mail(&t, &ada, NoticeKind::TokenCreated, on)
            .await
            .unwrap();
        assert_eq!(answer.on, on);
        assert_eq!(is_on(&t, &ada, NoticeKind::TokenCreated).await, on);
    }
}

#[tokio::test]
async fn the_mail_that_protects_the_account_cannot_be_turned_off() {
    let t = test_auth().await;
    let ada = person(&t, ADA).await;

    for kind in NoticeKind::ALL {
        if kind.may_turn_off_mail() {
            continue;
        }
        let answer = ApiError::from(set_mail(&t, &ada, kind, false).await.unwrap_err());
        assert_eq!(answer.code, ErrorCode::InvalidParams, "{kind:?}");
        assert_eq!(answer.field.as_deref(), Some("kind"));
        assert!(answer.message.contains("always sent"), "{}", answer.message);
        // Turning one on is no change: it is on.
        assert!(set_mail(&t, &ada, kind, true).await.unwrap().on);
        assert!(is_on(&t, &ada, kind).await, "{kind:?}");
    }
    let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM security_mail_off")
        .fetch_one(t.db.db.reader())
        .await
        .unwrap();
    assert_eq!(stored, 0);
}

#[tokio::test]
async fn a_row_written_for_a_protective_kind_changes_nothing() {
    // Arrange: a row no method would write, straight into the database.
    let t = test_auth().await;
    let ada = person(&t, ADA).await;
    t.db.db
        .execute_write(
            sqlx::query(
                "INSERT INTO security_mail_off (user_id, kind, turned_at) VALUES ($1, $2, 0)",
            )
            .bind(ada.me().user_id.as_str())
            .bind(NoticeKind::PasswordChanged.as_str()),
        )
        .await
        .unwrap();

    // Act
    change_ada_password(&t, &ada).await;

    // Assert
    let sent = delivered(&t).await;
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(sent[0].subject, "Your Latchkey password was changed");
    assert!(is_on(&t, &ada, NoticeKind::PasswordChanged).await);
}

#[tokio::test]
async fn one_persons_choice_leaves_anothers_mail_alone() {
    let t = test_auth().await;
    let ada = person(&t, ADA).await;
    let bob = person(&t, BOB).await;

    set_mail(&t, &ada, NoticeKind::NewDevice, false)
        .await
        .unwrap();
    let sent = sign_in_from_a_new_browser(&t, BOB).await;

    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(sent[0].to, BOB);
    assert!(is_on(&t, &bob, NoticeKind::NewDevice).await);
    assert!(!is_on(&t, &ada, NoticeKind::NewDevice).await);
}

#[tokio::test]
async fn a_script_may_read_the_choices_but_not_make_them() {
    let t = test_auth().await;
    let ada = person(&t, ADA).await;
    let script = by_token(&t, &new_token(&t, &ada, "script").await).await;

    let choices = mail_choices(&t, &script).await;
    let refused = refused(&t, &script, Method::SecurityMailSet).await;

    assert_eq!(choices.kinds.len(), NoticeKind::ALL.len());
    assert_eq!(ApiError::from(refused).code, ErrorCode::Forbidden);
}

#[tokio::test]
async fn each_choice_is_in_the_security_log() {
    let t = test_auth().await;
    let ada = person(&t, ADA).await;

    set_mail(&t, &ada, NoticeKind::RoleChanged, false)
        .await
        .unwrap();
    set_mail(&t, &ada, NoticeKind::RoleChanged, true)
        .await
        .unwrap();

    let changed = audited_kinds(&t)
        .await
        .into_iter()
        .filter(|kind| kind == "security_mail_changed")
        .count();
    assert_eq!(changed, 2);
}
