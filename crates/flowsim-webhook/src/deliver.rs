//! Delivering notifications as Meta does (flows-api.md §6.1): POST the exact bytes with
//! `Content-Type: application/json` and `X-Hub-Signature-256: sha256=<HMAC of those bytes>`,
//! the GET subscription handshake, and what the receiver's answer means.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::{Rng, RngCore};
use serde_json::Value;

use crate::Secret;
use crate::event::{self, MessageIds, Parties};
use crate::json::meta_bytes;
use flowsim_core::sim::Completion;
use flowsim_endpoint::crypto;

/// Receivers slower than this get a note: Meta publishes no limit, but it expects a quick
/// 200 and retries deliveries that time out (providers cite 3 to 5 seconds).
pub const SLOW: Duration = Duration::from_secs(3);
/// How long flowsim waits for a receiver by default.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);
/// How much of an answer is kept to show.
const MAX_ANSWER: usize = 64 * 1024;

/// How a request is signed.
#[derive(Clone, Debug)]
pub enum Signature {
    /// With the app secret, when there is one (as Meta signs).
    AppSecret,
    /// With another key: what an attacker who does not know the secret can send.
    Forged,
    /// No `X-Hub-Signature-256` header at all.
    Unsigned,
}

/// Sends notifications and handshakes to receivers.
#[derive(Clone)]
pub struct Sender {
    http: reqwest::Client,
    app_secret: Option<Secret>,
    timeout: Duration,
}

/// One request to a receiver and its answer.
#[derive(Clone, Debug, PartialEq)]
pub struct Delivery {
    pub url: String,
    /// The HTTP status, when an answer came.
    pub status: Option<u16>,
    /// The start of the answer's body.
    pub answer: String,
    /// Where a redirect points.
    pub location: Option<String>,
    /// Why no answer came (connection, TLS, timeout), with the likely cause.
    pub error: Option<String>,
    pub latency: Duration,
    /// Whether an `X-Hub-Signature-256` made with the app secret was sent.
    pub signed: bool,
    pub timeout: Duration,
}

impl Delivery {
    /// Meta counts a delivery as done when the receiver answers 2xx.
    pub fn ok(&self) -> bool {
        self.status.is_some_and(|s| (200..300).contains(&s))
    }

    /// `200 in 12 ms`, or `no answer after 10.0 s`.
    pub fn outcome(&self) -> String {
        match self.status {
            Some(s) => format!("{s} in {}", millis(self.latency)),
            None => format!("no answer after {}", millis(self.latency)),
        }
    }

    /// What went wrong and the likely cause; `None` when the receiver took it (2xx).
    pub fn diagnosis(&self) -> Option<String> {
        if let Some(e) = &self.error {
            return Some(e.clone());
        }
        let status = self.status?;
        let said = snippet(&self.answer);
        Some(match status {
            200..=299 => return None,
            300..=399 => format!(
                "the receiver answered with a redirect ({status}{}): Meta does not follow \
                 redirects; configure the final URL",
                self.location
                    .as_ref()
                    .map(|l| format!(" to {l}"))
                    .unwrap_or_default()
            ),
            401 | 403 if self.signed => format!(
                "the receiver refused the notification ({status}){said}: it does not accept the \
                 signature. Is --app-secret (FLOWSIM_APP_SECRET) the secret of the Meta app the \
                 webhook belongs to, and does the receiver hash the raw body bytes?"
            ),
            401 | 403 => format!(
                "the receiver refused the notification ({status}){said}: flowsim sent no \
                 X-Hub-Signature-256 because no --app-secret was given, and the receiver \
                 requires one"
            ),
            404 => format!("nothing answers at this URL (404){said}: check the callback path"),
            405 => format!(
                "the URL does not take POST requests (405){said}: Meta POSTs notifications to \
                 the same URL it verified with GET"
            ),
            400 | 422 => format!(
                "the receiver rejected the notification as malformed ({status}){said}: it may \
                 expect another shape. Loop over entry[].changes[], and read response_json as a \
                 string holding JSON"
            ),
            500..=599 => format!(
                "the receiver failed ({status}){said}: see its log. Meta retries failed \
                 deliveries with back-off for days, so the same notification comes again"
            ),
            _ => format!(
                "the receiver answered HTTP {status}{said}: Meta counts anything but 2xx as a \
                 failed delivery and retries it"
            ),
        })
    }

    /// A note when the receiver took it, but slowly.
    pub fn slow_note(&self, limit: Duration) -> Option<String> {
        (self.ok() && self.latency > limit).then(|| {
            format!(
                "the receiver took {} to answer: Meta expects a quick 200. Acknowledge first \
                 and process in the background, or deliveries time out and are sent again",
                millis(self.latency)
            )
        })
    }
}

/// `12 ms`, `1.5 s`.
pub fn millis(d: Duration) -> String {
    if d < Duration::from_secs(1) {
        format!("{} ms", d.as_millis())
    } else {
        format!("{:.1} s", d.as_secs_f64())
    }
}

fn snippet(text: &str) -> String {
    let t = text.trim();
    if t.is_empty() {
        return String::new();
    }
    let cut: String = flowsim_core::text::sanitize(t).chars().take(120).collect();
    format!(
        " saying \"{cut}{}\"",
        if t.chars().count() > 120 { "…" } else { "" }
    )
}

impl Sender {
    /// A sender; without an app secret, notifications go unsigned.
    pub fn new(
        app_secret: Option<Secret>,
        timeout: Duration,
        insecure: bool,
    ) -> Result<Sender, String> {
        // rustls with the ring provider, as the endpoint client: no OpenSSL.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout)
            .redirect(reqwest::redirect::Policy::none())
            .danger_accept_invalid_certs(insecure)
            .build()
            .map_err(|e| format!("cannot set up HTTPS: {e}"))?;
        Ok(Sender {
            http,
            app_secret,
            timeout,
        })
    }

    pub fn has_secret(&self) -> bool {
        self.app_secret.is_some()
    }

    /// POSTs a notification as Meta does: its Meta bytes, signed with the app secret.
    pub async fn post(&self, url: &str, notification: &Value) -> Delivery {
        self.post_bytes(url, meta_bytes(notification), Signature::AppSecret)
            .await
    }

    /// POSTs these exact bytes, signed as asked.
    pub async fn post_bytes(&self, url: &str, body: Vec<u8>, signature: Signature) -> Delivery {
        let header = match (&signature, &self.app_secret) {
            (Signature::AppSecret, Some(secret)) => Some(crypto::signature(&secret.0, &body)),
            (Signature::Forged, _) => Some(crypto::signature(&forged_key(), &body)),
            _ => None,
        };
        let signed = matches!(signature, Signature::AppSecret) && header.is_some();
        let mut request = self
            .http
            .post(url)
            .header("Content-Type", "application/json");
        if let Some(h) = header {
            request = request.header("X-Hub-Signature-256", h);
        }
        let mut delivery = self.run(url, request.body(body)).await;
        delivery.signed = signed;
        delivery
    }

    /// The subscription handshake: `GET URL?hub.mode=subscribe&hub.challenge=…&hub.verify_token=…`.
    pub async fn handshake(&self, url: &str, verify_token: &str, challenge: &str) -> Delivery {
        let mut full = match reqwest::Url::parse(url) {
            Ok(u) => u,
            Err(e) => return self.unreachable(url, format!("{url} is not a URL: {e}")),
        };
        full.query_pairs_mut()
            .append_pair("hub.mode", "subscribe")
            .append_pair("hub.challenge", challenge)
            .append_pair("hub.verify_token", verify_token);
        self.run(url, self.http.get(full)).await
    }

    /// Passes a request on unchanged (the listener's `--forward`). `shown` is the URL to name
    /// in messages: `target` may carry a verify token in its query.
    pub async fn relay(
        &self,
        method: reqwest::Method,
        target: &str,
        shown: &str,
        headers: reqwest::header::HeaderMap,
        body: Vec<u8>,
    ) -> Delivery {
        let request = self
            .http
            .request(method, target)
            .headers(headers)
            .body(body);
        self.run(shown, request).await
    }

    fn unreachable(&self, url: &str, error: String) -> Delivery {
        Delivery {
            url: url.to_string(),
            status: None,
            answer: String::new(),
            location: None,
            error: Some(error),
            latency: Duration::ZERO,
            signed: false,
            timeout: self.timeout,
        }
    }

    async fn run(&self, url: &str, request: reqwest::RequestBuilder) -> Delivery {
        let started = Instant::now();
        let mut d = self.unreachable(url, String::new());
        d.error = None;
        match request.send().await {
            Ok(mut response) => {
                d.status = Some(response.status().as_u16());
                d.location = response
                    .headers()
                    .get("location")
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_string);
                let mut bytes = Vec::new();
                loop {
                    match response.chunk().await {
                        Ok(Some(chunk)) => {
                            let room = MAX_ANSWER.saturating_sub(bytes.len());
                            bytes.extend_from_slice(&chunk[..chunk.len().min(room)]);
                            if room <= chunk.len() {
                                break;
                            }
                        }
                        Ok(None) => break,
                        Err(e) if e.is_timeout() => {
                            d.error = Some(format!(
                                "the answer did not arrive completely within {}: Meta counts a \
                                 delivery that times out as failed and sends it again",
                                millis(self.timeout)
                            ));
                            break;
                        }
                        Err(e) => {
                            d.error = Some(format!(
                                "the connection broke while reading the answer: {}",
                                e.without_url()
                            ));
                            break;
                        }
                    }
                }
                d.answer = String::from_utf8_lossy(&bytes).into_owned();
            }
            // The URL may carry a verify token in its query: never show it.
            Err(e) => d.error = Some(describe(&e.without_url(), url, self.timeout)),
        }
        d.latency = started.elapsed();
        d
    }
}

/// A key that is not the app secret, different every time.
fn forged_key() -> String {
    let mut bytes = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

fn describe(e: &reqwest::Error, url: &str, timeout: Duration) -> String {
    if e.is_timeout() {
        return format!(
            "no answer from {url} within {}: Meta counts a delivery that times out as failed \
             and sends it again. Answer 200 first and process in the background",
            millis(timeout)
        );
    }
    let chain = flowsim_core::text::error_chain(e).to_lowercase();
    if chain.contains("connection refused") {
        format!(
            "could not connect to {url}: connection refused. Is the receiver running, on that port?"
        )
    } else if chain.contains("certificate") || chain.contains("tls") || chain.contains("handshake")
    {
        format!(
            "the TLS handshake with {url} failed ({}): Meta requires a valid CA-signed \
             certificate. For a local test server only, --insecure skips the check",
            chain.trim()
        )
    } else if chain.contains("dns") || chain.contains("resolve") || chain.contains("lookup") {
        format!("cannot resolve the host of {url}")
    } else if e.is_builder() {
        format!("{url} is not a URL flowsim can call: {e}")
    } else {
        format!("no HTTP answer from {url}: {}", chain.trim())
    }
}

/// Whether `url` is an http(s) URL a receiver can have; why not, when it is not.
pub fn http_url(url: &str) -> Result<(), String> {
    let shown = flowsim_core::text::sanitize(url);
    match reqwest::Url::parse(url) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.host().is_some() => Ok(()),
        Ok(_) => Err(format!("`{shown}` is not an http:// or https:// URL")),
        Err(e) => Err(format!("`{shown}` is not a URL: {e}")),
    }
}

/// The `messages` notification of a completion as Meta would send it now: fresh message ids,
/// the current time.
pub fn completion_now(parties: &Parties, completion: &Completion) -> Value {
    event::envelope(&[event::completion(
        &parties.business,
        &parties.user,
        &fresh_ids(),
        completion,
    )])
}

// --- fresh ids and time -------------------------------------------------------------------

/// Unix seconds now.
pub fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// Fresh ids for a completion message (its own and the flow message's), sent now.
pub fn fresh_ids() -> MessageIds {
    MessageIds {
        message_id: wamid(),
        flow_message_id: wamid(),
        timestamp: unix_now(),
    }
}

/// A fresh message id in Meta's style (`wamid.HBgL…`; letters and digits only, so it can be
/// copied into a shell).
pub fn wamid() -> String {
    let tail: String = rand::thread_rng()
        .sample_iter(rand::distributions::Alphanumeric)
        .take(40)
        .map(char::from)
        .collect();
    format!("wamid.HBgL{tail}")
}

/// A challenge as Meta sends it: an integer.
pub fn challenge() -> String {
    rand::thread_rng()
        .gen_range(1_000_000_000u64..10_000_000_000)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answered(status: u16, signed: bool) -> Delivery {
        Delivery {
            url: "http://x".into(),
            status: Some(status),
            answer: "nope".into(),
            location: None,
            error: None,
            latency: Duration::from_millis(5),
            signed,
            timeout: DEFAULT_TIMEOUT,
        }
    }

    #[test]
    fn a_refusal_points_at_the_secret_or_at_the_missing_signature() {
        let d = answered(403, true).diagnosis().unwrap();
        assert!(d.contains("--app-secret") && d.contains("raw body"), "{d}");
        let d = answered(401, false).diagnosis().unwrap();
        assert!(d.contains("no --app-secret was given"), "{d}");
        assert!(answered(204, true).diagnosis().is_none());
        assert!(answered(500, true).diagnosis().unwrap().contains("retries"));
    }

    #[test]
    fn ids_look_like_metas() {
        assert!(wamid().starts_with("wamid.HBgL"));
        assert_ne!(wamid(), wamid());
        assert!(challenge().parse::<u64>().is_ok());
    }
}
