//! The frame of every console page: the same stylesheet and header as the citizens' pages, the navigation of the
//! staff member's role, the language switch and sign-out; and the responses pages are sent in.

use super::{texts, Signed, StaffState, HOME};
use app::{
    api::{cookies::SameSite, language::LANG_COOKIE_SECS},
    domain::process::Role,
    i18n::{Locale, LANG_COOKIE},
};
use axum::{
    extract::{Query, State},
    http::{header, StatusCode},
    response::{IntoResponse, Redirect, Response},
};
use maud::{html, Markup, DOCTYPE};
use serde::Deserialize;

/// The policy of console pages: no script at all, frames only from this site (a PDF scan beside the data).
const POLICY: &str = "default-src 'self'; script-src 'none'; style-src 'self'; img-src 'self' data:; \
                      frame-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

pub struct Frame<'a> {
    pub locale: Locale,
    pub stylesheet: &'a str,
    pub title: &'a str,
    pub signed: Option<&'a Signed>,
    /// The path the language switch comes back to.
    pub here: &'a str,
}

pub fn document(frame: Frame<'_>, body: Markup) -> Markup {
    let t = texts::texts(frame.locale);
    let other = frame.locale.other();
    html! {
        (DOCTYPE)
        html lang=(frame.locale.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (frame.title) " · " (t.console) }
                link rel="stylesheet" href=(frame.stylesheet);
            }
            body {
                a class="skip-link" href="#isi" { (t.skip) }
                header class="site-header" {
                    div class="container site-header__inner" {
                        a class="site-header__brand" href=(HOME) {
                            span class="site-header__portal" { (t.console) }
                            span class="site-header__office" { (t.office) }
                        }
                        nav class="site-header__nav" aria-label=(t.console) {
                            @if let Some(signed) = frame.signed {
                                @for (href, label) in links(signed) {
                                    a class="site-header__link" href=(href) { (label) }
                                }
                            }
                            a class="site-header__link" lang=(other.code()) hreflang=(other.code())
                                href={ "/petugas/bahasa?lang=" (other.code()) "&next=" (frame.here) } { (t.language) }
                            @if let Some(signed) = frame.signed {
                                form class="language-switch" method="post" action="/petugas/keluar" {
                                    button class="language-switch__button" type="submit" { (t.sign_out) " (" (signed.member.display_name) ")" }
                                }
                                form class="language-switch" method="post" action=(super::sessions::PATH) {
                                    button class="language-switch__button" type="submit" { (t.sign_out_everywhere) }
                                }
                            }
                        }
                    }
                }
                main class="container" id="isi" tabindex="-1" {
                    h1 { (frame.title) }
                    (body)
                }
            }
        }
    }
}

fn links(signed: &Signed) -> Vec<(&'static str, &'static str)> {
    let t = signed.t();
    match signed.member.role {
        Role::Operator => vec![
            (HOME, t.queue),
            ("/petugas/loket", t.counter),
            (super::complaints::PAGE, t.complaints),
        ],
        Role::Supervisor => vec![
            (HOME, t.queue),
            ("/petugas/loket", t.counter),
            (super::complaints::PAGE, t.complaints),
            ("/petugas/blangko", t.cards),
            ("/petugas/log-akses", t.access_log),
            ("/petugas/dasbor", t.dash_nav),
        ],
        Role::Admin => vec![("/petugas/akun", t.accounts), ("/petugas/kalender", t.calendar)],
    }
}

/// A page as a response: never cached (it holds personal data), with the console's policy.
pub fn respond(status: StatusCode, markup: Markup) -> Response {
    (
        status,
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
            (header::CONTENT_SECURITY_POLICY, POLICY),
        ],
        markup.into_string(),
    )
        .into_response()
}

/// 404 in the console's frame: for what does not exist and for what is outside the staff member's scope alike.
pub fn not_found(signed: &Signed) -> Response {
    let t = signed.t();
    respond(
        StatusCode::NOT_FOUND,
        document(
            signed.frame(t.not_found, HOME),
            html! { p { (t.not_found_body) } p { a href=(HOME) { (t.back_to_queue) } } },
        ),
    )
}

/// An error summary at the top of a form, as on the citizens' pages.
pub fn problems(t: &texts::T, messages: &[&str]) -> Markup {
    html! {
        @if !messages.is_empty() {
            div class="error-summary" role="alert" {
                h2 class="error-summary__title" { (t.there_is_a_problem) }
                ul class="error-summary__list" {
                    @for message in messages { li { (message) } }
                }
            }
        }
    }
}

/// The office's local time of a timestamp, `YYYY-MM-DD HH:MM`.
pub fn when(at: i64) -> String {
    use app::domain::office::{office_date, office_time};
    format!("{} {}", office_date(at), office_time(at))
}

#[derive(Deserialize)]
pub struct Switch {
    lang: String,
    next: Option<String>,
}

/// The language switch: remembers the choice in the same cookie as the citizens' pages, through the same cookie
/// policy (HttpOnly, Secure and `__Host-` on an https site), and goes back.
pub async fn switch_language(State(state): State<StaffState>, Query(switch): Query<Switch>) -> Response {
    let locale = Locale::parse(&switch.lang).unwrap_or_default();
    let next = switch
        .next
        .filter(|n| n.starts_with("/petugas") && !n.starts_with("//") && !n.contains(['\\', '\r', '\n']))
        .unwrap_or_else(|| HOME.to_owned());
    let mut response = Redirect::to(&next).into_response();
    crate::http::cookies::set(
        &mut response,
        state.cookies(),
        LANG_COOKIE,
        locale.code(),
        LANG_COOKIE_SECS,
        SameSite::Lax,
    );
    response
}
