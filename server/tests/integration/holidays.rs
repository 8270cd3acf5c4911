//! The holiday calendar (issue 13, items 9 and 11): admins import a CSV file of holidays in the console and with
//! `server import-holidays`, all of the file or none of it; importing again changes nothing; a booking on an
//! imported day is cancelled with a message and the day is no longer offered; the dashboard and the calendar page
//! warn when no national holiday is known beyond the next 90 days; a newer bundled calendar adds its days on the
//! next start, also when two nodes start at once; and a date that does not exist never reaches a server error.

use crate::applications::{submitted_citizen, JSON};
use crate::helpers::*;
use crate::staff::{staff_member, staff_sign_in};
use app::domain::{booking::bookable_days, office::office_date, process::Role, Date};
use server::db::{bookings, Db};

const IMPORT: &str = "/petugas/kalender/impor";
const CALENDAR: &str = "/petugas/kalender";

/// Next years' days: two the bundled calendar has already (same name), three it does not.
const NEXT_YEARS: &str = "date,kind,name\n\
    2027-12-24,cuti_bersama,Cuti Bersama Hari Raya Natal\n\
    2027-12-25,libur_nasional,Hari Raya Natal\n\
    2028-01-01,libur_nasional,Tahun Baru Masehi\n\
    2028-01-27,libur_nasional,Tahun Baru Imlek\n\
    2028-05-01,libur_nasional,Hari Buruh Internasional\n";
const NEW_DAYS: [&str; 3] = ["2028-01-01", "2028-01-27", "2028-05-01"];

async fn holiday_name(db: &Db, day: &str) -> Option<String> {
    sqlx::query_as::<_, (String,)>("SELECT name FROM holidays WHERE day = $1")
        .bind(day)
        .fetch_optional(&db.pool)
        .await
        .unwrap()
        .map(|(n,)| n)
}

/// The payloads of the messages of `topic` queued for application `id` (one per recipient).
async fn messages_of(db: &Db, id: &str, topic: &str) -> Vec<String> {
    let rows: Vec<(String,)> = sqlx::query_as("SELECT payload FROM outbox WHERE application_id = $1 AND topic = $2")
        .bind(id)
        .bind(topic)
        .fetch_all(&db.pool)
        .await
        .unwrap();
    rows.into_iter().map(|(p,)| p).collect()
}

fn today() -> Date {
    office_date(server::auth::now())
}

fn location(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

/// An admin signed in to the console: their session cookie.
async fn admin(app: &TestApp, db: &Db, username: &str) -> String {
    let (_, secret) = staff_member(db, username, Role::Admin, None).await;
    staff_sign_in(app, username, &secret).await
}

/// The import form sent as the browser sends it: `file` as the chosen file, `pasted` in the text area.
async fn send_import(app: &TestApp, cookies: &[&str], file: &[u8], pasted: &str) -> reqwest::Response {
    let part = reqwest::multipart::Part::bytes(file.to_vec())
        .file_name("libur.csv")
        .mime_str("text/csv")
        .unwrap();
    let form = reqwest::multipart::Form::new()
        .part("berkas", part)
        .text("isi", pasted.to_owned());
    app.client
        .post(app.url(IMPORT))
        .header("accept", HTML)
        .header("cookie", cookies.join("; "))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

async fn import(app: &TestApp, session: &str, csv: &str) -> reqwest::Response {
    send_import(app, &[session], csv.as_bytes(), "").await
}

async fn page(app: &TestApp, path: &str, cookies: &[&str]) -> String {
    let response = get_with(app, path, cookies).await;
    assert_eq!(response.status(), 200, "{path}");
    response.text().await.unwrap()
}

/// The (added, updated, unchanged, cancelled) of an import's redirect.
fn report(location: &str) -> (usize, usize, usize, usize) {
    let value = |key: &str| -> usize {
        location
            .split(['?', '&'])
            .find_map(|p| p.strip_prefix(&format!("{key}=")))
            .unwrap_or_else(|| panic!("{key} in {location}"))
            .parse()
            .unwrap()
    };
    (value("tambah"), value("ubah"), value("sama"), value("batal"))
}

#[tokio::test]
async fn an_admin_imports_next_years_holidays_and_importing_again_changes_nothing() {
    let app = spawn_app().await;
    let db = db_of(&app).await;
    let session = admin(&app, &db, "admin").await;
    let bundled = count_all(&db, "SELECT COUNT(*) FROM holidays").await;

    // The page offers the import, with the format.
    let html = page(&app, CALENDAR, &[&session]).await;
    assert!(html.contains("Impor hari libur dari berkas CSV") && html.contains("enctype=\"multipart/form-data\""));

    let response = import(&app, &session, NEXT_YEARS).await;
    assert_eq!(response.status(), 303);
    assert_eq!(report(&location(&response)), (3, 0, 2, 0));
    let html = page(&app, &location(&response), &[&session]).await;
    assert!(
        html.contains("Impor selesai: 3 hari ditambahkan, 0 diperbarui, 2 sudah ada. Jadwal yang dibatalkan: 0."),
        "the page says what the import did"
    );
    assert!(html.contains("Hari Buruh Internasional"), "the new days are listed");
    assert_eq!(count_all(&db, "SELECT COUNT(*) FROM holidays").await, bundled + 3);
    assert_eq!(
        holiday_name(&db, "2028-01-27").await.as_deref(),
        Some("Tahun Baru Imlek")
    );

    // The same file again adds nothing and changes nothing.
    let response = import(&app, &session, NEXT_YEARS).await;
    assert_eq!(report(&location(&response)), (0, 0, 5, 0));
    assert_eq!(count_all(&db, "SELECT COUNT(*) FROM holidays").await, bundled + 3);

    // A corrected name updates its day; pasted into the text area, without a file, in English.
    let corrected = NEXT_YEARS.replace("Tahun Baru Imlek", "Tahun Baru Imlek 2579 Kongzili");
    let response = send_import(&app, &[&session, "lang=en"], b"", &corrected).await;
    assert_eq!(report(&location(&response)), (0, 1, 4, 0));
    let html = page(&app, &location(&response), &[&session, "lang=en"]).await;
    assert!(html.contains("Import done: 0 day(s) added, 1 updated, 4 already there."));
    assert_eq!(
        holiday_name(&db, "2028-01-27").await.as_deref(),
        Some("Tahun Baru Imlek 2579 Kongzili")
    );
    assert_eq!(count_all(&db, "SELECT COUNT(*) FROM holidays").await, bundled + 3);
    app.stop().await;
}

#[tokio::test]
async fn a_bad_holiday_file_names_its_line_and_imports_nothing() {
    let app = spawn_app().await;
    let db = db_of(&app).await;
    let session = admin(&app, &db, "admin").await;
    let before = count_all(&db, "SELECT COUNT(*) FROM holidays").await;

    // Two good lines, then a day that does not exist: none of the three is imported.
    let bad = "date,kind,name\n2028-01-01,libur_nasional,Tahun Baru Masehi\n2028-01-27,libur_nasional,Imlek\n\
               2028-02-30,cuti_bersama,Cuti Bersama\n";
    let response = import(&app, &session, bad).await;
    assert_eq!(response.status(), 422);
    let html = response.text().await.unwrap();
    assert!(
        html.contains("Baris 4: «2028-02-30» bukan tanggal yang ada; tulis TTTT-BB-HH.")
            && html.contains("Tidak ada yang diimpor dari berkas ini"),
        "the line and what is wrong with it"
    );
    assert_eq!(count_all(&db, "SELECT COUNT(*) FROM holidays").await, before);
    assert_eq!(holiday_name(&db, "2028-01-01").await, None);

    // In English; a pasted text that is refused stays in the text area to be corrected.
    let pasted = "2028-01-01,libur_nasional,Tahun Baru Masehi\n2028-01-27,libur,Imlek\n";
    let response = send_import(&app, &[&session, "lang=en"], b"", pasted).await;
    assert_eq!(response.status(), 422);
    let html = response.text().await.unwrap();
    assert!(html.contains("Line 2: “libur” is not a kind of holiday"), "{html}");
    assert!(html.contains("Nothing from this file was imported"));
    assert!(html.contains("2028-01-27,libur,Imlek"), "the pasted text is kept");

    // Other mistakes, each named with its line.
    for (csv, says) in [
        (
            "date,kind,name\n2028-13-01,lokal,X\n",
            "Baris 2: «2028-13-01» bukan tanggal",
        ),
        (
            "2028-01-01,lokal,A\n2028-01-01,lokal,B\n",
            "Baris 2: tanggal yang sama sudah ada di baris 1.",
        ),
        ("2028-01-01,lokal\n", "Baris 1: ada 2 kolom, seharusnya 3"),
        ("2028-01-01,lokal,\n", "Baris 1: nama hari libur kosong."),
        ("\n\n", "Tidak ada hari libur di dalamnya"),
    ] {
        let response = import(&app, &session, csv).await;
        assert_eq!(response.status(), 422, "{csv:?}");
        let html = response.text().await.unwrap();
        assert!(html.contains(says), "{csv:?} says {says:?}");
    }
    let response = send_import(&app, &[&session], &[0xff, 0xfe, 0x00, 0x41], "").await;
    assert_eq!(response.status(), 422);
    assert!(response.text().await.unwrap().contains("bukan teks UTF-8"));

    // Over 64 KiB: refused whole, whatever it holds.
    let mut big = String::from("date,kind,name\n2028-01-01,libur_nasional,Tahun Baru Masehi\n");
    while big.len() <= 64 * 1024 {
        big.push_str("# padding padding padding padding padding padding padding padding\n");
    }
    let response = import(&app, &session, &big).await;
    assert_eq!(response.status(), 413);
    assert!(response
        .text()
        .await
        .unwrap()
        .contains("Berkas lebih besar dari 64 KiB."));

    // A body that is not a multipart form at all is a 4xx too.
    let response = post(&app, IMPORT, &[("isi", "2028-01-01,lokal,X")], &[&session], HTML).await;
    assert!(response.status().is_client_error(), "{}", response.status());

    assert_eq!(count_all(&db, "SELECT COUNT(*) FROM holidays").await, before);
    assert_eq!(holiday_name(&db, "2028-01-01").await, None);
    app.stop().await;
}

#[tokio::test]
async fn only_an_admin_imports_holidays_and_only_from_the_consoles_own_pages() {
    let app = spawn_app().await;
    let db = db_of(&app).await;
    let before = count_all(&db, "SELECT COUNT(*) FROM holidays").await;
    let (_, secret) = staff_member(&db, "operator", Role::Operator, Some("dinas")).await;
    let operator = staff_sign_in(&app, "operator", &secret).await;
    let (_, secret) = staff_member(&db, "kepala", Role::Supervisor, None).await;
    let supervisor = staff_sign_in(&app, "kepala", &secret).await;

    for session in [&operator, &supervisor] {
        assert_eq!(import(&app, session, NEXT_YEARS).await.status(), 404);
    }
    let response = send_import(&app, &[], NEXT_YEARS.as_bytes(), "").await;
    assert_eq!(location(&response), "/petugas/masuk", "signed out: to the sign-in page");

    // An admin's session, sent by another site's page: refused before anything is read.
    let session = admin(&app, &db, "admin").await;
    let elsewhere = portal_client("https://elsewhere.example");
    let part = reqwest::multipart::Part::bytes(NEXT_YEARS.as_bytes().to_vec()).file_name("libur.csv");
    let response = elsewhere
        .post(app.url(IMPORT))
        .header("cookie", &session)
        .multipart(reqwest::multipart::Form::new().part("berkas", part))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);

    assert_eq!(count_all(&db, "SELECT COUNT(*) FROM holidays").await, before);
    for day in NEW_DAYS {
        assert_eq!(holiday_name(&db, day).await, None, "{day}");
    }
    app.stop().await;
}

#[tokio::test]
async fn two_admins_importing_the_same_file_at_once_leave_one_row_per_day() {
    let app = spawn_app().await;
    let db = db_of(&app).await;
    let before = count_all(&db, "SELECT COUNT(*) FROM holidays").await;
    let sessions = [admin(&app, &db, "admin1").await, admin(&app, &db, "admin2").await];

    let app = std::sync::Arc::new(app);
    let burst: Vec<_> = (0..10)
        .map(|i| {
            let (app, session) = (app.clone(), sessions[i % 2].clone());
            tokio::spawn(async move {
                let response = import(&app, &session, NEXT_YEARS).await;
                (response.status(), location(&response))
            })
        })
        .collect();
    let mut added = 0;
    for done in futures_util::future::join_all(burst).await {
        let (status, location) = done.unwrap();
        assert_eq!(status, 303, "every import succeeds");
        let (a, u, _, c) = report(&location);
        assert_eq!((u, c), (0, 0));
        added += a;
    }
    assert_eq!(added, NEW_DAYS.len(), "each new day is reported added once");
    assert_eq!(count_all(&db, "SELECT COUNT(*) FROM holidays").await, before + 3);
    for day in NEW_DAYS {
        let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM holidays WHERE day = $1")
            .bind(day)
            .fetch_one(&db.pool)
            .await
            .unwrap();
        assert_eq!(n, 1, "{day}");
    }
    std::sync::Arc::into_inner(app).unwrap().stop().await;
}

#[tokio::test]
async fn a_booking_on_an_imported_holiday_is_cancelled_with_a_message_and_the_day_is_no_longer_offered() {
    let app = spawn_app().await;
    let db = db_of(&app).await;
    let (citizen, id) = submitted_citizen(&app, "libur.impor@example.com").await;
    let booking_page = format!("/permohonan/{id}/jadwal");

    // Booked on the third bookable day at the Dinas.
    let day = {
        let mut conn = db.pool.acquire().await.unwrap();
        let calendar = bookings::calendar(&mut conn, Some("dinas"), today(), today().add_days(31))
            .await
            .unwrap();
        bookable_days(&calendar, today())[2]
    };
    let day_text = day.to_string();
    let fields = [
        ("application", id.as_str()),
        ("point", "dinas"),
        ("day", day_text.as_str()),
        ("time", "08:00"),
        ("replaces", ""),
    ];
    let response = post(&app, "/api/jadwal/pesan", &fields, &[&citizen], HTML).await;
    assert!(response.status().is_redirection());
    let offered = format!("tanggal={day}#waktu");
    let html = page(&app, &format!("{booking_page}?lokasi=dinas"), &[&citizen]).await;
    assert!(html.contains(&offered), "the day is offered before the import");

    let session = admin(&app, &db, "admin").await;
    let csv = format!("date,kind,name\n{day},cuti_bersama,Cuti Bersama Hari Jadi Bengkalis\n");
    let response = import(&app, &session, &csv).await;
    assert_eq!(report(&location(&response)), (1, 0, 0, 1), "one appointment cancelled");
    let html = page(&app, &location(&response), &[&session]).await;
    assert!(html.contains("Jadwal yang dibatalkan: 1."));

    let (status,): (String,) = sqlx::query_as("SELECT status FROM bookings WHERE application_id = $1")
        .bind(&id)
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(status, "cancelled");
    let messages = messages_of(&db, &id, "booking_cancelled").await;
    assert_eq!(
        messages.len(),
        messages_of(&db, &id, "booking_confirmed").await.len(),
        "the applicant is told once, where the booking's confirmation went"
    );
    assert!(
        messages.iter().all(|m| m.contains("Cuti Bersama Hari Jadi Bengkalis")),
        "{messages:?}"
    );

    // At once, the applicant's page says why, and the day is no longer offered.
    let html = page(&app, &booking_page, &[&citizen]).await;
    assert!(html.contains("Cuti Bersama Hari Jadi Bengkalis"), "the reason is shown");
    let html = page(&app, &format!("{booking_page}?lokasi=dinas"), &[&citizen]).await;
    assert!(!html.contains(&offered), "the imported day is not offered any more");

    // Importing it again cancels nothing more.
    let response = import(&app, &session, &csv).await;
    assert_eq!(report(&location(&response)), (0, 0, 1, 0));
    app.stop().await;
}

#[tokio::test]
async fn the_office_is_warned_when_no_holiday_is_known_beyond_ninety_days() {
    let app = spawn_app().await;
    let db = db_of(&app).await;
    let session = admin(&app, &db, "admin").await;
    let (_, secret) = staff_member(&db, "kepala", Role::Supervisor, None).await;
    let supervisor = staff_sign_in(&app, "kepala", &secret).await;
    let warning = "Kalender tidak memiliki hari libur setelah";

    // The calendar as an office would have it some months before its last holiday.
    sqlx::query("DELETE FROM holidays WHERE day > $1")
        .bind(today().add_days(60).to_string())
        .execute(&db.pool)
        .await
        .unwrap();
    let (last,): (Option<String>,) = sqlx::query_as("SELECT MAX(day) FROM holidays")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    let expected = match &last {
        Some(last) => format!("{warning} {last}: impor kalender tahun depan."),
        None => "Kalender tidak memiliki hari libur nasional".to_owned(),
    };
    let dashboard = page(&app, "/petugas/dasbor", &[&supervisor]).await;
    assert!(dashboard.contains(&expected), "the dashboard warns: {expected}");
    assert!(dashboard.contains("Admin mengimpornya di halaman Kalender"));
    let english = page(&app, "/petugas/dasbor", &[&supervisor, "lang=en"]).await;
    assert!(english.contains("The calendar has no holidays after") || english.contains("no national holidays"));
    assert!(english.contains("import next year's calendar"));
    let calendar = page(&app, CALENDAR, &[&session]).await;
    assert!(calendar.contains(&expected), "the calendar page warns");
    assert!(calendar.contains("href=\"#impor\""), "and leads to the import");

    // A local holiday far ahead does not mean the national calendar is in.
    let far = today().add_days(200);
    let response = import(&app, &session, &format!("{far},lokal,Hari Jadi Kabupaten\n")).await;
    assert_eq!(report(&location(&response)), (1, 0, 0, 0));
    assert!(page(&app, "/petugas/dasbor", &[&supervisor]).await.contains(&expected));

    // Next year's national holidays: the warning is gone from both pages.
    let csv = format!(
        "date,kind,name\n{},libur_nasional,Tahun Baru Masehi\n{},cuti_bersama,Cuti Bersama\n",
        today().add_days(95),
        today().add_days(300)
    );
    let response = import(&app, &session, &csv).await;
    assert_eq!(response.status(), 303);
    assert!(!page(&app, "/petugas/dasbor", &[&supervisor]).await.contains(warning));
    assert!(!page(&app, "/petugas/dasbor", &[&supervisor, "lang=en"])
        .await
        .contains("The calendar has no holidays after"));
    assert!(!page(&app, CALENDAR, &[&session]).await.contains(warning));
    app.stop().await;
}

/// `server import-holidays FILE` as its own process, on the database at `database_url`.
fn import_command(dir: &std::path::Path, database_url: &str, file: &std::path::Path) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_server"))
        .arg("import-holidays")
        .arg(file)
        .env("DATABASE_URL", database_url)
        .env("DATA_DIR", dir.join("data"))
        .env("RUST_LOG", "warn")
        .output()
        .expect("the server binary")
}

#[tokio::test]
async fn the_server_command_imports_a_holiday_file_into_a_fresh_database() {
    let dir = tempfile::tempdir().unwrap();
    let database_url = match fresh_external_database(dir.path()).await {
        Some(url) => url,
        None => format!("sqlite://{}?mode=rwc", dir.path().join("portal.db").display()),
    };
    let bad = dir.path().join("bad.csv");
    std::fs::write(
        &bad,
        "date,kind,name\n2028-01-01,libur_nasional,A\n2028-02-30,lokal,B\n",
    )
    .unwrap();
    let out = import_command(dir.path(), &database_url, &bad);
    assert!(!out.status.success());
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains("line 3: \"2028-02-30\" is not a date (YYYY-MM-DD); nothing was imported"),
        "{said}"
    );

    let file = dir.path().join("libur-2028.csv");
    std::fs::write(&file, NEXT_YEARS).unwrap();
    let out = import_command(dir.path(), &database_url, &file);
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{said}{}", String::from_utf8_lossy(&out.stderr));
    assert!(
        said.contains("3 day(s) added, 0 updated, 2 already there; 0 appointment(s) cancelled"),
        "{said}"
    );
    let out = import_command(dir.path(), &database_url, &file);
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains("0 day(s) added, 0 updated, 5 already there"), "{said}");

    let db = Db::connect(&database_url).await.unwrap();
    assert_eq!(count_all(&db, "SELECT COUNT(*) FROM holidays").await, 79 + 3);
    assert_eq!(
        holiday_name(&db, "2028-05-01").await.as_deref(),
        Some("Hari Buruh Internasional")
    );
    assert_eq!(holiday_name(&db, "2028-02-30").await, None);
}

#[tokio::test]
async fn a_newer_bundled_calendar_adds_its_days_on_the_next_start_even_on_two_nodes_at_once() {
    let app = spawn_app().await;
    let db = db_of(&app).await;
    let bundled = count_all(&db, "SELECT COUNT(*) FROM holidays").await;

    // A booked appointment, on a day the bundled calendar has and this database does not yet (as if it had been
    // started with an older release).
    let (citizen, id) = submitted_citizen(&app, "libur.baru@example.com").await;
    let day = {
        let mut conn = db.pool.acquire().await.unwrap();
        let calendar = bookings::calendar(&mut conn, Some("dinas"), today(), today().add_days(31))
            .await
            .unwrap();
        bookable_days(&calendar, today())[2]
    };
    let day_text = day.to_string();
    let fields = [
        ("application", id.as_str()),
        ("point", "dinas"),
        ("day", day_text.as_str()),
        ("time", "08:00"),
        ("replaces", ""),
    ];
    let response = post(&app, "/api/jadwal/pesan", &fields, &[&citizen], HTML).await;
    assert!(response.status().is_redirection());
    sqlx::query("DELETE FROM holidays WHERE day >= '2027-01-01'")
        .execute(&db.pool)
        .await
        .unwrap();
    sqlx::query("UPDATE bookings SET day = '2027-12-24' WHERE application_id = $1")
        .bind(&id)
        .execute(&db.pool)
        .await
        .unwrap();
    // Staff renamed a day the bundled file has: their name stays.
    sqlx::query("UPDATE holidays SET name = 'Natal (diubah petugas)' WHERE day = '2025-12-25'")
        .execute(&db.pool)
        .await
        .unwrap();
    assert!(count_all(&db, "SELECT COUNT(*) FROM holidays").await < bundled);

    // Two more nodes of the newer release start at once (a rolling update: the first is still running).
    let (a, b) = tokio::join!(Db::connect(&app.database_url), Db::connect(&app.database_url));
    let (a, _b) = (a.expect("node A starts"), b.expect("node B starts"));
    assert_eq!(count_all(&a, "SELECT COUNT(*) FROM holidays").await, bundled);
    assert_eq!(
        count_all(
            &a,
            "SELECT COUNT(*) FROM (SELECT day FROM holidays GROUP BY day HAVING COUNT(*) > 1) AS t"
        )
        .await,
        0
    );
    assert_eq!(
        holiday_name(&a, "2025-12-25").await.as_deref(),
        Some("Natal (diubah petugas)")
    );
    assert_eq!(
        holiday_name(&a, "2027-12-24").await.as_deref(),
        Some("Cuti Bersama Hari Raya Natal")
    );
    // The booking on the day that came back is cancelled once, with its message.
    let (status,): (String,) = sqlx::query_as("SELECT status FROM bookings WHERE application_id = $1")
        .bind(&id)
        .fetch_one(&a.pool)
        .await
        .unwrap();
    assert_eq!(status, "cancelled");
    let messages = messages_of(&a, &id, "booking_cancelled").await;
    assert!(!messages.is_empty());
    assert_eq!(messages.len(), messages_of(&a, &id, "booking_confirmed").await.len());
    assert!(
        messages.iter().all(|m| m.contains("Cuti Bersama Hari Raya Natal")),
        "{messages:?}"
    );
}

#[tokio::test]
async fn a_date_that_does_not_exist_sent_to_a_server_function_is_refused_without_a_server_error() {
    let app = spawn_app().await;
    let (citizen, id) = submitted_citizen(&app, "tanggal.salah@example.com").await;
    let db = db_of(&app).await;

    for bad in [
        "2026-02-30",
        "2027-02-29",
        "2026-13-01",
        "2026-00-10",
        "0000-01-01",
        "9999-12-31",
        "-001-01-01",
        "+99999-01-01",
        "99999999999999999999",
        "",
    ] {
        let fields = [
            ("application", id.as_str()),
            ("point", "dinas"),
            ("day", bad),
            ("time", "08:00"),
            ("replaces", ""),
        ];
        // With JavaScript: the day is refused as a wrong value (422), never a 5xx.
        let response = post(&app, "/api/jadwal/pesan", &fields, &[&citizen], JSON).await;
        assert_eq!(response.status(), 422, "{bad:?}");
        // Without: back to the form.
        let response = post(&app, "/api/jadwal/pesan", &fields, &[&citizen], HTML).await;
        assert!(response.status().is_redirection(), "{bad:?}: {}", response.status());
        // The booking page's choices, with the day in the query.
        let response = app
            .client
            .get(app.url(&format!("/api/jadwal/pilihan?application={id}&point=dinas&day={bad}")))
            .header("cookie", &citizen)
            .header("accept", JSON)
            .send()
            .await
            .unwrap();
        assert!(!response.status().is_server_error(), "{bad:?}: {}", response.status());
    }
    // A date sent as the fields of a `Date` (`day[year]=…`) where text is expected: unreadable, 400.
    let response = app
        .client
        .get(app.url(&format!(
            "/api/jadwal/pilihan?application={id}&point=dinas&day[year]=2026&day[month]=2&day[day]=30"
        )))
        .header("cookie", &citizen)
        .header("accept", JSON)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    assert_eq!(
        count_all(&db, "SELECT COUNT(*) FROM bookings").await,
        0,
        "nothing was booked"
    );
    app.stop().await;
}
