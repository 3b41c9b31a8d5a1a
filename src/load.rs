//! Reading flow files from disk or standard input, with the limits that keep hostile input
//! cheap: the size limit is enforced while reading, never after reading everything.

use std::io::Read;
use std::path::Path;

use flowsim_core::diagnostic::{Code, Diagnostic};
use flowsim_core::flow::model::Flow;
use flowsim_core::flow::path::Path as JsonPath;
use flowsim_core::flow::source::Source;
use flowsim_core::validate::MAX_FLOW_BYTES;

/// Why a file could not be turned into a [`Source`].
#[derive(Debug)]
pub enum LoadError {
    /// Missing, unreadable, a directory…: a usage or I/O problem (exit code 2).
    Io(String),
    /// The bytes are not a Flow JSON text at all (too large, not UTF-8): an invalid flow
    /// (exit code 1), reported as a diagnostic on what was read.
    Invalid(Box<(Source, Diagnostic)>),
}

/// Reads a flow file; `-` reads standard input.
pub fn read(path: &Path) -> Result<Source, LoadError> {
    let name = path.display().to_string();
    let (bytes, too_large) = if name == "-" {
        read_limited(std::io::stdin().lock(), 0)
            .map_err(|e| LoadError::Io(format!("cannot read standard input: {e}")))?
    } else {
        let meta = std::fs::metadata(path).map_err(|e| LoadError::Io(io_message(&name, &e)))?;
        if meta.is_dir() {
            return Err(LoadError::Io(format!(
                "{name}: is a directory, not a Flow JSON file"
            )));
        }
        let file = std::fs::File::open(path).map_err(|e| LoadError::Io(io_message(&name, &e)))?;
        read_limited(file, meta.len()).map_err(|e| LoadError::Io(io_message(&name, &e)))?
    };
    if too_large {
        let source = Source::new(name, String::new());
        let d = Diagnostic::error(
            Code::InvalidFlowJson,
            0..0,
            &JsonPath::root(),
            format!(
                "the file is larger than Meta's limit of {} MB for a Flow JSON document",
                MAX_FLOW_BYTES / 1024 / 1024
            ),
        )
        .help("split the flow, or move large images out of it");
        return Err(LoadError::Invalid(Box::new((source, d))));
    }
    match String::from_utf8(bytes) {
        Ok(text) => Ok(Source::new(name, text)),
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
            // Offsets of the lossy text match the original up to the first bad byte.
            let source = Source::new(name, text);
            let d = Diagnostic::error(
                Code::InvalidFlowJson,
                valid..valid + char::REPLACEMENT_CHARACTER.len_utf8(),
                &JsonPath::root(),
                format!("the file is not UTF-8 text (invalid byte at offset {valid})"),
            )
            .help("save the file as UTF-8");
            Err(LoadError::Invalid(Box::new((source, d))))
        }
    }
}

/// Reads a scenario, mock or data file as UTF-8 text, with the same limits as a flow: a
/// file over 10 MB is refused after reading 10 MB + 1 byte, never read whole. Errors are
/// one-line messages that start with the file name.
pub fn read_text(path: &Path) -> Result<String, String> {
    let name = path.display().to_string();
    let meta = std::fs::metadata(path).map_err(|e| io_message(&name, &e))?;
    if meta.is_dir() {
        return Err(format!("{name}: is a directory, not a file"));
    }
    let file = std::fs::File::open(path).map_err(|e| io_message(&name, &e))?;
    let (bytes, too_large) = read_limited(file, meta.len()).map_err(|e| io_message(&name, &e))?;
    if too_large {
        return Err(format!(
            "{name}: the file is larger than the limit of {} MB",
            MAX_FLOW_BYTES / 1024 / 1024
        ));
    }
    String::from_utf8(bytes).map_err(|e| {
        format!(
            "{name}: the file is not UTF-8 text (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        )
    })
}

/// A flow file read and checked for a headless command.
pub struct Loaded {
    pub flow: Flow,
    /// How many validation errors it has (they do not stop a headless run).
    pub errors: usize,
    /// The version lifecycle warning (frozen, expired), as one report line.
    pub lifecycle: Option<String>,
}

/// Reads and checks a flow file for a headless command: the flow with its number of
/// validation errors and its lifecycle warning, or a one-line reason it cannot be loaded.
pub fn flow(path: &Path) -> Result<Loaded, String> {
    let source = read(path).map_err(|e| match e {
        LoadError::Io(m) => m,
        LoadError::Invalid(b) => format!("{}: {}", b.0.name, b.1.message),
    })?;
    let checked = flowsim_core::validate::check(&source);
    let errors = checked.diagnostics.iter().filter(|d| d.is_error()).count();
    let lifecycle = checked
        .version_state()
        .map(|d| crate::report::line(&source, d));
    match checked.flow {
        Some(flow) => Ok(Loaded {
            flow,
            errors,
            lifecycle,
        }),
        None => Err(format!(
            "{}: cannot be loaded: {}",
            path.display(),
            checked
                .diagnostics
                .first()
                .map(|d| d.message.clone())
                .unwrap_or_default()
        )),
    }
}

/// Reads and checks a flow for a command that works on its model (graph, lint, diff): the
/// source, the model and the validator's findings, or, after saying why on standard error,
/// the exit code: 2 for a usage or I/O problem, 1 when the file is not a Flow JSON document.
pub fn checked(path: &Path) -> Result<(Source, Flow, Vec<Diagnostic>), u8> {
    use crate::cli::exit;
    let source = match read(path) {
        Ok(s) => s,
        Err(LoadError::Io(m)) => {
            eprintln!("error: {m}");
            return Err(exit::USAGE);
        }
        Err(LoadError::Invalid(b)) => {
            eprint!("{}", crate::report::human(&b.0, &[b.1], false));
            return Err(exit::INVALID);
        }
    };
    let checked = flowsim_core::validate::check(&source);
    match checked.flow {
        Some(flow) => Ok((source, flow, checked.diagnostics)),
        None => {
            eprint!(
                "{}",
                crate::report::human(&source, &checked.diagnostics, false)
            );
            Err(exit::INVALID)
        }
    }
}

/// Reads at most the size limit plus one byte; the flag says whether the limit was passed.
/// `expected` is the size the file says it has: room for it (and the byte that shows the end)
/// is made up front, rather than doubling the buffer as it fills.
fn read_limited(reader: impl Read, expected: u64) -> std::io::Result<(Vec<u8>, bool)> {
    let mut bytes = Vec::with_capacity(expected.min(MAX_FLOW_BYTES) as usize + 1);
    reader.take(MAX_FLOW_BYTES + 1).read_to_end(&mut bytes)?;
    let too_large = bytes.len() as u64 > MAX_FLOW_BYTES;
    Ok((bytes, too_large))
}

fn io_message(name: &str, e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => format!("{name}: no such file"),
        std::io::ErrorKind::PermissionDenied => format!("{name}: permission denied"),
        _ => format!("{name}: {e}"),
    }
}
