use std::net::SocketAddr;
use std::sync::Arc;

use auth::TestClock;
use auth::testing::TestDb;
use reqwest::header::{CONTENT_TYPE, COOKIE, HeaderMap, SET_COOKIE};
use reqwest::{Response, StatusCode, redirect};
use serde_json::{Value, json};
use server::{Application, Config};

pub const SESSION_COOKIE: &str = "__Host-session";

/// A server running on a random port, with its own database and clock.
pub struct TestApp {
    pub addr: SocketAddr,
    pub client: reqwest::Client,
    pub clock: TestClock,
    pub db: TestDb,
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// A server whose configuration the test adjusts first.
pub async fn spawn_app_with(configure: impl FnOnce(&mut Config)) -> TestApp {
    let db = TestDb::new().await;
    let clock = TestClock::new();
    let mut config = Config::defaults();
    config.listen = "127.0.0.1:0".parse().unwrap();
    config.database_url = db.url.clone();
    config.dev = false;
    config.demo = false;
    config.trusted_origins = Vec::new();
    configure(&mut config);
    let app = Application::build(&config, Arc::new(clock.clone()))
        .await
        .expect("build the application");
    let addr = app.addr();
    tokio::spawn(app.run_until_stopped());
    let client = reqwest::Client::builder()
        .redirect(redirect::Policy::none())
        .build()
        .unwrap();
    TestApp {
        addr,
        client,
        clock,
        db,
    }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub async fn post_json(&self, path: &str, body: &Value, cookie: Option<&str>) -> Response {
        let mut request = self.client.post(self.url(path)).json(body);
        if let Some(token) = cookie {
            request = request.header(COOKIE, format!("{SESSION_COOKIE}={token}"));
        }
        request.send().await.expect("request")
    }

    pub async fn post_form(&self, path: &str, form: &[(&str, &str)]) -> Response {
        self.client
            .post(self.url(path))
            .form(form)
            .header("sec-fetch-site", "same-origin")
            .send()
            .await
            .expect("request")
    }

    pub async fn get(&self, path: &str, cookie: Option<&str>) -> Response {
        let mut request = self.client.get(self.url(path));
        if let Some(token) = cookie {
            request = request.header(COOKIE, format!("{SESSION_COOKIE}={token}"));
        }
        request.send().await.expect("request")
    }

    pub async fn signup(&self, user: &TestUser) -> Response {
        self.post_json("/api/auth/signup", &user.signup_body(), None)
            .await
    }

    /// Signs the user up and returns their session token.
    pub async fn signed_up(&self, user: &TestUser) -> String {
        let response = self.signup(user).await;
        assert_eq!(response.status(), StatusCode::CREATED);
        session_token(response.headers()).expect("session cookie")
    }
}

/// A person to sign up, unique per call.
pub struct TestUser {
    pub email: String,
    pub password: String,
}

impl TestUser {
    pub fn generate() -> Self {
        static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Self {
            email: format!("user{n}@example.com"),
            password: "correct horse battery staple".into(),
        }
    }

    pub fn signup_body(&self) -> Value {
        json!({
            "account_name": "Acme",
            "name": "Ada Lovelace",
            "email": self.email,
            "password": self.password,
        })
    }
}

/// The whole `Set-Cookie` header for the session cookie, if the response set it.
pub fn session_set_cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{SESSION_COOKIE}=")))
        .map(str::to_owned)
}

/// The session token a response set, if it set a non-empty one.
pub fn session_token(headers: &HeaderMap) -> Option<String> {
    let header = session_set_cookie(headers)?;
    let value = header.split(';').next()?.split_once('=')?.1;
    (!value.is_empty()).then(|| value.to_owned())
}

/// Asserts an error response: the status and a `{code, message}` JSON body.
pub async fn assert_api_error(response: Response, status: StatusCode, code: &str) {
    assert_eq!(response.status(), status);
    let is_json = response
        .headers()
        .get(CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    assert!(is_json, "error body is not JSON");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["code"], code, "{body}");
    assert!(
        body["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{body}"
    );
}
