//! The staff side of applications: the queue (keyset pages), the search, the detail with its access log, claims,
//! the steps of the process, the counter's day and the blank card stock.
//!
//! Every query that reaches an application goes through [`Scope`]: an operator's queries name their service
//! point, so another point's application is simply not found (404), never "forbidden". The central AFIS posts its
//! results through the same state machine as an [`Actor::Afis`] (see `crate::afis`).

use crate::{
    auth::random,
    db::{
        applications::{view_of, StoreError, StoredDocument},
        Db,
    },
};
use app::{
    api::applications::ApplicationView,
    domain::{
        application::{Answers, Document, Kind, Status},
        nik::mask,
        process::{decide, Facts, ProcessError, Role, Step, StepInput},
        Date,
    },
};
use sqlx::Row;

/// How long a claim holds an application for one staff member.
pub const CLAIM_SECS: i64 = 30 * 60;
/// Rows on a page of the queue.
pub const PAGE_SIZE: i64 = 25;

/// Who asks, and so what they may reach.
#[derive(Clone, Debug)]
pub struct Scope {
    pub staff_id: String,
    pub role: Role,
    /// An operator's service point: their queries see nothing else.
    pub point: Option<String>,
}

/// Who takes a step of the process.
#[derive(Clone, Copy, Debug)]
pub enum Actor<'a> {
    /// A staff member, inside their scope, holding the application's claim.
    Staff(&'a Scope),
    /// The central AFIS, named by its token's issuer. It reaches the whole office (it identifies every point's
    /// applicants), holds no claim (it is not one of the people the claim keeps from working on the same
    /// application), and may take only the AFIS results ([`Step::is_afis_result`]).
    Afis { issuer: &'a str },
}

impl Actor<'_> {
    /// What `application_events.actor` keeps: `staff:<id>` or `afis:<issuer>`.
    fn code(&self) -> String {
        match self {
            Actor::Staff(scope) => format!("staff:{}", scope.staff_id),
            Actor::Afis { issuer } => format!("afis:{issuer}"),
        }
    }

    fn staff_id(&self) -> Option<&str> {
        match self {
            Actor::Staff(scope) => Some(&scope.staff_id),
            Actor::Afis { .. } => None,
        }
    }

    /// The scope's condition (see [`Scope::condition`]); the AFIS sees the whole office.
    fn condition(&self, n: usize) -> Option<(String, String)> {
        match self {
            Actor::Staff(scope) => scope.condition(n),
            Actor::Afis { .. } => None,
        }
    }

    fn handles_applications(&self) -> bool {
        match self {
            Actor::Staff(scope) => scope.role.handles_applications(),
            Actor::Afis { .. } => true,
        }
    }
}

impl Scope {
    /// The condition (on `applications a`) and its bind value that keep a query inside the scope, numbered from
    /// `$n`; `None` for the whole office.
    pub(crate) fn condition(&self, n: usize) -> Option<(String, String)> {
        match self.role {
            Role::Supervisor => None,
            // An operator without a point, or an admin, reaches nothing.
            _ => Some((
                format!(" AND a.point_id = ${n}"),
                self.point.clone().unwrap_or_default(),
            )),
        }
    }
}

/// One row of the queue or of a search.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueueRow {
    pub id: String,
    pub reference: String,
    pub kind: Kind,
    pub status: Status,
    pub submitted_at: i64,
    pub point_id: Option<String>,
    pub full_name: String,
    /// `1403********0001`: lists never show the whole NIK.
    pub masked_nik: String,
    pub claimed_by: Option<String>,
}

/// Where a page of the queue starts: just after this row, in (submitted_at, id) order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cursor {
    pub submitted_at: i64,
    pub id: String,
}

impl Cursor {
    pub fn encode(&self) -> String {
        format!("{}-{}", self.submitted_at, self.id)
    }

    pub fn parse(text: &str) -> Option<Cursor> {
        let (at, id) = text.split_once('-')?;
        (id.len() <= 64 && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')).then_some(())?;
        Some(Cursor {
            submitted_at: at.parse().ok()?,
            id: id.to_owned(),
        })
    }
}

#[derive(Clone, Debug, Default)]
pub struct QueueFilter {
    pub status: Option<Status>,
    pub kind: Option<Kind>,
    pub point: Option<String>,
}

const ROW_COLUMNS: &str = "a.id, a.reference, a.kind, a.status, a.submitted_at, a.point_id, a.nik, \
     a.answers, s.display_name AS claimed_name, a.claim_expires_at";

fn row_of(row: &sqlx::any::AnyRow, now: i64) -> Result<QueueRow, StoreError> {
    let answers: Answers = serde_json::from_str(&row.try_get::<String, _>("answers")?)?;
    let claim_live = row
        .try_get::<Option<i64>, _>("claim_expires_at")?
        .is_some_and(|e| e > now);
    Ok(QueueRow {
        id: row.try_get("id")?,
        reference: row.try_get::<Option<String>, _>("reference")?.unwrap_or_default(),
        kind: super::code("applications.kind", &row.try_get::<String, _>("kind")?)?,
        status: super::code("applications.status", &row.try_get::<String, _>("status")?)?,
        submitted_at: row.try_get::<Option<i64>, _>("submitted_at")?.unwrap_or_default(),
        point_id: row.try_get("point_id")?,
        full_name: answers.get("full_name").cloned().unwrap_or_default(),
        masked_nik: mask(&row.try_get::<Option<String>, _>("nik")?.unwrap_or_default()),
        claimed_by: if claim_live { row.try_get("claimed_name")? } else { None },
    })
}

/// One page of the queue, oldest submission first; `after` continues from the last row of the previous page.
/// Submitted applications unless the filter names another state.
pub async fn queue(
    db: &Db,
    scope: &Scope,
    filter: &QueueFilter,
    after: Option<&Cursor>,
    now: i64,
) -> Result<Vec<QueueRow>, StoreError> {
    let mut sql = format!(
        "SELECT {ROW_COLUMNS} FROM applications a LEFT JOIN staff s ON s.id = a.claimed_by \
         WHERE a.status = $1 AND a.submitted_at IS NOT NULL"
    );
    let mut binds: Vec<String> = vec![filter.status.unwrap_or(Status::Submitted).code().to_owned()];
    if let Some((condition, value)) = scope.condition(binds.len() + 1) {
        sql.push_str(&condition);
        binds.push(value);
    }
    if let Some(kind) = filter.kind {
        binds.push(kind.code().to_owned());
        sql.push_str(&format!(" AND a.kind = ${}", binds.len()));
    }
    if let Some(point) = filter.point.as_deref().filter(|p| !p.is_empty()) {
        binds.push(point.to_owned());
        sql.push_str(&format!(" AND a.point_id = ${}", binds.len()));
    }
    let mut query_after = None;
    if let Some(cursor) = after {
        sql.push_str(&format!(
            // The redundant lower bound lets PostgreSQL seek into the index instead of filtering every row before
            // the cursor (SQLite finds it by itself).
            " AND a.submitted_at >= ${n} AND (a.submitted_at > ${n} OR (a.submitted_at = ${n} AND a.id > ${m}))",
            n = binds.len() + 1,
            m = binds.len() + 2
        ));
        query_after = Some(cursor);
    }
    sql.push_str(&format!(" ORDER BY a.submitted_at, a.id LIMIT {PAGE_SIZE}"));
    let mut query = sqlx::query(&sql);
    for value in &binds {
        query = query.bind(value);
    }
    if let Some(cursor) = query_after {
        query = query.bind(cursor.submitted_at).bind(&cursor.id);
    }
    let rows = query.fetch_all(&db.pool).await?;
    rows.iter().map(|r| row_of(r, now)).collect()
}

/// The applications whose registration number or NIK is `text` (typed, or typed by a scanner reading the QR code
/// on the applicant's form). Empty for anything that is neither.
pub async fn search(db: &Db, scope: &Scope, text: &str, now: i64) -> Result<Vec<QueueRow>, StoreError> {
    let text = text.trim().to_uppercase();
    let column = if text.len() == 16 && text.bytes().all(|b| b.is_ascii_digit()) {
        "a.nik"
    } else if text.starts_with("BKS-") && text.len() <= 20 {
        "a.reference"
    } else {
        return Ok(Vec::new());
    };
    let mut sql = format!(
        "SELECT {ROW_COLUMNS} FROM applications a LEFT JOIN staff s ON s.id = a.claimed_by \
         WHERE {column} = $1 AND a.submitted_at IS NOT NULL"
    );
    let scoped = scope.condition(2);
    if let Some((condition, _)) = &scoped {
        sql.push_str(condition);
    }
    sql.push_str(" ORDER BY a.submitted_at, a.id LIMIT 20");
    let mut query = sqlx::query(&sql).bind(&text);
    if let Some((_, value)) = &scoped {
        query = query.bind(value);
    }
    let rows = query.fetch_all(&db.pool).await?;
    rows.iter().map(|r| row_of(r, now)).collect()
}

/// What the staff detail page shows besides the application itself.
#[derive(Clone, Debug)]
pub struct Detail {
    pub view: ApplicationView,
    pub point_id: Option<String>,
    pub nik: Option<String>,
    pub claimed_by: Option<(String, String)>,
    /// The answers when staff last returned the application: what changed since is highlighted.
    pub returned_answers: Option<Answers>,
    pub events: Vec<EventRow>,
    pub booking: Option<BookingRow>,
    pub blank_cards: i64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventRow {
    pub at: i64,
    /// The staff member's name, `AFIS (<issuer>)` for a result the central AFIS posted, or `None` for the
    /// applicant.
    pub staff: Option<String>,
    pub from: Option<Status>,
    pub to: Status,
    pub step: Option<Step>,
    pub note: Option<String>,
    pub afis_reference: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BookingRow {
    pub id: String,
    pub application_id: String,
    pub reference: String,
    pub full_name: String,
    pub point_id: String,
    pub day: String,
    pub starts: String,
    /// When the slot ends (`HH:MM`): the counter stops taking a late arrival once it and the point have closed.
    pub ends: String,
    pub status: String,
    pub arrived: bool,
    pub app_status: Status,
}

async fn log_access(db: &Db, scope: &Scope, application: &str, what: &str, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO access_log (id, staff_id, application_id, at, what) VALUES ($1, $2, $3, $4, $5)")
        .bind(random::id())
        .bind(&scope.staff_id)
        .bind(application)
        .bind(now)
        .bind(what)
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// The application's whole record for a staff member in scope, with its events; the view is written to the
/// access log before anything is returned. `None` outside the scope.
pub async fn detail(db: &Db, scope: &Scope, id: &str, today: Date, now: i64) -> Result<Option<Detail>, StoreError> {
    let mut sql = "SELECT a.id, a.kind, a.status, a.reference, a.answers, a.point_id, a.nik, a.claimed_by, \
                   a.claim_expires_at, a.returned_answers, s.display_name AS claimed_name \
                   FROM applications a LEFT JOIN staff s ON s.id = a.claimed_by \
                   WHERE a.id = $1 AND a.submitted_at IS NOT NULL"
        .to_owned();
    let scoped = scope.condition(2);
    if let Some((condition, _)) = &scoped {
        sql.push_str(condition);
    }
    let mut query = sqlx::query(&sql).bind(id);
    if let Some((_, value)) = &scoped {
        query = query.bind(value);
    }
    let Some(row) = query.fetch_optional(&db.pool).await? else {
        return Ok(None);
    };
    log_access(db, scope, id, "detail", now).await?;
    let claim_live = row
        .try_get::<Option<i64>, _>("claim_expires_at")?
        .is_some_and(|e| e > now);
    let claimed_by = match (claim_live, row.try_get::<Option<String>, _>("claimed_by")?) {
        (true, Some(staff)) => Some((
            staff,
            row.try_get::<Option<String>, _>("claimed_name")?.unwrap_or_default(),
        )),
        _ => None,
    };
    let returned_answers = row
        .try_get::<Option<String>, _>("returned_answers")?
        .map(|json| serde_json::from_str(&json))
        .transpose()?;
    let point_id = row.try_get("point_id")?;
    let nik = row.try_get("nik")?;
    let view = view_of(db, row, today).await?;
    let events = events(db, id).await?;
    let booking = bookings_where(
        db,
        "b.application_id = $1 AND b.status IN ('booked', 'attended')",
        &[id],
    )
    .await?
    .pop();
    Ok(Some(Detail {
        view,
        point_id,
        nik,
        claimed_by,
        returned_answers,
        events,
        booking,
        blank_cards: blank_cards(db).await?,
    }))
}

/// An application's events, oldest first, with the names of the staff who took them.
pub async fn events(db: &Db, id: &str) -> Result<Vec<EventRow>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT e.at, e.actor, e.from_status, e.to_status, e.step, e.note, e.afis_reference, \
         COALESCE(s.display_name, CASE WHEN e.actor LIKE 'afis:%' THEN 'AFIS (' || SUBSTR(e.actor, 6) || ')' END) \
         AS display_name \
         FROM application_events e LEFT JOIN staff s ON e.actor = 'staff:' || s.id \
         WHERE e.application_id = $1 ORDER BY e.at, e.seq, e.id",
    )
    .bind(id)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(EventRow {
                at: r.try_get("at")?,
                staff: r.try_get("display_name")?,
                from: r
                    .try_get::<Option<String>, _>("from_status")?
                    .map(|s| super::code("application_events.from_status", &s))
                    .transpose()?,
                to: super::code("application_events.to_status", &r.try_get::<String, _>("to_status")?)?,
                step: r
                    .try_get::<Option<String>, _>("step")?
                    .map(|s| super::code("application_events.step", &s))
                    .transpose()?,
                note: r.try_get("note")?,
                afis_reference: r.try_get("afis_reference")?,
            })
        })
        .collect()
}

/// A scan of an application in scope, its viewing logged; `None` outside the scope.
pub async fn scan(
    db: &Db,
    scope: &Scope,
    id: &str,
    document: Document,
    now: i64,
) -> Result<Option<StoredDocument>, StoreError> {
    let mut sql = "SELECT d.object_key, d.content_type, d.bytes FROM documents d \
                   JOIN applications a ON a.id = d.application_id \
                   WHERE d.application_id = $1 AND d.kind = $2 AND a.submitted_at IS NOT NULL"
        .to_owned();
    let scoped = scope.condition(3);
    if let Some((condition, _)) = &scoped {
        sql.push_str(condition);
    }
    let mut query = sqlx::query(&sql).bind(id).bind(document.code());
    if let Some((_, value)) = &scoped {
        query = query.bind(value);
    }
    let Some(row) = query.fetch_optional(&db.pool).await? else {
        return Ok(None);
    };
    log_access(db, scope, id, document.code(), now).await?;
    Ok(Some(StoredDocument {
        object_key: row.try_get("object_key")?,
        content_type: row.try_get("content_type")?,
        bytes: row.try_get("bytes")?,
    }))
}

/// Why a claim or a step was refused.
#[derive(Debug, thiserror::Error)]
pub enum StepError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("no such application in the staff member's scope")]
    NotFound,
    #[error("another staff member holds the claim")]
    ClaimedByOther(String),
    #[error("the staff member must claim the application first")]
    NotClaimed,
    #[error(transparent)]
    Refused(#[from] ProcessError),
}

impl From<sqlx::Error> for StepError {
    fn from(error: sqlx::Error) -> StepError {
        StepError::Store(StoreError::Db(error))
    }
}

/// Takes the application's row first in a transaction (as every writer does), inside the actor's scope; its
/// status and claim.
async fn lock(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    actor: Actor<'_>,
    id: &str,
) -> Result<(Status, Option<String>, Option<i64>), StepError> {
    let mut sql =
        "UPDATE applications SET updated_at = updated_at WHERE id = $1 AND submitted_at IS NOT NULL".to_owned();
    let scoped = actor.condition(2);
    if let Some((condition, _)) = &scoped {
        sql.push_str(&condition.replace("a.", ""));
    }
    let mut query = sqlx::query(&sql).bind(id);
    if let Some((_, value)) = &scoped {
        query = query.bind(value);
    }
    if query.execute(&mut **tx).await?.rows_affected() == 0 || !actor.handles_applications() {
        return Err(StepError::NotFound);
    }
    let (status, claimed_by, expires): (String, Option<String>, Option<i64>) =
        sqlx::query_as("SELECT status, claimed_by, claim_expires_at FROM applications WHERE id = $1")
            .bind(id)
            .fetch_one(&mut **tx)
            .await?;
    Ok((super::code("applications.status", &status)?, claimed_by, expires))
}

fn holder(claimed_by: Option<String>, expires: Option<i64>, now: i64) -> Option<String> {
    claimed_by.filter(|_| expires.is_some_and(|e| e > now))
}

/// Claims the application for the staff member (or renews their claim) for [`CLAIM_SECS`].
pub async fn claim(db: &Db, scope: &Scope, id: &str, now: i64) -> Result<(), StepError> {
    let mut tx = db.pool.begin().await?;
    let (_, claimed_by, expires) = lock(&mut tx, Actor::Staff(scope), id).await?;
    if let Some(other) = holder(claimed_by, expires, now).filter(|h| *h != scope.staff_id) {
        let (name,): (String,) = sqlx::query_as("SELECT display_name FROM staff WHERE id = $1")
            .bind(&other)
            .fetch_one(&mut *tx)
            .await?;
        return Err(StepError::ClaimedByOther(name));
    }
    sqlx::query("UPDATE applications SET claimed_by = $1, claim_expires_at = $2 WHERE id = $3")
        .bind(&scope.staff_id)
        .bind(now + CLAIM_SECS)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// Gives up the staff member's own claim.
pub async fn release(db: &Db, scope: &Scope, id: &str) -> Result<(), StepError> {
    let mut tx = db.pool.begin().await?;
    lock(&mut tx, Actor::Staff(scope), id).await?;
    sqlx::query("UPDATE applications SET claimed_by = NULL, claim_expires_at = NULL WHERE id = $1 AND claimed_by = $2")
        .bind(id)
        .bind(&scope.staff_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// Takes one step of the process: the domain decides, then the new state, the event and whatever the step
/// changes besides (the booking, the blank card stock, the answers kept for the next review, a message to the
/// applicant) are written in one transaction, or nothing is.
pub async fn take_step(
    db: &Db,
    scope: &Scope,
    id: &str,
    step: Step,
    input: &StepInput,
    now: i64,
) -> Result<Status, StepError> {
    apply_step(db, Actor::Staff(scope), id, step, input, now).await
}

/// The central AFIS posts its result (an AFIS step, with its reference): the same state machine and the same
/// transaction as a supervisor entering it by hand, without a claim; the event names `afis:<issuer>`.
pub async fn take_afis_step(
    db: &Db,
    issuer: &str,
    id: &str,
    step: Step,
    input: &StepInput,
    now: i64,
) -> Result<Status, StepError> {
    apply_step(db, Actor::Afis { issuer }, id, step, input, now).await
}

async fn apply_step(
    db: &Db,
    actor: Actor<'_>,
    id: &str,
    step: Step,
    input: &StepInput,
    now: i64,
) -> Result<Status, StepError> {
    let mut tx = db.pool.begin().await?;
    let (status, claimed_by, expires) = lock(&mut tx, actor, id).await?;
    let role = match actor {
        Actor::Staff(scope) => {
            match holder(claimed_by, expires, now) {
                Some(h) if h == scope.staff_id => {}
                Some(_) | None => return Err(StepError::NotClaimed),
            }
            scope.role
        }
        // The AFIS answers with a supervisor's authority, for its own steps only.
        Actor::Afis { .. } if step.is_afis_result() => Role::Supervisor,
        Actor::Afis { .. } => return Err(StepError::Refused(ProcessError::WrongRole)),
    };
    let (stock,): (i64,) = sqlx::query_as("SELECT quantity FROM blank_card_stock WHERE id = 1")
        .fetch_one(&mut *tx)
        .await?;
    let (kind, handover_at) = handover_point(&mut tx, id).await?;
    let facts = Facts {
        blank_cards: stock,
        distributes: app::domain::process::distributes(kind, &handover_at),
    };
    let accepted = decide(status, role, step, input, facts)?;
    match step {
        // Printed on a blank, whether handed over at the Dinas or sent to a district point.
        Step::CardReady | Step::Distribute => {
            let taken = sqlx::query(
                "UPDATE blank_card_stock SET quantity = quantity - 1, updated_at = $1 WHERE id = 1 AND quantity > 0",
            )
            .bind(now)
            .execute(&mut *tx)
            .await?;
            if taken.rows_affected() == 0 {
                return Err(StepError::Refused(ProcessError::NoBlankCards));
            }
            record_stock_change(&mut tx, actor.staff_id(), -1, stock - 1, Some(id), now).await?;
        }
        Step::Record => super::bookings::attend(&mut tx, id, now).await?,
        // A return or a rejection frees the appointment's place, with its own message (see `bookings::free_place`).
        Step::Return => {
            sqlx::query("UPDATE applications SET returned_answers = answers WHERE id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            super::bookings::free_place(&mut tx, id, super::bookings::Because::Returned, now).await?;
        }
        Step::Reject | Step::ClarificationReject => {
            super::bookings::free_place(&mut tx, id, super::bookings::Because::Rejected, now).await?;
        }
        // The withheld card goes back to Kemendagri for destruction, under its reference; the blank it was printed
        // on is spent, so the stock is not credited.
        Step::HandoverMismatch => {
            let (Some(staff), Some(reference)) = (actor.staff_id(), accepted.return_reference.as_deref()) else {
                return Err(StepError::Refused(ProcessError::ReturnReferenceMissing));
            };
            record_card_return(&mut tx, id, reference, staff, now).await?;
        }
        _ => {}
    }
    let updated = sqlx::query(
        "UPDATE applications SET status = $1, updated_at = $2, claimed_by = NULL, claim_expires_at = NULL \
         WHERE id = $3 AND status = $4",
    )
    .bind(accepted.to.code())
    .bind(now)
    .bind(id)
    .bind(status.code())
    .execute(&mut *tx)
    .await?;
    if updated.rows_affected() != 1 {
        return Err(StepError::Refused(ProcessError::WrongState));
    }
    sqlx::query(
        "INSERT INTO application_events (id, application_id, at, actor, from_status, to_status, note, step, \
         afis_reference, seq) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, \
         (SELECT COALESCE(MAX(seq), 0) + 1 FROM application_events WHERE application_id = $2))",
    )
    .bind(random::id())
    .bind(id)
    .bind(now)
    .bind(actor.code())
    .bind(status.code())
    .bind(accepted.to.code())
    .bind(accepted.note.as_deref())
    .bind(step.code())
    .bind(accepted.afis_reference.as_deref())
    .execute(&mut *tx)
    .await?;
    // The applicant hears of the step in the same transaction (the worker decides which steps are worth a message).
    let mut payload = serde_json::json!({ "status": accepted.to.code(), "step": step.code() });
    if step.tells_applicant_why() {
        payload["reason"] = accepted.note.clone().into();
    }
    if step == Step::Distribute {
        // "Dikirim ke Kantor Camat X": the point the card travels to.
        payload["point"] = handover_at.clone().into();
    }
    // A withheld card has its own message (not the generic "clarification needed", which tells of AFIS).
    let topic = match step {
        Step::HandoverMismatch => super::outbox::Topic::CardWithheld,
        _ => super::outbox::Topic::StatusChanged,
    };
    super::outbox::enqueue(&mut tx, id, topic, payload, now).await?;
    tx.commit().await?;
    Ok(accepted.to)
}

async fn record_stock_change(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    staff: Option<&str>,
    change: i64,
    quantity: i64,
    note: Option<&str>,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO blank_card_changes (id, staff_id, at, change, quantity, note) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(random::id())
    .bind(staff)
    .bind(now)
    .bind(change)
    .bind(quantity)
    .bind(note)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The blank cards in stock.
pub async fn blank_cards(db: &Db) -> Result<i64, sqlx::Error> {
    let (quantity,): (i64,) = sqlx::query_as("SELECT quantity FROM blank_card_stock WHERE id = 1")
        .fetch_one(&db.pool)
        .await?;
    Ok(quantity)
}

/// A supervisor records a delivery (positive) or a count correction; the stock never goes below zero.
pub async fn change_blank_cards(
    db: &Db,
    staff: &str,
    change: i64,
    note: &str,
    now: i64,
) -> Result<Option<i64>, sqlx::Error> {
    let mut tx = db.pool.begin().await?;
    let updated: Option<(i64,)> = sqlx::query_as(
        "UPDATE blank_card_stock SET quantity = quantity + $1, updated_at = $2 WHERE id = 1 AND quantity + $1 >= 0 \
         RETURNING quantity",
    )
    .bind(change)
    .bind(now)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((quantity,)) = updated else { return Ok(None) };
    record_stock_change(&mut tx, Some(staff), change, quantity, Some(note), now).await?;
    tx.commit().await?;
    Ok(Some(quantity))
}

/// The last changes of the stock, newest first: (at, who, change, quantity after, note).
pub async fn blank_card_changes(db: &Db) -> Result<Vec<(i64, String, i64, i64, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT c.at, COALESCE(s.display_name, ''), c.change, c.quantity, COALESCE(c.note, '') \
         FROM blank_card_changes c LEFT JOIN staff s ON s.id = c.staff_id ORDER BY c.at DESC, c.id DESC LIMIT 50",
    )
    .fetch_all(&db.pool)
    .await
}

async fn bookings_where(db: &Db, condition: &str, values: &[&str]) -> Result<Vec<BookingRow>, StoreError> {
    let sql = format!(
        "SELECT b.id, b.application_id, b.point_id, b.day, b.starts, b.ends, b.status, b.arrived_at, a.reference, \
         a.answers, a.status AS app_status FROM bookings b JOIN applications a ON a.id = b.application_id \
         WHERE {condition} ORDER BY b.day, b.starts, a.reference"
    );
    let mut query = sqlx::query(&sql);
    for value in values {
        query = query.bind(*value);
    }
    let rows = query.fetch_all(&db.pool).await?;
    rows.iter()
        .map(|r| {
            let answers: Answers = serde_json::from_str(&r.try_get::<String, _>("answers")?)?;
            Ok(BookingRow {
                id: r.try_get("id")?,
                application_id: r.try_get("application_id")?,
                reference: r.try_get::<Option<String>, _>("reference")?.unwrap_or_default(),
                full_name: answers.get("full_name").cloned().unwrap_or_default(),
                point_id: r.try_get("point_id")?,
                day: r.try_get("day")?,
                starts: r.try_get("starts")?,
                ends: r.try_get("ends")?,
                status: r.try_get("status")?,
                arrived: r.try_get::<Option<i64>, _>("arrived_at")?.is_some(),
                app_status: super::code("applications.status", &r.try_get::<String, _>("app_status")?)?,
            })
        })
        .collect()
}

/// The day's appointments at a point, by time.
pub async fn counter_day(db: &Db, point: &str, day: Date) -> Result<Vec<BookingRow>, StoreError> {
    let day = day.to_string();
    bookings_where(
        db,
        "b.point_id = $1 AND b.day = $2 AND b.status IN ('booked', 'attended', 'missed')",
        &[point, &day],
    )
    .await
}

/// One line of the access log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccessRow {
    pub at: i64,
    pub staff: String,
    pub reference: String,
    pub what: String,
}

/// The access log, newest first; for one application when `reference` is given.
pub async fn access_log(db: &Db, reference: Option<&str>) -> Result<Vec<AccessRow>, sqlx::Error> {
    let mut sql = "SELECT l.at, s.display_name, COALESCE(a.reference, ''), l.what FROM access_log l \
                   JOIN staff s ON s.id = l.staff_id JOIN applications a ON a.id = l.application_id"
        .to_owned();
    if reference.is_some() {
        sql.push_str(" WHERE a.reference = $1");
    }
    sql.push_str(" ORDER BY l.at DESC, l.id DESC LIMIT 200");
    let mut query = sqlx::query_as::<_, (i64, String, String, String)>(&sql);
    if let Some(reference) = reference {
        query = query.bind(reference.trim().to_uppercase());
    }
    Ok(query
        .fetch_all(&db.pool)
        .await?
        .into_iter()
        .map(|(at, staff, reference, what)| AccessRow {
            at,
            staff,
            reference,
            what,
        })
        .collect())
}

// ---------------------------------------------------------------------------------------------------------------
// Handover: where the card goes, and the return of a withheld card

/// The application's kind and the service point that hands its card over, read inside the step's transaction:
/// whether the card is distributed there ([`app::domain::process::distributes`]) and where a distributed card goes.
async fn handover_point(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    id: &str,
) -> Result<(app::domain::application::Kind, String), StepError> {
    let (kind, point): (String, Option<String>) =
        sqlx::query_as("SELECT kind, point_id FROM applications WHERE id = $1")
            .bind(id)
            .fetch_one(&mut **tx)
            .await?;
    // A submitted application always has its point; one without is the Dinas's, as at submission.
    let point = point.unwrap_or_else(|| app::domain::process::DINAS_POINT.to_owned());
    Ok((super::code("applications.kind", &kind)?, point))
}

async fn record_card_return(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    id: &str,
    reference: &str,
    staff: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO card_returns (id, application_id, reference, staff_id, at) VALUES ($1, $2, $3, $4, $5)")
        .bind(random::id())
        .bind(id)
        .bind(reference)
        .bind(staff)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// A withheld card's return to Kemendagri for destruction, as the console's history shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CardReturn {
    pub at: i64,
    /// The *berita acara* or shipment number.
    pub reference: String,
    /// The staff member who recorded it.
    pub staff: String,
}

/// The returns of an application's withheld cards, oldest first. The caller has reached the application inside
/// its scope ([`detail`]).
pub async fn card_returns(db: &Db, id: &str) -> Result<Vec<CardReturn>, sqlx::Error> {
    let rows: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT r.at, r.reference, s.display_name FROM card_returns r JOIN staff s ON s.id = r.staff_id \
         WHERE r.application_id = $1 ORDER BY r.at, r.id",
    )
    .bind(id)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(at, reference, staff)| CardReturn { at, reference, staff })
        .collect())
}
