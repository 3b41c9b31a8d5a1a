//! The Graph transport every Flows API call shares (flows-api.md §1): the base URL and
//! version, the bearer token, the error envelope, retries for reads, cursor paging, and an
//! optional observer that sees each request and answer with the token masked.

use std::collections::HashSet;
use std::fmt;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::header::{AUTHORIZATION, HeaderMap};
use reqwest::{Method, Url};
use serde_json::{Value, json};

use crate::error::{self, ApiError, GraphError};

/// Meta's Graph host.
pub const DEFAULT_GRAPH_URL: &str = "https://graph.facebook.com";
/// The Graph version used unless `--graph-version` says otherwise: v25.0 (released
/// 18 Feb 2026, available until 29 Jul 2028), the newest version the Flows SDKs were checked
/// against.
pub const DEFAULT_GRAPH_VERSION: &str = "v25.0";
/// How long one request may take (an upload of a 10 MB flow included).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
/// Answers larger than this are refused (a flow is at most 10 MB; a list page far less).
pub const MAX_ANSWER_BYTES: usize = 20 * 1024 * 1024;
/// What replaces the token wherever text may be shown.
pub const MASK: &str = "***";

/// The access token. It is sent only in the `Authorization` header to the Graph URL, and
/// never shown: `Debug` prints `***`, and [`Token::mask`] scrubs it from any text.
#[derive(Clone, PartialEq, Eq)]
pub struct Token(String);

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Token({MASK})")
    }
}

impl Token {
    /// A token as pasted: surrounding whitespace (a trailing newline from a file) is dropped;
    /// anything else a token never contains is refused, without echoing the token.
    pub fn new(raw: &str) -> Result<Token, ApiError> {
        let t = raw.trim();
        if t.is_empty() {
            return Err(ApiError::Usage("the access token is empty".into()));
        }
        if !t.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(ApiError::Usage(
                "the access token contains spaces, line breaks or non-ASCII characters, which a \
                 Meta token never has: copy it again"
                    .into(),
            ));
        }
        Ok(Token(t.to_string()))
    }

    /// `text` with every occurrence of the token replaced by `***`.
    pub fn mask(&self, text: &str) -> String {
        text.replace(&self.0, MASK)
    }
}

/// When reads are repeated: after a rate limit, a 5xx or a transient error, up to `retries`
/// more times, waiting `base`, then twice as long each time (or longer when Meta says so), but
/// never when Meta asks for a wait longer than `max_wait`.
#[derive(Clone, Debug)]
pub struct Retry {
    pub retries: u32,
    pub base: Duration,
    pub max_wait: Duration,
}

impl Default for Retry {
    fn default() -> Self {
        Retry {
            retries: 3,
            base: Duration::from_millis(500),
            max_wait: Duration::from_secs(30),
        }
    }
}

/// What the client reports while it works; every text has the token masked.
#[derive(Debug, Clone, Copy)]
pub enum Event<'a> {
    /// A request about to be sent: method, URL, headers and body.
    Request(&'a str),
    /// The answer: status, time and body.
    Answer(&'a str),
    /// A read is about to be repeated, and why.
    Retry(&'a str),
}

/// Receives [`Event`]s (the command line prints them with `-v`).
pub type Observer = Arc<dyn Fn(Event<'_>) + Send + Sync>;

/// How to reach Meta.
#[derive(Clone)]
pub struct Config {
    pub token: Token,
    /// `https://graph.facebook.com`, or a test server (plain http only on loopback).
    pub graph_url: String,
    /// `v25.0`.
    pub graph_version: String,
    pub retry: Retry,
    pub timeout: Duration,
    pub observer: Option<Observer>,
}

impl Config {
    pub fn new(token: Token) -> Config {
        Config {
            token,
            graph_url: DEFAULT_GRAPH_URL.into(),
            graph_version: DEFAULT_GRAPH_VERSION.into(),
            retry: Retry::default(),
            timeout: DEFAULT_TIMEOUT,
            observer: None,
        }
    }
}

/// The body of a request.
pub(crate) enum Body {
    Empty,
    Json(Value),
    /// `multipart/form-data`: one file part and text fields.
    Multipart {
        file_name: String,
        bytes: Vec<u8>,
        fields: Vec<(&'static str, String)>,
    },
}

/// Talks to the Graph API with one token.
#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    base: Url,
    token: Token,
    retry: Retry,
    observer: Option<Observer>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base", &self.base.as_str())
            .field("token", &self.token)
            .finish_non_exhaustive()
    }
}

impl Client {
    pub fn new(config: Config) -> Result<Client, ApiError> {
        let url = config.graph_url.trim_end_matches('/');
        let parsed = Url::parse(url)
            .map_err(|e| ApiError::Usage(format!("--graph-url {url} is not a URL ({e})")))?;
        check_url(&parsed, "--graph-url").map_err(ApiError::Usage)?;
        let version = &config.graph_version;
        let digits = version.strip_prefix('v').and_then(|v| v.split_once('.'));
        if !digits.is_some_and(|(a, b)| {
            !a.is_empty()
                && !b.is_empty()
                && a.bytes().all(|c| c.is_ascii_digit())
                && b.bytes().all(|c| c.is_ascii_digit())
        }) {
            return Err(ApiError::Usage(format!(
                "--graph-version {version} is not a Graph version: write it like {DEFAULT_GRAPH_VERSION}"
            )));
        }
        let base = Url::parse(&format!("{url}/{version}/"))
            .map_err(|e| ApiError::Usage(format!("--graph-url {url}: {e}")))?;
        // rustls with the ring provider (as the endpoint client): no OpenSSL. Certificates
        // are always verified.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::Client::builder()
            .timeout(config.timeout)
            .connect_timeout(Duration::from_secs(15))
            // A redirect could carry the Authorization header elsewhere; Graph never sends one.
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("flowsim/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| ApiError::Usage(format!("cannot set up HTTPS: {e}")))?;
        Ok(Client {
            http,
            base,
            token: config.token,
            retry: config.retry,
            observer: config.observer,
        })
    }

    /// `text` with the token masked: for everything shown that came from outside.
    pub fn mask(&self, text: &str) -> String {
        self.token.mask(text)
    }

    /// `{graph_url}/{version}/{path}?{query}`.
    fn url(&self, path: &str, query: &[(&str, &str)]) -> Url {
        let mut url = self.base.clone();
        url.set_path(&format!("{}{path}", self.base.path()));
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(query);
        }
        url
    }

    /// One Graph call. Reads (GET) are repeated per [`Retry`]; writes are sent exactly once.
    pub(crate) async fn call(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, &str)],
        body: Body,
    ) -> Result<Value, ApiError> {
        let url = self.url(path, query);
        let write = method != Method::GET;
        let mut attempt = 0;
        loop {
            let result = match self.send(&method, &url, &body, true).await {
                Ok((status, wait, bytes)) => parse(status, wait, write, &bytes, &url),
                Err(e) => Err(e),
            };
            match result {
                Err(ApiError::Graph(g)) if !write && g.is_retryable() => {
                    match self.delay(attempt, &g) {
                        Some(delay) => {
                            attempt += 1;
                            self.notify(Event::Retry(&format!(
                                "Meta answered HTTP {} (code {}): trying again in {:.1} s (retry {attempt} of {})",
                                g.status,
                                g.error.code,
                                delay.as_secs_f64(),
                                self.retry.retries
                            )));
                            tokio::time::sleep(delay).await;
                        }
                        None => return Err(ApiError::Graph(g)),
                    }
                }
                other => return other,
            }
        }
    }

    /// How long to wait before retry number `attempt + 1`, or `None` to give up.
    fn delay(&self, attempt: u32, g: &GraphError) -> Option<Duration> {
        if attempt >= self.retry.retries {
            return None;
        }
        let backoff = self.retry.base.saturating_mul(1 << attempt.min(16));
        let delay = g.wait.map_or(backoff, |w| w.max(backoff));
        (delay <= self.retry.max_wait).then_some(delay)
    }

    /// Every item of a listing edge, following `paging.cursors.after` while `paging.next` is
    /// there (flows-api.md §1.5). The next request is built from the cursor on the configured
    /// Graph URL, never from `paging.next` itself, so the token goes nowhere else. `progress`
    /// gets the number of items so far after each page. Answers `{"data": [...]}`.
    pub(crate) async fn list_all(
        &self,
        path: &str,
        query: &[(&str, &str)],
        mut progress: impl FnMut(usize),
    ) -> Result<Value, ApiError> {
        let mut items: Vec<Value> = Vec::new();
        let mut seen = HashSet::new();
        let mut after: Option<String> = None;
        loop {
            let mut q = query.to_vec();
            if let Some(a) = &after {
                q.push(("after", a));
            }
            let page = self.call(Method::GET, path, &q, Body::Empty).await?;
            let Some(data) = page.get("data").and_then(Value::as_array) else {
                return Err(ApiError::Transport(format!(
                    "Meta's answer for {path} has no `data` list"
                )));
            };
            items.extend(data.iter().cloned());
            progress(items.len());
            if page.pointer("/paging/next").is_none_or(Value::is_null) {
                break;
            }
            let Some(cursor) = page
                .pointer("/paging/cursors/after")
                .and_then(Value::as_str)
            else {
                return Err(ApiError::Transport(format!(
                    "Meta's answer for {path} has `paging.next` but no `paging.cursors.after`"
                )));
            };
            if !seen.insert(cursor.to_string()) {
                return Err(ApiError::Transport(format!(
                    "Meta sent the same cursor twice while listing {path}; stopped to avoid a loop"
                )));
            }
            after = Some(cursor.to_string());
        }
        Ok(json!({ "data": items }))
    }

    /// Downloads a public link (an asset's `download_url`) without the token: such links
    /// are unauthenticated and may point to another host. Repeated like a read.
    pub(crate) async fn download(&self, link: &str) -> Result<Vec<u8>, ApiError> {
        let url = Url::parse(link)
            .map_err(|e| ApiError::Transport(format!("Meta's download link is not a URL ({e})")))?;
        check_url(&url, "Meta's download link").map_err(ApiError::Transport)?;
        let mut attempt = 0;
        loop {
            let (status, wait, bytes) = self.send(&Method::GET, &url, &Body::Empty, false).await?;
            if (200..300).contains(&status) {
                return Ok(bytes);
            }
            let g = GraphError {
                status,
                error: Default::default(),
                wait,
                write: false,
                raw: Value::Null,
            };
            match self.delay(attempt, &g).filter(|_| g.is_retryable()) {
                Some(delay) => {
                    attempt += 1;
                    self.notify(Event::Retry(&format!(
                        "the download answered HTTP {status}: trying again in {:.1} s (retry {attempt} of {})",
                        delay.as_secs_f64(),
                        self.retry.retries
                    )));
                    tokio::time::sleep(delay).await;
                }
                None => {
                    return Err(ApiError::Transport(format!(
                        "downloading the flow's asset failed with HTTP {status}{}",
                        snippet(&String::from_utf8_lossy(&bytes))
                    )));
                }
            }
        }
    }

    /// Sends one request and reads the whole answer: status, the wait Meta asks for, body.
    async fn send(
        &self,
        method: &Method,
        url: &Url,
        body: &Body,
        authorized: bool,
    ) -> Result<(u16, Option<Duration>, Vec<u8>), ApiError> {
        let mut request = self.http.request(method.clone(), url.clone());
        let mut trace = format!("{method} {url}\n");
        if authorized {
            request = request.header(AUTHORIZATION, format!("Bearer {}", self.token.0));
            trace.push_str(&format!("Authorization: Bearer {MASK}\n"));
        } else {
            trace.push_str("(no Authorization header: the link is public)\n");
        }
        match body {
            Body::Empty => {}
            Body::Json(v) => {
                trace.push_str(&format!(
                    "Content-Type: application/json\n{}\n",
                    shorten(&v.to_string())
                ));
                request = request
                    .header(reqwest::header::CONTENT_TYPE, "application/json")
                    .body(v.to_string());
            }
            Body::Multipart {
                file_name,
                bytes,
                fields,
            } => {
                let part = reqwest::multipart::Part::bytes(bytes.clone())
                    .file_name(file_name.clone())
                    .mime_str("application/json")
                    .map_err(|e| ApiError::Usage(format!("cannot build the upload: {e}")))?;
                let mut form = reqwest::multipart::Form::new().part("file", part);
                trace.push_str(&format!(
                    "Content-Type: multipart/form-data\nfile: {file_name} ({} bytes, application/json)\n",
                    bytes.len()
                ));
                for (name, value) in fields {
                    form = form.text(*name, value.clone());
                    trace.push_str(&format!("{name}: {value}\n"));
                }
                request = request.multipart(form);
            }
        }
        self.notify(Event::Request(trace.trim_end()));
        let started = Instant::now();
        let response = request
            .send()
            .await
            .map_err(|e| ApiError::Transport(self.mask(&describe(&e, url))))?;
        let status = response.status();
        let wait = wait_of(response.headers());
        let bytes = read_capped(response, url)
            .await
            .map_err(|e| ApiError::Transport(self.mask(&e)))?;
        self.notify(Event::Answer(&format!(
            "{status} in {} ms\n{}",
            started.elapsed().as_millis(),
            shorten(&String::from_utf8_lossy(&bytes))
        )));
        Ok((status.as_u16(), wait, bytes))
    }

    fn notify(&self, event: Event<'_>) {
        if let Some(observer) = &self.observer {
            let masked = |t: &str| self.mask(t);
            match event {
                Event::Request(t) => observer(Event::Request(&masked(t))),
                Event::Answer(t) => observer(Event::Answer(&masked(t))),
                Event::Retry(t) => observer(Event::Retry(&masked(t))),
            }
        }
    }
}

/// A Graph answer: the JSON on success, the envelope as [`GraphError`] otherwise.
fn parse(
    status: u16,
    wait: Option<Duration>,
    write: bool,
    bytes: &[u8],
    url: &Url,
) -> Result<Value, ApiError> {
    let text = String::from_utf8_lossy(bytes);
    let value: Option<Value> = serde_json::from_slice(bytes).ok();
    if let Some(v) = &value
        && let Some(g) = error::from_answer(status, v, wait, write)
    {
        return Err(ApiError::Graph(Box::new(g)));
    }
    match value {
        Some(v) if (200..300).contains(&status) => Ok(v),
        _ if status >= 500 || status == 429 => {
            // A gateway error page rather than Graph's envelope: still worth a retry.
            Err(ApiError::Graph(Box::new(GraphError {
                status,
                error: error::ErrorBody {
                    message: format!(
                        "HTTP {status} without Graph's error envelope{}",
                        snippet(&text)
                    ),
                    ..Default::default()
                },
                wait,
                write,
                raw: Value::Null,
            })))
        }
        Some(_) => Err(ApiError::Transport(format!(
            "{} answered HTTP {status} without Graph's error envelope{}",
            url.origin().ascii_serialization(),
            snippet(&text)
        ))),
        None => Err(ApiError::Transport(format!(
            "{} answered HTTP {status} with something that is not JSON{}: is --graph-url Meta's Graph API?",
            url.origin().ascii_serialization(),
            snippet(&text)
        ))),
    }
}

/// https anywhere; plain http only to this machine, so the token never crosses a network
/// unencrypted.
fn check_url(url: &Url, what: &str) -> Result<(), String> {
    match url.scheme() {
        "https" => Ok(()),
        "http" if is_loopback(url) => Ok(()),
        "http" => Err(format!(
            "{what} {url} is plain http: the access token would cross the network unencrypted. \
             Use https (plain http is accepted only for 127.0.0.1, ::1 and localhost test servers)"
        )),
        other => Err(format!(
            "{what} {url}: the scheme must be https, not {other}"
        )),
    }
}

fn is_loopback(url: &Url) -> bool {
    match url.host_str() {
        Some("localhost") => true,
        Some(h) => h
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<IpAddr>()
            .is_ok_and(|ip| ip.is_loopback()),
        None => false,
    }
}

/// How long Meta asks to wait: `Retry-After` (seconds), or the business use case header's
/// `estimated_time_to_regain_access` (minutes).
fn wait_of(headers: &HeaderMap) -> Option<Duration> {
    if let Some(secs) = headers
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
    {
        return Some(Duration::from_secs(secs));
    }
    let usage: Value = serde_json::from_str(
        headers
            .get("x-business-use-case-usage")
            .and_then(|v| v.to_str().ok())?,
    )
    .ok()?;
    usage
        .as_object()?
        .values()
        .filter_map(Value::as_array)
        .flatten()
        .filter_map(|u| {
            u.get("estimated_time_to_regain_access")
                .and_then(Value::as_u64)
        })
        .max()
        .filter(|&m| m > 0)
        .map(|minutes| Duration::from_secs(minutes * 60))
}

async fn read_capped(mut response: reqwest::Response, url: &Url) -> Result<Vec<u8>, String> {
    let mut bytes: Vec<u8> = Vec::new();
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                if bytes.len() + chunk.len() > MAX_ANSWER_BYTES {
                    return Err(format!(
                        "the answer from {} is larger than {} MB; flowsim stopped reading it",
                        url.origin().ascii_serialization(),
                        MAX_ANSWER_BYTES / 1024 / 1024
                    ));
                }
                bytes.extend_from_slice(&chunk);
            }
            Ok(None) => return Ok(bytes),
            Err(e) => return Err(describe(&e, url)),
        }
    }
}

/// At most 2000 characters of a body, for traces.
fn shorten(text: &str) -> String {
    const MAX: usize = 2000;
    match text.char_indices().nth(MAX) {
        Some((i, _)) => format!("{}… ({} bytes in all)", &text[..i], text.len()),
        None => text.to_string(),
    }
}

/// `: <first 200 characters>` of an unexpected body, or nothing.
fn snippet(text: &str) -> String {
    let t = text.trim();
    if t.is_empty() {
        return String::new();
    }
    let cut: String = t.chars().take(200).collect();
    format!(": {cut}{}", if t.chars().count() > 200 { "…" } else { "" })
}

/// A network failure in one sentence, naming the host (the URL never holds the token).
fn describe(e: &reqwest::Error, url: &Url) -> String {
    let host = url.origin().ascii_serialization();
    if e.is_timeout() {
        return format!("no answer from {host} in time: the network or Meta is slow; try again");
    }
    let chain = flowsim_core::text::error_chain(e).to_lowercase();
    if chain.contains("connection refused") {
        format!("could not connect to {host}: connection refused")
    } else if chain.contains("certificate") || chain.contains("tls") || chain.contains("handshake")
    {
        format!(
            "the TLS handshake with {host} failed: the certificate is not trusted or the connection \
             was intercepted (flowsim always verifies certificates)"
        )
    } else if chain.contains("dns") || chain.contains("resolve") || chain.contains("lookup") {
        format!("cannot resolve {host}: check the network (and --graph-url)")
    } else {
        format!("the request to {host} failed: {}", chain.trim())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token() -> Token {
        Token::new("EAAGtest123\n").unwrap()
    }

    #[test]
    fn the_token_is_trimmed_masked_and_never_debug_printed() {
        let t = token();
        assert_eq!(format!("{t:?}"), "Token(***)");
        assert_eq!(t.mask("a EAAGtest123 b"), "a *** b");
        let e = Token::new("EAAG test").unwrap_err().to_string();
        assert!(e.contains("spaces") && !e.contains("EAAG"), "{e}");
        assert!(Token::new("  ").is_err());
    }

    #[test]
    fn plain_http_only_on_loopback() {
        let mk = |url: &str| {
            let mut c = Config::new(token());
            c.graph_url = url.into();
            Client::new(c)
        };
        assert!(mk("http://127.0.0.1:8080").is_ok());
        assert!(mk("http://[::1]:8080").is_ok());
        assert!(mk("http://localhost:1").is_ok());
        assert!(mk("https://graph.facebook.com/").is_ok());
        let e = mk("http://graph.example.com").unwrap_err().to_string();
        assert!(e.contains("unencrypted"), "{e}");
        assert!(mk("ftp://x").is_err());
        assert!(mk("not a url").is_err());
    }

    #[test]
    fn versions_look_like_graph_versions() {
        let mut c = Config::new(token());
        for bad in ["25.0", "v25", "vX.0", "v25.0/x"] {
            c.graph_version = bad.into();
            assert!(Client::new(c.clone()).is_err(), "{bad}");
        }
        c.graph_version = "v19.0".into();
        let client = Client::new(c).unwrap();
        assert_eq!(
            client.url("123/flows", &[("fields", "id,name")]).as_str(),
            "https://graph.facebook.com/v19.0/123/flows?fields=id%2Cname"
        );
    }

    #[test]
    fn waits_come_from_retry_after_or_the_usage_header() {
        let mut h = HeaderMap::new();
        h.insert("retry-after", "7".parse().unwrap());
        assert_eq!(wait_of(&h), Some(Duration::from_secs(7)));
        let mut h = HeaderMap::new();
        h.insert(
            "x-business-use-case-usage",
            r#"{"123":[{"type":"whatsapp","call_count":100,"estimated_time_to_regain_access":3}]}"#
                .parse()
                .unwrap(),
        );
        assert_eq!(wait_of(&h), Some(Duration::from_secs(180)));
        assert_eq!(wait_of(&HeaderMap::new()), None);
    }

    #[test]
    fn back_off_doubles_and_respects_long_waits() {
        let client = Client::new(Config::new(token())).unwrap();
        let g = |wait| GraphError {
            status: 503,
            error: Default::default(),
            wait,
            write: false,
            raw: Value::Null,
        };
        assert_eq!(client.delay(0, &g(None)), Some(Duration::from_millis(500)));
        assert_eq!(client.delay(2, &g(None)), Some(Duration::from_secs(2)));
        assert_eq!(client.delay(3, &g(None)), None);
        assert_eq!(
            client.delay(0, &g(Some(Duration::from_secs(5)))),
            Some(Duration::from_secs(5))
        );
        assert_eq!(client.delay(0, &g(Some(Duration::from_secs(3600)))), None);
    }
}
