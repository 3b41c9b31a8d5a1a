//! The data endpoint over real HTTP: flowsim's client (and the engine through `Answerer`)
//! against the example endpoint (`crates/flowsim-endpoint/examples/endpoint/server.rs`,
//! included below so the tests run the real thing in-process) and against small servers that
//! misbehave on purpose, one failure mode each (endpoint.md §2, §3, §6, §12). Every server listens on 127.0.0.1 with a
//! free port; every await is bounded, so no test can hang.

#[path = "../crates/flowsim-endpoint/examples/endpoint/server.rs"]
mod server;

use std::convert::Infallible;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use flowsim_core::drive::{Driver, Endpoint, Exchange, Happened};
use flowsim_core::flow::model::Flow;
use flowsim_core::sim::mock::Mock;
use flowsim_core::sim::{Input, Phase, Request, Session, Start, Tap};
use flowsim_endpoint::client::{Client, Config, MAX_ANSWER_BYTES, Secret};
use flowsim_endpoint::record::{self, Recorder, Replay};
use flowsim_endpoint::{Answerer, Source, crypto, keys};
use rsa::{RsaPrivateKey, RsaPublicKey};
use serde_json::{Map, Value, json};
use server::{Handled, ServerConfig};
use tokio::io::AsyncReadExt;
use tokio::net::TcpListener;
use tokio::sync::mpsc::{UnboundedReceiver, unbounded_channel};

const APP_SECRET: &str = "a1b2c3d4e5f60718293a4b5c6d7e8f90";
const PASSPHRASE: &str = "flowsim-test";
/// Timeout for clients in tests that do not test the timeout.
const TIMEOUT: Duration = Duration::from_secs(5);
/// Timeout for clients in tests that do.
const SHORT_TIMEOUT: Duration = Duration::from_secs(1);

// ---------------------------------------------------------------------------------------------
// Helpers

/// Awaits `future`, failing the test after 15 s instead of hanging.
async fn within<F: Future>(future: F) -> F::Output {
    tokio::time::timeout(Duration::from_secs(15), future)
        .await
        .expect("the test took longer than 15 s")
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn fixture_key(name: &str) -> String {
    let path = root().join("tests/fixtures/keys").join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn private_key() -> &'static RsaPrivateKey {
    static KEY: OnceLock<RsaPrivateKey> = OnceLock::new();
    KEY.get_or_init(|| keys::private_key_from_pem(&fixture_key("private.pem"), None).unwrap())
}

fn public_key() -> RsaPublicKey {
    keys::public_key_from_pem(&fixture_key("public.pem")).unwrap()
}

fn loan_mock() -> Mock {
    let path = root().join("sample-flows/loan_application.mock.json");
    Mock::parse(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn loan_flow() -> Arc<Flow> {
    loan_flow_with_data_api("3.0")
}

/// The loan application flow, declaring this Data API version.
fn loan_flow_with_data_api(version: &str) -> Arc<Flow> {
    let text = std::fs::read_to_string(root().join("sample-flows/loan_application.json"))
        .unwrap()
        .replace(
            r#""data_api_version": "3.0""#,
            &format!(r#""data_api_version": "{version}""#),
        );
    Arc::new(Flow::from_node(
        flowsim_core::flow::json::parse(&text).unwrap(),
    ))
}

/// The example endpoint on a free port: its URL and the stream of what it handled.
struct Example {
    url: String,
    events: UnboundedReceiver<Handled>,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl Example {
    async fn start(
        private_key: Option<RsaPrivateKey>,
        app_secret: Option<&str>,
        mock: Mock,
    ) -> Example {
        let listener = within(TcpListener::bind("127.0.0.1:0")).await.unwrap();
        let url = format!("http://{}/flows/endpoint", listener.local_addr().unwrap());
        let (tx, events) = unbounded_channel();
        let config = ServerConfig {
            private_key,
            app_secret: app_secret.map(|s| Secret(s.into())),
            mock,
            events: Some(tx),
        };
        let task = tokio::spawn(server::serve(listener, config));
        Example { url, events, task }
    }

    /// Encrypted, with the fixture key and the loan application mock.
    async fn loan(app_secret: Option<&str>) -> Example {
        Example::start(Some(private_key().clone()), app_secret, loan_mock()).await
    }

    async fn next_event(&mut self) -> Handled {
        within(self.events.recv())
            .await
            .expect("the endpoint handled a request")
    }

    fn client(&self, app_secret: Option<&str>) -> Client {
        client_for(&self.url, app_secret)
    }
}

fn config(
    url: &str,
    public_key: Option<RsaPublicKey>,
    app_secret: Option<&str>,
    timeout: Duration,
) -> Config {
    Config {
        url: url.to_string(),
        public_key,
        app_secret: app_secret.map(|s| Secret(s.into())),
        timeout,
        insecure: false,
    }
}

fn client_for(url: &str, app_secret: Option<&str>) -> Client {
    Client::new(config(url, Some(public_key()), app_secret, TIMEOUT)).unwrap()
}

/// Serves `router` on a free port; returns the base URL.
async fn start(router: Router) -> String {
    let listener = within(TcpListener::bind("127.0.0.1:0")).await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await });
    url
}

/// A server whose every POST to `/` is answered by `answer(request number from 0, body)`.
/// Returns the URL and the bodies received.
async fn misbehaving<F>(answer: F) -> (String, Arc<Mutex<Vec<String>>>)
where
    F: Fn(usize, &str) -> Response + Clone + Send + Sync + 'static,
{
    let seen = Arc::new(Mutex::new(Vec::<String>::new()));
    let bodies = Arc::clone(&seen);
    let router = Router::new().route(
        "/",
        post(move |body: String| {
            let n = {
                let mut seen = bodies.lock().unwrap();
                seen.push(body.clone());
                seen.len() - 1
            };
            let answer = answer.clone();
            async move { answer(n, &body) }
        }),
    );
    (start(router).await, seen)
}

/// The endpoint's answer to a request body, encrypted as WhatsApp expects.
fn sealed(body: &str, answer: &Value) -> String {
    let opened = crypto::open_request(private_key(), body).unwrap();
    crypto::seal_response(&opened.key, &opened.iv, answer.to_string().as_bytes())
}

fn request(action: &str, screen: &str, data: Value, token: &str) -> Request {
    Request {
        action: action.into(),
        screen: screen.into(),
        data: data.as_object().cloned().unwrap_or_default(),
        flow_token: token.into(),
        version: "3.0".into(),
        sign_flow_token: false,
        notification: false,
    }
}

/// A Data API 4.0 request from a Flow JSON 7.3 flow: signed.
fn request_4(action: &str, screen: &str, data: Value, token: &str) -> Request {
    Request {
        version: "4.0".into(),
        sign_flow_token: true,
        ..request(action, screen, data, token)
    }
}

fn init_payload() -> Value {
    request("INIT", "", json!({}), "tok-1").payload()
}

/// Sends `payload` with a client of `timeout` to `url`.
async fn send(url: &str, timeout: Duration, payload: &Value) -> Exchange {
    let client = Client::new(config(url, Some(public_key()), None, timeout)).unwrap();
    within(client.send(payload)).await
}

fn error_of(x: &Exchange) -> String {
    x.error
        .clone()
        .unwrap_or_else(|| panic!("expected an error, got {x:?}"))
}

fn member(body: &str, name: &str) -> String {
    let v: Value = serde_json::from_str(body).unwrap();
    v[name].as_str().unwrap().to_string()
}

/// Runs an input through the one driver, within the test's time limit.
async fn drive(
    session: &mut Session,
    driver: &mut Driver<Answerer>,
    input: Input,
) -> Vec<Happened> {
    within(driver.run(session, input)).await
}

fn driver(source: Source) -> Driver<Answerer> {
    Driver::new(Answerer::new(source, None))
}

async fn fill(session: &mut Session, driver: &mut Driver<Answerer>, values: Value) {
    for (name, value) in values.as_object().unwrap() {
        let input = Input::Set {
            name: name.clone(),
            value: value.clone(),
        };
        drive(session, driver, input).await;
    }
}

async fn tap_footer(session: &mut Session, driver: &mut Driver<Answerer>) -> Vec<Happened> {
    let happened = drive(session, driver, Input::Tap(Tap::Footer)).await;
    assert!(
        happened.iter().any(|h| matches!(h, Happened::Exchange(_))),
        "the Footer sent no request: {:?}",
        session.events
    );
    happened
}

/// The loan application's happy path (sample-flows/loan_application.test.json), through the
/// engine: returns the completion's response.
async fn loan_happy_path(driver: &mut Driver<Answerer>, flow: Arc<Flow>) -> Map<String, Value> {
    let mut session = Session::new(flow, "loan-3f9c2a");
    drive(&mut session, driver, Input::Start(Start::DataExchange)).await;
    assert_eq!(session.current(), Some("LOAN"), "{:?}", session.events);
    fill(
        &mut session,
        driver,
        json!({ "amount": "10000", "term": "36", "purpose": "car" }),
    )
    .await;
    tap_footer(&mut session, driver).await;
    assert_eq!(session.current(), Some("OFFER"), "{:?}", session.events);
    tap_footer(&mut session, driver).await;
    assert_eq!(session.current(), Some("DETAILS"), "{:?}", session.events);
    fill(
        &mut session,
        driver,
        json!({ "full_name": "Maria Silva", "birth_date": "1990-05-17", "email": "maria.silva@example.com",
                "employment": "employed", "income": "2850", "credit_check": true }),
    )
    .await;
    tap_footer(&mut session, driver).await;
    assert_eq!(session.current(), Some("SUMMARY"), "{:?}", session.events);
    let happened = tap_footer(&mut session, driver).await;
    let Some(done) = happened.into_iter().find_map(|h| match h {
        Happened::Complete(c) => Some(c),
        _ => None,
    }) else {
        panic!("the flow did not complete: {:?}", session.events);
    };
    assert!(matches!(session.phase, Phase::Completed(_)));
    done.response
}

// ---------------------------------------------------------------------------------------------
// The fixture keys

#[test]
fn the_fixture_keys_are_one_pair() {
    let encrypted =
        keys::private_key_from_pem(&fixture_key("private-encrypted.pem"), Some(PASSPHRASE))
            .unwrap();
    assert_eq!(&encrypted, private_key());
    assert_eq!(private_key().to_public_key(), public_key());
    assert!(
        keys::private_key_from_pem(&fixture_key("private-encrypted.pem"), Some("wrong")).is_err()
    );
}

// ---------------------------------------------------------------------------------------------
// Round trips with the example endpoint

#[tokio::test]
async fn ping_is_healthy() {
    let mut example = Example::loan(None).await;
    let x = within(example.client(None).ping()).await;
    assert_eq!(x.status, Some(200), "{x:?}");
    assert_eq!(
        x.outcome().unwrap(),
        json!({ "data": { "status": "active" } })
    );
    assert_eq!(x.attempts, 1);
    let handled = example.next_event().await;
    assert_eq!(
        (handled.status, handled.action.as_deref()),
        (200, Some("ping"))
    );
}

#[tokio::test]
async fn init_then_data_exchange_through_the_answerer() {
    let mut example = Example::loan(None).await;
    let mut answerer = Answerer::new(Source::Live(example.client(None)), None);

    let (x, answer) = within(answerer.answer(&request("INIT", "", json!({}), "tok-1"))).await;
    assert_eq!(x.status, Some(200), "{x:?}");
    let answer = answer.unwrap();
    assert_eq!(answer["screen"], "LOAN");
    assert_eq!(answer["data"]["amounts"][0]["id"], "5000");
    let handled = example.next_event().await;
    assert_eq!(handled.action.as_deref(), Some("INIT"));
    assert_eq!(handled.screen.as_deref(), Some(""));
    assert_eq!(handled.request.unwrap()["flow_token"], "tok-1");

    let quote = json!({ "step": "quote", "amount": "10000", "term": "36", "purpose": "car" });
    let (_, answer) =
        within(answerer.answer(&request("data_exchange", "LOAN", quote, "tok-1"))).await;
    let answer = answer.unwrap();
    assert_eq!(answer["screen"], "OFFER");
    assert_eq!(answer["data"]["offer_id"], "OF-48213");
    let handled = example.next_event().await;
    assert_eq!(handled.response.unwrap()["screen"], "OFFER");
}

#[tokio::test]
async fn no_mock_rule_gives_a_snackbar_on_the_same_screen_with_its_data() {
    let example = Example::loan(None).await;
    let client = example.client(None);
    within(client.send(&init_payload()))
        .await
        .outcome()
        .unwrap();
    let odd = request(
        "data_exchange",
        "LOAN",
        json!({ "step": "haggle" }),
        "tok-1",
    )
    .payload();
    let answer = within(client.send(&odd)).await.outcome().unwrap();
    assert_eq!(answer["screen"], "LOAN");
    let message = answer["data"]["error_message"].as_str().unwrap();
    assert!(message.contains("no answer for data_exchange"), "{message}");
    // The screen keeps the data the endpoint gave it, so its dropdowns stay filled.
    assert_eq!(answer["data"]["terms"][0]["id"], "12", "{answer}");
}

#[tokio::test]
async fn init_with_no_mock_rule_is_a_500_that_says_why() {
    let example = Example::start(
        Some(private_key().clone()),
        None,
        Mock { responses: vec![] },
    )
    .await;
    let x = within(example.client(None).send(&init_payload())).await;
    assert_eq!(x.status, Some(500));
    let e = error_of(&x);
    assert!(
        e.contains("HTTP 500") && e.contains("no answer for INIT"),
        "{e}"
    );
}

#[tokio::test]
async fn the_example_acknowledges_error_notifications() {
    let mut example = Example::loan(None).await;
    let mut answerer = Answerer::new(Source::Live(example.client(None)), None);
    let mut notification = request(
        "data_exchange",
        "LOAN",
        json!({ "error": "payload-schema-error", "error_message": "bad data" }),
        "tok-1",
    );
    notification.notification = true;
    let (_, answer) = within(answerer.answer(&notification)).await;
    assert_eq!(answer.unwrap(), json!({ "data": { "acknowledged": true } }));
    let handled = example.next_event().await;
    assert!(handled.note.unwrap().contains("payload-schema-error"));
}

#[tokio::test]
async fn the_example_checks_the_request_signature() {
    let mut example = Example::loan(Some(APP_SECRET)).await;

    let right = within(example.client(Some(APP_SECRET)).ping()).await;
    assert_eq!(right.status, Some(200), "{right:?}");
    assert_eq!(example.next_event().await.status, 200);

    let wrong = within(example.client(Some("not-the-app-secret")).ping()).await;
    assert_eq!(wrong.status, Some(432));
    let e = error_of(&wrong);
    assert!(e.contains("432") && e.contains("--app-secret"), "{e}");
    let handled = example.next_event().await;
    assert_eq!(handled.status, 432);
    assert!(handled.note.unwrap().contains("does not verify"));

    let unsigned = within(example.client(None).ping()).await;
    assert_eq!(unsigned.status, Some(432));
    assert!(
        example
            .next_event()
            .await
            .note
            .unwrap()
            .contains("no X-Hub-Signature-256")
    );
}

#[tokio::test]
async fn data_api_4_requests_carry_a_flow_token_signature_the_endpoint_verifies() {
    let mut example = Example::loan(Some(APP_SECRET)).await;
    let client = example.client(Some(APP_SECRET));

    let x = within(client.request(&request_4("INIT", "", json!({}), "tok-4"))).await;
    assert_eq!(x.status, Some(200), "{x:?}");
    assert_eq!(x.outcome().unwrap()["screen"], "LOAN");

    let handled = example.next_event().await;
    assert_eq!(handled.flow_token_signature, Some(true));
    let received = handled.request.unwrap();
    assert_eq!(received["version"], "4.0");
    let jwt = received["flow_token_signature"]
        .as_str()
        .expect("a flow_token_signature");
    assert_eq!(
        crypto::verify_flow_token_signature(APP_SECRET, jwt).as_deref(),
        Some("tok-4")
    );
    assert_eq!(
        crypto::verify_flow_token_signature("another-secret", jwt),
        None
    );
    // The client's payload order, with the signature last (endpoint.md §4.1).
    let members: Vec<&str> = received
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        members,
        [
            "data",
            "flow_token",
            "screen",
            "action",
            "version",
            "flow_token_signature"
        ]
    );
}

#[tokio::test]
async fn a_forged_flow_token_signature_is_refused_with_427() {
    let mut example = Example::loan(Some(APP_SECRET)).await;
    let mut payload = request_4("INIT", "", json!({}), "tok-4").payload();
    payload["flow_token_signature"] = json!(crypto::flow_token_signature(
        APP_SECRET,
        "someone-elses-token"
    ));
    let x = within(example.client(Some(APP_SECRET)).send(&payload)).await;
    assert_eq!(x.status, Some(427));
    assert!(x.token_invalid);
    assert_eq!(
        error_of(&x),
        "flow_token_signature does not verify for this flow token"
    );
    assert_eq!(example.next_event().await.flow_token_signature, Some(false));
}

#[tokio::test]
async fn the_example_answers_421_to_a_request_for_another_key() {
    let mut example = Example::loan(None).await;
    // The spec's TV key pair is not the example's.
    let other = keys::public_key_from_pem(TV_PUBLIC_KEY).unwrap();
    let client = Client::new(config(&example.url, Some(other), None, TIMEOUT)).unwrap();
    let x = within(client.ping()).await;
    assert_eq!((x.status, x.attempts), (Some(421), 2), "{x:?}");
    assert!(error_of(&x).contains("business-decryption-error"));
    for _ in 0..2 {
        let handled = example.next_event().await;
        assert_eq!(handled.status, 421);
        assert!(handled.note.unwrap().starts_with("cannot decrypt"));
    }
}

#[tokio::test]
async fn plaintext_mode_is_json_both_ways() {
    let mut example = Example::start(None, None, loan_mock()).await;
    let client = Client::new(config(&example.url, None, None, TIMEOUT)).unwrap();
    let ping = within(client.ping()).await;
    assert_eq!(
        ping.raw_response.as_deref(),
        Some(r#"{"data":{"status":"active"}}"#)
    );
    let x = within(client.send(&init_payload())).await;
    assert_eq!(x.outcome().unwrap()["screen"], "LOAN");
    assert!(x.body.unwrap().starts_with(r#"{"data":{}"#));
    example.next_event().await;
    example.next_event().await;

    // An encrypted request to a plaintext endpoint is refused with a hint.
    let encrypted = within(example.client(None).ping()).await;
    assert_eq!(encrypted.status, Some(400));
    assert!(error_of(&encrypted).contains("--plaintext"));
}

#[tokio::test]
async fn a_whole_session_through_the_engine() {
    let example = Example::loan(Some(APP_SECRET)).await;
    let mut driver = driver(Source::Live(example.client(Some(APP_SECRET))));
    let done = loan_happy_path(&mut driver, loan_flow()).await;
    assert_eq!(done["application_id"], "LA-2027-004512");
    assert_eq!(done["flow_token"], "loan-3f9c2a");
}

#[tokio::test]
async fn plaintext_against_an_encrypting_endpoint_says_it_expects_encryption() {
    // Meta's example endpoints answer 421 to a body they cannot decrypt, plain JSON included.
    let (url, seen) = misbehaving(|_, body| {
        assert!(body.starts_with(r#"{"version""#), "plain JSON: {body}");
        StatusCode::from_u16(421).unwrap().into_response()
    })
    .await;
    let client = Client::new(config(&url, None, None, TIMEOUT)).unwrap();
    let x = within(client.ping()).await;
    assert_eq!(seen.lock().unwrap().len(), 2);
    assert_eq!((x.status, x.attempts), (Some(421), 2), "{x:?}");
    let e = error_of(&x);
    assert!(
        e.contains("expects encrypted requests") && e.contains("drop --plaintext"),
        "{e}"
    );
    assert!(!e.contains("is probably not the pair"), "{e}");

    // An endpoint that answers an encrypted-looking body.
    let (url, _) =
        misbehaving(|_, _| "gHtjhucJocV0VMagsx5v6IzsZQMsj2SOThCD9WO7lVg=".into_response()).await;
    let client = Client::new(config(&url, None, None, TIMEOUT)).unwrap();
    let e = error_of(&within(client.send(&init_payload())).await);
    assert!(
        e.starts_with("The answer looks encrypted") && e.contains("expects encryption"),
        "{e}"
    );
}

// ---------------------------------------------------------------------------------------------
// Failure modes, each with a server that misbehaves on purpose

#[tokio::test]
async fn a_421_is_retried_once_with_a_fresh_key_and_iv() {
    let (url, seen) = misbehaving(|n, body| {
        if n == 0 {
            StatusCode::from_u16(421).unwrap().into_response()
        } else {
            sealed(body, &json!({ "screen": "LOAN", "data": {} })).into_response()
        }
    })
    .await;
    let started = Instant::now();
    let x = send(&url, TIMEOUT, &init_payload()).await;
    assert!(
        started.elapsed() >= Duration::from_millis(500),
        "no 0.5 s pause before the retry"
    );
    assert_eq!(
        (x.status, x.attempts, x.error.as_deref()),
        (Some(200), 2, None),
        "{x:?}"
    );
    assert_eq!(x.outcome().unwrap()["screen"], "LOAN");
    let bodies = seen.lock().unwrap().clone();
    assert_eq!(bodies.len(), 2);
    for name in [
        crypto::MEMBER_AES_KEY,
        crypto::MEMBER_IV,
        crypto::MEMBER_FLOW_DATA,
    ] {
        assert_ne!(
            member(&bodies[0], name),
            member(&bodies[1], name),
            "{name} was reused"
        );
    }
}

#[tokio::test]
async fn a_421_twice_is_a_business_decryption_error() {
    let (url, seen) = misbehaving(|_, _| StatusCode::from_u16(421).unwrap().into_response()).await;
    let x = send(&url, TIMEOUT, &init_payload()).await;
    assert_eq!((x.status, x.attempts), (Some(421), 2));
    let e = error_of(&x);
    assert!(
        e.contains("business-decryption-error") && e.contains("--public-key"),
        "{e}"
    );
    assert_eq!(seen.lock().unwrap().len(), 2, "retried more than once");
}

#[tokio::test]
async fn a_427_with_an_encrypted_message_invalidates_the_token() {
    let (url, _) = misbehaving(|_, body| {
        let message = sealed(body, &json!({ "error_msg": "This offer has expired." }));
        (StatusCode::from_u16(427).unwrap(), message).into_response()
    })
    .await;
    let client = Client::new(config(&url, Some(public_key()), None, TIMEOUT)).unwrap();
    let mut answerer = Answerer::new(Source::Live(client), None);
    let (x, answer) = within(answerer.answer(&request("INIT", "", json!({}), "tok-1"))).await;
    assert_eq!(x.status, Some(427));
    assert!(x.token_invalid);
    assert_eq!(x.attempts, 1, "a 427 is not retried");
    let e = answer.unwrap_err();
    assert!(e.token_invalid);
    assert_eq!(e.message, "This offer has expired.");
}

#[tokio::test]
async fn a_427_with_an_empty_body_invalidates_the_token() {
    let (url, _) = misbehaving(|_, _| StatusCode::from_u16(427).unwrap().into_response()).await;
    let x = send(&url, TIMEOUT, &init_payload()).await;
    assert!(x.token_invalid);
    let e = error_of(&x);
    assert!(e.contains("427") && e.contains("no longer valid"), "{e}");
}

#[tokio::test]
async fn a_432_is_a_signature_problem() {
    let (url, _) = misbehaving(|_, _| StatusCode::from_u16(432).unwrap().into_response()).await;
    let x = send(&url, TIMEOUT, &init_payload()).await;
    assert_eq!((x.status, x.attempts), (Some(432), 1));
    let e = error_of(&x);
    assert!(e.contains("432") && e.contains("signature"), "{e}");
}

#[tokio::test]
async fn a_500_reports_the_status_and_the_body() {
    let (url, _) =
        misbehaving(|_, _| (StatusCode::INTERNAL_SERVER_ERROR, "database is down").into_response())
            .await;
    let x = send(&url, TIMEOUT, &init_payload()).await;
    assert_eq!((x.status, x.attempts), (Some(500), 1));
    let e = error_of(&x);
    assert!(
        e.contains("HTTP 500") && e.contains("database is down"),
        "{e}"
    );
}

#[tokio::test]
async fn a_server_slower_than_the_timeout() {
    let router = Router::new().route(
        "/",
        post(|| async {
            tokio::time::sleep(Duration::from_secs(30)).await;
            "too late"
        }),
    );
    let url = start(router).await;
    let started = Instant::now();
    let x = send(&url, SHORT_TIMEOUT, &init_payload()).await;
    let took = started.elapsed();
    assert!(
        took < SHORT_TIMEOUT + Duration::from_millis(1500),
        "took {took:?}"
    );
    assert_eq!(x.status, None);
    assert!(error_of(&x).contains("timeout"), "{x:?}");
}

#[tokio::test]
async fn connection_refused() {
    let listener = within(TcpListener::bind("127.0.0.1:0")).await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let x = send(&url, TIMEOUT, &init_payload()).await;
    assert_eq!(x.status, None);
    let e = error_of(&x);
    assert!(
        e.starts_with("Could not connect to") && e.contains("refused") && e.contains("--endpoint"),
        "{e}"
    );
    // The HTTP library's own words go to the inspector's detail, not into the message.
    let detail = x.detail.expect("the error chain as detail");
    assert!(!e.contains(&detail), "{e}");
}

/// A raw TCP server that reads the request, then closes (or resets, with `reset`) the
/// connection without answering.
async fn hang_up(reset: bool) -> String {
    let listener = within(TcpListener::bind("127.0.0.1:0")).await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let mut buffer = vec![0u8; 64 * 1024];
            let _ = tokio::time::timeout(Duration::from_secs(2), stream.read(&mut buffer)).await;
            if reset {
                let _ = stream.set_zero_linger();
            }
            drop(stream);
        }
    });
    url
}

#[tokio::test]
async fn a_connection_closed_or_reset_without_an_answer() {
    for reset in [false, true] {
        let url = hang_up(reset).await;
        let started = Instant::now();
        let x = send(&url, TIMEOUT, &init_payload()).await;
        assert!(
            started.elapsed() < Duration::from_secs(3),
            "waited for the timeout"
        );
        assert_eq!(x.status, None, "{x:?}");
        let e = error_of(&x);
        assert!(e.contains("no_http_response_error"), "reset={reset}: {e}");
        // Sent without a signature: the likely cause is the missing app secret.
        assert!(e.contains("--app-secret"), "reset={reset}: {e}");
        assert!(x.detail.is_some(), "reset={reset}: {x:?}");
    }
    // Signed, the hint would mislead.
    let url = hang_up(false).await;
    let client = Client::new(config(&url, Some(public_key()), Some(APP_SECRET), TIMEOUT)).unwrap();
    let e = error_of(&within(client.send(&init_payload())).await);
    assert!(
        e.contains("no_http_response_error") && !e.contains("--app-secret"),
        "{e}"
    );
}

#[tokio::test]
async fn a_body_that_trickles_slower_than_the_timeout() {
    let router = Router::new().route(
        "/",
        post(|| async {
            let drip = futures::stream::unfold((), |()| async {
                tokio::time::sleep(Duration::from_millis(200)).await;
                Some((Ok::<_, Infallible>(Bytes::from_static(b"A")), ()))
            });
            Body::from_stream(drip)
        }),
    );
    let url = start(router).await;
    let started = Instant::now();
    let x = send(&url, SHORT_TIMEOUT, &init_payload()).await;
    let took = started.elapsed();
    assert!(
        took < SHORT_TIMEOUT + Duration::from_millis(1500),
        "took {took:?}"
    );
    assert_eq!(x.status, Some(200));
    assert!(error_of(&x).contains("timeout"), "{x:?}");
}

#[tokio::test]
async fn an_answer_larger_than_10_mb_is_capped() {
    let (url, _) = misbehaving(|_, _| "A".repeat(MAX_ANSWER_BYTES + 1024).into_response()).await;
    let x = send(&url, TIMEOUT, &init_payload()).await;
    let e = error_of(&x);
    assert!(e.contains("larger than 10 MB"), "{e}");
    assert_eq!(x.raw_response, None);
}

#[tokio::test]
async fn an_answer_that_is_not_base64() {
    let (url, _) = misbehaving(|_, _| "%%%certainly*not*base64%%%".into_response()).await;
    let x = send(&url, TIMEOUT, &init_payload()).await;
    let e = error_of(&x);
    assert!(e.contains("not base64"), "{e}");
}

#[tokio::test]
async fn a_json_answer_instead_of_base64() {
    let (url, _) = misbehaving(|_, _| {
        (
            [(header::CONTENT_TYPE, "application/json")],
            r#"{"screen":"LOAN","data":{}}"#,
        )
            .into_response()
    })
    .await;
    let x = send(&url, TIMEOUT, &init_payload()).await;
    let e = error_of(&x);
    assert!(e.contains("JSON, not base64"), "{e}");
}

#[tokio::test]
async fn an_answer_encrypted_with_the_unflipped_iv() {
    let (url, _) = misbehaving(|_, body| {
        let opened = crypto::open_request(private_key(), body).unwrap();
        // seal_response flips the IV it is given: hand it the flipped one to get the original.
        crypto::seal_response(
            &opened.key,
            &crypto::flip_iv(&opened.iv),
            br#"{"screen":"LOAN"}"#,
        )
        .into_response()
    })
    .await;
    let x = send(&url, TIMEOUT, &init_payload()).await;
    let e = error_of(&x);
    assert!(e.contains("did not flip the IV"), "{e}");
}

#[tokio::test]
async fn an_answer_encrypted_with_another_aes_key() {
    let (url, _) = misbehaving(|_, body| {
        let opened = crypto::open_request(private_key(), body).unwrap();
        crypto::seal_response(&[7u8; 16], &opened.iv, br#"{"screen":"LOAN"}"#).into_response()
    })
    .await;
    let x = send(&url, TIMEOUT, &init_payload()).await;
    let e = error_of(&x);
    assert!(
        e.contains("does not decrypt with this request's key"),
        "{e}"
    );
}

#[tokio::test]
async fn a_redirect_is_reported_not_followed() {
    let followed = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&followed);
    let router = Router::new()
        .route(
            "/",
            post(|| async { (StatusCode::FOUND, [(header::LOCATION, "/elsewhere")]) }),
        )
        .route(
            "/elsewhere",
            post(move || {
                counter.fetch_add(1, Ordering::SeqCst);
                async { "followed" }
            })
            .get(|| async { "followed" }),
        );
    let url = start(router).await;
    let x = send(&url, TIMEOUT, &init_payload()).await;
    assert_eq!(x.status, Some(302));
    let e = error_of(&x);
    assert!(
        e.contains("redirect") && e.contains("302") && e.contains("/elsewhere"),
        "{e}"
    );
    assert_eq!(followed.load(Ordering::SeqCst), 0);
}

// ---------------------------------------------------------------------------------------------
// The engine rejects an answer and tells the endpoint

#[tokio::test]
async fn a_forbidden_screen_is_rejected_and_the_endpoint_notified() {
    let (url, seen) = misbehaving(|_, body| {
        let opened = crypto::open_request(private_key(), body).unwrap();
        let payload: Value = serde_json::from_slice(&opened.plaintext).unwrap();
        let answer = if payload["data"].get("error").is_some() {
            json!({ "data": { "acknowledged": true } })
        } else if payload["action"] == "INIT" {
            json!({ "screen": "LOAN", "data": loan_mock().responses[0].response["data"].clone() })
        } else {
            // The routing model only allows LOAN → OFFER.
            json!({ "screen": "DETAILS", "data": { "max_birth_date": "2009-03-01" } })
        };
        crypto::seal_response(&opened.key, &opened.iv, answer.to_string().as_bytes())
            .into_response()
    })
    .await;
    let client = Client::new(config(&url, Some(public_key()), None, TIMEOUT)).unwrap();
    let mut driver = driver(Source::Live(client));
    let mut session = Session::new(loan_flow(), "tok-9");
    drive(&mut session, &mut driver, Input::Start(Start::DataExchange)).await;
    assert_eq!(session.current(), Some("LOAN"));
    fill(
        &mut session,
        &mut driver,
        json!({ "amount": "10000", "term": "36", "purpose": "car" }),
    )
    .await;
    let happened = tap_footer(&mut session, &mut driver).await;

    assert_eq!(
        session.current(),
        Some("LOAN"),
        "the forbidden screen was shown"
    );
    let error = session.client_error.clone().expect("a client error");
    assert_eq!(
        error.key.map(|k| k.as_str()),
        Some("invalid-screen-transition")
    );
    // The finding is on the exchange, for the inspector and the reports.
    let findings: Vec<_> = happened
        .iter()
        .filter_map(|h| match h {
            Happened::Exchange(x) => Some(x.findings.clone()),
            _ => None,
        })
        .flatten()
        .collect();
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(findings[0].code.as_str(), "invalid-screen-transition");
    let bodies = seen.lock().unwrap().clone();
    assert_eq!(
        bodies.len(),
        3,
        "INIT, data_exchange, then the notification"
    );
    let notification: Value = serde_json::from_slice(
        &crypto::open_request(private_key(), &bodies[2])
            .unwrap()
            .plaintext,
    )
    .unwrap();
    assert_eq!(notification["action"], "data_exchange");
    assert_eq!(notification["screen"], "LOAN");
    assert_eq!(notification["flow_token"], "tok-9");
    assert_eq!(notification["data"]["error"], "invalid-screen-transition");
    assert!(
        notification["data"]["error_message"]
            .as_str()
            .unwrap()
            .contains("LOAN to DETAILS")
    );
}

// ---------------------------------------------------------------------------------------------
// Recording and replay

#[tokio::test]
async fn a_recorded_session_replays_offline_and_converts_to_a_mock() {
    let dir = tempfile::tempdir().unwrap();
    let path: PathBuf = dir.path().join("session.jsonl");
    // The endpoint holds the passphrase-protected key and checks signatures; the client signs
    // flow tokens (Data API 4.0).
    let key_pem = fixture_key("private-encrypted.pem");
    let key = keys::private_key_from_pem(&key_pem, Some(PASSPHRASE)).unwrap();
    let example = Example::start(Some(key), Some(APP_SECRET), loan_mock()).await;
    let recorder = Recorder::create(&path).unwrap();
    let mut live_driver = Driver::new(Answerer::new(
        Source::Live(example.client(Some(APP_SECRET))),
        Some(recorder),
    ));
    let flow_4 = loan_flow_with_data_api("4.0");
    let live = loan_happy_path(&mut live_driver, Arc::clone(&flow_4)).await;
    drop(live_driver);
    example.task.abort();

    let text = std::fs::read_to_string(&path).unwrap();
    let secrets = [
        APP_SECRET.to_string(),
        PASSPHRASE.to_string(),
        "flow_token_signature".to_string(),
        crypto::flow_token_signature(APP_SECRET, "loan-3f9c2a"),
        "PRIVATE KEY".to_string(),
    ];
    let plain_pem = fixture_key("private.pem");
    let key_lines = key_pem
        .lines()
        .chain(plain_pem.lines())
        .filter(|l| !l.starts_with("-----"))
        .map(str::to_string);
    for secret in secrets.into_iter().chain(key_lines) {
        assert!(!text.contains(&secret), "the recording contains {secret:?}");
    }
    let exchanges = record::read(&path).unwrap();
    assert_eq!(exchanges.len(), 5, "INIT and four data_exchange requests");
    assert!(
        exchanges
            .iter()
            .all(|x| x.status == Some(200) && x.body.is_none())
    );

    // Replay, with no server running: the same session, the same answers.
    let mut replayed = driver(Source::Replay(Replay::new(exchanges.clone())));
    assert_eq!(loan_happy_path(&mut replayed, flow_4).await, live);

    // The recording as a mock answers the same requests the same way.
    let mock = Mock::parse(&record::to_mock(&exchanges).to_string()).unwrap();
    for x in &exchanges {
        let data = x.request["data"].clone();
        let token = x.request["flow_token"].as_str().unwrap();
        let answer = mock.answer(&request(&x.action, &x.screen, data, token));
        assert_eq!(
            answer.as_ref().ok(),
            x.response.as_ref(),
            "{} {}",
            x.action,
            x.screen
        );
    }
    let mut mocked = driver(Source::Mock(mock));
    assert_eq!(loan_happy_path(&mut mocked, loan_flow()).await, live);
}

// ---------------------------------------------------------------------------------------------
// Known answer (endpoint.md §13.1, TV-A)

const TV_PRIVATE_KEY: &str = "-----BEGIN PRIVATE KEY-----
MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQCzUrtLmdz+RtY/
Fs3boYtMyzDFKKtnjmMz4Q6MLwOpVWJg0o24TT638/gb0TgzZCld26gRiSQzgNkf
+joOChs69k81xK3s0JTJqGRckE9EV+Zv7DK0/gU65z9yrOo0cexRFxESV+35lpZS
I1wIuCU75hNcKglbxv+M7OTPndoa0OYHngkb6uzDYGF9DHOaUlKEgDlm1B98/XKu
9+vmazTSI3leH4f1UE1npky0RhfKheut5ijVSy3RT7+3MHv4RSrpkZSUQQik+BgP
E6yaDPE6q8EKxKosfaiGzU4l9Mn5Hz3GZ2kh81NgIxmt+yUY1yZv9X5du5h28orj
rzivyRBvAgMBAAECggEAE7fwtX79UI6sh3Jz/4czgKXFPqDavD/pg65nQZ332ppz
f28Xu2DvGR5ANZrbgbctX09Em20HqIwuE/iZgqq01NZ53lE6yNQk0Enug0kxFjRO
OBdyefmGzLPaA7uk41B1qnMNYwV9OxlGfVC7EZBiM8R4c4WB0vA+cJoqDPRwI8uO
na1FnCNWjv0ZpbX6juqzwFuhJ2pUMdpHTEJsQNLWMQMKNcAWZB1trAC2axwYZvQN
EkwbIpqcu+beVe6S5saHKXjbfklRQILu/53Z6z7fTbBLc3h/KVX98iYxEA23EVVe
J8lJUZ/GAlLOi1bMHzHRr5pduZk8ZKcSr3tyfOtAsQKBgQDfuN95EBimh1H2HUJf
wRVnp4MJAPSNcufr8BADXLBcc+2crjndrNgmn4p0xqMD5JyS6pcZnUXTzoxsngDz
0wg62W4tLCFqBLjvnQSOgOhW9oOO7Ez2d8Tq7jgiml+JFcwuPa5aa4/NWBCPhrPR
mt9nBFfEm1158JAUj/A3eyfM/wKBgQDNMf36zCW61C4VcxeG5SWXHU77QNKr6WvT
R5w1FRXWiz73SKxOts/Lpgu8gqzhvLlDyqxz/dMcAQlVPKQt2aD5XsTS6dggk7NI
rms2AIhZzoR7F7PEep4WhiisgSoubosU5ISDtlULAqBIdx+PGcsrhWeBUE2Z4lsq
+tgINV4MkQKBgQCbO8pEVHjmRAsI/PBrRKy3ibIQc0s9QrfOLHrP+madIAuFphac
zCwHULhfotzF/MDv6DsEGO60syMY0uHSTWHug6RBT9e3mqNAD/Fzd9q/TLmoWCpm
8l/+q2DkEb2sfyV4CHCMaQoU78A99rea/x14e7jywOMxk0xGGEIUHS5WvQKBgCwr
Nat1pC16HM1bL9ZGnvfPREALLQ36Oc6J3JMEjeXXpV8fUo/DBCmm/WG/ky0oLYzt
JH/3RCkEBBlH62M/NEpZXu6zjWU9xdrASK2gIbmLHbNNX9HMPxlEGZ9AUm8aNm/x
3KBpcBblotDWa4GnILemiKgqO/oC4nL2+eeSbUMxAoGAUMWiyUd6YtJ0hcat5TSO
QiEnjX24R/MfQlXjF5F20iiQqytHlgLsx6x6HIFr9EdT7V78W0G3eFDa+sWfPF8B
rr2DQFQHYhx4U5BcMrhZumbYkre14o2yrCwuIfPPCM4UYtdH+4sHRvwSKkJ0euo/
5UFxjXHEMyr70qx0ipnTswg=
-----END PRIVATE KEY-----
";

const TV_PUBLIC_KEY: &str = "-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAs1K7S5nc/kbWPxbN26GL
TMswxSirZ45jM+EOjC8DqVViYNKNuE0+t/P4G9E4M2QpXduoEYkkM4DZH/o6Dgob
OvZPNcSt7NCUyahkXJBPRFfmb+wytP4FOuc/cqzqNHHsURcRElft+ZaWUiNcCLgl
O+YTXCoJW8b/jOzkz53aGtDmB54JG+rsw2BhfQxzmlJShIA5ZtQffP1yrvfr5ms0
0iN5Xh+H9VBNZ6ZMtEYXyoXrreYo1Ust0U+/tzB7+EUq6ZGUlEEIpPgYDxOsmgzx
OqvBCsSqLH2ohs1OJfTJ+R89xmdpIfNTYCMZrfslGNcmb/V+XbuYdvKK4684r8kQ
bwIDAQAB
-----END PUBLIC KEY-----
";

const TV_A_BODY: &str = r#"{"encrypted_flow_data":"2XPZokAZbFpOv28prdCCIZy1csZ0Cht4kNhcMzDLZRwtS/m5emM2EsGPdxb+ATYWGWAFlszL+M1Zlu6EHlkMJaFdFXaMt9I6Oa5CAtgmswnikjgHIyAYVGpY/Gh5CbeClV6/Xt8=","encrypted_aes_key":"pdzM7Mxd/Sr3BBqZPAyYxVhsIB4wbwVubaNhKA9ZNT54+xmKnT8rbs+ykn3nGA3ApO0//r1zxKrAGcPBs9QjXnHgo/1rt/uS1dMYGoZ3FKQfozwKQqy52BGzQeilbvXtpexjklJR1Pzf2Vmh8KbYmOdfR8353DvXNJKxUmmKKsuBKVIK8wliUXfxIpKQ7a0TexRBQjK8gGy+axVlUTIleI2zejcHIQMFMhboZXRW+pCIWPzmJgTGNm68ieFhCTuCIrIGMXhadj9O74CZcQC45tRvrI8CuEUS5le5FsTgugvphs1dje4+1B9uWQSHwreZX6MK9qXK9AfSv4DOTMsKCg==","initial_vector":"o7XH2eHzBRcpO01fYXOFlw=="}"#;

#[test]
fn tv_a_decrypts_byte_exact() {
    assert_eq!(TV_A_BODY.len(), 573);
    let key = keys::private_key_from_pem(TV_PRIVATE_KEY, None).unwrap();
    assert_eq!(
        key.to_public_key(),
        keys::public_key_from_pem(TV_PUBLIC_KEY).unwrap()
    );
    let opened = crypto::open_request(&key, TV_A_BODY).unwrap();
    assert_eq!(
        opened.plaintext,
        br#"{"data":{},"flow_token":"sim-token-0001","screen":"","action":"INIT","version":"3.0"}"#
    );
    let hex = |b: &[u8]| b.iter().map(|x| format!("{x:02x}")).collect::<String>();
    assert_eq!(hex(&opened.key), "4f1c9a7e2b6d83f05a1e7c39d2b48a61");
    assert_eq!(hex(&opened.iv), "a3b5c7d9e1f30517293b4d5f61738597");
    assert_eq!(
        crypto::seal_response(
            &opened.key,
            &opened.iv,
            br#"{"screen":"WELCOME","data":{"greeting":"Hello"}}"#
        ),
        "gHtjhucJocV0VMagsx5v6IzsZQMsj2SOThCD9WO7lVjNLVCIBRsdgiEE6vQDJJkR8p76DWrO+rkYM2lj7DUdiQ=="
    );
    assert!(crypto::verify_signature(
        "0123456789abcdef0123456789abcdef",
        TV_A_BODY.as_bytes(),
        "sha256=f51bafdbd3871faf20b934783235023ba065b0629d77b27f0c33e95999e839ef"
    ));
}
