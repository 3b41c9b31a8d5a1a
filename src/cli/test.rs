use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anstyle::{AnsiColor, Effects};
use serde_json::json;

use super::endpoint::EndpointArgs;
use super::webhook;
use super::{Color, exit, paint};
use crate::files::LocalFiles;
use crate::load;
use flowsim_core::coverage::Coverage;
use flowsim_core::drive::Driver;
use flowsim_core::flow::model::Flow;
use flowsim_core::scenario::{self, Outcome, Scenario, level_name};
use flowsim_core::sim::mock::Mock;
use flowsim_core::text::sanitize;
use flowsim_endpoint::Answerer;
use flowsim_endpoint::cdn::Cdn;
use flowsim_webhook::deliver::Delivery;

pub const AFTER_HELP: &str = "\
Examples:
  flowsim test sample-flows/*.test.json
  flowsim test --format json booking.test.json
  flowsim test --flow draft.json --mock answers.json checkout.test.json

Exit codes: 0 every test passed, 1 a test failed, 2 usage error or a flow, mock or
scenario that cannot be loaded. The scenario format is described in the README.";

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Scenario files.
    #[arg(required = true, value_name = "SCENARIO")]
    pub scenarios: Vec<PathBuf>,
    /// Use this flow instead of the scenario's `flow`.
    #[arg(long, value_name = "FILE")]
    pub flow: Option<PathBuf>,
    /// Answer endpoint requests from this mock file instead of the scenario's `mock`.
    #[arg(long, value_name = "FILE")]
    pub mock: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = TestFormat::Human)]
    pub format: TestFormat,
    /// When to use colour in human output.
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
    /// Report per flow the screens visited, routes taken, inputs filled and actions fired.
    #[arg(long)]
    pub coverage: bool,
    /// Fail (exit 1) when screens, routes, inputs or actions are covered under PCT percent.
    #[arg(long, value_name = "PCT", value_parser = clap::value_parser!(u8).range(0..=100))]
    pub min_coverage: Option<u8>,
    #[command(flatten)]
    pub endpoint: EndpointArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum TestFormat {
    /// A readable report per test.
    Human,
    /// One JSON object per test per line.
    Json,
}

pub fn run(args: &Args) -> u8 {
    let color = args.color.enabled(std::io::stdout().is_terminal());
    let Some(runtime) = super::runtime() else {
        return exit::USAGE;
    };
    // The endpoint options are checked once, before any scenario runs.
    let endpoint = args.endpoint.config();
    if let Err(e) = endpoint.source(None) {
        eprintln!("error: {e}");
        return exit::USAGE;
    }
    let mut recorder = match endpoint.recorder() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return exit::USAGE;
        }
    };
    // Picked files go to one local CDN for the run; each test is a session of its own.
    let cdn = match endpoint.cdn_config() {
        Some(config) => match runtime.block_on(Cdn::start(&config, None)) {
            Ok(cdn) => Some(Arc::new(cdn)),
            Err(e) => {
                eprintln!("error: {e}");
                return exit::USAGE;
            }
        },
        None => None,
    };
    let webhook = match endpoint.webhook() {
        Ok(w) => w,
        Err(e) => {
            eprintln!("error: {e}");
            return exit::USAGE;
        }
    };
    let mut stdout = std::io::stdout().lock();
    let (mut passed, mut failed) = (0, 0);
    let mut covered: Vec<(PathBuf, PathBuf, Coverage)> = Vec::new();
    let mut code = exit::OK;
    for path in &args.scenarios {
        let loaded = match load_scenario(path, args) {
            Ok(l) => l,
            Err(message) => {
                eprintln!("error: {message}");
                code = exit::USAGE;
                continue;
            }
        };
        let (scenario, flow, mock, base, flow_path) = loaded;
        let coverage = if args.coverage || args.min_coverage.is_some() {
            let key = std::fs::canonicalize(&flow_path).unwrap_or_else(|_| flow_path.clone());
            let pos = match covered.iter().position(|(k, _, _)| *k == key) {
                Some(p) => p,
                None => {
                    covered.push((key, flow_path.clone(), Coverage::of(&flow)));
                    covered.len() - 1
                }
            };
            Some(pos)
        } else {
            None
        };
        if args.format == TestFormat::Human {
            let _ = writeln!(
                stdout,
                "{}",
                paint(color, Effects::BOLD, &path.display().to_string())
            );
        }
        for case in &scenario.tests {
            let source = match endpoint.source(mock.clone()) {
                Ok(s) => s,
                Err(e) => {
                    eprintln!("error: {e}");
                    return exit::USAGE;
                }
            };
            let mut driver = Driver::new(Answerer::new(source, recorder.take()));
            if let Some(cdn) = &cdn {
                cdn.clear();
            }
            let files = LocalFiles {
                base: base.clone(),
                cdn: cdn.clone(),
            };
            let mut outcome =
                runtime.block_on(scenario::run(Arc::clone(&flow), case, &mut driver, &files));
            recorder = driver.endpoint.recorder.take();
            if let Some(pos) = coverage {
                covered[pos].2.record(&outcome.walked);
            }
            let delivered = webhook::deliver_outcome(
                webhook.as_ref(),
                &runtime,
                &mut outcome,
                case.steps.len(),
            );
            if outcome.failure.is_some() {
                failed += 1;
            } else {
                passed += 1;
            }
            let text = match args.format {
                TestFormat::Human => {
                    human(&outcome, color) + &webhook::test_line(delivered.as_ref())
                }
                TestFormat::Json => json(path, &outcome, delivered.as_ref()) + "\n",
            };
            let _ = stdout.write_all(text.as_bytes());
        }
    }
    for (_, flow_path, c) in &covered {
        let text = match args.format {
            TestFormat::Human => coverage_human(flow_path, c, color),
            TestFormat::Json => coverage_json(flow_path, c) + "\n",
        };
        let _ = stdout.write_all(text.as_bytes());
    }
    if args.format == TestFormat::Human {
        let _ = writeln!(stdout, "\n{passed} passed, {failed} failed");
    }
    if code == exit::OK && failed > 0 {
        code = exit::INVALID;
    }
    if let Some(min) = args.min_coverage {
        for (_, flow_path, c) in &covered {
            let below = c.below(f64::from(min));
            if !below.is_empty() {
                eprintln!(
                    "error: coverage of {} is under the minimum of {min}%: {}",
                    flow_path.display(),
                    below
                        .iter()
                        .map(|part| {
                            let p = c
                                .parts()
                                .into_iter()
                                .find(|(n, _)| n == part)
                                .map(|(_, p)| p);
                            format!("{part} {:.0}%", p.map_or(0.0, |p| p.percent()))
                        })
                        .collect::<Vec<_>>()
                        .join(", ")
                );
                if code == exit::OK {
                    code = exit::INVALID;
                }
            }
        }
    }
    code
}

/// The coverage of one flow, a line per figure with what is missing.
fn coverage_human(flow: &Path, c: &Coverage, color: bool) -> String {
    let mut s = format!(
        "\n{}\n",
        paint(
            color,
            Effects::BOLD,
            &format!("coverage of {}", sanitize(&flow.display().to_string()))
        )
    );
    for (name, part) in c.parts() {
        let figure = format!("{}/{}", part.count(), part.total());
        let percent = format!("{:.0}%", part.percent());
        let style = if part.count() == part.total() {
            AnsiColor::Green
        } else {
            AnsiColor::Yellow
        };
        s.push_str(&format!(
            "  {name:<8} {figure:>7}  {}\n",
            paint(color, style.on_default(), &format!("{percent:>4}"))
        ));
        for missing in part.missing() {
            s.push_str(&format!("      missing: {}\n", sanitize(missing)));
        }
    }
    s
}

/// The coverage of one flow as one JSON line: `{"coverage": {"flow", "screens", …}}`, each
/// figure with `covered`, `total`, `percent`, `missing` and `reached`.
fn coverage_json(flow: &Path, c: &Coverage) -> String {
    let mut obj = serde_json::Map::new();
    obj.insert("flow".into(), json!(flow.display().to_string()));
    for (name, part) in c.parts() {
        obj.insert(
            name.into(),
            json!({
                "covered": part.count(),
                "total": part.total(),
                "percent": (part.percent() * 10.0).round() / 10.0,
                "missing": part.missing(),
                "reached": part.reached(),
            }),
        );
    }
    crate::report::escape_unsafe(json!({ "coverage": obj }).to_string())
}

type Loaded = (Scenario, Arc<Flow>, Option<Mock>, PathBuf, PathBuf);

fn load_scenario(path: &Path, args: &Args) -> Result<Loaded, String> {
    let text = load::read_text(path)?;
    let scenario: Scenario = serde_json::from_str(&text).map_err(|e| {
        format!(
            "{}:{}:{}: not a valid scenario: {e}",
            path.display(),
            e.line(),
            e.column()
        )
    })?;
    let base = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let flow_path = args
        .flow
        .clone()
        .unwrap_or_else(|| base.join(&scenario.flow));
    let load::Loaded {
        flow,
        errors,
        lifecycle,
    } = load::flow(&flow_path)?;
    if let Some(line) = lifecycle {
        eprintln!("{line}");
    }
    if errors > 0 {
        eprintln!(
            "warning: {} has {errors} validation error{} (see `flowsim validate`); running it anyway",
            flow_path.display(),
            if errors == 1 { "" } else { "s" }
        );
    }
    let mock_path = args
        .mock
        .clone()
        .or_else(|| scenario.mock.as_ref().map(|m| base.join(m)));
    let mock = match mock_path {
        Some(p) => {
            let text = load::read_text(&p)?;
            Some(
                Mock::parse(&text)
                    .map_err(|e| format!("{}: not a valid mock: {e}", p.display()))?,
            )
        }
        None => None,
    };
    Ok((scenario, Arc::new(flow), mock, base, flow_path))
}

fn human(o: &Outcome, color: bool) -> String {
    // Names, texts and messages come from the flow and the scenario: never print them raw.
    let safe = |s: &str| s.split('\n').map(sanitize).collect::<Vec<_>>().join("\n");
    let trail = safe(&o.trail.join(" → "));
    let name = safe(&o.name);
    let mut s = match &o.failure {
        None => format!(
            "  {} {name}  ({trail})\n",
            paint(color, AnsiColor::Green.on_default(), "✓")
        ),
        Some(f) => {
            let mut s = format!(
                "  {} {name}\n",
                paint(color, AnsiColor::Red.on_default(), "✗")
            );
            let at = if f.step == 0 {
                "start".to_string()
            } else {
                format!("step {}", f.step)
            };
            s.push_str(&format!("      {at}: {}\n", safe(&f.message)));
            if let Some(e) = &f.expected {
                s.push_str(&format!("      expected: {}\n", safe(e)));
            }
            if let Some(a) = &f.actual {
                s.push_str(&format!("      actual:   {}\n", safe(a)));
            }
            s.push_str(&format!(
                "      screens:  {}\n",
                if trail.is_empty() { "none" } else { &trail }
            ));
            if let Some(last) = o.trace.iter().rev().find(|t| {
                t.starts_with("ignored")
                    || t.starts_with("not submitted")
                    || t.starts_with("client error")
            }) {
                s.push_str(&format!("      note:     {}\n", safe(last)));
            }
            s
        }
    };
    // What the client found in the endpoint's answers, passed or not.
    for f in &o.findings {
        let level = level_name(f.finding.level);
        let style = if level == "error" {
            AnsiColor::Red
        } else {
            AnsiColor::Yellow
        };
        let at = if f.step == 0 {
            "start".to_string()
        } else {
            format!("step {}", f.step)
        };
        s.push_str(&format!(
            "      {} ({at}, {}): {}\n",
            paint(color, style.on_default(), level),
            f.finding.code,
            safe(&f.finding.message)
        ));
    }
    s
}

fn json(path: &Path, o: &Outcome, delivered: Option<&Delivery>) -> String {
    let line = json!({
        "scenario": path.display().to_string(),
        "name": o.name,
        "passed": o.failure.is_none(),
        "failure": o.failure.as_ref().map(|f| json!({
            "step": f.step,
            "message": f.message,
            "expected": f.expected,
            "actual": f.actual,
        })),
        "trail": o.trail,
        "findings": o.findings.iter().map(|f| json!({
            "step": f.step,
            "level": level_name(f.finding.level),
            "code": f.finding.code,
            "message": f.finding.message,
        })).collect::<Vec<_>>(),
        "trace": o.trace,
        "webhook": delivered.map(webhook::test_json),
    })
    .to_string();
    crate::report::escape_unsafe(line)
}
