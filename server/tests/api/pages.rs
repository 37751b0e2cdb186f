use api::paths;
use std::time::Duration;

use reqwest::StatusCode;

use auth::testing::TestDb;

use crate::helpers::{TestUser, build_and_drop, spawn_app, spawn_app_with};

#[tokio::test]
async fn a_signed_out_visit_to_the_security_page_goes_to_login() {
    let app = spawn_app().await;

    let response = app.get(paths::page::SECURITY, None).await;

    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()["location"], paths::page::LOGIN);
}

#[tokio::test]
async fn the_security_page_shows_who_is_signed_in() {
    let app = spawn_app().await;
    let user = TestUser::generate();
    let token = app.signed_up(&user).await;

    let response = app.get(paths::page::SECURITY, Some(&token)).await;

    assert_eq!(response.status(), StatusCode::OK);
    let html = response.text().await.unwrap();
    assert!(
        html.contains(&user.email),
        "the page does not show the user's email"
    );
}

#[tokio::test]
async fn every_card_the_navigation_links_to_is_on_the_page_with_mail_or_without() {
    for no_mail in [false, true] {
        // Arrange
        let app = spawn_app_with(|config| config.no_mail = no_mail).await;
        let token = app.signed_up(&TestUser::generate()).await;

        // Act
        let html = app
            .get(paths::page::SECURITY, Some(&token))
            .await
            .text()
            .await
            .unwrap();

        // Assert
        let links: Vec<&str> = html
            .split(&format!("href=\"{}#", paths::page::SECURITY))
            .skip(1)
            .filter_map(|rest| rest.split('"').next())
            .collect();
        assert!(links.contains(&"security-mail"), "{links:?}");
        for id in links {
            assert!(
                html.contains(&format!("id=\"{id}\"")),
                "the link to #{id} leads nowhere (no_mail: {no_mail})"
            );
        }
    }
}

#[tokio::test]
async fn the_security_page_loads_its_wasm_when_idle_and_preloads_nothing() {
    let app = spawn_app().await;
    let token = app.signed_up(&TestUser::generate()).await;

    let html = app
        .get(paths::page::SECURITY, Some(&token))
        .await
        .text()
        .await
        .unwrap();

    // A test binary has no hash file: the plain names (the WASM's keeps
    // wasm-bindgen's `_bg` when the build named no output).
    let wasm = html
        .split(r#"("/pkg/latchkey.js", ""#)
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the script names the JS and the WASM");
    assert!(
        ["/pkg/latchkey.wasm", "/pkg/latchkey_bg.wasm"].contains(&wasm),
        "{wasm}"
    );
    assert!(html.contains("requestIdleCallback"), "{html}");
    assert!(html.contains(r#"href="/pkg/latchkey.css""#), "{html}");
    // A preload would start the download while the page is being drawn.
    assert!(!html.contains("preload"), "{html}");
}

#[tokio::test]
async fn an_expired_session_is_sent_to_login_with_the_reason_and_its_cookie_cleared() {
    let app = spawn_app().await;
    let token = app.signed_up(&TestUser::generate()).await;

    app.clock.advance(Duration::from_hours(24));
    let response = app.get(paths::page::SECURITY, Some(&token)).await;

    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        response.headers()["location"],
        "/login?reason=session_expired"
    );
    let cleared = crate::helpers::session_set_cookie(response.headers()).expect("cleared");
    assert!(cleared.contains("Max-Age=0"));
}

#[tokio::test]
async fn the_sign_in_and_sign_up_pages_render_their_forms() {
    let app = spawn_app().await;

    for (path, action) in [
        (paths::page::LOGIN, paths::auth::LOGIN),
        (paths::page::LOGIN_PASSWORD, paths::auth::LOGIN_PASSWORD),
        (paths::page::SIGNUP, paths::auth::SIGNUP),
    ] {
        let response = app.get(path, None).await;
        assert_eq!(response.status(), StatusCode::OK);
        let html = response.text().await.unwrap();
        assert!(
            html.contains(&format!("action=\"{action}\"")),
            "{path} has no form for {action}"
        );
    }
}

#[tokio::test]
async fn an_unknown_page_is_a_404() {
    let app = spawn_app().await;

    let response = app.get("/no/such/page", None).await;

    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}

/// Every page a browser can load.
const PAGES: [&str; 6] = [
    "/",
    paths::page::SECURITY,
    paths::page::LOGIN,
    paths::page::LOGIN_PASSWORD,
    paths::page::SIGNUP,
    "/no-such-page",
];

#[tokio::test]
async fn no_page_load_uses_up_a_security_notice_not_even_from_another_site() {
    // Arrange: Ada's laptop has a notice waiting: she signed in on a phone.
    let app = spawn_app().await;
    let user = TestUser::generate();
    let laptop = app.signed_up(&user).await;
    let phone = app
        .client
        .post(app.url(paths::auth::LOGIN))
        .header(
            "user-agent",
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Version/17.0 Mobile Safari/604.1",
        )
        .json(&serde_json::json!({"email": user.email, "password": user.password}))
        .send()
        .await
        .unwrap();
    assert_eq!(phone.status(), StatusCode::OK);
    let unseen = || async {
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM security_notices WHERE seen_at IS NULL")
            .fetch_one(app.db.db.reader())
            .await
            .unwrap()
    };
    assert_eq!(unseen().await, 1);

    // Act: every page, as a top-level navigation from another site would
    // load it (SameSite=Lax sends the cookie along).
    for page in PAGES {
        let response = app
            .client
            .get(app.url(page))
            .header(
                "cookie",
                format!("{}={laptop}", crate::helpers::SESSION_COOKIE),
            )
            .header("sec-fetch-site", "cross-site")
            .header("sec-fetch-mode", "navigate")
            .send()
            .await
            .unwrap();
        let html = response.text().await.unwrap();
        if page == paths::page::SECURITY {
            assert!(
                html.contains("from a new device"),
                "the page shows the notice"
            );
        }
    }

    // Assert: the notice is still there to be shown.
    assert_eq!(unseen().await, 1);
}

/// The numbers of the resources a streamed page tells the browser to wait
/// for, and of those whose data it sends.
fn resources_sent(html: &str) -> (Vec<u32>, Vec<u32>) {
    let numbers_after = |marker: &str, html: &str| -> Vec<u32> {
        html.split(marker)
            .skip(1)
            .filter_map(|rest| rest.split(']').next())
            .flat_map(|list| list.split(',').filter_map(|n| n.trim().parse().ok()))
            .collect()
    };
    (
        numbers_after("__PENDING_RESOURCES=[", html),
        numbers_after("__RESOLVED_RESOURCES[", html),
    )
}

#[tokio::test]
async fn the_security_page_numbers_its_data_the_same_every_time_and_the_browser_waits_for_all_of_it()
 {
    // The browser finds each resource's data by its number. Numbers that
    // change between renders, or data it does not know to wait for, make it
    // fetch again and hydrate the server's HTML with other data (#21).
    let app = spawn_app().await;
    let owner = TestUser::generate();
    let cookie = app.signed_up(&owner).await;
    let member = app.added_member(&cookie, "Max Member").await;
    app.logged_in(&member).await;

    let mut renders = Vec::new();
    for _ in 0..5 {
        let page = app.get(paths::page::SECURITY, Some(&cookie)).await;
        renders.push(resources_sent(&page.text().await.unwrap()));
    }

    let (pending, resolved) = &renders[0];
    assert!(resolved.len() >= 5, "the page's data is sent: {resolved:?}");
    assert!(
        resolved.iter().all(|n| pending.contains(n)),
        "data the browser does not wait for: pending {pending:?}, sent {resolved:?}"
    );
    assert!(
        renders.iter().all(|render| render == &renders[0]),
        "{renders:?}"
    );
}

#[tokio::test]
async fn a_page_renders_in_full_while_another_server_in_the_same_process_starts() {
    // Building the routes runs the app once with resource loading switched
    // off for the whole process (leptos-rs/leptos#4773); a render whose data
    // was first asked for in that moment used to wait forever (#16).
    let app = spawn_app().await;
    let owner = TestUser::generate();
    let cookie = app.signed_up(&owner).await;
    let starting = std::thread::spawn(|| {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime");
        runtime.block_on(async {
            let db = TestDb::sqlite().await;
            for _ in 0..100 {
                build_and_drop(&db).await;
            }
        });
    });

    let mut renders = 0;
    while !starting.is_finished() || renders < 50 {
        let page = app.get(paths::page::SECURITY, Some(&cookie)).await;
        let html = tokio::time::timeout(Duration::from_secs(10), page.text())
            .await
            .unwrap_or_else(|_| panic!("render {renders} never finished"))
            .unwrap();
        assert!(html.contains("__RESOLVED_RESOURCES["), "render {renders}");
        renders += 1;
    }
    starting.join().expect("the other servers start");
}
