//! Recordings (`--record FILE`): every exchange as one JSON line, decrypted, with status and
//! timing and no secrets; replay (`--replay FILE`) answers from a recording offline; a
//! recording converts to a `--mock` file.

use std::io::Write;
use std::path::Path;

use serde_json::{Value, json};

use flowsim_core::drive::Exchange;
use flowsim_core::sim::{Request, strip_media_keys};

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
        // The flow token signature is a credential minted with the app secret; media keys
        // are per-file secrets, of no use once the session's CDN is gone.
        if let Some(obj) = clean.request.as_object_mut() {
            obj.remove("flow_token_signature");
        }
        strip_media_keys(&mut clean.request);
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

/// Answers requests from a recording, each recorded answer once. A request is answered by the
/// exchange recorded for the same request; failing that, by the next recorded one, and the
/// answer says how the requests differ: a replay never passes off an answer as the one
/// recorded for this request.
pub struct Replay {
    exchanges: Vec<Exchange>,
    used: Vec<bool>,
    /// Where the next answer is expected: just after the last one used.
    next: usize,
}

/// A recorded answer for a request.
#[derive(Debug, Clone, PartialEq)]
pub struct Replayed {
    pub outcome: Result<Value, String>,
    /// The recorded request whose answer this is, when it differs from the request.
    pub recorded_for: Option<Value>,
    /// How the request differs from the recorded one, one field a line.
    pub differences: Vec<String>,
}

impl Replay {
    pub fn new(exchanges: Vec<Exchange>) -> Replay {
        let used = vec![false; exchanges.len()];
        Replay {
            exchanges,
            used,
            next: 0,
        }
    }

    pub fn answer(&mut self, request: &Request) -> Replayed {
        if request.notification {
            return Replayed {
                outcome: Ok(json!({ "data": { "acknowledged": true } })),
                recorded_for: None,
                differences: Vec::new(),
            };
        }
        let data = comparable(&Value::Object(request.data.clone()));
        let free = |i: usize| {
            let x = &self.exchanges[i];
            !self.used[i] && x.action != "ping" && x.request.pointer("/data/error").is_none()
        };
        let all = 0..self.exchanges.len();
        let pick = all
            .clone()
            .find(|&i| {
                let x = &self.exchanges[i];
                free(i)
                    && x.action == request.action
                    && x.screen == request.screen
                    && x.request.get("data").map(comparable).as_ref() == Some(&data)
            })
            .or_else(|| (self.next..self.exchanges.len()).find(|&i| free(i)))
            .or_else(|| all.clone().find(|&i| free(i)));
        let Some(i) = pick else {
            return Replayed {
                outcome: Err(format!(
                    "The recording has no answer left for {} on screen `{}`. It was recorded \
                     in a shorter session: record this one again with --record.",
                    request.action, request.screen
                )),
                recorded_for: None,
                differences: Vec::new(),
            };
        };
        self.used[i] = true;
        self.next = i + 1;
        let recorded = &self.exchanges[i];
        let differences = differences(&request.payload(), &recorded.request);
        Replayed {
            outcome: recorded.outcome(),
            recorded_for: (!differences.is_empty()).then(|| recorded.request.clone()),
            differences,
        }
    }
}

/// How a request differs from a recorded one, in action, screen and data: one line a field.
pub fn differences(sent: &Value, recorded: &Value) -> Vec<String> {
    let mut out = Vec::new();
    for key in ["action", "screen"] {
        compare(key, sent.get(key), recorded.get(key), &mut out);
    }
    compare(
        "data",
        sent.get("data").map(comparable).as_ref(),
        recorded.get("data").map(comparable).as_ref(),
        &mut out,
    );
    out
}

/// Whether a value is a picker's value as an endpoint receives it: media items.
fn is_media_list(v: &Value) -> bool {
    v.as_array().is_some_and(|items| {
        !items.is_empty()
            && items
                .iter()
                .all(|i| i.get("media_id").is_some() && i.get("cdn_url").is_some())
    })
}

/// Request data as recordings compare it: media items by `media_id` and `file_name` only, since
/// every session encrypts the files afresh (new CDN URL, keys and encrypted hash).
fn comparable(data: &Value) -> Value {
    let Some(map) = data.as_object() else {
        return data.clone();
    };
    let reduced = map
        .iter()
        .map(|(k, v)| {
            let v = match v.as_array() {
                Some(items) if is_media_list(v) => Value::Array(
                    items
                        .iter()
                        .map(|i| json!({ "media_id": i["media_id"], "file_name": i["file_name"] }))
                        .collect(),
                ),
                _ => v.clone(),
            };
            (k.clone(), v)
        })
        .collect();
    Value::Object(reduced)
}

fn compare(at: &str, sent: Option<&Value>, recorded: Option<&Value>, out: &mut Vec<String>) {
    match (sent, recorded) {
        (Some(Value::Object(a)), Some(Value::Object(b))) => {
            let mut keys: Vec<&String> = a.keys().collect();
            keys.extend(b.keys().filter(|k| !a.contains_key(*k)));
            for k in keys {
                compare(&format!("{at}.{k}"), a.get(k), b.get(k), out);
            }
        }
        (a, b) if a == b => {}
        (a, b) => out.push(format!("{at}: sent {}, recorded {}", shown(a), shown(b))),
    }
}

fn shown(v: Option<&Value>) -> String {
    match v {
        None => "nothing".into(),
        Some(v) => {
            let text = v.to_string();
            if text.chars().count() > 60 {
                format!("{}…", text.chars().take(60).collect::<String>())
            } else {
                text
            }
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
            // Media items change with every session's encryption: rules match the rest.
            let data: serde_json::Map<String, Value> = x
                .request
                .get("data")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
                .filter(|(_, v)| !is_media_list(v))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            if !data.is_empty() {
                rule["match"] = Value::Object(data);
            }
            rule["response"] = x.response.clone().unwrap_or(Value::Null);
            rule
        })
        .collect();
    json!({ "responses": rules })
}

/// Reads a recording file.
pub fn read(path: &Path) -> Result<Vec<Exchange>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("Cannot read the recording {}: {e}.", path.display()))?;
    load(&text).map_err(|e| {
        format!(
            "The file {} is not a flowsim recording ({e}). Pass a file written by --record.",
            path.display()
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Map;

    fn media(url: &str, key: &str) -> Value {
        json!([{ "media_id": "flowsim-0-12ab34cd", "cdn_url": url, "file_name": "a.png",
                 "encryption_metadata": { "encryption_key": key, "hmac_key": key, "iv": key,
                                          "plaintext_hash": "p", "encrypted_hash": "e" } }])
    }

    fn request(data: Value) -> Request {
        Request {
            action: "data_exchange".into(),
            screen: "PHOTO".into(),
            data: data.as_object().cloned().unwrap_or_else(Map::new),
            flow_token: "t".into(),
            version: "3.0".into(),
            sign_flow_token: false,
            notification: false,
        }
    }

    fn exchange(data: Value) -> Exchange {
        let mut x = Exchange::new(&request(data).payload(), 0.0);
        x.status = Some(200);
        x.response = Some(json!({ "screen": "DONE", "data": {} }));
        x
    }

    #[test]
    fn recordings_keep_media_hashes_and_urls_but_not_their_keys() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.jsonl");
        let mut r = Recorder::create(&path).unwrap();
        r.write(&exchange(
            json!({ "photo": media("http://127.0.0.1:9/x.enc", "SECRET") }),
        ))
        .unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(!text.contains("SECRET"), "{text}");
        let back = load(&text).unwrap();
        let m = &back[0].request["data"]["photo"][0];
        assert_eq!(m["cdn_url"], "http://127.0.0.1:9/x.enc");
        assert_eq!(
            m["encryption_metadata"].to_string(),
            json!({ "plaintext_hash": "p", "encrypted_hash": "e" }).to_string()
        );
    }

    #[test]
    fn replay_and_mocks_ignore_what_each_session_encrypts_afresh() {
        let recorded = exchange(json!({ "note": "hi", "photo": media("http://a/1.enc", "K1") }));
        let mut replay = Replay::new(vec![recorded.clone()]);
        // The same file, encrypted again in a new session, offline (no CDN).
        let mut offline = media("http://b/2.enc", "K2");
        offline[0]["cdn_url"] = Value::Null;
        offline[0]["encryption_metadata"] = Value::Null;
        let answer = replay.answer(&request(json!({ "note": "hi", "photo": offline })));
        assert_eq!(answer.differences, Vec::<String>::new());
        assert!(answer.outcome.is_ok());
        // Another file is a difference.
        let mut replay = Replay::new(vec![recorded.clone()]);
        let mut other = media("http://b/2.enc", "K2");
        other[0]["media_id"] = json!("flowsim-0-ffffffff");
        let answer = replay.answer(&request(json!({ "note": "hi", "photo": other })));
        assert_eq!(answer.differences.len(), 1, "{:?}", answer.differences);
        assert!(answer.differences[0].starts_with("data.photo"));
        // A mock made from the recording matches on the rest of the data.
        let mock = to_mock(&[recorded]);
        assert_eq!(mock["responses"][0]["match"], json!({ "note": "hi" }));
    }
}
