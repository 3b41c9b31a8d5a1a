use flowsim_core::flow::json_schema;
use flowsim_core::flow::version::{self, Version};

use super::exit;

pub const AFTER_HELP: &str = "\
Examples:
  flowsim schema > flow.schema.json
  flowsim schema --version 6.3 > flow-6.3.schema.json

In VS Code, add to settings.json:
  \"json.schemas\": [{ \"fileMatch\": [\"*.flow.json\", \"flows/*.json\"], \"url\": \"./flow.schema.json\" }]";

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Flow JSON version the schema describes (default: the newest).
    #[arg(long, value_parser = parse_version)]
    pub version: Option<Version>,
}

fn parse_version(s: &str) -> Result<Version, String> {
    match Version::parse(s) {
        Some(v) if v.is_known() => Ok(v),
        _ => Err(format!(
            "unknown Flow JSON version; known versions: {}",
            version::KNOWN
                .iter()
                .map(Version::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

pub fn run(args: &Args) -> u8 {
    let schema = json_schema::schema(args.version.unwrap_or(version::NEWEST));
    match serde_json::to_string_pretty(&schema) {
        Ok(text) => {
            use std::io::Write;
            // A closed pipe (`flowsim schema | head`) is not an error worth a panic.
            let _ = writeln!(std::io::stdout().lock(), "{text}");
            exit::OK
        }
        Err(e) => {
            eprintln!("error: {e}");
            exit::USAGE
        }
    }
}
