//! Two languages, Bahasa Indonesia first.
//!
//! Every string the portal shows lives in [`Texts`], a plain struct with one `&'static str` field per key. Each
//! language is one constant of that struct (`app/locales/id.rs`, `app/locales/en.rs`), so the compiler checks
//! both ways: a key missing from a language, or a page asking for a key that does not exist, does not build.
//! The struct costs nothing at run time and adds no dependency to the WebAssembly bundle.
//!
//! The current language is in context: the server reads it from the `lang` cookie. Pages are rendered on the
//! server, so islands hold no text of their own: each is given the words it shows, in the page's language. The
//! language switch is a form: the page comes again in the other language.

mod texts;

#[path = "../../locales/en.rs"]
mod en;
#[path = "../../locales/id.rs"]
mod id;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};
pub use texts::*;

/// The name of the cookie that remembers the chosen language.
pub const LANG_COOKIE: &str = "lang";

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Locale {
    /// Bahasa Indonesia, the default.
    #[default]
    Id,
    /// English, for foreign residents.
    En,
}

impl Locale {
    pub const ALL: [Locale; 2] = [Locale::Id, Locale::En];

    /// The BCP 47 tag, as used in `<html lang>` and in the cookie.
    pub fn code(self) -> &'static str {
        match self {
            Locale::Id => "id",
            Locale::En => "en",
        }
    }

    /// Accepts exactly the codes that [`Locale::code`] gives.
    pub fn parse(code: &str) -> Option<Locale> {
        Locale::ALL.into_iter().find(|l| l.code() == code.trim())
    }

    /// The other language: the one the switch offers.
    pub fn other(self) -> Locale {
        match self {
            Locale::Id => Locale::En,
            Locale::En => Locale::Id,
        }
    }

    /// The name of this language in itself, as the switch shows it.
    pub fn endonym(self) -> &'static str {
        match self {
            Locale::Id => "Bahasa Indonesia",
            Locale::En => "English",
        }
    }

    pub fn texts(self) -> &'static Texts {
        match self {
            Locale::Id => &id::TEXTS,
            Locale::En => &en::TEXTS,
        }
    }

    /// The language remembered in a `Cookie` request header (`__Host-lang` on an https site, else `lang`);
    /// Indonesian when there is none or it is unknown.
    pub fn from_cookie_header(header: &str) -> Locale {
        let named = |wanted: &str| {
            header
                .split(';')
                .filter_map(|pair| pair.split_once('='))
                .find(|(name, _)| name.trim() == wanted)
                .and_then(|(_, value)| Locale::parse(value))
        };
        named(&format!("__Host-{LANG_COOKIE}"))
            .or_else(|| named(LANG_COOKIE))
            .unwrap_or_default()
    }
}

/// The current language, shared by every component of a page.
/// The page's language. It never changes while a page is shown (the switch loads the page again), so it is a plain
/// value, not a signal: a view reads its strings once.
#[derive(Clone, Copy)]
pub struct I18n(Locale);

impl I18n {
    pub fn locale(self) -> Locale {
        self.0
    }

    pub fn t(self) -> &'static Texts {
        self.locale().texts()
    }
}

/// Puts the language of this request (server) or of this page (browser) into context.
pub fn provide_i18n() -> I18n {
    let i18n = I18n(initial_locale());
    provide_context(i18n);
    i18n
}

pub fn use_i18n() -> I18n {
    use_context::<I18n>().unwrap_or_else(provide_i18n)
}

/// The language the page is rendered in: on the server from the request's cookie, in the browser from the
/// `<html lang>` that the server rendered, so that hydration sees exactly the server's text.
pub fn initial_locale() -> Locale {
    #[cfg(feature = "ssr")]
    {
        use_context::<http::request::Parts>()
            .and_then(|parts| {
                parts
                    .headers
                    .get(http::header::COOKIE)
                    .and_then(|v| v.to_str().ok())
                    .map(Locale::from_cookie_header)
            })
            .unwrap_or_default()
    }
    #[cfg(all(feature = "hydrate", not(feature = "ssr")))]
    {
        web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
            .and_then(|e| e.get_attribute("lang"))
            .and_then(|code| Locale::parse(&code))
            .unwrap_or_default()
    }
    #[cfg(not(any(feature = "ssr", feature = "hydrate")))]
    {
        Locale::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indonesian_is_the_default() {
        assert_eq!(Locale::default(), Locale::Id);
        assert_eq!(Locale::from_cookie_header(""), Locale::Id);
        assert_eq!(Locale::from_cookie_header("lang=xx"), Locale::Id);
    }

    #[test]
    fn the_cookie_chooses_the_language() {
        assert_eq!(Locale::from_cookie_header("a=1; lang=en; b=2"), Locale::En);
        assert_eq!(Locale::from_cookie_header("lang=id"), Locale::Id);
        assert_eq!(Locale::from_cookie_header("xlang=en"), Locale::Id);
        assert_eq!(Locale::from_cookie_header("lang=id; __Host-lang=en"), Locale::En);
    }

    #[test]
    fn codes_round_trip() {
        for locale in Locale::ALL {
            assert_eq!(Locale::parse(locale.code()), Some(locale));
            assert_eq!(locale.other().other(), locale);
        }
    }

    #[test]
    fn both_languages_have_the_same_lists() {
        // Lists are the one thing the compiler cannot check: a step missing in one language would shift the
        // numbering between them.
        let (id, en) = (Locale::Id.texts(), Locale::En.texts());
        for (a, b) in [
            (id.home.wni.requirements, en.home.wni.requirements),
            (id.home.wni.steps, en.home.wni.steps),
            (id.home.foreigner.requirements, en.home.foreigner.requirements),
            (id.home.foreigner.steps, en.home.foreigner.steps),
        ] {
            assert_eq!(a.len(), b.len());
            assert!(!a.is_empty());
        }
    }
}
