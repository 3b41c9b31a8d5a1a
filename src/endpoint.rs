//! Where the preview's and `flowsim test`'s requests are answered and their completions
//! delivered, from plain settings the command line fills in (`cli::endpoint::EndpointArgs`):
//! the live endpoint's client, a recording to replay, the recorder, and the `--webhook`
//! receiver. The terminal runtime takes these, never the command line's own types.

use std::path::PathBuf;
use std::time::Duration;

use flowsim_core::sim::Completion;
use flowsim_core::sim::mock::Mock;
use flowsim_endpoint::cdn::CdnConfig;
use flowsim_endpoint::client::{Client, Config, Secret};
use flowsim_endpoint::record::{self, Recorder, Replay};
use flowsim_endpoint::{Source, keys};
use flowsim_webhook::deliver::{self, Delivery, Sender};
use flowsim_webhook::event::Parties;
use rsa::RsaPublicKey;

/// How to reach the endpoint, record or replay, and where completions go.
#[derive(Debug, Clone, Default)]
pub struct EndpointConfig {
    /// The business endpoint (`--endpoint`).
    pub endpoint: Option<String>,
    /// The business public key (PEM) requests are encrypted with.
    pub public_key: Option<PathBuf>,
    /// The Meta app secret: signs requests and completions.
    pub app_secret: Option<String>,
    /// How long to wait for an answer.
    pub timeout: Duration,
    /// Accept any TLS certificate (local testing only).
    pub insecure: bool,
    /// Send and expect unencrypted JSON.
    pub plaintext: bool,
    /// Write every exchange, decrypted, as JSON Lines.
    pub record: Option<PathBuf>,
    /// Answer requests from a recording, with no network.
    pub replay: Option<PathBuf>,
    /// The local CDN's port on 127.0.0.1 (0: any free port).
    pub cdn_port: u16,
    /// The base URL the endpoint reaches the local CDN by, when not 127.0.0.1.
    pub cdn_public_url: Option<String>,
    /// POST every completion to this webhook URL as Meta does.
    pub webhook: Option<String>,
}

impl EndpointConfig {
    /// The live client configured by these options.
    pub fn client(&self, url: &str) -> Result<Client, String> {
        Client::new(Config {
            url: url.to_string(),
            public_key: self.public_key()?,
            app_secret: self.app_secret.clone().map(Secret),
            timeout: self.timeout,
            insecure: self.insecure,
        })
    }

    /// The business public key requests are encrypted with (none with `--plaintext`).
    fn public_key(&self) -> Result<Option<RsaPublicKey>, String> {
        if self.plaintext {
            return Ok(None);
        }
        let path = self.public_key.as_ref().ok_or(
            "The endpoint needs the business public key to encrypt requests. Pass --public-key \
             PEM (the key uploaded for the business number), or --plaintext for an endpoint \
             that takes plain JSON.",
        )?;
        let pem = std::fs::read_to_string(path).map_err(|e| {
            format!(
                "Cannot read the public key {} ({e}). Check the --public-key path.",
                path.display()
            )
        })?;
        keys::public_key_from_pem(&pem)
            .map(Some)
            .map_err(|e| format!("The public key {} cannot be used: {e}", path.display()))
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
    pub fn webhook(&self) -> Result<Option<Webhook>, String> {
        self.webhook
            .as_ref()
            .map(|url| Webhook::new(url, self.app_secret.clone(), self.timeout, self.insecure))
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

/// Where completions are delivered (`--webhook URL`), as Meta delivers them.
#[derive(Clone)]
pub struct Webhook {
    pub url: String,
    sender: Sender,
    parties: Parties,
}

impl Webhook {
    pub fn new(
        url: &str,
        app_secret: Option<String>,
        timeout: Duration,
        insecure: bool,
    ) -> Result<Webhook, String> {
        deliver::http_url(url).map_err(|e| format!("--webhook {e}"))?;
        Ok(Webhook {
            url: url.to_string(),
            sender: Sender::new(app_secret.map(Secret), timeout, insecure)?,
            parties: Parties::default(),
        })
    }

    /// Whether notifications are signed (an app secret was given).
    pub fn signed(&self) -> bool {
        self.sender.has_secret()
    }

    /// POSTs the completion's `messages` notification; the receiver's answer.
    pub async fn deliver(&self, completion: &Completion) -> Delivery {
        self.sender
            .post(
                &self.url,
                &deliver::completion_now(&self.parties, completion),
            )
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> EndpointConfig {
        EndpointConfig {
            endpoint: Some("http://127.0.0.1:9".into()),
            timeout: Duration::from_secs(1),
            ..EndpointConfig::default()
        }
    }

    fn keys(name: &str) -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/keys")
            .join(name)
    }

    #[test]
    fn the_public_key_is_read_unless_requests_are_plain() {
        let e = config().public_key().unwrap_err();
        assert!(
            e.contains("--public-key PEM") && e.contains("--plaintext"),
            "{e}"
        );
        let plain = EndpointConfig {
            plaintext: true,
            ..config()
        };
        assert!(plain.public_key().unwrap().is_none());
        let missing = EndpointConfig {
            public_key: Some(keys("no-such.pem")),
            ..config()
        };
        assert!(
            missing
                .public_key()
                .unwrap_err()
                .contains("Cannot read the public key")
        );
        let wrong = EndpointConfig {
            public_key: Some(keys("README.md")),
            ..config()
        };
        assert!(wrong.public_key().unwrap_err().contains("cannot be used"));
        let good = EndpointConfig {
            public_key: Some(keys("public.pem")),
            ..config()
        };
        assert!(good.public_key().unwrap().is_some());
    }
}
