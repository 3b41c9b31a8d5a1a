//! Checks against the shared corpus next to the checkout (`../shared/corpus`), run by
//! `.ci/run` with `--ignored` when the corpus is there. The corpus is never copied into the
//! project.

use std::path::PathBuf;

use flowsim_endpoint::{crypto, keys};
use serde_json::Value;

fn corpus(path: &str) -> Option<String> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/corpus")
        .join(path);
    std::fs::read_to_string(p).ok()
}

/// A real WhatsApp request (captured by pywa) decrypts byte-exact with its published key, and
/// our encryption of the recorded answer reproduces the recorded response body.
#[test]
#[ignore = "needs ../shared/corpus; run by .ci/run"]
fn real_encrypted_exchange_decrypts_byte_exact() {
    let text = corpus("endpoint/david-lev__pywa__tests__test_server__vectors.json")
        .expect("../shared/corpus/endpoint is present");
    let v: Value = serde_json::from_str(&text).unwrap();
    let x = &v["flow_endpoint_exchange"];
    let key = keys::private_key_from_pem(
        x["rsa_private_key_pem_pkcs8_encrypted"].as_str().unwrap(),
        x["rsa_private_key_passphrase"].as_str(),
    )
    .expect("the corpus key loads with its passphrase");
    let body = serde_json::to_string(&x["request_body"]).unwrap();
    let opened = crypto::open_request(&key, &body).expect("the real request decrypts");
    assert_eq!(
        String::from_utf8(opened.plaintext.clone()).unwrap(),
        x["request_plaintext_utf8"].as_str().unwrap()
    );
    let sealed = crypto::seal_response(
        &opened.key,
        &opened.iv,
        x["response_plaintext_utf8"].as_str().unwrap().as_bytes(),
    );
    assert_eq!(sealed, x["response_body_base64"].as_str().unwrap());
    let answer = crypto::open_response(&opened.key, &opened.iv, &sealed).unwrap();
    assert_eq!(
        answer,
        x["response_plaintext_utf8"].as_str().unwrap().as_bytes()
    );
}
