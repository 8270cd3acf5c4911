//! Switches between Bahasa Indonesia and English and keeps the user on the same page: a plain form on every page,
//! with or without JavaScript. The page is rendered on the server, in one language; the switch stores the choice
//! and the same page comes again in the other.

use crate::{api::language::SetLanguage, i18n::use_i18n};
use leptos::{prelude::*, server_fn::ServerFn};
use leptos_router::hooks::use_location;

#[component]
pub fn LanguageSwitch() -> impl IntoView {
    let i18n = use_i18n();
    let location = use_location();
    let here = move || {
        let search = location.search.get();
        match search.as_str() {
            "" => location.pathname.get(),
            s if s.starts_with('?') => format!("{}{s}", location.pathname.get()),
            s => format!("{}?{s}", location.pathname.get()),
        }
    };
    let other = move || i18n.locale().other();
    view! {
        <form method="post" action=SetLanguage::url() class="language-switch">
            <input type="hidden" name="lang" value=move || other().code()/>
            <input type="hidden" name="next" value=here/>
            <button
                type="submit"
                class="language-switch__button"
                lang=move || other().code()
                aria-label=move || format!("{}: {}", i18n.t().common.language_label, other().endonym())
            >
                {move || i18n.t().common.switch_to}
            </button>
        </form>
    }
}
