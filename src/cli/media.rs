//! `flowsim decrypt-media`: a CDN file and its `encryption_metadata`, checked and decrypted as
//! an endpoint must (endpoint.md §8.1), saying which check fails, for developers debugging
//! their own decryption.

use std::io::Read;
use std::path::{Path, PathBuf};

use super::exit;
use flowsim_endpoint::media::{self, Check, EncryptionMetadata, MediaError};

pub const AFTER_HELP: &str = "\
Examples:
  flowsim decrypt-media photo.enc --metadata '{\"encryption_key\": \"…\", …}' --out photo.jpg
  flowsim decrypt-media photo.enc --metadata @media_item.json

CDN_FILE is the file downloaded from a request's cdn_url. --metadata is its
encryption_metadata (or the whole media item), as JSON or @FILE. The checks run in the order
an endpoint runs them: encrypted_hash, the HMAC, AES-256-CBC with PKCS#7, plaintext_hash.
Exit codes: 0 every check passed, 1 a check failed (it says which and why), 2 usage error.";

#[derive(Debug, clap::Args)]
pub struct DecryptMediaArgs {
    /// The encrypted file as downloaded from `cdn_url`.
    #[arg(value_name = "CDN_FILE")]
    pub file: PathBuf,
    /// The media item's `encryption_metadata` (or the whole item): JSON, or @FILE.
    #[arg(long, value_name = "JSON|@FILE")]
    pub metadata: String,
    /// Write the decrypted file here.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// CDN files larger than this are refused: WhatsApp takes files up to 25 MiB.
const MAX_CDN_FILE: u64 = 100 * 1024 * 1024;

pub fn decrypt_media(args: &DecryptMediaArgs) -> u8 {
    match run(args) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            exit::USAGE
        }
    }
}

fn run(args: &DecryptMediaArgs) -> Result<u8, String> {
    let text = match args.metadata.strip_prefix('@') {
        Some(path) => {
            crate::load::read_text(Path::new(path)).map_err(|e| format!("--metadata {e}"))?
        }
        None => args.metadata.clone(),
    };
    let value: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| format!("--metadata is not valid JSON: {e}"))?;
    let metadata = EncryptionMetadata::from_json(&value).map_err(|e| format!("--metadata: {e}"))?;
    let cdn_file = read_capped(&args.file)?;
    match media::decrypt(&cdn_file, &metadata) {
        Ok(plaintext) => {
            for check in Check::ALL {
                println!("✓ {}", check.name());
            }
            match &args.out {
                Some(out) => {
                    std::fs::write(out, &plaintext)
                        .map_err(|e| format!("cannot write {}: {e}", out.display()))?;
                    println!("Decrypted {} bytes to {}.", plaintext.len(), out.display());
                }
                None => println!(
                    "Decrypted {} bytes; pass --out FILE to keep them.",
                    plaintext.len()
                ),
            }
            Ok(exit::OK)
        }
        Err(MediaError::Metadata(m)) => Err(format!("--metadata: {m}")),
        Err(MediaError::Failed { check, message }) => {
            for passed in Check::ALL.iter().take_while(|c| **c != check) {
                println!("✓ {}", passed.name());
            }
            println!("✗ {}", check.name());
            println!("  {message}");
            Ok(exit::INVALID)
        }
    }
}

fn read_capped(path: &Path) -> Result<Vec<u8>, String> {
    let fail = |e: &dyn std::fmt::Display| format!("{}: {e}", path.display());
    let meta = std::fs::metadata(path).map_err(|e| fail(&e))?;
    if !meta.is_file() {
        return Err(fail(&"not a file"));
    }
    if meta.len() > MAX_CDN_FILE {
        return Err(fail(&"larger than 100 MB: not a WhatsApp media file"));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_CDN_FILE).read_to_end(&mut bytes))
        .map_err(|e| fail(&e))?;
    Ok(bytes)
}
