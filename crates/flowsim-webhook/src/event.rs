//! The notifications, as Meta builds them (flows-api.md §6.2–6.4, flow-json.md §7.2). Pure:
//! every id, time and figure is given, so the same values always make the same notification;
//! the shells pick fresh ids and the clock. Member order follows Meta's captured payloads.

use serde_json::{Map, Number, Value, json};

use flowsim_core::sim::Completion;

/// The business: its WhatsApp Business Account and phone number.
#[derive(Clone, Debug, PartialEq)]
pub struct Business {
    /// The WABA id (`entry[].id`).
    pub waba_id: String,
    pub phone_number_id: String,
    /// The number the user sees, digits only.
    pub display_phone_number: String,
}

impl Default for Business {
    /// The ids of Meta's examples.
    fn default() -> Business {
        Business {
            waba_id: "644600416743275".into(),
            phone_number_id: "27681414235104944".into(),
            display_phone_number: "16505553333".into(),
        }
    }
}

/// The WhatsApp user who completed the flow.
#[derive(Clone, Debug, PartialEq)]
pub struct User {
    pub wa_id: String,
    /// The profile name.
    pub name: String,
}

impl Default for User {
    fn default() -> User {
        User {
            wa_id: "16315551234".into(),
            name: "Kerry Fisher".into(),
        }
    }
}

/// Who a notification is from and to.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Parties {
    pub business: Business,
    pub user: User,
}

/// One `entry[]` of the envelope: a WABA, and what changed.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub id: String,
    /// Unix seconds; `flows` notifications carry it, `messages` ones usually do not.
    pub time: Option<i64>,
    pub changes: Vec<Change>,
}

/// One `changes[]` item: the webhook field and its value.
#[derive(Clone, Debug, PartialEq)]
pub struct Change {
    pub field: &'static str,
    pub value: Value,
}

/// The envelope of one POST: several entries (and changes) may be batched, and receivers must
/// loop over them.
pub fn envelope(entries: &[Entry]) -> Value {
    let entries: Vec<Value> = entries
        .iter()
        .map(|e| {
            let mut entry = Map::new();
            entry.insert("id".into(), json!(e.id));
            if let Some(t) = e.time {
                entry.insert("time".into(), json!(t));
            }
            let changes: Vec<Value> = e
                .changes
                .iter()
                .map(|c| json!({ "value": c.value, "field": c.field }))
                .collect();
            entry.insert("changes".into(), Value::Array(changes));
            Value::Object(entry)
        })
        .collect();
    json!({ "object": "whatsapp_business_account", "entry": entries })
}

fn metadata(business: &Business) -> Value {
    json!({
        "display_phone_number": business.display_phone_number,
        "phone_number_id": business.phone_number_id,
    })
}

/// The ids and time of one completion message.
#[derive(Clone, Debug, PartialEq)]
pub struct MessageIds {
    /// The id of the user's reply (`messages[].id`, a `wamid.…`).
    pub message_id: String,
    /// The id of the flow message the user answered (`context.id`).
    pub flow_message_id: String,
    /// Unix seconds.
    pub timestamp: i64,
}

/// The `messages` notification of a completed flow: the `nfm_reply` with `response_json` as a
/// string, in reply (`context`) to the flow message the business sent.
pub fn completion(
    business: &Business,
    user: &User,
    ids: &MessageIds,
    completion: &Completion,
) -> Entry {
    let mut message = json!({
        "context": { "from": business.display_phone_number, "id": ids.flow_message_id },
        "from": user.wa_id,
        "id": ids.message_id,
        "timestamp": ids.timestamp.to_string(),
        "type": "interactive",
    });
    message["interactive"] = completion.nfm_reply();
    Entry {
        id: business.waba_id.clone(),
        time: None,
        changes: vec![Change {
            field: "messages",
            value: json!({
                "messaging_product": "whatsapp",
                "metadata": metadata(business),
                "contacts": [ { "profile": { "name": user.name }, "wa_id": user.wa_id } ],
                "messages": [ message ],
            }),
        }],
    }
}

/// What happened to the flow message the business sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Sent,
    Delivered,
    Read,
    Failed,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Sent => "sent",
            Status::Delivered => "delivered",
            Status::Read => "read",
            Status::Failed => "failed",
        }
    }
}

/// A `messages` status notification for a message the business sent.
pub fn message_status(
    business: &Business,
    recipient: &str,
    message_id: &str,
    status: Status,
    timestamp: i64,
) -> Entry {
    let mut item = json!({
        "id": message_id,
        "status": status.as_str(),
        "timestamp": timestamp.to_string(),
        "recipient_id": recipient,
    });
    if status == Status::Failed {
        item["errors"] = json!([{
            "code": 131026,
            "title": "Message undeliverable",
            "message": "Message undeliverable",
            "error_data": { "details": "Message Undeliverable." },
            "href": "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/",
        }]);
    }
    Entry {
        id: business.waba_id.clone(),
        time: None,
        changes: vec![Change {
            field: "messages",
            value: json!({
                "messaging_product": "whatsapp",
                "metadata": metadata(business),
                "statuses": [ item ],
            }),
        }],
    }
}

/// Whether an alert fired (a threshold was crossed) or recovered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AlertState {
    Activated,
    Deactivated,
}

impl AlertState {
    pub fn as_str(self) -> &'static str {
        match self {
            AlertState::Activated => "ACTIVATED",
            AlertState::Deactivated => "DEACTIVATED",
        }
    }
}

/// One line of an error-rate alert's `errors`.
#[derive(Clone, Debug, PartialEq)]
pub struct ErrorFigure {
    /// A free string: Meta's samples spell them `INVALID_SCREEN_TRANSITION`, `TIMEOUT`, …
    pub error_type: String,
    /// Percent.
    pub error_rate: f64,
    pub error_count: u64,
}

/// The figures of an error-rate alert (client or endpoint).
#[derive(Clone, Debug, PartialEq)]
pub struct ErrorRate {
    pub state: AlertState,
    /// Percent: 5, 10 or 50.
    pub threshold: f64,
    /// Percent.
    pub error_rate: f64,
    pub errors: Vec<ErrorFigure>,
}

/// A `flows` notification (flows-api.md §6.3).
#[derive(Clone, Debug, PartialEq)]
pub enum FlowsEvent {
    /// `old` is `None` when the flow was created.
    StatusChange {
        name: String,
        old: Option<String>,
        new: String,
        warning: Option<String>,
    },
    ClientErrorRate(ErrorRate),
    EndpointErrorRate(ErrorRate),
    EndpointLatency {
        state: AlertState,
        /// Milliseconds: 1000, 5000 or 7000.
        threshold: u64,
        p50_ms: u64,
        p90_ms: u64,
        requests: u64,
    },
    EndpointAvailability {
        state: AlertState,
        /// Percent (90).
        threshold: f64,
        availability: f64,
    },
    VersionExpiry {
        warning: String,
    },
}

impl FlowsEvent {
    /// The `event` value.
    pub fn name(&self) -> &'static str {
        match self {
            FlowsEvent::StatusChange { .. } => "FLOW_STATUS_CHANGE",
            FlowsEvent::ClientErrorRate(_) => "CLIENT_ERROR_RATE",
            FlowsEvent::EndpointErrorRate(_) => "ENDPOINT_ERROR_RATE",
            FlowsEvent::EndpointLatency { .. } => "ENDPOINT_LATENCY",
            FlowsEvent::EndpointAvailability { .. } => "ENDPOINT_AVAILABILITY",
            FlowsEvent::VersionExpiry { .. } => "FLOW_VERSION_EXPIRY_WARNING",
        }
    }

    /// The `value` object, members in the order of Meta's samples.
    pub fn value(&self, flow_id: &str) -> Value {
        let mut v = json!({ "event": self.name(), "flow_id": flow_id });
        let o = v.as_object_mut().expect("an object");
        let reached = |state: AlertState| match state {
            AlertState::Activated => "has reached",
            AlertState::Deactivated => "has recovered from",
        };
        match self {
            FlowsEvent::StatusChange {
                name,
                old,
                new,
                warning,
            } => {
                let message = match old {
                    Some(old) => format!("Flow {name} changed status from {old} to {new}"),
                    None => format!("Flow {name} has been created with {new} status"),
                };
                o.insert("message".into(), json!(message));
                if let Some(old) = old {
                    o.insert("old_status".into(), json!(old));
                }
                o.insert("new_status".into(), json!(new));
                if let Some(w) = warning {
                    o.insert("warning".into(), json!(w));
                }
            }
            FlowsEvent::ClientErrorRate(r) | FlowsEvent::EndpointErrorRate(r) => {
                let (who, minutes) = match self {
                    FlowsEvent::ClientErrorRate(_) => ("client", 60),
                    _ => ("endpoint", 30),
                };
                o.insert(
                    "message".into(),
                    json!(format!(
                        "The flow {who} request error rate {} the {}% threshold in the last {minutes} minutes.",
                        reached(r.state),
                        number(r.threshold)
                    )),
                );
                o.insert("error_rate".into(), number(r.error_rate));
                o.insert("threshold".into(), number(r.threshold));
                o.insert("alert_state".into(), json!(r.state.as_str()));
                let errors: Vec<Value> = r
                    .errors
                    .iter()
                    .map(|e| {
                        json!({
                            "error_type": e.error_type,
                            "error_rate": number(e.error_rate),
                            "error_count": e.error_count,
                        })
                    })
                    .collect();
                o.insert("errors".into(), Value::Array(errors));
            }
            FlowsEvent::EndpointLatency {
                state,
                threshold,
                p50_ms,
                p90_ms,
                requests,
            } => {
                o.insert(
                    "message".into(),
                    json!(format!(
                        "Flow endpoint latency {} the p90 threshold of {threshold} ms in the last 30 minutes.",
                        reached(*state)
                    )),
                );
                o.insert("p90_latency".into(), json!(p90_ms));
                o.insert("p50_latency".into(), json!(p50_ms));
                o.insert("requests_count".into(), json!(requests));
                o.insert("threshold".into(), json!(threshold));
                o.insert("alert_state".into(), json!(state.as_str()));
            }
            FlowsEvent::EndpointAvailability {
                state,
                threshold,
                availability,
            } => {
                let verb = match state {
                    AlertState::Activated => "has breached",
                    AlertState::Deactivated => "has recovered above",
                };
                o.insert(
                    "message".into(),
                    json!(format!(
                        "The flow endpoint availability {verb} the {}% threshold in the last 10 minutes.",
                        number(*threshold)
                    )),
                );
                o.insert("alert_state".into(), json!(state.as_str()));
                o.insert("availability".into(), number(*availability));
                o.insert("threshold".into(), number(*threshold));
            }
            FlowsEvent::VersionExpiry { warning } => {
                o.insert("warning".into(), json!(warning));
            }
        }
        v
    }
}

/// A `flows` notification for one flow, at `time` (unix seconds).
pub fn flows(waba_id: &str, time: i64, flow_id: &str, event: &FlowsEvent) -> Entry {
    Entry {
        id: waba_id.to_string(),
        time: Some(time),
        changes: vec![Change {
            field: "flows",
            value: event.value(flow_id),
        }],
    }
}

/// A figure as Meta writes it: whole numbers without a fraction (`10`, not `10.0`).
fn number(x: f64) -> Value {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        json!(x as i64)
    } else {
        Number::from_f64(x).map_or(Value::Null, Value::Number)
    }
}

// --- reading notifications (for the listener) ----------------------------------------------

/// Every `changes[].value` of an envelope, with its field; empty when it is not one.
pub fn changes(notification: &Value) -> Vec<(&str, &Value)> {
    notification
        .get("entry")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|e| e.get("changes").and_then(Value::as_array))
        .flatten()
        .map(|c| {
            (
                c.get("field").and_then(Value::as_str).unwrap_or("?"),
                c.get("value").unwrap_or(&Value::Null),
            )
        })
        .collect()
}

/// The notification with every `nfm_reply.response_json` string replaced by the JSON it holds
/// (left as it is when it is not JSON).
pub fn decode_response_json(notification: &Value) -> Value {
    let mut out = notification.clone();
    let messages = out
        .get_mut("entry")
        .and_then(Value::as_array_mut)
        .into_iter()
        .flatten()
        .filter_map(|e| e.get_mut("changes").and_then(Value::as_array_mut))
        .flatten()
        .filter_map(|c| {
            c.pointer_mut("/value/messages")
                .and_then(Value::as_array_mut)
        })
        .flatten();
    for m in messages {
        if let Some(r) = m.pointer_mut("/interactive/nfm_reply/response_json")
            && let Some(decoded) = r.as_str().and_then(|s| serde_json::from_str(s).ok())
        {
            *r = decoded;
        }
    }
    out
}

/// Ids that identify a delivery for de-duplication: each message's `id`, each status's
/// `id` with its `status` (one message goes through sent, delivered, read).
pub fn delivery_ids(notification: &Value) -> Vec<String> {
    let mut ids = Vec::new();
    for (field, value) in changes(notification) {
        if field != "messages" {
            continue;
        }
        for m in value
            .get("messages")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let Some(id) = m.get("id").and_then(Value::as_str) {
                ids.push(id.to_string());
            }
        }
        for s in value
            .get("statuses")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let (Some(id), Some(st)) = (
                s.get("id").and_then(Value::as_str),
                s.get("status").and_then(Value::as_str),
            ) {
                ids.push(format!("{id} {st}"));
            }
        }
    }
    ids
}

/// One line per change: what it is, in words.
pub fn summary(notification: &Value) -> Vec<String> {
    let s = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).unwrap_or("?").to_string();
    let mut lines = Vec::new();
    for (field, value) in changes(notification) {
        match field {
            "messages" => {
                for m in value
                    .get("messages")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    let what = match m.pointer("/interactive/type").and_then(Value::as_str) {
                        Some("nfm_reply") => "flow completion (nfm_reply)".to_string(),
                        _ => format!("{} message", s(m, "type")),
                    };
                    lines.push(format!(
                        "messages: {what} from {}, id {}",
                        s(m, "from"),
                        s(m, "id")
                    ));
                }
                for st in value
                    .get("statuses")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    lines.push(format!(
                        "messages: status {} of {} to {}",
                        s(st, "status"),
                        s(st, "id"),
                        s(st, "recipient_id")
                    ));
                }
            }
            "flows" => {
                let event = s(value, "event");
                let detail = match event.as_str() {
                    "FLOW_STATUS_CHANGE" => match value.get("old_status").and_then(Value::as_str) {
                        Some(old) => format!("{old} → {}", s(value, "new_status")),
                        None => format!("created as {}", s(value, "new_status")),
                    },
                    "FLOW_VERSION_EXPIRY_WARNING" => "version expiry warning".into(),
                    _ => s(value, "alert_state"),
                };
                lines.push(format!(
                    "flows: {event} for flow {}: {detail}",
                    s(value, "flow_id")
                ));
            }
            other => lines.push(format!("{other}: (not a Flows field)")),
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn done(response: Value) -> Completion {
        Completion {
            screen: "END".into(),
            response: response.as_object().unwrap().clone(),
        }
    }

    #[test]
    fn completion_is_the_messages_notification_of_flow_json_7_2() {
        let entry = completion(
            &Business::default(),
            &User::default(),
            &MessageIds {
                message_id: "wamid.B".into(),
                flow_message_id: "wamid.A".into(),
                timestamp: 1_700_000_000,
            },
            &done(json!({ "flow_token": "t-1", "size": "M" })),
        );
        let v = envelope(&[entry]);
        assert_eq!(v["object"], "whatsapp_business_account");
        assert_eq!(v["entry"][0]["id"], "644600416743275");
        assert!(v["entry"][0].get("time").is_none());
        let change = &v["entry"][0]["changes"][0];
        assert_eq!(change["field"], "messages");
        let m = &change["value"]["messages"][0];
        assert_eq!(
            m["context"],
            json!({ "from": "16505553333", "id": "wamid.A" })
        );
        assert_eq!(m["timestamp"], "1700000000");
        assert_eq!(m["interactive"]["nfm_reply"]["body"], "Sent");
        assert_eq!(
            m["interactive"]["nfm_reply"]["response_json"],
            r#"{"flow_token":"t-1","size":"M"}"#
        );
        assert_eq!(
            change["value"]["contacts"][0],
            json!({ "profile": { "name": "Kerry Fisher" }, "wa_id": "16315551234" })
        );
    }

    #[test]
    fn status_change_messages_follow_meta_templates() {
        let created = FlowsEvent::StatusChange {
            name: "Webhook 3".into(),
            old: None,
            new: "DRAFT".into(),
            warning: None,
        };
        assert_eq!(
            created.value("66"),
            json!({ "event": "FLOW_STATUS_CHANGE", "flow_id": "66",
                    "message": "Flow Webhook 3 has been created with DRAFT status",
                    "new_status": "DRAFT" })
        );
        let published = FlowsEvent::StatusChange {
            name: "Webhook 3".into(),
            old: Some("DRAFT".into()),
            new: "PUBLISHED".into(),
            warning: None,
        };
        assert_eq!(
            published.value("66")["message"],
            "Flow Webhook 3 changed status from DRAFT to PUBLISHED"
        );
    }

    #[test]
    fn figures_keep_fractions_only_when_they_have_one() {
        let v = FlowsEvent::ClientErrorRate(ErrorRate {
            state: AlertState::Activated,
            threshold: 10.0,
            error_rate: 14.28,
            errors: vec![],
        })
        .value("1");
        assert_eq!(
            String::from_utf8(crate::json::meta_bytes(&v["threshold"])).unwrap(),
            "10"
        );
        assert_eq!(v["error_rate"], json!(14.28));
    }

    #[test]
    fn decoding_replaces_response_json_strings_only() {
        let entry = completion(
            &Business::default(),
            &User::default(),
            &MessageIds {
                message_id: "wamid.B".into(),
                flow_message_id: "wamid.A".into(),
                timestamp: 1,
            },
            &done(json!({ "flow_token": "t", "n": 1 })),
        );
        let v = envelope(&[entry]);
        let d = decode_response_json(&v);
        assert_eq!(
            d.pointer("/entry/0/changes/0/value/messages/0/interactive/nfm_reply/response_json"),
            Some(&json!({ "flow_token": "t", "n": 1 }))
        );
        assert_eq!(delivery_ids(&v), vec!["wamid.B".to_string()]);
        assert_eq!(
            summary(&v),
            vec!["messages: flow completion (nfm_reply) from 16315551234, id wamid.B"]
        );
    }
}
