//! What a browser downloads for one page: the page and the built files it
//! names under `/pkg/`, each as sent (compressed where the server
//! compresses), and what a repeat visit downloads again once the files
//! marked `immutable` come from the browser's cache.

use std::net::SocketAddr;

use reqwest::header::{ACCEPT_ENCODING, CACHE_CONTROL, COOKIE};

use crate::BoxError;

/// What a browser sends: Chromium takes brotli and gzip.
const BROWSER_ENCODINGS: &str = "gzip, deflate, br, zstd";

/// One file of a page load, as it came over the wire.
#[derive(Clone, Debug)]
pub struct Download {
    pub path: String,
    /// Body bytes as sent.
    pub bytes: u64,
    /// Marked `immutable`: a repeat visit takes it from the cache.
    pub immutable: bool,
}

/// A page and the files it names.
#[derive(Clone, Debug)]
pub struct PageLoad {
    pub page: Download,
    pub files: Vec<Download>,
}

impl PageLoad {
    /// Loads `path` as a browser would (with `cookie`, a `name=value`
    /// pair), then every `/pkg/` file the page names. Fails when any of them
    /// answers other than 200: a redirect to the sign-in page would measure
    /// the wrong page.
    pub async fn measure(
        addr: SocketAddr,
        path: &str,
        cookie: Option<&str>,
    ) -> Result<Self, BoxError> {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()?;
        let (page, html) = download(&client, addr, path, cookie).await?;
        let mut files = Vec::new();
        for file in files_named(&html) {
            files.push(download(&client, addr, &file, cookie).await?.0);
        }
        Ok(Self { page, files })
    }

    /// Bytes of a first visit: the page and every file.
    pub fn first_visit_bytes(&self) -> u64 {
        self.page.bytes + self.files.iter().map(|file| file.bytes).sum::<u64>()
    }

    /// Bytes of a repeat visit: the page and the files a cache cannot keep.
    pub fn repeat_visit_bytes(&self) -> u64 {
        self.page.bytes
            + self
                .files
                .iter()
                .filter(|file| !file.immutable)
                .map(|file| file.bytes)
                .sum::<u64>()
    }

    /// The WASM the page loads, if any: its bytes as sent.
    pub fn wasm_bytes(&self) -> Option<u64> {
        let wasm: Vec<_> = self
            .files
            .iter()
            .filter(|file| {
                std::path::Path::new(&file.path)
                    .extension()
                    .is_some_and(|ext| ext.eq_ignore_ascii_case("wasm"))
            })
            .collect();
        (!wasm.is_empty()).then(|| wasm.iter().map(|file| file.bytes).sum())
    }
}

/// One `GET` as a browser sends it; the download and the body decoded as
/// text (the page's HTML, when it is a page; compressed bodies decode to
/// nothing useful, which only the page needs).
async fn download(
    client: &reqwest::Client,
    addr: SocketAddr,
    path: &str,
    cookie: Option<&str>,
) -> Result<(Download, String), BoxError> {
    let mut request = client
        .get(format!("http://{addr}{path}"))
        .header(ACCEPT_ENCODING, BROWSER_ENCODINGS);
    if let Some(cookie) = cookie {
        request = request.header(COOKIE, cookie);
    }
    let response = request.send().await?;
    if response.status() != reqwest::StatusCode::OK {
        return Err(format!("GET {path} answered {}", response.status()).into());
    }
    let immutable = response
        .headers()
        .get(CACHE_CONTROL)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.contains("immutable"));
    let encoded = response
        .headers()
        .contains_key(reqwest::header::CONTENT_ENCODING);
    let body = response.bytes().await?;
    let text = if encoded {
        // The page itself, compressed: asked for again, plain, for its links.
        let mut plain = client.get(format!("http://{addr}{path}"));
        if let Some(cookie) = cookie {
            plain = plain.header(COOKIE, cookie);
        }
        plain.send().await?.text().await?
    } else {
        String::from_utf8_lossy(&body).into_owned()
    };
    let download = Download {
        path: path.to_owned(),
        bytes: body.len() as u64,
        immutable,
    };
    Ok((download, text))
}

/// The `/pkg/` files a page names (in links, scripts and its loader), each
/// once, in the order they first appear.
fn files_named(html: &str) -> Vec<String> {
    let mut files: Vec<String> = Vec::new();
    for (at, _) in html.match_indices("/pkg/") {
        let rest = &html[at..];
        let end = rest
            .find(|c: char| matches!(c, '"' | '\'' | ')' | '>' | '`') || c.is_whitespace())
            .unwrap_or(rest.len());
        let file = &rest[..end];
        if !files.iter().any(|seen| seen == file) {
            files.push(file.to_owned());
        }
    }
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_files_a_page_names_are_found_once_each() {
        let html = r#"<link rel="stylesheet" id="leptos" href="/pkg/latchkey.ab12.css"><script type="module">((js, wasm) => import(js).then((glue) => glue.default({ module_or_path: wasm })))("/pkg/latchkey.cd34.js", "/pkg/latchkey.ef56.wasm");</script><link rel="preload" href="/pkg/latchkey.ef56.wasm">"#;
        assert_eq!(
            files_named(html),
            [
                "/pkg/latchkey.ab12.css",
                "/pkg/latchkey.cd34.js",
                "/pkg/latchkey.ef56.wasm"
            ]
        );
        assert!(files_named("<p>no files</p>").is_empty());
    }

    #[test]
    fn a_repeat_visit_downloads_only_what_a_cache_cannot_keep() {
        let file = |path: &str, bytes, immutable| Download {
            path: path.to_owned(),
            bytes,
            immutable,
        };
        let load = PageLoad {
            page: file("/account/security", 4_000, false),
            files: vec![
                file("/pkg/a.css", 2_000, true),
                file("/pkg/a.wasm", 300_000, true),
                file("/pkg/a.js", 10_000, false),
            ],
        };
        assert_eq!(load.first_visit_bytes(), 316_000);
        assert_eq!(load.repeat_visit_bytes(), 14_000);
        assert_eq!(load.wasm_bytes(), Some(300_000));
        let plain = PageLoad {
            page: file("/login", 1_000, false),
            files: vec![file("/pkg/a.css", 2_000, true)],
        };
        assert_eq!(plain.wasm_bytes(), None);
    }
}
