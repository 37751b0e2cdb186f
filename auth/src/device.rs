//! A short name for the device behind a session ("Chrome on Windows"), read
//! from its User-Agent header for the "Your sessions" list.
//!
//! The header is client-controlled, so this is a best-effort label and never
//! a security signal: it only looks for well-known tokens with `contains`,
//! which cannot panic on any input.

const UNKNOWN: &str = "Unknown device";

/// Scripts and tools named by their product token (the text before the first
/// `/`, compared ignoring ASCII case), with the spelling we show.
const SCRIPTS: [&str; 4] = ["curl", "Wget", "python-requests", "Go-http-client"];

/// Browsers, first match wins. The order matters because browsers built on
/// Chromium also send `Chrome/`, and every Chromium or `WebKit` browser also
/// sends `Safari/`, so the more specific names come first. `HeadlessChrome/`
/// contains `Chrome/` and reads as Chrome; `CriOS`, `FxiOS` and `EdgiOS` are
/// the iOS builds, which otherwise look like Safari.
const BROWSERS: [(&[&str], &str); 7] = [
    (&["Edg/", "EdgA/", "EdgiOS/", "Edge/"], "Edge"),
    (&["OPR/", "Opera"], "Opera"),
    (&["SamsungBrowser/"], "Samsung Internet"),
    (&["Firefox/", "FxiOS/"], "Firefox"),
    (&["Chrome/", "CriOS/"], "Chrome"),
    (&["Safari/"], "Safari"),
    (&["Trident/", "MSIE "], "Internet Explorer"),
];

/// Systems, first match wins: iPhone and iPad UAs say "like Mac OS X" and
/// Android UAs say "Linux", so those come before macOS and Linux. (iPadOS
/// Safari sends the macOS UA by default and so reads as macOS.)
const SYSTEMS: [(&[&str], &str); 7] = [
    (&["iPhone"], "iPhone"),
    (&["iPad"], "iPad"),
    (&["Windows"], "Windows"),
    (&["Android"], "Android"),
    (&["CrOS"], "ChromeOS"),
    (&["Macintosh", "Mac OS X"], "macOS"),
    (&["Linux"], "Linux"),
];

/// A short description of the device that sent `user_agent`.
///
/// - a known script or tool: its name (`curl`, `Wget`, `python-requests`,
///   `Go-http-client`);
/// - a known browser on a known system: `"{browser} on {system}"`, e.g.
///   `Chrome on Windows`, `Safari on iPhone`;
/// - a known browser on an unknown system: just the browser, e.g. `Firefox`;
/// - anything else, including no header or a blank one: `Unknown device`.
pub fn describe_device(user_agent: Option<&str>) -> String {
    let ua = user_agent.map_or("", str::trim);
    if ua.is_empty() {
        return UNKNOWN.to_owned();
    }
    let product = ua.split('/').next().unwrap_or_default().trim();
    if let Some(script) = SCRIPTS
        .iter()
        .find(|name| name.eq_ignore_ascii_case(product))
    {
        return (*script).to_owned();
    }
    match (first_match(ua, &BROWSERS), first_match(ua, &SYSTEMS)) {
        (Some(browser), Some(system)) => format!("{browser} on {system}"),
        (Some(browser), None) => browser.to_owned(),
        (None, _) => UNKNOWN.to_owned(),
    }
}

fn first_match(ua: &str, table: &[(&[&str], &'static str)]) -> Option<&'static str> {
    table
        .iter()
        .find(|(tokens, _)| tokens.iter().any(|token| ua.contains(token)))
        .map(|(_, name)| *name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn described(ua: &str) -> String {
        describe_device(Some(ua))
    }

    #[test]
    fn desktop_browsers_are_named_with_their_system() {
        let cases = [
            (
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) \
                 Chrome/131.0.0.0 Safari/537.36",
                "Chrome on Windows",
            ),
            (
                "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
                "Firefox on Linux",
            ),
            (
                "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 \
                 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
                "Safari on macOS",
            ),
            (
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) \
                 Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
                "Edge on Windows",
            ),
            (
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) \
                 Chrome/130.0.0.0 Safari/537.36 OPR/115.0.0.0",
                "Opera on Windows",
            ),
            (
                "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 \
                 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
                "Chrome on macOS",
            ),
            (
                "Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) \
                 Chrome/131.0.0.0 Safari/537.36",
                "Chrome on ChromeOS",
            ),
            (
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
                "Firefox on Windows",
            ),
        ];
        for (ua, expected) in cases {
            assert_eq!(described(ua), expected, "{ua}");
        }
    }

    #[test]
    fn mobile_browsers_are_named_with_their_device() {
        let cases = [
            (
                "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 \
                 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
                "Safari on iPhone",
            ),
            (
                "Mozilla/5.0 (iPad; CPU OS 17_7 like Mac OS X) AppleWebKit/605.1.15 \
                 (KHTML, like Gecko) Version/17.7 Mobile/15E148 Safari/604.1",
                "Safari on iPad",
            ),
            (
                "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) \
                 Chrome/131.0.0.0 Mobile Safari/537.36",
                "Chrome on Android",
            ),
            (
                "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 \
                 (KHTML, like Gecko) CriOS/131.0.6778.73 Mobile/15E148 Safari/604.1",
                "Chrome on iPhone",
            ),
            (
                "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 \
                 (KHTML, like Gecko) FxiOS/133.0 Mobile/15E148 Safari/605.1.15",
                "Firefox on iPhone",
            ),
            (
                "Mozilla/5.0 (Android 14; Mobile; rv:133.0) Gecko/133.0 Firefox/133.0",
                "Firefox on Android",
            ),
            (
                "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) \
                 Chrome/131.0.0.0 Mobile Safari/537.36 EdgA/131.0.0.0",
                "Edge on Android",
            ),
            (
                "Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 \
                 (KHTML, like Gecko) SamsungBrowser/26.0 Chrome/122.0.0.0 Mobile Safari/537.36",
                "Samsung Internet on Android",
            ),
        ];
        for (ua, expected) in cases {
            assert_eq!(described(ua), expected, "{ua}");
        }
    }

    #[test]
    fn headless_chrome_reads_as_chrome() {
        let ua = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) \
                  HeadlessChrome/131.0.6778.33 Safari/537.36";
        assert_eq!(described(ua), "Chrome on Linux");
    }

    #[test]
    fn well_known_scripts_are_named_by_their_tool() {
        let cases = [
            ("curl/8.5.0", "curl"),
            ("Wget/1.21.4", "Wget"),
            ("python-requests/2.32.3", "python-requests"),
            ("Go-http-client/1.1", "Go-http-client"),
            ("Go-http-client/2.0", "Go-http-client"),
            ("CURL/7.0", "curl"),
            ("curl", "curl"),
        ];
        for (ua, expected) in cases {
            assert_eq!(described(ua), expected, "{ua}");
        }
    }

    #[test]
    fn a_browser_on_an_unknown_system_is_named_alone() {
        let ua = "Mozilla/5.0 (Unknown; rv:133.0) Gecko/20100101 Firefox/133.0";
        assert_eq!(described(ua), "Firefox");
    }

    #[test]
    fn missing_blank_or_unrecognised_agents_are_unknown() {
        assert_eq!(describe_device(None), UNKNOWN);
        for ua in [
            "",
            "   ",
            "Mozilla/5.0",
            "okhttp/4.12.0",
            "Mozilla/5.0 (X11; Linux x86_64)",
            "curly/1.0",
        ] {
            assert_eq!(described(ua), UNKNOWN, "{ua:?}");
        }
    }

    #[test]
    fn odd_input_never_panics() {
        let long_chrome = format!("{}Chrome/1 Windows", "é".repeat(100_000));
        let cases = [
            "/".to_owned(),
            "//////".to_owned(),
            "\0\u{7f}\u{1b}[31m".to_owned(),
            "🙂/🙂 (iPhone) Safari/".to_owned(),
            "Ünïcödé/1.0 (Windows) Chrome/Ω".to_owned(),
            "x".repeat(1_000_000),
            "/".repeat(100_000),
            long_chrome.clone(),
        ];
        for ua in &cases {
            assert!(!described(ua).is_empty());
        }
        assert_eq!(described(&long_chrome), "Chrome on Windows");
        assert_eq!(described("🙂/🙂 (iPhone) Safari/"), "Safari on iPhone");
    }
}
