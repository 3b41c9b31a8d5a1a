//! The flow commands: list, show, create, push, pull, publish/deprecate/delete, preview.

use std::io::Write;
use std::path::{Path, PathBuf};

use flowsim_api::flows::{
    self as api, Flow, NewFlow, PreviewParams, SHOW_FIELDS, ValidationError, check_id,
};
use flowsim_api::validation::{compare, to_diagnostics};
use flowsim_core::diagnostic::Diagnostic;
use flowsim_core::flow::source::Source;
use flowsim_core::validate::check;
use unicode_width::UnicodeWidthStr;

use super::hints::{Kind, Op};
use super::{Ctx, OpenAction, confirm, read_data, usage};
use crate::cli::exit;
use crate::load::{self, LoadError};
use crate::report;

pub const CREATE_HELP: &str = "\
Examples:
  flowsim api create \"Sign up\"                          an empty draft (category OTHER)
  flowsim api create \"Sign up\" --file flow.json --category SIGN_UP --category SIGN_IN
  flowsim api create \"Booking v2\" --clone 1234567890123456
  flowsim api create \"Booking\" --file flow.json --endpoint-uri https://example.com/flow --publish

Prints the new flow's id on standard output (the rest goes to standard error), so
ID=$(flowsim api create …) works. With --file, Meta's validation errors are shown as
`flowsim api push` shows them.";

pub const PUSH_HELP: &str = "\
Uploads FILE as the flow's Flow JSON (a published flow goes back to DRAFT; the
published version keeps being sent until you publish again). Meta validates it on
upload: its validation_errors are printed as `flowsim validate` prints findings,
then flowsim's own verdict on the same file, and every disagreement.

Exit codes: 0 Meta found no errors, 1 Meta reports validation errors, 2 usage
or I/O error, 3 Meta refused the upload or could not be reached.";

#[derive(Debug, clap::Args)]
pub struct ShowArgs {
    /// The flow's id.
    pub flow_id: String,
}

#[derive(Debug, clap::Args)]
pub struct CreateArgs {
    /// The flow's name (unique in the WABA).
    pub name: String,
    /// Flow JSON to upload with it.
    #[arg(long, value_name = "FILE")]
    pub file: Option<PathBuf>,
    /// A category (repeat for several; default OTHER).
    #[arg(long = "category", value_name = "CATEGORY", value_parser = clap::builder::PossibleValuesParser::new(api::CATEGORIES))]
    pub categories: Vec<String>,
    /// The endpoint of an endpoint flow (Flow JSON 3.0 or later).
    #[arg(long, value_name = "URL")]
    pub endpoint_uri: Option<String>,
    /// Copy this flow's Flow JSON, categories and endpoint.
    #[arg(long = "clone", value_name = "FLOW_ID")]
    pub clone_flow_id: Option<String>,
    /// Publish it at once (only happens when Meta finds no error in the Flow JSON).
    #[arg(long)]
    pub publish: bool,
}

#[derive(Debug, clap::Args)]
pub struct PushArgs {
    /// The flow's id.
    pub flow_id: String,
    /// The Flow JSON file (`-` reads standard input).
    pub file: PathBuf,
}

#[derive(Debug, clap::Args)]
pub struct PullArgs {
    /// The flow's id.
    pub flow_id: String,
    /// Where to write it (`-`: standard output). Default: FLOW_ID.json.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Overwrite the file if it exists.
    #[arg(long)]
    pub force: bool,
    /// Open it in the preview once downloaded.
    #[arg(long)]
    pub preview: bool,
}

#[derive(Debug, clap::Args)]
pub struct LifecycleArgs {
    /// The flow's id.
    pub flow_id: String,
    /// Do it without asking (needed when there is no terminal).
    #[arg(short, long)]
    pub yes: bool,
}

#[derive(Debug, clap::Args)]
pub struct PreviewArgs {
    /// The flow's id.
    pub flow_id: String,
    /// Revoke the current link and make a new one.
    #[arg(long)]
    pub invalidate: bool,
    /// A preview that can be used (default: a static rendering).
    #[arg(long)]
    pub interactive: bool,
    /// Show the actions side panel.
    #[arg(long, requires = "interactive")]
    pub debug: bool,
    /// Flow token sent with each endpoint request (endpoint flows).
    #[arg(long, value_name = "TOKEN")]
    pub flow_token: Option<String>,
    /// How the flow opens: navigate (no request) or data_exchange (INIT).
    #[arg(long, value_enum)]
    pub flow_action: Option<OpenAction>,
    /// The screen to open (with navigate).
    #[arg(long, value_name = "ID")]
    pub screen: Option<String>,
    /// Data for that screen: JSON, or @file.
    #[arg(long, value_name = "JSON|@FILE", requires = "screen")]
    pub data: Option<String>,
    /// The business phone number whose public key encrypts endpoint requests.
    #[arg(long, value_name = "NUMBER")]
    pub phone_number: Option<String>,
}

/// A lifecycle change.
#[derive(Debug, Clone, Copy)]
pub enum Change {
    Publish,
    Deprecate,
    Delete,
}

// --- list ------------------------------------------------------------------------------------

pub fn list(ctx: &Ctx<'_>) -> Result<u8, u8> {
    let waba = ctx.waba()?;
    let bar = ctx.progress("listing flows…");
    let result = ctx.runtime.block_on(ctx.client.list_flows(waba, |n| {
        bar.set_message(format!("listing flows… {n} so far"))
    }));
    bar.finish_and_clear();
    let answer = result.map_err(|e| ctx.fail(e, Op::new(Kind::List, None)))?;
    if ctx.json() {
        ctx.print_json(&answer.raw);
        return Ok(exit::OK);
    }
    let flows = &answer.value.data;
    if flows.is_empty() {
        println!("no flows in WhatsApp Business Account {waba}");
        return Ok(exit::OK);
    }
    let header = [
        "ID",
        "STATUS",
        "JSON",
        "DATA API",
        "ERRORS",
        "CATEGORIES",
        "NAME",
    ];
    let rows: Vec<[String; 7]> = flows
        .iter()
        .map(|f| {
            [
                ctx.safe(&f.id),
                ctx.safe(&f.status),
                ctx.safe(f.json_version.as_deref().unwrap_or("-")),
                ctx.safe(f.data_api_version.as_deref().unwrap_or("-")),
                f.validation_errors.len().to_string(),
                ctx.safe(&f.categories.join(",")),
                ctx.safe(&f.name),
            ]
        })
        .collect();
    let mut widths = header.map(str::width);
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.width());
        }
    }
    let line = |cells: &[&str]| {
        let mut out = String::new();
        for (i, (cell, w)) in cells.iter().zip(widths).enumerate() {
            if i + 1 == cells.len() {
                out.push_str(cell);
            } else {
                out.push_str(cell);
                out.push_str(&" ".repeat(w - cell.width() + 2));
            }
        }
        out
    };
    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(stdout, "{}", line(&header));
    for row in &rows {
        let cells: Vec<&str> = row.iter().map(String::as_str).collect();
        let _ = writeln!(stdout, "{}", line(&cells));
    }
    let _ = writeln!(
        stdout,
        "{} flow{}",
        flows.len(),
        if flows.len() == 1 { "" } else { "s" }
    );
    Ok(exit::OK)
}

// --- show ------------------------------------------------------------------------------------

pub fn show(ctx: &Ctx<'_>, args: &ShowArgs) -> Result<u8, u8> {
    let op = Op::new(Kind::Show, Some(&args.flow_id));
    let answer = ctx
        .runtime
        .block_on(ctx.client.flow(&args.flow_id, SHOW_FIELDS))
        .map_err(|e| ctx.fail(e, op))?;
    if ctx.json() {
        ctx.print_json(&answer.raw);
        return Ok(exit::OK);
    }
    print!("{}", describe_flow(ctx, &answer.value));
    Ok(exit::OK)
}

fn describe_flow(ctx: &Ctx<'_>, f: &Flow) -> String {
    let s = |t: &str| ctx.safe(t);
    let opt = |t: &Option<String>| t.as_deref().map_or("-".to_string(), s);
    let node = |n: &Option<api::Node>| {
        n.as_ref().map_or("-".to_string(), |n| match &n.name {
            Some(name) => format!("{} ({})", s(name), s(&n.id)),
            None => s(&n.id),
        })
    };
    let mut out = format!("flow {} \"{}\"\n", s(&f.id), s(&f.name));
    let mut field = |k: &str, v: String| out.push_str(&format!("  {k:<18}{v}\n"));
    field("status", s(&f.status));
    field("categories", s(&f.categories.join(", ")));
    field("json_version", opt(&f.json_version));
    field("data_api_version", opt(&f.data_api_version));
    field("endpoint_uri", opt(&f.endpoint_uri));
    field("waba", node(&f.whatsapp_business_account));
    field("application", node(&f.application));
    match &f.preview {
        Some(p) => {
            field("preview", s(&p.preview_url));
            field("  expires", expiry(&p.expires_at));
        }
        None => field("preview", "-".into()),
    }
    out.push_str(&format!(
        "  {:<18}{}\n",
        "validation_errors",
        f.validation_errors.len()
    ));
    for e in &f.validation_errors {
        out.push_str(&format!("    {}\n", s(&one_line(e))));
    }
    if let Some(h) = &f.health_status {
        out.push_str(&format!(
            "  {:<18}{}\n",
            "health_status",
            s(&h.can_send_message)
        ));
        for entity in &h.entities {
            out.push_str(&format!(
                "    {} {}: {}\n",
                s(&entity.entity_type),
                s(&entity.id),
                s(&entity.can_send_message)
            ));
            for e in &entity.errors {
                let code = match &e.error_code {
                    serde_json::Value::Null => String::new(),
                    serde_json::Value::String(c) => format!("{} ", s(c)),
                    other => format!("{other} "),
                };
                out.push_str(&format!("      {code}{}\n", s(&e.error_description)));
                if let Some(sol) = &e.possible_solution {
                    out.push_str(&format!("        solution: {}\n", s(sol)));
                }
            }
            for info in &entity.additional_info {
                out.push_str(&format!("      {}\n", s(info)));
            }
        }
    }
    if !f.validation_errors.is_empty() {
        out.push_str(&format!(
            "to see the errors in the file: flowsim api pull {} && flowsim validate {}.json\n",
            s(&f.id),
            s(&f.id)
        ));
    }
    out
}

/// `INVALID_PROPERTY_VALUE at screens[0].layout (line 10, column 21): message`.
fn one_line(e: &ValidationError) -> String {
    let path = e.pointers.first().map(|p| p.path.as_str()).unwrap_or("");
    let at = if path.is_empty() {
        String::new()
    } else {
        format!(" at {path}")
    };
    let pos = match (e.line_start, e.column_start) {
        (Some(l), Some(c)) => format!(" (line {l}, column {c})"),
        (Some(l), None) => format!(" (line {l})"),
        _ => String::new(),
    };
    format!("{}{at}{pos}: {}", e.code(), e.message)
}

/// Meta's expiry (ISO date or unix seconds) with the days left.
fn expiry(value: &serde_json::Value) -> String {
    let ts = match value {
        serde_json::Value::Number(n) => n
            .as_i64()
            .and_then(|s| jiff::Timestamp::from_second(s).ok()),
        serde_json::Value::String(s) => jiff::Timestamp::strptime("%Y-%m-%dT%H:%M:%S%z", s).ok(),
        _ => None,
    };
    let shown = match value {
        serde_json::Value::String(s) => flowsim_core::text::sanitize(s),
        other => other.to_string(),
    };
    match ts {
        Some(t) => {
            let days = (t.as_second() - jiff::Timestamp::now().as_second()) / 86_400;
            match days {
                d if d < 0 => format!("{shown} (expired)"),
                0 => format!("{shown} (today)"),
                1 => format!("{shown} (in 1 day)"),
                d => format!("{shown} (in {d} days)"),
            }
        }
        None => shown,
    }
}

// --- create and push -------------------------------------------------------------------------

/// Reads a Flow JSON file to upload. A file that is not a Flow JSON text at all (over
/// 10 MB, not UTF-8) is reported as `flowsim validate` reports it and not uploaded.
fn read_flow(path: &Path) -> Result<Source, u8> {
    match load::read(path) {
        Ok(s) => Ok(s),
        Err(LoadError::Io(m)) => {
            eprintln!("error: {m}");
            Err(exit::USAGE)
        }
        Err(LoadError::Invalid(invalid)) => {
            let (source, d) = *invalid;
            eprint!("{}", report::human(&source, &[d], false));
            eprintln!("error: not uploaded: Meta would refuse this file");
            Err(exit::INVALID)
        }
    }
}

/// Meta's verdict printed as `flowsim validate` prints findings, flowsim's verdict beside it,
/// and where they disagree. Returns whether Meta found errors.
fn verdict(ctx: &Ctx<'_>, source: &Source, meta: &[ValidationError], out: &mut dyn Write) -> bool {
    let meta = to_diagnostics(source, meta);
    let local = check(source).diagnostics;
    let color = ctx.color;
    let _ = writeln!(out, "Meta's verdict (validation_errors of the upload):");
    let _ = write!(out, "{}", report::human(source, &meta, color));
    let _ = writeln!(
        out,
        "flowsim's verdict: {}",
        report::summary(source, &local, color)
    );
    let c = compare(source, &meta, &local);
    if c.agree() {
        let n = c.both.len();
        let _ = writeln!(
            out,
            "Meta and flowsim agree{}.",
            match n {
                0 => String::new(),
                1 => " on the 1 error".into(),
                n => format!(" on the {n} errors"),
            }
        );
    } else {
        let _ = writeln!(out, "Meta and flowsim disagree:");
        let place = |d: &Diagnostic| {
            let p = source.position(d.span.start);
            let path = if d.path.is_empty() {
                String::new()
            } else {
                format!(" at {}", d.path)
            };
            format!("{}{path} (line {}, column {})", d.code, p.line, p.column)
        };
        for &i in &c.meta_only {
            let _ = writeln!(
                out,
                "  - Meta reports {} and flowsim does not: flowsim is missing this rule (please report it); Meta's verdict is the one that counts",
                ctx.safe(&place(&meta[i]))
            );
        }
        for &i in &c.local_only {
            let _ = writeln!(
                out,
                "  - flowsim reports {} and Meta does not: {}; flowsim may be stricter than Meta here",
                ctx.safe(&place(&local[i])),
                ctx.safe(&local[i].message)
            );
        }
    }
    !meta.is_empty()
}

pub fn create(ctx: &Ctx<'_>, args: &CreateArgs) -> Result<u8, u8> {
    let waba = ctx.waba()?;
    let source = args.file.as_deref().map(read_flow).transpose()?;
    let new = NewFlow {
        name: args.name.clone(),
        categories: if args.categories.is_empty() {
            vec!["OTHER".into()]
        } else {
            args.categories.clone()
        },
        flow_json: source.as_ref().map(|s| s.text.clone()),
        endpoint_uri: args.endpoint_uri.clone(),
        clone_flow_id: args.clone_flow_id.clone(),
        publish: args.publish,
    };
    let bar = ctx.progress("creating the flow…");
    let result = ctx.runtime.block_on(ctx.client.create_flow(waba, &new));
    bar.finish_and_clear();
    let answer = result.map_err(|e| ctx.fail(e, Op::new(Kind::Create, None)))?;
    let Some(id) = answer.value.id.clone() else {
        eprintln!(
            "error: Meta's answer has no id: {}",
            ctx.safe(&answer.raw.to_string())
        );
        return Err(exit::API);
    };
    if ctx.json() {
        ctx.print_json(&answer.raw);
    } else {
        println!("{}", ctx.safe(&id));
    }
    eprintln!(
        "created flow {} \"{}\"",
        ctx.safe(&id),
        ctx.safe(&args.name)
    );
    let mut invalid = false;
    if let Some(source) = &source {
        let mut err = std::io::stderr().lock();
        invalid = verdict(ctx, source, &answer.value.validation_errors, &mut err);
    }
    if args.publish {
        let status = ctx
            .runtime
            .block_on(ctx.client.flow(&id, "status"))
            .map(|a| a.value.status)
            .map_err(|e| ctx.fail(e, Op::new(Kind::Show, Some(&id))))?;
        if status == "PUBLISHED" {
            eprintln!("published");
        } else {
            eprintln!(
                "not published: the flow is {}. {}",
                ctx.safe(&status),
                if invalid {
                    "Fix the errors, push the file, then publish".to_string()
                } else {
                    format!(
                        "`flowsim api publish {}` tells Meta's reason",
                        ctx.safe(&id)
                    )
                }
            );
            return Ok(exit::INVALID);
        }
    }
    Ok(if invalid { exit::INVALID } else { exit::OK })
}

pub fn push(ctx: &Ctx<'_>, args: &PushArgs) -> Result<u8, u8> {
    let op = Op::new(Kind::Push, Some(&args.flow_id));
    check_id("the flow id", &args.flow_id).map_err(|e| ctx.fail(e, op))?;
    let source = read_flow(&args.file)?;
    let size = source.text.len();
    let bar = ctx.progress(&format!(
        "uploading {} ({})…",
        ctx.safe(&source.name),
        human_size(size)
    ));
    let result = ctx.runtime.block_on(
        ctx.client
            .upload(&args.flow_id, source.text.clone().into_bytes()),
    );
    bar.finish_and_clear();
    let answer = result.map_err(|e| ctx.fail(e, op))?;
    if ctx.json() {
        ctx.print_json(&answer.raw);
        return Ok(if answer.value.validation_errors.is_empty() {
            exit::OK
        } else {
            exit::INVALID
        });
    }
    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(
        stdout,
        "uploaded {} ({}) to flow {}",
        ctx.safe(&source.name),
        human_size(size),
        ctx.safe(&args.flow_id)
    );
    let invalid = verdict(ctx, &source, &answer.value.validation_errors, &mut stdout);
    Ok(if invalid { exit::INVALID } else { exit::OK })
}

fn human_size(bytes: usize) -> String {
    match bytes {
        b if b < 1024 => format!("{b} bytes"),
        b if b < 1024 * 1024 => format!("{:.1} KB", b as f64 / 1024.0),
        b => format!("{:.1} MB", b as f64 / 1024.0 / 1024.0),
    }
}

// --- pull ------------------------------------------------------------------------------------

pub fn pull(ctx: &Ctx<'_>, args: &PullArgs) -> Result<u8, u8> {
    let op = Op::new(Kind::Pull, Some(&args.flow_id));
    check_id("the flow id", &args.flow_id).map_err(|e| ctx.fail(e, op))?;
    let output = args
        .output
        .clone()
        .unwrap_or_else(|| PathBuf::from(format!("{}.json", args.flow_id)));
    let to_stdout = output.as_os_str() == "-";
    if to_stdout && (args.preview || ctx.json()) {
        eprintln!(
            "error: -o - writes the flow to standard output: it cannot go with --preview or --format json"
        );
        return Err(exit::USAGE);
    }
    if !to_stdout && !args.force && output.exists() {
        eprintln!(
            "error: {} exists: pass --force to overwrite it, or -o FILE",
            output.display()
        );
        return Err(exit::USAGE);
    }
    let bar = ctx.progress("downloading…");
    let result = ctx.runtime.block_on(async {
        let assets = ctx.client.assets(&args.flow_id).await?;
        let asset = assets
            .value
            .data
            .iter()
            .find(|a| a.asset_type == "FLOW_JSON")
            .cloned();
        let bytes = match &asset {
            Some(a) => Some(ctx.client.download_asset(a).await?),
            None => None,
        };
        Ok::<_, flowsim_api::ApiError>((assets.raw, bytes))
    });
    bar.finish_and_clear();
    let (raw, bytes) = result.map_err(|e| ctx.fail(e, op))?;
    let Some(bytes) = bytes else {
        eprintln!(
            "error: flow {} has no Flow JSON yet: upload one with `flowsim api push {} FILE`",
            args.flow_id, args.flow_id
        );
        return Err(exit::API);
    };
    if to_stdout {
        let mut stdout = std::io::stdout().lock();
        if stdout
            .write_all(&bytes)
            .and_then(|_| stdout.flush())
            .is_err()
        {
            return Err(exit::USAGE);
        }
        return Ok(exit::OK);
    }
    if let Err(e) = std::fs::write(&output, &bytes) {
        eprintln!("error: cannot write {}: {e}", output.display());
        return Err(exit::USAGE);
    }
    if ctx.json() {
        ctx.print_json(&raw);
    }
    eprintln!(
        "pulled flow {} to {} ({})",
        args.flow_id,
        output.display(),
        human_size(bytes.len())
    );
    if args.preview {
        return Ok(open_preview(&output));
    }
    Ok(exit::OK)
}

/// Opens a file in the preview, with the preview's defaults.
fn open_preview(path: &Path) -> u8 {
    use clap::Parser;
    let argv = [
        std::ffi::OsStr::new("flowsim"),
        std::ffi::OsStr::new("preview"),
        path.as_os_str(),
    ];
    match crate::cli::Cli::try_parse_from(argv) {
        Ok(crate::cli::Cli {
            command: Some(crate::cli::Command::Preview(args)),
            ..
        }) => crate::cli::preview::run(&args),
        _ => {
            eprintln!("error: cannot open {} in the preview", path.display());
            exit::USAGE
        }
    }
}

// --- publish, deprecate, delete --------------------------------------------------------------

pub fn lifecycle(ctx: &Ctx<'_>, args: &LifecycleArgs, change: Change) -> Result<u8, u8> {
    let id = args.flow_id.as_str();
    let (kind, verb, done, consequence) = match change {
        Change::Publish => (
            Kind::Publish,
            "publish",
            "published",
            "Customers can then receive it, and it can never be deleted, only deprecated.",
        ),
        Change::Deprecate => (
            Kind::Deprecate,
            "deprecate",
            "deprecated",
            "It can no longer be sent, and this cannot be undone.",
        ),
        Change::Delete => (Kind::Delete, "delete", "deleted", "This cannot be undone."),
    };
    let op = Op::new(kind, Some(id));
    check_id("the flow id", id).map_err(|e| ctx.fail(e, op))?;
    if !args.yes {
        // On a terminal, say which flow it is before asking.
        let question = if std::io::IsTerminal::is_terminal(&std::io::stdin()) {
            let f = ctx
                .runtime
                .block_on(ctx.client.flow(id, "id,name,status"))
                .map_err(|e| ctx.fail(e, Op::new(Kind::Show, Some(id))))?
                .value;
            format!(
                "{} flow {id} \"{}\" ({})? {consequence}",
                capitalized(verb),
                ctx.safe(&f.name),
                ctx.safe(&f.status)
            )
        } else {
            String::new()
        };
        if !confirm(&question, false, &format!("{verb} flow {id}"))? {
            eprintln!("cancelled: nothing changed");
            return Ok(exit::OK);
        }
    }
    let result = match change {
        Change::Publish => ctx.runtime.block_on(ctx.client.publish(id)),
        Change::Deprecate => ctx.runtime.block_on(ctx.client.deprecate(id)),
        Change::Delete => ctx.runtime.block_on(ctx.client.delete(id)),
    };
    let answer = result.map_err(|e| ctx.fail(e, op))?;
    if ctx.json() {
        ctx.print_json(&answer.raw);
    } else {
        println!("{done} flow {id}");
    }
    Ok(exit::OK)
}

fn capitalized(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

// --- preview ---------------------------------------------------------------------------------

pub fn preview(ctx: &Ctx<'_>, args: &PreviewArgs) -> Result<u8, u8> {
    let op = Op::new(Kind::Preview, Some(&args.flow_id));
    if args.flow_action == Some(OpenAction::DataExchange) && args.screen.is_some() {
        eprintln!(
            "error: --screen and --data go with --flow-action navigate; data_exchange asks the endpoint for the first screen"
        );
        return Err(exit::USAGE);
    }
    let data = args
        .data
        .as_deref()
        .map(read_data)
        .transpose()
        .map_err(usage)?;
    let payload = args.screen.as_ref().map(|screen| {
        let mut p = serde_json::json!({ "screen": screen });
        if let Some(d) = data {
            p["data"] = d;
        }
        p
    });
    let params = PreviewParams {
        interactive: args.interactive,
        flow_token: args.flow_token.clone(),
        // A payload goes with navigate (flow-json.md §8.1): say so when --screen implies it.
        flow_action: args
            .flow_action
            .or(args.screen.as_ref().map(|_| OpenAction::Navigate))
            .map(|a| a.meta_name().to_string()),
        flow_action_payload: payload,
        phone_number: args.phone_number.clone(),
        debug: args.debug,
    };
    let answer = ctx
        .runtime
        .block_on(ctx.client.preview(&args.flow_id, args.invalidate))
        .map_err(|e| ctx.fail(e, op))?;
    if ctx.json() {
        ctx.print_json(&answer.raw);
        return Ok(exit::OK);
    }
    let Some(p) = &answer.value.preview else {
        eprintln!("error: Meta's answer has no preview link");
        return Err(exit::API);
    };
    let link = api::preview_link(&p.preview_url, &params).map_err(|e| ctx.fail(e, op))?;
    println!("{}", ctx.safe(&link));
    eprintln!("expires {}", expiry(&p.expires_at));
    if args.invalidate {
        eprintln!("the previous link no longer works");
    }
    Ok(exit::OK)
}
