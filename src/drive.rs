//! The one driver between the engine and the endpoint, for the preview and `flowsim test`
//! alike: a request effect goes to the endpoint (live, mock or replay) as the request says
//! (its Data API version and token signing come from the flow it was made for), the answer
//! goes back into the session, and what the client found in the answer is noted on the
//! exchange. The preview runs [`Driver::deliver`] off its UI loop and feeds the delivery back
//! through [`receive`]; `flowsim test` runs the whole loop with [`Driver::run`].

use std::collections::VecDeque;

use serde_json::Value;

use crate::endpoint::Answerer;
use crate::endpoint::client::Exchange;
use crate::sim::{Completion, Effect, Input, Phase, ReplyError, Request, Session};

pub struct Driver {
    pub answerer: Answerer,
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

impl Driver {
    pub fn new(answerer: Answerer) -> Driver {
        Driver { answerer }
    }

    /// Sends one request and waits for its answer.
    pub async fn deliver(&mut self, request: &Request) -> Delivery {
        let (exchange, answer) = self.answerer.answer(request).await;
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
