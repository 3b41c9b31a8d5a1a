//! Webhooks over real HTTP: `flowsim webhook send`, `verify`, `check` and `listen`, run as the
//! binary, against receivers written here on 127.0.0.1. One receiver does everything right;
//! the others each get one thing wrong (forged signatures accepted, batches break it, it is
//! slow, it hashes a re-serialised body, duplicates fail, the handshake is mishandled). The
//! receivers verify signatures with their own HMAC over the bytes received, not flowsim's.
//! Every shape sent is compared with the examples of flows-api.md §6 and flow-json.md §7.2.
//! Every wait is bounded, so no test can hang.

use std::future::Future;
use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};
use std::sync::mpsc::{Receiver as LineReceiver, channel};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;
use tokio::net::TcpListener;

const BIN: &str = env!("CARGO_BIN_EXE_flowsim");
const APP_SECRET: &str = "webhook-app-secret-4f1c9e";
const VERIFY_TOKEN: &str = "verify-token-77aa21";

// ---------------------------------------------------------------------------------------------
// Helpers

async fn within<F: Future>(future: F) -> F::Output {
    tokio::time::timeout(Duration::from_secs(30), future)
        .await
        .expect("the test took longer than 30 s")
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    fn all(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }
}

/// Runs `flowsim ARGS` (with neither secret in its environment), off the async threads.
async fn flowsim(args: &[&str]) -> Run {
    let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    within(tokio::task::spawn_blocking(move || {
        let out = assert_cmd::Command::new(BIN)
            .args(&args)
            .env_remove("FLOWSIM_APP_SECRET")
            .env_remove("FLOWSIM_VERIFY_TOKEN")
            .timeout(Duration::from_secs(25))
            .output()
            .expect("flowsim runs");
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }))
    .await
    .unwrap()
}

/// `sha256=` and the lowercase hex HMAC-SHA256 of `body`: computed here, independently.
fn hmac_header(secret: &str, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(body);
    let hex: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("sha256={hex}")
}

/// Where the first message's `response_json` string is in a notification.
const RESPONSE_JSON: &str =
    "/entry/0/changes/0/value/messages/0/interactive/nfm_reply/response_json";

/// The first message's `response_json`, decoded from the string Meta sends it as.
fn response_json(notification: &Value) -> Value {
    let text = notification
        .pointer(RESPONSE_JSON)
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("no response_json string in {notification}"));
    serde_json::from_str(text).unwrap()
}

fn no_secret_in(text: &str) {
    assert!(!text.contains(APP_SECRET), "the app secret leaked:\n{text}");
    assert!(
        !text.contains(VERIFY_TOKEN),
        "the verify token leaked:\n{text}"
    );
}

// ---------------------------------------------------------------------------------------------
// Receivers

/// What a receiver gets wrong.
#[derive(Clone, Copy, PartialEq)]
enum Flaw {
    None,
    /// Takes any notification, signed or not.
    AcceptsForged,
    /// Reads `entry[0].changes[0]` only and fails when there is more.
    BreaksOnBatch,
    /// Answers after this long.
    Slow(Duration),
    /// Hashes `serde_json::to_vec` of the parsed body instead of the bytes received.
    HashesReserialised,
    /// Answers 409 to a message id it has seen.
    FailsOnDuplicate,
    /// Answers the handshake whatever the token.
    AnyToken,
    /// Answers the handshake with JSON instead of the bare challenge.
    JsonChallenge,
}

/// One request a receiver got.
#[derive(Clone, Debug)]
struct Got {
    method: Method,
    headers: HeaderMap,
    body: Bytes,
    /// The status answered.
    status: u16,
}

struct Receiver {
    url: String,
    got: Arc<Mutex<Vec<Got>>>,
}

impl Receiver {
    async fn start(flaw: Flaw) -> Receiver {
        let listener = within(TcpListener::bind("127.0.0.1:0")).await.unwrap();
        let url = format!("http://{}/webhook", listener.local_addr().unwrap());
        let got = Arc::new(Mutex::new(Vec::new()));
        let state = (
            flaw,
            Arc::clone(&got),
            Arc::new(Mutex::new(Vec::<String>::new())),
        );
        let app = Router::new().fallback(receive).with_state(state);
        tokio::spawn(async move { axum::serve(listener, app).await });
        Receiver { url, got }
    }

    fn posts(&self) -> Vec<Got> {
        self.got
            .lock()
            .unwrap()
            .iter()
            .filter(|g| g.method == Method::POST)
            .cloned()
            .collect()
    }

    /// The one notification posted, after checking its signature independently.
    fn only_notification(&self) -> Value {
        let posts = self.posts();
        assert_eq!(posts.len(), 1, "one POST expected");
        let p = &posts[0];
        assert_eq!(
            p.headers["x-hub-signature-256"].to_str().unwrap(),
            hmac_header(APP_SECRET, &p.body),
            "X-Hub-Signature-256 is the HMAC of the bytes received"
        );
        assert_eq!(p.headers["content-type"], "application/json");
        assert!(p.body.is_ascii(), "Meta's bodies are ASCII");
        serde_json::from_slice(&p.body).unwrap()
    }
}

type ReceiverState = (Flaw, Arc<Mutex<Vec<Got>>>, Arc<Mutex<Vec<String>>>);

async fn receive(
    State((flaw, got, seen)): State<ReceiverState>,
    method: Method,
    Query(query): Query<std::collections::HashMap<String, String>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let (status, answer) = if method == Method::GET {
        handshake(flaw, &query)
    } else {
        notification(flaw, &headers, &body, &seen).await
    };
    got.lock().unwrap().push(Got {
        method,
        headers,
        body,
        status: status.as_u16(),
    });
    (status, answer).into_response()
}

fn handshake(flaw: Flaw, q: &std::collections::HashMap<String, String>) -> (StatusCode, String) {
    let challenge = q.get("hub.challenge").cloned().unwrap_or_default();
    let right = q.get("hub.mode").map(String::as_str) == Some("subscribe")
        && q.get("hub.verify_token").map(String::as_str) == Some(VERIFY_TOKEN);
    match flaw {
        Flaw::AnyToken => (StatusCode::OK, challenge),
        Flaw::JsonChallenge if right => (
            StatusCode::OK,
            json!({ "hub.challenge": challenge }).to_string(),
        ),
        _ if right => (StatusCode::OK, challenge),
        _ => (StatusCode::FORBIDDEN, "forbidden".into()),
    }
}

async fn notification(
    flaw: Flaw,
    headers: &HeaderMap,
    body: &[u8],
    seen: &Mutex<Vec<String>>,
) -> (StatusCode, String) {
    if let Flaw::Slow(d) = flaw {
        tokio::time::sleep(d).await;
    }
    let Ok(parsed) = serde_json::from_slice::<Value>(body) else {
        return (StatusCode::BAD_REQUEST, "not JSON".into());
    };
    let given = headers
        .get("x-hub-signature-256")
        .and_then(|v| v.to_str().ok());
    let hashed = match flaw {
        Flaw::HashesReserialised => serde_json::to_vec(&parsed).unwrap(),
        _ => body.to_vec(),
    };
    if flaw != Flaw::AcceptsForged && given != Some(hmac_header(APP_SECRET, &hashed).as_str()) {
        return (StatusCode::FORBIDDEN, "bad signature".into());
    }
    let entries = parsed["entry"].as_array().cloned().unwrap_or_default();
    if flaw == Flaw::BreaksOnBatch
        && (entries.len() != 1 || entries[0]["changes"].as_array().map_or(0, Vec::len) != 1)
    {
        return (StatusCode::INTERNAL_SERVER_ERROR, "unexpected batch".into());
    }
    for e in &entries {
        for c in e["changes"].as_array().into_iter().flatten() {
            for m in c["value"]["messages"].as_array().into_iter().flatten() {
                let id = m["id"].as_str().unwrap_or_default().to_string();
                let mut seen = seen.lock().unwrap();
                if seen.contains(&id) && flaw == Flaw::FailsOnDuplicate {
                    return (StatusCode::CONFLICT, "duplicate key".into());
                }
                seen.push(id);
            }
        }
    }
    (StatusCode::OK, "EVENT_RECEIVED".into())
}

// ---------------------------------------------------------------------------------------------
// Shapes: the examples of flows-api.md §6 and flow-json.md §7.2, as written there

const COMPLETION: &str = r#"{
  "object": "whatsapp_business_account",
  "entry": [{ "id": "<WABA_ID>", "changes": [{ "field": "messages", "value": {
    "messaging_product": "whatsapp",
    "metadata": { "display_phone_number": "<BUSINESS_NUMBER>", "phone_number_id": "<PHONE_ID>" },
    "contacts": [ { "profile": { "name": "<USER_NAME>" }, "wa_id": "<USER_WA_ID>" } ],
    "messages": [{
      "context": { "from": "<BUSINESS_NUMBER>", "id": "<ID_OF_THE_FLOW_MESSAGE>" },
      "from": "<USER_WA_ID>", "id": "<MESSAGE_ID>", "timestamp": "<UNIX_SECONDS>", "type": "interactive",
      "interactive": { "type": "nfm_reply", "nfm_reply": { "name": "flow", "body": "Sent",
        "response_json": "{\"flow_token\":\"<TOKEN>\",\"size\":\"M\",\"agree\":true}" } } }] } }] }]
}"#;

const STATUS_CHANGE: &str = r#"{ "entry": [ { "id": "644600416743275", "time": 1684969340, "changes": [ { "field": "flows", "value": {
    "event": "FLOW_STATUS_CHANGE", "flow_id": "6627390910605886", "message": "Flow Webhook 3 changed status from DRAFT to PUBLISHED",
    "old_status": "DRAFT", "new_status": "PUBLISHED" } } ] } ], "object": "whatsapp_business_account" }"#;

const CREATED: &str = r#"{"event":"FLOW_STATUS_CHANGE","message":"Flow Webhook 3 has been created with DRAFT status","flow_id":"6627390910605886","new_status":"DRAFT"}"#;
const CLIENT_ERROR_RATE: &str = r#"{"event":"CLIENT_ERROR_RATE","flow_id":"691244242662581","message":"The flow client request error rate has reached the 5% threshold in the last 60 minutes. ...","error_rate":14.28,"threshold":10,"alert_state":"ACTIVATED","errors":[{"error_type":"INVALID_SCREEN_TRANSITION","error_rate":66.66,"error_count":2},{"error_type":"PUBLIC_KEY_MISSING","error_rate":33.33,"error_count":1}]}"#;
const ENDPOINT_ERROR_RATE: &str = r#"{"event":"ENDPOINT_ERROR_RATE","flow_id":"691244242662581","message":"The flow endpoint request error rate has reached the 10% threshold in the last 30 minutes. ...","error_rate":14.28,"threshold":10,"alert_state":"ACTIVATED","errors":[{"error_type":"CAPABILITY_ERROR","error_rate":66.66,"error_count":2},{"error_type":"TIMEOUT","error_rate":33.33,"error_count":1}]}"#;
const ENDPOINT_LATENCY: &str = r#"{"event":"ENDPOINT_LATENCY","flow_id":"691244242662581","message":"Flow endpoint latency has reached the p90 threshold in the last 30 minutes. ...","p90_latency":8000,"p50_latency":500,"requests_count":34,"threshold":7000,"alert_state":"ACTIVATED"}"#;
const ENDPOINT_AVAILABILITY: &str = r#"{"event":"ENDPOINT_AVAILABILITY","flow_id":"12345678","message":"The flow endpoint availability has breached the 90% threshold in the last 10 minutes. ...","alert_state":"ACTIVATED","availability":75,"threshold":90}"#;
const VERSION_EXPIRY: &str = r#"{"event":"FLOW_VERSION_EXPIRY_WARNING","flow_id":"6627390910605886","warning":"Your current Flow version will freeze in 21 days. ... https://developers.facebook.com/docs/whatsapp/flows/changelogs#currently-supported-versions"}"#;

const MESSAGE_STATUS: &str = r#"{ "object": "whatsapp_business_account", "entry": [ { "id": "<WABA-ID>", "changes": [ { "field": "messages",
  "value": { "messaging_product": "whatsapp",
             "metadata": { "display_phone_number": "16505553333", "phone_number_id": "27681414235104944" },
             "statuses": [ { "id": "wamid.HBgL...", "status": "sent", "timestamp": "1603086313", "recipient_id": "16315551234" } ] } } ] } ] }"#;

/// A `flows` envelope around one of the digest's `value` examples.
fn flows_envelope(value: &str) -> Value {
    let mut v: Value = serde_json::from_str(STATUS_CHANGE).unwrap();
    v["entry"][0]["changes"][0]["value"] = serde_json::from_str(value).unwrap();
    v
}

/// Where `actual` differs in shape from `expected`: missing or extra keys, other JSON types.
fn shape_differences(actual: &Value, expected: &Value, at: &str, out: &mut Vec<String>) {
    match (actual, expected) {
        (Value::Object(a), Value::Object(e)) => {
            for k in e.keys().filter(|k| !a.contains_key(*k)) {
                out.push(format!("{at}.{k}: missing"));
            }
            for k in a.keys().filter(|k| !e.contains_key(*k)) {
                out.push(format!("{at}.{k}: not in Meta's example"));
            }
            for (k, v) in a {
                if let Some(ev) = e.get(k) {
                    shape_differences(v, ev, &format!("{at}.{k}"), out);
                }
            }
        }
        (Value::Array(a), Value::Array(e)) => {
            if let Some(first) = e.first() {
                assert!(!a.is_empty(), "{at}: empty where Meta's example has items");
                for (i, item) in a.iter().enumerate() {
                    shape_differences(item, first, &format!("{at}[{i}]"), out);
                }
            }
        }
        (a, e) => {
            let kind = |v: &Value| match v {
                Value::Null => "null",
                Value::Bool(_) => "bool",
                Value::Number(_) => "number",
                Value::String(_) => "string",
                Value::Array(_) => "array",
                Value::Object(_) => "object",
            };
            if kind(a) != kind(e) {
                out.push(format!("{at}: a {} where Meta has a {}", kind(a), kind(e)));
            }
        }
    }
}

fn assert_shape(actual: &Value, expected: &Value, what: &str) {
    let mut diffs = Vec::new();
    shape_differences(actual, expected, "", &mut diffs);
    assert!(
        diffs.is_empty(),
        "{what} differs from Meta's example:\n{diffs:#?}\n{actual:#}"
    );
}

// ---------------------------------------------------------------------------------------------
// send

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_send_event_has_the_shape_of_metas_examples_and_a_valid_signature() {
    let failed_status = {
        let mut v: Value = serde_json::from_str(MESSAGE_STATUS).unwrap();
        v["entry"][0]["changes"][0]["value"]["statuses"][0]["errors"] = json!([{
            "code": 131026, "title": "", "message": "", "error_data": { "details": "" }, "href": ""
        }]);
        v
    };
    let cases: Vec<(&[&str], Value)> = vec![
        (
            &["--event", "completion"],
            serde_json::from_str(COMPLETION).unwrap(),
        ),
        (
            &["--event", "status-change"],
            serde_json::from_str(STATUS_CHANGE).unwrap(),
        ),
        (
            &["--event", "status-change", "--created", "--to", "draft"],
            flows_envelope(CREATED),
        ),
        (
            &["--event", "client-error-rate"],
            flows_envelope(CLIENT_ERROR_RATE),
        ),
        (
            &["--event", "endpoint-error-rate"],
            flows_envelope(ENDPOINT_ERROR_RATE),
        ),
        (
            &["--event", "endpoint-latency"],
            flows_envelope(ENDPOINT_LATENCY),
        ),
        (
            &["--event", "endpoint-availability"],
            flows_envelope(ENDPOINT_AVAILABILITY),
        ),
        (
            &["--event", "version-expiry"],
            flows_envelope(VERSION_EXPIRY),
        ),
        (
            &["--event", "message-status"],
            serde_json::from_str(MESSAGE_STATUS).unwrap(),
        ),
        (
            &["--event", "message-status", "--status", "failed"],
            failed_status,
        ),
    ];
    for (args, expected) in cases {
        let r = Receiver::start(Flaw::None).await;
        let mut all = vec!["webhook", "send", &r.url, "--app-secret", APP_SECRET];
        all.extend_from_slice(args);
        let run = flowsim(&all).await;
        assert_eq!(run.code, 0, "{args:?}: {}", run.all());
        assert!(run.stdout.contains("answered 200"), "{}", run.stdout);
        no_secret_in(&run.all());
        let got = r.only_notification();
        assert_shape(&got, &expected, &format!("{args:?}"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn send_options_reach_the_notification() {
    let r = Receiver::start(Flaw::None).await;
    let run = flowsim(&[
        "webhook",
        "send",
        &r.url,
        "--app-secret",
        APP_SECRET,
        "--event",
        "status-change",
        "--from",
        "published",
        "--to",
        "throttled",
        "--name",
        "Loans",
        "--flow-id",
        "42",
    ])
    .await;
    assert_eq!(run.code, 0, "{}", run.all());
    let v = r.only_notification();
    let value = &v["entry"][0]["changes"][0]["value"];
    assert_eq!(
        value["message"],
        "Flow Loans changed status from PUBLISHED to THROTTLED"
    );
    assert_eq!(
        (value["old_status"].as_str(), value["flow_id"].as_str()),
        (Some("PUBLISHED"), Some("42"))
    );

    let r = Receiver::start(Flaw::None).await;
    let run = flowsim(&[
        "webhook",
        "send",
        &r.url,
        "--app-secret",
        APP_SECRET,
        "--event",
        "endpoint-error-rate",
        "--state",
        "deactivated",
        "--error-rate",
        "3",
        "--error",
        "TIMEOUT:100:4",
    ])
    .await;
    assert_eq!(run.code, 0, "{}", run.all());
    let v = r.only_notification();
    let value = &v["entry"][0]["changes"][0]["value"];
    assert_eq!(value["alert_state"], "DEACTIVATED");
    assert_eq!(value["error_rate"], json!(3));
    assert_eq!(
        value["errors"],
        json!([{ "error_type": "TIMEOUT", "error_rate": 100, "error_count": 4 }])
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn non_ascii_is_escaped_as_meta_does_and_signed_over_the_exact_bytes() {
    let r = Receiver::start(Flaw::None).await;
    let run = flowsim(&[
        "webhook",
        "send",
        &r.url,
        "--app-secret",
        APP_SECRET,
        "--event",
        "completion",
        "--payload",
        r#"{"name": "Zoë", "party": "🎉", "site": "a/b"}"#,
        "--flow-token",
        "t-7",
    ])
    .await;
    assert_eq!(run.code, 0, "{}", run.all());
    let v = r.only_notification();
    let body = String::from_utf8(r.posts()[0].body.to_vec()).unwrap();
    assert!(body.contains(r#"Zo\u00eb"#), "{body}");
    assert!(body.contains(r#"\ud83c\udf89"#), "{body}");
    assert!(body.contains(r#"a\/b"#), "{body}");
    let response = response_json(&v);
    assert_eq!(
        response,
        json!({ "flow_token": "t-7", "name": "Zoë", "party": "🎉", "site": "a/b" })
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_completion_comes_from_a_flow_run_with_form_values_or_from_a_recording() {
    let r = Receiver::start(Flaw::None).await;
    let run = flowsim(&[
        "webhook",
        "send",
        &r.url,
        "--app-secret",
        APP_SECRET,
        "--event",
        "completion",
        "--flow",
        "sample-flows/welcome.json",
        "--form",
        r#"{"name": "Grace", "role": "designer"}"#,
    ])
    .await;
    assert_eq!(run.code, 0, "{}", run.all());
    let v = r.only_notification();
    let response = response_json(&v);
    // The flow's `complete` payload, with the given values and examples for the rest.
    assert_eq!(response["flow_token"], "flowsim");
    assert_eq!(response["name"], "Grace");
    assert_eq!(response["role"], "designer");
    assert!(
        response["features"]
            .as_array()
            .is_some_and(|a| !a.is_empty()),
        "{response}"
    );

    let dir = tempfile::tempdir().unwrap();
    let recording = dir.path().join("session.jsonl");
    let lines = [
        json!({ "time": 1.0, "action": "INIT", "screen": "", "request": {}, "status": 200,
                "response": { "screen": "LOAN", "data": {} }, "error": null, "latency_ms": 3 }),
        json!({ "time": 2.0, "action": "data_exchange", "screen": "SUMMARY", "request": {},
                "status": 200, "response": { "screen": "SUCCESS", "data": {
                    "extension_message_response": { "params": { "flow_token": "t-9", "loan": "approved" } } } },
                "error": null, "latency_ms": 4 }),
    ];
    std::fs::write(
        &recording,
        lines
            .iter()
            .map(Value::to_string)
            .collect::<Vec<_>>()
            .join("\n"),
    )
    .unwrap();
    let r = Receiver::start(Flaw::None).await;
    let run = flowsim(&[
        "webhook",
        "send",
        &r.url,
        "--app-secret",
        APP_SECRET,
        "--event",
        "completion",
        "--recording",
        recording.to_str().unwrap(),
    ])
    .await;
    assert_eq!(run.code, 0, "{}", run.all());
    let v = r.only_notification();
    assert_eq!(
        v.pointer(RESPONSE_JSON),
        Some(&json!(r#"{"flow_token":"t-9","loan":"approved"}"#))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_completion_input_is_a_usage_error_with_the_reason() {
    let r = Receiver::start(Flaw::None).await;
    for (args, says) in [
        (
            vec![
                "--flow",
                "sample-flows/welcome.json",
                "--form",
                r#"{"nmae": "Grace"}"#,
            ],
            "`nmae`",
        ),
        (
            vec![
                "--flow",
                "sample-flows/welcome.json",
                "--form",
                r#"{"role": "astronaut"}"#,
            ],
            "no option `astronaut`",
        ),
        (
            vec!["--flow", "sample-flows/loan_application.json"],
            "--recording",
        ),
        (vec!["--payload", "[1]"], "--payload must be a JSON object"),
        (vec!["--recording", "Cargo.toml"], "not a flowsim recording"),
    ] {
        let mut all = vec!["webhook", "send", &r.url, "--event", "completion"];
        all.extend(args);
        let run = flowsim(&all).await;
        assert_eq!(run.code, 2, "{all:?}: {}", run.all());
        assert!(run.stderr.contains(says), "{all:?}: {}", run.stderr);
    }
    assert!(r.posts().is_empty(), "nothing is sent on a usage error");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_or_unreachable_receiver_is_reported_with_the_likely_cause() {
    let r = Receiver::start(Flaw::None).await;
    // Unsigned: the receiver refuses, and flowsim says no secret was given.
    let run = flowsim(&["webhook", "send", &r.url, "--event", "completion"]).await;
    assert_eq!(run.code, 1, "{}", run.all());
    assert!(
        run.stdout.contains("403") && run.stdout.contains("no --app-secret"),
        "{}",
        run.stdout
    );
    // Another secret: flowsim points at the secret.
    let run = flowsim(&[
        "webhook",
        "send",
        &r.url,
        "--app-secret",
        "other",
        "--event",
        "completion",
    ])
    .await;
    assert_eq!(run.code, 1);
    assert!(
        run.stdout
            .contains("--app-secret (FLOWSIM_APP_SECRET) the secret"),
        "{}",
        run.stdout
    );
    // Nobody listening.
    let closed = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/webhook", closed.local_addr().unwrap());
    drop(closed);
    let run = flowsim(&["webhook", "send", &url, "--event", "version-expiry"]).await;
    assert_eq!(run.code, 1);
    assert!(run.stdout.contains("connection refused"), "{}", run.stdout);
    // A slow receiver, past the timeout.
    let slow = Receiver::start(Flaw::Slow(Duration::from_secs(3))).await;
    let run = flowsim(&[
        "webhook",
        "send",
        &slow.url,
        "--app-secret",
        APP_SECRET,
        "--event",
        "completion",
        "--timeout",
        "1",
    ])
    .await;
    assert_eq!(run.code, 1);
    assert!(
        run.stdout.contains("no answer") && run.stdout.contains("sends it again"),
        "{}",
        run.stdout
    );
    // Not a URL.
    let run = flowsim(&[
        "webhook",
        "send",
        "example.com/hook",
        "--event",
        "completion",
    ])
    .await;
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("is not a URL"), "{}", run.stderr);
}

// ---------------------------------------------------------------------------------------------
// check

/// `flowsim webhook check` against a receiver: the exit code and the lines of failed checks.
async fn check(flaw: Flaw, extra: &[&str]) -> (i32, Vec<String>, Run) {
    let r = Receiver::start(flaw).await;
    let mut args = vec![
        "webhook",
        "check",
        &r.url,
        "--app-secret",
        APP_SECRET,
        "--color",
        "never",
    ];
    args.extend_from_slice(extra);
    let run = flowsim(&args).await;
    no_secret_in(&run.all());
    let failed = run
        .stdout
        .lines()
        .filter(|l| l.trim_start().starts_with('✗'))
        .map(str::to_string)
        .collect();
    (run.code, failed, run)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn check_passes_a_correct_receiver() {
    let (code, failed, run) = check(Flaw::None, &[]).await;
    assert_eq!((code, failed.len()), (0, 0), "{}", run.stdout);
    assert_eq!(run.stdout.matches('✓').count(), 7, "{}", run.stdout);
    assert!(run.stdout.contains("7 passed, 0 findings"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn check_finds_a_receiver_that_accepts_forged_signatures() {
    let (code, failed, run) = check(Flaw::AcceptsForged, &[]).await;
    assert_eq!(code, 1);
    assert_eq!(failed.len(), 2, "{}", run.stdout);
    assert!(
        failed[0].contains("rejects a forged signature") && failed[0].contains("fake completions")
    );
    assert!(failed[1].contains("rejects an unsigned request"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn check_finds_a_receiver_that_breaks_on_batches() {
    let (code, failed, run) = check(Flaw::BreaksOnBatch, &[]).await;
    assert_eq!((code, failed.len()), (1, 1), "{}", run.stdout);
    assert!(
        failed[0].contains("accepts a batch") && failed[0].contains("loop over entry[]"),
        "{}",
        failed[0]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn check_finds_a_slow_receiver() {
    let (code, failed, run) =
        check(Flaw::Slow(Duration::from_millis(300)), &["--slow", "0.1"]).await;
    assert_eq!((code, failed.len()), (1, 1), "{}", run.stdout);
    assert!(
        failed[0].contains("answers within a few seconds")
            && failed[0].contains("in the background"),
        "{}",
        failed[0]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn check_finds_a_receiver_that_hashes_a_reserialised_body() {
    let (code, failed, run) = check(Flaw::HashesReserialised, &[]).await;
    assert_eq!((code, failed.len()), (1, 1), "{}", run.stdout);
    assert!(
        failed[0].contains("non-ASCII") && failed[0].contains("raw body bytes"),
        "{}",
        failed[0]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn check_finds_a_receiver_that_fails_on_a_duplicate_delivery() {
    let (code, failed, run) = check(Flaw::FailsOnDuplicate, &[]).await;
    assert_eq!((code, failed.len()), (1, 1), "{}", run.stdout);
    assert!(
        failed[0].contains("duplicate") && failed[0].contains("409"),
        "{}",
        failed[0]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn check_needs_the_app_secret() {
    let r = Receiver::start(Flaw::None).await;
    let run = flowsim(&["webhook", "check", &r.url]).await;
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("--app-secret"), "{}", run.stderr);
    assert!(r.posts().is_empty());
}

// ---------------------------------------------------------------------------------------------
// verify

async fn verify(flaw: Flaw, token: &str) -> (Run, Receiver) {
    let r = Receiver::start(flaw).await;
    let run = flowsim(&[
        "webhook",
        "verify",
        &r.url,
        "--verify-token",
        token,
        "--color",
        "never",
    ])
    .await;
    no_secret_in(&run.all());
    (run, r)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verify_performs_metas_handshake() {
    let (run, r) = verify(Flaw::None, VERIFY_TOKEN).await;
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(run.stdout.contains("2 passed, 0 findings"));
    let got = r.got.lock().unwrap().clone();
    assert_eq!(got.len(), 2);
    assert_eq!(
        (got[0].method.clone(), got[0].status, got[1].status),
        (Method::GET, 200, 403)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verify_finds_a_receiver_that_answers_any_token() {
    let (run, _) = verify(Flaw::AnyToken, VERIFY_TOKEN).await;
    assert_eq!(run.code, 1);
    assert!(
        run.stdout.contains("✗ refuses a wrong verify token"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("any") && run.stdout.contains("subscribe"),
        "{}",
        run.stdout
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verify_finds_a_receiver_that_answers_json_instead_of_the_challenge() {
    let (run, _) = verify(Flaw::JsonChallenge, VERIFY_TOKEN).await;
    assert_eq!(run.code, 1);
    assert!(
        run.stdout.contains("✗ answers the handshake") && run.stdout.contains("bare"),
        "{}",
        run.stdout
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verify_with_the_wrong_token_says_which_token_to_check() {
    let (run, _) = verify(Flaw::None, "not-the-token").await;
    assert_eq!(run.code, 1);
    assert!(
        run.stdout.contains("403") && run.stdout.contains("--verify-token"),
        "{}",
        run.stdout
    );
}

// ---------------------------------------------------------------------------------------------
// listen

/// `flowsim webhook listen` on a free port, as a child process, with its output line by line.
struct Listener {
    child: Child,
    url: String,
    stdout: LineReceiver<String>,
}

impl Listener {
    fn start(extra: &[&str]) -> Listener {
        let mut child = std::process::Command::new(BIN)
            .args(["webhook", "listen", "--port", "0", "--color", "never"])
            .args(extra)
            .env_remove("FLOWSIM_APP_SECRET")
            .env_remove("FLOWSIM_VERIFY_TOKEN")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let (tx, stdout) = channel();
        let out = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        let (etx, stderr) = channel();
        let err = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(err).lines().map_while(Result::ok) {
                let _ = etx.send(line);
            }
        });
        let first = stderr
            .recv_timeout(Duration::from_secs(20))
            .expect("the listener says where it listens");
        no_secret_in(&first);
        let url = first
            .split_whitespace()
            .find(|w| w.starts_with("http://"))
            .unwrap_or_else(|| panic!("no URL in {first:?}"))
            .to_string();
        Listener { child, url, stdout }
    }

    /// The next line of output.
    fn line(&self) -> String {
        let line = self
            .stdout
            .recv_timeout(Duration::from_secs(20))
            .expect("the listener printed a line");
        no_secret_in(&line);
        line
    }

    /// Lines until an empty one (one request in human format).
    fn block(&self) -> String {
        let mut out = String::new();
        loop {
            let l = self.line();
            if l.is_empty() {
                return out;
            }
            out.push_str(&l);
            out.push('\n');
        }
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn listen_fed_by_send_verifies_decodes_and_refuses_forgeries() {
    let l = Listener::start(&[
        "--format",
        "json",
        "--app-secret",
        APP_SECRET,
        "--verify-token",
        VERIFY_TOKEN,
    ]);
    let url = format!("{}webhook", l.url);

    let run = flowsim(&[
        "webhook",
        "send",
        &url,
        "--app-secret",
        APP_SECRET,
        "--event",
        "completion",
        "--payload",
        r#"{"size": "M", "name": "Zoë"}"#,
        "--flow-token",
        "t-1",
    ])
    .await;
    assert_eq!(run.code, 0, "{}", run.all());
    let got: Value = serde_json::from_str(&l.line()).unwrap();
    assert_eq!(got["signature"], "valid");
    assert_eq!(
        (got["status"].as_u64(), got["kind"].as_str()),
        (Some(200), Some("notification"))
    );
    assert_eq!(got["path"], "/webhook");
    assert_eq!(
        got.pointer(&format!("/notification{RESPONSE_JSON}")),
        Some(&json!({ "flow_token": "t-1", "size": "M", "name": "Zoë" })),
        "response_json is decoded"
    );

    // Forged: signed with another secret. The listener refuses it and says so.
    let run = flowsim(&[
        "webhook",
        "send",
        &url,
        "--app-secret",
        "forger",
        "--event",
        "message-status",
    ])
    .await;
    assert_eq!(run.code, 1, "{}", run.all());
    let got: Value = serde_json::from_str(&l.line()).unwrap();
    assert_eq!(
        (got["signature"].as_str(), got["status"].as_u64()),
        (Some("mismatch"), Some(403))
    );
    assert!(
        got["notes"][0]
            .as_str()
            .unwrap()
            .contains("SIGNATURE MISMATCH"),
        "{got}"
    );

    // Unsigned.
    let run = flowsim(&["webhook", "send", &url, "--event", "version-expiry"]).await;
    assert_eq!(run.code, 1);
    let got: Value = serde_json::from_str(&l.line()).unwrap();
    assert_eq!(
        (got["signature"].as_str(), got["status"].as_u64()),
        (Some("missing"), Some(403))
    );

    // The handshake, right and wrong, through `verify`.
    let run = flowsim(&["webhook", "verify", &url, "--verify-token", VERIFY_TOKEN]).await;
    assert_eq!(run.code, 0, "{}", run.all());
    let right: Value = serde_json::from_str(&l.line()).unwrap();
    let wrong: Value = serde_json::from_str(&l.line()).unwrap();
    assert_eq!(
        (right["kind"].as_str(), right["status"].as_u64()),
        (Some("handshake"), Some(200))
    );
    assert_eq!(wrong["status"], 403);

    // And the listener passes flowsim's own check.
    let run = flowsim(&["webhook", "check", &url, "--app-secret", APP_SECRET]).await;
    assert_eq!(run.code, 0, "{}", run.all());
    let mut duplicates = 0;
    for _ in 0..7 {
        let got: Value = serde_json::from_str(&l.line()).unwrap();
        duplicates += got["duplicates"].as_array().map_or(0, Vec::len);
    }
    assert_eq!(duplicates, 1, "the duplicate delivery is noted");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn listen_prints_each_notification_for_people() {
    let l = Listener::start(&["--app-secret", APP_SECRET]);
    let run = flowsim(&[
        "webhook",
        "send",
        &l.url,
        "--app-secret",
        APP_SECRET,
        "--event",
        "completion",
        "--payload",
        r#"{"size": "M"}"#,
    ])
    .await;
    assert_eq!(run.code, 0, "{}", run.all());
    let block = l.block();
    assert!(block.contains("POST /  signature valid  → 200"), "{block}");
    assert!(
        block.contains("messages: flow completion (nfm_reply) from 16315551234"),
        "{block}"
    );
    assert!(
        block.contains(r#""response_json": {"#) && block.contains(r#""size": "M""#),
        "{block}"
    );

    let run = flowsim(&[
        "webhook",
        "send",
        &l.url,
        "--app-secret",
        "forger",
        "--event",
        "status-change",
    ])
    .await;
    assert_eq!(run.code, 1);
    let block = l.block();
    assert!(block.contains("SIGNATURE MISMATCH  → 403"), "{block}");
    assert!(
        block.contains("  SIGNATURE MISMATCH: X-Hub-Signature-256 is not the HMAC"),
        "the mismatch is explained under the header: {block}"
    );
    assert!(
        block.contains("flows: FLOW_STATUS_CHANGE for flow 6627390910605886: DRAFT → PUBLISHED"),
        "{block}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn listen_forwards_every_request_unchanged_and_relays_the_answer() {
    let r = Receiver::start(Flaw::None).await;
    let l = Listener::start(&[
        "--format",
        "json",
        "--app-secret",
        APP_SECRET,
        "--forward",
        &r.url,
    ]);

    let run = flowsim(&[
        "webhook",
        "send",
        &l.url,
        "--app-secret",
        APP_SECRET,
        "--event",
        "completion",
        "--show-body",
    ])
    .await;
    assert_eq!(run.code, 0, "{}", run.all());
    let sent = run.stdout.lines().next().unwrap().to_string();
    let got: Value = serde_json::from_str(&l.line()).unwrap();
    assert_eq!(got["forwarded"]["status"], 200, "{got}");
    let posts = r.posts();
    assert_eq!(posts.len(), 1);
    assert_eq!(posts[0].body, sent.as_bytes(), "the bytes arrive unchanged");
    assert_eq!(
        posts[0].headers["x-hub-signature-256"].to_str().unwrap(),
        hmac_header(APP_SECRET, sent.as_bytes())
    );

    // A forged one: the business's server refuses it, and that answer goes back.
    let run = flowsim(&[
        "webhook",
        "send",
        &l.url,
        "--app-secret",
        "forger",
        "--event",
        "completion",
    ])
    .await;
    assert_eq!(run.code, 1);
    assert!(run.stdout.contains("403"), "{}", run.stdout);
    let got: Value = serde_json::from_str(&l.line()).unwrap();
    assert_eq!(
        (got["signature"].as_str(), got["status"].as_u64()),
        (Some("mismatch"), Some(403))
    );

    // The handshake goes through too, and the token never shows in what is printed.
    let run = flowsim(&["webhook", "verify", &l.url, "--verify-token", VERIFY_TOKEN]).await;
    assert_eq!(run.code, 0, "{}", run.all());
    let got: Value = serde_json::from_str(&l.line()).unwrap();
    assert_eq!(
        (got["kind"].as_str(), got["forwarded"]["status"].as_u64()),
        (Some("handshake"), Some(200))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn listen_refuses_a_port_in_use_with_a_usage_error() {
    let busy = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = busy.local_addr().unwrap().port().to_string();
    let run = flowsim(&["webhook", "listen", "--port", &port]).await;
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("cannot listen") && run.stderr.contains("another --port"),
        "{}",
        run.stderr
    );
}

// ---------------------------------------------------------------------------------------------
// flowsim test --webhook

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn flowsim_test_delivers_each_completion_and_fails_a_test_the_receiver_refuses() {
    let r = Receiver::start(Flaw::None).await;
    let run = flowsim(&[
        "test",
        "sample-flows/welcome.test.json",
        "--webhook",
        &r.url,
        "--app-secret",
        APP_SECRET,
        "--color",
        "never",
    ])
    .await;
    assert_eq!(run.code, 0, "{}", run.all());
    no_secret_in(&run.all());
    let completed = run.stdout.matches("webhook: answered 200").count();
    assert!(completed > 0, "{}", run.stdout);
    let posts = r.posts();
    assert_eq!(posts.len(), completed, "one POST per completed test");
    for p in &posts {
        assert_eq!(
            p.headers["x-hub-signature-256"].to_str().unwrap(),
            hmac_header(APP_SECRET, &p.body)
        );
        let v: Value = serde_json::from_slice(&p.body).unwrap();
        assert_shape(
            &v,
            &serde_json::from_str(COMPLETION).unwrap(),
            "flowsim test's completion",
        );
    }

    // JSON lines carry the delivery.
    let run = flowsim(&[
        "test",
        "sample-flows/welcome.test.json",
        "--webhook",
        &r.url,
        "--app-secret",
        APP_SECRET,
        "--format",
        "json",
    ])
    .await;
    assert_eq!(run.code, 0, "{}", run.all());
    let lines: Vec<Value> = run
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(
        lines.iter().any(|l| l["webhook"]["status"] == 200),
        "{}",
        run.stdout
    );

    // A receiver that refuses the signature fails the tests that completed, and says why.
    let run = flowsim(&[
        "test",
        "sample-flows/welcome.test.json",
        "--webhook",
        &r.url,
        "--app-secret",
        "other",
        "--color",
        "never",
    ])
    .await;
    assert_eq!(run.code, 1, "{}", run.all());
    assert!(
        run.stdout.contains("webhook http://") && run.stdout.contains("403"),
        "{}",
        run.stdout
    );

    let run = flowsim(&[
        "test",
        "sample-flows/welcome.test.json",
        "--webhook",
        "nope",
    ])
    .await;
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("--webhook `nope` is not a URL"),
        "{}",
        run.stderr
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn completion_media_keep_metas_shape_in_the_webhook() {
    let r = Receiver::start(Flaw::None).await;
    let run = flowsim(&[
        "webhook",
        "send",
        &r.url,
        "--app-secret",
        APP_SECRET,
        "--event",
        "completion",
        "--flow",
        "sample-flows/support_ticket.json",
        "--form",
        r#"{"photo": "sample-flows/files/damaged-item.png"}"#,
    ])
    .await;
    assert_eq!(run.code, 0, "{}", run.all());
    let v = r.only_notification();
    let response = response_json(&v);
    assert_eq!(
        response["photo"],
        json!([{ "file_name": "damaged-item.png", "mime_type": "image/png",
                 "sha256": "kXklEZvIh8mF0Lva10k51XctAYcfaWcUi5sQ9e7pY/w=",
                 "id": "flowsim-0-91792511" }])
    );
    // A file the picker refuses is an error with the reason.
    let run = flowsim(&[
        "webhook",
        "send",
        &r.url,
        "--event",
        "completion",
        "--flow",
        "sample-flows/support_ticket.json",
        "--form",
        r#"{"photo": "sample-flows/files/receipt.pdf"}"#,
    ])
    .await;
    assert_eq!(run.code, 2, "{}", run.all());
    assert!(
        run.all().contains("receipt.pdf is not a photo"),
        "{}",
        run.all()
    );
}
