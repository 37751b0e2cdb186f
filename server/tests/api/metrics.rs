//! Prometheus metrics on their own address.

use api::paths;
use std::collections::BTreeSet;

use prometheus_parse::{Scrape, Value as Sample};
use reqwest::{Method, StatusCode};

use crate::helpers::{TestApp, TestUser, spawn_app_with};

async fn app_with_metrics() -> TestApp {
    spawn_app_with(|config| config.metrics_listen = Some("127.0.0.1:0".parse().unwrap())).await
}

/// The metrics page, parsed as Prometheus's text format.
async fn scrape(app: &TestApp) -> Scrape {
    let addr = app.metrics_addr.expect("metrics are on");
    let text = reqwest::get(format!("http://{addr}/metrics"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    Scrape::parse(text.lines().map(|line| Ok(line.to_owned()))).expect("the text format")
}

/// The value of `name` with every label of `labels`; 0 when absent.
fn value(scrape: &Scrape, name: &str, labels: &[(&str, &str)]) -> f64 {
    scrape
        .samples
        .iter()
        .filter(|sample| sample.metric == name)
        .filter(|sample| labels.iter().all(|(k, v)| sample.labels.get(k) == Some(*v)))
        .map(|sample| match sample.value {
            Sample::Counter(v) | Sample::Gauge(v) | Sample::Untyped(v) => v,
            _ => 0.0,
        })
        .sum()
}

#[tokio::test]
async fn a_sign_in_moves_its_counter_and_requests_are_counted_by_route_template() {
    let app = app_with_metrics().await;
    let user = TestUser::generate();
    app.signed_up(&user).await;
    let before = scrape(&app).await;

    let cookie = app.logged_in(&user).await;
    app.get(paths::account::ME, Some(&cookie)).await;
    app.get("/api/no/such/0123456789abcdef0123456789abcdef", None)
        .await;

    let after = scrape(&app).await;
    let ok = [("outcome", "ok")];
    assert!(
        value(&after, "latchkey_sign_ins_total", &ok)
            >= value(&before, "latchkey_sign_ins_total", &ok) + 1.0
    );
    let login = [("route", paths::auth::LOGIN), ("status", "200")];
    assert!(value(&after, "latchkey_http_requests_total", &login) >= 1.0);
    assert!(
        value(
            &after,
            "latchkey_http_requests_total",
            &[("route", "/api/:*rest")]
        ) >= 1.0
    );
    for sample in &after.samples {
        if let Some(route) = sample.labels.get("route") {
            assert!(!route.contains("0123456789abcdef"), "a raw path: {route}");
        }
    }
    assert!(value(&after, "latchkey_sessions_started_total", &[]) >= 2.0);
    let from_database = [("from", "database")];
    assert!(value(&after, "latchkey_session_reads_total", &from_database) >= 1.0);
    assert!(
        after
            .samples
            .iter()
            .any(|s| s.metric == "latchkey_db_connections"),
        "no pool use"
    );
}

#[tokio::test]
async fn requests_with_invented_methods_are_counted_as_other_and_add_no_series() {
    // Arrange
    let app = app_with_metrics().await;
    let known = [
        "GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH", "other",
    ];

    // Act: methods nobody defined, one a known method in lower case, on a
    // route and on no route.
    for method in ["FOO", "BAR", "get"] {
        for path in [paths::auth::LOGIN, "/no/such/page"] {
            let method = Method::from_bytes(method.as_bytes()).unwrap();
            app.client
                .request(method, app.url(path))
                .send()
                .await
                .unwrap();
        }
    }

    // Assert
    let scrape = scrape(&app).await;
    let methods: BTreeSet<&str> = scrape
        .samples
        .iter()
        .filter(|sample| sample.metric == "latchkey_http_requests_total")
        .filter_map(|sample| sample.labels.get("method"))
        .collect();
    assert!(
        methods.iter().all(|method| known.contains(method)),
        "methods made up by clients became labels: {methods:?}"
    );
    let other = |route| {
        value(
            &scrape,
            "latchkey_http_requests_total",
            &[("method", "other"), ("route", route)],
        )
    };
    assert!(other(paths::auth::LOGIN) >= 3.0);
    assert!(other("unmatched") >= 3.0);
}

#[tokio::test]
async fn metrics_are_not_served_on_the_public_address() {
    let app = app_with_metrics().await;

    let public = app.get(paths::METRICS, None).await;

    assert_eq!(public.status(), StatusCode::NOT_FOUND);
}
