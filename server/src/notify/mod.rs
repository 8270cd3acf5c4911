//! Sending messages to people. Here: one-time sign-in codes, by email through SMTP (lettre) when `SMTP_URL` is
//! set. Without it, in development only (a plain-http base URL), codes are written to the log so the portal runs
//! with no configuration; a production start without a mail server is refused by the configuration.
//! Mobile numbers get their codes once the SMS gateway exists; until then, in development, through the log.

use app::{domain::identifier::Identifier, i18n::Locale};
use lettre::{
    message::{header::ContentType, Mailbox},
    AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
};

#[derive(Debug, thiserror::Error)]
pub enum NotifyError {
    #[error("the mail server refused or could not be reached: {0}")]
    Smtp(#[from] lettre::transport::smtp::Error),
    #[error("the message could not be built: {0}")]
    Build(String),
    #[error("no channel can reach this person in production yet")]
    NoChannel,
}

pub struct Notifier {
    smtp: Option<(AsyncSmtpTransport<Tokio1Executor>, Mailbox)>,
    /// Development: codes that cannot be sent are logged instead.
    log_codes: bool,
}

impl Notifier {
    pub fn new(smtp_url: Option<&str>, from: &str, log_codes: bool) -> Result<Notifier, NotifyError> {
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
        Ok(Notifier { smtp, log_codes })
    }

    pub async fn send_code(&self, to: &Identifier, code: &str, locale: Locale) -> Result<(), NotifyError> {
        let texts = &locale.texts().mail;
        match (to, &self.smtp) {
            (Identifier::Email(address), Some((transport, from))) => {
                let to: Mailbox = address.parse().map_err(|e| NotifyError::Build(format!("{e}")))?;
                let message = Message::builder()
                    .from(from.clone())
                    .to(to)
                    .subject(texts.code_subject)
                    .header(ContentType::TEXT_PLAIN)
                    .body(texts.code_body.replace("{code}", code))
                    .map_err(|e| NotifyError::Build(e.to_string()))?;
                transport.send(message).await?;
                Ok(())
            }
            _ if self.log_codes => {
                tracing::warn!(to = %to, code, "development: sign-in code written to the log instead of being sent");
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
