//! Bench: many applicants try to book the same slot at the same moment.
//!
//! `booking_contention DATABASE_URL [ATTEMPTS] [CAPACITY]` makes ATTEMPTS submitted applications, gives the
//! Dinas CAPACITY counters, then releases every attempt at once (a barrier) through the same store function the
//! booking form uses. It prints bookings made (must equal CAPACITY), clean refusals, errors (must be 0) and the
//! latency of one attempt; it exits non-zero when capacity or correctness is broken. The database should be
//! empty: a temporary SQLite file or a fresh PostgreSQL database.

use app::domain::{
    booking::{bookable_days, BookingIssue},
    office::office_date,
};
use server::db::{
    bookings::{self, BookingError, BookingRequest},
    Db,
};
use std::{
    sync::Arc,
    time::{Duration, Instant},
};

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let url = args
        .next()
        .expect("usage: booking_contention DATABASE_URL [ATTEMPTS] [CAPACITY]");
    let attempts: usize = args.next().map(|a| a.parse().expect("ATTEMPTS")).unwrap_or(1000);
    let capacity: i32 = args.next().map(|a| a.parse().expect("CAPACITY")).unwrap_or(5);

    let db = Db::connect(&url).await.expect("the database");
    let people = applicants(&db, attempts).await;
    sqlx::query("UPDATE service_points SET counters = $1 WHERE id = 'dinas'")
        .bind(capacity)
        .execute(&db.pool)
        .await
        .expect("set the capacity");

    let now = server::auth::now();
    let today = office_date(now);
    let mut conn = db.pool.acquire().await.expect("a connection");
    let calendar = bookings::calendar(&mut conn, Some("dinas"), today, today.add_days(31))
        .await
        .expect("the calendar");
    drop(conn);
    let day = bookable_days(&calendar, today)[0];
    let slot = BookingRequest {
        point: "dinas".into(),
        day,
        time: app::domain::booking::ClockTime::new(8, 0).expect("08:00"),
        replaces: None,
    };

    let barrier = Arc::new(tokio::sync::Barrier::new(attempts));
    let started = Instant::now();
    let tasks: Vec<_> = people
        .into_iter()
        .map(|(account, application)| {
            let (db, slot, barrier) = (db.clone(), slot.clone(), barrier.clone());
            tokio::spawn(async move {
                barrier.wait().await;
                let t0 = Instant::now();
                let result = bookings::book(&db, &account, &application, &slot, today, now).await;
                (t0.elapsed(), result)
            })
        })
        .collect();
    let (mut made, mut refused, mut errors) = (0usize, 0usize, Vec::new());
    let mut latencies: Vec<Duration> = Vec::with_capacity(attempts);
    for task in tasks {
        let (latency, result) = task.await.expect("an attempt panicked");
        latencies.push(latency);
        match result {
            Ok(_) => made += 1,
            Err(BookingError::Refused(BookingIssue::SlotFull)) => refused += 1,
            Err(error) => errors.push(error.to_string()),
        }
    }
    let wall = started.elapsed();
    latencies.sort();
    let pct = |p: f64| latencies[((latencies.len() as f64 * p).ceil() as usize).clamp(1, latencies.len()) - 1];
    let (stored,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM bookings WHERE status = 'booked'")
        .fetch_one(&db.pool)
        .await
        .expect("count the bookings");
    println!(
        "| {:<10} | {:>8} | {:>8} | {:>6} ({:>2} stored) | {:>9} | {:>6} | {:>8.1} | {:>8.1} | {:>8.0} |",
        db.backend.name(),
        attempts,
        capacity,
        made,
        stored,
        refused,
        errors.len(),
        pct(0.50).as_secs_f64() * 1000.0,
        pct(0.99).as_secs_f64() * 1000.0,
        wall.as_secs_f64() * 1000.0,
    );
    if let Some(first) = errors.first() {
        eprintln!("first error: {first}");
    }
    if made != capacity as usize || stored != i64::from(capacity) || !errors.is_empty() {
        std::process::exit(1);
    }
}

/// `n` accounts, each with a submitted application, inserted in a few large statements.
async fn applicants(db: &Db, n: usize) -> Vec<(String, String)> {
    let people: Vec<(String, String)> = (0..n)
        .map(|i| (format!("bench-acc-{i}"), format!("bench-app-{i}")))
        .collect();
    let mut tx = db.pool.begin().await.expect("a transaction");
    for chunk in people.chunks(500) {
        let rows = |columns: usize| {
            (0..chunk.len())
                .map(|r| {
                    let cells: Vec<String> = (1..=columns).map(|c| format!("${}", r * columns + c)).collect();
                    format!("({})", cells.join(", "))
                })
                .collect::<Vec<_>>()
                .join(", ")
        };
        let sql = format!(
            "INSERT INTO accounts (id, identifier, created_at) VALUES {}",
            rows(2).replace(')', ", 0)")
        );
        let mut insert = sqlx::query(&sql);
        for (account, _) in chunk {
            insert = insert.bind(account).bind(format!("{account}@bench.invalid"));
        }
        insert.execute(&mut *tx).await.expect("insert accounts");
        let sql = format!(
            "INSERT INTO applications (id, account_id, kind, status, answers, reference, created_at, updated_at) \
             VALUES {}",
            rows(2).replace(')', ", 'wni', 'submitted', '{}', NULL, 0, 0)")
        );
        let mut insert = sqlx::query(&sql);
        for (account, application) in chunk {
            insert = insert.bind(application).bind(account);
        }
        insert.execute(&mut *tx).await.expect("insert applications");
    }
    tx.commit().await.expect("commit the applicants");
    people
}
