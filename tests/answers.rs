//! Endpoint answers handled as the WhatsApp client handles them, through the real `flowsim
//! test` binary and a test endpoint written here: a real HTTP server on 127.0.0.1 with real
//! encryption that answers like Meta's loan and insurance examples (a refresh carries only
//! the fields that changed; an INIT answer leaves a declared field out). Some flow tokens make
//! it answer wrongly on purpose, one mistake each. The scenarios are in
//! `tests/fixtures/answers/`.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use assert_cmd::cargo::cargo_bin_cmd;
use axum::Router;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use flowsim_endpoint::{crypto, keys};
use rsa::RsaPrivateKey;
use serde_json::{Value, json};

const APP_SECRET: &str = "answers-test-app-secret";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn fixture(name: &str) -> PathBuf {
    root().join("tests/fixtures/answers").join(name)
}

fn public_key_path() -> PathBuf {
    root().join("tests/fixtures/keys/public.pem")
}

fn private_key() -> &'static RsaPrivateKey {
    static KEY: OnceLock<RsaPrivateKey> = OnceLock::new();
    KEY.get_or_init(|| {
        let pem = std::fs::read_to_string(root().join("tests/fixtures/keys/private.pem")).unwrap();
        keys::private_key_from_pem(&pem, None).unwrap()
    })
}

/// The test endpoint, served by a runtime of its own while the test runs the binary.
struct Endpoint {
    url: String,
    /// Every decrypted request, in order.
    seen: Arc<Mutex<Vec<Value>>>,
    _runtime: tokio::runtime::Runtime,
}

impl Endpoint {
    fn start() -> Endpoint {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::clone(&seen);
        let router = Router::new().route(
            "/",
            post(move |body: String| {
                let log = Arc::clone(&log);
                async move { handle(&body, &log) }
            }),
        );
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .unwrap();
        let url = format!("http://{}/", listener.local_addr().unwrap());
        runtime.spawn(async move { axum::serve(listener, router).await });
        Endpoint {
            url,
            seen,
            _runtime: runtime,
        }
    }

    /// `flowsim test --format json` on scenarios against this endpoint: exit code and one
    /// report per test.
    fn test(&self, scenario: &str, extra: &[&str]) -> (i32, Vec<Value>) {
        let output = cargo_bin_cmd!("flowsim")
            .args(["test", "--format", "json", "--endpoint", &self.url])
            .arg("--public-key")
            .arg(public_key_path())
            .args(extra)
            .arg(fixture(scenario))
            .timeout(std::time::Duration::from_secs(60))
            .output()
            .unwrap();
        let stdout = String::from_utf8(output.stdout).unwrap();
        let reports = stdout
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
            .collect();
        (output.status.code().unwrap_or(-1), reports)
    }

    fn requests(&self) -> Vec<Value> {
        self.seen.lock().unwrap().clone()
    }
}

fn handle(body: &str, log: &Mutex<Vec<Value>>) -> Response {
    let Ok(opened) = crypto::open_request(private_key(), body) else {
        return StatusCode::from_u16(421).unwrap().into_response();
    };
    let request: Value = serde_json::from_slice(&opened.plaintext).unwrap();
    log.lock().unwrap().push(request.clone());
    match answer(&request) {
        Some(answer) => {
            crypto::seal_response(&opened.key, &opened.iv, answer.to_string().as_bytes())
                .into_response()
        }
        None => (StatusCode::INTERNAL_SERVER_ERROR, "unhandled request").into_response(),
    }
}

/// What a monthly instalment is, as Meta's loan example tabulates it.
fn emi(amount: &str, tenure: &str) -> &'static str {
    match (amount, tenure) {
        ("amount1", "months12") => "₹ 63,000",
        ("amount1", "months24") => "₹ 33,000",
        ("amount1", "months36") => "₹ 23,000",
        ("amount1", "months48") => "₹ 18,000",
        ("amount2", "months12") => "₹ 28,000",
        ("amount2", "months24") => "₹ 14,600",
        ("amount2", "months36") => "₹ 10,000",
        _ => "₹ 8,000",
    }
}

fn options(pairs: &[(&str, &str)]) -> Value {
    pairs
        .iter()
        .map(|(id, title)| json!({ "id": id, "title": title }))
        .collect()
}

/// The endpoint's logic. The flow token chooses a mistake: `missing` leaves `fee` out of the
/// first answer, `bad-type` sends a number for a string, `bad-route` answers with a screen the
/// routing model does not allow, `no-token` completes without `flow_token`.
fn answer(request: &Value) -> Option<Value> {
    let data = &request["data"];
    let token = request["flow_token"].as_str().unwrap_or_default();
    let text = |key: &str| data[key].as_str().unwrap_or_default().to_string();
    if data.get("error").is_some() {
        return Some(json!({ "data": { "acknowledged": true } }));
    }
    let action = request["action"].as_str()?;
    let screen = request["screen"].as_str()?;
    Some(match (action, screen) {
        ("INIT", _) if token.starts_with("cover") => json!({ "screen": "APPLICANTS", "data": {
            // Like Meta's insurance example, the count options are left out at first.
            "cover": options(&[("myself", "Just myself"), ("my_family", "My family")]),
            "add_additional": false } }),
        ("INIT", _) => {
            let mut data = json!({
                "amounts": options(&[("amount1", "₹ 7,20,000"), ("amount2", "₹ 3,20,000")]),
                "tenures": options(&[("months12", "12 months"), ("months24", "24 months"),
                                     ("months36", "36 months"), ("months48", "48 months")]),
                "selected_amount": "amount1", "selected_tenure": "months48",
                "emi": "₹ 18,000", "rate": "9% pa", "fee": "₹ 500" });
            if token == "missing" {
                data.as_object_mut()?.remove("fee");
            }
            json!({ "screen": "LOAN", "data": data })
        }
        ("data_exchange", "LOAN") if data.get("emi").is_some() && token == "bad-route" => {
            json!({ "screen": "SUMMARY", "data": { "summary": "skipped ahead" } })
        }
        ("data_exchange", "LOAN") if data.get("emi").is_some() => {
            let title = |list: &[(&str, &str)], id: String| {
                list.iter()
                    .find(|(i, _)| *i == id)
                    .map(|(_, t)| t.to_string())
            };
            json!({ "screen": "DETAILS", "data": {
                "amount": title(&[("amount1", "₹ 7,20,000"), ("amount2", "₹ 3,20,000")], text("amount")),
                "tenure": title(&[("months12", "12 months"), ("months24", "24 months"),
                                  ("months36", "36 months"), ("months48", "48 months")], text("tenure")),
                "emi": text("emi"), "is_upi": false, "is_account": false } })
        }
        // A refresh, as Meta's loan example answers it: the new quote and nothing else.
        ("data_exchange", "LOAN") => {
            let emi = emi(&text("amount"), &text("tenure"));
            let emi = if token == "bad-type" {
                json!(18000)
            } else {
                json!(emi)
            };
            json!({ "screen": "LOAN", "data": {
                "selected_amount": text("amount"), "selected_tenure": text("tenure"), "emi": emi } })
        }
        ("data_exchange", "DETAILS") if data.get("payment_mode").is_some() => {
            json!({ "screen": "DETAILS", "data": {
                "is_upi": text("payment_mode") == "UPI", "is_account": text("payment_mode") == "Bank" } })
        }
        ("data_exchange", "DETAILS") => {
            let to = if data.get("upi_id").is_some() {
                format!("UPI {}", text("upi_id"))
            } else {
                let account = text("account_number");
                format!(
                    "account xxxx{}",
                    &account[account.len().saturating_sub(4)..]
                )
            };
            json!({ "screen": "SUMMARY", "data": { "summary": format!(
                "{} over {}, EMI {}, to {to}", text("amount"), text("tenure"), text("emi")) } })
        }
        // Back from the summary: a fresh quote for the screen returned to, nothing else.
        ("BACK", "SUMMARY") => json!({ "screen": "DETAILS", "data": { "emi": "₹ 61,500" } }),
        ("data_exchange", "SUMMARY") => {
            let mut params = json!({ "flow_token": token, "quote_id": "Q-1001" });
            if token == "no-token" {
                params.as_object_mut()?.remove("flow_token");
            }
            json!({ "screen": "SUCCESS", "data": { "extension_message_response": { "params": params } } })
        }
        ("data_exchange", "APPLICANTS") if data.get("cover_for_additional").is_some() => {
            let more = text("cover_for_additional") != "myself";
            let mut data = json!({ "add_additional": more });
            if more {
                data["additional_applicants_count"] =
                    options(&[("1", "1"), ("2", "2"), ("3", "3")]);
            }
            json!({ "screen": "APPLICANTS", "data": data })
        }
        ("data_exchange", "APPLICANTS") => {
            json!({ "screen": "COVER_LEVEL", "data": { "cover": text("cover") } })
        }
        _ => return None,
    })
}

/// The one report of a scenario file with one test.
fn only(reports: &[Value]) -> &Value {
    assert_eq!(reports.len(), 1, "{reports:#?}");
    &reports[0]
}

/// `(step, level, code)` of a report's findings.
fn findings(report: &Value) -> Vec<(u64, String, String)> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["step"].as_u64().unwrap(),
                f["level"].as_str().unwrap().to_string(),
                f["code"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn message(report: &Value, n: usize) -> String {
    report["findings"][n]["message"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn refreshes_and_back_answers_merge_into_the_screen() {
    let endpoint = Endpoint::start();
    let (code, reports) = endpoint.test("merge.test.json", &[]);
    let report = only(&reports);
    assert_eq!((code, &report["passed"]), (0, &json!(true)), "{report:#}");
    assert_eq!(findings(report), [], "{report:#}");
    let actions: Vec<String> = endpoint
        .requests()
        .iter()
        .map(|r| format!("{} {}", r["action"], r["screen"]).replace('"', ""))
        .collect();
    assert_eq!(
        actions,
        [
            "INIT ",
            "data_exchange LOAN",
            "data_exchange LOAN",
            "data_exchange DETAILS",
            "data_exchange DETAILS",
            "BACK SUMMARY",
            "data_exchange DETAILS",
            "data_exchange SUMMARY"
        ]
    );
}

#[test]
fn an_insurance_like_refresh_keeps_the_options_and_warns_about_the_missing_count() {
    let endpoint = Endpoint::start();
    let (code, reports) = endpoint.test("cover.test.json", &[]);
    let report = only(&reports);
    assert_eq!(code, 0, "{report:#}");
    // The INIT answer leaves out a declared field, as Meta's example does.
    assert_eq!(
        findings(report),
        [(0, "warning".into(), "missing-data".into())]
    );
    assert!(
        message(report, 0).contains("Screen APPLICANTS declares `additional_applicants_count`"),
        "{report:#}"
    );
}

#[test]
fn a_missing_field_is_a_warning_in_both_reports() {
    let endpoint = Endpoint::start();
    let (code, reports) = endpoint.test("missing.test.json", &[]);
    let report = only(&reports);
    assert_eq!(code, 0, "a warning does not fail the test: {report:#}");
    assert_eq!(
        findings(report),
        [(0, "warning".into(), "missing-data".into())]
    );
    assert!(
        message(report, 0).starts_with("Screen LOAN declares `fee`, but no endpoint answer"),
        "{report:#}"
    );
    // The human report shows it too, under the test that passed.
    let output = cargo_bin_cmd!("flowsim")
        .args(["test", "--color", "never", "--endpoint", &endpoint.url])
        .arg("--public-key")
        .arg(public_key_path())
        .arg(fixture("missing.test.json"))
        .output()
        .unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(
        text.contains("✓ an INIT answer without the fee")
            && text.contains("warning (start, missing-data): Screen LOAN declares `fee`"),
        "{text}"
    );
}

#[test]
fn a_type_mismatch_is_a_payload_schema_error_naming_the_field() {
    let endpoint = Endpoint::start();
    let (code, reports) = endpoint.test("type.test.json", &[]);
    let report = only(&reports);
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(
        findings(report),
        [(1, "error".into(), "payload-schema-error".into())]
    );
    assert!(
        message(report, 0)
            .contains("`emi` should be a string, but the answer has the number 18000"),
        "{report:#}"
    );
    // The client told the endpoint.
    let last = endpoint.requests().pop().unwrap();
    assert_eq!(last["data"]["error"], "payload-schema-error");
}

#[test]
fn a_disallowed_screen_is_an_invalid_screen_transition() {
    let endpoint = Endpoint::start();
    let (code, reports) = endpoint.test("route.test.json", &[]);
    let report = only(&reports);
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(
        findings(report),
        [(1, "error".into(), "invalid-screen-transition".into())]
    );
    assert!(
        message(report, 0).contains("Transition from LOAN to SUMMARY is not allowed"),
        "{report:#}"
    );
}

#[test]
fn a_completion_without_flow_token_is_a_warning() {
    let endpoint = Endpoint::start();
    let (code, reports) = endpoint.test("no_token.test.json", &[]);
    let report = only(&reports);
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(
        findings(report),
        [(6, "warning".into(), "missing-flow-token".into())]
    );
}

#[test]
fn after_a_reload_requests_carry_the_new_data_api_version_and_signature() {
    let endpoint = Endpoint::start();
    let (code, reports) = endpoint.test("reload.test.json", &["--app-secret", APP_SECRET]);
    let report = only(&reports);
    assert_eq!(code, 0, "{report:#}");
    let seen = endpoint.requests();
    assert_eq!(seen.len(), 2, "{seen:#?}");
    assert_eq!(seen[0]["version"], "3.0");
    assert!(seen[0].get("flow_token_signature").is_none());
    assert_eq!(seen[1]["version"], "4.0");
    let jwt = seen[1]["flow_token_signature"].as_str().expect("signed");
    assert_eq!(
        crypto::verify_flow_token_signature(APP_SECRET, jwt).as_deref(),
        Some("ok")
    );
    // The report never shows the signature.
    assert!(!report.to_string().contains(jwt));
}

#[test]
fn a_replay_answers_only_the_request_it_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let recording = dir.path().join("session.jsonl");
    let recording = recording.to_str().unwrap();
    let endpoint = Endpoint::start();
    let (code, _) = endpoint.test("merge.test.json", &["--record", recording]);
    assert_eq!(code, 0);

    // The same walk replays with no network.
    let replay = |scenario: &str| {
        let output = cargo_bin_cmd!("flowsim")
            .args(["test", "--color", "never", "--replay", recording])
            .arg(fixture(scenario))
            .output()
            .unwrap();
        (
            output.status.code(),
            String::from_utf8(output.stdout).unwrap(),
        )
    };
    let (code, text) = replay("merge.test.json");
    assert_eq!(code, Some(0), "{text}");

    // Another tenure: the recorded answer was for another request, so the step fails and
    // says which field differs.
    let (code, text) = replay("replay_other.test.json");
    assert_eq!(code, Some(1), "{text}");
    assert!(
        text.contains("step 2: the recording answered a different request")
            && text.contains(r#"data.tenure: sent "months24", recorded "months12""#),
        "{text}"
    );
    assert!(text.contains("expected: the recorded request"), "{text}");
}
