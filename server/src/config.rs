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
    /// lettre's URL form, e.g. `smtp://127.0.0.1:2525`; without it one-time codes go to the log (development).
    pub smtp_url: Option<SecretString>,
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
    /// Base64 of at least 32 bytes; without it a key is generated into `data_dir/keys/`.
    pub session_key: Option<SecretString>,
    pub max_body_bytes: usize,
    pub log_format: LogFormat,
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
        let smtp_url: Option<SecretString> = get("SMTP_URL").map(Into::into);
        // In production one-time codes must really be sent: only a development portal may log them instead.
        if public_base_url.starts_with("https://") && smtp_url.is_none() {
            return Err(ConfigError::Invalid {
                name: "SMTP_URL",
                reason: "is required when PUBLIC_BASE_URL is https (production): sign-in codes must be sent".into(),
            });
        }
        let sms_gateway = match (get("SMS_GATEWAY_URL"), get("SMS_GATEWAY_TOKEN")) {
            (None, _) => None,
            (Some(url), _) if !(url.starts_with("https://") || url.starts_with("http://")) => {
                return Err(ConfigError::Invalid {
                    name: "SMS_GATEWAY_URL",
                    reason: "must start with https:// or http://".into(),
                })
            }
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
        let outbox_retry_secs = seconds("OUTBOX_RETRY_SECS", 30)?;
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
            mail_from: get("MAIL_FROM")
                .unwrap_or_else(|| "Portal KTP-el Disdukcapil Bengkalis <no-reply@localhost>".into()),
            sms_gateway,
            outbox_worker,
            outbox_lease_secs,
            outbox_retry_secs,
            session_key: get("SESSION_SIGNING_KEY").map(Into::into),
            max_body_bytes,
            log_format,
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
    fn production_needs_a_mail_server() {
        assert!(config(&[("PUBLIC_BASE_URL", "https://ktp.example.go.id")]).is_err());
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
