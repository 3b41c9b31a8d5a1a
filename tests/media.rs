//! Media uploads as an independent endpoint sees them (endpoint.md §8): `flowsim test` runs a
//! flow with a PhotoPicker and a DocumentPicker against an endpoint written here, which
//! downloads every file from its `cdn_url` and checks and decrypts it with its own code (the
//! RustCrypto primitives, not flowsim's `media` module), byte for byte against the originals.
//! And the client's limits, each refused on the component with nothing sent.

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use aes::Aes256;
use assert_cmd::cargo::cargo_bin_cmd;
use axum::Router;
use axum::routing::post;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use cbc::cipher::block_padding::Pkcs7;
use cbc::cipher::{BlockDecryptMut, KeyIvInit};
use flowsim_endpoint::{crypto, keys};
use hmac::{Hmac, Mac};
use rsa::RsaPrivateKey;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use tokio::net::TcpListener;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn private_key() -> RsaPrivateKey {
    let pem = std::fs::read_to_string(root().join("tests/fixtures/keys/private.pem")).unwrap();
    keys::private_key_from_pem(&pem, None).unwrap()
}

/// What an endpoint does with a media item, written from endpoint.md §8.1 alone: download,
/// check `encrypted_hash`, check the 10-byte HMAC over iv ‖ ciphertext, AES-256-CBC decrypt,
/// remove PKCS#7 padding, check `plaintext_hash`.
async fn fetch_and_decrypt(http: &reqwest::Client, item: &Value) -> Result<Vec<u8>, String> {
    let url = item["cdn_url"].as_str().ok_or("no cdn_url")?;
    let m = &item["encryption_metadata"];
    let b64 = |k: &str| -> Result<Vec<u8>, String> {
        STANDARD
            .decode(m[k].as_str().ok_or(format!("no {k}"))?)
            .map_err(|e| format!("{k}: {e}"))
    };
    let (key, hmac_key, iv) = (b64("encryption_key")?, b64("hmac_key")?, b64("iv")?);
    if (key.len(), hmac_key.len(), iv.len()) != (32, 32, 16) {
        return Err("key, hmac key or iv of the wrong length".into());
    }
    let response = http.get(url).send().await.map_err(|e| e.to_string())?;
    if !response.status().is_success() {
        return Err(format!("GET {url}: {}", response.status()));
    }
    let cdn = response.bytes().await.map_err(|e| e.to_string())?;
    if Sha256::digest(&cdn).as_slice() != b64("encrypted_hash")? {
        return Err("encrypted_hash".into());
    }
    let (ciphertext, mac10) = cdn.split_at(cdn.len() - 10);
    let mut mac = Hmac::<Sha256>::new_from_slice(&hmac_key).unwrap();
    mac.update(&iv);
    mac.update(ciphertext);
    if &mac.finalize().into_bytes()[..10] != mac10 {
        return Err("hmac".into());
    }
    let mut buffer = ciphertext.to_vec();
    let plain = cbc::Decryptor::<Aes256>::new_from_slices(&key, &iv)
        .unwrap()
        .decrypt_padded_mut::<Pkcs7>(&mut buffer)
        .map_err(|_| "padding")?
        .to_vec();
    if Sha256::digest(&plain).as_slice() != b64("plaintext_hash")? {
        return Err("plaintext_hash".into());
    }
    Ok(plain)
}

/// Every file the endpoint received: the request's media item and its decrypted bytes.
type Received = Arc<Mutex<Vec<(Value, Vec<u8>)>>>;
/// For each request: the status of a GET of every `cdn_url` received before it.
type Earlier = Arc<Mutex<Vec<Vec<u16>>>>;

/// The endpoint: PHOTO's files lead to DOCS, DOCS's files to DONE; every file is downloaded
/// and decrypted first, and a file that fails a check is a snackbar naming the check. Each
/// request also tries the URLs of the files received before it.
async fn endpoint() -> (String, Received, Earlier) {
    let received: Received = Arc::default();
    let earlier: Earlier = Arc::default();
    let seen = Arc::clone(&received);
    let tried = Arc::clone(&earlier);
    let key = Arc::new(private_key());
    let _ = rustls::crypto::ring::default_provider().install_default();
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    let router = Router::new().route(
        "/",
        post(move |body: String| {
            let (seen, key, http) = (Arc::clone(&seen), Arc::clone(&key), http.clone());
            let tried = Arc::clone(&tried);
            async move {
                let urls: Vec<String> = seen
                    .lock()
                    .unwrap()
                    .iter()
                    .filter_map(|(i, _)| i["cdn_url"].as_str().map(str::to_string))
                    .collect();
                let mut statuses = Vec::new();
                for url in urls {
                    let status = http.get(&url).send().await.map_or(0, |r| r.status().as_u16());
                    statuses.push(status);
                }
                tried.lock().unwrap().push(statuses);
                let opened = crypto::open_request(&key, &body).unwrap();
                let request: Value = serde_json::from_slice(&opened.plaintext).unwrap();
                let (key_name, next) = match request["screen"].as_str() {
                    Some("PHOTO") => ("photo", "DOCS"),
                    _ => ("docs", "DONE"),
                };
                let mut answer = json!({ "screen": next, "data": {} });
                let items = request["data"][key_name].as_array().cloned().unwrap_or_default();
                for item in &items {
                    match fetch_and_decrypt(&http, item).await {
                        Ok(bytes) => seen.lock().unwrap().push((item.clone(), bytes)),
                        Err(check) => {
                            answer = json!({ "screen": request["screen"],
                                             "data": { "error_message": format!("{check} failed") } });
                        }
                    }
                }
                if next == "DONE" && answer["screen"] == "DONE" {
                    let n = seen.lock().unwrap().len();
                    answer["data"] = json!({ "verdict": format!("{n} files verified") });
                }
                crypto::seal_response(&opened.key, &opened.iv, answer.to_string().as_bytes())
            }
        }),
    );
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await });
    (url, received, earlier)
}

fn flow() -> Value {
    let footer = |key: &str| {
        json!({ "type": "Footer", "label": "Send", "on-click-action": { "name": "data_exchange",
                "payload": { key: format!("${{form.{key}}}") } } })
    };
    json!({
        "version": "7.3",
        "data_api_version": "3.0",
        "routing_model": { "PHOTO": ["DOCS"], "DOCS": ["DONE"], "DONE": [] },
        "screens": [
            { "id": "PHOTO", "title": "Photos", "layout": { "type": "SingleColumnLayout", "children": [
                { "type": "PhotoPicker", "name": "photo", "label": "Photos of the damage",
                  "max-uploaded-photos": 2, "max-file-size-kb": 64 },
                footer("photo") ] } },
            { "id": "DOCS", "title": "Documents", "layout": { "type": "SingleColumnLayout", "children": [
                { "type": "DocumentPicker", "name": "docs", "label": "Receipts",
                  "allowed-mime-types": ["application/pdf", "text/plain"] },
                footer("docs") ] } },
            { "id": "DONE", "title": "Done", "terminal": true,
              "data": { "verdict": { "type": "string", "__example__": "…" } },
              "layout": { "type": "SingleColumnLayout", "children": [
                { "type": "TextBody", "text": "${data.verdict}" },
                { "type": "Footer", "label": "Close",
                  "on-click-action": { "name": "complete", "payload": {} } } ] } }
        ]
    })
}

/// A folder with the flow, a scenario and the files it picks.
fn workspace(steps: Value) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let files = root().join("sample-flows/files");
    std::fs::copy(files.join("damaged-item.png"), dir.path().join("crack.png")).unwrap();
    std::fs::copy(files.join("receipt.pdf"), dir.path().join("receipt.pdf")).unwrap();
    // Larger than a chunk, so the upload streams.
    let notes: String = (0..9000).map(|i| format!("line {i}\n")).collect();
    std::fs::write(dir.path().join("notes.txt"), notes).unwrap();
    std::fs::write(dir.path().join("big.png"), vec![7u8; 65 * 1024]).unwrap();
    std::fs::write(dir.path().join("flow.json"), flow().to_string()).unwrap();
    let scenario = json!({ "flow": "flow.json", "tests": [{ "name": "media", "steps": steps }] });
    std::fs::write(dir.path().join("media.test.json"), scenario.to_string()).unwrap();
    dir
}

/// Runs `flowsim test` on the workspace's scenario with `args`; its exit code and output.
async fn flowsim_test(dir: &Path, args: Vec<String>) -> (i32, String) {
    let dir = dir.to_path_buf();
    tokio::task::spawn_blocking(move || {
        let out = cargo_bin_cmd!("flowsim")
            .arg("test")
            .arg("--color")
            .arg("never")
            .arg(dir.join("media.test.json"))
            .args(args)
            .timeout(Duration::from_secs(60))
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout).to_string()
            + &String::from_utf8_lossy(&out.stderr);
        (out.status.code().unwrap_or(-1), text)
    })
    .await
    .unwrap()
}

fn live(url: &str) -> Vec<String> {
    vec![
        "--endpoint".into(),
        url.into(),
        "--public-key".into(),
        root()
            .join("tests/fixtures/keys/public.pem")
            .display()
            .to_string(),
    ]
}

fn happy_steps() -> Value {
    json!([
        { "fill": { "photo": "crack.png" } },
        { "tap": "footer" },
        { "expect": { "screen": "DOCS", "snackbar": null } },
        { "fill": { "docs": ["receipt.pdf", "notes.txt"] } },
        { "tap": "footer" },
        { "expect": { "screen": "DONE", "text": ["3 files verified"] } }
    ])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_independent_endpoint_downloads_verifies_and_decrypts_every_file() {
    let (url, received, _) = endpoint().await;
    let dir = workspace(happy_steps());
    let (code, out) = flowsim_test(dir.path(), live(&url)).await;
    assert_eq!(code, 0, "{out}");
    let received = received.lock().unwrap();
    let names: Vec<&str> = received
        .iter()
        .map(|(item, _)| item["file_name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["crack.png", "receipt.pdf", "notes.txt"]);
    for (item, bytes) in received.iter() {
        let name = item["file_name"].as_str().unwrap();
        assert_eq!(
            *bytes,
            std::fs::read(dir.path().join(name)).unwrap(),
            "{name}"
        );
        // Exactly the members Meta documents, in its order.
        let members: Vec<&String> = item.as_object().unwrap().keys().collect();
        assert_eq!(
            members,
            ["media_id", "cdn_url", "file_name", "encryption_metadata"]
        );
        let metadata: Vec<&String> = item["encryption_metadata"]
            .as_object()
            .unwrap()
            .keys()
            .collect();
        assert_eq!(
            metadata,
            [
                "encryption_key",
                "hmac_key",
                "iv",
                "plaintext_hash",
                "encrypted_hash"
            ]
        );
        assert!(
            item["cdn_url"]
                .as_str()
                .unwrap()
                .starts_with("http://127.0.0.1:")
        );
    }
    // Fresh keys for every file.
    let keys: std::collections::BTreeSet<&str> = received
        .iter()
        .map(|(i, _)| i["encryption_metadata"]["encryption_key"].as_str().unwrap())
        .collect();
    assert_eq!(keys.len(), 3);
    // The report shows no media key.
    for (item, _) in received.iter() {
        let key = item["encryption_metadata"]["hmac_key"].as_str().unwrap();
        assert!(!out.contains(key), "{out}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_public_url_and_port_are_what_the_endpoint_is_given_and_reaches() {
    let (url, received, _) = endpoint().await;
    // A free port, and a "proxy" path in front of it.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let public = format!("http://127.0.0.1:{port}/media-proxy");
    let dir = workspace(happy_steps());
    let mut args = live(&url);
    args.extend([
        "--cdn-port".into(),
        port.to_string(),
        "--cdn-public-url".into(),
        public.clone(),
    ]);
    let (code, out) = flowsim_test(dir.path(), args).await;
    assert_eq!(code, 0, "{out}");
    let received = received.lock().unwrap();
    assert_eq!(received.len(), 3);
    for (item, _) in received.iter() {
        assert!(
            item["cdn_url"]
                .as_str()
                .unwrap()
                .starts_with(&format!("{public}/"))
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn files_of_an_earlier_session_are_no_longer_served() {
    // Two tests in one run: each is a session of its own.
    let (url, received, earlier) = endpoint().await;
    let dir = workspace(happy_steps());
    let scenario = json!({ "flow": "flow.json", "tests": [
        { "name": "first", "steps": happy_steps() },
        { "name": "second", "steps": [
            { "fill": { "photo": "crack.png" } },
            { "tap": "footer" },
            { "expect": { "screen": "DOCS" } } ] }
    ] });
    std::fs::write(dir.path().join("media.test.json"), scenario.to_string()).unwrap();
    let (code, out) = flowsim_test(dir.path(), live(&url)).await;
    assert_eq!(code, 0, "{out}");
    // First session: DOCS's request still finds the photo. Second session: none of the first
    // session's three files is served.
    assert_eq!(
        *earlier.lock().unwrap(),
        [vec![], vec![200], vec![404, 404, 404]]
    );
    let first_url = received.lock().unwrap()[0].0["cdn_url"]
        .as_str()
        .unwrap()
        .to_string();
    // flowsim has exited: nothing serves the file any more.
    assert!(reqwest::get(&first_url).await.is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_limit_is_refused_on_the_component_and_nothing_is_sent() {
    let (url, received, _) = endpoint().await;
    let steps = json!([
        // max-file-size-kb 64: the file is 65 KB.
        { "fill": { "photo": "big.png" } },
        { "expect": { "errors": { "photo": "big.png is larger than 64 KB" }, "form": {} } },
        // Not a photo.
        { "fill": { "photo": "receipt.pdf" } },
        { "expect": { "errors": { "photo": "receipt.pdf is not a photo (application/pdf)" } } },
        // max-uploaded-photos 2: the third is refused, two stay.
        { "fill": { "photo": ["crack.png", "crack.png", "crack.png"] } },
        { "expect": { "errors": { "photo": "You can add at most 2 photos" } } },
        { "tap": "footer" },
        { "expect": { "screen": "DOCS" } },
        // allowed-mime-types: a PNG is refused on DOCS.
        { "fill": { "docs": "crack.png" } },
        { "expect": { "errors": { "docs": "crack.png is image/png, which this picker does not accept" } } },
        { "tap": "footer" },
        { "expect": { "screen": "DONE", "text": ["2 files verified"] } }
    ]);
    let dir = workspace(steps);
    let (code, out) = flowsim_test(dir.path(), live(&url)).await;
    assert_eq!(code, 0, "{out}");
    // Only the two accepted photos reached the endpoint.
    assert_eq!(received.lock().unwrap().len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_file_fails_the_scenario_step_with_its_name() {
    let dir = workspace(json!([{ "fill": { "photo": "gone.png" } }]));
    let (code, out) = flowsim_test(dir.path(), vec![]).await;
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("fill `photo`") && out.contains("gone.png"),
        "{out}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_an_endpoint_there_is_no_cdn_and_the_request_says_so() {
    let dir = workspace(json!([
        { "fill": { "photo": "crack.png" } },
        { "tap": "footer" },
        { "expect": { "request": { "data": { "photo": [
            { "media_id": "flowsim-0-91792511", "cdn_url": null, "file_name": "crack.png",
              "encryption_metadata": null } ] } } } }
    ]));
    let (code, out) = flowsim_test(dir.path(), vec![]).await;
    assert_eq!(code, 0, "{out}");
}
