//! The data endpoint protocol, played from the WhatsApp side (endpoint.md): encryption and
//! keys, the HTTP client with the client's status handling, and recordings.
//!
//! It sits between the pure core (`flowsim_core`, whose engine asks for requests and takes
//! answers) and the shells that run it (the preview, `flowsim test`). It may use the network
//! and async IO, but must never depend on a terminal or UI crate (ratatui, crossterm) or on
//! file watching: `.ci/layers` checks its dependency tree.

pub mod cdn;
pub mod client;
pub mod crypto;
pub mod keys;
pub mod media;
pub mod record;

use serde_json::Value;

use client::{Client, now};
use flowsim_core::drive::{Endpoint, Exchange};
use flowsim_core::sim::mock::Mock;
use flowsim_core::sim::{ReplyError, Request};
use record::{Recorder, Replay};

/// Where endpoint answers come from.
pub enum Source {
    /// No endpoint: every request fails with advice.
    None,
    Mock(Mock),
    Replay(Replay),
    Live(Client),
}

/// Answers the engine's requests from a [`Source`], recording every exchange when asked.
pub struct Answerer {
    pub source: Source,
    pub recorder: Option<Recorder>,
}

impl Answerer {
    pub fn new(source: Source, recorder: Option<Recorder>) -> Answerer {
        Answerer { source, recorder }
    }
}

impl Endpoint for Answerer {
    /// Answers one request. Returns the exchange (for the inspector) and the engine's answer.
    async fn answer(&mut self, request: &Request) -> (Exchange, Result<Value, ReplyError>) {
        let payload = request.payload();
        let exchange = match &mut self.source {
            Source::Live(client) => client.request(request).await,
            Source::Mock(mock) => offline(&payload, mock.answer(request)),
            Source::Replay(replay) => {
                let replayed = replay.answer(request);
                let mut x = offline(&payload, replayed.outcome);
                x.recorded_for = replayed.recorded_for;
                x.differences = replayed.differences;
                x
            }
            Source::None => offline(
                &payload,
                Err(
                    "No endpoint answers this request. The flow calls its endpoint and flowsim \
                     has none to call: pass --endpoint URL --public-key PEM, --mock FILE or \
                     --replay FILE."
                        .into(),
                ),
            ),
        };
        if let Some(r) = &mut self.recorder
            && let Err(e) = r.write(&exchange)
        {
            let mut x = exchange.clone();
            x.error = Some(format!(
                "Cannot write the recording ({e}). The disk is full or the file is not writable: \
                 free space or choose another --record file."
            ));
            return (x.clone(), x.outcome().map_err(ReplyError::from));
        }
        let result = if exchange.token_invalid {
            Err(ReplyError {
                message: exchange.error.clone().unwrap_or_default(),
                token_invalid: true,
            })
        } else {
            exchange.outcome().map_err(ReplyError::from)
        };
        (exchange, result)
    }
}

/// An exchange answered without a network (mock, replay).
fn offline(payload: &Value, answer: Result<Value, String>) -> Exchange {
    let mut x = Exchange::new(payload, now());
    match answer {
        Ok(v) => {
            x.status = Some(200);
            x.response = Some(v);
        }
        Err(e) => x.error = Some(e),
    }
    x
}
