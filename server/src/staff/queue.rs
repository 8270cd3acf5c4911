//! The queue: applications oldest first, filtered by state, kind and service point, a page at a time by key (the
//! last row's submission time and id), never by offset; and the search by registration number or NIK. The search
//! is a POST, so that a NIK never stands in a URL (or a proxy's log).

use super::{
    layout::{document, respond, when},
    texts, Signed, StaffState, HOME,
};
use crate::{
    auth::now,
    db::process::{self, Cursor, QueueFilter, QueueRow},
};
use app::{
    domain::{
        application::{Kind, Status},
        booking::ServicePoint,
    },
    i18n::Locale,
};
use axum::{
    extract::{Query, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
    Form,
};
use maud::{html, Markup};
use serde::Deserialize;

#[derive(Deserialize, Default)]
pub struct QueueQuery {
    status: Option<String>,
    kind: Option<String>,
    point: Option<String>,
    after: Option<String>,
}

fn search_form(t: &texts::T) -> Markup {
    html! {
        form method="post" action="/petugas/cari" class="field" {
            label class="field__label" for="cari" { (t.search_label) }
            p class="field__hint" id="cari-hint" { (t.search_hint) }
            div class="field-row" {
                input class="input" id="cari" name="q" type="search" autocomplete="off" autofocus
                    aria-describedby="cari-hint";
                button class="button" type="submit" { (t.search) }
            }
        }
    }
}

pub fn rows_table(t: &texts::T, locale: Locale, rows: &[QueueRow], points: &[ServicePoint]) -> Markup {
    let point_name = |id: Option<&str>| -> String {
        let id = id.unwrap_or_default();
        points
            .iter()
            .find(|p| p.id == id)
            .map_or_else(|| id.to_owned(), |p| p.name.clone())
    };
    html! {
        @if rows.is_empty() {
            p { (t.empty_queue) }
        } @else {
            div class="table-scroll" tabindex="0" role="region" aria-label=(t.queue) {
                table class="table" {
                    thead { tr {
                        th scope="col" { (t.reference) } th scope="col" { (t.name) } th scope="col" { (t.nik) }
                        th scope="col" { (t.kind) } th scope="col" { (t.state) } th scope="col" { (t.point) }
                        th scope="col" { (t.submitted) } th scope="col" { (t.claimed_by) }
                    } }
                    tbody {
                        @for row in rows {
                            tr {
                                td { a href={ "/petugas/permohonan/" (row.id) } class="reference" { (row.reference) } }
                                td { (row.full_name) }
                                td class="reference" { (row.masked_nik) }
                                td { (kind_name(t, row.kind)) }
                                td { (texts::status(locale, row.status)) }
                                td { (point_name(row.point_id.as_deref())) }
                                td { (when(row.submitted_at)) }
                                td { (row.claimed_by.as_deref().unwrap_or("")) }
                            }
                        }
                    }
                }
            }
        }
    }
}

pub fn kind_name(t: &texts::T, kind: Kind) -> &'static str {
    match kind {
        Kind::Citizen => t.kind_wni,
        Kind::Foreigner => t.kind_wna,
    }
}

pub async fn page_of(state: &StaffState, signed: &Signed, query: QueueQuery) -> Response {
    let t = signed.t();
    if !signed.member.role.handles_applications() {
        return Redirect::to("/petugas/akun").into_response();
    }
    let filter = QueueFilter {
        status: query.status.as_deref().and_then(Status::parse),
        kind: query.kind.as_deref().and_then(Kind::parse),
        point: query
            .point
            .clone()
            .filter(|p| !p.is_empty() && signed.member.role.whole_office()),
    };
    let after = query.after.as_deref().and_then(Cursor::parse);
    let now = now();
    let rows = match process::queue(&state.db, &signed.scope(), &filter, after.as_ref(), now).await {
        Ok(rows) => rows,
        Err(error) => return super::failed(error),
    };
    let points = match state.points().await {
        Ok(points) => points,
        Err(error) => return super::failed(error),
    };
    let status = filter.status.unwrap_or(Status::Submitted);
    let next = (rows.len() as i64 == process::PAGE_SIZE).then(|| {
        let last = rows.last().expect("a full page has a last row");
        let cursor = Cursor {
            submitted_at: last.submitted_at,
            id: last.id.clone(),
        };
        format!(
            "{HOME}?status={}&kind={}&point={}&after={}",
            status.code(),
            filter.kind.map(Kind::code).unwrap_or(""),
            filter.point.as_deref().unwrap_or(""),
            cursor.encode()
        )
    });
    let locale = signed.locale;
    let body = html! {
        (search_form(t))
        form method="get" action=(HOME) class="filters" {
            fieldset class="fieldset" {
                legend class="visually-hidden" { (t.filter) }
                div class="field-row" {
                    div class="field" {
                        label class="field__label" for="status" { (t.state) }
                        select class="select" id="status" name="status" {
                            @for s in Status::ALL.iter().filter(|s| **s != Status::Draft) {
                                option value=(s.code()) selected[*s == status] { (texts::status(locale, *s)) }
                            }
                        }
                    }
                    div class="field" {
                        label class="field__label" for="kind" { (t.kind) }
                        select class="select" id="kind" name="kind" {
                            option value="" { (t.all) }
                            @for k in Kind::ALL {
                                option value=(k.code()) selected[filter.kind == Some(k)] { (kind_name(t, k)) }
                            }
                        }
                    }
                    @if signed.member.role.whole_office() {
                        div class="field" {
                            label class="field__label" for="point" { (t.point) }
                            select class="select" id="point" name="point" {
                                option value="" { (t.all) }
                                @for p in &points {
                                    option value=(p.id) selected[filter.point.as_deref() == Some(p.id.as_str())] { (p.name) }
                                }
                            }
                        }
                    }
                }
                button class="button button--secondary" type="submit" { (t.filter) }
            }
        }
        (rows_table(t, locale, &rows, &points))
        p {
            @if after.is_some() { a href={ (HOME) "?status=" (status.code()) } { (t.first_page) } " " }
            @if let Some(next) = next { a href=(next) rel="next" { (t.next_page) } }
        }
    };
    respond(StatusCode::OK, document(signed.frame(t.queue_title, HOME), body))
}

pub async fn page(State(state): State<StaffState>, signed: Signed, Query(query): Query<QueueQuery>) -> Response {
    page_of(&state, &signed, query).await
}

#[derive(Deserialize)]
pub struct SearchForm {
    #[serde(default)]
    q: String,
}

/// One match opens the application; otherwise the matches (or none) are listed on this response.
pub async fn search(State(state): State<StaffState>, signed: Signed, Form(form): Form<SearchForm>) -> Response {
    let t = signed.t();
    if !signed.member.role.handles_applications() {
        return super::layout::not_found(&signed);
    }
    let (rows, points) = match (
        process::search(&state.db, &signed.scope(), &form.q, now()).await,
        state.points().await,
    ) {
        (Ok(rows), Ok(points)) => (rows, points),
        (Err(error), _) => return super::failed(error),
        (_, Err(error)) => return super::failed(error),
    };
    if let [only] = rows.as_slice() {
        return Redirect::to(&format!("/petugas/permohonan/{}", only.id)).into_response();
    }
    let body = html! {
        (search_form(t))
        @if rows.is_empty() {
            p class="notice" role="status" { (t.search_none) }
        } @else {
            (rows_table(t, signed.locale, &rows, &points))
        }
        p { a href=(HOME) { (t.back_to_queue) } }
    };
    respond(StatusCode::OK, document(signed.frame(t.search_results, HOME), body))
}
