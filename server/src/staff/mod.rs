//! The staff console under `/petugas`: server-rendered HTML forms, no WebAssembly, so that citizens' phones never
//! download it and every action works as a plain form post. Sign-in is a password (argon2id) and a TOTP code every
//! time; the session cookie carries a JWT of the staff audience. Each request reads the account again, so a
//! disabled account or a new role counts at once.

pub mod accounts;
pub mod calendar;
pub mod complaints;
pub mod dashboard;
pub mod earlier;
pub mod layout;
pub mod office;
pub mod password;
pub mod queue;
pub mod review;
pub mod sessions;
pub mod sign_in;
pub mod texts;
pub mod totp;

use crate::{
    auth::tokens::SessionTokens,
    db::{process::Scope, staff, Db},
    documents::store::DocumentStore,
};
use app::{
    api::cookies::{CookiePolicy, SameSite},
    domain::process::Role,
    i18n::Locale,
};
use axum::{
    extract::FromRequestParts,
    http::{request::Parts, HeaderMap},
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
    Router,
};
use std::sync::Arc;

/// Where the console lives.
pub const HOME: &str = "/petugas";
pub const SIGN_IN: &str = "/petugas/masuk";
/// A staff session lasts a working day at most, and ends after half an hour without a request.
pub const SESSION_SECS: i64 = 10 * 60 * 60;
pub const IDLE_SECS: i64 = 30 * 60;
const COOKIE: &str = "staff_session";

#[derive(Clone)]
pub struct StaffState {
    pub db: Db,
    pub tokens: Arc<SessionTokens>,
    pub store: Arc<DocumentStore>,
    /// The key derived for sealing TOTP seeds.
    pub seeds: Arc<crate::keys::Key>,
    pub secure_cookies: bool,
    pub stylesheet: String,
    /// The site's public address, for the enrolment links the admin hands out.
    pub public_base_url: String,
    /// The key of the client tags that sign-in limits are kept under (`auth::codes::client_tag`).
    pub client_tag_key: Arc<crate::keys::Key>,
}

impl StaffState {
    /// The one cookie policy (`app::api::cookies`), for this site.
    pub fn cookies(&self) -> CookiePolicy {
        CookiePolicy {
            secure: self.secure_cookies,
        }
    }

    /// The active service points, for the console's choices.
    pub async fn points(&self) -> Result<Vec<app::domain::booking::ServicePoint>, sqlx::Error> {
        let mut conn = self.db.pool.acquire().await?;
        crate::db::bookings::points(&mut conn).await
    }

    /// The `Set-Cookie` value of a staff session, through the one cookie policy: SameSite=Strict (no other site
    /// can post a form with it, nor link into the console signed in); `max_age` 0 removes it.
    fn session_cookie(&self, token: &str, max_age: i64) -> Option<axum::http::HeaderValue> {
        self.cookies().set_cookie(COOKIE, token, max_age, SameSite::Strict)
    }
}

pub fn router<S>(state: StaffState) -> Router<S> {
    Router::new()
        .route("/petugas", get(queue::page))
        .route("/petugas/cari", post(queue::search))
        .route("/petugas/masuk", get(sign_in::form).post(sign_in::submit))
        .route("/petugas/keluar", post(sign_in::sign_out))
        .route(sessions::PATH, get(sessions::done).post(sessions::sign_out_everywhere))
        .route("/petugas/bahasa", get(layout::switch_language))
        .route("/petugas/daftar/{token}", get(sign_in::enrol_form).post(sign_in::enrol))
        .route("/petugas/permohonan/{id}", get(review::page))
        .route("/petugas/permohonan/{id}/klaim", post(review::claim))
        .route("/petugas/permohonan/{id}/langkah", post(review::step))
        .route("/petugas/permohonan/{id}/berkas/{document}", get(review::scan))
        .route(complaints::PAGE, get(complaints::page))
        .route("/petugas/pengaduan/{id}", post(complaints::answer))
        .route("/petugas/loket", get(office::counter))
        .route("/petugas/loket/hadir", post(office::arrived))
        .route("/petugas/blangko", get(office::cards).post(office::change_cards))
        .route("/petugas/log-akses", get(office::access_log))
        .route("/petugas/dasbor", get(dashboard::page))
        .route(dashboard::CSV_PATH, get(dashboard::export))
        .route("/petugas/akun", get(accounts::page).post(accounts::create))
        .route("/petugas/akun/{id}", post(accounts::change))
        .route("/petugas/kalender", get(calendar::page))
        .route("/petugas/kalender/libur", post(calendar::add_holiday))
        .route(calendar::IMPORT, post(calendar::import))
        .route("/petugas/kalender/tutup", post(calendar::close_point))
        .route(
            "/petugas/kalender/{point}",
            get(calendar::point_page).post(calendar::save_point),
        )
        .with_state(state)
}

/// The language of the request (the same `lang` cookie as the citizens' pages).
pub fn locale_of(headers: &HeaderMap) -> Locale {
    headers
        .get(axum::http::header::COOKIE)
        .and_then(|v| v.to_str().ok())
        .map(Locale::from_cookie_header)
        .unwrap_or_default()
}

/// A signed-in staff member whose account is active, read afresh for this request.
pub struct Signed {
    pub member: staff::StaffMember,
    pub jti: String,
    pub locale: Locale,
    pub stylesheet: String,
}

impl Signed {
    pub fn scope(&self) -> Scope {
        Scope {
            staff_id: self.member.id.clone(),
            role: self.member.role,
            point: self.member.point_id.clone(),
        }
    }

    pub fn frame<'a>(&'a self, title: &'a str, here: &'a str) -> layout::Frame<'a> {
        layout::Frame {
            locale: self.locale,
            stylesheet: &self.stylesheet,
            title,
            signed: Some(self),
            here,
        }
    }

    pub fn t(&self) -> &'static texts::T {
        texts::texts(self.locale)
    }

    /// The refusal (404, as for what does not exist) of a page the role has no part in; `None` when allowed.
    pub fn refuse_unless(&self, allowed: impl Fn(Role) -> bool) -> Option<Response> {
        (!allowed(self.member.role)).then(|| layout::not_found(self))
    }
}

impl FromRequestParts<StaffState> for Signed {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &StaffState) -> Result<Signed, Response> {
        let to_sign_in = || Redirect::to(SIGN_IN).into_response();
        let token = state.cookies().read(&parts.headers, COOKIE).ok_or_else(to_sign_in)?;
        let claims = state
            .tokens
            .authenticate(&state.db, &token)
            .await
            .map_err(|_| to_sign_in())?;
        let member = staff::active(&state.db, &claims.sub)
            .await
            .map_err(|error| {
                tracing::error!(%error, "could not read a staff account");
                axum::http::StatusCode::SERVICE_UNAVAILABLE.into_response()
            })?
            .ok_or_else(to_sign_in)?;
        Ok(Signed {
            member,
            jti: claims.jti,
            locale: locale_of(&parts.headers),
            stylesheet: state.stylesheet.clone(),
        })
    }
}

/// A server error: logged with its cause, shown without it.
pub fn failed(error: impl std::fmt::Display) -> Response {
    tracing::error!(%error, "a staff request failed");
    (
        axum::http::StatusCode::INTERNAL_SERVER_ERROR,
        "Terjadi kesalahan. / Something went wrong.",
    )
        .into_response()
}
