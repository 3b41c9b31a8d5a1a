//! Local files a scenario refers to: files chosen in photo and document pickers, described
//! the way the engine stores picker values, and flows a scenario reloads.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use flowsim_core::flow::model::Flow;
use flowsim_core::scenario::Files;

/// Reads files relative to a base folder.
pub struct LocalFiles {
    pub base: PathBuf,
}

/// Picker files are capped well above WhatsApp's 25 MiB per file, so a mistake cannot make
/// flowsim read a huge file into memory.
const MAX_FILE: u64 = 100 * 1024 * 1024;

impl Files for LocalFiles {
    fn describe(&self, path: &str, index: usize) -> Result<Value, String> {
        let full = self.base.join(path);
        describe(&full, index)
    }

    fn flow(&self, path: &str) -> Result<Arc<Flow>, String> {
        crate::load::flow(&self.base.join(path)).map(|loaded| Arc::new(loaded.flow))
    }
}

/// `{"file_name", "mime_type", "sha256", "size", "media_id", "cdn_url", "path"}` for a file.
pub fn describe(path: &Path, index: usize) -> Result<Value, String> {
    let meta = std::fs::metadata(path).map_err(|e| format!("{}: {e}", path.display()))?;
    if !meta.is_file() {
        return Err(format!("{}: not a file", path.display()));
    }
    if meta.len() > MAX_FILE {
        return Err(format!("{}: larger than 100 MB", path.display()));
    }
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let digest = Sha256::digest(&bytes);
    let sha = base64_std(&digest);
    let hex: String = digest.iter().take(4).map(|b| format!("{b:02x}")).collect();
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok(json!({
        "file_name": name,
        "mime_type": mime_type(&name),
        "sha256": sha,
        "size": bytes.len(),
        "media_id": format!("flowsim-{index}-{hex}"),
        "cdn_url": format!("file://{}", path.display()),
    }))
}

/// The MIME type of a file name, for the types pickers accept (components.md §5.23).
pub fn mime_type(name: &str) -> &'static str {
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "jpg" | "jpeg" => "image/jpeg",
        "png" => "image/png",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "heic" => "image/heic",
        "heif" => "image/heif",
        "avif" => "image/avif",
        "tif" | "tiff" => "image/tiff",
        "pdf" => "application/pdf",
        "txt" => "text/plain",
        "zip" => "application/zip",
        "gz" => "application/gzip",
        "7z" => "application/x-7z-compressed",
        "doc" => "application/msword",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xls" => "application/vnd.ms-excel",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "ppt" => "application/vnd.ms-powerpoint",
        "pptx" => "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "odt" => "application/vnd.oasis.opendocument.text",
        "ods" => "application/vnd.oasis.opendocument.spreadsheet",
        "odp" => "application/vnd.oasis.opendocument.presentation",
        "mp4" => "video/mp4",
        "mpeg" | "mpg" => "video/mpeg",
        _ => "application/octet-stream",
    }
}

fn base64_std(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}
