//! `flowsim lint`: advice beyond Meta's rules, reported like `flowsim validate`.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::sync::Arc;

use super::{Color, exit};
use crate::app::device::{Device, Look};
use crate::load;
use crate::report::{self, Format};
use crate::ui::{self, theme::Theme};
use flowsim_core::lint::{self, CODES, Phone};
use flowsim_core::sim::Session;

pub const AFTER_HELP: &str = "\
Examples:
  flowsim lint flow.json
  flowsim lint --allow truncated-text --allow long-screen flows/*.json
  flowsim lint --format github flow.json        (in a GitHub Actions step)

Codes:
  unused-input        an input whose value never reaches a payload or the completion
  unreachable-screen  a screen that no action can lead to, though a route does
  never-completes     an entry screen from which no way forward or back ends the flow
  hidden-required     a required input that can be hidden
  missing-alt-text    a picture without alt-text
  truncated-text      a title or label cut short on the narrowest phone (--device small)
  long-screen         a screen whose inputs take more than 3 screenfuls of scrolling
  frozen-version      a Flow JSON version Meta has frozen or expired

Exit codes: 0 no findings (after --allow), 1 findings, 2 usage or I/O error, or a file
that is not a Flow JSON document.";

/// How many rows of a screen a phone shows at once: a 360×640 phone holds about 30 lines of
/// WhatsApp's body text.
const PHONE_ROWS: usize = 30;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Flow JSON files (`-` reads standard input).
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// When to use colour in human output.
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
    /// Silence the findings with this code (repeatable).
    #[arg(long, value_name = "CODE")]
    pub allow: Vec<String>,
}

/// The narrowest phone size the preview offers (`--device`), drawn by the preview's own
/// widgets.
struct Narrowest(Look);

impl Narrowest {
    fn new() -> Narrowest {
        let device = Device::ALL
            .into_iter()
            .min_by_key(|d| d.columns())
            .unwrap_or_default();
        Narrowest(Look {
            device,
            ..Look::default()
        })
    }
}

impl Phone for Narrowest {
    fn name(&self) -> String {
        format!(
            "the narrowest phone ({}, {} columns)",
            self.0.describe(),
            self.0.width()
        )
    }

    fn rows(&self) -> usize {
        PHONE_ROWS
    }

    fn draw(&self, session: &Session) -> Vec<String> {
        let buf = ui::render_screen(session, &Theme::DARK, &self.0, None, None, true);
        ui::to_text(&buf).lines().map(str::to_string).collect()
    }
}

pub fn run(args: &Args) -> u8 {
    for code in &args.allow {
        if !CODES.iter().any(|(c, _)| c.as_str() == code) {
            eprintln!(
                "error: `--allow {code}`: no such lint code (the codes: {})",
                CODES
                    .iter()
                    .map(|(c, _)| c.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            return exit::USAGE;
        }
    }
    let color = args.color.enabled(std::io::stdout().is_terminal());
    let mut code = exit::OK;
    let mut stdout = std::io::stdout().lock();
    for path in &args.files {
        let (source, flow, _) = match load::checked(path) {
            Ok(loaded) => loaded,
            Err(_) => {
                code = exit::USAGE;
                continue;
            }
        };
        let flow = Arc::new(flow);
        let mut findings = lint::lint(&flow, Some(&Narrowest::new()));
        findings.retain(|d| !args.allow.iter().any(|a| a == d.code.as_str()));
        if !findings.is_empty() && code == exit::OK {
            code = exit::INVALID;
        }
        let mut text = report::render(args.format, &source, &findings, color);
        if args.format == Format::Json {
            text.push('\n');
        }
        if stdout.write_all(text.as_bytes()).is_err() {
            return code.max(exit::INVALID);
        }
    }
    code
}
