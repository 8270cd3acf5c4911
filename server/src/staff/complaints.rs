//! *Pengaduan Layanan* in the console: the complaints in the staff member's scope (an operator's point, or the
//! whole office for a supervisor), answered in a plain form; the applicant reads the answer on their page and
//! gets a message.

use super::{
    layout::{document, problems, respond},
    Signed, StaffState,
};
use crate::{auth::now, db::complaints};
use app::domain::{
    complaint::{checked_text, ComplaintStatus, MAX_CHARS},
    process::Role,
};
use axum::{
    extract::{Path, Query, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
    Form,
};
use maud::html;
use serde::Deserialize;

pub const PAGE: &str = "/petugas/pengaduan";

#[derive(Deserialize, Default)]
pub struct ListQuery {
    status: Option<String>,
    galat: Option<String>,
    ok: Option<String>,
}

pub async fn page(State(state): State<StaffState>, signed: Signed, Query(query): Query<ListQuery>) -> Response {
    if let Some(refused) = signed.refuse_unless(Role::handles_applications) {
        return refused;
    }
    let t = signed.t();
    let status = query
        .status
        .as_deref()
        .and_then(ComplaintStatus::parse)
        .unwrap_or(ComplaintStatus::Open);
    let (rows, points) = match (
        complaints::in_scope(&state.db, &signed.scope(), status).await,
        state.points().await,
    ) {
        (Ok(rows), Ok(points)) => (rows, points),
        (Err(error), _) => return super::failed(error),
        (_, Err(error)) => return super::failed(error),
    };
    let point_name = |id: &str| {
        points
            .iter()
            .find(|p| p.id == id)
            .map(|p| p.name.clone())
            .unwrap_or_else(|| id.to_owned())
    };
    let name = |s: ComplaintStatus| match s {
        ComplaintStatus::Open => t.complaint_open,
        ComplaintStatus::Answered => t.complaint_answered,
        ComplaintStatus::Closed => t.complaint_closed,
    };
    let error: Vec<&str> = query.galat.map(|_| t.complaint_answer_bad).into_iter().collect();
    let body = html! {
        (problems(t, &error))
        @if query.ok.is_some() { p class="notice" role="status" { (t.complaint_answer_sent) } }
        nav aria-label=(t.complaints) {
            ul class="inline-list" {
                @for s in ComplaintStatus::ALL {
                    li {
                        @if s == status { strong aria-current="page" { (name(s)) } }
                        @else { a href={ (PAGE) "?status=" (s.code()) } { (name(s)) } }
                    }
                }
            }
        }
        @if rows.is_empty() { p { (t.no_complaints) } }
        @for row in &rows {
            article class="complaint" {
                h2 {
                    a href={ "/petugas/permohonan/" (row.application_id) } { (row.reference) }
                }
                p { (point_name(&row.point_id)) " · " (t.complaint_filed) " " (row.filed) }
                p class="complaint__text" { (row.body) }
                @if let Some(answer) = &row.answer {
                    p { strong { (t.complaint_answer) } }
                    p class="complaint__text" { (answer) }
                }
                @if row.status == ComplaintStatus::Open {
                    form method="post" action={ (PAGE) "/" (row.id) } {
                        div class="field" {
                            label class="field__label" for={ "jawab-" (row.id) } { (t.complaint_answer) }
                            textarea class="input textarea" id={ "jawab-" (row.id) } name="answer" rows="4"
                                maxlength=(MAX_CHARS) required {}
                        }
                        button class="button" type="submit" { (t.complaint_send) }
                    }
                }
            }
        }
    };
    respond(StatusCode::OK, document(signed.frame(t.complaints, PAGE), body))
}

#[derive(Deserialize)]
pub struct AnswerForm {
    answer: String,
}

/// After a refused answer: a complaint that exists on an application outside the staff member's scope goes to
/// the security log, its application as the subject (one merely answered already does not).
async fn note_out_of_scope(state: &StaffState, signed: &Signed, complaint: &str, client: &str) {
    let scope = signed.scope();
    let mut sql = "SELECT c.application_id FROM complaints c WHERE c.id = $1 AND NOT EXISTS \
                   (SELECT 1 FROM applications a WHERE a.id = c.application_id"
        .to_owned();
    let condition = scope.condition(2);
    if let Some((clause, _)) = &condition {
        sql.push_str(clause);
    }
    sql.push(')');
    let mut query = sqlx::query_as::<_, (String,)>(&sql).bind(complaint);
    if let Some((_, value)) = condition {
        query = query.bind(value);
    }
    match query.fetch_optional(&state.db.pool).await {
        Ok(Some((application,))) => crate::security_log::record(
            crate::security_log::Event::ScopeRefused,
            client,
            Some(&application),
            "outside_staff_scope",
        ),
        Ok(None) => {}
        Err(error) => tracing::warn!(%error, "could not tell whether a refused complaint is out of scope"),
    }
}

pub async fn answer(
    State(state): State<StaffState>,
    signed: Signed,
    Path(id): Path<String>,
    crate::http::client::Client(client): crate::http::client::Client,
    Form(form): Form<AnswerForm>,
) -> Response {
    if let Some(refused) = signed.refuse_unless(Role::handles_applications) {
        return refused;
    }
    let Ok(text) = checked_text(&form.answer) else {
        return Redirect::to(&format!("{PAGE}?galat=1")).into_response();
    };
    match complaints::answer(&state.db, &signed.scope(), &id, &text, now()).await {
        Ok(true) => Redirect::to(&format!("{PAGE}?ok=1")).into_response(),
        Ok(false) => {
            note_out_of_scope(&state, &signed, &id, &client).await;
            super::layout::not_found(&signed)
        }
        Err(error) => super::failed(error),
    }
}
