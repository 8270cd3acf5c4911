//! The admin's calendar: each service point's counters and opening hours, holidays for every point, and a point
//! closed on one day. A day off cancels that day's appointments and queues a message to each applicant (see
//! `db::bookings`); the page says how many.

use super::{
    layout::{document, problems, respond},
    Signed, StaffState,
};
use crate::{auth::now, db::bookings};
use app::{
    domain::{
        booking::{ClockTime, Hours},
        office::office_date,
        process::Role,
        Date,
    },
    i18n::Locale,
};
use axum::{
    extract::{Path, Query, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
    Form,
};
use maud::html;
use serde::Deserialize;
use std::collections::HashMap;

const HERE: &str = "/petugas/kalender";

struct T {
    title: &'static str,
    points: &'static str,
    counters: &'static str,
    hours: &'static str,
    closed: &'static str,
    change: &'static str,
    save: &'static str,
    holiday: &'static str,
    closure: &'static str,
    day: &'static str,
    name: &'static str,
    kind: &'static str,
    reason: &'static str,
    add: &'static str,
    upcoming: &'static str,
    all_points: &'static str,
    cancelled: &'static str,
    bad: &'static str,
    opens: &'static str,
    closes: &'static str,
    hours_hint: &'static str,
    weekdays: [&'static str; 7],
    kinds: [(&'static str, &'static str); 3],
}

const ID: T = T {
    title: "Kalender dan tempat layanan",
    points: "Tempat layanan",
    counters: "Jumlah loket",
    hours: "Jam buka",
    closed: "tutup",
    change: "Ubah",
    save: "Simpan",
    holiday: "Tambah hari libur (semua tempat layanan)",
    closure: "Tutup satu tempat layanan pada satu hari",
    day: "Tanggal (TTTT-BB-HH)",
    name: "Nama hari libur",
    kind: "Jenis",
    reason: "Alasan (dibaca pemohon)",
    add: "Tambahkan",
    upcoming: "Hari libur dan penutupan mendatang",
    all_points: "semua tempat layanan",
    cancelled: "Tersimpan. Jadwal yang dibatalkan pada hari itu:",
    bad: "Periksa isiannya: tanggal TTTT-BB-HH, nama atau alasan diisi, jam JJ:MM dengan jam buka sebelum jam tutup, loket 1–100.",
    opens: "Buka",
    closes: "Tutup",
    hours_hint: "Kosongkan keduanya untuk hari tutup. Jadwal yang sudah dipesan tetap berlaku.",
    weekdays: ["Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"],
    kinds: [("libur_nasional", "Libur nasional"), ("cuti_bersama", "Cuti bersama"), ("lokal", "Libur daerah")],
};

const EN: T = T {
    title: "Calendar and service points",
    points: "Service points",
    counters: "Counters",
    hours: "Opening hours",
    closed: "closed",
    change: "Change",
    save: "Save",
    holiday: "Add a holiday (every service point)",
    closure: "Close one service point on one day",
    day: "Date (YYYY-MM-DD)",
    name: "Name of the holiday",
    kind: "Kind",
    reason: "Reason (the applicants read it)",
    add: "Add",
    upcoming: "Holidays and closures to come",
    all_points: "every service point",
    cancelled: "Saved. Appointments cancelled on that day:",
    bad: "Check what you typed: a date as YYYY-MM-DD, a name or reason, times as HH:MM with opening before closing, 1–100 counters.",
    opens: "Opens",
    closes: "Closes",
    hours_hint: "Leave both empty for a closed day. Appointments already booked keep their time.",
    weekdays: ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
    kinds: [("libur_nasional", "National holiday"), ("cuti_bersama", "Collective leave"), ("lokal", "Local holiday")],
};

fn texts(locale: Locale) -> &'static T {
    match locale {
        Locale::Id => &ID,
        Locale::En => &EN,
    }
}

#[derive(Deserialize, Default)]
pub struct Outcome {
    galat: Option<String>,
    batal: Option<usize>,
}

pub async fn page(State(state): State<StaffState>, signed: Signed, Query(outcome): Query<Outcome>) -> Response {
    if let Some(refused) = signed.refuse_unless(|r| r == Role::Admin) {
        return refused;
    }
    let c = texts(signed.locale);
    let today = office_date(now());
    let (points, days_off) = match (state.points().await, bookings::days_off(&state.db, today).await) {
        (Ok(p), Ok(d)) => (p, d),
        (Err(error), _) | (_, Err(error)) => return super::failed(error),
    };
    let messages: Vec<&str> = outcome.galat.map(|_| c.bad).into_iter().collect();
    let hours_of = |p: &app::domain::booking::ServicePoint| {
        (0..7u8)
            .map(|d| match p.schedule.hours.iter().find(|h| h.weekday == d) {
                Some(h) => format!("{} {}–{}", &c.weekdays[usize::from(d)][..3], h.opens, h.closes),
                None => format!("{} {}", &c.weekdays[usize::from(d)][..3], c.closed),
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    let body = html! {
        (problems(signed.t(), &messages))
        @if let Some(n) = outcome.batal { p class="notice" role="status" { (c.cancelled) " " (n) } }
        h2 { (c.points) }
        div class="table-scroll" tabindex="0" role="region" aria-label=(c.points) {
            table class="table" {
                thead { tr { th scope="col" { (c.points) } th scope="col" { (c.counters) } th scope="col" { (c.hours) } th scope="col" { span class="visually-hidden" { (c.change) } } } }
                tbody {
                    @for p in &points {
                        tr {
                            td { (p.name) br; span class="field__hint" { (p.id) } }
                            td { (p.schedule.counters) }
                            td { (hours_of(p)) }
                            td { a href={ (HERE) "/" (p.id) } aria-label={ (c.change) ": " (p.name) } { (c.change) } }
                        }
                    }
                }
            }
        }
        h2 { (c.holiday) }
        form method="post" action={ (HERE) "/libur" } {
            div class="field" { label class="field__label" for="holiday-day" { (c.day) }
                input class="input input--short" id="holiday-day" name="day" type="text" inputmode="numeric" required placeholder="2026-12-31"; }
            div class="field" { label class="field__label" for="holiday-name" { (c.name) }
                input class="input" id="holiday-name" name="name" type="text" maxlength="100" required; }
            div class="field" { label class="field__label" for="holiday-kind" { (c.kind) }
                select class="select" id="holiday-kind" name="kind" { @for (code, label) in c.kinds { option value=(code) selected[code == "lokal"] { (label) } } } }
            button class="button" type="submit" { (c.add) }
        }
        h2 { (c.closure) }
        form method="post" action={ (HERE) "/tutup" } {
            div class="field" { label class="field__label" for="closure-point" { (c.points) }
                select class="select" id="closure-point" name="point" { @for p in &points { option value=(p.id) { (p.name) } } } }
            div class="field" { label class="field__label" for="closure-day" { (c.day) }
                input class="input input--short" id="closure-day" name="day" type="text" inputmode="numeric" required; }
            div class="field" { label class="field__label" for="closure-reason" { (c.reason) }
                input class="input" id="closure-reason" name="name" type="text" maxlength="200" required; }
            button class="button" type="submit" { (c.add) }
        }
        h2 { (c.upcoming) }
        ul {
            @for (day, point, name) in &days_off {
                li { (day) " · " (point.as_deref().unwrap_or(c.all_points)) " · " (name) }
            }
        }
    };
    respond(StatusCode::OK, document(signed.frame(c.title, HERE), body))
}

#[derive(Deserialize)]
pub struct DayOffForm {
    #[serde(default)]
    day: String,
    #[serde(default)]
    name: String,
    kind: Option<String>,
    point: Option<String>,
}

fn checked_day_off(form: &DayOffForm) -> Option<(Date, String)> {
    let day = Date::parse_iso(form.day.trim())?;
    let name: String = form.name.trim().chars().take(200).collect();
    (!name.is_empty()).then_some((day, name))
}

pub async fn add_holiday(State(state): State<StaffState>, signed: Signed, Form(form): Form<DayOffForm>) -> Response {
    if let Some(refused) = signed.refuse_unless(|r| r == Role::Admin) {
        return refused;
    }
    let kind = form.kind.clone().unwrap_or_default();
    let Some((day, name)) = checked_day_off(&form).filter(|_| ID.kinds.iter().any(|(k, _)| *k == kind)) else {
        return Redirect::to(&format!("{HERE}?galat=1")).into_response();
    };
    match bookings::add_holiday(&state.db, day, &kind, &name, now()).await {
        Ok(cancelled) => Redirect::to(&format!("{HERE}?batal={}", cancelled.len())).into_response(),
        Err(error) => super::failed(error),
    }
}

pub async fn close_point(State(state): State<StaffState>, signed: Signed, Form(form): Form<DayOffForm>) -> Response {
    if let Some(refused) = signed.refuse_unless(|r| r == Role::Admin) {
        return refused;
    }
    let point = form.point.clone().unwrap_or_default();
    let known = state
        .points()
        .await
        .map(|p| p.iter().any(|x| x.id == point))
        .unwrap_or(false);
    let Some((day, reason)) = checked_day_off(&form).filter(|_| known) else {
        return Redirect::to(&format!("{HERE}?galat=1")).into_response();
    };
    match bookings::close_point(&state.db, &point, day, &reason, now()).await {
        Ok(cancelled) => Redirect::to(&format!("{HERE}?batal={}", cancelled.len())).into_response(),
        Err(error) => super::failed(error),
    }
}

pub async fn point_page(
    State(state): State<StaffState>,
    signed: Signed,
    Path(id): Path<String>,
    Query(outcome): Query<Outcome>,
) -> Response {
    if let Some(refused) = signed.refuse_unless(|r| r == Role::Admin) {
        return refused;
    }
    let c = texts(signed.locale);
    let point = match state.points().await {
        Ok(points) => points.into_iter().find(|p| p.id == id),
        Err(error) => return super::failed(error),
    };
    let Some(point) = point else {
        return super::layout::not_found(&signed);
    };
    let messages: Vec<&str> = outcome.galat.map(|_| c.bad).into_iter().collect();
    let here = format!("{HERE}/{id}");
    let body = html! {
        (problems(signed.t(), &messages))
        p { (point.address) }
        form method="post" action=(here) {
            div class="field" { label class="field__label" for="counters" { (c.counters) }
                input class="input input--short" id="counters" name="counters" type="text" inputmode="numeric" required value=(point.schedule.counters); }
            fieldset class="fieldset" {
                legend class="field__label" { (c.hours) }
                p class="field__hint" { (c.hours_hint) }
                @for d in 0..7u8 {
                    @let h = point.schedule.hours.iter().find(|h| h.weekday == d);
                    div class="field-row" {
                        div class="field" { label class="field__label" for={ "opens-" (d) } { (c.weekdays[usize::from(d)]) ": " (c.opens) }
                            input class="input input--short" id={ "opens-" (d) } name={ "opens_" (d) } type="text" placeholder="08:00"
                                value=(h.map(|h| h.opens.to_string()).unwrap_or_default()); }
                        div class="field" { label class="field__label" for={ "closes-" (d) } { (c.weekdays[usize::from(d)]) ": " (c.closes) }
                            input class="input input--short" id={ "closes-" (d) } name={ "closes_" (d) } type="text" placeholder="15:00"
                                value=(h.map(|h| h.closes.to_string()).unwrap_or_default()); }
                    }
                }
            }
            button class="button" type="submit" { (c.save) }
        }
        p { a href=(HERE) { (c.title) } }
    };
    respond(StatusCode::OK, document(signed.frame(&point.name, &here), body))
}

/// The opening hours a form gives: both times of a weekday, opening before closing, or both empty.
fn hours_from(form: &HashMap<String, String>) -> Option<Vec<Hours>> {
    let mut hours = Vec::new();
    for weekday in 0..7u8 {
        let opens = form
            .get(&format!("opens_{weekday}"))
            .map(|s| s.trim())
            .unwrap_or_default();
        let closes = form
            .get(&format!("closes_{weekday}"))
            .map(|s| s.trim())
            .unwrap_or_default();
        match (opens.is_empty(), closes.is_empty()) {
            (true, true) => {}
            (false, false) => {
                let (opens, closes) = (ClockTime::parse(opens)?, ClockTime::parse(closes)?);
                if opens >= closes {
                    return None;
                }
                hours.push(Hours { weekday, opens, closes });
            }
            _ => return None,
        }
    }
    Some(hours)
}

pub async fn save_point(
    State(state): State<StaffState>,
    signed: Signed,
    Path(id): Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    if let Some(refused) = signed.refuse_unless(|r| r == Role::Admin) {
        return refused;
    }
    let counters = form
        .get("counters")
        .and_then(|c| c.trim().parse::<u32>().ok())
        .filter(|c| (1..=100).contains(c));
    let (Some(counters), Some(hours)) = (counters, hours_from(&form)) else {
        return Redirect::to(&format!("{HERE}/{id}?galat=1")).into_response();
    };
    match bookings::set_schedule(&state.db, &id, counters, &hours).await {
        Ok(true) => Redirect::to(HERE).into_response(),
        Ok(false) => super::layout::not_found(&signed),
        Err(error) => super::failed(error),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opening_hours_come_in_pairs_in_order() {
        let form = |pairs: &[(&str, &str)]| pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        let hours = hours_from(&form(&[
            ("opens_0", "08:00"),
            ("closes_0", "15:00"),
            ("opens_5", ""),
            ("closes_5", ""),
        ]))
        .unwrap();
        assert_eq!(hours.len(), 1);
        assert_eq!(hours[0].weekday, 0);
        assert!(hours_from(&form(&[("opens_0", "15:00"), ("closes_0", "08:00")])).is_none());
        assert!(hours_from(&form(&[("opens_0", "08:00")])).is_none());
        assert!(hours_from(&form(&[("opens_0", "8"), ("closes_0", "15:00")])).is_none());
    }
}
