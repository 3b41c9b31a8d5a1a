//! The Flows API calls (flows-api.md §2–5) and the shapes of their answers. Each call
//! returns the typed answer with the JSON as Meta sent it ([`Answer::raw`]), for
//! `--format json`.

use reqwest::Method;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};

use crate::client::{Body, Client};
use crate::error::ApiError;

/// The fields `list` asks for.
pub const LIST_FIELDS: &str =
    "id,name,status,categories,validation_errors,json_version,data_api_version";
/// The fields `show` asks for: every documented field of a flow for Graph ≥ v19.0.
pub const SHOW_FIELDS: &str = "id,name,status,categories,validation_errors,json_version,\
data_api_version,endpoint_uri,preview.invalidate(false),whatsapp_business_account,application,\
health_status";
/// Meta's flow categories (flows-api.md §2.4).
pub const CATEGORIES: &[&str] = &[
    "SIGN_UP",
    "SIGN_IN",
    "APPOINTMENT_BOOKING",
    "LEAD_GENERATION",
    "CONTACT_US",
    "CUSTOMER_SUPPORT",
    "SURVEY",
    "OTHER",
];

/// A typed answer and the JSON it came from.
#[derive(Debug, Clone)]
pub struct Answer<T> {
    pub value: T,
    pub raw: Value,
}

fn typed<T: DeserializeOwned>(raw: Value, what: &str) -> Result<Answer<T>, ApiError> {
    match T::deserialize(&raw) {
        Ok(value) => Ok(Answer { value, raw }),
        Err(e) => Err(ApiError::Transport(format!(
            "Meta's answer to {what} has an unexpected shape ({e})"
        ))),
    }
}

/// A flow as `GET /{FLOW-ID}` or the list describes it; fields not asked for are empty.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Flow {
    pub id: String,
    pub name: String,
    pub status: String,
    pub categories: Vec<String>,
    pub validation_errors: Vec<ValidationError>,
    pub json_version: Option<String>,
    pub data_api_version: Option<String>,
    pub endpoint_uri: Option<String>,
    pub preview: Option<Preview>,
    pub whatsapp_business_account: Option<Node>,
    pub application: Option<Node>,
    pub health_status: Option<Health>,
}

/// One of Meta's `validation_errors` (flow-json.md §6.1). Older answers have no `pointers`.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(default)]
pub struct ValidationError {
    pub error: String,
    pub error_type: String,
    pub message: String,
    pub line_start: Option<usize>,
    pub line_end: Option<usize>,
    pub column_start: Option<usize>,
    pub column_end: Option<usize>,
    pub pointers: Vec<Pointer>,
}

impl ValidationError {
    /// Meta's code for the error: `error`, or `error_type` when `error` is empty.
    pub fn code(&self) -> &str {
        if self.error.is_empty() {
            &self.error_type
        } else {
            &self.error
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(default)]
pub struct Pointer {
    pub line_start: Option<usize>,
    pub line_end: Option<usize>,
    pub column_start: Option<usize>,
    pub column_end: Option<usize>,
    pub path: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Preview {
    pub preview_url: String,
    /// An ISO date (`2026-07-21T11:18:09+0000`), or unix seconds with `date_format=U`.
    pub expires_at: Value,
}

/// A related node (`whatsapp_business_account`, `application`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Node {
    pub id: String,
    pub name: Option<String>,
}

/// `health_status` (flows-api.md §2.3).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Health {
    pub can_send_message: String,
    pub entities: Vec<Entity>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Entity {
    pub entity_type: String,
    pub id: String,
    pub can_send_message: String,
    pub errors: Vec<EntityError>,
    pub additional_info: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct EntityError {
    /// A number in Meta's samples; kept as sent.
    pub error_code: Value,
    pub error_description: String,
    pub possible_solution: Option<String>,
}

/// The answer to a create or an upload.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Saved {
    pub id: Option<String>,
    pub success: Option<bool>,
    pub validation_errors: Vec<ValidationError>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Asset {
    pub name: String,
    pub asset_type: String,
    pub download_url: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Assets {
    pub data: Vec<Asset>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Flows {
    pub data: Vec<Flow>,
}

/// The answer to a lifecycle call.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Success {
    pub success: bool,
}

/// The answer to a sent message.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Sent {
    pub contacts: Vec<Contact>,
    pub messages: Vec<MessageId>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Contact {
    pub input: String,
    pub wa_id: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct MessageId {
    pub id: String,
}

/// The phone number's business public key (flows-api.md §4).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Key {
    pub business_public_key: String,
    pub business_public_key_signature_status: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Keys {
    pub data: Vec<Key>,
}

/// A new flow (`POST /{WABA-ID}/flows`, flows-api.md §3.2).
#[derive(Debug, Clone, Default)]
pub struct NewFlow {
    pub name: String,
    pub categories: Vec<String>,
    /// The Flow JSON text, sent as a string.
    pub flow_json: Option<String>,
    pub endpoint_uri: Option<String>,
    pub clone_flow_id: Option<String>,
    pub publish: bool,
}

/// How the flow opens when sent (flows-api.md §5.1).
#[derive(Debug, Clone)]
pub enum OpenWith {
    /// Open `screen` (default: Meta picks the first entry screen) with `data`.
    Navigate {
        screen: Option<String>,
        data: Option<Value>,
    },
    /// Ask the endpoint for the first screen (INIT).
    DataExchange,
}

/// An interactive flow message (`POST /{PHONE-NUMBER-ID}/messages`).
#[derive(Debug, Clone)]
pub struct FlowMessage {
    pub to: String,
    pub flow_id: String,
    pub cta: String,
    pub body: String,
    /// `mode: draft`, to test a flow that is not published (or its unpublished edits).
    pub draft: bool,
    pub flow_token: Option<String>,
    pub open: OpenWith,
}

impl FlowMessage {
    /// The message as Meta expects it.
    pub fn to_json(&self) -> Value {
        let mut parameters = Map::new();
        parameters.insert("flow_message_version".into(), json!("3"));
        if let Some(t) = &self.flow_token {
            parameters.insert("flow_token".into(), json!(t));
        }
        parameters.insert("flow_id".into(), json!(self.flow_id));
        parameters.insert("flow_cta".into(), json!(self.cta));
        parameters.insert(
            "mode".into(),
            json!(if self.draft { "draft" } else { "published" }),
        );
        match &self.open {
            OpenWith::Navigate { screen, data } => {
                parameters.insert("flow_action".into(), json!("navigate"));
                let mut payload = Map::new();
                if let Some(s) = screen {
                    payload.insert("screen".into(), json!(s));
                }
                if let Some(d) = data {
                    payload.insert("data".into(), d.clone());
                }
                if !payload.is_empty() {
                    parameters.insert("flow_action_payload".into(), Value::Object(payload));
                }
            }
            OpenWith::DataExchange => {
                parameters.insert("flow_action".into(), json!("data_exchange"));
            }
        }
        json!({
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": self.to,
            "type": "interactive",
            "interactive": {
                "type": "flow",
                "body": { "text": self.body },
                "action": { "name": "flow", "parameters": parameters },
            },
        })
    }
}

/// The interactive parameters of a preview link (flow-json.md §8.1).
#[derive(Debug, Clone, Default)]
pub struct PreviewParams {
    /// Run the preview interactively instead of a static rendering.
    pub interactive: bool,
    pub flow_token: Option<String>,
    /// `navigate` or `data_exchange`.
    pub flow_action: Option<String>,
    /// `{"screen": …, "data": {…}}`, sent URL-encoded.
    pub flow_action_payload: Option<Value>,
    /// The business number whose public key encrypts endpoint requests.
    pub phone_number: Option<String>,
    /// Show the actions side panel (interactive only).
    pub debug: bool,
}

/// Meta's preview link with the parameters appended.
pub fn preview_link(preview_url: &str, p: &PreviewParams) -> Result<String, ApiError> {
    let mut url = reqwest::Url::parse(preview_url)
        .map_err(|e| ApiError::Transport(format!("Meta's preview link is not a URL ({e})")))?;
    {
        let mut q = url.query_pairs_mut();
        if p.interactive {
            q.append_pair("interactive", "true");
        }
        if let Some(t) = &p.flow_token {
            q.append_pair("flow_token", t);
        }
        if let Some(a) = &p.flow_action {
            q.append_pair("flow_action", a);
        }
        if let Some(payload) = &p.flow_action_payload {
            q.append_pair("flow_action_payload", &payload.to_string());
        }
        if let Some(n) = &p.phone_number {
            q.append_pair("phone_number", n);
        }
        if p.debug {
            q.append_pair("debug", "true");
        }
    }
    Ok(url.to_string())
}

/// Refuses an id that could change the request's path: Graph ids are digits (samples use
/// letters and dashes too).
pub fn check_id(what: &str, id: &str) -> Result<(), ApiError> {
    if !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        Ok(())
    } else {
        Err(ApiError::Usage(format!(
            "{what} {:?} is not a Graph id (digits, like 1234567890123456)",
            flowsim_core::text::sanitize(id)
        )))
    }
}

impl Client {
    /// Every flow of a WABA, through every page; `progress` gets the count after each page.
    pub async fn list_flows(
        &self,
        waba_id: &str,
        progress: impl FnMut(usize),
    ) -> Result<Answer<Flows>, ApiError> {
        check_id("the WABA id", waba_id)?;
        let raw = self
            .list_all(
                &format!("{waba_id}/flows"),
                &[("fields", LIST_FIELDS)],
                progress,
            )
            .await?;
        typed(raw, "the list of flows")
    }

    /// One flow with the given fields.
    pub async fn flow(&self, flow_id: &str, fields: &str) -> Result<Answer<Flow>, ApiError> {
        check_id("the flow id", flow_id)?;
        let raw = self
            .call(Method::GET, flow_id, &[("fields", fields)], Body::Empty)
            .await?;
        typed(raw, "the flow")
    }

    /// The preview link; `invalidate` revokes the old one and makes a new one.
    pub async fn preview(&self, flow_id: &str, invalidate: bool) -> Result<Answer<Flow>, ApiError> {
        let fields = format!("preview.invalidate({invalidate})");
        self.flow(flow_id, &fields).await
    }

    pub async fn create_flow(
        &self,
        waba_id: &str,
        flow: &NewFlow,
    ) -> Result<Answer<Saved>, ApiError> {
        check_id("the WABA id", waba_id)?;
        if let Some(id) = &flow.clone_flow_id {
            check_id("the flow id to clone", id)?;
        }
        let mut body = Map::new();
        body.insert("name".into(), json!(flow.name));
        body.insert("categories".into(), json!(flow.categories));
        if let Some(j) = &flow.flow_json {
            body.insert("flow_json".into(), json!(j));
        }
        if let Some(u) = &flow.endpoint_uri {
            body.insert("endpoint_uri".into(), json!(u));
        }
        if let Some(c) = &flow.clone_flow_id {
            body.insert("clone_flow_id".into(), json!(c));
        }
        if flow.publish {
            body.insert("publish".into(), json!(true));
        }
        let raw = self
            .call(
                Method::POST,
                &format!("{waba_id}/flows"),
                &[],
                Body::Json(Value::Object(body)),
            )
            .await?;
        typed(raw, "the new flow")
    }

    /// Uploads the Flow JSON asset (multipart, flows-api.md §3.5); Meta answers with its
    /// `validation_errors`.
    pub async fn upload(
        &self,
        flow_id: &str,
        flow_json: Vec<u8>,
    ) -> Result<Answer<Saved>, ApiError> {
        check_id("the flow id", flow_id)?;
        let raw = self
            .call(
                Method::POST,
                &format!("{flow_id}/assets"),
                &[],
                Body::Multipart {
                    file_name: "flow.json".into(),
                    bytes: flow_json,
                    fields: vec![
                        ("name", "flow.json".into()),
                        ("asset_type", "FLOW_JSON".into()),
                    ],
                },
            )
            .await?;
        typed(raw, "the upload")
    }

    pub async fn assets(&self, flow_id: &str) -> Result<Answer<Assets>, ApiError> {
        check_id("the flow id", flow_id)?;
        let raw = self
            .list_all(
                &format!("{flow_id}/assets"),
                &[("fields", "name,asset_type,download_url")],
                |_| {},
            )
            .await?;
        typed(raw, "the list of assets")
    }

    /// The bytes behind an asset's `download_url`, fetched without the token.
    pub async fn download_asset(&self, asset: &Asset) -> Result<Vec<u8>, ApiError> {
        self.download(&asset.download_url).await
    }

    pub async fn publish(&self, flow_id: &str) -> Result<Answer<Success>, ApiError> {
        self.lifecycle(Method::POST, flow_id, "/publish").await
    }

    pub async fn deprecate(&self, flow_id: &str) -> Result<Answer<Success>, ApiError> {
        self.lifecycle(Method::POST, flow_id, "/deprecate").await
    }

    pub async fn delete(&self, flow_id: &str) -> Result<Answer<Success>, ApiError> {
        self.lifecycle(Method::DELETE, flow_id, "").await
    }

    async fn lifecycle(
        &self,
        method: Method,
        flow_id: &str,
        edge: &str,
    ) -> Result<Answer<Success>, ApiError> {
        check_id("the flow id", flow_id)?;
        let raw = self
            .call(method, &format!("{flow_id}{edge}"), &[], Body::Empty)
            .await?;
        typed(raw, "the request")
    }

    pub async fn send_flow(
        &self,
        phone_id: &str,
        message: &FlowMessage,
    ) -> Result<Answer<Sent>, ApiError> {
        check_id("the phone number id", phone_id)?;
        check_id("the flow id", &message.flow_id)?;
        let raw = self
            .call(
                Method::POST,
                &format!("{phone_id}/messages"),
                &[],
                Body::Json(message.to_json()),
            )
            .await?;
        typed(raw, "the message")
    }

    pub async fn key(&self, phone_id: &str) -> Result<Answer<Keys>, ApiError> {
        check_id("the phone number id", phone_id)?;
        let raw = self
            .call(
                Method::GET,
                &format!("{phone_id}/whatsapp_business_encryption"),
                &[],
                Body::Empty,
            )
            .await?;
        typed(raw, "the encryption key")
    }

    pub async fn set_key(&self, phone_id: &str, pem: &str) -> Result<Answer<Success>, ApiError> {
        check_id("the phone number id", phone_id)?;
        let raw = self
            .call(
                Method::POST,
                &format!("{phone_id}/whatsapp_business_encryption"),
                &[],
                Body::Json(json!({ "business_public_key": pem })),
            )
            .await?;
        typed(raw, "the key upload")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_flow_message_has_meta_s_shape() {
        let mut m = FlowMessage {
            to: "15551234567".into(),
            flow_id: "123".into(),
            cta: "Book!".into(),
            body: "Hi".into(),
            draft: true,
            flow_token: Some("t-1".into()),
            open: OpenWith::Navigate {
                screen: Some("START".into()),
                data: Some(json!({"a": 1})),
            },
        };
        let v = m.to_json();
        let p = &v["interactive"]["action"]["parameters"];
        assert_eq!(v["type"], "interactive");
        assert_eq!(v["interactive"]["type"], "flow");
        assert_eq!(v["interactive"]["body"]["text"], "Hi");
        assert_eq!(p["flow_message_version"], "3");
        assert_eq!(p["mode"], "draft");
        assert_eq!(p["flow_action"], "navigate");
        assert_eq!(
            p["flow_action_payload"],
            json!({"screen": "START", "data": {"a": 1}})
        );
        m.open = OpenWith::DataExchange;
        m.draft = false;
        m.flow_token = None;
        let p = m.to_json()["interactive"]["action"]["parameters"].clone();
        assert_eq!(p["flow_action"], "data_exchange");
        assert_eq!(p["mode"], "published");
        assert!(p.get("flow_action_payload").is_none() && p.get("flow_token").is_none());
    }

    #[test]
    fn preview_parameters_are_appended_and_encoded() {
        let p = PreviewParams {
            interactive: true,
            flow_token: Some("t 1".into()),
            flow_action: Some("navigate".into()),
            flow_action_payload: Some(json!({"screen": "A", "data": {"x": "é&"}})),
            phone_number: Some("15551234567".into()),
            debug: true,
        };
        let link = preview_link(
            "https://business.facebook.com/wa/manage/flows/5/preview/?token=abc",
            &p,
        )
        .unwrap();
        let url = reqwest::Url::parse(&link).unwrap();
        let q: Vec<(String, String)> = url.query_pairs().into_owned().collect();
        assert_eq!(q[0], ("token".into(), "abc".into()));
        assert_eq!(q[1], ("interactive".into(), "true".into()));
        assert_eq!(q[2], ("flow_token".into(), "t 1".into()));
        let payload: Value = serde_json::from_str(&q[4].1).unwrap();
        assert_eq!(payload["data"]["x"], "é&");
        assert_eq!(q.last().unwrap(), &("debug".into(), "true".into()));
        let plain = preview_link("https://x/p?token=abc", &PreviewParams::default()).unwrap();
        assert_eq!(plain, "https://x/p?token=abc");
    }

    #[test]
    fn ids_cannot_change_the_path() {
        assert!(check_id("x", "1234567890123456").is_ok());
        assert!(check_id("x", "flow-1").is_ok());
        for bad in ["", "1/../2", "1?fields=x", "1#", "a b"] {
            assert!(check_id("x", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn both_validation_error_flavours_parse() {
        let old: ValidationError = serde_json::from_value(json!({"error": "INVALID_PROPERTY",
            "error_type": "JSON_SCHEMA_ERROR", "message": "m", "line_start": 46, "line_end": 46,
            "column_start": 17, "column_end": 30}))
        .unwrap();
        assert!(old.pointers.is_empty());
        assert_eq!(old.line_start, Some(46));
        let new: ValidationError =
            serde_json::from_value(json!({"error": "X", "error_type": "FLOW_JSON_ERROR",
            "message": "m", "pointers": [{"path": "screens[0]", "line_start": 1}]}))
            .unwrap();
        assert_eq!(new.pointers[0].path, "screens[0]");
        assert_eq!(new.line_start, None);
    }
}
