//! The example data endpoint: a real WhatsApp Flows endpoint over HTTP (endpoint.md §2–6)
//! whose answers come from a flowsim mock file.
//!
//! Per request: check `X-Hub-Signature-256` when an app secret is set (432 when it does not
//! verify), decrypt with the business private key (421 when that fails), answer `ping` with
//! `{"data":{"status":"active"}}`, acknowledge error notifications, verify a Data API 4.0
//! `flow_token_signature` when there is an app secret (427 when it does not verify), and
//! otherwise answer what the mock's first matching rule says, encrypted with the request's
//! key and the flipped IV. With no matching rule the user stays on the screen and sees a
//! snackbar (`data.error_message`) saying so.
//!
//! `tests/endpoint.rs` includes this file, so the tests run the real example endpoint.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use flowsim_core::sim::Request;
use flowsim_core::sim::mock::Mock;
use flowsim_endpoint::client::Secret;
use flowsim_endpoint::crypto::{self, CryptoError};
use rsa::RsaPrivateKey;
use serde_json::{Map, Value, json};
use tokio::net::TcpListener;
use tokio::sync::mpsc::UnboundedSender;

/// How the endpoint runs.
pub struct ServerConfig {
    /// The business private key. `None`: plaintext JSON both ways (`--plaintext`).
    pub private_key: Option<RsaPrivateKey>,
    /// The Meta app secret. When set, every request must carry a valid `X-Hub-Signature-256`
    /// (else 432), and a `flow_token_signature` must verify (else 427).
    pub app_secret: Option<Secret>,
    /// Where the answers come from.
    pub mock: Mock,
    /// Receives one [`Handled`] per request, for tests and tools (the log line goes to stderr
    /// either way).
    pub events: Option<UnboundedSender<Handled>>,
}

/// What the endpoint did with one request.
#[derive(Debug, Clone)]
pub struct Handled {
    /// The HTTP status answered.
    pub status: u16,
    /// The request's `action`, when it could be read.
    pub action: Option<String>,
    /// The request's `screen`, when it could be read.
    pub screen: Option<String>,
    /// The decrypted request payload, when it could be read.
    pub request: Option<Value>,
    /// The answer, before encryption.
    pub response: Option<Value>,
    /// Whether the request's `flow_token_signature` verified and names its `flow_token`;
    /// `None` when there was none, or no app secret to check it with.
    pub flow_token_signature: Option<bool>,
    /// Why the status is not 200, or what is worth knowing about the answer.
    pub note: Option<String>,
}

struct Shared {
    config: ServerConfig,
    /// The last data answered per (flow token, screen): a snackbar answer keeps the screen's
    /// data, since the client replaces the screen's data with the answer's.
    last_data: Mutex<HashMap<(String, String), Map<String, Value>>>,
}

/// Screens remembered for snackbar answers before the memory starts over.
const REMEMBERED_SCREENS: usize = 10_000;

/// Serves the endpoint on `listener` (any path, POST) until the task is dropped.
pub async fn serve(listener: TcpListener, config: ServerConfig) -> std::io::Result<()> {
    let shared = Arc::new(Shared {
        config,
        last_data: Mutex::new(HashMap::new()),
    });
    let app = Router::new().fallback(handle).with_state(shared);
    axum::serve(listener, app).await
}

async fn handle(
    State(shared): State<Arc<Shared>>,
    method: Method,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let (response, handled) = answer(&shared, &method, &headers, &body);
    eprintln!("{}", log_line(&handled));
    if let Some(events) = &shared.config.events {
        let _ = events.send(handled);
    }
    response
}

/// One line per request: action, screen, status, and the screen answered or why not 200.
/// Never keys, secrets, flow tokens or their signatures.
fn log_line(h: &Handled) -> String {
    let action = h.action.as_deref().unwrap_or("?");
    let screen = match h.screen.as_deref() {
        None | Some("") => "-",
        Some(s) => s,
    };
    let to = h
        .response
        .as_ref()
        .and_then(|r| r.get("screen"))
        .and_then(Value::as_str)
        .map(|s| format!(" → {s}"))
        .unwrap_or_default();
    let note = h
        .note
        .as_deref()
        .map(|n| format!(" ({n})"))
        .unwrap_or_default();
    format!("{action} screen={screen} status={}{to}{note}", h.status)
}

/// The request's decrypted key material, to seal the answer with.
type Keys = Option<([u8; 16], [u8; 16])>;

fn answer(
    shared: &Shared,
    method: &Method,
    headers: &HeaderMap,
    body: &[u8],
) -> (Response, Handled) {
    let config = &shared.config;
    let mut handled = Handled {
        status: 200,
        action: None,
        screen: None,
        request: None,
        response: None,
        flow_token_signature: None,
        note: None,
    };
    if method != Method::POST {
        return fail(
            &mut handled,
            StatusCode::METHOD_NOT_ALLOWED,
            format!("{method}: a Flows data endpoint takes POST requests"),
        );
    }
    // Signature first, as Meta's sample endpoints do (endpoint.md §2.3).
    if let Some(secret) = &config.app_secret {
        let given = headers
            .get("x-hub-signature-256")
            .and_then(|v| v.to_str().ok());
        let problem = match given {
            None => Some("no X-Hub-Signature-256 header"),
            Some(h) if !crypto::verify_signature(&secret.0, body, h) => {
                Some("X-Hub-Signature-256 does not verify with the app secret")
            }
            Some(_) => None,
        };
        if let Some(problem) = problem {
            return fail(
                &mut handled,
                StatusCode::from_u16(432).expect("432 is a valid status"),
                problem.into(),
            );
        }
    }
    let Ok(text) = std::str::from_utf8(body) else {
        return fail(
            &mut handled,
            StatusCode::BAD_REQUEST,
            "the request body is not UTF-8 text".into(),
        );
    };
    let (plaintext, keys): (Vec<u8>, Keys) = match &config.private_key {
        Some(key) => match crypto::open_request(key, text) {
            Ok(opened) => (opened.plaintext.clone(), Some((opened.key, opened.iv))),
            Err(e) => {
                if matches!(e, CryptoError::MemberMissing { .. })
                    && serde_json::from_str::<Value>(text).is_ok_and(|v| v.get("action").is_some())
                {
                    return fail(
                        &mut handled,
                        StatusCode::BAD_REQUEST,
                        "the request is plaintext JSON, but this endpoint decrypts \
                         (start it with --plaintext)"
                            .into(),
                    );
                }
                let status = if cannot_decrypt(&e) {
                    StatusCode::from_u16(421).expect("421 is a valid status")
                } else {
                    StatusCode::BAD_REQUEST
                };
                return fail(&mut handled, status, format!("cannot decrypt: {e}"));
            }
        },
        None => {
            let envelope = serde_json::from_str::<Value>(text)
                .is_ok_and(|v| v.get(crypto::MEMBER_AES_KEY).is_some());
            if envelope {
                return fail(
                    &mut handled,
                    StatusCode::BAD_REQUEST,
                    "the request is encrypted, but this endpoint runs with --plaintext".into(),
                );
            }
            (body.to_vec(), None)
        }
    };
    let payload = match serde_json::from_slice::<Value>(&plaintext) {
        Ok(v @ Value::Object(_)) => v,
        Ok(_) => {
            return fail(
                &mut handled,
                StatusCode::BAD_REQUEST,
                "the request payload is not a JSON object".into(),
            );
        }
        Err(e) => {
            return fail(
                &mut handled,
                StatusCode::BAD_REQUEST,
                format!("the request payload is not JSON ({e})"),
            );
        }
    };
    let text_of = |key: &str| payload.get(key).and_then(Value::as_str).map(str::to_string);
    handled.action = text_of("action");
    handled.screen = text_of("screen");
    handled.request = Some(payload.clone());
    let Some(action) = handled.action.clone() else {
        return fail(
            &mut handled,
            StatusCode::BAD_REQUEST,
            "the request payload has no string `action`".into(),
        );
    };
    let screen = handled.screen.clone().unwrap_or_default();
    let flow_token = text_of("flow_token").unwrap_or_default();
    let data = match payload.get("data") {
        None => Map::new(),
        Some(Value::Object(d)) => d.clone(),
        Some(_) => {
            return fail(
                &mut handled,
                StatusCode::BAD_REQUEST,
                "the request's `data` is not an object".into(),
            );
        }
    };

    // Data API 4.0: the flow token signature, checked when there is a secret (endpoint.md §4.8).
    if let (Some(secret), Some(jwt)) = (&config.app_secret, payload.get("flow_token_signature")) {
        let signed = jwt
            .as_str()
            .and_then(|jwt| crypto::verify_flow_token_signature(&secret.0, jwt));
        let ok = signed.as_deref() == Some(flow_token.as_str());
        handled.flow_token_signature = Some(ok);
        if !ok {
            let message = "flow_token_signature does not verify for this flow token";
            let body = json!({ "error_msg": message });
            handled.status = 427;
            handled.note = Some(message.into());
            handled.response = Some(body.clone());
            return (
                reply(
                    StatusCode::from_u16(427).expect("427 is a valid status"),
                    &body,
                    keys,
                ),
                handled,
            );
        }
    }

    let notification =
        ["error", "error_key"].iter().any(|k| data.contains_key(*k)) || action == "navigate";
    let body = if action == "ping" {
        json!({ "data": { "status": "active" } })
    } else if notification {
        handled.note = Some(format!(
            "error notification: {}",
            data.get("error")
                .or_else(|| data.get("error_key"))
                .map_or_else(|| "-".into(), Value::to_string)
        ));
        json!({ "data": { "acknowledged": true } })
    } else {
        let request = Request {
            action: action.clone(),
            screen: screen.clone(),
            data,
            flow_token: flow_token.clone(),
            version: text_of("version").unwrap_or_default(),
            sign_flow_token: false,
            notification: false,
        };
        match config.mock.answer(&request) {
            Ok(answer) => {
                remember(shared, &flow_token, &answer);
                answer
            }
            Err(e) if screen.is_empty() => {
                // INIT (or a screenless request) with no rule: there is no screen to show a
                // snackbar on.
                return fail(&mut handled, StatusCode::INTERNAL_SERVER_ERROR, e);
            }
            Err(e) => {
                handled.note = Some("no mock rule matches: snackbar".into());
                let mut data = shared
                    .last_data
                    .lock()
                    .expect("the memory lock is never poisoned")
                    .get(&(flow_token.clone(), screen.clone()))
                    .cloned()
                    .unwrap_or_default();
                data.insert("error_message".into(), Value::String(e));
                json!({ "screen": screen, "data": data })
            }
        }
    };
    handled.response = Some(body.clone());
    (reply(StatusCode::OK, &body, keys), handled)
}

/// A non-200 answer with a plain-text reason (no key material: crypto errors carry none).
fn fail(handled: &mut Handled, status: StatusCode, note: String) -> (Response, Handled) {
    handled.status = status.as_u16();
    let response = (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        format!("{note}\n"),
    )
        .into_response();
    handled.note = Some(note);
    (response, handled.clone())
}

/// Errors that mean the request was encrypted for another key (or not as WhatsApp does):
/// the endpoint answers 421 and WhatsApp retries once with a fresh key (endpoint.md §6.1).
/// A malformed envelope is a 400.
fn cannot_decrypt(e: &CryptoError) -> bool {
    matches!(
        e,
        CryptoError::WrappedKeyLength { .. }
            | CryptoError::KeyUnwrap
            | CryptoError::AesKeyLength { .. }
            | CryptoError::FlowDataTooShort { .. }
            | CryptoError::FlowDataDecrypt
    )
}

/// Keeps a screen answer's data for a later snackbar answer on that screen.
fn remember(shared: &Shared, flow_token: &str, answer: &Value) {
    let (Some(screen), Some(data)) = (
        answer.get("screen").and_then(Value::as_str),
        answer.get("data").and_then(Value::as_object),
    ) else {
        return;
    };
    let mut data = data.clone();
    data.remove("error_message");
    let mut memory = shared
        .last_data
        .lock()
        .expect("the memory lock is never poisoned");
    if memory.len() >= REMEMBERED_SCREENS {
        memory.clear();
    }
    memory.insert((flow_token.to_string(), screen.to_string()), data);
}

/// The answer as WhatsApp expects it: base64 of the encrypted JSON with the request's key and
/// flipped IV (endpoint.md §3.4), or the JSON itself in plaintext mode.
fn reply(status: StatusCode, body: &Value, keys: Keys) -> Response {
    let json = body.to_string();
    match keys {
        Some((key, iv)) => (
            status,
            [(header::CONTENT_TYPE, "text/plain")],
            crypto::seal_response(&key, &iv, json.as_bytes()),
        )
            .into_response(),
        None => (status, [(header::CONTENT_TYPE, "application/json")], json).into_response(),
    }
}
