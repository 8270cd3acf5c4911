//! `/permohonan/{id}/periksa` (check your answers, then submit) and `/permohonan/{id}/terkirim` (the
//! confirmation with the registration number and what happens next).

use super::{kind_name, section_name, status_name, ApplicationLoader};
use crate::components::title::PageTitle;
use crate::{
    api::{
        applications::{application_page, document_url, section_page, ApplicationView, SubmitApplication},
        auth::ACCOUNT_PAGE,
        bookings::booking_page,
        form::use_form_state,
    },
    components::{
        answers::summary_rows,
        form::{form_problems, form_title, ErrorSummary},
    },
    domain::{
        application::{kitap_status, Section},
        eligibility::KitapStatus,
    },
    i18n::use_i18n,
};
use leptos::prelude::*;

#[component]
pub fn CheckPage() -> impl IntoView {
    view! { <ApplicationLoader view=check/> }
}

#[component]
pub fn ConfirmationPage() -> impl IntoView {
    view! { <ApplicationLoader view=confirmation/> }
}

fn check(app: ApplicationView) -> AnyView {
    let i18n = use_i18n();
    let t = move || &i18n.t().application;
    let flash = use_form_state("submit");
    let action = ServerAction::<SubmitApplication>::new();
    let problems = form_problems(action.value().into(), flash.problems.clone());
    let title = form_title(problems, |t| t.application.check_title);
    let editable = app.status.editable();
    let app = StoredValue::new(app);
    let sections = move || {
        let app = app.get_value();
        app.kind
            .sections()
            .iter()
            .map(|section| {
                let section = *section;
                let href = section_page(&app.id, section);
                let rows = summary_rows(i18n.t(), i18n.locale(), &app, section);
                let links = (section == Section::Documents).then(|| {
                    app.documents
                        .iter()
                        .map(|d| {
                            let url = document_url(&app.id, d.document);
                            view! { <li><a href=url target="_blank" rel="noopener">{t().view_file} ": " {i18n.t().fields.label(d.document.code())}</a></li> }
                        })
                        .collect_view()
                });
                view! {
                    <h2>{section_name(i18n.t(), section)}</h2>
                    <dl class="summary">
                        {rows.into_iter().map(|(k, v)| view! { <div class="summary__row"><dt>{k}</dt><dd>{v}</dd></div> }).collect_view()}
                    </dl>
                    {links.map(|l| view! { <ul>{l}</ul> })}
                    {editable.then(|| view! {
                        <p><a href=href.clone()>{t().change} <span class="visually-hidden">{format!(" {}", section_name(i18n.t(), section))}</span></a></p>
                    })}
                }
            })
            .collect_view()
    };
    let soon = match kitap_status(&app.get_value().answers, app.get_value().today) {
        Some(Ok(KitapStatus::ExpiresSoon(days))) => Some(days),
        _ => None,
    };
    let (id, kind, status, reference) = {
        let a = app.get_value();
        (a.id.clone(), a.kind, a.status, a.reference.clone())
    };
    view! {
        <PageTitle text=title/>
        <div class="container narrow">
            <p><a class="back-link" href=application_page(&id)>{move || t().back_to_tasks}</a></p>
            <ErrorSummary problems/>
            <h1>{move || t().check_heading}</h1>
            <p>{move || kind_name(i18n.t(), kind)}</p>
            {soon.map(|days| view! { <p class="notice">{move || t().kitap_expires_soon.replace("{n}", &days.to_string())}</p> })}
            {sections}
            {if editable {
                view! {
                    <h2>{move || t().declaration_heading}</h2>
                    <p>{move || t().declaration}</p>
                    <ActionForm action=action>
                        <input type="hidden" name="application" value=id.clone()/>
                        <button class="button" type="submit">{move || t().submit_button}</button>
                    </ActionForm>
                }
                    .into_any()
            } else {
                view! {
                    <p class="notice">{move || t().not_editable}</p>
                    <p>{move || t().status_label} ": " <strong>{move || status_name(i18n.t(), status)}</strong></p>
                    {reference.map(|r| view! { <p>{move || t().reference_label} ": " <strong class="reference">{r}</strong></p> })}
                }
                    .into_any()
            }}
        </div>
    }
    .into_any()
}

fn confirmation(app: ApplicationView) -> AnyView {
    let i18n = use_i18n();
    let t = move || &i18n.t().application;
    let reference = app.reference.clone().unwrap_or_default();
    view! {
        <PageTitle text=move || t().done_title/>
        <div class="container narrow">
            <div class="panel">
                <h1 class="panel__title">{move || t().done_heading}</h1>
                <p>{move || t().done_reference}</p>
                <p class="panel__reference reference">{reference}</p>
            </div>
            <h2>{move || t().next_heading}</h2>
            <ol class="steps">{move || t().next_steps.iter().map(|s| view! { <li>{*s}</li> }).collect_view()}</ol>
            <p><a class="button" href=booking_page(&app.id)>{move || i18n.t().booking.book_link}</a></p>
            <p><a href=ACCOUNT_PAGE>{move || t().to_my_applications}</a></p>
        </div>
    }
    .into_any()
}
