//! Forms that work without JavaScript.
//!
//! With JavaScript, a form is sent in the background and its server function's error comes back as data; the
//! page shows it without losing what was typed. Without JavaScript the browser posts the form and follows a
//! redirect, so the server leaves the typed values and the problems in a short-lived, HttpOnly "flash" cookie
//! for the page it sends the browser back to. Nothing typed ever goes into a URL, and the flash is sealed
//! (encrypted and authenticated by the server's `FlashSeal`, `crate::api::ports`) and never holds a NIK or a KK
//! number: the browser keeps nothing it can read, and a flash it changed is ignored.

use super::error::FieldProblem;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The most characters of one typed value the flash keeps.
pub const MAX_KEPT_CHARS: usize = 500;

/// The most bytes (as JSON) of typed values the flash keeps in all. A browser keeps a cookie of about 4 KB, and the
/// sealed flash is base64 of its JSON (4/3 of it) plus a nonce and a tag: with the field names and problems this
/// stays under the limit however many fields a form has (`server/src/http/cookies.rs` tests the worst case).
pub const MAX_KEPT_BYTES: usize = 1600;

/// How long the flash lives: long enough to follow the redirect, short enough not to linger.
pub const FLASH_SECS: i64 = 120;

/// Whether `field` holds a NIK or a KK number (the form's `nik` and `no_kk`, or any field whose name says so). The
/// flash never keeps what was typed in such a field, not even sealed: after a refused save it comes back empty.
pub fn never_kept(field: &str) -> bool {
    let name = field.to_ascii_lowercase();
    name.split(|c: char| !c.is_ascii_alphanumeric())
        .any(|word| word == "nik" || word == "kk" || word == "nokk" || word == "kknumber")
        || name.contains("kk_number")
}

/// What one character costs in the flash's JSON: control characters, quotes and backslashes are escaped.
fn json_len(c: char) -> usize {
    match c {
        '"' | '\\' | '\n' | '\r' | '\t' | '\u{8}' | '\u{c}' => 2,
        c if (c as u32) < 0x20 => 6,
        c => c.len_utf8(),
    }
}

/// `values` cut so that together they fit the flash: each gets an equal share of [`MAX_KEPT_BYTES`] (at most
/// [`MAX_KEPT_CHARS`] characters), cut on a character boundary; a NIK or KK number ([`never_kept`]) is kept empty.
pub fn kept_values(values: &[(&str, &str)]) -> Vec<(String, String)> {
    let share = MAX_KEPT_BYTES / values.len().max(1);
    values
        .iter()
        .map(|(name, value)| {
            let mut kept = String::new();
            let mut cost = 0;
            if !never_kept(name) {
                for c in value.chars().take(MAX_KEPT_CHARS) {
                    if cost + json_len(c) > share {
                        break;
                    }
                    cost += json_len(c);
                    kept.push(c);
                }
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
    use crate::api::cookies::{CookiePolicy, SameSite};
    use crate::api::error::AppError;
    use crate::api::ports::{Flash, FlashSeal};
    use http::header;

    pub use crate::api::cookies::cookie_in;

    /// Whether cookies are Secure on this site (an https base URL).
    pub fn secure() -> bool {
        CookiePolicy::current().secure
    }

    /// A cookie name, with the `__Host-` prefix (no Domain, Path=/, Secure) whenever cookies are Secure.
    pub fn cookie_name(base: &str) -> String {
        CookiePolicy::current().name(base)
    }

    pub fn get_cookie(base: &str) -> Option<String> {
        let parts = use_context::<http::request::Parts>()?;
        CookiePolicy::current().read(&parts.headers, base)
    }

    /// Sets a cookie on this response through the one cookie policy ([`crate::api::cookies`]); `max_age` 0
    /// deletes it.
    pub fn set_cookie(base: &str, value: &str, max_age: i64, same_site: impl Into<SameSite>) {
        if let (Some(response), Some(value)) = (
            use_context::<leptos_axum::ResponseOptions>(),
            CookiePolicy::current().set_cookie(base, value, max_age, same_site.into()),
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

    /// Leaves what was typed (never a NIK or KK number), and any problems, for `page` in the sealed flash cookie
    /// and sends the browser there.
    pub fn remember(form: &str, page: &str, values: &[(&str, &str)], problems: Vec<FieldProblem>) {
        let state = FormState {
            form: form.to_owned(),
            // An absurdly long value is cut rather than losing the whole form.
            values: kept_values(values),
            problems,
        };
        if let Some(seal) = use_context::<Flash>() {
            set_cookie(FLASH_COOKIE, &seal_flash(&*seal, &state), FLASH_SECS, SameSite::Strict);
        }
        leptos_axum::redirect(page);
    }

    /// The flash cookie's value for `state`: its JSON, sealed for the flash cookie.
    pub fn seal_flash(seal: &dyn FlashSeal, state: &FormState) -> String {
        let json = serde_json::to_vec(state).unwrap_or_default();
        seal.seal(FLASH_COOKIE, &json)
    }

    /// The state in a flash cookie's value; `None` for one tampered with, foreign or too old.
    pub fn open_flash(seal: &dyn FlashSeal, sealed: &str) -> Option<FormState> {
        serde_json::from_slice(&seal.open(FLASH_COOKIE, sealed)?).ok()
    }

    /// Gives the response the status of `error` and returns it, for a server function's `?`.
    pub fn reject(error: AppError) -> AppError {
        if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
            response.set_status(status_of(&error));
        }
        error
    }

    /// A mistake in the input is 422, a request that cannot be read 400, not a server failure.
    pub fn status_of(error: &AppError) -> http::StatusCode {
        match error {
            AppError::Invalid(_) => http::StatusCode::UNPROCESSABLE_ENTITY,
            AppError::BadRequest => http::StatusCode::BAD_REQUEST,
            AppError::Unauthorized => http::StatusCode::UNAUTHORIZED,
            AppError::NotFound => http::StatusCode::NOT_FOUND,
            AppError::Unavailable => http::StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    /// Whether `error` says a server function's arguments could not be read from the request (an empty or
    /// malformed body or query, invalid UTF-8, a field repeated or missing); if so, gives the response its status:
    /// 413 when the body was over the limit, else 400. (The function did not run; without this the answer is 500.)
    pub fn unreadable_request(error: &leptos::server_fn::error::ServerFnErrorErr) -> bool {
        use leptos::server_fn::error::ServerFnErrorErr::{Args, Deserialization, MissingArg};
        if !matches!(error, Args(_) | MissingArg(_) | Deserialization(_)) {
            return false;
        }
        let too_large = error.to_string().contains("length limit");
        if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
            response.set_status(if too_large {
                http::StatusCode::PAYLOAD_TOO_LARGE
            } else {
                http::StatusCode::BAD_REQUEST
            });
        }
        true
    }

    /// The flash left for `form`, deleting it so that a reload shows a clean form. A flash that does not open
    /// (tampered with, sealed elsewhere, too old) is ignored and deleted.
    pub fn take_flash(form: &str) -> Option<FormState> {
        let sealed = get_cookie(FLASH_COOKIE)?;
        let Some(state) = use_context::<Flash>().and_then(|seal| open_flash(&*seal, &sealed)) else {
            set_cookie(FLASH_COOKIE, "", 0, SameSite::Strict);
            return None;
        };
        if state.form != form {
            return None;
        }
        set_cookie(FLASH_COOKIE, "", 0, SameSite::Strict);
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

    #[cfg(feature = "ssr")]
    #[test]
    fn the_budget_counts_what_json_escaping_adds() {
        let controls = "\u{1}\"".repeat(2000);
        let kept = kept_values(&[("text", &controls), ("b", &controls)]);
        let json: usize = kept
            .iter()
            .map(|(_, v)| serde_json::to_string(v).unwrap().len() - 2)
            .sum();
        assert!(json <= MAX_KEPT_BYTES, "{json} bytes of JSON");
        assert!(!kept[0].1.is_empty());
    }

    #[test]
    fn a_nik_or_kk_number_is_never_kept() {
        let kept = kept_values(&[
            ("nik", "1403094508060002"),
            ("no_kk", "1403091201150003"),
            ("spouse_nik", "1403094508060002"),
            ("kk_number", "1403091201150003"),
            ("full_name", "Siti Aminah"),
        ]);
        assert_eq!(kept[0], ("nik".to_owned(), String::new()));
        assert!(kept[..4].iter().all(|(_, v)| v.is_empty()), "{kept:?}");
        assert_eq!(kept[4].1, "Siti Aminah");
        assert!(!never_kept("nickname") && !never_kept("birth_place") && !never_kept("kitap_no"));
    }
}
