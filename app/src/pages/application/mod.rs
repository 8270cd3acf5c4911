//! The application: choosing the kind, the task list, one page per section, the documents, check your answers,
//! and the confirmation. Every page reads the application through [`ApplicationLoader`], which sends a signed-out
//! visitor to the sign-in page and answers 404 for an application that is not theirs.

pub mod booking;
pub mod check;
pub mod documents;
pub mod section;
pub mod start;
pub mod tasks;

use crate::{
    api::{
        applications::{load_application, ApplicationView},
        auth::SIGN_IN_PAGE,
        error::AppError,
    },
    domain::application::{Kind, Section, Status},
    i18n::{use_i18n, Texts},
    pages::not_found::NotFound,
};
use leptos::prelude::*;
use leptos_router::{
    components::Redirect,
    hooks::{use_location, use_params_map},
};

/// The application named in the path, rendered by `view` once loaded.
#[component]
pub fn ApplicationLoader(view: fn(ApplicationView) -> AnyView) -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    // Keyed on the whole path: moving to the next section (in the browser, without a page load) reads the
    // application afresh, with what was just saved.
    let location = use_location();
    let application = Resource::new(move || (id(), location.pathname.get()), |(id, _)| load_application(id));
    view! {
        <Suspense>
            {move || Suspend::new(async move {
                match application.await {
                    Ok(found) => view(found),
                    Err(error) => failure_view(error),
                }
            })}
        </Suspense>
    }
}

/// What a page of an application shows when it cannot be read: the sign-in page for a signed-out visitor, 404
/// for an application that is not theirs, and an apology when the server failed.
pub fn failure_view(error: AppError) -> AnyView {
    match error {
        AppError::Unauthorized => view! { <Redirect path=SIGN_IN_PAGE/> }.into_any(),
        AppError::NotFound => view! { <NotFound/> }.into_any(),
        _ => {
            let i18n = use_i18n();
            view! { <div class="container"><p class="notice">{move || i18n.t().problems.unavailable}</p></div> }
                .into_any()
        }
    }
}

pub fn kind_name(t: &Texts, kind: Kind) -> &'static str {
    match kind {
        Kind::Citizen => t.application.kind_citizen_short,
        Kind::Foreigner => t.application.kind_foreigner_short,
    }
}

pub fn section_name(t: &Texts, section: Section) -> &'static str {
    let i = Section::ALL.iter().position(|s| *s == section).unwrap_or(0);
    t.application.sections[i]
}

pub fn status_name(t: &Texts, status: Status) -> &'static str {
    let i = Status::ALL.iter().position(|s| *s == status).unwrap_or(0);
    t.application.statuses[i]
}
