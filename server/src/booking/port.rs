//! The server's side of `app::api::ports::BookingsPort`.

use crate::{
    auth::now,
    db::{
        bookings::{self, Booking, BookingError, BookingRequest},
        Db,
    },
};
use app::{
    api::{
        applications::ssr::today,
        bookings::{BookingPage, BookingView, DayChoice, PointChoice, TimeChoice},
        error::{AppError, Problem},
        ports::BookingsPort,
    },
    domain::{
        application::{Kind, Status},
        booking::{
            bookable_days, can_change, BookingIssue, BookingStatus, ClockTime, ServicePoint, BOOKING_HORIZON_DAYS,
        },
        office::SERVICE_DAYS,
        Date,
    },
};
use sqlx::Row;

pub struct CitizenBookings {
    pub db: Db,
}

fn choice(point: &ServicePoint) -> PointChoice {
    PointChoice {
        id: point.id.clone(),
        name: point.name.clone(),
        address: point.address.clone(),
    }
}

/// The field of the booking form a refusal is about, so the error summary links to it.
fn field_of(issue: BookingIssue) -> &'static str {
    match issue {
        BookingIssue::PointNotForForeigners | BookingIssue::UnknownPoint => "point",
        BookingIssue::NotWorkingDay | BookingIssue::TooSoon | BookingIssue::TooFar => "day",
        BookingIssue::NoSuchTime | BookingIssue::SlotFull => "time",
        _ => "",
    }
}

fn booking_error(error: BookingError) -> AppError {
    match error {
        BookingError::NotFound => AppError::NotFound,
        BookingError::Refused(issue) => AppError::field(field_of(issue), Problem::Booking(issue)),
        BookingError::Db(error) => {
            tracing::error!(%error, "booking store failed");
            AppError::Unavailable
        }
    }
}

fn db_error(error: sqlx::Error) -> AppError {
    booking_error(BookingError::Db(error))
}

/// What the page needs to know of the application: its kind, status and registration number.
async fn application_facts(
    db: &Db,
    account: &str,
    id: &str,
) -> Result<Option<(Kind, Status, Option<String>)>, sqlx::Error> {
    let row = sqlx::query("SELECT kind, status, reference FROM applications WHERE id = $1 AND account_id = $2")
        .bind(id)
        .bind(account)
        .fetch_optional(&db.pool)
        .await?;
    row.map(|r| {
        Ok((
            crate::db::code("applications.kind", &r.try_get::<String, _>("kind")?)?,
            crate::db::code("applications.status", &r.try_get::<String, _>("status")?)?,
            r.try_get("reference")?,
        ))
    })
    .transpose()
}

impl CitizenBookings {
    async fn view(&self, booking: &Booking, all_points: &[ServicePoint], today: Date) -> Result<BookingView, AppError> {
        let point = all_points
            .iter()
            .find(|p| p.id == booking.point_id)
            .map(choice)
            .unwrap_or_else(|| PointChoice {
                id: booking.point_id.clone(),
                name: booking.point_id.clone(),
                address: String::new(),
            });
        // One calendar from today to well past the promise: 14 working days fit in 45 calendar days.
        let calendar = {
            let mut conn = self.db.pool.acquire().await.map_err(db_error)?;
            bookings::calendar(&mut conn, None, today.min(booking.day), booking.day.add_days(45))
                .await
                .map_err(db_error)?
        };
        let changeable =
            booking.status == BookingStatus::Booked && booking.day > today && can_change(&calendar, today, booking.day);
        Ok(BookingView {
            id: booking.id.clone(),
            point,
            day: booking.day,
            starts: booking.starts,
            ends: booking.ends,
            status: booking.status,
            note: booking.note.clone(),
            changeable,
            ready_by: calendar.add_working_days(booking.day, SERVICE_DAYS),
        })
    }
}

#[async_trait::async_trait]
impl BookingsPort for CitizenBookings {
    async fn page(
        &self,
        account: &str,
        id: &str,
        point: Option<&str>,
        day: Option<Date>,
    ) -> Result<Option<BookingPage>, AppError> {
        let Some((kind, status, reference)) = application_facts(&self.db, account, id).await.map_err(db_error)? else {
            let client = app::api::form::ssr::client_address();
            crate::applications::port::note_scope_refusal(&self.db, id, Some(account), &client).await;
            return Ok(None);
        };
        let today = today();
        let all_points = {
            let mut conn = self.db.pool.acquire().await.map_err(db_error)?;
            bookings::points(&mut conn).await.map_err(db_error)?
        };
        let history = bookings::bookings_of(&self.db, account, id).await.map_err(db_error)?;
        let active = history.iter().find(|b| b.status == BookingStatus::Booked);
        let booking = match active {
            Some(b) => Some(self.view(b, &all_points, today).await?),
            None => None,
        };
        // The latest booking tells why there is none now: missed, or cancelled by the office (a holiday, a
        // closure). One the applicant cancelled or moved needs no explaining.
        let previous = match (active, history.first()) {
            (None, Some(latest))
                if latest.status == BookingStatus::Missed
                    || (latest.status == BookingStatus::Cancelled
                        && !matches!(latest.note.as_deref(), Some("applicant") | Some("moved"))) =>
            {
                Some(self.view(latest, &all_points, today).await?)
            }
            _ => None,
        };
        let bookable = status.bookable();
        let eligible: Vec<&ServicePoint> = all_points.iter().filter(|p| p.serves(kind)).collect();
        let chosen = point.and_then(|p| eligible.iter().find(|e| e.id == p)).copied();

        let (mut days, mut times) = (Vec::new(), Vec::new());
        let chosen_day = match chosen {
            Some(point) if bookable => {
                let last = today.add_days(BOOKING_HORIZON_DAYS);
                let calendar = {
                    let mut conn = self.db.pool.acquire().await.map_err(db_error)?;
                    bookings::calendar(&mut conn, Some(&point.id), today, last)
                        .await
                        .map_err(db_error)?
                };
                let usage = bookings::usage(&self.db, &point.id, today, last)
                    .await
                    .map_err(db_error)?;
                let places = |d: Date, t: ClockTime| {
                    point
                        .schedule
                        .counters
                        .saturating_sub(usage.get(&(d, t)).copied().unwrap_or(0))
                };
                let open_days = bookable_days(&calendar, today);
                days = open_days
                    .iter()
                    .map(|d| DayChoice {
                        day: *d,
                        places: point.schedule.slots_on(*d).iter().map(|t| places(*d, *t)).sum(),
                    })
                    .filter(|d| !point.schedule.slots_on(d.day).is_empty())
                    .collect();
                let chosen_day = day.filter(|d| open_days.contains(d));
                if let Some(d) = chosen_day {
                    times = point
                        .schedule
                        .slots_on(d)
                        .into_iter()
                        .map(|t| TimeChoice {
                            time: t,
                            ends: t.plus_minutes(point.schedule.slot_minutes),
                            places: places(d, t),
                        })
                        .collect();
                }
                chosen_day
            }
            _ => None,
        };
        Ok(Some(BookingPage {
            id: id.to_owned(),
            kind,
            status,
            reference,
            bookable,
            booking,
            previous,
            points: eligible.iter().map(|p| choice(p)).collect(),
            point: chosen.map(choice),
            days,
            day: chosen_day,
            times,
        }))
    }

    async fn book(
        &self,
        account: &str,
        id: &str,
        point: &str,
        day: Date,
        time: ClockTime,
        replaces: Option<&str>,
    ) -> Result<(), AppError> {
        let request = BookingRequest {
            point: point.to_owned(),
            day,
            time,
            replaces: replaces.map(str::to_owned),
        };
        bookings::book(&self.db, account, id, &request, today(), now())
            .await
            .map_err(booking_error)?;
        tracing::info!(application = id, moved = replaces.is_some(), "appointment booked");
        Ok(())
    }

    async fn cancel(&self, account: &str, id: &str, booking: &str) -> Result<(), AppError> {
        bookings::cancel(&self.db, account, id, booking, today(), now())
            .await
            .map_err(booking_error)?;
        tracing::info!(application = id, "appointment cancelled");
        Ok(())
    }
}
