//! A WhatsApp Flows data endpoint that answers from a flowsim mock file, to try `flowsim`
//! against a real (local) endpoint:
//!
//! ```sh
//! cargo run --example endpoint -- --private-key tests/fixtures/keys/private.pem \
//!     --mock sample-flows/loan_application.mock.json --port 3000
//! ```
//!
//! The first line on stdout is `listening on http://HOST:PORT` (useful with `--port 0`); one
//! line per request goes to stderr. See `server.rs` for what it answers.

mod server;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Parser;
use flowsim_core::sim::mock::Mock;
use flowsim_endpoint::client::Secret;
use flowsim_endpoint::keys;
use server::ServerConfig;

/// A WhatsApp Flows data endpoint (HTTP) that answers from a flowsim mock file.
#[derive(Parser)]
#[command(name = "endpoint")]
struct Args {
    /// The business private key (PEM: PKCS#8, encrypted PKCS#8 or PKCS#1).
    #[arg(long, value_name = "KEY.pem", required_unless_present = "plaintext")]
    private_key: Option<PathBuf>,
    /// Passphrase of an encrypted private key. Prefer the environment variable to keep it out
    /// of shell history.
    #[arg(
        long,
        value_name = "P",
        env = "FLOWSIM_PASSPHRASE",
        hide_env_values = true
    )]
    passphrase: Option<String>,
    /// The Meta app secret: requests must carry a valid X-Hub-Signature-256 (else 432), and a
    /// Data API 4.0 flow_token_signature must verify (else 427). Prefer the environment
    /// variable, which `flowsim` reads too.
    #[arg(
        long,
        value_name = "S",
        env = "FLOWSIM_APP_SECRET",
        hide_env_values = true
    )]
    app_secret: Option<String>,
    /// The mock file whose rules decide the answers (`flowsim --mock` format).
    #[arg(long, value_name = "FILE")]
    mock: PathBuf,
    /// The address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    host: String,
    /// 0 picks a free port (printed on the first stdout line).
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// No encryption: plaintext JSON both ways (pair with `flowsim --plaintext`).
    #[arg(long)]
    plaintext: bool,
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    match run(args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("endpoint: {e}");
            ExitCode::from(2)
        }
    }
}

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))
}

async fn run(args: Args) -> Result<(), String> {
    let mock =
        Mock::parse(&read(&args.mock)?).map_err(|e| format!("{}: {e}", args.mock.display()))?;
    let private_key = match (&args.private_key, args.plaintext) {
        (_, true) => {
            if args.private_key.is_some() {
                eprintln!("endpoint: --plaintext: the private key is not used");
            }
            None
        }
        (Some(path), false) => {
            let passphrase = args.passphrase.filter(|p| !p.is_empty());
            let key = keys::private_key_from_pem(&read(path)?, passphrase.as_deref())
                .map_err(|e| format!("{}: {e}", path.display()))?;
            Some(key)
        }
        (None, false) => return Err("--private-key is required (or --plaintext)".into()),
    };
    let app_secret = args.app_secret.filter(|s| !s.is_empty()).map(Secret);

    let listener = tokio::net::TcpListener::bind((args.host.as_str(), args.port))
        .await
        .map_err(|e| format!("cannot listen on {}:{}: {e}", args.host, args.port))?;
    let address = listener.local_addr().map_err(|e| e.to_string())?;
    {
        let mut stdout = std::io::stdout().lock();
        writeln!(stdout, "listening on http://{address}").map_err(|e| e.to_string())?;
        stdout.flush().map_err(|e| e.to_string())?;
    }
    eprintln!(
        "endpoint: {} mock rules from {}; {}; {}",
        mock.responses.len(),
        args.mock.display(),
        if private_key.is_some() {
            "encrypted"
        } else {
            "plaintext JSON"
        },
        if app_secret.is_some() {
            "X-Hub-Signature-256 checked"
        } else {
            "X-Hub-Signature-256 not checked (no --app-secret)"
        },
    );
    let config = ServerConfig {
        private_key,
        app_secret,
        mock,
        events: None,
    };
    tokio::select! {
        served = server::serve(listener, config) => served.map_err(|e| format!("the server stopped: {e}")),
        _ = tokio::signal::ctrl_c() => Ok(()),
    }
}
