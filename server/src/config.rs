//! Configuration: read once at start-up from the environment (and a `.env` file, for local runs) into one typed
//! struct. Every setting has a safe default except secrets, which are never constants in the code: the signing
//! key is generated into the data folder on first start unless it is given.

use secrecy::SecretString;
use std::{net::SocketAddr, path::PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{name} is not valid: {reason}")]
    Invalid { name: &'static str, reason: String },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug)]
pub struct Config {
    /// Where the portal keeps its own files: the SQLite database, uploaded scans, generated keys.
    pub data_dir: PathBuf,
    /// `sqlite://…` (default: a file in the data folder) or `postgres://…`.
    pub database_url: SecretString,
    /// Uploaded scans; outside the web root, never served as static files.
    pub upload_dir: PathBuf,
    /// `s3://bucket/prefix` to keep scans in an S3-compatible bucket (credentials and endpoint from the usual
    /// `AWS_*` variables); without it, scans go to `upload_dir`.
    pub upload_store: Option<String>,
    pub site_addr: SocketAddr,
    /// The folder `cargo leptos build` writes the WASM, JS, CSS and public files to.
    pub site_root: PathBuf,
    /// How people reach the portal; decides `Secure` cookies and HSTS.
    pub public_base_url: String,
    /// lettre's URL form: `smtps://host:465` (implicit TLS), `smtp://host:587?tls=required` (STARTTLS), or plain
    /// `smtp://127.0.0.1:2525` to a relay on this machine only.
    pub smtp_url: Option<SecretString>,
    /// Extra trusted roots for the mail server's certificate (`SMTP_CA_FILE`, PEM): a site's own relay.
    pub smtp_ca_pem: Option<String>,
    /// Development only (`DEV_LOG_MESSAGES=true`): messages no channel can carry, sign-in codes included, are
    /// written to the log. Never inferred: off unless set, and refused with an https `PUBLIC_BASE_URL`.
    pub dev_log_messages: bool,
    /// The sender of the portal's email.
    pub mail_from: String,
    /// The SMS or WhatsApp gateway for mobile numbers (`SMS_GATEWAY_URL`, `SMS_GATEWAY_TOKEN`,
    /// `SMS_GATEWAY_CHANNEL`); without it, messages to mobile numbers go to the log (development) or wait.
    pub sms_gateway: Option<crate::notify::Gateway>,
    /// Whether this process delivers the outbox (`OUTBOX_WORKER`, `on` or `off`): off where `server deliver` runs
    /// as a process of its own.
    pub outbox_worker: bool,
    /// How long a delivery worker's claim on a message lasts (`OUTBOX_LEASE_SECS`).
    pub outbox_lease_secs: i64,
    /// The first pause after a failed delivery (`OUTBOX_RETRY_SECS`); it doubles each time, up to an hour.
    pub outbox_retry_secs: i64,
    /// How long an upload may take between recording its object's key and writing its row, before the object
    /// sweep counts the object as orphaned (`UPLOAD_SWEEP_GRACE_SECS`).
    pub upload_sweep_grace_secs: i64,
    /// Base64 of at least 32 bytes; without it a key is generated into `data_dir/keys/`.
    pub session_key: Option<SecretString>,
    pub max_body_bytes: usize,
    pub log_format: LogFormat,
    /// The proxies (CIDR ranges) whose `X-Forwarded-For` / `Forwarded` headers are believed (`TRUSTED_PROXIES`);
    /// empty: the TCP peer is the client.
    pub trusted_proxies: crate::http::client::TrustedProxies,
    /// Where the metrics listener serves `/metrics` (`METRICS_ADDR`, `off` for none).
    pub metrics_addr: Option<SocketAddr>,
    /// With it, `/metrics` is also served on the main listener to `Authorization: Bearer <METRICS_TOKEN>`.
    pub metrics_token: Option<SecretString>,
    /// The central AFIS's public key, issuer and audience (`AFIS_PUBLIC_KEY` or `AFIS_PUBLIC_KEY_FILE`,
    /// `AFIS_ISSUER`, `AFIS_AUDIENCE`); without them the AFIS link answers 503.
    pub afis: Option<crate::afis::AfisSettings>,
}

impl Config {
    pub fn from_env() -> Result<Config, ConfigError> {
        Config::from_lookup(|name| std::env::var(name).ok().filter(|v| !v.trim().is_empty()))
    }

    /// Reads every setting through `get`, so tests can configure without touching the process environment.
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        let data_dir = PathBuf::from(get("DATA_DIR").unwrap_or_else(|| "data".into()));
        let database_url = get("DATABASE_URL")
            .unwrap_or_else(|| format!("sqlite://{}?mode=rwc", data_dir.join("portal.db").display()));
        if !(database_url.starts_with("sqlite:") || database_url.starts_with("postgres")) {
            return Err(ConfigError::Invalid {
                name: "DATABASE_URL",
                reason: "must start with sqlite:// or postgres://".into(),
            });
        }
        let upload_dir = get("UPLOAD_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| data_dir.join("uploads"));
        let upload_store = get("UPLOAD_STORE");
        if upload_store
            .as_deref()
            .is_some_and(|u| !(u.starts_with("s3://") || u.starts_with("file:///")))
        {
            return Err(ConfigError::Invalid {
                name: "UPLOAD_STORE",
                reason: "must start with s3:// or file:/// (leave it unset for UPLOAD_DIR)".into(),
            });
        }
        let site_addr: SocketAddr = get("LEPTOS_SITE_ADDR")
            .unwrap_or_else(|| "127.0.0.1:3000".into())
            .parse()
            .map_err(|e| ConfigError::Invalid {
                name: "LEPTOS_SITE_ADDR",
                reason: format!("{e}"),
            })?;
        let site_root = PathBuf::from(get("LEPTOS_SITE_ROOT").unwrap_or_else(|| "target/site".into()));
        let public_base_url = get("PUBLIC_BASE_URL")
            .unwrap_or_else(|| format!("http://{site_addr}"))
            .trim_end_matches('/')
            .to_owned();
        if !(public_base_url.starts_with("http://") || public_base_url.starts_with("https://")) {
            return Err(ConfigError::Invalid {
                name: "PUBLIC_BASE_URL",
                reason: "must start with http:// or https://".into(),
            });
        }
        let max_body_bytes = match get("MAX_BODY_BYTES") {
            None => 1024 * 1024,
            Some(v) => v.parse().map_err(|e| ConfigError::Invalid {
                name: "MAX_BODY_BYTES",
                reason: format!("{e}"),
            })?,
        };
        let log_format = match get("LOG_FORMAT").as_deref() {
            None | Some("text") => LogFormat::Text,
            Some("json") => LogFormat::Json,
            Some(other) => {
                return Err(ConfigError::Invalid {
                    name: "LOG_FORMAT",
                    reason: format!("{other:?} is not text or json"),
                })
            }
        };
        let smtp_url = get("SMTP_URL").filter(|u| !u.trim().is_empty());
        if let Some(url) = &smtp_url {
            crate::notify::check_smtp_url(url).map_err(|reason| ConfigError::Invalid {
                name: "SMTP_URL",
                reason,
            })?;
        }
        let smtp_url: Option<SecretString> = smtp_url.map(Into::into);
        let smtp_ca_pem = match get("SMTP_CA_FILE") {
            None => None,
            Some(path) => {
                let pem = std::fs::read_to_string(&path).map_err(|e| ConfigError::Invalid {
                    name: "SMTP_CA_FILE",
                    reason: format!("cannot read {path}: {e}"),
                })?;
                if !pem.contains("-----BEGIN CERTIFICATE-----") {
                    return Err(ConfigError::Invalid {
                        name: "SMTP_CA_FILE",
                        reason: format!("{path} holds no PEM certificate (BEGIN CERTIFICATE)"),
                    });
                }
                Some(pem)
            }
        };
        let dev_log_messages = match get("DEV_LOG_MESSAGES").as_deref() {
            None | Some("false") => false,
            Some("true") => true,
            Some(other) => {
                return Err(ConfigError::Invalid {
                    name: "DEV_LOG_MESSAGES",
                    reason: format!("{other:?} is not true or false"),
                })
            }
        };
        if dev_log_messages && public_base_url.starts_with("https://") {
            return Err(ConfigError::Invalid {
                name: "DEV_LOG_MESSAGES",
                reason: "writes sign-in codes to the log and is for development only: it cannot be on with an \
                         https PUBLIC_BASE_URL (production)"
                    .into(),
            });
        }
        // In production one-time codes must really be sent: only a development portal may log them instead.
        if public_base_url.starts_with("https://") && smtp_url.is_none() {
            return Err(ConfigError::Invalid {
                name: "SMTP_URL",
                reason: "is required when PUBLIC_BASE_URL is https (production): sign-in codes must be sent".into(),
            });
        }
        if let Some(url) = get("SMS_GATEWAY_URL") {
            crate::notify::check_gateway_url(&url).map_err(|reason| ConfigError::Invalid {
                name: "SMS_GATEWAY_URL",
                reason,
            })?;
        }
        let sms_gateway = match (get("SMS_GATEWAY_URL"), get("SMS_GATEWAY_TOKEN")) {
            (None, _) => None,
            (Some(_), None) => {
                return Err(ConfigError::Invalid {
                    name: "SMS_GATEWAY_TOKEN",
                    reason: "is required with SMS_GATEWAY_URL".into(),
                })
            }
            (Some(url), Some(token)) => {
                let channel = get("SMS_GATEWAY_CHANNEL").unwrap_or_else(|| "sms".into());
                if !["sms", "whatsapp"].contains(&channel.as_str()) {
                    return Err(ConfigError::Invalid {
                        name: "SMS_GATEWAY_CHANNEL",
                        reason: format!("{channel:?} is not sms or whatsapp"),
                    });
                }
                Some(crate::notify::Gateway {
                    url,
                    token: token.into(),
                    channel,
                })
            }
        };
        let seconds = |name: &'static str, default: i64| match get(name) {
            None => Ok(default),
            Some(v) => v.parse::<i64>().ok().filter(|n| *n > 0).ok_or(ConfigError::Invalid {
                name,
                reason: format!("{v:?} is not a positive number of seconds"),
            }),
        };
        let outbox_worker = match get("OUTBOX_WORKER").as_deref() {
            None | Some("on") => true,
            Some("off") => false,
            Some(other) => {
                return Err(ConfigError::Invalid {
                    name: "OUTBOX_WORKER",
                    reason: format!("{other:?} is not on or off"),
                })
            }
        };
        let outbox_lease_secs = seconds("OUTBOX_LEASE_SECS", 120)?;
        let upload_sweep_grace_secs = seconds("UPLOAD_SWEEP_GRACE_SECS", 600)?;
        let outbox_retry_secs = seconds("OUTBOX_RETRY_SECS", 30)?;
        let trusted_proxies = get("TRUSTED_PROXIES").unwrap_or_default();
        let trusted_proxies =
            crate::http::client::TrustedProxies::parse(&trusted_proxies).map_err(|reason| ConfigError::Invalid {
                name: "TRUSTED_PROXIES",
                reason,
            })?;
        let metrics_addr = match get("METRICS_ADDR").as_deref().map(str::trim) {
            None => Some(SocketAddr::from(([127, 0, 0, 1], 9464))),
            Some("off") => None,
            Some(addr) => Some(addr.parse().map_err(|_| ConfigError::Invalid {
                name: "METRICS_ADDR",
                reason: format!("{addr:?} is not an address and port such as 127.0.0.1:9464, or off"),
            })?),
        };
        let metrics_token = get("METRICS_TOKEN").map(|t| t.trim().to_owned());
        if metrics_token.as_ref().is_some_and(|t| t.len() < 16) {
            return Err(ConfigError::Invalid {
                name: "METRICS_TOKEN",
                reason: "must be at least 16 characters (a long random value)".into(),
            });
        }
        let afis = crate::afis::AfisSettings::from_lookup(&get, &public_base_url)?;
        Ok(Config {
            data_dir,
            database_url: database_url.into(),
            upload_dir,
            upload_store,
            site_addr,
            site_root,
            public_base_url,
            smtp_url,
            smtp_ca_pem,
            dev_log_messages,
            mail_from: get("MAIL_FROM")
                .unwrap_or_else(|| "Portal KTP-el Disdukcapil Bengkalis <no-reply@localhost>".into()),
            sms_gateway,
            outbox_worker,
            outbox_lease_secs,
            upload_sweep_grace_secs,
            outbox_retry_secs,
            session_key: get("SESSION_SIGNING_KEY").map(Into::into),
            max_body_bytes,
            log_format,
            trusted_proxies,
            metrics_addr,
            metrics_token: metrics_token.map(Into::into),
            afis,
        })
    }

    pub fn is_https(&self) -> bool {
        self.public_base_url.starts_with("https://")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret;

    fn config(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        Config::from_lookup(|k| vars.iter().find(|(n, _)| *n == k).map(|(_, v)| v.to_string()))
    }

    #[test]
    fn zero_configuration_defaults() {
        let c = config(&[]).unwrap();
        assert_eq!(c.site_addr.to_string(), "127.0.0.1:3000");
        assert_eq!(c.database_url.expose_secret(), "sqlite://data/portal.db?mode=rwc");
        assert_eq!(c.upload_dir, PathBuf::from("data/uploads"));
        assert_eq!(c.public_base_url, "http://127.0.0.1:3000");
        assert!(!c.is_https());
        assert!(c.smtp_url.is_none() && c.session_key.is_none());
    }

    #[test]
    fn refuses_what_it_cannot_use() {
        assert!(config(&[("DATABASE_URL", "mysql://x")]).is_err());
        assert!(config(&[("LEPTOS_SITE_ADDR", "nowhere")]).is_err());
        assert!(config(&[("PUBLIC_BASE_URL", "ftp://x")]).is_err());
        assert!(config(&[("LOG_FORMAT", "xml")]).is_err());
        assert!(
            config(&[("SMS_GATEWAY_URL", "https://sms.example.id/send")]).is_err(),
            "a gateway needs its token"
        );
        let gateway = [
            ("SMS_GATEWAY_URL", "https://sms.example.id/send"),
            ("SMS_GATEWAY_TOKEN", "t"),
        ];
        assert!(config(&gateway).is_ok());
        assert!(config(&[gateway[0], gateway[1], ("SMS_GATEWAY_CHANNEL", "pigeon")]).is_err());
        assert!(config(&[("OUTBOX_RETRY_SECS", "0")]).is_err());
    }

    #[test]
    fn trusted_proxies_and_metrics_settings() {
        let c = config(&[]).unwrap();
        assert!(c.trusted_proxies.is_empty(), "no proxy is trusted by default");
        assert_eq!(c.metrics_addr.unwrap().to_string(), "127.0.0.1:9464");
        assert!(c.metrics_token.is_none());
        let c = config(&[
            ("TRUSTED_PROXIES", "10.0.0.0/8, 192.0.2.1"),
            ("METRICS_ADDR", "off"),
            ("METRICS_TOKEN", "0123456789abcdef"),
        ])
        .unwrap();
        assert!(!c.trusted_proxies.is_empty() && c.metrics_addr.is_none() && c.metrics_token.is_some());
        let refused = config(&[("TRUSTED_PROXIES", "10.0.0.0/8, the-balancer")])
            .unwrap_err()
            .to_string();
        assert!(
            refused.starts_with("TRUSTED_PROXIES is not valid") && refused.contains("the-balancer"),
            "{refused}"
        );
        assert!(config(&[("METRICS_ADDR", "9464")]).is_err());
        assert!(config(&[("METRICS_TOKEN", "short")]).is_err());
    }

    #[test]
    fn production_needs_a_mail_server() {
        assert!(config(&[("PUBLIC_BASE_URL", "https://ktp.example.go.id")]).is_err());
    }

    #[test]
    fn mail_and_the_gateway_travel_encrypted_beyond_this_machine() {
        let error = |vars: &[(&str, &str)]| config(vars).unwrap_err().to_string();
        let refused = error(&[("SMTP_URL", "smtp://mail.example.go.id:25")]);
        assert!(
            refused.starts_with("SMTP_URL is not valid") && refused.contains("smtps://"),
            "{refused}"
        );
        assert!(config(&[("SMTP_URL", "smtps://mail.example.go.id")]).is_ok());
        assert!(config(&[("SMTP_URL", "smtp://mail.example.go.id:587?tls=required")]).is_ok());
        assert!(config(&[("SMTP_URL", "smtp://127.0.0.1:2525")]).is_ok());
        assert!(
            config(&[("SMTP_URL", "")]).unwrap().smtp_url.is_none(),
            "empty is unset"
        );
        let refused = error(&[
            ("SMS_GATEWAY_URL", "http://sms.example.id/send"),
            ("SMS_GATEWAY_TOKEN", "t"),
        ]);
        assert!(
            refused.starts_with("SMS_GATEWAY_URL is not valid") && refused.contains("https://"),
            "{refused}"
        );
        let local = [
            ("SMS_GATEWAY_URL", "http://127.0.0.1:9000/send"),
            ("SMS_GATEWAY_TOKEN", "t"),
        ];
        assert!(config(&local).is_ok());
        assert!(config(&[("SMTP_CA_FILE", "/no/such/file.pem")]).is_err());
    }

    #[test]
    fn codes_are_logged_only_when_development_says_so() {
        assert!(
            !config(&[]).unwrap().dev_log_messages,
            "never inferred from an http base URL"
        );
        assert!(config(&[("DEV_LOG_MESSAGES", "true")]).unwrap().dev_log_messages);
        assert!(config(&[("DEV_LOG_MESSAGES", "yes please")]).is_err());
        let production = [
            ("PUBLIC_BASE_URL", "https://ktp.example.go.id"),
            ("SMTP_URL", "smtps://mail.example.go.id"),
            ("DEV_LOG_MESSAGES", "true"),
        ];
        assert!(config(&production)
            .unwrap_err()
            .to_string()
            .contains("DEV_LOG_MESSAGES"));
    }

    #[test]
    fn https_base_url_is_detected() {
        let c = config(&[
            ("PUBLIC_BASE_URL", "https://ktp.example.go.id/"),
            ("SMTP_URL", "smtp://127.0.0.1:25"),
        ])
        .unwrap();
        assert!(c.is_https());
        assert_eq!(c.public_base_url, "https://ktp.example.go.id");
    }
}
