//! Invitations over the wire, with the mail going through a real SMTP
//! conversation to a sink on a loopback port: the owner invites, the mail
//! goes to the address with a link on `--public-url` (never the request's
//! `Host`), its page asks for a name and password, and the person is then
//! signed in and listed as a member. A used, revoked or unknown link shows
//! the same page; another site's post is refused; without mail the owner
//! adds members with a first password, as before.

use api::paths;
use auth::mail::PublicUrl;
use reqwest::StatusCode;
use serde_json::{Value, json};
use server::mail::SmtpUrl;

use crate::helpers::{
    Cred, TestApp, TestUser, assert_rpc_error, location, session_token, spawn_app_with, with_cred,
};
use crate::smtp_sink::{Received, SmtpSink};

const PUBLIC_URL: &str = "https://latchkey.example.com";
const GRACE: &str = "grace@example.com";
/// The invitation's subject: the owner's sign-up mails a link too.
const INVITED: &str = "You are invited to join a team on Latchkey";
const GRACE_PASSWORD: &str = "grace's own passphrase";

/// A server that sends its mail to `sink`, with links on `PUBLIC_URL`.
async fn app_sending_to(sink: &SmtpSink) -> TestApp {
    let smtp = SmtpUrl::parse(&sink.url()).unwrap();
    spawn_app_with(|config| {
        config.smtp_url = Some(smtp);
        config.public_url = Some(PublicUrl::parse(PUBLIC_URL).unwrap());
    })
    .await
}

/// The owner (`cookie`) invites `email` by JSON-RPC.
async fn invite(app: &TestApp, cookie: &str, email: &str) -> (StatusCode, Value) {
    app.rpc(
        "account_member_invite",
        json!({"email": email}),
        Cred::Cookie(cookie),
    )
    .await
}

/// The token in the mail's link, which must start with the public URL.
fn link_token(mail: &Received) -> String {
    let body = mail.decoded_body();
    let link = format!("{PUBLIC_URL}{}?token=", paths::page::LOGIN_INVITATION);
    let start = body
        .find(&link)
        .unwrap_or_else(|| panic!("a link in {body}"))
        + link.len();
    body[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect()
}

fn page_of(token: &str) -> String {
    format!("{}?token={token}", paths::page::LOGIN_INVITATION)
}

/// The person posts the page's form.
async fn join(app: &TestApp, token: &str) -> reqwest::Response {
    app.post_form(
        paths::auth::INVITATION,
        &[
            ("token", token),
            ("name", "Grace Hopper"),
            ("password", GRACE_PASSWORD),
        ],
    )
    .await
}

async fn page_html(app: &TestApp, path: &str) -> (StatusCode, String) {
    let page = app.get(path, None).await;
    (page.status(), page.text().await.unwrap())
}

#[tokio::test]
async fn an_invited_person_chooses_a_password_and_is_listed_as_a_member() {
    // Arrange
    let mut sink = SmtpSink::start().await;
    let app = app_sending_to(&sink).await;
    let owner = app.signed_up(&TestUser::generate()).await;

    // Act: invite, receive, open the link, join.
    let (invited, sent) = invite(&app, &owner, GRACE).await;
    let mail = sink.next_about(INVITED).await;
    let token = link_token(&mail);
    let (page_status, page) = page_html(&app, &page_of(&token)).await;
    let joined = join(&app, &token).await;

    // Assert
    assert_eq!(invited, StatusCode::OK, "{sent}");
    assert_eq!(sent["result"]["email"], GRACE);
    assert!(mail.rcpt_to.iter().any(|to| to.contains(GRACE)), "{mail:?}");
    assert!(
        mail.header("subject").unwrap().contains("invited"),
        "{mail:?}"
    );
    assert!(mail.data.contains("text/html"), "an HTML part too");
    assert_eq!(page_status, StatusCode::OK);
    assert!(page.contains(GRACE), "the page names the address");
    assert!(page.contains(&token), "the form carries the token");
    assert!(page.contains("name=\"password\""), "{page}");
    assert_eq!(joined.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&joined), paths::page::SECURITY);
    let member = session_token(joined.headers()).expect("signed in");
    let me = app
        .rpc_ok("account_verify", json!({}), Cred::Cookie(&member))
        .await;
    assert_eq!(me["me"]["role"], "member");
    let members = app
        .rpc_ok("account_member_list", json!({}), Cred::Cookie(&owner))
        .await;
    let listed = members.as_array().unwrap();
    assert!(
        listed
            .iter()
            .any(|m| m["email"] == GRACE && m["name"] == "Grace Hopper" && m["role"] == "member"),
        "{members}"
    );
    let pending = app
        .rpc_ok("account_invitation_list", json!({}), Cred::Cookie(&owner))
        .await;
    assert_eq!(pending["pending"], json!([]), "no longer pending");
}

#[tokio::test]
async fn a_used_a_revoked_and_an_unknown_link_show_the_same_page() {
    // Arrange
    let mut sink = SmtpSink::start().await;
    let app = app_sending_to(&sink).await;
    let owner = app.signed_up(&TestUser::generate()).await;
    invite(&app, &owner, GRACE).await;
    let used = link_token(&sink.next_about(INVITED).await);
    join(&app, &used).await;
    let (_, sent) = invite(&app, &owner, "alan@example.com").await;
    let revoked = link_token(&sink.next_about(INVITED).await);
    app.rpc_ok(
        "account_invitation_revoke",
        json!({"invitation_id": sent["result"]["invitation_id"]}),
        Cred::Cookie(&owner),
    )
    .await;

    // Act
    let pages = [
        page_html(&app, &page_of(&used)).await,
        page_html(&app, &page_of(&revoked)).await,
        page_html(&app, &page_of(&"A".repeat(43))).await,
        page_html(&app, paths::page::LOGIN_INVITATION).await,
    ];
    let by_revoked = join(&app, &revoked).await;

    // Assert
    for (status, html) in &pages {
        assert_eq!(*status, StatusCode::OK);
        assert!(html.contains(app::INVITATION_ENDED), "{html}");
        assert!(!html.contains("name=\"password\""), "no form");
    }
    // The page itself, without the nonce that differs for every answer.
    let strip = |html: &str| {
        let main = html.split("<main").nth(1).unwrap_or_default();
        main.split("</main>").next().unwrap_or_default().to_owned()
    };
    assert_eq!(strip(&pages[0].1), strip(&pages[1].1), "no hint which");
    assert_eq!(strip(&pages[0].1), strip(&pages[2].1), "no hint which");
    assert_eq!(by_revoked.status(), StatusCode::SEE_OTHER);
    let back = location(&by_revoked);
    assert!(back.starts_with(paths::page::LOGIN_INVITATION), "{back}");
    assert!(!back.contains(&revoked), "the ended token is not put back");
    let html = page_html(&app, back).await.1;
    assert!(html.contains(app::INVITATION_ENDED), "{html}");
}

#[tokio::test]
async fn a_forged_host_header_does_not_change_the_link_in_the_mail() {
    // Arrange
    let mut sink = SmtpSink::start().await;
    let app = app_sending_to(&sink).await;
    let owner = app.signed_up(&TestUser::generate()).await;
    let body = json!({
        "jsonrpc": "2.0", "id": 1,
        "method": "account_member_invite", "params": {"email": GRACE},
    });

    // Act
    let request = app
        .client
        .post(app.url(paths::RPC))
        .header("host", "evil.example")
        .header("sec-fetch-site", "same-origin")
        .json(&body);
    let invited = with_cred(request, Cred::Cookie(&owner))
        .send()
        .await
        .unwrap();
    let status = invited.status();
    let answer: Value = invited.json().await.unwrap();

    // Assert
    assert_eq!(status, StatusCode::OK, "{answer}");
    let mail = sink.next_about(INVITED).await;
    let decoded = mail.decoded_body();
    assert!(!decoded.contains("evil.example"), "{decoded}");
    assert!(!link_token(&mail).is_empty());
}

#[tokio::test]
async fn another_sites_post_of_the_form_is_refused_and_the_link_keeps_working() {
    // Arrange
    let mut sink = SmtpSink::start().await;
    let app = app_sending_to(&sink).await;
    let owner = app.signed_up(&TestUser::generate()).await;
    invite(&app, &owner, GRACE).await;
    let token = link_token(&sink.next_about(INVITED).await);

    // Act
    let forged = app
        .client
        .post(app.url(paths::auth::INVITATION))
        .header("origin", "https://evil.example")
        .form(&[
            ("token", token.as_str()),
            ("name", "Mallory"),
            ("password", "mallory's chosen password"),
        ])
        .send()
        .await
        .unwrap();
    let joined = join(&app, &token).await;

    // Assert
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    assert_eq!(location(&joined), paths::page::SECURITY, "still works");
}

#[tokio::test]
async fn an_address_with_an_account_is_refused_with_its_own_code() {
    // Arrange
    let sink = SmtpSink::start().await;
    let app = app_sending_to(&sink).await;
    let someone = TestUser::generate();
    app.signed_up(&someone).await;
    let owner = app.signed_up(&TestUser::generate()).await;

    // Act
    let (status, body) = invite(&app, &owner, &someone.email).await;

    // Assert
    assert_rpc_error(status, &body, StatusCode::CONFLICT, "already_has_account");
}

#[tokio::test]
async fn without_mail_the_owner_adds_members_with_a_first_password_as_before() {
    // Arrange
    let app = spawn_app_with(|config| config.no_mail = true).await;
    let owner = app.signed_up(&TestUser::generate()).await;

    // Act
    let (status, body) = invite(&app, &owner, GRACE).await;
    let listed = app
        .rpc_ok("account_invitation_list", json!({}), Cred::Cookie(&owner))
        .await;
    let added = app.added_member(&owner, "Max").await;

    // Assert
    assert_rpc_error(status, &body, StatusCode::CONFLICT, "mail_off");
    assert_eq!(listed["sends_mail"], false);
    assert_eq!(app.login(&added).await.status(), StatusCode::OK);
}
