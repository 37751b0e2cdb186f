//! The built front end as a page names it: the stylesheet, and the script
//! that loads the WASM and hydrates once the browser is idle.

use std::sync::OnceLock;

use leptos::prelude::*;

/// Where the built files are served, with the names cargo-leptos gave
/// them. They are this binary's build, so they are found once per process
/// (Leptos's own components read `hash.txt` again for every page).
struct BuiltFiles {
    css: String,
    js: String,
    wasm: String,
}

impl BuiltFiles {
    fn of(options: &LeptosOptions) -> &'static Self {
        static FILES: OnceLock<BuiltFiles> = OnceLock::new();
        FILES.get_or_init(|| Self::named(options, &hashes(options)))
    }

    /// The names, from the `kind: hash` lines of cargo-leptos's hash file
    /// (none when the files are not hashed).
    fn named(options: &LeptosOptions, hashes: &str) -> Self {
        let pkg = &options.site_pkg_dir;
        let name = |kind: &str| {
            let hash = hashes.lines().find_map(|line| {
                let (file, hash) = line.trim().split_once(':')?;
                (file == kind).then(|| hash.trim())
            });
            match hash {
                Some(hash) => format!("/{pkg}/{}.{hash}", options.output_name),
                None => format!("/{pkg}/{}", options.output_name),
            }
        };
        // As Leptos names them: wasm-bindgen's `_bg` stays when the build
        // neither hashed the files nor named its output.
        let wasm_suffix = if !options.hash_files && option_env!("LEPTOS_OUTPUT_NAME").is_none() {
            "_bg"
        } else {
            ""
        };
        Self {
            css: format!("{}.css", name("css")),
            js: format!("{}.js", name("js")),
            wasm: format!("{}{wasm_suffix}.wasm", name("wasm")),
        }
    }
}

/// cargo-leptos's hash file, beside the binary, when the files are hashed.
fn hashes(options: &LeptosOptions) -> String {
    if !options.hash_files {
        return String::new();
    }
    std::env::current_exe()
        .ok()
        .and_then(|exe| Some(exe.parent()?.join(options.hash_file.as_ref())))
        .and_then(|path| std::fs::read_to_string(path).ok())
        .unwrap_or_default()
}

/// The built stylesheet.
pub fn stylesheet(options: &LeptosOptions) -> impl IntoView + use<> {
    view! { <link rel="stylesheet" id="leptos" href=BuiltFiles::of(options).css.as_str() /> }
}

/// Loads the WASM and hydrates the page when the browser is idle.
///
/// Leptos's `HydrationScripts` does the same, and also names the files in
/// `<link rel="preload">`s: the WASM download then starts while the page
/// is being drawn, and Lighthouse counts it in the page's largest paint.
/// Here nothing competes with the page until it is drawn.
pub fn hydration_script(options: &LeptosOptions) -> impl IntoView + use<> {
    let files = BuiltFiles::of(options);
    let start = format!(
        "({HYDRATE})({js:?}, {wasm:?});",
        js = files.js,
        wasm = files.wasm
    );
    view! {
        <script type="module" nonce=use_nonce()>
            {start}
        </script>
    }
}

/// Imports the JS glue, which loads the WASM, then hydrates; when the
/// browser is idle, or after 2 s if it never is.
const HYDRATE: &str = r#"(js, wasm) => {
	const hydrate = () =>
		import(js).then((glue) => glue.default({ module_or_path: wasm }).then(() => glue.hydrate()));
	if ("requestIdleCallback" in window) {
		window.requestIdleCallback(hydrate, { timeout: 2000 });
	} else {
		hydrate();
	}
}"#;

#[cfg(test)]
mod tests {
    use super::*;

    fn options(hash_files: bool) -> LeptosOptions {
        LeptosOptions::builder()
            .output_name("latchkey")
            .site_pkg_dir("pkg")
            .hash_files(hash_files)
            .build()
    }

    #[test]
    fn hashed_files_are_named_by_their_hash() {
        let files = BuiltFiles::named(&options(true), "js: aaa\nwasm: bbb\ncss: ccc\n");
        assert_eq!(files.js, "/pkg/latchkey.aaa.js");
        assert_eq!(files.wasm, "/pkg/latchkey.bbb.wasm");
        assert_eq!(files.css, "/pkg/latchkey.ccc.css");
    }

    #[test]
    fn files_without_a_hash_have_the_plain_names() {
        let files = BuiltFiles::named(&options(true), "");
        assert_eq!(files.js, "/pkg/latchkey.js");
        assert_eq!(files.css, "/pkg/latchkey.css");
    }
}
