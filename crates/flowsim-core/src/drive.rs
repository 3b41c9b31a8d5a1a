//! The one driver between the engine and the endpoint, for the preview and `flowsim test`
//! alike: a request effect goes to the [`Endpoint`] (live, mock or replay, implemented by
//! `flowsim_endpoint`) as the request says (its Data API version and token signing come from
//! the flow it was made for), the answer goes back into the session, and what the client found
//! in the answer is noted on the exchange. The preview runs [`Driver::deliver`] off its UI loop
//! and feeds the delivery back through [`receive`]; `flowsim test` runs the whole loop with
//! [`Driver::run`].
//!
//! Async without a runtime: the futures are the endpoint's, the shells run them.

use std::collections::VecDeque;
use std::future::Future;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::sim::{AnswerFinding, Completion, Effect, Input, Phase, ReplyError, Request, Session};

/// Answers the engine's requests: the endpoint, a mock or a recording.
pub trait Endpoint {
    /// Answers one request: the exchange (for the inspector and recordings) and the engine's
    /// answer.
    fn answer(
        &mut self,
        request: &Request,
    ) -> impl Future<Output = (Exchange, Result<Value, ReplyError>)> + Send;
}

/// One request and its answer, as the inspector shows it and a recording keeps it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Exchange {
    /// Seconds since the Unix epoch when the request was sent.
    pub time: f64,
    pub action: String,
    #[serde(default)]
    pub screen: String,
    /// The decrypted request payload.
    pub request: Value,
    /// The HTTP body sent (the encrypted envelope, or plaintext JSON).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// The HTTP status, when an answer came.
    #[serde(default)]
    pub status: Option<u16>,
    /// The decrypted answer.
    #[serde(default)]
    pub response: Option<Value>,
    /// The raw answer body (base64), for the inspector.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub raw_response: Option<String>,
    /// What went wrong, the likely cause and the fix.
    #[serde(default)]
    pub error: Option<String>,
    /// The HTTP library's own account of a failure (its error chain), for the inspector.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// The endpoint said the flow token is no longer valid (427).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub token_invalid: bool,
    pub latency_ms: u64,
    #[serde(default = "one")]
    pub attempts: u8,
    /// Replay only: the recorded request whose answer was used, when it differs from this one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recorded_for: Option<Value>,
    /// Replay only: how this request differs from `recorded_for`, one field a line.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub differences: Vec<String>,
    /// What the client found in the answer (missing data, wrong types, routing, …).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub findings: Vec<AnswerFinding>,
}

fn one() -> u8 {
    1
}

impl Exchange {
    /// A fresh exchange for a payload sent at `time` (seconds since the Unix epoch), before
    /// anything came back.
    pub fn new(payload: &Value, time: f64) -> Exchange {
        Exchange {
            time,
            action: payload
                .get("action")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string(),
            screen: payload
                .get("screen")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string(),
            request: payload.clone(),
            body: None,
            status: None,
            response: None,
            raw_response: None,
            error: None,
            detail: None,
            token_invalid: false,
            latency_ms: 0,
            attempts: 1,
            recorded_for: None,
            differences: Vec::new(),
            findings: Vec::new(),
        }
    }

    /// The answer for the engine: the decrypted JSON, or the diagnosis.
    pub fn outcome(&self) -> Result<Value, String> {
        match (&self.response, &self.error) {
            (Some(r), None) => Ok(r.clone()),
            (_, Some(e)) => Err(e.clone()),
            (None, None) => Err("The endpoint gave no answer.".into()),
        }
    }

    /// A copy without raw bodies and without what this session made of it, for recordings.
    pub fn for_recording(&self) -> Exchange {
        Exchange {
            body: None,
            raw_response: None,
            recorded_for: None,
            differences: Vec::new(),
            findings: Vec::new(),
            ..self.clone()
        }
    }
}

/// Carries out the engine's effects against an [`Endpoint`].
pub struct Driver<E> {
    pub endpoint: E,
}

/// A request carried out.
#[derive(Debug, Clone)]
pub struct Delivery {
    /// The request and its answer, as the inspector lists them.
    pub exchange: Exchange,
    /// The answer for the session; `None` for an error notification, which expects none.
    pub answer: Option<Result<Value, ReplyError>>,
}

/// What happened while an input ran, in order.
#[derive(Debug, Clone)]
pub enum Happened {
    /// A note of the engine (`request data_exchange LOAN`, `endpoint refreshed LOAN`, …).
    Note(String),
    /// A request and its answer, with what the client found in the answer.
    Exchange(Box<Exchange>),
    /// The flow asked to open a URL (never opened).
    OpenUrl(String),
    /// The flow ended.
    Complete(Completion),
}

impl<E: Endpoint> Driver<E> {
    pub fn new(endpoint: E) -> Driver<E> {
        Driver { endpoint }
    }

    /// Sends one request and waits for its answer.
    pub async fn deliver(&mut self, request: &Request) -> Delivery {
        let (exchange, answer) = self.endpoint.answer(request).await;
        Delivery {
            exchange,
            answer: (!request.notification).then_some(answer),
        }
    }

    /// Runs one input and every effect it leads to, answering each request as it comes.
    pub async fn run(&mut self, session: &mut Session, input: Input) -> Vec<Happened> {
        let mut out = Vec::new();
        let mut seen = session.events.len();
        let mut effects: VecDeque<Effect> = session.update(input).into();
        notes(session, &mut seen, &mut out);
        while let Some(effect) = effects.pop_front() {
            match effect {
                Effect::Request(request) => {
                    let Delivery {
                        mut exchange,
                        answer,
                    } = self.deliver(&request).await;
                    let more = match answer {
                        Some(answer) => receive(session, &mut exchange, answer),
                        None => Vec::new(),
                    };
                    out.push(Happened::Exchange(Box::new(exchange)));
                    notes(session, &mut seen, &mut out);
                    effects.extend(more);
                }
                Effect::OpenUrl(url) => out.push(Happened::OpenUrl(url)),
                Effect::Complete(c) => out.push(Happened::Complete(c)),
            }
        }
        out
    }
}

/// Feeds an answer to the session and notes on its exchange what the client found in it.
pub fn receive(
    session: &mut Session,
    exchange: &mut Exchange,
    answer: Result<Value, ReplyError>,
) -> Vec<Effect> {
    let waiting = matches!(session.phase, Phase::Waiting(_));
    let effects = session.update(Input::Answer(answer));
    if waiting {
        exchange.findings = session.findings.clone();
    }
    effects
}

fn notes(session: &Session, seen: &mut usize, out: &mut Vec<Happened>) {
    out.extend(
        session
            .events
            .get(*seen..)
            .unwrap_or_default()
            .iter()
            .map(|e| Happened::Note(e.message.clone())),
    );
    *seen = session.events.len();
}
