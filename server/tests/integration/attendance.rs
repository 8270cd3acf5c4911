//! Attendance and freed places (issue 13, items 1 and 2): an applicant who arrived is never marked missed; a late
//! arrival is marked until the point closes that day and refused after; a missed appointment is announced once,
//! however many nodes sweep; the dashboard's no-show figure counts only who did not come; a return, a rejection or
//! the applicant's own cancellation gives the place back (the booking page shows it free again, someone else books
//! it), with the applicant's message, and the slot's count stays exact under a burst.

use crate::applications::JSON;
use crate::helpers::*;
use crate::staff::{staff_member, staff_sign_in};
use app::domain::{
    booking::{bookable_days, BookingIssue, ClockTime},
    office::{office_date, unix_secs_at},
    process::Role,
    Date,
};
use server::{
    booking::sweep,
    db::{
        bookings::{self, Arrival, BookingError},
        Db,
    },
};

fn t(text: &str) -> ClockTime {
    ClockTime::parse(text).unwrap()
}

/// The Unix time of `time` on `day` at the office.
fn at(day: Date, time: &str) -> i64 {
    unix_secs_at(day, t(time))
}

fn today() -> Date {
    office_date(server::auth::now())
}

/// The first Monday to Thursday (the Dinas is open 08:00–15:00) at least `days` ahead of today: far enough that
/// the server's own sweep, which runs on the real clock, never reaches it.
fn weekday_ahead(days: i64) -> Date {
    let mut day = today().add_days(days);
    while day.weekday() > 3 {
        day = day.add_days(1);
    }
    day
}

/// An application submitted by an account of its own, written straight into the store (the form's pages are
/// tested elsewhere): (account, application).
async fn stored_application(db: &Db, name: &str) -> (String, String) {
    let account = format!("acc-{name}");
    sqlx::query("INSERT INTO accounts (id, identifier, created_at) VALUES ($1, $2, 0)")
        .bind(&account)
        .bind(format!("{name}@example.com"))
        .execute(&db.pool)
        .await
        .unwrap();
    let id = submitted_for(db, &account, name).await;
    (account, id)
}

static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

async fn submitted_for(db: &Db, account: &str, name: &str) -> String {
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let id = format!("app-{name}");
    let now = server::auth::now();
    sqlx::query(
        "INSERT INTO applications (id, account_id, kind, status, answers, reference, created_at, updated_at, \
         submitted_at) VALUES ($1, $2, 'wni', 'submitted', $3, $4, $5, $5, $5)",
    )
    .bind(&id)
    .bind(account)
    .bind(serde_json::json!({ "full_name": name }).to_string())
    .bind(format!("BKS-991301-{n:06}"))
    .bind(now)
    .execute(&db.pool)
    .await
    .unwrap();
    id
}

/// An applicant signed in through the portal, with a submitted application and no appointment yet.
struct Applicant {
    session: String,
    id: String,
}

async fn applicant(app: &TestApp, db: &Db, name: &str) -> Applicant {
    let email = format!("{name}@example.com");
    let session = sign_in(app, &email, &email).await;
    let (account,): (String,) = sqlx::query_as("SELECT id FROM accounts WHERE identifier = $1")
        .bind(&email)
        .fetch_one(&db.pool)
        .await
        .unwrap();
    let id = submitted_for(db, &account, name).await;
    Applicant { session, id }
}

async fn insert_booking(db: &Db, id: &str, application: &str, day: Date, starts: &str, ends: &str) {
    sqlx::query(
        "INSERT INTO bookings (id, application_id, point_id, day, starts, ends, status, created_at, updated_at) \
         VALUES ($1, $2, 'dinas', $3, $4, $5, 'booked', 0, 0)",
    )
    .bind(id)
    .bind(application)
    .bind(day.to_string())
    .bind(starts)
    .bind(ends)
    .execute(&db.pool)
    .await
    .unwrap();
}

async fn booking_state(db: &Db, booking: &str) -> (String, Option<i64>) {
    sqlx::query_as("SELECT status, arrived_at FROM bookings WHERE id = $1")
        .bind(booking)
        .fetch_one(&db.pool)
        .await
        .unwrap()
}

/// The payloads of the messages of `topic` queued for `application`.
async fn messages(db: &Db, application: &str, topic: &str) -> Vec<serde_json::Value> {
    let rows: Vec<(String,)> =
        sqlx::query_as("SELECT payload FROM outbox WHERE application_id = $1 AND topic = $2 ORDER BY created_at, id")
            .bind(application)
            .bind(topic)
            .fetch_all(&db.pool)
            .await
            .unwrap();
    rows.iter().map(|(p,)| serde_json::from_str(p).unwrap()).collect()
}

async fn set_dinas_counters(db: &Db, counters: i32) {
    sqlx::query("UPDATE service_points SET counters = $1 WHERE id = 'dinas'")
        .bind(counters)
        .execute(&db.pool)
        .await
        .unwrap();
}

async fn taken(db: &Db, day: Date, time: &str) -> i64 {
    let row: Option<(i64,)> =
        sqlx::query_as("SELECT taken FROM slot_usage WHERE point_id = 'dinas' AND day = $1 AND starts = $2")
            .bind(day.to_string())
            .bind(time)
            .fetch_optional(&db.pool)
            .await
            .unwrap();
    row.map(|(n,)| n).unwrap_or(0)
}

async fn booked_in(db: &Db, day: Date, time: &str) -> i64 {
    let (n,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM bookings WHERE point_id = 'dinas' AND day = $1 AND starts = $2 AND status = 'booked'",
    )
    .bind(day.to_string())
    .bind(time)
    .fetch_one(&db.pool)
    .await
    .unwrap();
    n
}

/// A day the portal lets an applicant book today (the third one offered, so it can still be cancelled).
async fn bookable_day(db: &Db) -> Date {
    let today = today();
    let mut conn = db.pool.acquire().await.unwrap();
    let calendar = bookings::calendar(&mut conn, Some("dinas"), today, today.add_days(31))
        .await
        .unwrap();
    bookable_days(&calendar, today)[2]
}

/// Books `time` on `day` at the Dinas through the portal, as the page's script does.
async fn book(app: &TestApp, who: &Applicant, day: Date, time: &str) -> reqwest::Response {
    let day = day.to_string();
    let fields = [
        ("application", who.id.as_str()),
        ("point", "dinas"),
        ("day", day.as_str()),
        ("time", time),
    ];
    post(app, "/api/jadwal/pesan", &fields, &[&who.session], JSON).await
}

/// What the booking page shows `viewer` next to `time` on `day` at the Dinas: "sisa N tempat" or "penuh".
async fn places_shown(app: &TestApp, viewer: &Applicant, day: Date, time: &str) -> String {
    let path = format!("/permohonan/{}/jadwal?lokasi=dinas&tanggal={day}", viewer.id);
    let html = get_with(app, &path, &[&viewer.session]).await.text().await.unwrap();
    let label = format!("<label for=\"time-{}\"", time.replace(':', ""));
    let start = html.find(&label).unwrap_or_else(|| panic!("{time} is offered: {html}"));
    let start = start + html[start..].find('>').unwrap() + 1;
    let end = start + html[start..].find("</label>").unwrap();
    html[start..end].replace("<!>", "")
}

/// A staff member's form, as the console posts it; the `Location` it answers with.
async fn staff_post(app: &TestApp, session: &str, path: &str, form: &[(&str, &str)]) -> String {
    let response = post(app, path, form, &[session], HTML).await;
    assert_eq!(response.status(), 303, "{path}: {}", response.text().await.unwrap());
    response.headers()["location"].to_str().unwrap().to_owned()
}

async fn take_step(app: &TestApp, session: &str, id: &str, step: &str, note: &str) -> String {
    let detail = format!("/petugas/permohonan/{id}");
    staff_post(app, session, &format!("{detail}/klaim"), &[("action", "claim")]).await;
    staff_post(
        app,
        session,
        &format!("{detail}/langkah"),
        &[("step", step), ("note", note)],
    )
    .await
}

#[tokio::test]
async fn a_late_arrival_counts_until_the_point_closes_and_is_never_marked_missed() {
    let app = spawn_app().await;
    let db = db_of(&app).await;
    let day = weekday_ahead(60);
    let (late_account, late) = stored_application(&db, "datang.terlambat").await;
    let (_, absent) = stored_application(&db, "tidak.datang").await;
    let (_, afternoon) = stored_application(&db, "sore.hari").await;
    insert_booking(&db, "b-late", &late, day, "08:00", "08:15").await;
    insert_booking(&db, "b-absent", &absent, day, "08:00", "08:15").await;
    insert_booking(&db, "b-afternoon", &afternoon, day, "14:00", "14:15").await;

    // Forty minutes after the slot ended, the Dinas is open: the late applicant is marked, as they arrived.
    let arrival = bookings::mark_arrived(&db, "dinas", "b-late", day, t("08:55"), at(day, "08:55")).await;
    assert_eq!(arrival.unwrap(), Arrival::Marked);
    assert_eq!(
        booking_state(&db, "b-late").await,
        ("booked".into(), Some(at(day, "08:55")))
    );
    let again = bookings::mark_arrived(&db, "dinas", "b-late", day, t("09:00"), at(day, "09:00")).await;
    assert_eq!(again.unwrap(), Arrival::AlreadyMarked);

    // The sweeps of the day (every minute, on every node) leave every appointment alone until the point closes.
    for time in ["08:15", "08:56", "12:00", "14:15", "14:59"] {
        assert_eq!(
            bookings::mark_missed(&db, day, t(time), at(day, time)).await.unwrap(),
            0,
            "{time}"
        );
    }
    assert_eq!(booking_state(&db, "b-absent").await, ("booked".into(), None));

    // Having arrived, the appointment is no longer the applicant's to move or cancel.
    let cancelled = bookings::cancel(&db, &late_account, &late, "b-late", day, at(day, "09:00")).await;
    assert!(
        matches!(cancelled, Err(BookingError::Refused(BookingIssue::TooLateToChange))),
        "{cancelled:?}"
    );

    // At 15:00 the Dinas has closed: an arrival is refused (nothing changes), and the sweep closes the day.
    let refused = bookings::mark_arrived(&db, "dinas", "b-absent", day, t("15:00"), at(day, "15:00")).await;
    assert_eq!(refused.unwrap(), Arrival::Closed);
    assert_eq!(booking_state(&db, "b-absent").await, ("booked".into(), None));
    assert_eq!(
        bookings::mark_missed(&db, day, t("15:00"), at(day, "15:00"))
            .await
            .unwrap(),
        2
    );
    assert_eq!(
        booking_state(&db, "b-late").await,
        ("attended".into(), Some(at(day, "08:55")))
    );
    assert_eq!(booking_state(&db, "b-absent").await, ("missed".into(), None));
    assert_eq!(booking_state(&db, "b-afternoon").await, ("missed".into(), None));

    // A missed appointment can no longer be marked arrived, that day or any other.
    for (when, time) in [(day, "15:30"), (day, "10:00")] {
        let result = bookings::mark_arrived(&db, "dinas", "b-absent", when, t(time), at(when, time)).await;
        assert_eq!(result.unwrap(), Arrival::Closed, "{time}");
    }
    let next_day = day.add_days(1);
    let result = bookings::mark_arrived(&db, "dinas", "b-absent", next_day, t("09:00"), at(next_day, "09:00")).await;
    assert_eq!(result.unwrap(), Arrival::NotToday);
    assert_eq!(booking_state(&db, "b-absent").await, ("missed".into(), None));

    // Later sweeps change nothing; the applicant who came got no "you did not come", each absent one exactly one.
    assert_eq!(
        bookings::mark_missed(&db, next_day, t("09:00"), at(next_day, "09:00"))
            .await
            .unwrap(),
        0
    );
    assert!(messages(&db, &late, "appointment_missed").await.is_empty());
    assert_eq!(
        messages(&db, &absent, "appointment_missed").await,
        vec![serde_json::json!({ "point": "dinas", "day": day.to_string(), "starts": "08:00" })]
    );
    assert_eq!(
        messages(&db, &afternoon, "appointment_missed").await,
        vec![serde_json::json!({ "point": "dinas", "day": day.to_string(), "starts": "14:00" })]
    );
}

#[tokio::test]
async fn the_recording_attends_the_appointment_and_records_the_arrival_if_nobody_marked_it() {
    let app = spawn_app().await;
    let db = db_of(&app).await;
    let day = today();
    let (_, id) = stored_application(&db, "langsung.rekam").await;
    sqlx::query("UPDATE applications SET status = 'approved', point_id = 'dinas' WHERE id = $1")
        .bind(&id)
        .execute(&db.pool)
        .await
        .unwrap();
    insert_booking(&db, "b-record", &id, day, "08:00", "08:15").await;
    let (staff_id, _) = staff_member(&db, "rekam", Role::Operator, Some("dinas")).await;
    let scope = server::db::process::Scope {
        staff_id,
        role: Role::Operator,
        point: Some("dinas".into()),
    };
    let now = server::auth::now();
    server::db::process::claim(&db, &scope, &id, now).await.unwrap();
    let input = app::domain::process::StepInput {
        confirmed: true,
        ..Default::default()
    };
    server::db::process::take_step(&db, &scope, &id, app::domain::process::Step::Record, &input, now)
        .await
        .unwrap();
    assert_eq!(booking_state(&db, "b-record").await, ("attended".into(), Some(now)));
    // Attended: the sweep, on this day or any later one, never makes it missed.
    assert_eq!(
        bookings::mark_missed(&db, day.add_days(1), t("09:00"), now)
            .await
            .unwrap(),
        0
    );
    assert_eq!(booking_state(&db, "b-record").await, ("attended".into(), Some(now)));
}

#[tokio::test]
async fn the_counter_marks_a_late_arrival_until_closing_and_refuses_it_after() {
    let app = spawn_app().await;
    let db = db_of(&app).await;
    let today = today();
    let weekday = i32::from(today.weekday());
    let secret = staff_member(&db, "loket.sore", Role::Operator, Some("dinas")).await.1;
    let session = staff_sign_in(&app, "loket.sore", &secret).await;
    let (_, late) = stored_application(&db, "loket.terlambat").await;
    let (_, gone) = stored_application(&db, "loket.tutup").await;
    let (gone_reference,): (String,) = sqlx::query_as("SELECT reference FROM applications WHERE id = $1")
        .bind(&gone)
        .fetch_one(&db.pool)
        .await
        .unwrap();

    // Whenever the test runs, the Dinas has not closed today: it keeps no hours today (the schedule changed after
    // these appointments were booked), so it closes at midnight. The first slot of the day has ended.
    sqlx::query("DELETE FROM opening_hours WHERE point_id = 'dinas' AND weekday = $1")
        .bind(weekday)
        .execute(&db.pool)
        .await
        .unwrap();
    insert_booking(&db, "b-late", &late, today, "00:00", "00:15").await;
    insert_booking(&db, "b-gone", &gone, today, "00:00", "00:00").await;
    let html = get_with(&app, "/petugas/loket", &[&session])
        .await
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("tetap bisa ditandai datang sampai tempat layanan tutup"),
        "{html}"
    );
    let location = staff_post(&app, &session, "/petugas/loket/hadir", &[("booking", "b-late")]).await;
    assert_eq!(location, "/petugas/loket?point=dinas");
    let (status, arrived) = booking_state(&db, "b-late").await;
    assert_eq!(status, "booked");
    assert!(arrived.is_some(), "the arrival is recorded as it happened");

    // Then the Dinas closes for the day (closing at 00:00: closed whenever the test runs): too late.
    sqlx::query("INSERT INTO opening_hours (point_id, weekday, opens, closes) VALUES ('dinas', $1, '00:00', '00:00')")
        .bind(weekday)
        .execute(&db.pool)
        .await
        .unwrap();
    let location = staff_post(&app, &session, "/petugas/loket/hadir", &[("booking", "b-gone")]).await;
    assert_eq!(location, "/petugas/loket?point=dinas&galat=tutup");
    let response = get_with(&app, &location, &[&session]).await;
    assert_eq!(response.status(), 200);
    let html = response.text().await.unwrap();
    assert!(
        html.contains("Kedatangan tidak bisa dicatat lagi: tempat layanan sudah tutup hari ini"),
        "said plainly: {html}"
    );
    assert_eq!(booking_state(&db, "b-gone").await.1, None, "nothing recorded");
    assert!(
        !html.contains(&format!("Tandai datang: {gone_reference}")),
        "no button to press any more"
    );

    // The day's close: the one who came attended, the other missed, and still cannot be marked.
    sweep::sweep_once(&db).await.unwrap();
    assert_eq!(booking_state(&db, "b-late").await.0, "attended");
    assert_eq!(booking_state(&db, "b-gone").await.0, "missed");
    let location = staff_post(&app, &session, "/petugas/loket/hadir", &[("booking", "b-gone")]).await;
    assert_eq!(location, "/petugas/loket?point=dinas&galat=tutup");
    let html = get_with(&app, "/petugas/loket", &[&session])
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("Sudah datang") && html.contains("Tidak datang"), "{html}");
    assert_eq!(messages(&db, &gone, "appointment_missed").await.len(), 1);
    assert!(messages(&db, &late, "appointment_missed").await.is_empty());

    // In English too.
    let html = get_with(&app, &location, &[&session, "lang=en"])
        .await
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("The arrival can no longer be recorded: the service point has closed for today"),
        "{html}"
    );
}

#[tokio::test]
async fn a_missed_appointment_is_announced_once_however_many_nodes_sweep() {
    let app = spawn_app().await;
    let db = db_of(&app).await;
    let yesterday = today().add_days(-1);
    let mut absent = Vec::new();
    for n in 0..3 {
        let (_, id) = stored_application(&db, &format!("sapu.{n}")).await;
        insert_booking(&db, &format!("b-sapu-{n}"), &id, yesterday, "09:00", "09:15").await;
        absent.push(id);
    }
    let (_, came) = stored_application(&db, "sapu.datang").await;
    insert_booking(&db, "b-sapu-came", &came, yesterday, "09:00", "09:15").await;
    sqlx::query("UPDATE bookings SET arrived_at = $1 WHERE id = 'b-sapu-came'")
        .bind(at(yesterday, "09:40"))
        .execute(&db.pool)
        .await
        .unwrap();

    // Ten sweeps at once, as ten nodes (and the server's own) would run them.
    for _round in 0..2 {
        let sweeps: Vec<_> = (0..10)
            .map(|_| {
                let db = db.clone();
                tokio::spawn(async move { sweep::sweep_once(&db).await })
            })
            .collect();
        let mut marked = 0;
        for sweep in sweeps {
            marked += sweep.await.unwrap().expect("a sweep never fails for another's work");
        }
        assert!(marked <= 3, "{marked}");
    }
    for id in &absent {
        let sent = messages(&db, id, "appointment_missed").await;
        assert_eq!(sent.len(), 1, "exactly one message for {id}");
        assert_eq!(
            sent[0],
            serde_json::json!({ "point": "dinas", "day": yesterday.to_string(), "starts": "09:00" })
        );
    }
    for n in 0..3 {
        assert_eq!(booking_state(&db, &format!("b-sapu-{n}")).await.0, "missed");
    }
    assert_eq!(
        booking_state(&db, "b-sapu-came").await,
        ("attended".into(), Some(at(yesterday, "09:40")))
    );
    assert!(messages(&db, &came, "appointment_missed").await.is_empty());
}

#[tokio::test]
async fn the_no_show_figure_counts_only_who_did_not_come() {
    let app = spawn_app().await;
    let db = db_of(&app).await;
    let today = today();
    // On past days at the Dinas: two real no-shows; one arrived late and was marked missed by the old sweep; one
    // attended; one arrived on a day the sweep has not closed yet; and one cancelled, which counts for nothing.
    for (n, (status, arrived)) in [
        ("missed", false),
        ("missed", false),
        ("missed", true),
        ("attended", true),
        ("booked", true),
        ("cancelled", false),
    ]
    .into_iter()
    .enumerate()
    {
        let (_, id) = stored_application(&db, &format!("dasbor.{n}")).await;
        let day = today.add_days(-2 - n as i64);
        let booking = format!("b-dasbor-{n}");
        insert_booking(&db, &booking, &id, day, "08:00", "08:15").await;
        sqlx::query("UPDATE bookings SET status = $1, arrived_at = $2 WHERE id = $3")
            .bind(status)
            .bind(arrived.then(|| at(day, "08:30")))
            .bind(&booking)
            .execute(&db.pool)
            .await
            .unwrap();
    }
    let secret = staff_member(&db, "dasbor.hadir", Role::Supervisor, None).await.1;
    let session = staff_sign_in(&app, "dasbor.hadir", &secret).await;
    let csv = get_with(&app, "/petugas/dasbor.csv", &[&session])
        .await
        .text()
        .await
        .unwrap();
    let value = |group: &str, key: &str| -> String {
        let prefix = format!("appointments,{group},{key},");
        csv.lines()
            .find_map(|l| l.strip_prefix(&prefix))
            .unwrap_or_else(|| panic!("{prefix} in {csv}"))
            .to_owned()
    };
    for group in ["dinas", "office"] {
        assert_eq!(value(group, "missed"), "2", "{group}");
        assert_eq!(value(group, "attended"), "3", "{group}");
        assert_eq!(value(group, "no_show_percent"), "40.0", "{group}");
        assert_eq!(value(group, "past_booked"), "5", "{group}");
    }
}

#[tokio::test]
async fn a_rejection_a_return_or_the_applicants_cancellation_frees_the_place_for_someone_else() {
    let app = spawn_app().await;
    let db = db_of(&app).await;
    set_dinas_counters(&db, 1).await;
    let day = bookable_day(&db).await;
    let rejected = applicant(&app, &db, "bebas.tolak").await;
    let returned = applicant(&app, &db, "bebas.kembali").await;
    let cancelling = applicant(&app, &db, "bebas.batal").await;
    let clarified = applicant(&app, &db, "bebas.klarifikasi").await;
    let waiting = applicant(&app, &db, "bebas.menunggu").await;
    let late_comer = applicant(&app, &db, "bebas.telat").await;
    for (who, time) in [
        (&rejected, "08:00"),
        (&returned, "08:15"),
        (&cancelling, "08:30"),
        (&clarified, "08:45"),
    ] {
        let response = book(&app, who, day, time).await;
        assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
        let shown = places_shown(&app, &waiting, day, time).await;
        assert!(shown.contains("penuh"), "{time}: {shown}");
    }
    let secret = staff_member(&db, "bebas.operator", Role::Operator, Some("dinas"))
        .await
        .1;
    let operator = staff_sign_in(&app, "bebas.operator", &secret).await;
    let secret = staff_member(&db, "bebas.supervisor", Role::Supervisor, None).await.1;
    let supervisor = staff_sign_in(&app, "bebas.supervisor", &secret).await;

    // Rejected: the place is free again on the booking page, and the applicant is told why the appointment went.
    let location = take_step(
        &app,
        &operator,
        &rejected.id,
        "reject",
        "Bukan penduduk Kabupaten Bengkalis",
    )
    .await;
    assert!(location.ends_with("?ok=reject"), "{location}");
    assert!(places_shown(&app, &waiting, day, "08:00")
        .await
        .contains("sisa 1 tempat"));
    assert_eq!(taken(&db, day, "08:00").await, 0);
    assert_eq!(
        messages(&db, &rejected.id, "booking_cancelled").await,
        vec![serde_json::json!({
            "point": "dinas", "day": day.to_string(), "starts": "08:00", "because": "rejected"
        })]
    );
    let (status, note): (String, Option<String>) =
        sqlx::query_as("SELECT status, note FROM bookings WHERE application_id = $1")
            .bind(&rejected.id)
            .fetch_one(&db.pool)
            .await
            .unwrap();
    assert_eq!((status.as_str(), note.as_deref()), ("cancelled", Some("rejected")));

    // Returned for a correction: the same.
    let location = take_step(&app, &operator, &returned.id, "return", "Foto KK tidak terbaca").await;
    assert!(location.ends_with("?ok=return"), "{location}");
    assert!(places_shown(&app, &waiting, day, "08:15")
        .await
        .contains("sisa 1 tempat"));
    assert_eq!(taken(&db, day, "08:15").await, 0);
    assert_eq!(
        messages(&db, &returned.id, "booking_cancelled").await,
        vec![serde_json::json!({
            "point": "dinas", "day": day.to_string(), "starts": "08:15", "because": "returned"
        })]
    );
    // The returned applicant's booking page says why the appointment went, in words, never the stored code.
    let page = get_with(
        &app,
        &format!("/permohonan/{}/jadwal", returned.id),
        &[&returned.session],
    )
    .await
    .text()
    .await
    .unwrap();
    assert!(
        page.contains("dibatalkan karena permohonan dikembalikan untuk diperbaiki"),
        "{page}"
    );
    assert!(page.contains("Perbaiki dan kirim lagi") && !page.contains("(returned)"));
    // The rejected one is told no appointment can be booked, not that it can once submitted.
    let page = get_with(
        &app,
        &format!("/permohonan/{}/jadwal", rejected.id),
        &[&rejected.session],
    )
    .await
    .text()
    .await
    .unwrap();
    assert!(
        page.contains("Permohonan ini ditolak") && !page.contains("setelah permohonan dikirim"),
        "{page}"
    );

    // Rejected after clarification (the supervisor's step): the same.
    sqlx::query("UPDATE applications SET status = 'clarification' WHERE id = $1")
        .bind(&clarified.id)
        .execute(&db.pool)
        .await
        .unwrap();
    let location = take_step(
        &app,
        &supervisor,
        &clarified.id,
        "clarification_reject",
        "Identitas ganda",
    )
    .await;
    assert!(location.ends_with("?ok=clarification_reject"), "{location}");
    assert!(places_shown(&app, &waiting, day, "08:45")
        .await
        .contains("sisa 1 tempat"));
    assert_eq!(
        messages(&db, &clarified.id, "booking_cancelled").await[0]["because"],
        "rejected"
    );

    // The applicant's own cancellation gives the place back too.
    let (booking,): (String,) =
        sqlx::query_as("SELECT id FROM bookings WHERE application_id = $1 AND status = 'booked'")
            .bind(&cancelling.id)
            .fetch_one(&db.pool)
            .await
            .unwrap();
    let form = [("application", cancelling.id.as_str()), ("booking", booking.as_str())];
    let response = post(&app, "/api/jadwal/batal", &form, &[&cancelling.session], JSON).await;
    assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
    assert!(places_shown(&app, &waiting, day, "08:30")
        .await
        .contains("sisa 1 tempat"));
    assert_eq!(taken(&db, day, "08:30").await, 0);
    assert_eq!(
        messages(&db, &cancelling.id, "booking_cancelled").await[0]["by_applicant"],
        true
    );

    // Someone else books the freed place; it is then full again for the next.
    let response = book(&app, &waiting, day, "08:00").await;
    assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
    assert_eq!(taken(&db, day, "08:00").await, 1);
    let response = book(&app, &late_comer, day, "08:00").await;
    assert_eq!(response.status(), 422);
    assert!(response.text().await.unwrap().contains("SlotFull"));
    for time in ["08:00", "08:15", "08:30", "08:45"] {
        assert_eq!(taken(&db, day, time).await, booked_in(&db, day, time).await, "{time}");
    }
}

#[tokio::test]
async fn a_refused_step_frees_nothing() {
    let app = spawn_app().await;
    let db = db_of(&app).await;
    let day = weekday_ahead(40);
    let (_, id) = stored_application(&db, "gagal.langkah").await;
    sqlx::query("UPDATE applications SET point_id = 'dinas' WHERE id = $1")
        .bind(&id)
        .execute(&db.pool)
        .await
        .unwrap();
    insert_booking(&db, "b-gagal", &id, day, "08:00", "08:15").await;
    sqlx::query("INSERT INTO slot_usage (point_id, day, starts, taken) VALUES ('dinas', $1, '08:00', 1)")
        .bind(day.to_string())
        .execute(&db.pool)
        .await
        .unwrap();
    let (staff_id, _) = staff_member(&db, "gagal", Role::Operator, Some("dinas")).await;
    let scope = server::db::process::Scope {
        staff_id,
        role: Role::Operator,
        point: Some("dinas".into()),
    };
    let now = server::auth::now();
    server::db::process::claim(&db, &scope, &id, now).await.unwrap();
    // A rejection without the reason the applicant must read is refused: the appointment and its place stay.
    let input = app::domain::process::StepInput::default();
    let result =
        server::db::process::take_step(&db, &scope, &id, app::domain::process::Step::Reject, &input, now).await;
    assert!(result.is_err(), "{result:?}");
    assert_eq!(booking_state(&db, "b-gagal").await.0, "booked");
    assert_eq!(taken(&db, day, "08:00").await, 1);
    assert!(messages(&db, &id, "booking_cancelled").await.is_empty());
}

#[tokio::test]
async fn a_burst_of_rejections_cancellations_and_bookings_keeps_the_slot_count_exact() {
    let app = spawn_app().await;
    let db = db_of(&app).await;
    set_dinas_counters(&db, 1).await;
    let day = bookable_day(&db).await;
    let target = applicant(&app, &db, "serbu.sasaran").await;
    let response = book(&app, &target, day, "08:00").await;
    assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
    let (booking,): (String,) = sqlx::query_as("SELECT id FROM bookings WHERE application_id = $1")
        .bind(&target.id)
        .fetch_one(&db.pool)
        .await
        .unwrap();
    let mut others = Vec::new();
    for n in 0..5 {
        others.push(applicant(&app, &db, &format!("serbu.{n}")).await);
    }
    let secret = staff_member(&db, "serbu.operator", Role::Operator, Some("dinas"))
        .await
        .1;
    let operator = staff_sign_in(&app, "serbu.operator", &secret).await;
    let detail = format!("/petugas/permohonan/{}", target.id);
    staff_post(&app, &operator, &format!("{detail}/klaim"), &[("action", "claim")]).await;

    // All at once: ten rejections by the operator, three cancellations by the applicant, and five others booking
    // the full slot.
    type Request<'a> = std::pin::Pin<Box<dyn std::future::Future<Output = (&'static str, reqwest::Response)> + 'a>>;
    let mut requests: Vec<Request> = Vec::new();
    for _ in 0..10 {
        let (app, operator, path) = (&app, operator.clone(), format!("{detail}/langkah"));
        requests.push(Box::pin(async move {
            let form = [("step", "reject"), ("note", "Bukan penduduk Kabupaten Bengkalis")];
            ("reject", post(app, &path, &form, &[&operator], HTML).await)
        }));
    }
    for _ in 0..3 {
        let (app, target, booking) = (&app, &target, booking.clone());
        requests.push(Box::pin(async move {
            let form = [("application", target.id.as_str()), ("booking", booking.as_str())];
            (
                "cancel",
                post(app, "/api/jadwal/batal", &form, &[&target.session], JSON).await,
            )
        }));
    }
    for other in &others {
        let app = &app;
        requests.push(Box::pin(async move { ("book", book(app, other, day, "08:00").await) }));
    }
    let (mut rejected, mut cancelled, mut booked) = (0, 0, 0);
    for (what, response) in futures_util::future::join_all(requests).await {
        let status = response.status();
        assert!(!status.is_server_error(), "{what}: {status}");
        let location = response
            .headers()
            .get("location")
            .and_then(|l| l.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        match what {
            "reject" => rejected += i32::from(location.ends_with("?ok=reject")),
            "cancel" => cancelled += i32::from(status == 200),
            _ => booked += i32::from(status == 200),
        }
    }
    assert_eq!(rejected, 1, "one rejection is taken");
    assert!(cancelled <= 1, "{cancelled}");
    assert!(booked <= 1, "{booked}");
    let (events,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM application_events WHERE application_id = $1 AND step = 'reject'")
            .bind(&target.id)
            .fetch_one(&db.pool)
            .await
            .unwrap();
    assert_eq!(events, 1);
    // The place was given back once, by whichever came first, and announced once.
    assert_eq!(messages(&db, &target.id, "booking_cancelled").await.len(), 1);
    assert_eq!(taken(&db, day, "08:00").await, booked_in(&db, day, "08:00").await);
    assert_eq!(taken(&db, day, "08:00").await, i64::from(booked));
    if booked == 0 {
        // Every booking came before the place was free: it is free now.
        let response = book(&app, &others[0], day, "08:00").await;
        assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
    }
    assert_eq!(taken(&db, day, "08:00").await, 1);
    assert_eq!(booked_in(&db, day, "08:00").await, 1);
    let (negative,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM slot_usage WHERE taken < 0")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(negative, 0);
}

#[tokio::test]
async fn migration_0014_gives_back_their_attendance_to_those_the_old_sweep_marked_missed() {
    let dir = tempfile::tempdir().unwrap();
    let (url, pool) = database_before_migration(dir.path(), 14).await;
    sqlx::query(
        "INSERT INTO service_points (id, name, address, serves_foreigners, slot_minutes, counters, active, position) \
         VALUES ('dinas', 'Dinas', 'Bengkalis', 1, 15, 4, 1, 0)",
    )
    .execute(&pool)
    .await
    .unwrap();
    sqlx::query("INSERT INTO accounts (id, identifier, created_at) VALUES ('acc-lama', 'lama@example.com', 0)")
        .execute(&pool)
        .await
        .unwrap();
    // Before 0014: one who came late and was marked missed when the slot ended, one who did not come, one who
    // came and was recorded, one still to come.
    let rows = [
        ("came-late", "missed", Some(1_000)),
        ("absent", "missed", None),
        ("recorded", "attended", Some(2_000)),
        ("coming", "booked", None),
    ];
    for (n, (id, status, arrived)) in rows.into_iter().enumerate() {
        sqlx::query(
            "INSERT INTO applications (id, account_id, kind, status, answers, reference, created_at, updated_at, \
             submitted_at) VALUES ($1, 'acc-lama', 'wni', 'submitted', '{}', $2, 0, 0, 0)",
        )
        .bind(id)
        .bind(format!("BKS-991302-{n:06}"))
        .execute(&pool)
        .await
        .unwrap();
        sqlx::query(
            "INSERT INTO bookings (id, application_id, point_id, day, starts, ends, status, created_at, updated_at, \
             arrived_at) VALUES ($1, $1, 'dinas', '2026-11-02', '08:00', '08:15', $2, 0, 0, $3)",
        )
        .bind(id)
        .bind(status)
        .bind(arrived)
        .execute(&pool)
        .await
        .unwrap();
    }
    pool.close().await;
    let db = Db::connect(&url).await.expect("the later migrations run");
    for (id, status, arrived) in [
        ("came-late", "attended", Some(1_000)),
        ("absent", "missed", None),
        ("recorded", "attended", Some(2_000)),
        ("coming", "booked", None),
    ] {
        assert_eq!(booking_state(&db, id).await, (status.to_owned(), arrived), "{id}");
    }
}
