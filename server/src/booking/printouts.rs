//! `GET /formulir/{id}` (the application form to print, PDF) and `GET /kalender/{id}` (the appointment, .ics), for
//! the application's owner only: anyone else gets the same 404 as for an application that does not exist. Both
//! are in the language of the `lang` cookie.

use super::{calendar_file, form_pdf};
use crate::{
    auth::{now, tokens::SessionTokens},
    db::{applications, bookings, Db},
};
use app::{
    api::applications::{ssr::today, ApplicationView},
    components::{
        answers::summary_rows,
        form::{long_date, long_day},
    },
    domain::{application::Kind, booking::BookingStatus, office::SERVICE_DAYS},
    i18n::{Locale, Texts},
    pages::application::kind_name,
};
use axum::{
    extract::{Path, State},
    http::{header, HeaderMap, StatusCode},
    response::{IntoResponse, Response},
};
use std::sync::Arc;

/// What the printout routes need.
pub struct Printouts {
    pub db: Db,
    pub tokens: Arc<SessionTokens>,
    pub secure_cookies: bool,
}

/// The language of the page a request comes from, decided as the app decides it (`app::i18n::initial_locale`):
/// the first `Cookie` header, else Indonesian.
pub(crate) fn locale_of(headers: &HeaderMap) -> Locale {
    headers
        .get(header::COOKIE)
        .and_then(|v| v.to_str().ok())
        .map(Locale::from_cookie_header)
        .unwrap_or_default()
}

/// The submitted application `id` of the request's account, its active booking and that booking's point.
struct Printable {
    application: ApplicationView,
    reference: String,
    booking: Option<(bookings::Booking, app::domain::booking::ServicePoint)>,
    /// 14 working days after the appointment.
    ready_by: Option<app::domain::Date>,
}

async fn printable(
    printouts: &Printouts,
    headers: &HeaderMap,
    id: &str,
    client: Option<axum::Extension<app::api::ports::ClientAddress>>,
) -> Result<Printable, Response> {
    let not_found = || StatusCode::NOT_FOUND.into_response();
    let failed = |error: &dyn std::fmt::Display| {
        tracing::error!(%error, "could not read an application for printing");
        StatusCode::INTERNAL_SERVER_ERROR.into_response()
    };
    let account = printouts
        .tokens
        .account_of(&printouts.db, headers, printouts.secure_cookies)
        .await
        .ok_or_else(not_found)?;
    let Some(application) = applications::get(&printouts.db, &account, id, today())
        .await
        .map_err(|e| failed(&e))?
    else {
        let client = client.as_ref().map_or("unknown", |c| c.0 .0.as_str());
        crate::applications::port::note_scope_refusal(&printouts.db, id, Some(&account), client).await;
        return Err(not_found());
    };
    let reference = application.reference.clone().ok_or_else(not_found)?;
    let active = bookings::bookings_of(&printouts.db, &account, id)
        .await
        .map_err(|e| failed(&e))?
        .into_iter()
        .find(|b| b.status == BookingStatus::Booked);
    let (booking, ready_by) = match active {
        None => (None, None),
        Some(b) => {
            let mut conn = printouts.db.pool.acquire().await.map_err(|e| failed(&e))?;
            let point = bookings::points(&mut conn)
                .await
                .map_err(|e| failed(&e))?
                .into_iter()
                .find(|p| p.id == b.point_id)
                .ok_or_else(not_found)?;
            let calendar = bookings::calendar(&mut conn, None, b.day, b.day.add_days(45))
                .await
                .map_err(|e| failed(&e))?;
            let ready_by = calendar.add_working_days(b.day, SERVICE_DAYS);
            (Some((b, point)), Some(ready_by))
        }
    };
    Ok(Printable {
        application,
        reference,
        booking,
        ready_by,
    })
}

/// The sheet of the application form, in `locale`.
fn sheet(t: &Texts, locale: Locale, p: &Printable) -> form_pdf::FormSheet {
    let b = &t.booking;
    let app = &p.application;
    let mut applicant = vec![(b.form_kind.to_owned(), kind_name(t, app.kind).to_owned())];
    for section in app.kind.sections() {
        if *section != app::domain::application::Section::Documents {
            applicant.extend(summary_rows(t, locale, app, *section));
        }
    }
    let appointment = match &p.booking {
        Some((booking, point)) => form_pdf::SheetSection {
            heading: b.form_appointment.to_owned(),
            rows: vec![
                (b.point_label.to_owned(), point.name.clone()),
                (b.address_label.to_owned(), point.address.clone()),
                (b.date_label.to_owned(), long_day(t, booking.day)),
                (
                    b.time_label.to_owned(),
                    format!("{} – {} WIB", booking.starts, booking.ends),
                ),
                (
                    b.ready_by_label.to_owned(),
                    p.ready_by
                        .map(|d| b.ready_by.replace("{date}", &long_day(t, d)))
                        .unwrap_or_default(),
                ),
            ],
            bullets: Vec::new(),
            paragraphs: vec![b.form_promise.to_owned()],
        },
        None => form_pdf::SheetSection {
            heading: b.form_appointment.to_owned(),
            rows: Vec::new(),
            bullets: Vec::new(),
            paragraphs: vec![b.form_no_booking.to_owned(), b.form_promise.to_owned()],
        },
    };
    let bring = match app.kind {
        Kind::Citizen => b.bring_citizen,
        Kind::Foreigner => b.bring_foreigner,
    };
    form_pdf::FormSheet {
        title: b.form_title.to_owned(),
        subtitle: format!("{} {}", t.common.office_name, t.common.region),
        reference_label: b.form_reference.to_owned(),
        reference: p.reference.clone(),
        sections: vec![
            form_pdf::SheetSection {
                heading: b.form_applicant.to_owned(),
                rows: applicant,
                bullets: Vec::new(),
                // A foreign resident's card is valid as long as the KITAP: the day, as stored at submission.
                paragraphs: app
                    .card_valid_until
                    .map(|d| {
                        let date = long_date(t, d.year(), d.month(), d.day());
                        t.application.card_valid_until.replace("{date}", &date)
                    })
                    .into_iter()
                    .collect(),
            },
            appointment,
            form_pdf::SheetSection {
                heading: b.bring_heading.to_owned(),
                rows: Vec::new(),
                bullets: bring.iter().map(|s| (*s).to_owned()).collect(),
                paragraphs: Vec::new(),
            },
        ],
        footer: b.form_footer.to_owned(),
    }
}

fn attachment(content_type: &str, filename: &str, body: Vec<u8>) -> Response {
    Response::builder()
        .status(StatusCode::OK)
        .header(header::CONTENT_TYPE, content_type)
        .header(
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{filename}\""),
        )
        .header(header::X_CONTENT_TYPE_OPTIONS, "nosniff")
        .header(header::CACHE_CONTROL, "private, no-store")
        .header(header::CONTENT_SECURITY_POLICY, "default-src 'none'; sandbox")
        .body(axum::body::Body::from(body))
        .unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response())
}

pub async fn form(
    State(printouts): State<Arc<Printouts>>,
    Path(id): Path<String>,
    client: Option<axum::Extension<app::api::ports::ClientAddress>>,
    headers: HeaderMap,
) -> Response {
    let printable = match printable(&printouts, &headers, &id, client).await {
        Ok(p) => p,
        Err(response) => return response,
    };
    let locale = locale_of(&headers);
    let sheet = sheet(locale.texts(), locale, &printable);
    // Rendering is a few milliseconds of CPU: off the async workers.
    let pdf = match tokio::task::spawn_blocking(move || form_pdf::render(&sheet)).await {
        Ok(pdf) => pdf,
        Err(error) => {
            tracing::error!(%error, "could not render the application form");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    let filename = format!("formulir-{}.pdf", printable.reference);
    attachment("application/pdf", &filename, pdf)
}

pub async fn calendar(
    State(printouts): State<Arc<Printouts>>,
    Path(id): Path<String>,
    client: Option<axum::Extension<app::api::ports::ClientAddress>>,
    headers: HeaderMap,
) -> Response {
    let printable = match printable(&printouts, &headers, &id, client).await {
        Ok(p) => p,
        Err(response) => return response,
    };
    let Some((booking, point)) = &printable.booking else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let t = locale_of(&headers).texts();
    let location = format!("{}, {}", point.name, point.address);
    let description = format!(
        "{}: {}. {}",
        t.booking.form_reference, printable.reference, t.booking.calendar_description
    );
    let file = calendar_file::render(&calendar_file::Event {
        uid: &booking.id,
        day: booking.day,
        starts: booking.starts,
        ends: booking.ends,
        summary: t.booking.calendar_summary,
        location: &location,
        description: &description,
        stamp: now(),
    });
    let filename = format!("jadwal-{}.ics", printable.reference);
    attachment("text/calendar; charset=utf-8", &filename, file.into_bytes())
}
