//! The biometric-recording appointment: the choices (service point, day, time with places left), booking,
//! moving and cancelling. Every function finds the account from the session cookie; the server's
//! [`BookingsPort`](super::ports::BookingsPort) only ever reaches that account's applications.

use super::error::AppError;
use crate::domain::{
    application::{Kind, Status},
    booking::{BookingStatus, ClockTime},
    Date,
};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The booking page of an application; `point` and `day` narrow the choices (plain links, no script needed).
pub fn booking_page(id: &str) -> String {
    format!("/permohonan/{id}/jadwal")
}

pub fn booking_choice_page(id: &str, point: Option<&str>, day: Option<Date>) -> String {
    match (point, day) {
        (Some(p), Some(d)) => format!("{}?lokasi={p}&tanggal={d}#waktu", booking_page(id)),
        (Some(p), None) => format!("{}?lokasi={p}#hari", booking_page(id)),
        _ => booking_page(id),
    }
}

/// The printable application form (PDF), for its owner only.
pub fn form_pdf_url(id: &str) -> String {
    format!("/formulir/{id}")
}

/// The appointment as a calendar file, for its owner only.
pub fn calendar_url(id: &str) -> String {
    format!("/kalender/{id}")
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PointChoice {
    pub id: String,
    pub name: String,
    pub address: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayChoice {
    pub day: Date,
    /// Places left that day, over all its times.
    pub places: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimeChoice {
    pub time: ClockTime,
    pub ends: ClockTime,
    pub places: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookingView {
    pub id: String,
    pub point: PointChoice,
    pub day: Date,
    pub starts: ClockTime,
    pub ends: ClockTime,
    pub status: BookingStatus,
    /// Why it was cancelled, when the office cancelled it (a holiday or a closure).
    pub note: Option<String>,
    /// Whether the applicant may still move or cancel it (until the working day before).
    pub changeable: bool,
    /// The service promise: the card is ready 14 working days after the recording at the latest.
    pub ready_by: Date,
}

/// Everything the booking page shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookingPage {
    pub id: String,
    pub kind: Kind,
    pub status: Status,
    pub reference: Option<String>,
    /// Whether the application may hold a booking (submitted or approved).
    pub bookable: bool,
    /// The active booking.
    pub booking: Option<BookingView>,
    /// The latest booking that is no longer active (missed, or cancelled by the office), when none is active.
    pub previous: Option<BookingView>,
    /// The points this applicant may choose.
    pub points: Vec<PointChoice>,
    pub point: Option<PointChoice>,
    pub days: Vec<DayChoice>,
    pub day: Option<Date>,
    pub times: Vec<TimeChoice>,
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use super::*;
    use crate::api::{applications::ssr::signed_in, ports::Bookings};

    /// The signed-in account and the bookings port, or `Unauthorized` (401).
    pub async fn signed_in_bookings() -> Result<(String, Bookings), AppError> {
        let (account, _) = signed_in().await?;
        Ok((account, expect_context::<Bookings>()))
    }
}

/// The booking page's data; `NotFound` for an application that is not the account's.
#[server(endpoint = "jadwal/pilihan", input = server_fn::codec::GetUrl)]
pub async fn booking_choices(
    application: String,
    point: Option<String>,
    day: Option<String>,
) -> Result<BookingPage, AppError> {
    use crate::api::form::ssr::reject;
    let (account, port) = ssr::signed_in_bookings().await?;
    let day = day.as_deref().and_then(Date::parse_iso);
    port.page(&account, &application, point.as_deref().filter(|p| !p.is_empty()), day)
        .await
        .and_then(|page| page.ok_or(AppError::NotFound))
        .map_err(reject)
}

/// Books the chosen time, or moves the booking `replaces` to it.
#[server(endpoint = "jadwal/pesan")]
pub async fn book_appointment(
    application: String,
    point: String,
    day: String,
    time: Option<String>,
    replaces: Option<String>,
) -> Result<(), AppError> {
    use super::{
        error::Problem,
        form::ssr::{fail, reject},
    };
    use crate::domain::booking::BookingIssue;

    let (account, port) = ssr::signed_in_bookings().await?;
    let parsed_day = Date::parse_iso(&day);
    let back = booking_choice_page(&application, Some(&point), parsed_day);
    let Some(parsed_day) = parsed_day else {
        return fail(
            "booking",
            &back,
            &[],
            AppError::field("day", Problem::Booking(BookingIssue::NoSuchTime)),
        );
    };
    let Some(time) = time.as_deref().and_then(ClockTime::parse) else {
        return fail(
            "booking",
            &back,
            &[],
            AppError::field("time", Problem::Booking(BookingIssue::NoSuchTime)),
        );
    };
    let replaces = replaces.filter(|r| !r.is_empty());
    match port
        .book(&account, &application, &point, parsed_day, time, replaces.as_deref())
        .await
    {
        Ok(()) => {
            leptos_axum::redirect(&format!("{}#jadwal-anda", booking_page(&application)));
            Ok(())
        }
        Err(AppError::NotFound) => Err(reject(AppError::NotFound)),
        Err(error) => fail("booking", &back, &[], error),
    }
}

/// Cancels the active booking `booking`.
#[server(endpoint = "jadwal/batal")]
pub async fn cancel_appointment(application: String, booking: String) -> Result<(), AppError> {
    use super::form::ssr::{fail, reject};
    let (account, port) = ssr::signed_in_bookings().await?;
    let page = booking_page(&application);
    match port.cancel(&account, &application, &booking).await {
        Ok(()) => {
            leptos_axum::redirect(&page);
            Ok(())
        }
        Err(AppError::NotFound) => Err(reject(AppError::NotFound)),
        Err(error) => fail("cancel", &page, &[], error),
    }
}
