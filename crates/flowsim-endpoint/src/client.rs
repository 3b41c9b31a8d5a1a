//! The HTTP side of an endpoint exchange, as WhatsApp does it (endpoint.md §2, §6, §12):
//! encrypt, sign, POST with a 10 s limit, handle 421/427/432 and other statuses, decrypt,
//! and say precisely what went wrong and why.

use std::fmt;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use rsa::RsaPublicKey;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::crypto;

/// Meta waits at most 10 seconds for an endpoint (endpoint.md §2.5).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);
/// Answers larger than this are refused (Meta's payload limit is 10 MB).
pub const MAX_ANSWER_BYTES: usize = 10 * 1024 * 1024;

/// A secret (app secret, passphrase) that never shows in logs, recordings or the screen.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(pub String);

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<secret>")
    }
}

/// How to reach the endpoint.
#[derive(Clone, Debug)]
pub struct Config {
    pub url: String,
    /// The business public key; `None` sends plaintext JSON (`--plaintext`).
    pub public_key: Option<RsaPublicKey>,
    pub app_secret: Option<Secret>,
    pub timeout: Duration,
    /// Accept any TLS certificate (`--insecure`, local testing only).
    pub insecure: bool,
    /// Add `flow_token_signature` (Data API 4.0 with Flow JSON 7.3+, endpoint.md §4.8).
    pub sign_flow_token: bool,
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
    /// What went wrong and the likely cause.
    #[serde(default)]
    pub error: Option<String>,
    /// The endpoint said the flow token is no longer valid (427).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub token_invalid: bool,
    pub latency_ms: u64,
    #[serde(default = "one")]
    pub attempts: u8,
}

fn one() -> u8 {
    1
}

impl Exchange {
    /// A fresh exchange for a payload, before anything was sent.
    pub fn new(payload: &Value) -> Exchange {
        Exchange {
            time: SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0.0, |d| d.as_secs_f64()),
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
            token_invalid: false,
            latency_ms: 0,
            attempts: 1,
        }
    }

    /// The answer for the engine: the decrypted JSON, or the diagnosis.
    pub fn outcome(&self) -> Result<Value, String> {
        match (&self.response, &self.error) {
            (Some(r), None) => Ok(r.clone()),
            (_, Some(e)) => Err(e.clone()),
            (None, None) => Err("no answer".into()),
        }
    }

    /// A copy without raw bodies, for recordings.
    pub fn for_recording(&self) -> Exchange {
        Exchange {
            body: None,
            raw_response: None,
            ..self.clone()
        }
    }
}

/// Talks to one endpoint.
#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    pub config: Config,
}

impl Client {
    pub fn new(config: Config) -> Result<Client, String> {
        // rustls with the ring provider: no OpenSSL, no C toolchain beyond ring's.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::Client::builder()
            .timeout(config.timeout)
            .connect_timeout(config.timeout)
            .redirect(reqwest::redirect::Policy::none())
            .danger_accept_invalid_certs(config.insecure)
            .build()
            .map_err(|e| format!("cannot set up HTTPS: {e}"))?;
        Ok(Client { http, config })
    }

    /// The payload as sent: with `flow_token_signature` appended when Data API 4.0 asks.
    pub fn finish_payload(&self, mut payload: Value) -> Value {
        if self.config.sign_flow_token
            && let (Some(secret), Some(token)) = (
                &self.config.app_secret,
                payload
                    .get("flow_token")
                    .and_then(Value::as_str)
                    .map(str::to_string),
            )
            && let Some(obj) = payload.as_object_mut()
        {
            obj.insert(
                "flow_token_signature".into(),
                Value::String(crypto::flow_token_signature(&secret.0, &token)),
            );
        }
        payload
    }

    /// Sends a decrypted payload and returns the whole exchange. A 421 is retried once after
    /// 0.5 s with a fresh key and IV, as the client does (endpoint.md §2.5).
    pub async fn send(&self, payload: &Value) -> Exchange {
        let payload = self.finish_payload(payload.clone());
        let mut exchange = Exchange::new(&payload);
        let started = Instant::now();
        self.attempt(&payload, &mut exchange).await;
        if exchange.status == Some(421) {
            tokio::time::sleep(Duration::from_millis(500)).await;
            exchange.attempts = 2;
            self.attempt(&payload, &mut exchange).await;
            if exchange.status == Some(421) {
                exchange.error = Some(
                    "the endpoint answered 421 twice: it cannot decrypt the request \
                     (business-decryption-error). Is --public-key the pair of the endpoint's \
                     private key, and does the endpoint use RSA-OAEP with SHA-256?"
                        .into(),
                );
            }
        }
        exchange.latency_ms = started.elapsed().as_millis() as u64;
        exchange
    }

    /// The health check Meta runs (endpoint.md §4.2).
    pub async fn ping(&self) -> Exchange {
        let payload = json!({ "version": "3.0", "action": "ping" });
        self.send(&payload).await
    }

    async fn attempt(&self, payload: &Value, x: &mut Exchange) {
        x.status = None;
        x.response = None;
        x.raw_response = None;
        x.error = None;
        let plaintext = payload.to_string();
        let (body, sealed) = match &self.config.public_key {
            Some(key) => match crypto::seal_request(key, plaintext.as_bytes()) {
                Ok(sealed) => (sealed.body.clone(), Some(sealed)),
                Err(e) => {
                    x.error = Some(format!("cannot encrypt the request: {e}"));
                    return;
                }
            },
            None => (plaintext, None),
        };
        x.body = Some(body.clone());
        let mut request = self
            .http
            .post(&self.config.url)
            .header("Content-Type", "application/json");
        if let Some(secret) = &self.config.app_secret {
            request = request.header(
                "X-Hub-Signature-256",
                crypto::signature(&secret.0, body.as_bytes()),
            );
        }
        let response = match request.body(body).send().await {
            Ok(r) => r,
            Err(e) => {
                x.error = Some(describe_send_error(&e, &self.config));
                return;
            }
        };
        let status = response.status().as_u16();
        x.status = Some(status);
        let location = response
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let text = match read_capped(response).await {
            Ok(t) => t,
            Err(e) => {
                x.error = Some(e);
                return;
            }
        };
        x.raw_response = Some(text.clone());
        let decrypt = |text: &str| -> Result<Value, String> {
            let bytes = match &sealed {
                Some(s) => crypto::open_response(&s.key, &s.iv, text).map_err(|e| e.to_string())?,
                None => text.as_bytes().to_vec(),
            };
            serde_json::from_slice(&bytes).map_err(|e| {
                if sealed.is_some() {
                    format!("the answer decrypts, but is not JSON ({e}): the endpoint must encrypt a JSON object")
                } else {
                    format!("the answer is not JSON ({e}): in --plaintext mode the endpoint answers a JSON object")
                }
            })
        };
        match status {
            200 => match decrypt(&text) {
                Ok(v) => x.response = Some(v),
                Err(e) => x.error = Some(e),
            },
            421 => {}
            427 => {
                x.token_invalid = true;
                let shown = if text.trim().is_empty() {
                    None
                } else {
                    decrypt(&text)
                        .ok()
                        .or_else(|| serde_json::from_str::<Value>(&text).ok())
                        .and_then(|v| {
                            v.get("error_msg")
                                .and_then(Value::as_str)
                                .map(str::to_string)
                        })
                };
                x.error = Some(match shown {
                    Some(m) => m,
                    None => "the flow token is no longer valid (427): the flow closes and its button is disabled".into(),
                });
            }
            432 => {
                x.error = Some(
                    "the endpoint rejected the request signature (432): check that --app-secret is the \
                     secret of the Meta app connected to the flow"
                        .into(),
                );
            }
            300..=399 => {
                x.error = Some(format!(
                    "the endpoint answered with a redirect ({status}{}): WhatsApp does not follow \
                     redirects; configure the final URL",
                    location.map(|l| format!(" to {l}")).unwrap_or_default()
                ));
            }
            _ => {
                x.error = Some(format!(
                    "the endpoint answered HTTP {status} (unexpected_http_status_code): WhatsApp \
                     shows a generic error. Only 200, 421, 427 and 432 have a meaning{}",
                    snippet(&text)
                ));
            }
        }
    }
}

async fn read_capped(mut response: reqwest::Response) -> Result<String, String> {
    let mut bytes: Vec<u8> = Vec::new();
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                if bytes.len() + chunk.len() > MAX_ANSWER_BYTES {
                    return Err(format!(
                        "the answer is larger than {} MB; flowsim stopped reading it",
                        MAX_ANSWER_BYTES / 1024 / 1024
                    ));
                }
                bytes.extend_from_slice(&chunk);
            }
            Ok(None) => break,
            Err(e) if e.is_timeout() => {
                return Err(
                    "the answer did not arrive completely within the timeout (timeout_error)"
                        .into(),
                );
            }
            Err(e) => {
                return Err(format!(
                    "the connection broke while reading the answer: {e}"
                ));
            }
        }
    }
    String::from_utf8(bytes)
        .map_err(|_| "the answer is not text: the endpoint must return base64 text".into())
}

fn snippet(text: &str) -> String {
    let t = text.trim();
    if t.is_empty() {
        String::new()
    } else {
        let cut: String = t.chars().take(120).collect();
        format!(
            ". It said: {cut}{}",
            if t.chars().count() > 120 { "…" } else { "" }
        )
    }
}

fn describe_send_error(e: &reqwest::Error, config: &Config) -> String {
    let url = &config.url;
    if e.is_timeout() {
        return format!(
            "no answer from {url} within {:.1} s (timeout_error): WhatsApp gives up after 10 s",
            config.timeout.as_secs_f64()
        );
    }
    let mut chain = String::new();
    let mut source: Option<&dyn std::error::Error> = Some(e);
    while let Some(s) = source {
        chain.push_str(&s.to_string().to_lowercase());
        chain.push(' ');
        source = s.source();
    }
    if chain.contains("connection refused") {
        format!(
            "could not connect to {url}: connection refused. Is the endpoint running, on that port?"
        )
    } else if chain.contains("certificate") || chain.contains("tls") || chain.contains("handshake")
    {
        format!(
            "the TLS handshake with {url} failed ({}): WhatsApp requires a valid certificate. \
             For a local test server only, --insecure skips the check",
            std::error::Error::source(e).map_or_else(|| e.to_string(), |s| s.to_string())
        )
    } else if chain.contains("dns") || chain.contains("resolve") || chain.contains("lookup") {
        format!("cannot resolve the host of {url}")
    } else if e.is_connect() {
        format!("could not connect to {url} ({chain})")
    } else if e.is_builder() {
        format!("{url} is not a URL flowsim can call: {e}")
    } else {
        format!(
            "no HTTP answer from {url} (no_http_response_error): {}",
            chain.trim()
        )
    }
}
