//! What a browser gets: the bytes a page load moves, the WASM bundle, and
//! how long the server takes to render the security page.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use bench::BoxError;
use bench::report::Figure;
use bench::wire::PageLoad;
use bench::{p50_p99, percentile};
use tokio::process::Command;

use super::Args;

const FIRST_VISIT_KIB: u64 = 300;
const REPEAT_VISIT_KIB: u64 = 30;

/// A signed-in page load, first and repeat visit; the WASM the sign-in and
/// sign-up pages load.
pub async fn wire_figures(addr: SocketAddr, cookie: &str) -> Result<Vec<Figure>, BoxError> {
    let security = PageLoad::measure(addr, "/account/security", Some(cookie)).await?;
    let (first, repeat) = (
        security.first_visit_bytes().div_ceil(1024),
        security.repeat_visit_bytes().div_ceil(1024),
    );
    let load = Figure::new(
        "bytes on the wire for `/account/security` signed in (the page and the built files it names, as sent)",
        format!(
            "first visit {first} KiB ({} files), repeat visit {repeat} KiB",
            security.files.len()
        ),
        format!("first ≤ {FIRST_VISIT_KIB} KiB, repeat ≤ {REPEAT_VISIT_KIB} KiB"),
        first <= FIRST_VISIT_KIB && repeat <= REPEAT_VISIT_KIB,
    );
    let mut with_wasm = Vec::new();
    for path in ["/login", "/signup"] {
        let page = PageLoad::measure(addr, path, None).await?;
        if let Some(bytes) = page.wasm_bytes() {
            with_wasm.push(format!("`{path}` {} KiB", bytes.div_ceil(1024)));
        }
    }
    let sign_in_pages = Figure::new(
        "WASM loaded by the sign-in and sign-up pages (as sent)",
        if with_wasm.is_empty() {
            "none".to_owned()
        } else {
            with_wasm.join(", ")
        },
        "none",
        with_wasm.is_empty(),
    );
    Ok(vec![load, sign_in_pages])
}

/// Sorted render times of the security page, one after the other.
pub fn ssr_figure(samples: &[Duration]) -> Figure {
    let (p50, p99) = (percentile(samples, 50), percentile(samples, 99));
    Figure::new(
        "SSR of `/account/security` (owner with one session, sequential)",
        format!("{} ({} pages)", p50_p99(samples), samples.len()),
        "p50 < 2 ms, p99 < 5 ms",
        p50 < Duration::from_millis(2) && p99 < Duration::from_millis(5),
    )
}

pub async fn wasm_figure(args: &Args) -> Result<Figure, BoxError> {
    let wasm = match &args.wasm {
        Some(wasm) => wasm.clone(),
        None => built_wasm(&args.site_root.join("pkg"))?,
    };
    bundle_figure(&wasm).await
}

/// The WASM bundle in `pkg`: `latchkey.wasm`, or `latchkey.<hash>.wasm`.
fn built_wasm(pkg: &Path) -> Result<PathBuf, BoxError> {
    let found = std::fs::read_dir(pkg)
        .map_err(|err| {
            format!(
                "{}: {err} (build with `cargo leptos build --release`)",
                pkg.display()
            )
        })?
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .find(|path| {
            path.extension().is_some_and(|ext| ext == "wasm")
                && path
                    .file_name()
                    .and_then(|name| name.to_str())
                    .is_some_and(|name| name.starts_with("latchkey"))
        });
    found.ok_or_else(|| format!("no latchkey*.wasm in {}", pkg.display()).into())
}

async fn bundle_figure(wasm: &Path) -> Result<Figure, BoxError> {
    let raw = std::fs::metadata(wasm)
        .map_err(|err| {
            format!(
                "{}: {err} (build with `cargo leptos build --release`)",
                wasm.display()
            )
        })?
        .len();
    let gzipped = Command::new("gzip")
        .args(["-9", "-c"])
        .arg(wasm)
        .output()
        .await?
        .stdout
        .len() as u64;
    let gzip_kib = gzipped.div_ceil(1024);
    // What the server sends a browser that takes brotli: the copy the
    // release build wrote beside it.
    let brotli = std::fs::metadata(wasm.with_extension("wasm.br"))
        .map_err(|err| format!("{}.br: {err} (build with `--precompress`)", wasm.display()))?;
    let brotli_kib = brotli.len().div_ceil(1024);
    Ok(Figure::new(
        "release WASM bundle",
        format!(
            "{} KiB raw, {gzip_kib} KiB gzip, {brotli_kib} KiB brotli (as served)",
            raw.div_ceil(1024)
        ),
        "≤ 250 KiB gzip",
        gzip_kib <= 250,
    ))
}
