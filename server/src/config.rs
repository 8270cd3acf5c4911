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
    /// Base64 of at least 32 bytes; without it a key is generated into `data_dir/keys/`.
    pub session_key: Option<SecretString>,
    pub max_body_bytes: usize,
    pub log_format: LogFormat,
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
            session_key: get("SESSION_SIGNING_KEY").map(Into::into),
            max_body_bytes,
            log_format,
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
