use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use super::{Color, exit};
use crate::load::{self, LoadError};
use crate::report::{self, Format};
use flowsim_core::validate::check;

pub const AFTER_HELP: &str = "\
Examples:
  flowsim validate flow.json
  flowsim validate --format json flows/*.json
  flowsim validate --format github flow.json    (in a GitHub Actions step)
  cat flow.json | flowsim validate -

Exit codes: 0 every file valid (warnings allowed, unless --deny-warnings), 1 a file
is invalid (with --deny-warnings: or has a warning, such as a frozen version),
2 usage or I/O error (missing or unreadable file, a directory).";

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Flow JSON files to check (`-` reads standard input).
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// When to use colour in human output.
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
    /// Exit with 1 when a file has a warning too (for CI).
    #[arg(long)]
    pub deny_warnings: bool,
}

pub fn run(args: &Args) -> u8 {
    let color = args.color.enabled(std::io::stdout().is_terminal());
    let mut code = exit::OK;
    let mut stdout = std::io::stdout().lock();
    for path in &args.files {
        let (source, diagnostics) = match load::read(path) {
            Ok(source) => {
                let checked = check(&source);
                (source, checked.diagnostics)
            }
            Err(LoadError::Invalid(invalid)) => {
                let (source, d) = *invalid;
                (source, vec![d])
            }
            Err(LoadError::Io(message)) => {
                eprintln!("error: {message}");
                code = exit::USAGE;
                continue;
            }
        };
        let failed = diagnostics
            .iter()
            .any(|d| d.is_error() || args.deny_warnings);
        if failed && code == exit::OK {
            code = exit::INVALID;
        }
        let mut text = report::render(args.format, &source, &diagnostics, color);
        if args.format == Format::Json {
            text.push('\n');
        }
        if stdout.write_all(text.as_bytes()).is_err() {
            return code.max(exit::INVALID);
        }
    }
    code
}
