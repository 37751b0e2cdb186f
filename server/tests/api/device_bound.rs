//! Sessions bound to the device (DBSC) over HTTP, as Chromium speaks it:
//! the offer on sign-in, `POST /dbsc/register`, and `POST /dbsc/refresh`
//! with its 403 challenge and signed retry. The proofs are signed with a
//! real P-256 key.

use std::time::Duration;

use api::paths;
use reqwest::StatusCode;
use reqwest::header::COOKIE;
use serde_json::{Value, json};
use testkit::TestDevice;

use crate::helpers::{
    Cred, SESSION_COOKIE, TestApp, TestUser, assert_api_error, session_set_cookie, session_token,
    spawn_app,
};

/// A browser session bound to a device: the device, the cookie it keeps
/// fresh, and the identifier it names the session by.
struct Bound {
    device: TestDevice,
    cookie: String,
    identifier: String,
}

/// The value of `name="..."` in a structured-field header.
fn parameter(header: &str, name: &str) -> String {
    header
        .split(&format!("{name}=\""))
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_else(|| panic!("no {name} in {header}"))
        .to_owned()
}

impl TestApp {
    /// Signs a new user up; their cookie, and the challenge the sign-up
    /// offered to bind the session with.
    async fn signed_up_with_offer(&self) -> (String, String) {
        let response = self.signup(&TestUser::generate()).await;
        assert_eq!(response.status(), StatusCode::CREATED);
        offered(&response)
    }
}

/// The cookie a response opening a session sets, and the challenge it
/// offers to bind the session with.
fn offered(response: &reqwest::Response) -> (String, String) {
    let offer = response.headers()["secure-session-registration"]
        .to_str()
        .unwrap();
    assert!(offer.starts_with("(ES256);"), "{offer}");
    assert_eq!(parameter(offer, "path"), paths::DBSC_REGISTER);
    let challenge = parameter(offer, "challenge");
    (session_token(response.headers()).unwrap(), challenge)
}

impl TestApp {
    async fn register(&self, cookie: &str, proof: &str) -> reqwest::Response {
        self.client
            .post(self.url(paths::DBSC_REGISTER))
            .header(COOKIE, format!("{SESSION_COOKIE}={cookie}"))
            .header("secure-session-response", proof)
            .send()
            .await
            .unwrap()
    }

    async fn refresh(&self, identifier: &str, proof: Option<&str>) -> reqwest::Response {
        let request = self
            .client
            .post(self.url(paths::DBSC_REFRESH))
            // Unquoted, as Chromium sends it.
            .header("sec-secure-session-id", identifier);
        let request = match proof {
            Some(proof) => request.header("secure-session-response", proof),
            None => request,
        };
        request.send().await.unwrap()
    }

    /// A new user's session, bound to a new device.
    async fn bound(&self) -> Bound {
        let (cookie, challenge) = self.signed_up_with_offer().await;
        let device = TestDevice::new();
        let response = self
            .register(&cookie, &device.registration(&challenge))
            .await;
        assert_eq!(response.status(), StatusCode::OK);
        let cookie = session_token(response.headers()).expect("the bound cookie");
        let config: Value = response.json().await.unwrap();
        Bound {
            device,
            cookie,
            identifier: config["session_identifier"].as_str().unwrap().to_owned(),
        }
    }

    /// A refresh as the browser does it with `device`: asked, challenged
    /// (403), signed; the answer to the signed retry.
    async fn refreshed_by(&self, bound: &Bound, device: &TestDevice) -> reqwest::Response {
        let asked = self.refresh(&bound.identifier, None).await;
        assert_eq!(asked.status(), StatusCode::FORBIDDEN);
        let challenge = asked.headers()["secure-session-challenge"]
            .to_str()
            .unwrap();
        assert_eq!(parameter(challenge, "id"), bound.identifier);
        let challenge = challenge.split('"').nth(1).unwrap();
        self.refresh(&bound.identifier, Some(&device.refresh(challenge)))
            .await
    }
}

#[tokio::test]
async fn a_device_registers_and_gets_a_cookie_of_minutes_and_the_sessions_configuration() {
    let app = spawn_app().await;
    let (cookie, challenge) = app.signed_up_with_offer().await;
    let device = TestDevice::new();

    let response = app
        .register(&cookie, &device.registration(&challenge))
        .await;

    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers().get_all("set-cookie").iter().count(), 1);
    let set = session_set_cookie(response.headers()).unwrap();
    assert!(set.contains("Max-Age=600"), "{set}");
    let bound = session_token(response.headers()).unwrap();
    let config: Value = response.json().await.unwrap();
    assert_eq!(config["refresh_url"], paths::DBSC_REFRESH);
    assert_eq!(config["credentials"][0]["type"], "cookie");
    assert_eq!(config["credentials"][0]["name"], SESSION_COOKIE);
    assert_eq!(
        config["credentials"][0]["attributes"],
        "Path=/; Secure; HttpOnly; SameSite=Lax"
    );
    let verified = app
        .rpc_ok("account_verify", json!({}), Cred::Cookie(&bound))
        .await;
    assert_eq!(verified["device_bound"], true);
    assert_ne!(
        config["session_identifier"], verified["session_id"],
        "a secret of its own"
    );
    let sessions = app
        .rpc_ok("account_session_list", json!({}), Cred::Cookie(&bound))
        .await;
    assert_eq!(sessions[0]["device_bound"], true);
    let members = app
        .rpc_ok("account_member_list", json!({}), Cred::Cookie(&bound))
        .await;
    assert_eq!(members[0]["bound_sessions"], 1);
}

#[tokio::test]
async fn a_refresh_asks_for_a_proof_then_gives_the_next_cookie_and_the_old_one_stops_after_its_grace()
 {
    let app = spawn_app().await;
    let bound = app.bound().await;

    let renewed = app.refreshed_by(&bound, &bound.device).await;

    assert_eq!(renewed.status(), StatusCode::OK);
    let next = session_token(renewed.headers()).expect("the next cookie");
    assert_eq!(
        app.get(paths::account::ME, Some(&next)).await.status(),
        StatusCode::OK
    );
    app.clock.advance(Duration::from_secs(61));
    let old = app.get(paths::account::ME, Some(&bound.cookie)).await;
    assert_api_error(old, StatusCode::UNAUTHORIZED, "unauthenticated").await;
    assert_eq!(
        app.get(paths::account::ME, Some(&next)).await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_copied_bound_cookie_stops_working_when_its_minutes_are_up() {
    let app = spawn_app().await;
    let bound = app.bound().await;

    app.clock.advance(Duration::from_mins(10));
    let copied = app.get(paths::account::ME, Some(&bound.cookie)).await;

    assert_api_error(copied, StatusCode::UNAUTHORIZED, "unauthenticated").await;
    let renewed = app.refreshed_by(&bound, &bound.device).await;
    assert_eq!(
        renewed.status(),
        StatusCode::OK,
        "the device itself renews it"
    );
}

#[tokio::test]
async fn a_refresh_signed_by_another_device_ends_the_session_as_taken() {
    let app = spawn_app().await;
    let bound = app.bound().await;

    let stolen = app.refreshed_by(&bound, &TestDevice::new()).await;

    assert_api_error(stolen, StatusCode::UNAUTHORIZED, "session_taken").await;
    let holder = app.get(paths::account::ME, Some(&bound.cookie)).await;
    assert_api_error(holder, StatusCode::UNAUTHORIZED, "session_taken").await;
    let again = app.refresh(&bound.identifier, None).await;
    assert_api_error(again, StatusCode::UNAUTHORIZED, "session_taken").await;
}

#[tokio::test]
async fn a_refresh_for_a_session_nobody_bound_gets_no_challenge() {
    let app = spawn_app().await;
    let (_, challenge) = app.signed_up_with_offer().await;

    let unknown = app.refresh(&challenge, None).await;
    let nameless = app
        .client
        .post(app.url(paths::DBSC_REFRESH))
        .send()
        .await
        .unwrap();

    assert_api_error(unknown, StatusCode::UNAUTHORIZED, "unauthenticated").await;
    assert_api_error(nameless, StatusCode::UNAUTHORIZED, "unauthenticated").await;
}

#[tokio::test]
async fn only_the_browser_session_itself_registers_a_key() {
    let app = spawn_app().await;
    let (cookie, challenge) = app.signed_up_with_offer().await;
    let (token, _) = app.api_token(&cookie, "script").await;
    let proof = TestDevice::new().registration(&challenge);

    let by_token = app
        .client
        .post(app.url(paths::DBSC_REGISTER))
        .bearer_auth(&token)
        .header("secure-session-response", &proof)
        .send()
        .await
        .unwrap();
    let without_proof = app
        .client
        .post(app.url(paths::DBSC_REGISTER))
        .header(COOKIE, format!("{SESSION_COOKIE}={cookie}"))
        .send()
        .await
        .unwrap();

    assert_api_error(by_token, StatusCode::UNAUTHORIZED, "unauthenticated").await;
    assert_eq!(without_proof.status(), StatusCode::BAD_REQUEST);
    assert_eq!(app.register(&cookie, &proof).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn another_instance_on_the_same_database_renews_a_cookie_this_one_bound() {
    let a = spawn_app().await;
    let b = a.another_instance(|_| {}).await;
    let bound = a.bound().await;

    let renewed = b.refreshed_by(&bound, &bound.device).await;

    assert_eq!(renewed.status(), StatusCode::OK);
    let next = session_token(renewed.headers()).unwrap();
    assert_eq!(
        a.get(paths::account::ME, Some(&next)).await.status(),
        StatusCode::OK
    );
    let stolen = a.refreshed_by(&bound, &TestDevice::new()).await;
    assert_api_error(stolen, StatusCode::UNAUTHORIZED, "session_taken").await;
    let on_b = b.get(paths::account::ME, Some(&next)).await;
    assert_api_error(on_b, StatusCode::UNAUTHORIZED, "session_taken").await;
}

#[tokio::test]
async fn an_owners_limits_for_unbound_sessions_hold_until_the_browser_binds_the_session() {
    let app = spawn_app().await;
    let owner = TestUser::generate();
    let first = app.signed_up(&owner).await;
    let params = json!({"preset": "strict", "applies_to": "unbound_sessions"});
    let set = app
        .rpc_ok("account_policy_set", params, Cred::Cookie(&first))
        .await;
    let response = app.login(&owner).await;
    assert_eq!(response.status(), StatusCode::OK);
    let (cookie, challenge) = offered(&response);

    let unbound = app
        .rpc_ok("account_verify", json!({}), Cred::Cookie(&cookie))
        .await;
    let registered = app
        .register(&cookie, &TestDevice::new().registration(&challenge))
        .await;
    let cookie = session_token(registered.headers()).expect("the bound cookie");
    let bound = app
        .rpc_ok("account_verify", json!({}), Cred::Cookie(&cookie))
        .await;

    assert_eq!(set["policy"]["unbound_preset"], "strict");
    assert_eq!(
        set["policy"]["effective_unbound_absolute_seconds"],
        8 * 3600
    );
    let hours = |verified: &Value| {
        let ends = verified["absolute_ends_at"].as_i64().unwrap();
        (ends - app.clock_now()) / 3_600_000
    };
    assert_eq!(hours(&unbound), 8);
    assert_eq!(bound["device_bound"], true);
    assert_eq!(hours(&bound), 24, "the account's policy, once bound");
}
