//! The endpoint options shared by the preview and `flowsim test`, and the endpoint commands:
//! `ping`, `keygen`, `decrypt` and `mock` (a recording to a mock file).

use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::Value;

use super::exit;
use flowsim_core::sim::mock::Mock;
use flowsim_endpoint::cdn::CdnConfig;
use flowsim_endpoint::client::{Client, Config, DEFAULT_TIMEOUT, Secret};
use flowsim_endpoint::record::{self, Recorder, Replay};
use flowsim_endpoint::{Source, crypto, keys};

#[derive(Debug, Clone, clap::Args, Default)]
pub struct EndpointArgs {
    /// The business endpoint (https; plain http is fine for local servers).
    #[arg(long, value_name = "URL", help_heading = "Endpoint")]
    pub endpoint: Option<String>,
    /// The business public key (PEM) requests are encrypted with.
    #[arg(long, value_name = "PEM", help_heading = "Endpoint")]
    pub public_key: Option<PathBuf>,
    /// The Meta app secret: signs requests (X-Hub-Signature-256) and, for Data API 4.0, the
    /// flow token. Prefer the environment variable to keep it out of shell history.
    #[arg(
        long,
        env = "FLOWSIM_APP_SECRET",
        hide_env_values = true,
        value_name = "SECRET",
        help_heading = "Endpoint"
    )]
    pub app_secret: Option<String>,
    /// Seconds to wait for an answer (WhatsApp waits 10).
    #[arg(long, value_name = "SECS", default_value_t = DEFAULT_TIMEOUT.as_secs(), value_parser = clap::value_parser!(u64).range(1..=600), help_heading = "Endpoint")]
    pub timeout: u64,
    /// Accept any TLS certificate (local testing only).
    #[arg(long, help_heading = "Endpoint")]
    pub insecure: bool,
    /// Send and expect unencrypted JSON (for relays that decrypt, and local development).
    #[arg(long, help_heading = "Endpoint")]
    pub plaintext: bool,
    /// Write every exchange, decrypted, as JSON Lines (no secrets).
    #[arg(long, value_name = "FILE", help_heading = "Endpoint")]
    pub record: Option<PathBuf>,
    /// Answer requests from a recording, with no network (not with --endpoint).
    #[arg(long, value_name = "FILE", help_heading = "Endpoint")]
    pub replay: Option<PathBuf>,
    /// Port on 127.0.0.1 of the local CDN that serves picked files, encrypted, to the
    /// endpoint (0: any free port).
    #[arg(
        long,
        value_name = "PORT",
        default_value_t = 0,
        requires = "endpoint",
        help_heading = "Endpoint"
    )]
    pub cdn_port: u16,
    /// Base URL the endpoint reaches the local CDN by (a tunnel or proxy to --cdn-port), when
    /// it cannot reach 127.0.0.1 itself. Media `cdn_url`s start with it.
    #[arg(
        long,
        value_name = "URL",
        requires = "endpoint",
        help_heading = "Endpoint"
    )]
    pub cdn_public_url: Option<String>,
    /// POST every completion to this webhook URL as Meta does (the `messages` notification,
    /// signed with --app-secret), and show the receiver's answer.
    #[arg(long, value_name = "URL", help_heading = "Webhook")]
    pub webhook: Option<String>,
}

impl EndpointArgs {
    /// The live client configured by these options.
    pub fn client(&self, url: &str) -> Result<Client, String> {
        let public_key =
            if self.plaintext {
                None
            } else {
                let path = self.public_key.as_ref().ok_or(
                    "The endpoint needs the business public key to encrypt requests. Pass \
                 --public-key PEM (the key uploaded for the business number), or --plaintext \
                 for an endpoint that takes plain JSON.",
                )?;
                let pem = std::fs::read_to_string(path).map_err(|e| {
                    format!(
                        "Cannot read the public key {} ({e}). Check the --public-key path.",
                        path.display()
                    )
                })?;
                Some(keys::public_key_from_pem(&pem).map_err(|e| {
                    format!("The public key {} cannot be used: {e}", path.display())
                })?)
            };
        Client::new(Config {
            url: url.to_string(),
            public_key,
            app_secret: self.app_secret.clone().map(Secret),
            timeout: Duration::from_secs(self.timeout),
            insecure: self.insecure,
        })
    }

    /// Where answers come from: --endpoint, else --replay, else the mock, else nowhere.
    pub fn source(&self, mock: Option<Mock>) -> Result<Source, String> {
        if let Some(url) = &self.endpoint {
            if self.replay.is_some() {
                return Err(
                    "--replay and --endpoint exclude each other. --replay answers from a \
                     recording with no network, --endpoint calls a live endpoint: pass only one \
                     of them."
                        .into(),
                );
            }
            return Ok(Source::Live(self.client(url)?));
        }
        if let Some(path) = &self.replay {
            return Ok(Source::Replay(Replay::new(record::read(path)?)));
        }
        Ok(mock.map_or(Source::None, Source::Mock))
    }

    /// The local CDN for picked files: it runs while a flow runs against a live endpoint.
    pub fn cdn_config(&self) -> Option<CdnConfig> {
        self.endpoint.as_ref().map(|_| CdnConfig {
            port: self.cdn_port,
            public_url: self.cdn_public_url.clone(),
        })
    }

    /// Where completions are delivered (`--webhook`), signed with the app secret.
    pub fn webhook(&self) -> Result<Option<super::webhook::Webhook>, String> {
        self.webhook
            .as_ref()
            .map(|url| {
                super::webhook::Webhook::new(
                    url,
                    self.app_secret.clone(),
                    Duration::from_secs(self.timeout),
                    self.insecure,
                )
            })
            .transpose()
    }

    pub fn recorder(&self) -> Result<Option<Recorder>, String> {
        self.record
            .as_ref()
            .map(|p| {
                Recorder::create(p).map_err(|e| {
                    format!(
                        "Cannot write the recording {} ({e}). Choose a --record file in a \
                         folder you can write to.",
                        p.display()
                    )
                })
            })
            .transpose()
    }
}

// --- flowsim ping ---------------------------------------------------------------------

pub const PING_HELP: &str = "\
Examples:
  flowsim ping --endpoint https://example.com/flow --public-key public.pem
  FLOWSIM_APP_SECRET=… flowsim ping --endpoint http://127.0.0.1:3000 --public-key public.pem

Sends the encrypted health check Meta sends (action \"ping\") and expects
{\"data\": {\"status\": \"active\"}}. Exit codes: 0 healthy, 1 unhealthy, 2 usage error.";

#[derive(Debug, clap::Args)]
pub struct PingArgs {
    #[command(flatten)]
    pub endpoint: EndpointArgs,
}

pub fn ping(args: &PingArgs) -> u8 {
    let Some(url) = &args.endpoint.endpoint else {
        eprintln!("error: Ping needs the endpoint to check: pass --endpoint URL.");
        return exit::USAGE;
    };
    let client = match args.endpoint.client(url) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return exit::USAGE;
        }
    };
    let Some(runtime) = super::runtime() else {
        return exit::USAGE;
    };
    let x = runtime.block_on(client.ping());
    let status = x
        .status
        .map_or("no answer".to_string(), |s| format!("HTTP {s}"));
    match (&x.response, &x.error) {
        (Some(r), None) if r.pointer("/data/status").and_then(Value::as_str) == Some("active") => {
            println!(
                "healthy: {url} answered {{\"data\":{{\"status\":\"active\"}}}} in {} ms ({status})",
                x.latency_ms
            );
            if x.latency_ms > 1000 {
                println!("note: Meta recommends answering in under 1 second");
            }
            exit::OK
        }
        (Some(r), None) => {
            println!(
                "unhealthy: {url} answered {r} ({status}), but a health check must answer {{\"data\":{{\"status\":\"active\"}}}}"
            );
            exit::INVALID
        }
        (_, Some(e)) => {
            println!("unhealthy: {e} ({status}, {} ms)", x.latency_ms);
            exit::INVALID
        }
        (None, None) => {
            println!("unhealthy: no answer");
            exit::INVALID
        }
    }
}

// --- flowsim keygen -------------------------------------------------------------------

pub const KEYGEN_HELP: &str = "\
Examples:
  flowsim keygen --out keys/
  flowsim keygen --out keys/ --passphrase          (asks for it; or set FLOWSIM_PASSPHRASE)

Writes private.pem (PKCS#8, owner-only permissions; encrypted when a passphrase is given) and
public.pem (the PEM to upload). Upload the public key for each business phone number:
  curl -X POST \"https://graph.facebook.com/v21.0/PHONE_NUMBER_ID/whatsapp_business_encryption\" \\
    -H \"Authorization: Bearer TOKEN\" --data-urlencode \"business_public_key@keys/public.pem\"";

#[derive(Debug, clap::Args)]
pub struct KeygenArgs {
    /// Folder for private.pem and public.pem.
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub out: PathBuf,
    /// Encrypt the private key with a passphrase (read from FLOWSIM_PASSPHRASE, or asked for).
    #[arg(long)]
    pub passphrase: bool,
}

pub fn keygen(args: &KeygenArgs) -> u8 {
    match keygen_inner(args) {
        Ok(()) => exit::OK,
        Err(e) => {
            eprintln!("error: {e}");
            exit::USAGE
        }
    }
}

fn keygen_inner(args: &KeygenArgs) -> Result<(), String> {
    let private_path = args.out.join("private.pem");
    let public_path = args.out.join("public.pem");
    for p in [&private_path, &public_path] {
        if p.exists() {
            return Err(format!(
                "{} already exists, and flowsim never overwrites keys. Choose another folder \
                 with --out, or move the old keys away first.",
                p.display()
            ));
        }
    }
    let passphrase = if args.passphrase {
        Some(read_secret("passphrase for the private key")?)
    } else {
        None
    };
    std::fs::create_dir_all(&args.out).map_err(|e| {
        format!(
            "Cannot create the folder {} ({e}). Choose a folder you can write to with --out.",
            args.out.display()
        )
    })?;
    eprintln!("Generating an RSA-2048 key pair…");
    let key = keys::generate(2048).map_err(|e| e.to_string())?;
    let private =
        keys::private_key_to_pem(&key, passphrase.as_deref()).map_err(|e| e.to_string())?;
    let public = keys::public_key_to_pem(&key.to_public_key()).map_err(|e| e.to_string())?;
    write_private(&private_path, private.as_bytes())?;
    std::fs::write(&public_path, public).map_err(|e| {
        format!(
            "Cannot write the public key to {} ({e}). Choose a folder you can write to with --out.",
            public_path.display()
        )
    })?;
    print!(
        "{}",
        keygen_report(&private_path, &public_path, passphrase.is_some())
    );
    Ok(())
}

/// What keygen tells the user: the files it wrote and how to upload the public key.
fn keygen_report(private: &Path, public: &Path, encrypted: bool) -> String {
    format!(
        "Wrote the private key to {} (PKCS#8{}; keep it secret: only your user can read it).\n\
         Wrote the public key to {}.\n\
         Upload the public key for each business phone number, with your phone number ID and \
         access token in place of PHONE_NUMBER_ID and TOKEN:\n  \
         curl -X POST \"https://graph.facebook.com/v21.0/PHONE_NUMBER_ID/whatsapp_business_encryption\" \\\n    \
         -H \"Authorization: Bearer TOKEN\" --data-urlencode \"business_public_key@{}\"\n",
        private.display(),
        if encrypted {
            ", encrypted with your passphrase"
        } else {
            ""
        },
        public.display(),
        public.display()
    )
}

/// Creates a file readable by its owner only.
fn write_private(path: &Path, bytes: &[u8]) -> Result<(), String> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let fail = |e: std::io::Error| {
        format!(
            "Cannot write the private key to {} ({e}). Choose a folder you can write to with --out.",
            path.display()
        )
    };
    let mut file = options.open(path).map_err(fail)?;
    file.write_all(bytes).map_err(fail)
}

/// A secret from FLOWSIM_PASSPHRASE, or typed without echo on the terminal.
fn read_secret(what: &str) -> Result<String, String> {
    if let Ok(v) = std::env::var("FLOWSIM_PASSPHRASE")
        && !v.is_empty()
    {
        return Ok(v);
    }
    if !std::io::stdin().is_terminal() {
        let mut line = String::new();
        std::io::stdin()
            .read_to_string(&mut line)
            .map_err(|e| e.to_string())?;
        let line = line.lines().next().unwrap_or("").to_string();
        return if line.is_empty() {
            Err(format!(
                "No {what} on standard input. Type it on the first line, or set FLOWSIM_PASSPHRASE."
            ))
        } else {
            Ok(line)
        };
    }
    eprint!("{what}: ");
    let _ = std::io::stderr().flush();
    crossterm::terminal::enable_raw_mode().map_err(|e| e.to_string())?;
    let mut secret = String::new();
    let result = loop {
        match crossterm::event::read() {
            Ok(crossterm::event::Event::Key(k))
                if k.kind != crossterm::event::KeyEventKind::Release =>
            {
                match k.code {
                    crossterm::event::KeyCode::Enter => break Ok(()),
                    crossterm::event::KeyCode::Esc => {
                        break Err("Cancelled: no key was written.".to_string());
                    }
                    crossterm::event::KeyCode::Char('c')
                        if k.modifiers
                            .contains(crossterm::event::KeyModifiers::CONTROL) =>
                    {
                        break Err("Cancelled: no key was written.".to_string());
                    }
                    crossterm::event::KeyCode::Backspace => {
                        secret.pop();
                    }
                    crossterm::event::KeyCode::Char(c) => secret.push(c),
                    _ => {}
                }
            }
            Ok(_) => {}
            Err(e) => break Err(e.to_string()),
        }
    };
    let _ = crossterm::terminal::disable_raw_mode();
    eprintln!();
    result?;
    if secret.is_empty() {
        Err(format!(
            "An empty {what} protects nothing. Type one, or leave out --passphrase."
        ))
    } else {
        Ok(secret)
    }
}

// --- flowsim decrypt ------------------------------------------------------------------

pub const DECRYPT_HELP: &str = "\
Examples:
  flowsim decrypt --private-key private.pem request.json
  flowsim decrypt --private-key private.pem --response 'gHtj…' request.json
  FLOWSIM_PASSPHRASE=… flowsim decrypt --private-key encrypted.pem request.json

REQUEST.json is the body WhatsApp posted: {\"encrypted_flow_data\", \"encrypted_aes_key\",
\"initial_vector\"}. Prints the decrypted request, and with --response the decrypted answer.
Exit codes: 0 decrypted, 1 it does not decrypt (with the likely cause), 2 usage error.";

#[derive(Debug, clap::Args)]
pub struct DecryptArgs {
    /// The endpoint's private key (PEM: PKCS#8, PKCS#1, encrypted or not).
    #[arg(long, value_name = "PEM")]
    pub private_key: PathBuf,
    /// The private key's passphrase (or FLOWSIM_PASSPHRASE).
    #[arg(
        long,
        env = "FLOWSIM_PASSPHRASE",
        hide_env_values = true,
        value_name = "P"
    )]
    pub passphrase: Option<String>,
    /// The endpoint's answer (base64) to decrypt with the request's key.
    #[arg(long, value_name = "B64")]
    pub response: Option<String>,
    /// The captured request body (`-` reads standard input).
    #[arg(value_name = "REQUEST.json")]
    pub request: PathBuf,
}

pub fn decrypt(args: &DecryptArgs) -> u8 {
    let pem = match std::fs::read_to_string(&args.private_key) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {}: {e}", args.private_key.display());
            return exit::USAGE;
        }
    };
    let key = match keys::private_key_from_pem(&pem, args.passphrase.as_deref()) {
        Ok(k) => k,
        Err(e) => {
            eprintln!("error: {}: {e}", args.private_key.display());
            return exit::USAGE;
        }
    };
    let body = if args.request.as_os_str() == "-" {
        let mut s = String::new();
        if let Err(e) = std::io::stdin().read_to_string(&mut s) {
            eprintln!("error: {e}");
            return exit::USAGE;
        }
        s
    } else {
        match std::fs::read_to_string(&args.request) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("error: {}: {e}", args.request.display());
                return exit::USAGE;
            }
        }
    };
    let opened = match crypto::open_request(&key, body.trim()) {
        Ok(o) => o,
        Err(e) => {
            println!("does not decrypt: {e}");
            return exit::INVALID;
        }
    };
    println!("request:");
    println!("{}", pretty(&opened.plaintext));
    if let Some(response) = &args.response {
        match crypto::open_response(&opened.key, &opened.iv, response) {
            Ok(plain) => {
                println!("response:");
                println!("{}", pretty(&plain));
            }
            Err(e) => {
                println!("the response does not decrypt: {e}");
                return exit::INVALID;
            }
        }
    }
    exit::OK
}

fn pretty(bytes: &[u8]) -> String {
    match serde_json::from_slice::<Value>(bytes) {
        Ok(v) => serde_json::to_string_pretty(&v).unwrap_or_default(),
        Err(_) => String::from_utf8_lossy(bytes).into_owned(),
    }
}

// --- flowsim mock ---------------------------------------------------------------------

pub const MOCK_HELP: &str = "\
Examples:
  flowsim mock session.jsonl > answers.mock.json
  flowsim preview flow.json --mock answers.mock.json

Turns a recording (--record) into a mock file: one rule per answered request, matching its
data. Exit codes: 0 written, 2 the recording cannot be read.";

#[derive(Debug, clap::Args)]
pub struct MockArgs {
    /// A recording made with --record.
    #[arg(value_name = "RECORDING.jsonl")]
    pub recording: PathBuf,
}

pub fn mock(args: &MockArgs) -> u8 {
    match record::read(&args.recording) {
        Ok(exchanges) => {
            let text =
                serde_json::to_string_pretty(&record::to_mock(&exchanges)).unwrap_or_default();
            let _ = writeln!(std::io::stdout().lock(), "{text}");
            exit::OK
        }
        Err(e) => {
            eprintln!("error: {e}");
            exit::USAGE
        }
    }
}
