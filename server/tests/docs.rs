//! The guides: every internal link of the book (`docs/`, built by
//! `make docs`) and of the README resolves, every page is in the book, and
//! every flag of the `latchkey` binary (what `latchkey --help` and its
//! subcommands' `--help` list) is documented.
//!
//! Internal links are the relative ones: between the book's pages, to the
//! screenshots, to a heading of a page (`page.md#heading`, or `#heading` on
//! the same page), and from the README to the book and the repository's
//! files. Links with a scheme (`https://`, `mailto:`) are external and not
//! followed. A page of the book may only link inside `docs/`: the built book
//! has nothing else. Code blocks and code spans are not links.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests fail by panicking"
)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Component, Path, PathBuf};

use clap::CommandFactory;
use server::cli::Cli;

/// The repository's root.
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the server crate is in the workspace")
        .to_path_buf()
}

fn docs() -> PathBuf {
    root().join("docs")
}

/// Every Markdown file of the book: the folder `docs/`, recursively.
fn book_pages() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "md") {
                out.push(path);
            }
        }
    }
    let mut pages = Vec::new();
    walk(&docs(), &mut pages);
    pages.sort();
    pages
}

/// The file relative to the repository, for messages.
fn shown(path: &Path) -> String {
    path.strip_prefix(root())
        .unwrap_or(path)
        .display()
        .to_string()
}

/// `a/b/../c` as `a/c`, without asking the file system.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// A page's text as mdBook sees it: each `{{#include FILE}}` or
/// `{{#include FILE:ANCHOR}}` replaced by that file, or by the lines between
/// its `ANCHOR: name` and `ANCHOR_END: name` lines.
fn expanded(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", shown(path)));
    let mut out = String::new();
    for line in text.lines() {
        let Some(include) = line
            .trim()
            .strip_prefix("{{#include ")
            .and_then(|rest| rest.strip_suffix("}}"))
        else {
            out.push_str(line);
            out.push('\n');
            continue;
        };
        let (file, anchor) = match include.trim().split_once(':') {
            Some((file, anchor)) => (file, Some(anchor)),
            None => (include.trim(), None),
        };
        let included = normalize(&path.parent().unwrap().join(file));
        let whole = std::fs::read_to_string(&included)
            .unwrap_or_else(|e| panic!("{} includes {}: {e}", shown(path), shown(&included)));
        match anchor {
            None => out.push_str(&whole),
            Some(anchor) => {
                assert!(
                    !anchor.starts_with(|c: char| c.is_ascii_digit()),
                    "{}: includes by line numbers are not checked here; use an anchor",
                    shown(path)
                );
                let mut inside = false;
                let mut found = false;
                for line in whole.lines() {
                    if line.contains(&format!("ANCHOR_END: {anchor}")) {
                        inside = false;
                    } else if line.contains(&format!("ANCHOR: {anchor}")) {
                        inside = true;
                        found = true;
                    } else if inside && !line.contains("ANCHOR") {
                        out.push_str(line);
                        out.push('\n');
                    }
                }
                assert!(
                    found,
                    "{} includes {}:{anchor}, which has no `ANCHOR: {anchor}` line",
                    shown(path),
                    shown(&included)
                );
            }
        }
    }
    out
}

/// The text with fenced code blocks blanked (lines kept, for line numbers)
/// and code spans removed: what is left can hold links and headings.
fn prose(text: &str) -> Vec<String> {
    let mut fence: Option<&str> = None;
    let mut lines = Vec::new();
    for line in text.lines() {
        let trimmed = line.trim_start();
        if let Some(open) = fence {
            if trimmed.starts_with(open) {
                fence = None;
            }
            lines.push(String::new());
            continue;
        }
        if trimmed.starts_with("```") {
            fence = Some("```");
            lines.push(String::new());
            continue;
        }
        if trimmed.starts_with("~~~") {
            fence = Some("~~~");
            lines.push(String::new());
            continue;
        }
        // Code spans: an opening run of backticks to the next run as long.
        let mut kept = String::new();
        let mut rest = line;
        while let Some(start) = rest.find('`') {
            kept.push_str(&rest[..start]);
            let run = rest[start..].chars().take_while(|&c| c == '`').count();
            let after = &rest[start + run..];
            if let Some(end) = after.find(&"`".repeat(run)) {
                rest = &after[end + run..];
            } else {
                // No closing run: the backticks are text.
                kept.push_str(&rest[start..start + run]);
                rest = after;
            }
        }
        kept.push_str(rest);
        lines.push(kept);
    }
    lines
}

/// The targets of the links and images of these lines, with their line
/// numbers: `[text](target "title")`, `![alt](target)` and `[ref]: target`.
fn links(lines: &[String]) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    for (n, line) in lines.iter().enumerate() {
        let mut rest = line.as_str();
        while let Some(at) = rest.find("](") {
            let after = &rest[at + 2..];
            let end = after.find(')').unwrap_or(after.len());
            let target = after[..end].split_whitespace().next().unwrap_or("");
            let target = target.trim_start_matches('<').trim_end_matches('>');
            found.push((n + 1, target.to_owned()));
            rest = &after[end..];
        }
        if let Some(definition) = line.trim_start().strip_prefix('[')
            && let Some((_, target)) = definition.split_once("]:")
            && let Some(target) = target.split_whitespace().next()
        {
            found.push((n + 1, target.to_owned()));
        }
    }
    found
}

/// The ids of a page's headings, as mdBook and GitHub make them: the
/// heading's text in lower case, spaces as `-`, other punctuation dropped,
/// `-1`, `-2`... after repeats.
fn heading_ids(lines: &[String]) -> BTreeSet<String> {
    let mut ids = BTreeSet::new();
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for line in lines {
        let hashes = line.chars().take_while(|&c| c == '#').count();
        if !(1..=6).contains(&hashes) || !line[hashes..].starts_with(' ') {
            continue;
        }
        let text = line[hashes..].trim().trim_end_matches('#').trim();
        // A link in a heading counts by its text.
        let text = text.replace("](", "\u{0}");
        let text: String = text
            .split('\u{0}')
            .enumerate()
            .map(|(i, part)| {
                if i == 0 {
                    part
                } else {
                    part.split_once(')').map_or("", |(_, after)| after)
                }
            })
            .collect();
        let id: String = text
            .chars()
            .filter_map(|c| {
                if c.is_alphanumeric() || c == '_' || c == '-' {
                    Some(c.to_lowercase().next().unwrap_or(c))
                } else if c.is_whitespace() {
                    Some('-')
                } else {
                    None
                }
            })
            .collect();
        let count = seen.entry(id.clone()).or_insert(0);
        let unique = if *count == 0 {
            id
        } else {
            format!("{id}-{count}")
        };
        *count += 1;
        ids.insert(unique);
    }
    ids
}

/// What is wrong with the internal links of one Markdown file.
fn broken_links(file: &Path) -> Vec<String> {
    let lines = prose(&expanded(file));
    let own_ids = heading_ids(&lines);
    let in_book = file.starts_with(docs());
    let mut broken = Vec::new();
    for (line, target) in links(&lines) {
        let here = format!("{}:{line}: `{target}`", shown(file));
        if target.is_empty() {
            broken.push(format!("{here}: an empty link"));
            continue;
        }
        if target.contains("://") || target.starts_with("mailto:") {
            continue;
        }
        let (path, fragment) = match target.split_once('#') {
            Some((path, fragment)) => (path, Some(fragment)),
            None => (target.as_str(), None),
        };
        let ids = if path.is_empty() {
            own_ids.clone()
        } else {
            if path.starts_with('/') {
                broken.push(format!("{here}: a link from the root; make it relative"));
                continue;
            }
            let resolved = normalize(&file.parent().unwrap().join(path));
            if !resolved.exists() {
                broken.push(format!("{here}: {} does not exist", shown(&resolved)));
                continue;
            }
            if in_book && !resolved.starts_with(docs()) {
                broken.push(format!(
                    "{here}: leads out of docs/, which the built book does not have"
                ));
                continue;
            }
            if fragment.is_none() {
                continue;
            }
            if resolved.extension().is_none_or(|e| e != "md") {
                broken.push(format!("{here}: a heading of a file that is not Markdown"));
                continue;
            }
            heading_ids(&prose(&expanded(&resolved)))
        };
        if let Some(fragment) = fragment
            && !ids.contains(fragment)
        {
            broken.push(format!("{here}: no heading has the id `{fragment}`"));
        }
    }
    broken
}

#[test]
fn every_internal_link_of_the_book_and_the_readme_resolves() {
    let mut files = book_pages();
    files.push(root().join("README.md"));
    let broken: Vec<String> = files.iter().flat_map(|f| broken_links(f)).collect();
    assert!(
        broken.is_empty(),
        "broken links:\n  {}",
        broken.join("\n  ")
    );
}

#[test]
fn every_page_of_docs_is_in_the_book() {
    let summary = docs().join("SUMMARY.md");
    let listed: BTreeSet<PathBuf> = links(&prose(&expanded(&summary)))
        .into_iter()
        .map(|(_, target)| normalize(&docs().join(target)))
        .collect();
    let missing: Vec<String> = book_pages()
        .into_iter()
        .filter(|page| *page != summary && !listed.contains(page))
        .map(|page| shown(&page))
        .collect();
    assert!(
        missing.is_empty(),
        "pages not in docs/SUMMARY.md, so not in the book: {missing:?}"
    );
}

/// One flag of the binary, where it came from and what it says of itself.
struct Flag {
    command: String,
    env: Option<String>,
    defaults: Vec<String>,
}

/// Every long flag of `latchkey` and of each of its subcommands, by name
/// (`--listen`), and every subcommand (`latchkey users list`).
fn flags_and_commands() -> (BTreeMap<String, Vec<Flag>>, Vec<String>) {
    fn walk(
        cmd: &clap::Command,
        path: &str,
        flags: &mut BTreeMap<String, Vec<Flag>>,
        commands: &mut Vec<String>,
    ) {
        for arg in cmd.get_arguments() {
            let Some(long) = arg.get_long() else { continue };
            if arg.is_hide_set() || matches!(long, "help" | "version") {
                continue;
            }
            flags.entry(format!("--{long}")).or_default().push(Flag {
                command: path.to_owned(),
                env: arg.get_env().map(|e| e.to_string_lossy().into_owned()),
                defaults: arg
                    .get_default_values()
                    .iter()
                    .map(|v| v.to_string_lossy().into_owned())
                    .collect(),
            });
        }
        for sub in cmd.get_subcommands() {
            let path = format!("{path} {}", sub.get_name());
            commands.push(path.clone());
            walk(sub, &path, flags, commands);
        }
    }
    let mut flags = BTreeMap::new();
    let mut commands = Vec::new();
    walk(&Cli::command(), "latchkey", &mut flags, &mut commands);
    (flags, commands)
}

/// The rows of the configuration page's table, by the flag in their first
/// cell: the cells of each.
fn configuration_table() -> BTreeMap<String, Vec<String>> {
    let page = std::fs::read_to_string(docs().join("configuration.md")).unwrap();
    page.lines()
        .filter_map(|line| {
            let cells: Vec<String> = line
                .trim()
                .strip_prefix('|')?
                .strip_suffix('|')?
                .split(" | ")
                .map(|cell| cell.trim().to_owned())
                .collect();
            let flag = cells.first()?.strip_prefix("`--")?.strip_suffix('`')?;
            Some((format!("--{flag}"), cells))
        })
        .collect()
}

/// Whether `text` names `word` whole: `--user` in "`--user EMAIL`", not in
/// "--users" or "--user-agent".
fn names(text: &str, word: &str) -> bool {
    text.match_indices(word).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + word.len()..].chars().next();
        let part = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
        !before.is_some_and(part) && !after.is_some_and(part)
    })
}

#[test]
fn every_flag_and_command_of_the_binary_is_documented() {
    let (flags, commands) = flags_and_commands();
    let book: String = book_pages()
        .iter()
        .map(|page| std::fs::read_to_string(page).unwrap())
        .collect();
    let table = configuration_table();
    let mut problems = Vec::new();

    for (name, uses) in &flags {
        if !names(&book, name) {
            let commands: Vec<&str> = uses.iter().map(|f| f.command.as_str()).collect();
            problems.push(format!("{name} (of {commands:?}) is in no page of docs/"));
        }
        // The server's own flags (`latchkey` alone, or `latchkey serve`)
        // each have a row: flag, environment variable, default.
        let Some(serve) = uses.iter().find(|f| f.command == "latchkey") else {
            continue;
        };
        let Some(row) = table.get(name) else {
            problems.push(format!(
                "{name} has no row in docs/configuration.md's table"
            ));
            continue;
        };
        if let Some(env) = &serve.env
            && row.get(1).is_none_or(|cell| *cell != format!("`{env}`"))
        {
            problems.push(format!(
                "{name}: its row names the environment variable {:?}, the binary reads `{env}`",
                row.get(1)
            ));
        }
        for default in &serve.defaults {
            if !row
                .get(2)
                .is_some_and(|cell| cell.contains(&format!("`{default}`")))
            {
                problems.push(format!(
                    "{name}: its row gives the default {:?}, the binary's is `{default}`",
                    row.get(2)
                ));
            }
        }
    }
    for name in table.keys() {
        if !flags
            .get(name)
            .is_some_and(|uses| uses.iter().any(|f| f.command == "latchkey"))
        {
            problems.push(format!(
                "{name} is in docs/configuration.md's table, but the server has no such flag"
            ));
        }
    }
    for command in &commands {
        if !book.contains(command.as_str()) {
            problems.push(format!("`{command}` is in no page of docs/"));
        }
    }
    assert!(
        problems.is_empty(),
        "undocumented:\n  {}",
        problems.join("\n  ")
    );
}
