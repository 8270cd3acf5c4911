//! The language switch.
//!
//! A plain `<form method="post">` reaches this without JavaScript: the answer sets the cookie and sends the
//! browser back to the page it was on. With JavaScript the same form is submitted in the background and the
//! page changes language in place.

use crate::i18n::Locale;
use leptos::prelude::*;

#[server(endpoint = "language")]
pub async fn set_language(lang: String, next: String) -> Result<Locale, ServerFnError> {
    use crate::{domain::LocalPath, i18n::LANG_COOKIE};
    use http::{header, HeaderValue};

    let locale = Locale::parse(&lang).ok_or_else(|| ServerFnError::new("unknown language"))?;
    let secure = crate::api::form::ssr::secure();
    let cookie = format!(
        "{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax{}",
        locale.code(),
        if secure { "; Secure" } else { "" }
    );
    let response = expect_context::<leptos_axum::ResponseOptions>();
    response.append_header(header::SET_COOKIE, HeaderValue::from_str(&cookie)?);

    // A form posted without JavaScript goes back to the page it came from.
    if crate::api::form::ssr::plain_form() {
        leptos_axum::redirect(LocalPath::parse(&next).as_str());
    }
    Ok(locale)
}
