//! A fake of Meta's Graph API for the Flows API, on 127.0.0.1, following the checklist of
//! flows-api.md §9: `/{vNN.N}/…` paths, the Bearer token (or `access_token`) with 104/190/
//! 190-463/200 refusals, JSON, form and query parameters alike, `fields` with the
//! `preview.invalidate()` modifier and `date_format=U`, cursor paging, the status machine
//! (DRAFT → PUBLISHED → DEPRECATED; delete only drafts; publish refused with 139002 for each
//! publishing check), multipart uploads answering `validation_errors` in Meta's shape, asset
//! downloads at a public link, preview links, health status, the encryption key, sending with
//! its refusals, a rate limit per token (80007 with the wait), and injectable failures. Every
//! error is Graph's envelope with an `fbtrace_id`.
//!
//! Used by `tests/api.rs` (through the real binary) and by `examples/fake_graph.rs` (to try
//! the commands by hand).

// One error value per request: boxing it would add noise, not speed.
#![allow(clippy::result_large_err)]

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{FromRequest, Multipart, Path, RawQuery, Request, State as AxState};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};
use serde_json::{Map, Value, json};

use flowsim_core::flow::source::Source;
use flowsim_core::flow::version::Version;
use flowsim_core::validate::check;

/// A token with both permissions.
pub const TOKEN: &str = "EAAGfakeGraphToken0123456789abcdefZZ";
/// A token Meta says has expired (190/463).
pub const EXPIRED: &str = "EAAGexpiredToken0123456789abcdefZZ";
/// A token without `whatsapp_business_messaging` (sending is refused with 200).
pub const NO_MESSAGING: &str = "EAAGmanageOnlyToken0123456789abcZZ";
pub const WABA: &str = "104996123456789";
pub const PHONE: &str = "106540352242922";
pub const APP: &str = "321654987000111";
/// Flow JSON versions that can still be published (flows-api.md §7).
const PUBLISHABLE: &[&str] = &[
    "5.1", "6.0", "6.1", "6.2", "6.3", "7.0", "7.1", "7.2", "7.3",
];

/// One flow as the fake keeps it.
#[derive(Debug, Clone)]
pub struct FlowRec {
    pub id: String,
    pub name: String,
    pub status: String,
    pub categories: Vec<String>,
    pub json: Option<String>,
    pub published_json: Option<String>,
    pub validation_errors: Vec<Value>,
    pub endpoint_uri: Option<String>,
    pub preview: Option<(String, i64)>,
    pub sends: u32,
}

impl FlowRec {
    fn version(&self, key: &str) -> Option<String> {
        let v: Value = serde_json::from_str(self.json.as_deref()?).ok()?;
        v.get(key)?.as_str().map(str::to_string)
    }
}

/// A failure served instead of the next answer (after authentication).
#[derive(Debug, Clone)]
pub struct Injected {
    pub status: u16,
    pub body: Value,
    pub retry_after: Option<u64>,
}

/// A request as the fake saw it.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    pub path: String,
    pub query: String,
    pub authorization: Option<String>,
    pub content_type: Option<String>,
    pub body: String,
}

/// Everything the fake knows; tests change it to set up a case and read it to check one.
#[derive(Debug)]
pub struct State {
    pub base_url: String,
    pub flows: Vec<FlowRec>,
    next_id: u64,
    trace: u64,
    /// Items per page when the request gives no `limit` (Graph commonly uses 25).
    pub page_size: usize,
    pub waba_has_phone: bool,
    pub app_connected: bool,
    pub endpoint_healthy: bool,
    /// The phone number's key and its signature status.
    pub key: Option<(String, String)>,
    /// Calls left for `TOKEN` before 80007; `None`: no limit.
    pub budget: Option<u32>,
    /// Minutes announced in `X-Business-Use-Case-Usage` when the budget is spent.
    pub regain_minutes: u64,
    pub inject: VecDeque<Injected>,
    /// Replaces the validator's verdict on the next uploads (Meta disagreeing with flowsim).
    pub verdicts: VecDeque<Vec<Value>>,
    pub seen: Vec<Seen>,
    pub downloads: Vec<Option<String>>,
    pub messages: Vec<Value>,
}

/// The running fake.
pub struct Fake {
    pub url: String,
    state: Arc<Mutex<State>>,
}

impl Fake {
    /// Starts the fake on a free port of 127.0.0.1, on a thread of its own (so synchronous
    /// tests can run the binary against it).
    pub fn start() -> Fake {
        Fake::start_on("127.0.0.1:0".parse().unwrap())
    }

    pub fn start_on(addr: SocketAddr) -> Fake {
        let listener = std::net::TcpListener::bind(addr).expect("bind the fake Graph API");
        listener.set_nonblocking(true).unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let state = Arc::new(Mutex::new(State {
            base_url: url.clone(),
            flows: Vec::new(),
            next_id: 1_000_000_000_000_001,
            trace: 0,
            page_size: 25,
            waba_has_phone: true,
            app_connected: true,
            endpoint_healthy: true,
            key: None,
            budget: None,
            regain_minutes: 5,
            inject: VecDeque::new(),
            verdicts: VecDeque::new(),
            seen: Vec::new(),
            downloads: Vec::new(),
            messages: Vec::new(),
        }));
        let app = Router::new()
            .route("/download/{flow}/{nonce}", get(download))
            .route("/{version}/{*rest}", any(graph))
            .fallback(unknown_path)
            .with_state(state.clone());
        std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).unwrap();
                axum::serve(listener, app).await.unwrap();
            });
        });
        Fake { url, state }
    }

    pub fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Adds a flow directly (as if made in WhatsApp Manager) and returns its id.
    pub fn add_flow(&self, name: &str, status: &str, json: Option<&str>) -> String {
        let mut s = self.state();
        let id = s.new_id();
        let validation_errors = json.map(verdict).unwrap_or_default();
        s.flows.push(FlowRec {
            id: id.clone(),
            name: name.into(),
            status: status.into(),
            categories: vec!["OTHER".into()],
            json: json.map(str::to_string),
            published_json: (status != "DRAFT")
                .then(|| json.map(str::to_string))
                .flatten(),
            validation_errors,
            endpoint_uri: None,
            preview: None,
            sends: 0,
        });
        id
    }

    pub fn flow(&self, id: &str) -> Option<FlowRec> {
        self.state().flows.iter().find(|f| f.id == id).cloned()
    }
}

impl State {
    fn new_id(&mut self) -> String {
        self.next_id += 1;
        self.next_id.to_string()
    }

    fn fbtrace(&mut self) -> String {
        self.trace += 1;
        format!("AfakeTrace{:06}", self.trace)
    }

    fn flow_mut(&mut self, id: &str) -> Option<&mut FlowRec> {
        self.flows.iter_mut().find(|f| f.id == id)
    }
}

// ---------------------------------------------------------------------------------------------
// Answers

fn answer(status: u16, body: Value) -> Response {
    (
        StatusCode::from_u16(status).unwrap(),
        [("content-type", "application/json")],
        body.to_string(),
    )
        .into_response()
}

/// Graph's error envelope.
struct GraphErr {
    status: u16,
    code: i64,
    subcode: Option<i64>,
    kind: &'static str,
    message: String,
    title: Option<String>,
    user_msg: Option<String>,
    details: Option<String>,
}

impl GraphErr {
    fn new(status: u16, code: i64, message: impl Into<String>) -> GraphErr {
        GraphErr {
            status,
            code,
            subcode: None,
            kind: "OAuthException",
            message: message.into(),
            title: None,
            user_msg: None,
            details: None,
        }
    }

    /// A Flows error (flows-api.md §1.6): `(#code) title`, the title and a remedy.
    fn flows(code: i64, title: &str, remedy: &str) -> GraphErr {
        GraphErr {
            title: Some(title.into()),
            user_msg: Some(remedy.into()),
            ..GraphErr::new(400, code, format!("(#{code}) {title}"))
        }
    }

    fn param(title: &str, remedy: &str) -> GraphErr {
        GraphErr {
            title: Some(title.into()),
            user_msg: Some(remedy.into()),
            ..GraphErr::new(400, 100, "(#100) Invalid parameter")
        }
    }

    fn send(code: i64, title: &str, details: &str) -> GraphErr {
        GraphErr {
            details: Some(details.into()),
            ..GraphErr::new(400, code, format!("(#{code}) {title}"))
        }
    }

    fn no_object(id: &str, method: &Method) -> GraphErr {
        GraphErr {
            subcode: Some(33),
            kind: "GraphMethodException",
            ..GraphErr::new(
                400,
                100,
                format!(
                    "Unsupported {} request. Object with ID '{id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api",
                    method.as_str().to_lowercase()
                ),
            )
        }
    }

    fn into_response(self, s: &mut State) -> Response {
        let mut e = Map::new();
        e.insert("message".into(), json!(self.message));
        e.insert("type".into(), json!(self.kind));
        e.insert("code".into(), json!(self.code));
        if let Some(sub) = self.subcode {
            e.insert("error_subcode".into(), json!(sub));
        }
        if let Some(t) = self.title {
            e.insert("error_user_title".into(), json!(t));
        }
        if let Some(m) = self.user_msg {
            e.insert("error_user_msg".into(), json!(m));
        }
        if let Some(d) = self.details {
            e.insert(
                "error_data".into(),
                json!({"messaging_product": "whatsapp", "details": d}),
            );
        }
        e.insert("fbtrace_id".into(), json!(s.fbtrace()));
        answer(self.status, json!({ "error": e }))
    }
}

async fn unknown_path(AxState(state): AxState<Arc<Mutex<State>>>) -> Response {
    let mut s = state.lock().unwrap();
    GraphErr::new(400, 2500, "Unknown path components").into_response(&mut s)
}

/// The public download link of an asset: no token needed (and none expected).
async fn download(
    AxState(state): AxState<Arc<Mutex<State>>>,
    Path((flow, _nonce)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    let mut s = state.lock().unwrap();
    s.downloads.push(
        headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string),
    );
    match s
        .flows
        .iter()
        .find(|f| f.id == flow)
        .and_then(|f| f.json.clone())
    {
        Some(json) => (StatusCode::OK, json).into_response(),
        None => (StatusCode::NOT_FOUND, "not found").into_response(),
    }
}

// ---------------------------------------------------------------------------------------------
// The Graph side

/// Request parameters: the query, then the body (JSON, form or multipart), merged.
#[derive(Default)]
struct Params {
    map: Map<String, Value>,
    file: Option<Vec<u8>>,
}

impl Params {
    fn str(&self, key: &str) -> Option<&str> {
        self.map.get(key).and_then(Value::as_str)
    }

    /// An array given as a JSON array, a JSON-encoded string or a comma-joined string.
    fn list(&self, key: &str) -> Option<Vec<String>> {
        match self.map.get(key)? {
            Value::Array(a) => Some(
                a.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect(),
            ),
            Value::String(s) if s.trim_start().starts_with('[') => {
                serde_json::from_str::<Vec<String>>(s).ok()
            }
            Value::String(s) => Some(s.split(',').map(|x| x.trim().to_string()).collect()),
            _ => None,
        }
    }

    fn bool(&self, key: &str) -> bool {
        match self.map.get(key) {
            Some(Value::Bool(b)) => *b,
            Some(Value::String(s)) => s == "true",
            _ => false,
        }
    }
}

async fn graph(
    AxState(state): AxState<Arc<Mutex<State>>>,
    Path((version, rest)): Path<(String, String)>,
    method: Method,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    request: Request,
) -> Response {
    let query = query.unwrap_or_default();
    let content_type = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let mut params = Params::default();
    for (k, v) in form_urlencoded(&query) {
        params.map.insert(k, Value::String(v));
    }
    let mut body_text = String::new();
    let mut bad_body = None;
    let ct = content_type.clone().unwrap_or_default();
    if ct.starts_with("multipart/form-data") {
        match Multipart::from_request(request, &()).await {
            Ok(mut mp) => loop {
                match mp.next_field().await {
                    Ok(Some(field)) => {
                        let name = field.name().unwrap_or_default().to_string();
                        let file_name = field.file_name().map(str::to_string);
                        let bytes = field.bytes().await.unwrap_or_default();
                        body_text.push_str(&format!("[{name}: {} bytes]", bytes.len()));
                        if name == "file" {
                            params.file = Some(bytes.to_vec());
                            params.map.insert("file_name".into(), json!(file_name));
                        } else {
                            params.map.insert(
                                name,
                                Value::String(String::from_utf8_lossy(&bytes).into()),
                            );
                        }
                    }
                    Ok(None) => break,
                    Err(e) => {
                        bad_body = Some(format!("bad multipart body: {e}"));
                        break;
                    }
                }
            },
            Err(e) => bad_body = Some(format!("bad multipart body: {e}")),
        }
    } else {
        let bytes = Bytes::from_request(request, &()).await.unwrap_or_default();
        body_text = String::from_utf8_lossy(&bytes).into_owned();
        if ct.starts_with("application/json") {
            match serde_json::from_slice::<Value>(&bytes) {
                Ok(Value::Object(m)) => params.map.extend(m),
                _ => bad_body = Some("the JSON body is not an object".into()),
            }
        } else if !bytes.is_empty() {
            for (k, v) in form_urlencoded(&body_text) {
                params.map.insert(k, Value::String(v));
            }
        }
    }
    let mut s = state.lock().unwrap();
    let authorization = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    s.seen.push(Seen {
        method: method.to_string(),
        path: format!("/{version}/{rest}"),
        query: query.clone(),
        authorization: authorization.clone(),
        content_type,
        body: body_text,
    });
    match handle(
        &mut s,
        &version,
        &rest,
        &method,
        authorization,
        params,
        bad_body,
    ) {
        Ok(r) => r,
        Err(e) => e.into_response(&mut s),
    }
}

fn form_urlencoded(text: &str) -> Vec<(String, String)> {
    form_urlencoded::parse(text.as_bytes())
        .into_owned()
        .collect()
}

/// Which permission a request needs.
#[derive(PartialEq)]
enum Perm {
    Management,
    Messaging,
}

fn handle(
    s: &mut State,
    version: &str,
    rest: &str,
    method: &Method,
    authorization: Option<String>,
    params: Params,
    bad_body: Option<String>,
) -> Result<Response, GraphErr> {
    let digits = version.strip_prefix('v').and_then(|v| v.split_once('.'));
    if !digits.is_some_and(|(a, b)| {
        !a.is_empty()
            && a.bytes().all(|c| c.is_ascii_digit())
            && b.len() == 1
            && b.as_bytes()[0].is_ascii_digit()
    }) {
        return Err(GraphErr::new(400, 2500, "Unknown path components"));
    }
    let segments: Vec<&str> = rest.split('/').filter(|x| !x.is_empty()).collect();
    let perm = if segments.get(1) == Some(&"messages") {
        Perm::Messaging
    } else {
        Perm::Management
    };
    // Authentication and permissions.
    let token = authorization
        .as_deref()
        .and_then(|a| a.strip_prefix("Bearer "))
        .map(str::to_string)
        .or_else(|| params.str("access_token").map(str::to_string));
    match token.as_deref() {
        None => {
            return Err(GraphErr::new(
                400,
                104,
                "An access token is required to request this resource.",
            ));
        }
        Some(TOKEN) => {}
        Some(NO_MESSAGING) if perm == Perm::Management => {}
        Some(NO_MESSAGING) => {
            return Err(GraphErr::new(
                403,
                200,
                "(#200) Requires whatsapp_business_messaging permission to manage the object",
            ));
        }
        Some(EXPIRED) => {
            return Err(GraphErr {
                subcode: Some(463),
                ..GraphErr::new(
                    401,
                    190,
                    "Error validating access token: Session has expired on Friday, 26-Apr-24 06:00:00 PDT. The current time is Sunday, 28-Apr-24 03:40:10 PDT.",
                )
            });
        }
        Some(_) => {
            return Err(GraphErr::new(
                401,
                190,
                "Invalid OAuth access token - Cannot parse access token",
            ));
        }
    }
    // Rate limit, then injected failures.
    if let Some(budget) = s.budget.as_mut() {
        if *budget == 0 {
            let minutes = s.regain_minutes;
            let mut r = GraphErr::new(
                429,
                80007,
                "(#80007) There have been too many calls to this WhatsApp Business account. Wait a bit and try again.",
            )
            .into_response(s);
            r.headers_mut().insert(
                "x-business-use-case-usage",
                HeaderValue::from_str(
                    &json!({ WABA: [{"type": "whatsapp", "call_count": 100, "total_cputime": 1, "total_time": 1, "estimated_time_to_regain_access": minutes}] })
                        .to_string(),
                )
                .unwrap(),
            );
            return Ok(r);
        }
        *budget -= 1;
    }
    if let Some(inj) = s.inject.pop_front() {
        let mut body = inj.body;
        if let Some(e) = body.get_mut("error").and_then(Value::as_object_mut) {
            e.insert("fbtrace_id".into(), json!(s.fbtrace()));
        }
        let mut r = answer(inj.status, body);
        if let Some(secs) = inj.retry_after {
            r.headers_mut()
                .insert("retry-after", HeaderValue::from(secs));
        }
        return Ok(r);
    }
    if let Some(b) = bad_body {
        return Err(GraphErr::new(400, 100, format!("(#100) {b}")));
    }
    let node = segments.first().copied().unwrap_or_default();
    let edge = segments.get(1).copied();
    if segments.len() > 2 {
        return Err(GraphErr::new(400, 2500, "Unknown path components"));
    }
    let m = method.clone();
    match (node, edge) {
        (WABA, Some("flows")) if m == Method::GET => list_flows(s, &params),
        (WABA, Some("flows")) if m == Method::POST => create_flow(s, &params),
        (PHONE, Some("messages")) if m == Method::POST => send(s, &params),
        (PHONE, Some("whatsapp_business_encryption")) if m == Method::GET => Ok(answer(
            200,
            json!({ "data": s.key.iter().map(|(k, st)| json!({"business_public_key": k, "business_public_key_signature_status": st})).collect::<Vec<_>>() }),
        )),
        (PHONE, Some("whatsapp_business_encryption")) if m == Method::POST => {
            let pem = params.str("business_public_key").unwrap_or_default();
            if !pem.contains("-----BEGIN PUBLIC KEY-----")
                && !pem.contains("-----BEGIN RSA PUBLIC KEY-----")
            {
                return Err(GraphErr::param(
                    "Invalid public key",
                    "business_public_key must be a 2048-bit RSA public key in PEM format.",
                ));
            }
            s.key = Some((pem.to_string(), "VALID".into()));
            Ok(answer(200, json!({"success": true})))
        }
        (id, edge) if s.flows.iter().any(|f| f.id == id) => flow_call(s, id, edge, &m, &params),
        (id, _) => Err(GraphErr::no_object(id, &m)),
    }
}

fn list_flows(s: &mut State, params: &Params) -> Result<Response, GraphErr> {
    let fields = fields(
        params.str("fields"),
        "id,name,status,categories,validation_errors",
    );
    let limit = params
        .str("limit")
        .and_then(|l| l.parse::<usize>().ok())
        .unwrap_or(s.page_size)
        .clamp(1, 100);
    let start = match params.str("after") {
        Some(c) => {
            cursor_index(c).ok_or_else(|| {
                GraphErr::param("Invalid cursor", "The after cursor is not valid.")
            })? + 1
        }
        None => 0,
    };
    // Newest first.
    let all: Vec<FlowRec> = s.flows.iter().rev().cloned().collect();
    let page: Vec<Value> = all
        .iter()
        .skip(start)
        .take(limit)
        .map(|f| flow_fields(s, f, &fields, false))
        .collect::<Result<_, _>>()?;
    let end = start + page.len();
    let mut paging = Map::new();
    if !page.is_empty() {
        paging.insert(
            "cursors".into(),
            json!({"before": cursor(start), "after": cursor(end - 1)}),
        );
    }
    let base = format!("{}/v25.0/{WABA}/flows?limit={limit}", s.base_url);
    if end < all.len() {
        paging.insert(
            "next".into(),
            json!(format!("{base}&after={}", cursor(end - 1))),
        );
    }
    if start > 0 {
        paging.insert(
            "previous".into(),
            json!(format!("{base}&before={}", cursor(start))),
        );
    }
    Ok(answer(200, json!({"data": page, "paging": paging})))
}

/// Opaque-looking cursors over a position.
fn cursor(i: usize) -> String {
    format!("QVFIU{:08x}", i ^ 0x5a5a_5a5a)
}

fn cursor_index(c: &str) -> Option<usize> {
    usize::from_str_radix(c.strip_prefix("QVFIU")?, 16)
        .ok()
        .map(|i| i ^ 0x5a5a_5a5a)
}

/// `a,b.mod(x),c` split at top-level commas.
fn fields(given: Option<&str>, default: &str) -> Vec<String> {
    let text = given.unwrap_or(default);
    let mut out = Vec::new();
    let mut depth = 0;
    let mut cur = String::new();
    for ch in text.chars() {
        match ch {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                out.push(std::mem::take(&mut cur));
                continue;
            }
            _ => {}
        }
        cur.push(ch);
    }
    out.push(cur);
    out.into_iter()
        .map(|f| f.trim().to_string())
        .filter(|f| !f.is_empty())
        .collect()
}

fn flow_fields(
    s: &mut State,
    f: &FlowRec,
    fields: &[String],
    date_unix: bool,
) -> Result<Value, GraphErr> {
    let mut out = Map::new();
    out.insert("id".into(), json!(f.id));
    for field in fields {
        let (name, modifiers) = field.split_once('.').unwrap_or((field, ""));
        let v = match name {
            "id" => continue,
            "name" => json!(f.name),
            "status" => json!(f.status),
            "categories" => json!(f.categories),
            "validation_errors" => json!(f.validation_errors),
            "json_version" => match f.version("version") {
                Some(v) => json!(v),
                None => continue,
            },
            "data_api_version" => match f.version("data_api_version") {
                Some(v) => json!(v),
                None => continue,
            },
            "endpoint_uri" => match &f.endpoint_uri {
                Some(u) => json!(u),
                None => continue,
            },
            "preview" => preview(s, &f.id, modifiers.contains("invalidate(true)"), date_unix),
            "whatsapp_business_account" => {
                json!({"id": WABA, "name": "Fake WABA", "timezone_id": "54", "message_template_namespace": "fake_namespace"})
            }
            "application" if s.app_connected => {
                json!({"id": APP, "name": "Fake App", "link": format!("https://www.facebook.com/games/?app_id={APP}")})
            }
            "application" => continue,
            "health_status" => health(s, f),
            other => {
                return Err(GraphErr::new(
                    400,
                    100,
                    format!(
                        "(#100) Tried accessing nonexisting field ({other}) on node type (Flow)"
                    ),
                ));
            }
        };
        out.insert(name.into(), v);
    }
    Ok(Value::Object(out))
}

fn preview(s: &mut State, id: &str, invalidate: bool, unix: bool) -> Value {
    let now = jiff::Timestamp::now().as_second();
    let base = s.base_url.clone();
    let nonce = s.fbtrace();
    let f = s.flow_mut(id).unwrap();
    if invalidate || f.preview.as_ref().is_none_or(|(_, exp)| *exp <= now) {
        f.preview = Some((format!("tok{nonce}"), now + 30 * 24 * 3600));
    }
    let (token, expires) = f.preview.clone().unwrap();
    let expires_at = if unix {
        json!(expires)
    } else {
        json!(
            jiff::Timestamp::from_second(expires)
                .unwrap()
                .strftime("%Y-%m-%dT%H:%M:%S+0000")
                .to_string()
        )
    };
    json!({"preview_url": format!("{base}/preview/{id}/?token={token}"), "expires_at": expires_at})
}

/// The publishing checks (flows-api.md §3.7) that fail for a flow, as (check key, title,
/// remedy).
fn publish_problems(s: &State, f: &FlowRec) -> Vec<(&'static str, String, &'static str)> {
    let mut out = Vec::new();
    let Some(_) = &f.json else {
        out.push((
            "flow_json",
            "Flow JSON is missing".to_string(),
            "Upload a Flow JSON file before publishing.",
        ));
        return out;
    };
    if !f.validation_errors.is_empty() {
        out.push((
            "validation_errors",
            "Publishing Flow with validation errors".into(),
            "Fix all validation errors before publishing this Flow.",
        ));
    }
    if let Some(v) = f.version("version")
        && !PUBLISHABLE.contains(&v.as_str())
    {
        out.push((
            "version",
            "Versions in Flow JSON file are not available for publishing".into(),
            "Use a Flow JSON version that is available for publishing, such as 7.3.",
        ));
    }
    if f.version("data_api_version").is_some() {
        if f.endpoint_uri.is_none() {
            out.push((
                "endpoint_uri",
                "Endpoint URI is not set".into(),
                "You need to set the endpoint URI before you can send or publish a flow.",
            ));
        }
        if !s.app_connected {
            out.push((
                "app_check",
                "No Meta app connected to the Flow".into(),
                "You need to connect a Meta app to the flow before you can send or publish it.",
            ));
        }
        if s.key.as_ref().is_none_or(|(_, st)| st != "VALID") {
            out.push((
                "public_key",
                "Business public key is not signed".into(),
                "Upload and sign a business public key for a phone number of the WABA.",
            ));
        }
        if !s.endpoint_healthy {
            out.push((
                "endpoint_health",
                "Endpoint is not available".into(),
                "Your endpoint must answer the health check before you can publish.",
            ));
        }
    }
    if !s.waba_has_phone {
        out.push((
            "phone_number",
            "WhatsApp Business Account has no phone number".into(),
            "Add a phone number to the WhatsApp Business Account.",
        ));
    }
    out
}

fn health(s: &State, f: &FlowRec) -> Value {
    let mut flow = json!({"entity_type": "FLOW", "id": f.id, "can_send_message": "AVAILABLE"});
    match f.status.as_str() {
        "DEPRECATED" | "BLOCKED" => {
            flow["can_send_message"] = json!("BLOCKED");
            flow["errors"] = json!([{"error_code": 131000, "error_description": format!("status: The flow is {}.", f.status), "possible_solution": "https://developers.facebook.com/docs/whatsapp/flows/guides/lifecycle"}]);
        }
        "THROTTLED" => {
            flow["can_send_message"] = json!("LIMITED");
            flow["additional_info"] =
                json!(["The flow is throttled: at most 10 messages per hour."]);
        }
        "DRAFT" => {
            let problems = publish_problems(s, f);
            if !problems.is_empty() {
                flow["can_send_message"] = json!("BLOCKED");
                flow["errors"] = json!(problems.iter().map(|(k, _, remedy)| json!({"error_code": 131000, "error_description": format!("{k}: {remedy}"), "possible_solution": "https://developers.facebook.com/docs/whatsapp/flows/reference/flowjson"})).collect::<Vec<_>>());
            }
        }
        _ => {}
    }
    let top = flow["can_send_message"].clone();
    json!({"can_send_message": top, "entities": [
        flow,
        {"entity_type": "WABA", "id": WABA, "can_send_message": "AVAILABLE"},
        {"entity_type": "BUSINESS", "id": "100000000000001", "can_send_message": "AVAILABLE"},
        {"entity_type": "APP", "id": APP, "can_send_message": "AVAILABLE"},
    ]})
}

/// Meta's verdict on a Flow JSON text: flowsim's validator, in the Flows API's shape.
pub fn verdict(text: &str) -> Vec<Value> {
    let source = Source::new("flow.json", text);
    let checked = check(&source);
    let line: Value =
        serde_json::from_str(&flowsim::report::json(&source, &checked.diagnostics)).unwrap();
    line["validation_errors"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

fn create_flow(s: &mut State, p: &Params) -> Result<Response, GraphErr> {
    let name = p.str("name").unwrap_or_default().to_string();
    if name.trim().is_empty() {
        return Err(GraphErr::param(
            "Flow name is required",
            "Give the Flow a name.",
        ));
    }
    if s.flows.iter().any(|f| f.name == name) {
        return Err(GraphErr::param(
            "Flow name is not unique",
            "A Flow with this name already exists in this WhatsApp Business Account.",
        ));
    }
    let mut categories = p.list("categories").unwrap_or_default();
    if p.str("clone_flow_id").is_some() && p.str("clone_template").is_some() {
        return Err(GraphErr::param(
            "Only one clone source can be set",
            "Use clone_flow_id or clone_template, not both.",
        ));
    }
    let mut json = p.str("flow_json").map(str::to_string);
    let mut endpoint_uri = p.str("endpoint_uri").map(str::to_string);
    if let Some(src) = p.str("clone_flow_id") {
        let Some(orig) = s.flows.iter().find(|f| f.id == src) else {
            return Err(GraphErr::param(
                "Flow to clone does not exist",
                "clone_flow_id must be the id of a Flow in this WhatsApp Business Account.",
            ));
        };
        json = json.or_else(|| orig.json.clone());
        endpoint_uri = endpoint_uri.or_else(|| orig.endpoint_uri.clone());
        if categories.is_empty() {
            categories = orig.categories.clone();
        }
    }
    if categories.is_empty() {
        return Err(GraphErr::param(
            "Categories are required",
            "Give at least one category.",
        ));
    }
    if let Some(bad) = categories.iter().find(|c| {
        ![
            "SIGN_UP",
            "SIGN_IN",
            "APPOINTMENT_BOOKING",
            "LEAD_GENERATION",
            "CONTACT_US",
            "CUSTOMER_SUPPORT",
            "SURVEY",
            "OTHER",
        ]
        .contains(&c.as_str())
    }) {
        return Err(GraphErr::param(
            "Invalid category",
            &format!("{bad} is not a Flow category."),
        ));
    }
    let mut errors = Vec::new();
    if let Some(text) = &json {
        let version = serde_json::from_str::<Value>(text)
            .ok()
            .and_then(|v| v.get("version").and_then(Value::as_str).map(str::to_string));
        match version {
            Some(v) if Version::parse(&v).is_some_and(Version::is_known) => {
                if endpoint_uri.is_some() && Version::parse(&v) < Version::parse("3.0") {
                    return Err(GraphErr::param(
                        "Specify Endpoint Uri in Flow JSON",
                        "Flows with Flow JSON below 3.0 set data_channel_uri in the Flow JSON.",
                    ));
                }
            }
            _ => {
                return Err(GraphErr::param(
                    "Invalid Flow JSON version",
                    "The Flow JSON version is missing or not a known version.",
                ));
            }
        }
        errors = verdict(text);
    }
    let id = s.new_id();
    s.flows.push(FlowRec {
        id: id.clone(),
        name,
        status: "DRAFT".into(),
        categories,
        json: json.clone(),
        published_json: None,
        validation_errors: errors.clone(),
        endpoint_uri,
        preview: None,
        sends: 0,
    });
    if p.bool("publish") && json.is_some() {
        let f = s.flows.last().unwrap().clone();
        if publish_problems(s, &f).is_empty() {
            let f = s.flow_mut(&id).unwrap();
            f.status = "PUBLISHED".into();
            f.published_json = f.json.clone();
        }
    }
    Ok(if json.is_some() && p.str("clone_flow_id").is_none() {
        answer(
            200,
            json!({"id": id, "success": true, "validation_errors": errors}),
        )
    } else {
        answer(200, json!({"id": id}))
    })
}

fn flow_call(
    s: &mut State,
    id: &str,
    edge: Option<&str>,
    m: &Method,
    p: &Params,
) -> Result<Response, GraphErr> {
    let f = s.flows.iter().find(|f| f.id == id).cloned().unwrap();
    match (edge, m.clone()) {
        (None, Method::GET) => {
            let fields = fields(
                p.str("fields"),
                "id,name,status,categories,validation_errors",
            );
            let unix = p.str("date_format") == Some("U");
            Ok(answer(200, flow_fields(s, &f, &fields, unix)?))
        }
        (None, Method::DELETE) => {
            if f.status != "DRAFT" {
                return Err(GraphErr::flows(
                    139004,
                    "Can't delete published Flow",
                    "Published Flows cannot be deleted. Deprecate the Flow instead.",
                ));
            }
            s.flows.retain(|x| x.id != id);
            Ok(answer(200, json!({"success": true})))
        }
        (Some("publish"), Method::POST) => {
            if f.status != "DRAFT" {
                return Err(GraphErr::flows(
                    139002,
                    "Flow is not in DRAFT status",
                    "Only Flows in DRAFT status can be published.",
                ));
            }
            if let Some((_, title, remedy)) = publish_problems(s, &f).into_iter().next() {
                return Err(GraphErr::flows(139002, &title, remedy));
            }
            let f = s.flow_mut(id).unwrap();
            f.status = "PUBLISHED".into();
            f.published_json = f.json.clone();
            Ok(answer(200, json!({"success": true})))
        }
        (Some("deprecate"), Method::POST) => match f.status.as_str() {
            "PUBLISHED" | "THROTTLED" | "BLOCKED" => {
                s.flow_mut(id).unwrap().status = "DEPRECATED".into();
                Ok(answer(200, json!({"success": true})))
            }
            "DEPRECATED" => Err(GraphErr::flows(
                139003,
                "Flow is already deprecated",
                "This Flow has already been deprecated.",
            )),
            _ => Err(GraphErr::flows(
                139003,
                "Can't deprecate unpublished Flow",
                "Only published Flows can be deprecated.",
            )),
        },
        (Some("assets"), Method::GET) => {
            let base = s.base_url.clone();
            let nonce = s.fbtrace();
            let data: Vec<Value> = f
                .json
                .iter()
                .map(|_| json!({"name": "flow.json", "asset_type": "FLOW_JSON", "download_url": format!("{base}/download/{id}/{nonce}")}))
                .collect();
            Ok(answer(
                200,
                json!({"data": data, "paging": {"cursors": {"before": cursor(0), "after": cursor(0)}}}),
            ))
        }
        (Some("assets"), Method::POST) => {
            if f.status == "DEPRECATED" {
                return Err(GraphErr::flows(
                    139001,
                    "Flow can't be updated",
                    "Deprecated Flows cannot be updated. Clone the Flow to change it.",
                ));
            }
            let Some(file) = &p.file else {
                return Err(GraphErr::param(
                    "File is missing",
                    "Send the Flow JSON as the multipart part `file`.",
                ));
            };
            if p.str("name") != Some("flow.json") || p.str("asset_type") != Some("FLOW_JSON") {
                return Err(GraphErr::param(
                    "Invalid asset",
                    "name must be flow.json and asset_type FLOW_JSON.",
                ));
            }
            if file.len() > 10 * 1024 * 1024 {
                return Err(GraphErr::param(
                    "File is too large",
                    "A Flow JSON file is at most 10 MB.",
                ));
            }
            let text = String::from_utf8_lossy(file).into_owned();
            let errors = match s.verdicts.pop_front() {
                Some(v) => v,
                None => verdict(&text),
            };
            let f = s.flow_mut(id).unwrap();
            f.json = Some(text);
            f.validation_errors = errors.clone();
            if f.status == "PUBLISHED" {
                f.status = "DRAFT".into();
            }
            Ok(answer(
                200,
                json!({"success": true, "validation_errors": errors}),
            ))
        }
        _ => Err(GraphErr::no_object(id, m)),
    }
}

fn send(s: &mut State, p: &Params) -> Result<Response, GraphErr> {
    let to = p.str("to").unwrap_or_default().to_string();
    let param = |what: &str| GraphErr::send(131009, "Parameter value is not valid", what);
    if p.str("messaging_product") != Some("whatsapp") {
        return Err(GraphErr::send(
            131008,
            "Required parameter is missing",
            "messaging_product must be whatsapp",
        ));
    }
    if to.is_empty()
        || !to
            .trim_start_matches('+')
            .bytes()
            .all(|b| b.is_ascii_digit())
    {
        return Err(param("to must be a phone number in international format"));
    }
    let i = p.map.get("interactive").cloned().unwrap_or(Value::Null);
    if i["type"] != "flow" {
        return Err(param("interactive.type must be flow"));
    }
    if i["body"]["text"].as_str().is_none_or(str::is_empty) {
        return Err(GraphErr::send(
            131008,
            "Required parameter is missing",
            "interactive.body.text is required",
        ));
    }
    let a = &i["action"]["parameters"];
    if a["flow_message_version"] != "3" {
        return Err(param("flow_message_version must be 3"));
    }
    if a["flow_cta"].as_str().is_none_or(str::is_empty) {
        return Err(GraphErr::send(
            131008,
            "Required parameter is missing",
            "flow_cta is required",
        ));
    }
    let flow_id = a["flow_id"].as_str().unwrap_or_default();
    let Some(f) = s.flows.iter().find(|f| f.id == flow_id).cloned() else {
        return Err(param(&format!("Flow with ID {flow_id} does not exist")));
    };
    let draft = a["mode"] == "draft";
    match f.status.as_str() {
        "DRAFT" if !draft => {
            return Err(param(
                "The Flow is in DRAFT status: send it with mode draft",
            ));
        }
        "DEPRECATED" => return Err(param("The Flow is deprecated and can no longer be sent")),
        "BLOCKED" => {
            return Err(GraphErr::send(
                132068,
                "Flow is in blocked state",
                "The Flow is blocked",
            ));
        }
        "THROTTLED" if f.sends >= 10 => {
            return Err(GraphErr::send(
                132069,
                "Flow is in throttled state and 10 messages using this flow were already sent in the last hour",
                "Wait an hour",
            ));
        }
        _ => {}
    }
    let json = if draft {
        f.json.clone()
    } else {
        f.published_json.clone()
    };
    let action = a["flow_action"].as_str().unwrap_or("navigate");
    if action == "data_exchange" && !a["flow_action_payload"].is_null() {
        return Err(param("flow_action_payload is only allowed with navigate"));
    }
    if let Some(screen) = a["flow_action_payload"]["screen"].as_str() {
        let model = json
            .as_deref()
            .and_then(|t| flowsim_core::flow::json::parse(t).ok())
            .map(flowsim_core::flow::model::Flow::from_node);
        let ok = model.is_some_and(|m| m.entry_screens().iter().any(|e| e.id == screen));
        if !ok {
            return Err(param(&format!(
                "{screen} is not an entry screen of the Flow"
            )));
        }
    }
    s.flow_mut(flow_id).unwrap().sends += 1;
    s.messages.push(Value::Object(p.map.clone()));
    let n = s.messages.len();
    let wa_id = to.trim_start_matches('+').to_string();
    Ok(answer(
        200,
        json!({"messaging_product": "whatsapp", "contacts": [{"input": to, "wa_id": wa_id}], "messages": [{"id": format!("wamid.HBgLfake{n:04}")}]}),
    ))
}

/// A Graph error body for [`State::inject`].
pub fn error_body(code: i64, message: &str, transient: bool) -> Value {
    let mut e = json!({"message": message, "type": "OAuthException", "code": code});
    if transient {
        e["is_transient"] = json!(true);
    }
    json!({ "error": e })
}
