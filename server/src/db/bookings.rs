//! The queries of service points, the calendar and appointments.
//!
//! Capacity and "one active booking per application" are decided inside one transaction per change, which first
//! takes the application's row (see `applications::lock`), then the slot's counter row. A place is taken by
//! `UPDATE slot_usage SET taken = taken + 1 WHERE … AND taken < capacity`: PostgreSQL re-reads the row after
//! waiting for its lock and SQLite runs one writer at a time, so on both the counter can never pass the capacity.
//! When a move touches two counters, they are taken in key order so that two crossing moves cannot deadlock.

use crate::{
    auth::random,
    db::{
        applications::{self, StoreError},
        outbox::{self, Topic},
        Db,
    },
};
use app::domain::{
    application::{Kind, Status},
    booking::{
        can_change, check_slot, BookingIssue, BookingStatus, ClockTime, Hours, Schedule, ServicePoint,
        BOOKING_HORIZON_DAYS,
    },
    calendar::Calendar,
    Date,
};
use sqlx::Row;
use std::collections::BTreeMap;

#[derive(Debug, thiserror::Error)]
pub enum BookingError {
    #[error(transparent)]
    Db(#[from] sqlx::Error),
    #[error("refused: {0:?}")]
    Refused(BookingIssue),
    #[error("no such application")]
    NotFound,
}

impl From<BookingIssue> for BookingError {
    fn from(issue: BookingIssue) -> Self {
        BookingError::Refused(issue)
    }
}

type Tx<'a> = sqlx::Transaction<'a, sqlx::Any>;

/// One appointment as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Booking {
    pub id: String,
    pub application_id: String,
    pub point_id: String,
    pub day: Date,
    pub starts: ClockTime,
    pub ends: ClockTime,
    pub status: BookingStatus,
    pub note: Option<String>,
}

// ---------------------------------------------------------------------------------------------------------------
// Service points

/// The seeded points: the Dinas (citizens and foreign residents) and one per district (citizens only), on a
/// database that has none. Two nodes starting at once on an empty database may both get past the count: every
/// row is `ON CONFLICT DO NOTHING` on its key (the same ids, in the same order), so the second adds nothing.
pub async fn seed_points(db: &Db) -> Result<(), sqlx::Error> {
    let (count,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM service_points")
        .fetch_one(&db.pool)
        .await?;
    if count > 0 {
        return Ok(());
    }
    let districts: Vec<(String, String)> =
        sqlx::query_as("SELECT code, name FROM areas WHERE parent = '14.03' AND level = 3 ORDER BY name")
            .fetch_all(&db.pool)
            .await?;
    let mut tx = db.pool.begin().await?;
    let dinas = (
        "dinas".to_owned(),
        "Kantor Dinas Kependudukan dan Pencatatan Sipil".to_owned(),
        "Jl. Pertanian, Bengkalis, Riau 28751".to_owned(),
        None,
        true,
        4,
    );
    let points = std::iter::once(dinas).chain(districts.into_iter().map(|(code, name)| {
        (
            code.clone(),
            format!("Kantor Camat {name}"),
            format!("Kecamatan {name}, Kabupaten Bengkalis, Riau"),
            Some(code),
            false,
            2,
        )
    }));
    for (position, (id, name, address, district, foreigners, counters)) in points.enumerate() {
        let schedule = Schedule::office_default(counters);
        let (break_start, break_end) = schedule
            .break_time
            .map(|(a, b)| (Some(a.to_string()), Some(b.to_string())))
            .unwrap_or_default();
        sqlx::query(
            "INSERT INTO service_points (id, name, address, district, serves_foreigners, slot_minutes, counters, \
             break_start, break_end, active, position) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 1, $10) \
             ON CONFLICT (id) DO NOTHING",
        )
        .bind(&id)
        .bind(&name)
        .bind(&address)
        .bind(district)
        .bind(i32::from(foreigners))
        .bind(i32::from(schedule.slot_minutes))
        .bind(counters as i32)
        .bind(break_start)
        .bind(break_end)
        .bind(position as i32)
        .execute(&mut *tx)
        .await?;
        for hours in &schedule.hours {
            sqlx::query(
                "INSERT INTO opening_hours (point_id, weekday, opens, closes) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (point_id, weekday) DO NOTHING",
            )
            .bind(&id)
            .bind(i32::from(hours.weekday))
            .bind(hours.opens.to_string())
            .bind(hours.closes.to_string())
            .execute(&mut *tx)
            .await?;
        }
    }
    tx.commit().await?;
    tracing::info!("seeded the service points");
    Ok(())
}

fn clock(text: &str) -> Result<ClockTime, sqlx::Error> {
    ClockTime::parse(text).ok_or_else(|| sqlx::Error::Decode(format!("not a time of day: {text}").into()))
}

fn date(text: &str) -> Result<Date, sqlx::Error> {
    Date::parse_iso(text).ok_or_else(|| sqlx::Error::Decode(format!("not a date: {text}").into()))
}

/// The active service points, in the office's order, with their schedules.
pub async fn points(conn: &mut sqlx::AnyConnection) -> Result<Vec<ServicePoint>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT id, name, address, serves_foreigners, slot_minutes, counters, break_start, break_end \
         FROM service_points WHERE active = 1 ORDER BY position, id",
    )
    .fetch_all(&mut *conn)
    .await?;
    let hours = sqlx::query("SELECT point_id, weekday, opens, closes FROM opening_hours ORDER BY point_id, weekday")
        .fetch_all(&mut *conn)
        .await?;
    let mut by_point: BTreeMap<String, Vec<Hours>> = BTreeMap::new();
    for h in hours {
        by_point.entry(h.try_get("point_id")?).or_default().push(Hours {
            weekday: h.try_get::<i64, _>("weekday")? as u8,
            opens: clock(&h.try_get::<String, _>("opens")?)?,
            closes: clock(&h.try_get::<String, _>("closes")?)?,
        });
    }
    rows.into_iter()
        .map(|r| {
            let id: String = r.try_get("id")?;
            let break_start: Option<String> = r.try_get("break_start")?;
            let break_end: Option<String> = r.try_get("break_end")?;
            let break_time = match (break_start, break_end) {
                (Some(a), Some(b)) => Some((clock(&a)?, clock(&b)?)),
                _ => None,
            };
            Ok(ServicePoint {
                name: r.try_get("name")?,
                address: r.try_get("address")?,
                serves_foreigners: r.try_get::<i64, _>("serves_foreigners")? == 1,
                schedule: Schedule {
                    hours: by_point.remove(&id).unwrap_or_default(),
                    break_time,
                    slot_minutes: r.try_get::<i64, _>("slot_minutes")? as u16,
                    counters: r.try_get::<i64, _>("counters")? as u32,
                },
                id,
            })
        })
        .collect()
}

/// The working-day calendar of `point` (all points: `None`) between `from` and `to`: holidays and its closures.
pub async fn calendar(
    conn: &mut sqlx::AnyConnection,
    point: Option<&str>,
    from: Date,
    to: Date,
) -> Result<Calendar, sqlx::Error> {
    let mut days: Vec<(String,)> = sqlx::query_as("SELECT day FROM holidays WHERE day >= $1 AND day <= $2")
        .bind(from.to_string())
        .bind(to.to_string())
        .fetch_all(&mut *conn)
        .await?;
    if let Some(point) = point {
        days.extend(
            sqlx::query_as::<_, (String,)>("SELECT day FROM closures WHERE point_id = $1 AND day >= $2 AND day <= $3")
                .bind(point)
                .bind(from.to_string())
                .bind(to.to_string())
                .fetch_all(&mut *conn)
                .await?,
        );
    }
    Ok(Calendar::new(days.iter().filter_map(|(d,)| Date::parse_iso(d))))
}

/// Places taken per slot at `point` between `from` and `to`.
pub async fn usage(
    db: &Db,
    point: &str,
    from: Date,
    to: Date,
) -> Result<BTreeMap<(Date, ClockTime), u32>, sqlx::Error> {
    let rows: Vec<(String, String, i64)> = sqlx::query_as(
        "SELECT day, starts, taken FROM slot_usage WHERE point_id = $1 AND day >= $2 AND day <= $3 AND taken > 0",
    )
    .bind(point)
    .bind(from.to_string())
    .bind(to.to_string())
    .fetch_all(&db.pool)
    .await?;
    rows.into_iter()
        .map(|(d, s, taken)| Ok(((date(&d)?, clock(&s)?), taken as u32)))
        .collect()
}

// ---------------------------------------------------------------------------------------------------------------
// Bookings

const BOOKING_COLUMNS: &str = "b.id, b.application_id, b.point_id, b.day, b.starts, b.ends, b.status, b.note";

fn booking_of(row: &sqlx::any::AnyRow) -> Result<Booking, sqlx::Error> {
    Ok(Booking {
        id: row.try_get("id")?,
        application_id: row.try_get("application_id")?,
        point_id: row.try_get("point_id")?,
        day: date(&row.try_get::<String, _>("day")?)?,
        starts: clock(&row.try_get::<String, _>("starts")?)?,
        ends: clock(&row.try_get::<String, _>("ends")?)?,
        status: super::code("bookings.status", &row.try_get::<String, _>("status")?)?,
        note: row.try_get("note")?,
    })
}

/// The bookings of an application of `account`, newest first.
pub async fn bookings_of(db: &Db, account: &str, application: &str) -> Result<Vec<Booking>, sqlx::Error> {
    let rows = sqlx::query(&format!(
        "SELECT {BOOKING_COLUMNS} FROM bookings b JOIN applications a ON a.id = b.application_id \
         WHERE b.application_id = $1 AND a.account_id = $2 ORDER BY b.created_at DESC, b.id DESC"
    ))
    .bind(application)
    .bind(account)
    .fetch_all(&db.pool)
    .await?;
    rows.iter().map(booking_of).collect()
}

async fn active_booking(tx: &mut Tx<'_>, application: &str) -> Result<Option<Booking>, sqlx::Error> {
    let row = sqlx::query(&format!(
        "SELECT {BOOKING_COLUMNS} FROM bookings b WHERE b.application_id = $1 AND b.status = 'booked'"
    ))
    .bind(application)
    .fetch_optional(&mut **tx)
    .await?;
    row.as_ref().map(booking_of).transpose()
}

/// Whether the applicant of `booking` was marked arrived: their appointment is theirs to move or cancel no more.
async fn arrived(tx: &mut Tx<'_>, booking: &str) -> Result<bool, sqlx::Error> {
    let (arrived,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM bookings WHERE id = $1 AND arrived_at IS NOT NULL")
        .bind(booking)
        .fetch_one(&mut **tx)
        .await?;
    Ok(arrived > 0)
}

/// Takes the application's row as the transaction's first write (see `applications::lock`); its kind and status.
async fn lock_application(
    tx: &mut Tx<'_>,
    account: &str,
    application: &str,
    now: i64,
) -> Result<(Kind, Status), BookingError> {
    let status = applications::lock(tx, account, application, now)
        .await
        .map_err(|e| match e {
            StoreError::Db(e) => BookingError::Db(e),
            _ => BookingError::NotFound,
        })?;
    let (kind,): (String,) = sqlx::query_as("SELECT kind FROM applications WHERE id = $1")
        .bind(application)
        .fetch_one(&mut **tx)
        .await?;
    Ok((super::code("applications.kind", &kind)?, status))
}

/// One slot of one point on one day: the key of a `slot_usage` row.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Slot {
    point: String,
    day: String,
    starts: String,
}

impl Slot {
    fn of(booking: &Booking) -> Slot {
        Slot {
            point: booking.point_id.clone(),
            day: booking.day.to_string(),
            starts: booking.starts.to_string(),
        }
    }
}

/// Takes one place in `slot` if fewer than `capacity` are taken; false when it is full.
async fn take_place(tx: &mut Tx<'_>, slot: &Slot, capacity: u32) -> Result<bool, sqlx::Error> {
    sqlx::query(
        "INSERT INTO slot_usage (point_id, day, starts, taken) VALUES ($1, $2, $3, 0) \
         ON CONFLICT (point_id, day, starts) DO NOTHING",
    )
    .bind(&slot.point)
    .bind(&slot.day)
    .bind(&slot.starts)
    .execute(&mut **tx)
    .await?;
    let taken = sqlx::query(
        "UPDATE slot_usage SET taken = taken + 1 WHERE point_id = $1 AND day = $2 AND starts = $3 AND taken < $4",
    )
    .bind(&slot.point)
    .bind(&slot.day)
    .bind(&slot.starts)
    .bind(i64::from(capacity))
    .execute(&mut **tx)
    .await?;
    Ok(taken.rows_affected() == 1)
}

async fn release_place(tx: &mut Tx<'_>, slot: &Slot) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE slot_usage SET taken = taken - 1 WHERE point_id = $1 AND day = $2 AND starts = $3 AND taken > 0",
    )
    .bind(&slot.point)
    .bind(&slot.day)
    .bind(&slot.starts)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// What the applicant asks for.
#[derive(Clone, Debug)]
pub struct BookingRequest {
    pub point: String,
    pub day: Date,
    pub time: ClockTime,
    /// The booking this one replaces (a move); `None` for a first booking.
    pub replaces: Option<String>,
}

/// Books (or moves to) the requested slot for an application of `account`.
pub async fn book(
    db: &Db,
    account: &str,
    application: &str,
    request: &BookingRequest,
    today: Date,
    now: i64,
) -> Result<Booking, BookingError> {
    let mut tx = db.pool.begin().await?;
    let (kind, status) = lock_application(&mut tx, account, application, now).await?;
    if !status.bookable() {
        return Err(BookingIssue::NotBookable.into());
    }
    // Read inside the transaction: a holiday added meanwhile is seen, and the pool is not asked for a second
    // connection while this one waits (which, under load, would starve it).
    let point = points(&mut tx)
        .await?
        .into_iter()
        .find(|p| p.id == request.point)
        .ok_or(BookingIssue::UnknownPoint)?;
    let horizon = today.add_days(BOOKING_HORIZON_DAYS + 1);
    let calendar = calendar(&mut tx, Some(&point.id), today, horizon).await?;
    check_slot(&point, kind, &calendar, today, request.day, request.time)?;

    let current = active_booking(&mut tx, application).await?;
    let replaced = match (&request.replaces, current) {
        (None, Some(_)) => return Err(BookingIssue::AlreadyBooked.into()),
        (None, None) => None,
        (Some(wanted), Some(current)) if *wanted == current.id => {
            let full_calendar = self::calendar(&mut tx, None, today, current.day).await?;
            if !can_change(&full_calendar, today, current.day) || arrived(&mut tx, &current.id).await? {
                return Err(BookingIssue::TooLateToChange.into());
            }
            if current.point_id == point.id && current.day == request.day && current.starts == request.time {
                return Ok(current);
            }
            Some(current)
        }
        (Some(_), _) => return Err(BookingIssue::NoActiveBooking.into()),
    };

    let new_slot = Slot {
        point: point.id.clone(),
        day: request.day.to_string(),
        starts: request.time.to_string(),
    };
    let old_slot = replaced.as_ref().map(Slot::of);
    // Counters in key order: two crossing moves wait for each other instead of deadlocking.
    if let Some(old) = old_slot.as_ref().filter(|old| **old < new_slot) {
        release_place(&mut tx, old).await?;
    }
    if !take_place(&mut tx, &new_slot, point.schedule.counters).await? {
        return Err(BookingIssue::SlotFull.into());
    }
    if let Some(old) = old_slot.as_ref().filter(|old| **old > new_slot) {
        release_place(&mut tx, old).await?;
    }
    if let Some(old) = &replaced {
        set_status(&mut tx, &old.id, BookingStatus::Cancelled, Some("moved"), now).await?;
    }
    let booking = Booking {
        id: random::id(),
        application_id: application.to_owned(),
        point_id: point.id.clone(),
        day: request.day,
        starts: request.time,
        ends: request.time.plus_minutes(point.schedule.slot_minutes),
        status: BookingStatus::Booked,
        note: None,
    };
    let inserted = sqlx::query(
        "INSERT INTO bookings (id, application_id, point_id, day, starts, ends, status, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)",
    )
    .bind(&booking.id)
    .bind(application)
    .bind(&booking.point_id)
    .bind(booking.day.to_string())
    .bind(booking.starts.to_string())
    .bind(booking.ends.to_string())
    .bind(BookingStatus::Booked.code())
    .bind(now)
    .execute(&mut *tx)
    .await;
    if let Err(error) = inserted {
        // The partial unique index: another booking of this application won (cannot happen while the row lock
        // holds, but the index is the last word).
        if error.as_database_error().is_some_and(|e| e.is_unique_violation()) {
            return Err(BookingIssue::AlreadyBooked.into());
        }
        return Err(error.into());
    }
    let mut payload = serde_json::json!({
        "point": booking.point_id,
        "day": booking.day.to_string(),
        "starts": booking.starts.to_string(),
    });
    let topic = match &replaced {
        Some(old) => {
            payload["from_day"] = old.day.to_string().into();
            payload["from_starts"] = old.starts.to_string().into();
            Topic::BookingMoved
        }
        None => Topic::BookingConfirmed,
    };
    outbox::enqueue(&mut tx, application, topic, payload, now).await?;
    // Staff at the booked point handle the application from now on.
    sqlx::query("UPDATE applications SET point_id = $1 WHERE id = $2")
        .bind(&booking.point_id)
        .bind(application)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(booking)
}

async fn set_status(
    tx: &mut Tx<'_>,
    booking: &str,
    status: BookingStatus,
    note: Option<&str>,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE bookings SET status = $1, note = $2, updated_at = $3 WHERE id = $4")
        .bind(status.code())
        .bind(note)
        .bind(now)
        .bind(booking)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Cancels the active booking `booking` of an application of `account`, until the working day before it.
pub async fn cancel(
    db: &Db,
    account: &str,
    application: &str,
    booking: &str,
    today: Date,
    now: i64,
) -> Result<(), BookingError> {
    let mut tx = db.pool.begin().await?;
    lock_application(&mut tx, account, application, now).await?;
    let current = active_booking(&mut tx, application)
        .await?
        .filter(|b| b.id == booking)
        .ok_or(BookingIssue::NoActiveBooking)?;
    let calendar = calendar(&mut tx, None, today, current.day).await?;
    if !can_change(&calendar, today, current.day) || arrived(&mut tx, &current.id).await? {
        return Err(BookingIssue::TooLateToChange.into());
    }
    release_place(&mut tx, &Slot::of(&current)).await?;
    set_status(&mut tx, &current.id, BookingStatus::Cancelled, Some("applicant"), now).await?;
    let payload = serde_json::json!({
        "point": current.point_id,
        "day": current.day.to_string(),
        "starts": current.starts.to_string(),
        "by_applicant": true,
    });
    outbox::enqueue(&mut tx, application, Topic::BookingCancelled, payload, now).await?;
    tx.commit().await?;
    Ok(())
}

/// The condition (on `bookings`) that the point has closed for the appointment on the office's day `$day` at the
/// time of day `$time`: the appointment's day is past, or it is today and both its slot and the point's opening
/// hours for that weekday (`$weekday`) have ended. The slot counts too, so that an appointment booked before the
/// hours were shortened keeps its time; a weekday without opening hours (the schedule changed after the booking)
/// closes at midnight. The parameters are numbered by the caller.
fn closed_condition(day: usize, time: usize, weekday: usize) -> String {
    format!(
        "(bookings.day < ${day} OR (bookings.day = ${day} AND bookings.ends <= ${time} AND EXISTS (\
         SELECT 1 FROM opening_hours h WHERE h.point_id = bookings.point_id AND h.weekday = ${weekday} \
         AND h.closes <= ${time})))"
    )
}

/// [`closed_condition`] for one appointment ending at `ends` on `day` at `point`, as the office's `today` at
/// `now_time`: what the counter's page shows (the query decides).
pub fn closed_for(point: &ServicePoint, day: Date, ends: ClockTime, today: Date, now_time: ClockTime) -> bool {
    day < today
        || (day == today
            && ends <= now_time
            && point
                .schedule
                .hours
                .iter()
                .any(|h| h.weekday == day.weekday() && h.closes <= now_time))
}

/// Closes the appointments of the points that have closed (see [`closed_condition`]): one nobody marked arrived
/// becomes missed, and its applicant is sent a message with a link to book again (`appointment_missed`); one whose
/// applicant arrived but was not recorded becomes attended (they came; the application may book again). Returns
/// how many became missed. `now_time` is the office's time of day on `today`.
///
/// One transaction; each row changes once: its condition is read again when another sweep (on another node) or an
/// arrival changed it meanwhile (PostgreSQL re-checks an updated row; SQLite has one writer), so a missed
/// appointment is announced exactly once and an arrival is never overwritten.
pub async fn mark_missed(db: &Db, today: Date, now_time: ClockTime, now: i64) -> Result<u64, sqlx::Error> {
    let closed = closed_condition(2, 3, 4);
    let mut tx = db.pool.begin().await?;
    let missed: Vec<(String, String, String, String)> = sqlx::query_as(&format!(
        "UPDATE bookings SET status = 'missed', updated_at = $1 \
         WHERE status = 'booked' AND arrived_at IS NULL AND {closed} \
         RETURNING application_id, point_id, day, starts"
    ))
    .bind(now)
    .bind(today.to_string())
    .bind(now_time.to_string())
    .bind(i32::from(today.weekday()))
    .fetch_all(&mut *tx)
    .await?;
    sqlx::query(&format!(
        "UPDATE bookings SET status = 'attended', updated_at = $1 \
         WHERE status = 'booked' AND arrived_at IS NOT NULL AND {closed}"
    ))
    .bind(now)
    .bind(today.to_string())
    .bind(now_time.to_string())
    .bind(i32::from(today.weekday()))
    .execute(&mut *tx)
    .await?;
    for (application, point, day, starts) in &missed {
        let payload = serde_json::json!({ "point": point, "day": day, "starts": starts });
        outbox::enqueue(&mut tx, application, Topic::AppointmentMissed, payload, now).await?;
    }
    tx.commit().await?;
    Ok(missed.len() as u64)
}

/// What marking an applicant as arrived did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Arrival {
    Marked,
    /// Marked before: nothing changed.
    AlreadyMarked,
    /// The appointment is on another day, before or after today: refused, nothing changed.
    NotToday,
    /// Today's, but the point has closed for it (or it is already recorded as missed): refused, nothing changed.
    Closed,
    /// No such booking at the point, or one cancelled.
    NotFound,
}

/// Marks the applicant of `booking` at `point` as arrived, at `now`: only on the appointment's own day (`today`,
/// the office's date) and until the point closes for it (`now_time`, see [`closed_condition`]), late or not, so
/// that nobody is counted as come for an appointment they have not reached yet, or after the day was closed.
///
/// The appointment stays `booked` (the applicant can neither move nor cancel it any more) until the recording
/// (`Record`) or the day's close makes it `attended`; an arrived appointment is never marked missed.
pub async fn mark_arrived(
    db: &Db,
    point: &str,
    booking: &str,
    today: Date,
    now_time: ClockTime,
    now: i64,
) -> Result<Arrival, sqlx::Error> {
    let closed = closed_condition(4, 5, 6);
    let updated = sqlx::query(&format!(
        "UPDATE bookings SET arrived_at = $1, updated_at = $1 WHERE id = $2 AND point_id = $3 AND day = $4 \
         AND arrived_at IS NULL AND status IN ('booked', 'attended') AND NOT {closed}"
    ))
    .bind(now)
    .bind(booking)
    .bind(point)
    .bind(today.to_string())
    .bind(now_time.to_string())
    .bind(i32::from(today.weekday()))
    .execute(&db.pool)
    .await?;
    if updated.rows_affected() == 1 {
        return Ok(Arrival::Marked);
    }
    // Why not: read after the fact, for the message only; the update above decided.
    let found: Option<(String, Option<i64>, String)> =
        sqlx::query_as("SELECT day, arrived_at, status FROM bookings WHERE id = $1 AND point_id = $2")
            .bind(booking)
            .bind(point)
            .fetch_optional(&db.pool)
            .await?;
    let Some((day, arrived_at, status)) = found else {
        return Ok(Arrival::NotFound);
    };
    let status: BookingStatus = super::code("bookings.status", &status)?;
    Ok(if day != today.to_string() {
        Arrival::NotToday
    } else if arrived_at.is_some() {
        Arrival::AlreadyMarked
    } else if status == BookingStatus::Cancelled {
        Arrival::NotFound
    } else {
        Arrival::Closed
    })
}

/// The recording (`Record`) in the step's transaction: the application's booked appointment is attended, and its
/// arrival, if nobody marked it, is the recording's time (the applicant is at the counter).
pub(crate) async fn attend(tx: &mut Tx<'_>, application: &str, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE bookings SET status = 'attended', arrived_at = COALESCE(arrived_at, $1), updated_at = $1 \
         WHERE application_id = $2 AND status = 'booked'",
    )
    .bind(now)
    .bind(application)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Why the office ends an application's appointment ([`free_place`]): the payload's `because`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Because {
    Returned,
    Rejected,
}

impl Because {
    pub fn code(self) -> &'static str {
        match self {
            Because::Returned => "returned",
            Because::Rejected => "rejected",
        }
    }
}

/// A return or a rejection, in the step's transaction: the application's booked appointment is cancelled, its
/// place given back to the slot, and the applicant told (`booking_cancelled` with `because`); the step failing
/// rolls all of it back. An appointment whose applicant already arrived keeps its place and becomes attended: they
/// came, and were turned away at the counter. Returns the cancelled appointment, if there was one.
pub(crate) async fn free_place(
    tx: &mut Tx<'_>,
    application: &str,
    because: Because,
    now: i64,
) -> Result<Option<Booking>, sqlx::Error> {
    // Conditional on the row as it is now: a sweep that marked it missed meanwhile, or a second step, frees nothing.
    let row = sqlx::query(&format!(
        "UPDATE bookings SET status = 'cancelled', note = $1, updated_at = $2 \
         WHERE application_id = $3 AND status = 'booked' AND arrived_at IS NULL RETURNING {}",
        BOOKING_COLUMNS.replace("b.", "")
    ))
    .bind(because.code())
    .bind(now)
    .bind(application)
    .fetch_optional(&mut **tx)
    .await?;
    sqlx::query(
        "UPDATE bookings SET status = 'attended', updated_at = $1 \
         WHERE application_id = $2 AND status = 'booked' AND arrived_at IS NOT NULL",
    )
    .bind(now)
    .bind(application)
    .execute(&mut **tx)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let cancelled = booking_of(&row)?;
    release_place(tx, &Slot::of(&cancelled)).await?;
    let payload = serde_json::json!({
        "point": cancelled.point_id,
        "day": cancelled.day.to_string(),
        "starts": cancelled.starts.to_string(),
        "because": because.code(),
    });
    outbox::enqueue(tx, application, Topic::BookingCancelled, payload, now).await?;
    Ok(Some(cancelled))
}

// ---------------------------------------------------------------------------------------------------------------
// Days off: the bookings on them are cancelled and their applicants told, in the same transaction.

/// Makes `day` a holiday for every point; returns the bookings it cancelled.
pub async fn add_holiday(db: &Db, day: Date, kind: &str, name: &str, now: i64) -> Result<Vec<Booking>, sqlx::Error> {
    let mut tx = db.pool.begin().await?;
    sqlx::query(
        "INSERT INTO holidays (day, kind, name) VALUES ($1, $2, $3) \
         ON CONFLICT (day) DO UPDATE SET kind = excluded.kind, name = excluded.name",
    )
    .bind(day.to_string())
    .bind(kind)
    .bind(name)
    .execute(&mut *tx)
    .await?;
    let cancelled = cancel_day(&mut tx, None, day, name, now).await?;
    tx.commit().await?;
    Ok(cancelled)
}

/// Closes `point` on `day`; returns the bookings it cancelled.
pub async fn close_point(db: &Db, point: &str, day: Date, reason: &str, now: i64) -> Result<Vec<Booking>, sqlx::Error> {
    let mut tx = db.pool.begin().await?;
    sqlx::query(
        "INSERT INTO closures (point_id, day, reason) VALUES ($1, $2, $3) \
         ON CONFLICT (point_id, day) DO UPDATE SET reason = excluded.reason",
    )
    .bind(point)
    .bind(day.to_string())
    .bind(reason)
    .execute(&mut *tx)
    .await?;
    let cancelled = cancel_day(&mut tx, Some(point), day, reason, now).await?;
    tx.commit().await?;
    Ok(cancelled)
}

async fn cancel_day(
    tx: &mut Tx<'_>,
    point: Option<&str>,
    day: Date,
    reason: &str,
    now: i64,
) -> Result<Vec<Booking>, sqlx::Error> {
    let rows = sqlx::query(&format!(
        "SELECT {BOOKING_COLUMNS} FROM bookings b WHERE b.day = $1 AND b.status = 'booked' AND ($2 = '' OR b.point_id = $2)"
    ))
    .bind(day.to_string())
    .bind(point.unwrap_or(""))
    .fetch_all(&mut **tx)
    .await?;
    let mut cancelled = Vec::new();
    for row in &rows {
        let booking = booking_of(row)?;
        set_status(tx, &booking.id, BookingStatus::Cancelled, Some(reason), now).await?;
        let payload = serde_json::json!({
            "point": booking.point_id,
            "day": booking.day.to_string(),
            "starts": booking.starts.to_string(),
            "reason": reason,
        });
        outbox::enqueue(tx, &booking.application_id, Topic::BookingCancelled, payload, now).await?;
        cancelled.push(booking);
    }
    sqlx::query("DELETE FROM slot_usage WHERE day = $1 AND ($2 = '' OR point_id = $2)")
        .bind(day.to_string())
        .bind(point.unwrap_or(""))
        .execute(&mut **tx)
        .await?;
    Ok(cancelled)
}

// ---------------------------------------------------------------------------------------------------------------
// The admin's changes to a point's schedule, and the days off to come.

/// Sets a point's counters and its opening hours (one entry per open weekday; a weekday left out is closed).
/// Appointments already booked keep their time.
pub async fn set_schedule(db: &Db, point: &str, counters: u32, hours: &[Hours]) -> Result<bool, sqlx::Error> {
    let mut tx = db.pool.begin().await?;
    let updated = sqlx::query("UPDATE service_points SET counters = $1 WHERE id = $2")
        .bind(counters as i32)
        .bind(point)
        .execute(&mut *tx)
        .await?;
    if updated.rows_affected() == 0 {
        return Ok(false);
    }
    sqlx::query("DELETE FROM opening_hours WHERE point_id = $1")
        .bind(point)
        .execute(&mut *tx)
        .await?;
    for h in hours {
        sqlx::query("INSERT INTO opening_hours (point_id, weekday, opens, closes) VALUES ($1, $2, $3, $4)")
            .bind(point)
            .bind(i32::from(h.weekday))
            .bind(h.opens.to_string())
            .bind(h.closes.to_string())
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(true)
}

/// A day off to come: (day, the point closed or `None` for a holiday of every point, name or reason).
pub async fn days_off(db: &Db, from: Date) -> Result<Vec<(String, Option<String>, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT day, NULL AS point_id, name FROM holidays WHERE day >= $1 \
         UNION ALL SELECT day, point_id, reason FROM closures WHERE day >= $1 ORDER BY 1, 2 LIMIT 100",
    )
    .bind(from.to_string())
    .fetch_all(&db.pool)
    .await
}
