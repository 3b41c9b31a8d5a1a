//! Recordings (`--record FILE`): every exchange as one JSON line, decrypted, with status and
//! timing and no secrets; replay (`--replay FILE`) answers from a recording offline; a
//! recording converts to a `--mock` file.

use std::io::Write;
use std::path::Path;

use serde_json::{Value, json};

use super::client::Exchange;
use flowsim_core::sim::Request;

/// Appends exchanges to a JSON Lines file.
pub struct Recorder {
    file: std::fs::File,
}

impl Recorder {
    pub fn create(path: &Path) -> std::io::Result<Recorder> {
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)?;
        Ok(Recorder { file })
    }

    pub fn write(&mut self, exchange: &Exchange) -> std::io::Result<()> {
        let mut clean = exchange.for_recording();
        // The flow token signature is a credential minted with the app secret.
        if let Some(obj) = clean.request.as_object_mut() {
            obj.remove("flow_token_signature");
        }
        let line = serde_json::to_string(&clean).map_err(std::io::Error::other)?;
        writeln!(self.file, "{line}")?;
        self.file.flush()
    }
}

/// Reads a recording; errors name the line.
pub fn load(text: &str) -> Result<Vec<Exchange>, String> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            serde_json::from_str::<Exchange>(l).map_err(|e| format!("line {}: {e}", i + 1))
        })
        .collect()
}

/// Answers requests from a recording, each recorded answer once, in order.
pub struct Replay {
    exchanges: Vec<Exchange>,
    used: Vec<bool>,
}

impl Replay {
    pub fn new(exchanges: Vec<Exchange>) -> Replay {
        let used = vec![false; exchanges.len()];
        Replay { exchanges, used }
    }

    /// The recorded answer: the first unused exchange with the same action, screen and data;
    /// else the first with the same action and screen.
    pub fn answer(&mut self, request: &Request) -> Result<Value, String> {
        if request.notification {
            return Ok(json!({ "data": { "acknowledged": true } }));
        }
        let data = Value::Object(request.data.clone());
        let same = |x: &Exchange| x.action == request.action && x.screen == request.screen;
        let pick = (0..self.exchanges.len())
            .find(|&i| {
                !self.used[i]
                    && same(&self.exchanges[i])
                    && self.exchanges[i].request.get("data") == Some(&data)
            })
            .or_else(|| {
                (0..self.exchanges.len()).find(|&i| !self.used[i] && same(&self.exchanges[i]))
            });
        match pick {
            Some(i) => {
                self.used[i] = true;
                self.exchanges[i].outcome()
            }
            None => Err(format!(
                "the recording has no answer for {} on screen `{}` with data {data}",
                request.action, request.screen
            )),
        }
    }
}

/// A `--mock` file from a recording: one rule per answered exchange, matching its data.
pub fn to_mock(exchanges: &[Exchange]) -> Value {
    let rules: Vec<Value> = exchanges
        .iter()
        .filter(|x| x.action != "ping" && x.response.is_some())
        .filter(|x| x.request.pointer("/data/error").is_none())
        .map(|x| {
            let mut rule = json!({ "action": x.action, "screen": x.screen });
            if let Some(data) = x
                .request
                .get("data")
                .filter(|d| d.as_object().is_some_and(|o| !o.is_empty()))
            {
                rule["match"] = data.clone();
            }
            rule["response"] = x.response.clone().unwrap_or(Value::Null);
            rule
        })
        .collect();
    json!({ "responses": rules })
}

/// Reads a recording file.
pub fn read(path: &Path) -> Result<Vec<Exchange>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    load(&text).map_err(|e| format!("{}: not a flowsim recording: {e}", path.display()))
}
