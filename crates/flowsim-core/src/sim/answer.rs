//! The client's handling of endpoint answers (endpoint.md §5–6): format, routing and data
//! model checks, snackbars, completion, and the error notification sent back when an answer
//! cannot be used (endpoint.md §4.6).

use serde_json::{Map, Value};

use super::{Completion, Effect, Pending, Phase, ReplyError, Request, Session};
use crate::flow::model::Schema;

/// Why the client rejected an endpoint answer.
#[derive(Debug, Clone, PartialEq)]
pub struct ClientError {
    /// The error key sent to the endpoint (`invalid-screen-transition`, …), if any.
    pub key: Option<&'static str>,
    pub message: String,
}

impl Session {
    pub(super) fn answer(&mut self, answer: Result<Value, ReplyError>, effects: &mut Vec<Effect>) {
        let Phase::Waiting(pending) = self.phase.clone() else {
            self.note("ignored: an answer with no request pending");
            return;
        };
        self.phase = Phase::Running;
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
            self.fail(&pending, e.key, e.message, effects);
            if self.stack.is_empty() {
                self.phase = Phase::Closed("the endpoint's first answer was rejected".into());
            }
        }
    }

    fn apply_answer(
        &mut self,
        pending: &Pending,
        body: &Value,
        effects: &mut Vec<Effect>,
    ) -> Result<(), ClientError> {
        let invalid = |message: String| ClientError { key: None, message };
        let Some(obj) = body.as_object() else {
            return Err(invalid(
                "invalid response format: the answer is not a JSON object".into(),
            ));
        };
        let Some(screen) = obj.get("screen").and_then(Value::as_str) else {
            return Err(invalid(
                "invalid response format: the answer has no string `screen`".into(),
            ));
        };
        let data = match obj.get("data") {
            None => Map::new(),
            Some(Value::Object(d)) => d.clone(),
            Some(_) => {
                return Err(invalid(
                    "invalid response format: `data` must be an object".into(),
                ));
            }
        };
        if let Some(e) = data.get("error_message")
            && !e.is_string()
        {
            return Err(invalid(
                "invalid response format: `data.error_message` must be a string".into(),
            ));
        }
        if screen == "SUCCESS" {
            let Some(params) = data
                .get("extension_message_response")
                .and_then(|e| e.get("params"))
                .and_then(Value::as_object)
            else {
                return Err(invalid(
                    "invalid response format: a SUCCESS answer needs `data.extension_message_response.params`".into(),
                ));
            };
            let completion = Completion {
                screen: pending.from.clone().unwrap_or_default(),
                response: params.clone(),
            };
            self.note("endpoint answered SUCCESS: the flow is complete");
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
            // Back to a screen in the stack: pop to it and refresh its data.
            self.stack.truncate(pos + 1);
            if let Some(store) = self.stores.get_mut(screen) {
                store.data = data;
                store.edited.clear();
                store.errors.clear();
            }
            self.note(format!("BACK answered: {screen}"));
        } else if self.current() == Some(screen) {
            if let Some(store) = self.stores.get_mut(screen) {
                store.data = data;
                store.edited.clear();
                store.errors.clear();
            }
            self.init_values(screen);
            self.prune_selections();
            self.note(format!("endpoint refreshed {screen}"));
        } else {
            self.note(format!("endpoint answered: go to {screen}"));
            self.enter(screen, data, effects);
        }
        self.snackbar = snackbar;
        Ok(())
    }

    /// The routing model must allow the move (endpoint.md §5.1 check 2).
    fn check_route(&self, pending: &Pending, to: &str) -> Result<(), ClientError> {
        let err = |message: String| ClientError {
            key: Some("invalid-screen-transition"),
            message,
        };
        if self.flow.screen(to).is_none() {
            return Err(err(format!(
                "the endpoint answered with screen `{to}`, which the flow does not have"
            )));
        }
        match (&pending.from, pending.request.action.as_str()) {
            (None, _) => {
                let entries = self.flow.entry_screens();
                if !entries.iter().any(|s| s.id == to) {
                    return Err(err(format!(
                        "INIT answered with `{to}`, which is not an entry screen of the routing model"
                    )));
                }
            }
            (Some(_), "BACK") => {}
            (Some(from), _) if from == to => {}
            (Some(from), _) => {
                let allowed = self.flow.edges().iter().any(|(a, b)| a == from && b == to);
                if !allowed {
                    return Err(err(format!(
                        "Transition from {from} to {to} is not allowed"
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
                Some(field) if !field.schema.accepts(value) => problems.push(format!(
                    "`{key}` should be {}, got {}",
                    describe(&field.schema),
                    json_type(value)
                )),
                Some(_) => {}
                None => self.note(format!(
                    "note: the endpoint sent `{key}`, which screen {screen} does not declare"
                )),
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(ClientError {
                key: Some("payload-schema-error"),
                message: format!(
                    "data for screen {screen} does not match its data model: {}",
                    problems.join(". ")
                ),
            })
        }
    }

    /// Shows the error and sends the error notification the client sends.
    fn fail(
        &mut self,
        pending: &Pending,
        key: Option<&'static str>,
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
            data.insert("error".into(), Value::String(key.into()));
            data.insert("error_message".into(), Value::String(message));
            let action = if pending.request.action == "INIT" {
                "INIT"
            } else {
                "data_exchange"
            };
            let request = Request {
                action: action.into(),
                screen: pending.request.screen.clone(),
                data,
                flow_token: self.flow_token.clone(),
                notification: true,
            };
            self.last_request = Some(request.clone());
            effects.push(Effect::Request(request));
        }
    }
}

fn describe(schema: &Schema) -> String {
    let name = schema.type_name();
    format!("{} {name}", crate::validate::article_for(name))
}

fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}
