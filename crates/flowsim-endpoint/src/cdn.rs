//! A local stand-in for WhatsApp's media CDN (endpoint.md §8.4): while a flow runs against an
//! endpoint, every file the user picks is encrypted ([`crate::media`]) and served over HTTP on
//! 127.0.0.1, so the endpoint can download it from the request's `cdn_url` as it would from
//! WhatsApp.
//!
//! Each file gets a path of 256 random bits; the server answers only paths it issued in the
//! current session ([`Cdn::clear`] starts a new one) and refuses everything else with 404.
//! Files are kept encrypted in a private temporary folder, deleted with the session. Every
//! request to the server is reported as a [`Download`] (for the inspector).

use std::collections::HashMap;
use std::io::{self, BufWriter, Read};
use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};

use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::{Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use rand::rngs::OsRng;
use tokio::net::TcpListener;
use tokio::sync::mpsc::UnboundedSender;
use tokio::task::JoinHandle;

use crate::client::now;
use crate::media::{self, EncryptionMetadata, MediaKeys};

/// Where the CDN listens and the address endpoints reach it by.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CdnConfig {
    /// The port on 127.0.0.1; 0 picks a free one.
    pub port: u16,
    /// The base URL endpoints use (a tunnel or proxy to the port), when they cannot reach
    /// 127.0.0.1 themselves. `cdn_url`s are this plus the file's path.
    pub public_url: Option<String>,
}

/// One request the CDN answered.
#[derive(Debug, Clone, PartialEq)]
pub struct Download {
    /// Seconds since the Unix epoch.
    pub time: f64,
    pub method: String,
    /// The path asked for.
    pub path: String,
    /// The `cdn_url` of the file served, when the path is one the CDN issued in this session.
    pub url: Option<String>,
    pub file_name: Option<String>,
    pub status: u16,
    /// Bytes of the CDN file sent (0 for HEAD and refusals).
    pub bytes: u64,
}

/// A file put on the CDN.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Uploaded {
    pub cdn_url: String,
    pub metadata: EncryptionMetadata,
    /// Size of the original file.
    pub size: u64,
}

struct Stored {
    file: tempfile::NamedTempFile,
    len: u64,
    url: String,
    file_name: String,
}

struct Shared {
    /// Files of the current session, by the random token in their path.
    files: Mutex<HashMap<String, Stored>>,
    dir: tempfile::TempDir,
    /// The path of the public base URL (`""`, or e.g. `/cdn` behind a proxy).
    prefix: String,
    events: Option<UnboundedSender<Download>>,
}

/// The running CDN. Dropping it stops the server and deletes the files.
pub struct Cdn {
    shared: Arc<Shared>,
    base: String,
    local: SocketAddr,
    task: JoinHandle<()>,
}

impl Drop for Cdn {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Cdn {
    /// Starts serving on 127.0.0.1. Each request is sent to `events`, when given.
    pub async fn start(
        config: &CdnConfig,
        events: Option<UnboundedSender<Download>>,
    ) -> Result<Cdn, String> {
        let public = config.public_url.as_deref().map(public_base).transpose()?;
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, config.port))
            .await
            .map_err(|e| {
                format!(
                    "Cannot serve media on 127.0.0.1:{} ({e}). Another program uses the port: \
                     choose another --cdn-port, or 0 for any free one.",
                    config.port
                )
            })?;
        let local = listener
            .local_addr()
            .map_err(|e| format!("Cannot serve media: {e}"))?;
        let dir = tempfile::Builder::new()
            .prefix("flowsim-cdn-")
            .tempdir()
            .map_err(|e| {
                format!(
                    "Cannot make a folder for encrypted media ({e}). Check that the temporary \
                     folder (TMPDIR) exists and is writable."
                )
            })?;
        let (base, prefix) = public.unwrap_or_else(|| (format!("http://{local}"), String::new()));
        let shared = Arc::new(Shared {
            files: Mutex::new(HashMap::new()),
            dir,
            prefix,
            events,
        });
        let app = Router::new()
            .fallback(serve)
            .with_state(Arc::clone(&shared));
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Ok(Cdn {
            shared,
            base,
            local,
            task,
        })
    }

    /// The base of every `cdn_url`.
    pub fn base_url(&self) -> &str {
        &self.base
    }

    /// Where the server listens.
    pub fn local_addr(&self) -> SocketAddr {
        self.local
    }

    /// Encrypts a file with fresh keys, reading it in bounded chunks, and serves it from a new
    /// unguessable path. Blocking IO: call it off the async threads.
    pub fn upload(&self, file_name: &str, plaintext: impl Read) -> io::Result<Uploaded> {
        let mut file = tempfile::NamedTempFile::new_in(self.shared.dir.path())?;
        let encrypted = media::encrypt(&MediaKeys::random(), plaintext, BufWriter::new(&mut file))?;
        let mut token = [0u8; 32];
        OsRng.fill_bytes(&mut token);
        let token = URL_SAFE_NO_PAD.encode(token);
        let cdn_url = format!("{}/{token}.enc", self.base);
        lock(&self.shared.files).insert(
            token,
            Stored {
                file,
                len: encrypted.cdn_len,
                url: cdn_url.clone(),
                file_name: file_name.to_string(),
            },
        );
        Ok(Uploaded {
            cdn_url,
            metadata: encrypted.metadata,
            size: encrypted.plaintext_len,
        })
    }

    /// Starts a new session: the files of the last one are no longer served, and deleted.
    pub fn clear(&self) {
        lock(&self.shared.files).clear();
    }

    /// How many files the current session serves.
    pub fn len(&self) -> usize {
        lock(&self.shared.files).len()
    }

    /// Whether the current session serves no file.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The base URL without a trailing slash, and its path.
fn public_base(url: &str) -> Result<(String, String), String> {
    let parsed = reqwest::Url::parse(url).map_err(|e| {
        format!("--cdn-public-url {url} is not a URL ({e}). Give the tunnel's or proxy's base URL, e.g. https://media.example.com")
    })?;
    if !matches!(parsed.scheme(), "http" | "https")
        || parsed.host_str().is_none()
        || parsed.query().is_some()
        || parsed.fragment().is_some()
    {
        return Err(format!(
            "--cdn-public-url {url} must be an http or https URL with a host and no query or \
             fragment, e.g. https://media.example.com"
        ));
    }
    let base = url.trim_end_matches('/').to_string();
    let prefix = parsed.path().trim_end_matches('/').to_string();
    Ok((base, prefix))
}

/// The token of an issued path: `/{token}.enc`, under the public URL's path or not (a proxy
/// may strip it).
fn token_of<'a>(path: &'a str, prefix: &str) -> Option<&'a str> {
    let rest = path
        .strip_prefix(prefix)
        .filter(|r| r.starts_with('/'))
        .unwrap_or(path);
    let token = rest.strip_prefix('/')?.strip_suffix(".enc")?;
    (!token.is_empty() && !token.contains('/')).then_some(token)
}

async fn serve(State(shared): State<Arc<Shared>>, method: Method, uri: Uri) -> Response {
    let path = uri.path().to_string();
    let mut download = Download {
        time: now(),
        method: method.to_string(),
        path: path.clone(),
        url: None,
        file_name: None,
        status: 404,
        bytes: 0,
    };
    let found = token_of(&path, &shared.prefix).and_then(|token| {
        let files = lock(&shared.files);
        files.get(token).map(|s| {
            (
                s.file.path().to_path_buf(),
                s.len,
                s.url.clone(),
                s.file_name.clone(),
            )
        })
    });
    let response = match found {
        None => (
            StatusCode::NOT_FOUND,
            "This CDN serves only the media of the current flowsim session.\n",
        )
            .into_response(),
        Some((file, len, url, file_name)) => {
            download.url = Some(url);
            download.file_name = Some(file_name);
            respond(&method, file, len, &mut download).await
        }
    };
    download.status = response.status().as_u16();
    if let Some(events) = &shared.events {
        let _ = events.send(download);
    }
    response
}

async fn respond(method: &Method, file: PathBuf, len: u64, download: &mut Download) -> Response {
    let headers = [
        (header::CONTENT_TYPE, "application/octet-stream".to_string()),
        (header::CONTENT_LENGTH, len.to_string()),
        (header::CACHE_CONTROL, "no-store".to_string()),
    ];
    if method == Method::HEAD {
        return (StatusCode::OK, headers).into_response();
    }
    if method != Method::GET {
        return (
            StatusCode::METHOD_NOT_ALLOWED,
            [(header::ALLOW, "GET, HEAD")],
            "Media is downloaded with GET.\n",
        )
            .into_response();
    }
    match tokio::fs::File::open(&file).await {
        Ok(f) => {
            download.bytes = len;
            let body = Body::from_stream(tokio_util::io::ReaderStream::new(f));
            (StatusCode::OK, headers, body).into_response()
        }
        // The session was cleared while the request came in.
        Err(_) => (StatusCode::NOT_FOUND, "This file is no longer served.\n").into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_come_only_from_issued_path_shapes() {
        assert_eq!(token_of("/abc.enc", ""), Some("abc"));
        assert_eq!(token_of("/cdn/abc.enc", "/cdn"), Some("abc"));
        assert_eq!(token_of("/abc.enc", "/cdn"), Some("abc"));
        assert_eq!(token_of("/abc", ""), None);
        assert_eq!(token_of("/x/abc.enc", ""), None);
        assert_eq!(token_of("/.enc", ""), None);
        assert_eq!(token_of("/cdn/x/abc.enc", "/cdn"), None);
    }

    #[test]
    fn public_urls_are_checked() {
        assert_eq!(
            public_base("https://media.example.com/").unwrap(),
            ("https://media.example.com".into(), String::new())
        );
        assert_eq!(
            public_base("https://example.com/cdn/").unwrap(),
            ("https://example.com/cdn".into(), "/cdn".into())
        );
        for bad in [
            "media.example.com",
            "ftp://x.example",
            "https://x.example/?a=1",
            "nope",
        ] {
            let e = public_base(bad).unwrap_err();
            assert!(e.contains("--cdn-public-url"), "{e}");
        }
    }
}
