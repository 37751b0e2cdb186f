//! The benchmark's table: figures against their targets, as markdown, and
//! written into the README between two markers.

use std::fmt::Write as _;
use std::path::Path;

use crate::BoxError;

/// The README lines the table goes between.
pub const BEGIN: &str = "<!-- bench:begin -->";
pub const END: &str = "<!-- bench:end -->";

/// One measured figure and, where there is one, the target it is held to.
#[derive(Clone, Debug)]
pub struct Figure {
    what: String,
    measured: String,
    target: Option<(String, bool)>,
}

impl Figure {
    pub fn new(
        what: impl Into<String>,
        measured: impl Into<String>,
        target: impl Into<String>,
        met: bool,
    ) -> Self {
        Self {
            what: what.into(),
            measured: measured.into(),
            target: Some((target.into(), met)),
        }
    }

    /// A figure with no target, reported for information.
    pub fn informational(what: impl Into<String>, measured: impl Into<String>) -> Self {
        Self {
            what: what.into(),
            measured: measured.into(),
            target: None,
        }
    }
}

#[derive(Debug, Default)]
pub struct Table {
    figures: Vec<Figure>,
}

impl Table {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&mut self, figure: Figure) {
        self.figures.push(figure);
    }

    /// The table, under a line saying when and where it was measured.
    pub fn markdown(&self, machine: &str) -> String {
        let mut out = format!(
            "Measured by `make bench` {machine}.\n\n\
             | what | measured | target | met |\n|---|---|---|---|\n"
        );
        for figure in &self.figures {
            let (target, met) = match &figure.target {
                Some((target, true)) => (target.as_str(), "yes"),
                Some((target, false)) => (target.as_str(), "**no**"),
                None => ("-", "-"),
            };
            // Writing into a String cannot fail.
            let _ = writeln!(
                out,
                "| {} | {} | {target} | {met} |",
                figure.what, figure.measured
            );
        }
        out
    }
}

/// "on 2026-11-23, 2 cores (model), 24 GiB": today and this machine.
pub async fn machine() -> String {
    let date = tokio::process::Command::new("date")
        .args(["-u", "+%Y-%m-%d"])
        .output()
        .await
        .map(|out| String::from_utf8_lossy(&out.stdout).trim().to_owned())
        .unwrap_or_default();
    let cores = std::thread::available_parallelism().map_or(0, std::num::NonZero::get);
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|line| line.strip_prefix("model name"))
        .and_then(|rest| rest.split_once(':'))
        .map_or("unknown CPU", |(_, model)| model.trim())
        .to_owned();
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let memory_gib = meminfo
        .lines()
        .find_map(|line| line.strip_prefix("MemTotal:"))
        .and_then(|rest| {
            rest.trim()
                .trim_end_matches("kB")
                .trim()
                .parse::<u64>()
                .ok()
        })
        .map_or(0, |kib| (kib + 512 * 1024) / (1024 * 1024));
    format!("on {date}, {cores} cores ({model}), {memory_gib} GiB")
}

/// Replaces what is between the markers in `readme` with `markdown`.
pub fn write_into_readme(readme: &Path, markdown: &str) -> Result<(), BoxError> {
    let text = std::fs::read_to_string(readme)?;
    let updated = replace_between_markers(&text, markdown)
        .ok_or_else(|| format!("{} has no {BEGIN} ... {END} lines", readme.display()))?;
    std::fs::write(readme, updated)?;
    Ok(())
}

fn replace_between_markers(text: &str, markdown: &str) -> Option<String> {
    let begin = text.find(BEGIN)? + BEGIN.len();
    let end = begin + text[begin..].find(END)?;
    Some(format!("{}\n{markdown}{}", &text[..begin], &text[end..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_replaces_only_what_is_between_the_markers() {
        let text = format!("# Title\n{BEGIN}\nold table\n{END}\nafter\n");
        let updated = replace_between_markers(&text, "new table\n").unwrap();
        assert_eq!(
            updated,
            format!("# Title\n{BEGIN}\nnew table\n{END}\nafter\n")
        );
        assert_eq!(replace_between_markers("no markers", "x"), None);
    }

    #[test]
    fn a_missed_target_is_marked() {
        let mut table = Table::new();
        table.push(Figure::new("speed", "1 req/s", "≥ 2 req/s", false));
        table.push(Figure::informational("size", "3 KiB"));
        let markdown = table.markdown("here");
        assert!(markdown.contains("| speed | 1 req/s | ≥ 2 req/s | **no** |"));
        assert!(markdown.contains("| size | 3 KiB | - | - |"));
    }
}
