//! `/permohonan/{id}`: the task list. Each section shows whether it is done; the first one that is not is where
//! the applicant continues, so closing the browser and signing in again resumes exactly there.

use super::{kind_name, section_name, status_name, ApplicationLoader};
use crate::{
    api::{
        applications::{check_page, section_page, ApplicationView},
        auth::ACCOUNT_PAGE,
        bookings::booking_page,
    },
    components::form::long_day,
    domain::application::{next_section, section_done, Status},
    i18n::use_i18n,
};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn TasksPage() -> impl IntoView {
    view! { <ApplicationLoader view=tasks/> }
}

fn tasks(app: ApplicationView) -> AnyView {
    let i18n = use_i18n();
    let t = move || &i18n.t().application;
    let docs = app.document_kinds();
    let next = next_section(app.kind, &app.answers, &docs);
    let rows = app
        .kind
        .sections()
        .iter()
        .map(|section| {
            let section = *section;
            let done = section_done(app.kind, section, &app.answers, &docs);
            let href = section_page(&app.id, section);
            let id = format!("tugas-{}", section.slug());
            let status_id = id.clone();
            view! {
                <li class="task">
                    <a class="task__link" href=href aria-describedby=status_id.clone()>{move || section_name(i18n.t(), section)}</a>
                    <strong id=status_id class=if done { "tag tag--done" } else { "tag" }>
                        {move || if done { t().task_done } else { t().task_todo }}
                    </strong>
                </li>
            }
        })
        .collect_view();
    let editable = app.status.editable();
    let id = app.id.clone();
    let kind = app.kind;
    let status = app.status;
    let reason = app.latest_reason().map(str::to_owned).map(|reason| {
        let intro = move || {
            if status == Status::Rejected {
                t().rejected_reason
            } else {
                t().returned_reason
            }
        };
        view! { <div class="notice notice--important"><p>{intro}</p><p><q>{reason}</q></p></div> }
    });
    let waiting = app
        .waiting_for_cards
        .then(|| view! { <p class="notice notice--important">{move || t().waiting_for_cards}</p> });
    let history = (app.history.len() > 1).then(|| {
        let steps = app
            .history
            .iter()
            .map(|h| {
                let (day, step) = (h.day, h.status);
                view! { <li><strong>{move || status_name(i18n.t(), step)}</strong> " · " {move || long_day(i18n.t(), day)}</li> }
            })
            .collect_view();
        view! {
            <h2>{move || t().history_heading}</h2>
            <ol class="timeline">{steps}</ol>
        }
    });
    view! {
        <Title text=move || kind_name(i18n.t(), kind)/>
        <div class="container narrow">
            <h1>{move || kind_name(i18n.t(), kind)}</h1>
            <p>{move || t().status_label} ": " <strong>{move || status_name(i18n.t(), status)}</strong></p>
            {app.reference.clone().map(|r| view! { <p>{move || t().reference_label} ": " <strong class="reference">{r}</strong></p> })}
            {reason}
            {waiting}
            {if editable {
                view! { <p>{move || t().tasks_intro}</p> }.into_any()
            } else {
                view! { <p class="notice">{move || t().not_editable}</p> }.into_any()
            }}
            <ol class="tasks">{rows}</ol>
            {match (editable, next) {
                (true, Some(next)) => {
                    let href = section_page(&id, next);
                    view! { <p><a class="button" href=href>{move || t().continue_with} ": " {move || section_name(i18n.t(), next)}</a></p> }.into_any()
                }
                (true, None) => {
                    let href = check_page(&id);
                    view! { <p><a class="button" href=href>{move || t().check_and_submit}</a></p> }.into_any()
                }
                (false, _) => {
                    let answers = check_page(&id);
                    let booking = booking_page(&id);
                    view! {
                        <p><a class="button" href=booking>{move || i18n.t().booking.view_link}</a></p>
                        <p><a href=answers>{move || t().check_heading}</a></p>
                    }
                    .into_any()
                }
            }}
            {history}
            <p><a href=ACCOUNT_PAGE>{move || t().to_my_applications}</a></p>
        </div>
    }
    .into_any()
}
