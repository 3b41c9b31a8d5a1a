//! `flowsim graph`: the screens of a flow and the routes between them, as text, Mermaid or DOT.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::exit;
use crate::load;
use flowsim_core::routes::{self, Marks, Routes};

pub const AFTER_HELP: &str = "\
Examples:
  flowsim graph flow.json                        a map in the terminal
  flowsim graph flow.json --format mermaid       paste into GitHub Markdown in ```mermaid
  flowsim graph flow.json --format dot | dot -Tsvg > flow.svg
  flowsim test --coverage --format json flow.test.json > coverage.jsonl
  flowsim graph flow.json --coverage coverage.jsonl

Routes: navigate (a navigate action, with the component that fires it), endpoint (a route of
the routing model taken by the endpoint's answer), complete (to END), open_url.
Exit codes: 0 drawn, 1 the flow cannot be loaded, 2 usage or I/O error (a missing file, a
coverage file without this flow).";

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The Flow JSON file (`-` reads standard input).
    #[arg(value_name = "FLOW")]
    pub flow: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = GraphFormat::Text)]
    pub format: GraphFormat,
    /// Mark what the tests did not reach, from `flowsim test --coverage --format json` output.
    #[arg(long, value_name = "FILE")]
    pub coverage: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum GraphFormat {
    /// Each screen with its routes under it.
    Text,
    /// A Mermaid flowchart (GitHub renders it in Markdown).
    Mermaid,
    /// A Graphviz digraph.
    Dot,
}

pub fn run(args: &Args) -> u8 {
    let (_, flow, _) = match load::checked(&args.flow) {
        Ok(loaded) => loaded,
        Err(code) => return code,
    };
    let map = Routes::of(&flow);
    let marks = match &args.coverage {
        Some(file) => match coverage_marks(file, &args.flow, &map) {
            Ok(m) => m,
            Err(message) => {
                eprintln!("error: {message}");
                return exit::USAGE;
            }
        },
        None => Marks::default(),
    };
    let out = match args.format {
        GraphFormat::Text => {
            let mut s = String::new();
            for line in routes::text(&map, &marks) {
                s.push_str(&line.text);
                s.push('\n');
            }
            s
        }
        GraphFormat::Mermaid => routes::mermaid(&map, &marks),
        GraphFormat::Dot => routes::dot(&map, &marks),
    };
    let _ = std::io::stdout().lock().write_all(out.as_bytes());
    exit::OK
}

/// The marks of a coverage report (lines of `flowsim test --coverage --format json`) for
/// this flow: the one report when there is one, else the one whose `flow` is this file.
fn coverage_marks(file: &Path, flow: &Path, map: &Routes) -> Result<Marks, String> {
    let text = load::read_text(file)?;
    let mut reports: Vec<Value> = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let value: Value = serde_json::from_str(line).map_err(|e| {
            format!(
                "{}:{}:{}: not a line of `flowsim test --format json` output: {e}",
                file.display(),
                n + 1,
                e.column()
            )
        })?;
        if let Some(c) = value.get("coverage") {
            reports.push(c.clone());
        }
    }
    let same = |c: &Value| {
        let named = c.get("flow").and_then(Value::as_str).map(PathBuf::from);
        match (
            named.map(std::fs::canonicalize),
            std::fs::canonicalize(flow),
        ) {
            (Some(Ok(a)), Ok(b)) => a == b,
            _ => false,
        }
    };
    let report = match reports.as_slice() {
        [] => {
            return Err(format!(
                "{}: no coverage in it: write it with `flowsim test --coverage --format json`",
                file.display()
            ));
        }
        [one] => one,
        many => many.iter().find(|c| same(c)).ok_or_else(|| {
            let flows: Vec<&str> = many
                .iter()
                .filter_map(|c| c.get("flow").and_then(Value::as_str))
                .collect();
            format!(
                "{}: has coverage for {}, not for {}",
                file.display(),
                flows.join(", "),
                flow.display()
            )
        })?,
    };
    let reached = |part: &str| -> Vec<String> {
        report
            .get(part)
            .and_then(|p| p.get("reached"))
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default()
    };
    Ok(Marks::tested(map, &reached("screens"), &reached("routes")))
}
