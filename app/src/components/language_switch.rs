//! Switches between Bahasa Indonesia and English, with or without JavaScript, and keeps the user on the same page.

use crate::{api::language::SetLanguage, i18n::use_i18n};
use leptos::prelude::*;
use leptos_router::hooks::use_location;

#[component]
pub fn LanguageSwitch() -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<SetLanguage>::new();
    let location = use_location();
    let here = move || {
        let search = location.search.get();
        match search.as_str() {
            "" => location.pathname.get(),
            s if s.starts_with('?') => format!("{}{s}", location.pathname.get()),
            s => format!("{}?{s}", location.pathname.get()),
        }
    };

    // With JavaScript the form is sent in the background; once the server has stored the choice, the page
    // changes language in place.
    Effect::new(move |_| {
        if let Some(Ok(locale)) = action.value().get() {
            i18n.set(locale);
        }
    });

    view! {
        <ActionForm action=action attr:class="language-switch">
            <input type="hidden" name="lang" value=move || i18n.locale().other().code()/>
            <input type="hidden" name="next" value=here/>
            <button
                type="submit"
                class="language-switch__button"
                lang=move || i18n.locale().other().code()
                aria-label=move || {
                    format!("{}: {}", i18n.t().common.language_label, i18n.locale().other().endonym())
                }
            >
                {move || i18n.t().common.switch_to}
            </button>
        </ActionForm>
    }
}
