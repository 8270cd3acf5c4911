//! What every page has: the skip link, the header with the office name and the language switch, the footer with
//! the office's address, phones and the complaint channel.

use crate::{api::auth::ACCOUNT_PAGE, components::language_switch::LanguageSwitch, domain::office, i18n::use_i18n};
use leptos::prelude::*;

#[component]
pub fn Header() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <a class="skip-link" href="#main">{move || i18n.t().common.skip_link}</a>
        <header class="site-header">
            <div class="container site-header__inner">
                <a class="site-header__brand" href="/">
                    <span class="site-header__portal">{move || i18n.t().common.portal_name}</span>
                    <span class="site-header__office">
                        {move || i18n.t().common.office_name}
                        " "
                        {move || i18n.t().common.region}
                    </span>
                </a>
                <nav class="site-header__nav">
                    <a class="site-header__link" href=ACCOUNT_PAGE>{move || i18n.t().common.my_account}</a>
                    <LanguageSwitch/>
                </nav>
            </div>
        </header>
    }
}

#[component]
pub fn Footer() -> impl IntoView {
    let i18n = use_i18n();
    let t = move || &i18n.t().footer;
    view! {
        <footer class="site-footer">
            <div class="container">
                <h2>{move || t().contact_heading}</h2>
                <p>
                    <strong>
                        {move || i18n.t().common.office_name}
                        " "
                        {move || i18n.t().common.region}
                    </strong>
                </p>
                <dl class="contact">
                    <dt>{move || t().address_label}</dt>
                    <dd>{move || t().address}</dd>
                    <dt>{move || t().phone_label}</dt>
                    <dd>
                        <ul class="plain">
                            {office::PHONES
                                .iter()
                                .map(|(shown, uri)| view! { <li><a href=*uri>{*shown}</a></li> })
                                .collect_view()}
                        </ul>
                    </dd>
                    <dt>{move || t().website_label}</dt>
                    <dd><a href=office::WEBSITE.1>{office::WEBSITE.0}</a></dd>
                </dl>
                <h2>{move || t().complaint_heading}</h2>
                <p>{move || t().complaint_text}</p>
                <p class="free-notice">{move || t().free_notice}</p>
            </div>
        </footer>
    }
}
