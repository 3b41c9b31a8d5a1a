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

use crate::flow::expr;
use crate::flow::model::Flow;
use crate::sim::mock::is_subset;
use crate::sim::{Completion, Effect, Input, Phase, ReplyError, Request, Session, Start, Tap};

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

/// Answers endpoint requests: the mock, a recording, or a real endpoint.
pub trait Endpoint {
    /// The decrypted answer to `request`, or why there is none.
    fn call(&mut self, request: &Request, version: &str) -> Result<Value, ReplyError>;
}

/// Describes local files chosen in a photo or document picker.
pub trait Files {
    /// A media descriptor for the file at `path` (see `sim::media_for`).
    fn describe(&self, path: &str, index: usize) -> Result<Value, String>;
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
    /// What the business receives, when the flow completed (for `--webhook`).
    pub completion: Option<Completion>,
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

/// Runs one test case against a flow.
pub fn run(
    flow: Arc<Flow>,
    case: &TestCase,
    endpoint: &mut dyn Endpoint,
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
        endpoint,
        trail: Vec::new(),
        trace: Vec::new(),
        seen_events: 0,
    };
    let failure = runner.run(case, &start, files);
    let completion = match &runner.session.phase {
        Phase::Completed(c) => Some(c.clone()),
        _ => None,
    };
    Outcome {
        name: case.name.clone(),
        failure,
        trail: runner.trail,
        trace: runner.trace,
        completion,
    }
}

struct Runner<'a> {
    session: Session,
    endpoint: &'a mut dyn Endpoint,
    trail: Vec<String>,
    trace: Vec<String>,
    seen_events: usize,
}

impl Runner<'_> {
    fn run(&mut self, case: &TestCase, start: &StartSpec, files: &dyn Files) -> Option<Failure> {
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
        if let Err(message) = self.apply(Input::Start(start_input)) {
            return Some(Failure::new(0, message));
        }
        for (i, step) in case.steps.iter().enumerate() {
            let n = i + 1;
            let keys = [
                step.fill.is_some(),
                step.tap.is_some(),
                step.back.is_some(),
                step.expect.is_some(),
            ];
            if keys.iter().filter(|k| **k).count() != 1 {
                return Some(Failure::new(
                    n,
                    "a step has exactly one of `fill`, `tap`, `back`, `expect`",
                ));
            }
            let result = if let Some(values) = &step.fill {
                self.fill(values, files)
            } else if let Some(target) = &step.tap {
                self.tap(target)
            } else if step.back == Some(true) {
                self.trace.push("back".into());
                self.apply(Input::Back)
            } else if step.back.is_some() {
                Ok(())
            } else if let Some(expect) = &step.expect {
                if let Some(f) = self.expect(expect, n) {
                    return Some(f);
                }
                Ok(())
            } else {
                Ok(())
            };
            if let Err(message) = result {
                return Some(Failure::new(n, message));
            }
        }
        None
    }

    /// Applies an input and carries out its effects (answering requests at once).
    fn apply(&mut self, input: Input) -> Result<(), String> {
        let mut queue = vec![input];
        while let Some(input) = queue.pop() {
            let effects = self.session.update(input);
            self.drain_events();
            for effect in effects {
                match effect {
                    Effect::Request(request) => {
                        let version = self.session.data_api_version().to_string();
                        let answer = self.endpoint.call(&request, &version);
                        self.trace.push(format!(
                            "request {} → {}",
                            request.payload(&version),
                            match &answer {
                                Ok(v) => v.to_string(),
                                Err(e) => format!("error: {}", e.message),
                            }
                        ));
                        if !request.notification {
                            queue.push(Input::Answer(answer));
                        }
                    }
                    Effect::OpenUrl(url) => self.trace.push(format!("open_url {url} (not opened)")),
                    Effect::Complete(c) => self.trace.push(format!(
                        "completed: response_json {}",
                        Value::Object(c.response.clone())
                    )),
                }
            }
        }
        if let Some(screen) = self.session.current()
            && self.trail.last().map(String::as_str) != Some(screen)
        {
            self.trail.push(screen.to_string());
        }
        Ok(())
    }

    fn drain_events(&mut self) {
        for e in &self.session.events[self.seen_events..] {
            self.trace.push(e.message.clone());
        }
        self.seen_events = self.session.events.len();
    }

    fn fill(&mut self, values: &Map<String, Value>, files: &dyn Files) -> Result<(), String> {
        for (name, given) in values {
            let view = self.session.view();
            let Some(item) = view.item_named(name) else {
                let names: Vec<String> = view.items.iter().filter_map(|i| i.name.clone()).collect();
                return Err(format!(
                    "fill: screen `{}` shows no input named `{name}` (visible inputs: {})",
                    view.screen,
                    if names.is_empty() {
                        "none".into()
                    } else {
                        names.join(", ")
                    }
                ));
            };
            let value = fill::value_for(item, given, self.session.flow.version, files)
                .map_err(|e| format!("fill `{name}`: {e}"))?;
            self.trace.push(format!("fill {name} = {value}"));
            self.apply(Input::Set {
                name: name.clone(),
                value,
            })?;
        }
        Ok(())
    }

    fn tap(&mut self, target: &str) -> Result<(), String> {
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
            return Err(format!(
                "tap: nothing on screen `{}` reads `{target}` (use \"footer\", a link's text, \"Read more\" or a list item's title)",
                view.screen
            ));
        };
        self.apply(Input::Tap(input))
    }

    fn expect(&self, e: &Expect, n: usize) -> Option<Failure> {
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
            let version = session.data_api_version();
            let actual = session.last_request.as_ref().map(|r| r.payload(version));
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

fn describe_phase(session: &Session, screen: &str) -> String {
    match &session.phase {
        Phase::Completed(_) => format!("the flow completed (on {screen})"),
        Phase::Closed(why) => format!("the flow is closed: {why}"),
        Phase::Waiting(_) => format!("{screen} (waiting for the endpoint)"),
        _ => screen.to_string(),
    }
}
