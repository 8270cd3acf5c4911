//! One application for staff: the data beside the scans, the NIK decoded, warnings, what changed since it was
//! returned, the history, the claim, and a form for each step the staff member's role may take now. Opening it
//! (and each scan) writes the access log.

use super::{
    layout::{document, problems, respond, when},
    texts, Signed, StaffState,
};
use crate::{
    applications::documents::scan_response,
    auth::now,
    db::process::{self, CardReturn, Detail, StepError},
};
use app::{
    components::answers::shown,
    domain::{
        application::{nik_conflicts, Document, Kind, Section},
        eligibility::{check_kitap, KitapStatus},
        office::office_date,
        process::{distributes, Needs, ProcessError, Step, StepInput, DINAS_POINT, REFERENCE_MAX_CHARS},
        Date, Nik,
    },
    i18n::Locale,
};
use axum::{
    extract::{Path, Query, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
    Form,
};
use maud::{html, Markup};
use serde::Deserialize;

fn refusal_code(error: ProcessError) -> String {
    format!("{error:?}")
}

#[derive(Deserialize, Default)]
pub struct Outcome {
    ok: Option<String>,
    galat: Option<String>,
}

fn warnings(t: &texts::T, detail: &Detail, today: Date) -> Vec<&'static str> {
    let answers = &detail.view.answers;
    let mut found = Vec::new();
    match detail.nik.as_deref().map(|n| Nik::parse(n, today)) {
        Some(Ok(nik)) => {
            let (date_differs, sex_differs) = nik_conflicts(&nik, answers);
            if date_differs {
                found.push(t.warn_birth_date);
            }
            if sex_differs {
                found.push(t.warn_sex);
            }
        }
        _ => found.push(t.warn_nik_invalid),
    }
    if detail.view.kind == Kind::Foreigner {
        match answers
            .get("kitap_expiry")
            .and_then(|d| Date::parse_iso(d))
            .map(|d| check_kitap(d, today))
        {
            Some(Ok(KitapStatus::ExpiresSoon(_))) => found.push(t.warn_kitap_soon),
            Some(Err(_)) => found.push(t.warn_kitap_expired),
            _ => {}
        }
    }
    found
}

fn data_rows(t: &texts::T, locale: Locale, detail: &Detail) -> Markup {
    let citizen_texts = locale.texts();
    let view = &detail.view;
    let changed = |field: &str| {
        detail
            .returned_answers
            .as_ref()
            .is_some_and(|before| before.get(field) != view.answers.get(field))
    };
    html! {
        @for section in view.kind.sections().iter().filter(|s| **s != Section::Documents) {
            h3 { (app::pages::application::section_name(citizen_texts, *section)) }
            dl class="summary" {
                @for field in section.fields().iter() {
                    @let value = if *field == "nik" { detail.nik.clone() } else { shown(citizen_texts, locale, view, field) };
                    div class={ "summary__row" @if changed(field) { " summary__row--changed" } } {
                        dt { (citizen_texts.fields.label(field)) }
                        dd {
                            (value.unwrap_or_default())
                            @if changed(field) { " " strong class="tag tag--changed" { (t.changed) } }
                        }
                    }
                }
            }
        }
    }
}

fn nik_panel(t: &texts::T, detail: &Detail, today: Date) -> Markup {
    let Some(Ok(nik)) = detail.nik.as_deref().map(|n| Nik::parse(n, today)) else {
        return html! {};
    };
    let d = nik.birth_date();
    html! {
        h3 { (t.nik_decoded) }
        dl class="summary" {
            div class="summary__row" { dt { (t.birth_date) } dd { (d) } }
            div class="summary__row" { dt { (t.sex) } dd { (if nik.sex().code() == "L" { t.male } else { t.female }) } }
            div class="summary__row" { dt { (t.region) } dd { (nik.regency_name()) " (" (nik.district_code()) ")" } }
        }
    }
}

fn scans(t: &texts::T, locale: Locale, detail: &Detail) -> Markup {
    let citizen_texts = locale.texts();
    let id = &detail.view.id;
    html! {
        h2 { (t.scans) }
        @for document in detail.view.kind.documents() {
            @let label = citizen_texts.fields.label(document.code());
            @let href = format!("/petugas/permohonan/{id}/berkas/{}", document.code());
            section class="scan" {
                h3 { (label) }
                @match detail.view.documents.iter().find(|d| d.document == *document) {
                    None => p { (t.no_scan) },
                    Some(info) if info.content_type == "application/pdf" => {
                        iframe class="scan__pdf" src=(href) title=(label) {}
                        p { a href=(href) target="_blank" rel="noopener" { (t.open_full) ": " (label) } }
                    },
                    Some(_) => {
                        a href=(href) target="_blank" rel="noopener" class="scan__zoom" {
                            img class="scan__image" src=(href) alt=(label);
                        }
                        p { a href=(href) target="_blank" rel="noopener" { (t.open_full) ": " (label) } }
                    },
                }
            }
        }
    }
}

/// The form of one step; `destination` names the point a distributed card goes to.
fn step_form(t: &texts::T, locale: Locale, id: &str, step: Step, destination: &str) -> Markup {
    let name = texts::step(locale, step);
    let field_id = format!("langkah-{}", step.code());
    html! {
        form method="post" action={ "/petugas/permohonan/" (id) "/langkah" } class="step" {
            input type="hidden" name="step" value=(step.code());
            @if step == Step::Distribute { p { (t.card_goes_to) ": " strong { (destination) } } }
            @match step.needs() {
                Needs::Reason => div class="field" {
                    label class="field__label" for=(field_id) { (t.reason) }
                    textarea class="input" id=(field_id) name="note" rows="3" maxlength="500" required {}
                },
                Needs::AfisReference => div class="field" {
                    label class="field__label" for=(field_id) { (t.afis_reference) }
                    input class="input" id=(field_id) name="afis_reference" type="text" maxlength="64" required;
                },
                Needs::ReturnReference => div class="field" {
                    p { (t.mismatch_effect) }
                    @let reference_id = format!("{field_id}-nomor");
                    label class="field__label" for=(reference_id) { (t.return_reference) }
                    p class="field__hint" id={ (reference_id) "-petunjuk" } { (t.return_reference_hint) }
                    input class="input" id=(reference_id) name="return_reference" type="text"
                        maxlength=(REFERENCE_MAX_CHARS) required aria-describedby={ (reference_id) "-petunjuk" };
                    div class="radio" {
                        input class="radio__input" id=(field_id) name="confirmed" type="checkbox" value="1" required;
                        label class="radio__label" for=(field_id) { (t.confirm_handover) }
                    }
                },
                Needs::Confirmation => div class="field" {
                    div class="radio" {
                        input class="radio__input" id=(field_id) name="confirmed" type="checkbox" value="1" required;
                        label class="radio__label" for=(field_id) {
                            (if step == Step::Record { t.confirm_record } else { t.confirm_handover })
                        }
                    }
                },
                Needs::Nothing => div class="field" {
                    label class="field__label" for=(field_id) { (t.note) }
                    input class="input" id=(field_id) name="note" type="text" maxlength="500";
                },
            }
            button class={ "button" @if matches!(step, Step::Reject | Step::ClarificationReject | Step::HandoverMismatch) { " button--warning" } } type="submit" { (name) }
        }
    }
}

fn history(t: &texts::T, locale: Locale, detail: &Detail, returns: &[CardReturn]) -> Markup {
    // Each failed handover recorded its card's return in the same transaction: the n-th mismatch, the n-th return.
    let mut returns = returns.iter();
    html! {
        h2 { (t.history) }
        ol class="timeline" {
            @for event in &detail.events {
                li {
                    strong { (texts::status(locale, event.to)) }
                    @if let Some(step) = event.step { " · " (texts::step(locale, step)) }
                    br;
                    span class="field__hint" { (when(event.at)) " · " (event.staff.as_deref().unwrap_or(t.applicant)) }
                    @if let Some(reference) = &event.afis_reference { br; (t.afis_reference) ": " (reference) }
                    @if event.step == Some(Step::HandoverMismatch) {
                        @if let Some(card) = returns.next() {
                            br; (t.card_returned) ": " strong { (card.reference) }
                            " (" (t.recorded_by) " " (card.staff) ", " (when(card.at)) ")"
                        }
                    }
                    @if let Some(note) = &event.note { br; q { (note) } }
                }
            }
        }
    }
}

/// The request's client address, for the security log.
type Client = axum::Extension<app::api::ports::ClientAddress>;

/// The 404 for an application the staff member cannot reach; one that exists outside their scope goes to the
/// security log.
async fn out_of_scope(state: &StaffState, signed: &Signed, id: &str, client: Option<Client>) -> Response {
    let client = client.as_ref().map_or("unknown", |c| c.0 .0.as_str());
    crate::applications::port::note_scope_refusal(&state.db, id, None, client).await;
    super::layout::not_found(signed)
}

pub async fn page(
    State(state): State<StaffState>,
    signed: Signed,
    Path(id): Path<String>,
    client: Option<Client>,
    Query(outcome): Query<Outcome>,
) -> Response {
    let t = signed.t();
    let locale = signed.locale;
    let now = now();
    let today = office_date(now);
    let detail = match process::detail(&state.db, &signed.scope(), &id, today, now).await {
        Ok(Some(detail)) if signed.member.role.handles_applications() => detail,
        Ok(_) => return out_of_scope(&state, &signed, &id, client).await,
        Err(error) => return super::failed(error),
    };
    let mine = detail
        .claimed_by
        .as_ref()
        .is_some_and(|(who, _)| *who == signed.member.id);
    let point_id = detail.point_id.as_deref().unwrap_or(DINAS_POINT);
    let steps = Step::available(
        detail.view.status,
        signed.member.role,
        distributes(detail.view.kind, point_id),
    );
    let returns = match process::card_returns(&state.db, &id).await {
        Ok(returns) => returns,
        Err(error) => return super::failed(error),
    };
    let error: Vec<&str> = match outcome.galat.as_deref() {
        Some("claimed") => vec![t.claim_needed],
        Some(code) => ProcessError::ALL
            .iter()
            .find(|e| refusal_code(**e) == code)
            .map(|e| vec![texts::refusal(locale, *e)])
            .unwrap_or_default(),
        None => vec![],
    };
    let title = detail.view.reference.clone().unwrap_or_default();
    let here = format!("/petugas/permohonan/{id}");
    let warnings = warnings(t, &detail, today);
    let points = match state.points().await {
        Ok(points) => points,
        Err(error) => return super::failed(error),
    };
    let point_name = |id: &str| -> String {
        points
            .iter()
            .find(|p| p.id == id)
            .map(|p| p.name.clone())
            .unwrap_or_else(|| id.to_owned())
    };
    let same_nik = match super::earlier::section(&state.db, &signed, &detail).await {
        Ok(section) => section,
        Err(error) => return super::failed(error),
    };
    let body = html! {
        (problems(t, &error))
        @if outcome.ok.is_some() { p class="notice" role="status" { (t.done_step) } }
        p { (t.state) ": " strong { (texts::status(locale, detail.view.status)) } " · " (super::queue::kind_name(t, detail.view.kind))
            " · " (t.point) ": " (point_name(detail.point_id.as_deref().unwrap_or(""))) }
        @if let Some(day) = detail.view.card_valid_until { p { (t.card_valid_until) ": " strong { (day) } } }
        @if detail.view.status == app::domain::application::Status::Distributing {
            p class="notice" { (t.card_sent_to) " " strong { (point_name(point_id)) } "." }
        }
        @if app::domain::process::waiting_for_blank_cards(detail.view.status, detail.blank_cards) {
            p class="notice" { (t.waiting_for_cards) }
        }
        @if !warnings.is_empty() {
            div class="warning" {
                h2 class="error-summary__title" { (t.warnings) }
                ul { @for w in &warnings { li { (w) } } }
            }
        }
        section class="actions" aria-labelledby="tindakan" {
            h2 id="tindakan" { (t.actions) }
            @match &detail.claimed_by {
                Some((_, _)) if mine => {
                    p { (t.claimed_by_you) }
                    form method="post" action={ (here) "/klaim" } {
                        input type="hidden" name="action" value="release";
                        button class="button button--secondary" type="submit" { (t.release) }
                    }
                },
                Some((_, name)) => p class="notice" { (t.claimed_by_other) " " strong { (name) } "." },
                None => {
                    @if !steps.is_empty() {
                        p { (t.claim_needed) }
                        form method="post" action={ (here) "/klaim" } {
                            input type="hidden" name="action" value="claim";
                            button class="button" type="submit" { (t.claim) }
                        }
                    }
                },
            }
            @if steps.is_empty() {
                p { (t.no_actions) }
            } @else if mine {
                @for step in &steps { (step_form(t, locale, &id, *step, &point_name(point_id))) }
            }
        }
        div class="review" {
            div class="review__data" {
                h2 { (t.data) }
                (nik_panel(t, &detail, today))
                (same_nik)
                (data_rows(t, locale, &detail))
                h2 { (t.booking) }
                @match &detail.booking {
                    Some(b) => p {
                        (point_name(&b.point_id)) " · " (b.day) " " (b.starts) " · " (texts::booking_status(t, &b.status))
                        @if b.arrived { " · " (t.arrived) }
                    },
                    None => p { (t.no_booking) },
                }
            }
            div class="review__scans" { (scans(t, locale, &detail)) }
        }
        (history(t, locale, &detail, &returns))
        p { a href=(super::HOME) { (t.back_to_queue) } }
    };
    respond(StatusCode::OK, document(signed.frame(&title, &here), body))
}

#[derive(Deserialize)]
pub struct ClaimForm {
    #[serde(default)]
    action: String,
}

pub async fn claim(
    State(state): State<StaffState>,
    signed: Signed,
    Path(id): Path<String>,
    client: Option<Client>,
    Form(form): Form<ClaimForm>,
) -> Response {
    let scope = signed.scope();
    let result = if form.action == "release" {
        process::release(&state.db, &scope, &id).await
    } else {
        process::claim(&state.db, &scope, &id, now()).await
    };
    let here = format!("/petugas/permohonan/{id}");
    match result {
        Ok(()) => Redirect::to(&here).into_response(),
        Err(StepError::ClaimedByOther(_)) => Redirect::to(&here).into_response(),
        Err(StepError::NotFound) => out_of_scope(&state, &signed, &id, client).await,
        Err(error) => super::failed(error),
    }
}

#[derive(Deserialize)]
pub struct StepForm {
    #[serde(default)]
    step: String,
    note: Option<String>,
    afis_reference: Option<String>,
    return_reference: Option<String>,
    confirmed: Option<String>,
}

pub async fn step(
    State(state): State<StaffState>,
    signed: Signed,
    Path(id): Path<String>,
    client: Option<Client>,
    Form(form): Form<StepForm>,
) -> Response {
    let here = format!("/petugas/permohonan/{id}");
    let Some(step) = Step::parse(&form.step) else {
        return (StatusCode::UNPROCESSABLE_ENTITY, "unknown step").into_response();
    };
    let input = StepInput {
        note: form.note,
        afis_reference: form.afis_reference,
        return_reference: form.return_reference,
        confirmed: form.confirmed.is_some(),
    };
    match process::take_step(&state.db, &signed.scope(), &id, step, &input, now()).await {
        Ok(_) => Redirect::to(&format!("{here}?ok={}", step.code())).into_response(),
        Err(StepError::Refused(error)) => {
            Redirect::to(&format!("{here}?galat={}", refusal_code(error))).into_response()
        }
        Err(StepError::NotClaimed) | Err(StepError::ClaimedByOther(_)) => {
            Redirect::to(&format!("{here}?galat=claimed")).into_response()
        }
        Err(StepError::NotFound) => out_of_scope(&state, &signed, &id, client).await,
        Err(error) => super::failed(error),
    }
}

pub async fn scan(
    State(state): State<StaffState>,
    signed: Signed,
    Path((id, document)): Path<(String, String)>,
    client: Option<Client>,
) -> Response {
    let Some(document) = Document::parse(&document) else {
        return super::layout::not_found(&signed);
    };
    if !signed.member.role.handles_applications() {
        return super::layout::not_found(&signed);
    }
    match process::scan(&state.db, &signed.scope(), &id, document, now()).await {
        Ok(Some(stored)) => scan_response(&state.store, stored, document, true).await,
        Ok(None) => out_of_scope(&state, &signed, &id, client).await,
        Err(error) => super::failed(error),
    }
}
