//! Messages reach the applicant at the sign-in identifier and at each other contact they gave in the form, once
//! per address even with two workers racing; a contact that is the sign-in identifier written another way gets
//! no second copy; the contact is the one in the answers when the message is queued; a contact no channel of the
//! site reaches is skipped, not failed; the day-before reminder goes only to applicants whose application can
//! still be recorded; the missed appointment's link is the portal's own booking page; and nothing sent or logged
//! holds the NIK.

use crate::{
    applications::{save, start, upload, JSON},
    helpers::*,
};
use server::{
    auth::now,
    config::Config,
    db::{
        outbox::{self, Topic},
        Db,
    },
    documents::fixtures,
    notify::{
        worker::{Settings, Worker},
        Gateway, Notifier,
    },
};
use std::{
    collections::{HashMap, HashSet},
    sync::{Arc, Mutex},
    time::Duration,
};

/// The NIK of this file's applicants: no other test uses it, so no log line of another test can hold it.
const NIK: &str = "1403094508060917";

/// A citizen signed in as `mailbox` submits an application whose contact section holds `contact`; returns its id.
async fn submitted_with_contact(app: &TestApp, mailbox: &str, contact: &[(&str, &str)]) -> String {
    let (session, id) = start(app, mailbox, "wni").await;
    for (section, fields) in [
        (
            "identitas",
            &[
                ("nik", NIK),
                ("no_kk", "1403091201150003"),
                ("full_name", "Siti Aminah"),
            ][..],
        ),
        (
            "kelahiran",
            &[("birth_place", "Bengkalis"), ("birth_date", "2006-08-05"), ("sex", "P")][..],
        ),
        (
            "data-diri",
            &[
                ("blood_type", "O+"),
                ("religion", "Islam"),
                ("marital_status", "Belum Kawin"),
                ("occupation", "Pelajar"),
            ][..],
        ),
        (
            "alamat",
            &[
                ("street", "Jl. Pertanian No. 5"),
                ("rt", "1"),
                ("rw", "2"),
                ("province", "14"),
                ("regency", "14.03"),
                ("district", "14.03.01"),
                ("village_code", "14.03.01.1002"),
            ][..],
        ),
        ("kontak", contact),
    ] {
        let response = save(app, &session, &id, section, fields, JSON).await;
        assert_eq!(response.status(), 200, "{section}: {}", response.text().await.unwrap());
    }
    let response = upload(app, &session, &id, "kk_scan", "kk.jpg", fixtures::jpeg(600, 400), JSON).await;
    assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
    let response = post(app, "/api/permohonan/kirim", &[("application", &id)], &[&session], JSON).await;
    assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
    id
}

/// An SMS gateway on loopback that answers 200 and keeps each request's idempotency key and body.
async fn gateway() -> (Gateway, Arc<Mutex<Vec<(String, serde_json::Value)>>>) {
    let received: Arc<Mutex<Vec<(String, serde_json::Value)>>> = Arc::default();
    let kept = received.clone();
    let router = axum::Router::new().route(
        "/kirim",
        axum::routing::post(
            move |headers: axum::http::HeaderMap, body: axum::Json<serde_json::Value>| {
                let kept = kept.clone();
                async move {
                    let key = headers
                        .get("idempotency-key")
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("")
                        .to_owned();
                    kept.lock().unwrap().push((key, body.0));
                    axum::http::StatusCode::OK
                }
            },
        ),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/kirim", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await });
    let gateway = Gateway {
        url,
        token: "rahasia-gateway".to_owned().into(),
        channel: "sms".into(),
    };
    (gateway, received)
}

fn worker(db: &Db, notifier: Notifier) -> Worker {
    let settings = Settings {
        lease_secs: 30,
        retry_secs: 1,
        poll: Duration::from_millis(100),
    };
    Worker::new(db.clone(), Arc::new(notifier), settings)
}

fn notifier(sink: &MailSink, gateway: Option<Gateway>) -> Notifier {
    Notifier::new(Some(&sink.url()), "Portal <no-reply@localhost>", gateway, false).unwrap()
}

/// Rounds of `worker` until nothing waits.
async fn drain(db: Db, worker: Worker) {
    for _ in 0..300 {
        worker.round().await.unwrap();
        if outbox::counts(&db).await.unwrap().0 == 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("the outbox did not drain: {:?}", outbox::counts(&db).await.unwrap());
}

/// Every stored mail in `sink`, as (envelope recipient, Message-ID's outbox id, whole text).
fn mails(sink: &MailSink) -> Vec<(String, String, String)> {
    std::fs::read_dir(&sink.dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".eml"))
        .map(|e| {
            let text = std::fs::read_to_string(e.path()).unwrap();
            let to = text
                .lines()
                .next()
                .and_then(|l| l.strip_prefix("X-Envelope-To: "))
                .expect("the sink names the recipient")
                .to_owned();
            let id = text
                .lines()
                .find_map(|l| l.strip_prefix("Message-ID: <"))
                .and_then(|l| l.split('@').next())
                .expect("every message has a Message-ID")
                .to_owned();
            (to, id, text)
        })
        .collect()
}

/// The outbox's recipients of `application`'s messages, by topic and in the order queued (`None`: the account).
async fn recipients(db: &Db, application: &str) -> Vec<(String, Option<String>)> {
    sqlx::query_as(
        "SELECT topic, recipient FROM outbox WHERE application_id = $1 ORDER BY created_at, COALESCE(recipient, '')",
    )
    .bind(application)
    .fetch_all(&db.pool)
    .await
    .unwrap()
}

/// Queues `n` more status messages about `application`, as the console's steps do.
async fn queue_status(db: &Db, application: &str, status: &str, n: usize) {
    let mut tx = db.pool.begin().await.unwrap();
    for _ in 0..n {
        outbox::enqueue(
            &mut tx,
            application,
            Topic::StatusChanged,
            serde_json::json!({ "status": status }),
            now(),
        )
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
}

#[tokio::test]
async fn a_message_reaches_the_sign_in_email_and_each_other_contact_once_even_with_two_workers() {
    let logged_before = log_lines().len();
    let app = spawn_app_with(&[("OUTBOX_WORKER", "off")]).await;
    let db = db_of(&app).await;
    let id = submitted_with_contact(
        &app,
        "masuk.kontak@example.com",
        &[("phone", "0812 7777 1234"), ("email", "Kontak.Rumah@Example.com")],
    )
    .await;
    // The submission's message, and 24 more: enough for both workers to take batches at once.
    queue_status(&db, &id, "approved", 24).await;
    let queued = recipients(&db, &id).await;
    assert_eq!(queued.len(), 75, "three addresses for each of 25 messages: {queued:?}");
    for address in [None, Some("+6281277771234"), Some("kontak.rumah@example.com")] {
        assert_eq!(
            queued.iter().filter(|(_, r)| r.as_deref() == address).count(),
            25,
            "{address:?}"
        );
    }

    let sink = MailSink::start();
    let (gateway, texts) = gateway().await;
    let first = worker(&db, notifier(&sink, Some(gateway.clone())));
    let second = worker(&db, notifier(&sink, Some(gateway)));
    let (a, b) = tokio::join!(
        tokio::spawn(drain(db.clone(), first)),
        tokio::spawn(drain(db.clone(), second))
    );
    a.unwrap();
    b.unwrap();
    assert_eq!(outbox::counts(&db).await.unwrap(), (0, 75, 0), "every message sent");

    let mails = mails(&sink);
    let texts = texts.lock().unwrap().clone();
    let mut per_address: HashMap<String, usize> = HashMap::new();
    for (to, _, _) in &mails {
        *per_address.entry(to.clone()).or_default() += 1;
    }
    for (_, body) in &texts {
        *per_address.entry(body["to"].as_str().unwrap().to_owned()).or_default() += 1;
    }
    assert_eq!(
        per_address,
        HashMap::from([
            ("masuk.kontak@example.com".to_owned(), 25),
            ("kontak.rumah@example.com".to_owned(), 25),
            ("+6281277771234".to_owned(), 25),
        ]),
        "each address gets each message, and nothing else is written to"
    );
    // Exactly once: every outbox row arrived once, by one channel.
    let ids: Vec<&String> = mails
        .iter()
        .map(|(_, id, _)| id)
        .chain(texts.iter().map(|(key, _)| key))
        .collect();
    assert_eq!(ids.iter().collect::<HashSet<_>>().len(), 75, "no row delivered twice");

    // The first message is the submission's, in every channel; none holds the NIK.
    let submitted = mails
        .iter()
        .filter(|(_, _, text)| body(text).contains("sudah kami terima"))
        .count();
    assert_eq!(submitted, 2, "the submission is told at both email addresses");
    assert_eq!(
        texts
            .iter()
            .filter(|(_, b)| b["text"].as_str().unwrap().contains("sudah kami terima"))
            .count(),
        1,
        "and by SMS"
    );
    for (to, _, text) in &mails {
        assert!(!body(text).contains(NIK) && !text.contains(NIK), "{to}: {text}");
    }
    for (_, b) in &texts {
        assert!(!b.to_string().contains(NIK), "{b}");
    }
    assert!(
        log_lines()[logged_before..].iter().all(|l| !l.contains(NIK)),
        "no log line holds the NIK"
    );
    app.stop().await;
}

#[tokio::test]
async fn a_contact_that_is_the_sign_in_identifier_written_another_way_gets_one_message() {
    let app = spawn_app_with(&[("OUTBOX_WORKER", "off")]).await;
    let db = db_of(&app).await;
    // The form's email is the sign-in email in other letters.
    let id = submitted_with_contact(&app, "sama.kontak@example.com", &[("email", "Sama.Kontak@EXAMPLE.com")]).await;
    assert_eq!(recipients(&db, &id).await, [("status_changed".to_owned(), None)]);

    // The form's mobile number is the sign-in number in its national form; the form's email is another address.
    sqlx::query("INSERT INTO accounts (id, identifier, created_at) VALUES ('ponsel', '+6281299990000', 0)")
        .execute(&db.pool)
        .await
        .unwrap();
    let answers = serde_json::json!({ "nik": NIK, "phone": "0812-9999-0000", "email": "Lain@Example.com" });
    sqlx::query(
        "INSERT INTO applications (id, account_id, kind, status, answers, reference, created_at, updated_at) \
         VALUES ('ponsel-app', 'ponsel', 'wni', 'submitted', $1, 'BKS-261201-009001', 0, 0)",
    )
    .bind(answers.to_string())
    .execute(&db.pool)
    .await
    .unwrap();
    queue_status(&db, "ponsel-app", "approved", 1).await;
    assert_eq!(
        recipients(&db, "ponsel-app").await,
        [
            ("status_changed".to_owned(), None),
            ("status_changed".to_owned(), Some("lain@example.com".to_owned()))
        ]
    );

    let sink = MailSink::start();
    let (gateway, texts) = gateway().await;
    drain(db.clone(), worker(&db, notifier(&sink, Some(gateway)))).await;
    let mails = mails(&sink);
    let to: Vec<&str> = mails.iter().map(|(to, _, _)| to.as_str()).collect();
    assert_eq!(
        to.iter().filter(|t| **t == "sama.kontak@example.com").count(),
        1,
        "{to:?}"
    );
    assert_eq!(to.iter().filter(|t| **t == "lain@example.com").count(), 1, "{to:?}");
    assert_eq!(mails.len(), 2, "{to:?}");
    let texts = texts.lock().unwrap().clone();
    assert_eq!(texts.len(), 1, "one SMS to the one number: {texts:?}");
    assert_eq!(texts[0].1["to"], "+6281299990000");
    app.stop().await;
}

#[tokio::test]
async fn a_changed_contact_counts_from_the_next_message_on() {
    let app = spawn_app_with(&[("OUTBOX_WORKER", "off")]).await;
    let db = db_of(&app).await;
    sqlx::query("INSERT INTO accounts (id, identifier, created_at) VALUES ('pindah', 'pindah@example.com', 0)")
        .execute(&db.pool)
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO applications (id, account_id, kind, status, answers, reference, created_at, updated_at) \
         VALUES ('pindah-app', 'pindah', 'wni', 'submitted', $1, 'BKS-261201-009002', 0, 0)",
    )
    .bind(serde_json::json!({ "email": "lama@example.com", "phone": "081211112222" }).to_string())
    .execute(&db.pool)
    .await
    .unwrap();
    queue_status(&db, "pindah-app", "returned", 1).await;
    sqlx::query("UPDATE applications SET answers = $1 WHERE id = 'pindah-app'")
        .bind(serde_json::json!({ "email": "baru@example.com" }).to_string())
        .execute(&db.pool)
        .await
        .unwrap();
    queue_status(&db, "pindah-app", "approved", 1).await;

    // This site has no SMS gateway: the copy for the form's phone is left unsent, not counted as a failure.
    let sink = MailSink::start();
    drain(db.clone(), worker(&db, notifier(&sink, None))).await;
    assert_eq!(outbox::counts(&db).await.unwrap(), (0, 5, 0), "nothing set aside");
    let subjects = |to: &str| {
        mails(&sink)
            .into_iter()
            .filter(|(t, _, _)| t == to)
            .map(|(_, _, text)| subject(&text).to_owned())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        subjects("lama@example.com"),
        ["Permohonan BKS-261201-009002 perlu diperbaiki"],
        "the old address has the message queued while it was the contact"
    );
    assert_eq!(
        subjects("baru@example.com"),
        ["Permohonan BKS-261201-009002 disetujui: pilih jadwal perekaman"]
    );
    assert_eq!(subjects("pindah@example.com").len(), 2, "the account gets both");
    app.stop().await;
}

#[tokio::test]
async fn the_day_before_reminder_goes_only_to_applications_that_can_still_be_recorded() {
    let app = spawn_app_with(&[("OUTBOX_WORKER", "off")]).await;
    let db = db_of(&app).await;
    let today = app::domain::Date::parse_iso("2026-11-23").unwrap();
    let statuses = ["submitted", "approved", "rejected", "returned", "recorded"];
    for (i, status) in statuses.into_iter().enumerate() {
        sqlx::query("INSERT INTO accounts (id, identifier, created_at) VALUES ($1, $2, 0)")
            .bind(format!("ingat-{status}"))
            .bind(format!("ingat-{status}@example.com"))
            .execute(&db.pool)
            .await
            .unwrap();
        sqlx::query(
            "INSERT INTO applications (id, account_id, kind, status, answers, created_at, updated_at) \
             VALUES ($1, $2, 'wni', $3, '{}', 0, 0)",
        )
        .bind(format!("app-{status}"))
        .bind(format!("ingat-{status}"))
        .bind(status)
        .execute(&db.pool)
        .await
        .unwrap();
        // Every one still holds a booking for tomorrow.
        sqlx::query(
            "INSERT INTO bookings (id, application_id, point_id, day, starts, ends, status, created_at, updated_at) \
             VALUES ($1, $2, 'dinas', '2026-11-24', $3, $4, 'booked', 0, 0)",
        )
        .bind(format!("book-{status}"))
        .bind(format!("app-{status}"))
        .bind(format!("{:02}:00", 8 + i))
        .bind(format!("{:02}:15", 8 + i))
        .execute(&db.pool)
        .await
        .unwrap();
    }
    assert_eq!(outbox::queue_reminders(&db, today, 1).await.unwrap(), 2);
    let reminded: Vec<(String,)> =
        sqlx::query_as("SELECT application_id FROM outbox WHERE topic = 'booking_reminder' ORDER BY application_id")
            .fetch_all(&db.pool)
            .await
            .unwrap();
    assert_eq!(
        reminded,
        [("app-approved".to_owned(),), ("app-submitted".to_owned(),)],
        "the rejected, returned and recorded applicants are not told to come"
    );

    // Delivered: the rejected applicant's mailbox stays empty.
    let sink = MailSink::start();
    drain(db.clone(), worker(&db, notifier(&sink, None))).await;
    assert_eq!(mails_in(&sink.dir, "ingat-submitted@example.com").len(), 1);
    assert_eq!(mails_in(&sink.dir, "ingat-approved@example.com").len(), 1);
    for status in ["rejected", "returned", "recorded"] {
        assert!(
            mails_in(&sink.dir, &format!("ingat-{status}@example.com")).is_empty(),
            "{status}"
        );
    }
    // A returned application resubmitted the same day still gets its reminder, once.
    sqlx::query("UPDATE applications SET status = 'submitted' WHERE id = 'app-returned'")
        .execute(&db.pool)
        .await
        .unwrap();
    assert_eq!(outbox::queue_reminders(&db, today, 2).await.unwrap(), 1);
    assert_eq!(outbox::queue_reminders(&db, today, 3).await.unwrap(), 0);
    app.stop().await;
}

#[tokio::test]
async fn a_missed_appointment_links_to_the_booking_page_at_the_portals_public_address() {
    let app = spawn_app_with(&[("OUTBOX_WORKER", "off")]).await;
    let db = db_of(&app).await;
    let id = submitted_with_contact(&app, "terlewat@example.com", &[("phone", "081277770000")]).await;
    sqlx::query("DELETE FROM outbox").execute(&db.pool).await.unwrap();
    let mut tx = db.pool.begin().await.unwrap();
    let payload = serde_json::json!({ "point": "dinas", "day": "2026-11-23", "starts": "09:30" });
    outbox::enqueue(&mut tx, &id, Topic::AppointmentMissed, payload, now())
        .await
        .unwrap();
    tx.commit().await.unwrap();

    // The worker as the server builds it, from its configuration.
    let sink = MailSink::start();
    let (gateway, texts) = gateway().await;
    let vars = HashMap::from([
        ("DATABASE_URL", app.database_url.clone()),
        ("DATA_DIR", app.dir.path().join("worker").display().to_string()),
        ("SMTP_URL", sink.url()),
        ("PUBLIC_BASE_URL", "https://ktp.bengkalis.go.id/".to_owned()),
        ("SMS_GATEWAY_URL", gateway.url.clone()),
        ("SMS_GATEWAY_TOKEN", "rahasia-gateway".to_owned()),
    ]);
    let config = Config::from_lookup(|k| vars.get(k).cloned()).expect("the worker's configuration");
    drain(db.clone(), worker(&db, Notifier::from_config(&config).unwrap())).await;

    let link = format!("https://ktp.bengkalis.go.id/permohonan/{id}/jadwal");
    let mail = mails_in(&sink.dir, "terlewat@example.com");
    assert_eq!(mail.len(), 1);
    let text = body(&mail[0]);
    assert!(text.contains("Anda tidak datang pada jadwal perekaman"), "{text}");
    assert!(text.contains(&link), "{text}");
    assert_eq!(text.matches("http").count(), 1, "the one link: {text}");
    let texts = texts.lock().unwrap().clone();
    assert_eq!(texts.len(), 1, "and the form's phone: {texts:?}");
    assert!(texts[0].1["text"].as_str().unwrap().contains(&link), "{texts:?}");
    for message in [mail[0].clone(), texts[0].1.to_string()] {
        assert!(!message.contains(NIK), "{message}");
    }
    app.stop().await;
}
