//! `flowsim webhook`: play Meta to the business's webhook server (`send`, `verify`, `check`)
//! and listen like it (`listen`). The work is in `flowsim_webhook`; this is the shell.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use clap::{Subcommand, ValueEnum};
use serde_json::{Map, Value, json};

use super::{Color, exit, paint};
use crate::endpoint::Webhook;
use anstyle::{AnsiColor, Effects};

mod flow;

/// `println!` that ignores a closed stdout (`| head`) instead of panicking.
macro_rules! say {
    ($($arg:tt)*) => {{
        let _ = writeln!(std::io::stdout().lock(), $($arg)*);
    }};
}
use flowsim_core::scenario::{Failure, Outcome};
use flowsim_core::sim::Completion;
use flowsim_core::text::sanitize;
use flowsim_webhook::check::{self, Check};
use flowsim_webhook::deliver::{self, DEFAULT_TIMEOUT, Delivery, SLOW, Sender, millis};
use flowsim_webhook::event::{
    self, AlertState, Business, ErrorFigure, ErrorRate, FlowsEvent, Parties, Status, User,
};
use flowsim_webhook::listen::{self, Kind, Received, SignatureCheck};
use flowsim_webhook::{Secret, json::meta_bytes};

pub const AFTER_HELP: &str = "\
Examples:
  flowsim webhook listen --port 8080 --app-secret S --verify-token T
  flowsim webhook send http://127.0.0.1:8080/webhook --event completion --app-secret S
  flowsim webhook verify https://example.com/webhook --verify-token T
  flowsim webhook check https://example.com/webhook --app-secret S

Prefer FLOWSIM_APP_SECRET and FLOWSIM_VERIFY_TOKEN to the options: they stay out of shell
history. Neither is ever printed.";

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub command: WebhookCommand,
}

#[derive(Debug, Subcommand)]
pub enum WebhookCommand {
    /// POST one notification as Meta sends it, signed.
    #[command(after_help = SEND_HELP)]
    Send(Box<SendArgs>),
    /// Perform Meta's subscription handshake (GET) and judge the answer.
    #[command(after_help = VERIFY_HELP)]
    Verify(VerifyArgs),
    /// Check a receiver: signatures, batches, duplicates, speed, escaped non-ASCII.
    #[command(after_help = CHECK_HELP)]
    Check(CheckArgs),
    /// Receive notifications locally: verify, decode, print, and optionally forward them.
    #[command(after_help = LISTEN_HELP)]
    Listen(ListenArgs),
}

pub fn run(args: &Args) -> u8 {
    match &args.command {
        WebhookCommand::Send(a) => send(a),
        WebhookCommand::Verify(a) => verify(a),
        WebhookCommand::Check(a) => check(a),
        WebhookCommand::Listen(a) => listen(a),
    }
}

/// How to reach the receiver.
#[derive(Debug, Clone, clap::Args)]
pub struct Delivering {
    /// The Meta app secret: signs every notification (X-Hub-Signature-256). Never printed.
    #[arg(
        long,
        env = "FLOWSIM_APP_SECRET",
        hide_env_values = true,
        value_name = "SECRET"
    )]
    pub app_secret: Option<String>,
    /// Seconds to wait for the receiver's answer.
    #[arg(long, value_name = "SECS", default_value_t = DEFAULT_TIMEOUT.as_secs(), value_parser = clap::value_parser!(u64).range(1..=600))]
    pub timeout: u64,
    /// Accept any TLS certificate (local testing only; Meta requires a valid one).
    #[arg(long)]
    pub insecure: bool,
}

impl Delivering {
    fn sender(&self) -> Result<Sender, String> {
        Sender::new(
            self.app_secret.clone().map(Secret),
            Duration::from_secs(self.timeout),
            self.insecure,
        )
    }
}

/// Who the notifications are from and to (defaults: the ids of Meta's examples).
#[derive(Debug, Clone, clap::Args)]
pub struct PartiesArgs {
    /// The WhatsApp Business Account id (`entry[].id`).
    #[arg(long, value_name = "ID", default_value_t = Business::default().waba_id, help_heading = "Ids")]
    pub waba_id: String,
    /// The business phone number id (`metadata.phone_number_id`).
    #[arg(long, value_name = "ID", default_value_t = Business::default().phone_number_id, help_heading = "Ids")]
    pub phone_number_id: String,
    /// The business number as shown (`metadata.display_phone_number`).
    #[arg(long, value_name = "DIGITS", default_value_t = Business::default().display_phone_number, help_heading = "Ids")]
    pub display_phone_number: String,
    /// The user's WhatsApp id (`from`, `wa_id`, `recipient_id`).
    #[arg(long, value_name = "DIGITS", default_value_t = User::default().wa_id, help_heading = "Ids")]
    pub wa_id: String,
    /// The user's profile name.
    #[arg(long, value_name = "NAME", default_value_t = User::default().name, help_heading = "Ids")]
    pub profile_name: String,
}

impl PartiesArgs {
    fn parties(&self) -> Parties {
        Parties {
            business: Business {
                waba_id: self.waba_id.clone(),
                phone_number_id: self.phone_number_id.clone(),
                display_phone_number: self.display_phone_number.clone(),
            },
            user: User {
                wa_id: self.wa_id.clone(),
                name: self.profile_name.clone(),
            },
        }
    }
}

// --- --webhook on the preview and `flowsim test` -------------------------------------------

/// `flowsim test --webhook`: delivers a test's completion, if it completed, once its `steps`
/// ran. A delivery the receiver does not take fails the test at its last step.
pub fn deliver_outcome(
    webhook: Option<&Webhook>,
    runtime: &tokio::runtime::Runtime,
    outcome: &mut Outcome,
    steps: usize,
) -> Option<Delivery> {
    let (webhook, completion) = (webhook?, outcome.completion.as_ref()?);
    let d = runtime.block_on(webhook.deliver(completion));
    if outcome.failure.is_none()
        && let Some(why) = d.diagnosis()
    {
        outcome.failure = Some(Failure {
            step: steps,
            message: format!("webhook {}: {why}", sanitize(&webhook.url)),
            expected: None,
            actual: None,
        });
    }
    Some(d)
}

/// The line under a test that delivered its completion; nothing when it failed (the failure
/// says why) or did not deliver.
pub fn test_line(delivered: Option<&Delivery>) -> String {
    match delivered {
        Some(d) if d.diagnosis().is_none() => {
            let mut s = format!("      webhook: answered {}\n", d.outcome());
            if let Some(note) = d.slow_note(SLOW) {
                s.push_str(&format!("      note: {note}\n"));
            }
            s
        }
        _ => String::new(),
    }
}

/// The `webhook` member of a test's JSON line.
pub fn test_json(d: &Delivery) -> Value {
    json!({
        "url": d.url,
        "status": d.status,
        "latency_ms": d.latency.as_millis() as u64,
        "problem": d.diagnosis(),
    })
}

// --- flowsim webhook send -----------------------------------------------------------------

const SEND_HELP: &str = "\
Examples:
  flowsim webhook send http://127.0.0.1:8080/webhook --event completion
  flowsim webhook send URL --event completion --payload '{\"size\": \"M\"}' --flow-token t-1
  flowsim webhook send URL --event completion --flow booking.json --form '{\"name\": \"Ada\"}'
  flowsim webhook send URL --event completion --recording session.jsonl
  flowsim webhook send URL --event status-change --from published --to throttled
  flowsim webhook send URL --event endpoint-latency --state deactivated --p90 900
  flowsim webhook send URL --event message-status --status failed

Every option has a realistic default. The body is what Meta sends: compact JSON with
non-ASCII escaped (\\u00e4), signed over those exact bytes when an app secret is given.
Exit codes: 0 the receiver answered 2xx, 1 it did not (with the likely cause), 2 usage error.";

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EventKind {
    /// The `messages` notification of a completed flow (nfm_reply).
    Completion,
    /// `flows`: FLOW_STATUS_CHANGE.
    StatusChange,
    /// `flows`: ENDPOINT_ERROR_RATE.
    EndpointErrorRate,
    /// `flows`: ENDPOINT_LATENCY.
    EndpointLatency,
    /// `flows`: ENDPOINT_AVAILABILITY.
    EndpointAvailability,
    /// `flows`: CLIENT_ERROR_RATE.
    ClientErrorRate,
    /// `flows`: FLOW_VERSION_EXPIRY_WARNING.
    VersionExpiry,
    /// `messages`: a status of the flow message (sent, delivered, read, failed).
    MessageStatus,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
#[value(rename_all = "lower")]
pub enum FlowStatus {
    Draft,
    Published,
    Throttled,
    Blocked,
    Deprecated,
}

impl FlowStatus {
    fn meta(self) -> String {
        format!("{self:?}").to_uppercase()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StateArg {
    Activated,
    Deactivated,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StatusArg {
    Sent,
    Delivered,
    Read,
    Failed,
}

#[derive(Debug, clap::Args)]
pub struct SendArgs {
    /// The webhook URL (the callback URL configured in the Meta app).
    #[arg(value_name = "URL")]
    pub url: String,
    /// What to send.
    #[arg(long, value_enum)]
    pub event: EventKind,
    /// Print the exact body sent.
    #[arg(long)]
    pub show_body: bool,

    /// completion: the `response_json` object, JSON or @file (`flow_token` is added).
    #[arg(
        long,
        value_name = "JSON|@FILE",
        group = "completion_source",
        help_heading = "completion"
    )]
    pub payload: Option<String>,
    /// completion: run this flow to its `complete` action, with --form values and examples.
    #[arg(
        long,
        value_name = "FLOW",
        group = "completion_source",
        help_heading = "completion"
    )]
    pub flow: Option<PathBuf>,
    /// completion with --flow: start on this screen, with its example data (default: the first).
    #[arg(
        long,
        value_name = "ID",
        requires = "flow",
        help_heading = "completion"
    )]
    pub screen: Option<String>,
    /// completion with --flow: input values by name on any screen, JSON or @file, as a
    /// scenario's `fill`; other inputs get examples.
    #[arg(
        long,
        value_name = "JSON|@FILE",
        requires = "flow",
        help_heading = "completion"
    )]
    pub form: Option<String>,
    /// completion: the SUCCESS answer of an endpoint recording (--record).
    #[arg(
        long,
        value_name = "FILE",
        group = "completion_source",
        help_heading = "completion"
    )]
    pub recording: Option<PathBuf>,
    /// completion: the flow token.
    #[arg(
        long,
        value_name = "TOKEN",
        default_value = "flowsim",
        help_heading = "completion"
    )]
    pub flow_token: String,
    /// completion, message-status: the message id (default: a fresh wamid).
    #[arg(long, value_name = "WAMID", help_heading = "completion")]
    pub message_id: Option<String>,
    /// completion: the id of the flow message the user answered (default: a fresh wamid).
    #[arg(long, value_name = "WAMID", help_heading = "completion")]
    pub context_id: Option<String>,

    /// flows events: the flow id.
    #[arg(
        long,
        value_name = "ID",
        default_value = "6627390910605886",
        help_heading = "flows events"
    )]
    pub flow_id: String,
    /// status-change: the flow's name.
    #[arg(
        long,
        value_name = "NAME",
        default_value = "Appointment booking",
        help_heading = "flows events"
    )]
    pub name: String,
    /// status-change: the old status.
    #[arg(long, value_enum, default_value_t = FlowStatus::Draft, conflicts_with = "created", help_heading = "flows events")]
    pub from: FlowStatus,
    /// status-change: the new status.
    #[arg(long, value_enum, default_value_t = FlowStatus::Published, help_heading = "flows events")]
    pub to: FlowStatus,
    /// status-change: the flow was just created (no old status).
    #[arg(long, help_heading = "flows events")]
    pub created: bool,
    /// status-change, version-expiry: the warning text.
    #[arg(long, value_name = "TEXT", help_heading = "flows events")]
    pub warning: Option<String>,
    /// alerts: the threshold was crossed (activated) or recovered from (deactivated).
    #[arg(long, value_enum, default_value_t = StateArg::Activated, help_heading = "flows events")]
    pub state: StateArg,
    /// alerts: the threshold (percent; ms for latency). Defaults: 10, 7000, 90.
    #[arg(long, value_name = "N", help_heading = "flows events")]
    pub threshold: Option<f64>,
    /// error-rate alerts: the error rate, percent.
    #[arg(
        long,
        value_name = "PERCENT",
        default_value_t = 14.28,
        help_heading = "flows events"
    )]
    pub error_rate: f64,
    /// error-rate alerts: one line of `errors` (repeatable). Default: Meta's sample lines.
    #[arg(long = "error", value_name = "TYPE:RATE:COUNT", value_parser = parse_error_figure, help_heading = "flows events")]
    pub errors: Vec<ErrorFigure>,
    /// endpoint-latency: p50 in ms.
    #[arg(
        long,
        value_name = "MS",
        default_value_t = 500,
        help_heading = "flows events"
    )]
    pub p50: u64,
    /// endpoint-latency: p90 in ms.
    #[arg(
        long,
        value_name = "MS",
        default_value_t = 8000,
        help_heading = "flows events"
    )]
    pub p90: u64,
    /// endpoint-latency: requests counted.
    #[arg(
        long,
        value_name = "N",
        default_value_t = 34,
        help_heading = "flows events"
    )]
    pub requests: u64,
    /// endpoint-availability: availability, percent.
    #[arg(
        long,
        value_name = "PERCENT",
        default_value_t = 75.0,
        help_heading = "flows events"
    )]
    pub availability: f64,

    /// message-status: the status.
    #[arg(long, value_enum, default_value_t = StatusArg::Delivered, help_heading = "message-status")]
    pub status: StatusArg,

    #[command(flatten)]
    pub parties: PartiesArgs,
    #[command(flatten)]
    pub delivering: Delivering,
}

fn parse_error_figure(s: &str) -> Result<ErrorFigure, String> {
    let parts: Vec<&str> = s.split(':').collect();
    let [error_type, rate, count] = parts[..] else {
        return Err("expected TYPE:RATE:COUNT, e.g. TIMEOUT:33.33:1".into());
    };
    Ok(ErrorFigure {
        error_type: error_type.to_string(),
        error_rate: rate
            .parse()
            .map_err(|_| format!("the rate `{rate}` is not a number"))?,
        error_count: count
            .parse()
            .map_err(|_| format!("the count `{count}` is not a whole number"))?,
    })
}

const DEFAULT_WARNING: &str = "Your current Flow version will freeze in 21 days. Update the \
    Flow JSON to a newer version to keep editing it. \
    https://developers.facebook.com/docs/whatsapp/flows/changelogs#currently-supported-versions";

/// The notification `send` posts, and a few words on what it is.
fn build(args: &SendArgs) -> Result<(Value, String), String> {
    let parties = args.parties.parties();
    let now = deliver::unix_now();
    let state = match args.state {
        StateArg::Activated => AlertState::Activated,
        StateArg::Deactivated => AlertState::Deactivated,
    };
    let error_rate = |errors: &[(&str, f64, u64)]| ErrorRate {
        state,
        threshold: args.threshold.unwrap_or(10.0),
        error_rate: args.error_rate,
        errors: if args.errors.is_empty() {
            errors
                .iter()
                .map(|(t, r, c)| ErrorFigure {
                    error_type: (*t).into(),
                    error_rate: *r,
                    error_count: *c,
                })
                .collect()
        } else {
            args.errors.clone()
        },
    };
    let flows_event = match args.event {
        EventKind::Completion => {
            let completion = completion(args)?;
            let entry = event::completion(
                &parties.business,
                &parties.user,
                &event::MessageIds {
                    message_id: args.message_id.clone().unwrap_or_else(deliver::wamid),
                    flow_message_id: args.context_id.clone().unwrap_or_else(deliver::wamid),
                    timestamp: now,
                },
                &completion,
            );
            return Ok((
                event::envelope(&[entry]),
                "messages: flow completion (nfm_reply)".into(),
            ));
        }
        EventKind::MessageStatus => {
            let status = match args.status {
                StatusArg::Sent => Status::Sent,
                StatusArg::Delivered => Status::Delivered,
                StatusArg::Read => Status::Read,
                StatusArg::Failed => Status::Failed,
            };
            let entry = event::message_status(
                &parties.business,
                &parties.user.wa_id,
                &args.message_id.clone().unwrap_or_else(deliver::wamid),
                status,
                now,
            );
            return Ok((
                event::envelope(&[entry]),
                format!("messages: status {}", status.as_str()),
            ));
        }
        EventKind::StatusChange => FlowsEvent::StatusChange {
            name: args.name.clone(),
            old: (!args.created).then(|| args.from.meta()),
            new: args.to.meta(),
            warning: args.warning.clone(),
        },
        EventKind::ClientErrorRate => FlowsEvent::ClientErrorRate(error_rate(&[
            ("INVALID_SCREEN_TRANSITION", 66.66, 2),
            ("PUBLIC_KEY_MISSING", 33.33, 1),
        ])),
        EventKind::EndpointErrorRate => FlowsEvent::EndpointErrorRate(error_rate(&[
            ("CAPABILITY_ERROR", 66.66, 2),
            ("TIMEOUT", 33.33, 1),
        ])),
        EventKind::EndpointLatency => FlowsEvent::EndpointLatency {
            state,
            threshold: args.threshold.map_or(7000, |t| t as u64),
            p50_ms: args.p50,
            p90_ms: args.p90,
            requests: args.requests,
        },
        EventKind::EndpointAvailability => FlowsEvent::EndpointAvailability {
            state,
            threshold: args.threshold.unwrap_or(90.0),
            availability: args.availability,
        },
        EventKind::VersionExpiry => FlowsEvent::VersionExpiry {
            warning: args
                .warning
                .clone()
                .unwrap_or_else(|| DEFAULT_WARNING.into()),
        },
    };
    let entry = event::flows(&parties.business.waba_id, now, &args.flow_id, &flows_event);
    Ok((
        event::envelope(&[entry]),
        format!("flows: {}", flows_event.name()),
    ))
}

/// The completion to send: from --payload, --flow, --recording, or a realistic default.
fn completion(args: &SendArgs) -> Result<Completion, String> {
    let with_token = |values: Map<String, Value>| {
        let mut response = Map::new();
        response.insert("flow_token".into(), json!(args.flow_token));
        response.extend(values);
        Completion {
            screen: String::new(),
            response,
        }
    };
    if let Some(p) = &args.payload {
        return Ok(with_token(super::preview::parse_object("--payload", p)?));
    }
    if let Some(path) = &args.recording {
        return from_recording(path);
    }
    if let Some(path) = &args.flow {
        let form = args
            .form
            .as_deref()
            .map(|f| super::preview::parse_object("--form", f))
            .transpose()?
            .unwrap_or_default();
        return from_flow(path, args.screen.as_deref(), &form, &args.flow_token);
    }
    let Value::Object(values) = json!({
        "name": "Zoë Martín",
        "email": "zoe@example.com",
        "appointment_date": "2025-06-12",
        "agree": true,
    }) else {
        unreachable!("an object literal")
    };
    Ok(with_token(values))
}

/// The completion an endpoint recording ends with: its last SUCCESS answer's params.
fn from_recording(path: &Path) -> Result<Completion, String> {
    let exchanges = flowsim_endpoint::record::read(path)?;
    exchanges
        .iter()
        .rev()
        .filter_map(|x| x.response.as_ref().map(|r| (x, r)))
        .find(|(_, r)| r.get("screen").and_then(Value::as_str) == Some("SUCCESS"))
        .and_then(|(x, r)| {
            let params = r
                .pointer("/data/extension_message_response/params")?
                .as_object()?;
            Some(Completion {
                screen: x.screen.clone(),
                response: params.clone(),
            })
        })
        .ok_or_else(|| {
            format!(
                "{}: the recording has no SUCCESS answer with \
                 data.extension_message_response.params: record a session that completes",
                path.display()
            )
        })
}

/// Loads the flow and completes it (see [`flow::complete`]).
fn from_flow(
    path: &Path,
    screen: Option<&str>,
    form: &Map<String, Value>,
    token: &str,
) -> Result<Completion, String> {
    let source = crate::load::read(path).map_err(|e| match e {
        crate::load::LoadError::Io(m) => m,
        crate::load::LoadError::Invalid(b) => format!("{}: {}", b.0.name, b.1.message),
    })?;
    let checked = flowsim_core::validate::check(&source);
    let Some(flow) = checked.flow else {
        let first = checked
            .diagnostics
            .first()
            .map(|d| d.message.clone())
            .unwrap_or_default();
        return Err(format!("{}: cannot be loaded: {first}", path.display()));
    };
    if let Some(id) = screen
        && flow.screen(id).is_none()
    {
        return Err(format!("{} has no screen `{id}`", path.display()));
    }
    // Picker file paths in --form are relative to the current folder.
    let files = crate::files::LocalFiles {
        base: PathBuf::new(),
        cdn: None,
    };
    flow::complete(Arc::new(flow), screen, form, token, &files)
        .map_err(|e| format!("{}: {e}", path.display()))
}

/// An http(s) URL, or why it is not one, naming the option.
fn check_url(option: &str, url: &str) -> Result<(), String> {
    deliver::http_url(url).map_err(|e| format!("{option} {e}"))
}

pub fn send(args: &SendArgs) -> u8 {
    if let Err(e) = check_url("URL", &args.url) {
        eprintln!("error: {e}");
        return exit::USAGE;
    }
    let (notification, what) = match build(args) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("error: {e}");
            return exit::USAGE;
        }
    };
    let sender = match args.delivering.sender() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return exit::USAGE;
        }
    };
    let Some(runtime) = super::runtime() else {
        return exit::USAGE;
    };
    let body = meta_bytes(&notification);
    if args.show_body {
        say!("{}", String::from_utf8_lossy(&body));
    }
    if !sender.has_secret() {
        eprintln!(
            "note: unsigned: give --app-secret (or FLOWSIM_APP_SECRET) to sign as Meta does; a \
             receiver that checks signatures refuses this"
        );
    }
    let d =
        runtime.block_on(sender.post_bytes(&args.url, body.clone(), deliver::Signature::AppSecret));
    say!(
        "POST {what} to {} ({} bytes, {})",
        sanitize(&args.url),
        body.len(),
        if d.signed { "signed" } else { "unsigned" }
    );
    report_delivery(&d)
}

/// Prints the receiver's answer; the exit code.
fn report_delivery(d: &Delivery) -> u8 {
    match d.diagnosis() {
        None => {
            say!("the receiver answered {}", d.outcome());
            if let Some(note) = d.slow_note(SLOW) {
                say!("note: {note}");
            }
            exit::OK
        }
        Some(why) => {
            say!("failed: {why}");
            exit::INVALID
        }
    }
}

// --- flowsim webhook verify ---------------------------------------------------------------

const VERIFY_HELP: &str = "\
Examples:
  flowsim webhook verify https://example.com/webhook --verify-token T
  FLOWSIM_VERIFY_TOKEN=T flowsim webhook verify http://127.0.0.1:8080/webhook

Sends GET URL?hub.mode=subscribe&hub.challenge=<random integer>&hub.verify_token=T, as Meta
does when you save the callback URL, and expects 200 with exactly the challenge as the body;
then sends a wrong token and expects a refusal (403). Exit codes: 0 both right, 1 a finding,
2 usage error.";

#[derive(Debug, clap::Args)]
pub struct VerifyArgs {
    /// The webhook URL.
    #[arg(value_name = "URL")]
    pub url: String,
    /// The verify token configured for the webhook. Never printed.
    #[arg(
        long,
        env = "FLOWSIM_VERIFY_TOKEN",
        hide_env_values = true,
        value_name = "TOKEN"
    )]
    pub verify_token: String,
    /// Seconds to wait for each answer.
    #[arg(long, value_name = "SECS", default_value_t = DEFAULT_TIMEOUT.as_secs(), value_parser = clap::value_parser!(u64).range(1..=600))]
    pub timeout: u64,
    /// Accept any TLS certificate (local testing only).
    #[arg(long)]
    pub insecure: bool,
    /// When to use colour.
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
}

pub fn verify(args: &VerifyArgs) -> u8 {
    if let Err(e) = check_url("URL", &args.url) {
        eprintln!("error: {e}");
        return exit::USAGE;
    }
    let sender = match Sender::new(None, Duration::from_secs(args.timeout), args.insecure) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return exit::USAGE;
        }
    };
    let Some(runtime) = super::runtime() else {
        return exit::USAGE;
    };
    say!("handshake with {}", sanitize(&args.url));
    let checks = runtime.block_on(check::handshake(&sender, &args.url, &args.verify_token));
    print_checks(&checks, args.color)
}

// --- flowsim webhook check ----------------------------------------------------------------

const CHECK_HELP: &str = "\
Examples:
  flowsim webhook check https://example.com/webhook --app-secret S
  FLOWSIM_APP_SECRET=S flowsim webhook check http://127.0.0.1:8080/webhook --slow 1

Sends a few notifications, one at a time, and judges each answer: a correctly signed one
must be taken (2xx); a forged signature and an unsigned request must be refused; a batch of
several entries and changes, the same delivery twice, and text with non-ASCII escaped as Meta
escapes it must be taken; every answer must come quickly. The receiver gets real-looking
notifications with flow tokens starting `flowsim-check-`.
Exit codes: 0 no finding, 1 a finding, 2 usage error.";

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// The webhook URL.
    #[arg(value_name = "URL")]
    pub url: String,
    /// Answers slower than this many seconds are a finding.
    #[arg(long, value_name = "SECS", default_value_t = SLOW.as_secs_f64())]
    pub slow: f64,
    /// When to use colour.
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
    #[command(flatten)]
    pub parties: PartiesArgs,
    #[command(flatten)]
    pub delivering: Delivering,
}

pub fn check(args: &CheckArgs) -> u8 {
    if let Err(e) = check_url("URL", &args.url) {
        eprintln!("error: {e}");
        return exit::USAGE;
    }
    if args.delivering.app_secret.is_none() {
        eprintln!(
            "error: check needs the receiver's app secret (--app-secret or FLOWSIM_APP_SECRET) \
             to send correctly signed notifications next to forged ones"
        );
        return exit::USAGE;
    }
    let slow = match Duration::try_from_secs_f64(args.slow) {
        Ok(d) if d > Duration::ZERO => d,
        _ => {
            eprintln!("error: --slow must be a positive number of seconds");
            return exit::USAGE;
        }
    };
    let sender = match args.delivering.sender() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return exit::USAGE;
        }
    };
    let Some(runtime) = super::runtime() else {
        return exit::USAGE;
    };
    say!(
        "checking {} (slow: over {})",
        sanitize(&args.url),
        millis(slow)
    );
    let checks = runtime.block_on(check::run(
        &sender,
        &args.url,
        &args.parties.parties(),
        slow,
    ));
    print_checks(&checks, args.color)
}

/// One line per check, a total; exit 1 on any finding.
fn print_checks(checks: &[Check], color: Color) -> u8 {
    let color = color.enabled(std::io::stdout().is_terminal());
    let mut out = std::io::stdout().lock();
    let width = checks.iter().map(|c| c.name.len()).max().unwrap_or(0);
    for c in checks {
        let mark = if c.passed {
            paint(color, AnsiColor::Green.on_default(), "✓")
        } else {
            paint(color, AnsiColor::Red.on_default(), "✗")
        };
        let _ = writeln!(out, "  {mark} {:<width$}  {}", c.name, sanitize(&c.detail));
    }
    let findings = checks.iter().filter(|c| !c.passed).count();
    let _ = writeln!(
        out,
        "\n{} passed, {findings} finding{}",
        checks.len() - findings,
        if findings == 1 { "" } else { "s" }
    );
    if findings == 0 {
        exit::OK
    } else {
        exit::INVALID
    }
}

// --- flowsim webhook listen ---------------------------------------------------------------

const LISTEN_HELP: &str = "\
Examples:
  flowsim webhook listen --port 8080 --app-secret S --verify-token T
  flowsim webhook listen --port 8080 --forward http://127.0.0.1:3000/webhook
  flowsim webhook listen --port 8080 --format json > notifications.jsonl

Answers Meta's handshake (with --verify-token only that token; without, any), checks every
notification's X-Hub-Signature-256 over the raw bytes (with --app-secret; a mismatch is
refused with 403 and reported), notes duplicate deliveries, and prints each notification
with response_json decoded. With --forward every request goes on unchanged to your server and
its answer goes back. Point a tunnel (ngrok, cloudflared) at the port to see what Meta really
sends. Ctrl-C stops. Exit codes: 0 stopped, 2 the port cannot be used.";

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListenFormat {
    /// A header line, notes and the decoded notification, for people.
    Human,
    /// One JSON object per request per line.
    Json,
}

#[derive(Debug, clap::Args)]
pub struct ListenArgs {
    /// The port (0: any free port, printed at start).
    #[arg(long, value_name = "P", default_value_t = 8080)]
    pub port: u16,
    /// The address to listen on (0.0.0.0 for other machines).
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1")]
    pub host: String,
    /// Check signatures with this app secret. Never printed.
    #[arg(
        long,
        env = "FLOWSIM_APP_SECRET",
        hide_env_values = true,
        value_name = "SECRET"
    )]
    pub app_secret: Option<String>,
    /// Answer the handshake only for this token. Never printed.
    #[arg(
        long,
        env = "FLOWSIM_VERIFY_TOKEN",
        hide_env_values = true,
        value_name = "TOKEN"
    )]
    pub verify_token: Option<String>,
    /// Pass every request on, unchanged, to this URL and answer with its answer.
    #[arg(long, value_name = "URL")]
    pub forward: Option<String>,
    /// Seconds to wait for the --forward server.
    #[arg(long, value_name = "SECS", default_value_t = DEFAULT_TIMEOUT.as_secs(), value_parser = clap::value_parser!(u64).range(1..=600))]
    pub timeout: u64,
    /// Accept any TLS certificate from the --forward server.
    #[arg(long)]
    pub insecure: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ListenFormat::Human)]
    pub format: ListenFormat,
    /// When to use colour in human output.
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
}

pub fn listen(args: &ListenArgs) -> u8 {
    if let Some(url) = &args.forward
        && let Err(e) = check_url("--forward", url)
    {
        eprintln!("error: {e}");
        return exit::USAGE;
    }
    let forward = match &args.forward {
        Some(url) => match Sender::new(None, Duration::from_secs(args.timeout), args.insecure) {
            Ok(s) => Some((url.clone(), s)),
            Err(e) => {
                eprintln!("error: {e}");
                return exit::USAGE;
            }
        },
        None => None,
    };
    let config = listen::Config {
        app_secret: args.app_secret.clone().map(Secret),
        verify_token: args.verify_token.clone().map(Secret),
        forward,
    };
    let Some(runtime) = super::runtime() else {
        return exit::USAGE;
    };
    let color = args.color.enabled(std::io::stdout().is_terminal());
    runtime.block_on(async {
        let listener = match tokio::net::TcpListener::bind((args.host.as_str(), args.port)).await {
            Ok(l) => l,
            Err(e) => {
                eprintln!(
                    "error: cannot listen on {}:{}: {e}{}",
                    args.host,
                    args.port,
                    if e.kind() == std::io::ErrorKind::AddrInUse {
                        " (pick another --port)"
                    } else {
                        ""
                    }
                );
                return exit::USAGE;
            }
        };
        let addr = listener.local_addr().map_or_else(
            |_| format!("{}:{}", args.host, args.port),
            |a| a.to_string(),
        );
        eprintln!("listening on http://{addr}/ (Ctrl-C stops)");
        eprintln!(
            "  signatures: {}",
            if args.app_secret.is_some() {
                "checked with the app secret"
            } else {
                "not checked (no --app-secret)"
            }
        );
        eprintln!(
            "  handshake:  {}",
            if args.verify_token.is_some() {
                "answered for the verify token only"
            } else {
                "answered for any verify token (no --verify-token)"
            }
        );
        if let Some(url) = &args.forward {
            eprintln!("  forwarding: every request to {}", sanitize(url));
        }
        eprintln!();
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let mut server = tokio::spawn(listen::serve(listener, config, tx));
        let (mut count, mut refused) = (0usize, 0usize);
        loop {
            tokio::select! {
                received = rx.recv() => {
                    let Some(r) = received else { break };
                    count += 1;
                    if matches!(r.signature, SignatureCheck::Mismatch | SignatureCheck::Missing) {
                        refused += 1;
                    }
                    let text = match args.format {
                        ListenFormat::Human => human(&r, color),
                        ListenFormat::Json => crate::report::escape_unsafe(
                            serde_json::to_string(&r).unwrap_or_default(),
                        ) + "\n",
                    };
                    let mut out = std::io::stdout().lock();
                    let _ = out.write_all(text.as_bytes());
                    let _ = out.flush();
                }
                result = &mut server => {
                    if let Ok(Err(e)) = result {
                        eprintln!("error: the listener stopped: {e}");
                    }
                    return exit::USAGE;
                }
                _ = tokio::signal::ctrl_c() => break,
            }
        }
        eprintln!(
            "\nstopped: {count} request{}, {refused} with a missing or wrong signature",
            if count == 1 { "" } else { "s" }
        );
        exit::OK
    })
}

/// A request as people read it: a header line, what it is, notes, the notification.
fn human(r: &Received, color: bool) -> String {
    let time = jiff::Timestamp::from_millisecond((r.received_at * 1000.0) as i64)
        .map(|ts| {
            ts.to_zoned(jiff::tz::TimeZone::system())
                .strftime("%H:%M:%S")
                .to_string()
        })
        .unwrap_or_default();
    let signature = match r.signature {
        SignatureCheck::Valid => paint(color, AnsiColor::Green.on_default(), "signature valid"),
        SignatureCheck::Mismatch => paint(
            color,
            AnsiColor::Red.on_default().bold(),
            "SIGNATURE MISMATCH",
        ),
        SignatureCheck::Missing => paint(color, AnsiColor::Red.on_default().bold(), "UNSIGNED"),
        SignatureCheck::Unchecked => "signature not checked".into(),
    };
    let what = match r.kind {
        Kind::Handshake => "handshake".to_string(),
        Kind::Notification => signature,
        Kind::Other => "not a notification".into(),
    };
    let mut s = format!(
        "{} {} {}  {what}  → {}\n",
        paint(color, Effects::BOLD, &time),
        r.method,
        r.path,
        r.status
    );
    for line in &r.summary {
        s.push_str(&format!("  {}\n", sanitize(line)));
    }
    // What the flow sent, first: it is what the handler is about.
    for (_, value) in r.notification.iter().flat_map(event::changes) {
        for m in value["messages"].as_array().into_iter().flatten() {
            if let Some(reply) = m.pointer("/interactive/nfm_reply/response_json") {
                s.push_str(&format!(
                    "  response_json: {}\n",
                    crate::report::escape_unsafe(reply.to_string())
                ));
            }
        }
    }
    for id in &r.duplicates {
        s.push_str(&format!(
            "  duplicate: {} was delivered before (Meta retries; skip it by id)\n",
            sanitize(id)
        ));
    }
    let notification = r.kind == Kind::Notification;
    for note in &r.notes {
        // A notification's header line already says its signature was not checked.
        if notification && note.starts_with("signature not checked") {
            continue;
        }
        // A mismatch or a missing signature is explained in red.
        let bad = notification && (note.starts_with("SIGNATURE") || note.starts_with("UNSIGNED"));
        s.push_str(&format!(
            "  {}\n",
            if bad {
                paint(color, AnsiColor::Red.on_default(), &sanitize(note))
            } else {
                sanitize(note)
            }
        ));
    }
    if let Some(f) = &r.forwarded {
        let answer = match f.status {
            Some(st) => format!("{st} in {} ms", f.latency_ms),
            None => format!("no answer after {} ms", f.latency_ms),
        };
        s.push_str(&format!("  forwarded to {}: {answer}\n", sanitize(&f.url)));
        if let Some(p) = &f.problem {
            s.push_str(&format!(
                "  {}\n",
                paint(color, AnsiColor::Red.on_default(), &sanitize(p))
            ));
        }
    }
    if let Some(n) = &r.notification {
        let pretty = serde_json::to_string_pretty(n).unwrap_or_default();
        for line in pretty.lines() {
            s.push_str(&format!(
                "  {}\n",
                crate::report::escape_unsafe(line.to_string())
            ));
        }
        if r.summary.iter().any(|l| l.contains("nfm_reply")) {
            s.push_str("  (response_json is a string of JSON; shown decoded)\n");
        }
    }
    s.push('\n');
    s
}
