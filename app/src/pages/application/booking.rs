//! `/permohonan/{id}/jadwal`: book, move or cancel the biometric-recording appointment.
//!
//! Without JavaScript the choices are plain links (`?lokasi=…` for the place, then `&tanggal=…` for the day) and
//! the times a plain form of radio buttons with the places left; nothing needs a script. With JavaScript the times
//! are an island ([`LivePlaces`]) whose places left are read again every 30 seconds.

use super::{failure_view, status_name};
use crate::components::title::PageTitle;
use crate::{
    api::{
        applications::application_page,
        bookings::{
            booking_choice_page, booking_choices, calendar_url, form_pdf_url, BookAppointment, BookingPage,
            BookingView, CancelAppointment,
        },
        error::FieldProblem,
        form::use_form_state,
    },
    components::{
        form::{field_error, form_problems, form_title, long_day, ErrorSummary},
        scripts::IslandScripts,
    },
    domain::{
        application::{Kind, Status},
        booking::{BookingStatus, ClockTime},
        Date,
    },
    i18n::use_i18n,
};
use leptos::{prelude::*, server_fn::ServerFn};
use leptos_router::hooks::{use_params_map, use_query_map};

/// How often the places left are read again while the page is open (with JavaScript).
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
const REFRESH_SECS: i32 = 30;

#[component]
pub fn AppointmentPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let cancel = ServerAction::<CancelAppointment>::new();
    let choices = Resource::new(
        move || {
            (
                params.read().get("id").unwrap_or_default(),
                query.read().get("lokasi"),
                query.read().get("tanggal"),
            )
        },
        |(id, point, day, ..)| booking_choices(id, point, day),
    );
    let booked = Signal::stored(use_form_state("booking").problems);
    let cancelled = form_problems(cancel.value().into(), use_form_state("cancel").problems);
    let problems: Signal<Vec<FieldProblem>> = Signal::derive(move || {
        let mut all = booked.try_get().unwrap_or_default();
        all.extend(cancelled.try_get().unwrap_or_default());
        all
    });
    let title = form_title(problems, |t| t.booking.title);
    view! {
        <PageTitle text=title/>
        <div class="container narrow"><ErrorSummary problems/></div>
        <Suspense>
            {move || Suspend::new(async move {
                match choices.await {
                    Ok(page) => booking_view(page, BookingForms { cancel, problems }),
                    Err(error) => failure_view(error),
                }
            })}
        </Suspense>
    }
}

/// The id of a time's radio button (`browser::places` finds it by the same name).
fn time_id(time: ClockTime) -> String {
    format!("time-{}", time.to_string().replace(':', ""))
}

fn time_range(starts: ClockTime, ends: ClockTime) -> String {
    format!("{starts} – {ends} WIB")
}

/// Why an application that holds no appointment cannot book one now, in its state's words.
fn not_bookable(t: &crate::i18n::Booking, status: Status) -> &'static str {
    match status {
        Status::Returned => t.not_bookable_returned,
        Status::Rejected => t.not_bookable_rejected,
        Status::Draft | Status::Submitted | Status::Approved => t.not_bookable,
        Status::Recorded
        | Status::Identifying
        | Status::Clarification
        | Status::Personalizing
        | Status::Distributing
        | Status::Ready
        | Status::Issued => t.not_bookable_recorded,
    }
}

/// The cancel form and the page's problems.
#[derive(Clone, Copy)]
struct BookingForms {
    cancel: ServerAction<CancelAppointment>,
    problems: Signal<Vec<FieldProblem>>,
}

fn booking_view(page: BookingPage, forms: BookingForms) -> AnyView {
    let i18n = use_i18n();
    let t = move || &i18n.t().booking;
    let id = page.id.clone();
    let back = application_page(&id);
    let status = page.status;
    let heading = view! {
        <p><a class="back-link" href=back>{move || i18n.t().application.back_to_tasks}</a></p>
        <h1>{move || t().heading}</h1>
        {page.reference.clone().map(|r| view! {
            <p>{move || i18n.t().application.reference_label} ": " <strong class="reference">{r}</strong></p>
        })}
    };
    // A rejection explains itself (the page says no appointment can be booked); every other end is told.
    let previous = page
        .previous
        .clone()
        .filter(|p| p.note.as_deref() != Some("rejected"))
        .map(|p| {
            let date = move || format!("{}, {}", long_day(i18n.t(), p.day), p.starts);
            let missed = p.status == BookingStatus::Missed;
            let reason = p.note.clone().unwrap_or_default();
            // The codes the office's own steps leave (`db::bookings::free_place`, a district change at resubmission)
            // have words of their own; anything else is the reason an admin typed (a holiday's name, a closure).
            view! {
                <p class="notice">
                    {move || match (missed, reason.as_str()) {
                        (true, _) => t().missed.replace("{date}", &date()),
                        (false, "returned") => t().cancelled_returned.replace("{date}", &date()),
                        (false, "district_changed") => t().cancelled_district.replace("{date}", &date()),
                        (false, _) => t().cancelled_by_office.replace("{date}", &date()).replace("{reason}", &reason),
                    }}
                </p>
            }
        });
    if !page.bookable && page.booking.is_none() {
        return view! {
            <div class="container narrow">
                {heading}
                {previous}
                <p>{move || i18n.t().application.status_label} ": " <strong>{move || status_name(i18n.t(), status)}</strong></p>
                <p class="notice">{move || not_bookable(t(), status)}</p>
            </div>
        }
        .into_any();
    }
    let current = page
        .booking
        .clone()
        .map(|b| current_booking(&id, page.kind, b, forms.cancel));
    let can_choose = page.bookable && page.booking.as_ref().is_none_or(|b| b.changeable);
    let choosing = can_choose.then(|| choices(page.clone(), forms));
    view! {
        <div class="container narrow">
            {heading}
            {(page.booking.is_none()).then(|| view! { <p>{move || t().intro}</p> })}
            {previous}
            {current}
            {choosing}
        </div>
    }
    .into_any()
}

fn current_booking(id: &str, kind: Kind, b: BookingView, cancel: ServerAction<CancelAppointment>) -> impl IntoView {
    let i18n = use_i18n();
    let t = move || &i18n.t().booking;
    let bring = move || match kind {
        Kind::Citizen => t().bring_citizen,
        Kind::Foreigner => t().bring_foreigner,
    };
    let (day, starts, ends, ready_by) = (b.day, b.starts, b.ends, b.ready_by);
    let point = b.point.clone();
    let changes = if b.changeable {
        let (id, booking) = (id.to_owned(), b.id.clone());
        view! {
            <ActionForm action=cancel>
                <input type="hidden" name="application" value=id/>
                <input type="hidden" name="booking" value=booking/>
                <button class="button button--secondary" type="submit">{move || t().cancel_button}</button>
            </ActionForm>
        }
        .into_any()
    } else {
        view! { <p class="notice">{move || t().change_closed}</p> }.into_any()
    };
    view! {
        <section class="panel panel--plain" id="jadwal-anda" aria-labelledby="jadwal-anda-judul">
            <h2 id="jadwal-anda-judul">{move || t().your_booking}</h2>
            <dl class="summary">
                <div class="summary__row"><dt>{move || t().point_label}</dt><dd>{point.name.clone()}</dd></div>
                <div class="summary__row"><dt>{move || t().address_label}</dt><dd>{point.address.clone()}</dd></div>
                <div class="summary__row"><dt>{move || t().date_label}</dt><dd>{move || long_day(i18n.t(), day)}</dd></div>
                <div class="summary__row"><dt>{move || t().time_label}</dt><dd>{time_range(starts, ends)}</dd></div>
                <div class="summary__row">
                    <dt>{move || t().ready_by_label}</dt>
                    <dd>{move || t().ready_by.replace("{date}", &long_day(i18n.t(), ready_by))}</dd>
                </div>
            </dl>
            <ul class="downloads">
                <li><a href=form_pdf_url(id) rel="external" download>{move || t().download_form}</a></li>
                <li><a href=calendar_url(id) rel="external" download>{move || t().download_calendar}</a></li>
            </ul>
            <h3>{move || t().bring_heading}</h3>
            <ul>{move || bring().iter().map(|s| view! { <li>{*s}</li> }).collect_view()}</ul>
            {changes}
        </section>
    }
}

/// Place, then day, then time: each step a list of plain links, the last a form.
fn choices(page: BookingPage, forms: BookingForms) -> impl IntoView {
    let i18n = use_i18n();
    let t = move || &i18n.t().booking;
    let id = page.id.clone();
    let moving = page.booking.is_some();
    let chosen_point = page.point.as_ref().map(|p| p.id.clone());
    let points = page
        .points
        .iter()
        .map(|p| {
            let href = booking_choice_page(&id, Some(&p.id), None);
            let current = chosen_point.as_deref() == Some(p.id.as_str());
            view! {
                <li class="choice" class:choice--current=current>
                    <a href=href aria-current=current.then_some("true")>
                        <span class="choice__name">{p.name.clone()}</span>
                        <span class="choice__hint">{p.address.clone()}</span>
                    </a>
                </li>
            }
        })
        .collect_view();
    let days = page.point.as_ref().map(|point| {
        let items = page
            .days
            .iter()
            .map(|d| {
                let (day, places) = (d.day, d.places);
                let current = page.day == Some(day);
                let label = move || long_day(i18n.t(), day);
                if places == 0 {
                    view! {
                        <li class="choice choice--full">
                            <span class="choice__name">{label}</span>
                            <span class="choice__hint">{move || t().full}</span>
                        </li>
                    }
                    .into_any()
                } else {
                    let href = booking_choice_page(&id, Some(&point.id), Some(day));
                    view! {
                        <li class="choice" class:choice--current=current>
                            <a href=href aria-current=current.then_some("true")>
                                <span class="choice__name">{label}</span>
                                <span class="choice__hint">{move || t().places.replace("{n}", &places.to_string())}</span>
                            </a>
                        </li>
                    }
                    .into_any()
                }
            })
            .collect_view();
        let none_open = page.days.iter().all(|d| d.places == 0);
        view! {
            <h2 id="hari">{move || t().choose_day}</h2>
            {none_open.then(|| view! { <p class="notice">{move || t().no_days}</p> })}
            <ul class="choices choices--days">{items}</ul>
        }
    });
    let times = match (page.point.clone(), page.day) {
        (Some(point), Some(day)) => Some(time_form(&id, &point.id, day, &page, forms)),
        _ => None,
    };
    let foreigner = page.kind == Kind::Foreigner;
    view! {
        <h2 id="lokasi">{move || if moving { t().move_heading } else { t().choose_point }}</h2>
        {foreigner.then(|| view! { <p>{move || t().foreigners_at_dinas}</p> })}
        <ul class="choices">{points}</ul>
        {days}
        {times}
    }
}

fn time_form(id: &str, point: &str, day: Date, page: &BookingPage, forms: BookingForms) -> impl IntoView {
    let i18n = use_i18n();
    let t = move || &i18n.t().booking;
    let (id, point) = (id.to_owned(), point.to_owned());
    let moving = page.booking.as_ref().map(|b| b.id.clone());
    let button = moving.is_some();
    let options = page
        .times
        .iter()
        .map(|c| {
            let (time, ends, places) = (c.time, c.ends, c.places);
            let input_id = time_id(time);
            let hint = if places == 0 {
                t().full.to_owned()
            } else {
                t().places_left.replace("{n}", &places.to_string())
            };
            view! {
                <div class="radio">
                    <input
                        class="radio__input"
                        type="radio"
                        name="time"
                        id=input_id.clone()
                        value=time.to_string()
                        disabled=places == 0
                    />
                    <label class="radio__label" for=input_id.clone()>
                        {time_range(time, ends)} " · " <span id=format!("{input_id}-places")>{hint}</span>
                    </label>
                </div>
            }
        })
        .collect_view();
    let error = field_error("time", forms.problems);
    let places_url = booking_choices_url(&id, &point, day);
    view! {
        <h2 id="waktu">{t().choose_time}</h2>
        <form method="post" action=BookAppointment::url()>
            <input type="hidden" name="application" value=id/>
            <input type="hidden" name="point" value=point/>
            <input type="hidden" name="day" value=day.to_string()/>
            <input type="hidden" name="replaces" value=moving.unwrap_or_default()/>
            <div class=move || if error().is_some() { "field field--error" } else { "field" }>
                <fieldset class="fieldset" id="time">
                    <legend class="field__label">{long_day(i18n.t(), day)}</legend>
                    <p class="field__hint">{t().refreshes}</p>
                    {move || error().map(|message| view! {
                        <p class="field__error">
                            <span class="visually-hidden">{i18n.t().common.error_title_prefix}</span>
                            {message}
                        </p>
                    })}
                    <div class="radios radios--times">{options}</div>
                </fieldset>
            </div>
            <button class="button" type="submit">{if button { t().move_button } else { t().book_button }}</button>
        </form>
        <PlacesLeft url=places_url full=t().full.to_owned() left=t().places_left.to_owned()/>
        <IslandScripts/>
    }
}

/// The address that answers this day's places: the booking page's own data. Ids and point codes are the server's
/// own (hex; letters, digits and dots), as in [`booking_choice_page`].
fn booking_choices_url(id: &str, point: &str, day: Date) -> String {
    format!(
        "{}?application={id}&point={point}&day={day}",
        crate::api::bookings::BookingChoices::url()
    )
}

/// The places left at each time, read again every 30 seconds and when the applicant comes back to the page from
/// another tab or app, so that a time that filled up meanwhile is shown full before they press the button: the one
/// part of the booking page that runs in the browser (`browser::places`). The form itself is a plain form: it
/// books the same way with or without JavaScript, and whether the WebAssembly has arrived or not. `full` and
/// `left` are the words for a full time and for `{n}` places left.
#[island(lazy)]
fn PlacesLeft(url: String, full: String, left: String) -> impl IntoView {
    #[cfg(feature = "hydrate")]
    {
        crate::browser::places::refresh(url, REFRESH_SECS, full, left);
        crate::island_live();
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (url, full, left);
}
