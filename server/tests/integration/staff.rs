//! The staff console: sign-in with password and TOTP, enrolment, scope (an operator sees only their point), the
//! state machine as the store applies it (every illegal step refused and nothing changed), the access log, the
//! queue's pages and search, blank cards, and the applicant seeing a return's reason and correcting.

use crate::applications::{save, submitted_citizen, JSON};
use crate::helpers::*;
use app::domain::{
    application::Status,
    process::{decide, Facts, Role, Step, StepInput},
};
use server::{
    db::{
        process::{self, Scope, StepError},
        staff, Db,
    },
    staff::{password, totp},
};

pub const PASSWORD: &str = "kata sandi panjang sekali";

/// An enrolled staff account: its id and TOTP secret.
pub async fn staff_member(db: &Db, username: &str, role: Role, point: Option<&str>) -> (String, String) {
    let now = server::auth::now();
    let (id, token) = staff::create(db, username, &format!("Petugas {username}"), role, point, now)
        .await
        .unwrap();
    let secret = totp::new_secret();
    // The step before the current one: the test's sign-in uses the current step.
    assert!(
        staff::complete_enrolment(db, &token, &password::hash(PASSWORD), &secret, now / 30 - 2, now)
            .await
            .unwrap()
    );
    (id, secret)
}

fn code_now(secret: &str) -> String {
    totp::code_at_step(secret, server::auth::now() / totp::STEP_SECS).unwrap()
}

/// Signs in through the form and returns the staff session cookie.
pub async fn staff_sign_in(app: &TestApp, username: &str, secret: &str) -> String {
    let code = code_now(secret);
    let response = post(
        app,
        "/petugas/masuk",
        &[("username", username), ("password", PASSWORD), ("code", &code)],
        &[],
        HTML,
    )
    .await;
    assert_eq!(response.status(), 303, "{}", response.text().await.unwrap());
    set_cookie(&response, "staff_session").expect("a staff session cookie")
}

/// A form posted by a signed-in staff member, as the browser posts it.
async fn send(app: &TestApp, session: &str, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
    post(app, path, form, &[session], HTML).await
}

fn location(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

async fn status_of(db: &Db, id: &str) -> String {
    let (status,): (String,) = sqlx::query_as("SELECT status FROM applications WHERE id = $1")
        .bind(id)
        .fetch_one(&db.pool)
        .await
        .unwrap();
    status
}

#[tokio::test]
async fn sign_in_needs_the_password_and_a_fresh_totp_code_every_time() {
    let app = spawn_app().await;
    let db = db_of(&app).await;
    let (_, secret) = staff_member(&db, "rina", Role::Operator, Some("dinas")).await;

    // Without a session the console sends to the sign-in page.
    let response = get_with(&app, "/petugas", &[]).await;
    assert_eq!(location(&response), "/petugas/masuk");

    let wrong = [
        ("rina", "salah salah salah", code_now(&secret)),
        ("rina", PASSWORD, "000000".to_owned()),
        ("siapa", PASSWORD, code_now(&secret)),
    ];
    for (user, pass, code) in &wrong {
        let response = post(
            &app,
            "/petugas/masuk",
            &[("username", user), ("password", pass), ("code", code)],
            &[],
            HTML,
        )
        .await;
        assert_eq!(response.status(), 401, "{user}");
        assert!(response
            .text()
            .await
            .unwrap()
            .contains("Nama pengguna, kata sandi atau kode salah."));
    }
    let session = staff_sign_in(&app, "rina", &secret).await;
    let page = get_with(&app, "/petugas", &[&session]).await;
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("Antrean permohonan"));

    // The same code again (a replay) is refused even with the right password.
    let response = post(
        &app,
        "/petugas/masuk",
        &[
            ("username", "rina"),
            ("password", PASSWORD),
            ("code", &code_now(&secret)),
        ],
        &[],
        HTML,
    )
    .await;
    assert_eq!(response.status(), 401);

    // A citizen's session is not a staff session, and the staff cookie is Strict and HttpOnly.
    let citizen = sign_in(&app, "warga@example.com", "warga@example.com").await;
    let response = get_with(&app, "/petugas", &[&citizen.replace("session=", "staff_session=")]).await;
    assert_eq!(location(&response), "/petugas/masuk");

    // Signing out ends the session on the server.
    let response = send(&app, &session, "/petugas/keluar", &[]).await;
    assert_eq!(location(&response), "/petugas/masuk");
    let response = get_with(&app, "/petugas", &[&session]).await;
    assert_eq!(location(&response), "/petugas/masuk");
    app.stop().await;
}

#[tokio::test]
async fn the_enrolment_link_sets_password_and_totp_once() {
    let app = spawn_app().await;
    let db = db_of(&app).await;
    let (_, token) = staff::create(&db, "admin1", "Admin Satu", Role::Admin, None, server::auth::now())
        .await
        .unwrap();
    let path = format!("/petugas/daftar/{token}");
    let page = get_with(&app, &path, &[]).await.text().await.unwrap();
    assert!(page.contains("<svg"), "a QR code");
    let secret = attribute_after(&page, "data-secret", "data-secret")
        .map(str::to_owned)
        .unwrap_or_else(|| {
            page.split("data-secret=\"")
                .nth(1)
                .unwrap()
                .split('"')
                .next()
                .unwrap()
                .to_owned()
        });
    // A short password and a wrong code are refused with a message, and the link still works.
    let short = post(
        &app,
        &path,
        &[
            ("secret", &secret),
            ("password", "pendek"),
            ("code", &code_now(&secret)),
        ],
        &[],
        HTML,
    )
    .await;
    assert_eq!(short.status(), 422);
    let wrong = post(
        &app,
        &path,
        &[("secret", &secret), ("password", PASSWORD), ("code", "123456")],
        &[],
        HTML,
    )
    .await;
    assert_eq!(wrong.status(), 422);
    let done = post(
        &app,
        &path,
        &[
            ("secret", &secret),
            ("password", PASSWORD),
            ("code", &code_now(&secret)),
        ],
        &[],
        HTML,
    )
    .await;
    assert_eq!(done.status(), 200);
    assert!(done.text().await.unwrap().contains("Akun aktif"));
    // The link is spent.
    assert_eq!(get_with(&app, &path, &[]).await.status(), 404);
    let stored: (String,) = sqlx::query_as("SELECT password_hash FROM staff WHERE username = 'admin1'")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert!(stored.0.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
    app.stop().await;
}

#[tokio::test]
async fn every_illegal_step_is_refused_by_the_store_and_changes_nothing() {
    let app = spawn_app().await;
    let db = db_of(&app).await;
    let (_, id) = submitted_citizen(&app, "langkah@example.com").await;
    sqlx::query("UPDATE applications SET point_id = 'dinas' WHERE id = $1")
        .bind(&id)
        .execute(&db.pool)
        .await
        .unwrap();
    process::change_blank_cards(
        &db,
        &staff_member(&db, "stok", Role::Supervisor, None).await.0,
        1000,
        "kiriman",
        1,
    )
    .await
    .unwrap();
    let mut actors = Vec::new();
    for (name, role) in [("opr", Role::Operator), ("sup", Role::Supervisor), ("adm", Role::Admin)] {
        let point = (role == Role::Operator).then_some("dinas");
        let (staff_id, _) = staff_member(&db, name, role, point).await;
        actors.push(Scope {
            staff_id,
            role,
            point: point.map(str::to_owned),
        });
    }
    let input = StepInput {
        note: Some("alasan".into()),
        afis_reference: Some("AFIS-1".into()),
        return_reference: Some("BA-1".into()),
        confirmed: true,
    };
    let (mut refused, mut accepted) = (0, 0);
    let now = server::auth::now();
    for status in Status::ALL {
        for scope in &actors {
            for step in Step::ALL {
                sqlx::query("UPDATE applications SET status = $1, claimed_by = NULL WHERE id = $2")
                    .bind(status.code())
                    .bind(&id)
                    .execute(&db.pool)
                    .await
                    .unwrap();
                let _ = process::claim(&db, scope, &id, now).await;
                let events = count(
                    &db,
                    "SELECT COUNT(*) FROM application_events WHERE application_id = $1",
                    &id,
                )
                .await;
                // A citizen at the Dinas: the card is handed over where it is printed, never distributed.
                let facts = Facts {
                    blank_cards: 1000,
                    distributes: false,
                };
                let expected = decide(status, scope.role, step, &input, facts);
                let result = process::take_step(&db, scope, &id, step, &input, now).await;
                let after = count(
                    &db,
                    "SELECT COUNT(*) FROM application_events WHERE application_id = $1",
                    &id,
                )
                .await;
                match (expected, result) {
                    (Ok(m), Ok(to)) => {
                        accepted += 1;
                        assert_eq!(to, m.to);
                        assert_eq!(status_of(&db, &id).await, m.to.code());
                        assert_eq!(after, events + 1, "one event per accepted step");
                    }
                    (Err(_), Err(error)) => {
                        refused += 1;
                        assert!(
                            matches!(error, StepError::Refused(_) | StepError::NotFound),
                            "{error:?}"
                        );
                        assert_eq!(
                            status_of(&db, &id).await,
                            status.code(),
                            "{status:?} {:?} {step:?}",
                            scope.role
                        );
                        assert_eq!(after, events, "a refused step leaves no event");
                    }
                    (expected, result) => panic!(
                        "{status:?} {:?} {step:?}: expected {expected:?}, got {result:?}",
                        scope.role
                    ),
                }
            }
        }
    }
    assert_eq!(accepted, 21);
    assert_eq!(refused, 12 * 3 * 15 - 21);
    // Only the supervisor could take the one CardReady step, and it took a blank card.
    assert_eq!(process::blank_cards(&db).await.unwrap(), 999);
    app.stop().await;
}

#[tokio::test]
async fn an_operator_of_another_point_gets_404_and_every_view_is_logged() {
    let app = spawn_app().await;
    let db = db_of(&app).await;
    let (_, id) = submitted_citizen(&app, "lingkup@example.com").await;
    let (reference,): (String,) = sqlx::query_as("SELECT reference FROM applications WHERE id = $1")
        .bind(&id)
        .fetch_one(&db.pool)
        .await
        .unwrap();
    let (point,): (String,) = sqlx::query_as("SELECT point_id FROM applications WHERE id = $1")
        .bind(&id)
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(point, "14.03.01", "handled at the applicant's district point");

    let (_, other_secret) = staff_member(&db, "lain", Role::Operator, Some("dinas")).await;
    let (_, own_secret) = staff_member(&db, "sini", Role::Operator, Some("14.03.01")).await;
    let (_, sup_secret) = staff_member(&db, "kepala", Role::Supervisor, None).await;
    let other = staff_sign_in(&app, "lain", &other_secret).await;
    let own = staff_sign_in(&app, "sini", &own_secret).await;
    let sup = staff_sign_in(&app, "kepala", &sup_secret).await;

    let detail = format!("/petugas/permohonan/{id}");
    let scan = format!("{detail}/berkas/kk_scan");
    assert_eq!(get_with(&app, &detail, &[&other]).await.status(), 404);
    assert_eq!(get_with(&app, &scan, &[&other]).await.status(), 404);
    let claim = send(&app, &other, &format!("{detail}/klaim"), &[("action", "claim")]).await;
    assert_eq!(claim.status(), 404);
    let search = send(&app, &other, "/petugas/cari", &[("q", &reference)]).await;
    assert!(search.text().await.unwrap().contains("Tidak ada permohonan"));
    assert!(!get_with(&app, "/petugas", &[&other])
        .await
        .text()
        .await
        .unwrap()
        .contains(&reference));
    assert_eq!(
        count(&db, "SELECT COUNT(*) FROM access_log WHERE application_id = $1", &id).await,
        0
    );

    // The point's own operator: the queue lists it with the NIK masked; the detail shows it whole.
    let queue = get_with(&app, "/petugas", &[&own]).await.text().await.unwrap();
    assert!(queue.contains(&reference));
    assert!(queue.contains("1403********0002") && !queue.contains("1403094508060002"));
    let page = get_with(&app, &detail, &[&own]).await;
    assert_eq!(page.status(), 200);
    let page = page.text().await.unwrap();
    assert!(page.contains("1403094508060002") && page.contains("SITI AMINAH"));
    let image = get_with(&app, &scan, &[&own]).await;
    assert_eq!(image.status(), 200);
    assert_eq!(image.headers()["content-type"], "image/jpeg");
    assert_eq!(get_with(&app, &detail, &[&sup]).await.status(), 200);
    // Searching by NIK (a POST: the NIK never stands in a URL) opens the one match.
    let found = send(&app, &own, "/petugas/cari", &[("q", "1403094508060002")]).await;
    assert_eq!(location(&found), detail);

    // Three views: two details and a scan, each logged; supervisors read the log, operators cannot.
    let logged: Vec<(String, String)> = sqlx::query_as(
        "SELECT s.username, l.what FROM access_log l JOIN staff s ON s.id = l.staff_id WHERE l.application_id = $1 ORDER BY l.at, s.username, l.what",
    )
    .bind(&id)
    .fetch_all(&db.pool)
    .await
    .unwrap();
    let mut logged = logged;
    logged.sort();
    assert_eq!(
        logged,
        vec![
            ("kepala".to_owned(), "detail".to_owned()),
            ("sini".to_owned(), "detail".to_owned()),
            ("sini".to_owned(), "kk_scan".to_owned()),
        ]
    );
    let log = get_with(&app, &format!("/petugas/log-akses?nomor={reference}"), &[&sup])
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(log.matches(&reference).count(), 3 + 1, "three rows and the filter box");
    assert_eq!(get_with(&app, "/petugas/log-akses", &[&own]).await.status(), 404);
    app.stop().await;
}

#[tokio::test]
async fn a_disabled_account_or_a_new_role_counts_at_the_next_request() {
    let app = spawn_app().await;
    let db = db_of(&app).await;
    let (_, id) = submitted_citizen(&app, "nonaktif@example.com").await;
    let (staff_id, secret) = staff_member(&db, "budi", Role::Supervisor, None).await;
    let session = staff_sign_in(&app, "budi", &secret).await;
    let detail = format!("/petugas/permohonan/{id}");
    assert_eq!(get_with(&app, &detail, &[&session]).await.status(), 200);

    staff::set_role(&db, &staff_id, Role::Operator, Some("dinas"))
        .await
        .unwrap();
    assert_eq!(
        get_with(&app, &detail, &[&session]).await.status(),
        404,
        "now an operator of another point"
    );

    staff::set_disabled(&db, &staff_id, true, server::auth::now())
        .await
        .unwrap();
    let response = get_with(&app, "/petugas", &[&session]).await;
    assert_eq!(location(&response), "/petugas/masuk");
    app.stop().await;
}

#[tokio::test]
async fn a_returned_application_shows_the_reason_and_the_next_reviewer_sees_what_changed() {
    let app = spawn_app().await;
    let db = db_of(&app).await;
    let (citizen, id) = submitted_citizen(&app, "kembali@example.com").await;
    let (_, secret) = staff_member(&db, "sari", Role::Operator, Some("14.03.01")).await;
    let session = staff_sign_in(&app, "sari", &secret).await;
    let detail = format!("/petugas/permohonan/{id}");

    // Acting without a claim is refused; after claiming, a return needs a reason.
    let response = send(&app, &session, &format!("{detail}/langkah"), &[("step", "approve")]).await;
    assert_eq!(location(&response), format!("{detail}?galat=claimed"));
    send(&app, &session, &format!("{detail}/klaim"), &[("action", "claim")]).await;
    let response = send(
        &app,
        &session,
        &format!("{detail}/langkah"),
        &[("step", "return"), ("note", " ")],
    )
    .await;
    assert_eq!(location(&response), format!("{detail}?galat=ReasonMissing"));
    assert!(get_with(&app, &location(&response), &[&session])
        .await
        .text()
        .await
        .unwrap()
        .contains("Isi alasannya."));
    let reason = "Foto KK tidak terbaca, mohon unggah ulang";
    let response = send(
        &app,
        &session,
        &format!("{detail}/langkah"),
        &[("step", "return"), ("note", reason)],
    )
    .await;
    assert_eq!(location(&response), format!("{detail}?ok=return"));
    assert_eq!(status_of(&db, &id).await, "returned");

    // The applicant reads the reason, changes their phone number and submits again.
    let tasks = get_with(&app, &format!("/permohonan/{id}"), &[&citizen])
        .await
        .text()
        .await
        .unwrap();
    assert!(tasks.contains(reason), "the applicant sees the reason");
    let response = save(&app, &citizen, &id, "kontak", &[("phone", "0813 1111 2222")], JSON).await;
    assert_eq!(response.status(), 200);
    let response = post(
        &app,
        "/api/permohonan/kirim",
        &[("application", &id)],
        &[&citizen],
        JSON,
    )
    .await;
    assert_eq!(response.status(), 200);
    assert_eq!(status_of(&db, &id).await, "submitted");

    // The next reviewer sees the change highlighted, then approves.
    let page = get_with(&app, &detail, &[&session]).await.text().await.unwrap();
    assert_eq!(
        page.matches("summary__row--changed").count(),
        1,
        "only the phone changed"
    );
    assert!(page.contains("+6281311112222"), "the new phone number");
    send(&app, &session, &format!("{detail}/klaim"), &[("action", "claim")]).await;
    let response = send(&app, &session, &format!("{detail}/langkah"), &[("step", "approve")]).await;
    assert_eq!(location(&response), format!("{detail}?ok=approve"));
    assert_eq!(status_of(&db, &id).await, "approved");
    // The applicant was told each time, by email, in their language: the reason, then the approval.
    let returned = newest_mail_to("kembali@example.com", |m| subject(m).ends_with("perlu diperbaiki")).await;
    assert!(body(&returned).contains(reason), "{returned}");
    let approved = newest_mail_to("kembali@example.com", |m| subject(m).contains("disetujui")).await;
    assert!(body(&approved).contains("pilih jadwal perekaman"), "{approved}");
    assert!(!approved.contains("1403094508060002"), "no NIK in a message");
    app.stop().await;
}

#[tokio::test]
async fn the_queue_pages_by_key_and_the_blank_card_stock_gates_printing() {
    let app = spawn_app().await;
    let db = db_of(&app).await;
    for i in 0..60 {
        sqlx::query("INSERT INTO accounts (id, identifier, created_at) VALUES ($1, $2, 0)")
            .bind(format!("acc-q-{i}"))
            .bind(format!("q{i}@example.com"))
            .execute(&db.pool)
            .await
            .unwrap();
        sqlx::query(
            "INSERT INTO applications (id, account_id, kind, status, answers, reference, created_at, updated_at, \
             submitted_at, point_id, nik) VALUES ($1, $2, 'wni', 'submitted', '{}', $3, 0, 0, $4, 'dinas', $5)",
        )
        .bind(format!("app-q-{i:02}"))
        .bind(format!("acc-q-{i}"))
        .bind(format!("BKS-261201-Q{i:05}"))
        .bind(1_700_000_000 + (i / 2) as i64) // pairs share a second: the id breaks the tie
        .bind(format!("1403010101{i:06}"))
        .execute(&db.pool)
        .await
        .unwrap();
    }
    let (_, secret) = staff_member(&db, "antre", Role::Supervisor, None).await;
    let session = staff_sign_in(&app, "antre", &secret).await;
    let mut seen = Vec::new();
    let mut path = "/petugas?status=submitted".to_owned();
    for _ in 0..5 {
        let page = get_with(&app, &path, &[&session]).await.text().await.unwrap();
        seen.extend(
            page.match_indices("BKS-261201-Q")
                .map(|(i, _)| page[i..i + 17].to_owned()),
        );
        match page
            .split("rel=\"next\"")
            .next()
            .and_then(|before| before.rsplit("href=\"").next())
        {
            Some(next) if page.contains("rel=\"next\"") => path = next.split('"').next().unwrap().replace("&amp;", "&"),
            _ => break,
        }
    }
    let expected: Vec<String> = (0..60).map(|i| format!("BKS-261201-Q{i:05}")).collect();
    assert_eq!(seen, expected, "every application once, oldest first, over three pages");

    // Printing a card takes a blank; with none the applicant is told the card waits for blanks.
    let (citizen, id) = submitted_citizen(&app, "blangko@example.com").await;
    sqlx::query("UPDATE applications SET status = 'personalizing', point_id = 'dinas' WHERE id = $1")
        .bind(&id)
        .execute(&db.pool)
        .await
        .unwrap();
    let tasks = get_with(&app, &format!("/permohonan/{id}"), &[&citizen])
        .await
        .text()
        .await
        .unwrap();
    assert!(tasks.contains("menunggu blangko"));
    let detail = format!("/petugas/permohonan/{id}");
    send(&app, &session, &format!("{detail}/klaim"), &[("action", "claim")]).await;
    let response = send(&app, &session, &format!("{detail}/langkah"), &[("step", "card_ready")]).await;
    assert_eq!(location(&response), format!("{detail}?galat=NoBlankCards"));
    let response = send(&app, &session, "/petugas/blangko", &[("change", "-1"), ("note", "")]).await;
    assert_eq!(
        location(&response),
        "/petugas/blangko?galat=1",
        "the stock cannot go below zero"
    );
    send(
        &app,
        &session,
        "/petugas/blangko",
        &[("change", "500"), ("note", "Kiriman Kemendagri")],
    )
    .await;
    let response = send(&app, &session, &format!("{detail}/langkah"), &[("step", "card_ready")]).await;
    assert_eq!(location(&response), format!("{detail}?ok=card_ready"));
    assert_eq!(process::blank_cards(&db).await.unwrap(), 499);
    let tasks = get_with(&app, &format!("/permohonan/{id}"), &[&citizen])
        .await
        .text()
        .await
        .unwrap();
    assert!(!tasks.contains("menunggu blangko"));
    app.stop().await;
}

#[tokio::test]
async fn five_failed_sign_ins_lock_the_account_for_a_while() {
    let app = spawn_app().await;
    let db = db_of(&app).await;
    let (_, secret) = staff_member(&db, "tono", Role::Operator, Some("dinas")).await;
    for _ in 0..5 {
        let response = post(
            &app,
            "/petugas/masuk",
            &[
                ("username", "tono"),
                ("password", "bukan kata sandinya"),
                ("code", &code_now(&secret)),
            ],
            &[],
            HTML,
        )
        .await;
        assert_eq!(response.status(), 401);
    }
    // Now even the right password and code are refused, with the same message.
    let response = post(
        &app,
        "/petugas/masuk",
        &[
            ("username", "tono"),
            ("password", PASSWORD),
            ("code", &code_now(&secret)),
        ],
        &[],
        HTML,
    )
    .await;
    assert_eq!(response.status(), 401);
    assert!(response
        .text()
        .await
        .unwrap()
        .contains("Nama pengguna, kata sandi atau kode salah."));
    // When the lock has passed, the right credentials work and the count starts again.
    sqlx::query("UPDATE staff_sign_in_limits SET locked_until = 0 WHERE username = 'tono'")
        .execute(&db.pool)
        .await
        .unwrap();
    staff_sign_in(&app, "tono", &secret).await;
    let (failed,): (i64,) =
        sqlx::query_as("SELECT attempts FROM staff_sign_in_limits WHERE username = 'tono' AND client <> '*'")
            .fetch_one(&db.pool)
            .await
            .unwrap();
    assert_eq!(failed, 0);
    app.stop().await;
}

#[tokio::test]
async fn an_admin_changes_a_points_hours_and_adds_days_off_but_sees_no_applications() {
    let app = spawn_app().await;
    let db = db_of(&app).await;
    let (_, id) = submitted_citizen(&app, "kalender@example.com").await;
    let (_, secret) = staff_member(&db, "admin", Role::Admin, None).await;
    let session = staff_sign_in(&app, "admin", &secret).await;

    // An admin has no part in applications: the queue sends them to the accounts, a detail is 404.
    assert_eq!(
        location(&get_with(&app, "/petugas", &[&session]).await),
        "/petugas/akun"
    );
    assert_eq!(
        get_with(&app, &format!("/petugas/permohonan/{id}"), &[&session])
            .await
            .status(),
        404
    );

    let page = get_with(&app, "/petugas/kalender", &[&session])
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Kantor Camat") && page.contains("Sen 08:00–15:00"));

    // Saturday mornings at one district point, two counters more; a closing time before the opening is refused.
    let mut form: Vec<(String, String)> = vec![("counters".into(), "4".into())];
    for d in 0..7 {
        let (o, c) = match d {
            0..=3 => ("08:00", "15:00"),
            4 => ("08:00", "11:00"),
            5 => ("08:00", "12:00"),
            _ => ("", ""),
        };
        form.push((format!("opens_{d}"), o.into()));
        form.push((format!("closes_{d}"), c.into()));
    }
    let as_refs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let response = post(&app, "/petugas/kalender/14.03.01", &as_refs, &[&session], HTML).await;
    assert_eq!(location(&response), "/petugas/kalender");
    let (counters,): (i64,) = sqlx::query_as("SELECT counters FROM service_points WHERE id = '14.03.01'")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(counters, 4);
    let (saturday,): (String,) =
        sqlx::query_as("SELECT closes FROM opening_hours WHERE point_id = '14.03.01' AND weekday = 5")
            .fetch_one(&db.pool)
            .await
            .unwrap();
    assert_eq!(saturday, "12:00");
    let response = send(
        &app,
        &session,
        "/petugas/kalender/14.03.01",
        &[("counters", "4"), ("opens_0", "15:00"), ("closes_0", "08:00")],
    )
    .await;
    assert_eq!(location(&response), "/petugas/kalender/14.03.01?galat=1");

    // A holiday and a closure are kept; a bad date is refused.
    let response = send(
        &app,
        &session,
        "/petugas/kalender/libur",
        &[
            ("day", "2027-01-05"),
            ("name", "Hari Jadi Bengkalis"),
            ("kind", "lokal"),
        ],
    )
    .await;
    assert_eq!(location(&response), "/petugas/kalender?batal=0");
    let response = send(
        &app,
        &session,
        "/petugas/kalender/tutup",
        &[("point", "dinas"), ("day", "2027-01-06"), ("name", "Pemadaman listrik")],
    )
    .await;
    assert_eq!(location(&response), "/petugas/kalender?batal=0");
    let response = send(
        &app,
        &session,
        "/petugas/kalender/libur",
        &[("day", "05-01-2027"), ("name", "x"), ("kind", "lokal")],
    )
    .await;
    assert_eq!(location(&response), "/petugas/kalender?galat=1");
    let page = get_with(&app, "/petugas/kalender", &[&session])
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Hari Jadi Bengkalis") && page.contains("Pemadaman listrik"));

    // Operators and supervisors cannot reach the calendar.
    let (_, sup) = staff_member(&db, "kepala", Role::Supervisor, None).await;
    let sup = staff_sign_in(&app, "kepala", &sup).await;
    assert_eq!(get_with(&app, "/petugas/kalender", &[&sup]).await.status(), 404);
    app.stop().await;
}
