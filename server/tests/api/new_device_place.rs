//! Where a new device signed in from: with a GeoIP database
//! (`--geoip-db`), its notice and mail name the place near its address
//! besides the address; without one, the address alone; and a database that
//! cannot be read stops the start, naming its path.

use std::net::IpAddr;
use std::path::PathBuf;
use std::sync::Arc;

use api::paths;
use auth::mail::PublicUrl;
use auth::testing::{GeoIpFile, KnownRange};
use reqwest::StatusCode;
use reqwest::header::USER_AGENT;
use serde_json::json;
use server::mail::SmtpUrl;
use server::startup::{Application, StartupError};

use crate::helpers::{TestApp, TestUser, spawn_app_with};
use crate::password_reset::PUBLIC_URL;
use crate::smtp_sink::SmtpSink;
use crate::verify_email::verified_by_mail;

const NEW_DEVICE: &str = "New sign-in to your Latchkey account";
const ELSEWHERE: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/130.0";
/// The new device's address, as the proxy in front tells it.
const CLIENT: &str = "198.51.100.7";

const LYON: KnownRange<'static> = KnownRange {
    first: "198.51.100.0",
    last: "198.51.100.255",
    city: &[("fr", "Lyon"), ("en", "Lyon")],
    country: &[("fr", "France"), ("en", "France")],
};

/// A server behind a proxy on this machine that mails to `sink`, with the
/// GeoIP database at `geoip_db` if any.
async fn app_behind_proxy(sink: &SmtpSink, geoip_db: Option<PathBuf>) -> TestApp {
    let smtp = SmtpUrl::parse(&sink.url()).unwrap();
    spawn_app_with(|config| {
        config.smtp_url = Some(smtp);
        config.public_url = Some(PublicUrl::parse(PUBLIC_URL).unwrap());
        config.trusted_proxies = vec![IpAddr::from([127, 0, 0, 1])];
        config.geoip_db = geoip_db;
    })
    .await
}

/// The user, signed up and verified here, signs in from a browser they
/// never used, at `CLIENT`: the text of the mail about it, and the notice's
/// detail on the security page.
async fn told_of_a_new_device(app: &TestApp, sink: &mut SmtpSink) -> (String, String) {
    let user = TestUser::generate();
    app.signed_up(&user).await;
    verified_by_mail(app, sink, &user).await;
    let response = app
        .client
        .post(app.url(paths::auth::LOGIN))
        .header(USER_AGENT, ELSEWHERE)
        .header("x-forwarded-for", CLIENT)
        .json(&json!({"email": user.email, "password": user.password}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let mail = sink.next_about(NEW_DEVICE).await;
    let detail: String =
        sqlx::query_scalar("SELECT detail FROM security_notices WHERE kind = 'new_device'")
            .fetch_one(app.db.db.reader())
            .await
            .unwrap();
    (mail.decoded_body(), detail)
}

#[tokio::test]
async fn with_a_geoip_database_the_new_device_mail_names_the_place_near_its_address() {
    // Arrange
    let geoip = GeoIpFile::city(&[LYON]);
    let mut sink = SmtpSink::start().await;
    let app = app_behind_proxy(&sink, Some(geoip.path().to_owned())).await;

    // Act
    let (mail, detail) = told_of_a_new_device(&app, &mut sink).await;

    // Assert
    assert_eq!(
        detail,
        "Chrome on Windows, 198.51.100.7 (near Lyon, France)"
    );
    assert!(
        mail.contains("from a new device: Chrome on Windows, 198.51.100.7 (near Lyon, France)."),
        "{mail}"
    );
}

#[tokio::test]
async fn without_a_geoip_database_the_new_device_mail_names_its_address() {
    // Arrange
    let mut sink = SmtpSink::start().await;
    let app = app_behind_proxy(&sink, None).await;

    // Act
    let (mail, detail) = told_of_a_new_device(&app, &mut sink).await;

    // Assert
    assert_eq!(detail, "Chrome on Windows, 198.51.100.7");
    assert!(
        mail.contains("from a new device: Chrome on Windows, 198.51.100.7."),
        "{mail}"
    );
    assert!(!mail.contains("near"), "{mail}");
}

#[tokio::test]
async fn a_geoip_database_that_cannot_be_read_stops_the_start_naming_its_path() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("GeoLite2-City.mmdb");
    let mut config = server::config::Config::defaults();
    config.listen = "127.0.0.1:0".parse().unwrap();
    config.database_url = format!("sqlite://{}", dir.path().join("test.db").display());
    config.geoip_db = Some(path.clone());

    let built = Application::build(&config, Arc::new(auth::SystemClock)).await;

    let Err(err @ StartupError::GeoIp(_)) = built else {
        panic!("the start goes on without its GeoIP database");
    };
    assert!(
        err.to_string().contains(&path.display().to_string()),
        "{err}"
    );
}
