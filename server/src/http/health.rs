//! `GET /healthz`: 200 when the portal can reach its database, 503 when it cannot.

use crate::db::Db;
use axum::{extract::State, http::StatusCode, response::IntoResponse, Json};

pub async fn healthz(State(db): State<Db>) -> impl IntoResponse {
    match db.ping().await {
        Ok(()) => (
            StatusCode::OK,
            Json(serde_json::json!({"status": "ok", "database": db.backend.name()})),
        ),
        Err(error) => {
            tracing::error!(%error, "health check: the database does not answer");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(serde_json::json!({"status": "unavailable"})),
            )
        }
    }
}
