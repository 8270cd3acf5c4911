//! The server's side of the sign-in door that `app` declares (`app::api::ports::SignInPort`).

use super::{accounts, codes, codes::CodeError, now, tokens::SessionTokens};
use crate::{
    db::Db,
    keys::Key,
    notify::Notifier,
    security_log::{self, Event},
};
use app::{
    api::{
        auth::AccountSummary,
        error::{AppError, Problem},
        ports::SignInPort,
    },
    domain::identifier::Identifier,
    i18n::Locale,
};
use std::sync::Arc;

pub struct CitizenSignIn {
    pub db: Db,
    /// The key derived for hashing codes (and what is keyed on them).
    pub code_key: Arc<Key>,
    /// The key derived for tagging client addresses.
    pub client_key: Arc<Key>,
    pub tokens: Arc<SessionTokens>,
    pub notifier: Arc<Notifier>,
}

/// Logs the cause, tells the person only that the service failed.
fn unavailable(error: impl std::fmt::Display) -> AppError {
    tracing::error!(%error, "sign-in failed");
    AppError::Unavailable
}

fn code_problem(error: CodeError) -> AppError {
    let problem = match error {
        CodeError::RateLimited => Problem::TooManyRequests,
        CodeError::Expired => Problem::CodeExpired,
        CodeError::TooManyTries => Problem::CodeTooManyTries,
        CodeError::Wrong { tries_left } => Problem::CodeWrong { tries_left },
        CodeError::Db(e) => return unavailable(e),
    };
    let field = if problem == Problem::TooManyRequests {
        "identifier"
    } else {
        "code"
    };
    AppError::field(field, problem)
}

#[async_trait::async_trait]
impl SignInPort for CitizenSignIn {
    async fn request_code(&self, identifier: &Identifier, client: &str, locale: Locale) -> Result<String, AppError> {
        let tag = codes::client_tag(&self.client_key, client);
        let issued = codes::issue(&self.db, &self.code_key, identifier.as_str(), &tag, now())
            .await
            .map_err(|error| {
                if matches!(error, CodeError::RateLimited) {
                    security_log::record(Event::CodeRateLimited, client, None, "too many codes");
                }
                code_problem(error)
            })?;
        self.notifier
            .send_code(identifier, &issued.code, locale)
            .await
            .map_err(unavailable)?;
        Ok(issued.attempt)
    }

    async fn verify_code(&self, attempt: &str, code: &str, locale: Locale) -> Result<(String, i64), AppError> {
        // Read before the first await, while the server function's context is current.
        let client = app::api::form::ssr::client_address();
        let identifier = codes::verify(&self.db, &self.code_key, attempt, code, now())
            .await
            .map_err(|error| {
                let event = match error {
                    CodeError::Wrong { .. } => Some((Event::WrongCode, "wrong code")),
                    CodeError::TooManyTries => Some((Event::CodeLocked, "too many wrong codes")),
                    _ => None,
                };
                if let Some((event, reason)) = event {
                    let subject = codes::attempt_reference(&self.code_key, attempt);
                    security_log::record(event, &client, Some(&subject), reason);
                }
                code_problem(error)
            })?;
        let account = accounts::find_or_create(&self.db, &identifier, locale, now())
            .await
            .map_err(unavailable)?;
        let token = self
            .tokens
            .start(&self.db, &account, now())
            .await
            .map_err(unavailable)?;
        security_log::record(Event::SignedIn, &client, Some(&account), "citizen");
        Ok((token, self.tokens.ttl_secs))
    }

    async fn account(&self, token: &str) -> Result<Option<AccountSummary>, AppError> {
        let Ok(claims) = self.tokens.authenticate(&self.db, token).await else {
            return Ok(None);
        };
        let identifier: Option<(String,)> = sqlx::query_as("SELECT identifier FROM accounts WHERE id = $1")
            .bind(&claims.sub)
            .fetch_optional(&self.db.pool)
            .await
            .map_err(unavailable)?;
        Ok(identifier.map(|(identifier,)| AccountSummary {
            identifier: Identifier::parse(&identifier).map(|i| i.masked()).unwrap_or_default(),
        }))
    }

    async fn sign_out(&self, token: &str) -> Result<(), AppError> {
        if let Ok(claims) = self.tokens.authenticate(&self.db, token).await {
            self.tokens
                .revoke(&self.db, &claims.jti, now())
                .await
                .map_err(unavailable)?;
        }
        Ok(())
    }

    async fn sign_out_everywhere(&self, token: &str, client: &str) -> Result<bool, AppError> {
        let Ok(claims) = self.tokens.authenticate(&self.db, token).await else {
            return Ok(false);
        };
        self.tokens
            .revoke_all(&self.db, &claims.sub, now())
            .await
            .map_err(unavailable)?;
        security_log::record(
            Event::SessionsRevoked,
            client,
            Some(&claims.sub),
            "signed out everywhere",
        );
        Ok(true)
    }
}
