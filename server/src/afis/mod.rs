//! The AFIS link under `/api/afis/v1`: a JSON API for the central identification system at Kemendagri, apart
//! from the pages. It lists the applications waiting for identification (the only place the whole NIK leaves the
//! portal) and takes the result of each: a single identity, or a duplicate with the matching record's reference.
//! A result goes through the same state machine as a supervisor entering it by hand
//! ([`process::take_afis_step`]), so both paths agree on what may happen and both leave an event and a message
//! to the applicant.
//!
//! Every call but the OpenAPI document carries a fresh bearer token ([`token`]). Every answer, refusals
//! included, is JSON: `{"error": code, "message": text}` for a refusal; bad input is a 4xx, never a 5xx.

pub mod token;

use crate::{
    auth::now,
    db::{
        afis::{self, Cursor, Waiting},
        process::{self, StepError},
        Db,
    },
    security_log::{self, Event},
};
use app::domain::{
    process::{ProcessError, Step, StepInput},
    Date,
};
use axum::{
    extract::{
        rejection::{JsonRejection, PathRejection, QueryRejection},
        FromRequestParts, Path, Query, State,
    },
    http::{header, request::Parts, HeaderMap, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    routing::{any, get, post},
    Json, Router,
};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use token::{Refusal, Verifier};

pub use token::AfisSettings;

/// Where the link lives; the version is in the path so that a second one can live beside it.
pub const BASE: &str = "/api/afis/v1";
/// The OpenAPI 3.0 document describing the link, served as is at `/api/afis/v1/openapi.json`.
pub const OPENAPI: &str = include_str!("openapi.json");
/// Applications on a page of the list unless `limit` says otherwise.
pub const DEFAULT_PAGE: i64 = 50;
/// The longest AFIS reference, as the domain keeps it.
pub const REFERENCE_MAX_CHARS: usize = 64;

#[derive(Clone)]
pub struct AfisState {
    pub db: Db,
    /// `None` when the link is not configured: every call but the OpenAPI document answers 503.
    pub verifier: Option<Arc<Verifier>>,
}

impl AfisState {
    pub fn new(db: Db, settings: Option<&AfisSettings>) -> AfisState {
        AfisState {
            db,
            verifier: settings.map(|s| Arc::new(Verifier::new(s))),
        }
    }
}

pub fn router<S>(state: AfisState) -> Router<S> {
    Router::new()
        .route("/api/afis/v1/openapi.json", get(openapi))
        .route("/api/afis/v1/applications", get(list))
        .route("/api/afis/v1/applications/{id}/result", post(post_result))
        // Anything else under the link is a JSON 404, not the portal's HTML page.
        .route("/api/afis/v1/{*rest}", any(not_found))
        .layer(tower_http::set_header::SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
        .with_state(state)
}

/// Why a call was refused, as the caller reads it.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("the AFIS link is not configured on this portal")]
    NotConfigured,
    #[error("{0}")]
    Unauthorized(#[from] Refusal),
    #[error("{0}")]
    BadRequest(String),
    #[error("the request body must be JSON, sent with Content-Type: application/json")]
    UnsupportedMediaType,
    #[error("the request body is too large")]
    TooLarge,
    #[error("{0}")]
    Invalid(String),
    #[error("no submitted application has this id")]
    NotFound,
    #[error("{0}")]
    Conflict(String),
    /// The cause was logged where it happened; the caller only learns to try again.
    #[error("the portal could not answer; try again later")]
    Failed,
}

impl ApiError {
    fn status_and_code(&self) -> (StatusCode, &'static str) {
        match self {
            ApiError::NotConfigured => (StatusCode::SERVICE_UNAVAILABLE, "not_configured"),
            ApiError::Unauthorized(Refusal::Missing) => (StatusCode::UNAUTHORIZED, "missing_token"),
            ApiError::Unauthorized(Refusal::Replayed) => (StatusCode::UNAUTHORIZED, "replayed_token"),
            ApiError::Unauthorized(_) => (StatusCode::UNAUTHORIZED, "invalid_token"),
            ApiError::BadRequest(_) => (StatusCode::BAD_REQUEST, "bad_request"),
            ApiError::UnsupportedMediaType => (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type"),
            ApiError::TooLarge => (StatusCode::PAYLOAD_TOO_LARGE, "too_large"),
            ApiError::Invalid(_) => (StatusCode::UNPROCESSABLE_ENTITY, "invalid_result"),
            ApiError::NotFound => (StatusCode::NOT_FOUND, "not_found"),
            ApiError::Conflict(_) => (StatusCode::CONFLICT, "conflict"),
            ApiError::Failed => (StatusCode::INTERNAL_SERVER_ERROR, "internal_error"),
        }
    }

    /// Logs an internal failure (never a NIK: neither sqlx's errors nor ours carry the values bound) and hides it.
    fn failed(error: impl std::fmt::Display) -> ApiError {
        tracing::error!(%error, "an AFIS link request failed");
        ApiError::Failed
    }
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    error: &'a str,
    message: String,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code) = self.status_and_code();
        let mut response = (
            status,
            Json(ErrorBody {
                error: code,
                message: self.to_string(),
            }),
        )
            .into_response();
        if let ApiError::Unauthorized(refusal) = &self {
            // RFC 6750: a missing token gets the bare challenge, a bad one says it is invalid.
            let challenge = match refusal {
                Refusal::Missing => "Bearer realm=\"afis\"".to_owned(),
                other => format!("Bearer realm=\"afis\", error=\"invalid_token\", error_description=\"{other}\""),
            };
            if let Ok(value) = HeaderValue::from_str(&challenge) {
                response.headers_mut().insert(header::WWW_AUTHENTICATE, value);
            }
        }
        response
    }
}

/// The caller of a link call: a token that verified and was not used before.
pub struct Caller {
    pub issuer: String,
}

/// The token of `Authorization: Bearer <token>`, the scheme in any case.
fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?.trim();
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

impl FromRequestParts<AfisState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AfisState) -> Result<Caller, ApiError> {
        let verifier = state.verifier.as_ref().ok_or(ApiError::NotConfigured)?;
        // Every refusal goes to the security log (sampled: anyone can send bad tokens at will).
        let refused = |refusal: Refusal| {
            let client = crate::http::client::Client::of(&parts.extensions);
            security_log::record(Event::AfisTokenRefused, client, None, refusal.code());
            ApiError::Unauthorized(refusal)
        };
        let token = bearer(&parts.headers).ok_or_else(|| refused(Refusal::Missing))?;
        let now = now();
        let accepted = verifier.check(token, now).map_err(refused)?;
        let fresh = afis::use_token(&state.db, &accepted.issuer, &accepted.jti, accepted.remember_until, now)
            .await
            .map_err(ApiError::failed)?;
        if !fresh {
            return Err(refused(Refusal::Replayed));
        }
        Ok(Caller {
            issuer: accepted.issuer,
        })
    }
}

async fn openapi() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI).into_response()
}

async fn not_found() -> ApiError {
    ApiError::NotFound
}

#[derive(Deserialize)]
struct ListQuery {
    limit: Option<String>,
    after: Option<String>,
}

#[derive(Serialize)]
struct WaitingItem {
    id: String,
    reference: String,
    nik: Option<String>,
    full_name: String,
    birth_date: Option<String>,
    waiting_since: String,
}

#[derive(Serialize)]
struct Page {
    applications: Vec<WaitingItem>,
    /// The `after` of the next page; `null` on the last.
    next: Option<String>,
}

/// Seconds since the epoch as RFC 3339 in UTC.
fn rfc3339(at: i64) -> String {
    let (days, secs) = (at.div_euclid(86_400), at.rem_euclid(86_400));
    format!(
        "{}T{:02}:{:02}:{:02}Z",
        Date::from_days_since_epoch(days),
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

/// `GET /api/afis/v1/applications?limit=&after=`: the applications waiting for identification, longest waiting
/// first, one page at a time by key.
async fn list(
    _caller: Caller,
    State(state): State<AfisState>,
    query: Result<Query<ListQuery>, QueryRejection>,
) -> Result<Json<Page>, ApiError> {
    let Query(query) = query.map_err(|e| ApiError::BadRequest(format!("the query string is not valid: {e}")))?;
    let limit = match query.limit.as_deref() {
        None => DEFAULT_PAGE,
        Some(text) => text
            .parse::<i64>()
            .ok()
            .filter(|n| (1..=afis::MAX_PAGE).contains(n))
            .ok_or_else(|| {
                ApiError::BadRequest(format!("limit must be a whole number from 1 to {}", afis::MAX_PAGE))
            })?,
    };
    let after = match query.after.as_deref() {
        None => None,
        Some(text) => Some(
            Cursor::parse(text)
                .ok_or_else(|| ApiError::BadRequest("after must be the `next` of a previous page".to_owned()))?,
        ),
    };
    let (rows, more) = afis::waiting(&state.db, after.as_ref(), limit)
        .await
        .map_err(ApiError::failed)?;
    let next = more
        .then(|| rows.last())
        .flatten()
        .map(|last| Cursor {
            since: last.since,
            id: last.id.clone(),
        })
        .map(|c| c.encode());
    let applications = rows
        .into_iter()
        .map(|w: Waiting| WaitingItem {
            waiting_since: rfc3339(w.since),
            id: w.id,
            reference: w.reference,
            nik: w.nik,
            full_name: w.full_name,
            birth_date: w.birth_date,
        })
        .collect();
    Ok(Json(Page { applications, next }))
}

/// What AFIS found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AfisResult {
    Single,
    Duplicate,
}

impl AfisResult {
    fn step(self) -> Step {
        match self {
            AfisResult::Single => Step::AfisSingle,
            AfisResult::Duplicate => Step::AfisDuplicate,
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ResultBody {
    result: AfisResult,
    /// AFIS's own reference of the check; for a duplicate, that of the matching record.
    reference: String,
}

#[derive(Serialize)]
struct Recorded {
    id: String,
    reference: String,
    status: &'static str,
    result: AfisResult,
    afis_reference: String,
    /// `true` when this very result had been recorded before: nothing changed.
    already_recorded: bool,
}

fn body_error(rejection: JsonRejection) -> ApiError {
    match rejection {
        JsonRejection::JsonDataError(e) => {
            ApiError::Invalid(format!("the body does not match the schema: {}", e.body_text()))
        }
        JsonRejection::JsonSyntaxError(_) => ApiError::BadRequest("the body is not valid JSON".to_owned()),
        JsonRejection::MissingJsonContentType(_) => ApiError::UnsupportedMediaType,
        other if other.status() == StatusCode::PAYLOAD_TOO_LARGE => ApiError::TooLarge,
        _ => ApiError::BadRequest("the body could not be read".to_owned()),
    }
}

/// `POST /api/afis/v1/applications/{id}/result`: records AFIS's answer for an application in `identifying`. An
/// answer the application already had is harmless (200, `already_recorded`); another for an application that is
/// not in `identifying` is a 409.
async fn post_result(
    caller: Caller,
    State(state): State<AfisState>,
    id: Result<Path<String>, PathRejection>,
    body: Result<Json<serde_json::Value>, JsonRejection>,
) -> Result<Json<Recorded>, ApiError> {
    let Path(id) = id.map_err(|_| ApiError::NotFound)?;
    // Ids are the portal's own (hex); anything else cannot name an application.
    if id.is_empty() || id.len() > 64 || !id.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(ApiError::NotFound);
    }
    let Json(body) = body.map_err(body_error)?;
    // serde would also read a struct from an array; the schema says an object.
    if !body.is_object() {
        return Err(ApiError::Invalid("the body must be a JSON object".to_owned()));
    }
    let body: ResultBody = serde_json::from_value(body)
        .map_err(|e| ApiError::Invalid(format!("the body does not match the schema: {e}")))?;
    let reference = body.reference.trim();
    if reference.is_empty() {
        return Err(ApiError::Invalid("reference is needed".to_owned()));
    }
    if reference.chars().count() > REFERENCE_MAX_CHARS || reference.chars().any(char::is_control) {
        return Err(ApiError::Invalid(format!(
            "reference must be at most {REFERENCE_MAX_CHARS} characters, without control characters"
        )));
    }
    let step = body.result.step();
    let input = StepInput {
        afis_reference: Some(reference.to_owned()),
        ..StepInput::default()
    };
    let already_recorded = match process::take_afis_step(&state.db, &caller.issuer, &id, step, &input, now()).await {
        Ok(_) => false,
        Err(StepError::NotFound) => return Err(ApiError::NotFound),
        Err(StepError::Refused(ProcessError::WrongState)) => {
            // Not in `identifying` any more: harmless if this very result is one it had, else a conflict. Any of
            // its results counts, not only the newest: events within one second have no reliable order, and a
            // late copy of an earlier result changes nothing either way.
            let results = afis::results(&state.db, &id).await.map_err(ApiError::failed)?;
            if results
                .iter()
                .any(|(past, past_reference)| *past == step && past_reference.as_deref() == Some(reference))
            {
                true
            } else if results.is_empty() {
                return Err(ApiError::Conflict(
                    "the application is not waiting for identification".to_owned(),
                ));
            } else {
                return Err(ApiError::Conflict(
                    "the application already has a different identification result".to_owned(),
                ));
            }
        }
        Err(StepError::Refused(refusal @ (ProcessError::AfisReferenceMissing | ProcessError::ReasonTooLong))) => {
            return Err(ApiError::Invalid(refusal.to_string()))
        }
        Err(StepError::Store(error)) => return Err(ApiError::failed(error)),
        Err(other) => return Err(ApiError::Conflict(other.to_string())),
    };
    let (registration, status) = afis::state(&state.db, &id)
        .await
        .map_err(ApiError::failed)?
        .ok_or(ApiError::NotFound)?;
    if !already_recorded {
        tracing::info!(issuer = %caller.issuer, result = ?body.result, status = status.code(), "AFIS result recorded");
    }
    Ok(Json(Recorded {
        id,
        reference: registration,
        status: status.code(),
        result: body.result,
        afis_reference: reference.to_owned(),
        already_recorded,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_openapi_document_names_every_route_and_status() {
        let doc: serde_json::Value = serde_json::from_str(OPENAPI).expect("valid JSON");
        assert!(doc["openapi"].as_str().unwrap().starts_with("3.0"));
        let paths = doc["paths"].as_object().unwrap();
        let list = &paths["/api/afis/v1/applications"]["get"]["responses"];
        for code in ["200", "400", "401", "500", "503"] {
            assert!(list.get(code).is_some(), "list {code}");
        }
        let post = &paths["/api/afis/v1/applications/{id}/result"]["post"]["responses"];
        for code in ["200", "400", "401", "404", "409", "413", "415", "422", "500", "503"] {
            assert!(post.get(code).is_some(), "result {code}");
        }
        assert!(paths["/api/afis/v1/openapi.json"]["get"]["responses"]["200"].is_object());
        assert_eq!(
            doc["components"]["securitySchemes"]["afisBearer"]["scheme"],
            serde_json::json!("bearer")
        );
    }

    #[test]
    fn times_are_rfc3339_in_utc() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_780_000_000), "2026-05-28T20:26:40Z");
    }

    #[test]
    fn the_bearer_scheme_is_read_in_any_case() {
        let mut headers = HeaderMap::new();
        assert_eq!(bearer(&headers), None);
        headers.insert(header::AUTHORIZATION, HeaderValue::from_static("bearer abc.def.ghi"));
        assert_eq!(bearer(&headers), Some("abc.def.ghi"));
        headers.insert(header::AUTHORIZATION, HeaderValue::from_static("Basic abc"));
        assert_eq!(bearer(&headers), None);
    }
}
