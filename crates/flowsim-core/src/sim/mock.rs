//! Offline endpoint answers (`--mock FILE`): a JSON file that maps a request (action, screen
//! and an optional subset of its data) to the answer the endpoint would give.
//!
//! ```json
//! { "responses": [
//!     { "action": "INIT", "response": { "screen": "START", "data": { "greeting": "Hi" } } },
//!     { "action": "data_exchange", "screen": "START", "match": { "plan": "pro" },
//!       "response": { "screen": "PRO", "data": {} } },
//!     { "action": "data_exchange", "screen": "START",
//!       "response": { "screen": "START", "data": { "error_message": "Pick a plan" } } } ] }
//! ```
//!
//! The first rule whose `action` and `screen` (when given) equal the request's and whose
//! `match` is a subset of the request's `data` answers. Error notifications are acknowledged.

use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::Request;

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Mock {
    pub responses: Vec<Rule>,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    pub action: String,
    #[serde(default)]
    pub screen: Option<String>,
    #[serde(default, rename = "match")]
    pub matches: Option<Map<String, Value>>,
    pub response: Value,
}

impl Mock {
    pub fn parse(text: &str) -> Result<Mock, String> {
        serde_json::from_str(text)
            .map_err(|e| format!("line {}, column {}: {e}", e.line(), e.column()))
    }

    /// The answer to a request, or why there is none.
    pub fn answer(&self, request: &Request) -> Result<Value, String> {
        if request.notification {
            return Ok(json!({ "data": { "acknowledged": true } }));
        }
        self.responses
            .iter()
            .find(|r| {
                r.action == request.action
                    && r.screen.as_ref().is_none_or(|s| *s == request.screen)
                    && r.matches.as_ref().is_none_or(|m| {
                        is_subset(
                            &Value::Object(m.clone()),
                            &Value::Object(request.data.clone()),
                        )
                    })
            })
            .map(|r| r.response.clone())
            .ok_or_else(|| {
                format!(
                    "The mock has no answer for {} on screen `{}` with data {}: no rule's \
                     action, screen and match fit it. Add a rule for it to the mock file.",
                    request.action,
                    request.screen,
                    Value::Object(request.data.clone())
                )
            })
    }
}

/// Whether every member of `want` is in `have` (recursively for objects; arrays and scalars
/// must be equal).
pub fn is_subset(want: &Value, have: &Value) -> bool {
    match (want, have) {
        (Value::Object(w), Value::Object(h)) => w
            .iter()
            .all(|(k, v)| h.get(k).is_some_and(|hv| is_subset(v, hv))),
        _ => want == have,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(action: &str, screen: &str, data: Value) -> Request {
        Request {
            action: action.into(),
            screen: screen.into(),
            data: data.as_object().cloned().unwrap_or_default(),
            flow_token: "t".into(),
            version: "3.0".into(),
            sign_flow_token: false,
            notification: false,
        }
    }

    #[test]
    fn first_matching_rule_answers() {
        let mock = Mock::parse(
            r#"{ "responses": [
                { "action": "data_exchange", "screen": "A", "match": { "plan": "pro" }, "response": { "screen": "PRO" } },
                { "action": "data_exchange", "screen": "A", "response": { "screen": "A" } } ] }"#,
        )
        .unwrap();
        let pro = request("data_exchange", "A", json!({ "plan": "pro", "x": 1 }));
        assert_eq!(mock.answer(&pro).unwrap()["screen"], "PRO");
        let other = request("data_exchange", "A", json!({ "plan": "free" }));
        assert_eq!(mock.answer(&other).unwrap()["screen"], "A");
        let err = mock.answer(&request("INIT", "", json!({}))).unwrap_err();
        assert!(err.starts_with("The mock has no answer for INIT"), "{err}");
    }

    #[test]
    fn unknown_keys_are_refused_with_a_position() {
        let err = Mock::parse(r#"{ "responses": [], "extra": 1 }"#).unwrap_err();
        assert!(err.starts_with("line 1, column"), "{err}");
    }
}
