//! The local CDN over real HTTP: what an endpoint downloads from a `cdn_url` decrypts to the
//! picked file, and the server answers nothing it did not issue in the current session.

use flowsim_endpoint::cdn::{Cdn, CdnConfig, Download};
use flowsim_endpoint::media;
use tokio::sync::mpsc::{UnboundedReceiver, unbounded_channel};

fn http() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::new()
}

async fn start(config: CdnConfig) -> (Cdn, UnboundedReceiver<Download>) {
    let (tx, rx) = unbounded_channel();
    (Cdn::start(&config, Some(tx)).await.unwrap(), rx)
}

/// A file of a few chunks, so the download streams.
fn photo() -> Vec<u8> {
    (0..200_003u32).map(|i| (i * 31 % 251) as u8).collect()
}

#[tokio::test]
async fn an_uploaded_file_downloads_over_http_and_decrypts_to_the_original() {
    let (cdn, mut events) = start(CdnConfig::default()).await;
    let original = photo();
    let up = cdn.upload("crack.png", original.as_slice()).unwrap();
    assert_eq!(up.size, original.len() as u64);
    assert!(
        up.cdn_url
            .starts_with(&format!("http://{}/", cdn.local_addr()))
    );
    assert!(up.cdn_url.ends_with(".enc"));
    // 256 random bits, base64url: 43 characters.
    let token = up
        .cdn_url
        .rsplit('/')
        .next()
        .unwrap()
        .trim_end_matches(".enc");
    assert_eq!(token.len(), 43);

    let response = http().get(&up.cdn_url).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "application/octet-stream"
    );
    let body = response.bytes().await.unwrap();
    assert_eq!(body.len() % 16, 10);
    assert_eq!(media::decrypt(&body, &up.metadata).unwrap(), original);

    let seen = events.recv().await.unwrap();
    assert_eq!(seen.status, 200);
    assert_eq!(seen.url.as_deref(), Some(up.cdn_url.as_str()));
    assert_eq!(seen.file_name.as_deref(), Some("crack.png"));
    assert_eq!(seen.bytes, body.len() as u64);
}

#[tokio::test]
async fn each_upload_has_its_own_keys_and_path() {
    let (cdn, _events) = start(CdnConfig::default()).await;
    let a = cdn.upload("a.txt", &b"same bytes"[..]).unwrap();
    let b = cdn.upload("b.txt", &b"same bytes"[..]).unwrap();
    assert_ne!(a.cdn_url, b.cdn_url);
    assert_ne!(a.metadata.keys, b.metadata.keys);
    assert_ne!(a.metadata.encrypted_hash, b.metadata.encrypted_hash);
    assert_eq!(a.metadata.plaintext_hash, b.metadata.plaintext_hash);
    assert_eq!(cdn.len(), 2);
}

#[tokio::test]
async fn paths_it_did_not_issue_are_refused() {
    let (cdn, mut events) = start(CdnConfig::default()).await;
    let up = cdn.upload("x.pdf", &b"%PDF-1.4"[..]).unwrap();
    let base = format!("http://{}", cdn.local_addr());
    let token = up.cdn_url.rsplit('/').next().unwrap().to_string();
    let guessed = format!("{}.enc", "A".repeat(43));
    for path in [
        String::new(),
        "/".into(),
        format!("/{guessed}"),
        format!("/{}", token.trim_end_matches(".enc")),
        format!("/other/{token}"),
        format!("/{token}/x"),
        "/../etc/passwd".into(),
    ] {
        let r = http().get(format!("{base}{path}")).send().await.unwrap();
        assert_eq!(r.status(), 404, "{path}");
        let e = events.recv().await.unwrap();
        assert_eq!((e.status, e.url, e.bytes), (404, None, 0), "{path}");
    }
    let r = http().post(&up.cdn_url).send().await.unwrap();
    assert_eq!(r.status(), 405);
    let r = http().head(&up.cdn_url).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-length"], "26");
    // A new session: the last one's files are gone.
    cdn.clear();
    assert!(cdn.is_empty());
    let r = http().get(&up.cdn_url).send().await.unwrap();
    assert_eq!(r.status(), 404);
}

#[tokio::test]
async fn a_public_url_is_what_endpoints_are_given_and_its_path_is_served() {
    let config = CdnConfig {
        port: 0,
        public_url: Some("https://media.example.com/cdn/".into()),
    };
    let (cdn, _events) = start(config).await;
    let up = cdn.upload("a.png", &b"png"[..]).unwrap();
    assert!(
        up.cdn_url.starts_with("https://media.example.com/cdn/"),
        "{}",
        up.cdn_url
    );
    let path = up.cdn_url.trim_start_matches("https://media.example.com");
    // Through a proxy that keeps the path, and one that strips it.
    for local in [
        path.to_string(),
        path.trim_start_matches("/cdn").to_string(),
    ] {
        let r = http()
            .get(format!("http://{}{local}", cdn.local_addr()))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{local}");
        let body = r.bytes().await.unwrap();
        assert_eq!(media::decrypt(&body, &up.metadata).unwrap(), b"png");
    }
}

#[tokio::test]
async fn a_busy_port_is_a_clear_error() {
    let (first, _events) = start(CdnConfig::default()).await;
    let config = CdnConfig {
        port: first.local_addr().port(),
        public_url: None,
    };
    let e = Cdn::start(&config, None).await.err().unwrap();
    assert!(e.contains("--cdn-port"), "{e}");
    let bad = CdnConfig {
        port: 0,
        public_url: Some("media.example.com".into()),
    };
    let e = Cdn::start(&bad, None).await.err().unwrap();
    assert!(e.contains("--cdn-public-url"), "{e}");
}
