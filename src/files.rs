//! Local files a scenario or the preview refers to: files picked in photo and document
//! pickers, and flows a scenario reloads.
//!
//! A picked file is refused as the client refuses it (count, type, size: before it is read);
//! otherwise it is read in bounded chunks and described the way the engine stores picker
//! values. While a flow runs against an endpoint, it is also encrypted onto the local CDN
//! (`flowsim_endpoint::cdn`) and its descriptor carries `cdn_url` and `encryption_metadata`.

use std::fmt::Display;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use flowsim_core::flow::model::Flow;
use flowsim_core::scenario::{Files, PickError};
use flowsim_core::sim::checks::FileRules;
use flowsim_endpoint::cdn::Cdn;

/// Reads files relative to a base folder, uploading picked files to `cdn` when there is one.
pub struct LocalFiles {
    pub base: PathBuf,
    pub cdn: Option<Arc<Cdn>>,
}

/// Picker files are capped well above WhatsApp's 25 MiB per file, so a flow with a larger
/// (invalid) `max-file-size-kb` cannot make flowsim read a huge file.
const MAX_FILE: u64 = 100 * 1024 * 1024;
/// How much of a file is read at a time.
const CHUNK: usize = 64 * 1024;

impl Files for LocalFiles {
    fn pick(&self, path: &str, rules: &FileRules) -> Result<Value, PickError> {
        pick(&self.base.join(path), rules, self.cdn.as_deref())
    }

    fn flow(&self, path: &str) -> Result<Arc<Flow>, String> {
        crate::load::flow(&self.base.join(path)).map(|loaded| Arc::new(loaded.flow))
    }
}

/// The file at `path`, picked in a picker with `rules`: `{"file_name", "mime_type", "sha256",
/// "size", "media_id"}`, plus `cdn_url` and `encryption_metadata` when it went to `cdn`.
pub fn pick(path: &Path, rules: &FileRules, cdn: Option<&Cdn>) -> Result<Value, PickError> {
    let unreadable = |e: &dyn Display| PickError::Unreadable(format!("{}: {e}", path.display()));
    let meta = std::fs::metadata(path).map_err(|e| unreadable(&e))?;
    if !meta.is_file() {
        return Err(unreadable(&"not a file"));
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mime = mime_type(&name);
    if let Some(reason) = rules.refuse(&name, meta.len(), mime) {
        return Err(PickError::Refused(reason));
    }
    if meta.len() > MAX_FILE {
        return Err(unreadable(
            &"larger than 100 MB, which WhatsApp never takes",
        ));
    }
    let reader = std::fs::File::open(path)
        .map_err(|e| unreadable(&e))?
        .take(MAX_FILE);
    let (sha, size, uploaded) = match cdn {
        Some(cdn) => {
            let up = cdn.upload(&name, reader).map_err(|e| unreadable(&e))?;
            (up.metadata.plaintext_hash, up.size, Some(up))
        }
        None => {
            let (sha, size) = hash(reader).map_err(|e| unreadable(&e))?;
            (sha, size, None)
        }
    };
    let short: String = sha.iter().take(4).map(|b| format!("{b:02x}")).collect();
    let mut file = json!({
        "file_name": name,
        "mime_type": mime,
        "sha256": base64_std(&sha),
        "size": size,
        "media_id": format!("flowsim-{}-{short}", rules.attached),
    });
    if let Some(up) = uploaded {
        file["cdn_url"] = json!(up.cdn_url);
        file["encryption_metadata"] = up.metadata.to_json();
    }
    Ok(file)
}

/// SHA-256 and length of everything `reader` gives, read a chunk at a time.
fn hash(mut reader: impl Read) -> std::io::Result<([u8; 32], u64)> {
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; CHUNK];
    let mut len = 0u64;
    loop {
        match reader.read(&mut buf) {
            Ok(0) => return Ok((hasher.finalize().into(), len)),
            Ok(n) => {
                hasher.update(&buf[..n]);
                len += n as u64;
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
}

/// The MIME type of a file name, from its extension (mime_guess's table, which follows the
/// IANA registry and common usage).
pub fn mime_type(name: &str) -> &'static str {
    mime_guess::from_path(name)
        .first_raw()
        .unwrap_or("application/octet-stream")
}

fn base64_std(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use flowsim_core::flow::spec::MIME_TYPES;

    #[test]
    fn every_type_whatsapp_takes_is_guessed_from_its_usual_extension() {
        let names = [
            "a.gz", "a.doc", "a.pdf", "a.xls", "a.ppt", "a.odp", "a.ods", "a.odt", "a.pptx",
            "a.xlsx", "a.docx", "a.7z", "a.zip", "a.avif", "a.gif", "a.heic", "a.heif", "a.jpg",
            "a.png", "a.tiff", "a.webp", "a.txt", "a.mp4", "a.mpeg",
        ];
        let mut guessed: Vec<&str> = names.iter().map(|n| mime_type(n)).collect();
        guessed.sort();
        let mut expected = MIME_TYPES.to_vec();
        expected.sort();
        assert_eq!(guessed, expected);
        assert_eq!(mime_type("PHOTO.JPEG"), "image/jpeg");
        assert_eq!(mime_type("no-extension"), "application/octet-stream");
    }

    fn rules(photo: bool, max_kb: u64) -> FileRules {
        FileRules {
            photo,
            max_files: 3,
            attached: 1,
            max_bytes: max_kb * 1024,
            types: (!photo).then(|| vec!["application/pdf".to_string()]),
        }
    }

    #[test]
    fn a_picked_file_is_hashed_in_chunks_and_described() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("scan.pdf");
        let bytes: Vec<u8> = (0..3 * CHUNK + 7).map(|i| i as u8).collect();
        std::fs::write(&path, &bytes).unwrap();
        let d = pick(&path, &rules(false, 1024), None).unwrap();
        let sha = Sha256::digest(&bytes);
        assert_eq!(d["sha256"], base64_std(&sha));
        assert_eq!(d["size"], bytes.len());
        assert_eq!(d["mime_type"], "application/pdf");
        assert_eq!(
            d["media_id"],
            format!(
                "flowsim-1-{:02x}{:02x}{:02x}{:02x}",
                sha[0], sha[1], sha[2], sha[3]
            )
        );
        assert!(d.get("cdn_url").is_none());
    }

    #[test]
    fn limits_are_checked_before_reading_and_missing_files_are_unreadable() {
        let dir = tempfile::tempdir().unwrap();
        let pdf = dir.path().join("big.pdf");
        std::fs::write(&pdf, vec![0u8; 2048]).unwrap();
        assert_eq!(
            pick(&pdf, &rules(false, 1), None),
            Err(PickError::Refused("big.pdf is larger than 1 KB".into()))
        );
        assert!(
            matches!(pick(&pdf, &rules(true, 10), None), Err(PickError::Refused(m)) if m.contains("not a photo"))
        );
        let gone = dir.path().join("gone.pdf");
        assert!(
            matches!(pick(&gone, &rules(false, 10), None), Err(PickError::Unreadable(m)) if m.contains("gone.pdf"))
        );
        assert!(
            matches!(pick(dir.path(), &rules(false, 10), None), Err(PickError::Unreadable(m)) if m.contains("not a file"))
        );
    }
}
