//! The outbox and its delivery: each message exactly once with two worker processes, nothing lost when a worker
//! is killed mid-delivery, a refusing mail server only delays, the SMS gateway's request, and the reminders.

use crate::helpers::*;
use server::{
    auth::now,
    db::{outbox, Db},
    notify::{
        worker::{Settings, Worker, MAX_ATTEMPTS},
        Gateway, Notifier,
    },
};
use std::{
    collections::{HashMap, HashSet},
    sync::{Arc, Mutex},
    time::Duration,
};

/// `n` messages queued for one account (`to`), returning their ids.
async fn queue(db: &Db, account: &str, to: &str, n: usize) -> Vec<String> {
    sqlx::query("INSERT INTO accounts (id, identifier, created_at, locale) VALUES ($1, $2, 0, 'en')")
        .bind(account)
        .bind(to)
        .execute(&db.pool)
        .await
        .unwrap();
    let mut tx = db.pool.begin().await.unwrap();
    let mut ids = Vec::with_capacity(n);
    for i in 0..n {
        let id = format!("{account}-{i:04}");
        sqlx::query(
            "INSERT INTO outbox (id, account_id, topic, payload, created_at, next_attempt_at) \
             VALUES ($1, $2, 'status_changed', '{\"status\":\"approved\"}', $3, 0)",
        )
        .bind(&id)
        .bind(account)
        .bind(i as i64)
        .execute(&mut *tx)
        .await
        .unwrap();
        ids.push(id);
    }
    tx.commit().await.unwrap();
    ids
}

/// The outbox ids named by the `Message-ID`s of the messages in `sink`, with how often each arrived.
fn delivered(sink: &MailSink) -> HashMap<String, usize> {
    let mut seen = HashMap::new();
    for entry in std::fs::read_dir(&sink.dir).unwrap().filter_map(|e| e.ok()) {
        if !entry.file_name().to_string_lossy().ends_with(".eml") {
            continue;
        }
        let text = std::fs::read_to_string(entry.path()).unwrap();
        let id = text
            .lines()
            .find_map(|l| l.strip_prefix("Message-ID: <"))
            .and_then(|l| l.split('@').next())
            .expect("every message has a Message-ID")
            .to_owned();
        *seen.entry(id).or_insert(0) += 1;
    }
    seen
}

/// Waits until no message is waiting any more, for up to `secs`.
async fn drained(db: &Db, secs: u64) -> (i64, i64, i64) {
    for _ in 0..secs * 10 {
        let counts = outbox::counts(db).await.unwrap();
        if counts.0 == 0 {
            return counts;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    outbox::counts(db).await.unwrap()
}

/// `server deliver` as its own process.
fn worker_process(app: &TestApp, sink: &MailSink, lease: &str) -> std::process::Child {
    // The child's stderr, for when a test fails.
    let log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(app.dir.path().join("workers.log"))
        .unwrap();
    std::process::Command::new(env!("CARGO_BIN_EXE_server"))
        .arg("deliver")
        .env("DATABASE_URL", &app.database_url)
        .env("SMTP_URL", sink.url())
        .env("DATA_DIR", app.dir.path().join("worker"))
        .env("OUTBOX_LEASE_SECS", lease)
        .env("OUTBOX_RETRY_SECS", "1")
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::null())
        .stderr(log)
        .spawn()
        .expect("the server binary")
}

/// A worker in this process, with short pauses.
fn worker(db: &Db, notifier: Notifier) -> Worker {
    let settings = Settings {
        lease_secs: 30,
        retry_secs: 1,
        poll: Duration::from_millis(100),
    };
    Worker::new(db.clone(), Arc::new(notifier), settings)
}

fn mail_notifier(sink: &MailSink) -> Notifier {
    Notifier::new(Some(&sink.url()), "Portal <no-reply@localhost>", None, false).unwrap()
}

#[tokio::test]
async fn two_worker_processes_deliver_each_of_a_thousand_messages_exactly_once() {
    // The portal's own worker is off: the two processes share the work alone.
    let app = spawn_app_with(&[("OUTBOX_WORKER", "off")]).await;
    let db = db_of(&app).await;
    let sink = MailSink::start();
    let ids = queue(&db, "massal", "massal@example.com", 1000).await;

    let mut workers = [worker_process(&app, &sink, "60"), worker_process(&app, &sink, "60")];
    let counts = drained(&db, 180).await;
    for w in &mut workers {
        let _ = w.kill();
        let _ = w.wait();
    }
    assert_eq!(counts, (0, 1000, 0), "every message sent, none set aside");
    let seen = delivered(&sink);
    assert_eq!(seen.len(), 1000, "every message arrived");
    assert!(
        seen.values().all(|n| *n == 1),
        "some arrived twice: {:?}",
        seen.iter().filter(|(_, n)| **n > 1).collect::<Vec<_>>()
    );
    assert_eq!(seen.keys().cloned().collect::<HashSet<_>>(), ids.into_iter().collect());
}

#[tokio::test]
async fn a_worker_killed_mid_delivery_loses_nothing() {
    let app = spawn_app_with(&[("OUTBOX_WORKER", "off")]).await;
    let db = db_of(&app).await;
    let sink = MailSink::start();
    let ids = queue(&db, "terputus", "terputus@example.com", 60).await;

    // A slow mail server: the first worker is killed while it is handing messages over.
    std::fs::write(sink.dir.join("SLOW"), "0.2").unwrap();
    let mut first = worker_process(&app, &sink, "2");
    for _ in 0..200 {
        if delivered(&sink).len() >= 5 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    first.kill().unwrap();
    first.wait().unwrap();
    let before = outbox::counts(&db).await.unwrap();
    assert!(
        before.0 > 0,
        "the first worker was stopped with messages still to send: {before:?}"
    );
    std::fs::remove_file(sink.dir.join("SLOW")).unwrap();

    // Its claims run out and the second worker sends what it held.
    let mut second = worker_process(&app, &sink, "2");
    let counts = drained(&db, 60).await;
    second.kill().unwrap();
    second.wait().unwrap();
    assert_eq!(counts, (0, 60, 0), "every message sent");
    let seen = delivered(&sink);
    assert_eq!(
        seen.keys().cloned().collect::<HashSet<_>>(),
        ids.into_iter().collect(),
        "nothing lost"
    );
    // Only a message in the mail server's hands at the moment of the kill can arrive twice.
    assert!(seen.values().filter(|n| **n > 1).count() <= 1, "{seen:?}");
}

#[tokio::test]
async fn a_refusing_mail_server_delays_the_message_then_it_is_delivered() {
    let app = spawn_app_with(&[("OUTBOX_WORKER", "off")]).await;
    let db = db_of(&app).await;
    let sink = MailSink::start();
    std::fs::write(sink.dir.join("REFUSE"), "").unwrap();
    let ids = queue(&db, "ditolak", "ditolak@example.com", 1).await;
    // A minute's pause, which the test then lets pass by moving the message's time: no race with a slow machine.
    let mut worker = worker(&db, mail_notifier(&sink));
    worker.settings.retry_secs = 60;

    let before = now();
    let round = worker.round().await.unwrap();
    assert_eq!((round.sent, round.failed), (0, 1));
    let (attempts, next, error): (i64, i64, String) =
        sqlx::query_as("SELECT CAST(attempts AS BIGINT), next_attempt_at, last_error FROM outbox WHERE id = $1")
            .bind(&ids[0])
            .fetch_one(&db.pool)
            .await
            .unwrap();
    assert_eq!(attempts, 1);
    assert!(next >= before + 60, "tried again after the pause, not at once");
    assert!(error.contains("451"), "{error}");
    assert_eq!(
        worker.round().await.unwrap().failed,
        0,
        "not tried again before its time"
    );
    assert!(delivered(&sink).is_empty());

    // The server accepts again and the pause has passed: the message goes at its next try.
    std::fs::remove_file(sink.dir.join("REFUSE")).unwrap();
    sqlx::query("UPDATE outbox SET next_attempt_at = $1 WHERE id = $2")
        .bind(now())
        .bind(&ids[0])
        .execute(&db.pool)
        .await
        .unwrap();
    assert_eq!(worker.round().await.unwrap().sent, 1);
    let mails = mails_in(&sink.dir, "ditolak@example.com");
    assert_eq!(mails.len(), 1);
    assert!(
        subject(&mails[0]).starts_with("Application"),
        "in the account's language: {}",
        mails[0]
    );

    // A message that keeps failing is set aside with its error, never deleted.
    std::fs::write(sink.dir.join("REFUSE"), "").unwrap();
    let ids = queue(&db, "menyerah", "menyerah@example.com", 1).await;
    sqlx::query("UPDATE outbox SET attempts = $1 WHERE id = $2")
        .bind((MAX_ATTEMPTS - 1) as i32)
        .bind(&ids[0])
        .execute(&db.pool)
        .await
        .unwrap();
    assert_eq!(worker.round().await.unwrap().failed, 1);
    assert_eq!(outbox::counts(&db).await.unwrap(), (0, 1, 1));
    app.stop().await;
}

#[tokio::test]
async fn mobile_numbers_get_their_messages_through_the_gateway_which_may_fail_for_a_while() {
    let app = spawn_app_with(&[("OUTBOX_WORKER", "off")]).await;
    let db = db_of(&app).await;
    // The gateway: answers 503 to the first request, then 200; keeps what it was sent.
    let received: Arc<Mutex<Vec<(String, String, serde_json::Value)>>> = Arc::default();
    let kept = received.clone();
    let router = axum::Router::new().route(
        "/kirim",
        axum::routing::post(
            move |headers: axum::http::HeaderMap, body: axum::Json<serde_json::Value>| {
                let kept = kept.clone();
                async move {
                    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
                    let mut kept = kept.lock().unwrap();
                    kept.push((header("authorization"), header("idempotency-key"), body.0));
                    if kept.len() == 1 {
                        axum::http::StatusCode::SERVICE_UNAVAILABLE
                    } else {
                        axum::http::StatusCode::OK
                    }
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
        channel: "whatsapp".into(),
    };
    let notifier = Notifier::new(None, "Portal <no-reply@localhost>", Some(gateway), false).unwrap();
    let worker = worker(&db, notifier);
    let ids = queue(&db, "ponsel", "+6281234567890", 1).await;

    assert_eq!(
        worker.round().await.unwrap().failed,
        1,
        "the gateway's 503 is a failed try"
    );
    let mut sent = 0;
    for _ in 0..40 {
        sent += worker.round().await.unwrap().sent;
        if sent > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(sent, 1, "sent at the next try");
    let received = received.lock().unwrap().clone();
    assert_eq!(received.len(), 2);
    let (auth, key, body) = &received[1];
    assert_eq!(auth, "Bearer rahasia-gateway");
    assert_eq!(key, &ids[0], "the same idempotency key on every try");
    assert_eq!(received[0].1, ids[0]);
    assert_eq!(body["to"], "+6281234567890");
    assert_eq!(body["channel"], "whatsapp");
    assert!(body["text"].as_str().unwrap().contains("approved"), "{body}");
    app.stop().await;
}

#[tokio::test]
async fn reminders_are_queued_once_the_day_before_and_thirty_days_before_a_kitap_expires() {
    let app = spawn_app_with(&[("OUTBOX_WORKER", "off")]).await;
    let db = db_of(&app).await;
    let today = app::domain::Date::parse_iso("2026-11-23").unwrap();
    for (account, application, kind, status, kitap) in [
        ("r1", "a1", "wni", "approved", None),
        ("r2", "a2", "wna", "issued", Some("2026-12-20")),
        ("r3", "a3", "wna", "issued", Some("2027-03-01")),
    ] {
        sqlx::query("INSERT INTO accounts (id, identifier, created_at) VALUES ($1, $2, 0)")
            .bind(account)
            .bind(format!("{account}@example.com"))
            .execute(&db.pool)
            .await
            .unwrap();
        sqlx::query(
            "INSERT INTO applications (id, account_id, kind, status, answers, created_at, updated_at, \
             kitap_expires_on) VALUES ($1, $2, $3, $4, '{}', 0, 0, $5)",
        )
        .bind(application)
        .bind(account)
        .bind(kind)
        .bind(status)
        .bind(kitap)
        .execute(&db.pool)
        .await
        .unwrap();
    }
    // Tomorrow's appointment is reminded of; the day after's not yet.
    for (id, application, day) in [("b1", "a1", "2026-11-24"), ("b2", "a3", "2026-11-25")] {
        sqlx::query(
            "INSERT INTO bookings (id, application_id, point_id, day, starts, ends, status, created_at, updated_at) \
             VALUES ($1, $2, 'dinas', $3, '09:00', '09:15', 'booked', 0, 0)",
        )
        .bind(id)
        .bind(application)
        .bind(day)
        .execute(&db.pool)
        .await
        .unwrap();
    }
    assert_eq!(outbox::queue_reminders(&db, today, 1).await.unwrap(), 2);
    assert_eq!(
        outbox::queue_reminders(&db, today, 2).await.unwrap(),
        0,
        "each reminder once"
    );
    let queued: Vec<(String, String)> = sqlx::query_as("SELECT application_id, topic FROM outbox ORDER BY topic")
        .fetch_all(&db.pool)
        .await
        .unwrap();
    assert_eq!(
        queued,
        [
            ("a1".to_owned(), "booking_reminder".to_owned()),
            ("a2".to_owned(), "kitap_renewal".to_owned())
        ]
    );
    app.stop().await;
}
