//! `flowsim webhook check`: a short security and robustness check of a webhook receiver, each
//! check ending in a pass or a finding. A receiver must take a correctly signed notification,
//! refuse a forged and an unsigned one, take a batch of several entries and changes, answer a
//! duplicate delivery, answer quickly, and verify a body whose non-ASCII text is escaped as
//! Meta escapes it.

use std::time::Duration;

use serde_json::{Map, Value, json};

use crate::deliver::{self, Delivery, Sender, Signature, millis};
use crate::event::{self, AlertState, Entry, FlowsEvent, Parties, Status};
use crate::json::meta_bytes;
use flowsim_core::sim::Completion;

/// One check and its result.
#[derive(Clone, Debug, PartialEq)]
pub struct Check {
    /// What a good receiver does, e.g. "rejects a forged signature".
    pub name: &'static str,
    pub passed: bool,
    /// What happened (`403 in 2 ms`), and for a finding what it means.
    pub detail: String,
}

/// Runs every check against `url`, one request at a time. `slow`: answers slower than this
/// are a finding. The sender must have the app secret (see [`Sender::has_secret`]).
pub async fn run(sender: &Sender, url: &str, parties: &Parties, slow: Duration) -> Vec<Check> {
    let mut checks = Vec::new();
    let mut all: Vec<(&'static str, Delivery)> = Vec::new();
    let completion = |values: Value| completion_envelope(parties, values);

    // 1. The baseline: what Meta sends, correctly signed.
    let baseline = sender
        .post(url, &completion(json!({ "plan": "pro", "agree": true })))
        .await;
    let baseline_ok = baseline.ok();
    checks.push(accepted("accepts a signed notification", &baseline));
    all.push(("the signed notification", baseline));

    // 2, 3. Forged and unsigned: must be refused.
    for (name, signature, what) in [
        (
            "rejects a forged signature",
            Signature::Forged,
            "a forged signature",
        ),
        (
            "rejects an unsigned request",
            Signature::Unsigned,
            "no signature",
        ),
    ] {
        let body = meta_bytes(&completion(json!({ "plan": "pro", "agree": true })));
        let d = sender.post_bytes(url, body, signature).await;
        checks.push(refused(name, what, &d, baseline_ok));
        all.push((name, d));
    }

    // 4. A batch: two entries, each with two changes.
    let batch = batch(parties);
    let d = sender.post(url, &batch).await;
    let mut check = accepted("accepts a batch of entries and changes", &d);
    if !check.passed {
        check.detail.push_str(
            ". Meta batches several entries, and several changes per entry, into one POST: \
             loop over entry[] and entry[].changes[] instead of reading the first one",
        );
    }
    checks.push(check);
    all.push(("the batch", d));

    // 5. The same delivery twice (Meta retries, so duplicates happen).
    let body = meta_bytes(&completion(json!({ "plan": "basic" })));
    let first = sender
        .post_bytes(url, body.clone(), Signature::AppSecret)
        .await;
    let second = sender.post_bytes(url, body, Signature::AppSecret).await;
    checks.push(if !first.ok() {
        Check {
            name: "answers a duplicate delivery",
            passed: false,
            detail: format!(
                "inconclusive: the first delivery already failed ({})",
                first.outcome()
            ),
        }
    } else if second.ok() {
        Check {
            name: "answers a duplicate delivery",
            passed: true,
            detail: format!("{}, then {}", first.outcome(), second.outcome()),
        }
    } else {
        Check {
            name: "answers a duplicate delivery",
            passed: false,
            detail: format!(
                "the same message id delivered twice: {}, then {}: {}. Meta delivers at least \
                 once and retries, so a receiver must answer 200 to a duplicate (and skip it \
                 by message id)",
                first.outcome(),
                second.outcome(),
                second.diagnosis().unwrap_or_default()
            ),
        }
    });
    all.push(("the delivery", first));
    all.push(("the duplicate delivery", second));

    // 6. Non-ASCII text, escaped and signed as Meta does.
    let d = sender
        .post(
            url,
            &completion(json!({
                "name": "Zoë Ødegård",
                "city": "São Paulo",
                "note": "äöå 🎉 — see https://example.com/a?b=c",
            })),
        )
        .await;
    let mut check = accepted("verifies escaped non-ASCII text", &d);
    if !check.passed && baseline_ok {
        check.detail = format!(
            "{}: it took the ASCII notification but not this one, whose non-ASCII text (and \
             `/`) is escaped as Meta escapes it (\\u00eb, \\/). It probably verifies the \
             signature over a re-serialised object: hash the raw body bytes instead",
            d.outcome()
        );
    }
    checks.push(check);
    all.push(("the non-ASCII notification", d));

    // 7. Speed, over every request made.
    let slowest = all
        .iter()
        .filter(|(_, d)| d.status.is_some())
        .max_by_key(|(_, d)| d.latency);
    let timed_out: Vec<&str> = all
        .iter()
        .filter(|(_, d)| d.status.is_none())
        .map(|(n, _)| *n)
        .collect();
    let name = "answers within a few seconds";
    checks.push(match slowest {
        _ if !timed_out.is_empty() => Check {
            name,
            passed: false,
            detail: format!(
                "no answer to {}: {}",
                timed_out.join(", "),
                all.iter()
                    .find_map(|(_, d)| d.error.clone())
                    .unwrap_or_default()
            ),
        },
        Some((what, d)) if d.latency > slow => Check {
            name,
            passed: false,
            detail: format!(
                "{what} took {} (over {}): Meta expects a quick 200. Acknowledge first and \
                 process in the background, or deliveries time out and are sent again",
                millis(d.latency),
                millis(slow)
            ),
        },
        Some((_, d)) => Check {
            name,
            passed: true,
            detail: format!("the slowest answer took {}", millis(d.latency)),
        },
        None => Check {
            name,
            passed: false,
            detail: "no request was answered".into(),
        },
    });
    checks
}

fn completion_envelope(parties: &Parties, values: Value) -> Value {
    event::envelope(&[completion_entry(parties, values)])
}

/// A completion with a fresh flow token and ids, and these values in its `response_json`.
fn completion_entry(parties: &Parties, values: Value) -> Entry {
    let mut response = Map::new();
    response.insert(
        "flow_token".into(),
        json!(format!("flowsim-check-{}", deliver::challenge())),
    );
    if let Value::Object(v) = values {
        response.extend(v);
    }
    event::completion(
        &parties.business,
        &parties.user,
        &deliver::fresh_ids(),
        &Completion {
            screen: String::new(),
            response,
        },
    )
}

/// Two entries with two changes each: a completion and a status, a status change and an alert.
fn batch(parties: &Parties) -> Value {
    let p = parties;
    let now = deliver::unix_now();
    let mut messages = completion_entry(p, json!({ "plan": "pro" }));
    messages.changes.extend(
        event::message_status(
            &p.business,
            &p.user.wa_id,
            &deliver::wamid(),
            Status::Delivered,
            now,
        )
        .changes,
    );
    let mut flows = event::flows(
        &p.business.waba_id,
        now,
        "6627390910605886",
        &FlowsEvent::StatusChange {
            name: "Webhook check".into(),
            old: Some("DRAFT".into()),
            new: "PUBLISHED".into(),
            warning: None,
        },
    );
    flows.changes.extend(
        event::flows(
            &p.business.waba_id,
            now,
            "6627390910605886",
            &FlowsEvent::EndpointAvailability {
                state: AlertState::Activated,
                threshold: 90.0,
                availability: 75.0,
            },
        )
        .changes,
    );
    event::envelope(&[messages, flows])
}

fn accepted(name: &'static str, d: &Delivery) -> Check {
    match d.diagnosis() {
        None => Check {
            name,
            passed: true,
            detail: d.outcome(),
        },
        Some(why) => Check {
            name,
            passed: false,
            detail: format!("{}: {why}", d.outcome()),
        },
    }
}

fn refused(name: &'static str, what: &str, d: &Delivery, baseline_ok: bool) -> Check {
    let (passed, detail) = match d.status {
        Some(_) if d.ok() => (
            false,
            format!(
                "{}: the receiver took a notification with {what}, so anyone who knows the URL \
                 can fake completions. Check X-Hub-Signature-256 (HMAC-SHA256 of the raw body, \
                 keyed with the app secret, compared in constant time) and answer 401 or 403 \
                 when it does not match",
                d.outcome()
            ),
        ),
        Some(_) if !baseline_ok => (
            false,
            format!(
                "inconclusive: refused ({}), but it refuses correctly signed notifications too",
                d.outcome()
            ),
        ),
        Some(_) => (true, format!("refused: {}", d.outcome())),
        None => (
            false,
            format!("{}: {}", d.outcome(), d.error.clone().unwrap_or_default()),
        ),
    };
    Check {
        name,
        passed,
        detail,
    }
}

/// Meta's subscription handshake, twice: with the right token the receiver must answer 200
/// with exactly the challenge; with a wrong one it must refuse.
pub async fn handshake(sender: &Sender, url: &str, verify_token: &str) -> Vec<Check> {
    let challenge = deliver::challenge();
    let d = sender.handshake(url, verify_token, &challenge).await;
    let name = "answers the handshake with the challenge";
    let right = match (d.diagnosis(), d.answer.trim() == challenge) {
        (None, true) => Check {
            name,
            passed: true,
            detail: format!("{}, the body is the challenge", d.outcome()),
        },
        (None, false) => Check {
            name,
            passed: false,
            detail: format!(
                "{}, but the body is {:?}, not the challenge {challenge}: Meta needs the bare \
                 hub.challenge value as the body (res.status(200).send(challenge)); JSON or a \
                 quoted string fails the subscription",
                d.outcome(),
                d.answer.chars().take(80).collect::<String>()
            ),
        },
        (Some(why), _) if d.status.is_none() => Check {
            name,
            passed: false,
            detail: format!("{}: {why}", d.outcome()),
        },
        (Some(why), _) => Check {
            name,
            passed: false,
            detail: format!(
                "{}: {why}. Is --verify-token the token the receiver expects, and does it read \
                 hub.mode, hub.challenge and hub.verify_token from the query (PHP sees them as \
                 hub_mode, …)?",
                d.outcome()
            ),
        },
    };
    let wrong_challenge = deliver::challenge();
    let wrong_token = format!("not-{}", deliver::wamid());
    let w = sender.handshake(url, &wrong_token, &wrong_challenge).await;
    let name = "refuses a wrong verify token";
    let wrong = if w.status.is_none() {
        Check {
            name,
            passed: false,
            detail: format!("{}: {}", w.outcome(), w.error.clone().unwrap_or_default()),
        }
    } else if w.ok() {
        Check {
            name,
            passed: false,
            detail: format!(
                "{}{}: the receiver answered a handshake whose verify token is wrong, so any \
                 app can subscribe this URL. Compare hub.verify_token with your token and \
                 answer 403 when it differs",
                w.outcome(),
                if w.answer.trim() == wrong_challenge {
                    " with the challenge"
                } else {
                    ""
                }
            ),
        }
    } else {
        Check {
            name,
            passed: true,
            detail: format!("refused: {}", w.outcome()),
        }
    };
    vec![right, wrong]
}
