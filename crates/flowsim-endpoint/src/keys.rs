//! Loading and making RSA keys in the formats Meta's tools use (endpoint.md §3.1).
//!
//! Public keys: X.509 SubjectPublicKeyInfo (`BEGIN PUBLIC KEY`, what is uploaded to Meta) and
//! PKCS#1 (`BEGIN RSA PUBLIC KEY`).
//!
//! Private keys:
//! * unencrypted PKCS#8 (`BEGIN PRIVATE KEY`, Meta's Java sample);
//! * encrypted PKCS#8 (`BEGIN ENCRYPTED PRIVATE KEY`): PBES2 with PBKDF2 (HMAC-SHA-224/256/
//!   384/512) or scrypt, and AES-128/192/256-CBC or DES-EDE3-CBC (pywa's test key);
//! * PKCS#1 (`BEGIN RSA PRIVATE KEY`), unencrypted or with legacy OpenSSL PEM encryption
//!   (`Proc-Type: 4,ENCRYPTED`, `DEK-Info: <cipher>,<hex IV>`, key from `EVP_BytesToKey` with
//!   MD5, one iteration, salt = the first 8 IV bytes) with DES-EDE3-CBC (what Meta's Node key
//!   generator writes), DES-CBC or AES-128/192/256-CBC.
//!
//! The PEM reader is forgiving about the container: text around the blocks, several blocks in
//! one file (the first block of the wanted kind is used), CRLF line ends, and keys pasted into
//! environment variables with literal `\n` sequences or with the line breaks turned into spaces.
//!
//! Errors say what is wrong; they never contain the passphrase or key material.

use base64::Engine as _;
use cbc::cipher::block_padding::Pkcs7;
use cbc::cipher::{BlockCipher, BlockDecryptMut, KeyInit, KeyIvInit};
use md5::{Digest, Md5};
use pkcs8::der::asn1::OctetStringRef;
use pkcs8::der::pem::PemLabel;
use pkcs8::der::zeroize::Zeroizing;
use pkcs8::der::{AnyRef, Decode, Reader};
use pkcs8::pkcs5::{self, pbes2};
use pkcs8::spki::AlgorithmIdentifierRef;
use pkcs8::{EncryptedPrivateKeyInfo, LineEnding, ObjectIdentifier, PrivateKeyInfo};
use rand::RngCore;
use rand::rngs::OsRng;
use rsa::pkcs1::{DecodeRsaPrivateKey, DecodeRsaPublicKey};
use rsa::pkcs8::{DecodePublicKey, EncodePrivateKey, EncodePublicKey};
use rsa::{RsaPrivateKey, RsaPublicKey};

use crate::b64::STANDARD_LENIENT;

/// PBKDF2-HMAC-SHA-256 iterations used by [`private_key_to_pem`] with a passphrase.
pub const PBKDF2_ITERATIONS: u32 = 100_000;

/// Smallest key size [`generate`] accepts.
pub const MIN_BITS: usize = 1024;
/// Largest key size [`generate`] accepts (the largest public key the RSA library loads).
pub const MAX_BITS: usize = 4096;

const RSA_ENCRYPTION_OID: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
const PBKDF2_OID: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.5.12");

/// Why a key could not be loaded, generated or written.
///
/// The messages never contain the passphrase or key material.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum KeyError {
    /// The text contains no PEM block.
    #[error(
        "not a PEM key: expected a block between \"-----BEGIN …-----\" and \
         \"-----END …-----\" lines; {hint}"
    )]
    NotPem {
        /// What the text looks like instead, as advice.
        hint: &'static str,
    },
    /// The PEM or the structure inside it is broken.
    #[error("the key is malformed: {detail}")]
    Malformed {
        /// What is broken.
        detail: String,
    },
    /// The key is encrypted and no (or an empty) passphrase was given.
    #[error("this key is encrypted: pass --passphrase")]
    PassphraseRequired,
    /// The passphrase does not decrypt the key.
    #[error("the passphrase does not decrypt this key: wrong passphrase (or a corrupted key file)")]
    WrongPassphrase,
    /// The key is encrypted with a scheme this build cannot decrypt.
    #[error(
        "this key is encrypted with {scheme}, which flowsim cannot decrypt: re-encrypt it with \
         `openssl pkcs8 -topk8 -v2 aes-256-cbc -v2prf hmacWithSHA256 -in key.pem -out \
         key-aes.pem`"
    )]
    UnsupportedEncryption {
        /// The scheme, by name.
        scheme: String,
    },
    /// A public key was given where the private key is needed.
    #[error(
        "this is a public key, but the private key is needed here (BEGIN PRIVATE KEY, \
         BEGIN ENCRYPTED PRIVATE KEY or BEGIN RSA PRIVATE KEY)"
    )]
    PublicKeyGiven,
    /// A private key was given where the public key is needed.
    #[error(
        "this is a private key, but the public key is needed here (BEGIN PUBLIC KEY): \
         extract it with `openssl rsa -in private.pem -pubout -out public.pem`"
    )]
    PrivateKeyGiven,
    /// A PEM block of a kind that is not an RSA key (certificate, OpenSSH key, …).
    #[error(
        "a \"BEGIN {label}\" block is not an RSA key flowsim can read: {}",
        unsupported_pem_advice(label)
    )]
    UnsupportedPem {
        /// The PEM label (the text after `BEGIN`).
        label: String,
    },
    /// The key is not an RSA key.
    #[error("this is an {algorithm} key, not an RSA key: WhatsApp Flows need an RSA-2048 key pair")]
    NotRsa {
        /// The key's algorithm, by name.
        algorithm: String,
    },
    /// [`generate`] was asked for an unsupported size.
    #[error(
        "cannot make a {bits}-bit RSA key: use 2048 bits (what WhatsApp expects); \
         {MIN_BITS} to {MAX_BITS} bits are accepted"
    )]
    KeySize {
        /// The requested size in bits.
        bits: usize,
    },
    /// An empty passphrase was given to [`private_key_to_pem`].
    #[error(
        "the passphrase is empty: give a non-empty passphrase, or none to write an \
         unencrypted key"
    )]
    EmptyPassphrase,
    /// Key generation failed.
    #[error("RSA key generation failed: {detail}")]
    Generate {
        /// The RSA library's reason.
        detail: String,
    },
    /// Writing the key failed.
    #[error("cannot write the key as PEM: {detail}")]
    Encode {
        /// The encoder's reason.
        detail: String,
    },
}

/// What to do with a PEM block of a kind flowsim cannot read.
fn unsupported_pem_advice(label: &str) -> &'static str {
    match label {
        "CERTIFICATE" => {
            "give the public key instead (extract it with `openssl x509 -pubkey -noout -in \
             cert.pem`)"
        }
        "OPENSSH PRIVATE KEY" => {
            "convert it to PEM with `ssh-keygen -p -m PEM -f key` (an RSA key is needed)"
        }
        _ => {
            "expected BEGIN PUBLIC KEY, BEGIN RSA PUBLIC KEY, BEGIN PRIVATE KEY, \
             BEGIN ENCRYPTED PRIVATE KEY or BEGIN RSA PRIVATE KEY"
        }
    }
}

fn malformed(detail: impl Into<String>) -> KeyError {
    KeyError::Malformed {
        detail: detail.into(),
    }
}

// ---------------------------------------------------------------------------------------------
// PEM container

struct PemBlock {
    label: String,
    headers: Vec<(String, String)>,
    der: Zeroizing<Vec<u8>>,
}

impl PemBlock {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }
}

const PRIVATE_LABELS: [&str; 3] = ["PRIVATE KEY", "ENCRYPTED PRIVATE KEY", "RSA PRIVATE KEY"];
const PUBLIC_LABELS: [&str; 2] = ["PUBLIC KEY", "RSA PUBLIC KEY"];

fn not_pem_hint(text: &str) -> &'static str {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        "the text is empty"
    } else if trimmed.starts_with("ssh-rsa ") || trimmed.starts_with("ssh-") {
        "this is an OpenSSH public key: convert it with `ssh-keygen -e -m PKCS8 -f key.pub`"
    } else if trimmed.starts_with('{') {
        "this looks like JSON (a JWK?): give the key as PEM text"
    } else if trimmed.starts_with("MII")
        && trimmed
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+/=".contains(&b) || b.is_ascii_whitespace())
    {
        "this looks like the base64 of a key without its \"-----BEGIN …-----\" and \
         \"-----END …-----\" lines: keep the whole PEM text"
    } else {
        "no \"-----BEGIN\" line was found"
    }
}

/// Splits the text into PEM blocks; base64 and headers are parsed, the DER is not.
///
/// Hand-written: the `pem` crate wants strict padding, a blank line after headers, leaves
/// copies of the key unzeroized and does not say which block lacks its END line;
/// `pem-rfc7468` refuses the legacy encryption headers.
fn parse_pem(text: &str) -> Result<Vec<PemBlock>, KeyError> {
    // Keys pasted into .env files often carry literal "\n" sequences; base64 never contains '\'.
    let unescaped;
    let text = if text.contains("-----BEGIN ") && text.contains("\\n") {
        unescaped = Zeroizing::new(text.replace("\\r\\n", "\n").replace("\\n", "\n"));
        unescaped.as_str()
    } else {
        text
    };

    let mut blocks = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("-----BEGIN ") {
        let after_begin = &rest[start + "-----BEGIN ".len()..];
        let Some(label_end) = after_begin.find("-----") else {
            return Err(malformed(
                "a \"-----BEGIN\" line is not closed by \"-----\"",
            ));
        };
        let label = after_begin[..label_end].trim().to_string();
        let body_and_rest = &after_begin[label_end + "-----".len()..];
        let end_marker = format!("-----END {label}-----");
        let Some(body_end) = body_and_rest.find(&end_marker) else {
            return Err(malformed(format!(
                "the \"BEGIN {label}\" block has no \"-----END {label}-----\" line"
            )));
        };
        let body = &body_and_rest[..body_end];
        rest = &body_and_rest[body_end + end_marker.len()..];

        let mut headers = Vec::new();
        let mut base64_text = Zeroizing::new(String::with_capacity(body.len()));
        for line in body.lines().map(str::trim) {
            if base64_text.is_empty()
                && let Some((key, value)) = line.split_once(':')
            {
                headers.push((key.trim().to_string(), value.trim().to_string()));
                continue;
            }
            base64_text.extend(line.chars().filter(|c| !c.is_whitespace()));
        }
        let der = STANDARD_LENIENT
            .decode(base64_text.as_bytes())
            .map_err(|_| {
                malformed(format!(
                    "the base64 text inside the \"BEGIN {label}\" block is invalid (the file was \
                 probably truncated or edited)"
                ))
            })?;
        blocks.push(PemBlock {
            label,
            headers,
            der: Zeroizing::new(der),
        });
    }
    if blocks.is_empty() {
        return Err(KeyError::NotPem {
            hint: not_pem_hint(text),
        });
    }
    Ok(blocks)
}

/// The error for a file whose blocks are all of kinds other than the wanted one.
fn wrong_kind(label: &str, want_private: bool) -> KeyError {
    match label {
        "EC PRIVATE KEY" | "EC PUBLIC KEY" => KeyError::NotRsa {
            algorithm: "EC".into(),
        },
        "DSA PRIVATE KEY" | "DSA PUBLIC KEY" => KeyError::NotRsa {
            algorithm: "DSA".into(),
        },
        l if want_private && PUBLIC_LABELS.contains(&l) => KeyError::PublicKeyGiven,
        l if !want_private && PRIVATE_LABELS.contains(&l) => KeyError::PrivateKeyGiven,
        other => KeyError::UnsupportedPem {
            label: other.to_string(),
        },
    }
}

// ---------------------------------------------------------------------------------------------
// Algorithm names

fn oid_name(oid: ObjectIdentifier) -> String {
    let name = match oid.to_string().as_str() {
        "1.2.840.113549.1.1.1" => "RSA",
        "1.2.840.113549.1.1.10" => "RSASSA-PSS (an RSA key restricted to PSS signatures)",
        "1.2.840.10045.2.1" => "EC",
        "1.2.840.10040.4.1" => "DSA",
        "1.3.101.110" => "X25519",
        "1.3.101.111" => "X448",
        "1.3.101.112" => "Ed25519",
        "1.3.101.113" => "Ed448",
        "1.2.840.113549.1.5.13" => "PBES2",
        "1.2.840.113549.1.5.12" => "PBKDF2",
        "1.3.6.1.4.1.11591.4.11" => "scrypt",
        "1.2.840.113549.1.5.1" => "PBES1 pbeWithMD2AndDES-CBC",
        "1.2.840.113549.1.5.3" => "PBES1 pbeWithMD5AndDES-CBC",
        "1.2.840.113549.1.5.4" => "PBES1 pbeWithMD2AndRC2-CBC",
        "1.2.840.113549.1.5.6" => "PBES1 pbeWithMD5AndRC2-CBC",
        "1.2.840.113549.1.5.10" => "PBES1 pbeWithSHA1AndDES-CBC",
        "1.2.840.113549.1.5.11" => "PBES1 pbeWithSHA1AndRC2-CBC",
        "1.2.840.113549.1.12.1.1" => "PKCS#12 pbeWithSHA1And128BitRC4",
        "1.2.840.113549.1.12.1.2" => "PKCS#12 pbeWithSHA1And40BitRC4",
        "1.2.840.113549.1.12.1.3" => "PKCS#12 pbeWithSHA1And3-KeyTripleDES-CBC",
        "1.2.840.113549.1.12.1.4" => "PKCS#12 pbeWithSHA1And2-KeyTripleDES-CBC",
        "1.2.840.113549.1.12.1.5" => "PKCS#12 pbeWithSHA1And128BitRC2-CBC",
        "1.2.840.113549.1.12.1.6" => "PKCS#12 pbeWithSHA1And40BitRC2-CBC",
        "1.2.840.113549.2.7" => "HMAC-SHA1",
        "1.2.840.113549.2.8" => "HMAC-SHA224",
        "1.2.840.113549.2.9" => "HMAC-SHA256",
        "1.2.840.113549.2.10" => "HMAC-SHA384",
        "1.2.840.113549.2.11" => "HMAC-SHA512",
        "1.2.840.113549.2.12" => "HMAC-SHA512/224",
        "1.2.840.113549.2.13" => "HMAC-SHA512/256",
        "1.2.156.10197.1.401.3.1" => "HMAC-SM3",
        "1.2.840.113549.3.2" => "RC2-CBC",
        "1.2.840.113549.3.7" => "DES-EDE3-CBC",
        "1.3.14.3.2.7" => "DES-CBC",
        "2.16.840.1.101.3.4.1.2" => "AES-128-CBC",
        "2.16.840.1.101.3.4.1.22" => "AES-192-CBC",
        "2.16.840.1.101.3.4.1.42" => "AES-256-CBC",
        "2.16.840.1.101.3.4.1.6" => "AES-128-GCM",
        "2.16.840.1.101.3.4.1.46" => "AES-256-GCM",
        "1.2.392.200011.61.1.1.1.2" => "CAMELLIA-128-CBC",
        "1.2.392.200011.61.1.1.1.3" => "CAMELLIA-192-CBC",
        "1.2.392.200011.61.1.1.1.4" => "CAMELLIA-256-CBC",
        "1.2.410.200046.1.1.2" => "ARIA-128-CBC",
        "1.2.410.200046.1.1.12" => "ARIA-256-CBC",
        "1.2.156.10197.1.104.2" => "SM4-CBC",
        other => return format!("the algorithm with OID {other}"),
    };
    name.to_string()
}

fn check_rsa(oid: ObjectIdentifier) -> Result<(), KeyError> {
    if oid == RSA_ENCRYPTION_OID {
        Ok(())
    } else {
        Err(KeyError::NotRsa {
            algorithm: oid_name(oid),
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Public keys

/// Loads an RSA public key: `BEGIN PUBLIC KEY` (SPKI) or `BEGIN RSA PUBLIC KEY` (PKCS#1).
pub fn public_key_from_pem(pem: &str) -> Result<RsaPublicKey, KeyError> {
    let blocks = parse_pem(pem)?;
    let Some(block) = blocks
        .iter()
        .find(|b| PUBLIC_LABELS.contains(&b.label.as_str()))
    else {
        return Err(wrong_kind(&blocks[0].label, false));
    };
    if block.label == "PUBLIC KEY" {
        let spki = pkcs8::spki::SubjectPublicKeyInfoRef::try_from(block.der.as_slice())
            .map_err(|e| malformed(format!("the PUBLIC KEY block does not parse as SPKI ({e})")))?;
        check_rsa(spki.algorithm.oid)?;
        RsaPublicKey::from_public_key_der(&block.der)
            .map_err(|e| malformed(format!("the RSA public key is invalid ({e})")))
    } else {
        RsaPublicKey::from_pkcs1_der(&block.der).map_err(|e| {
            malformed(format!(
                "the RSA PUBLIC KEY block is not a valid PKCS#1 public key ({e})"
            ))
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Private keys

/// Loads an RSA private key (see the module documentation for the formats). `passphrase` is
/// needed for encrypted keys and ignored for unencrypted ones; an empty passphrase counts as
/// none.
pub fn private_key_from_pem(
    pem: &str,
    passphrase: Option<&str>,
) -> Result<RsaPrivateKey, KeyError> {
    let passphrase = passphrase.filter(|p| !p.is_empty());
    let blocks = parse_pem(pem)?;
    let Some(block) = blocks
        .iter()
        .find(|b| PRIVATE_LABELS.contains(&b.label.as_str()))
    else {
        return Err(wrong_kind(&blocks[0].label, true));
    };
    match block.label.as_str() {
        "PRIVATE KEY" => pkcs8_private(&block.der),
        "ENCRYPTED PRIVATE KEY" => {
            let info = parse_encrypted_pkcs8(&block.der)?;
            let passphrase = passphrase.ok_or(KeyError::PassphraseRequired)?;
            let der = Zeroizing::new(
                info.encryption_algorithm
                    .decrypt(passphrase, info.encrypted_data)
                    .map_err(|e| match e {
                        // pkcs5 0.7 reports bad CBC padding as EncryptFailed.
                        pkcs5::Error::DecryptFailed | pkcs5::Error::EncryptFailed => {
                            KeyError::WrongPassphrase
                        }
                        pkcs5::Error::UnsupportedAlgorithm { oid } => {
                            KeyError::UnsupportedEncryption {
                                scheme: oid_name(oid),
                            }
                        }
                        other => {
                            malformed(format!("the encryption parameters are invalid ({other})"))
                        }
                    })?,
            );
            // A wrong passphrase can yield valid padding by chance; the DER then fails.
            PrivateKeyInfo::try_from(der.as_slice()).map_err(|_| KeyError::WrongPassphrase)?;
            pkcs8_private(&der)
        }
        _ => {
            let encrypted = block
                .header("Proc-Type")
                .is_some_and(|v| v.to_ascii_uppercase().contains("ENCRYPTED"))
                || block.header("DEK-Info").is_some();
            if encrypted {
                let passphrase = passphrase.ok_or(KeyError::PassphraseRequired)?;
                let der = legacy_decrypt(block, passphrase)?;
                RsaPrivateKey::from_pkcs1_der(&der).map_err(|_| KeyError::WrongPassphrase)
            } else {
                RsaPrivateKey::from_pkcs1_der(&block.der).map_err(|e| {
                    malformed(format!(
                        "the RSA PRIVATE KEY block is not a valid PKCS#1 private key ({e})"
                    ))
                })
            }
        }
    }
}

fn pkcs8_private(der: &[u8]) -> Result<RsaPrivateKey, KeyError> {
    let info = PrivateKeyInfo::try_from(der).map_err(|e| {
        malformed(format!(
            "the PRIVATE KEY block does not parse as PKCS#8 ({e})"
        ))
    })?;
    check_rsa(info.algorithm.oid)?;
    RsaPrivateKey::try_from(info)
        .map_err(|e| malformed(format!("the RSA private key is invalid ({e})")))
}

/// Parses an EncryptedPrivateKeyInfo and rejects schemes this build cannot decrypt, naming
/// them.
fn parse_encrypted_pkcs8(der: &[u8]) -> Result<EncryptedPrivateKeyInfo<'_>, KeyError> {
    let info = match EncryptedPrivateKeyInfo::try_from(der) {
        Ok(info) => info,
        Err(_) => return Err(describe_unparsed_encryption(der)),
    };
    match &info.encryption_algorithm {
        pkcs5::EncryptionScheme::Pbes1(params) => Err(KeyError::UnsupportedEncryption {
            scheme: oid_name(params.encryption.oid()),
        }),
        pkcs5::EncryptionScheme::Pbes2(params)
            if params
                .kdf
                .pbkdf2()
                .is_some_and(|p| p.prf == pbes2::Pbkdf2Prf::HmacWithSha1) =>
        {
            Err(KeyError::UnsupportedEncryption {
                scheme: format!(
                    "PBES2 with PBKDF2-HMAC-SHA1 and {}",
                    oid_name(params.encryption.oid())
                ),
            })
        }
        _ => Ok(()),
    }?;
    Ok(info)
}

/// Names the scheme of an EncryptedPrivateKeyInfo the PKCS#5 parser rejected (unknown cipher or
/// PRF, PKCS#12 PBE, …).
fn describe_unparsed_encryption(der: &[u8]) -> KeyError {
    let described = (|| -> pkcs8::der::Result<String> {
        AnyRef::from_der(der)?.sequence(|outer| {
            let algorithm: AlgorithmIdentifierRef<'_> = outer.decode()?;
            let _data: OctetStringRef<'_> = outer.decode()?;
            if algorithm.oid != pbes2::PBES2_OID {
                return Ok(oid_name(algorithm.oid));
            }
            let Some(params) = algorithm.parameters else {
                return Ok("PBES2 without parameters".to_string());
            };
            params.sequence(|inner| {
                let kdf: AlgorithmIdentifierRef<'_> = inner.decode()?;
                let cipher: AlgorithmIdentifierRef<'_> = inner.decode()?;
                let kdf_name = if kdf.oid == PBKDF2_OID {
                    match kdf.parameters.map(pbes2::Pbkdf2Params::try_from) {
                        Some(Ok(p)) => format!("PBKDF2-{}", oid_name(p.prf.oid())),
                        _ => "PBKDF2 with an unsupported pseudo-random function".to_string(),
                    }
                } else {
                    oid_name(kdf.oid)
                };
                Ok(format!(
                    "PBES2 with {kdf_name} and {}",
                    oid_name(cipher.oid)
                ))
            })
        })
    })();
    match described {
        Ok(scheme) => KeyError::UnsupportedEncryption { scheme },
        Err(_) => malformed(
            "the ENCRYPTED PRIVATE KEY block is not a valid PKCS#8 EncryptedPrivateKeyInfo",
        ),
    }
}

// ---------------------------------------------------------------------------------------------
// Legacy OpenSSL PEM encryption

#[derive(Clone, Copy)]
enum LegacyCipher {
    DesEde3,
    Des,
    Aes128,
    Aes192,
    Aes256,
}

impl LegacyCipher {
    fn from_name(name: &str) -> Option<Self> {
        Some(match name.to_ascii_uppercase().as_str() {
            "DES-EDE3-CBC" => Self::DesEde3,
            "DES-CBC" => Self::Des,
            "AES-128-CBC" => Self::Aes128,
            "AES-192-CBC" => Self::Aes192,
            "AES-256-CBC" => Self::Aes256,
            _ => return None,
        })
    }

    fn key_len(self) -> usize {
        match self {
            Self::DesEde3 => 24,
            Self::Des => 8,
            Self::Aes128 => 16,
            Self::Aes192 => 24,
            Self::Aes256 => 32,
        }
    }

    fn block_len(self) -> usize {
        match self {
            Self::DesEde3 | Self::Des => 8,
            _ => 16,
        }
    }

    fn decrypt(self, key: &[u8], iv: &[u8], data: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
        match self {
            Self::DesEde3 => cbc_decrypt::<des::TdesEde3>(key, iv, data),
            Self::Des => cbc_decrypt::<des::Des>(key, iv, data),
            Self::Aes128 => cbc_decrypt::<aes::Aes128>(key, iv, data),
            Self::Aes192 => cbc_decrypt::<aes::Aes192>(key, iv, data),
            Self::Aes256 => cbc_decrypt::<aes::Aes256>(key, iv, data),
        }
    }
}

fn cbc_decrypt<C>(key: &[u8], iv: &[u8], data: &[u8]) -> Option<Zeroizing<Vec<u8>>>
where
    C: BlockDecryptMut + BlockCipher + KeyInit,
{
    let decryptor = cbc::Decryptor::<C>::new_from_slices(key, iv).ok()?;
    let mut buffer = Zeroizing::new(data.to_vec());
    let len = decryptor
        .decrypt_padded_mut::<Pkcs7>(&mut buffer)
        .ok()?
        .len();
    buffer.truncate(len);
    Some(buffer)
}

/// OpenSSL's `EVP_BytesToKey` with MD5 and one iteration (legacy PEM encryption).
///
/// Hand-written with [`legacy_decrypt`]: no maintained crate reads OpenSSL's legacy
/// `Proc-Type: 4,ENCRYPTED` keys, which Meta's Node key generator still writes.
fn evp_bytes_to_key(passphrase: &[u8], salt: &[u8], key_len: usize) -> Zeroizing<Vec<u8>> {
    let mut key = Zeroizing::new(Vec::with_capacity(key_len + 16));
    let mut previous = Zeroizing::new(Vec::new());
    while key.len() < key_len {
        let mut md5 = Md5::new();
        md5.update(previous.as_slice());
        md5.update(passphrase);
        md5.update(salt);
        *previous = md5.finalize().to_vec();
        key.extend_from_slice(&previous);
    }
    key.truncate(key_len);
    key
}

fn legacy_decrypt(block: &PemBlock, passphrase: &str) -> Result<Zeroizing<Vec<u8>>, KeyError> {
    let dek_info = block.header("DEK-Info").ok_or_else(|| {
        malformed("the key says \"Proc-Type: 4,ENCRYPTED\" but has no DEK-Info header")
    })?;
    let (cipher_name, iv_hex) = dek_info
        .split_once(',')
        .ok_or_else(|| malformed("the DEK-Info header is not \"<cipher>,<hex IV>\""))?;
    let cipher_name = cipher_name.trim();
    let cipher =
        LegacyCipher::from_name(cipher_name).ok_or_else(|| KeyError::UnsupportedEncryption {
            scheme: format!(
                "legacy PEM encryption with {}",
                cipher_name.to_ascii_uppercase()
            ),
        })?;
    let iv = hex::decode(iv_hex.trim())
        .ok()
        .filter(|iv| iv.len() == cipher.block_len())
        .ok_or_else(|| {
            malformed(format!(
                "the DEK-Info IV must be {} hex digits for {}",
                cipher.block_len() * 2,
                cipher_name.to_ascii_uppercase()
            ))
        })?;
    if block.der.is_empty() || !block.der.len().is_multiple_of(cipher.block_len()) {
        return Err(malformed(
            "the encrypted key's length is not a multiple of the cipher block size (the file \
             was probably truncated)",
        ));
    }
    let key = evp_bytes_to_key(passphrase.as_bytes(), &iv[..8], cipher.key_len());
    cipher
        .decrypt(&key, &iv, &block.der)
        .ok_or(KeyError::WrongPassphrase)
}

// ---------------------------------------------------------------------------------------------
// Making and writing keys

/// Generates an RSA key pair (exponent 65537). WhatsApp expects 2048 bits; [`MIN_BITS`] to
/// [`MAX_BITS`] are accepted.
pub fn generate(bits: usize) -> Result<RsaPrivateKey, KeyError> {
    if !(MIN_BITS..=MAX_BITS).contains(&bits) {
        return Err(KeyError::KeySize { bits });
    }
    RsaPrivateKey::new(&mut OsRng, bits).map_err(|e| KeyError::Generate {
        detail: e.to_string(),
    })
}

/// Writes a private key as PKCS#8 PEM: `BEGIN PRIVATE KEY`, or with a passphrase
/// `BEGIN ENCRYPTED PRIVATE KEY` (PBES2, PBKDF2-HMAC-SHA-256 with [`PBKDF2_ITERATIONS`]
/// iterations and a random 16-byte salt, AES-256-CBC). Lines end with LF.
pub fn private_key_to_pem(
    key: &RsaPrivateKey,
    passphrase: Option<&str>,
) -> Result<String, KeyError> {
    let encode_error = |e: pkcs8::Error| KeyError::Encode {
        detail: e.to_string(),
    };
    let Some(passphrase) = passphrase else {
        let pem = key.to_pkcs8_pem(LineEnding::LF).map_err(encode_error)?;
        return Ok(pem.as_str().to_owned());
    };
    if passphrase.is_empty() {
        return Err(KeyError::EmptyPassphrase);
    }
    let document = key.to_pkcs8_der().map_err(encode_error)?;
    let info = PrivateKeyInfo::try_from(document.as_bytes()).map_err(encode_error)?;
    let mut salt = [0u8; 16];
    let mut iv = [0u8; 16];
    OsRng.fill_bytes(&mut salt);
    OsRng.fill_bytes(&mut iv);
    let params = pbes2::Parameters::pbkdf2_sha256_aes256cbc(PBKDF2_ITERATIONS, &salt, &iv)
        .map_err(|e| KeyError::Encode {
            detail: e.to_string(),
        })?;
    let encrypted = info
        .encrypt_with_params(params, passphrase.as_bytes())
        .map_err(encode_error)?;
    let pem = encrypted
        .to_pem(EncryptedPrivateKeyInfo::PEM_LABEL, LineEnding::LF)
        .map_err(|e| KeyError::Encode {
            detail: e.to_string(),
        })?;
    Ok(pem.as_str().to_owned())
}

/// Writes a public key as SPKI PEM (`BEGIN PUBLIC KEY`), the form uploaded to Meta.
pub fn public_key_to_pem(key: &RsaPublicKey) -> Result<String, KeyError> {
    key.to_public_key_pem(LineEnding::LF)
        .map_err(|e| KeyError::Encode {
            detail: e.to_string(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::tests::{TV_PRIVATE_KEY, TV_PUBLIC_KEY};
    use cbc::cipher::BlockEncryptMut;
    use rsa::pkcs1::EncodeRsaPrivateKey;
    use rsa::traits::PublicKeyParts;
    use std::sync::OnceLock;

    /// Passphrase of the openssl-made fixtures below.
    const PASS: &str = "flowsim-test";

    /// The TV key as legacy OpenSSL PEM, AES-256-CBC:
    /// `openssl rsa -in tv.pem -traditional -aes256 -passout pass:flowsim-test`.
    const TV_LEGACY_AES256: &str = "-----BEGIN RSA PRIVATE KEY-----
Proc-Type: 4,ENCRYPTED
DEK-Info: AES-256-CBC,FF2A4E52E86FD9E2CD467726F4BD7488

HB7lidm3yfdecNzi9BxiOD6RApQRT6+sGldXO7rZwqFKuxI71BHxbl82v6WIOUuv
Yv2hLcOLU3bDIcMUcQtvU6xeqy51R0tpDib11EwlZTNiJMFkDovixe5hwbMyS4qI
hvn8cBj2hV5afqZIhGfUSlVOoG+vssnOUSVXXS+UZIXnNpVHr9adrHu2fowRGKNe
MLnNVN+brkEhNNeRdi2qZMvrgQe8bQpEDBnh7J0uk4kZOrtk44R8MBBZgGaLuVMY
DrhMdEDA43GhaNMHjKg0ApOsQGbiau/WniRG//EHskVswtqmudIGhZR0/WWZ6sFL
p/DBcg1Mn7Ck7XZ1hVp8F/dzW3Z1YHo+t+SYqTOgEJeffj+nhbcvGZZ56J2l+cv+
sPzd0I1zti0brlGdJsKhEaTcOraxBqSud7JgRU3KIb1qtLvrwx6fQbm1kZO6Ndx2
ml57O98BWvE9b4NDYu6QQ3YQXN4EMxs/p6+Wph7jUN7lJc5iqjefO0TeHIWoBoKQ
S8xfoZmbkU87D6Hy4Phvy27ChG3o2OT0ovjtpslQ8oAVUHYsQYSy8NEnEarZtV3f
DJ7uaQCFw62SbrSoM56hIoqTlQ06owlUS/o77cekhkr9qNGgIq+296aJj3+7moHs
Ge1U8RDa5gyfkiWj4cAY4hWksFW9f4bZwGWkU9qeaY6BPobHRWLpmpnVQiqFK/kB
XXitXT1E9SV0HxyDkPjCMLEDkNQUcGZsQmBgXtb8nzF1lPh11uaW734OnKxTg46W
3yoweYcmhfFBsKHyRQ3bnnObXvE+yzIvoNxkrqnGYbdEyJ6oySlhTdWJUPjf0yjY
S3c8+ZYTlEf7X03oGbYqbWTY/m+1teMEJMEf65ut7O/3v/07WRcA/ftWczkttygn
MSu4jJ7L1YIKjEp9XMHVDEj1PqDnVsWg1QHstYGAAsiKHt1usav/dmPeLa6jeV6J
JuG/FqvcX2S7V/7Q+KJeuEQ1tS3RZh+Ako0UORV1NViLhaniD9PjibnnOypyVtMS
reIQJ6SnYVJYT37FY1ukMilPnOEdnoTicaPlih7X0BKo8+Y+Hu9JQDh+NDh43zAG
kWE1MTgYiqgErt7t+FSga6qEkweNTVcvMnYP9QziOv4ZtQndQ4Le4Cx38BWCBikU
ztzJAbj5F8JCm9e/n54Xyrt3dl/f+89q8O6yJLkb3h8hPvvhu+7nEhMHIKSWbIu7
mEp4kFTEulZBavYTfPuWKYnM5QRfqhbSt1brMalcJa7+uF0vhKoquRyZrdhAclMr
gs59hJKlejiESRh3eVU8TqdvEgedcvubcnWIxk5TFSHfDhmt8YifRv56SQJlQ/b5
pS6hXTPNbhjbZkBx8PRr/UVbQIVi1CCug3igGAN0rVLsX7OyD2X5aMqCsOzCQkOF
23rHMn/BBQ8OKnLfosHxVmTfldBgL63MbDWtrVzSxYbxaasAMkLzVa8rvlcHIbVM
Ztdq1RqbhtOvSbFAgSy/khQYyWV+CHkNG3MA1ON24UaDgI5ruT15XgBhvxQcv4lK
YnNr9aoBHlJ3isz3ZpeK9LOJFG/DZypgzT1M0HskH4p7TgnAAA+jO5S7+ezOwKuK
-----END RSA PRIVATE KEY-----
";

    /// The TV key as encrypted PKCS#8 like pywa's test key (PBKDF2-HMAC-SHA256, 2048
    /// iterations, DES-EDE3-CBC): `openssl pkcs8 -topk8 -v2 des3 -v2prf hmacWithSHA256`.
    const TV_PKCS8_DES3: &str = "-----BEGIN ENCRYPTED PRIVATE KEY-----
MIIFHDBOBgkqhkiG9w0BBQ0wQTApBgkqhkiG9w0BBQwwHAQIi50CEbgocRoCAggA
MAwGCCqGSIb3DQIJBQAwFAYIKoZIhvcNAwcECLhEnmiCXDSTBIIEyJ6Gb68GAvNo
NfD8Mxk7V3zQ/joJAE+j1BiflAA2FbwT2o6jTc/HD+1UBP8ebFtypcCtCFgBLEJl
pIoLpezfczWM7vDUmX5GbTQsU52jbQIJOG6hy0B8aOh5aWWmm+w1nfT1pTlD42HL
FR3OxTysYSYJX44oK3S0bmLPU/ym80aL4uHcGarZxPWl3/KjJyUAhi4UasZnrkjX
FgMGoCXzcxxyIAs9cr3vRhYQNsD5NN89DhSskPyFMkS9tK8uZ7UXmaDGRmNiNL9u
r8oPohfmnM6g2PrN7u+s/epOxuXjXpzWODdnEa2zShKWOwcfJAfLInS1Bu8fObq2
gBMHeD5LY2irxAmM5at1apFqVLR1gSNV23KGyDv9cVlx44ePepU+2GTia0OIjerN
cVxn0BtpJKUn8vyNvtyq+08iNG/YYoJd9ChaMat9mQzJV0AUfJB9da6zLDflaNYa
GlZ+0RHAcFjIZZdIKwWAU8p+JN6UyKNPwop4NM8GssYq69TbZMVxISfgT+3i4A1O
flzfv2nYrCU1uuoyKzp+ccqEgVDxDPuBh8+DkPIBbSptY+37PzHMAwKKXU+BhNZy
6V4PsMTZsgSwJK3XdTHom5tS3o0xNXmYkjUrheVktw05H+j30YZ9LTT0Veg3VL+Y
qLRXKeWfB+4RKo6I2EMDPbcPawKTxLi3IrF98uK83XvOkyRZyIhIso/+gTjIQcmD
mE3W0P4Jd5zjfIUR9l9Rn5BAZN9kAQ/wj0kKw61OEfC7/OUMRPlrk0OH1miTdWvw
YHFqHZx7IBhMf08p3DzfNzAN0aZIqeeAJu05ac+ahh6WeNDWxS2qAFEnp6SCCLRJ
i0Pz2N5CWb/JeqXfxgkvtzRObWKBqsijtP6BtdaqjGaHRRz3v8bfbNAKaEZ1/Hg5
IdY+CZgsPaHaRmhK2b4nGQNSxx2IKxj5HKGe11MDR1cfwgg1Klm1Auqj9X3Ss6Ds
xFCBUi5oeTc/UIuncr3ECxbCkRo/wj0rGEvIBmvG1w0XVr9DRWmZgH6IKDqrc95e
woF+AYKDjM28mnBaLQikKg/S4Hyy/3VKAfBtomX/KC+sHFMGnXD+QZgr/Og+P/Bj
FlCkp2DTWuV6hzdlkzXFq4qqL3u32yNtzvEjGrlCRmk7gnryKsUVINpe6hFJUe1q
S4cRv4kNBtDP/K49lgze9/fExhR81e08hJQ8lfuAksb6k69y86AI1xbWJ70SbOyV
IUtD/fZGhxQ7nZ+5VAcFU/O7OgKjgK4t5DtrFDfTdCTiy2V4h+oVif2np69Anqrf
5b3vaOpB/bGriG3jl4QKTRAg6tvLtDOXjKkmZzL68lXwhOo06xxHB6uhuJJxX7zu
5yrP6f9e/EQQqTaeEaiPX5nVVLw2+ruCiImnA8ObNd4NqWeHixxOr+LkrhJk5cNN
k/gk+ILqecW96groBcZId8CqIeYssPuSJHcObSvGs2Oo0gn/A0qSiDNnQ/iHHrL9
CbPsZFRpQgbAr3cqvKXsK8A9rpVNtjGqi3MacqIYzJUDCY1pWfdlrJlgOerRdklr
3YgFMaV3QQ0OOWitQyWhvowCONCfJNIm4zpMbIwLBngnhqIwZxTWB1agB0CWPnFD
F7PnLf96eHm7SPShcgjiRA==
-----END ENCRYPTED PRIVATE KEY-----
";

    /// The TV public key as PKCS#1: `openssl rsa -in tv.pem -RSAPublicKey_out`.
    const TV_PUBLIC_PKCS1: &str = "-----BEGIN RSA PUBLIC KEY-----
MIIBCgKCAQEAs1K7S5nc/kbWPxbN26GLTMswxSirZ45jM+EOjC8DqVViYNKNuE0+
t/P4G9E4M2QpXduoEYkkM4DZH/o6DgobOvZPNcSt7NCUyahkXJBPRFfmb+wytP4F
Ouc/cqzqNHHsURcRElft+ZaWUiNcCLglO+YTXCoJW8b/jOzkz53aGtDmB54JG+rs
w2BhfQxzmlJShIA5ZtQffP1yrvfr5ms00iN5Xh+H9VBNZ6ZMtEYXyoXrreYo1Ust
0U+/tzB7+EUq6ZGUlEEIpPgYDxOsmgzxOqvBCsSqLH2ohs1OJfTJ+R89xmdpIfNT
YCMZrfslGNcmb/V+XbuYdvKK4684r8kQbwIDAQAB
-----END RSA PUBLIC KEY-----
";

    /// A 1024-bit pair made exactly like Meta's Node key generator (Node 20,
    /// `generateKeyPairSync("rsa", {publicKeyEncoding: {type: "spki", format: "pem"},
    /// privateKeyEncoding: {type: "pkcs1", format: "pem", cipher: "des-ede3-cbc", passphrase}})`).
    const NODE_PASS: &str = "meta-node";
    const NODE_PRIVATE: &str = "-----BEGIN RSA PRIVATE KEY-----
Proc-Type: 4,ENCRYPTED
DEK-Info: DES-EDE3-CBC,A62E01C4A37C30DA

ssWPNnvPeSSigqDO3gl47s81xPRF0jfnoCOXxhvKvYXiBAT/6KuzWaazE4CXfNSy
yZzi1iXvOhGUeG1mXv6afeh7cI69I9rb34nFQpsYWWmJoBbU/rnNB95HHkfDAnAQ
Ij8oDnnXWHmUsDLW3KhcAJO4LgEyXfPsfiEorEGebuxeoZ4vl1HDmECbcXEcko0Z
xLoopnySEpTtEd2NhIbwpviVJqeyz3P9vKHLlpYroEpXTo26ZpFvPVV0LCSUm/Rr
Y/v4Zg1xnG2jgO9gT497vFeZnTYWlAq/E8Si+cHNasb0LQ2fUISz5cOQqw1bBOHF
8ZwqMkn+qkRQOyeOIO1l4vOIUt86HuQ6sjsEV3z40HwlTQN2U67p+j0RSw5Uj1DQ
/cabvZ1X9vFg10qD1pz51fyU7A8FOfQxGpFq7awPRkMYnNZvlxnn17FeSq0BOHtp
bKKcieJI9nEar6/D8/GdBJtHQ0c27JrbD/CwQhT+GlFXzaCuJUOZbX+aUDgkG6rA
/ViWS9TKzSqMlpequEL+I4jnDA/J2Be79GhymQzkK5Za+7SzJAr/aGbt4HofZZfJ
Id0gfPnBxPPK1qN/Y5I8xmRbkxPQzeX//tNugal7VTdDqenHEKD8LRRYcfQHvr90
NDqe3AIUJcTKDw1PZSJj8mSrYPUOYILWsuLBdYBZBKB2vSmzI3N7RYrvE+qxaXoZ
xcfO2o7g3og6D5Fv9+ouggHIQF+KMGsTM6+D7My62yqHvnRdnIv+6ttxbtw0qljL
VI/JccisVuOCd72vkM7YArZWUSrvLgZkA7wAG26JJdH0ejBDFqJ0Ew==
-----END RSA PRIVATE KEY-----
";
    const NODE_PUBLIC: &str = "-----BEGIN PUBLIC KEY-----
MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQD3+J9sW9Sk9c6RAq06pH+J7D7O
EYSsN6FiATseb+F+g8idI1uHOA1RlbBZYRAk6ea5jr+HAp4mG1N8CR5OC0fq3rvK
yg9goPeDtn6tFcnNCcRDFqFE9GEmsdvfWNvo3CwSJX8HPjYE3dHPyIVJlGLUMPjS
Rcw2BEjH1fcpQwvu9QIDAQAB
-----END PUBLIC KEY-----
";

    /// 512-bit key, PBES2 with PBKDF2-HMAC-SHA1 (the PRF default) and AES-128-CBC:
    /// `openssl pkcs8 -topk8 -v2 aes-128-cbc -v2prf hmacWithSHA1`.
    const SMALL_PBKDF2_SHA1: &str = "-----BEGIN ENCRYPTED PRIVATE KEY-----
MIIBrzBJBgkqhkiG9w0BBQ0wPDAbBgkqhkiG9w0BBQwwDgQIJ6Olq5SdS1kCAggA
MB0GCWCGSAFlAwQBAgQQDLaSvGBBuWJcqzE0aGXPIQSCAWD0GZm7LSVfqEakJEyU
VJdeEV4CmntHJ1CB7RBriu8Drv4Wsk+d3enYDcBls/PoarT0/1u6aKJD18xQNgLp
ecuGDzsg/O2URY/1tqLaTHQseH9NdKBmWx0umwZaasn2N5dRR1vGBQxr+pci6xSM
r5u13KkdpUeKvq43F3UA9ZqJ1U7ZDpXQ72/DbdK7qbA/bbCeSpAUvfFj1Lh3gvJ1
qTdiz6/PhxnCeuaVStd2w04S/HzRF/lsgTP6urIXyWi4OouC242DTVlMh31A7pmo
qO++FmK01yqBsViS2/WvKb9fmk/+sl7Vj1uxsl/evrZyp7beLi7vSbbn/3zI6gEL
5jL89Dvke8m7XEyvRYgbmupmMDJXVAqGd1tkia1Bl3sdLiKhtOPQMWXzlQlg/jJC
SmenYf92fwRVwz9NiSiEb/3HI+qQKM2kxRJMOi031qz4AXj+hmIDofy3epa6PQeY
ljVb
-----END ENCRYPTED PRIVATE KEY-----
";

    /// 512-bit key, PKCS#12 PBE: `openssl pkcs8 -topk8 -v1 PBE-SHA1-3DES`.
    const SMALL_PKCS12_PBE: &str = "-----BEGIN ENCRYPTED PRIVATE KEY-----
MIIBejAcBgoqhkiG9w0BDAEDMA4ECGNjj2vKtc4WAgIIAASCAVj2Sr4/gKnWpY8I
9rQ6YVoagJrv3Nvr8HFCiz1YkbVA4UXufdfSGg6zWzU+doBOyqcPV8HWGRnxMaxw
RV6d4USOYSHN5/YUxAEhJdSgRmyh33HBfbhkKKZSfE6awUM5cCv6NINyyb6elJaI
mzKyKOmo58990LeJabM5QqMWzZ0wd2e4Bu8RZ+9h8RMAE1EAAyYJHq4rj+Vf2Z+Z
yC2tgIZpKjpDmk1E2sy/CHVyTZv8iyNRopznjO1t6WENXolGvs1wvZM2tVsmOobv
f5kEdTB7L12zSs1Mb7CMLNGPTqftHQyO6y3pG2cvTWtni1UP+lUTeCz3BbQi1xiJ
+/17Or5atjO5k/e38CdkGONQ+lBKExA6U6VjsDo/Drtm5PAdE10inTGmswvFPMuL
kqeygENHNW3WfI/KMwCo/3sHr3PltyuI42PF+PVYKAKRTi/YEu0LaNZnsz1Iow==
-----END ENCRYPTED PRIVATE KEY-----
";

    /// 512-bit key, PBES2 with PBKDF2-HMAC-SHA256 and CAMELLIA-128-CBC:
    /// `openssl pkcs8 -topk8 -v2 camellia-128-cbc`.
    const SMALL_CAMELLIA: &str = "-----BEGIN ENCRYPTED PRIVATE KEY-----
MIIBvzBZBgkqhkiG9w0BBQ0wTDApBgkqhkiG9w0BBQwwHAQID5kUp57RvFUCAggA
MAwGCCqGSIb3DQIJBQAwHwYLKoMIjJpLPQEBAQIEEMydbdaZFH1UPJcqtNJRxjcE
ggFgokn/uRl6GHIj1pQyaHLGouxenJoxPK3MOUFhhptDREkz0B1e43KKOsgBVmJh
IGewrmMIm1/DGCDSv5gfvI0I8X6ci6PVKKgqMgeamE8gDTEGRFGQrlzSd7ad15h5
dnkq6v4zfUpC9KOQs5tHbunSLo8q/T0voK+xaXHzBOkVCUCXOzn8BiGN5JRj/qwv
G8EwFfUlU1HTAPPS0bTlGqEQGu0SuNewd34FhY2PJ5rCAzvZKwG/UWLx/zYXfim4
63wbYvrVl4+t/HSQTQqZC1tAkDvKTbzGwVbd9MHmU0IIyrmqx8Or0qAwN24c5z8z
LgAExbL/u2BaMOwdgab+Ea+q8nr7xmVmdXkpYO7KviIykzSjVvaSHoIJOuL3cdgk
sEmvIvljecZpoTmrs23D3gr3AoDnZ1iRVTXgcTy7PZWpzHgH3O7Ib3VxQs48BAMU
Q80lJDO107F9rylHJj22NgJk2g==
-----END ENCRYPTED PRIVATE KEY-----
";

    /// A P-256 EC key, unencrypted PKCS#8.
    const EC_PKCS8: &str = "-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgTK7/h/kgOpuQWi6v
pdYLuqL72gPUy9wfrPQaK3odwk2hRANCAAT7KGWNaqf+W05IHY6Or139pqo0OR4D
K0yNU4oNxbcQVd94Aa5+zOK/C3tcKUFKxDr7cAoIPf4x5+liRalZSIiZ
-----END PRIVATE KEY-----
";

    fn tv_private() -> &'static RsaPrivateKey {
        static KEY: OnceLock<RsaPrivateKey> = OnceLock::new();
        KEY.get_or_init(|| private_key_from_pem(TV_PRIVATE_KEY, None).unwrap())
    }

    fn tv_public() -> RsaPublicKey {
        public_key_from_pem(TV_PUBLIC_KEY).unwrap()
    }

    /// One generated 1024-bit key shared by the tests.
    fn generated() -> &'static RsaPrivateKey {
        static KEY: OnceLock<RsaPrivateKey> = OnceLock::new();
        KEY.get_or_init(|| generate(1024).unwrap())
    }

    /// Writes `der` as legacy OpenSSL-encrypted PKCS#1, independently of the reader.
    fn legacy_pem<C>(der: &[u8], passphrase: &str, iv: &[u8], cipher_name: &str) -> String
    where
        C: BlockEncryptMut + BlockCipher + KeyInit,
    {
        let key = evp_bytes_to_key(passphrase.as_bytes(), &iv[..8], C::key_size());
        let mut buffer = vec![0u8; der.len() + 16];
        buffer[..der.len()].copy_from_slice(der);
        let ct = cbc::Encryptor::<C>::new_from_slices(&key, iv)
            .unwrap()
            .encrypt_padded_mut::<Pkcs7>(&mut buffer, der.len())
            .unwrap()
            .to_vec();
        let iv_hex = hex::encode_upper(iv);
        let b64 = base64::engine::general_purpose::STANDARD.encode(ct);
        let lines: Vec<&str> = b64
            .as_bytes()
            .chunks(64)
            .map(|c| std::str::from_utf8(c).unwrap())
            .collect();
        format!(
            "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: {cipher_name},{iv_hex}\n\n{}\n-----END RSA PRIVATE KEY-----\n",
            lines.join("\n")
        )
    }

    /// Checks that neither the message nor Debug of an error leaks the secret.
    fn assert_no_leak(err: &KeyError, secret: &str) {
        assert!(!err.to_string().contains(secret), "{err}");
        assert!(!format!("{err:?}").contains(secret), "{err:?}");
    }

    #[test]
    fn loads_the_spec_keys() {
        assert_eq!(tv_private().to_public_key(), tv_public());
        assert_eq!(tv_public().size(), 256);
        assert_eq!(public_key_from_pem(TV_PUBLIC_PKCS1).unwrap(), tv_public());
        // PKCS#1 unencrypted private key.
        let pkcs1 = tv_private().to_pkcs1_pem(LineEnding::LF).unwrap();
        assert!(pkcs1.starts_with("-----BEGIN RSA PRIVATE KEY-----\n"));
        assert_eq!(&private_key_from_pem(&pkcs1, None).unwrap(), tv_private());
        // A passphrase is ignored for unencrypted keys.
        assert_eq!(
            &private_key_from_pem(TV_PRIVATE_KEY, Some("unused")).unwrap(),
            tv_private()
        );
    }

    #[test]
    fn evp_bytes_to_key_matches_openssl() {
        // `openssl enc -des-ede3-cbc -md md5 -S E5930956D8EBE544 -pass pass:flowsim-test -P`
        let salt = hex::decode("E5930956D8EBE544").unwrap();
        assert_eq!(
            *evp_bytes_to_key(PASS.as_bytes(), &salt, 24),
            hex::decode("F9859979CAE75A0ED6427599733C029FC128878A460412CE").unwrap()
        );
        // `openssl enc -aes-256-cbc -md md5 -S FF2A4E52E86FD9E2 -pass pass:flowsim-test -P`
        let salt = hex::decode("FF2A4E52E86FD9E2").unwrap();
        assert_eq!(
            *evp_bytes_to_key(PASS.as_bytes(), &salt, 32),
            hex::decode("AE730500DD6F7D71FFADE2FDC7C07B937032205A3599F01D84451A506D3B5BB2")
                .unwrap()
        );
    }

    #[test]
    fn legacy_openssl_aes256() {
        assert_eq!(
            &private_key_from_pem(TV_LEGACY_AES256, Some(PASS)).unwrap(),
            tv_private()
        );
        let err = private_key_from_pem(TV_LEGACY_AES256, None).unwrap_err();
        assert_eq!(err, KeyError::PassphraseRequired);
        assert_eq!(err.to_string(), "this key is encrypted: pass --passphrase");
        assert_eq!(
            private_key_from_pem(TV_LEGACY_AES256, Some("")).unwrap_err(),
            KeyError::PassphraseRequired
        );
        let err = private_key_from_pem(TV_LEGACY_AES256, Some("not-the-passphrase")).unwrap_err();
        assert_eq!(err, KeyError::WrongPassphrase);
        assert_no_leak(&err, "not-the-passphrase");
    }

    #[test]
    fn legacy_des_ede3_from_metas_node_generator() {
        let key = private_key_from_pem(NODE_PRIVATE, Some(NODE_PASS)).unwrap();
        assert_eq!(
            key.to_public_key(),
            public_key_from_pem(NODE_PUBLIC).unwrap()
        );
        assert_eq!(
            private_key_from_pem(NODE_PRIVATE, Some(PASS)).unwrap_err(),
            KeyError::WrongPassphrase
        );
        assert_eq!(
            private_key_from_pem(NODE_PRIVATE, None).unwrap_err(),
            KeyError::PassphraseRequired
        );
    }

    #[test]
    fn legacy_written_here() {
        let der = tv_private().to_pkcs1_der().unwrap();
        let iv8 = [0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88];
        let des3 = legacy_pem::<des::TdesEde3>(der.as_bytes(), "s3cret pass", &iv8, "DES-EDE3-CBC");
        assert_eq!(
            &private_key_from_pem(&des3, Some("s3cret pass")).unwrap(),
            tv_private()
        );
        let err = private_key_from_pem(&des3, Some("s3cret pasS")).unwrap_err();
        assert_eq!(err, KeyError::WrongPassphrase);
        assert_no_leak(&err, "s3cret");

        let iv16: Vec<u8> = (1..=16).collect();
        for (pem, name) in [
            (
                legacy_pem::<aes::Aes128>(der.as_bytes(), "pw", &iv16, "AES-128-CBC"),
                "AES-128-CBC",
            ),
            (
                legacy_pem::<aes::Aes192>(der.as_bytes(), "pw", &iv16, "AES-192-CBC"),
                "AES-192-CBC",
            ),
            (
                legacy_pem::<aes::Aes256>(der.as_bytes(), "pw", &iv16, "aes-256-cbc"),
                "aes-256-cbc",
            ),
            (
                legacy_pem::<des::Des>(der.as_bytes(), "pw", &iv8, "DES-CBC"),
                "DES-CBC",
            ),
        ] {
            assert_eq!(
                &private_key_from_pem(&pem, Some("pw")).unwrap(),
                tv_private(),
                "{name}"
            );
        }
    }

    #[test]
    fn legacy_errors() {
        let der = tv_private().to_pkcs1_der().unwrap();
        let iv8 = [1u8, 2, 3, 4, 5, 6, 7, 8];
        let pem = legacy_pem::<des::TdesEde3>(der.as_bytes(), "pw", &iv8, "DES-EDE3-CBC");

        let cfb = pem.replace("DES-EDE3-CBC,", "DES-EDE3-CFB,");
        let err = private_key_from_pem(&cfb, Some("pw")).unwrap_err();
        assert_eq!(
            err,
            KeyError::UnsupportedEncryption {
                scheme: "legacy PEM encryption with DES-EDE3-CFB".into()
            }
        );
        assert!(err.to_string().contains("openssl pkcs8 -topk8"), "{err}");

        let short_iv = pem.replace("0102030405060708", "01020304");
        assert!(matches!(
            private_key_from_pem(&short_iv, Some("pw")).unwrap_err(),
            KeyError::Malformed { detail } if detail.contains("16 hex digits")
        ));

        let no_dek = pem.replace("DEK-Info: DES-EDE3-CBC,0102030405060708\n", "");
        assert!(matches!(
            private_key_from_pem(&no_dek, Some("pw")).unwrap_err(),
            KeyError::Malformed { detail } if detail.contains("DEK-Info")
        ));

        // Drop the last base64 line but one so the length is no longer a block multiple.
        let mut lines: Vec<&str> = pem.lines().collect();
        let last = lines.len() - 2;
        let shortened = &lines[last][..lines[last].len() - 4];
        lines[last] = shortened;
        let truncated = lines.join("\n");
        assert!(matches!(
            private_key_from_pem(&truncated, Some("pw")).unwrap_err(),
            KeyError::Malformed { detail } if detail.contains("truncated")
        ));
    }

    #[test]
    fn encrypted_pkcs8_des3_like_pywa() {
        assert_eq!(
            &private_key_from_pem(TV_PKCS8_DES3, Some(PASS)).unwrap(),
            tv_private()
        );
        let err = private_key_from_pem(TV_PKCS8_DES3, Some("pywa")).unwrap_err();
        assert_eq!(err, KeyError::WrongPassphrase);
        assert_no_leak(&err, "pywa");
        assert_eq!(
            private_key_from_pem(TV_PKCS8_DES3, None).unwrap_err(),
            KeyError::PassphraseRequired
        );
    }

    #[test]
    fn unsupported_encryption_is_named() {
        for (pem, scheme) in [
            (
                SMALL_PBKDF2_SHA1,
                "PBES2 with PBKDF2-HMAC-SHA1 and AES-128-CBC",
            ),
            (SMALL_PKCS12_PBE, "PKCS#12 pbeWithSHA1And3-KeyTripleDES-CBC"),
            (
                SMALL_CAMELLIA,
                "PBES2 with PBKDF2-HMAC-SHA256 and CAMELLIA-128-CBC",
            ),
        ] {
            for passphrase in [Some(PASS), Some("wrong"), None] {
                let err = private_key_from_pem(pem, passphrase).unwrap_err();
                assert_eq!(
                    err,
                    KeyError::UnsupportedEncryption {
                        scheme: scheme.into()
                    }
                );
                assert_no_leak(&err, PASS);
                assert!(err.to_string().contains(scheme), "{err}");
            }
        }
    }

    #[test]
    fn round_trip_plain() {
        let key = generated();
        assert_eq!(key.size(), 128);
        let pem = private_key_to_pem(key, None).unwrap();
        assert!(pem.starts_with("-----BEGIN PRIVATE KEY-----\n"), "{pem}");
        assert_eq!(&private_key_from_pem(&pem, None).unwrap(), key);
        let public = public_key_to_pem(&key.to_public_key()).unwrap();
        assert!(
            public.starts_with("-----BEGIN PUBLIC KEY-----\n"),
            "{public}"
        );
        assert_eq!(public_key_from_pem(&public).unwrap(), key.to_public_key());
        // The spec's public key is written back byte for byte.
        assert_eq!(public_key_to_pem(&tv_public()).unwrap(), TV_PUBLIC_KEY);
        assert_eq!(
            private_key_to_pem(tv_private(), None).unwrap(),
            TV_PRIVATE_KEY
        );
    }

    #[test]
    fn round_trip_encrypted() {
        let key = generated();
        let pem = private_key_to_pem(key, Some("correct horse")).unwrap();
        assert!(
            pem.starts_with("-----BEGIN ENCRYPTED PRIVATE KEY-----\n"),
            "{pem}"
        );
        // PBES2 / PBKDF2-HMAC-SHA256 / AES-256-CBC.
        let block = &parse_pem(&pem).unwrap()[0];
        assert_eq!(block.label, EncryptedPrivateKeyInfo::PEM_LABEL);
        let info = EncryptedPrivateKeyInfo::try_from(block.der.as_slice()).unwrap();
        let pkcs5::EncryptionScheme::Pbes2(params) = &info.encryption_algorithm else {
            panic!("not PBES2");
        };
        let pbkdf2 = params.kdf.pbkdf2().expect("PBKDF2");
        assert_eq!(pbkdf2.prf, pbes2::Pbkdf2Prf::HmacWithSha256);
        assert_eq!(pbkdf2.iteration_count, PBKDF2_ITERATIONS);
        assert_eq!(pbkdf2.salt.len(), 16);
        assert!(matches!(
            params.encryption,
            pbes2::EncryptionScheme::Aes256Cbc { .. }
        ));

        assert_eq!(
            &private_key_from_pem(&pem, Some("correct horse")).unwrap(),
            key
        );
        let err = private_key_from_pem(&pem, Some("correct horsE")).unwrap_err();
        assert_eq!(err, KeyError::WrongPassphrase);
        assert_no_leak(&err, "correct");
        let err = private_key_from_pem(&pem, None).unwrap_err();
        assert_eq!(err, KeyError::PassphraseRequired);
        assert_eq!(err.to_string(), "this key is encrypted: pass --passphrase");
        // Fresh salt and IV each time.
        assert_ne!(pem, private_key_to_pem(key, Some("correct horse")).unwrap());
        assert_eq!(
            private_key_to_pem(key, Some("")).unwrap_err(),
            KeyError::EmptyPassphrase
        );
    }

    #[test]
    fn generated_key_works_for_flows_encryption() {
        use crate::crypto;
        let key = generated();
        let sealed = crypto::seal_request(&key.to_public_key(), b"{\"action\":\"ping\"}").unwrap();
        let opened = crypto::open_request(key, &sealed.body).unwrap();
        assert_eq!(opened.plaintext, b"{\"action\":\"ping\"}");
        // The request cannot be opened with another key of a different size…
        assert!(matches!(
            crypto::open_request(tv_private(), &sealed.body).unwrap_err(),
            crypto::CryptoError::WrappedKeyLength {
                len: 128,
                expected: 256
            }
        ));
    }

    #[test]
    fn generate_rejects_odd_sizes() {
        assert_eq!(generate(512).unwrap_err(), KeyError::KeySize { bits: 512 });
        assert_eq!(
            generate(8192).unwrap_err(),
            KeyError::KeySize { bits: 8192 }
        );
        assert!(generate(0).unwrap_err().to_string().contains("2048"));
    }

    #[test]
    fn wrong_kind_of_key() {
        let err = private_key_from_pem(TV_PUBLIC_KEY, None).unwrap_err();
        assert_eq!(err, KeyError::PublicKeyGiven);
        assert!(err.to_string().contains("private key is needed"));
        assert_eq!(
            private_key_from_pem(TV_PUBLIC_PKCS1, Some(PASS)).unwrap_err(),
            KeyError::PublicKeyGiven
        );
        for private in [TV_PRIVATE_KEY, TV_PKCS8_DES3, TV_LEGACY_AES256] {
            let err = public_key_from_pem(private).unwrap_err();
            assert_eq!(err, KeyError::PrivateKeyGiven);
            assert!(err.to_string().contains("-pubout"));
        }
        let err = private_key_from_pem(EC_PKCS8, None).unwrap_err();
        assert_eq!(
            err,
            KeyError::NotRsa {
                algorithm: "EC".into()
            }
        );
        assert!(err.to_string().contains("RSA-2048"), "{err}");
        let ec_legacy = "-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----\n";
        assert_eq!(
            private_key_from_pem(ec_legacy, None).unwrap_err(),
            KeyError::NotRsa {
                algorithm: "EC".into()
            }
        );
        let cert = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
        let err = public_key_from_pem(cert).unwrap_err();
        assert_eq!(
            err,
            KeyError::UnsupportedPem {
                label: "CERTIFICATE".into()
            }
        );
        assert!(err.to_string().contains("openssl x509 -pubkey"), "{err}");
        let ssh = "-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----";
        assert!(
            private_key_from_pem(ssh, None)
                .unwrap_err()
                .to_string()
                .contains("ssh-keygen -p -m PEM")
        );
    }

    #[test]
    fn not_pem() {
        let cases = [
            ("", "empty"),
            ("   \n", "empty"),
            (
                "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ user@host",
                "OpenSSH public key",
            ),
            ("{\"kty\":\"RSA\"}", "JSON"),
            ("hello", "no \"-----BEGIN\" line"),
        ];
        for (text, hint) in cases {
            let err = public_key_from_pem(text).unwrap_err();
            assert!(matches!(err, KeyError::NotPem { .. }), "{err:?}");
            assert!(err.to_string().contains(hint), "{err}");
            assert!(err.to_string().starts_with("not a PEM key"), "{err}");
        }
        // Bare base64 of a private key: the hint, but never the key text itself.
        let bare: String = TV_PRIVATE_KEY
            .lines()
            .filter(|l| !l.starts_with("-----"))
            .collect();
        let err = private_key_from_pem(&bare, None).unwrap_err();
        assert!(err.to_string().contains("without its"), "{err}");
        assert_no_leak(&err, &bare[..20]);
        assert_no_leak(&err, &bare[40..60]);
    }

    #[test]
    fn malformed_pem() {
        let no_end = TV_PRIVATE_KEY.replace("-----END PRIVATE KEY-----", "");
        let err = private_key_from_pem(&no_end, None).unwrap_err();
        assert!(
            matches!(&err, KeyError::Malformed { detail } if detail.contains("END PRIVATE KEY")),
            "{err:?}"
        );
        let bad_b64 = TV_PRIVATE_KEY.replacen("MIIEvQ", "MI*EvQ", 1);
        let err = private_key_from_pem(&bad_b64, None).unwrap_err();
        assert!(
            matches!(&err, KeyError::Malformed { detail } if detail.contains("base64")),
            "{err:?}"
        );
        assert_no_leak(&err, "MI*EvQ");
        // Valid base64, truncated DER.
        let lines: Vec<&str> = TV_PRIVATE_KEY.lines().collect();
        let mut cut = lines[..10].to_vec();
        cut.push("-----END PRIVATE KEY-----");
        let err = private_key_from_pem(&cut.join("\n"), None).unwrap_err();
        assert!(
            matches!(&err, KeyError::Malformed { detail } if detail.contains("PKCS#8")),
            "{err:?}"
        );
        assert_no_leak(&err, lines[3]);
        let garbage =
            "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----";
        assert!(matches!(
            private_key_from_pem(garbage, Some("x")).unwrap_err(),
            KeyError::Malformed { .. }
        ));
    }

    #[test]
    fn forgiving_container() {
        // CRLF line ends and text around the block.
        let crlf = format!("Bag Attributes\r\n{}", TV_PRIVATE_KEY.replace('\n', "\r\n"));
        assert_eq!(&private_key_from_pem(&crlf, None).unwrap(), tv_private());
        // A .env value with literal \n sequences.
        let escaped = TV_PKCS8_DES3.replace('\n', "\\n");
        assert_eq!(
            &private_key_from_pem(&escaped, Some(PASS)).unwrap(),
            tv_private()
        );
        let escaped_legacy = TV_LEGACY_AES256.replace('\n', "\\n");
        assert_eq!(
            &private_key_from_pem(&escaped_legacy, Some(PASS)).unwrap(),
            tv_private()
        );
        // Line breaks turned into spaces (an unquoted environment variable).
        let spaced = TV_PUBLIC_KEY.replace('\n', " ");
        assert_eq!(public_key_from_pem(&spaced).unwrap(), tv_public());
        // Public and private key in one file: each reader takes its own.
        let both = format!("{TV_PUBLIC_KEY}\n{TV_PRIVATE_KEY}");
        assert_eq!(&private_key_from_pem(&both, None).unwrap(), tv_private());
        assert_eq!(public_key_from_pem(&both).unwrap(), tv_public());
    }
}
