//! The queries of applications, their documents and their events. Every query that reads or changes an
//! application names its account as well as its id: one account can never reach another's application.

use crate::{auth::random, db::Db};
use app::{
    api::{
        applications::{ApplicationSummary, ApplicationView, Area, DocumentInfo, HistoryEntry},
        error::Limit,
    },
    domain::{
        application::{Answers, Document, Kind, Section, Status, AREA_CHAIN, MAX_OPEN_DRAFTS, MAX_UPLOADS_PER_HOUR},
        office::office_date,
        process::{waiting_for_blank_cards, Step},
        tracking::{renewal_due, Promise},
        Date,
    },
};
use sqlx::Row;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(transparent)]
    Db(#[from] sqlx::Error),
    #[error("stored answers are not valid JSON: {0}")]
    Json(#[from] serde_json::Error),
    #[error("the application cannot be changed in its state")]
    NotEditable,
    #[error("no such application")]
    NotFound,
    /// The account reached one of its caps; nothing was written.
    #[error("the account reached its cap: {0:?}")]
    Limit(app::api::error::Limit),
    /// Another application in progress (from any account) states this NIK; nothing was written.
    #[error("the NIK is in another application in progress")]
    NikInProgress,
}

/// The partial unique index that keeps one application in progress per NIK (migration 0016).
const NIK_IN_PROGRESS_INDEX: &str = "applications_nik_in_progress";

/// Whether `error` is the database refusing a second application in progress with the same NIK: PostgreSQL names
/// the index, SQLite the column (the only unique index on `applications.nik`).
fn is_nik_in_progress(error: &sqlx::Error) -> bool {
    error.as_database_error().is_some_and(|e| {
        e.is_unique_violation()
            && (e.constraint() == Some(NIK_IN_PROGRESS_INDEX) || e.message().contains("applications.nik"))
    })
}

/// `NikInProgress` for the index's refusal, else the database error itself.
fn nik_error(error: sqlx::Error) -> StoreError {
    if is_nik_in_progress(&error) {
        StoreError::NikInProgress
    } else {
        StoreError::Db(error)
    }
}

/// One stored scan: where it is and what it is.
#[derive(Clone, Debug)]
pub struct StoredDocument {
    pub object_key: String,
    pub content_type: String,
    pub bytes: i64,
}

fn kind_of(code: &str) -> Result<Kind, sqlx::Error> {
    super::code("applications.kind", code)
}

fn status_of(code: &str) -> Result<Status, sqlx::Error> {
    super::code("applications.status", code)
}

pub async fn list(db: &Db, account: &str) -> Result<Vec<ApplicationSummary>, StoreError> {
    let rows = sqlx::query(
        "SELECT id, kind, status, reference, answers FROM applications WHERE account_id = $1 ORDER BY created_at, id",
    )
    .bind(account)
    .fetch_all(&db.pool)
    .await?;
    rows.into_iter()
        .map(|row| {
            let answers: Answers = serde_json::from_str(&row.try_get::<String, _>("answers")?)?;
            Ok(ApplicationSummary {
                id: row.try_get("id")?,
                kind: kind_of(&row.try_get::<String, _>("kind")?)?,
                status: status_of(&row.try_get::<String, _>("status")?)?,
                reference: row.try_get("reference")?,
                full_name: answers.get("full_name").cloned(),
            })
        })
        .collect()
}

/// Takes the account's row for writing, as the first statement of a transaction: what a cap counts and what it
/// adds then happen one request of the account at a time, so that a burst cannot pass a cap meant for one (SQLite
/// takes its write lock here; PostgreSQL locks the row until the transaction ends, and the count that follows,
/// a statement of its own, sees what the transaction before it committed). `NotFound` for an unknown account.
pub(crate) async fn lock_account(tx: &mut sqlx::Transaction<'_, sqlx::Any>, account: &str) -> Result<(), StoreError> {
    let updated = sqlx::query("UPDATE accounts SET created_at = created_at WHERE id = $1")
        .bind(account)
        .execute(&mut **tx)
        .await?;
    if updated.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// Starts an application, unless the account already has [`MAX_OPEN_DRAFTS`] drafts.
pub async fn create(db: &Db, account: &str, kind: Kind, now: i64) -> Result<String, StoreError> {
    let id = random::id();
    let mut tx = db.pool.begin().await?;
    lock_account(&mut tx, account).await?;
    let (drafts,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM applications WHERE account_id = $1 AND status = $2")
        .bind(account)
        .bind(Status::Draft.code())
        .fetch_one(&mut *tx)
        .await?;
    if drafts >= MAX_OPEN_DRAFTS {
        return Err(StoreError::Limit(Limit::OpenDrafts));
    }
    sqlx::query(
        "INSERT INTO applications (id, account_id, kind, status, answers, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, '{}', $5, $5)",
    )
    .bind(&id)
    .bind(account)
    .bind(kind.code())
    .bind(Status::Draft.code())
    .bind(now)
    .execute(&mut *tx)
    .await?;
    append_event(&mut tx, &id, now, "applicant", None, Status::Draft, None).await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn get(db: &Db, account: &str, id: &str, today: Date) -> Result<Option<ApplicationView>, StoreError> {
    let row =
        sqlx::query("SELECT id, kind, status, reference, answers FROM applications WHERE id = $1 AND account_id = $2")
            .bind(id)
            .bind(account)
            .fetch_optional(&db.pool)
            .await?;
    match row {
        Some(row) => view_of(db, row, today).await.map(Some),
        None => Ok(None),
    }
}

/// The application of a row with `id, kind, status, reference, answers`: its scans and the names of its areas.
/// Only for a row the caller was allowed to read (the applicant's own, or one in a staff member's scope).
pub(crate) async fn view_of(db: &Db, row: sqlx::any::AnyRow, today: Date) -> Result<ApplicationView, StoreError> {
    let id: String = row.try_get("id")?;
    let id = id.as_str();
    let documents =
        sqlx::query("SELECT kind, content_type, bytes FROM documents WHERE application_id = $1 ORDER BY kind")
            .bind(id)
            .fetch_all(&db.pool)
            .await?
            .into_iter()
            .filter_map(|d| {
                let document = Document::parse(&d.try_get::<String, _>("kind").ok()?)?;
                Some(DocumentInfo {
                    document,
                    content_type: d.try_get("content_type").ok()?,
                    bytes: d.try_get("bytes").ok()?,
                })
            })
            .collect();
    let answers: Answers = serde_json::from_str(&row.try_get::<String, _>("answers")?)?;
    let stock: Option<i64> = if status_of(&row.try_get::<String, _>("status")?)? == Status::Personalizing {
        sqlx::query_as::<_, (i64,)>("SELECT quantity FROM blank_card_stock WHERE id = 1")
            .fetch_optional(&db.pool)
            .await?
            .map(|(q,)| q)
    } else {
        None
    };
    let codes: Vec<String> = AREA_CHAIN
        .iter()
        .map(|f| answers.get(*f).cloned().unwrap_or_default())
        .collect();
    let area_names =
        sqlx::query_as::<_, (String, String)>("SELECT code, name FROM areas WHERE code IN ($1, $2, $3, $4)")
            .bind(&codes[0])
            .bind(&codes[1])
            .bind(&codes[2])
            .bind(&codes[3])
            .fetch_all(&db.pool)
            .await?
            .into_iter()
            .collect();
    let kind = kind_of(&row.try_get::<String, _>("kind")?)?;
    let history = history(db, id).await?;
    let promise = promise(db, id, &history).await?;
    let kitap_expiry = answers.get("kitap_expiry").and_then(|d| Date::parse_iso(d));
    Ok(ApplicationView {
        id: row.try_get("id")?,
        kind,
        status: status_of(&row.try_get::<String, _>("status")?)?,
        answers,
        documents,
        reference: row.try_get("reference")?,
        area_names,
        today,
        history,
        waiting_for_cards: false,
        promise,
        renewal_due: renewal_due(kind, kitap_expiry, today),
        handover_point: handover_point(db, id, status_of(&row.try_get::<String, _>("status")?)?).await?,
        complaints: super::complaints::of_application(db, id).await?,
        card_valid_until: card_valid_until(db, id, kind).await?,
    })
    .map(|mut view| {
        view.waiting_for_cards = stock.is_some_and(|s| waiting_for_blank_cards(view.status, s));
        view
    })
}

/// A foreign resident's card is valid as long as their KITAP: its expiry as stored at the (latest) submission.
/// `None` for a citizen, or before the application is submitted. A stored value that is not a date is an error.
async fn card_valid_until(db: &Db, id: &str, kind: Kind) -> Result<Option<Date>, StoreError> {
    if kind != Kind::Foreigner {
        return Ok(None);
    }
    let (stored,): (Option<String>,) = sqlx::query_as("SELECT kitap_expires_on FROM applications WHERE id = $1")
        .bind(id)
        .fetch_one(&db.pool)
        .await?;
    stored
        .map(|text| {
            Date::parse_iso(&text).ok_or_else(|| {
                StoreError::Db(sqlx::Error::Decode(
                    format!("applications.kitap_expires_on is not a date: {text:?}").into(),
                ))
            })
        })
        .transpose()
}

/// The name of the service point a card on its way (`distributing`) is sent to, or where a ready card waits;
/// `None` in any other state.
async fn handover_point(db: &Db, id: &str, status: Status) -> Result<Option<String>, StoreError> {
    if !matches!(status, Status::Distributing | Status::Ready) {
        return Ok(None);
    }
    let (name,): (String,) =
        sqlx::query_as("SELECT p.name FROM applications a JOIN service_points p ON p.id = a.point_id WHERE a.id = $1")
            .bind(id)
            .fetch_one(&db.pool)
            .await?;
    Ok(Some(name))
}

/// The service promise: 14 working days from the recording, or, before it, from the booked appointment.
async fn promise(db: &Db, id: &str, history: &[HistoryEntry]) -> Result<Option<Promise>, StoreError> {
    let recorded = history.iter().find(|h| h.status == Status::Recorded).map(|h| h.day);
    let ready = history.iter().rev().find(|h| h.status == Status::Ready).map(|h| h.day);
    let (start, from_appointment) = match recorded {
        Some(day) => (day, false),
        None => {
            let booked: Option<(String,)> =
                sqlx::query_as("SELECT day FROM bookings WHERE application_id = $1 AND status = 'booked'")
                    .bind(id)
                    .fetch_optional(&db.pool)
                    .await?;
            match booked.and_then(|(d,)| Date::parse_iso(&d)) {
                Some(day) => (day, true),
                None => return Ok(None),
            }
        }
    };
    let mut conn = db.pool.acquire().await?;
    // Fourteen working days fit in two months whatever the holidays.
    let calendar = super::bookings::calendar(&mut conn, None, start, start.add_days(62)).await?;
    Ok(Some(Promise::new(&calendar, start, from_appointment, ready)))
}

/// The states an application reached, as its applicant sees them: staff's notes stay with staff, except the
/// reasons written for the applicant (a return, a rejection).
async fn history(db: &Db, id: &str) -> Result<Vec<HistoryEntry>, StoreError> {
    let rows: Vec<(i64, String, Option<String>, Option<String>)> = sqlx::query_as(
        "SELECT at, to_status, step, note FROM application_events WHERE application_id = $1 ORDER BY at, seq, id",
    )
    .bind(id)
    .fetch_all(&db.pool)
    .await?;
    rows.into_iter()
        .map(|(at, status, step, note)| {
            let step: Option<Step> = step.map(|s| super::code("application_events.step", &s)).transpose()?;
            let for_applicant = step.is_some_and(Step::tells_applicant_why);
            Ok(HistoryEntry {
                day: office_date(at),
                status: super::code("application_events.to_status", &status)?,
                reason: note.filter(|_| for_applicant),
            })
        })
        .collect()
}

/// The status of an application of `account`, or `NotFound`.
async fn status(tx: &mut sqlx::Transaction<'_, sqlx::Any>, account: &str, id: &str) -> Result<Status, StoreError> {
    let status: Option<(String,)> = sqlx::query_as("SELECT status FROM applications WHERE id = $1 AND account_id = $2")
        .bind(id)
        .bind(account)
        .fetch_optional(&mut **tx)
        .await?;
    Ok(status_of(&status.ok_or(StoreError::NotFound)?.0)?)
}

/// Takes the application's row for writing as the first statement of a transaction, and returns its status.
/// SQLite then waits its turn (busy timeout) instead of failing to turn a read into a write when two uploads
/// or saves meet; PostgreSQL locks the row. `NotFound` for another account's application.
pub(crate) async fn lock(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    account: &str,
    id: &str,
    now: i64,
) -> Result<Status, StoreError> {
    let updated = sqlx::query("UPDATE applications SET updated_at = $1 WHERE id = $2 AND account_id = $3")
        .bind(now)
        .bind(id)
        .bind(account)
        .execute(&mut **tx)
        .await?;
    if updated.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    status(tx, account, id).await
}

pub async fn save_section(
    db: &Db,
    account: &str,
    id: &str,
    section: Section,
    values: Answers,
    now: i64,
) -> Result<(), StoreError> {
    let mut tx = db.pool.begin().await?;
    if !lock(&mut tx, account, id, now).await?.editable() {
        return Err(StoreError::NotEditable);
    }
    let (json,): (String,) = sqlx::query_as("SELECT answers FROM applications WHERE id = $1 AND account_id = $2")
        .bind(id)
        .bind(account)
        .fetch_one(&mut *tx)
        .await?;
    let mut answers: Answers = serde_json::from_str(&json)?;
    for field in section.fields() {
        answers.remove(*field);
    }
    answers.extend(values);
    if section.fields().contains(&"nik") {
        // The NIK is known from the identity section on, so that one application in progress per NIK holds for
        // drafts too: the index refuses a NIK another application in progress states (`NikInProgress`), however
        // many saves arrive at once. A NIK that changes loses the mark of a duplicate kept from before 0016.
        sqlx::query(
            "UPDATE applications SET answers = $1, updated_at = $2, \
             legacy_nik_duplicate = CASE WHEN nik = $5 THEN legacy_nik_duplicate ELSE 0 END, nik = $5 \
             WHERE id = $3 AND account_id = $4",
        )
        .bind(serde_json::to_string(&answers)?)
        .bind(now)
        .bind(id)
        .bind(account)
        .bind(answers.get("nik").filter(|n| !n.is_empty()).map(String::as_str))
        .execute(&mut *tx)
        .await
        .map_err(nik_error)?;
    } else {
        sqlx::query("UPDATE applications SET answers = $1, updated_at = $2 WHERE id = $3 AND account_id = $4")
            .bind(serde_json::to_string(&answers)?)
            .bind(now)
            .bind(id)
            .bind(account)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await.map_err(nik_error)?;
    Ok(())
}

/// A registration number people can read out on the phone: no 0/O or 1/I to confuse.
fn new_reference(now: i64) -> String {
    const ALPHABET: &[u8] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
    let mut bytes = [0u8; 6];
    getrandom::fill(&mut bytes).expect("the operating system's random source");
    let code: String = bytes
        .iter()
        .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char)
        .collect();
    let day = app::domain::office::office_date(now);
    format!("BKS-{:02}{:02}{:02}-{code}", day.year() % 100, day.month(), day.day())
}

pub async fn submit(db: &Db, account: &str, id: &str, now: i64) -> Result<String, StoreError> {
    let mut tx = db.pool.begin().await?;
    let from = lock(&mut tx, account, id, now).await?;
    if !from.editable() {
        return Err(StoreError::NotEditable);
    }
    let existing: Option<(Option<String>,)> = sqlx::query_as("SELECT reference FROM applications WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
    // A returned application keeps the number it was given the first time.
    let reference = existing.and_then(|(r,)| r).unwrap_or_else(|| new_reference(now));
    let (kind, json): (String, String) = sqlx::query_as("SELECT kind, answers FROM applications WHERE id = $1")
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
    let answers: Answers = serde_json::from_str(&json)?;
    let kind = kind_of(&kind)?;
    // Foreign residents are handled at the Dinas: their district names no point.
    let district = if kind == Kind::Foreigner {
        String::new()
    } else {
        answers.get("district").cloned().unwrap_or_default()
    };
    let point = point_on_submission(&mut tx, id, kind, &district).await?;
    // The KITAP's expiry (and so the card's) is kept beside the answers: the renewal reminder, the tracking page,
    // the printed form and the console read it.
    let kitap_expires_on = (kind == Kind::Foreigner)
        .then(|| answers.get("kitap_expiry").and_then(|d| Date::parse_iso(d)))
        .flatten()
        .map(|d| d.to_string());
    sqlx::query(
        "UPDATE applications SET status = $1, reference = $2, submitted_at = $3, updated_at = $3, \
         legacy_nik_duplicate = CASE WHEN nik = $4 THEN legacy_nik_duplicate ELSE 0 END, nik = $4, \
         point_id = $5, kitap_expires_on = $8 WHERE id = $6 AND account_id = $7",
    )
    .bind(Status::Submitted.code())
    .bind(&reference)
    .bind(now)
    .bind(answers.get("nik").filter(|n| !n.is_empty()).map(String::as_str))
    .bind(&point.id)
    .bind(id)
    .bind(account)
    .bind(kitap_expires_on)
    .execute(&mut *tx)
    .await
    .map_err(nik_error)?;
    append_event(&mut tx, id, now, "applicant", Some(from), Status::Submitted, None).await?;
    let payload = serde_json::json!({ "status": Status::Submitted.code() });
    super::outbox::enqueue(&mut tx, id, super::outbox::Topic::StatusChanged, payload, now).await?;
    if point.moved {
        cancel_for_district_change(&mut tx, id, now).await?;
    }
    tx.commit().await.map_err(nik_error)?;
    Ok(reference)
}

/// Where staff handle an application after it is submitted.
struct Handling {
    id: String,
    /// The application left the point of its booking: an appointment still active there is cancelled.
    moved: bool,
}

/// The point that handles the application from this submission on. It keeps the point of its booking, if it has or
/// had one (the operator there sees the appointment at the counter, and must see the application too), through a
/// return and a resubmission; only when the applicant changed their district so that the booked point no longer
/// fits them does the district decide again. Otherwise (never booked) the district decides: its point, or the Dinas
/// where it has none (and for foreign residents, `district` empty).
async fn point_on_submission(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    id: &str,
    kind: Kind,
    district: &str,
) -> Result<Handling, StoreError> {
    let (district_point,): (String,) =
        sqlx::query_as("SELECT COALESCE((SELECT id FROM service_points WHERE id = $1 AND active = 1), 'dinas')")
            .bind(district)
            .fetch_one(&mut **tx)
            .await?;
    // A booking sets the application's point to its own (`bookings::book`), and nothing else moves it but this
    // function: once booked, the point is that of its latest booking, or the one a district change chose since.
    let (current, bookings): (Option<String>, i64) = sqlx::query_as(
        "SELECT point_id, (SELECT COUNT(*) FROM bookings WHERE application_id = $1) FROM applications WHERE id = $1",
    )
    .bind(id)
    .fetch_one(&mut **tx)
    .await?;
    let Some(booked) = current.filter(|_| bookings > 0) else {
        return Ok(Handling {
            id: district_point,
            moved: false,
        });
    };
    // The district as it was submitted before: the answers staff kept when they returned the application.
    let (returned,): (Option<String>,) = sqlx::query_as("SELECT returned_answers FROM applications WHERE id = $1")
        .bind(id)
        .fetch_one(&mut **tx)
        .await?;
    let before: Option<Answers> = returned.map(|json| serde_json::from_str(&json)).transpose()?;
    let district_changed = kind == Kind::Citizen
        && before.is_some_and(|b| b.get("district").map(String::as_str).unwrap_or_default() != district);
    if !district_changed {
        return Ok(Handling {
            id: booked,
            moved: false,
        });
    }
    // The booked point still fits if it serves the applicant's kind (`ServicePoint::serves`) and is either the
    // Dinas, which serves the whole regency, or the point of the applicant's new district.
    let point: Option<(Option<String>, i64)> =
        sqlx::query_as("SELECT district, serves_foreigners FROM service_points WHERE id = $1")
            .bind(&booked)
            .fetch_optional(&mut **tx)
            .await?;
    let fits = point.is_some_and(|(point_district, serves_foreigners)| {
        let serves = kind == Kind::Citizen || serves_foreigners == 1;
        serves && point_district.as_deref().is_none_or(|d| d == district)
    });
    Ok(if fits {
        Handling {
            id: booked,
            moved: false,
        }
    } else {
        Handling {
            moved: district_point != booked,
            id: district_point,
        }
    })
}

/// Cancels the application's active appointment, if it still has one, because the applicant moved to another
/// district: its place is freed and the applicant told (`because: district_changed`), in the caller's transaction.
async fn cancel_for_district_change(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    id: &str,
    now: i64,
) -> Result<(), StoreError> {
    let active: Option<(String, String, String, String)> = sqlx::query_as(
        "SELECT id, point_id, day, starts FROM bookings WHERE application_id = $1 AND status = 'booked'",
    )
    .bind(id)
    .fetch_optional(&mut **tx)
    .await?;
    let Some((booking, point, day, starts)) = active else {
        return Ok(());
    };
    sqlx::query(
        "UPDATE slot_usage SET taken = taken - 1 WHERE point_id = $1 AND day = $2 AND starts = $3 AND taken > 0",
    )
    .bind(&point)
    .bind(&day)
    .bind(&starts)
    .execute(&mut **tx)
    .await?;
    sqlx::query(
        "UPDATE bookings SET status = 'cancelled', note = 'district_changed', updated_at = $1 \
         WHERE id = $2 AND status = 'booked'",
    )
    .bind(now)
    .bind(&booking)
    .execute(&mut **tx)
    .await?;
    let payload = serde_json::json!({
        "point": point,
        "day": day,
        "starts": starts,
        "because": "district_changed",
    });
    super::outbox::enqueue(tx, id, super::outbox::Topic::BookingCancelled, payload, now).await?;
    Ok(())
}

async fn append_event(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    application: &str,
    at: i64,
    actor: &str,
    from: Option<Status>,
    to: Status,
    note: Option<&str>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO application_events (id, application_id, at, actor, from_status, to_status, note, seq) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, \
         (SELECT COALESCE(MAX(seq), 0) + 1 FROM application_events WHERE application_id = $2))",
    )
    .bind(random::id())
    .bind(application)
    .bind(at)
    .bind(actor)
    .bind(from.map(|s| s.code()))
    .bind(to.code())
    .bind(note)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// How long an upload counts against [`MAX_UPLOADS_PER_HOUR`].
const UPLOAD_WINDOW_SECS: i64 = 3600;

/// Counts one upload of `account` at `now`, before its file is read: false, and nothing counted, when the account
/// already sent [`MAX_UPLOADS_PER_HOUR`] in the hour before. Counted and added under the account's lock
/// ([`lock_account`]), so a burst of uploads gets exactly the places left. Older counts are deleted on the way.
pub async fn take_upload_slot(db: &Db, account: &str, now: i64) -> Result<bool, StoreError> {
    let since = now - UPLOAD_WINDOW_SECS;
    let mut tx = db.pool.begin().await?;
    lock_account(&mut tx, account).await?;
    sqlx::query("DELETE FROM upload_attempts WHERE account_id = $1 AND at <= $2")
        .bind(account)
        .bind(since)
        .execute(&mut *tx)
        .await?;
    let (sent,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM upload_attempts WHERE account_id = $1")
        .bind(account)
        .fetch_one(&mut *tx)
        .await?;
    let allowed = sent < MAX_UPLOADS_PER_HOUR;
    if allowed {
        sqlx::query("INSERT INTO upload_attempts (id, account_id, at) VALUES ($1, $2, $3)")
            .bind(random::id())
            .bind(account)
            .bind(now)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(allowed)
}

/// The stored scan of `document` for an application of `account`.
pub async fn document(
    db: &Db,
    account: &str,
    id: &str,
    document: Document,
) -> Result<Option<StoredDocument>, StoreError> {
    let row = sqlx::query(
        "SELECT d.object_key, d.content_type, d.bytes FROM documents d \
         JOIN applications a ON a.id = d.application_id \
         WHERE d.application_id = $1 AND a.account_id = $2 AND d.kind = $3",
    )
    .bind(id)
    .bind(account)
    .bind(document.code())
    .fetch_optional(&db.pool)
    .await?;
    row.map(|r| {
        Ok(StoredDocument {
            object_key: r.try_get("object_key")?,
            content_type: r.try_get("content_type")?,
            bytes: r.try_get("bytes")?,
        })
    })
    .transpose()
}

/// What [`put_document`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DocumentPut {
    /// The scan is recorded. The key of the file it replaced, if any, is recorded as a `replaced` intent in the
    /// same transaction: delete its object and then the intent (`documents::orphans::remove`).
    Recorded { replaced: Option<String> },
    /// Nothing was written: the upload's intent is no longer there (the object sweep claimed it after its grace
    /// period), so its object may be gone. The upload failed.
    IntentGone,
}

/// Records `stored` as the current scan of `document`, in one transaction that also removes the upload's intent
/// (`object_intents`, recorded before the object was put) and records the replaced file's key as an intent, so
/// that a crash at any point leaves every object either pointed at by a row or named by an intent.
pub async fn put_document(
    db: &Db,
    account: &str,
    id: &str,
    document: Document,
    stored: &StoredDocument,
    now: i64,
) -> Result<DocumentPut, StoreError> {
    let mut tx = db.pool.begin().await?;
    if !lock(&mut tx, account, id, now).await?.editable() {
        return Err(StoreError::NotEditable);
    }
    // Exactly one of this and the sweep's claim (which turns the intent into a 'discard') removes the intent.
    let claimed = sqlx::query("DELETE FROM object_intents WHERE object_key = $1 AND reason = 'upload'")
        .bind(&stored.object_key)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if claimed != 1 {
        return Ok(DocumentPut::IntentGone);
    }
    let old: Option<(String,)> =
        sqlx::query_as("SELECT object_key FROM documents WHERE application_id = $1 AND kind = $2")
            .bind(id)
            .bind(document.code())
            .fetch_optional(&mut *tx)
            .await?;
    sqlx::query(
        "INSERT INTO documents (application_id, kind, object_key, content_type, bytes, uploaded_at) \
         VALUES ($1, $2, $3, $4, $5, $6) \
         ON CONFLICT (application_id, kind) DO UPDATE SET object_key = excluded.object_key, \
         content_type = excluded.content_type, bytes = excluded.bytes, uploaded_at = excluded.uploaded_at",
    )
    .bind(id)
    .bind(document.code())
    .bind(&stored.object_key)
    .bind(&stored.content_type)
    .bind(stored.bytes)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    if let Some((old,)) = &old {
        sqlx::query(
            "INSERT INTO object_intents (object_key, reason, created_at) VALUES ($1, 'replaced', $2) \
             ON CONFLICT (object_key) DO UPDATE SET reason = 'replaced'",
        )
        .bind(old)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    }
    sqlx::query("UPDATE applications SET updated_at = $1 WHERE id = $2")
        .bind(now)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(DocumentPut::Recorded {
        replaced: old.map(|(k,)| k),
    })
}

/// The areas directly under `parent`, or the provinces; the `parent` index keeps even a district's villages fast.
pub async fn areas(db: &Db, parent: Option<&str>) -> Result<Vec<Area>, StoreError> {
    let rows: Vec<(String, String)> = match parent {
        None => {
            sqlx::query_as("SELECT code, name FROM areas WHERE level = 1 ORDER BY name")
                .fetch_all(&db.pool)
                .await?
        }
        Some(parent) => {
            sqlx::query_as("SELECT code, name FROM areas WHERE parent = $1 ORDER BY name")
                .bind(parent)
                .fetch_all(&db.pool)
                .await?
        }
    };
    Ok(rows.into_iter().map(|(code, name)| Area { code, name }).collect())
}

/// Another submitted application that states the same NIK, as the staff review page lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SameNik {
    pub id: String,
    pub reference: Option<String>,
    pub status: Status,
    pub submitted_at: i64,
    /// When it reached its current state (its latest event).
    pub since: i64,
    /// Within the staff member's scope: the page links to it only then.
    pub in_scope: bool,
}

/// The other submitted applications (drafts are the applicant's own business) with the NIK of application `id`,
/// oldest first, from every point: those outside `scope` are listed without a link, so that staff know of an
/// earlier rejection or card elsewhere without reaching its data.
pub async fn same_nik(db: &Db, scope: &super::process::Scope, id: &str) -> Result<Vec<SameNik>, StoreError> {
    let scoped = scope.condition(2);
    let in_scope = scoped.as_ref().map_or_else(
        || "1".to_owned(),
        |(condition, _)| format!("CASE WHEN 1 = 1{condition} THEN 1 ELSE 0 END"),
    );
    let sql = format!(
        "SELECT a.id, a.reference, a.status, a.submitted_at, \
         COALESCE((SELECT MAX(e.at) FROM application_events e WHERE e.application_id = a.id), a.updated_at) AS since, \
         {in_scope} AS in_scope \
         FROM applications this JOIN applications a ON a.nik = this.nik \
         WHERE this.id = $1 AND a.id <> this.id AND a.submitted_at IS NOT NULL \
         ORDER BY a.submitted_at, a.id LIMIT 50"
    );
    let mut query = sqlx::query(&sql).bind(id);
    if let Some((_, value)) = &scoped {
        query = query.bind(value);
    }
    query
        .fetch_all(&db.pool)
        .await?
        .iter()
        .map(|row| {
            Ok(SameNik {
                id: row.try_get("id")?,
                reference: row.try_get("reference")?,
                status: status_of(&row.try_get::<String, _>("status")?)?,
                submitted_at: row.try_get("submitted_at")?,
                since: row.try_get("since")?,
                in_scope: row.try_get::<i64, _>("in_scope")? == 1,
            })
        })
        .collect()
}
