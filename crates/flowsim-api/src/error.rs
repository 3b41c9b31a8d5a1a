//! What can go wrong talking to Meta: the Graph error envelope (flows-api.md §1.6) as Meta
//! sends it, and the failures that never reach Meta (bad configuration, the network, an
//! answer that is not Graph's).

use std::time::Duration;

use serde::Deserialize;
use serde_json::Value;

/// Every way a call can fail.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The call was not sent: bad configuration or arguments (a missing token, an id that is
    /// not an id, a plain-http Graph URL on another machine).
    #[error("{0}")]
    Usage(String),
    /// Meta answered with its error envelope.
    #[error("{}", .0.error.message)]
    Graph(Box<GraphError>),
    /// No usable answer: the network failed, or the answer is not Graph's shape.
    #[error("{0}")]
    Transport(String),
}

/// A Graph error answer: the HTTP status, the envelope's `error` object, how long Meta asks
/// to wait (rate limits), whether the call was a write, and the answer as sent.
#[derive(Debug, Clone)]
pub struct GraphError {
    pub status: u16,
    pub error: ErrorBody,
    /// From `Retry-After` or `X-Business-Use-Case-Usage.estimated_time_to_regain_access`.
    pub wait: Option<Duration>,
    /// The request changed something (POST, DELETE): it was sent once and not repeated.
    pub write: bool,
    /// The whole answer, `{"error": {…}}`, for `--format json`.
    pub raw: Value,
}

/// The `error` object of the envelope. `message`, `type`, `code` and `fbtrace_id` are always
/// there; the rest is optional.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ErrorBody {
    pub message: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub code: i64,
    pub error_subcode: Option<i64>,
    pub error_user_title: Option<String>,
    pub error_user_msg: Option<String>,
    /// An object with `details` for WhatsApp errors, occasionally a plain string.
    pub error_data: Option<Value>,
    pub is_transient: Option<bool>,
    pub href: Option<String>,
    pub fbtrace_id: Option<String>,
}

impl ErrorBody {
    /// `error_data.details`, or `error_data` itself when Meta sent a string.
    pub fn details(&self) -> Option<&str> {
        match &self.error_data {
            Some(Value::String(s)) => Some(s),
            Some(v) => v.get("details").and_then(Value::as_str),
            None => None,
        }
    }
}

impl GraphError {
    /// A rate limit of the app (4, 17, 32, 613), the WABA (80007), the business (80008),
    /// message throughput (130429), one recipient (131056) or a throttled flow (132069).
    pub fn is_rate_limit(&self) -> bool {
        matches!(
            self.error.code,
            4 | 17 | 32 | 613 | 80007 | 80008 | 130429 | 131056 | 132069
        ) || self.status == 429
    }

    /// Worth repeating a read: a rate limit, a 5xx, or what Meta marks transient.
    pub fn is_retryable(&self) -> bool {
        self.is_rate_limit()
            || self.status >= 500
            || matches!(self.error.code, 1 | 2)
            || self.error.is_transient == Some(true)
    }

    /// The access token is missing, invalid or expired (104, 190).
    pub fn is_token(&self) -> bool {
        matches!(self.error.code, 104 | 190)
    }

    /// The token lacks a permission (10, 200–299).
    pub fn is_permission(&self) -> bool {
        matches!(self.error.code, 10 | 200..=299)
    }
}

/// The answer of a failed call turned into a [`GraphError`], when it is Graph's envelope.
pub(crate) fn from_answer(
    status: u16,
    body: &Value,
    wait: Option<Duration>,
    write: bool,
) -> Option<GraphError> {
    let error = body.get("error")?;
    let parsed = ErrorBody::deserialize(error).ok()?;
    Some(GraphError {
        status,
        error: parsed,
        wait,
        write,
        raw: body.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_the_envelope_with_and_without_optional_members() {
        let body = json!({"error":{"message":"(#130429) Rate limit hit","type":"OAuthException","code":130429,
            "error_data":{"messaging_product":"whatsapp","details":"too many messages"},
            "error_subcode":2494055,"fbtrace_id":"Az8or2yhqkZfEZ-_4Qn_Bam"}});
        let e = from_answer(400, &body, None, true).unwrap();
        assert_eq!(e.error.code, 130429);
        assert_eq!(e.error.error_subcode, Some(2494055));
        assert_eq!(e.error.details(), Some("too many messages"));
        assert!(e.is_rate_limit() && e.is_retryable() && !e.is_token());

        let body = json!({"error":{"message":"Invalid OAuth access token - Cannot parse access token","type":"OAuthException","code":190,"fbtrace_id":"x","error_data":"plain"}});
        let e = from_answer(401, &body, None, false).unwrap();
        assert!(e.is_token() && !e.is_retryable());
        assert_eq!(e.error.details(), Some("plain"));
    }

    #[test]
    fn anything_else_is_not_an_envelope() {
        assert!(from_answer(500, &json!({"data": []}), None, false).is_none());
        assert!(from_answer(500, &json!({"error": "text"}), None, false).is_none());
    }

    #[test]
    fn five_hundreds_and_transient_errors_are_retryable() {
        let mk = |status, code, transient| GraphError {
            status,
            error: ErrorBody {
                code,
                is_transient: transient,
                ..Default::default()
            },
            wait: None,
            write: false,
            raw: Value::Null,
        };
        assert!(mk(503, 2, None).is_retryable());
        assert!(mk(400, 131000, Some(true)).is_retryable());
        assert!(!mk(400, 100, None).is_retryable());
        assert!(mk(403, 200, None).is_permission());
    }
}
