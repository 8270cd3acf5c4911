//! The server's side of `app::api::ports::ApplicationsPort`.

use crate::{
    auth::{now, tokens::SessionTokens},
    db::{
        applications::{self, StoreError},
        complaints, Db,
    },
};
use app::{
    api::{
        applications::{ssr::today, ApplicationSummary, ApplicationView, Area},
        error::{AppError, Problem},
        ports::ApplicationsPort,
    },
    domain::{
        application::{Answers, Issue, Kind, Section},
        complaint::ComplaintIssue,
    },
};
use std::sync::Arc;

pub struct CitizenApplications {
    pub db: Db,
    pub tokens: Arc<SessionTokens>,
}

/// After a 404 for the application `id`: when it exists but is not the requester's (another account's, for a
/// citizen whose account is `owner`; outside the scope their query named, for staff, with `owner` `None`), writes
/// a scope refusal to the security log. The person still gets the 404; a missing application writes nothing.
pub async fn note_scope_refusal(db: &Db, id: &str, owner: Option<&str>, client: &str) {
    let found: Result<Option<(String,)>, _> = sqlx::query_as("SELECT account_id FROM applications WHERE id = $1")
        .bind(id)
        .fetch_optional(&db.pool)
        .await;
    match found {
        Ok(Some((account,))) if owner != Some(account.as_str()) => {
            let reason = if owner.is_some() {
                "other_account"
            } else {
                "outside_staff_scope"
            };
            crate::security_log::record(crate::security_log::Event::ScopeRefused, client, Some(id), reason);
        }
        Ok(_) => {}
        Err(error) => tracing::warn!(%error, "could not tell whether a refused application exists"),
    }
}

/// Logs the cause; the person learns only what they can act on.
fn store_error(error: StoreError) -> AppError {
    match error {
        StoreError::NotFound => AppError::NotFound,
        StoreError::NotEditable => AppError::field("", Problem::NotEditable),
        StoreError::Limit(limit) => AppError::field("", Problem::Limit(limit)),
        // On the NIK field, in the applicant's language; nothing about the other application.
        StoreError::NikInProgress => AppError::field("nik", Problem::Answer(Issue::NikInProgress)),
        other => {
            tracing::error!(error = %other, "application store failed");
            AppError::Unavailable
        }
    }
}

#[async_trait::async_trait]
impl ApplicationsPort for CitizenApplications {
    async fn account_id(&self, token: &str) -> Result<Option<String>, AppError> {
        Ok(self.tokens.authenticate(&self.db, token).await.ok().map(|c| c.sub))
    }

    async fn list(&self, account: &str) -> Result<Vec<ApplicationSummary>, AppError> {
        applications::list(&self.db, account).await.map_err(store_error)
    }

    async fn start(&self, account: &str, kind: Kind) -> Result<String, AppError> {
        applications::create(&self.db, account, kind, now())
            .await
            .map_err(store_error)
    }

    async fn get(&self, account: &str, id: &str) -> Result<Option<ApplicationView>, AppError> {
        let view = applications::get(&self.db, account, id, today())
            .await
            .map_err(store_error)?;
        if view.is_none() {
            note_scope_refusal(&self.db, id, Some(account), &app::api::form::ssr::client_address()).await;
        }
        Ok(view)
    }

    async fn save_section(&self, account: &str, id: &str, section: Section, values: Answers) -> Result<(), AppError> {
        applications::save_section(&self.db, account, id, section, values, now())
            .await
            .map_err(store_error)
    }

    async fn submit(&self, account: &str, id: &str) -> Result<String, AppError> {
        let reference = applications::submit(&self.db, account, id, now())
            .await
            .map_err(store_error)?;
        tracing::info!(application = id, "application submitted");
        Ok(reference)
    }

    async fn file_complaint(&self, account: &str, id: &str, text: &str) -> Result<(), AppError> {
        match complaints::file(&self.db, account, id, text, now()).await {
            Err(StoreError::NotEditable) => Err(AppError::field(
                "text",
                Problem::Complaint(ComplaintIssue::NotSubmitted),
            )),
            other => other.map_err(store_error),
        }
    }

    async fn close_complaint(&self, account: &str, id: &str, complaint: &str) -> Result<(), AppError> {
        match complaints::close(&self.db, account, id, complaint, now()).await {
            Ok(true) => Ok(()),
            Ok(false) => Err(AppError::field("", Problem::Complaint(ComplaintIssue::NotOpen))),
            Err(error) => Err(store_error(error)),
        }
    }

    async fn areas(&self, parent: Option<&str>) -> Result<Vec<Area>, AppError> {
        applications::areas(&self.db, parent).await.map_err(store_error)
    }
}
