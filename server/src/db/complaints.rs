//! *Pengaduan Layanan*: complaints about applications, read and written only within their owner's account, or
//! within a staff member's scope.

use super::{applications::StoreError, outbox, process::Scope, Db};
use crate::auth::random;
use app::{
    api::{applications::ComplaintView, error::Limit},
    domain::{
        complaint::{ComplaintStatus, MAX_PER_DAY},
        office::{office_date, UTC_OFFSET_SECS},
        Date,
    },
};
use sqlx::Row;

/// Files a complaint about the account's application `id`; a draft has none (the office has not seen it), and an
/// account files at most [`MAX_PER_DAY`] a day (the office's day), counted and added under the account's lock.
pub async fn file(db: &Db, account: &str, id: &str, text: &str, now: i64) -> Result<(), StoreError> {
    let mut tx = db.pool.begin().await?;
    super::applications::lock_account(&mut tx, account).await?;
    let status: Option<(String,)> = sqlx::query_as("SELECT status FROM applications WHERE id = $1 AND account_id = $2")
        .bind(id)
        .bind(account)
        .fetch_optional(&mut *tx)
        .await?;
    match status {
        None => return Err(StoreError::NotFound),
        Some((status,)) if status == "draft" => return Err(StoreError::NotEditable),
        Some(_) => {}
    }
    let day_start = office_date(now).days_since_epoch() * 86_400 - UTC_OFFSET_SECS;
    let (today,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM complaints WHERE account_id = $1 AND created_at >= $2")
        .bind(account)
        .bind(day_start)
        .fetch_one(&mut *tx)
        .await?;
    if today >= MAX_PER_DAY {
        return Err(StoreError::Limit(Limit::ComplaintsToday));
    }
    sqlx::query(
        "INSERT INTO complaints (id, application_id, account_id, body, status, created_at) \
         VALUES ($1, $2, $3, $4, 'open', $5)",
    )
    .bind(random::id())
    .bind(id)
    .bind(account)
    .bind(text)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Closes an answered complaint of the account; false when there is no such complaint still answered.
pub async fn close(db: &Db, account: &str, id: &str, complaint: &str, now: i64) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "UPDATE complaints SET status = 'closed', closed_at = $1 \
         WHERE id = $2 AND application_id = $3 AND account_id = $4 AND status = 'answered'",
    )
    .bind(now)
    .bind(complaint)
    .bind(id)
    .bind(account)
    .execute(&db.pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The complaints about application `id`, oldest first (the caller has checked it may read the application).
pub async fn of_application(db: &Db, id: &str) -> Result<Vec<ComplaintView>, StoreError> {
    let rows = sqlx::query(
        "SELECT id, created_at, body, status, answer, answered_at FROM complaints \
         WHERE application_id = $1 ORDER BY created_at, id",
    )
    .bind(id)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|row| {
            let answer: Option<String> = row.try_get("answer")?;
            let answered_at: Option<i64> = row.try_get("answered_at")?;
            Ok(ComplaintView {
                id: row.try_get("id")?,
                filed: office_date(row.try_get("created_at")?),
                body: row.try_get("body")?,
                status: super::code("complaints.status", &row.try_get::<String, _>("status")?)?,
                answer: answer.zip(answered_at).map(|(text, at)| (office_date(at), text)),
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(StoreError::from)
}

/// A complaint in the console's list.
#[derive(Clone, Debug)]
pub struct StaffRow {
    pub id: String,
    pub application_id: String,
    pub reference: String,
    pub point_id: String,
    pub filed: Date,
    pub body: String,
    pub status: ComplaintStatus,
    pub answer: Option<String>,
}

/// The complaints in `scope` with `status`, oldest first (at most 200).
pub async fn in_scope(db: &Db, scope: &Scope, status: ComplaintStatus) -> Result<Vec<StaffRow>, StoreError> {
    let mut sql = "SELECT c.id, c.application_id, COALESCE(a.reference, ''), COALESCE(a.point_id, ''), c.created_at, \
                   c.body, c.status, c.answer FROM complaints c JOIN applications a ON a.id = c.application_id \
                   WHERE c.status = $1"
        .to_owned();
    let condition = scope.condition(2);
    if let Some((clause, _)) = &condition {
        sql.push_str(clause);
    }
    sql.push_str(" ORDER BY c.created_at, c.id LIMIT 200");
    let mut query = sqlx::query_as::<_, (String, String, String, String, i64, String, String, Option<String>)>(&sql)
        .bind(status.code());
    if let Some((_, value)) = condition {
        query = query.bind(value);
    }
    query
        .fetch_all(&db.pool)
        .await?
        .into_iter()
        .map(|(id, application_id, reference, point_id, at, body, status, answer)| {
            Ok(StaffRow {
                id,
                application_id,
                reference,
                point_id,
                filed: office_date(at),
                body,
                status: super::code("complaints.status", &status)?,
                answer,
            })
        })
        .collect()
}

/// Staff answer an open complaint in their scope; the applicant gets a message in the same transaction. False
/// when there is no such open complaint in the scope.
pub async fn answer(db: &Db, scope: &Scope, complaint: &str, text: &str, now: i64) -> Result<bool, StoreError> {
    let mut tx = db.pool.begin().await?;
    let mut sql = "UPDATE complaints SET status = 'answered', answer = $1, answered_by = $2, answered_at = $3 \
                   WHERE id = $4 AND status = 'open' AND application_id IN (SELECT a.id FROM applications a \
                   WHERE a.id = complaints.application_id"
        .to_owned();
    let condition = scope.condition(5);
    if let Some((clause, _)) = &condition {
        sql.push_str(clause);
    }
    sql.push_str(") RETURNING application_id");
    let mut query = sqlx::query_as::<_, (String,)>(&sql)
        .bind(text)
        .bind(&scope.staff_id)
        .bind(now)
        .bind(complaint);
    if let Some((_, value)) = condition {
        query = query.bind(value);
    }
    let Some((application,)) = query.fetch_optional(&mut *tx).await? else {
        return Ok(false);
    };
    let payload = serde_json::json!({ "answer": text });
    outbox::enqueue(&mut tx, &application, outbox::Topic::ComplaintAnswered, payload, now).await?;
    tx.commit().await?;
    Ok(true)
}

/// Open complaints in the whole office (the dashboard's figure).
pub async fn open_count(db: &Db) -> Result<i64, sqlx::Error> {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM complaints WHERE status = 'open'")
        .fetch_one(&db.pool)
        .await?;
    Ok(n)
}
