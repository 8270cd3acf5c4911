//! The one cookie policy. Every cookie the portal sets, from a server function or from a plain axum route, is
//! formatted here, so that the rules are written once:
//!
//! - the name gets the `__Host-` prefix whenever cookies are `Secure` (an https base URL): the browser then
//!   refuses the cookie unless it is `Secure`, has `Path=/` and no `Domain`, so neither a sibling subdomain nor a
//!   plain-http page can plant or overwrite it;
//! - `Path=/`, never a `Domain`;
//! - `HttpOnly`, always: no script of the portal reads a cookie (the language the page is in comes from
//!   `<html lang>`, the flash is read on the server and carried into the page), so none needs to be visible to one;
//! - `SameSite` chosen per cookie by its caller (`Strict` for the flash and the staff session, `Lax` where a link
//!   from another site must arrive signed in or in the chosen language);
//! - `Secure` whenever the base URL is https;
//! - `Max-Age`, always (0 removes the cookie).
//!
//! The portal's cookies: `session` and `signin` (citizen sign-in, Lax), `flash` (a refused form's state, sealed,
//! Strict), `lang` (the chosen language, Lax) and `staff_session` (Strict).

use http::{header, HeaderMap, HeaderValue};

/// Whether a browser sends the cookie with requests that another site starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SameSite {
    /// Only with requests the portal's own pages start.
    Strict,
    /// Also when the user follows a link from another site (not with its forms or scripts).
    Lax,
}

impl SameSite {
    fn as_str(self) -> &'static str {
        match self {
            SameSite::Strict => "Strict",
            SameSite::Lax => "Lax",
        }
    }
}

/// For callers that name the attribute: `"Lax"` is Lax, anything else the stricter `Strict`.
impl From<&str> for SameSite {
    fn from(value: &str) -> SameSite {
        if value.eq_ignore_ascii_case("lax") {
            SameSite::Lax
        } else {
            SameSite::Strict
        }
    }
}

/// How this site's cookies are set: the one setting is whether the public base URL is https.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CookiePolicy {
    pub secure: bool,
}

impl CookiePolicy {
    /// The policy of this request, from the site settings the server provides (not Secure without them).
    pub fn current() -> CookiePolicy {
        CookiePolicy {
            secure: leptos::prelude::use_context::<crate::api::ports::SiteSettings>().is_some_and(|s| s.secure_cookies),
        }
    }

    /// The name the cookie `base` has on this site: `__Host-<base>` whenever cookies are Secure.
    pub fn name(self, base: &str) -> String {
        if self.secure {
            format!("__Host-{base}")
        } else {
            base.to_owned()
        }
    }

    /// The `Set-Cookie` value that sets cookie `base` to `value` for `max_age` seconds (0 removes it). `None` when
    /// `value` holds a character a cookie value may not (RFC 6265 `cookie-octet`): nothing is set rather than a
    /// header an attacker could shape.
    pub fn set_cookie(self, base: &str, value: &str, max_age: i64, same_site: SameSite) -> Option<HeaderValue> {
        if !value.bytes().all(is_cookie_octet) || !base.bytes().all(is_token_char) {
            return None;
        }
        let cookie = format!(
            "{}={value}; Path=/; Max-Age={}; HttpOnly; SameSite={}{}",
            self.name(base),
            max_age.max(0),
            same_site.as_str(),
            if self.secure { "; Secure" } else { "" }
        );
        HeaderValue::from_str(&cookie).ok()
    }

    /// The `Set-Cookie` value that removes cookie `base`.
    pub fn remove(self, base: &str, same_site: SameSite) -> Option<HeaderValue> {
        self.set_cookie(base, "", 0, same_site)
    }

    /// The value of cookie `base` (under this site's name for it) in a request's headers.
    pub fn read(self, headers: &HeaderMap, base: &str) -> Option<String> {
        cookie_in(headers, &self.name(base))
    }
}

/// The value of the cookie called exactly `name` in a request's headers.
pub fn cookie_in(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v.to_owned())
}

/// RFC 6265: `%x21 / %x23-2B / %x2D-3A / %x3C-5B / %x5D-7E` (no space, quote, comma, semicolon or backslash).
fn is_cookie_octet(b: u8) -> bool {
    matches!(b, 0x21 | 0x23..=0x2B | 0x2D..=0x3A | 0x3C..=0x5B | 0x5D..=0x7E)
}

/// RFC 7230 `tchar`, for the cookie's name.
fn is_token_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secure_site_prefixes_and_marks_every_cookie() {
        let secure = CookiePolicy { secure: true };
        let cookie = secure.set_cookie("session", "abc.def", 600, SameSite::Lax).unwrap();
        assert_eq!(
            cookie.to_str().unwrap(),
            "__Host-session=abc.def; Path=/; Max-Age=600; HttpOnly; SameSite=Lax; Secure"
        );
        let plain = CookiePolicy { secure: false };
        assert_eq!(
            plain.remove("flash", SameSite::Strict).unwrap().to_str().unwrap(),
            "flash=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict"
        );
    }

    #[test]
    fn a_value_that_could_shape_the_header_sets_nothing() {
        let policy = CookiePolicy::default();
        for value in [
            "a;Domain=evil.example",
            "a b",
            "a\r\nSet-Cookie: x=1",
            "\"q\"",
            "a,b",
            "é",
        ] {
            assert!(
                policy.set_cookie("lang", value, 1, SameSite::Lax).is_none(),
                "{value:?}"
            );
        }
        assert!(policy.set_cookie("a=b", "v", 1, SameSite::Lax).is_none());
    }

    #[test]
    fn a_cookie_is_read_under_the_sites_name_only() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("session=plain; __Host-session=prefixed"),
        );
        assert_eq!(
            CookiePolicy { secure: true }.read(&headers, "session").as_deref(),
            Some("prefixed")
        );
        assert_eq!(
            CookiePolicy { secure: false }.read(&headers, "session").as_deref(),
            Some("plain")
        );
        assert_eq!(SameSite::from("Lax"), SameSite::Lax);
        assert_eq!(SameSite::from("None"), SameSite::Strict);
    }
}
