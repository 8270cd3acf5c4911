//! The recording appointment: the rules of the calendar, capacity and "one active booking" under concurrency
//! (straight against the store, where they are enforced), and the pages, forms, PDF and calendar file as a
//! browser without JavaScript uses them.

use crate::applications::{submitted_citizen, JSON};
use crate::helpers::*;
use app::domain::{
    booking::{bookable_days, BookingIssue, BookingStatus, ClockTime},
    office::office_date,
    Date,
};
use server::db::{
    bookings::{self, BookingError, BookingRequest},
    Db,
};

/// A fixed "today" for the store-level tests: Tuesday 1 December 2026. The seeded calendar has 24 and 25
/// December off (cuti bersama and Christmas).
fn today() -> Date {
    Date::new(2026, 12, 1).unwrap()
}

fn d(y: i32, m: u8, day: u8) -> Date {
    Date::new(y, m, day).unwrap()
}

fn t(text: &str) -> ClockTime {
    ClockTime::parse(text).unwrap()
}

const NOW: i64 = 1_795_000_000;

/// `n` applications of one `kind` (`wni` or `wna`), each of its own account, already submitted.
async fn submitted(db: &Db, kind: &str, n: usize) -> Vec<(String, String)> {
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let mut made = Vec::new();
    for _ in 0..n {
        let i = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let (account, id) = (format!("acc-{kind}-{i}"), format!("app-{kind}-{i}"));
        sqlx::query("INSERT INTO accounts (id, identifier, created_at) VALUES ($1, $2, 0)")
            .bind(&account)
            .bind(format!("{account}@example.com"))
            .execute(&db.pool)
            .await
            .unwrap();
        sqlx::query(
            "INSERT INTO applications (id, account_id, kind, status, answers, reference, created_at, updated_at) \
             VALUES ($1, $2, $3, 'submitted', '{}', $4, 0, 0)",
        )
        .bind(&id)
        .bind(&account)
        .bind(kind)
        .bind(format!("BKS-261201-{i:06}"))
        .execute(&db.pool)
        .await
        .unwrap();
        made.push((account, id));
    }
    made
}

async fn set_counters(db: &Db, point: &str, counters: i32) {
    sqlx::query("UPDATE service_points SET counters = $1 WHERE id = $2")
        .bind(counters)
        .bind(point)
        .execute(&db.pool)
        .await
        .unwrap();
}

fn request(point: &str, day: Date, time: &str, replaces: Option<&str>) -> BookingRequest {
    BookingRequest {
        point: point.to_owned(),
        day,
        time: t(time),
        replaces: replaces.map(str::to_owned),
    }
}

async fn book(db: &Db, who: &(String, String), r: &BookingRequest) -> Result<bookings::Booking, BookingError> {
    bookings::book(db, &who.0, &who.1, r, today(), NOW).await
}

fn refused(result: Result<bookings::Booking, BookingError>) -> BookingIssue {
    match result {
        Err(BookingError::Refused(issue)) => issue,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

async fn taken(db: &Db, point: &str, day: Date, time: &str) -> i64 {
    let row: Option<(i64,)> =
        sqlx::query_as("SELECT taken FROM slot_usage WHERE point_id = $1 AND day = $2 AND starts = $3")
            .bind(point)
            .bind(day.to_string())
            .bind(time)
            .fetch_optional(&db.pool)
            .await
            .unwrap();
    row.map(|(n,)| n).unwrap_or(0)
}

async fn active_bookings(db: &Db) -> i64 {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM bookings WHERE status = 'booked'")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    n
}

#[tokio::test]
async fn the_dinas_and_every_district_are_service_points_and_foreigners_book_only_at_the_dinas() {
    let app = spawn_app().await;
    let db = db_of(&app).await;
    let mut conn = db.pool.acquire().await.unwrap();
    let points = bookings::points(&mut conn).await.unwrap();
    drop(conn);
    assert_eq!(
        points.len(),
        12,
        "the Dinas and the 11 districts of Kabupaten Bengkalis"
    );
    assert_eq!(points.iter().filter(|p| p.serves_foreigners).count(), 1);
    assert_eq!(points[0].id, "dinas");

    let foreigner = &submitted(&db, "wna", 1).await[0];
    let monday = d(2026, 12, 7);
    let district = refused(book(&db, foreigner, &request("14.03.01", monday, "08:00", None)).await);
    assert_eq!(district, BookingIssue::PointNotForForeigners);
    assert_eq!(active_bookings(&db).await, 0);
    book(&db, foreigner, &request("dinas", monday, "08:00", None))
        .await
        .expect("the Dinas serves foreign residents");
    let citizen = &submitted(&db, "wni", 1).await[0];
    book(&db, citizen, &request("14.03.01", monday, "08:00", None))
        .await
        .expect("a district serves citizens");
}

#[tokio::test]
async fn no_booking_on_a_holiday_a_weekend_in_the_past_or_beyond_thirty_days() {
    let app = spawn_app().await;
    let db = db_of(&app).await;
    let who = &submitted(&db, "wni", 1).await[0];
    for (day, time, issue) in [
        (d(2026, 12, 25), "08:00", BookingIssue::NotWorkingDay),
        (d(2026, 12, 24), "08:00", BookingIssue::NotWorkingDay),
        (d(2026, 12, 5), "08:00", BookingIssue::NotWorkingDay),
        (d(2026, 11, 30), "08:00", BookingIssue::TooSoon),
        (today(), "14:00", BookingIssue::TooSoon),
        (d(2027, 1, 4), "08:00", BookingIssue::TooFar),
        (d(2026, 12, 2), "12:15", BookingIssue::NoSuchTime),
        (d(2026, 12, 4), "13:00", BookingIssue::NoSuchTime),
    ] {
        assert_eq!(
            refused(book(&db, who, &request("dinas", day, time, None)).await),
            issue,
            "{day} {time}"
        );
    }
    assert_eq!(active_bookings(&db).await, 0, "nothing half-kept");
    let (n,): (i64,) = sqlx::query_as("SELECT COALESCE(SUM(taken), 0) FROM slot_usage")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(n, 0, "no place taken by a refusal");
    // The first and last days of the window are fine.
    book(&db, who, &request("dinas", d(2026, 12, 2), "08:00", None))
        .await
        .unwrap();
    let other = &submitted(&db, "wni", 2).await[1];
    book(&db, other, &request("dinas", d(2026, 12, 31), "14:45", None))
        .await
        .unwrap();
    // Drafts cannot book.
    sqlx::query("UPDATE applications SET status = 'draft' WHERE id = $1")
        .bind(&other.1)
        .execute(&db.pool)
        .await
        .unwrap();
    let again = request("dinas", d(2026, 12, 3), "08:00", None);
    assert_eq!(refused(book(&db, other, &again).await), BookingIssue::NotBookable);
}

#[tokio::test]
async fn moving_frees_the_old_place_and_cancelling_returns_it() {
    let app = spawn_app().await;
    let db = db_of(&app).await;
    set_counters(&db, "dinas", 1).await;
    let people = submitted(&db, "wni", 2).await;
    let (a, b) = (&people[0], &people[1]);
    let day = d(2026, 12, 3);
    let first = book(&db, a, &request("dinas", day, "09:00", None)).await.unwrap();
    assert_eq!(
        refused(book(&db, b, &request("dinas", day, "09:00", None)).await),
        BookingIssue::SlotFull
    );
    assert_eq!(
        refused(book(&db, a, &request("dinas", day, "10:00", None)).await),
        BookingIssue::AlreadyBooked,
        "a second booking is refused; a move names the booking it replaces"
    );

    let moved = book(&db, a, &request("dinas", day, "10:00", Some(&first.id)))
        .await
        .unwrap();
    assert_eq!(
        (
            taken(&db, "dinas", day, "09:00").await,
            taken(&db, "dinas", day, "10:00").await
        ),
        (0, 1)
    );
    let second = book(&db, b, &request("dinas", day, "09:00", None))
        .await
        .expect("the place freed by the move");
    assert_eq!(active_bookings(&db).await, 2);
    assert_eq!(
        refused(book(&db, a, &request("dinas", day, "11:00", Some(&first.id))).await),
        BookingIssue::NoActiveBooking,
        "the old booking can no longer be moved"
    );

    bookings::cancel(&db, &b.0, &b.1, &second.id, today(), NOW)
        .await
        .unwrap();
    assert_eq!(
        taken(&db, "dinas", day, "09:00").await,
        0,
        "cancelling returns the place"
    );
    // Changes stop after the working day before (the weekend case is the domain's unit test).
    let too_late = bookings::cancel(&db, &a.0, &a.1, &moved.id, day, NOW).await;
    assert!(matches!(
        too_late,
        Err(BookingError::Refused(BookingIssue::TooLateToChange))
    ));
    let other_account = bookings::cancel(&db, &b.0, &a.1, &moved.id, today(), NOW).await;
    assert!(
        matches!(other_account, Err(BookingError::NotFound)),
        "another account's booking is not found"
    );
    assert_eq!(active_bookings(&db).await, 1);
}

#[tokio::test]
async fn fifty_concurrent_attempts_on_a_slot_of_three_give_three_bookings() {
    let app = spawn_app().await;
    let db = db_of(&app).await;
    set_counters(&db, "dinas", 3).await;
    let people = submitted(&db, "wni", 50).await;
    let slot = request("dinas", d(2026, 12, 7), "08:30", None);
    let attempts = people.into_iter().map(|who| {
        let (db, slot) = (db.clone(), slot.clone());
        tokio::spawn(async move { bookings::book(&db, &who.0, &who.1, &slot, today(), NOW).await })
    });
    let results = futures_util::future::join_all(attempts).await;
    let (mut made, mut full, mut other) = (0, 0, Vec::new());
    for r in results {
        match r.unwrap() {
            Ok(_) => made += 1,
            Err(BookingError::Refused(BookingIssue::SlotFull)) => full += 1,
            Err(e) => other.push(e.to_string()),
        }
    }
    assert_eq!((made, full), (3, 47), "unexpected: {other:?}");
    assert!(other.is_empty());
    assert_eq!(taken(&db, "dinas", d(2026, 12, 7), "08:30").await, 3);
    assert_eq!(active_bookings(&db).await, 3);
}

#[tokio::test]
async fn two_concurrent_bookings_for_one_application_give_one() {
    let app = spawn_app().await;
    let db = db_of(&app).await;
    let who = submitted(&db, "wni", 1).await.remove(0);
    for round in 0..5 {
        let slots = [
            request("dinas", d(2026, 12, 8), "08:00", None),
            request("14.03.01", d(2026, 12, 9), "09:00", None),
        ];
        let attempts = slots.into_iter().map(|slot| {
            let (db, who) = (db.clone(), who.clone());
            tokio::spawn(async move { bookings::book(&db, &who.0, &who.1, &slot, today(), NOW).await })
        });
        let results: Vec<_> = futures_util::future::join_all(attempts)
            .await
            .into_iter()
            .map(|r| r.unwrap())
            .collect();
        let made: Vec<_> = results.iter().filter_map(|r| r.as_ref().ok()).collect();
        assert_eq!(made.len(), 1, "round {round}: {results:?}");
        assert!(results
            .iter()
            .any(|r| matches!(r, Err(BookingError::Refused(BookingIssue::AlreadyBooked)))));
        assert_eq!(active_bookings(&db).await, 1);
        let total: (i64,) = sqlx::query_as("SELECT COALESCE(SUM(taken), 0) FROM slot_usage")
            .fetch_one(&db.pool)
            .await
            .unwrap();
        assert_eq!(total.0, 1, "only the booking made holds a place");
        bookings::cancel(&db, &who.0, &who.1, &made[0].id, today(), NOW)
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn a_day_off_cancels_its_bookings_and_queues_a_message_for_each_applicant() {
    let app = spawn_app().await;
    let db = db_of(&app).await;
    let people = submitted(&db, "wni", 3).await;
    let day = d(2026, 12, 10);
    book(&db, &people[0], &request("dinas", day, "08:00", None))
        .await
        .unwrap();
    book(&db, &people[1], &request("14.03.02", day, "08:00", None))
        .await
        .unwrap();
    book(&db, &people[2], &request("14.03.02", d(2026, 12, 11), "08:00", None))
        .await
        .unwrap();

    let closed = bookings::close_point(&db, "14.03.02", day, "Listrik padam", NOW)
        .await
        .unwrap();
    assert_eq!(closed.len(), 1);
    assert_eq!(closed[0].application_id, people[1].1);
    let refusal = book(&db, &people[1], &request("14.03.02", day, "09:00", None)).await;
    assert_eq!(
        refused(refusal),
        BookingIssue::NotWorkingDay,
        "the closed day cannot be booked"
    );

    let holiday = bookings::add_holiday(&db, day, "lokal", "Hari Jadi Kabupaten", NOW)
        .await
        .unwrap();
    assert_eq!(holiday.len(), 1, "the Dinas booking on the new holiday");
    let messages: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT account_id, topic, payload FROM outbox WHERE topic <> 'booking_confirmed' ORDER BY account_id",
    )
    .fetch_all(&db.pool)
    .await
    .unwrap();
    assert_eq!(messages.len(), 2, "one message per cancelled booking");
    assert_eq!(messages[0].0, people[0].0);
    assert!(messages.iter().all(|(_, topic, _)| topic == "booking_cancelled"));
    assert!(messages[0].2.contains("Hari Jadi Kabupaten") && messages[1].2.contains("Listrik padam"));
    assert_eq!(active_bookings(&db).await, 1, "the next day's booking stands");

    let mine = bookings::bookings_of(&db, &people[0].0, &people[0].1).await.unwrap();
    assert_eq!(mine[0].status, BookingStatus::Cancelled);
    assert_eq!(mine[0].note.as_deref(), Some("Hari Jadi Kabupaten"));
}

/// A valid day and time at the Dinas for the real today, far enough ahead to be moved and cancelled still (an
/// appointment on the next working day is fixed over a weekend).
async fn next_open_slot(db: &Db) -> (Date, &'static str) {
    let today = office_date(server::auth::now());
    let mut conn = db.pool.acquire().await.unwrap();
    let calendar = bookings::calendar(&mut conn, Some("dinas"), today, today.add_days(31))
        .await
        .unwrap();
    let day = bookable_days(&calendar, today)[2];
    (day, "08:00")
}

#[tokio::test]
async fn booking_moving_and_cancelling_work_as_plain_forms_with_the_form_and_calendar_file() {
    let app = spawn_app().await;
    let db = db_of(&app).await;
    let (session, id) = submitted_citizen(&app, "siti.booking@example.com").await;
    let page = format!("/permohonan/{id}/jadwal");

    let html = get_with(&app, &page, &[&session]).await.text().await.unwrap();
    assert!(
        html.contains("Pilih tempat") && html.contains("Kantor Camat Bantan"),
        "points are listed"
    );
    let html = get_with(&app, &format!("{page}?lokasi=dinas"), &[&session])
        .await
        .text()
        .await
        .unwrap();
    let (day, time) = next_open_slot(&db).await;
    assert!(
        html.contains(&format!("{page}?lokasi=dinas&amp;tanggal={day}#waktu")),
        "an open day is a plain link"
    );
    let html = get_with(&app, &format!("{page}?lokasi=dinas&tanggal={day}"), &[&session])
        .await
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("value=\"08:00\"") && html.contains("sisa 4 tempat"),
        "times with places left"
    );

    let day_text = day.to_string();
    let fields = [
        ("application", id.as_str()),
        ("point", "dinas"),
        ("day", day_text.as_str()),
        ("time", time),
        ("replaces", ""),
    ];
    let response = post(&app, "/api/jadwal/pesan", &fields, &[&session], HTML).await;
    assert!(response.status().is_redirection());
    assert_eq!(response.headers()["location"], format!("{page}#jadwal-anda"));
    let html = get_with(&app, &page, &[&session]).await.text().await.unwrap();
    assert!(
        html.contains("Jadwal Anda") && html.contains("08:00 – 08:15 WIB"),
        "the booking is shown"
    );
    assert!(html.contains("Kartu Keluarga (KK) asli"), "what to bring");
    // The service promise, in working days from the appointment: weekends and holidays do not count.
    let ready_by = {
        let mut conn = db.pool.acquire().await.unwrap();
        bookings::calendar(&mut conn, None, day, day.add_days(45))
            .await
            .unwrap()
            .add_working_days(day, 14)
    };
    let promise = format!(
        "paling lambat {}",
        app::components::form::long_day(app::i18n::Locale::Id.texts(), ready_by)
    );
    assert!(html.contains(&promise), "the page promises the card: {promise}");
    let booking_id = attribute_after(&html, "name=\"booking\"", "value")
        .expect("the cancel form")
        .to_owned();

    // The printable form: its text, and a QR code holding only the registration number.
    let response = get_with(&app, &format!("/formulir/{id}"), &[&session]).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/pdf");
    let pdf = response.bytes().await.unwrap();
    let reference: String = sqlx::query_as::<_, (String,)>("SELECT reference FROM applications WHERE id = $1")
        .bind(&id)
        .fetch_one(&db.pool)
        .await
        .unwrap()
        .0;
    let text = pdf_text(&app, &pdf);
    for expected in [
        "Formulir Permohonan KTP-el",
        reference.as_str(),
        "SITI AMINAH",
        "1403094508060002",
        "Kantor Dinas Kependudukan dan Pencatatan Sipil",
        "08:00 – 08:15 WIB",
        "Kartu Keluarga (KK) asli",
        promise.as_str(),
    ] {
        assert!(text.contains(expected), "the form says {expected:?}:\n{text}");
    }
    assert_eq!(
        qr_codes(&app, &pdf),
        vec![reference.clone()],
        "the QR code holds the registration number"
    );

    // In English when the applicant reads English.
    let english = get_with(&app, &format!("/formulir/{id}"), &[&session, "lang=en"]).await;
    let text = pdf_text(&app, &english.bytes().await.unwrap());
    assert!(text.contains("KTP-el Application Form") && text.contains("Your original family card (KK)"));

    let ics = get_with(&app, &format!("/kalender/{id}"), &[&session]).await;
    assert_eq!(ics.headers()["content-type"], "text/calendar; charset=utf-8");
    let ics = ics.text().await.unwrap();
    let start_utc = format!("DTSTART:{}T010000Z", day.to_string().replace('-', ""));
    assert!(ics.contains(&start_utc), "08:00 WIB in UTC: {ics}");
    assert!(ics.contains("SUMMARY:Perekaman KTP-el"));

    // Another account: none of it exists.
    let stranger = sign_in(&app, "orang.lain@example.com", "orang.lain@example.com").await;
    for path in [format!("/formulir/{id}"), format!("/kalender/{id}")] {
        assert_eq!(get_with(&app, &path, &[&stranger]).await.status(), 404, "{path}");
    }
    assert_eq!(get_with(&app, &page, &[&stranger]).await.status(), 404);
    let response = post(&app, "/api/jadwal/pesan", &fields, &[&stranger], JSON).await;
    assert_eq!(response.status(), 404);
    let cancel = [("application", id.as_str()), ("booking", booking_id.as_str())];
    assert_eq!(
        post(&app, "/api/jadwal/batal", &cancel, &[&stranger], JSON)
            .await
            .status(),
        404
    );

    // Move to 09:00, then cancel.
    let mut moving = fields;
    moving[3] = ("time", "09:00");
    moving[4] = ("replaces", booking_id.as_str());
    let response = post(&app, "/api/jadwal/pesan", &moving, &[&session], HTML).await;
    assert!(response.status().is_redirection());
    let html = get_with(&app, &page, &[&session]).await.text().await.unwrap();
    assert!(
        html.contains("09:00 – 09:15 WIB") && !html.contains("08:00 – 08:15 WIB"),
        "moved"
    );
    assert_eq!(
        taken(&db, "dinas", day, "08:00").await,
        0,
        "the old place is free again"
    );
    let new_id = attribute_after(&html, "name=\"booking\"", "value").unwrap().to_owned();
    let cancel = [("application", id.as_str()), ("booking", new_id.as_str())];
    let response = post(&app, "/api/jadwal/batal", &cancel, &[&session], HTML).await;
    assert!(response.status().is_redirection());
    let html = get_with(&app, &page, &[&session]).await.text().await.unwrap();
    assert!(
        !html.contains("Jadwal Anda") && html.contains("Pilih tempat"),
        "back to choosing"
    );
    assert_eq!(
        get_with(&app, &format!("/kalender/{id}"), &[&session]).await.status(),
        404,
        "no appointment"
    );
    assert_eq!(active_bookings(&db).await, 0);
}

#[tokio::test]
async fn a_time_that_filled_up_says_so_and_shows_the_choices_again() {
    let app = spawn_app().await;
    let db = db_of(&app).await;
    set_counters(&db, "dinas", 1).await;
    let (session, id) = submitted_citizen(&app, "fill.up@example.com").await;
    let (day, time) = next_open_slot(&db).await;
    // Someone else takes the last place between display and confirmation.
    let other = &submitted(&db, "wni", 1).await[0];
    let today = office_date(server::auth::now());
    bookings::book(&db, &other.0, &other.1, &request("dinas", day, time, None), today, NOW)
        .await
        .unwrap();

    let day_text = day.to_string();
    let fields = [
        ("application", id.as_str()),
        ("point", "dinas"),
        ("day", day_text.as_str()),
        ("time", time),
    ];
    let response = post(&app, "/api/jadwal/pesan", &fields, &[&session], HTML).await;
    let back = format!("/permohonan/{id}/jadwal?lokasi=dinas&tanggal={day}#waktu");
    assert_eq!(response.headers()["location"], back);
    let flash = set_cookie(&response, "flash").expect("the problem waits in the flash cookie");
    let html = get_with(&app, back.trim_end_matches("#waktu"), &[&session, &flash])
        .await
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("Jam ini sudah penuh. Silakan pilih jam lain."),
        "said plainly"
    );
    assert!(html.contains("href=\"#time\""), "the summary links to the times");
    assert!(html.contains("value=\"08:15\""), "the other times are offered again");

    let response = post(&app, "/api/jadwal/pesan", &fields, &[&session], JSON).await;
    assert_eq!(response.status(), 422);
    assert!(response.text().await.unwrap().contains("SlotFull"));
    assert_eq!(active_bookings(&db).await, 1);
}

#[tokio::test]
async fn a_passed_appointment_becomes_missed_and_the_page_asks_for_a_new_one() {
    let app = spawn_app().await;
    let db = db_of(&app).await;
    let (session, id) = submitted_citizen(&app, "missed@example.com").await;
    let account: (String,) = sqlx::query_as("SELECT account_id FROM applications WHERE id = $1")
        .bind(&id)
        .fetch_one(&db.pool)
        .await
        .unwrap();
    let day = d(2026, 12, 2);
    bookings::book(
        &db,
        &account.0,
        &id,
        &request("dinas", day, "08:00", None),
        today(),
        NOW,
    )
    .await
    .unwrap();
    // Missed when the point closes (15:00 on a Wednesday), not when the slot ends: a late arrival may still come.
    assert_eq!(
        bookings::mark_missed(&db, day, t("14:59"), NOW).await.unwrap(),
        0,
        "not yet over"
    );
    assert_eq!(bookings::mark_missed(&db, day, t("15:00"), NOW).await.unwrap(), 1);
    let html = get_with(&app, &format!("/permohonan/{id}/jadwal"), &[&session])
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("Anda tidak datang pada jadwal"), "the applicant is told");
    assert!(html.contains("Pilih tempat"), "and asked to book again");
}

/// The text of a PDF, by poppler's `pdftotext` (installed by `scripts/setup.sh test`).
fn pdf_text(app: &TestApp, pdf: &[u8]) -> String {
    let path = app.dir.path().join("form.pdf");
    std::fs::write(&path, pdf).unwrap();
    let out = std::process::Command::new("pdftotext")
        .args(["-enc", "UTF-8"])
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed");
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

/// The QR codes on the PDF's first page: rendered by `pdftoppm`, decoded by `zbarimg`.
fn qr_codes(app: &TestApp, pdf: &[u8]) -> Vec<String> {
    let dir = app.dir.path();
    std::fs::write(dir.join("qr.pdf"), pdf).unwrap();
    let rendered = std::process::Command::new("pdftoppm")
        .args(["-r", "150", "-png", "-f", "1", "-l", "1", "-singlefile"])
        .arg(dir.join("qr.pdf"))
        .arg(dir.join("qr"))
        .status()
        .expect("pdftoppm (poppler-utils) is installed");
    assert!(rendered.success());
    let out = std::process::Command::new("zbarimg")
        .args(["--raw", "-q"])
        .arg(dir.join("qr.png"))
        .output()
        .expect("zbarimg (zbar-tools) is installed");
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect()
}
