//! What one account, or one file, may not do: PDFs with active content, scans served in a sandbox, the caps on
//! open drafts, complaints a day and uploads an hour (each tested with a burst of simultaneous requests), control
//! and invisible characters in what is typed, and arrivals marked for today only.

use crate::applications::{save, start, submitted_citizen, upload, JSON};
use crate::helpers::*;
use crate::staff::{staff_member, staff_sign_in};
use app::domain::{
    application::{MAX_OPEN_DRAFTS, MAX_UPLOADS_PER_HOUR},
    complaint::MAX_PER_DAY,
    office::office_date,
    process::Role,
};
use server::documents::fixtures;

/// Every file kept under the data folder's uploads and staging folders.
fn kept_files(app: &TestApp) -> Vec<std::path::PathBuf> {
    fn under(dir: &std::path::Path, found: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            if entry.path().is_dir() {
                under(&entry.path(), found);
            } else {
                found.push(entry.path());
            }
        }
    }
    let mut found = Vec::new();
    let data = app.dir.path().join("data");
    under(&crate::helpers::stored_objects_folder(app.dir.path()), &mut found);
    under(&data.join("staging"), &mut found);
    found
}

/// The page `path` as a browser without JavaScript shows it after a refused form, in `lang` (`id` or `en`).
async fn page_after(app: &TestApp, path: &str, session: &str, response: &reqwest::Response, lang: &str) -> String {
    let flash = set_cookie(response, "flash").expect("the refusal is left for the page");
    let language = format!("lang={lang}");
    get_with(app, path, &[session, &flash, &language])
        .await
        .text()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_pdf_with_active_content_is_refused_in_words_the_applicant_understands_and_nothing_is_kept() {
    let app = spawn_app().await;
    let db = db_of(&app).await;
    let (session, id) = start(&app, "aktif@example.com", "wni").await;
    let documents = "SELECT COUNT(*) FROM documents WHERE application_id = $1";
    let cases = fixtures::active_pdfs();
    // A few in object streams too: the same refusal, though no byte of the script shows in the file.
    let packed: Vec<(&str, Vec<u8>)> = cases
        .iter()
        .take(3)
        .map(|(name, pdf)| (*name, fixtures::in_object_streams(pdf)))
        .collect();
    for (case, pdf) in cases.iter().chain(&packed) {
        let response = upload(&app, &session, &id, "kk_scan", "kk.pdf", pdf.clone(), JSON).await;
        assert_eq!(response.status(), 422, "{case}");
        let body = response.text().await.unwrap();
        assert!(body.contains("kk_scan") && body.contains("PdfActive"), "{case}: {body}");
        assert!(kept_files(&app).is_empty(), "{case}: {:?}", kept_files(&app));
        assert_eq!(count(&db, documents, &id).await, 0, "{case}");
    }

    // Without JavaScript: back on the documents page, told what to do, in either language.
    let (_, pdf) = &cases[0];
    let page = format!("/permohonan/{id}/dokumen");
    let response = upload(&app, &session, &id, "kk_scan", "kk.pdf", pdf.clone(), HTML).await;
    assert_eq!(response.status(), 303);
    let html = page_after(&app, &page, &session, &response, "id").await;
    assert!(
        html.contains("Pindai atau cetak ulang dokumen sebagai PDF biasa, atau kirim fotonya"),
        "{html}"
    );
    let response = upload(&app, &session, &id, "kk_scan", "kk.pdf", pdf.clone(), HTML).await;
    let html = page_after(&app, &page, &session, &response, "en").await;
    assert!(
        html.contains("Scan or print the document again as a plain PDF, or send a photo of it"),
        "{html}"
    );
    assert!(kept_files(&app).is_empty());
    assert_eq!(count(&db, documents, &id).await, 0);

    // A plain PDF still goes through, as does one with a destination to open at.
    for pdf in [
        fixtures::pdf(),
        fixtures::pdf_with_catalog_extra("/OpenAction [3 0 R /Fit]"),
    ] {
        let response = upload(&app, &session, &id, "kk_scan", "kk.pdf", pdf, JSON).await;
        assert_eq!(response.status(), 200);
    }
    assert_eq!(count(&db, documents, &id).await, 1);
}

#[tokio::test]
async fn scans_are_served_in_a_sandbox_to_staff_and_to_their_owner() {
    let app = spawn_app().await;
    let db = db_of(&app).await;
    let (session, id) = submitted_citizen(&app, "sandbox@example.com").await;
    let secret = staff_member(&db, "supervisor", Role::Supervisor, None).await.1;
    let staff_session = staff_sign_in(&app, "supervisor", &secret).await;

    let response = get_with(
        &app,
        &format!("/petugas/permohonan/{id}/berkas/kk_scan"),
        &[&staff_session],
    )
    .await;
    assert_eq!(response.status(), 200);
    let policy = response.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(policy.starts_with("sandbox;"), "{policy}");
    for directive in ["default-src 'none'", "frame-ancestors 'self'", "img-src 'self'"] {
        assert!(policy.contains(directive), "{directive}: {policy}");
    }
    assert!(!policy.contains("allow-scripts"), "{policy}");
    assert_eq!(response.headers()["x-content-type-options"], "nosniff");
    assert_eq!(response.headers()["content-type"], "image/jpeg");

    // The owner's own download: the same sandbox, and no framing at all.
    let response = get_with(&app, &format!("/berkas/{id}/kk_scan"), &[&session]).await;
    assert_eq!(response.status(), 200);
    let policy = response.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(policy.starts_with("sandbox;"), "{policy}");
    assert!(
        policy.contains("default-src 'none'") && policy.contains("frame-ancestors 'none'"),
        "{policy}"
    );
}

#[tokio::test]
async fn ten_simultaneous_starts_make_three_drafts_and_the_fourth_is_told_why() {
    let app = spawn_app().await;
    let db = db_of(&app).await;
    let session = sign_in(&app, "drafts@example.com", "drafts@example.com").await;
    let starts = (0..10).map(|_| {
        let (client, url, session) = (app.client.clone(), app.url("/api/permohonan/mulai"), session.clone());
        tokio::spawn(async move {
            client
                .post(url)
                .header("accept", JSON)
                .header("cookie", session)
                .form(&[("kind", "wni")])
                .send()
                .await
                .unwrap()
        })
    });
    let mut refused = 0;
    for response in futures_util::future::join_all(starts).await {
        let response = response.unwrap();
        assert!(response.status().as_u16() < 500, "{}", response.status());
        if response.status() == 422 {
            assert!(response.text().await.unwrap().contains("OpenDrafts"));
            refused += 1;
        }
    }
    let drafts = "SELECT COUNT(*) FROM applications a JOIN accounts c ON c.id = a.account_id \
                  WHERE c.identifier = $1 AND a.status = 'draft'";
    assert_eq!(count(&db, drafts, "drafts@example.com").await, MAX_OPEN_DRAFTS);
    assert_eq!(refused, 10 - MAX_OPEN_DRAFTS);

    // Without JavaScript: back on the start page, told to continue one of them.
    let response = post(&app, "/api/permohonan/mulai", &[("kind", "wna")], &[&session], HTML).await;
    assert!(response.status().is_redirection(), "{}", response.status());
    assert_eq!(response.headers()["location"], "/permohonan/baru");
    let html = page_after(&app, "/permohonan/baru", &session, &response, "id").await;
    assert!(
        html.contains("Anda sudah punya 3 permohonan yang belum diajukan. Lanjutkan salah satunya"),
        "{html}"
    );
    let response = post(&app, "/api/permohonan/mulai", &[("kind", "wna")], &[&session], HTML).await;
    let html = page_after(&app, "/permohonan/baru", &session, &response, "en").await;
    assert!(
        html.contains("You already have 3 applications that are not submitted yet"),
        "{html}"
    );
    assert_eq!(count(&db, drafts, "drafts@example.com").await, MAX_OPEN_DRAFTS);

    // Another account is not affected.
    start(&app, "someone-else@example.com", "wni").await;
}

#[tokio::test]
async fn ten_simultaneous_complaints_make_five_and_the_sixth_is_told_to_wait_a_day() {
    let app = spawn_app().await;
    let db = db_of(&app).await;
    let (session, id) = submitted_citizen(&app, "keluhan@example.com").await;
    let complaints = (0..10).map(|n| {
        let (client, url, session, id) = (
            app.client.clone(),
            app.url("/api/permohonan/pengaduan"),
            session.clone(),
            id.clone(),
        );
        tokio::spawn(async move {
            let text = format!("Pengaduan nomor {n}: antrean terlalu lama.");
            client
                .post(url)
                .header("accept", JSON)
                .header("cookie", session)
                .form(&[("application", id.as_str()), ("text", text.as_str())])
                .send()
                .await
                .unwrap()
        })
    });
    let mut refused = 0;
    for response in futures_util::future::join_all(complaints).await {
        let response = response.unwrap();
        assert!(response.status().as_u16() < 500, "{}", response.status());
        if response.status() == 422 {
            assert!(response.text().await.unwrap().contains("ComplaintsToday"));
            refused += 1;
        }
    }
    let filed = "SELECT COUNT(*) FROM complaints WHERE application_id = $1";
    assert_eq!(count(&db, filed, &id).await, MAX_PER_DAY);
    assert_eq!(refused, 10 - MAX_PER_DAY);

    // Without JavaScript: back at the complaint form, what was typed kept, told why.
    let form = [("application", id.as_str()), ("text", "Satu lagi")];
    let response = post(&app, "/api/permohonan/pengaduan", &form, &[&session], HTML).await;
    assert!(response.status().is_redirection(), "{}", response.status());
    let html = page_after(&app, &format!("/permohonan/{id}"), &session, &response, "id").await;
    assert!(html.contains("Anda sudah mengirim 5 pengaduan hari ini"), "{html}");
    assert!(html.contains("Satu lagi"), "what was typed is kept");
    assert_eq!(count(&db, filed, &id).await, MAX_PER_DAY);

    // Yesterday's complaints do not count today.
    sqlx::query("UPDATE complaints SET created_at = created_at - 86400 WHERE application_id = $1")
        .bind(&id)
        .execute(&db.pool)
        .await
        .unwrap();
    let response = post(&app, "/api/permohonan/pengaduan", &form, &[&session], JSON).await;
    assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
}

#[tokio::test]
async fn forty_simultaneous_uploads_store_thirty_and_the_rest_are_told_to_wait() {
    let app = spawn_app().await;
    let db = db_of(&app).await;
    let (session, id) = start(&app, "unggah@example.com", "wni").await;
    let scan = fixtures::png(64, 48);
    let uploads = (0..40).map(|_| {
        let (client, url, session, scan) = (
            app.client.clone(),
            app.url(&format!("/unggah/{id}")),
            session.clone(),
            scan.clone(),
        );
        tokio::spawn(async move {
            let part = reqwest::multipart::Part::bytes(scan).file_name("kk.png");
            client
                .post(url)
                .header("accept", JSON)
                .header("cookie", session)
                .multipart(reqwest::multipart::Form::new().part("kk_scan", part))
                .send()
                .await
                .unwrap()
        })
    });
    let (mut stored, mut refused) = (0, 0);
    for response in futures_util::future::join_all(uploads).await {
        let response = response.unwrap();
        match response.status().as_u16() {
            200 => stored += 1,
            429 => {
                let body = response.text().await.unwrap();
                assert!(body.contains("kk_scan") && body.contains("UploadsThisHour"), "{body}");
                refused += 1;
            }
            other => panic!("{other}: {}", response.text().await.unwrap()),
        }
    }
    assert_eq!(stored, MAX_UPLOADS_PER_HOUR);
    assert_eq!(refused, 40 - MAX_UPLOADS_PER_HOUR);
    // Each stored scan replaced the one before: one file and one row, nothing left in staging.
    assert_eq!(kept_files(&app).len(), 1, "{:?}", kept_files(&app));
    let counted = "SELECT COUNT(*) FROM upload_attempts a JOIN accounts c ON c.id = a.account_id \
                   WHERE c.identifier = $1";
    assert_eq!(count(&db, counted, "unggah@example.com").await, MAX_UPLOADS_PER_HOUR);

    // Without JavaScript: back on the documents page with the reason beside the field.
    let response = upload(&app, &session, &id, "kk_scan", "kk.png", scan.clone(), HTML).await;
    assert_eq!(response.status(), 303);
    let html = page_after(&app, &format!("/permohonan/{id}/dokumen"), &session, &response, "id").await;
    assert!(
        html.contains("Anda sudah mengunggah 30 berkas dalam satu jam terakhir"),
        "{html}"
    );

    // An hour later the account may upload again.
    sqlx::query("UPDATE upload_attempts SET at = at - 3600")
        .execute(&db.pool)
        .await
        .unwrap();
    let response = upload(&app, &session, &id, "kk_scan", "kk.png", scan, JSON).await;
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn control_bidi_and_invisible_characters_are_refused_on_the_field_that_holds_them() {
    let app = spawn_app().await;
    let db = db_of(&app).await;
    let (session, id) = start(&app, "tersembunyi@example.com", "wni").await;
    let identity = |name: &'static str| {
        [
            ("nik", "1403094508060012"),
            ("no_kk", "1403091201150003"),
            ("full_name", name),
        ]
    };
    for name in [
        "Siti\u{202E}Aminah",
        "Siti\u{200B}Aminah",
        "Siti\tAminah",
        "Siti\u{85}Aminah",
        "Siti\u{7F}",
    ] {
        let response = save(&app, &session, &id, "identitas", &identity(name), JSON).await;
        assert_eq!(response.status(), 422, "{name:?}");
        let body = response.text().await.unwrap();
        assert!(
            body.contains("full_name") && body.contains("Invisible"),
            "{name:?}: {body}"
        );
    }
    let answers = "SELECT COUNT(*) FROM applications WHERE id = $1 AND answers LIKE '%full_name%'";
    assert_eq!(count(&db, answers, &id).await, 0, "nothing saved");

    // Without JavaScript: the field is named, in either language.
    let page = format!("/permohonan/{id}/identitas");
    let response = save(&app, &session, &id, "identitas", &identity("Siti\u{202E}Aminah"), HTML).await;
    assert!(response.status().is_redirection(), "{}", response.status());
    let html = page_after(&app, &page, &session, &response, "id").await;
    assert!(
        html.contains("Nama lengkap berisi karakter tak terlihat atau karakter kendali"),
        "{html}"
    );
    let response = save(&app, &session, &id, "identitas", &identity("Siti\u{2066}Aminah"), HTML).await;
    let html = page_after(&app, &page, &session, &response, "en").await;
    assert!(
        html.contains("Full name contains an invisible or control character"),
        "{html}"
    );

    // A clean name is saved as before.
    let response = save(&app, &session, &id, "identitas", &identity("Siti Aminah"), JSON).await;
    assert_eq!(response.status(), 200);

    // A complaint may hold line breaks, and nothing else of the kind.
    let (session, id) = submitted_citizen(&app, "keluhan-tersembunyi@example.com").await;
    let complaint = |text: &'static str, accept: &'static str| {
        let (app, session, id) = (&app, session.clone(), id.clone());
        async move {
            let form = [("application", id.as_str()), ("text", text)];
            post(app, "/api/permohonan/pengaduan", &form, &[&session], accept).await
        }
    };
    let response = complaint("Petugas bilang \u{202E}sudah selesai", JSON).await;
    assert_eq!(response.status(), 422);
    assert!(response.text().await.unwrap().contains("Invisible"));
    let response = complaint("Antrean\u{200D}lama", HTML).await;
    let html = page_after(&app, &format!("/permohonan/{id}"), &session, &response, "id").await;
    assert!(
        html.contains("Isi pengaduan berisi karakter tak terlihat atau karakter kendali"),
        "{html}"
    );
    let filed = "SELECT COUNT(*) FROM complaints WHERE application_id = $1";
    assert_eq!(count(&db, filed, &id).await, 0);
    let response = complaint("Antrean lama.\r\n\r\nPetugas tidak ada.", JSON).await;
    assert_eq!(response.status(), 200);
    let (body,): (String,) = sqlx::query_as("SELECT body FROM complaints WHERE application_id = $1")
        .bind(&id)
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(body, "Antrean lama.\n\nPetugas tidak ada.");
}

#[tokio::test]
async fn an_operator_marks_arrivals_for_today_only() {
    let app = spawn_app().await;
    let db = db_of(&app).await;
    let now = server::auth::now();
    let today = office_date(now);
    // Three applicants with an appointment at the Dinas: yesterday, today and tomorrow.
    let mut bookings = Vec::new();
    for (n, day) in [today.add_days(-1), today, today.add_days(1)].into_iter().enumerate() {
        let nik = format!("140309450806{:04}", 20 + n);
        let (_, id) = submitted_citizen_with_nik(&app, &format!("hadir{n}@example.com"), &nik).await;
        let booking = format!("booking-{n}");
        sqlx::query(
            "INSERT INTO bookings (id, application_id, point_id, day, starts, ends, status, created_at, updated_at) \
             VALUES ($1, $2, 'dinas', $3, '08:00', '08:15', 'booked', $4, $4)",
        )
        .bind(&booking)
        .bind(&id)
        .bind(day.to_string())
        .bind(now)
        .execute(&db.pool)
        .await
        .unwrap();
        bookings.push(booking);
    }
    // The Dinas keeps no hours today, so it has not closed whenever the test runs (a late arrival is refused once
    // the point has closed: tests/integration/attendance.rs).
    sqlx::query("DELETE FROM opening_hours WHERE point_id = 'dinas' AND weekday = $1")
        .bind(i32::from(today.weekday()))
        .execute(&db.pool)
        .await
        .unwrap();
    let secret = staff_member(&db, "loket", Role::Operator, Some("dinas")).await.1;
    let staff_session = staff_sign_in(&app, "loket", &secret).await;
    let arrived = "SELECT COUNT(*) FROM bookings WHERE id = $1 AND arrived_at IS NOT NULL";

    // Another day's appointment, before or after today: refused, with the reason on the counter's page.
    for booking in [&bookings[0], &bookings[2]] {
        let form = [("booking", booking.as_str())];
        let response = post(&app, "/petugas/loket/hadir", &form, &[&staff_session], HTML).await;
        assert_eq!(response.status(), 303);
        let location = response.headers()["location"].to_str().unwrap().to_owned();
        assert_eq!(location, "/petugas/loket?point=dinas&galat=hari");
        let html = get_with(&app, &location, &[&staff_session]).await.text().await.unwrap();
        assert!(
            html.contains("Hanya pemohon dengan jadwal hari ini yang bisa ditandai datang"),
            "{html}"
        );
        assert_eq!(count(&db, arrived, booking).await, 0, "{booking}");
    }

    // Today's: marked, once.
    for _ in 0..2 {
        let form = [("booking", bookings[1].as_str())];
        let response = post(&app, "/petugas/loket/hadir", &form, &[&staff_session], HTML).await;
        assert_eq!(response.status(), 303);
        assert_eq!(response.headers()["location"], "/petugas/loket?point=dinas");
    }
    assert_eq!(count(&db, arrived, &bookings[1]).await, 1);
    let html = get_with(&app, "/petugas/loket?point=dinas", &[&staff_session])
        .await
        .text()
        .await
        .unwrap();
    assert!(
        !html.contains("Hanya pemohon dengan jadwal hari ini"),
        "no refusal shown"
    );

    // A booking that does not exist, or at another point, is not found.
    let response = post(
        &app,
        "/petugas/loket/hadir",
        &[("booking", "nope")],
        &[&staff_session],
        HTML,
    )
    .await;
    assert_eq!(response.status(), 404);
}
