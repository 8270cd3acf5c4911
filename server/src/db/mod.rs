//! The database: one pool, one set of queries for SQLite and PostgreSQL.
//!
//! Queries go through sqlx's `Any` driver, written in the SQL both dialects share (`$1` placeholders, `TEXT`,
//! `BIGINT`, ISO dates as text, `ON CONFLICT`, `RETURNING`). The migrations are kept once per dialect, in
//! `migrations/sqlite` and `migrations/postgres`, and [`Db::migrate`] picks one per backend: a file of the
//! PostgreSQL folder is a symbolic link to the SQLite one, the same SQL, unless the change is one SQLite cannot
//! make with `ALTER TABLE` (a CHECK constraint on an existing column needs the table rebuilt); a test checks that
//! both folders hold the same migrations and that only those differ.

pub mod afis;
pub mod applications;
pub mod bookings;
pub mod complaints;
pub mod dashboard;
pub mod outbox;
pub mod process;
pub mod reference_data;
pub mod staff;

use sqlx::{any::AnyPoolOptions, AnyPool, Executor};
use std::time::Duration;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn of_url(url: &str) -> Backend {
        if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else {
            Backend::Postgres
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

#[derive(Clone, Debug)]
pub struct Db {
    pub pool: AnyPool,
    pub backend: Backend,
}

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("could not connect to the database: {0}")]
    Connect(#[source] sqlx::Error),
    #[error("could not apply the migrations: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("could not load the reference data: {0}")]
    Seed(#[source] sqlx::Error),
}

impl Db {
    /// Connects, applies every migration and loads the reference data that is still missing.
    pub async fn connect(url: &str) -> Result<Db, DbError> {
        sqlx::any::install_default_drivers();
        let backend = Backend::of_url(url);
        if backend == Backend::Sqlite {
            ensure_sqlite_folder(url);
        }
        let pool = AnyPoolOptions::new()
            .max_connections(match backend {
                Backend::Sqlite => 8,
                Backend::Postgres => 16,
            })
            .acquire_timeout(Duration::from_secs(10))
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        // WAL lets readers work while one writer writes; the busy timeout makes a second writer
                        // wait for the first instead of failing.
                        conn.execute(
                            "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
                             PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON;",
                        )
                        .await?;
                    }
                    Ok(())
                })
            })
            .connect(url)
            .await
            .map_err(DbError::Connect)?;
        let db = Db { pool, backend };
        db.migrate().await?;
        reference_data::load_missing(&db).await.map_err(DbError::Seed)?;
        bookings::seed_points(&db).await.map_err(DbError::Seed)?;
        Ok(db)
    }

    async fn migrate(&self) -> Result<(), sqlx::migrate::MigrateError> {
        match self.backend {
            Backend::Sqlite => sqlx::migrate!("./migrations/sqlite").run(&self.pool).await,
            Backend::Postgres => sqlx::migrate!("./migrations/postgres").run(&self.pool).await,
        }
    }

    /// A round trip to the database, for the health check.
    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        sqlx::query("SELECT 1").execute(&self.pool).await.map(|_| ())
    }
}

/// A code read from the database, decoded into the domain's type: a code the program does not know is a decoding
/// error that fails the request (and names the column in the log), never a default.
pub fn code<T: app::domain::codes::Code>(column: &'static str, text: &str) -> Result<T, sqlx::Error> {
    app::domain::codes::decode(column, text).map_err(|e| sqlx::Error::Decode(Box::new(e)))
}

/// SQLite creates the file (`mode=rwc`) but not the folder it sits in.
fn ensure_sqlite_folder(url: &str) {
    let path = url.trim_start_matches("sqlite://").trim_start_matches("sqlite:");
    let path = path.split('?').next().unwrap_or_default();
    if path.is_empty() || path == ":memory:" {
        return;
    }
    if let Some(parent) = std::path::Path::new(path).parent() {
        let _ = std::fs::create_dir_all(parent);
    }
}
