//! The office's own pages: the counter's day (today's appointments at the staff member's point, arrival marked,
//! the search that takes the form's QR code), the blank card stock, and the access log for supervisors.

use super::{
    layout::{document, problems, respond, when},
    texts, Signed, StaffState,
};
use crate::{
    auth::now,
    db::{
        bookings::{self, Arrival},
        process,
    },
};
use app::domain::{
    booking::ClockTime,
    office::{office_date, office_time},
    process::Role,
};
use axum::{
    extract::{Query, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
    Form,
};
use maud::html;
use serde::Deserialize;

#[derive(Deserialize, Default)]
pub struct CounterQuery {
    point: Option<String>,
    /// `hari`: an arrival for another day was refused; `tutup`: one after the point closed for it.
    galat: Option<String>,
}

/// `value` as it may stand in a query string: everything but letters, digits and `-._~` percent-encoded.
fn query_value(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => char::from(b).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The point the counter shows: an operator's own; a supervisor chooses (the Dinas by default).
fn counter_point(signed: &Signed, asked: Option<String>) -> Option<String> {
    match signed.member.role {
        Role::Operator => signed.member.point_id.clone(),
        Role::Supervisor => Some(asked.filter(|p| !p.is_empty()).unwrap_or_else(|| "dinas".to_owned())),
        Role::Admin => None,
    }
}

pub async fn counter(State(state): State<StaffState>, signed: Signed, Query(query): Query<CounterQuery>) -> Response {
    if let Some(refused) = signed.refuse_unless(Role::handles_applications) {
        return refused;
    }
    let t = signed.t();
    let Some(point) = counter_point(&signed, query.point) else {
        return respond(
            StatusCode::OK,
            document(
                signed.frame(t.counter, "/petugas/loket"),
                html! { p { (t.counter_no_point) } },
            ),
        );
    };
    let now = now();
    let (today, now_time) = (office_date(now), office_time(now));
    let (rows, points) = match (
        process::counter_day(&state.db, &point, today).await,
        state.points().await,
    ) {
        (Ok(rows), Ok(points)) => (rows, points),
        (Err(error), _) => return super::failed(error),
        (_, Err(error)) => return super::failed(error),
    };
    let locale = signed.locale;
    let error: Vec<&str> = match query.galat.as_deref() {
        Some("hari") => vec![t.arrival_not_today],
        Some("tutup") => vec![t.arrival_closed],
        _ => Vec::new(),
    };
    // Whether the point has closed for each row (the store decides again when the button is pressed).
    let this_point = points.iter().find(|p| p.id == point);
    let mut closed = Vec::with_capacity(rows.len());
    for row in &rows {
        let Some(ends) = ClockTime::parse(&row.ends) else {
            return super::failed(format!("bookings.ends {:?} is not a time of day", row.ends));
        };
        closed.push(this_point.is_some_and(|p| bookings::closed_for(p, today, ends, today, now_time)));
    }
    let body = html! {
        (problems(t, &error))
        form method="post" action="/petugas/cari" class="field" {
            label class="field__label" for="cari" { (t.search_label) }
            p class="field__hint" id="cari-hint" { (t.search_hint) }
            div class="field-row" {
                input class="input" id="cari" name="q" type="search" autocomplete="off" autofocus aria-describedby="cari-hint";
                button class="button" type="submit" { (t.search) }
            }
        }
        @if signed.member.role.whole_office() {
            form method="get" action="/petugas/loket" class="field" {
                label class="field__label" for="point" { (t.point) }
                div class="field-row" {
                    select class="select" id="point" name="point" {
                        @for p in &points { option value=(p.id) selected[p.id == point] { (p.name) } }
                    }
                    button class="button button--secondary" type="submit" { (t.show) }
                }
            }
        }
        p { (t.counter_point) ": " strong { (this_point.map(|p| p.name.as_str()).unwrap_or(&point)) } " · " (today) }
        p class="field__hint" { (t.arrival_late_hint) }
        @if rows.is_empty() {
            p { (t.no_appointments) }
        } @else {
            div class="table-scroll" tabindex="0" role="region" aria-label=(t.counter) {
                table class="table" {
                    thead { tr { th scope="col" { (t.time) } th scope="col" { (t.reference) } th scope="col" { (t.name) }
                        th scope="col" { (t.state) } th scope="col" { (t.arrived) } } }
                    tbody {
                        @for (row, closed) in rows.iter().zip(closed) {
                            tr {
                                td { (row.starts) }
                                td { a class="reference" href={ "/petugas/permohonan/" (row.application_id) } { (row.reference) } }
                                td { (row.full_name) }
                                td { (texts::status(locale, row.app_status)) }
                                td {
                                    @if row.arrived {
                                        strong class="tag tag--done" { (t.arrived) }
                                    } @else if row.status == "missed" {
                                        strong class="tag" { (t.counter_missed) }
                                    } @else if closed {
                                        (t.counter_closed)
                                    } @else {
                                        form method="post" action="/petugas/loket/hadir" {
                                            input type="hidden" name="booking" value=(row.id);
                                            input type="hidden" name="point" value=(point);
                                            button class="button button--secondary" type="submit"
                                                aria-label={ (t.mark_arrived) ": " (row.reference) } { (t.mark_arrived) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    respond(
        StatusCode::OK,
        document(signed.frame(t.counter, "/petugas/loket"), body),
    )
}

#[derive(Deserialize)]
pub struct ArrivedForm {
    booking: String,
    point: Option<String>,
}

/// Marks an applicant with an appointment today as arrived, late or not, until the point closes for it; an
/// appointment of another day, or one the point has closed for (or already recorded as missed), is refused, back
/// on the counter's page with the reason.
pub async fn arrived(State(state): State<StaffState>, signed: Signed, Form(form): Form<ArrivedForm>) -> Response {
    let Some(point) = counter_point(&signed, form.point) else {
        return super::layout::not_found(&signed);
    };
    let back = format!("/petugas/loket?point={}", query_value(&point));
    let now = now();
    match bookings::mark_arrived(
        &state.db,
        &point,
        &form.booking,
        office_date(now),
        office_time(now),
        now,
    )
    .await
    {
        Ok(Arrival::Marked | Arrival::AlreadyMarked) => Redirect::to(&back).into_response(),
        Ok(Arrival::NotToday) => Redirect::to(&format!("{back}&galat=hari")).into_response(),
        Ok(Arrival::Closed) => Redirect::to(&format!("{back}&galat=tutup")).into_response(),
        Ok(Arrival::NotFound) => super::layout::not_found(&signed),
        Err(error) => super::failed(error),
    }
}

#[derive(Deserialize, Default)]
pub struct CardsQuery {
    galat: Option<String>,
}

pub async fn cards(State(state): State<StaffState>, signed: Signed, Query(query): Query<CardsQuery>) -> Response {
    if let Some(refused) = signed.refuse_unless(Role::whole_office) {
        return refused;
    }
    let t = signed.t();
    let (stock, changes) = match (
        process::blank_cards(&state.db).await,
        process::blank_card_changes(&state.db).await,
    ) {
        (Ok(stock), Ok(changes)) => (stock, changes),
        (Err(error), _) | (_, Err(error)) => return super::failed(error),
    };
    let error: Vec<&str> = query.galat.map(|_| t.stock_bad).into_iter().collect();
    let body = html! {
        (problems(t, &error))
        p { (t.stock_now) ": " strong class="panel__reference" data-stock=(stock) { (stock) } }
        @if stock == 0 { p class="notice" { (t.stock_empty_warning) } }
        form method="post" action="/petugas/blangko" {
            div class="field" {
                label class="field__label" for="change" { (t.stock_change) }
                input class="input input--short" id="change" name="change" type="text" inputmode="numeric" required;
            }
            div class="field" {
                label class="field__label" for="note" { (t.stock_note) }
                input class="input" id="note" name="note" type="text" maxlength="200";
            }
            button class="button" type="submit" { (t.stock_save) }
        }
        h2 { (t.stock_history) }
        div class="table-scroll" tabindex="0" role="region" aria-label=(t.stock_history) {
            table class="table" {
                thead { tr { th scope="col" { (t.when) } th scope="col" { (t.who) } th scope="col" { (t.stock_change) }
                    th scope="col" { (t.stock_now) } th scope="col" { (t.stock_note) } } }
                tbody {
                    @for (at, who, change, quantity, note) in &changes {
                        tr { td { (when(*at)) } td { (who) } td { (change) } td { (quantity) } td { (note) } }
                    }
                }
            }
        }
    };
    respond(
        StatusCode::OK,
        document(signed.frame(t.cards, "/petugas/blangko"), body),
    )
}

#[derive(Deserialize)]
pub struct CardsForm {
    #[serde(default)]
    change: String,
    #[serde(default)]
    note: String,
}

pub async fn change_cards(State(state): State<StaffState>, signed: Signed, Form(form): Form<CardsForm>) -> Response {
    if let Some(refused) = signed.refuse_unless(Role::whole_office) {
        return refused;
    }
    let Ok(change) = form.change.trim().trim_start_matches('+').parse::<i64>() else {
        return Redirect::to("/petugas/blangko?galat=1").into_response();
    };
    if change == 0 || change.abs() > 1_000_000 {
        return Redirect::to("/petugas/blangko?galat=1").into_response();
    }
    let note: String = form.note.trim().chars().take(200).collect();
    match process::change_blank_cards(&state.db, &signed.member.id, change, &note, now()).await {
        Ok(Some(_)) => Redirect::to("/petugas/blangko").into_response(),
        Ok(None) => Redirect::to("/petugas/blangko?galat=1").into_response(),
        Err(error) => super::failed(error),
    }
}

#[derive(Deserialize, Default)]
pub struct LogQuery {
    nomor: Option<String>,
}

/// The access log: read-only, for supervisors; filtered by registration number (never by NIK).
pub async fn access_log(State(state): State<StaffState>, signed: Signed, Query(query): Query<LogQuery>) -> Response {
    if let Some(refused) = signed.refuse_unless(Role::whole_office) {
        return refused;
    }
    let t = signed.t();
    let reference = query.nomor.filter(|n| !n.trim().is_empty());
    let rows = match process::access_log(&state.db, reference.as_deref()).await {
        Ok(rows) => rows,
        Err(error) => return super::failed(error),
    };
    let body = html! {
        form method="get" action="/petugas/log-akses" class="field" {
            label class="field__label" for="nomor" { (t.filter_reference) }
            div class="field-row" {
                input class="input" id="nomor" name="nomor" type="search" value=(reference.as_deref().unwrap_or(""));
                button class="button button--secondary" type="submit" { (t.filter) }
            }
        }
        div class="table-scroll" tabindex="0" role="region" aria-label=(t.access_log) {
            table class="table" {
                thead { tr { th scope="col" { (t.when) } th scope="col" { (t.who) } th scope="col" { (t.reference) } th scope="col" { (t.what) } } }
                tbody {
                    @for row in &rows {
                        tr { td { (when(row.at)) } td { (row.staff) } td class="reference" { (row.reference) } td { (texts::viewed(t, signed.locale, &row.what)) } }
                    }
                }
            }
        }
    };
    respond(
        StatusCode::OK,
        document(signed.frame(t.access_log, "/petugas/log-akses"), body),
    )
}
