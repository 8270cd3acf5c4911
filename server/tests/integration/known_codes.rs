//! Codes in the database (issue 13): every state, step, topic, locale and complaint status column refuses a code
//! the program does not know (CHECK constraints, added by migration 0013 on both databases without losing a row),
//! and a code the program does not know, should one ever be read, stops the request instead of becoming a default.

use crate::applications::start;
use crate::helpers::*;
use server::db::{Backend, Db};
use std::path::Path;

fn migrations_of(backend: Backend) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("migrations")
        .join(backend.name())
}

/// A database as the portal left it before migration 0013, with its backend.
async fn database_before_0013(dir: &Path) -> (String, Backend, sqlx::AnyPool) {
    let (url, pool) = database_before_migration(dir, 13).await;
    (url.clone(), Backend::of_url(&url), pool)
}

async fn exec(pool: &sqlx::AnyPool, sql: &str) {
    sqlx::query(sql)
        .execute(pool)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

/// Rows of every kind the rebuilt tables hold, in several states, with their children.
async fn fill(pool: &sqlx::AnyPool, status: &str) {
    exec(
        pool,
        "INSERT INTO accounts (id, identifier, created_at, locale) VALUES ('a1', 'siti@example.id', 1, 'en')",
    )
    .await;
    exec(pool, "INSERT INTO service_points (id, name, address, district, serves_foreigners, slot_minutes, counters, position) \
                VALUES ('p1', 'Dinas', 'Jl. Pertanian', NULL, 1, 15, 2, 0)").await;
    for (id, state) in [("x1", status), ("x2", "draft"), ("x3", "issued")] {
        exec(
            pool,
            &format!(
                "INSERT INTO applications (id, account_id, kind, status, answers, reference, created_at, updated_at, \
                 submitted_at, point_id, nik, kitap_expires_on) VALUES ('{id}', 'a1', 'wna', '{state}', '{{}}', \
                 'REF-{id}', 1, 2, 3, 'p1', '1403094508060002', '2030-01-31')"
            ),
        )
        .await;
    }
    exec(
        pool,
        "INSERT INTO application_events (id, application_id, at, actor, from_status, to_status, note, step, seq) \
                VALUES ('e1', 'x1', 5, 'staff:s', 'submitted', 'approved', NULL, 'approve', 1), \
                       ('e0', 'x1', 4, 'citizen', NULL, 'submitted', NULL, NULL, 0)",
    )
    .await;
    exec(
        pool,
        "INSERT INTO outbox (id, account_id, application_id, topic, payload, created_at) \
                VALUES ('o1', 'a1', 'x1', 'status_changed', '{}', 6)",
    )
    .await;
    exec(
        pool,
        "INSERT INTO complaints (id, application_id, account_id, body, status, created_at) \
                VALUES ('c1', 'x1', 'a1', 'Lama sekali', 'open', 7)",
    )
    .await;
    exec(
        pool,
        "INSERT INTO documents (application_id, kind, object_key, content_type, bytes, uploaded_at) \
                VALUES ('x1', 'kk_scan', 'k1', 'image/jpeg', 10, 8)",
    )
    .await;
    exec(
        pool,
        "INSERT INTO bookings (id, application_id, point_id, day, starts, ends, status, created_at, updated_at) \
                VALUES ('b1', 'x1', 'p1', '2026-12-01', '08:00', '08:15', 'booked', 9, 9)",
    )
    .await;
}

#[tokio::test]
async fn migration_0013_keeps_every_row_and_every_link_and_then_refuses_unknown_codes() {
    let dir = tempfile::tempdir().unwrap();
    let (url, backend, pool) = database_before_0013(dir.path()).await;
    fill(&pool, "approved").await;
    pool.close().await;

    let db = Db::connect(&url).await.expect("the portal starts on the old database");
    assert_eq!(count_all(&db, "SELECT COUNT(*) FROM applications").await, 3);
    assert_eq!(count_all(&db, "SELECT COUNT(*) FROM application_events").await, 2);
    assert_eq!(count_all(&db, "SELECT COUNT(*) FROM outbox").await, 1);
    assert_eq!(count_all(&db, "SELECT COUNT(*) FROM complaints").await, 1);
    assert_eq!(count_all(&db, "SELECT COUNT(*) FROM documents").await, 1);
    assert_eq!(count_all(&db, "SELECT COUNT(*) FROM bookings").await, 1);
    let (locale, kitap): (String, String) = sqlx::query_as(
        "SELECT a.locale, p.kitap_expires_on FROM accounts a JOIN applications p ON p.account_id = a.id \
         WHERE p.id = 'x1'",
    )
    .fetch_one(&db.pool)
    .await
    .unwrap();
    assert_eq!((locale.as_str(), kitap.as_str()), ("en", "2030-01-31"));
    if backend == Backend::Sqlite {
        let broken: Vec<(String,)> = sqlx::query_as("SELECT \"table\" FROM pragma_foreign_key_check")
            .fetch_all(&db.pool)
            .await
            .unwrap();
        assert!(broken.is_empty(), "every child still has its parent: {broken:?}");
    }

    // The links still hold: an application with children cannot be deleted.
    assert!(sqlx::query("DELETE FROM applications WHERE id = 'x1'")
        .execute(&db.pool)
        .await
        .is_err());
    // And every code column refuses what the program does not know.
    for sql in [
        "UPDATE applications SET status = 'frozen' WHERE id = 'x2'",
        "UPDATE applications SET status = 'Draft' WHERE id = 'x2'",
        "UPDATE applications SET kind = 'xx' WHERE id = 'x2'",
        "UPDATE application_events SET step = 'teleport' WHERE id = 'e1'",
        "UPDATE application_events SET to_status = 'gone' WHERE id = 'e1'",
        "UPDATE application_events SET from_status = 'gone' WHERE id = 'e1'",
        "UPDATE bookings SET status = 'maybe' WHERE id = 'b1'",
        "UPDATE outbox SET topic = 'spam' WHERE id = 'o1'",
        "UPDATE complaints SET status = 'ignored' WHERE id = 'c1'",
        "UPDATE accounts SET locale = 'fr' WHERE id = 'a1'",
        "UPDATE staff SET role = 'root'",
    ] {
        let refused = sqlx::query(sql).execute(&db.pool).await;
        // `UPDATE staff` changes no row (there is none) and so proves nothing; insert one instead.
        if sql.starts_with("UPDATE staff") {
            let insert = sqlx::query(
                "INSERT INTO staff (id, username, display_name, role, created_at) VALUES ('s1', 'u', 'U', 'root', 1)",
            )
            .execute(&db.pool)
            .await;
            assert!(insert.is_err(), "an unknown role is refused");
            continue;
        }
        assert!(refused.is_err(), "{sql} must be refused");
    }
    // The codes the program writes, the new ones included, are accepted.
    exec(
        &db.pool,
        "UPDATE applications SET status = 'distributing' WHERE id = 'x2'",
    )
    .await;
    exec(
        &db.pool,
        "UPDATE application_events SET step = 'card_arrived' WHERE id = 'e1'",
    )
    .await;
    exec(&db.pool, "UPDATE outbox SET topic = 'card_withheld' WHERE id = 'o1'").await;
}

#[tokio::test]
async fn an_old_database_holding_an_unknown_code_is_refused_at_start_with_the_column_named() {
    let dir = tempfile::tempdir().unwrap();
    let (url, _backend, pool) = database_before_0013(dir.path()).await;
    fill(&pool, "frozen").await;
    pool.close().await;
    let error = Db::connect(&url)
        .await
        .expect_err("the migration refuses the unknown state")
        .to_string();
    assert!(error.contains("status"), "the message names the column: {error}");
    // Nothing was changed: the row is still there, as it was, for the office to correct.
    let pool = sqlx::any::AnyPoolOptions::new()
        .max_connections(1)
        .connect(&url)
        .await
        .unwrap();
    let (status,): (String,) = sqlx::query_as("SELECT status FROM applications WHERE id = 'x1'")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(status, "frozen");
}

#[tokio::test]
async fn both_databases_run_the_same_migrations_except_the_rebuild() {
    let read = |backend| {
        let mut files: Vec<(String, String)> = std::fs::read_dir(migrations_of(backend))
            .unwrap()
            .map(|e| {
                let path = e.unwrap().path();
                let name = path.file_name().unwrap().to_string_lossy().into_owned();
                (name, std::fs::read_to_string(&path).unwrap())
            })
            .collect();
        files.sort();
        files
    };
    let (sqlite, postgres) = (read(Backend::Sqlite), read(Backend::Postgres));
    let names = |files: &[(String, String)]| files.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
    assert_eq!(names(&sqlite), names(&postgres), "the same migrations in both folders");
    // The PostgreSQL folder links to the SQLite files; only a change SQLite cannot make in place differs.
    const DIALECT_SPECIFIC: &[&str] = &["0013_known_codes.sql"];
    for ((name, a), (_, b)) in sqlite.iter().zip(&postgres) {
        if !DIALECT_SPECIFIC.contains(&name.as_str()) {
            assert_eq!(a, b, "{name} differs between the SQLite and PostgreSQL folders");
        }
    }
}

/// Writes an unknown code past the CHECK constraint, as a damaged or hand-edited database would hold it.
async fn corrupt_status(app: &TestApp, id: &str) {
    let db = Db::connect(&app.database_url).await.unwrap();
    let mut conn = db.pool.acquire().await.unwrap();
    match app.backend {
        Backend::Sqlite => {
            sqlx::query("PRAGMA ignore_check_constraints = ON")
                .execute(&mut *conn)
                .await
                .unwrap();
        }
        Backend::Postgres => {
            sqlx::query("ALTER TABLE applications DROP CONSTRAINT applications_status_known")
                .execute(&mut *conn)
                .await
                .unwrap();
        }
    }
    sqlx::query("UPDATE applications SET status = 'frozen' WHERE id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await
        .unwrap();
}

#[tokio::test]
async fn an_unknown_state_stops_the_page_and_never_opens_the_form_as_a_draft() {
    log_lines();
    let app = spawn_app().await;
    let (session, id) = start(&app, "beku@example.id", "wni").await;
    corrupt_status(&app, &id).await;

    for path in [
        format!("/permohonan/{id}"),
        format!("/permohonan/{id}/identitas"),
        "/akun".to_owned(),
    ] {
        let response = get_with(&app, &path, &[&session]).await;
        let status = response.status();
        let html = response.text().await.unwrap();
        assert!(
            !html.contains("name=\"full_name\"") && !html.contains("name=\"nik\""),
            "{path}: the form of an application in an unknown state is never shown ({status})"
        );
        assert!(
            status.is_server_error(),
            "{path}: an unknown state is the server's fault, not the user's: {status}"
        );
    }
    // Saving is refused too: the application is not a draft.
    let response = crate::applications::save(
        &app,
        &session,
        &id,
        "identitas",
        &[
            ("nik", "1403094508060002"),
            ("no_kk", "1403091201150003"),
            ("full_name", "Siti"),
        ],
        "text/html",
    )
    .await;
    assert!(
        !response.status().is_success()
            || response
                .headers()
                .get("location")
                .is_none_or(|l| !l.to_str().unwrap().contains("/lahir"))
    );
    assert!(
        log_lines()
            .iter()
            .any(|l| l.contains("unknown applications.status") && l.contains("frozen")),
        "the log names the column and the value"
    );
}
