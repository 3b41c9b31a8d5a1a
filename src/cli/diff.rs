//! `flowsim diff OLD NEW`: what changed between two versions of a flow, and what can break.

use std::io::Write;
use std::path::PathBuf;

use serde_json::json;

use super::exit;
use crate::load;
use flowsim_core::diff::{Change, Op, diff};
use flowsim_core::text::sanitize;

pub const AFTER_HELP: &str = "\
Examples:
  flowsim diff old.json new.json
  git show main:flow.json | flowsim diff - flow.json
  flowsim diff --format json old.json new.json

Components are matched by their input name, else by their place in the screen. Breaking
changes (an input renamed or removed, a data field removed or retyped, a screen removed that
the endpoint may answer with, a version change that alters behaviour) say why.
Exit codes (as diff): 0 no changes, 1 changes, 2 usage or I/O error, or a side that is not a
Flow JSON document.";

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The old version (`-` reads standard input).
    #[arg(value_name = "OLD")]
    pub old: PathBuf,
    /// The new version (`-` reads standard input).
    #[arg(value_name = "NEW")]
    pub new: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = DiffFormat::Human)]
    pub format: DiffFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DiffFormat {
    /// One line per change, breaking ones explained under it.
    Human,
    /// One JSON object with every change.
    Json,
}

pub fn run(args: &Args) -> u8 {
    if args.old.as_os_str() == "-" && args.new.as_os_str() == "-" {
        eprintln!("error: only one side can be `-` (standard input)");
        return exit::USAGE;
    }
    // Either side that cannot be read as a flow is trouble, as for diff: exit 2.
    let Ok((_, old, _)) = load::checked(&args.old) else {
        return exit::USAGE;
    };
    let Ok((_, new, _)) = load::checked(&args.new) else {
        return exit::USAGE;
    };
    let changes = diff(&old, &new);
    let out = match args.format {
        DiffFormat::Human => human(&changes),
        DiffFormat::Json => {
            let line = json!({
                "old": args.old.display().to_string(),
                "new": args.new.display().to_string(),
                "changes": changes.iter().map(|c| json!({
                    "change": c.op.name(),
                    "subject": c.subject,
                    "screen": c.screen,
                    "name": c.name,
                    "detail": c.detail,
                    "breaking": c.breaking.is_some(),
                    "why": c.breaking,
                })).collect::<Vec<_>>(),
                "breaking": changes.iter().filter(|c| c.breaking.is_some()).count(),
            });
            crate::report::escape_unsafe(line.to_string()) + "\n"
        }
    };
    let _ = std::io::stdout().lock().write_all(out.as_bytes());
    if changes.is_empty() {
        exit::OK
    } else {
        exit::INVALID
    }
}

fn human(changes: &[Change]) -> String {
    if changes.is_empty() {
        return "no changes\n".into();
    }
    let mut s = String::new();
    for c in changes {
        let sigil = match c.op {
            Op::Added => '+',
            Op::Removed => '-',
            Op::Changed | Op::Renamed => '~',
            Op::Moved => '>',
        };
        let on = c
            .screen
            .as_ref()
            .filter(|_| c.subject != "screen")
            .map(|id| format!("{id}: "))
            .unwrap_or_default();
        let mut line = if c.subject == c.name {
            format!("{sigil} {on}{} {}", c.subject, c.op.name())
        } else {
            format!("{sigil} {on}{} {} {}", c.subject, c.name, c.op.name())
        };
        if let Some(d) = &c.detail {
            line.push_str(": ");
            line.push_str(d);
        }
        s.push_str(&sanitize(&line));
        s.push('\n');
        if let Some(why) = &c.breaking {
            s.push_str(&format!("    breaking: {}\n", sanitize(why)));
        }
    }
    let breaking = changes.iter().filter(|c| c.breaking.is_some()).count();
    s.push_str(&format!(
        "\n{} change{}, {breaking} breaking\n",
        changes.len(),
        if changes.len() == 1 { "" } else { "s" }
    ));
    s
}
