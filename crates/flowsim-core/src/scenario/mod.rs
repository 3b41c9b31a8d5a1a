//! Scripted flow tests (`flowsim test`): a scenario file drives the engine step by step, the
//! way a user would, and checks what the screen shows. The format is documented in the README
//! ("Scenario files") and is a contract with users.

mod fill;

/// A `fill` value as the user would produce it (dates in the flow version's format, option ids
/// checked, files described); also used to complete a flow from given values.
pub use fill::value_for;

use std::sync::Arc;

use serde::Deserialize;
use serde_json::{Map, Value};

use crate::drive::{Driver, Endpoint, Happened};
use crate::flow::expr;
use crate::flow::model::Flow;
use crate::sim::checks::FileRules;
use crate::sim::mock::is_subset;
use crate::sim::{
    AnswerFinding, Completion, Input, Level, Phase, Session, Start, Tap, Walk, strip_media_keys,
};

/// A scenario file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// The flow, relative to the scenario file.
    pub flow: String,
    /// Offline endpoint answers (`--mock` format), relative to the scenario file.
    #[serde(default)]
    pub mock: Option<String>,
    pub tests: Vec<TestCase>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TestCase {
    pub name: String,
    #[serde(default)]
    pub start: Option<StartSpec>,
    pub steps: Vec<Step>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StartSpec {
    #[serde(default = "navigate")]
    pub flow_action: String,
    #[serde(default)]
    pub screen: Option<String>,
    #[serde(default)]
    pub data: Option<Map<String, Value>>,
    #[serde(default)]
    pub flow_token: Option<String>,
}

fn navigate() -> String {
    "navigate".into()
}

/// One step: exactly one of the keys.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Step {
    #[serde(default)]
    pub fill: Option<Map<String, Value>>,
    #[serde(default)]
    pub tap: Option<String>,
    #[serde(default)]
    pub back: Option<bool>,
    /// Replace the flow with this file (relative to the scenario), as the preview's live
    /// reload does: the screen, data and form values stay wherever they still exist.
    #[serde(default)]
    pub reload: Option<String>,
    #[serde(default)]
    pub expect: Option<Expect>,
}

/// What must hold; every key is optional.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Expect {
    pub screen: Option<String>,
    #[serde(default)]
    pub text: Vec<String>,
    #[serde(default)]
    pub absent: Vec<String>,
    pub form: Option<Map<String, Value>>,
    pub data: Option<Map<String, Value>>,
    pub errors: Option<Map<String, Value>>,
    pub footer_enabled: Option<bool>,
    /// A substring of the snackbar; `null`: no snackbar.
    #[serde(default, deserialize_with = "present")]
    pub snackbar: Option<Option<String>>,
    /// A subset of the last request; `null`: no request was sent.
    #[serde(default, deserialize_with = "present")]
    pub request: Option<Option<Value>>,
    /// A subset of the completion payload; `null`: the flow has not completed.
    #[serde(default, deserialize_with = "present")]
    pub completed: Option<Option<Value>>,
}

/// Tells a key given as `null` (`Some(None)`) from a missing key (`None`).
fn present<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

/// Why a file could not be picked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PickError {
    /// The client refuses it (a limit of the picker): the reason shows on the component.
    Refused(String),
    /// It cannot be read: missing, a folder, unreadable.
    Unreadable(String),
}

/// Local files a scenario refers to.
pub trait Files {
    /// The file at `path`, picked in a picker with these rules: refused as the client refuses
    /// it (before reading it), else its media descriptor (see `sim::media_for`), uploaded to
    /// the CDN when the shell runs one.
    fn pick(&self, path: &str, rules: &FileRules) -> Result<Value, PickError>;
    /// The flow in the file at `path`, for `reload`.
    fn flow(&self, path: &str) -> Result<Arc<Flow>, String>;
}

/// The outcome of one test.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub name: String,
    pub failure: Option<Failure>,
    /// Screens shown, in order.
    pub trail: Vec<String>,
    /// What happened, step by step (engine notes included).
    pub trace: Vec<String>,
    /// What the client found in the endpoint's answers, by step.
    pub findings: Vec<StepFinding>,
    /// What the flow did (the engine's journal), for coverage.
    pub walked: Vec<Walk>,
    /// What the business receives, when the flow completed (for `--webhook`).
    pub completion: Option<Completion>,
}

/// A finding about an endpoint answer, and the step whose request it answered (0: the start).
#[derive(Debug, Clone, PartialEq)]
pub struct StepFinding {
    pub step: usize,
    pub finding: AnswerFinding,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    /// 1-based step number (0: the start).
    pub step: usize,
    pub message: String,
    pub expected: Option<String>,
    pub actual: Option<String>,
}

impl Failure {
    fn new(step: usize, message: impl Into<String>) -> Failure {
        Failure {
            step,
            message: message.into(),
            expected: None,
            actual: None,
        }
    }

    fn diff(step: usize, message: impl Into<String>, expected: String, actual: String) -> Failure {
        Failure {
            step,
            message: message.into(),
            expected: Some(expected),
            actual: Some(actual),
        }
    }
}

/// Runs one test case against a flow, through the one driver the preview uses too.
pub async fn run<E: Endpoint>(
    flow: Arc<Flow>,
    case: &TestCase,
    driver: &mut Driver<E>,
    files: &dyn Files,
) -> Outcome {
    let start = case.start.clone().unwrap_or(StartSpec {
        flow_action: navigate(),
        screen: None,
        data: None,
        flow_token: None,
    });
    let token = start.flow_token.clone().unwrap_or_else(|| "flowsim".into());
    let mut runner = Runner {
        session: Session::new(flow, token),
        driver,
        trail: Vec::new(),
        trace: Vec::new(),
        findings: Vec::new(),
        step: 0,
    };
    let failure = runner.run(case, &start, files).await;
    let completion = match &runner.session.phase {
        Phase::Completed(c) => Some(c.clone()),
        _ => None,
    };
    Outcome {
        name: case.name.clone(),
        failure,
        trail: runner.trail,
        trace: runner.trace,
        findings: runner.findings,
        walked: runner.session.walked,
        completion,
    }
}

struct Runner<'a, E> {
    session: Session,
    driver: &'a mut Driver<E>,
    trail: Vec<String>,
    trace: Vec<String>,
    findings: Vec<StepFinding>,
    /// The step being run (0: the start).
    step: usize,
}

/// Why a step failed; the step number is added by [`Runner::run`].
fn failed(message: impl Into<String>) -> Failure {
    Failure::new(0, message)
}

impl<E: Endpoint> Runner<'_, E> {
    async fn run(
        &mut self,
        case: &TestCase,
        start: &StartSpec,
        files: &dyn Files,
    ) -> Option<Failure> {
        let start_input = match start.flow_action.as_str() {
            "navigate" => {
                if let Some(screen) = &start.screen
                    && self.session.flow.screen(screen).is_none()
                {
                    return Some(Failure::new(
                        0,
                        format!("start: the flow has no screen `{screen}`"),
                    ));
                }
                Start::Navigate {
                    screen: start.screen.clone(),
                    data: start.data.clone(),
                }
            }
            "data_exchange" => Start::DataExchange,
            other => {
                return Some(Failure::new(
                    0,
                    format!(
                        "start: `flow_action` must be `navigate` or `data_exchange`, not `{other}`"
                    ),
                ));
            }
        };
        if let Err(f) = self.apply(Input::Start(start_input)).await {
            return Some(f);
        }
        for (i, step) in case.steps.iter().enumerate() {
            let n = i + 1;
            self.step = n;
            let keys = [
                step.fill.is_some(),
                step.tap.is_some(),
                step.back.is_some(),
                step.reload.is_some(),
                step.expect.is_some(),
            ];
            if keys.iter().filter(|k| **k).count() != 1 {
                return Some(Failure::new(
                    n,
                    "a step has exactly one of `fill`, `tap`, `back`, `reload`, `expect`",
                ));
            }
            let result = if let Some(values) = &step.fill {
                self.fill(values, files).await
            } else if let Some(target) = &step.tap {
                self.tap(target).await
            } else if step.back == Some(true) {
                self.trace.push("back".into());
                self.apply(Input::Back).await
            } else if let Some(path) = &step.reload {
                self.reload(path, files)
            } else if let Some(expect) = &step.expect {
                self.expect(expect)
            } else {
                Ok(())
            };
            if let Err(mut f) = result {
                f.step = n;
                return Some(f);
            }
        }
        None
    }

    /// Applies an input through the driver: requests are answered at once. A replayed answer
    /// recorded for a different request fails the step.
    async fn apply(&mut self, input: Input) -> Result<(), Failure> {
        let mut mismatch = None;
        for happened in self.driver.run(&mut self.session, input).await {
            match happened {
                Happened::Note(note) => self.trace.push(note),
                Happened::Exchange(x) => {
                    let mut sent = x.request.clone();
                    // A credential minted with the app secret, and media keys: never in a
                    // report.
                    if let Some(obj) = sent.as_object_mut() {
                        obj.remove("flow_token_signature");
                    }
                    strip_media_keys(&mut sent);
                    self.trace.push(format!(
                        "request {sent} → {}",
                        match (&x.response, &x.error) {
                            (_, Some(e)) => format!("error: {e}"),
                            (Some(v), None) => v.to_string(),
                            (None, None) => "no answer".into(),
                        }
                    ));
                    for f in &x.findings {
                        self.trace
                            .push(format!("{}: {}", level_name(f.level), f.message));
                        self.findings.push(StepFinding {
                            step: self.step,
                            finding: f.clone(),
                        });
                    }
                    if !x.differences.is_empty() && mismatch.is_none() {
                        mismatch = Some(Failure::diff(
                            self.step,
                            format!(
                                "the recording answered a different request ({}): record the \
                                 session again, or fix the scenario",
                                x.differences.join("; ")
                            ),
                            format!(
                                "the recorded request {}",
                                x.recorded_for.clone().unwrap_or_default()
                            ),
                            sent.to_string(),
                        ));
                    }
                }
                Happened::OpenUrl(url) => self.trace.push(format!("open_url {url} (not opened)")),
                Happened::Complete(c) => self.trace.push(format!(
                    "completed: response_json {}",
                    Value::Object(c.response.clone())
                )),
            }
        }
        if let Some(screen) = self.session.current()
            && self.trail.last().map(String::as_str) != Some(screen)
        {
            self.trail.push(screen.to_string());
        }
        mismatch.map_or(Ok(()), Err)
    }

    /// Replaces the flow, as the preview does when the file is saved.
    fn reload(&mut self, path: &str, files: &dyn Files) -> Result<(), Failure> {
        let flow = files
            .flow(path)
            .map_err(|e| failed(format!("reload: {e}")))?;
        self.trace.push(format!("reload {path}"));
        self.session = self.session.rebase(flow);
        Ok(())
    }

    async fn fill(
        &mut self,
        values: &Map<String, Value>,
        files: &dyn Files,
    ) -> Result<(), Failure> {
        for (name, given) in values {
            let view = self.session.view();
            let Some(item) = view.item_named(name) else {
                let names: Vec<String> = view.items.iter().filter_map(|i| i.name.clone()).collect();
                return Err(failed(format!(
                    "fill: screen `{}` shows no input named `{name}` (visible inputs: {})",
                    view.screen,
                    if names.is_empty() {
                        "none".into()
                    } else {
                        names.join(", ")
                    }
                )));
            };
            if item.kind.is_picker() {
                self.attach(name, given, files).await?;
                continue;
            }
            let value = fill::value_for(item, given, self.session.flow.version)
                .map_err(|e| failed(format!("fill `{name}`: {e}")))?;
            self.trace.push(format!("fill {name} = {value}"));
            self.apply(Input::Set {
                name: name.clone(),
                value,
            })
            .await?;
        }
        Ok(())
    }

    /// Fills a picker as the user would: its files are removed, then each is picked in turn.
    /// A file the client refuses is not attached and the reason shows on the component (a
    /// scenario can expect it); a file that cannot be read fails the step.
    async fn attach(
        &mut self,
        name: &str,
        given: &Value,
        files: &dyn Files,
    ) -> Result<(), Failure> {
        let paths: Vec<&str> = match given {
            Value::String(p) => vec![p.as_str()],
            Value::Array(ps) if ps.iter().all(Value::is_string) => {
                ps.iter().filter_map(Value::as_str).collect()
            }
            _ => {
                return Err(failed(format!(
                    "fill `{name}`: takes a file path or an array of file paths"
                )));
            }
        };
        self.trace.push(format!("fill {name} = {given}"));
        self.apply(Input::Set {
            name: name.to_string(),
            value: Value::Null,
        })
        .await?;
        for path in paths {
            let Some(rules) = self.session.view().item_named(name).map(FileRules::of) else {
                return Err(failed(format!("fill `{name}`: the picker went away")));
            };
            let file = match files.pick(path, &rules) {
                Ok(file) => Ok(file),
                Err(PickError::Refused(message)) => Err(message),
                Err(PickError::Unreadable(message)) => {
                    return Err(failed(format!("fill `{name}`: {message}")));
                }
            };
            self.apply(Input::Attach {
                name: name.to_string(),
                file,
            })
            .await?;
        }
        Ok(())
    }

    async fn tap(&mut self, target: &str) -> Result<(), Failure> {
        let view = self.session.view();
        self.trace.push(format!("tap {target}"));
        let input = if target.eq_ignore_ascii_case("footer") {
            Tap::Footer
        } else if let Some(link) = view.items.iter().find(|i| {
            i.kind == crate::flow::spec::Kind::EmbeddedLink
                && i.text("text").as_deref() == Some(target)
        }) {
            Tap::Link(link.key.clone())
        } else if let Some(opt) = view.items.iter().find(|i| {
            i.kind == crate::flow::spec::Kind::OptIn
                && i.actions.contains_key("on-click-action")
                && (target.eq_ignore_ascii_case("read more")
                    || i.text("label").as_deref() == Some(target))
        }) {
            Tap::ReadMore(opt.name.clone().unwrap_or_default())
        } else if let Some((list, id)) = view.items.iter().find_map(|i| {
            i.list("list-items").into_iter().find_map(|item| {
                let title = item
                    .get("main-content")
                    .and_then(|m| m.get("title"))
                    .map(expr::display);
                (title.as_deref() == Some(target)).then(|| {
                    (
                        i.name.clone().unwrap_or_default(),
                        item.get("id").map(expr::display).unwrap_or_default(),
                    )
                })
            })
        }) {
            Tap::ListItem { name: list, id }
        } else {
            return Err(failed(format!(
                "tap: nothing on screen `{}` reads `{target}` (use \"footer\", a link's text, \"Read more\" or a list item's title)",
                view.screen
            )));
        };
        self.apply(Input::Tap(input)).await
    }

    fn expect(&self, e: &Expect) -> Result<(), Failure> {
        match self.check(e, self.step) {
            Some(f) => Err(f),
            None => Ok(()),
        }
    }

    fn check(&self, e: &Expect, n: usize) -> Option<Failure> {
        let session = &self.session;
        let view = session.view();
        let screen = session.current().unwrap_or("").to_string();
        if let Some(want) = &e.screen
            && *want != screen
        {
            return Some(Failure::diff(
                n,
                "expect.screen: another screen is shown",
                want.clone(),
                describe_phase(session, &screen),
            ));
        }
        let texts = view.texts();
        let shown = texts.join(" | ");
        for t in &e.text {
            if !texts.iter().any(|s| s.contains(t.as_str())) {
                return Some(Failure::diff(
                    n,
                    format!("expect.text: `{t}` is not on the screen"),
                    t.clone(),
                    shown,
                ));
            }
        }
        for t in &e.absent {
            if texts.iter().any(|s| s.contains(t.as_str())) {
                return Some(Failure::diff(
                    n,
                    format!("expect.absent: `{t}` is on the screen"),
                    format!("no `{t}`"),
                    shown,
                ));
            }
        }
        let store = session.store().cloned().unwrap_or_default();
        if let Some(want) = &e.form
            && !is_subset(
                &Value::Object(want.clone()),
                &Value::Object(store.form.clone()),
            )
        {
            return Some(Failure::diff(
                n,
                "expect.form: form values differ",
                Value::Object(want.clone()).to_string(),
                Value::Object(store.form.clone()).to_string(),
            ));
        }
        if let Some(want) = &e.data
            && !is_subset(
                &Value::Object(want.clone()),
                &Value::Object(store.data.clone()),
            )
        {
            return Some(Failure::diff(
                n,
                "expect.data: screen data differs",
                Value::Object(want.clone()).to_string(),
                Value::Object(store.data.clone()).to_string(),
            ));
        }
        if let Some(errors) = &e.errors {
            for (name, want) in errors {
                let actual = view.item_named(name).and_then(|i| i.error.clone());
                if want.is_null() {
                    if let Some(a) = actual {
                        return Some(Failure::diff(
                            n,
                            format!("expect.errors: `{name}` shows an error"),
                            "no error".into(),
                            a,
                        ));
                    }
                    continue;
                }
                let want = expr::display(want);
                let ok = match &actual {
                    Some(a) => a.contains(&want),
                    None => false,
                };
                if !ok {
                    return Some(Failure::diff(
                        n,
                        format!("expect.errors: `{name}` does not show the expected error"),
                        if want.is_empty() {
                            "any error".into()
                        } else {
                            want
                        },
                        actual.unwrap_or_else(|| "no error".into()),
                    ));
                }
            }
        }
        if let Some(want) = e.footer_enabled {
            let actual = session.footer_enabled();
            if want != actual {
                return Some(Failure::diff(
                    n,
                    "expect.footer_enabled",
                    want.to_string(),
                    actual.to_string(),
                ));
            }
        }
        if let Some(want) = &e.snackbar {
            let actual = session.snackbar.clone();
            let ok = match (want, &actual) {
                (None, None) => true,
                (Some(w), Some(a)) => a.contains(w.as_str()),
                _ => false,
            };
            if !ok {
                return Some(Failure::diff(
                    n,
                    "expect.snackbar",
                    want.clone().unwrap_or_else(|| "no snackbar".into()),
                    actual.unwrap_or_else(|| "no snackbar".into()),
                ));
            }
        }
        if let Some(want) = &e.request {
            let actual = session.last_request.as_ref().map(|r| r.payload());
            let ok = match (want, &actual) {
                (None, None) => true,
                (Some(w), Some(a)) => is_subset(w, a),
                _ => false,
            };
            if !ok {
                return Some(Failure::diff(
                    n,
                    "expect.request: the last endpoint request differs",
                    want.as_ref()
                        .map_or_else(|| "no request".into(), Value::to_string),
                    actual.map_or_else(|| "no request".into(), |a| a.to_string()),
                ));
            }
        }
        if let Some(want) = &e.completed {
            let actual = match &session.phase {
                Phase::Completed(c) => Some(Value::Object(c.response.clone())),
                _ => None,
            };
            let ok = match (want, &actual) {
                (None, None) => true,
                (Some(w), Some(a)) => is_subset(w, a),
                _ => false,
            };
            if !ok {
                return Some(Failure::diff(
                    n,
                    "expect.completed: the completion payload differs",
                    want.as_ref()
                        .map_or_else(|| "not completed".into(), Value::to_string),
                    actual.map_or_else(|| describe_phase(session, &screen), |a| a.to_string()),
                ));
            }
        }
        None
    }
}

pub fn level_name(level: Level) -> &'static str {
    match level {
        Level::Warning => "warning",
        Level::Error => "error",
    }
}

fn describe_phase(session: &Session, screen: &str) -> String {
    match &session.phase {
        Phase::Completed(_) => format!("the flow completed (on {screen})"),
        Phase::Closed(why) => format!("the flow is closed: {why}"),
        Phase::Waiting(_) => format!("{screen} (waiting for the endpoint)"),
        _ => screen.to_string(),
    }
}
