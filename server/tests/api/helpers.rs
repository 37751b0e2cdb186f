use api::paths;
use std::net::SocketAddr;
use std::sync::Arc;

use std::num::NonZeroU32;
use std::time::Duration;

use api::Timestamp;

use auth::testing::TestDb;
use auth::{Clock, SystemClock, TestClock};
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, COOKIE, HeaderMap, LOCATION};
use reqwest::{Response, StatusCode, redirect};
use serde_json::{Value, json};
use server::config::ClockSource;
use server::{Application, Config};
use testkit::ServerProcess;

pub use testkit::SESSION_COOKIE;

/// A server running on a random port, with its own database and clock.
pub struct TestApp {
    pub addr: SocketAddr,
    pub client: reqwest::Client,
    pub clock: TestClock,
    pub db: Arc<TestDb>,
    /// The server's own connection pools, for tests that take them away;
    /// `None` when the server runs in another process.
    pub server_db: Option<auth::Db>,
    /// Where the server serves metrics, when it does.
    pub metrics_addr: Option<SocketAddr>,
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// A server whose configuration the test adjusts first.
pub async fn spawn_app_with(configure: impl FnOnce(&mut Config)) -> TestApp {
    let clock = TestClock::new();
    spawn(configure, Arc::new(clock.clone()), clock).await
}

/// A server on the real clock, for the few tests that need time to pass
/// on the server by itself (a session expiring while its stream is open).
pub async fn spawn_app_on_real_time(configure: impl FnOnce(&mut Config)) -> TestApp {
    spawn(configure, Arc::new(SystemClock), TestClock::new()).await
}

async fn spawn(
    configure: impl FnOnce(&mut Config),
    server_clock: Arc<dyn Clock>,
    clock: TestClock,
) -> TestApp {
    let db = Arc::new(TestDb::new().await);
    start(db, configure, server_clock, clock).await
}

/// Starts a server on `db` with test settings, adjusted by `configure`.
async fn start(
    db: Arc<TestDb>,
    configure: impl FnOnce(&mut Config),
    server_clock: Arc<dyn Clock>,
    clock: TestClock,
) -> TestApp {
    let mut config = test_config(&db);
    configure(&mut config);
    let app = Application::build(&config, server_clock)
        .await
        .expect("build the application");
    let addr = app.addr();
    let metrics_addr = app.metrics_addr();
    let server_db = Some(app.auth().db().clone());
    tokio::spawn(app.run_until_stopped());
    TestApp {
        addr,
        client: test_client(),
        clock,
        db,
        server_db,
        metrics_addr,
    }
}

/// A clock a fixed time ahead of a test clock.
struct Ahead {
    clock: TestClock,
    by: i64,
}

impl Clock for Ahead {
    fn now(&self) -> Timestamp {
        Timestamp::from_millis(self.clock.now().as_millis() + self.by)
    }
}

/// The settings every test server starts from, on `db`.
fn test_config(db: &TestDb) -> Config {
    let mut config = Config::defaults();
    config.listen = "127.0.0.1:0".parse().unwrap();
    config.database_url.clone_from(&db.url);
    config.dev = false;
    config.demo = false;
    config.trusted_origins = Vec::new();
    // The test clock alone says what time it is.
    config.clock = ClockSource::Local;
    // Mail with no SMTP set goes to files: never into the source tree.
    config.mail_dir = std::env::temp_dir().join("latchkey-test-mail");
    // Generous limits, so only the rate-limit tests meet them.
    config.login_rate_per_ip = NonZeroU32::new(10_000).unwrap();
    config.login_rate_per_email_hour = NonZeroU32::new(10_000).unwrap();
    config
}

/// Builds a server on `db` and drops it without serving: what a process
/// does as it starts.
pub async fn build_and_drop(db: &TestDb) {
    Application::build(&test_config(db), Arc::new(TestClock::new()))
        .await
        .expect("build the application");
}

/// The server binary on `db` and a loopback port of its choosing, with
/// generous limits and no demo account, logging warnings; `env` adds to or
/// overrides that.
pub fn server_binary(db: &TestDb, env: &[(&str, &str)]) -> tokio::process::Command {
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_latchkey"));
    command
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("DATABASE_URL", &db.url)
        .env("LATCHKEY_LISTEN", "127.0.0.1:0")
        .env("LATCHKEY_DEMO", "false")
        .env("LATCHKEY_MAX_SESSIONS", "1000")
        .env("LATCHKEY_LOGIN_RATE_PER_IP", "100000")
        .env("LATCHKEY_LOGIN_RATE_PER_EMAIL_HOUR", "100000")
        // Mail with no SMTP set goes to files: never into the source tree
        // (signing up mails a link that verifies the address).
        .env(
            "LATCHKEY_MAIL_DIR",
            std::env::temp_dir().join("latchkey-test-mail"),
        )
        .env("RUST_LOG", "warn")
        .envs(env.iter().copied())
        .stderr(std::process::Stdio::inherit());
    command
}

/// The server binary, started on `db` and a loopback port of its choosing.
pub struct ServerBinary {
    pub process: ServerProcess,
    pub app: TestApp,
}

impl ServerBinary {
    pub async fn start(db: Arc<TestDb>) -> Self {
        Self::start_with(db, &[]).await
    }

    /// Started with `env` added to its environment (see [`server_binary`]).
    pub async fn start_with(db: Arc<TestDb>, env: &[(&str, &str)]) -> Self {
        let process = ServerProcess::start(server_binary(&db, env))
            .await
            .expect("start the server binary");
        let app = TestApp::of_process(process.addr, db);
        Self { process, app }
    }

    pub async fn kill(self) {
        self.process.kill().await.expect("kill the server");
    }
}

/// Runs the operator's command `latchkey ARGS` on the app's database: its
/// exit status and output.
pub async fn latchkey(app: &TestApp, args: &[&str]) -> (bool, String, String) {
    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_latchkey"))
        .args(args)
        .env_clear()
        .env("DATABASE_URL", &app.db.url)
        .env("RUST_LOG", "warn")
        .output()
        .await
        .expect("run latchkey");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// The operator resets the user's password (`latchkey users
/// reset-password`), which needs a server on the real clock: what it
/// printed, and the password it gave.
pub async fn reset_by_operator(app: &TestApp, email: &str) -> (String, String) {
    let (ok, out, err) = latchkey(app, &["users", "reset-password", email]).await;
    assert!(ok, "{out}{err}");
    let password = out
        .lines()
        .skip_while(|line| !line.starts_with("New password"))
        .nth(1)
        .expect("the password on the line after")
        .trim()
        .to_owned();
    (out, password)
}

/// A client that follows no redirects. Every request, a live stream's
/// body included, must finish within a minute: a server that stops answering
/// fails the test with the request named instead of hanging the suite.
fn test_client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(redirect::Policy::none())
        .timeout(std::time::Duration::from_mins(1))
        .build()
        .unwrap()
}

impl TestApp {
    /// A server running in another process at `addr`, on `db`.
    pub fn of_process(addr: SocketAddr, db: Arc<TestDb>) -> TestApp {
        TestApp {
            addr,
            client: test_client(),
            clock: TestClock::new(),
            db,
            server_db: None,
            metrics_addr: None,
        }
    }

    /// A second server instance on the same database and clock, as when
    /// several instances share one PostgreSQL.
    pub async fn another_instance(&self, configure: impl FnOnce(&mut Config)) -> TestApp {
        self.another_instance_ahead(Duration::ZERO, configure).await
    }

    /// A second server instance whose own clock runs `ahead` of this one's.
    pub async fn another_instance_ahead(
        &self,
        ahead: Duration,
        configure: impl FnOnce(&mut Config),
    ) -> TestApp {
        let clock = Ahead {
            clock: self.clock.clone(),
            by: i64::try_from(ahead.as_millis()).unwrap(),
        };
        start(
            self.db.clone(),
            configure,
            Arc::new(clock),
            self.clock.clone(),
        )
        .await
    }
}

impl TestApp {
    /// The test clock's time, as the server reads it.
    pub fn clock_now(&self) -> i64 {
        self.clock.now().as_millis()
    }

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

    /// An HTML form posted from a page of ours by the browser holding `cookie`.
    pub async fn post_form_as(&self, path: &str, form: &[(&str, &str)], cookie: &str) -> Response {
        self.client
            .post(self.url(path))
            .form(form)
            .header("sec-fetch-site", "same-origin")
            .header(COOKIE, format!("{SESSION_COOKIE}={cookie}"))
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
        self.post_json(paths::auth::SIGNUP, &user.signup_body(), None)
            .await
    }

    /// Marks the user's address verified, as the link mailed to it does:
    /// for tests of other mail that read no link from the sign-up's mail
    /// (no mail but that link goes to an address not verified).
    pub async fn address_verified(&self, email: &str) {
        self.db
            .db
            .execute_write(
                sqlx::query("UPDATE users SET email_verified_at = 1 WHERE email = $1")
                    .bind(email.to_lowercase()),
            )
            .await
            .unwrap();
    }

    /// Signs the user up and returns their session token.
    pub async fn signed_up(&self, user: &TestUser) -> String {
        let response = self.signup(user).await;
        assert_eq!(response.status(), StatusCode::CREATED);
        session_token(response.headers()).expect("session cookie")
    }
}

/// What a request authenticates with.
#[derive(Clone, Copy, Debug)]
pub enum Cred<'a> {
    Cookie(&'a str),
    Bearer(&'a str),
    Nothing,
}

impl TestApp {
    /// Calls a JSON-RPC method over HTTP; returns the status and the body.
    pub async fn rpc(&self, method: &str, params: Value, cred: Cred<'_>) -> (StatusCode, Value) {
        let body = json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params});
        let response = self.post_rpc_body(&body.to_string(), cred).await;
        let status = response.status();
        (status, response.json().await.expect("a JSON-RPC response"))
    }

    /// Posts a raw JSON-RPC body.
    pub async fn post_rpc_body(&self, body: &str, cred: Cred<'_>) -> Response {
        let request = self
            .client
            .post(self.url(paths::RPC))
            .header(CONTENT_TYPE, "application/json")
            .body(body.to_owned());
        with_cred(request, cred).send().await.expect("request")
    }

    /// Calls a method that must succeed and returns its result.
    pub async fn rpc_ok(&self, method: &str, params: Value, cred: Cred<'_>) -> Value {
        let (status, body) = self.rpc(method, params, cred).await;
        assert_eq!(status, StatusCode::OK, "{method}: {body}");
        body["result"].clone()
    }

    /// Signs the user in with their password, as a script would.
    pub async fn login(&self, user: &TestUser) -> Response {
        self.post_json(
            paths::auth::LOGIN,
            &json!({"email": user.email, "password": user.password}),
            None,
        )
        .await
    }

    /// Signs the user in again (a second device) and returns the token.
    pub async fn logged_in(&self, user: &TestUser) -> String {
        let response = self.login(user).await;
        assert_eq!(response.status(), StatusCode::OK);
        session_token(response.headers()).expect("session cookie")
    }

    /// A page load with `cookie` rotates it (the test has moved the clock
    /// past the interval); the browser comes back with the new one, which
    /// starts the old one's grace. Returns the new one.
    pub async fn rotated_and_presented(&self, cookie: &str) -> String {
        let page = self.get(paths::page::SECURITY, Some(cookie)).await;
        assert_eq!(page.status(), StatusCode::OK);
        let new = session_token(page.headers()).expect("a rotated cookie");
        let me = self.get(paths::account::ME, Some(&new)).await;
        assert_eq!(me.status(), StatusCode::OK);
        new
    }

    /// The body of the page at `path`, as the browser holding `cookie` gets it.
    pub async fn page_text(&self, path: &str, cookie: &str) -> String {
        self.get(path, Some(cookie))
            .await
            .text()
            .await
            .expect("a page body")
    }

    /// The page at `path` as a browser in the middle of signing in gets it,
    /// with the `challenge` cookie (`name=value`).
    pub async fn page_text_with_challenge(&self, path: &str, challenge: &str) -> String {
        self.client
            .get(self.url(path))
            .header(COOKIE, challenge)
            .send()
            .await
            .expect("request")
            .text()
            .await
            .expect("a page body")
    }

    /// The owner of `owner_cookie` adds a new member named `name`.
    pub async fn added_member(&self, owner_cookie: &str, name: &str) -> TestUser {
        let member = TestUser::generate();
        let added = self
            .post_json(
                paths::account::MEMBERS,
                &json!({"name": name, "email": member.email, "password": member.password}),
                Some(owner_cookie),
            )
            .await;
        assert_eq!(added.status(), StatusCode::CREATED);
        member
    }

    /// Creates an API token for the session's user; returns (id, secret).
    pub async fn api_token(&self, session: &str, name: &str) -> (String, String) {
        let created = self
            .rpc_ok(
                "account_token_create",
                json!({"name": name}),
                Cred::Cookie(session),
            )
            .await;
        (
            created["id"].as_str().unwrap().to_owned(),
            created["token"].as_str().unwrap().to_owned(),
        )
    }
}

impl TestApp {
    /// What the security page does once it has shown its notices: tells the
    /// server which (here, every unseen notice the session may be shown).
    pub async fn acknowledge_notices(&self, cookie: &str) {
        let ids: Vec<String> =
            sqlx::query_scalar("SELECT id FROM security_notices WHERE seen_at IS NULL")
                .fetch_all(self.db.db.reader())
                .await
                .unwrap();
        if ids.is_empty() {
            return;
        }
        let form: Vec<(String, String)> = ids
            .into_iter()
            .enumerate()
            .map(|(i, id)| (format!("ids[{i}]"), id))
            .collect();
        let response = self
            .call_server_fn("acknowledge_security_notices", cookie, &form)
            .await;
        assert_eq!(response.status(), StatusCode::OK);
    }

    /// Calls the server function `name` as a page of this site would, with
    /// the session cookie and `form` as its arguments.
    pub async fn call_server_fn(
        &self,
        name: &str,
        cookie: &str,
        form: &[(String, String)],
    ) -> Response {
        let (path, _) = leptos::server_fn::axum::server_fn_paths()
            .find(|(path, _)| path.contains(name))
            .expect("the server function is registered");
        self.client
            .post(self.url(path))
            .header(COOKIE, format!("{SESSION_COOKIE}={cookie}"))
            .header("sec-fetch-site", "same-origin")
            .form(form)
            .send()
            .await
            .expect("request")
    }

    /// The id of the session behind `cookie`.
    pub async fn session_id_of(&self, cookie: &str) -> Value {
        self.rpc_ok("account_verify", json!({}), Cred::Cookie(cookie))
            .await["session_id"]
            .clone()
    }

    /// The id of the user behind `cookie`.
    pub async fn user_id_of(&self, cookie: &str) -> String {
        self.rpc_ok("account_verify", json!({}), Cred::Cookie(cookie))
            .await["me"]["user_id"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// Revokes a session as the user of `cookie`; the answer.
    pub async fn revoke_session(&self, cookie: &str, session_id: &Value) -> Value {
        self.rpc_ok(
            "account_session_revoke",
            json!({"session_id": session_id}),
            Cred::Cookie(cookie),
        )
        .await
    }
}

pub fn with_cred(request: reqwest::RequestBuilder, cred: Cred<'_>) -> reqwest::RequestBuilder {
    match cred {
        Cred::Cookie(token) => request.header(COOKIE, format!("{SESSION_COOKIE}={token}")),
        Cred::Bearer(token) => request.header(AUTHORIZATION, format!("Bearer {token}")),
        Cred::Nothing => request,
    }
}

/// Asserts a JSON-RPC error: the status, `error.data.code`, and the
/// numeric code in the server range.
pub fn assert_rpc_error(status: StatusCode, body: &Value, want_status: StatusCode, code: &str) {
    assert_eq!(status, want_status, "{body}");
    assert_eq!(body["jsonrpc"], "2.0", "{body}");
    assert_eq!(body["error"]["data"]["code"], code, "{body}");
    assert!(
        body["error"]["code"].as_i64().is_some_and(|c| c <= -32_000),
        "{body}"
    );
    assert!(body.get("result").is_none(), "{body}");
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
    testkit::set_cookie_header(headers, SESSION_COOKIE).map(str::to_owned)
}

/// The session token a response set, if it set a non-empty one.
pub fn session_token(headers: &HeaderMap) -> Option<String> {
    let pair = testkit::cookie_pair(headers, SESSION_COOKIE)?;
    let value = pair.split_once('=')?.1;
    (!value.is_empty()).then(|| value.to_owned())
}

/// The sign-in challenge cookie's name (the test server sends secure
/// cookies).
pub const CHALLENGE_COOKIE: &str = "__Host-sign-in";

/// The challenge cookie a response set, as `name=value`.
pub fn challenge_cookie(response: &Response) -> String {
    testkit::cookie_pair(response.headers(), CHALLENGE_COOKIE).expect("a challenge cookie")
}

/// Where a redirect sends the browser.
pub fn location(response: &Response) -> &str {
    response.headers()[LOCATION].to_str().unwrap()
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

/// A validator for `schema`, whose `$ref`s point into `document`.
pub fn validator(document: &Value, schema: &Value) -> jsonschema::Validator {
    let mut root = json!({"components": document["components"].clone()});
    if let (Some(root), Some(schema)) = (root.as_object_mut(), schema.as_object()) {
        root.extend(schema.clone());
    }
    jsonschema::draft202012::new(&root).expect("a valid JSON Schema")
}

pub fn assert_fits(validator: &jsonschema::Validator, value: &Value, what: &str) {
    let errors: Vec<String> = validator
        .iter_errors(value)
        .map(|err| err.to_string())
        .collect();
    assert!(
        errors.is_empty(),
        "{what}: {value} does not fit: {errors:?}"
    );
}
