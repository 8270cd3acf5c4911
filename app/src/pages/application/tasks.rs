//! `/permohonan/{id}`: the task list. Each section shows whether it is done; the first one that is not is where
//! the applicant continues, so closing the browser and signing in again resumes exactly there.

use super::{kind_name, section_name, status_name, ApplicationLoader};
use crate::components::title::PageTitle;
use crate::{
    api::form::use_form_state,
    api::{
        applications::{check_page, section_page, ApplicationView, COMPLAINT_FORM},
        auth::ACCOUNT_PAGE,
        bookings::{booking_page, form_pdf_url},
    },
    components::form::{field_error, long_day, ErrorSummary},
    domain::{
        application::{next_section, section_done, Status},
        complaint::ComplaintStatus,
        tracking::{action, clarification, Action, ClarificationCause},
    },
    i18n::{use_i18n, Application},
};
use leptos::prelude::*;

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
    let statuses: Vec<Status> = app.history.iter().map(|h| h.status).collect();
    let situation = Situation {
        status,
        cause: clarification(&statuses).filter(|_| status == Status::Clarification),
        handover_point: app.handover_point.clone(),
    };
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
    let today = app.today;
    let promise = app.promise.map(|p| {
        let text = move || {
            let t = i18n.t();
            let date = long_day(t, p.due);
            let a = &t.application;
            match (p.ready_on, p.late(today)) {
                (Some(ready), late) => (if late { a.promise_broken } else { a.promise_kept })
                    .replace("{ready}", &long_day(t, ready))
                    .replace("{date}", &date),
                (None, true) => a.promise_late.replace("{date}", &date),
                (None, false) if p.from_appointment => a.promise_from_appointment.replace("{date}", &date),
                (None, false) => a.promise_due.replace("{date}", &date),
            }
        };
        let class = if p.late(today) {
            "notice notice--important"
        } else {
            "notice"
        };
        view! {
            <h2 id="janji">{move || t().promise_heading}</h2>
            <p class=class>{text}</p>
        }
    });
    let renewal = app.renewal_due.map(|expiry| {
        view! {
            <p class="notice notice--important">
                {move || t().renewal_notice.replace("{date}", &long_day(i18n.t(), expiry))}
            </p>
        }
    });
    let history = (!app.history.is_empty()).then(|| {
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
        <PageTitle text=move || kind_name(i18n.t(), kind)/>
        <div class="container narrow">
            <h1>{move || kind_name(i18n.t(), kind)}</h1>
            <p>{move || t().status_label} ": " <strong>{move || status_name(i18n.t(), status)}</strong></p>
            {app.reference.clone().map(|r| view! { <p>{move || t().reference_label} ": " <strong class="reference">{r}</strong></p> })}
            {app.card_valid_until.map(|d| {
                let date = move || crate::components::form::long_date(i18n.t(), d.year(), d.month(), d.day());
                view! { <p id="masa-berlaku">{move || t().card_valid_until.replace("{date}", &date())}</p> }
            })}
            {renewal}
            {reason}
            <h2 id="langkah">{move || t().todo_heading}</h2>
            <p>{move || explain(t(), &situation)}</p>
            {waiting}
            {promise}
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
                    // The appointment, where there is one to book or to see; the form, to collect the card.
                    let booking = (action(status) == Action::Book || app.promise.is_some_and(|p| p.from_appointment))
                        .then(|| booking_page(&id))
                        .map(|href| view! { <p><a class="button" href=href>{move || i18n.t().booking.view_link}</a></p> });
                    let form = (action(status) == Action::Collect).then(|| form_pdf_url(&id)).map(|href| {
                        view! { <p><a class="button" href=href>{move || i18n.t().booking.download_form}</a></p> }
                    });
                    view! {
                        {booking}
                        {form}
                        <p><a href=answers>{move || t().check_heading}</a></p>
                    }
                    .into_any()
                }
            }}
            {history}
            {(status != Status::Draft).then(|| complaints(&app))}
            <p><a href=ACCOUNT_PAGE>{move || t().to_my_applications}</a></p>
        </div>
    }
    .into_any()
}

/// What the explanation of the current state depends on besides the state.
struct Situation {
    status: Status,
    /// In clarification: why (an AFIS duplicate, or the card withheld at handover).
    cause: Option<ClarificationCause>,
    /// On its way, or ready: the service point the card is sent to, or waits at.
    handover_point: Option<String>,
}

/// The current state in plain words, with what the applicant must do, if anything.
fn explain(t: &Application, situation: &Situation) -> String {
    match situation.status {
        Status::Draft => t.explain_draft.into(),
        Status::Submitted => t.explain_submitted.into(),
        Status::Returned => t.explain_returned.into(),
        Status::Rejected => t.explain_rejected.into(),
        Status::Approved => t.explain_approved.into(),
        Status::Recorded => t.explain_recorded.into(),
        Status::Identifying => t.explain_identifying.into(),
        Status::Clarification if situation.cause == Some(ClarificationCause::CardWithheld) => {
            t.explain_card_withheld.into()
        }
        Status::Clarification => t.explain_clarification.into(),
        Status::Personalizing => t.explain_personalizing.into(),
        // The server names the point of every card on its way; the state's own name stands in should it not.
        Status::Distributing => match &situation.handover_point {
            Some(point) => t.explain_distributing.replace("{point}", point),
            None => {
                let i = Status::ALL.iter().position(|s| *s == Status::Distributing).unwrap_or(0);
                t.statuses[i].into()
            }
        },
        Status::Ready => match &situation.handover_point {
            Some(point) => t.explain_ready_at.replace("{point}", point),
            None => t.explain_ready.into(),
        },
        Status::Issued => t.explain_issued.into(),
    }
}

/// *Pengaduan Layanan*: the applicant's complaints with staff's answers, and a form for a new one. Plain forms:
/// they work the same with and without JavaScript, and a refused complaint comes back with what was typed.
fn complaints(app: &ApplicationView) -> impl IntoView {
    let i18n = use_i18n();
    let t = move || &i18n.t().application;
    let flash = use_form_state(COMPLAINT_FORM);
    let problems = Signal::stored(flash.problems.clone());
    let error = field_error("text", problems);
    let typed = flash.value("text").unwrap_or_default();
    let id = app.id.clone();
    let list = app
        .complaints
        .iter()
        .map(|c| {
            let (filed, status, body) = (c.filed, c.status, c.body.clone());
            let answer = c.answer.clone().map(|(day, text)| {
                view! {
                    <p><strong>{move || t().complaint_answer.replace("{date}", &long_day(i18n.t(), day))}</strong></p>
                    <p class="complaint__text">{text}</p>
                }
            });
            let close = (status == ComplaintStatus::Answered).then(|| {
                let (application, complaint) = (id.clone(), c.id.clone());
                view! {
                    <form method="post" action="/api/permohonan/pengaduan/tutup">
                        <input type="hidden" name="application" value=application/>
                        <input type="hidden" name="complaint" value=complaint/>
                        <button class="button button--secondary" type="submit">{move || t().complaint_close}</button>
                    </form>
                }
            });
            let tag = move || match status {
                ComplaintStatus::Open => t().complaint_open,
                ComplaintStatus::Answered => t().complaint_answered,
                ComplaintStatus::Closed => t().complaint_closed,
            };
            view! {
                <li class="complaint">
                    <p>
                        <strong class=if status == ComplaintStatus::Open { "tag" } else { "tag tag--done" }>{tag}</strong>
                        " " {move || t().complaint_filed.replace("{date}", &long_day(i18n.t(), filed))}
                    </p>
                    <p class="complaint__text">{body}</p>
                    {answer}
                    {close}
                </li>
            }
        })
        .collect_view();
    view! {
        <h2 id="pengaduan">{move || t().complaints_heading}</h2>
        <ErrorSummary problems/>
        <ul class="complaints">{list}</ul>
        <p>{move || t().complaints_intro}</p>
        <form method="post" action="/api/permohonan/pengaduan">
            <input type="hidden" name="application" value=app.id.clone()/>
            <div class=move || if error().is_some() { "field field--error" } else { "field" }>
                <label class="field__label" for="text">{move || t().complaint_label}</label>
                <p class="field__hint" id="text-hint">{move || t().complaint_hint}</p>
                {move || error().map(|message| view! { <p class="field__error" id="text-error">{message}</p> })}
                <textarea
                    class="input textarea"
                    id="text"
                    name="text"
                    rows="5"
                    maxlength="2000"
                    aria-describedby=move || if error().is_some() { "text-hint text-error" } else { "text-hint" }
                    aria-invalid=move || error().is_some().then_some("true")
                >{typed}</textarea>
            </div>
            <button class="button" type="submit">{move || t().complaint_button}</button>
        </form>
    }
}
