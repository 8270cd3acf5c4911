//! Forms that work without JavaScript.
//!
//! With JavaScript, a form is sent in the background and its server function's error comes back as data; the
//! page shows it without losing what was typed. Without JavaScript the browser posts the form and follows a
//! redirect, so the server leaves the typed values and the problems in a short-lived, HttpOnly "flash" cookie
//! for the page it sends the browser back to. Nothing typed ever goes into a URL.

use super::error::FieldProblem;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The most characters of one typed value the flash keeps.
pub const MAX_KEPT_CHARS: usize = 500;

/// The most bytes of typed values the flash keeps in all. A browser keeps a cookie of about 4 KB, and the flash is
/// hex, twice its JSON: with the field names and problems this stays under the limit however many fields a form has.
pub const MAX_KEPT_BYTES: usize = 1200;

/// `values` cut so that together they fit the flash: each gets an equal share of [`MAX_KEPT_BYTES`] (at most
/// [`MAX_KEPT_CHARS`] characters), cut on a character boundary.
pub fn kept_values(values: &[(&str, &str)]) -> Vec<(String, String)> {
    let share = MAX_KEPT_BYTES / values.len().max(1);
    values
        .iter()
        .map(|(name, value)| {
            let mut kept = String::new();
            for c in value.chars().take(MAX_KEPT_CHARS) {
                if kept.len() + c.len_utf8() > share {
                    break;
                }
                kept.push(c);
            }
            ((*name).to_owned(), kept)
        })
        .collect()
}

/// The name of the flash cookie.
pub const FLASH_COOKIE: &str = "flash";

/// What a form posted without JavaScript left for the page it returns to.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormState {
    pub form: String,
    pub values: Vec<(String, String)>,
    pub problems: Vec<FieldProblem>,
}

/// The flash cookie's value: the state as JSON, in hex so that no character needs quoting in a cookie.
#[cfg(feature = "ssr")]
pub fn encode_flash(state: &FormState) -> String {
    let json = serde_json::to_vec(state).unwrap_or_default();
    json.iter().map(|b| format!("{b:02x}")).collect()
}

impl FormState {
    pub fn value(&self, field: &str) -> Option<String> {
        self.values
            .iter()
            .find(|(name, _)| name == field)
            .map(|(_, v)| v.clone())
    }
}

/// The state left for `form`, read (and cleared) on the server, carried into the hydrated page unchanged.
pub fn use_form_state(form: impl Into<String>) -> FormState {
    let form: String = form.into();
    SharedValue::new(move || {
        #[cfg(feature = "ssr")]
        {
            ssr::take_flash(&form).unwrap_or_default()
        }
        #[cfg(not(feature = "ssr"))]
        {
            let _ = form;
            FormState::default()
        }
    })
    .into_inner()
}

#[cfg(feature = "ssr")]
pub mod ssr {
    //! Request and response helpers for server functions.

    use super::*;
    use crate::api::error::AppError;
    use crate::api::ports::SiteSettings;
    use http::{header, HeaderValue};

    pub fn secure() -> bool {
        use_context::<SiteSettings>().is_some_and(|s| s.secure_cookies)
    }

    /// A cookie name, with the `__Host-` prefix (no Domain, Path=/, Secure) whenever cookies are Secure.
    pub fn cookie_name(base: &str) -> String {
        if secure() {
            format!("__Host-{base}")
        } else {
            base.to_owned()
        }
    }

    pub fn get_cookie(base: &str) -> Option<String> {
        let parts = use_context::<http::request::Parts>()?;
        cookie_in(&parts.headers, &cookie_name(base))
    }

    /// The value of the cookie called exactly `name` in a request's headers.
    pub fn cookie_in(headers: &http::HeaderMap, name: &str) -> Option<String> {
        headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .filter_map(|pair| pair.trim().split_once('='))
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.to_owned())
    }

    /// Sets an HttpOnly cookie on this response; `max_age` 0 deletes it.
    pub fn set_cookie(base: &str, value: &str, max_age: i64, same_site: &str) {
        let cookie = format!(
            "{}={value}; Path=/; Max-Age={max_age}; HttpOnly; SameSite={same_site}{}",
            cookie_name(base),
            if secure() { "; Secure" } else { "" }
        );
        if let (Some(response), Ok(value)) = (
            use_context::<leptos_axum::ResponseOptions>(),
            HeaderValue::from_str(&cookie),
        ) {
            response.append_header(header::SET_COOKIE, value);
        }
    }

    /// True when a browser posted the form itself (no JavaScript): it asks for HTML back.
    pub fn plain_form() -> bool {
        use_context::<http::request::Parts>()
            .and_then(|p| {
                p.headers
                    .get(header::ACCEPT)
                    .and_then(|v| v.to_str().ok())
                    .map(|s| s.contains("text/html"))
            })
            .unwrap_or(false)
    }

    /// Ends a server function that failed. Without JavaScript: remember the values and problems, send the
    /// browser back to `page`, and answer success so nothing is put into the URL. With JavaScript: the error.
    pub fn fail(form: &str, page: &str, values: &[(&str, &str)], error: AppError) -> Result<(), AppError> {
        if !plain_form() {
            if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
                response.set_status(status_of(&error));
            }
            return Err(error);
        }
        remember(form, page, values, error.problems());
        Ok(())
    }

    /// Leaves what was typed, and any problems, for `page` in the flash cookie and sends the browser there.
    pub fn remember(form: &str, page: &str, values: &[(&str, &str)], problems: Vec<FieldProblem>) {
        let state = FormState {
            form: form.to_owned(),
            // An absurdly long value is cut rather than losing the whole form.
            values: kept_values(values),
            problems,
        };
        set_cookie(FLASH_COOKIE, &encode_flash(&state), 120, "Strict");
        leptos_axum::redirect(page);
    }

    /// Gives the response the status of `error` and returns it, for a server function's `?`.
    pub fn reject(error: AppError) -> AppError {
        if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
            response.set_status(status_of(&error));
        }
        error
    }

    /// A mistake in the input is 422, not a server failure.
    pub fn status_of(error: &AppError) -> http::StatusCode {
        match error {
            AppError::Invalid(_) => http::StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Unauthorized => http::StatusCode::UNAUTHORIZED,
            AppError::NotFound => http::StatusCode::NOT_FOUND,
            AppError::Unavailable => http::StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    /// The flash left for `form`, deleting it so that a reload shows a clean form.
    pub fn take_flash(form: &str) -> Option<FormState> {
        let hex = get_cookie(FLASH_COOKIE)?;
        let bytes: Option<Vec<u8>> = (0..hex.len())
            .step_by(2)
            .map(|i| hex.get(i..i + 2).and_then(|b| u8::from_str_radix(b, 16).ok()))
            .collect();
        let state: FormState = serde_json::from_slice(&bytes?).ok()?;
        if state.form != form {
            return None;
        }
        set_cookie(FLASH_COOKIE, "", 0, "Strict");
        Some(state)
    }

    /// The address the request came from, for rate limits.
    pub fn client_address() -> String {
        use_context::<http::request::Parts>()
            .and_then(|p| {
                p.extensions
                    .get::<crate::api::ports::ClientAddress>()
                    .map(|c| c.0.clone())
            })
            .unwrap_or_else(|| "unknown".to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_values_share_the_flash_and_are_cut_on_characters() {
        let long = "é".repeat(5000);
        let kept = kept_values(&[("a", &long), ("b", "short"), ("c", &long), ("d", &long)]);
        assert_eq!(kept[1].1, "short");
        let total: usize = kept.iter().map(|(_, v)| v.len()).sum();
        assert!(total <= MAX_KEPT_BYTES, "{total} bytes");
        assert!(kept[0].1.chars().all(|c| c == 'é') && !kept[0].1.is_empty());
        assert_eq!(kept_values(&[("one", &"a".repeat(900))])[0].1.len(), MAX_KEPT_CHARS);
    }
}
