//! Bench: many applicants try to book the same slot at the same moment.
//!
//! `booking_contention DATABASE_URL [ATTEMPTS] [CAPACITY]` makes ATTEMPTS submitted applications, gives the
//! Dinas CAPACITY counters, then releases every attempt at once (a barrier) through the same store function the
//! booking form uses. It prints bookings made (must equal CAPACITY), clean refusals, errors (must be 0) and the
//! latency of one attempt; it exits non-zero when capacity or correctness is broken. The database should be
//! empty: a temporary SQLite file or a fresh PostgreSQL database.
//!
//! `booking_contention --http BALANCER_URL DATABASE_URL [ATTEMPTS] [CAPACITY]` does the same through HTTP, as
//! browsers would, against running portal nodes: the applicants are made in their database (DATABASE_URL), each
//! gets a citizen session minted with the portal's own token code and the key derived from `SESSION_SIGNING_KEY`
//! (from the environment; the issuer is `PUBLIC_BASE_URL`, else BALANCER_URL), then every attempt is released at
//! once as a POST of the booking form (`/api/jadwal/pesan`, with the balancer's `Origin`) through the balancer.
//! A 2xx or 3xx answer is a booking, a 422 naming `SlotFull` a refusal, anything else (a 5xx, another 4xx, a
//! transport error) an error. It also prints how many answers each node gave (the balancer's `X-Portal-Node`).

use app::{
    api::{auth::SESSION_COOKIE, cookies::CookiePolicy},
    domain::{
        booking::{bookable_days, BookingIssue, ClockTime},
        office::office_date,
        Date,
    },
};
use secrecy::SecretString;
use server::{
    auth::tokens::SessionTokens,
    db::{
        bookings::{self, BookingError, BookingRequest},
        Db,
    },
    keys,
    startup::{CITIZEN_IDLE_SECS, CITIZEN_SESSION_SECS},
};
use std::{
    collections::BTreeMap,
    sync::Arc,
    time::{Duration, Instant},
};

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--http") {
        return over_http(&args[1..]).await;
    }
    let mut args = args.into_iter();
    let url = args
        .next()
        .expect("usage: booking_contention [--http BALANCER_URL] DATABASE_URL [ATTEMPTS] [CAPACITY]");
    let attempts: usize = args.next().map(|a| a.parse().expect("ATTEMPTS")).unwrap_or(1000);
    let capacity: i32 = args.next().map(|a| a.parse().expect("CAPACITY")).unwrap_or(5);

    let db = Db::connect(&url).await.expect("the database");
    let contest = Contest::prepare(&db, "bench", attempts, capacity).await;
    let (today, now) = (contest.today, contest.now);

    let barrier = Arc::new(tokio::sync::Barrier::new(attempts));
    let started = Instant::now();
    let tasks: Vec<_> = contest
        .people
        .iter()
        .cloned()
        .map(|(account, application)| {
            let (db, slot, barrier) = (db.clone(), contest.slot.clone(), barrier.clone());
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
    let stored = contest.stored(&db).await;
    println!(
        "| {:<10} | {:>8} | {:>8} | {:>6} ({:>2} stored) | {:>9} | {:>6} | {} | {:>8.0} |",
        db.backend.name(),
        attempts,
        capacity,
        made,
        stored,
        refused,
        errors.len(),
        percentiles(&mut latencies),
        wall.as_secs_f64() * 1000.0,
    );
    if let Some(first) = errors.first() {
        eprintln!("first error: {first}");
    }
    if made != capacity as usize || stored != i64::from(capacity) || !errors.is_empty() {
        std::process::exit(1);
    }
}

/// Applicants who all want the same slot: Dinas at 08:00 on the first bookable day where it is free, with
/// CAPACITY counters.
struct Contest {
    people: Vec<(String, String)>,
    slot: BookingRequest,
    today: Date,
    now: i64,
}

impl Contest {
    async fn prepare(db: &Db, prefix: &str, attempts: usize, capacity: i32) -> Contest {
        let people = applicants(db, prefix, attempts).await;
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
        let mut contest = Contest {
            people,
            slot: BookingRequest {
                point: "dinas".into(),
                day: today,
                time: ClockTime::new(8, 0).expect("08:00"),
                replaces: None,
            },
            today,
            now,
        };
        // The first bookable day whose slot nobody holds yet (a database another run already used has some).
        for day in bookable_days(&calendar, today) {
            contest.slot.day = day;
            if contest.stored(db).await == 0 {
                return contest;
            }
        }
        panic!("no bookable day in the next month has its 08:00 slot at Dinas free");
    }

    /// The active bookings of the contested slot, as the database holds them.
    async fn stored(&self, db: &Db) -> i64 {
        let (stored,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM bookings WHERE status = 'booked' AND point_id = $1 AND day = $2 AND starts = $3",
        )
        .bind(&self.slot.point)
        .bind(self.slot.day.to_string())
        .bind(self.slot.time.to_string())
        .fetch_one(&db.pool)
        .await
        .expect("count the bookings");
        stored
    }
}

/// "p50 | p99" in milliseconds, each right-aligned in eight columns.
fn percentiles(latencies: &mut [Duration]) -> String {
    latencies.sort();
    let pct = |p: f64| latencies[((latencies.len() as f64 * p).ceil() as usize).clamp(1, latencies.len()) - 1];
    format!(
        "{:>8.1} | {:>8.1}",
        pct(0.50).as_secs_f64() * 1000.0,
        pct(0.99).as_secs_f64() * 1000.0
    )
}

/// What one booking POST through the balancer came to.
enum Outcome {
    Made,
    Refused,
    Error(String),
}

async fn over_http(args: &[String]) {
    const USAGE: &str = "usage: booking_contention --http BALANCER_URL DATABASE_URL [ATTEMPTS] [CAPACITY]";
    let balancer = args.first().expect(USAGE).trim_end_matches('/').to_owned();
    let url = args.get(1).expect(USAGE);
    let attempts: usize = args.get(2).map(|a| a.parse().expect("ATTEMPTS")).unwrap_or(1000);
    let capacity: i32 = args.get(3).map(|a| a.parse().expect("CAPACITY")).unwrap_or(5);
    let master = std::env::var("SESSION_SIGNING_KEY")
        .ok()
        .filter(|k| !k.is_empty())
        .map(SecretString::from)
        .expect("SESSION_SIGNING_KEY: the cluster's master key, to mint the applicants' sessions");
    // The configured key is taken as it is: no data folder is read or written.
    let master = keys::load_or_generate(Some(&master), std::path::Path::new("/nonexistent"), "session")
        .expect("SESSION_SIGNING_KEY is base64 of at least 32 bytes");
    let issuer = std::env::var("PUBLIC_BASE_URL")
        .ok()
        .filter(|u| !u.is_empty())
        .unwrap_or_else(|| balancer.clone());
    let issuer = issuer.trim_end_matches('/');
    let cookie_name = CookiePolicy {
        secure: issuer.starts_with("https://"),
    }
    .name(SESSION_COOKIE);

    let db = Db::connect(url).await.expect("the database");
    // Ids of this run's own: the cluster's database may already hold another run's applicants.
    let prefix = format!("bench-http-{}-{}", std::process::id(), server::auth::now());
    let contest = Contest::prepare(&db, &prefix, attempts, capacity).await;
    let tokens = SessionTokens::citizen(
        &keys::derive(&master, keys::purpose::CITIZEN_SESSION),
        issuer,
        CITIZEN_SESSION_SECS,
        CITIZEN_IDLE_SECS,
    );
    let mut sessions = Vec::with_capacity(attempts);
    for (account, application) in &contest.people {
        let token = tokens
            .start(&db, account, server::auth::now())
            .await
            .expect("start a session");
        sessions.push((application.clone(), format!("{cookie_name}={token}")));
    }

    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(120))
        .build()
        .expect("an HTTP client");
    let endpoint = format!("{balancer}/api/jadwal/pesan");
    let (point, day, time) = (
        contest.slot.point.clone(),
        contest.slot.day.to_string(),
        contest.slot.time.to_string(),
    );
    let barrier = Arc::new(tokio::sync::Barrier::new(attempts));
    let started = Instant::now();
    let tasks: Vec<_> = sessions
        .into_iter()
        .map(|(application, cookie)| {
            let (client, barrier, endpoint, origin) =
                (client.clone(), barrier.clone(), endpoint.clone(), balancer.clone());
            // The booking form's fields; ids, a date and a time need no escaping.
            let body = format!("application={application}&point={point}&day={day}&time={time}&replaces=");
            tokio::spawn(async move {
                barrier.wait().await;
                let t0 = Instant::now();
                let sent = client
                    .post(&endpoint)
                    .header("Origin", origin)
                    .header("Cookie", cookie)
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .header("Accept", "application/json")
                    .body(body)
                    .send()
                    .await;
                let (node, outcome) = match sent {
                    Err(error) => (None, Outcome::Error(format!("transport: {error}"))),
                    Ok(response) => {
                        let node = response
                            .headers()
                            .get("x-portal-node")
                            .and_then(|v| v.to_str().ok())
                            .map(str::to_owned);
                        let status = response.status();
                        let text = response.text().await.unwrap_or_default();
                        let outcome = if status.is_success() || status.is_redirection() {
                            Outcome::Made
                        } else if status.as_u16() == 422 && text.contains("SlotFull") {
                            Outcome::Refused
                        } else {
                            Outcome::Error(format!("{status}: {}", text.chars().take(200).collect::<String>()))
                        };
                        (node, outcome)
                    }
                };
                (t0.elapsed(), node, outcome)
            })
        })
        .collect();
    let (mut made, mut refused, mut errors) = (0usize, 0usize, Vec::new());
    let mut latencies: Vec<Duration> = Vec::with_capacity(attempts);
    let mut nodes: BTreeMap<String, usize> = BTreeMap::new();
    for task in tasks {
        let (latency, node, outcome) = task.await.expect("an attempt panicked");
        latencies.push(latency);
        *nodes.entry(node.unwrap_or_else(|| "no node".into())).or_default() += 1;
        match outcome {
            Outcome::Made => made += 1,
            Outcome::Refused => refused += 1,
            Outcome::Error(error) => errors.push(error),
        }
    }
    let wall = started.elapsed();
    let stored = contest.stored(&db).await;
    let per_node: Vec<String> = nodes.iter().map(|(node, n)| format!("{node}: {n}")).collect();
    println!(
        "| {:<10} | {:>8} | {:>8} | {:>6} ({:>2} stored) | {:>9} | {:>6} | {} | {:>8.0} | {} |",
        db.backend.name(),
        attempts,
        capacity,
        made,
        stored,
        refused,
        errors.len(),
        percentiles(&mut latencies),
        wall.as_secs_f64() * 1000.0,
        per_node.join(", "),
    );
    if let Some(first) = errors.first() {
        eprintln!("first error ({} in all): {first}", errors.len());
    }
    if made != capacity as usize || stored != i64::from(capacity) || !errors.is_empty() {
        std::process::exit(1);
    }
}

/// `n` accounts (ids starting with `prefix`), each with a submitted application, inserted in a few large statements.
async fn applicants(db: &Db, prefix: &str, n: usize) -> Vec<(String, String)> {
    let people: Vec<(String, String)> = (0..n)
        .map(|i| (format!("{prefix}-acc-{i}"), format!("{prefix}-app-{i}")))
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
