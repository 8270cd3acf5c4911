//! The admin's calendar: each service point's counters and opening hours, holidays for every point, and a point
//! closed on one day. A day off cancels that day's appointments and queues a message to each applicant (see
//! `db::bookings`); the page says how many. Holidays also come in bulk, from a CSV file in the format of the
//! bundled calendar (`date,kind,name`): all of the file or, when a line is wrong, none of it (see
//! `db::reference_data::import_holidays`). The page warns when no national holiday is known beyond the next 90
//! days, as the dashboard does.

use super::{
    layout::{document, problems, respond},
    texts, Signed, StaffState,
};
use crate::{
    auth::now,
    db::{
        bookings,
        reference_data::{self, CsvError, CsvProblem, HOLIDAY_KINDS, MAX_HOLIDAY_FILE_BYTES, MAX_HOLIDAY_NAME_CHARS},
    },
};
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
    extract::{multipart::MultipartError, Multipart, Path, Query, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
    Form,
};
use maud::{html, Markup};
use serde::Deserialize;
use std::collections::HashMap;

const HERE: &str = "/petugas/kalender";
/// Where the import form posts.
pub const IMPORT: &str = "/petugas/kalender/impor";

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
    import_title: &'static str,
    import_intro: &'static str,
    import_file: &'static str,
    import_text: &'static str,
    import_text_hint: &'static str,
    import_button: &'static str,
    imported: &'static str,
    csv_line: &'static str,
    csv_nothing: &'static str,
    csv_too_large: &'static str,
    csv_not_text: &'static str,
    csv_empty: &'static str,
    csv_unreadable: &'static str,
    csv_fields: &'static str,
    csv_quotes: &'static str,
    csv_date: &'static str,
    csv_kind: &'static str,
    csv_name_empty: &'static str,
    csv_name_too_long: &'static str,
    csv_name_control: &'static str,
    csv_repeated: &'static str,
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
    import_title: "Impor hari libur dari berkas CSV",
    import_intro: "Satu hari per baris: tanggal,jenis,nama — misalnya 2028-01-01,libur_nasional,Tahun Baru Masehi. Baris judul date,kind,name boleh ada. Jenis: libur_nasional, cuti_bersama atau lokal. Hari yang sudah ada dengan nama yang sama dilewati; nama atau jenis yang berbeda diperbarui. Jadwal pada hari libur baru dibatalkan dan pemohonnya mendapat pesan.",
    import_file: "Berkas CSV (paling besar 64 KiB)",
    import_text: "atau tempel isinya di sini",
    import_text_hint: "Dipakai bila tidak ada berkas yang dipilih.",
    import_button: "Impor",
    imported: "Impor selesai: {added} hari ditambahkan, {updated} diperbarui, {unchanged} sudah ada. Jadwal yang dibatalkan: {cancelled}.",
    csv_line: "Baris {line}: ",
    csv_nothing: "Tidak ada yang diimpor dari berkas ini; perbaiki lalu impor lagi.",
    csv_too_large: "Berkas lebih besar dari 64 KiB.",
    csv_not_text: "Berkas bukan teks UTF-8 (simpan sebagai CSV UTF-8).",
    csv_empty: "Tidak ada hari libur di dalamnya: pilih berkas atau tempel isinya (tanggal,jenis,nama per baris).",
    csv_unreadable: "Kiriman tidak dapat dibaca sampai selesai; coba lagi.",
    csv_fields: "ada {n} kolom, seharusnya 3: tanggal,jenis,nama (nama yang memuat koma ditulis di antara tanda petik).",
    csv_quotes: "tanda petik tidak ditutup, atau ada teks sesudah tanda petik penutup.",
    csv_date: "«{value}» bukan tanggal yang ada; tulis TTTT-BB-HH.",
    csv_kind: "«{value}» bukan jenis hari libur; tulis libur_nasional, cuti_bersama atau lokal.",
    csv_name_empty: "nama hari libur kosong.",
    csv_name_too_long: "nama hari libur lebih dari {max} karakter.",
    csv_name_control: "nama hari libur memuat karakter kendali (tab atau pindah baris).",
    csv_repeated: "tanggal yang sama sudah ada di baris {first}.",
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
    import_title: "Import holidays from a CSV file",
    import_intro: "One day a line: date,kind,name — for example 2028-01-01,libur_nasional,Tahun Baru Masehi. A header line date,kind,name may be there. Kind: libur_nasional, cuti_bersama or lokal. A day already there with the same name is skipped; a different name or kind is updated. Appointments on a new holiday are cancelled and their applicants get a message.",
    import_file: "CSV file (64 KiB at most)",
    import_text: "or paste its content here",
    import_text_hint: "Used when no file is chosen.",
    import_button: "Import",
    imported: "Import done: {added} day(s) added, {updated} updated, {unchanged} already there. Appointments cancelled: {cancelled}.",
    csv_line: "Line {line}: ",
    csv_nothing: "Nothing from this file was imported; correct it and import it again.",
    csv_too_large: "The file is over 64 KiB.",
    csv_not_text: "The file is not UTF-8 text (save it as CSV UTF-8).",
    csv_empty: "There is no holiday in it: choose a file or paste its content (date,kind,name on each line).",
    csv_unreadable: "The upload could not be read to its end; try again.",
    csv_fields: "{n} column(s) where there should be 3: date,kind,name (a name with a comma goes in double quotes).",
    csv_quotes: "a quote is not closed, or text follows the closing quote.",
    csv_date: "“{value}” is not a date that exists; write YYYY-MM-DD.",
    csv_kind: "“{value}” is not a kind of holiday; write libur_nasional, cuti_bersama or lokal.",
    csv_name_empty: "the holiday's name is empty.",
    csv_name_too_long: "the holiday's name is over {max} characters.",
    csv_name_control: "the holiday's name has a control character (a tab or a line break).",
    csv_repeated: "the same date is already on line {first}.",
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
    /// An import's report: days added, updated, already there.
    tambah: Option<usize>,
    ubah: Option<usize>,
    sama: Option<usize>,
}

/// The warning shown when no national holiday is known beyond the next 90 days (`warning` from
/// `reference_data::holidays_warning`), with what to do; `import_here` links to this page's import form.
pub fn holidays_warning(t: &texts::T, warning: Option<Option<Date>>, import_here: bool) -> Markup {
    let Some(last) = warning else {
        return html! {};
    };
    let text = match last {
        Some(last) => t.holidays_run_out.replace("{date}", &last.to_string()),
        None => t.holidays_none.to_owned(),
    };
    html! {
        div class="notice" role="status" data-holidays-run-out {
            p { strong { (text) } }
            @if import_here {
                p { a href="#impor" { (t.holidays_import_here) } }
            } @else {
                p { (t.holidays_import_admin) }
            }
        }
    }
}

/// The message for a holiday file that was refused: the line, what is wrong with it, and that none of it counted.
fn csv_message(c: &T, error: &CsvError) -> String {
    let shown = |v: &str| CsvError::shown(v);
    let what = match &error.problem {
        CsvProblem::TooLarge => c.csv_too_large.to_owned(),
        CsvProblem::NotText => c.csv_not_text.to_owned(),
        CsvProblem::Empty => c.csv_empty.to_owned(),
        CsvProblem::Fields(n) => c.csv_fields.replace("{n}", &n.to_string()),
        CsvProblem::Quotes => c.csv_quotes.to_owned(),
        CsvProblem::Date(v) => c.csv_date.replace("{value}", &shown(v)),
        CsvProblem::Kind(v) => c.csv_kind.replace("{value}", &shown(v)),
        CsvProblem::NameEmpty => c.csv_name_empty.to_owned(),
        CsvProblem::NameTooLong => c
            .csv_name_too_long
            .replace("{max}", &MAX_HOLIDAY_NAME_CHARS.to_string()),
        CsvProblem::NameControl => c.csv_name_control.to_owned(),
        CsvProblem::Repeated { first_line } => c.csv_repeated.replace("{first}", &first_line.to_string()),
    };
    let line = error
        .line
        .map(|n| c.csv_line.replace("{line}", &n.to_string()))
        .unwrap_or_default();
    format!("{line}{what} {}", c.csv_nothing)
}

pub async fn page(State(state): State<StaffState>, signed: Signed, Query(outcome): Query<Outcome>) -> Response {
    if let Some(refused) = signed.refuse_unless(|r| r == Role::Admin) {
        return refused;
    }
    let c = texts(signed.locale);
    let messages: Vec<String> = outcome.galat.as_ref().map(|_| c.bad.to_owned()).into_iter().collect();
    render(&state, &signed, &outcome, &messages, "", StatusCode::OK).await
}

/// The page, with `messages` (problems of what was sent) and `pasted` (the import's text, kept after a refusal).
async fn render(
    state: &StaffState,
    signed: &Signed,
    outcome: &Outcome,
    messages: &[String],
    pasted: &str,
    status: StatusCode,
) -> Response {
    let c = texts(signed.locale);
    let today = office_date(now());
    let (points, days_off, warning) = match (
        state.points().await,
        bookings::days_off(&state.db, today).await,
        reference_data::holidays_warning(&state.db, now()).await,
    ) {
        (Ok(p), Ok(d), Ok(w)) => (p, d, w),
        (Err(error), _, _) | (_, Err(error), _) | (_, _, Err(error)) => return super::failed(error),
    };
    let messages: Vec<&str> = messages.iter().map(String::as_str).collect();
    let imported = match (outcome.tambah, outcome.ubah, outcome.sama) {
        (Some(added), Some(updated), Some(unchanged)) => Some(
            c.imported
                .replace("{added}", &added.to_string())
                .replace("{updated}", &updated.to_string())
                .replace("{unchanged}", &unchanged.to_string())
                .replace("{cancelled}", &outcome.batal.unwrap_or(0).to_string()),
        ),
        _ => None,
    };
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
        @if let Some(imported) = &imported {
            p class="notice" role="status" { (imported) }
        } @else if let Some(n) = outcome.batal {
            p class="notice" role="status" { (c.cancelled) " " (n) }
        }
        (holidays_warning(signed.t(), warning, true))
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
        h2 id="impor" { (c.import_title) }
        p class="field__hint" { (c.import_intro) }
        form method="post" action=(IMPORT) enctype="multipart/form-data" {
            div class="field" { label class="field__label" for="import-file" { (c.import_file) }
                input class="input" id="import-file" name="berkas" type="file" accept=".csv,text/csv,text/plain"; }
            div class="field" { label class="field__label" for="import-text" { (c.import_text) }
                p class="field__hint" id="import-text-hint" { (c.import_text_hint) }
                textarea class="input textarea" id="import-text" name="isi" rows="6" aria-describedby="import-text-hint"
                    placeholder="date,kind,name" { (pasted) } }
            button class="button" type="submit" { (c.import_button) }
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
    respond(status, document(signed.frame(c.title, HERE), body))
}

/// Why an upload could not be taken.
enum Upload {
    Problem(CsvProblem),
    Unreadable,
}

/// One field of the import form, at most [`MAX_HOLIDAY_FILE_BYTES`].
async fn field_bytes(mut field: axum::extract::multipart::Field<'_>) -> Result<Vec<u8>, Upload> {
    let failed = |e: MultipartError| match e.status() {
        StatusCode::PAYLOAD_TOO_LARGE => Upload::Problem(CsvProblem::TooLarge),
        _ => Upload::Unreadable,
    };
    let mut bytes = Vec::new();
    while let Some(chunk) = field.chunk().await.map_err(failed)? {
        if bytes.len() + chunk.len() > MAX_HOLIDAY_FILE_BYTES {
            return Err(Upload::Problem(CsvProblem::TooLarge));
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(bytes)
}

/// The import form's file (`berkas`), or its pasted text (`isi`) when no file was chosen.
async fn uploaded(multipart: &mut Multipart) -> Result<(Vec<u8>, Vec<u8>), Upload> {
    let (mut file, mut pasted) = (Vec::new(), Vec::new());
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return Err(Upload::Problem(CsvProblem::TooLarge)),
            Err(_) => return Err(Upload::Unreadable),
        };
        match field.name() {
            Some("berkas") => file = field_bytes(field).await?,
            Some("isi") => pasted = field_bytes(field).await?,
            _ => {}
        }
    }
    Ok((file, pasted))
}

/// `POST /petugas/kalender/impor`: the holidays of a CSV file, all or none. Refused (422, the page with the line
/// and what is wrong) when any line is wrong or the file is over 64 KiB; else imported and the page says how
/// many days were added, updated and already there.
pub async fn import(State(state): State<StaffState>, signed: Signed, mut multipart: Multipart) -> Response {
    if let Some(refused) = signed.refuse_unless(|r| r == Role::Admin) {
        return refused;
    }
    let c = texts(signed.locale);
    let refused = match uploaded(&mut multipart).await {
        Err(Upload::Unreadable) => Err((c.csv_unreadable.to_owned(), String::new(), StatusCode::BAD_REQUEST)),
        Err(Upload::Problem(problem)) => Err((
            csv_message(c, &CsvError { line: None, problem }),
            String::new(),
            StatusCode::PAYLOAD_TOO_LARGE,
        )),
        Ok((file, pasted)) => {
            // The file when one was chosen, else the pasted text (kept in the form if it is refused).
            let from_file = file.iter().any(|b| !b.is_ascii_whitespace());
            let chosen = if from_file { &file } else { &pasted };
            reference_data::parse_holidays(chosen).map_err(|error| {
                let kept = if from_file {
                    String::new()
                } else {
                    String::from_utf8_lossy(&pasted).into_owned()
                };
                (csv_message(c, &error), kept, StatusCode::UNPROCESSABLE_ENTITY)
            })
        }
    };
    let holidays = match refused {
        Ok(holidays) => holidays,
        Err((message, kept, status)) => {
            return render(&state, &signed, &Outcome::default(), &[message], &kept, status).await;
        }
    };
    match reference_data::import_holidays(&state.db, &holidays, now()).await {
        Ok(report) => Redirect::to(&format!(
            "{HERE}?tambah={}&ubah={}&sama={}&batal={}",
            report.added, report.updated, report.unchanged, report.cancelled
        ))
        .into_response(),
        Err(error) => super::failed(error),
    }
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
    let name: String = form.name.trim().chars().take(MAX_HOLIDAY_NAME_CHARS).collect();
    (!name.is_empty()).then_some((day, name))
}

pub async fn add_holiday(State(state): State<StaffState>, signed: Signed, Form(form): Form<DayOffForm>) -> Response {
    if let Some(refused) = signed.refuse_unless(|r| r == Role::Admin) {
        return refused;
    }
    let kind = form.kind.clone().unwrap_or_default();
    let Some((day, name)) = checked_day_off(&form).filter(|_| HOLIDAY_KINDS.contains(&kind.as_str())) else {
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
