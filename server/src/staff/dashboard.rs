//! The service dashboard (`/petugas/dasbor`), for supervisors: applications per state and service point, received
//! and issued per week, the share of cards ready within the 14-working-day promise, the cards late now, the
//! appointments' fill rate and no-shows, and the complaints open. The figures come from `db::dashboard`; each
//! page text says what it counts.
//!
//! The charts are SVG drawn here (no script: the console's policy allows none), each an `img` with a title and a
//! description, with its numbers in a table beside it. `/petugas/dasbor.csv` holds every figure as one long table
//! `figure,group,key,value` (see [`csv`]).

use super::{
    layout::{document, respond, when},
    texts, Signed, StaffState,
};
use crate::{
    auth::now,
    db::dashboard::{self, Dashboard, Fill, PointName, STATES},
};
use app::{domain::process::Role, i18n::Locale};
use axum::{
    extract::State,
    http::{header, StatusCode},
    response::{IntoResponse, Response},
};
use maud::{html, Markup};

const HERE: &str = "/petugas/dasbor";
pub const CSV_PATH: &str = "/petugas/dasbor.csv";
/// The late cards the page lists; the CSV holds them all.
const LATE_ROWS: usize = 200;

/// `part` as a percentage of `whole` with one decimal (a comma in Indonesian), or a dash when `whole` is zero.
pub fn percent(locale: Locale, part: i64, whole: i64) -> String {
    match percent_tenths(part, whole) {
        None => "—".to_owned(),
        Some(tenths) => {
            let separator = if locale == Locale::Id { ',' } else { '.' };
            format!("{}{separator}{} %", tenths / 10, tenths % 10)
        }
    }
}

/// Tenths of a percent, rounded half up.
fn percent_tenths(part: i64, whole: i64) -> Option<i64> {
    (whole > 0).then(|| (part * 1000 + whole / 2) / whole)
}

fn point_label<'a>(t: &'a texts::T, point: &'a PointName) -> &'a str {
    if point.id.is_none() {
        t.dash_no_point
    } else {
        &point.name
    }
}

/// The page.
pub async fn page(State(state): State<StaffState>, signed: Signed) -> Response {
    if let Some(refused) = signed.refuse_unless(Role::whole_office) {
        return refused;
    }
    let data = match dashboard::dashboard(&state.db, now()).await {
        Ok(data) => data,
        Err(error) => return super::failed(error),
    };
    // No national holiday known beyond the next 90 days: the promise dates would count them as working days.
    let holidays = match crate::db::reference_data::holidays_warning(&state.db, now()).await {
        Ok(warning) => warning,
        Err(error) => return super::failed(error),
    };
    let t = signed.t();
    let body = html! {
        (super::calendar::holidays_warning(t, holidays, false))
        p { (t.dash_as_of) " " (when(data.at)) " WIB · " a href=(CSV_PATH) download { (t.dash_csv) } }
        p class="field__hint" { (t.dash_csv_hint) }
        nav aria-label=(t.dash_contents) {
            ul {
                li { a href="#status" { (t.dash_states_title) } }
                li { a href="#minggu" { (t.dash_weeks_title) } }
                li { a href="#janji" { (t.dash_promise_title) } }
                li { a href="#terlambat" { (t.dash_late_title) } }
                li { a href="#jadwal" { (t.dash_fill_title) } }
                li { a href="#pengaduan" { (t.dash_complaints_title) } }
            }
        }
        (states_section(t, signed.locale, &data))
        (weeks_section(t, &data))
        (promise_section(t, signed.locale, &data))
        (late_section(t, signed.locale, &data))
        (fill_section(t, signed.locale, &data))
        section aria-labelledby="pengaduan" {
            h2 id="pengaduan" { (t.dash_complaints_title) }
            p { (t.dash_complaints_intro) " " a href=(super::complaints::PAGE) { (t.complaints) } }
            p { (t.dash_complaints_title) ": " strong class="panel__reference" data-complaints-open=(data.complaints_open) { (data.complaints_open) } }
        }
    };
    respond(StatusCode::OK, document(signed.frame(t.dashboard, HERE), body))
}

fn states_section(t: &texts::T, locale: Locale, data: &Dashboard) -> Markup {
    let totals = data.state_totals();
    let bars: Vec<(String, i64)> = STATES
        .iter()
        .zip(totals)
        .map(|(s, n)| (texts::status(locale, *s).to_owned(), n))
        .collect();
    html! {
        section aria-labelledby="status" {
            h2 id="status" { (t.dash_states_title) }
            p { (t.dash_states_intro) }
            div class="dashboard-figure" {
                (bar_chart("grafik-status", t.dash_states_chart, t.dash_states_desc, &bars))
                div class="table-scroll" tabindex="0" role="region" aria-label=(t.dash_states_chart) {
                    table class="table" {
                        caption { (t.dash_states_chart) }
                        thead { tr { th scope="col" { (t.state) } th scope="col" class="numeric" { (t.dash_count) } } }
                        tbody {
                            @for (label, n) in &bars {
                                tr { th scope="row" { (label) } td class="numeric" { (n) } }
                            }
                        }
                        tfoot { tr { th scope="row" { (t.dash_total) } td class="numeric" { (totals.iter().sum::<i64>()) } } }
                    }
                }
            }
            div class="table-scroll" tabindex="0" role="region" aria-label=(t.dash_states_title) {
                table class="table table--figures" {
                    caption { (t.dash_states_title) }
                    thead {
                        tr {
                            th scope="col" { (t.point) }
                            @for s in STATES { th scope="col" class="numeric" { (texts::status(locale, s)) } }
                            th scope="col" class="numeric" { (t.dash_total) }
                        }
                    }
                    tbody {
                        @for row in &data.states {
                            tr {
                                th scope="row" { (point_label(t, &row.point)) }
                                @for n in row.counts { td class="numeric" { (n) } }
                                td class="numeric" { (row.total()) }
                            }
                        }
                    }
                    tfoot {
                        tr {
                            th scope="row" { (t.dash_total) }
                            @for n in totals { td class="numeric" { (n) } }
                            td class="numeric" { (totals.iter().sum::<i64>()) }
                        }
                    }
                }
            }
        }
    }
}

fn weeks_section(t: &texts::T, data: &Dashboard) -> Markup {
    html! {
        section aria-labelledby="minggu" {
            h2 id="minggu" { (t.dash_weeks_title) }
            p { (t.dash_weeks_intro) }
            div class="dashboard-figure" {
                (weeks_chart(t, data))
                div class="table-scroll" tabindex="0" role="region" aria-label=(t.dash_weeks_title) {
                    table class="table" {
                        caption { (t.dash_weeks_title) }
                        thead {
                            tr {
                                th scope="col" { (t.dash_week) }
                                th scope="col" { (t.dash_monday) }
                                th scope="col" class="numeric" { (t.dash_received) }
                                th scope="col" class="numeric" { (t.dash_issued) }
                            }
                        }
                        tbody {
                            @for week in &data.weeks {
                                tr {
                                    th scope="row" class="nowrap" { (week.label()) }
                                    td class="nowrap" { (week.monday) }
                                    td class="numeric" { (week.received) }
                                    td class="numeric" { (week.issued) }
                                }
                            }
                        }
                        tfoot {
                            tr {
                                th scope="row" { (t.dash_total) }
                                td {}
                                td class="numeric" { (data.weeks.iter().map(|w| w.received).sum::<i64>()) }
                                td class="numeric" { (data.weeks.iter().map(|w| w.issued).sum::<i64>()) }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn promise_section(t: &texts::T, locale: Locale, data: &Dashboard) -> Markup {
    let share = data.promise;
    let bars = [
        (t.dash_on_time.to_owned(), share.on_time),
        (t.dash_late_count.to_owned(), share.late()),
    ];
    html! {
        section aria-labelledby="janji" {
            h2 id="janji" { (t.dash_promise_title) }
            p { (t.dash_promise_intro) " " (t.dash_since) " " (data.first_monday) "." }
            p {
                (t.dash_share) ": "
                strong class="panel__reference" data-share=(percent(Locale::En, share.on_time, share.ready)) { (percent(locale, share.on_time, share.ready)) }
            }
            div class="dashboard-figure" {
                (bar_chart("grafik-janji", t.dash_promise_title, t.dash_promise_desc, &bars))
                div class="table-scroll" tabindex="0" role="region" aria-label=(t.dash_promise_title) {
                    table class="table" {
                        caption { (t.dash_promise_title) }
                        tbody {
                            tr { th scope="row" { (t.dash_ready) } td class="numeric" { (share.ready) } }
                            tr { th scope="row" { (t.dash_on_time) } td class="numeric" { (share.on_time) } }
                            tr { th scope="row" { (t.dash_late_count) } td class="numeric" { (share.late()) } }
                            tr { th scope="row" { (t.dash_share) } td class="numeric" { (percent(locale, share.on_time, share.ready)) } }
                            tr { th scope="row" { (t.dash_unmeasured) } td class="numeric" { (share.unmeasured) } }
                        }
                    }
                }
            }
        }
    }
}

fn late_section(t: &texts::T, locale: Locale, data: &Dashboard) -> Markup {
    html! {
        section aria-labelledby="terlambat" {
            h2 id="terlambat" { (t.dash_late_title) }
            p { (t.dash_late_intro) }
            p { (t.dash_late_title) ": " strong data-late=(data.late.len()) { (data.late.len()) } }
            @if data.late.is_empty() {
                p { (t.dash_late_none) }
            } @else {
                @if data.late.len() > LATE_ROWS { p { (t.dash_late_more) } }
                div class="table-scroll" tabindex="0" role="region" aria-label=(t.dash_late_title) {
                    table class="table" {
                        caption { (t.dash_late_title) }
                        thead {
                            tr {
                                th scope="col" { (t.reference) }
                                th scope="col" { (t.point) }
                                th scope="col" { (t.state) }
                                th scope="col" { (t.dash_recorded) }
                                th scope="col" { (t.dash_due) }
                                th scope="col" class="numeric" { (t.dash_days_late) }
                                th scope="col" class="numeric" { (t.dash_age) }
                            }
                        }
                        tbody {
                            @for late in data.late.iter().take(LATE_ROWS) {
                                tr {
                                    th scope="row" class="reference nowrap" { (late.reference) }
                                    td { (point_label(t, &late.point)) }
                                    td { (texts::status(locale, late.status)) }
                                    td class="nowrap" { (late.recorded) }
                                    td class="nowrap" { (late.due) }
                                    td class="numeric" { (late.working_days_late) }
                                    td class="numeric" { (late.age_days) }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn fill_section(t: &texts::T, locale: Locale, data: &Dashboard) -> Markup {
    let row = |label: &str, fill: &Fill| {
        html! {
            th scope="row" { (label) }
            td class="numeric" { (fill.past_booked) }
            td class="numeric" { (fill.past_capacity) }
            td class="numeric" { (percent(locale, fill.past_booked, fill.past_capacity)) }
            td class="numeric" { (fill.attended) }
            td class="numeric" { (fill.missed) }
            td class="numeric" { (percent(locale, fill.missed, fill.attended + fill.missed)) }
            td class="numeric" { (fill.coming_booked) }
            td class="numeric" { (fill.coming_capacity) }
            td class="numeric" { (percent(locale, fill.coming_booked, fill.coming_capacity)) }
        }
    };
    html! {
        section aria-labelledby="jadwal" {
            h2 id="jadwal" { (t.dash_fill_title) }
            p { (t.dash_fill_intro) }
            div class="table-scroll" tabindex="0" role="region" aria-label=(t.dash_fill_title) {
                table class="table table--figures" {
                    caption { (t.dash_fill_title) }
                    colgroup { col; }
                    colgroup span="6" {}
                    colgroup span="3" {}
                    thead {
                        tr {
                            td {}
                            th scope="colgroup" colspan="6" { (t.dash_past) " (" (data.today.add_days(-dashboard::PAST_DAYS)) " – " (data.today.add_days(-1)) ")" }
                            th scope="colgroup" colspan="3" { (t.dash_coming) " (" (data.today) " – " (data.today.add_days(dashboard::COMING_DAYS - 1)) ")" }
                        }
                        tr {
                            th scope="col" { (t.point) }
                            th scope="col" class="numeric" { (t.dash_booked) }
                            th scope="col" class="numeric" { (t.dash_capacity) }
                            th scope="col" class="numeric" { (t.dash_fill) }
                            th scope="col" class="numeric" { (t.dash_attended) }
                            th scope="col" class="numeric" { (t.dash_missed) }
                            th scope="col" class="numeric" { (t.dash_no_show) }
                            th scope="col" class="numeric" { (t.dash_booked) }
                            th scope="col" class="numeric" { (t.dash_capacity) }
                            th scope="col" class="numeric" { (t.dash_fill) }
                        }
                    }
                    tbody {
                        @for fill in &data.fill {
                            tr { (row(fill.point.as_ref().map_or("", |p| point_label(t, p)), fill)) }
                        }
                    }
                    tfoot { tr { (row(t.dash_total, &data.fill_total)) } }
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Charts: SVG in the page, sized by its viewBox, coloured by the stylesheet (`.chart__…` in style/main.css).

const WIDTH: f64 = 560.0;

/// The smallest of 1, 2, 5 × 10ⁿ at least `value`: the top of a chart's scale.
fn scale_top(value: i64) -> i64 {
    let mut magnitude = 1;
    loop {
        for m in [1, 2, 5] {
            if m * magnitude >= value {
                return m * magnitude;
            }
        }
        magnitude *= 10;
    }
}

fn number(x: f64) -> String {
    format!("{x:.1}")
}

/// A horizontal bar per item, its label on the left and its number at the end of the bar.
fn bar_chart(id: &str, title: &str, desc: &str, bars: &[(String, i64)]) -> Markup {
    const LABELS: f64 = 280.0;
    const ROW: f64 = 28.0;
    const BAR: f64 = 18.0;
    let area = WIDTH - LABELS - 56.0;
    let top = scale_top(bars.iter().map(|(_, n)| *n).max().unwrap_or(0).max(1)) as f64;
    let height = ROW * bars.len() as f64 + 8.0;
    html! {
        svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox={ "0 0 " (WIDTH) " " (number(height)) }
            role="img" aria-labelledby={ (id) "-judul " (id) "-ket" } {
            title id={ (id) "-judul" } { (title) }
            desc id={ (id) "-ket" } { (desc) }
            @for (i, (label, n)) in bars.iter().enumerate() {
                @let y = 4.0 + ROW * i as f64;
                @let w = area * *n as f64 / top;
                text class="chart__text" x=(number(LABELS - 8.0)) y=(number(y + BAR - 4.0)) text-anchor="end" { (label) }
                rect class="chart__bar" x=(number(LABELS)) y=(number(y)) width=(number(w)) height=(number(BAR)) {}
                text class="chart__text" x=(number(LABELS + w + 6.0)) y=(number(y + BAR - 4.0)) { (n) }
            }
            line class="chart__axis" x1=(number(LABELS)) x2=(number(LABELS)) y1="0" y2=(number(height)) {}
        }
    }
}

/// Received and issued per week: a pair of bars per week, received solid, issued striped, with a legend.
fn weeks_chart(t: &texts::T, data: &Dashboard) -> Markup {
    const LEFT: f64 = 48.0;
    const TOP: f64 = 36.0;
    const BOTTOM: f64 = 236.0;
    const HEIGHT: f64 = 262.0;
    let right = WIDTH - 8.0;
    let top = scale_top(
        data.weeks
            .iter()
            .map(|w| w.received.max(w.issued))
            .max()
            .unwrap_or(0)
            .max(1),
    );
    let ticks: Vec<i64> = if top % 2 == 0 {
        vec![0, top / 2, top]
    } else {
        vec![0, top]
    };
    let y_of = |n: i64| BOTTOM - (BOTTOM - TOP) * n as f64 / top as f64;
    let group = (right - LEFT) / data.weeks.len().max(1) as f64;
    let bar = (group - 10.0) / 2.0;
    html! {
        svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox={ "0 0 " (WIDTH) " " (HEIGHT) }
            role="img" aria-labelledby="grafik-minggu-judul grafik-minggu-ket" {
            title id="grafik-minggu-judul" { (t.dash_weeks_title) }
            desc id="grafik-minggu-ket" { (t.dash_weeks_desc) }
            defs {
                pattern id="grafik-minggu-garis" patternUnits="userSpaceOnUse" width="6" height="6" patternTransform="rotate(45)" {
                    rect class="chart__stripe-ground" width="6" height="6" {}
                    rect class="chart__stripe" width="3" height="6" {}
                }
            }
            @for tick in &ticks {
                line class="chart__grid" x1=(number(LEFT)) x2=(number(right)) y1=(number(y_of(*tick))) y2=(number(y_of(*tick))) {}
                text class="chart__text" x=(number(LEFT - 6.0)) y=(number(y_of(*tick) + 4.0)) text-anchor="end" { (tick) }
            }
            @for (i, week) in data.weeks.iter().enumerate() {
                @let x = LEFT + group * i as f64 + 4.0;
                rect class="chart__bar" x=(number(x)) y=(number(y_of(week.received))) width=(number(bar))
                    height=(number(BOTTOM - y_of(week.received))) {}
                rect class="chart__bar chart__bar--second" fill="url(#grafik-minggu-garis)" x=(number(x + bar + 2.0))
                    y=(number(y_of(week.issued))) width=(number(bar)) height=(number(BOTTOM - y_of(week.issued))) {}
                text class="chart__text" x=(number(x + bar + 1.0)) y=(number(BOTTOM + 18.0)) text-anchor="middle" {
                    "W" (format!("{:02}", week.number))
                }
            }
            line class="chart__axis" x1=(number(LEFT)) x2=(number(right)) y1=(number(BOTTOM)) y2=(number(BOTTOM)) {}
            rect class="chart__bar" x=(number(LEFT)) y="8" width="14" height="14" {}
            text class="chart__text" x=(number(LEFT + 20.0)) y="20" { (t.dash_received) }
            rect class="chart__bar chart__bar--second" fill="url(#grafik-minggu-garis)" x=(number(LEFT + 160.0)) y="8" width="14" height="14" {}
            text class="chart__text" x=(number(LEFT + 180.0)) y="20" { (t.dash_issued) }
        }
    }
}

// ---------------------------------------------------------------------------------------------------------------
// CSV

/// One field: quoted when it holds a comma, a quote or a line break (quotes doubled, RFC 4180).
fn field(value: &str) -> String {
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value.to_owned()
    }
}

/// A text typed by people (a point's name): a spreadsheet would run one starting with `=`, `+`, `-`, `@` or a
/// control character as a formula, so it gets a leading apostrophe.
fn text(value: &str) -> String {
    if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        field(&format!("'{value}"))
    } else {
        field(value)
    }
}

fn point_key(point: &PointName) -> String {
    point.id.as_deref().map_or_else(|| "none".to_owned(), text)
}

/// The figures as CSV, one long table `figure,group,key,value`, the same in both languages:
///
/// - `as_of,office,date|first_monday,<date>`;
/// - `point,<point id>,name,<name>` for each point the other rows name (`none`: no point yet);
/// - `applications_by_state,<point id|none|office>,<state code|total>,<count>`;
/// - `received_per_week|issued_per_week,office,<YYYY-Www>,<count>`;
/// - `within_promise,office,ready|on_time|late|unmeasured|on_time_percent,<value>`;
/// - `late,<registration number>,point|state|recorded|due|working_days_late|age_days,<value>`;
/// - `appointments,<point id|office>,past_booked|past_capacity|past_fill_percent|attended|missed|no_show_percent|
///   coming_booked|coming_capacity|coming_fill_percent,<value>`;
/// - `complaints_open,office,count,<count>`.
///
/// Percentages have one decimal and a dot, and are empty where there is nothing to divide by.
pub fn csv(data: &Dashboard) -> String {
    let mut out = String::from("figure,group,key,value\r\n");
    let mut line = |figure: &str, group: &str, key: &str, value: &str| {
        out.push_str(&format!("{figure},{group},{key},{value}\r\n"));
    };
    let pct = |part: i64, whole: i64| {
        percent_tenths(part, whole).map_or_else(String::new, |t| format!("{}.{}", t / 10, t % 10))
    };
    line("as_of", "office", "date", &data.today.to_string());
    line("as_of", "office", "first_monday", &data.first_monday.to_string());
    let mut named: Vec<&PointName> = data.states.iter().map(|r| &r.point).collect();
    named.extend(data.fill.iter().filter_map(|f| f.point.as_ref()));
    named.extend(data.late.iter().map(|l| &l.point));
    let mut seen = std::collections::BTreeSet::new();
    for point in named {
        if seen.insert(point.id.clone()) {
            line("point", &point_key(point), "name", &text(&point.name));
        }
    }
    for row in &data.states {
        let group = point_key(&row.point);
        for (s, n) in STATES.iter().zip(row.counts) {
            line("applications_by_state", &group, s.code(), &n.to_string());
        }
        line("applications_by_state", &group, "total", &row.total().to_string());
    }
    let totals = data.state_totals();
    for (s, n) in STATES.iter().zip(totals) {
        line("applications_by_state", "office", s.code(), &n.to_string());
    }
    line(
        "applications_by_state",
        "office",
        "total",
        &totals.iter().sum::<i64>().to_string(),
    );
    for week in &data.weeks {
        line("received_per_week", "office", &week.label(), &week.received.to_string());
    }
    for week in &data.weeks {
        line("issued_per_week", "office", &week.label(), &week.issued.to_string());
    }
    let share = data.promise;
    line("within_promise", "office", "ready", &share.ready.to_string());
    line("within_promise", "office", "on_time", &share.on_time.to_string());
    line("within_promise", "office", "late", &share.late().to_string());
    line("within_promise", "office", "unmeasured", &share.unmeasured.to_string());
    line(
        "within_promise",
        "office",
        "on_time_percent",
        &pct(share.on_time, share.ready),
    );
    for late in &data.late {
        let reference = text(&late.reference);
        line("late", &reference, "point", &point_key(&late.point));
        line("late", &reference, "state", late.status.code());
        line("late", &reference, "recorded", &late.recorded.to_string());
        line("late", &reference, "due", &late.due.to_string());
        line(
            "late",
            &reference,
            "working_days_late",
            &late.working_days_late.to_string(),
        );
        line("late", &reference, "age_days", &late.age_days.to_string());
    }
    let fills = data
        .fill
        .iter()
        .map(|f| (f.point.as_ref().map_or_else(|| "none".to_owned(), point_key), f))
        .chain(std::iter::once(("office".to_owned(), &data.fill_total)));
    for (group, f) in fills {
        line("appointments", &group, "past_booked", &f.past_booked.to_string());
        line("appointments", &group, "past_capacity", &f.past_capacity.to_string());
        line(
            "appointments",
            &group,
            "past_fill_percent",
            &pct(f.past_booked, f.past_capacity),
        );
        line("appointments", &group, "attended", &f.attended.to_string());
        line("appointments", &group, "missed", &f.missed.to_string());
        line(
            "appointments",
            &group,
            "no_show_percent",
            &pct(f.missed, f.attended + f.missed),
        );
        line("appointments", &group, "coming_booked", &f.coming_booked.to_string());
        line(
            "appointments",
            &group,
            "coming_capacity",
            &f.coming_capacity.to_string(),
        );
        line(
            "appointments",
            &group,
            "coming_fill_percent",
            &pct(f.coming_booked, f.coming_capacity),
        );
    }
    line("complaints_open", "office", "count", &data.complaints_open.to_string());
    out
}

/// The CSV export, as a download named after the day.
pub async fn export(State(state): State<StaffState>, signed: Signed) -> Response {
    if let Some(refused) = signed.refuse_unless(Role::whole_office) {
        return refused;
    }
    let data = match dashboard::dashboard(&state.db, now()).await {
        Ok(data) => data,
        Err(error) => return super::failed(error),
    };
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"dasbor-{}.csv\"", data.today),
            ),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        csv(&data),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_and_formulas_defused() {
        assert_eq!(field("Kantor Camat Bantan"), "Kantor Camat Bantan");
        assert_eq!(field("Kantor \"Uji\", Bengkalis"), "\"Kantor \"\"Uji\"\", Bengkalis\"");
        assert_eq!(field("dua\nbaris"), "\"dua\nbaris\"");
        assert_eq!(text("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(text("@SUM(A1)"), "'@SUM(A1)");
    }

    #[test]
    fn percentages_round_half_up_to_one_decimal() {
        assert_eq!(percent(Locale::Id, 1, 3), "33,3 %");
        assert_eq!(percent(Locale::En, 2, 3), "66.7 %");
        assert_eq!(percent(Locale::En, 1, 8), "12.5 %");
        assert_eq!(percent(Locale::En, 0, 0), "—");
    }

    #[test]
    fn chart_scales_end_on_a_round_number() {
        assert_eq!(scale_top(1), 1);
        assert_eq!(scale_top(3), 5);
        assert_eq!(scale_top(7), 10);
        assert_eq!(scale_top(11), 20);
        assert_eq!(scale_top(480), 500);
    }
}
