//! Sending messages to people: by email through SMTP (lettre) when `SMTP_URL` is set, and to mobile numbers by SMS
//! or WhatsApp through the HTTP gateway named by `SMS_GATEWAY_URL` (a JSON POST with a bearer token). Mail leaves
//! over TLS (`smtps://`, or STARTTLS with `smtp://…?tls=required`) unless the relay is on this machine, and the
//! gateway only over https (again, loopback excepted): [`check_smtp_url`] and [`check_gateway_url`], applied at
//! start-up. Only with the explicit development setting `DEV_LOG_MESSAGES=true` are messages that no channel can
//! carry written to the log instead, so that `make run` works with no configuration; without it such a message
//! is refused ([`NotifyError::NoChannel`]), and a code request answers 503.
//!
//! One-time sign-in codes are sent at once, as the answer to the request that asks for one. Every other message
//! goes through the outbox ([`worker`]), written in the same transaction as the change it tells of.

pub mod messages;
pub mod worker;

use app::{domain::identifier::Identifier, i18n::Locale};
use lettre::{
    message::{header::ContentType, Mailbox},
    transport::smtp::client::{Certificate, Tls, TlsParameters},
    AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
};
use reqwest::Url;
use secrecy::{ExposeSecret, SecretString};
use std::net::IpAddr;

#[derive(Debug, thiserror::Error)]
pub enum NotifyError {
    #[error("the mail server refused or could not be reached: {0}")]
    Smtp(#[from] lettre::transport::smtp::Error),
    #[error("the SMS gateway refused or could not be reached: {0}")]
    Gateway(String),
    #[error("the message could not be built: {0}")]
    Build(String),
    #[error("no channel can reach this person")]
    NoChannel,
}

/// The SMS or WhatsApp gateway: `POST url` with `Authorization: Bearer token` and
/// `{"id", "channel", "to", "text"}`; the message id doubles as an `Idempotency-Key`, so a gateway that keeps
/// them ignores a message sent twice after a crash.
#[derive(Clone, Debug)]
pub struct Gateway {
    pub url: String,
    pub token: SecretString,
    /// `sms` or `whatsapp`.
    pub channel: String,
}

/// One message to one person.
pub struct Outgoing<'a> {
    /// Identifies the message: the outbox row's id (the email's `Message-ID`, the gateway's idempotency key).
    pub id: &'a str,
    pub subject: &'a str,
    pub body: &'a str,
}

pub struct Notifier {
    smtp: Option<(AsyncSmtpTransport<Tokio1Executor>, Mailbox)>,
    gateway: Option<(Gateway, reqwest::Client)>,
    /// Development: messages that no channel can carry are logged instead.
    log_instead: bool,
    /// The portal's own address (`PUBLIC_BASE_URL`, no trailing slash), for the one message that carries a link:
    /// the missed appointment's way back to the booking page.
    portal_url: Option<String>,
}

impl Notifier {
    /// A notifier for mail through `smtp_url` (see [`check_smtp_url`]), trusting the system's roots.
    pub fn new(
        smtp_url: Option<&str>,
        from: &str,
        gateway: Option<Gateway>,
        log_instead: bool,
    ) -> Result<Notifier, NotifyError> {
        Notifier::with_roots(smtp_url, None, from, gateway, log_instead)
    }

    /// The notifier the configuration describes.
    pub fn from_config(config: &crate::config::Config) -> Result<Notifier, NotifyError> {
        Ok(Notifier::with_roots(
            config.smtp_url.as_ref().map(|s| s.expose_secret()),
            config.smtp_ca_pem.as_deref(),
            &config.mail_from,
            config.sms_gateway.clone(),
            config.dev_log_messages,
        )?
        .with_portal_url(&config.public_base_url))
    }

    /// Links in messages point to the portal at `url` (`https://ktp.example.go.id`). Without it, the message that
    /// would carry a link tells the applicant to sign in to the portal instead.
    pub fn with_portal_url(mut self, url: &str) -> Notifier {
        self.portal_url = Some(url.trim_end_matches('/').to_owned());
        self
    }

    /// The portal's address links in messages start with, if known.
    pub fn portal_url(&self) -> Option<&str> {
        self.portal_url.as_deref()
    }

    /// Like [`Notifier::new`], trusting also the certificates of `extra_roots_pem` (PEM) for the mail server: a
    /// site's own relay with a certificate from its own authority.
    pub fn with_roots(
        smtp_url: Option<&str>,
        extra_roots_pem: Option<&str>,
        from: &str,
        gateway: Option<Gateway>,
        log_instead: bool,
    ) -> Result<Notifier, NotifyError> {
        let smtp = match smtp_url {
            None => None,
            Some(url) => {
                let transport = smtp_transport(url, extra_roots_pem)?;
                let from: Mailbox = from
                    .parse()
                    .map_err(|e| NotifyError::Build(format!("MAIL_FROM: {e}")))?;
                Some((transport, from))
            }
        };
        let gateway = match gateway {
            None => None,
            Some(gateway) => {
                check_gateway_url(&gateway.url).map_err(|e| NotifyError::Build(format!("SMS_GATEWAY_URL {e}")))?;
                let client = reqwest::Client::builder()
                    .timeout(std::time::Duration::from_secs(20))
                    .build()
                    .map_err(|e| NotifyError::Build(format!("SMS_GATEWAY_URL: {e}")))?;
                Some((gateway, client))
            }
        };
        if log_instead {
            tracing::warn!(
                "development: DEV_LOG_MESSAGES is on, so messages no channel can carry (sign-in codes included) are \
                 written to the log; never use it in production"
            );
        } else if smtp.is_none() {
            tracing::warn!(
                "no SMTP_URL: sign-in codes to email addresses cannot be sent and such requests answer 503 (set \
                 SMTP_URL, or DEV_LOG_MESSAGES=true on a development machine)"
            );
        }
        Ok(Notifier {
            smtp,
            gateway,
            log_instead,
            portal_url: None,
        })
    }

    pub async fn send_code(&self, to: &Identifier, code: &str, locale: Locale) -> Result<(), NotifyError> {
        let texts = &locale.texts().mail;
        let id = crate::auth::random::id();
        let body = texts.code_body.replace("{code}", code);
        self.send(
            to,
            &Outgoing {
                id: &id,
                subject: texts.code_subject,
                body: &body,
            },
        )
        .await
    }

    /// Whether a channel reaches `to`: mail for an address, the gateway for a mobile number (or, in development,
    /// the log).
    pub fn can_reach(&self, to: &Identifier) -> bool {
        self.log_instead
            || match to {
                Identifier::Email(_) => self.smtp.is_some(),
                Identifier::Phone(_) => self.gateway.is_some(),
            }
    }

    /// Sends `message` by the channel that reaches `to`: email for an address, the gateway for a mobile number.
    pub async fn send(&self, to: &Identifier, message: &Outgoing<'_>) -> Result<(), NotifyError> {
        match (to, &self.smtp, &self.gateway) {
            (Identifier::Email(address), Some((transport, from)), _) => {
                let to: Mailbox = address.parse().map_err(|e| NotifyError::Build(format!("{e}")))?;
                let domain = from.email.domain().to_owned();
                let email = Message::builder()
                    .from(from.clone())
                    .to(to)
                    .message_id(Some(format!("<{}@{domain}>", message.id)))
                    .subject(message.subject)
                    .header(ContentType::TEXT_PLAIN)
                    .body(message.body.to_owned())
                    .map_err(|e| NotifyError::Build(e.to_string()))?;
                transport.send(email).await?;
                Ok(())
            }
            (Identifier::Phone(number), _, Some((gateway, client))) => {
                let response = client
                    .post(&gateway.url)
                    .bearer_auth(gateway.token.expose_secret())
                    .header("Idempotency-Key", message.id)
                    .json(&serde_json::json!({
                        "id": message.id,
                        "channel": gateway.channel,
                        "to": number,
                        "text": format!("{}\n{}", message.subject, message.body),
                    }))
                    .send()
                    .await
                    .map_err(|e| NotifyError::Gateway(e.without_url().to_string()))?;
                if !response.status().is_success() {
                    return Err(NotifyError::Gateway(format!("answered {}", response.status())));
                }
                Ok(())
            }
            _ if self.log_instead => {
                // Development only: the person is named by their channel, never by their NIK, which no message holds.
                tracing::warn!(to = %to, subject = message.subject, body = message.body,
                    "development: message written to the log instead of being sent");
                Ok(())
            }
            _ => Err(NotifyError::NoChannel),
        }
    }
}

/// Whether `url`'s host is this machine: 127.0.0.0/8, ::1 or `localhost`. Only there may mail and the gateway go
/// without TLS: nothing in between can read them.
fn is_loopback(url: &Url) -> bool {
    let Some(host) = url.host_str() else {
        return false;
    };
    // An IPv6 address comes in brackets; outside http(s) an IPv4 address is an opaque name, parsed here.
    match host.trim_start_matches('[').trim_end_matches(']').parse::<IpAddr>() {
        Ok(ip) => ip.is_loopback(),
        Err(_) => host.eq_ignore_ascii_case("localhost"),
    }
}

/// How mail reaches the relay.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SmtpSecurity {
    /// `smtp://` to a relay on this machine.
    Plain,
    /// `smtp://host:587?tls=required`: STARTTLS, and nothing is sent unless it succeeds.
    StartTls,
    /// `smtps://host:465`: TLS from the first byte.
    Implicit,
}

/// Checks `SMTP_URL` (lettre's URL form) and tells how mail will travel. Plain SMTP is refused for any relay
/// that is not on this machine: a code sent in clear can be read on the way. The error names the host, never the
/// credentials the URL may carry.
pub fn check_smtp_url(url: &str) -> Result<SmtpSecurity, String> {
    let parsed = Url::parse(url).map_err(|_| "is not a URL such as smtps://mail.example.go.id:465".to_owned())?;
    let host = parsed.host_str().unwrap_or_default().to_owned();
    if host.is_empty() {
        return Err("names no host".into());
    }
    let tls = parsed
        .query_pairs()
        .find(|(k, _)| k == "tls")
        .map(|(_, v)| v.into_owned());
    let security = match (parsed.scheme(), tls.as_deref()) {
        ("smtps", None) => SmtpSecurity::Implicit,
        ("smtp", Some("required")) => SmtpSecurity::StartTls,
        ("smtp", None) => SmtpSecurity::Plain,
        ("smtp" | "smtps", Some(other)) => {
            return Err(format!(
                "tls={other} is not supported: use smtp://{host}:587?tls=required (STARTTLS) or \
                 smtps://{host}:465 (implicit TLS)"
            ))
        }
        (scheme, _) => return Err(format!("{scheme}:// is not smtp:// or smtps://")),
    };
    if security == SmtpSecurity::Plain && !is_loopback(&parsed) {
        return Err(format!(
            "plain smtp:// to {host} would send sign-in codes unencrypted: use smtps://{host}:465 (implicit TLS) \
             or smtp://{host}:587?tls=required (STARTTLS); plain SMTP is allowed only to a relay on this machine \
             (127.0.0.1, ::1, localhost)"
        ));
    }
    Ok(security)
}

/// Checks `SMS_GATEWAY_URL`: https, or http to a gateway on this machine.
pub fn check_gateway_url(url: &str) -> Result<(), String> {
    let parsed = Url::parse(url).map_err(|_| "is not a URL such as https://sms.example.id/send".to_owned())?;
    match parsed.scheme() {
        "https" => Ok(()),
        "http" if is_loopback(&parsed) => Ok(()),
        "http" => Err(format!(
            "must be https:// (http:// would send sign-in codes and the gateway's token unencrypted; it is allowed \
             only to a gateway on this machine: 127.0.0.1, ::1, localhost): use https://{}",
            &url["http://".len()..]
        )),
        _ => Err("must start with https://".into()),
    }
}

/// The mail transport for `url` (see [`check_smtp_url`]); TLS checks the relay's certificate against the
/// system's roots and `extra_roots_pem`.
fn smtp_transport(url: &str, extra_roots_pem: Option<&str>) -> Result<AsyncSmtpTransport<Tokio1Executor>, NotifyError> {
    let security = check_smtp_url(url).map_err(|e| NotifyError::Build(format!("SMTP_URL {e}")))?;
    // lettre reads the rest of the URL: credentials, port (25, 587 or 465 by default), the EHLO name.
    let mut builder = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)?;
    if security != SmtpSecurity::Plain {
        let host = Url::parse(url)
            .ok()
            .and_then(|u| u.host_str().map(str::to_owned))
            .unwrap_or_default();
        let mut parameters = TlsParameters::builder(host);
        if let Some(pem) = extra_roots_pem {
            let roots =
                Certificate::from_pem(pem.as_bytes()).map_err(|e| NotifyError::Build(format!("SMTP_CA_FILE: {e}")))?;
            parameters = parameters.add_root_certificate(roots);
        }
        let parameters = parameters.build_rustls()?;
        builder = builder.tls(match security {
            SmtpSecurity::Implicit => Tls::Wrapper(parameters),
            _ => Tls::Required(parameters),
        });
    }
    Ok(builder.build())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn reads_smtp_urls() {
        assert_eq!(check_smtp_url("smtp://127.0.0.1:2525"), Ok(SmtpSecurity::Plain));
        assert_eq!(check_smtp_url("smtp://user:secret@localhost"), Ok(SmtpSecurity::Plain));
        assert_eq!(check_smtp_url("smtp://[::1]:25"), Ok(SmtpSecurity::Plain));
        assert_eq!(check_smtp_url("smtp://127.8.9.10"), Ok(SmtpSecurity::Plain));
        assert_eq!(
            check_smtp_url("smtps://user:secret@mail.example.com"),
            Ok(SmtpSecurity::Implicit)
        );
        assert_eq!(
            check_smtp_url("smtp://mail.example.com:587?tls=required"),
            Ok(SmtpSecurity::StartTls)
        );
        for refused in [
            "smtp://mail.example.com",
            "smtp://10.0.0.5:25",
            "smtp://localhost.example.com",
            "smtp://mail.example.com?tls=opportunistic",
            "smtp://:25",
            "http://mail.example.com",
            "mail.example.com",
        ] {
            assert!(check_smtp_url(refused).is_err(), "{refused}");
        }
        let error = check_smtp_url("smtp://user:hunter2@mail.example.com").unwrap_err();
        assert!(
            error.contains("smtps://mail.example.com:465") && error.contains("?tls=required"),
            "{error}"
        );
        assert!(!error.contains("hunter2"), "the password is never repeated");
        assert!(smtp_transport("smtp://127.0.0.1:2525", None).is_ok());
        assert!(smtp_transport("smtps://mail.example.com", None).is_ok());
        assert!(smtp_transport("smtp://mail.example.com:587?tls=required", None).is_ok());
        assert!(smtp_transport("smtp://mail.example.com", None).is_err());
        assert!(smtp_transport("smtp://host:port", None).is_err());
    }

    #[test]
    fn the_gateway_is_reached_over_https_except_on_this_machine() {
        assert!(check_gateway_url("https://sms.example.id/send").is_ok());
        assert!(check_gateway_url("http://127.0.0.1:8080/kirim").is_ok());
        assert!(check_gateway_url("http://localhost/kirim").is_ok());
        assert!(check_gateway_url("http://[::1]/kirim").is_ok());
        let error = check_gateway_url("http://sms.example.id/send").unwrap_err();
        assert!(error.contains("https://sms.example.id/send"), "{error}");
        assert!(check_gateway_url("ftp://sms.example.id").is_err());
        assert!(check_gateway_url("sms.example.id").is_err());
    }
}
