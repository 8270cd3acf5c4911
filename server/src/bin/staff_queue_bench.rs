//! Bench: the staff queue and search on an office's worth of history.
//!
//! `staff_queue_bench DATABASE_URL [APPLICATIONS] [EVENTS]` (defaults 1,000,000 and 5,000,000) fills an empty
//! database, in the database itself (set-based `INSERT … SELECT` over a generated series, 100,000 rows per
//! statement), with 100,000 accounts, APPLICATIONS applications submitted over the last two years (5% still
//! `submitted`, the rest further along; 90% citizens, 10% foreign residents; spread over the service points) and
//! EVENTS events on them. It then times, through the same store functions the staff pages use, 200 sequential
//! calls of each (after 20 warm-up calls):
//!
//! - the first page of the queue for a supervisor, and a page from the middle of the queue (keyset cursor);
//! - the first page of the queue for an operator at the Dinas;
//! - a search by registration number and a search by NIK, each for a random existing application.
//!
//! It prints one table row per measure (p50 and p99 of one call; the target is a p99 under 20 ms) and exits
//! non-zero when a call fails or returns the wrong rows, so the bench cannot measure nothing. The database should
//! be empty: a temporary SQLite file or a fresh PostgreSQL database.

use app::domain::process::Role;
use server::db::{
    process::{self, Cursor, QueueFilter, Scope, PAGE_SIZE},
    staff, Backend, Db,
};
use std::time::{Duration, Instant};

const ACCOUNTS: i64 = 100_000;
const CHUNK: i64 = 100_000;
const WARM_UP: usize = 20;
const ITERATIONS: usize = 200;
const TARGET_P99_MS: f64 = 20.0;
/// Submissions are spread over the two years before now.
const SPAN_SECS: i64 = 2 * 365 * 24 * 60 * 60;

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let usage = "usage: staff_queue_bench DATABASE_URL [APPLICATIONS] [EVENTS]";
    let url = args.next().expect(usage);
    let applications: i64 = args
        .next()
        .map(|a| a.parse().expect("APPLICATIONS"))
        .unwrap_or(1_000_000);
    let events: i64 = args.next().map(|a| a.parse().expect("EVENTS")).unwrap_or(5_000_000);
    // 5% wait in the queue and some 1.4% at the Dinas: 2,000 fill the operator's first page.
    if applications < 2_000 || events < 0 {
        fail("APPLICATIONS must be at least 2000 (so that every queue page is full) and EVENTS not negative");
    }

    let db = Db::connect(&url).await.expect("the database");
    let (existing,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM applications")
        .fetch_one(&db.pool)
        .await
        .expect("count the applications");
    if existing > 0 {
        fail(&format!(
            "the database already holds {existing} applications: give the bench an empty one"
        ));
    }
    let now = server::auth::now();
    let generation = Generation::new(&db, applications, events, now).await;
    let started = Instant::now();
    generation.run(&db).await;
    let generated_in = started.elapsed();

    // A fresh pool, so every connection plans with the statistics ANALYZE just gathered (SQLite loads them when a
    // connection opens).
    db.pool.close().await;
    let db = Db::connect(&url).await.expect("the database, again");
    let backend = db.backend.name();
    let size = database_size(&db).await;
    let (submitted,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM applications WHERE status = 'submitted'")
        .fetch_one(&db.pool)
        .await
        .expect("count the queue");
    println!(
        "{backend}: {} applications ({} submitted) and {} events generated in {:.1} s{}",
        thousands(applications),
        thousands(submitted),
        thousands(events),
        generated_in.as_secs_f64(),
        size.map(|s| format!("; database {:.2} GiB", s as f64 / (1u64 << 30) as f64))
            .unwrap_or_default(),
    );

    let (supervisor, _) = staff::create(&db, "bench.supervisor", "Bench Supervisor", Role::Supervisor, None, now)
        .await
        .expect("create the supervisor");
    let (operator, _) = staff::create(
        &db,
        "bench.operator",
        "Bench Operator",
        Role::Operator,
        Some("dinas"),
        now,
    )
    .await
    .expect("create the operator");
    let supervisor = Scope {
        staff_id: supervisor,
        role: Role::Supervisor,
        point: None,
    };
    let operator = Scope {
        staff_id: operator,
        role: Role::Operator,
        point: Some("dinas".into()),
    };
    let queue = QueueFilter::default();
    let page = PAGE_SIZE as usize;

    // The cursor of a row in the middle of the queue, found once, outside the timing.
    let (middle_at, middle_id): (i64, String) = sqlx::query_as(
        "SELECT submitted_at, id FROM applications WHERE status = 'submitted' ORDER BY submitted_at, id \
         LIMIT 1 OFFSET $1",
    )
    .bind(submitted / 2)
    .fetch_one(&db.pool)
    .await
    .expect("a cursor in the middle of the queue");
    let middle = Cursor {
        submitted_at: middle_at,
        id: middle_id,
    };

    println!(
        "| {:<10} | {:<44} | {:>8} | {:>8} | {:>4} |",
        "database", "measure", "p50 ms", "p99 ms", "rows"
    );
    println!("|---|---|---|---|---|");
    let mut rng = Rng::new();
    let mut over = Vec::new();
    let mut report = |measure: &str, result: Result<Measured, String>| match result {
        Ok(m) => {
            println!(
                "| {:<10} | {:<44} | {:>8.2} | {:>8.2} | {:>4} |",
                backend,
                measure,
                ms(m.p50),
                ms(m.p99),
                m.rows
            );
            if ms(m.p99) >= TARGET_P99_MS {
                over.push(measure.to_owned());
            }
        }
        Err(problem) => fail(&format!("{backend}, {measure}: {problem}")),
    };

    report(
        "queue, first page (supervisor)",
        measure(async |_| {
            let rows = process::queue(&db, &supervisor, &queue, None, now)
                .await
                .map_err(|e| e.to_string())?;
            expect_rows(rows.len(), page)
        })
        .await,
    );
    report(
        &format!("queue, page after row {} (supervisor)", thousands(submitted / 2)),
        measure(async |_| {
            let rows = process::queue(&db, &supervisor, &queue, Some(&middle), now)
                .await
                .map_err(|e| e.to_string())?;
            expect_rows(rows.len(), page)?;
            if rows[0].submitted_at < middle.submitted_at {
                return Err("the page starts before its cursor".into());
            }
            Ok(rows.len())
        })
        .await,
    );
    report(
        "queue, first page (operator at the Dinas)",
        measure(async |_| {
            let rows = process::queue(&db, &operator, &queue, None, now)
                .await
                .map_err(|e| e.to_string())?;
            expect_rows(rows.len(), page)?;
            if rows.iter().any(|r| r.point_id.as_deref() != Some("dinas")) {
                return Err("an operator's page shows another point's application".into());
            }
            Ok(rows.len())
        })
        .await,
    );
    report(
        "search by registration number",
        measure(async |_| {
            let n = rng.below(applications) + 1;
            let wanted = reference_of(n);
            let rows = process::search(&db, &supervisor, &wanted, now)
                .await
                .map_err(|e| e.to_string())?;
            expect_rows(rows.len(), 1)?;
            if rows[0].reference != wanted {
                return Err(format!("searched {wanted}, found {}", rows[0].reference));
            }
            Ok(1)
        })
        .await,
    );
    report(
        "search by NIK",
        measure(async |_| {
            let n = rng.below(applications) + 1;
            let rows = process::search(&db, &supervisor, &nik_of(n), now)
                .await
                .map_err(|e| e.to_string())?;
            expect_rows(rows.len(), 1)?;
            if rows[0].reference != reference_of(n) {
                return Err(format!(
                    "searched the NIK of {}, found {}",
                    reference_of(n),
                    rows[0].reference
                ));
            }
            Ok(1)
        })
        .await,
    );
    if over.is_empty() {
        println!("{backend}: every p99 is under the {TARGET_P99_MS} ms target");
    } else {
        println!(
            "{backend}: p99 at or over the {TARGET_P99_MS} ms target: {}",
            over.join(", ")
        );
    }
}

fn fail(message: &str) -> ! {
    eprintln!("staff_queue_bench: {message}");
    std::process::exit(1);
}

fn expect_rows(got: usize, wanted: usize) -> Result<usize, String> {
    if got == wanted {
        Ok(got)
    } else {
        Err(format!("{got} rows where {wanted} were expected"))
    }
}

struct Measured {
    p50: Duration,
    p99: Duration,
    rows: usize,
}

/// Calls `call` WARM_UP times, then ITERATIONS times with a stopwatch, one after the other.
async fn measure(mut call: impl AsyncFnMut(usize) -> Result<usize, String>) -> Result<Measured, String> {
    for i in 0..WARM_UP {
        call(i).await?;
    }
    let mut latencies = Vec::with_capacity(ITERATIONS);
    let mut rows = 0;
    for i in 0..ITERATIONS {
        let t0 = Instant::now();
        rows = call(i).await?;
        latencies.push(t0.elapsed());
    }
    latencies.sort();
    let pct = |p: f64| latencies[((latencies.len() as f64 * p).ceil() as usize).clamp(1, latencies.len()) - 1];
    Ok(Measured {
        p50: pct(0.50),
        p99: pct(0.99),
        rows,
    })
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn thousands(n: i64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The registration number of generated application `n`: `BKS-000000-123456`, the shape of a real one.
fn reference_of(n: i64) -> String {
    format!("BKS-{:06}-{:06}", n / 1_000_000, n % 1_000_000)
}

/// The NIK of generated application `n`: 16 digits, unique.
fn nik_of(n: i64) -> String {
    format!("1403{n:012}")
}

/// What the database takes on disk, where that is cheap to ask.
async fn database_size(db: &Db) -> Option<i64> {
    let sql = match db.backend {
        Backend::Sqlite => "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()",
        Backend::Postgres => "SELECT pg_database_size(current_database())",
    };
    sqlx::query_as::<_, (i64,)>(sql)
        .fetch_one(&db.pool)
        .await
        .ok()
        .map(|(s,)| s)
}

/// The set-based SQL that fills the database: every statement inserts rows `lo..=hi` of a series the database
/// generates itself (`WITH RECURSIVE` on SQLite, `generate_series` on PostgreSQL).
struct Generation {
    backend: Backend,
    applications: i64,
    events: i64,
    /// Accounts `0..accounts`; application `n` belongs to account `n % accounts`.
    accounts: i64,
    /// A CASE expression on `n` naming one of the seeded service points.
    point_of: String,
    start: i64,
}

impl Generation {
    async fn new(db: &Db, applications: i64, events: i64, now: i64) -> Generation {
        let points: Vec<(String,)> = sqlx::query_as("SELECT id FROM service_points ORDER BY position, id")
            .fetch_all(&db.pool)
            .await
            .expect("the service points");
        if !points.iter().any(|(id,)| id == "dinas") {
            fail("the service points were not seeded (no 'dinas')");
        }
        let quote = |s: &str| format!("'{}'", s.replace('\'', "''"));
        // Foreign residents go to the Dinas; citizens spread over every point (a multiplicative hash of `n`, so
        // that neither the state nor the kind lines up with the point).
        let branches: String = points
            .iter()
            .enumerate()
            .map(|(i, (id,))| format!(" WHEN {i} THEN {}", quote(id)))
            .collect();
        let point_of = format!(
            "CASE WHEN n % 10 = 0 THEN 'dinas' ELSE CASE ((n * 40503) / 7) % {} {branches} END END",
            points.len()
        );
        Generation {
            backend: db.backend,
            applications,
            events,
            accounts: ACCOUNTS.min(applications),
            point_of,
            start: now - SPAN_SECS,
        }
    }

    /// `WITH` prefix and `FROM` item of the series `lo..=hi`, named `s(n)`.
    fn series(&self, lo: i64, hi: i64) -> (String, String) {
        match self.backend {
            Backend::Sqlite => (
                format!("WITH RECURSIVE s(n) AS (SELECT {lo} UNION ALL SELECT n + 1 FROM s WHERE n < {hi}) "),
                "s".into(),
            ),
            Backend::Postgres => (
                String::new(),
                format!("generate_series({lo}::bigint, {hi}::bigint) AS s(n)"),
            ),
        }
    }

    /// `expr` as text, zero-padded to `width` digits.
    fn pad(&self, expr: &str, width: usize) -> String {
        match self.backend {
            Backend::Sqlite => format!("printf('%0{width}d', {expr})"),
            Backend::Postgres => format!("lpad(CAST({expr} AS TEXT), {width}, '0')"),
        }
    }

    fn submitted_at(&self, n: &str) -> String {
        format!("({} + {n} * {} / {})", self.start, SPAN_SECS, self.applications)
    }

    fn accounts(&self, lo: i64, hi: i64) -> String {
        let (with, from) = self.series(lo, hi);
        let id = self.pad("n", 8);
        format!(
            "{with}INSERT INTO accounts (id, identifier, created_at) \
             SELECT 'qc' || {id}, 'qc' || {id} || '@bench.invalid', {} FROM {from}",
            self.start
        )
    }

    fn applications(&self, lo: i64, hi: i64) -> String {
        let (with, from) = self.series(lo, hi);
        // `h` cycles through 0..100 over every 100 applications: 5 of them wait in the queue.
        let h = "((n * 61) % 100)";
        let nik = format!("'1403' || {}", self.pad("n", 12));
        format!(
            "{with}INSERT INTO applications (id, account_id, kind, status, answers, reference, created_at, \
             updated_at, submitted_at, point_id, nik) \
             SELECT 'qa' || {id}, 'qc' || {account}, \
             CASE WHEN n % 10 = 0 THEN 'wna' ELSE 'wni' END, \
             CASE WHEN {h} < 5 THEN 'submitted' WHEN {h} < 10 THEN 'approved' WHEN {h} < 15 THEN 'recorded' \
             WHEN {h} < 20 THEN 'identifying' WHEN {h} < 25 THEN 'personalizing' WHEN {h} < 30 THEN 'ready' \
             ELSE 'issued' END, \
             '{{\"full_name\":\"Pemohon ' || CAST(n AS TEXT) || '\",\"nik\":\"' || {nik} || '\"}}', \
             'BKS-' || {ref_hi} || '-' || {ref_lo}, \
             {at} - 86400, {at} + 3600, {at}, {point}, {nik} \
             FROM {from}",
            id = self.pad("n", 10),
            account = self.pad(&format!("n % {}", self.accounts), 8),
            ref_hi = self.pad("n / 1000000", 6),
            ref_lo = self.pad("n % 1000000", 6),
            at = self.submitted_at("n"),
            point = self.point_of,
        )
    }

    fn events(&self, lo: i64, hi: i64) -> String {
        let (with, from) = self.series(lo, hi);
        // Event `n` belongs to application `a` and is its `k`-th: submission first, then the staff's steps.
        let a = format!("(((n - 1) % {}) + 1)", self.applications);
        let k = format!("(((n - 1) / {}) % 7)", self.applications);
        let states = [
            "draft",
            "submitted",
            "approved",
            "recorded",
            "identifying",
            "personalizing",
            "ready",
            "issued",
        ];
        let state = |offset: usize| -> String {
            let branches: String = (0..7)
                .map(|i| format!(" WHEN {i} THEN '{}'", states[i + offset]))
                .collect();
            format!("CASE {k}{branches} END")
        };
        format!(
            "{with}INSERT INTO application_events (id, application_id, at, actor, from_status, to_status, step) \
             SELECT 'qe' || {id}, 'qa' || {app}, {at} + {k} * 86400, \
             CASE WHEN {k} = 0 THEN 'applicant' ELSE 'staff:bench' END, {from_status}, {to_status}, NULL \
             FROM {from}",
            id = self.pad("n", 10),
            app = self.pad(&a, 10),
            at = self.submitted_at(&a),
            from_status = state(0),
            to_status = state(1),
        )
    }

    async fn run(&self, db: &Db) {
        self.fill(db, "accounts", 0, self.accounts - 1, |lo, hi| self.accounts(lo, hi))
            .await;
        self.fill(db, "applications", 1, self.applications, |lo, hi| {
            self.applications(lo, hi)
        })
        .await;
        self.fill(db, "events", 1, self.events, |lo, hi| self.events(lo, hi))
            .await;
        let t0 = Instant::now();
        sqlx::query("ANALYZE").execute(&db.pool).await.expect("ANALYZE");
        eprintln!(
            "{}: ANALYZE in {:.1} s",
            self.backend.name(),
            t0.elapsed().as_secs_f64()
        );
    }

    /// Inserts rows `first..=last` in statements of CHUNK rows, each its own transaction.
    async fn fill(&self, db: &Db, table: &str, first: i64, last: i64, sql: impl Fn(i64, i64) -> String) {
        let t0 = Instant::now();
        let mut lo = first;
        while lo <= last {
            let hi = (lo + CHUNK - 1).min(last);
            sqlx::query(&sql(lo, hi))
                .execute(&db.pool)
                .await
                .unwrap_or_else(|e| fail(&format!("generating {table} {lo}..={hi}: {e}")));
            let done = hi - first + 1;
            let total = last - first + 1;
            if done == total || (done / CHUNK) % 10 == 0 {
                eprintln!(
                    "{}: {table} {}/{} ({:.1} s)",
                    self.backend.name(),
                    thousands(done),
                    thousands(total),
                    t0.elapsed().as_secs_f64()
                );
            }
            lo = hi + 1;
        }
    }
}

/// xorshift64*, seeded from the operating system: enough to pick applications at random.
struct Rng(u64);

impl Rng {
    fn new() -> Rng {
        let mut seed = [0u8; 8];
        getrandom::fill(&mut seed).expect("a random seed");
        Rng(u64::from_le_bytes(seed) | 1)
    }

    /// A number in `0..n`.
    fn below(&mut self, n: i64) -> i64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) % n as u64) as i64
    }
}
