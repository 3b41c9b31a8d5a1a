//! The HTTP side of an endpoint exchange, as WhatsApp does it (endpoint.md §2, §6, §12):
//! encrypt, sign, POST with a 10 s limit, handle 421/427/432 and other statuses, decrypt,
//! and say precisely what went wrong and why.

use std::fmt;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use rsa::RsaPublicKey;
use serde_json::{Value, json};

use super::crypto;
use flowsim_core::drive::Exchange;
use flowsim_core::sim::Request;
use flowsim_core::text::error_chain;

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
}

/// Seconds since the Unix epoch, the time stamp of an [`Exchange`].
pub fn now() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
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
            .map_err(|e| {
                format!("Cannot set up HTTPS ({e}). The TLS library could not start; report this.")
            })?;
        Ok(Client { http, config })
    }

    /// The payload as sent: with `flow_token_signature` appended when `sign` (Data API 4.0
    /// with Flow JSON 7.3+) and there is an app secret to sign with.
    pub fn finish_payload(&self, mut payload: Value, sign: bool) -> Value {
        if sign
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

    /// Sends an engine request: its payload, signed as its flow asks.
    pub async fn request(&self, request: &Request) -> Exchange {
        let payload = self.finish_payload(request.payload(), request.sign_flow_token);
        self.send(&payload).await
    }

    /// Sends a decrypted payload as it is and returns the whole exchange. A 421 is retried
    /// once after 0.5 s with a fresh key and IV, as the client does (endpoint.md §2.5).
    pub async fn send(&self, payload: &Value) -> Exchange {
        let mut exchange = Exchange::new(payload, now());
        let started = Instant::now();
        self.attempt(payload, &mut exchange).await;
        if exchange.status == Some(421) {
            tokio::time::sleep(Duration::from_millis(500)).await;
            exchange.attempts = 2;
            self.attempt(payload, &mut exchange).await;
            if exchange.status == Some(421) {
                exchange.error = Some(if self.config.public_key.is_none() {
                    "The endpoint answered 421 twice: it could not decrypt the request \
                     (business-decryption-error). It expects encrypted requests, and --plaintext \
                     sends plain JSON: drop --plaintext and pass --public-key with the key \
                     uploaded for the business number."
                        .into()
                } else {
                    "The endpoint answered 421 twice: it cannot decrypt the request \
                     (business-decryption-error). --public-key is probably not the pair of the \
                     endpoint's private key, or the endpoint does not use RSA-OAEP with SHA-256: \
                     check both."
                        .into()
                });
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
        x.detail = None;
        let plaintext = payload.to_string();
        let (body, sealed) = match &self.config.public_key {
            Some(key) => match crypto::seal_request(key, plaintext.as_bytes()) {
                Ok(sealed) => (sealed.body.clone(), Some(sealed)),
                Err(e) => {
                    x.error = Some(format!(
                        "Cannot encrypt the request. The public key cannot wrap the AES key: \
                         pass the RSA-2048 public key uploaded for the business number to \
                         --public-key ({e})."
                    ));
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
                x.detail = Some(error_chain(&e));
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
        let text = match read_capped(response, self.config.timeout).await {
            Ok(t) => t,
            Err((error, detail)) => {
                x.error = Some(error);
                x.detail = detail;
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
                    format!(
                        "The answer decrypts, but is not JSON ({e}). The endpoint encrypted \
                         something else than its JSON answer: it must encrypt a JSON object."
                    )
                } else if looks_encrypted(text) {
                    "The answer looks encrypted (base64 text), but --plaintext sent plain JSON. \
                     The endpoint expects encryption: drop --plaintext and pass --public-key \
                     with the key uploaded for the business number."
                        .to_string()
                } else {
                    format!(
                        "The answer is not JSON ({e}). In --plaintext mode the endpoint must \
                         answer a plain JSON object."
                    )
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
                    None => "The flow token is no longer valid (427). The endpoint refused this \
                             flow token, so the flow closes and its button is disabled: open the \
                             flow again with a token the endpoint accepts (--flow-token)."
                        .into(),
                });
            }
            432 if self.config.app_secret.is_none() => {
                x.error = Some(
                    "The endpoint rejected the request signature (432). The request was sent \
                     without X-Hub-Signature-256: pass --app-secret (or FLOWSIM_APP_SECRET) with \
                     the secret of the Meta app connected to the flow."
                        .into(),
                );
            }
            432 => {
                x.error = Some(
                    "The endpoint rejected the request signature (432). --app-secret is \
                     probably not the secret of the Meta app connected to the flow: pass that \
                     app's secret."
                        .into(),
                );
            }
            300..=399 => {
                x.error = Some(format!(
                    "The endpoint answered with a redirect ({status}{}). WhatsApp does not \
                     follow redirects: give --endpoint the final URL.",
                    location.map(|l| format!(" to {l}")).unwrap_or_default()
                ));
            }
            _ => {
                x.error = Some(format!(
                    "The endpoint answered HTTP {status} (unexpected_http_status_code). It \
                     failed or refused the request, and WhatsApp shows a generic error: only \
                     200, 421, 427 and 432 have a meaning, so check the endpoint's log{}",
                    snippet(&text)
                ));
            }
        }
    }
}

/// Whether a body that is not JSON looks like the base64 of an encrypted answer.
fn looks_encrypted(text: &str) -> bool {
    let t = text.trim();
    t.len() >= 24
        && t.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+/=".contains(&b))
}

/// Reads the answer, at most [`MAX_ANSWER_BYTES`]; an error is the message and the HTTP
/// library's detail.
async fn read_capped(
    mut response: reqwest::Response,
    timeout: Duration,
) -> Result<String, (String, Option<String>)> {
    let mut bytes: Vec<u8> = Vec::new();
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                if bytes.len() + chunk.len() > MAX_ANSWER_BYTES {
                    return Err((
                        format!(
                            "The answer is larger than {} MB, so flowsim stopped reading it. \
                             Meta refuses answers that large: send less data.",
                            MAX_ANSWER_BYTES / 1024 / 1024
                        ),
                        None,
                    ));
                }
                bytes.extend_from_slice(&chunk);
            }
            Ok(None) => break,
            Err(e) if e.is_timeout() => {
                return Err((
                    format!(
                        "The answer did not arrive completely within {:.1} s (timeout_error). \
                         The endpoint sends it too slowly: WhatsApp gives up after 10 s, so \
                         make it answer faster.",
                        timeout.as_secs_f64()
                    ),
                    Some(error_chain(&e)),
                ));
            }
            Err(e) => {
                return Err((
                    "The connection broke while the answer was being read. The endpoint \
                     probably crashed or closed the connection mid-answer: check its log."
                        .into(),
                    Some(error_chain(&e)),
                ));
            }
        }
    }
    String::from_utf8(bytes).map_err(|_| {
        (
            "The answer is not text. The endpoint must answer the base64 text of its \
             encrypted JSON."
                .into(),
            None,
        )
    })
}

fn snippet(text: &str) -> String {
    let t = text.trim();
    if t.is_empty() {
        ".".into()
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
            "No answer from {url} within {:.1} s (timeout_error). The endpoint is too slow or \
             stuck: WhatsApp gives up after 10 s, so make it answer faster (Meta recommends \
             under 1 s).",
            config.timeout.as_secs_f64()
        );
    }
    let chain = error_chain(e).to_lowercase();
    if chain.contains("connection refused") {
        format!(
            "Could not connect to {url}: the connection was refused. Nothing listens on that \
             host and port: start the endpoint, or correct --endpoint."
        )
    } else if chain.contains("certificate") || chain.contains("tls") || chain.contains("handshake")
    {
        format!(
            "The TLS handshake with {url} failed. WhatsApp requires a valid certificate from a \
             public authority: fix the endpoint's certificate, or for a local test server only \
             pass --insecure."
        )
    } else if chain.contains("dns") || chain.contains("resolve") || chain.contains("lookup") {
        format!(
            "Cannot resolve the host of {url}. The host name is misspelt or not in DNS: check \
             --endpoint."
        )
    } else if e.is_builder() {
        format!(
            "The endpoint URL {url} is not one flowsim can call. Give --endpoint a full http:// \
             or https:// URL."
        )
    } else if e.is_connect() {
        format!(
            "Could not connect to {url}. The host is unreachable or refused the connection: \
             check --endpoint and the network."
        )
    } else if config.app_secret.is_none() {
        format!(
            "The endpoint at {url} closed the connection without answering \
             (no_http_response_error). The request was sent without a signature, and endpoints \
             that check X-Hub-Signature-256 may fail on that (Meta's example servers crash): \
             pass --app-secret (or FLOWSIM_APP_SECRET), or check the endpoint's log."
        )
    } else {
        format!(
            "The endpoint at {url} closed the connection without answering \
             (no_http_response_error). It probably crashed while handling the request: check \
             its log."
        )
    }
}
