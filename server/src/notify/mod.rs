//! Sending messages to people: by email through SMTP (lettre) when `SMTP_URL` is set, and to mobile numbers by SMS
//! or WhatsApp through the HTTP gateway named by `SMS_GATEWAY_URL` (a JSON POST with a bearer token). Without a
//! channel, in development only (a plain-http base URL), messages are written to the log so the portal runs with
//! no configuration; a production start without a mail server is refused by the configuration.
//!
//! One-time sign-in codes are sent at once, as the answer to the request that asks for one. Every other message
//! goes through the outbox ([`worker`]), written in the same transaction as the change it tells of.

pub mod messages;
pub mod worker;

use app::{domain::identifier::Identifier, i18n::Locale};
use lettre::{
    message::{header::ContentType, Mailbox},
    AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
};
use secrecy::{ExposeSecret, SecretString};

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
}

impl Notifier {
    pub fn new(
        smtp_url: Option<&str>,
        from: &str,
        gateway: Option<Gateway>,
        log_instead: bool,
    ) -> Result<Notifier, NotifyError> {
        let smtp = match smtp_url {
            None => None,
            Some(url) => {
                let transport = plain_smtp(url)?;
                let from: Mailbox = from
                    .parse()
                    .map_err(|e| NotifyError::Build(format!("MAIL_FROM: {e}")))?;
                Some((transport, from))
            }
        };
        let gateway = match gateway {
            None => None,
            Some(gateway) => {
                let client = reqwest::Client::builder()
                    .timeout(std::time::Duration::from_secs(20))
                    .build()
                    .map_err(|e| NotifyError::Build(format!("SMS_GATEWAY_URL: {e}")))?;
                Some((gateway, client))
            }
        };
        Ok(Notifier {
            smtp,
            gateway,
            log_instead,
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

/// `smtp://[user:password@]host[:port]`: a relay reached without TLS, as a mail relay on the same host or in
/// the same private network is. (TLS to a remote relay is not compiled in yet.)
fn plain_smtp(url: &str) -> Result<AsyncSmtpTransport<Tokio1Executor>, NotifyError> {
    let bad = |why: &str| NotifyError::Build(format!("SMTP_URL: {why}"));
    let rest = url
        .strip_prefix("smtp://")
        .ok_or_else(|| bad("only smtp:// is supported"))?;
    let rest = rest.split(['/', '?']).next().unwrap_or_default();
    let (credentials, host_port) = match rest.rsplit_once('@') {
        Some((c, h)) => (Some(c), h),
        None => (None, rest),
    };
    let (host, port) = match host_port.rsplit_once(':') {
        Some((h, p)) => (h, p.parse::<u16>().map_err(|_| bad("the port is not a number"))?),
        None => (host_port, 25),
    };
    if host.is_empty() {
        return Err(bad("no host"));
    }
    let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host).port(port);
    if let Some((user, password)) = credentials.and_then(|c| c.split_once(':')) {
        builder = builder.credentials(lettre::transport::smtp::authentication::Credentials::new(
            user.to_owned(),
            password.to_owned(),
        ));
    }
    Ok(builder.build())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn reads_smtp_urls() {
        assert!(plain_smtp("smtp://127.0.0.1:2525").is_ok());
        assert!(plain_smtp("smtp://user:secret@mail.local").is_ok());
        assert!(plain_smtp("smtps://mail.example.com").is_err());
        assert!(plain_smtp("smtp://:25").is_err());
        assert!(plain_smtp("smtp://host:port").is_err());
    }
}
