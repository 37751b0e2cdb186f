//! Hostile input on every route: malformed JSON, wrong types, invalid UTF-8,
//! huge bodies, unknown methods, overlong cookies and header injection. Each
//! is refused with a 4xx and a stable error code (or, on a page, answered as
//! a signed-out visit), never a 5xx, and the server keeps serving.

use api::paths;
use std::net::SocketAddr;

use app::server_fns::{
    AcknowledgeSecurityNotices, CreateToken, RevokeAccountSessions, RevokeSession, RevokeToken,
    SetPolicy,
};
use leptos::server_fn::ServerFn;
use reqwest::header::{CONTENT_TYPE, COOKIE};
use reqwest::{Method, Response, StatusCode};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::helpers::{Cred, SESSION_COOKIE, TestApp, TestUser, spawn_app};

/// How a route answers, which decides where its error code is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Answers {
    /// `{code, message}`.
    Json,
    /// A JSON-RPC response with the code name in `error.data.code`.
    JsonRpc,
    /// A Leptos server function: its error is the `ApiError` as JSON.
    ServerFn,
    /// HTML, or a redirect for a signed-out visit.
    Page,
}

struct Route {
    method: Method,
    path: String,
    answers: Answers,
}

impl Route {
    fn new(method: Method, path: impl Into<String>, answers: Answers) -> Self {
        Self {
            method,
            path: path.into(),
            answers,
        }
    }

    /// Whether the route reads a request body: sign-out and the server
    /// functions without arguments read none.
    fn takes_a_body(&self) -> bool {
        let server_fns_with_arguments = [
            RevokeSession::PATH,
            CreateToken::PATH,
            RevokeToken::PATH,
            SetPolicy::PATH,
            RevokeAccountSessions::PATH,
            AcknowledgeSecurityNotices::PATH,
        ];
        match self.answers {
            Answers::ServerFn => server_fns_with_arguments.contains(&self.path.as_str()),
            _ => self.method == Method::POST && self.path != paths::auth::LOGOUT,
        }
    }
}

fn every_route() -> Vec<Route> {
    let mut routes = vec![
        Route::new(Method::POST, paths::auth::SIGNUP, Answers::Json),
        Route::new(Method::POST, paths::auth::LOGIN, Answers::Json),
        Route::new(Method::POST, paths::auth::LOGIN_PASSWORD, Answers::Json),
        Route::new(Method::POST, paths::auth::LOGOUT, Answers::Json),
        Route::new(Method::POST, paths::auth::PASSWORD, Answers::Json),
        Route::new(Method::POST, paths::account::MEMBERS, Answers::Json),
        Route::new(Method::GET, paths::account::ME, Answers::Json),
        Route::new(Method::POST, paths::RPC, Answers::JsonRpc),
        Route::new(Method::GET, paths::WS, Answers::Json),
        Route::new(Method::GET, paths::EVENTS, Answers::Json),
        Route::new(Method::POST, paths::CLIENT_ERRORS, Answers::Json),
        Route::new(Method::GET, "/api/no/such/route", Answers::Json),
        Route::new(Method::GET, "/", Answers::Page),
        Route::new(Method::GET, paths::page::LOGIN, Answers::Page),
        Route::new(Method::GET, paths::page::LOGIN_PASSWORD, Answers::Page),
        Route::new(Method::GET, paths::page::SIGNUP, Answers::Page),
        Route::new(Method::GET, paths::page::SECURITY, Answers::Page),
    ];
    let mut server_fns: Vec<_> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, method)| Route::new(method, path, Answers::ServerFn))
        .collect();
    assert!(
        server_fns.len() >= 10,
        "the server functions are registered"
    );
    server_fns.sort_by(|a, b| a.path.cmp(&b.path));
    routes.extend(server_fns);
    routes
}

/// The bodies every route that reads one must refuse, with the answer.
fn bad_bodies() -> Vec<(
    &'static str,
    &'static str,
    Vec<u8>,
    StatusCode,
    &'static str,
)> {
    vec![
        (
            "malformed JSON",
            "application/json",
            b"{\"email\": \"ada@".to_vec(),
            StatusCode::BAD_REQUEST,
            "invalid_params",
        ),
        (
            "wrong types",
            "application/json",
            br#"{"email": 42, "password": [], "name": {}, "jsonrpc": 2, "method": 7, "session_id": false}"#
                .to_vec(),
            StatusCode::BAD_REQUEST,
            "invalid_params",
        ),
        (
            "required fields missing",
            "application/json",
            b"{}".to_vec(),
            StatusCode::BAD_REQUEST,
            "invalid_params",
        ),
        (
            "invalid UTF-8",
            "application/json",
            b"{\"email\": \"\xff\xfe\", \"password\": \"\xc3\x28\"}".to_vec(),
            StatusCode::BAD_REQUEST,
            "invalid_params",
        ),
        (
            "invalid UTF-8 in a form",
            "application/x-www-form-urlencoded",
            b"email=%ff%fe&password=\xc3\x28&name=\xff".to_vec(),
            StatusCode::BAD_REQUEST,
            "invalid_params",
        ),
        (
            "an empty JSON array (for JSON-RPC, an empty batch)",
            "application/json",
            b"[]".to_vec(),
            StatusCode::BAD_REQUEST,
            "invalid_params",
        ),
        (
            "not JSON at all",
            "text/plain",
            b"email=ada".to_vec(),
            StatusCode::BAD_REQUEST,
            "invalid_params",
        ),
        (
            "a huge body",
            "application/json",
            vec![b' '; 2 * 1024 * 1024],
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
        ),
    ]
}

/// A refused HTML form goes back to its page with the error code, where
/// the page shows it.
fn assert_form_sent_back(route: &Route, case: &str, response: &Response, code: &str) {
    let what = format!("{} {} ({case})", route.method, route.path);
    assert_eq!(response.status(), StatusCode::SEE_OTHER, "{what}");
    let to = response.headers()["location"].to_str().unwrap();
    assert!(to.contains(&format!("error={code}")), "{what}: {to}");
}

/// Asserts a refusal with `status` and a stable `code` where it belongs for
/// the route.
async fn assert_refused(
    route: &Route,
    case: &str,
    response: Response,
    status: StatusCode,
    code: &str,
) {
    let what = format!("{} {} ({case})", route.method, route.path);
    let actual = response.status();
    let text = response.text().await.unwrap();
    assert_eq!(actual, status, "{what}: {text}");
    let body: Value = serde_json::from_str(&text)
        .unwrap_or_else(|err| panic!("{what}: the error is not JSON: {err}: {text}"));
    let error = match route.answers {
        Answers::JsonRpc => &body["error"]["data"],
        Answers::Json | Answers::ServerFn | Answers::Page => &body,
    };
    assert_eq!(error["code"], code, "{what}: {body}");
    let message = match route.answers {
        Answers::JsonRpc => &body["error"]["message"],
        Answers::Json | Answers::ServerFn | Answers::Page => &body["message"],
    };
    assert!(
        message.as_str().is_some_and(|m| !m.is_empty()),
        "{what}: no message: {body}"
    );
}

#[tokio::test]
async fn bad_bodies_on_every_route_get_a_4xx_with_a_code() {
    let app = spawn_app().await;
    let token = app.signed_up(&TestUser::generate()).await;

    for route in every_route().iter().filter(|r| r.takes_a_body()) {
        for (case, content_type, body, status, code) in bad_bodies() {
            let response = app
                .client
                .request(route.method.clone(), app.url(&route.path))
                .header(COOKIE, format!("{SESSION_COOKIE}={token}"))
                .header(CONTENT_TYPE, content_type)
                .body(body)
                .send()
                .await
                .unwrap();
            // The failure report is no form a person sends.
            if content_type.starts_with("application/x-www-form-urlencoded")
                && route.answers == Answers::Json
                && route.path != paths::CLIENT_ERRORS
            {
                // Sign-in never says whether an email was well-formed.
                let code = if route.path == paths::auth::LOGIN {
                    "unauthenticated"
                } else {
                    code
                };
                assert_form_sent_back(route, case, &response, code);
            } else {
                assert_refused(route, case, response, status, code).await;
            }
        }
    }

    still_serving(&app, &token).await;
}

#[tokio::test]
async fn an_unsupported_http_method_on_every_route_is_a_405_with_a_code() {
    let app = spawn_app().await;
    let token = app.signed_up(&TestUser::generate()).await;

    for route in every_route() {
        if route.path == "/api/no/such/route" {
            continue;
        }
        let response = app
            .client
            .request(Method::PATCH, app.url(&route.path))
            .header(COOKIE, format!("{SESSION_COOKIE}={token}"))
            .send()
            .await
            .unwrap();
        let route = Route::new(Method::PATCH, route.path, route.answers);
        assert_refused(
            &route,
            "PATCH",
            response,
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
        )
        .await;
    }

    still_serving(&app, &token).await;
}

#[tokio::test]
async fn unknown_and_malformed_json_rpc_calls_get_json_rpc_errors() {
    let app = spawn_app().await;
    let token = app.signed_up(&TestUser::generate()).await;
    let cases: [(&str, StatusCode, i64, &str); 5] = [
        (
            r#"{"jsonrpc": "2.0", "id": 1, "method": "account_launch_missiles"}"#,
            StatusCode::NOT_FOUND,
            -32_601,
            "not_found",
        ),
        (
            r#"{"jsonrpc": "2.0", "id": 1, "method": "account_session_revoke", "params": {"session_id": 42}}"#,
            StatusCode::BAD_REQUEST,
            -32_006,
            "invalid_params",
        ),
        (
            r#"{"jsonrpc": "1.0", "id": 1, "method": "account_verify"}"#,
            StatusCode::BAD_REQUEST,
            -32_600,
            "invalid_params",
        ),
        (
            r#"{"jsonrpc": "2.0", "id": {"nested": true}, "method": "account_verify"}"#,
            StatusCode::BAD_REQUEST,
            -32_600,
            "invalid_params",
        ),
        ("[]", StatusCode::BAD_REQUEST, -32_600, "invalid_params"),
    ];

    for (body, status, rpc_code, code) in cases {
        let response = app.post_rpc_body(body, Cred::Cookie(&token)).await;
        assert_eq!(response.status(), status, "{body}");
        let answer: Value = response.json().await.unwrap();
        assert_eq!(answer["error"]["code"], rpc_code, "{body}: {answer}");
        assert_eq!(answer["error"]["data"]["code"], code, "{body}: {answer}");
    }

    still_serving(&app, &token).await;
}

#[tokio::test]
async fn overlong_and_garbled_cookies_are_a_signed_out_visit() {
    let app = spawn_app().await;
    let token = app.signed_up(&TestUser::generate()).await;
    let overlong = "A".repeat(16 * 1024);
    let cookies = [
        format!("{SESSION_COOKIE}={overlong}"),
        format!("{SESSION_COOKIE}={token}{overlong}"),
        format!("{SESSION_COOKIE}=%00%ff; {SESSION_COOKIE}=\"unbalanced"),
        format!("{SESSION_COOKIE}=;;;=;{SESSION_COOKIE}"),
    ];

    for route in every_route() {
        for cookie in &cookies {
            let response = app
                .client
                .request(route.method.clone(), app.url(&route.path))
                .header(COOKIE, cookie)
                .header(CONTENT_TYPE, "application/json")
                .body("{}")
                .send()
                .await
                .unwrap();
            assert_signed_out(&route, response).await;
        }
    }

    still_serving(&app, &token).await;
}

/// A request whose cookie names no session: an API route refuses it as
/// `unauthenticated` (or `invalid_params` / `not_found` for a route that
/// needs no session), a page answers it as it would a signed-out visit.
async fn assert_signed_out(route: &Route, response: Response) {
    let what = format!("{} {}", route.method, route.path);
    let status = response.status();
    if route.answers == Answers::Page {
        assert!(
            status == StatusCode::OK || status == StatusCode::SEE_OTHER,
            "{what}: {status}"
        );
        if status == StatusCode::SEE_OTHER {
            // `/` is the security page, which sends signed-out visitors on.
            let next = if route.path == "/" {
                paths::page::SECURITY
            } else {
                paths::page::LOGIN
            };
            let to = response.headers()["location"].to_str().unwrap();
            assert!(to.starts_with(next), "{what}: {to}");
        }
        return;
    }
    if route.path == paths::auth::LOGOUT {
        assert_eq!(
            status,
            StatusCode::NO_CONTENT,
            "{what}: signing out twice is fine"
        );
        return;
    }
    assert!(status.is_client_error(), "{what}: {status}");
    let text = response.text().await.unwrap();
    let body: Value =
        serde_json::from_str(&text).unwrap_or_else(|_| panic!("{what}: {status} {text}"));
    let code = match route.answers {
        Answers::JsonRpc => &body["error"]["data"]["code"],
        Answers::Json | Answers::ServerFn | Answers::Page => &body["code"],
    };
    assert!(
        // `sign_in_expired`: the page of a sign-in waiting for its second
        // factor, without one.
        [
            "unauthenticated",
            "invalid_params",
            "not_found",
            "sign_in_expired"
        ]
        .contains(&code.as_str().unwrap_or("")),
        "{what}: {body}"
    );
}

#[tokio::test]
async fn header_injection_and_raw_garbage_are_refused_and_never_reflected() {
    let app = spawn_app().await;
    let token = app.signed_up(&TestUser::generate()).await;
    let host = app.addr;
    // A bare LF ends a header line (RFC 9112 lets servers accept it), so
    // that request is two harmless request headers; nothing is reflected.
    let requests = [
        (
            format!(
                "GET /login HTTP/1.1\r\nHost: {host}\r\nX-Note: a\rSet-Cookie: planted=1\r\n\r\n"
            ),
            400,
        ),
        (
            format!(
                "GET /login HTTP/1.1\r\nHost: {host}\r\nX-Note: a\nSet-Cookie: planted=1\r\n\r\n"
            ),
            200,
        ),
        (
            format!("GET /login HTTP/1.1\r\nHost: {host}\r\nBad Header Name: x\r\n\r\n"),
            400,
        ),
        (format!("GET /lo gin HTTP/1.1\r\nHost: {host}\r\n\r\n"), 400),
        (
            format!(
                "POST /api/auth/login HTTP/1.1\r\nHost: {host}\r\nContent-Length: 5\r\nContent-Length: 900\r\n\r\n{{}}"
            ),
            400,
        ),
        (
            format!(
                "POST /api/rpc HTTP/1.1\r\nHost: {host}\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"
            ),
            400,
        ),
        (
            "\u{16}\u{3}\u{1}\u{2}\u{0}\u{1}\u{0}\u{1}\u{fc}\u{3}\u{3}\r\n\r\n".to_owned(),
            400,
        ),
    ];

    for (request, expected) in requests {
        let (status, head) = raw_request(host, request.as_bytes()).await;
        assert_eq!(status, Some(expected), "{request:?} -> {head}");
        assert!(!head.to_lowercase().contains("planted"), "{head}");
    }

    still_serving(&app, &token).await;
}

#[tokio::test]
async fn values_reflected_into_answers_cannot_add_headers() {
    let app = spawn_app().await;
    let token = app.signed_up(&TestUser::generate()).await;
    let injected = "%0d%0aSet-Cookie:%20planted=1%0d%0aLocation:%20https://evil.example";
    let paths = [
        format!("/login?reason={injected}"),
        format!("/login?next={injected}"),
        format!("/account/security?reason={injected}"),
        format!("/api/no/such/{injected}"),
        format!("/pkg/{injected}"),
        "/login?reason=%ff%fe%c3%28".to_owned(),
        "/api/%ff%fe".to_owned(),
    ];

    for path in paths {
        for cookie in [None, Some(token.as_str())] {
            let response = app.get(&path, cookie).await;
            let status = response.status();
            assert!(!status.is_server_error(), "{path}: {status}");
            assert!(
                !response
                    .headers()
                    .get_all("set-cookie")
                    .iter()
                    .any(|v| v.as_bytes().windows(7).any(|w| w == b"planted")),
                "{path}"
            );
            if let Some(location) = response.headers().get("location") {
                let location = location.to_str().unwrap();
                assert!(location.starts_with('/'), "{path}: {location}");
            }
        }
    }

    still_serving(&app, &token).await;
}

/// Sends raw bytes and returns the answer's status (if any) and head.
async fn raw_request(addr: SocketAddr, request: &[u8]) -> (Option<u16>, String) {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream.write_all(request).await.unwrap();
    let mut answer = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        let read = tokio::time::timeout(std::time::Duration::from_secs(5), stream.read(&mut buf))
            .await
            .expect("the server answers or closes");
        match read {
            Ok(0) | Err(_) => break,
            Ok(n) => answer.extend_from_slice(&buf[..n]),
        }
        if answer.windows(4).any(|w| w == b"\r\n\r\n") {
            break;
        }
    }
    let head = String::from_utf8_lossy(&answer).into_owned();
    let status = head
        .strip_prefix("HTTP/1.1 ")
        .and_then(|rest| rest.get(..3))
        .and_then(|code| code.parse().ok());
    (status, head)
}

/// After all that, the server still signs people in and knows the session.
async fn still_serving(app: &TestApp, token: &str) {
    let verified = app
        .rpc_ok("account_verify", serde_json::json!({}), Cred::Cookie(token))
        .await;
    assert!(verified["me"].is_object(), "{verified}");
    let fresh = app.signed_up(&TestUser::generate()).await;
    assert_eq!(
        app.get(paths::page::SECURITY, Some(&fresh)).await.status(),
        StatusCode::OK
    );
}
