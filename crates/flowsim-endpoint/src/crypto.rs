//! The encryption of WhatsApp Flows data-endpoint traffic (endpoint.md §2–3, §4.8).
//!
//! Both sides are here:
//!
//! * the **WhatsApp side** (what the simulator does): [`seal_request`] encrypts a request
//!   plaintext for the business public key, [`open_response`] decrypts the endpoint's answer;
//! * the **endpoint side** (what a reference endpoint does): [`open_request`] and
//!   [`seal_response`].
//!
//! The scheme: a fresh AES-128 key and 16-byte IV per request; the request plaintext is
//! AES-128-GCM encrypted (16-byte nonce, empty AAD, tag appended), the AES key is wrapped with
//! RSA-OAEP (SHA-256 and MGF1-SHA-256, empty label). The response is AES-128-GCM encrypted with
//! the same key and the IV with every bit flipped, and returned as bare base64 text.
//!
//! Requests are signed with `X-Hub-Signature-256` ([`signature`], [`verify_signature`]); Data
//! API 4.0 adds a `flow_token_signature` JWT ([`flow_token_signature`]).

use std::fmt;

use aes::Aes128;
use aes_gcm::AesGcm;
use aes_gcm::aead::consts::U16;
use aes_gcm::aead::generic_array::GenericArray;
use aes_gcm::aead::{Aead, KeyInit};
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use hmac::{Hmac, Mac};
use rand::RngCore;
use rand::rngs::OsRng;
use rsa::traits::PublicKeyParts;
use rsa::{Oaep, RsaPrivateKey, RsaPublicKey};
use sha2::Sha256;
use subtle::ConstantTimeEq;

use crate::b64::STANDARD_LENIENT;

/// AES-128-GCM with the 16-byte nonce WhatsApp Flows use (`Aes128Gcm` is fixed to 12 bytes).
type Aes128Gcm16 = AesGcm<Aes128, U16>;

type HmacSha256 = Hmac<Sha256>;

/// Length of the GCM authentication tag appended to every ciphertext.
pub const TAG_LEN: usize = 16;

/// Names of the three members of the request envelope, in the order WhatsApp sends them.
pub const MEMBER_FLOW_DATA: &str = "encrypted_flow_data";
/// See [`MEMBER_FLOW_DATA`].
pub const MEMBER_AES_KEY: &str = "encrypted_aes_key";
/// See [`MEMBER_FLOW_DATA`].
pub const MEMBER_IV: &str = "initial_vector";

/// An encrypted request, ready to POST, with the key material needed to open the answer.
#[derive(Clone, PartialEq, Eq)]
pub struct Sealed {
    /// The exact compact JSON body to send (members `encrypted_flow_data`,
    /// `encrypted_aes_key`, `initial_vector`, in that order). Sign these bytes.
    pub body: String,
    /// The request's AES-128 key (secret; needed by [`open_response`]).
    pub key: [u8; 16],
    /// The request's IV (the response uses [`flip_iv`] of it).
    pub iv: [u8; 16],
}

impl fmt::Debug for Sealed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sealed")
            .field("body", &self.body)
            .field("key", &"<redacted>")
            .field("iv", &"<redacted>")
            .finish()
    }
}

/// A decrypted request (endpoint side), with the key material needed to seal the answer.
#[derive(Clone, PartialEq, Eq)]
pub struct Opened {
    /// The decrypted request plaintext (UTF-8 JSON if the client behaves).
    pub plaintext: Vec<u8>,
    /// The unwrapped AES-128 key (secret; needed by [`seal_response`]).
    pub key: [u8; 16],
    /// The request's IV.
    pub iv: [u8; 16],
}

impl fmt::Debug for Opened {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Opened")
            .field("plaintext", &String::from_utf8_lossy(&self.plaintext))
            .field("key", &"<redacted>")
            .field("iv", &"<redacted>")
            .finish()
    }
}

/// What went wrong while encrypting or decrypting endpoint traffic.
///
/// The messages say what was wrong and the likely cause; they never contain key material.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CryptoError {
    /// RSA-OAEP wrapping of the AES key failed (e.g. the public key is far too small).
    #[error(
        "cannot wrap the AES key with RSA-OAEP-SHA-256 under this public key ({detail}): \
         the business key should be an RSA-2048 public key"
    )]
    WrapKey {
        /// The RSA library's reason.
        detail: String,
    },
    /// The request body is not JSON.
    #[error(
        "the request body is not JSON ({detail}): it must be the object \
         {{\"encrypted_flow_data\":…,\"encrypted_aes_key\":…,\"initial_vector\":…}}"
    )]
    EnvelopeNotJson {
        /// The parser's reason (position only).
        detail: String,
    },
    /// The request body is JSON but not an object.
    #[error(
        "the request body is JSON but not an object: it must be the object \
         {{\"encrypted_flow_data\":…,\"encrypted_aes_key\":…,\"initial_vector\":…}}"
    )]
    EnvelopeNotObject,
    /// A member of the envelope is missing.
    #[error(
        "the request body has no \"{member}\" member: the envelope needs \
         encrypted_flow_data, encrypted_aes_key and initial_vector"
    )]
    MemberMissing {
        /// The member's name.
        member: &'static str,
    },
    /// A member of the envelope is not a JSON string.
    #[error("the request member \"{member}\" is not a string: it must be base64 text")]
    MemberNotString {
        /// The member's name.
        member: &'static str,
    },
    /// A member of the envelope is not valid standard base64.
    #[error(
        "the request member \"{member}\" is not valid base64 ({detail}): it must use the \
         standard alphabet (+ and /) with = padding"
    )]
    MemberNotBase64 {
        /// The member's name.
        member: &'static str,
        /// What is wrong with the text.
        detail: String,
    },
    /// `initial_vector` does not decode to 16 bytes.
    #[error(
        "initial_vector decodes to {len} bytes, but it must be 16: WhatsApp Flows use a \
         16-byte AES-GCM IV (not the usual 12)"
    )]
    IvLength {
        /// Decoded length.
        len: usize,
    },
    /// `encrypted_aes_key` has a length that no OAEP ciphertext for this key can have.
    #[error(
        "encrypted_aes_key decodes to {len} bytes, but this private key ({} bits) only \
         unwraps {expected}-byte ciphertexts: the request was encrypted for another \
         key (upload the public key that matches this private key)",
        .expected * 8
    )]
    WrappedKeyLength {
        /// Decoded length.
        len: usize,
        /// The private key's modulus size in bytes.
        expected: usize,
    },
    /// RSA-OAEP-SHA-256 unwrapping of the AES key failed.
    #[error(
        "encrypted_aes_key does not decrypt with this private key: wrong private key for \
         this public key, or OAEP with SHA-1 instead of SHA-256 (MGF1 must use SHA-256 \
         too); an endpoint answers HTTP 421 here"
    )]
    KeyUnwrap,
    /// The unwrapped AES key is not 16 bytes.
    #[error(
        "the unwrapped AES key is {len} bytes, but it must be 16: WhatsApp Flows use \
         AES-128"
    )]
    AesKeyLength {
        /// The unwrapped length.
        len: usize,
    },
    /// `encrypted_flow_data` is shorter than the 16-byte GCM tag.
    #[error(
        "encrypted_flow_data decodes to {len} bytes, too short to hold the 16-byte GCM \
         tag: it must be the ciphertext followed by the tag"
    )]
    FlowDataTooShort {
        /// Decoded length.
        len: usize,
    },
    /// `encrypted_flow_data` fails GCM authentication with the unwrapped key and the IV.
    #[error(
        "encrypted_flow_data does not decrypt with the unwrapped AES key and \
         initial_vector: it was altered, the 16-byte GCM tag is not appended, or it was \
         encrypted with another key or a 12-byte nonce"
    )]
    FlowDataDecrypt,
    /// The endpoint's answer is empty.
    #[error(
        "the endpoint answered with an empty body: it must return the base64 text of \
         its encrypted answer"
    )]
    ResponseEmpty,
    /// The endpoint's answer is JSON instead of base64.
    #[error(
        "the endpoint answered with JSON, not base64: it must encrypt its answer and \
         return the base64 text"
    )]
    ResponseJson,
    /// The endpoint's answer is base64 wrapped in JSON string quotes.
    #[error(
        "the endpoint answered with a JSON string in quotes: it must return the bare \
         base64 text (for example res.send(text), not res.json(text))"
    )]
    ResponseQuoted,
    /// The endpoint's answer looks like an HTML page.
    #[error(
        "the endpoint answered with an HTML page, not base64: probably an error page \
         from the server, a proxy or the framework"
    )]
    ResponseHtml,
    /// The endpoint's base64 answer contains whitespace or line breaks inside the text.
    #[error(
        "the endpoint's base64 answer contains line breaks or spaces inside the text: \
         return it on one line (a MIME base64 encoder wraps lines every 76 characters)"
    )]
    ResponseInnerWhitespace,
    /// The endpoint's answer uses the URL-safe base64 alphabet.
    #[error(
        "the endpoint's answer uses the URL-safe base64 alphabet (- and _): it must use \
         the standard alphabet (+ and /)"
    )]
    ResponseUrlSafe,
    /// The endpoint's answer is not base64 at all.
    #[error(
        "the endpoint's answer is not base64 ({detail}): it must encrypt its answer and \
         return the base64 text"
    )]
    ResponseNotBase64 {
        /// What is wrong with the text.
        detail: String,
    },
    /// The endpoint's answer decodes to fewer bytes than the 16-byte GCM tag.
    #[error(
        "the endpoint's answer decodes to {len} bytes, too short to hold the 16-byte \
                     GCM tag: it must be the base64 of ciphertext followed by the tag"
    )]
    ResponseTooShort {
        /// Decoded length.
        len: usize,
    },
    /// The answer decrypts with the request's IV **unflipped**.
    #[error(
        "the answer is encrypted with the request's IV unchanged: the endpoint did not \
                     flip the IV (every byte of the response IV must be the request IV byte XOR \
                     0xFF)"
    )]
    ResponseIvNotFlipped,
    /// The answer decrypts with only the first 12 bytes of the (flipped or unflipped) IV as nonce.
    #[error("{}", iv_truncated(*.flipped))]
    ResponseIvTruncated {
        /// Whether the truncated IV had been flipped.
        flipped: bool,
    },
    /// The answer does not decrypt with this request's key and flipped IV.
    #[error(
        "the answer does not decrypt with this request's key and flipped IV: the \
                     endpoint probably did not flip the IV, or encrypted with another key (for \
                     example a key cached from an earlier request), or did not append the GCM tag"
    )]
    ResponseDecrypt,
}

/// The message for an answer encrypted with a 12-byte nonce.
fn iv_truncated(flipped: bool) -> &'static str {
    if flipped {
        "the answer is encrypted with only the first 12 bytes of the flipped IV as \
         nonce: the endpoint must use all 16 bytes (its AES-GCM library probably \
         accepts only 12-byte nonces)"
    } else {
        "the answer is encrypted with only the first 12 bytes of the request's IV, \
         unflipped: the endpoint did not flip the IV, and it must use all 16 bytes"
    }
}

/// The response IV: every bit of the request IV flipped (endpoint.md §3.4).
pub fn flip_iv(iv: &[u8; 16]) -> [u8; 16] {
    iv.map(|b| !b)
}

fn gcm_encrypt(key: &[u8; 16], iv: &[u8; 16], plaintext: &[u8]) -> Vec<u8> {
    let cipher = Aes128Gcm16::new(GenericArray::from_slice(key));
    cipher
        .encrypt(GenericArray::from_slice(iv), plaintext)
        // aes-gcm only fails for plaintexts beyond 2^36 bytes.
        .expect("AES-GCM encryption of an in-memory buffer cannot fail")
}

fn gcm_decrypt(key: &[u8; 16], iv: &[u8; 16], ct_tag: &[u8]) -> Option<Vec<u8>> {
    let cipher = Aes128Gcm16::new(GenericArray::from_slice(key));
    cipher.decrypt(GenericArray::from_slice(iv), ct_tag).ok()
}

fn gcm12_decrypts(key: &[u8; 16], nonce: &[u8], ct_tag: &[u8]) -> bool {
    let cipher = aes_gcm::Aes128Gcm::new(GenericArray::from_slice(key));
    cipher
        .decrypt(GenericArray::from_slice(&nonce[..12]), ct_tag)
        .is_ok()
}

fn random_16() -> [u8; 16] {
    let mut bytes = [0u8; 16];
    OsRng.fill_bytes(&mut bytes);
    bytes
}

/// Encrypts a request plaintext for the business public key with a fresh random AES-128 key
/// and IV (WhatsApp side, endpoint.md §3.2).
pub fn seal_request(public_key: &RsaPublicKey, plaintext: &[u8]) -> Result<Sealed, CryptoError> {
    seal_request_with(public_key, plaintext, random_16(), random_16())
}

/// Like [`seal_request`] with a given AES key and IV (for known-answer tests). The OAEP
/// wrapping of the key stays randomised.
pub fn seal_request_with(
    public_key: &RsaPublicKey,
    plaintext: &[u8],
    key: [u8; 16],
    iv: [u8; 16],
) -> Result<Sealed, CryptoError> {
    let ct_tag = gcm_encrypt(&key, &iv, plaintext);
    let wrapped = public_key
        .encrypt(&mut OsRng, Oaep::new::<Sha256>(), &key)
        .map_err(|e| CryptoError::WrapKey {
            detail: e.to_string(),
        })?;
    let body = format!(
        "{{\"{MEMBER_FLOW_DATA}\":\"{}\",\"{MEMBER_AES_KEY}\":\"{}\",\"{MEMBER_IV}\":\"{}\"}}",
        STANDARD.encode(ct_tag),
        STANDARD.encode(wrapped),
        STANDARD.encode(iv),
    );
    Ok(Sealed { body, key, iv })
}

/// Describes a base64 decoding failure without echoing the text.
fn describe_base64_error(error: &base64::DecodeError) -> String {
    fn byte(b: u8) -> String {
        if b.is_ascii_graphic() {
            format!("'{}'", b as char)
        } else {
            format!("byte 0x{b:02x}")
        }
    }
    match error {
        base64::DecodeError::InvalidByte(offset, b) => {
            format!("invalid character {} at offset {offset}", byte(*b))
        }
        base64::DecodeError::InvalidLength(len) => {
            format!("{len} base64 characters cannot encode whole bytes")
        }
        base64::DecodeError::InvalidLastSymbol(offset, b) => {
            format!("invalid last character {} at offset {offset}", byte(*b))
        }
        base64::DecodeError::InvalidPadding => "invalid = padding".to_string(),
    }
}

/// Decrypts the endpoint's answer to a request sealed with `key` and `iv` (WhatsApp side,
/// endpoint.md §3.4): base64 (standard alphabet; surrounding whitespace and missing `=`
/// padding are tolerated, like the browser's `atob`), then AES-128-GCM with the flipped IV,
/// tag = the last 16 bytes.
///
/// When the answer does not authenticate, the error tells whether it was encrypted with the
/// IV unflipped or truncated to 12 bytes.
pub fn open_response(key: &[u8; 16], iv: &[u8; 16], body: &str) -> Result<Vec<u8>, CryptoError> {
    let text = body.trim();
    if text.is_empty() {
        return Err(CryptoError::ResponseEmpty);
    }
    match text.as_bytes()[0] {
        b'{' | b'[' => return Err(CryptoError::ResponseJson),
        b'<' => return Err(CryptoError::ResponseHtml),
        b'"' => {
            let unquoted = serde_json::from_str::<String>(text).ok();
            return Err(match unquoted {
                Some(inner) if STANDARD_LENIENT.decode(inner.trim()).is_ok() => {
                    CryptoError::ResponseQuoted
                }
                _ => CryptoError::ResponseJson,
            });
        }
        _ => {}
    }
    // Bare JSON literals (null, true, numbers) can also be valid base64.
    if serde_json::from_str::<serde_json::Value>(text).is_ok() {
        return Err(CryptoError::ResponseJson);
    }
    if text.bytes().any(|b| b.is_ascii_whitespace()) {
        return Err(CryptoError::ResponseInnerWhitespace);
    }
    let ct_tag = match STANDARD_LENIENT.decode(text) {
        Ok(bytes) => bytes,
        Err(e) => {
            let url_safe = text.bytes().any(|b| b == b'-' || b == b'_')
                && URL_SAFE_NO_PAD.decode(text.trim_end_matches('=')).is_ok();
            if url_safe {
                return Err(CryptoError::ResponseUrlSafe);
            }
            return Err(CryptoError::ResponseNotBase64 {
                detail: describe_base64_error(&e),
            });
        }
    };
    if ct_tag.len() < TAG_LEN {
        return Err(CryptoError::ResponseTooShort { len: ct_tag.len() });
    }
    let flipped = flip_iv(iv);
    if let Some(plain) = gcm_decrypt(key, &flipped, &ct_tag) {
        return Ok(plain);
    }
    // Diagnose the common mistakes.
    if gcm_decrypt(key, iv, &ct_tag).is_some() {
        return Err(CryptoError::ResponseIvNotFlipped);
    }
    if gcm12_decrypts(key, &flipped, &ct_tag) {
        return Err(CryptoError::ResponseIvTruncated { flipped: true });
    }
    if gcm12_decrypts(key, iv, &ct_tag) {
        return Err(CryptoError::ResponseIvTruncated { flipped: false });
    }
    Err(CryptoError::ResponseDecrypt)
}

fn envelope_member(
    object: &serde_json::Map<String, serde_json::Value>,
    member: &'static str,
) -> Result<Vec<u8>, CryptoError> {
    let value = object
        .get(member)
        .ok_or(CryptoError::MemberMissing { member })?;
    let text = value
        .as_str()
        .ok_or(CryptoError::MemberNotString { member })?;
    STANDARD_LENIENT
        .decode(text.trim())
        .map_err(|e| CryptoError::MemberNotBase64 {
            member,
            detail: describe_base64_error(&e),
        })
}

/// Decrypts a request body (endpoint side, endpoint.md §3.3): parses the JSON envelope,
/// unwraps the AES key with RSA-OAEP-SHA-256 (MGF1-SHA-256) and decrypts the flow data with
/// AES-128-GCM.
pub fn open_request(private_key: &RsaPrivateKey, body: &str) -> Result<Opened, CryptoError> {
    let value: serde_json::Value =
        serde_json::from_str(body).map_err(|e| CryptoError::EnvelopeNotJson {
            detail: format!("line {}, column {}", e.line(), e.column()),
        })?;
    let object = value.as_object().ok_or(CryptoError::EnvelopeNotObject)?;
    let flow_data = envelope_member(object, MEMBER_FLOW_DATA)?;
    let wrapped = envelope_member(object, MEMBER_AES_KEY)?;
    let iv_bytes = envelope_member(object, MEMBER_IV)?;

    let iv: [u8; 16] = iv_bytes
        .as_slice()
        .try_into()
        .map_err(|_| CryptoError::IvLength {
            len: iv_bytes.len(),
        })?;
    let modulus_len = private_key.size();
    if wrapped.len() != modulus_len {
        return Err(CryptoError::WrappedKeyLength {
            len: wrapped.len(),
            expected: modulus_len,
        });
    }
    let unwrapped = pkcs8::der::zeroize::Zeroizing::new(
        private_key
            .decrypt_blinded(&mut OsRng, Oaep::new::<Sha256>(), &wrapped)
            .map_err(|_| CryptoError::KeyUnwrap)?,
    );
    let key: [u8; 16] = unwrapped
        .as_slice()
        .try_into()
        .map_err(|_| CryptoError::AesKeyLength {
            len: unwrapped.len(),
        })?;
    if flow_data.len() < TAG_LEN {
        return Err(CryptoError::FlowDataTooShort {
            len: flow_data.len(),
        });
    }
    let plaintext = gcm_decrypt(&key, &iv, &flow_data).ok_or(CryptoError::FlowDataDecrypt)?;
    Ok(Opened { plaintext, key, iv })
}

/// Encrypts a response plaintext (endpoint side, endpoint.md §3.4): AES-128-GCM with the
/// request's key and flipped IV; returns the base64 of ciphertext ‖ tag, the exact HTTP body.
pub fn seal_response(key: &[u8; 16], iv: &[u8; 16], plaintext: &[u8]) -> String {
    STANDARD.encode(gcm_encrypt(key, &flip_iv(iv), plaintext))
}

fn hmac_sha256(key: &[u8], data: &[u8]) -> [u8; 32] {
    let mut mac =
        <HmacSha256 as Mac>::new_from_slice(key).expect("HMAC accepts keys of any length");
    mac.update(data);
    mac.finalize().into_bytes().into()
}

/// The `X-Hub-Signature-256` header value for a request body (endpoint.md §2.3):
/// `"sha256="` + lowercase hex of HMAC-SHA-256 keyed with the app secret's string bytes
/// (a hex-looking secret is **not** hex-decoded).
pub fn signature(app_secret: &str, body: &[u8]) -> String {
    format!(
        "sha256={}",
        hex::encode(hmac_sha256(app_secret.as_bytes(), body))
    )
}

/// Checks an `X-Hub-Signature-256` header value against the body, in constant time.
/// Surrounding whitespace and upper-case hex digits are accepted.
pub fn verify_signature(app_secret: &str, body: &[u8], header: &str) -> bool {
    let Some(given) = header.trim().strip_prefix("sha256=") else {
        return false;
    };
    let expected = hex::encode(hmac_sha256(app_secret.as_bytes(), body));
    let given = given.to_ascii_lowercase();
    given.len() == expected.len() && bool::from(given.as_bytes().ct_eq(expected.as_bytes()))
}

const JWT_HEADER: &str = r#"{"alg":"HS256","typ":"JWT"}"#;

/// A Data API 4.0 `flow_token_signature` (endpoint.md §4.8): a compact JWS, HS256, signed with
/// the app secret, header `{"alg":"HS256","typ":"JWT"}`, payload `{"flow_token":…}`.
pub fn flow_token_signature(app_secret: &str, flow_token: &str) -> String {
    let header = URL_SAFE_NO_PAD.encode(JWT_HEADER);
    let payload = serde_json::json!({ "flow_token": flow_token }).to_string();
    let signing_input = format!("{header}.{}", URL_SAFE_NO_PAD.encode(payload));
    let mac = hmac_sha256(app_secret.as_bytes(), signing_input.as_bytes());
    format!("{signing_input}.{}", URL_SAFE_NO_PAD.encode(mac))
}

/// Verifies a `flow_token_signature` JWT (HS256 with the app secret, checked in constant time)
/// and returns its `flow_token` claim; `None` if it is malformed, not HS256, signed with
/// another secret, or has no string `flow_token` claim.
pub fn verify_flow_token_signature(app_secret: &str, jwt: &str) -> Option<String> {
    let mut parts = jwt.trim().split('.');
    let (header_b64, payload_b64, sig_b64) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let header: serde_json::Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(header_b64).ok()?).ok()?;
    if header.get("alg")?.as_str()? != "HS256" {
        return None;
    }
    let given = URL_SAFE_NO_PAD.decode(sig_b64).ok()?;
    let signing_input = &jwt.trim()[..header_b64.len() + 1 + payload_b64.len()];
    let expected = hmac_sha256(app_secret.as_bytes(), signing_input.as_bytes());
    if !bool::from(given.as_slice().ct_eq(expected.as_slice())) {
        return None;
    }
    let payload: serde_json::Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload_b64).ok()?).ok()?;
    Some(payload.get("flow_token")?.as_str()?.to_string())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use rsa::pkcs8::{DecodePrivateKey, DecodePublicKey};
    use std::sync::OnceLock;

    // endpoint.md §13.1 — the RSA-2048 test key generated for the spec's vectors.
    pub(crate) const TV_PRIVATE_KEY: &str = "-----BEGIN PRIVATE KEY-----
MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQCzUrtLmdz+RtY/
Fs3boYtMyzDFKKtnjmMz4Q6MLwOpVWJg0o24TT638/gb0TgzZCld26gRiSQzgNkf
+joOChs69k81xK3s0JTJqGRckE9EV+Zv7DK0/gU65z9yrOo0cexRFxESV+35lpZS
I1wIuCU75hNcKglbxv+M7OTPndoa0OYHngkb6uzDYGF9DHOaUlKEgDlm1B98/XKu
9+vmazTSI3leH4f1UE1npky0RhfKheut5ijVSy3RT7+3MHv4RSrpkZSUQQik+BgP
E6yaDPE6q8EKxKosfaiGzU4l9Mn5Hz3GZ2kh81NgIxmt+yUY1yZv9X5du5h28orj
rzivyRBvAgMBAAECggEAE7fwtX79UI6sh3Jz/4czgKXFPqDavD/pg65nQZ332ppz
f28Xu2DvGR5ANZrbgbctX09Em20HqIwuE/iZgqq01NZ53lE6yNQk0Enug0kxFjRO
OBdyefmGzLPaA7uk41B1qnMNYwV9OxlGfVC7EZBiM8R4c4WB0vA+cJoqDPRwI8uO
na1FnCNWjv0ZpbX6juqzwFuhJ2pUMdpHTEJsQNLWMQMKNcAWZB1trAC2axwYZvQN
EkwbIpqcu+beVe6S5saHKXjbfklRQILu/53Z6z7fTbBLc3h/KVX98iYxEA23EVVe
J8lJUZ/GAlLOi1bMHzHRr5pduZk8ZKcSr3tyfOtAsQKBgQDfuN95EBimh1H2HUJf
wRVnp4MJAPSNcufr8BADXLBcc+2crjndrNgmn4p0xqMD5JyS6pcZnUXTzoxsngDz
0wg62W4tLCFqBLjvnQSOgOhW9oOO7Ez2d8Tq7jgiml+JFcwuPa5aa4/NWBCPhrPR
mt9nBFfEm1158JAUj/A3eyfM/wKBgQDNMf36zCW61C4VcxeG5SWXHU77QNKr6WvT
R5w1FRXWiz73SKxOts/Lpgu8gqzhvLlDyqxz/dMcAQlVPKQt2aD5XsTS6dggk7NI
rms2AIhZzoR7F7PEep4WhiisgSoubosU5ISDtlULAqBIdx+PGcsrhWeBUE2Z4lsq
+tgINV4MkQKBgQCbO8pEVHjmRAsI/PBrRKy3ibIQc0s9QrfOLHrP+madIAuFphac
zCwHULhfotzF/MDv6DsEGO60syMY0uHSTWHug6RBT9e3mqNAD/Fzd9q/TLmoWCpm
8l/+q2DkEb2sfyV4CHCMaQoU78A99rea/x14e7jywOMxk0xGGEIUHS5WvQKBgCwr
Nat1pC16HM1bL9ZGnvfPREALLQ36Oc6J3JMEjeXXpV8fUo/DBCmm/WG/ky0oLYzt
JH/3RCkEBBlH62M/NEpZXu6zjWU9xdrASK2gIbmLHbNNX9HMPxlEGZ9AUm8aNm/x
3KBpcBblotDWa4GnILemiKgqO/oC4nL2+eeSbUMxAoGAUMWiyUd6YtJ0hcat5TSO
QiEnjX24R/MfQlXjF5F20iiQqytHlgLsx6x6HIFr9EdT7V78W0G3eFDa+sWfPF8B
rr2DQFQHYhx4U5BcMrhZumbYkre14o2yrCwuIfPPCM4UYtdH+4sHRvwSKkJ0euo/
5UFxjXHEMyr70qx0ipnTswg=
-----END PRIVATE KEY-----
";

    pub(crate) const TV_PUBLIC_KEY: &str = "-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAs1K7S5nc/kbWPxbN26GL
TMswxSirZ45jM+EOjC8DqVViYNKNuE0+t/P4G9E4M2QpXduoEYkkM4DZH/o6Dgob
OvZPNcSt7NCUyahkXJBPRFfmb+wytP4FOuc/cqzqNHHsURcRElft+ZaWUiNcCLgl
O+YTXCoJW8b/jOzkz53aGtDmB54JG+rsw2BhfQxzmlJShIA5ZtQffP1yrvfr5ms0
0iN5Xh+H9VBNZ6ZMtEYXyoXrreYo1Ust0U+/tzB7+EUq6ZGUlEEIpPgYDxOsmgzx
OqvBCsSqLH2ohs1OJfTJ+R89xmdpIfNTYCMZrfslGNcmb/V+XbuYdvKK4684r8kQ
bwIDAQAB
-----END PUBLIC KEY-----
";

    const APP_SECRET: &str = "0123456789abcdef0123456789abcdef";

    // TV-A (INIT round trip).
    const A_KEY: &str = "4f1c9a7e2b6d83f05a1e7c39d2b48a61";
    const A_IV: &str = "a3b5c7d9e1f30517293b4d5f61738597";
    const A_IV_B64: &str = "o7XH2eHzBRcpO01fYXOFlw==";
    const A_PLAIN: &str =
        r#"{"data":{},"flow_token":"sim-token-0001","screen":"","action":"INIT","version":"3.0"}"#;
    const A_FLOW_DATA: &str = "2XPZokAZbFpOv28prdCCIZy1csZ0Cht4kNhcMzDLZRwtS/m5emM2EsGPdxb+ATYWGWAFlszL+M1Zlu6EHlkMJaFdFXaMt9I6Oa5CAtgmswnikjgHIyAYVGpY/Gh5CbeClV6/Xt8=";
    const A_TAG: &str = "2018546a58fc687909b782955ebf5edf";
    const A_WRAPPED_KEY: &str = "pdzM7Mxd/Sr3BBqZPAyYxVhsIB4wbwVubaNhKA9ZNT54+xmKnT8rbs+ykn3nGA3ApO0//r1zxKrAGcPBs9QjXnHgo/1rt/uS1dMYGoZ3FKQfozwKQqy52BGzQeilbvXtpexjklJR1Pzf2Vmh8KbYmOdfR8353DvXNJKxUmmKKsuBKVIK8wliUXfxIpKQ7a0TexRBQjK8gGy+axVlUTIleI2zejcHIQMFMhboZXRW+pCIWPzmJgTGNm68ieFhCTuCIrIGMXhadj9O74CZcQC45tRvrI8CuEUS5le5FsTgugvphs1dje4+1B9uWQSHwreZX6MK9qXK9AfSv4DOTMsKCg==";
    const A_FLIPPED_IV: &str = "5c4a38261e0cfae8d6c4b2a09e8c7a68";
    const A_RESPONSE_PLAIN: &str = r#"{"screen":"WELCOME","data":{"greeting":"Hello"}}"#;
    const A_RESPONSE_BODY: &str =
        "gHtjhucJocV0VMagsx5v6IzsZQMsj2SOThCD9WO7lVjNLVCIBRsdgiEE6vQDJJkR8p76DWrO+rkYM2lj7DUdiQ==";
    const A_OUTER_BODY: &str = r#"{"encrypted_flow_data":"2XPZokAZbFpOv28prdCCIZy1csZ0Cht4kNhcMzDLZRwtS/m5emM2EsGPdxb+ATYWGWAFlszL+M1Zlu6EHlkMJaFdFXaMt9I6Oa5CAtgmswnikjgHIyAYVGpY/Gh5CbeClV6/Xt8=","encrypted_aes_key":"pdzM7Mxd/Sr3BBqZPAyYxVhsIB4wbwVubaNhKA9ZNT54+xmKnT8rbs+ykn3nGA3ApO0//r1zxKrAGcPBs9QjXnHgo/1rt/uS1dMYGoZ3FKQfozwKQqy52BGzQeilbvXtpexjklJR1Pzf2Vmh8KbYmOdfR8353DvXNJKxUmmKKsuBKVIK8wliUXfxIpKQ7a0TexRBQjK8gGy+axVlUTIleI2zejcHIQMFMhboZXRW+pCIWPzmJgTGNm68ieFhCTuCIrIGMXhadj9O74CZcQC45tRvrI8CuEUS5le5FsTgugvphs1dje4+1B9uWQSHwreZX6MK9qXK9AfSv4DOTMsKCg==","initial_vector":"o7XH2eHzBRcpO01fYXOFlw=="}"#;
    const A_SIGNATURE: &str =
        "sha256=f51bafdbd3871faf20b934783235023ba065b0629d77b27f0c33e95999e839ef";

    // TV-B (ping).
    const B_KEY: &str = "00112233445566778899aabbccddeeff";
    const B_IV: &str = "0f0e0d0c0b0a09080706050403020100";
    const B_IV_B64: &str = "Dw4NDAsKCQgHBgUEAwIBAA==";
    const B_PLAIN: &str = r#"{"version":"3.0","action":"ping"}"#;
    const B_FLOW_DATA: &str =
        "rffFTzue2yTPSMoTIa9a529qWjXtV9YBPR3e0RmzxJsudDKSr9eONEoujx7DL5IHNg==";
    const B_WRAPPED_KEY: &str = "OSLq88DFMYgsYb7rq3FKGGcxePmh2oYmzcP6KmvPhdjDwmLvmKBIqeDyCRP9wp3SSKlbnNihQdbzsOOoUE9X3Zpkv9tQXjAFd0aNob88FgxSB1swFGbeDzFuHH2xwZvEBTbXWOXdXsILL6/nPuKenjlEdQEdbbxmwrXJQYCt1pC97An6WUshk3bWHlJplX3t54PvPyyisWNCoLNRSEW13q57HvX+qHQGhd6yP7W6+NUHGQkfvJTy1r/hlV3xjZDZ9s3xdB+6aZdI7kP6oTswxS+RnLz8xXtGzoAwhkEhuuPFJTC+MQrbeYA4FxS3XTEclkEQf8k63LQwacoM57Qodg==";
    const B_FLIPPED_IV: &str = "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff";
    const B_RESPONSE_PLAIN: &str = r#"{"data":{"status":"active"}}"#;
    const B_RESPONSE_BODY: &str = "pPDBhMGJzTVi6l4MtMUxTE49MJuI6eACaYbpkkz8s881/av3qpKgeT9Ama4=";
    const B_SIGNATURE: &str =
        "sha256=164c1290a0483af3665581c15e7e1ec80ae32bff3b32361aa015c0e12609de86";

    fn private_key() -> &'static RsaPrivateKey {
        static KEY: OnceLock<RsaPrivateKey> = OnceLock::new();
        KEY.get_or_init(|| RsaPrivateKey::from_pkcs8_pem(TV_PRIVATE_KEY).unwrap())
    }

    fn public_key() -> RsaPublicKey {
        RsaPublicKey::from_public_key_pem(TV_PUBLIC_KEY).unwrap()
    }

    fn hex16(hex: &str) -> [u8; 16] {
        assert_eq!(hex.len(), 32);
        let mut out = [0u8; 16];
        for (i, byte) in out.iter_mut().enumerate() {
            *byte = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap();
        }
        out
    }

    fn b_outer_body() -> String {
        format!(
            r#"{{"encrypted_flow_data":"{B_FLOW_DATA}","encrypted_aes_key":"{B_WRAPPED_KEY}","initial_vector":"{B_IV_B64}"}}"#
        )
    }

    fn member(body: &str, name: &str) -> String {
        let value: serde_json::Value = serde_json::from_str(body).unwrap();
        value[name].as_str().unwrap().to_string()
    }

    #[test]
    fn tv_keys_match() {
        assert_eq!(private_key().to_public_key(), public_key());
    }

    #[test]
    fn tv_a_open_request() {
        assert_eq!(A_OUTER_BODY.len(), 573);
        let opened = open_request(private_key(), A_OUTER_BODY).unwrap();
        assert_eq!(opened.plaintext, A_PLAIN.as_bytes());
        assert_eq!(opened.plaintext.len(), 85);
        assert_eq!(opened.key, hex16(A_KEY));
        assert_eq!(opened.iv, hex16(A_IV));
    }

    #[test]
    fn tv_a_seal_request() {
        let sealed =
            seal_request_with(&public_key(), A_PLAIN.as_bytes(), hex16(A_KEY), hex16(A_IV))
                .unwrap();
        assert_eq!(member(&sealed.body, MEMBER_FLOW_DATA), A_FLOW_DATA);
        assert_eq!(member(&sealed.body, MEMBER_IV), A_IV_B64);
        let flow_data = STANDARD.decode(A_FLOW_DATA).unwrap();
        assert_eq!(flow_data.len(), 101);
        assert_eq!(hex::encode(&flow_data[85..]), A_TAG);
        // OAEP is randomised: the wrapped key differs from the vector's but unwraps to the key.
        let wrapped = STANDARD
            .decode(member(&sealed.body, MEMBER_AES_KEY))
            .unwrap();
        assert_eq!(wrapped.len(), 256);
        assert_ne!(member(&sealed.body, MEMBER_AES_KEY), A_WRAPPED_KEY);
        let unwrapped = private_key()
            .decrypt(Oaep::new::<Sha256>(), &wrapped)
            .unwrap();
        assert_eq!(unwrapped, hex16(A_KEY));
        // Exact shape: same member order and length as the published body.
        assert_eq!(sealed.body.len(), A_OUTER_BODY.len());
        let expected_shape =
            A_OUTER_BODY.replace(A_WRAPPED_KEY, &member(&sealed.body, MEMBER_AES_KEY));
        assert_eq!(sealed.body, expected_shape);
        assert_eq!(sealed.key, hex16(A_KEY));
        assert_eq!(sealed.iv, hex16(A_IV));
        // And it opens again on the endpoint side.
        let opened = open_request(private_key(), &sealed.body).unwrap();
        assert_eq!(opened.plaintext, A_PLAIN.as_bytes());
    }

    #[test]
    fn tv_a_response() {
        let (key, iv) = (hex16(A_KEY), hex16(A_IV));
        assert_eq!(flip_iv(&iv), hex16(A_FLIPPED_IV));
        assert_eq!(
            seal_response(&key, &iv, A_RESPONSE_PLAIN.as_bytes()),
            A_RESPONSE_BODY
        );
        assert_eq!(
            open_response(&key, &iv, A_RESPONSE_BODY).unwrap(),
            A_RESPONSE_PLAIN.as_bytes()
        );
        // Surrounding whitespace (a trailing newline) is tolerated.
        assert_eq!(
            open_response(&key, &iv, &format!("  {A_RESPONSE_BODY}\r\n")).unwrap(),
            A_RESPONSE_PLAIN.as_bytes()
        );
    }

    #[test]
    fn tv_a_signature() {
        assert_eq!(signature(APP_SECRET, A_OUTER_BODY.as_bytes()), A_SIGNATURE);
        assert!(verify_signature(
            APP_SECRET,
            A_OUTER_BODY.as_bytes(),
            A_SIGNATURE
        ));
    }

    #[test]
    fn tv_b_ping() {
        let (key, iv) = (hex16(B_KEY), hex16(B_IV));
        let body = b_outer_body();
        assert_eq!(body.len(), 505);

        let opened = open_request(private_key(), &body).unwrap();
        assert_eq!(opened.plaintext, B_PLAIN.as_bytes());
        assert_eq!(opened.key, key);
        assert_eq!(opened.iv, iv);

        let sealed = seal_request_with(&public_key(), B_PLAIN.as_bytes(), key, iv).unwrap();
        assert_eq!(member(&sealed.body, MEMBER_FLOW_DATA), B_FLOW_DATA);
        assert_eq!(member(&sealed.body, MEMBER_IV), B_IV_B64);
        let wrapped = STANDARD
            .decode(member(&sealed.body, MEMBER_AES_KEY))
            .unwrap();
        assert_eq!(
            private_key()
                .decrypt(Oaep::new::<Sha256>(), &wrapped)
                .unwrap(),
            key
        );

        assert_eq!(flip_iv(&iv), hex16(B_FLIPPED_IV));
        assert_eq!(
            seal_response(&key, &iv, B_RESPONSE_PLAIN.as_bytes()),
            B_RESPONSE_BODY
        );
        assert_eq!(
            open_response(&key, &iv, B_RESPONSE_BODY).unwrap(),
            B_RESPONSE_PLAIN.as_bytes()
        );

        assert_eq!(signature(APP_SECRET, body.as_bytes()), B_SIGNATURE);
        assert!(verify_signature(APP_SECRET, body.as_bytes(), B_SIGNATURE));
    }

    #[test]
    fn seal_request_is_fresh_each_time() {
        let a = seal_request(&public_key(), B_PLAIN.as_bytes()).unwrap();
        let b = seal_request(&public_key(), B_PLAIN.as_bytes()).unwrap();
        assert_ne!(a.key, b.key);
        assert_ne!(a.iv, b.iv);
        assert_ne!(a.body, b.body);
        for sealed in [&a, &b] {
            let opened = open_request(private_key(), &sealed.body).unwrap();
            assert_eq!(opened.plaintext, B_PLAIN.as_bytes());
            assert_eq!(opened.key, sealed.key);
            assert_eq!(opened.iv, sealed.iv);
            let answer = seal_response(&opened.key, &opened.iv, B_RESPONSE_PLAIN.as_bytes());
            assert_eq!(
                open_response(&sealed.key, &sealed.iv, &answer).unwrap(),
                B_RESPONSE_PLAIN.as_bytes()
            );
        }
    }

    #[test]
    fn unflipped_iv_is_diagnosed() {
        let (key, iv) = (hex16(A_KEY), hex16(A_IV));
        // An endpoint that forgot the flip: seal_response with the pre-flipped IV flips it back.
        let unflipped = seal_response(&key, &flip_iv(&iv), A_RESPONSE_PLAIN.as_bytes());
        let err = open_response(&key, &iv, &unflipped).unwrap_err();
        assert_eq!(err, CryptoError::ResponseIvNotFlipped);
        assert!(err.to_string().contains("did not flip the IV"), "{err}");
    }

    #[test]
    fn truncated_iv_is_diagnosed() {
        let (key, iv) = (hex16(A_KEY), hex16(A_IV));
        let cipher = aes_gcm::Aes128Gcm::new(GenericArray::from_slice(&key));
        let flipped = flip_iv(&iv);
        let ct = cipher
            .encrypt(
                GenericArray::from_slice(&flipped[..12]),
                A_RESPONSE_PLAIN.as_bytes(),
            )
            .unwrap();
        let err = open_response(&key, &iv, &STANDARD.encode(ct)).unwrap_err();
        assert_eq!(err, CryptoError::ResponseIvTruncated { flipped: true });
        assert!(err.to_string().contains("12 bytes"), "{err}");
    }

    #[test]
    fn wrong_key_response_is_diagnosed() {
        let iv = hex16(A_IV);
        let answer = seal_response(&hex16(B_KEY), &iv, A_RESPONSE_PLAIN.as_bytes());
        let err = open_response(&hex16(A_KEY), &iv, &answer).unwrap_err();
        assert_eq!(err, CryptoError::ResponseDecrypt);
        let text = err.to_string();
        assert!(text.contains("did not flip the IV"), "{text}");
        assert!(text.contains("another key"), "{text}");
    }

    #[test]
    fn tampered_response_fails() {
        let (key, iv) = (hex16(A_KEY), hex16(A_IV));
        let mut bytes = STANDARD.decode(A_RESPONSE_BODY).unwrap();
        bytes[0] ^= 1;
        let err = open_response(&key, &iv, &STANDARD.encode(&bytes)).unwrap_err();
        assert_eq!(err, CryptoError::ResponseDecrypt);
    }

    #[test]
    fn json_answer_is_diagnosed() {
        let (key, iv) = (hex16(A_KEY), hex16(A_IV));
        let err = open_response(&key, &iv, A_RESPONSE_PLAIN).unwrap_err();
        assert_eq!(err, CryptoError::ResponseJson);
        assert_eq!(
            err.to_string(),
            "the endpoint answered with JSON, not base64: it must encrypt its answer and \
             return the base64 text"
        );
        assert_eq!(
            open_response(&key, &iv, "\n [1,2]").unwrap_err(),
            CryptoError::ResponseJson
        );
        assert_eq!(
            open_response(&key, &iv, "null").unwrap_err(),
            CryptoError::ResponseJson
        );
        assert_eq!(
            open_response(&key, &iv, "\"not base64!\"").unwrap_err(),
            CryptoError::ResponseJson
        );
    }

    #[test]
    fn other_malformed_answers_are_diagnosed() {
        let (key, iv) = (hex16(A_KEY), hex16(A_IV));
        assert_eq!(
            open_response(&key, &iv, " \n").unwrap_err(),
            CryptoError::ResponseEmpty
        );
        assert_eq!(
            open_response(&key, &iv, &format!("\"{A_RESPONSE_BODY}\"")).unwrap_err(),
            CryptoError::ResponseQuoted
        );
        assert_eq!(
            open_response(&key, &iv, "<html><body>502 Bad Gateway</body></html>").unwrap_err(),
            CryptoError::ResponseHtml
        );
        let wrapped = format!("{}\n{}", &A_RESPONSE_BODY[..40], &A_RESPONSE_BODY[40..]);
        assert_eq!(
            open_response(&key, &iv, &wrapped).unwrap_err(),
            CryptoError::ResponseInnerWhitespace
        );
        let raw = STANDARD.decode(A_RESPONSE_BODY).unwrap();
        let url_safe = URL_SAFE_NO_PAD.encode(&raw);
        assert!(url_safe.contains(['-', '_']), "vector has no + or /");
        assert_eq!(
            open_response(&key, &iv, &url_safe).unwrap_err(),
            CryptoError::ResponseUrlSafe
        );
        let err = open_response(&key, &iv, "abc$").unwrap_err();
        assert_eq!(
            err,
            CryptoError::ResponseNotBase64 {
                detail: "invalid character '$' at offset 3".into()
            }
        );
        assert_eq!(
            open_response(&key, &iv, "AAAA").unwrap_err(),
            CryptoError::ResponseTooShort { len: 3 }
        );
        // Missing padding is tolerated, like atob.
        assert_eq!(
            open_response(&key, &iv, A_RESPONSE_BODY.trim_end_matches('=')).unwrap(),
            A_RESPONSE_PLAIN.as_bytes()
        );
    }

    #[test]
    fn open_request_errors() {
        let key = private_key();
        assert!(matches!(
            open_request(key, "not json").unwrap_err(),
            CryptoError::EnvelopeNotJson { .. }
        ));
        assert_eq!(
            open_request(key, "[]").unwrap_err(),
            CryptoError::EnvelopeNotObject
        );
        let missing = A_OUTER_BODY.replace("\"initial_vector\"", "\"iv\"");
        let err = open_request(key, &missing).unwrap_err();
        assert_eq!(err, CryptoError::MemberMissing { member: MEMBER_IV });
        assert!(err.to_string().contains("\"initial_vector\""));
        let not_string = r#"{"encrypted_flow_data":1,"encrypted_aes_key":"","initial_vector":""}"#;
        assert_eq!(
            open_request(key, not_string).unwrap_err(),
            CryptoError::MemberNotString {
                member: MEMBER_FLOW_DATA
            }
        );
        let bad_b64 = A_OUTER_BODY.replace(A_IV_B64, "o7XH2eHzBRcp*01fYXOFlw==");
        assert!(matches!(
            open_request(key, &bad_b64).unwrap_err(),
            CryptoError::MemberNotBase64 {
                member: MEMBER_IV,
                ..
            }
        ));
        let twelve = A_OUTER_BODY.replace(A_IV_B64, &STANDARD.encode([7u8; 12]));
        let err = open_request(key, &twelve).unwrap_err();
        assert_eq!(err, CryptoError::IvLength { len: 12 });
        assert!(err.to_string().contains("16"));
        // Escaped slashes (as in Meta's sample) are plain JSON and must work.
        let escaped = A_OUTER_BODY.replace('/', "\\/");
        assert_eq!(
            open_request(key, &escaped).unwrap().plaintext,
            A_PLAIN.as_bytes()
        );
    }

    #[test]
    fn wrong_private_key_is_diagnosed() {
        // The TV-A envelope with the wrapped key of a different 2048-bit modulus: flip a byte.
        let mut wrapped = STANDARD.decode(A_WRAPPED_KEY).unwrap();
        wrapped[100] ^= 0x55;
        let body = A_OUTER_BODY.replace(A_WRAPPED_KEY, &STANDARD.encode(&wrapped));
        let err = open_request(private_key(), &body).unwrap_err();
        assert_eq!(err, CryptoError::KeyUnwrap);
        let text = err.to_string();
        assert!(
            text.contains("wrong private key for this public key"),
            "{text}"
        );
        assert!(text.contains("SHA-1 instead of SHA-256"), "{text}");

        let short = A_OUTER_BODY.replace(A_WRAPPED_KEY, &STANDARD.encode([1u8; 128]));
        assert_eq!(
            open_request(private_key(), &short).unwrap_err(),
            CryptoError::WrappedKeyLength {
                len: 128,
                expected: 256
            }
        );
    }

    #[test]
    fn aes_key_length_is_checked() {
        let wrapped = public_key()
            .encrypt(&mut OsRng, Oaep::new::<Sha256>(), &[9u8; 32])
            .unwrap();
        let body = A_OUTER_BODY.replace(A_WRAPPED_KEY, &STANDARD.encode(wrapped));
        let err = open_request(private_key(), &body).unwrap_err();
        assert_eq!(err, CryptoError::AesKeyLength { len: 32 });
        assert!(err.to_string().contains("AES-128"));
    }

    #[test]
    fn tampered_flow_data_fails() {
        let mut data = STANDARD.decode(A_FLOW_DATA).unwrap();
        data[3] ^= 0x80;
        let body = A_OUTER_BODY.replace(A_FLOW_DATA, &STANDARD.encode(&data));
        assert_eq!(
            open_request(private_key(), &body).unwrap_err(),
            CryptoError::FlowDataDecrypt
        );
        let body = A_OUTER_BODY.replace(A_FLOW_DATA, &STANDARD.encode(&data[..10]));
        assert_eq!(
            open_request(private_key(), &body).unwrap_err(),
            CryptoError::FlowDataTooShort { len: 10 }
        );
    }

    #[test]
    fn signature_checks() {
        let body = A_OUTER_BODY.as_bytes();
        assert!(verify_signature(
            APP_SECRET,
            body,
            &A_SIGNATURE.to_uppercase().replace("SHA256=", "sha256=")
        ));
        assert!(verify_signature(
            APP_SECRET,
            body,
            &format!(" {A_SIGNATURE}\n")
        ));
        assert!(!verify_signature(APP_SECRET, body, &A_SIGNATURE[7..]));
        assert!(!verify_signature(APP_SECRET, body, B_SIGNATURE));
        assert!(!verify_signature("another secret", body, A_SIGNATURE));
        assert!(!verify_signature(APP_SECRET, body, &A_SIGNATURE[..70]));
        assert!(!verify_signature(APP_SECRET, body, "sha256="));
        let mut tampered = A_OUTER_BODY.to_string();
        tampered.push(' ');
        assert!(!verify_signature(
            APP_SECRET,
            tampered.as_bytes(),
            A_SIGNATURE
        ));
        // The secret is used as string bytes, not hex-decoded.
        let hex_decoded = hex::decode(&APP_SECRET[..32]).unwrap();
        let other = format!("sha256={}", hex::encode(hmac_sha256(&hex_decoded, body)));
        assert_ne!(other, A_SIGNATURE);
        // RFC 4231 test case 2.
        assert_eq!(
            signature("Jefe", b"what do ya want for nothing?"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn flow_token_signature_is_an_hs256_jwt() {
        let token = "flows-\"token\"/é";
        let jwt = flow_token_signature(APP_SECRET, token);
        let parts: Vec<&str> = jwt.split('.').collect();
        assert_eq!(parts.len(), 3);
        for part in &parts {
            assert!(!part.contains(['=', '+', '/']), "{part}");
        }
        let header: serde_json::Value =
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[0]).unwrap()).unwrap();
        assert_eq!(header, serde_json::json!({"alg": "HS256", "typ": "JWT"}));
        assert_eq!(
            String::from_utf8(URL_SAFE_NO_PAD.decode(parts[0]).unwrap()).unwrap(),
            r#"{"alg":"HS256","typ":"JWT"}"#
        );
        let payload: serde_json::Value =
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap();
        assert_eq!(payload, serde_json::json!({ "flow_token": token }));
        // Independent HMAC check over "header.payload".
        let mut mac = <HmacSha256 as Mac>::new_from_slice(APP_SECRET.as_bytes()).unwrap();
        mac.update(format!("{}.{}", parts[0], parts[1]).as_bytes());
        mac.verify_slice(&URL_SAFE_NO_PAD.decode(parts[2]).unwrap())
            .unwrap();

        assert_eq!(
            verify_flow_token_signature(APP_SECRET, &jwt).as_deref(),
            Some(token)
        );
        assert_eq!(verify_flow_token_signature("other", &jwt), None);
        let forged = format!(
            "{}.{}.{}",
            parts[0],
            URL_SAFE_NO_PAD.encode(r#"{"flow_token":"x"}"#),
            parts[2]
        );
        assert_eq!(verify_flow_token_signature(APP_SECRET, &forged), None);
        assert_eq!(verify_flow_token_signature(APP_SECRET, "a.b"), None);
    }

    #[test]
    fn flow_token_signature_known_answer() {
        // Computed independently with Python's hmac/base64 modules.
        assert_eq!(
            flow_token_signature(APP_SECRET, "sim-token-0001"),
            "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.\
             eyJmbG93X3Rva2VuIjoic2ltLXRva2VuLTAwMDEifQ.\
             El9JOltPGThWSRBtAkHFSRKaxxsbZhOhyfx940g-KX4"
        );
    }

    #[test]
    fn debug_redacts_keys() {
        let sealed =
            seal_request_with(&public_key(), B_PLAIN.as_bytes(), hex16(B_KEY), hex16(B_IV))
                .unwrap();
        let text = format!("{sealed:?}");
        assert!(text.contains("<redacted>"));
        assert!(!text.contains("0, 17, 34"), "{text}");
        assert!(!text.contains("[0,"), "{text}");
        let opened = open_request(private_key(), &sealed.body).unwrap();
        let text = format!("{opened:?}");
        assert!(text.contains("<redacted>"));
        assert!(text.contains("ping"));
        assert!(!text.contains("17"), "{text}");
    }
}
