//! The outbox: messages to applicants, written in the same transaction as the change they tell of, and delivered
//! later by [`crate::notify::worker`]. A message is never lost: it stays until it is marked sent, or, after many
//! failed tries, set aside with its last error for the office to see.
//!
//! Several workers (in one process or in several, against one PostgreSQL) share the work by claiming messages:
//! a claim names the worker and lasts a lease. On PostgreSQL the claim skips rows another worker is claiming at
//! that moment (`FOR UPDATE SKIP LOCKED`); SQLite has one writer at a time, which serialises claims by itself.
//! A worker that dies mid-delivery leaves its claims to run out, and the messages go to the next worker.
//!
//! A message about an application goes to the account's sign-in identifier and also to each contact the
//! applicant gave in the form (phone, email) that is another address: one row per address, written together by
//! [`enqueue`], so each address gets it exactly once whatever the workers do. The contact is the one in the
//! answers when the message is queued; a later change counts for later messages.

use super::{Backend, Db};
use crate::auth::random;
use app::domain::{
    application::{Answers, Status},
    identifier::Identifier,
    Date,
};
use sqlx::Row;

/// What a message tells. Stored by its code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Topic {
    /// The application moved: submitted, returned, approved, clarification needed, ready, issued (the worker
    /// sends nothing for the office's inner steps).
    StatusChanged,
    BookingConfirmed,
    BookingMoved,
    /// By the applicant, or by a day off or a closed point (the payload's `reason`).
    BookingCancelled,
    /// The day before the appointment.
    BookingReminder,
    /// 30 days before a foreign resident's KITAP, and so their card, expires.
    KitapRenewal,
    /// Staff answered a complaint (*pengaduan*).
    ComplaintAnswered,
    /// The applicant did not come to their appointment (payload `point`, `day`, `starts`): book a new one.
    AppointmentMissed,
    /// The 1:1 fingerprint check at handover did not match: the card was withheld and goes back to Kemendagri.
    CardWithheld,
}

impl Topic {
    pub const ALL: [Topic; 9] = [
        Topic::StatusChanged,
        Topic::BookingConfirmed,
        Topic::BookingMoved,
        Topic::BookingCancelled,
        Topic::BookingReminder,
        Topic::KitapRenewal,
        Topic::ComplaintAnswered,
        Topic::AppointmentMissed,
        Topic::CardWithheld,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Topic::StatusChanged => "status_changed",
            Topic::BookingConfirmed => "booking_confirmed",
            Topic::BookingMoved => "booking_moved",
            Topic::BookingCancelled => "booking_cancelled",
            Topic::BookingReminder => "booking_reminder",
            Topic::KitapRenewal => "kitap_renewal",
            Topic::ComplaintAnswered => "complaint_answered",
            Topic::AppointmentMissed => "appointment_missed",
            Topic::CardWithheld => "card_withheld",
        }
    }

    pub fn from_code(code: &str) -> Option<Topic> {
        Topic::ALL.into_iter().find(|t| t.code() == code)
    }
}

/// Queues a message about `application`, inside the caller's transaction: one row for the account's sign-in
/// identifier (its `recipient` NULL), and one for each contact in the form's answers that is another address.
pub async fn enqueue(
    conn: &mut sqlx::AnyConnection,
    application: &str,
    topic: Topic,
    payload: serde_json::Value,
    now: i64,
) -> Result<(), sqlx::Error> {
    let Some(row) = sqlx::query(
        "SELECT a.account_id, a.answers, c.identifier FROM applications a JOIN accounts c ON c.id = a.account_id \
         WHERE a.id = $1",
    )
    .bind(application)
    .fetch_optional(&mut *conn)
    .await?
    else {
        return Ok(());
    };
    let account: String = row.try_get("account_id")?;
    let answers: String = row.try_get("answers")?;
    let identifier: String = row.try_get("identifier")?;
    let answers: Answers = serde_json::from_str(&answers).map_err(|e| sqlx::Error::Decode(Box::new(e)))?;
    let payload = payload.to_string();
    for recipient in recipients(&identifier, &answers) {
        sqlx::query(
            "INSERT INTO outbox (id, account_id, application_id, topic, payload, created_at, next_attempt_at, \
             recipient) VALUES ($1, $2, $3, $4, $5, $6, $6, $7)",
        )
        .bind(random::id())
        .bind(&account)
        .bind(application)
        .bind(topic.code())
        .bind(&payload)
        .bind(now)
        .bind(recipient)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Who is told about an application: `None`, the account's sign-in `identifier`, first; then the form's phone
/// and email, normalised, each once and only when it is another address (`0812…` is `+62812…`, an email's case
/// does not count). A contact that does not read as one (the form checks them; none should) is left out.
pub fn recipients(identifier: &str, answers: &Answers) -> Vec<Option<String>> {
    let mut told =
        vec![Identifier::parse(identifier).map_or_else(|_| identifier.to_owned(), |i| i.as_str().to_owned())];
    let mut recipients = vec![None];
    for field in ["phone", "email"] {
        let Some(given) = answers.get(field) else {
            continue;
        };
        match Identifier::parse(given) {
            Ok(contact) if !told.iter().any(|t| t == contact.as_str()) => {
                told.push(contact.as_str().to_owned());
                recipients.push(Some(contact.as_str().to_owned()));
            }
            Ok(_) => {}
            Err(_) => tracing::warn!(
                field,
                "a contact in the answers is not an address; the message goes without it"
            ),
        }
    }
    recipients
}

/// A message claimed for delivery, with what is needed to write it.
#[derive(Clone, Debug)]
pub struct Claimed {
    pub id: String,
    pub topic: String,
    pub payload: String,
    /// Tries before this one.
    pub attempts: i64,
    /// Where this row goes: the account's sign-in identifier, or the contact from the form it was queued for (an
    /// email address or a mobile number).
    pub to: String,
    /// Whether `to` is a contact from the form, not the account's identifier.
    pub contact: bool,
    pub locale: String,
    /// The application the message is about (its id, for a link to its pages).
    pub application: Option<String>,
    /// The application's registration number, if it has one.
    pub reference: Option<String>,
}

/// Claims up to `limit` messages that are due, for `lease` seconds.
pub async fn claim(db: &Db, worker: &str, limit: i64, now: i64, lease: i64) -> Result<Vec<Claimed>, sqlx::Error> {
    // The outer conditions repeat the inner ones: on PostgreSQL a row another claim changed meanwhile is checked
    // again against them before it is taken.
    let skip_locked = match db.backend {
        Backend::Postgres => "FOR UPDATE SKIP LOCKED",
        Backend::Sqlite => "",
    };
    let due = "sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= $3 \
               AND (claimed_until IS NULL OR claimed_until < $3)";
    let sql = format!(
        "UPDATE outbox SET claimed_by = $1, claimed_until = $2 \
         WHERE {due} AND id IN (SELECT id FROM outbox WHERE {due} ORDER BY next_attempt_at, id LIMIT $4 {skip_locked}) \
         RETURNING id"
    );
    let ids: Vec<(String,)> = sqlx::query_as(&sql)
        .bind(worker)
        .bind(now + lease)
        .bind(now)
        .bind(limit)
        .fetch_all(&db.pool)
        .await?;
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut claimed = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(100) {
        let marks = (0..chunk.len())
            .map(|i| format!("${}", i + 2))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "SELECT o.id, o.topic, o.payload, CAST(o.attempts AS BIGINT) AS attempts, \
             COALESCE(o.recipient, c.identifier) AS recipient, \
             CAST(CASE WHEN o.recipient IS NULL THEN 0 ELSE 1 END AS BIGINT) AS contact, \
             c.locale, o.application_id, a.reference \
             FROM outbox o JOIN accounts c ON c.id = o.account_id LEFT JOIN applications a ON a.id = o.application_id \
             WHERE o.claimed_by = $1 AND o.id IN ({marks}) ORDER BY o.next_attempt_at, o.id"
        );
        let mut query = sqlx::query(&sql).bind(worker);
        for (id,) in chunk {
            query = query.bind(id);
        }
        for row in query.fetch_all(&db.pool).await? {
            claimed.push(Claimed {
                id: row.try_get("id")?,
                topic: row.try_get("topic")?,
                payload: row.try_get("payload")?,
                attempts: row.try_get("attempts")?,
                to: row.try_get("recipient")?,
                contact: row.try_get::<i64, _>("contact")? == 1,
                locale: row.try_get("locale")?,
                application: row.try_get("application_id")?,
                reference: row.try_get("reference")?,
            });
        }
    }
    Ok(claimed)
}

/// Marks a claimed message sent; false when the claim had run out and another worker holds it now.
pub async fn mark_sent(db: &Db, id: &str, worker: &str, now: i64) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE outbox SET sent_at = $1, attempts = attempts + 1, claimed_by = NULL, claimed_until = NULL, \
         last_error = NULL WHERE id = $2 AND claimed_by = $3 AND sent_at IS NULL",
    )
    .bind(now)
    .bind(id)
    .bind(worker)
    .execute(&db.pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Records a failed try: the message is tried again at `retry_at`, or set aside when `retry_at` is `None`.
pub async fn mark_failed(
    db: &Db,
    id: &str,
    worker: &str,
    error: &str,
    retry_at: Option<i64>,
    now: i64,
) -> Result<(), sqlx::Error> {
    let error: String = error.chars().take(500).collect();
    sqlx::query(
        "UPDATE outbox SET attempts = attempts + 1, claimed_by = NULL, claimed_until = NULL, last_error = $1, \
         next_attempt_at = COALESCE($2, next_attempt_at), failed_at = CASE WHEN $2 IS NULL THEN $3 END \
         WHERE id = $4 AND claimed_by = $5 AND sent_at IS NULL",
    )
    .bind(error)
    .bind(retry_at)
    .bind(now)
    .bind(id)
    .bind(worker)
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// Gives back a claimed message unsent, for the next round.
pub async fn release(db: &Db, id: &str, worker: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE outbox SET claimed_by = NULL, claimed_until = NULL WHERE id = $1 AND claimed_by = $2")
        .bind(id)
        .bind(worker)
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// Queues the reminders that are due: the day before each appointment (`tomorrow`), and 30 days before a KITAP
/// expires. Each is queued once, even with several workers: the row that records it is changed in the same
/// statement that finds it. Returns how many were queued.
pub async fn queue_reminders(db: &Db, today: Date, now: i64) -> Result<u64, sqlx::Error> {
    let mut tx = db.pool.begin().await?;
    // Only an appointment whose application can still be recorded: a rejected or returned applicant is not told to
    // come (and a booking of theirs left behind is not marked reminded, should the application come back).
    let bookable: Vec<&str> = Status::ALL
        .into_iter()
        .filter(|s| s.bookable())
        .map(Status::code)
        .collect();
    let marks = (0..bookable.len())
        .map(|i| format!("${}", i + 3))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "UPDATE bookings SET reminder_queued_at = $1 WHERE day = $2 AND status = 'booked' \
         AND reminder_queued_at IS NULL AND application_id IN (SELECT id FROM applications WHERE status IN ({marks})) \
         RETURNING application_id, point_id, day, starts"
    );
    let mut query = sqlx::query(&sql).bind(now).bind(today.add_days(1).to_string());
    for code in bookable {
        query = query.bind(code);
    }
    let appointments = query.fetch_all(&mut *tx).await?;
    for row in &appointments {
        let application: String = row.try_get("application_id")?;
        let payload = serde_json::json!({
            "point": row.try_get::<String, _>("point_id")?,
            "day": row.try_get::<String, _>("day")?,
            "starts": row.try_get::<String, _>("starts")?,
        });
        enqueue(&mut tx, &application, Topic::BookingReminder, payload, now).await?;
    }
    let renewals = sqlx::query(
        "UPDATE applications SET renewal_queued_at = $1 WHERE kitap_expires_on IS NOT NULL \
         AND kitap_expires_on <= $2 AND kitap_expires_on >= $3 AND status = 'issued' AND renewal_queued_at IS NULL \
         RETURNING id, kitap_expires_on",
    )
    .bind(now)
    .bind(today.add_days(app::domain::office::RENEWAL_NOTICE_DAYS).to_string())
    .bind(today.to_string())
    .fetch_all(&mut *tx)
    .await?;
    for row in &renewals {
        let application: String = row.try_get("id")?;
        let payload = serde_json::json!({ "expires": row.try_get::<String, _>("kitap_expires_on")? });
        enqueue(&mut tx, &application, Topic::KitapRenewal, payload, now).await?;
    }
    tx.commit().await?;
    Ok((appointments.len() + renewals.len()) as u64)
}

/// How the outbox stands: waiting, sent, set aside.
pub async fn counts(db: &Db) -> Result<(i64, i64, i64), sqlx::Error> {
    sqlx::query_as(
        "SELECT COALESCE(SUM(CASE WHEN sent_at IS NULL AND failed_at IS NULL THEN 1 ELSE 0 END), 0), \
         COALESCE(SUM(CASE WHEN sent_at IS NOT NULL THEN 1 ELSE 0 END), 0), \
         COALESCE(SUM(CASE WHEN failed_at IS NOT NULL THEN 1 ELSE 0 END), 0) FROM outbox",
    )
    .fetch_one(&db.pool)
    .await
}
