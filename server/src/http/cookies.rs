//! The server's side of the one cookie policy (`app::api::cookies`): the same rules for cookies set by plain axum
//! routes (the staff console, the upload route), and the seal of the flash cookie.
//!
//! The flash (what a refused form leaves for the page it returns to) is sealed with ChaCha20-Poly1305 under a key
//! derived from the master key for this purpose only: the browser holds nothing it can read, and a flash that was
//! changed, sealed by another site or for another cookie, or is older than its lifetime is ignored.

use crate::keys::{self, Key};
use app::api::{
    cookies::{CookiePolicy, SameSite},
    form::{ssr::seal_flash, FormState, FLASH_COOKIE, FLASH_SECS},
    ports::FlashSeal,
};
use axum::{http::header, response::Response};
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};

/// Adds the `Set-Cookie` of cookie `base` to `response`, as the policy formats it (`max_age` 0 removes it).
pub fn set(response: &mut Response, policy: CookiePolicy, base: &str, value: &str, max_age: i64, same_site: SameSite) {
    match policy.set_cookie(base, value, max_age, same_site) {
        Some(cookie) => {
            response.headers_mut().append(header::SET_COOKIE, cookie);
        }
        None => tracing::error!(cookie = base, "a cookie value the policy refuses was not set"),
    }
}

/// Leaves `state` in the sealed flash cookie of `response`, for the page the response redirects to.
pub fn set_flash(response: &mut Response, policy: CookiePolicy, seal: &dyn FlashSeal, state: &FormState) {
    set(
        response,
        policy,
        FLASH_COOKIE,
        &seal_flash(seal, state),
        FLASH_SECS,
        SameSite::Strict,
    );
}

/// The seal's expiry, in front of what it seals: seconds since 1970, big-endian.
const EXPIRY_BYTES: usize = 8;

/// The flash's seal: [`keys::seal_bytes`] under the key derived for the flash, the cookie's name as associated
/// data, written as URL-safe base64 without padding (a cookie value needs no quoting).
pub struct SealedFlash {
    key: Key,
}

impl SealedFlash {
    pub fn new(master: &Key) -> SealedFlash {
        SealedFlash {
            key: keys::derive(master, keys::purpose::FLASH),
        }
    }

    fn seal_at(&self, cookie: &str, plain: &[u8], now: i64) -> String {
        let mut message = Vec::with_capacity(EXPIRY_BYTES + plain.len());
        message.extend_from_slice(&(now + FLASH_SECS).to_be_bytes());
        message.extend_from_slice(plain);
        match keys::seal_bytes(&self.key, cookie.as_bytes(), &message) {
            Some(sealed) => URL_SAFE_NO_PAD.encode(sealed),
            None => {
                // Without randomness a nonce could repeat: seal nothing rather than risk it.
                tracing::error!("no random source for the flash's nonce");
                String::new()
            }
        }
    }

    fn open_at(&self, cookie: &str, sealed: &str, now: i64) -> Option<Vec<u8>> {
        let bytes = URL_SAFE_NO_PAD.decode(sealed).ok()?;
        let message = keys::open_bytes(&self.key, cookie.as_bytes(), &bytes)?;
        let (expiry, plain) = message.split_at_checked(EXPIRY_BYTES)?;
        let expires_at = i64::from_be_bytes(expiry.try_into().ok()?);
        (now <= expires_at).then(|| plain.to_vec())
    }
}

impl FlashSeal for SealedFlash {
    fn seal(&self, cookie: &str, plain: &[u8]) -> String {
        self.seal_at(cookie, plain, crate::auth::now())
    }

    fn open(&self, cookie: &str, sealed: &str) -> Option<Vec<u8>> {
        self.open_at(cookie, sealed, crate::auth::now())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::{
        api::{
            error::{FieldProblem, Problem},
            form::{kept_values, ssr::open_flash, MAX_KEPT_CHARS},
        },
        domain::application::{Issue, Kind},
    };
    use secrecy::SecretBox;

    fn seal() -> SealedFlash {
        SealedFlash::new(&SecretBox::new(Box::new(vec![7u8; 64])))
    }

    #[test]
    fn what_is_sealed_opens_only_unchanged_for_its_cookie_with_its_key_and_in_time() {
        let flash = seal();
        let sealed = flash.seal_at("flash", b"{\"form\":\"x\"}", 1000);
        assert!(sealed
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
        assert_eq!(
            flash.open_at("flash", &sealed, 1000).as_deref(),
            Some(&b"{\"form\":\"x\"}"[..])
        );
        assert_ne!(
            sealed,
            flash.seal_at("flash", b"{\"form\":\"x\"}", 1000),
            "a fresh nonce each time"
        );

        assert!(
            flash.open_at("session", &sealed, 1000).is_none(),
            "bound to its cookie's name"
        );
        assert!(
            flash.open_at("flash", &sealed, 1000 + FLASH_SECS + 1).is_none(),
            "too old"
        );
        let other = SealedFlash::new(&SecretBox::new(Box::new(vec![8u8; 64])));
        assert!(other.open_at("flash", &sealed, 1000).is_none(), "another key");
        let mut bytes = URL_SAFE_NO_PAD.decode(&sealed).unwrap();
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        assert!(
            flash.open_at("flash", &URL_SAFE_NO_PAD.encode(&bytes), 1000).is_none(),
            "changed"
        );
        for junk in ["", "AAAA", "not base64!", "%%%"] {
            assert!(flash.open_at("flash", junk, 1000).is_none());
        }
    }

    /// The worst a form can leave: the section with the most fields, each typed to the limit in characters that
    /// cost the most, each with a problem. The cookie, name included, must still fit a browser's 4 KB.
    #[test]
    fn the_largest_flash_fits_a_cookie() {
        let flash = seal();
        let longest = "\u{1}".repeat(MAX_KEPT_CHARS * 4);
        let widest = "\u{10348}".repeat(MAX_KEPT_CHARS * 4);
        let sections = Kind::ALL.iter().flat_map(|k| k.sections().iter().map(|s| s.fields()));
        for fields in sections {
            for filler in [&longest, &widest] {
                let typed: Vec<(&str, &str)> = fields.iter().map(|f| (*f, filler.as_str())).collect();
                let state = FormState {
                    form: "section-data-diri-pemohon".to_owned(),
                    values: kept_values(&typed),
                    problems: fields
                        .iter()
                        .map(|f| FieldProblem {
                            field: (*f).to_owned(),
                            problem: Problem::Answer(Issue::BirthDateConflictsWithNik {
                                year: -2006,
                                month: 12,
                                day: 31,
                            }),
                        })
                        .collect(),
                };
                let cookie = format!("__Host-{FLASH_COOKIE}={}", seal_flash(&flash, &state));
                assert!(cookie.len() <= 4096, "{} bytes for {fields:?}", cookie.len());
                assert_eq!(open_flash(&flash, cookie.split_once('=').unwrap().1), Some(state));
            }
        }
    }
}
