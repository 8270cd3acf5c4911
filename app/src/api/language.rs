//! The language switch.
//!
//! A plain `<form method="post">` reaches this without JavaScript: the answer sets the cookie and sends the
//! browser back to the page it was on. With JavaScript the same form is submitted in the background and the
//! page changes language in place.

use crate::{api::error::AppError, i18n::Locale};
use leptos::prelude::*;

/// How long the choice of language is remembered: a year.
pub const LANG_COOKIE_SECS: i64 = 365 * 24 * 60 * 60;

#[server(endpoint = "language")]
pub async fn set_language(lang: String, next: String) -> Result<Locale, AppError> {
    use crate::{
        api::{cookies::SameSite, form::ssr},
        domain::LocalPath,
        i18n::LANG_COOKIE,
    };

    // The switch offers only the two languages: anything else is a request no page of the portal sends.
    let locale = Locale::parse(&lang).ok_or_else(|| ssr::reject(AppError::BadRequest))?;
    // Lax: a link from another site arrives in the chosen language.
    ssr::set_cookie(LANG_COOKIE, locale.code(), LANG_COOKIE_SECS, SameSite::Lax);

    // A form posted without JavaScript goes back to the page it came from.
    if ssr::plain_form() {
        leptos_axum::redirect(LocalPath::parse(&next).as_str());
    }
    Ok(locale)
}
