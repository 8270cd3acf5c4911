//! The page for an address that does not exist, answered with status 404.

use crate::components::title::PageTitle;
use crate::i18n::use_i18n;
use leptos::prelude::*;

#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    let i18n = use_i18n();
    let t = move || &i18n.t().not_found;
    view! {
        <PageTitle text=move || t().page_title/>
        <div class="container">
            <h1>{move || t().heading}</h1>
            <p>{move || t().body}</p>
            <p><a href="/">{move || t().home_link}</a></p>
        </div>
    }
}
