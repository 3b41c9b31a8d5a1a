//! The client's handling of endpoint answers (endpoint.md §5–6): format, routing and data
//! model checks, merging a refresh into the screen that shows, snackbars, completion, and the
//! error notification sent back when an answer cannot be used (endpoint.md §4.6).

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{Completion, Effect, Pending, Phase, ReplyError, Session};
use crate::flow::model::Schema;

/// The codes of the client's findings about answers; the rejections among them are also the
/// error keys the client sends to the endpoint (endpoint.md §4.6).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, strum::Display, strum::IntoStaticStr,
)]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
pub enum AnswerCode {
    MissingData,
    MissingFlowToken,
    PayloadSchemaError,
    InvalidScreenTransition,
    InvalidResponseFormat,
}

impl AnswerCode {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// Why the client rejected an endpoint answer.
#[derive(Debug, Clone, PartialEq)]
pub struct ClientError {
    /// The error key sent to the endpoint, if any.
    pub key: Option<AnswerCode>,
    pub message: String,
}

/// How serious a finding about an answer is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// The answer was used, but the phone shows something the endpoint probably did not mean.
    Warning,
    /// The client rejected the answer: the user sees an error.
    Error,
}

/// Something the client found in an endpoint answer, for the inspector, the side panel and
/// `flowsim test` reports.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnswerFinding {
    pub level: Level,
    pub code: AnswerCode,
    /// What is wrong, then what the phone does about it.
    pub message: String,
}

impl Session {
    pub(super) fn answer(&mut self, answer: Result<Value, ReplyError>, effects: &mut Vec<Effect>) {
        let Phase::Waiting(pending) = self.phase.clone() else {
            self.note("ignored: an answer with no request pending");
            return;
        };
        self.phase = Phase::Running;
        self.findings.clear();
        let body = match answer {
            Ok(body) => body,
            Err(e) if e.token_invalid => {
                self.note(format!(
                    "the endpoint invalidated the flow token: {}",
                    e.message
                ));
                self.snackbar = Some(e.message.clone());
                self.phase =
                    Phase::Closed(format!("The flow token is no longer valid: {}", e.message));
                return;
            }
            Err(e) => {
                self.fail(&pending, None, e.message.clone(), effects);
                if self.stack.is_empty() {
                    // INIT failed before any screen: nothing to fall back on.
                    self.phase = Phase::Closed(e.message);
                }
                return;
            }
        };
        if let Err(e) = self.apply_answer(&pending, &body, effects) {
            self.findings.push(AnswerFinding {
                level: Level::Error,
                code: e.key.unwrap_or(AnswerCode::InvalidResponseFormat),
                message: e.message.clone(),
            });
            self.fail(&pending, e.key, e.message, effects);
            if self.stack.is_empty() {
                self.phase = Phase::Closed("The endpoint's first answer was rejected.".into());
            }
        }
    }

    fn warn(&mut self, code: AnswerCode, message: String) {
        self.note(format!("warning: {message}"));
        self.findings.push(AnswerFinding {
            level: Level::Warning,
            code,
            message,
        });
    }

    fn apply_answer(
        &mut self,
        pending: &Pending,
        body: &Value,
        effects: &mut Vec<Effect>,
    ) -> Result<(), ClientError> {
        let invalid = |message: &str| ClientError {
            key: None,
            message: format!("{message} (invalid response format)."),
        };
        let Some(obj) = body.as_object() else {
            return Err(invalid(
                "The answer is not a JSON object: the endpoint must answer {\"screen\": …, \"data\": {…}}",
            ));
        };
        let Some(screen) = obj.get("screen").and_then(Value::as_str) else {
            return Err(invalid(
                "The answer has no string `screen`: the endpoint must name the screen to show",
            ));
        };
        let data = match obj.get("data") {
            None => Map::new(),
            Some(Value::Object(d)) => d.clone(),
            Some(_) => {
                return Err(invalid(
                    "The answer's `data` is not an object: the endpoint must send the screen's data as an object",
                ));
            }
        };
        if let Some(e) = data.get("error_message")
            && !e.is_string()
        {
            return Err(invalid(
                "The answer's `data.error_message` is not a string: the snackbar text must be a string",
            ));
        }
        if screen == "SUCCESS" {
            let Some(params) = data
                .get("extension_message_response")
                .and_then(|e| e.get("params"))
                .and_then(Value::as_object)
            else {
                return Err(invalid(
                    "The SUCCESS answer has no object `data.extension_message_response.params`: the flow cannot complete without it",
                ));
            };
            if !params.contains_key("flow_token") {
                self.warn(
                    AnswerCode::MissingFlowToken,
                    "The SUCCESS answer's `extension_message_response.params` has no `flow_token`: \
                     the flow completes, but the business receives a response_json without the \
                     token, so it cannot tell which flow message was answered."
                        .into(),
                );
            }
            let completion = Completion {
                screen: pending.from.clone().unwrap_or_default(),
                response: params.clone(),
            };
            self.note("endpoint answered SUCCESS: the flow is complete");
            self.walked.push(super::Walk::Completed {
                screen: completion.screen.clone(),
            });
            self.phase = Phase::Completed(completion.clone());
            effects.push(Effect::Complete(completion));
            return Ok(());
        }
        self.check_route(pending, screen)?;
        self.check_data(screen, &data)?;
        let snackbar = data
            .get("error_message")
            .and_then(Value::as_str)
            .map(str::to_string);
        let mut data = data;
        data.remove("error_message");
        let is_back = pending.request.action == "BACK";
        if is_back && let Some(pos) = self.stack.iter().rposition(|s| s == screen) {
            // Back to a screen in the stack: pop to it and merge the answer into its data.
            self.stack.truncate(pos + 1);
            self.merge(screen, data);
            self.note(format!("BACK answered: {screen}, data merged"));
        } else if self.current() == Some(screen) {
            self.merge(screen, data);
            self.note(format!("endpoint refreshed {screen}: data merged"));
        } else {
            self.note(format!("endpoint answered: go to {screen}"));
            self.enter(screen, data, effects);
        }
        self.check_missing(screen);
        self.snackbar = snackbar;
        Ok(())
    }

    /// Merges an answer into the data of the screen that shows (a refresh, or the screen a
    /// `BACK` returns to): fields the answer leaves out keep their values. Form values stay,
    /// unless their input is no longer shown or their selected option no longer exists.
    fn merge(&mut self, screen: &str, data: Map<String, Value>) {
        let shown = |s: &Session| -> BTreeSet<String> {
            s.view().items.into_iter().filter_map(|i| i.name).collect()
        };
        let before = shown(self);
        if let Some(store) = self.stores.get_mut(screen) {
            store.data.extend(data);
            store.edited.clear();
            store.errors.clear();
        }
        let after = shown(self);
        if let Some(store) = self.stores.get_mut(screen) {
            for gone in before.difference(&after) {
                store.form.remove(gone);
            }
        }
        self.init_values(screen);
        self.prune_selections();
    }

    /// Declared data fields no answer has set: the phone shows them empty.
    fn check_missing(&mut self, screen: &str) {
        let flow = std::sync::Arc::clone(&self.flow);
        let (Some(target), Some(store)) = (flow.screen(screen), self.stores.get(screen)) else {
            return;
        };
        let missing: Vec<String> = target
            .data
            .fields
            .iter()
            .filter(|f| !store.data.contains_key(&f.name))
            .map(|f| format!("`{}`", f.name))
            .collect();
        let (names, them) = match missing.as_slice() {
            [] => return,
            [one] => (one.clone(), "it"),
            [rest @ .., last] => (format!("{} and {last}", rest.join(", ")), "them"),
        };
        self.warn(
            AnswerCode::MissingData,
            format!(
                "Screen {screen} declares {names}, but no endpoint answer has set {them}: \
                 the phone shows {them} empty wherever the screen uses {them}."
            ),
        );
    }

    /// The routing model must allow the move (endpoint.md §5.1 check 2).
    fn check_route(&self, pending: &Pending, to: &str) -> Result<(), ClientError> {
        let err = |message: String| ClientError {
            key: Some(AnswerCode::InvalidScreenTransition),
            message,
        };
        if self.flow.screen(to).is_none() {
            return Err(err(format!(
                "The endpoint answered with screen {to}, which the flow does not have: \
                 it must name one of the flow's screens."
            )));
        }
        match (&pending.from, pending.request.action.as_str()) {
            (None, _) => {
                let entries = self.flow.entry_screens();
                if !entries.iter().any(|s| s.id == to) {
                    return Err(err(format!(
                        "INIT was answered with {to}, which is not an entry screen of the routing \
                         model: the first screen must be one no route leads to."
                    )));
                }
            }
            (Some(_), "BACK") => {}
            (Some(from), _) if from == to => {}
            (Some(from), _) => {
                let allowed = self.flow.edges().iter().any(|(a, b)| a == from && b == to);
                if !allowed {
                    return Err(err(format!(
                        "Transition from {from} to {to} is not allowed by the routing model: \
                         add {to} to routing_model.{from}, or answer with a screen it lists."
                    )));
                }
            }
        }
        Ok(())
    }

    /// The data must fit the target screen's data model (endpoint.md §5.1 check 3). Extra
    /// keys are allowed (only noted): whether mobile clients reject them is unknown (Q11).
    fn check_data(&mut self, screen: &str, data: &Map<String, Value>) -> Result<(), ClientError> {
        let flow = std::sync::Arc::clone(&self.flow);
        let Some(target) = flow.screen(screen) else {
            return Ok(());
        };
        let mut problems = Vec::new();
        for (key, value) in data {
            if key == "error_message" {
                continue;
            }
            match target.data.field(key) {
                Some(field) => {
                    if let Some(problem) = mismatch(&field.schema, value, key) {
                        problems.push(problem);
                    }
                }
                None => self.note(format!(
                    "note: the endpoint sent `{key}`, which screen {screen} does not declare"
                )),
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(ClientError {
                key: Some(AnswerCode::PayloadSchemaError),
                message: format!(
                    "The data for screen {screen} does not match its data model: {}. \
                     The phone shows its generic error and keeps the screen as it was.",
                    problems.join("; ")
                ),
            })
        }
    }

    /// Shows the error and sends the error notification the client sends.
    fn fail(
        &mut self,
        pending: &Pending,
        key: Option<AnswerCode>,
        message: String,
        effects: &mut Vec<Effect>,
    ) {
        self.note(format!("client error: {message}"));
        self.snackbar = Some(format!("Something went wrong. {message}"));
        self.client_error = Some(ClientError {
            key,
            message: message.clone(),
        });
        if let Some(key) = key {
            let mut data = Map::new();
            data.insert("error".into(), Value::String(key.to_string()));
            data.insert("error_message".into(), Value::String(message));
            let action = if pending.request.action == "INIT" {
                "INIT"
            } else {
                "data_exchange"
            };
            let request = self.request(action, pending.request.screen.clone(), data, true);
            self.last_request = Some(request.clone());
            effects.push(Effect::Request(request));
        }
    }
}

/// Where `value` does not fit `schema`, with its path from `at`, and why; `None` when it fits.
fn mismatch(schema: &Schema, value: &Value, at: &str) -> Option<String> {
    match (schema, value) {
        (Schema::Array(item), Value::Array(items)) => items
            .iter()
            .enumerate()
            .find_map(|(i, v)| mismatch(item, v, &format!("{at}[{i}]"))),
        (Schema::Object(props), Value::Object(map)) => props.iter().find_map(|(k, s)| {
            map.get(k)
                .and_then(|v| mismatch(s, v, &format!("{at}.{k}")))
        }),
        _ if schema.accepts(value) => None,
        _ => Some(format!(
            "`{at}` should be {}, but the answer has {}",
            describe(schema),
            json_type(value)
        )),
    }
}

fn describe(schema: &Schema) -> String {
    let name = schema.type_name();
    format!("{} {name}", crate::validate::article_for(name))
}

fn json_type(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => format!("the boolean {b}"),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) if s.chars().count() <= 40 => format!("the string {v}"),
        Value::String(_) => "a string".into(),
        Value::Array(_) => "an array".into(),
        Value::Object(_) => "an object".into(),
    }
}
