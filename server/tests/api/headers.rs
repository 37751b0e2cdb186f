//! Security headers on every response.

use api::paths;
use reqwest::StatusCode;
use reqwest::header::{
    ACCEPT_ENCODING, CACHE_CONTROL, CONTENT_SECURITY_POLICY, IF_MODIFIED_SINCE, LAST_MODIFIED,
};
use serde_json::json;

use crate::helpers::{Cred, SESSION_COOKIE, TestUser, spawn_app, spawn_app_with};

fn header<'a>(response: &'a reqwest::Response, name: &str) -> &'a str {
    response
        .headers()
        .get(name)
        .unwrap_or_else(|| panic!("no {name} header"))
        .to_str()
        .unwrap()
}

#[tokio::test]
async fn a_page_allows_only_its_own_scripts_and_the_inline_ones_with_its_nonce() {
    let app = spawn_app().await;
    let cookie = app.signed_up(&TestUser::generate()).await;

    // The sign-in page (no WASM, the passkey script) and a page that
    // hydrates.
    for (path, cookie) in [
        (paths::page::LOGIN, None),
        (paths::page::SECURITY, Some(cookie.as_str())),
    ] {
        let response = app.get(path, cookie).await;

        let policy = header(&response, CONTENT_SECURITY_POLICY.as_str()).to_owned();
        assert!(!policy.contains("unsafe-inline"), "{path}: {policy}");
        assert!(
            policy.contains("frame-ancestors 'none'"),
            "{path}: {policy}"
        );
        let nonce = policy
            .split("'nonce-")
            .nth(1)
            .and_then(|rest| rest.split('\'').next())
            .expect("a nonce in the policy")
            .to_owned();
        assert!(nonce.len() >= 22, "at least 128 bits: {nonce}");
        assert_eq!(header(&response, "x-content-type-options"), "nosniff");
        assert_eq!(header(&response, "referrer-policy"), "no-referrer");
        assert_eq!(header(&response, "x-frame-options"), "DENY");
        let html = response.text().await.unwrap();
        let scripts = html.matches("<script").count();
        assert!(scripts > 0, "{path} has its script");
        assert_eq!(
            html.matches(&format!("nonce=\"{nonce}\"")).count(),
            scripts,
            "{path}: every script carries the response's nonce"
        );

        let again = app.get(path, cookie).await;
        assert!(
            !header(&again, CONTENT_SECURITY_POLICY.as_str()).contains(&nonce),
            "{path}: a fresh nonce per response"
        );
    }
}

#[tokio::test]
async fn signed_in_pages_and_api_answers_are_not_stored() {
    let app = spawn_app().await;
    let cookie = app.signed_up(&TestUser::generate()).await;

    let page = app.get(paths::page::SECURITY, Some(cookie.as_str())).await;
    let (status, _) = app
        .rpc("account_verify", json!({}), Cred::Cookie(&cookie))
        .await;
    let api = app.get("/api/nothing-here", Some(&cookie)).await;

    assert_eq!(page.status(), 200);
    assert_eq!(header(&page, CACHE_CONTROL.as_str()), "no-store");
    assert_eq!(status, 200);
    assert_eq!(header(&api, CACHE_CONTROL.as_str()), "no-store");
    assert_eq!(
        header(&api, CONTENT_SECURITY_POLICY.as_str()),
        "default-src 'none'; frame-ancestors 'none'"
    );
}

#[tokio::test]
async fn the_built_front_end_goes_out_precompressed_and_is_revalidated_each_time() {
    let site = tempfile::tempdir().unwrap();
    let pkg = site.path().join("pkg");
    std::fs::create_dir(&pkg).unwrap();
    std::fs::write(pkg.join("latchkey.wasm"), b"\0asm, as built").unwrap();
    std::fs::write(pkg.join("latchkey.wasm.br"), b"brotli of it").unwrap();
    let root = site.path().to_owned();
    let app = spawn_app_with(|config| config.site_root = root).await;
    let wasm = || app.client.get(app.url("/pkg/latchkey.wasm"));

    let compressed = wasm()
        .header(ACCEPT_ENCODING, "gzip, br")
        .send()
        .await
        .unwrap();
    let plain = wasm().send().await.unwrap();

    assert_eq!(header(&compressed, "content-encoding"), "br");
    assert_eq!(header(&compressed, "content-type"), "application/wasm");
    assert_eq!(header(&compressed, CACHE_CONTROL.as_str()), "no-cache");
    assert!(header(&compressed, "vary").contains("accept-encoding"));
    let modified = header(&compressed, LAST_MODIFIED.as_str()).to_owned();
    assert_eq!(compressed.bytes().await.unwrap().as_ref(), b"brotli of it");
    assert!(plain.headers().get("content-encoding").is_none());
    assert_eq!(plain.bytes().await.unwrap().as_ref(), b"\0asm, as built");
    let again = wasm()
        .header(ACCEPT_ENCODING, "br")
        .header(IF_MODIFIED_SINCE, modified)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
}

#[tokio::test]
async fn pages_go_out_compressed_to_browsers_that_take_it_and_json_does_not() {
    let app = spawn_app().await;
    let user = TestUser::generate();
    let cookie = app.signed_up(&user).await;
    // A page of some length (signed in on a few devices): compression only
    // shows on more than a few lines.
    for _ in 0..4 {
        app.logged_in(&user).await;
    }
    let page = |encoding: &str| {
        app.client
            .get(app.url(paths::page::SECURITY))
            .header(ACCEPT_ENCODING, encoding)
            .header(
                reqwest::header::COOKIE,
                format!("{SESSION_COOKIE}={cookie}"),
            )
            .send()
    };

    let brotli = page("gzip, br").await.unwrap();
    let gzip = page("gzip").await.unwrap();
    let plain = app.get(paths::page::SECURITY, Some(cookie.as_str())).await;
    let json = app
        .client
        .post(app.url(paths::RPC))
        .header(ACCEPT_ENCODING, "gzip, br")
        .header(
            reqwest::header::COOKIE,
            format!("{SESSION_COOKIE}={cookie}"),
        )
        .json(&json!({"jsonrpc": "2.0", "id": 1, "method": "account_verify"}))
        .send()
        .await
        .unwrap();

    assert_eq!(brotli.status(), StatusCode::OK);
    assert_eq!(header(&brotli, "content-encoding"), "br");
    assert!(header(&brotli, "vary").contains("accept-encoding"));
    assert_eq!(header(&brotli, CACHE_CONTROL.as_str()), "no-store");
    let compressed = brotli.bytes().await.unwrap().len();
    assert_eq!(header(&gzip, "content-encoding"), "gzip");
    assert!(plain.headers().get("content-encoding").is_none());
    let html = plain.text().await.unwrap();
    assert!(html.contains("</html>"));
    assert!(
        compressed * 3 < html.len(),
        "{compressed} of {}",
        html.len()
    );
    assert!(json.headers().get("content-encoding").is_none());
}

#[tokio::test]
async fn a_built_file_named_with_its_hash_is_kept_for_a_year() {
    let site = tempfile::tempdir().unwrap();
    let pkg = site.path().join("pkg");
    std::fs::create_dir(&pkg).unwrap();
    std::fs::write(pkg.join("latchkey.hD1vwBZp3k24u9K9J1RzNA.wasm"), b"\0asm").unwrap();
    let root = site.path().to_owned();
    let app = spawn_app_with(|config| config.site_root = root).await;

    let hashed = app
        .get("/pkg/latchkey.hD1vwBZp3k24u9K9J1RzNA.wasm", None)
        .await;

    assert_eq!(hashed.status(), StatusCode::OK);
    assert_eq!(
        header(&hashed, CACHE_CONTROL.as_str()),
        "public, max-age=31536000, immutable"
    );
    assert!(header(&hashed, "vary").contains("accept-encoding"));
}
