//! Media files as the WhatsApp client hands them to an endpoint (endpoint.md §8, §8.1).
//!
//! Each picked file is encrypted with a fresh 32-byte AES-256-CBC key, a 32-byte HMAC-SHA-256
//! key and a 16-byte IV. The file on the CDN is the PKCS#7-padded ciphertext followed by the
//! first 10 bytes of HMAC-SHA-256(hmac_key, iv ‖ ciphertext). The request carries the keys and
//! two hashes as `encryption_metadata`: `encrypted_hash` is SHA-256 of the whole CDN file (MAC
//! included), `plaintext_hash` SHA-256 of the original; all base64.
//!
//! [`encrypt`] streams a file through in bounded chunks; [`decrypt`] is the endpoint's side,
//! with the checks in the order Meta gives them, and says which one failed.

use std::fmt;
use std::io::{self, Read, Write};

use aes::Aes256;
use aes::cipher::generic_array::GenericArray;
use aes::cipher::{BlockEncryptMut, KeyIvInit};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use cbc::cipher::BlockDecryptMut;
use cbc::cipher::block_padding::Pkcs7;
use hmac::{Hmac, Mac};
use rand::RngCore;
use rand::rngs::OsRng;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

type HmacSha256 = Hmac<Sha256>;

/// Bytes of the truncated HMAC at the end of a CDN file.
pub const MAC_LEN: usize = 10;
/// AES block size.
const BLOCK: usize = 16;
/// How much of a file is read at a time.
const CHUNK: usize = 64 * 1024;

/// Standard alphabet, with or without `=` padding, as other implementations decode it.
const STANDARD_LENIENT: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// The per-file secrets: fresh for every file the user picks.
#[derive(Clone, PartialEq, Eq)]
pub struct MediaKeys {
    pub encryption_key: [u8; 32],
    pub hmac_key: [u8; 32],
    pub iv: [u8; 16],
}

impl MediaKeys {
    /// Fresh keys and IV from the operating system's random source.
    pub fn random() -> MediaKeys {
        let mut keys = MediaKeys {
            encryption_key: [0; 32],
            hmac_key: [0; 32],
            iv: [0; 16],
        };
        OsRng.fill_bytes(&mut keys.encryption_key);
        OsRng.fill_bytes(&mut keys.hmac_key);
        OsRng.fill_bytes(&mut keys.iv);
        keys
    }
}

impl fmt::Debug for MediaKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MediaKeys(<redacted>)")
    }
}

/// `encryption_metadata` of a media item (endpoint.md §8).
#[derive(Clone, PartialEq, Eq)]
pub struct EncryptionMetadata {
    pub keys: MediaKeys,
    /// SHA-256 of the original file.
    pub plaintext_hash: [u8; 32],
    /// SHA-256 of the whole CDN file: ciphertext and MAC.
    pub encrypted_hash: [u8; 32],
}

impl fmt::Debug for EncryptionMetadata {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EncryptionMetadata")
            .field("keys", &self.keys)
            .field("plaintext_hash", &STANDARD.encode(self.plaintext_hash))
            .field("encrypted_hash", &STANDARD.encode(self.encrypted_hash))
            .finish()
    }
}

impl EncryptionMetadata {
    /// The JSON object the request carries, members in the order Meta documents them.
    pub fn to_json(&self) -> Value {
        let mut m = Map::new();
        for (name, bytes) in [
            ("encryption_key", &self.keys.encryption_key[..]),
            ("hmac_key", &self.keys.hmac_key[..]),
            ("iv", &self.keys.iv[..]),
            ("plaintext_hash", &self.plaintext_hash[..]),
            ("encrypted_hash", &self.encrypted_hash[..]),
        ] {
            m.insert(name.into(), Value::String(STANDARD.encode(bytes)));
        }
        Value::Object(m)
    }

    /// Reads `encryption_metadata` (the object itself, or a media item that holds it).
    pub fn from_json(value: &Value) -> Result<EncryptionMetadata, MediaError> {
        let m = value.get("encryption_metadata").unwrap_or(value);
        if !m.is_object() {
            return Err(MediaError::Metadata(
                "encryption_metadata must be a JSON object with encryption_key, hmac_key, iv, \
                 plaintext_hash and encrypted_hash"
                    .into(),
            ));
        }
        Ok(EncryptionMetadata {
            keys: MediaKeys {
                encryption_key: member(m, "encryption_key")?,
                hmac_key: member(m, "hmac_key")?,
                iv: member(m, "iv")?,
            },
            plaintext_hash: member(m, "plaintext_hash")?,
            encrypted_hash: member(m, "encrypted_hash")?,
        })
    }
}

fn member<const N: usize>(m: &Value, name: &str) -> Result<[u8; N], MediaError> {
    let text = m.get(name).and_then(Value::as_str).ok_or_else(|| {
        MediaError::Metadata(format!("encryption_metadata has no string member `{name}`"))
    })?;
    let bytes = STANDARD_LENIENT.decode(text.trim()).map_err(|e| {
        MediaError::Metadata(format!(
            "encryption_metadata.{name} is not standard base64 ({e})"
        ))
    })?;
    <[u8; N]>::try_from(bytes.as_slice()).map_err(|_| {
        MediaError::Metadata(format!(
            "encryption_metadata.{name} decodes to {} bytes; it must be {N}",
            bytes.len()
        ))
    })
}

/// The checks an endpoint makes, in the order it makes them (endpoint.md §8.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Check {
    /// SHA-256 of the downloaded file against `encrypted_hash`.
    EncryptedHash,
    /// The last 10 bytes against HMAC-SHA-256(hmac_key, iv ‖ ciphertext).
    Hmac,
    /// AES-256-CBC decryption and PKCS#7 padding.
    Decrypt,
    /// SHA-256 of the decrypted file against `plaintext_hash`.
    PlaintextHash,
}

impl Check {
    pub const ALL: [Check; 4] = [
        Check::EncryptedHash,
        Check::Hmac,
        Check::Decrypt,
        Check::PlaintextHash,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Check::EncryptedHash => "encrypted_hash (SHA-256 of the CDN file)",
            Check::Hmac => "hmac (first 10 bytes of HMAC-SHA-256 over iv ‖ ciphertext)",
            Check::Decrypt => "AES-256-CBC decryption and PKCS#7 padding",
            Check::PlaintextHash => "plaintext_hash (SHA-256 of the decrypted file)",
        }
    }
}

/// Why a media file does not decrypt. Messages never contain key material.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MediaError {
    /// The metadata itself is unusable.
    Metadata(String),
    /// A check failed: which one, and the likely cause.
    Failed { check: Check, message: String },
}

impl fmt::Display for MediaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MediaError::Metadata(m) => f.write_str(m),
            MediaError::Failed { check, message } => {
                write!(f, "{} failed: {message}", check.name())
            }
        }
    }
}

impl std::error::Error for MediaError {}

/// A file encrypted by [`encrypt`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Encrypted {
    pub metadata: EncryptionMetadata,
    /// Bytes read from the original.
    pub plaintext_len: u64,
    /// Bytes written: the CDN file.
    pub cdn_len: u64,
}

/// Encrypts `plaintext`, read in bounded chunks, and writes the CDN file to `out`.
pub fn encrypt(
    keys: &MediaKeys,
    mut plaintext: impl Read,
    mut out: impl Write,
) -> io::Result<Encrypted> {
    let mut cipher = cbc::Encryptor::<Aes256>::new(
        GenericArray::from_slice(&keys.encryption_key),
        GenericArray::from_slice(&keys.iv),
    );
    let mut mac = <HmacSha256 as Mac>::new_from_slice(&keys.hmac_key)
        .expect("HMAC accepts keys of any length");
    mac.update(&keys.iv);
    let mut plain_hash = Sha256::new();
    let mut file_hash = Sha256::new();
    let mut cdn_len = 0u64;
    let mut emit = |bytes: &[u8], mac: &mut HmacSha256| -> io::Result<()> {
        mac.update(bytes);
        file_hash.update(bytes);
        cdn_len += bytes.len() as u64;
        out.write_all(bytes)
    };
    // Plaintext not yet encrypted (less than a block) sits at the front of `buf`.
    let mut buf = vec![0u8; BLOCK + CHUNK];
    let mut pending = 0usize;
    let mut plaintext_len = 0u64;
    loop {
        let n = match plaintext.read(&mut buf[pending..pending + CHUNK]) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        plain_hash.update(&buf[pending..pending + n]);
        plaintext_len += n as u64;
        let filled = pending + n;
        let whole = filled - filled % BLOCK;
        encrypt_blocks(&mut cipher, &mut buf[..whole]);
        emit(&buf[..whole], &mut mac)?;
        buf.copy_within(whole..filled, 0);
        pending = filled - whole;
    }
    // PKCS#7: always 1 to 16 bytes, each the count.
    let pad = BLOCK - pending;
    buf[pending..BLOCK].fill(pad as u8);
    encrypt_blocks(&mut cipher, &mut buf[..BLOCK]);
    emit(&buf[..BLOCK], &mut mac)?;
    let tag = mac.finalize().into_bytes();
    let mac10 = &tag[..MAC_LEN];
    file_hash.update(mac10);
    cdn_len += MAC_LEN as u64;
    out.write_all(mac10)?;
    out.flush()?;
    Ok(Encrypted {
        metadata: EncryptionMetadata {
            keys: keys.clone(),
            plaintext_hash: plain_hash.finalize().into(),
            encrypted_hash: file_hash.finalize().into(),
        },
        plaintext_len,
        cdn_len,
    })
}

fn encrypt_blocks(cipher: &mut cbc::Encryptor<Aes256>, data: &mut [u8]) {
    for block in data.chunks_exact_mut(BLOCK) {
        cipher.encrypt_block_mut(GenericArray::from_mut_slice(block));
    }
}

/// Checks and decrypts a CDN file as an endpoint must: `encrypted_hash`, then the HMAC, then
/// AES-256-CBC with PKCS#7, then `plaintext_hash`. The error names the first check that failed.
pub fn decrypt(cdn_file: &[u8], metadata: &EncryptionMetadata) -> Result<Vec<u8>, MediaError> {
    let fail = |check, message: String| MediaError::Failed { check, message };
    let file_hash: [u8; 32] = Sha256::digest(cdn_file).into();
    if !bool::from(file_hash.ct_eq(&metadata.encrypted_hash)) {
        return Err(fail(
            Check::EncryptedHash,
            format!(
                "the file's SHA-256 is {}, encrypted_hash says {}. The file is not the one the \
                 metadata describes: a partial or altered download, another request's metadata, \
                 or a hash taken without the last 10 bytes (it covers the whole file).",
                STANDARD.encode(file_hash),
                STANDARD.encode(metadata.encrypted_hash)
            ),
        ));
    }
    if cdn_file.len() < BLOCK + MAC_LEN || !(cdn_file.len() - MAC_LEN).is_multiple_of(BLOCK) {
        return Err(fail(
            Check::Hmac,
            format!(
                "the file is {} bytes; a CDN file is whole 16-byte AES blocks followed by a \
                 10-byte MAC, so it cannot be split into ciphertext and MAC.",
                cdn_file.len()
            ),
        ));
    }
    let (ciphertext, given_mac) = cdn_file.split_at(cdn_file.len() - MAC_LEN);
    let mut mac = <HmacSha256 as Mac>::new_from_slice(&metadata.keys.hmac_key)
        .expect("HMAC accepts keys of any length");
    mac.update(&metadata.keys.iv);
    mac.update(ciphertext);
    let tag = mac.finalize().into_bytes();
    if !bool::from(tag[..MAC_LEN].ct_eq(given_mac)) {
        return Err(fail(
            Check::Hmac,
            "the last 10 bytes are not the first 10 bytes of HMAC-SHA-256(hmac_key, iv ‖ \
             ciphertext). The hmac_key or iv is not this file's, or the MAC was computed over the \
             ciphertext alone (it must start with the IV)."
                .into(),
        ));
    }
    let mut buffer = ciphertext.to_vec();
    let plaintext_len = cbc::Decryptor::<Aes256>::new(
        GenericArray::from_slice(&metadata.keys.encryption_key),
        GenericArray::from_slice(&metadata.keys.iv),
    )
    .decrypt_padded_mut::<Pkcs7>(&mut buffer)
    .map_err(|_| {
        fail(
            Check::Decrypt,
            "AES-256-CBC decryption ends in invalid PKCS#7 padding. The encryption_key is not \
             this file's (the HMAC passed, so the ciphertext is intact)."
                .into(),
        )
    })?
    .len();
    buffer.truncate(plaintext_len);
    let plain_hash: [u8; 32] = Sha256::digest(&buffer).into();
    if !bool::from(plain_hash.ct_eq(&metadata.plaintext_hash)) {
        return Err(fail(
            Check::PlaintextHash,
            format!(
                "the decrypted file's SHA-256 is {}, plaintext_hash says {}. The encryption_key or \
                 iv is not this file's (decryption produced other bytes with valid padding), or \
                 the padding was left on before hashing.",
                STANDARD.encode(plain_hash),
                STANDARD.encode(metadata.plaintext_hash)
            ),
        ));
    }
    Ok(buffer)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn b64(s: &str) -> Vec<u8> {
        STANDARD.decode(s).unwrap()
    }

    // endpoint.md §13.1, TV-C.
    const TVC_PLAINTEXT: &[u8] = b"Flows media test vector\n";
    const TVC_CDN: &str = "NI3VLo3E9A3C+lchyTpWXr1ctj+qpmRiHmTm8OnGRatt5CxMrTLJiL+4";

    fn tvc_metadata() -> Value {
        json!({
            "encryption_key": "YD3rEBXKcb4rc67whX13gR81LAc7YQjXLZgQowkU3/Q=",
            "hmac_key": "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
            "iv": "8OHSw7Sllod4aVpLPC0eDw==",
            "plaintext_hash": "0MDUGu+XXL8/cmO8dkgEiNIEFwm1ogAIdefCKV6cqW4=",
            "encrypted_hash": "t/DnzvTcMpjdJcuL/Yz4SBmJPNWLq2c7ZP9wVnCCC1U=",
        })
    }

    #[test]
    fn tv_c_encrypts_to_the_spec_cdn_file_and_metadata() {
        let m = EncryptionMetadata::from_json(&tvc_metadata()).unwrap();
        let mut out = Vec::new();
        let e = encrypt(&m.keys, TVC_PLAINTEXT, &mut out).unwrap();
        assert_eq!(out, b64(TVC_CDN));
        assert_eq!(
            &out[32..],
            &[0x6d, 0xe4, 0x2c, 0x4c, 0xad, 0x32, 0xc9, 0x88, 0xbf, 0xb8]
        );
        assert_eq!(e.metadata.to_json(), tvc_metadata());
        assert_eq!((e.plaintext_len, e.cdn_len), (24, 42));
    }

    #[test]
    fn tv_c_decrypts() {
        let m = EncryptionMetadata::from_json(&tvc_metadata()).unwrap();
        assert_eq!(decrypt(&b64(TVC_CDN), &m).unwrap(), TVC_PLAINTEXT);
    }

    // endpoint.md §13.2: a real CDN file captured from WhatsApp (pywa's tests), a 435-byte JPEG.
    const REAL_CDN: &str = "hGHSftflZvBUJFl2o6Oww6k+K8o31YEMd+cvYZJRzv6oPupQkTULWy+D0jNnQtTw1GOVd8aiPrM4f1vvh40sWc7p46+IBJFl/PlkS1zQjl6kiNcQMUpJMlQT4fVCUg0edN5PQEu9lURRsSgAhOXt6TDw02uw8gGIKDcl0MYzPJGWnNQquy7toUQBRN36lmVL2eQ0SBYOuGVD/hr7FC8bgZPvxcJ94dKdyt+WsFbpNvxMOYJLRf4R6oqeE3sZq2EFylcRoyNCopOVJpI1fuzFUXQW7YgNFusGJNgcncy+Y5+eC2t6L/9LGIpnKHdPOXTXzNd6YZTjhWE8jzy2GV3+dpKnVLYMRYYE+9u4spMdEqM+sQF2Ut7L37KzRdpIdstnG1rQginaFK1Mm5kDCqlw2jgRYMj+6kFlhdecDX+I2SCvyJOY5+EgWcLGyJs5m2aihERMt/yrHNN5SLXtRcndadFm/xiEzbyAkaQEZ1qFmmXYwVBmK6o9CJt+MBaWm9MTXbFaytT4KPQUArUTUgZ3WcTz5jsQVMoJ9UPmKTX379FEVyv1lMB5nd2QgRwpcn1ORZgxbUDtn3H7XuD6UjvfFs4IMZVpPXv+S10=";

    fn real_metadata() -> EncryptionMetadata {
        EncryptionMetadata::from_json(&json!({
            "encryption_key": "202pQMDtZoAMwJwZJFVPqQOgdJRBahBmGywwSXz5tAY=",
            "hmac_key": "A/72TYylRAHTg/CdXpBtC6T6qcJ2C7Cf2qzZ/hqVASM=",
            "iv": "t1MOy02KXLbsH+NYkqkRXQ==",
            "plaintext_hash": "ZvSgxwXg5fWL7v7ggGHXtMCZYTf/nVFasOdX0p6kiP4=",
            "encrypted_hash": "pDhRHkyevzgkdg5ObY+MfzW5J6/ObZj/OrmAvyUeYA8=",
        }))
        .unwrap()
    }

    #[test]
    fn the_real_whatsapp_cdn_file_decrypts_to_a_jpeg_and_re_encrypts_identically() {
        let cdn = b64(REAL_CDN);
        assert_eq!(cdn.len(), 458);
        let m = real_metadata();
        let jpeg = decrypt(&cdn, &m).unwrap();
        assert_eq!(jpeg.len(), 435);
        assert_eq!(&jpeg[..4], &[0xff, 0xd8, 0xff, 0xe0]);
        assert_eq!(&jpeg[jpeg.len() - 2..], &[0xff, 0xd9]);
        let mut again = Vec::new();
        let e = encrypt(&m.keys, jpeg.as_slice(), &mut again).unwrap();
        assert_eq!(again, cdn);
        assert_eq!(e.metadata, m);
    }

    /// One-shot AES-256-CBC with PKCS#7 from the cbc crate: the reference the streaming
    /// encryption must match at every length around block and chunk boundaries.
    fn reference(keys: &MediaKeys, plaintext: &[u8]) -> Vec<u8> {
        let mut buffer = plaintext.to_vec();
        buffer.resize(plaintext.len() + BLOCK, 0);
        cbc::Encryptor::<Aes256>::new(
            GenericArray::from_slice(&keys.encryption_key),
            GenericArray::from_slice(&keys.iv),
        )
        .encrypt_padded_mut::<Pkcs7>(&mut buffer, plaintext.len())
        .unwrap()
        .to_vec()
    }

    /// Hands out at most `n` bytes per read, to exercise short reads.
    struct Trickle<'a>(&'a [u8], usize);

    impl Read for Trickle<'_> {
        fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
            let n = self.0.len().min(out.len()).min(self.1);
            out[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    #[test]
    fn streaming_matches_one_shot_encryption_and_round_trips_at_every_boundary() {
        let keys = MediaKeys::random();
        let data: Vec<u8> = (0..3 * CHUNK + 40).map(|i| (i * 7 + 3) as u8).collect();
        for len in [
            0,
            1,
            15,
            16,
            17,
            31,
            32,
            33,
            CHUNK - 1,
            CHUNK,
            CHUNK + 1,
            3 * CHUNK + 40,
        ] {
            for step in [usize::MAX, 7, 4096] {
                let plain = &data[..len];
                let mut out = Vec::new();
                let e = encrypt(&keys, Trickle(plain, step), &mut out).unwrap();
                let ct = reference(&keys, plain);
                assert_eq!(
                    &out[..out.len() - MAC_LEN],
                    ct.as_slice(),
                    "len {len} step {step}"
                );
                assert_eq!(e.cdn_len as usize, out.len());
                assert_eq!(e.plaintext_len as usize, len);
                assert_eq!(decrypt(&out, &e.metadata).unwrap(), plain);
            }
        }
    }

    #[test]
    fn fresh_keys_differ_each_time() {
        assert_ne!(MediaKeys::random(), MediaKeys::random());
    }

    fn failed_check(r: Result<Vec<u8>, MediaError>) -> Check {
        match r {
            Err(MediaError::Failed { check, .. }) => check,
            other => panic!("expected a failed check, got {other:?}"),
        }
    }

    #[test]
    fn each_check_fails_for_its_own_mistake() {
        let cdn = b64(TVC_CDN);
        let good = EncryptionMetadata::from_json(&tvc_metadata()).unwrap();

        // An altered byte: the file hash catches it first.
        let mut altered = cdn.clone();
        altered[3] ^= 1;
        assert_eq!(failed_check(decrypt(&altered, &good)), Check::EncryptedHash);

        // The same alteration with a matching encrypted_hash: the HMAC catches it.
        let mut m = good.clone();
        m.encrypted_hash = Sha256::digest(&altered).into();
        assert_eq!(failed_check(decrypt(&altered, &m)), Check::Hmac);

        // Another hmac_key.
        let mut m = good.clone();
        m.keys.hmac_key[0] ^= 1;
        assert_eq!(failed_check(decrypt(&cdn, &m)), Check::Hmac);

        // A MAC over the ciphertext alone (a common mistake), hashes consistent.
        let mut wrong = cdn[..cdn.len() - MAC_LEN].to_vec();
        let mut mac = <HmacSha256 as Mac>::new_from_slice(&good.keys.hmac_key).unwrap();
        mac.update(&wrong);
        let tag = mac.finalize().into_bytes();
        wrong.extend_from_slice(&tag[..MAC_LEN]);
        let mut m = good.clone();
        m.encrypted_hash = Sha256::digest(&wrong).into();
        assert_eq!(failed_check(decrypt(&wrong, &m)), Check::Hmac);

        // Another encryption key: the padding or the plaintext hash gives it away.
        let mut m = good.clone();
        m.keys.encryption_key[5] ^= 0x40;
        let check = failed_check(decrypt(&cdn, &m));
        assert!(
            matches!(check, Check::Decrypt | Check::PlaintextHash),
            "{check:?}"
        );

        // A plaintext_hash of something else.
        let mut m = good.clone();
        m.plaintext_hash[0] ^= 1;
        assert_eq!(failed_check(decrypt(&cdn, &m)), Check::PlaintextHash);

        // A truncated file whose hash matches: it cannot be split into blocks and a MAC.
        let short = cdn[..20].to_vec();
        let mut m = good.clone();
        m.encrypted_hash = Sha256::digest(&short).into();
        assert_eq!(failed_check(decrypt(&short, &m)), Check::Hmac);
    }

    #[test]
    fn a_wrong_key_that_still_pads_is_caught_by_the_plaintext_hash() {
        // Try keys until one decrypts to valid padding (about 1 in 256): the last check must
        // still refuse it.
        let cdn = b64(TVC_CDN);
        let good = EncryptionMetadata::from_json(&tvc_metadata()).unwrap();
        let found = (0u16..4096).find_map(|i| {
            let mut m = good.clone();
            m.keys.encryption_key[..2].copy_from_slice(&i.to_be_bytes());
            m.keys.encryption_key[31] ^= 0x5a;
            match decrypt(&cdn, &m) {
                Err(MediaError::Failed {
                    check: Check::PlaintextHash,
                    ..
                }) => Some(()),
                _ => None,
            }
        });
        assert!(found.is_some());
    }

    #[test]
    fn unusable_metadata_is_named() {
        let mut m = tvc_metadata();
        m["iv"] = json!("AAAA");
        let e = EncryptionMetadata::from_json(&m).unwrap_err().to_string();
        assert!(
            e.contains("iv") && e.contains("3 bytes") && e.contains("16"),
            "{e}"
        );
        m["iv"] = json!("not base64!");
        let e = EncryptionMetadata::from_json(&m).unwrap_err().to_string();
        assert!(e.contains("iv is not standard base64"), "{e}");
        m.as_object_mut().unwrap().remove("hmac_key");
        let e = EncryptionMetadata::from_json(&m).unwrap_err().to_string();
        assert!(e.contains("`hmac_key`"), "{e}");
        assert!(EncryptionMetadata::from_json(&json!([1])).is_err());
        // A whole media item is accepted too.
        let item = json!({ "media_id": "m", "encryption_metadata": tvc_metadata() });
        assert!(EncryptionMetadata::from_json(&item).is_ok());
    }

    #[test]
    fn debug_output_shows_no_key_material() {
        let m = EncryptionMetadata::from_json(&tvc_metadata()).unwrap();
        let text = format!("{m:?}");
        assert!(
            !text.contains("YD3rEBXK") && !text.contains("8OHSw7Sl"),
            "{text}"
        );
        assert!(text.contains("<redacted>"));
    }
}
