//! The service dashboard's figures, for supervisors: the whole office, read-only.
//!
//! Every figure is counted the same way on SQLite and PostgreSQL: the SQL is the dialect both share, with no date
//! function. Counts per state and point are aggregated in the database (`GROUP BY`); the figures by week or by
//! promise fetch only the events of their period (`to_status = … AND at >= …`, served by the index of migration
//! 0009) and put them in the office's weeks and days (WIB, UTC+7) here, with the same calendar and the same
//! promise ([`Promise`]) as the citizen's tracking page.

use crate::db::{bookings, Db};
use app::domain::{
    application::Status,
    calendar::Calendar,
    office::{office_date, UTC_OFFSET_SECS},
    tracking::Promise,
    Date,
};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Weeks in the weekly figures and in the promise share: the current ISO week and the 11 before it.
pub const WEEKS: usize = 12;
/// Appointment days looked back on (the 28 days before today) and ahead to (today and the 13 days after).
pub const PAST_DAYS: i64 = 28;
pub const COMING_DAYS: i64 = 14;

/// The states of an application the office has received (a draft is still the applicant's), in process order.
pub const STATES: [Status; 11] = [
    Status::Submitted,
    Status::Returned,
    Status::Rejected,
    Status::Approved,
    Status::Recorded,
    Status::Identifying,
    Status::Clarification,
    Status::Personalizing,
    Status::Distributing,
    Status::Ready,
    Status::Issued,
];

/// Recorded, and the card not ready yet: the states in which the service promise can be broken.
pub const WAITING_FOR_CARD: [Status; 5] = [
    Status::Recorded,
    Status::Identifying,
    Status::Clarification,
    Status::Personalizing,
    Status::Distributing,
];

/// Seconds since the Unix epoch at 00:00 WIB of `day`.
pub fn midnight(day: Date) -> i64 {
    day.days_since_epoch() * 86_400 - UTC_OFFSET_SECS
}

/// The Monday of `day`'s week.
pub fn monday_of(day: Date) -> Date {
    day.add_days(-i64::from(day.weekday()))
}

/// The ISO 8601 year and week number of the week starting on `monday`: the week belongs to the year of its
/// Thursday.
pub fn iso_week(monday: Date) -> (i32, i64) {
    let thursday = monday.add_days(3);
    let year = thursday.year();
    let first = Date::new(year, 1, 1).expect("1 January");
    (year, (thursday.days_since_epoch() - first.days_since_epoch()) / 7 + 1)
}

/// A service point as the dashboard names it: `None` for applications not tied to a point yet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PointName {
    pub id: Option<String>,
    pub name: String,
}

/// One row of applications per state: a service point, and its count in each of [`STATES`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StateRow {
    pub point: PointName,
    pub counts: [i64; STATES.len()],
}

impl StateRow {
    pub fn total(&self) -> i64 {
        self.counts.iter().sum()
    }
}

/// One ISO week (office time): applications received for the first time, and cards handed over.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Week {
    pub monday: Date,
    pub year: i32,
    pub number: i64,
    pub received: i64,
    pub issued: i64,
}

impl Week {
    /// `2026-W47`.
    pub fn label(&self) -> String {
        format!("{}-W{:02}", self.year, self.number)
    }
}

/// The cards that became ready in the period, and how many of them within the promise.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PromiseShare {
    /// Cards ready in the period whose recording is known.
    pub ready: i64,
    /// Of those, ready at most 14 working days (`SERVICE_DAYS`) after the recording day.
    pub on_time: i64,
    /// Cards ready in the period without a recording event (imported or repaired by hand): not measured.
    pub unmeasured: i64,
}

impl PromiseShare {
    pub fn late(&self) -> i64 {
        self.ready - self.on_time
    }
}

/// A card past its promised day and not ready yet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Late {
    pub reference: String,
    pub point: PointName,
    pub status: Status,
    pub recorded: Date,
    pub due: Date,
    /// Working days after the promised day, today included (none on the weekend right after it).
    pub working_days_late: i64,
    /// Calendar days since the recording day.
    pub age_days: i64,
}

/// Appointments at one point: the past days (filled and kept) and the coming days (filled).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Fill {
    pub point: Option<PointName>,
    /// Appointments not cancelled (booked, attended or missed) on the past days.
    pub past_booked: i64,
    /// Places on the past days: the point's slots on each working day times its counters.
    pub past_capacity: i64,
    /// Appointments on the past days whose applicant came (attended, or marked arrived).
    pub attended: i64,
    /// Real no-shows: missed appointments nobody marked arrived.
    pub missed: i64,
    /// Appointments not cancelled on the coming days.
    pub coming_booked: i64,
    pub coming_capacity: i64,
}

impl Fill {
    fn add(&mut self, other: &Fill) {
        self.past_booked += other.past_booked;
        self.past_capacity += other.past_capacity;
        self.attended += other.attended;
        self.missed += other.missed;
        self.coming_booked += other.coming_booked;
        self.coming_capacity += other.coming_capacity;
    }
}

/// Every figure of the dashboard, as of `today`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dashboard {
    pub today: Date,
    pub at: i64,
    /// The Monday of the first of the [`WEEKS`] weeks: the start of the weekly figures and of the promise share.
    pub first_monday: Date,
    pub states: Vec<StateRow>,
    pub weeks: Vec<Week>,
    pub promise: PromiseShare,
    /// Oldest recording first.
    pub late: Vec<Late>,
    /// One row per point (active points, and any other point with appointments in the period), then the office.
    pub fill: Vec<Fill>,
    pub fill_total: Fill,
    pub complaints_open: i64,
}

impl Dashboard {
    /// Applications per state for the whole office.
    pub fn state_totals(&self) -> [i64; STATES.len()] {
        let mut totals = [0; STATES.len()];
        for row in &self.states {
            for (total, n) in totals.iter_mut().zip(row.counts) {
                *total += n;
            }
        }
        totals
    }
}

/// Reads every figure for the office at `now`.
pub async fn dashboard(db: &Db, now: i64) -> Result<Dashboard, sqlx::Error> {
    let today = office_date(now);
    let first_monday = monday_of(today).add_days(-7 * (WEEKS as i64 - 1));
    let period = (midnight(first_monday), midnight(monday_of(today).add_days(7)));
    let names = point_names(db).await?;
    let states = states(db, &names).await?;
    let weeks = weeks(db, first_monday, period).await?;
    let (promise, late) = promise_and_late(db, &names, today, period).await?;
    let fill = fill(db, &names, today).await?;
    let mut fill_total = Fill::default();
    for row in &fill {
        fill_total.add(row);
    }
    Ok(Dashboard {
        today,
        at: now,
        first_monday,
        states,
        weeks,
        promise,
        late,
        fill,
        fill_total,
        complaints_open: super::complaints::open_count(db).await?,
    })
}

/// Every service point, active or not, in the office's order: (id, name, active).
async fn point_names(db: &Db) -> Result<Vec<(String, String, bool)>, sqlx::Error> {
    let rows: Vec<(String, String, i64)> =
        sqlx::query_as("SELECT id, name, active FROM service_points ORDER BY position, id")
            .fetch_all(&db.pool)
            .await?;
    Ok(rows
        .into_iter()
        .map(|(id, name, active)| (id, name, active == 1))
        .collect())
}

fn name_of(names: &[(String, String, bool)], id: Option<&str>) -> PointName {
    PointName {
        id: id.map(str::to_owned),
        name: id
            .map(|id| {
                names
                    .iter()
                    .find(|(p, _, _)| p == id)
                    .map_or_else(|| id.to_owned(), |(_, name, _)| name.clone())
            })
            .unwrap_or_default(),
    }
}

/// Applications the office received, per point and state: one `GROUP BY` (the index on (point_id, status, …)
/// covers it). Rows for every active point, then for other points with applications, then for applications
/// without a point.
async fn states(db: &Db, names: &[(String, String, bool)]) -> Result<Vec<StateRow>, sqlx::Error> {
    let counted: Vec<(Option<String>, String, i64)> = sqlx::query_as(
        "SELECT point_id, status, COUNT(*) FROM applications WHERE submitted_at IS NOT NULL \
         GROUP BY point_id, status",
    )
    .fetch_all(&db.pool)
    .await?;
    let mut by_point: BTreeMap<Option<String>, [i64; STATES.len()]> = BTreeMap::new();
    for (point, status, n) in counted {
        let status: Status = super::code("applications.status", &status)?;
        let Some(i) = STATES.iter().position(|x| *x == status) else {
            continue;
        };
        by_point.entry(point).or_insert([0; STATES.len()])[i] += n;
    }
    let mut rows = Vec::new();
    for (id, _, active) in names {
        let key = Some(id.clone());
        match by_point.remove(&key) {
            Some(counts) => rows.push(StateRow {
                point: name_of(names, Some(id)),
                counts,
            }),
            None if *active => rows.push(StateRow {
                point: name_of(names, Some(id)),
                counts: [0; STATES.len()],
            }),
            None => {}
        }
    }
    // What is left: points no longer in the table, then applications without a point (`None` sorts first).
    let without = by_point.remove(&None);
    for (id, counts) in by_point {
        rows.push(StateRow {
            point: name_of(names, id.as_deref()),
            counts,
        });
    }
    if let Some(counts) = without {
        rows.push(StateRow {
            point: name_of(names, None),
            counts,
        });
    }
    Ok(rows)
}

/// The week (0 = the first) of the office day of `at`, if inside the period.
fn week_index(first_monday: Date, at: i64) -> Option<usize> {
    let days = office_date(at).days_since_epoch() - first_monday.days_since_epoch();
    let week = days.div_euclid(7);
    (0..WEEKS as i64).contains(&week).then_some(week as usize)
}

/// Received: applications whose first event to `submitted` falls in the week (a resubmission after a return is
/// not a new application). Issued: applications with an event to `issued` in the week.
async fn weeks(db: &Db, first_monday: Date, (from, until): (i64, i64)) -> Result<Vec<Week>, sqlx::Error> {
    let submitted: Vec<(String, i64)> = sqlx::query_as(
        "SELECT e.application_id, e.at FROM application_events e \
         WHERE e.to_status = 'submitted' AND e.at >= $1 AND e.at < $2 AND NOT EXISTS (\
           SELECT 1 FROM application_events p WHERE p.application_id = e.application_id \
           AND p.to_status = 'submitted' AND p.at < e.at)",
    )
    .bind(from)
    .bind(until)
    .fetch_all(&db.pool)
    .await?;
    let issued: Vec<(String, i64)> = sqlx::query_as(
        "SELECT application_id, at FROM application_events WHERE to_status = 'issued' AND at >= $1 AND at < $2",
    )
    .bind(from)
    .bind(until)
    .fetch_all(&db.pool)
    .await?;
    let mut received_in: Vec<BTreeSet<String>> = vec![BTreeSet::new(); WEEKS];
    for (id, at) in submitted {
        if let Some(w) = week_index(first_monday, at) {
            received_in[w].insert(id);
        }
    }
    let mut issued_in: Vec<BTreeSet<String>> = vec![BTreeSet::new(); WEEKS];
    for (id, at) in issued {
        if let Some(w) = week_index(first_monday, at) {
            issued_in[w].insert(id);
        }
    }
    Ok((0..WEEKS)
        .map(|w| {
            let monday = first_monday.add_days(7 * w as i64);
            let (year, number) = iso_week(monday);
            Week {
                monday,
                year,
                number,
                received: received_in[w].len() as i64,
                issued: issued_in[w].len() as i64,
            }
        })
        .collect())
}

/// The share of cards ready within the promise in the period, and the cards late now.
///
/// A card's promise is the citizen page's: 14 working days (`SERVICE_DAYS`; holidays from the `holidays` table)
/// after the day of its first event to `recorded`. In the share, each application that reached `ready` in the
/// period counts once, with its last `ready` of the period. Late now: an application recorded and waiting for
/// its card (one of [`WAITING_FOR_CARD`]) whose promised day is before today.
async fn promise_and_late(
    db: &Db,
    names: &[(String, String, bool)],
    today: Date,
    (from, until): (i64, i64),
) -> Result<(PromiseShare, Vec<Late>), sqlx::Error> {
    let ready: Vec<(String, i64)> = sqlx::query_as(
        "SELECT application_id, at FROM application_events WHERE to_status = 'ready' AND at >= $1 AND at < $2",
    )
    .bind(from)
    .bind(until)
    .fetch_all(&db.pool)
    .await?;
    let recorded: Vec<(String, i64)> = sqlx::query_as(
        "SELECT r.application_id, MIN(r.at) FROM application_events r WHERE r.to_status = 'recorded' \
         AND r.application_id IN (SELECT e.application_id FROM application_events e \
           WHERE e.to_status = 'ready' AND e.at >= $1 AND e.at < $2) \
         GROUP BY r.application_id",
    )
    .bind(from)
    .bind(until)
    .fetch_all(&db.pool)
    .await?;
    let waiting = WAITING_FOR_CARD
        .iter()
        .map(|s| format!("'{}'", s.code()))
        .collect::<Vec<_>>()
        .join(", ");
    // From the applications waiting for their card (a few weeks' work, by the index on status) to their events,
    // never the other way round: nearly every application was recorded once. Which are late is decided below.
    let candidates: Vec<WaitingRow> = sqlx::query_as(&format!(
        "SELECT a.reference, a.point_id, a.status, (SELECT MIN(e.at) FROM application_events e \
           WHERE e.application_id = a.id AND e.to_status = 'recorded') \
         FROM applications a WHERE a.status IN ({waiting})"
    ))
    .fetch_all(&db.pool)
    .await?;
    let candidates: Vec<(Option<String>, Option<String>, String, i64)> = candidates
        .into_iter()
        .filter_map(|(reference, point, status, at)| Some((reference, point, status, at?)))
        .collect();

    let mut ready_on: HashMap<String, Date> = HashMap::new();
    for (id, at) in ready {
        let day = office_date(at);
        ready_on.entry(id).and_modify(|d| *d = (*d).max(day)).or_insert(day);
    }
    let recorded_on: HashMap<String, Date> = recorded.into_iter().map(|(id, at)| (id, office_date(at))).collect();
    let earliest = recorded_on
        .values()
        .copied()
        .chain(candidates.iter().map(|c| office_date(c.3)))
        .min()
        .unwrap_or(today)
        .min(today);
    let mut conn = db.pool.acquire().await?;
    // Fourteen working days fit in two months whatever the holidays (as on the citizen's page).
    let calendar = bookings::calendar(&mut conn, None, earliest, today.add_days(62)).await?;
    drop(conn);

    let mut share = PromiseShare::default();
    for (id, ready) in &ready_on {
        match recorded_on.get(id) {
            Some(&recorded) => {
                share.ready += 1;
                if !Promise::new(&calendar, recorded, false, Some(*ready)).late(today) {
                    share.on_time += 1;
                }
            }
            None => share.unmeasured += 1,
        }
    }

    let mut late: Vec<Late> = Vec::new();
    for (reference, point, status, at) in candidates {
        let recorded = office_date(at);
        let promise = Promise::new(&calendar, recorded, false, None);
        if promise.late(today) {
            late.push(Late {
                reference: reference.unwrap_or_default(),
                point: name_of(names, point.as_deref()),
                status: super::code("applications.status", &status)?,
                recorded,
                due: promise.due,
                working_days_late: working_days_after(&calendar, promise.due, today),
                age_days: today.days_since_epoch() - recorded.days_since_epoch(),
            });
        }
    }
    late.sort_by(|a, b| (a.recorded, &a.reference).cmp(&(b.recorded, &b.reference)));
    Ok((share, late))
}

/// An application waiting for its card: reference, point, state, and when it was first recorded.
type WaitingRow = (Option<String>, Option<String>, String, Option<i64>);

/// Working days after `due`, up to and including `today`.
fn working_days_after(calendar: &Calendar, due: Date, today: Date) -> i64 {
    calendar.working_days(due.add_days(1), today).len() as i64
}

/// Appointments per point on the [`PAST_DAYS`] before today and the [`COMING_DAYS`] from today: places booked
/// (not cancelled) against the capacity, and for the past days those attended and missed.
///
/// The capacity of a point on a day is the number of its slots that day times its counters, on the days it works
/// (not a weekend, a holiday or one of its closures), with its schedule as it stands now.
async fn fill(db: &Db, names: &[(String, String, bool)], today: Date) -> Result<Vec<Fill>, sqlx::Error> {
    let first = today.add_days(-PAST_DAYS);
    let last = today.add_days(COMING_DAYS - 1);
    // Whoever was marked arrived came, whatever the appointment's state says (one the old sweep marked missed
    // after the arrival, or one the day's close has not reached yet): only a missed appointment without an
    // arrival is a no-show.
    let counted: Vec<(String, String, String, i64)> = sqlx::query_as(
        "SELECT point_id, day, kept, COUNT(*) FROM (SELECT point_id, day, \
         CASE WHEN arrived_at IS NOT NULL THEN 'attended' ELSE status END AS kept FROM bookings \
         WHERE day >= $1 AND day <= $2 AND status IN ('booked', 'attended', 'missed')) AS b \
         GROUP BY point_id, day, kept",
    )
    .bind(first.to_string())
    .bind(last.to_string())
    .fetch_all(&db.pool)
    .await?;
    let mut conn = db.pool.acquire().await?;
    let points = bookings::points(&mut conn).await?;
    let mut rows: Vec<Fill> = Vec::new();
    for point in &points {
        let calendar = bookings::calendar(&mut conn, Some(&point.id), first, last).await?;
        let mut row = Fill {
            point: Some(name_of(names, Some(&point.id))),
            ..Fill::default()
        };
        let mut day = first;
        while day <= last {
            if calendar.is_working_day(day) {
                let places = point.schedule.slots_on(day).len() as i64 * i64::from(point.schedule.counters);
                if day < today {
                    row.past_capacity += places;
                } else {
                    row.coming_capacity += places;
                }
            }
            day = day.add_days(1);
        }
        rows.push(row);
    }
    drop(conn);
    for (point, day, status, n) in counted {
        let Some(day) = Date::parse_iso(&day) else { continue };
        let i = match rows
            .iter()
            .position(|r| r.point.as_ref().and_then(|p| p.id.as_deref()) == Some(point.as_str()))
        {
            Some(i) => i,
            // An inactive point's appointments: counted, without capacity.
            None => {
                rows.push(Fill {
                    point: Some(name_of(names, Some(&point))),
                    ..Fill::default()
                });
                rows.len() - 1
            }
        };
        let row = &mut rows[i];
        if day < today {
            row.past_booked += n;
            match status.as_str() {
                "attended" => row.attended += n,
                "missed" => row.missed += n,
                _ => {}
            }
        } else {
            row.coming_booked += n;
        }
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> Date {
        Date::parse_iso(text).unwrap()
    }

    #[test]
    fn iso_weeks_belong_to_the_year_of_their_thursday() {
        assert_eq!(iso_week(d("2026-11-16")), (2026, 47));
        assert_eq!(iso_week(d("2025-12-29")), (2026, 1));
        assert_eq!(iso_week(d("2020-12-28")), (2020, 53));
        assert_eq!(iso_week(d("2027-01-04")), (2027, 1));
        assert_eq!(monday_of(d("2026-11-22")), d("2026-11-16"));
        assert_eq!(monday_of(d("2026-11-16")), d("2026-11-16"));
    }

    #[test]
    fn weeks_are_counted_in_office_time() {
        let monday = d("2026-11-16");
        // Monday 03:00 WIB is Sunday 20:00 UTC: already the new week in Bengkalis.
        let early_monday = midnight(monday) + 3 * 3600;
        assert_eq!(week_index(d("2026-11-09"), early_monday), Some(1));
        assert_eq!(week_index(d("2026-11-09"), early_monday - 4 * 3600), Some(0));
        assert_eq!(week_index(monday, midnight(monday) - 1), None);
    }
}
