//! The command line: argument parsing and the headless commands. Each command is a thin
//! shell over the pure core and returns its exit code.

pub mod api;
mod diff;
pub mod endpoint;
mod graph;
mod lint;
mod media;
pub mod preview;
mod render;
mod schema;
mod svg;
mod test;
mod validate;
pub mod webhook;

use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

/// Exit codes, the same for every command.
pub mod exit {
    /// Success: the flow is valid (warnings allowed), the tests passed.
    pub const OK: u8 = 0;
    /// The flow is invalid, or a test failed.
    pub const INVALID: u8 = 1;
    /// Usage or I/O error: bad arguments, a missing or unreadable file, a directory.
    pub const USAGE: u8 = 2;
    /// Meta's Graph API refused the request or could not be reached (`flowsim api`).
    pub const API: u8 = 3;
}

#[derive(Debug, Parser)]
#[command(
    name = "flowsim",
    version,
    about = "Preview, simulate, validate and test WhatsApp Flows in the terminal",
    long_about = None,
    args_conflicts_with_subcommands = true,
    after_help = preview::AFTER_HELP,
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub preview: preview::Args,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Preview a flow interactively (the same as `flowsim FLOW`).
    #[command(after_help = preview::AFTER_HELP)]
    Preview(preview::Args),
    /// Print a screen as the preview draws it, as text.
    #[command(after_help = render::AFTER_HELP)]
    Render(render::Args),
    /// Check Flow JSON files against Meta's rules, offline.
    #[command(after_help = validate::AFTER_HELP)]
    Validate(validate::Args),
    /// Print a JSON Schema of Flow JSON, for editor completion and inline errors.
    #[command(after_help = schema::AFTER_HELP)]
    Schema(schema::Args),
    /// Draw the screens of a flow and the routes between them (text, Mermaid, DOT).
    #[command(after_help = graph::AFTER_HELP)]
    Graph(graph::Args),
    /// Advice beyond Meta's rules: lost answers, dead ends, hidden required inputs, …
    #[command(after_help = lint::AFTER_HELP)]
    Lint(lint::Args),
    /// Show what changed between two versions of a flow, and what can break.
    #[command(after_help = diff::AFTER_HELP)]
    Diff(diff::Args),
    /// Run scripted scenarios against flows, offline (for CI).
    #[command(after_help = test::AFTER_HELP)]
    Test(test::Args),
    /// Health-check an endpoint as Meta does.
    #[command(after_help = endpoint::PING_HELP)]
    Ping(endpoint::PingArgs),
    /// Make an RSA key pair for an endpoint.
    #[command(after_help = endpoint::KEYGEN_HELP)]
    Keygen(endpoint::KeygenArgs),
    /// Decrypt a captured endpoint request (and its answer).
    #[command(after_help = endpoint::DECRYPT_HELP)]
    Decrypt(endpoint::DecryptArgs),
    /// Check and decrypt a media file downloaded from a request's cdn_url.
    #[command(after_help = media::AFTER_HELP)]
    DecryptMedia(media::DecryptMediaArgs),
    /// Turn a recording into a mock file.
    #[command(after_help = endpoint::MOCK_HELP)]
    Mock(endpoint::MockArgs),
    /// Meta's Flows API: list, create, push, pull, publish, preview and send flows.
    #[command(after_help = api::AFTER_HELP)]
    Api(api::Args),
    /// Play Meta to a webhook server (send, verify, check), or receive like one (listen).
    #[command(after_help = webhook::AFTER_HELP)]
    Webhook(webhook::Args),
    /// Print shell completions (see README, "Shell completions").
    #[command(after_help = COMPLETIONS_HELP)]
    Completions {
        /// The shell to complete in.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

const COMPLETIONS_HELP: &str = "\
Examples:
  flowsim completions bash > ~/.local/share/bash-completion/completions/flowsim
  flowsim completions zsh > ~/.zfunc/_flowsim        (with fpath+=~/.zfunc before compinit)
  flowsim completions fish > ~/.config/fish/completions/flowsim.fish
  flowsim completions powershell >> $PROFILE";

/// `text` in `style` when colour is on.
fn paint(color: bool, style: impl Into<anstyle::Style>, text: &str) -> String {
    if color {
        let style = style.into();
        format!("{style}{text}{style:#}")
    } else {
        text.to_string()
    }
}

/// Writes the completion script for `shell` to `out`.
pub fn completions(shell: clap_complete::Shell, out: &mut dyn std::io::Write) {
    use clap::CommandFactory;
    clap_complete::generate(shell, &mut Cli::command(), "flowsim", out);
}

/// When to colour the output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum Color {
    /// Colour when writing to a terminal and NO_COLOR is not set.
    #[default]
    Auto,
    Always,
    Never,
}

impl Color {
    /// Whether to colour a stream, given whether it is a terminal.
    pub fn enabled(self, is_terminal: bool) -> bool {
        match self {
            Color::Always => true,
            Color::Never => false,
            Color::Auto => is_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
        }
    }
}

/// A tokio runtime for a headless command; `None` (after saying why) when there is none.
fn runtime() -> Option<tokio::runtime::Runtime> {
    match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(r) => Some(r),
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            None
        }
    }
}

pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() {
                exit::USAGE
            } else {
                exit::OK
            });
        }
    };
    ExitCode::from(match cli.command {
        None => preview::run(&cli.preview),
        Some(Command::Preview(args)) => preview::run(&args),
        Some(Command::Render(args)) => render::run(&args),
        Some(Command::Validate(args)) => validate::run(&args),
        Some(Command::Schema(args)) => schema::run(&args),
        Some(Command::Test(args)) => test::run(&args),
        Some(Command::Graph(args)) => graph::run(&args),
        Some(Command::Diff(args)) => diff::run(&args),
        Some(Command::Lint(args)) => lint::run(&args),
        Some(Command::Ping(args)) => endpoint::ping(&args),
        Some(Command::Keygen(args)) => endpoint::keygen(&args),
        Some(Command::Decrypt(args)) => endpoint::decrypt(&args),
        Some(Command::DecryptMedia(args)) => media::decrypt_media(&args),
        Some(Command::Mock(args)) => endpoint::mock(&args),
        Some(Command::Api(args)) => api::run(&args),
        Some(Command::Webhook(args)) => webhook::run(&args),
        Some(Command::Completions { shell }) => {
            completions(shell, &mut std::io::stdout().lock());
            exit::OK
        }
    })
}
