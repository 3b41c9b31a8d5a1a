//! `flowsim api …`: Meta's Flows API from the terminal, over `flowsim_api`. The options every
//! command shares (token, ids, Graph URL and version, output), error reports with Meta's
//! code, subcode, `fbtrace_id` and a hint, confirmation of lifecycle changes, `-v` traces and
//! progress on a terminal.

mod flows;
mod hints;
mod send;

use std::io::{BufRead, IsTerminal, Write};
use std::sync::Arc;
use std::time::Duration;

use flowsim_api::client::{DEFAULT_GRAPH_URL, DEFAULT_GRAPH_VERSION, Event};
use flowsim_api::{ApiError, Client, Config, Token};
use flowsim_core::text::sanitize;

use super::{Color, exit};

pub const AFTER_HELP: &str = "\
Set-up (see the README, \"Working with Meta\"):
  export WHATSAPP_ACCESS_TOKEN=…              a system-user token with whatsapp_business_management
                                             (and whatsapp_business_messaging to send)
  export WHATSAPP_BUSINESS_ACCOUNT_ID=…       for list and create
  export WHATSAPP_PHONE_NUMBER_ID=…           for send and key

Examples:
  flowsim api list
  flowsim api create \"Sign up\" --file flow.json --category SIGN_UP
  flowsim api push 1234567890123456 flow.json
  flowsim api send 1234567890123456 --to 15551234567 --draft
  flowsim api publish 1234567890123456 --yes

Exit codes: 0 done, 1 Meta reports validation errors in the flow, 2 usage error
(missing token or id, bad option, unreadable file, no confirmation), 3 Meta refused
the request or could not be reached.";

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub conn: Connection,
    #[command(subcommand)]
    pub command: ApiCommand,
}

/// How to reach Meta and how to answer; accepted before or after the subcommand.
#[derive(clap::Args)]
pub struct Connection {
    /// The access token. Prefer the environment variable: a flag shows in shell history and
    /// in the process list. Never printed.
    #[arg(
        long,
        env = "WHATSAPP_ACCESS_TOKEN",
        hide_env_values = true,
        global = true,
        value_name = "TOKEN",
        help_heading = "Meta"
    )]
    pub token: Option<String>,
    /// The WhatsApp Business Account id (list, create).
    #[arg(
        long,
        env = "WHATSAPP_BUSINESS_ACCOUNT_ID",
        global = true,
        value_name = "ID",
        help_heading = "Meta"
    )]
    pub waba_id: Option<String>,
    /// The business phone number id (send, key).
    #[arg(
        long,
        env = "WHATSAPP_PHONE_NUMBER_ID",
        global = true,
        value_name = "ID",
        help_heading = "Meta"
    )]
    pub phone_id: Option<String>,
    /// The Graph API host (a test server: plain http only on 127.0.0.1 or localhost).
    #[arg(long, global = true, value_name = "URL", default_value = DEFAULT_GRAPH_URL, help_heading = "Meta")]
    pub graph_url: String,
    /// The Graph API version.
    #[arg(long, global = true, value_name = "VERSION", default_value = DEFAULT_GRAPH_VERSION, help_heading = "Meta")]
    pub graph_version: String,
    /// Output: human text, or Meta's answer as JSON on standard output.
    #[arg(long, global = true, value_enum, default_value_t = ApiFormat::Human)]
    pub format: ApiFormat,
    /// Show each request and answer on standard error (the token masked).
    #[arg(short, long, global = true)]
    pub verbose: bool,
    /// When to use colour in human output.
    #[arg(long, global = true, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
}

/// Without the token, so that no debug output can show it.
impl std::fmt::Debug for Connection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connection")
            .field(
                "token",
                &self.token.as_ref().map(|_| flowsim_api::client::MASK),
            )
            .field("waba_id", &self.waba_id)
            .field("phone_id", &self.phone_id)
            .field("graph_url", &self.graph_url)
            .field("graph_version", &self.graph_version)
            .field("format", &self.format)
            .field("verbose", &self.verbose)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ApiFormat {
    Human,
    Json,
}

#[derive(Debug, clap::Subcommand)]
pub enum ApiCommand {
    /// The WABA's flows: id, status, versions, validation errors, categories, name.
    List,
    /// Every field of one flow: status, versions, endpoint, validation errors, health,
    /// preview link.
    Show(flows::ShowArgs),
    /// Create a flow and print its id.
    #[command(after_help = flows::CREATE_HELP)]
    Create(flows::CreateArgs),
    /// Upload Flow JSON to a flow and compare Meta's verdict with flowsim's.
    #[command(after_help = flows::PUSH_HELP)]
    Push(flows::PushArgs),
    /// Download a flow's Flow JSON.
    Pull(flows::PullArgs),
    /// Publish a draft: customers can then receive it; it can no longer be deleted.
    Publish(flows::LifecycleArgs),
    /// Deprecate a published flow: it can no longer be sent. Final.
    Deprecate(flows::LifecycleArgs),
    /// Delete a draft. Final.
    Delete(flows::LifecycleArgs),
    /// Print the flow's web preview link (valid 30 days).
    Preview(flows::PreviewArgs),
    /// Send the flow to a phone as an interactive message.
    #[command(after_help = send::SEND_HELP)]
    Send(send::SendArgs),
    /// The phone number's business public key (for endpoint flows).
    #[command(subcommand)]
    Key(send::KeyCommand),
}

/// How a sent or previewed flow opens (Meta's spelling `data_exchange` is accepted too).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OpenAction {
    /// Open a screen with data, no request.
    Navigate,
    /// Ask the endpoint for the first screen (INIT).
    #[value(alias = "data_exchange")]
    DataExchange,
}

impl OpenAction {
    pub fn meta_name(self) -> &'static str {
        match self {
            OpenAction::Navigate => "navigate",
            OpenAction::DataExchange => "data_exchange",
        }
    }
}

/// What a command needs: the client, the options, a runtime.
pub(crate) struct Ctx<'a> {
    pub client: Client,
    pub conn: &'a Connection,
    pub runtime: tokio::runtime::Runtime,
    /// Colour on standard output.
    pub color: bool,
}

impl Ctx<'_> {
    pub fn json(&self) -> bool {
        self.conn.format == ApiFormat::Json
    }

    /// Untrusted text from Meta or files, safe for a terminal and with the token masked.
    pub fn safe(&self, text: &str) -> String {
        self.client.mask(
            &text
                .split('\n')
                .map(sanitize)
                .collect::<Vec<_>>()
                .join("\n"),
        )
    }

    /// Prints Meta's answer (masked) for `--format json`.
    pub fn print_json(&self, value: &serde_json::Value) {
        println!(
            "{}",
            crate::report::escape_unsafe(self.client.mask(&value.to_string()))
        );
    }

    pub fn waba(&self) -> Result<&str, u8> {
        required(
            &self.conn.waba_id,
            "--waba-id",
            "WHATSAPP_BUSINESS_ACCOUNT_ID",
        )
    }

    pub fn phone(&self) -> Result<&str, u8> {
        required(
            &self.conn.phone_id,
            "--phone-id",
            "WHATSAPP_PHONE_NUMBER_ID",
        )
    }

    /// A spinner on standard error while `work` runs, when standard error is a terminal and
    /// `-v` is off; hidden otherwise.
    pub fn progress(&self, message: &str) -> indicatif::ProgressBar {
        if !std::io::stderr().is_terminal() || self.conn.verbose {
            return indicatif::ProgressBar::hidden();
        }
        let bar = indicatif::ProgressBar::new_spinner();
        bar.set_message(message.to_string());
        bar.enable_steady_tick(Duration::from_millis(100));
        bar
    }

    /// Reports a failed call on standard error (and Meta's answer on standard output with
    /// `--format json`) and returns the exit code.
    pub fn fail(&self, e: ApiError, op: hints::Op<'_>) -> u8 {
        match e {
            ApiError::Usage(m) => {
                eprintln!("error: {}", self.safe(&m));
                exit::USAGE
            }
            ApiError::Transport(m) => {
                eprintln!("error: {}", self.safe(&m));
                if op.is_write() {
                    eprintln!(
                        "note: the request may or may not have reached Meta; check before trying again{}",
                        op.check_with()
                    );
                }
                exit::API
            }
            ApiError::Graph(g) => {
                if self.json() && !g.raw.is_null() {
                    self.print_json(&g.raw);
                }
                eprint!("{}", self.safe(&hints::describe(&g, &op)));
                exit::API
            }
        }
    }
}

/// Reports a usage error and returns its exit code.
pub(crate) fn usage(message: String) -> u8 {
    eprintln!("error: {message}");
    exit::USAGE
}

fn required<'a>(value: &'a Option<String>, flag: &str, env: &str) -> Result<&'a str, u8> {
    match value.as_deref().map(str::trim) {
        Some(v) if !v.is_empty() => Ok(v),
        _ => {
            eprintln!("error: this command needs {flag} ID, or the environment variable {env}");
            Err(exit::USAGE)
        }
    }
}

/// Asks on the terminal before a lifecycle change; without a terminal, `--yes` is needed.
/// `Ok(false)`: the user said no.
pub(crate) fn confirm(question: &str, yes: bool, action: &str) -> Result<bool, u8> {
    if yes {
        return Ok(true);
    }
    if !std::io::stdin().is_terminal() || !std::io::stderr().is_terminal() {
        eprintln!(
            "error: {action} needs confirmation: pass --yes (there is no terminal to ask on)"
        );
        return Err(exit::USAGE);
    }
    eprint!("{question} [y/N] ");
    let _ = std::io::stderr().flush();
    let mut line = String::new();
    if std::io::stdin().lock().read_line(&mut line).is_err() {
        return Err(exit::USAGE);
    }
    Ok(matches!(line.trim().to_lowercase().as_str(), "y" | "yes"))
}

pub fn run(args: &Args) -> u8 {
    let conn = &args.conn;
    let Some(raw) = conn.token.as_deref() else {
        eprintln!(
            "error: no access token: set WHATSAPP_ACCESS_TOKEN (see `flowsim api --help` and the \
             README, \"Working with Meta\")"
        );
        return exit::USAGE;
    };
    let token = match Token::new(raw) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: {e}");
            return exit::USAGE;
        }
    };
    let mut config = Config::new(token);
    config.graph_url = conn.graph_url.clone();
    config.graph_version = conn.graph_version.clone();
    let verbose = conn.verbose;
    config.observer = Some(Arc::new(move |event: Event<'_>| {
        let (mark, text) = match event {
            Event::Request(t) if verbose => ("> ", t),
            Event::Answer(t) if verbose => ("< ", t),
            Event::Retry(t) => ("note: ", t),
            _ => return,
        };
        let mut err = std::io::stderr().lock();
        for line in text.lines() {
            let _ = writeln!(err, "{mark}{}", sanitize(line));
        }
    }));
    let client = match Client::new(config) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return exit::USAGE;
        }
    };
    let Some(runtime) = super::runtime() else {
        return exit::USAGE;
    };
    let ctx = Ctx {
        client,
        conn,
        runtime,
        color: conn.color.enabled(std::io::stdout().is_terminal()),
    };
    let code = match &args.command {
        ApiCommand::List => flows::list(&ctx),
        ApiCommand::Show(a) => flows::show(&ctx, a),
        ApiCommand::Create(a) => flows::create(&ctx, a),
        ApiCommand::Push(a) => flows::push(&ctx, a),
        ApiCommand::Pull(a) => flows::pull(&ctx, a),
        ApiCommand::Publish(a) => flows::lifecycle(&ctx, a, flows::Change::Publish),
        ApiCommand::Deprecate(a) => flows::lifecycle(&ctx, a, flows::Change::Deprecate),
        ApiCommand::Delete(a) => flows::lifecycle(&ctx, a, flows::Change::Delete),
        ApiCommand::Preview(a) => flows::preview(&ctx, a),
        ApiCommand::Send(a) => send::send(&ctx, a),
        ApiCommand::Key(k) => send::key(&ctx, k),
    };
    match code {
        Ok(c) | Err(c) => c,
    }
}

/// `--data` for send and preview: a JSON object, inline or @file, read as the preview's
/// `--data` is.
pub(crate) fn read_data(text: &str) -> Result<serde_json::Value, String> {
    super::preview::parse_data(text).map(serde_json::Value::Object)
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    #[test]
    fn debug_output_never_holds_the_token() {
        let cli =
            crate::cli::Cli::try_parse_from(["flowsim", "api", "--token", "EAAGsecret123", "list"])
                .unwrap();
        let debug = format!("{cli:?}");
        assert!(!debug.contains("EAAGsecret123"), "{debug}");
        assert!(debug.contains("***"), "{debug}");
    }
}
