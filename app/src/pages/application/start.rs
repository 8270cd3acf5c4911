//! `/permohonan/baru`: which card the applicant asks for.

use crate::components::title::PageTitle;
use crate::{
    api::{
        applications::StartApplication,
        auth::{current_account, SIGN_IN_PAGE},
        form::use_form_state,
    },
    components::form::{form_problems, form_title, ErrorSummary, RadioField},
    domain::application::Kind,
    i18n::use_i18n,
};
use leptos::prelude::*;
use leptos_router::components::Redirect;

#[component]
pub fn StartPage() -> impl IntoView {
    let i18n = use_i18n();
    let t = move || &i18n.t().application;
    let flash = use_form_state("start");
    let action = ServerAction::<StartApplication>::new();
    let problems = form_problems(action.value().into(), flash.problems.clone());
    let title = form_title(problems, |t| t.application.start_title);
    let options = Signal::derive(move || {
        let t = &i18n.t().application;
        vec![
            (
                Kind::Citizen.code().to_owned(),
                format!("{} — {}", t.kind_citizen, t.kind_citizen_hint),
            ),
            (
                Kind::Foreigner.code().to_owned(),
                format!("{} — {}", t.kind_foreigner, t.kind_foreigner_hint),
            ),
        ]
    });
    // Only someone signed in can start an application.
    let account = Resource::new(|| (), |_| current_account());
    view! {
        <PageTitle text=title/>
        <Suspense>
            {move || Suspend::new(async move {
                match account.await {
                    Ok(Some(_)) => {
                        view! {
                            <div class="container narrow">
                                <ErrorSummary problems/>
                                <h1>{move || t().start_heading}</h1>
                                <ActionForm action=action attr:novalidate="">
                                    <RadioField
                                        name="kind"
                                        legend=|t| t.application.start_heading
                                        hint=|t| t.application.start_hint
                                        options
                                        value=String::new()
                                        problems
                                    />
                                    <button class="button" type="submit">{move || t().start_button}</button>
                                </ActionForm>
                            </div>
                        }
                            .into_any()
                    }
                    _ => view! { <Redirect path=SIGN_IN_PAGE/> }.into_any(),
                }
            })}
        </Suspense>
    }
}
