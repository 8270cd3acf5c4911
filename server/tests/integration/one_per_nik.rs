//! One application in progress per NIK, from any account (a burst of saves and submissions lets exactly one
//! through; the refusal says what to do and nothing about the other application); staff see the other
//! applications with the same NIK within their scope; a resubmission keeps its booked point unless the applicant
//! moved to a district the point does not serve (then the appointment is cancelled and its place freed); and a
//! foreign resident's card validity on the tracking page, the printed form and the console.

use crate::applications::{fill_citizen, save, start, submitted_citizen, upload, JSON};
use crate::helpers::*;
use crate::staff::{staff_member, staff_sign_in};
use app::{
    components::form::long_date,
    domain::{
        booking::bookable_days,
        office::office_date,
        process::{Role, Step, StepInput},
        Date,
    },
    i18n::Locale,
};
use server::{
    auth::now,
    db::{bookings, process, Db},
    documents::fixtures,
};

/// The NIK `submitted_citizen` and `fill_citizen` state: a woman born on 5 August 2006.
const NIK: &str = "1403094508060002";

/// Another NIK of a woman born on the same day (only the serial differs), so the rest of the form still fits.
fn sibling_nik(serial: u32) -> String {
    format!("140309450806{serial:04}")
}

fn identity(nik: &str) -> [(&str, &str); 3] {
    [
        ("nik", nik),
        ("no_kk", "1403091201150003"),
        ("full_name", "Dewi Lestari"),
    ]
}

async fn one<T>(db: &Db, sql: &str, id: &str) -> T
where
    T: Send + Unpin + for<'r> sqlx::Decode<'r, sqlx::Any> + sqlx::Type<sqlx::Any>,
{
    let (value,): (T,) = sqlx::query_as(sql).bind(id).fetch_one(&db.pool).await.unwrap();
    value
}

async fn supervisor(db: &Db, name: &str) -> process::Scope {
    let (staff_id, _) = staff_member(db, name, Role::Supervisor, None).await;
    process::Scope {
        staff_id,
        role: Role::Supervisor,
        point: None,
    }
}

/// Claims `id` and takes `step` with a reason, as a supervisor in the console.
async fn take(db: &Db, scope: &process::Scope, id: &str, step: Step) {
    process::claim(db, scope, id, now()).await.unwrap();
    let input = StepInput {
        note: Some("Foto KK tidak terbaca".into()),
        ..StepInput::default()
    };
    process::take_step(db, scope, id, step, &input, now()).await.unwrap();
}

async fn submit(app: &TestApp, session: &str, id: &str, accept: &str) -> reqwest::Response {
    post(app, "/api/permohonan/kirim", &[("application", id)], &[session], accept).await
}

/// Applications in progress (neither rejected nor issued) that state `nik`.
async fn in_progress(db: &Db, nik: &str) -> i64 {
    one(
        db,
        "SELECT COUNT(*) FROM applications WHERE nik = $1 AND status NOT IN ('rejected', 'issued')",
        nik,
    )
    .await
}

#[tokio::test]
async fn a_second_account_is_refused_the_nik_and_learns_nothing_of_the_first_application() {
    let app = spawn_app().await;
    let db = db_of(&app).await;
    // The first account's draft states the NIK as soon as its identity section is saved.
    let (first, first_id) = start(&app, "pertama@example.com", "wni").await;
    fill_citizen(&app, &first, &first_id).await;
    let stored: Option<String> = one(&db, "SELECT nik FROM applications WHERE id = $1", &first_id).await;
    assert_eq!(
        stored.as_deref(),
        Some(NIK),
        "a draft's NIK is known from its identity section"
    );

    // With JavaScript: 422, on the NIK field, and nothing about the other application.
    let (second, second_id) = start(&app, "kedua@example.com", "wni").await;
    let response = save(&app, &second, &second_id, "identitas", &identity(NIK), JSON).await;
    assert_eq!(response.status(), 422);
    let body = response.text().await.unwrap();
    assert!(body.contains("\"nik\"") && body.contains("NikInProgress"), "{body}");
    for secret in [first_id.as_str(), "SITI", "Siti", "pertama", "draft", "Draft"] {
        assert!(!body.contains(secret), "{secret} leaks in {body}");
    }
    let stored: Option<String> = one(&db, "SELECT nik FROM applications WHERE id = $1", &second_id).await;
    assert_eq!(stored, None, "nothing of the refused save is written");

    // Without JavaScript: back to the form, the message on the NIK field in the reader's language, what was
    // typed kept except the NIK.
    for (lang, message) in [
        ("lang=id", Locale::Id.texts().problems.nik_in_progress),
        ("lang=en", Locale::En.texts().problems.nik_in_progress),
    ] {
        let response = post(
            &app,
            "/api/permohonan/simpan",
            &[
                ("application", second_id.as_str()),
                ("section", "identitas"),
                ("nik", NIK),
                ("no_kk", "1403091201150003"),
                ("full_name", "Dewi Lestari"),
            ],
            &[&second, lang],
            HTML,
        )
        .await;
        assert!(response.status().is_redirection(), "{}", response.status());
        assert_eq!(
            response.headers()["location"],
            format!("/permohonan/{second_id}/identitas")
        );
        let flash = set_cookie(&response, "flash").expect("the problem waits in the flash");
        let page = get_with(
            &app,
            &format!("/permohonan/{second_id}/identitas"),
            &[&second, &flash, lang],
        )
        .await;
        assert_eq!(page.status(), 200);
        let html = page.text().await.unwrap();
        assert!(html.contains(message), "{lang}: the message is shown");
        assert!(html.contains("id=\"nik-error\""), "{lang}: on the NIK field");
        assert!(
            html.contains("value=\"Dewi Lestari\""),
            "{lang}: the name typed is kept"
        );
        assert!(!html.contains(NIK), "{lang}: the NIK is not");
        assert!(!html.contains(&first_id) && !html.to_uppercase().contains("SITI AMINAH"));
    }
    assert!(Locale::Id.texts().problems.nik_in_progress.contains("Disdukcapil"));
    assert!(Locale::En.texts().problems.nik_in_progress.contains("continue it"));

    // The same account with a second draft is refused too; the first draft saving its own NIK again is not.
    let response = post(&app, "/api/permohonan/mulai", &[("kind", "wni")], &[&first], HTML).await;
    let other_draft = response.headers()["location"]
        .to_str()
        .unwrap()
        .trim_start_matches("/permohonan/")
        .trim_end_matches("/identitas")
        .to_owned();
    let response = save(&app, &first, &other_draft, "identitas", &identity(NIK), JSON).await;
    assert_eq!(response.status(), 422);
    let response = save(&app, &first, &first_id, "identitas", &identity(NIK), JSON).await;
    assert_eq!(response.status(), 200, "continuing one's own application");
    // Changing the NIK frees the old one: the second account may take it then.
    let response = save(&app, &first, &first_id, "identitas", &identity(&sibling_nik(7)), JSON).await;
    assert_eq!(response.status(), 200);
    let response = save(&app, &second, &second_id, "identitas", &identity(NIK), JSON).await;
    assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
    assert_eq!(in_progress(&db, NIK).await, 1);
    app.stop().await;
}

#[tokio::test]
async fn ten_accounts_saving_and_submitting_one_nik_at_once_give_exactly_one_application() {
    let app = spawn_app().await;
    let db = db_of(&app).await;
    // Ten complete drafts of ten accounts, each with a NIK of its own for now. Five are then as drafts saved
    // before the NIK was stored at saving: the NIK in their answers, not yet in the column.
    let mut drafts = Vec::new();
    for n in 0..10 {
        let own = sibling_nik(100 + n);
        let (session, id) = citizen_draft_with_nik(&app, &format!("serbu{n}@example.com"), &own).await;
        if n >= 5 {
            sqlx::query("UPDATE applications SET nik = NULL, answers = REPLACE(answers, $1, $2) WHERE id = $3")
                .bind(&own)
                .bind(NIK)
                .bind(&id)
                .execute(&db.pool)
                .await
                .unwrap();
        }
        drafts.push((session, id));
    }
    let tasks: Vec<_> = drafts
        .iter()
        .enumerate()
        .map(|(n, (session, id))| {
            let (client, base, session, id) = (app.client.clone(), app.base.clone(), session.clone(), id.clone());
            tokio::spawn(async move {
                let request = if n < 5 {
                    client.post(format!("{base}/api/permohonan/simpan")).form(&[
                        ("application", id.as_str()),
                        ("section", "identitas"),
                        ("nik", NIK),
                        ("no_kk", "1403091201150003"),
                        ("full_name", "Dewi Lestari"),
                    ])
                } else {
                    client
                        .post(format!("{base}/api/permohonan/kirim"))
                        .form(&[("application", id.as_str())])
                };
                let response = request
                    .header("accept", JSON)
                    .header("cookie", session)
                    .send()
                    .await
                    .unwrap();
                let status = response.status().as_u16();
                (id, status, response.text().await.unwrap())
            })
        })
        .collect();
    let mut passed = Vec::new();
    for task in futures_util::future::join_all(tasks).await {
        let (id, status, body) = task.unwrap();
        match status {
            200 => passed.push(id),
            422 => assert!(body.contains("NikInProgress"), "{body}"),
            other => panic!("{other}: {body}"),
        }
    }
    assert_eq!(passed.len(), 1, "exactly one of ten: {passed:?}");
    assert_eq!(in_progress(&db, NIK).await, 1);
    let holder: String = one(&db, "SELECT id FROM applications WHERE nik = $1", NIK).await;
    assert_eq!(holder, passed[0]);
    app.stop().await;
}

#[tokio::test]
async fn the_nik_is_free_again_once_its_application_is_rejected() {
    let app = spawn_app().await;
    let db = db_of(&app).await;
    let (_, first) = submitted_citizen(&app, "ditolak@example.com").await;
    let (session, second) = citizen_draft_with_nik(&app, "baru@example.com", &sibling_nik(30)).await;
    let response = save(&app, &session, &second, "identitas", &identity(NIK), JSON).await;
    assert_eq!(response.status(), 422, "the first one is in progress (submitted)");

    take(&db, &supervisor(&db, "penyelia").await, &first, Step::Reject).await;
    let response = save(&app, &session, &second, "identitas", &identity(NIK), JSON).await;
    assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
    let response = submit(&app, &session, &second, JSON).await;
    assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
    assert_eq!(in_progress(&db, NIK).await, 1);
    app.stop().await;
}

#[tokio::test]
async fn staff_see_the_other_applications_of_the_nik_and_link_only_within_their_scope() {
    let app = spawn_app().await;
    let db = db_of(&app).await;
    let sup = supervisor(&db, "kepala").await;
    // An earlier application, rejected; then the same person applies again from another account.
    let (_, earlier) = submitted_citizen(&app, "dulu@example.com").await;
    take(&db, &sup, &earlier, Step::Reject).await;
    let (_, again) = submitted_citizen(&app, "lagi@example.com").await;
    let reference: String = one(&db, "SELECT reference FROM applications WHERE id = $1", &earlier).await;

    let (_, own_secret) = staff_member(&db, "camat", Role::Operator, Some("14.03.01")).await;
    let (_, sup_secret) = staff_member(&db, "kepala2", Role::Supervisor, None).await;
    let own = staff_sign_in(&app, "camat", &own_secret).await;
    let boss = staff_sign_in(&app, "kepala2", &sup_secret).await;
    let page = format!("/petugas/permohonan/{again}");
    let link = format!("href=\"/petugas/permohonan/{earlier}\"");

    let html = get_with(&app, &page, &[&own]).await.text().await.unwrap();
    assert!(html.contains("Permohonan lain dengan NIK yang sama"));
    assert!(
        html.contains(&reference) && html.contains(&link),
        "in scope: listed with a link"
    );
    assert!(html.contains("1403********0002"), "masked");
    assert!(
        html.contains(Locale::Id.texts().application.statuses[3]),
        "its state: rejected"
    );
    let submitted: i64 = one(&db, "SELECT submitted_at FROM applications WHERE id = $1", &earlier).await;
    assert!(html.contains(&office_date(submitted).to_string()), "its date");

    // Handled at another point (it was booked at the Dinas): listed, but no link for this operator.
    sqlx::query("UPDATE applications SET point_id = 'dinas' WHERE id = $1")
        .bind(&earlier)
        .execute(&db.pool)
        .await
        .unwrap();
    let html = get_with(&app, &page, &[&own]).await.text().await.unwrap();
    assert!(
        html.contains(&reference) && !html.contains(&link),
        "outside the scope: no link"
    );
    assert!(html.contains("di luar tempat layanan Anda"));
    assert_eq!(
        get_with(&app, &format!("/petugas/permohonan/{earlier}"), &[&own])
            .await
            .status(),
        404
    );
    let html = get_with(&app, &page, &[&boss, "lang=en"]).await.text().await.unwrap();
    assert!(html.contains("Other applications with the same NIK") && html.contains(&link));
    // The earlier one's page lists the new one the other way round.
    let html = get_with(&app, &format!("/petugas/permohonan/{earlier}"), &[&boss])
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains(&format!("href=\"/petugas/permohonan/{again}\"")));
    app.stop().await;
}

/// Books the first time at 08:00 on the third bookable day at `point`, through the plain form; returns the day.
async fn book(app: &TestApp, db: &Db, session: &str, id: &str, point: &str) -> Date {
    let today = office_date(now());
    let calendar = {
        let mut conn = db.pool.acquire().await.unwrap();
        bookings::calendar(&mut conn, Some(point), today, today.add_days(31))
            .await
            .unwrap()
    };
    let day = bookable_days(&calendar, today)[2];
    let day_text = day.to_string();
    let fields = [
        ("application", id),
        ("point", point),
        ("day", day_text.as_str()),
        ("time", "08:00"),
        ("replaces", ""),
    ];
    let response = post(app, "/api/jadwal/pesan", &fields, &[session], HTML).await;
    assert!(response.status().is_redirection(), "{}", response.status());
    let active: i64 = one(
        db,
        "SELECT COUNT(*) FROM bookings WHERE application_id = $1 AND status = 'booked'",
        id,
    )
    .await;
    assert_eq!(active, 1, "booked");
    day
}

async fn taken(db: &Db, point: &str, day: Date) -> i64 {
    let row: Option<(i64,)> =
        sqlx::query_as("SELECT taken FROM slot_usage WHERE point_id = $1 AND day = $2 AND starts = '08:00'")
            .bind(point)
            .bind(day.to_string())
            .fetch_optional(&db.pool)
            .await
            .unwrap();
    row.map_or(0, |(n,)| n)
}

/// The `booking_cancelled` messages queued for `id` that give `because`.
async fn cancelled_because(db: &Db, id: &str) -> Vec<serde_json::Value> {
    let rows: Vec<(String,)> =
        sqlx::query_as("SELECT payload FROM outbox WHERE application_id = $1 AND topic = 'booking_cancelled'")
            .bind(id)
            .fetch_all(&db.pool)
            .await
            .unwrap();
    rows.into_iter()
        .map(|(p,)| serde_json::from_str::<serde_json::Value>(&p).unwrap())
        .filter(|p| p["because"] == "district_changed")
        .collect()
}

#[tokio::test]
async fn a_returned_application_resubmitted_keeps_its_booked_point_and_its_operator_sees_it() {
    let app = spawn_app().await;
    let db = db_of(&app).await;
    let (citizen, id) = submitted_citizen(&app, "tetap@example.com").await;
    let point: String = one(&db, "SELECT point_id FROM applications WHERE id = $1", &id).await;
    assert_eq!(point, "14.03.01", "first at the district's point");
    book(&app, &db, &citizen, &id, "dinas").await;

    take(&db, &supervisor(&db, "penyelia").await, &id, Step::Return).await;
    let response = save(&app, &citizen, &id, "kontak", &[("phone", "0813 1111 2222")], JSON).await;
    assert_eq!(response.status(), 200);
    let response = submit(&app, &citizen, &id, JSON).await;
    assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());

    let point: String = one(&db, "SELECT point_id FROM applications WHERE id = $1", &id).await;
    assert_eq!(point, "dinas", "the point of its booking, not the district's again");
    assert!(
        cancelled_because(&db, &id).await.is_empty(),
        "the district did not change"
    );
    let (_, dinas_secret) = staff_member(&db, "dinas", Role::Operator, Some("dinas")).await;
    let (_, camat_secret) = staff_member(&db, "camat", Role::Operator, Some("14.03.01")).await;
    let dinas = staff_sign_in(&app, "dinas", &dinas_secret).await;
    let camat = staff_sign_in(&app, "camat", &camat_secret).await;
    let detail = format!("/petugas/permohonan/{id}");
    assert_eq!(
        get_with(&app, &detail, &[&dinas]).await.status(),
        200,
        "the booked point's operator"
    );
    assert_eq!(get_with(&app, &detail, &[&camat]).await.status(), 404);
    app.stop().await;
}

/// Another district of the regency than the one `submitted_citizen` gives, with a village in it.
async fn other_district(db: &Db) -> (String, String) {
    let (district,): (String,) = sqlx::query_as(
        "SELECT code FROM areas WHERE parent = '14.03' AND level = 3 AND code <> '14.03.01' ORDER BY code LIMIT 1",
    )
    .fetch_one(&db.pool)
    .await
    .unwrap();
    let village: String = one(
        db,
        "SELECT code FROM areas WHERE parent = $1 ORDER BY code LIMIT 1",
        &district,
    )
    .await;
    (district, village)
}

async fn move_to(app: &TestApp, session: &str, id: &str, district: &str, village: &str) {
    let address = [
        ("street", "Jl. Sudirman No. 9"),
        ("rt", "3"),
        ("rw", "4"),
        ("province", "14"),
        ("regency", "14.03"),
        ("district", district),
        ("village_code", village),
    ];
    let response = save(app, session, id, "alamat", &address, JSON).await;
    assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
}

#[tokio::test]
async fn moving_to_a_district_the_booked_point_does_not_serve_cancels_the_appointment_and_frees_its_place() {
    let app = spawn_app().await;
    let db = db_of(&app).await;
    let (district, village) = other_district(&db).await;
    let sup = supervisor(&db, "penyelia").await;

    // Through the console's return (which may itself free the appointment): the new district decides the point,
    // nothing stays booked, and the place is back.
    let (citizen, id) = submitted_citizen(&app, "pindah@example.com").await;
    let day = book(&app, &db, &citizen, &id, "14.03.01").await;
    assert_eq!(taken(&db, "14.03.01", day).await, 1);
    take(&db, &sup, &id, Step::Return).await;
    move_to(&app, &citizen, &id, &district, &village).await;
    let response = submit(&app, &citizen, &id, JSON).await;
    assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
    let point: String = one(&db, "SELECT point_id FROM applications WHERE id = $1", &id).await;
    assert_eq!(point, district, "handled at the new district's point");
    let active: i64 = one(
        &db,
        "SELECT COUNT(*) FROM bookings WHERE application_id = $1 AND status = 'booked'",
        &id,
    )
    .await;
    assert_eq!(active, 0);
    assert_eq!(taken(&db, "14.03.01", day).await, 0, "the place is free again");
    let (_, secret) = staff_member(&db, "baru", Role::Operator, Some(&district)).await;
    let operator = staff_sign_in(&app, "baru", &secret).await;
    assert_eq!(
        get_with(&app, &format!("/petugas/permohonan/{id}"), &[&operator])
            .await
            .status(),
        200
    );

    // An appointment still active at the resubmission (as when a return left it booked) is cancelled by it, in
    // the same transaction, with its own message; this time without JavaScript.
    let day = book(&app, &db, &citizen, &id, &district).await;
    assert_eq!(taken(&db, &district, day).await, 1);
    sqlx::query("UPDATE applications SET status = 'returned', returned_answers = answers WHERE id = $1")
        .bind(&id)
        .execute(&db.pool)
        .await
        .unwrap();
    move_to(&app, &citizen, &id, "14.03.01", "14.03.01.1002").await;
    let response = submit(&app, &citizen, &id, HTML).await;
    assert!(response.status().is_redirection(), "{}", response.status());
    let point: String = one(&db, "SELECT point_id FROM applications WHERE id = $1", &id).await;
    assert_eq!(point, "14.03.01");
    assert_eq!(taken(&db, &district, day).await, 0, "the place is free again");
    let (status, note): (String, Option<String>) =
        sqlx::query_as("SELECT status, note FROM bookings WHERE application_id = $1 AND point_id = $2")
            .bind(&id)
            .bind(&district)
            .fetch_one(&db.pool)
            .await
            .unwrap();
    assert_eq!(
        (status.as_str(), note.as_deref()),
        ("cancelled", Some("district_changed"))
    );
    let messages = cancelled_because(&db, &id).await;
    assert!(!messages.is_empty(), "the applicant is told");
    for message in &messages {
        assert_eq!(message["point"], district.as_str());
        assert_eq!(message["day"], day.to_string());
        assert_eq!(message["starts"], "08:00");
    }
    let mail = newest_mail_to("pindah@example.com", |m| {
        body(m).contains("kecamatan dalam alamat Anda berubah")
    })
    .await;
    assert!(body(&mail).contains("08:00"), "{mail}");
    app.stop().await;
}

#[tokio::test]
async fn a_foreign_residents_card_validity_is_on_the_tracking_page_the_form_and_the_console() {
    let app = spawn_app().await;
    let db = db_of(&app).await;
    let today = office_date(now());
    let expiry = Date::new(today.year() + 3, 6, 30).unwrap();
    let (session, id) = start(&app, "wna@example.com", "wna").await;
    let expiry_text = expiry.to_string();
    for (section, fields) in [
        (
            "identitas",
            vec![
                ("nik", "1403096503900003"),
                ("no_kk", "1403091201150003"),
                ("full_name", "Nur Aisyah binti Ahmad"),
            ],
        ),
        (
            "kelahiran",
            vec![
                ("birth_place", "Johor Bahru"),
                ("birth_date", "1990-03-25"),
                ("sex", "P"),
            ],
        ),
        (
            "data-diri",
            vec![
                ("blood_type", "A"),
                ("religion", "Islam"),
                ("marital_status", "Kawin"),
                ("occupation", "Pedagang"),
            ],
        ),
        (
            "alamat",
            vec![
                ("street", "Jl. Pertanian No. 5"),
                ("rt", "1"),
                ("rw", "2"),
                ("province", "14"),
                ("regency", "14.03"),
                ("district", "14.03.01"),
                ("village_code", "14.03.01.1002"),
            ],
        ),
        ("kontak", vec![("email", "wna@example.com")]),
        (
            "izin-tinggal",
            vec![
                ("nationality", "MY"),
                ("passport_no", "A1234567"),
                ("kitap_no", "KITAP-12345"),
                ("kitap_expiry", expiry_text.as_str()),
            ],
        ),
    ] {
        let response = save(&app, &session, &id, section, &fields, JSON).await;
        assert_eq!(response.status(), 200, "{section}: {}", response.text().await.unwrap());
    }
    for field in ["kk_scan", "kitap_scan"] {
        let response = upload(&app, &session, &id, field, "scan.jpg", fixtures::jpeg(600, 400), JSON).await;
        assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
    }
    let page = format!("/permohonan/{id}");
    let id_line = |locale: Locale| {
        let t = locale.texts();
        t.application
            .card_valid_until
            .replace("{date}", &long_date(t, expiry.year(), expiry.month(), expiry.day()))
    };
    let html = get_with(&app, &page, &[&session]).await.text().await.unwrap();
    assert!(!html.contains("KTP-el berlaku sampai"), "not before it is submitted");
    let response = submit(&app, &session, &id, JSON).await;
    assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
    let stored: Option<String> = one(&db, "SELECT kitap_expires_on FROM applications WHERE id = $1", &id).await;
    assert_eq!(stored.as_deref(), Some(expiry_text.as_str()), "stored at submission");

    let html = get_with(&app, &page, &[&session]).await.text().await.unwrap();
    assert!(html.contains(&id_line(Locale::Id)), "{}", id_line(Locale::Id));
    let html = get_with(&app, &page, &[&session, "lang=en"])
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains(&id_line(Locale::En)), "{}", id_line(Locale::En));

    for (lang, locale) in [("lang=id", Locale::Id), ("lang=en", Locale::En)] {
        let response = get_with(&app, &format!("/formulir/{id}"), &[&session, lang]).await;
        assert_eq!(response.status(), 200);
        let text = pdf_text(&app, &response.bytes().await.unwrap());
        assert!(text.contains(&id_line(locale)), "{lang}: {text}");
    }

    let (_, secret) = staff_member(&db, "dinas", Role::Operator, Some("dinas")).await;
    let operator = staff_sign_in(&app, "dinas", &secret).await;
    let detail = format!("/petugas/permohonan/{id}");
    let html = get_with(&app, &detail, &[&operator]).await.text().await.unwrap();
    assert!(
        html.contains("KTP-el berlaku sampai") && html.contains(&expiry_text),
        "the console"
    );
    let html = get_with(&app, &detail, &[&operator, "lang=en"])
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("Card valid until") && html.contains(&expiry_text));

    // A citizen's card has no such date.
    let (citizen, citizen_id) = submitted_citizen(&app, "wni@example.com").await;
    let html = get_with(&app, &format!("/permohonan/{citizen_id}"), &[&citizen])
        .await
        .text()
        .await
        .unwrap();
    assert!(!html.contains("KTP-el berlaku sampai"));
    app.stop().await;
}

/// The text of a PDF, by poppler's `pdftotext`.
fn pdf_text(app: &TestApp, pdf: &[u8]) -> String {
    let path = app.dir.path().join("berlaku.pdf");
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

#[tokio::test]
async fn migration_0016_keeps_earlier_duplicates_as_they_are_and_guards_the_nik_from_then_on() {
    use app::domain::application::{Answers, Section};
    use server::db::applications::{self, StoreError};

    let dir = tempfile::tempdir().unwrap();
    let (url, pool) = database_before_migration(dir.path(), 16).await;
    let other = sibling_nik(40);
    // Before 0016 nothing compared NIKs: three in progress share one, beside a rejected one and a draft (whose
    // NIK was not stored yet) and another person's.
    let rows = [
        ("d1", "submitted", Some(NIK), 100),
        ("d2", "approved", Some(NIK), 200),
        ("d3", "returned", Some(NIK), 300),
        ("d4", "rejected", Some(NIK), 50),
        ("d5", "draft", None, 400),
        ("e1", "submitted", Some(other.as_str()), 500),
    ];
    for (id, status, nik, at) in rows {
        sqlx::query("INSERT INTO accounts (id, identifier, created_at) VALUES ($1, $2, 0)")
            .bind(format!("acc-{id}"))
            .bind(format!("{id}@example.com"))
            .execute(&pool)
            .await
            .unwrap();
        let answers = serde_json::json!({ "nik": nik.unwrap_or(NIK), "full_name": "Siti Aminah" }).to_string();
        sqlx::query(
            "INSERT INTO applications (id, account_id, kind, status, answers, reference, created_at, updated_at, \
             submitted_at, point_id, nik) VALUES ($1, $2, 'wni', $3, $4, $5, $6, $6, $7, 'dinas', $8)",
        )
        .bind(id)
        .bind(format!("acc-{id}"))
        .bind(status)
        .bind(answers)
        .bind((status != "draft").then(|| format!("BKS-261201-{id}")))
        .bind(at)
        .bind((status != "draft").then_some(at))
        .bind(nik)
        .execute(&pool)
        .await
        .unwrap();
    }
    pool.close().await;

    let db = Db::connect(&url).await.expect("the portal starts on the old database");
    let kept: Vec<(String, String, Option<String>, i64)> =
        sqlx::query_as("SELECT id, status, nik, legacy_nik_duplicate FROM applications ORDER BY id")
            .fetch_all(&db.pool)
            .await
            .unwrap();
    let expected: Vec<(String, String, Option<String>, i64)> = rows
        .iter()
        .map(|(id, status, nik, _)| {
            let marked = matches!(*id, "d2" | "d3");
            (
                (*id).into(),
                (*status).into(),
                nik.map(str::to_owned),
                i64::from(marked),
            )
        })
        .collect();
    assert_eq!(
        kept, expected,
        "nothing lost or changed; the later duplicates in progress marked"
    );

    let identity_with =
        |nik: &str| -> Answers { identity(nik).iter().map(|(k, v)| ((*k).into(), (*v).into())).collect() };
    let save = |id: &'static str, nik: String| {
        let (db, values) = (db.clone(), identity_with(&nik));
        async move { applications::save_section(&db, &format!("acc-{id}"), id, Section::Identity, values, now()).await }
    };
    // From now on the NIK is guarded: the draft cannot take it, nor can a marked one take another's.
    assert!(matches!(save("d5", NIK.into()).await, Err(StoreError::NikInProgress)));
    assert!(matches!(
        save("d3", other.clone()).await,
        Err(StoreError::NikInProgress)
    ));
    // A marked one keeps going with its own NIK (staff decide about it: the review page lists the others) ...
    save("d3", NIK.into()).await.expect("saving its own NIK again");
    applications::submit(&db, "acc-d3", "d3", now())
        .await
        .expect("resubmitted");
    // ... and loses the mark once it states another NIK.
    save("d3", sibling_nik(41))
        .await
        .expect_err("submitted: no longer editable");
    sqlx::query("UPDATE applications SET status = 'returned' WHERE id = 'd3'")
        .execute(&db.pool)
        .await
        .unwrap();
    save("d3", sibling_nik(41)).await.expect("a NIK nobody else states");
    let mark: i64 = one(&db, "SELECT legacy_nik_duplicate FROM applications WHERE id = $1", "d3").await;
    assert_eq!(mark, 0);
}
