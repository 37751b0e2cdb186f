//! The app's pages and server functions, in groups by what a page is: for
//! signed-in people (guarded, hydrated), or for visitors before they sign in
//! (with or without the WASM). Each page's kind is decided here, from the
//! app's own lists, when the groups are built.

use std::collections::HashSet;
use std::sync::OnceLock;

use api::paths;
use app::{App, PAGES_WITHOUT_WASM, shell};
use axum::Router;
use axum::extract::Request;
use axum::http::request::Parts;
use axum::http::{Extensions, HeaderMap, StatusCode, Version, header};
use axum::middleware::from_fn;
use axum::routing::post;
use leptos::prelude::{provide_context, use_context};
use leptos::server_fn::axum::server_fn_paths;
use leptos_axum::{
    AxumRouteListing, LeptosRoutes, generate_route_list_with_exclusions,
    handle_server_fns_with_context,
};
use tower_http::compression::CompressionLayer;
use tower_http::compression::predicate::{DefaultPredicate, Predicate};

use crate::middleware::{self, PageNonce};
use crate::state::AppState;

/// What the app renders for a request: its context (the domain, and the
/// nonce this response's Content-Security-Policy names).
pub fn leptos_context(state: &AppState) -> impl Fn() + Clone + Send + Sync + 'static {
    let auth = state.auth.clone();
    move || {
        provide_context(auth.clone());
        if let Some(PageNonce(nonce)) =
            use_context::<Parts>().and_then(|parts| parts.extensions.get::<PageNonce>().cloned())
        {
            provide_context(nonce);
        }
    }
}

/// Every page, and the server functions, the pages' actions.
pub fn pages(state: &AppState) -> Router<AppState> {
    let PageRoutes {
        signed_in,
        plain_signed_out,
        hydrated_signed_out,
    } = PageRoutes::of_the_app();
    let page = |routes: Vec<AxumRouteListing>, loads_wasm: bool| {
        let options = state.leptos_options.clone();
        Router::new()
            .leptos_routes_with_context(state, routes, leptos_context(state), move || {
                shell(&options, loads_wasm)
            })
            .layer(from_fn(middleware::page_policy))
    };
    let signed_in = page(signed_in, true).layer(from_fn(middleware::guard_signed_in_pages));
    let signed_out = page(plain_signed_out, false).merge(page(hydrated_signed_out, true));
    signed_in
        .merge(signed_out)
        .layer(compressed_html())
        .merge(server_fns(state))
}

/// The pages' actions, each a POST (a GET changes nothing).
fn server_fns(state: &AppState) -> Router<AppState> {
    let context = leptos_context(state);
    server_fn_paths().fold(Router::new(), |router, (path, _)| {
        let context = context.clone();
        router.route(
            path,
            post(move |req: Request| handle_server_fns_with_context(context, req)),
        )
    })
}

/// The app's pages by kind, each list also naming the server functions as
/// left out: Leptos registers those with every list of pages it is given
/// otherwise, and here they have a group of their own.
struct PageRoutes {
    signed_in: Vec<AxumRouteListing>,
    plain_signed_out: Vec<AxumRouteListing>,
    hydrated_signed_out: Vec<AxumRouteListing>,
}

impl PageRoutes {
    fn of_the_app() -> Self {
        let (pages, fns_left_out) = routes_of_the_app();
        let with_fns_left_out = |pages: Vec<AxumRouteListing>| {
            pages
                .into_iter()
                .chain(fns_left_out.iter().cloned())
                .collect()
        };
        let (signed_out, signed_in): (Vec<_>, Vec<_>) = pages
            .into_iter()
            .partition(|page| paths::page::SIGNED_OUT.contains(&page.path()));
        let (plain, hydrated): (Vec<_>, Vec<_>) = signed_out
            .into_iter()
            .partition(|page| PAGES_WITHOUT_WASM.contains(&page.path()));
        PageRoutes {
            signed_in: with_fns_left_out(signed_in),
            plain_signed_out: with_fns_left_out(plain),
            hydrated_signed_out: with_fns_left_out(hydrated),
        }
    }
}

/// The pages, and the server functions listed as left out; found once per
/// process by running the app. Leptos switches resource loading off for
/// the whole process while it does that (leptos-rs/leptos#4773): a page
/// whose data was first asked for meanwhile, on any server in the process,
/// waited forever (#16).
fn routes_of_the_app() -> (Vec<AxumRouteListing>, Vec<AxumRouteListing>) {
    static ROUTES: OnceLock<(Vec<AxumRouteListing>, Vec<AxumRouteListing>)> = OnceLock::new();
    ROUTES
        .get_or_init(|| {
            let fns: HashSet<&str> = server_fn_paths().map(|(path, _)| path).collect();
            let listed = generate_route_list_with_exclusions(
                App,
                Some(fns.iter().map(|path| (*path).to_owned()).collect()),
            );
            listed
                .into_iter()
                .partition(|route| !fns.contains(route.path()))
        })
        .clone()
}

/// Pages go out compressed (brotli, else gzip) to browsers that take it;
/// server functions' JSON, which may hold secrets next to what a user
/// typed, stays as it is.
fn compressed_html() -> CompressionLayer<impl Predicate> {
    let html = |_: StatusCode, _: Version, headers: &HeaderMap, _: &Extensions| {
        headers
            .get(header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .is_some_and(|value| value.starts_with("text/html"))
    };
    CompressionLayer::new()
        .no_deflate()
        .no_zstd()
        .compress_when(DefaultPredicate::new().and(html))
}

#[cfg(test)]
mod tests {
    use axum::http::Method;

    use super::*;

    #[test]
    fn every_server_function_is_a_post_so_no_get_changes_anything() {
        let fns: Vec<_> = server_fn_paths().collect();
        assert!(!fns.is_empty(), "the app's server functions are linked in");
        for (path, method) in fns {
            assert_eq!(method, Method::POST, "{path}");
        }
    }
}
