//! `flowsim webhook listen`: a local webhook receiver that behaves as a correct one should and
//! reports everything it gets. It answers the GET subscription handshake, verifies
//! `X-Hub-Signature-256` over the raw bytes (a mismatch is refused and reported, never
//! hidden), notes duplicate deliveries, and decodes each notification for display. With a
//! forward URL it passes every request on unchanged to the business's own server and answers
//! with that server's answer, so Meta (through a tunnel) sees the real receiver.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::Value;
use subtle::ConstantTimeEq;
use tokio::net::TcpListener;
use tokio::sync::mpsc::UnboundedSender;

use crate::Secret;
use crate::deliver::{Delivery, Sender};
use crate::event;
use flowsim_endpoint::crypto;

/// How the listener behaves.
#[derive(Clone)]
pub struct Config {
    /// Verifies signatures; without it every notification is taken and marked unchecked.
    pub app_secret: Option<Secret>,
    /// The token the handshake must carry; without it any token is accepted.
    pub verify_token: Option<Secret>,
    /// Pass every request on to this URL and answer with its answer.
    pub forward: Option<(String, Sender)>,
}

/// What the listener found about a request's signature.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SignatureCheck {
    /// It matches the app secret.
    Valid,
    /// It does not.
    Mismatch,
    /// The request has no `X-Hub-Signature-256`.
    Missing,
    /// No app secret to check it with.
    Unchecked,
}

/// What kind of request came.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Handshake,
    Notification,
    /// Anything else (a GET that is no handshake, another method, a body that is not JSON).
    Other,
}

/// The answer of the server requests were forwarded to.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Forwarded {
    pub url: String,
    pub status: Option<u16>,
    pub latency_ms: u64,
    /// Why the server did not take it, with the likely cause.
    pub problem: Option<String>,
}

/// One request the listener received, and what it did with it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Received {
    /// Unix seconds.
    pub received_at: f64,
    pub method: String,
    pub path: String,
    pub kind: Kind,
    pub signature: SignatureCheck,
    /// The status the listener answered.
    pub status: u16,
    /// What is wrong or worth knowing.
    pub notes: Vec<String>,
    /// One line per change: what it is.
    pub summary: Vec<String>,
    /// Message (and status) ids delivered before: Meta retries, so these come again.
    pub duplicates: Vec<String>,
    pub forwarded: Option<Forwarded>,
    /// The notification, with every `response_json` decoded from its string.
    pub notification: Option<Value>,
}

/// Delivery ids remembered to spot duplicates.
const REMEMBERED: usize = 10_000;

struct Shared {
    config: Config,
    reports: UnboundedSender<Received>,
    seen: Mutex<(HashSet<String>, VecDeque<String>)>,
}

/// Serves on `listener` (any path) until the task ends; one [`Received`] per request goes to
/// `reports`.
pub async fn serve(
    listener: TcpListener,
    config: Config,
    reports: UnboundedSender<Received>,
) -> std::io::Result<()> {
    let shared = Arc::new(Shared {
        config,
        reports,
        seen: Mutex::new((HashSet::new(), VecDeque::new())),
    });
    let app = Router::new()
        .fallback(handle)
        .layer(axum::extract::DefaultBodyLimit::max(10 * 1024 * 1024))
        .with_state(shared);
    axum::serve(listener, app).await
}

async fn handle(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let mut r = Received {
        received_at: SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0.0, |d| d.as_secs_f64()),
        method: method.to_string(),
        path: flowsim_core::text::sanitize(uri.path()),
        kind: Kind::Other,
        signature: SignatureCheck::Unchecked,
        status: 200,
        notes: Vec::new(),
        summary: Vec::new(),
        duplicates: Vec::new(),
        forwarded: None,
        notification: None,
    };
    let (status, answer) = if method == Method::GET {
        handshake(&shared, &uri, &headers, &mut r).await
    } else if method == Method::POST {
        notification(&shared, &uri, &headers, body, &mut r).await
    } else {
        r.notes.push(format!(
            "Meta sends only GET (the handshake) and POST (notifications), not {method}"
        ));
        (StatusCode::METHOD_NOT_ALLOWED, String::new())
    };
    r.status = status.as_u16();
    let _ = shared.reports.send(r);
    (status, [(header::CONTENT_TYPE, "text/plain")], answer).into_response()
}

async fn handshake(
    shared: &Shared,
    uri: &Uri,
    headers: &HeaderMap,
    r: &mut Received,
) -> (StatusCode, String) {
    let query: HashMap<String, String> =
        Query::try_from_uri(uri).map_or_else(|_| HashMap::new(), |q| q.0);
    let mode = query.get("hub.mode").map(String::as_str);
    let challenge = query.get("hub.challenge");
    let token = query.get("hub.verify_token");
    if mode.is_none() && challenge.is_none() {
        r.notes
            .push("a GET that is not a subscription handshake (no hub.mode, hub.challenge)".into());
        return (
            StatusCode::BAD_REQUEST,
            "flowsim webhook listener: POST notifications here".into(),
        );
    }
    r.kind = Kind::Handshake;
    if let Some((url, sender)) = &shared.config.forward {
        let target = forward_target(url, uri);
        let d = sender
            .relay(Method::GET, &target, url, forwardable(headers), Vec::new())
            .await;
        return relayed(d, r);
    }
    let Some(challenge) = challenge.filter(|_| mode == Some("subscribe")) else {
        r.notes.push(format!(
            "refused: hub.mode must be `subscribe` and hub.challenge present (hub.mode: {})",
            mode.map_or("missing".into(), flowsim_core::text::sanitize)
        ));
        return (StatusCode::FORBIDDEN, String::new());
    };
    match (&shared.config.verify_token, token) {
        (Some(expected), Some(given)) if same(&expected.0, given) => {
            r.notes.push("answered: the verify token matches".into());
            (StatusCode::OK, challenge.clone())
        }
        (Some(_), given) => {
            r.notes.push(format!(
                "refused: {} (the token is not shown)",
                if given.is_some() {
                    "the verify token does not match --verify-token"
                } else {
                    "no hub.verify_token"
                }
            ));
            (StatusCode::FORBIDDEN, String::new())
        }
        (None, _) => {
            r.notes.push(
                "answered: any verify token is accepted, since no --verify-token was given".into(),
            );
            (StatusCode::OK, challenge.clone())
        }
    }
}

async fn notification(
    shared: &Shared,
    uri: &Uri,
    headers: &HeaderMap,
    body: Bytes,
    r: &mut Received,
) -> (StatusCode, String) {
    let given = headers
        .get("x-hub-signature-256")
        .and_then(|v| v.to_str().ok());
    r.signature = match (&shared.config.app_secret, given) {
        (None, _) => SignatureCheck::Unchecked,
        (Some(_), None) => SignatureCheck::Missing,
        (Some(secret), Some(h)) if crypto::verify_signature(&secret.0, &body, h) => {
            SignatureCheck::Valid
        }
        (Some(_), Some(_)) => SignatureCheck::Mismatch,
    };
    match r.signature {
        SignatureCheck::Mismatch => r.notes.push(
            "SIGNATURE MISMATCH: X-Hub-Signature-256 is not the HMAC of these bytes with \
             --app-secret. Another app's secret, a forged request, or a body changed on the \
             way (a proxy re-encoding JSON)"
                .into(),
        ),
        SignatureCheck::Missing => r
            .notes
            .push("UNSIGNED: no X-Hub-Signature-256 header; Meta always signs".into()),
        SignatureCheck::Unchecked => r
            .notes
            .push("signature not checked: start the listener with --app-secret".into()),
        SignatureCheck::Valid => {}
    }
    match serde_json::from_slice::<Value>(&body) {
        Ok(v) => {
            r.kind = Kind::Notification;
            if v.get("object").and_then(Value::as_str) != Some("whatsapp_business_account") {
                r.notes.push(
                    "not a WhatsApp notification: `object` is not `whatsapp_business_account`"
                        .into(),
                );
            }
            if !body.is_ascii() {
                r.notes.push(
                    "the body has raw non-ASCII bytes: Meta escapes them (\\u00e4), so this did \
                     not come from Meta unchanged"
                        .into(),
                );
            }
            r.summary = event::summary(&v);
            r.duplicates = remember(shared, event::delivery_ids(&v));
            r.notification = Some(event::decode_response_json(&v));
        }
        Err(e) => r.notes.push(format!("the body is not JSON: {e}")),
    }
    if let Some((url, sender)) = &shared.config.forward {
        let target = forward_target(url, uri);
        let d = sender
            .relay(
                Method::POST,
                &target,
                url,
                forwardable(headers),
                body.to_vec(),
            )
            .await;
        return relayed(d, r);
    }
    if r.kind != Kind::Notification {
        return (StatusCode::BAD_REQUEST, "not JSON".into());
    }
    match r.signature {
        SignatureCheck::Mismatch | SignatureCheck::Missing => {
            (StatusCode::FORBIDDEN, "signature does not verify".into())
        }
        SignatureCheck::Valid | SignatureCheck::Unchecked => (StatusCode::OK, String::new()),
    }
}

/// Answers with what the forward target answered; 502 when it gave no answer.
fn relayed(d: Delivery, r: &mut Received) -> (StatusCode, String) {
    let status = d
        .status
        .and_then(|s| StatusCode::from_u16(s).ok())
        .unwrap_or(StatusCode::BAD_GATEWAY);
    r.forwarded = Some(Forwarded {
        url: d.url.clone(),
        status: d.status,
        latency_ms: d.latency.as_millis() as u64,
        problem: d.diagnosis(),
    });
    (status, d.answer)
}

/// The forward URL with the request's query appended (the handshake's `hub.*` parameters).
fn forward_target(url: &str, uri: &Uri) -> String {
    match uri.query() {
        Some(q) => format!("{url}{}{q}", if url.contains('?') { '&' } else { '?' }),
        None => url.to_string(),
    }
}

/// The request's headers minus those that describe this hop.
fn forwardable(headers: &HeaderMap) -> HeaderMap {
    let mut h = headers.clone();
    for name in [
        header::HOST,
        header::CONTENT_LENGTH,
        header::CONNECTION,
        header::TRANSFER_ENCODING,
    ] {
        h.remove(name);
    }
    h
}

/// Records delivery ids; returns those seen before.
fn remember(shared: &Shared, ids: Vec<String>) -> Vec<String> {
    let mut guard = shared.seen.lock().unwrap_or_else(|p| p.into_inner());
    let (set, order) = &mut *guard;
    let mut again = Vec::new();
    for id in ids {
        if set.contains(&id) {
            again.push(id);
            continue;
        }
        set.insert(id.clone());
        order.push_back(id);
        if order.len() > REMEMBERED
            && let Some(old) = order.pop_front()
        {
            set.remove(&old);
        }
    }
    again
}

/// Compares a secret in constant time.
fn same(expected: &str, given: &str) -> bool {
    expected.len() == given.len() && bool::from(expected.as_bytes().ct_eq(given.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_forward_url_gets_the_requests_query() {
        let uri: Uri = "/webhook?hub.mode=subscribe&hub.challenge=7"
            .parse()
            .unwrap();
        assert_eq!(
            forward_target("http://h/w", &uri),
            "http://h/w?hub.mode=subscribe&hub.challenge=7"
        );
        assert_eq!(
            forward_target("http://h/w?k=1", &uri),
            "http://h/w?k=1&hub.mode=subscribe&hub.challenge=7"
        );
        let bare: Uri = "/webhook".parse().unwrap();
        assert_eq!(forward_target("http://h/w", &bare), "http://h/w");
    }
}
