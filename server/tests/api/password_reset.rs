//! A forgotten password over the wire, with the mail going through a real
//! SMTP conversation to a sink on a loopback port: the link in the mail
//! (built from `--public-url`, never the request's `Host`) sets a new
//! password, ends the old sessions, and the new password signs in; an
//! unknown address gets the same answer and no mail; a second factor is
//! asked for before the password changes (a passkey's ceremony starts only
//! for a working link); a link that ended shows only that.

use api::paths;
use auth::mail::PublicUrl;
use reqwest::StatusCode;
use server::mail::SmtpUrl;

use crate::helpers::{TestApp, TestUser, location, spawn_app_with};
use crate::second_factor::{code_now, with_app};
use crate::smtp_sink::{Received, SmtpSink};
use crate::verify_email::verified_by_mail;

pub const PUBLIC_URL: &str = "https://latchkey.example.com";
const NEW_PASSWORD: &str = "a brand new passphrase";
const RESET_SUBJECT: &str = "Choose a new password for Latchkey";

/// A server that sends its mail to `sink`, with links on `PUBLIC_URL`.
pub async fn app_sending_to(sink: &SmtpSink) -> TestApp {
    let smtp = SmtpUrl::parse(&sink.url()).unwrap();
    spawn_app_with(|config| {
        config.smtp_url = Some(smtp);
        config.public_url = Some(PublicUrl::parse(PUBLIC_URL).unwrap());
    })
    .await
}

/// The form on `/login/forgot`, posted by a browser on our page.
async fn forgot(app: &TestApp, email: &str) -> reqwest::Response {
    app.post_form(paths::auth::FORGOT, &[("email", email)])
        .await
}

/// The token in the mail's link, which must start with the public URL.
fn link_token(mail: &Received) -> String {
    mail.token_of_link(&format!("{PUBLIC_URL}{}", paths::page::LOGIN_RESET))
}

/// Verifies `user`'s address, asks for a link for it and reads the mail:
/// the link's token.
async fn link_mailed_to(app: &TestApp, sink: &mut SmtpSink, user: &TestUser) -> String {
    verified_by_mail(app, sink, user).await;
    forgot(app, &user.email).await;
    link_token(&sink.next_about(RESET_SUBJECT).await)
}

#[tokio::test]
async fn a_forgotten_password_is_set_again_through_the_mailed_link_and_signs_in() {
    // Arrange
    let mut sink = SmtpSink::start().await;
    let app = app_sending_to(&sink).await;
    let user = TestUser::generate();
    let old_session = app.signed_up(&user).await;
    verified_by_mail(&app, &mut sink, &user).await;
    let login_page = app
        .get(paths::page::LOGIN, None)
        .await
        .text()
        .await
        .unwrap();
    assert!(
        login_page.contains(paths::page::LOGIN_FORGOT),
        "a link to the forgot page"
    );

    // Act: ask, receive, follow the link, set the password.
    let asked = forgot(&app, &user.email).await;
    let mail = sink.next_about(RESET_SUBJECT).await;
    let token = link_token(&mail);
    let reset_page = app
        .get(&format!("{}?token={token}", paths::page::LOGIN_RESET), None)
        .await;
    let reset_status = reset_page.status();
    let reset_html = reset_page.text().await.unwrap();
    let set = app
        .post_form(
            paths::auth::RESET,
            &[("token", &token), ("new_password", NEW_PASSWORD)],
        )
        .await;

    // Assert
    assert_eq!(asked.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        location(&asked),
        format!("{}?sent=1", paths::page::LOGIN_FORGOT)
    );
    assert!(
        mail.rcpt_to.iter().any(|to| to.contains(&user.email)),
        "{mail:?}"
    );
    assert!(mail.header("subject").unwrap().contains("new password"));
    assert!(mail.data.contains("text/html"), "an HTML part too");
    assert_eq!(reset_status, StatusCode::OK);
    assert!(reset_html.contains(&token), "the form carries the token");
    assert_eq!(set.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        location(&set),
        format!("{}?done=1", paths::page::LOGIN_RESET)
    );
    let me = app.get(paths::account::ME, Some(&old_session)).await;
    assert_eq!(
        me.status(),
        StatusCode::UNAUTHORIZED,
        "the old session ended"
    );
    let with_new = TestUser {
        email: user.email.clone(),
        password: NEW_PASSWORD.into(),
    };
    assert_eq!(app.login(&with_new).await.status(), StatusCode::OK);
    assert_eq!(app.login(&user).await.status(), StatusCode::UNAUTHORIZED);
    let again = app
        .post_form(
            paths::auth::RESET,
            &[
                ("token", &token),
                ("new_password", "yet another passphrase"),
            ],
        )
        .await;
    assert!(
        location(&again).starts_with(paths::page::LOGIN_FORGOT),
        "used once"
    );
}

#[tokio::test]
async fn an_unknown_address_gets_the_same_answer_and_no_mail() {
    // Arrange
    let mut sink = SmtpSink::start().await;
    let app = app_sending_to(&sink).await;
    let user = TestUser::generate();
    app.signed_up(&user).await;
    verified_by_mail(&app, &mut sink, &user).await;

    // Act: the unknown one first; the known one's mail shows the courier
    // has been through both.
    let unknown = forgot(&app, "nobody@example.com").await;
    let known = forgot(&app, &user.email).await;
    let mail = sink.next_about(RESET_SUBJECT).await;

    // Assert
    assert_eq!(unknown.status(), known.status());
    assert_eq!(location(&unknown), location(&known));
    let page = app.get(location(&known), None).await.text().await.unwrap();
    assert!(page.contains(app::LINK_ON_ITS_WAY), "{page}");
    assert!(mail.rcpt_to.iter().any(|to| to.contains(&user.email)));
    assert!(sink.so_far().is_empty(), "nothing for the unknown address");
}

#[tokio::test]
async fn a_second_factor_is_asked_for_before_the_new_password_is_set() {
    // Arrange
    let mut sink = SmtpSink::start().await;
    let app = app_sending_to(&sink).await;
    let user = TestUser::generate();
    let (_, secret, _) = with_app(&app, &user).await;
    let token = link_mailed_to(&app, &mut sink, &user).await;

    // Act
    let without_code = app
        .post_form(
            paths::auth::RESET,
            &[("token", &token), ("new_password", NEW_PASSWORD)],
        )
        .await;
    let password_kept = app.login(&user).await.status();
    let page = app
        .get(location(&without_code), None)
        .await
        .text()
        .await
        .unwrap();
    let code = code_now(&app, &secret);
    let with_code = app
        .post_form(
            paths::auth::RESET,
            &[
                ("token", &token),
                ("new_password", NEW_PASSWORD),
                ("code", &code),
            ],
        )
        .await;

    // Assert
    assert_eq!(without_code.status(), StatusCode::SEE_OTHER);
    let back = location(&without_code);
    assert!(back.starts_with(paths::page::LOGIN_RESET), "{back}");
    assert!(
        back.contains("field=code") && back.contains(&token),
        "{back}"
    );
    assert_eq!(password_kept, StatusCode::OK, "the password did not change");
    assert_eq!(
        location(&with_code),
        format!("{}?done=1", paths::page::LOGIN_RESET)
    );
    assert!(page.contains("name=\"code\""), "the page asks for the code");
    assert!(
        !page.contains("data-passkey-sign-in"),
        "and for no passkey: the user has none"
    );
}

#[tokio::test]
async fn the_page_of_a_link_that_ended_shows_no_form() {
    // Arrange
    let mut sink = SmtpSink::start().await;
    let app = app_sending_to(&sink).await;
    let user = TestUser::generate();
    app.signed_up(&user).await;
    let token = link_mailed_to(&app, &mut sink, &user).await;
    let page_of = |token: String| {
        let app = &app;
        async move {
            let path = format!("{}?token={token}", paths::page::LOGIN_RESET);
            app.get(&path, None).await.text().await.unwrap()
        }
    };

    // Act
    let working = page_of(token.clone()).await;
    app.post_form(
        paths::auth::RESET,
        &[("token", &token), ("new_password", NEW_PASSWORD)],
    )
    .await;
    let after_use = page_of(token).await;
    let made_up = page_of("A".repeat(43)).await;

    // Assert
    assert!(working.contains("name=\"new_password\""), "{working}");
    assert!(
        !working.contains("name=\"code\""),
        "no second factor to ask"
    );
    for page in [after_use, made_up] {
        assert!(page.contains(app::RESET_LINK_ENDED), "{page}");
        assert!(!page.contains("name=\"new_password\""), "{page}");
        assert!(
            page.contains(paths::page::LOGIN_FORGOT),
            "a way to a new link"
        );
    }
}

#[tokio::test]
async fn a_passkey_ceremony_for_a_reset_starts_only_for_a_working_link_with_a_passkey() {
    // Arrange
    let mut sink = SmtpSink::start().await;
    let app = app_sending_to(&sink).await;
    let user = TestUser::generate();
    app.signed_up(&user).await;
    let token = link_mailed_to(&app, &mut sink, &user).await;
    let start = |token: String| {
        let app = &app;
        async move {
            let body = serde_json::json!({ "token": token });
            let answer = app
                .post_json(paths::auth::RESET_PASSKEY_START, &body, None)
                .await;
            let status = answer.status();
            (status, answer.json::<serde_json::Value>().await.unwrap())
        }
    };

    // Act
    let (made_up_status, made_up) = start("A".repeat(43)).await;
    let (no_passkey_status, no_passkey) = start(token).await;

    // Assert
    assert_eq!(made_up_status, StatusCode::BAD_REQUEST);
    assert_eq!(made_up["field"], "token");
    assert_eq!(no_passkey_status, StatusCode::CONFLICT);
    assert_eq!(no_passkey["code"], "conflict");
}

#[tokio::test]
async fn a_forged_host_header_does_not_change_the_link_in_the_mail() {
    // Arrange
    let mut sink = SmtpSink::start().await;
    let app = app_sending_to(&sink).await;
    let user = TestUser::generate();
    app.signed_up(&user).await;
    verified_by_mail(&app, &mut sink, &user).await;

    // Act
    let asked = app
        .client
        .post(app.url(paths::auth::FORGOT))
        .header("host", "evil.example")
        .header("sec-fetch-site", "same-origin")
        .form(&[("email", user.email.as_str())])
        .send()
        .await
        .unwrap();
    let mail = sink.next_about(RESET_SUBJECT).await;

    // Assert
    assert_eq!(asked.status(), StatusCode::SEE_OTHER);
    let body = mail.decoded_body();
    assert!(!body.contains("evil.example"), "{body}");
    assert!(!link_token(&mail).is_empty());
}

#[tokio::test]
async fn a_flood_of_asks_from_one_address_is_rate_limited() {
    // Arrange
    let sink = SmtpSink::start().await;
    let smtp = SmtpUrl::parse(&sink.url()).unwrap();
    let app = spawn_app_with(|config| {
        config.smtp_url = Some(smtp);
        config.login_rate_per_ip = std::num::NonZeroU32::new(3).unwrap();
    })
    .await;

    // Act
    let mut answers = Vec::new();
    for n in 0..4 {
        let email = format!("someone{n}@example.com");
        answers.push(location(&forgot(&app, &email).await).to_owned());
    }

    // Assert
    assert!(
        answers[..3].iter().all(|to| to.ends_with("?sent=1")),
        "{answers:?}"
    );
    assert!(answers[3].contains("error=rate_limited"), "{answers:?}");
}

#[tokio::test]
async fn a_forgot_post_from_another_site_is_refused() {
    // Arrange
    let sink = SmtpSink::start().await;
    let app = app_sending_to(&sink).await;

    // Act
    let response = app
        .client
        .post(app.url(paths::auth::FORGOT))
        .header("origin", "https://evil.example")
        .form(&[("email", "ada@example.com")])
        .send()
        .await
        .unwrap();

    // Assert
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_mail_queued_while_the_mail_server_is_down_goes_out_once_it_is_back() {
    // Arrange: a mail server address where nothing listens yet.
    let addr = {
        let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        taken.local_addr().unwrap()
    };
    let smtp = SmtpUrl::parse(&format!("smtp://{addr}")).unwrap();
    let app = spawn_app_with(|config| config.smtp_url = Some(smtp)).await;
    let user = TestUser::generate();
    app.signed_up(&user).await;
    app.address_verified(&user.email).await;

    // Act: ask while it is down; it comes back; the retry is due.
    forgot(&app, &user.email).await;
    let failed_once = outbox_attempts(&app).await;
    let mut sink = SmtpSink::start_on(addr).await;
    app.clock.advance(std::time::Duration::from_secs(31));

    // Assert
    let mail = sink.next_about(RESET_SUBJECT).await;
    assert!(failed_once >= 1, "the first try failed while it was down");
    assert!(mail.rcpt_to.iter().any(|to| to.contains(&user.email)));
}

/// How many tries the outbox's message has had, once it has had one.
async fn outbox_attempts(app: &TestApp) -> i64 {
    for _ in 0..100 {
        let attempts: i64 =
            sqlx::query_scalar("SELECT COALESCE(MAX(attempts), 0) FROM mail_outbox")
                .fetch_one(app.db.db.reader())
                .await
                .unwrap();
        if attempts > 0 {
            return attempts;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    0
}
