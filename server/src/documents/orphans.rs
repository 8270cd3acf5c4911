//! No scan acknowledged is lost and no object is orphaned, whatever crashes (`kill -9` of a node included).
//!
//! The document store and the database cannot share a transaction, so the database keeps a record of intent
//! (`object_intents`, migration 0019) for every object that may have no document row pointing at it:
//!
//! - an upload records its new key (`upload`) BEFORE it puts the object; the transaction that writes the document
//!   row removes it, and refuses to write the row if the intent is no longer an `upload` (the sweep claimed it);
//! - that same transaction records the key of the scan it replaces (`replaced`); its object is deleted after the
//!   commit;
//! - an upload that failed after its intent was recorded turns it into a `discard` and deletes its object.
//!
//! The sweep ([`sweep_once`]) claims each `upload` intent older than a grace period (long enough for an upload
//! in flight) that no row points at, turning it into a `discard` in one statement (the database orders it against
//! the transaction that writes the row: exactly one of them wins), then deletes the object of every `discard` and
//! `replaced` intent that no row points at and removes the intent. Deleting an object twice is no error, so any
//! number of nodes may sweep at once; only the node whose statement removed an intent counts it. The intent is
//! removed only after its object is gone: a node killed half-way leaves the intent for the next sweep.
//!
//! Every node sweeps every [`EVERY`] ([`spawn`]); an operator can sweep by hand with `server sweep-objects
//! [--grace-secs N]` ([`command`]). The grace period is `UPLOAD_SWEEP_GRACE_SECS` (default 600 seconds).

use super::store::{DocumentStore, StoreError};
use crate::db::Db;
use std::{sync::Arc, time::Duration};

/// How long an upload's intent is left alone by default (`UPLOAD_SWEEP_GRACE_SECS`, 600 in `Config`): longer than
/// any upload takes from its intent to its row (reading the file that is already on the node's disk, one
/// `PutObject`, one transaction).
/// How often each node sweeps.
pub const EVERY: Duration = Duration::from_secs(5 * 60);
/// Intents read at a time.
const BATCH: i64 = 200;

/// Why a key is in `object_intents`. A value the code does not know is an error, never a default.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// An upload in flight: its object may exist, its row not yet.
    Upload,
    /// The object of a replaced scan, to delete.
    Replaced,
    /// An object to delete: a failed upload, or one the sweep claimed.
    Discard,
}

impl Reason {
    pub fn code(self) -> &'static str {
        match self {
            Reason::Upload => "upload",
            Reason::Replaced => "replaced",
            Reason::Discard => "discard",
        }
    }

    pub fn parse(code: &str) -> Result<Reason, sqlx::Error> {
        match code {
            "upload" => Ok(Reason::Upload),
            "replaced" => Ok(Reason::Replaced),
            "discard" => Ok(Reason::Discard),
            other => Err(sqlx::Error::Decode(
                format!("object_intents.reason: unknown value {other:?}").into(),
            )),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SweepError {
    #[error(transparent)]
    Db(#[from] sqlx::Error),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What one sweep did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Swept {
    /// The keys whose object this sweep deleted and whose intent it removed (each counted by one node only).
    pub removed: Vec<String>,
    /// Intents removed without deleting anything: a document row points at their object.
    pub kept: u64,
    /// Objects that could not be deleted (the store failed): their intents stay for the next sweep.
    pub failed: u64,
}

/// Records that an object is about to be put under `key` for an upload; before the object exists.
pub async fn intend_upload(db: &Db, key: &str, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO object_intents (object_key, reason, created_at) VALUES ($1, $2, $3)")
        .bind(key)
        .bind(Reason::Upload.code())
        .bind(now)
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// The intent recorded for `key`, if any.
pub async fn intent(db: &Db, key: &str) -> Result<Option<Reason>, sqlx::Error> {
    let row: Option<(String,)> = sqlx::query_as("SELECT reason FROM object_intents WHERE object_key = $1")
        .bind(key)
        .fetch_optional(&db.pool)
        .await?;
    row.map(|(reason,)| Reason::parse(&reason)).transpose()
}

/// An upload that will not be recorded (it failed after its intent): its object is deleted now, unless a document
/// row points at it after all (a commit whose answer was lost). True when this call deleted it. On an error the
/// intent stays, and the sweep finishes the work.
pub async fn discard(db: &Db, store: &DocumentStore, key: &str) -> Result<bool, SweepError> {
    // Recorded whether or not the upload's intent is still there: a sweep may have claimed and cleared it while
    // the object was still on its way, and the object that then arrived must not be left with no intent at all.
    sqlx::query(
        "INSERT INTO object_intents (object_key, reason, created_at) \
         SELECT $1, $2, $4 WHERE NOT EXISTS (SELECT 1 FROM documents d WHERE d.object_key = $1) \
         ON CONFLICT (object_key) DO UPDATE SET reason = $2 WHERE object_intents.reason = $3",
    )
    .bind(key)
    .bind(Reason::Discard.code())
    .bind(Reason::Upload.code())
    .bind(crate::auth::now())
    .execute(&db.pool)
    .await?;
    match intent(db, key).await? {
        Some(Reason::Discard | Reason::Replaced) => remove(db, store, key).await,
        // Recorded after all (the row's transaction removed the intent), or a row points at it.
        Some(Reason::Upload) | None => Ok(false),
    }
}

/// Deletes the object of a `replaced` or `discard` intent and then the intent; true when this call removed the
/// intent. If a document row points at the object, only the intent goes.
pub async fn remove(db: &Db, store: &DocumentStore, key: &str) -> Result<bool, SweepError> {
    let (pointed,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM documents WHERE object_key = $1")
        .bind(key)
        .fetch_one(&db.pool)
        .await?;
    if pointed == 0 {
        store.delete(key).await?;
    }
    let removed = sqlx::query("DELETE FROM object_intents WHERE object_key = $1 AND reason <> $2")
        .bind(key)
        .bind(Reason::Upload.code())
        .execute(&db.pool)
        .await?
        .rows_affected();
    Ok(removed == 1 && pointed == 0)
}

/// One sweep at `now` (seconds): claims the `upload` intents older than `grace` that no row points at, then
/// deletes the objects of every `discard` and `replaced` intent.
pub async fn sweep_once(db: &Db, store: &DocumentStore, now: i64, grace: Duration) -> Result<Swept, SweepError> {
    let cutoff = now - i64::try_from(grace.as_secs()).unwrap_or(i64::MAX);
    // An upload whose row was written has no intent left; one with a row anyway only loses its intent.
    let kept = sqlx::query(
        "DELETE FROM object_intents WHERE reason = $1 AND created_at <= $2 \
         AND EXISTS (SELECT 1 FROM documents d WHERE d.object_key = object_intents.object_key)",
    )
    .bind(Reason::Upload.code())
    .bind(cutoff)
    .execute(&db.pool)
    .await?
    .rows_affected();
    sqlx::query(
        "UPDATE object_intents SET reason = $1 WHERE reason = $2 AND created_at <= $3 \
         AND NOT EXISTS (SELECT 1 FROM documents d WHERE d.object_key = object_intents.object_key)",
    )
    .bind(Reason::Discard.code())
    .bind(Reason::Upload.code())
    .bind(cutoff)
    .execute(&db.pool)
    .await?;
    let mut swept = Swept {
        kept,
        ..Swept::default()
    };
    // Keyset pages over the keys: each intent is tried once per sweep, even one whose object cannot be deleted.
    let mut after = String::new();
    loop {
        let page: Vec<(String, String)> = sqlx::query_as(
            "SELECT object_key, reason FROM object_intents WHERE reason <> $1 AND object_key > $2 \
             ORDER BY object_key LIMIT $3",
        )
        .bind(Reason::Upload.code())
        .bind(&after)
        .bind(BATCH)
        .fetch_all(&db.pool)
        .await?;
        let full = page.len() as i64 == BATCH;
        for (key, reason) in page {
            Reason::parse(&reason)?;
            match remove(db, store, &key).await {
                Ok(true) => swept.removed.push(key.clone()),
                Ok(false) => {}
                Err(SweepError::Store(error)) => {
                    tracing::warn!(%error, "could not delete an object no scan points at; the next sweep retries");
                    swept.failed += 1;
                }
                Err(error) => return Err(error),
            }
            after = key;
        }
        if !full {
            return Ok(swept);
        }
    }
}

/// Runs [`sweep_once`] at start and then every [`EVERY`] for as long as the server runs, with the grace period
/// `UPLOAD_SWEEP_GRACE_SECS` (`Config::upload_sweep_grace_secs`).
pub fn spawn(db: Db, store: Arc<DocumentStore>, grace: Duration) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            match sweep_once(&db, &store, crate::auth::now(), grace).await {
                Ok(swept) if swept == Swept::default() => {}
                Ok(swept) => tracing::info!(
                    removed = swept.removed.len(),
                    kept = swept.kept,
                    failed = swept.failed,
                    "swept objects no scan points at"
                ),
                Err(error) => tracing::warn!(%error, "could not sweep the document store"),
            }
        }
    });
}

/// `server sweep-objects [--grace-secs N]`: `None` when `args` are not this command.
pub fn parse_command(args: &[String]) -> Option<Result<Option<Duration>, String>> {
    let words: Vec<&str> = args.iter().map(String::as_str).collect();
    Some(match words.as_slice() {
        ["sweep-objects"] => Ok(None),
        ["sweep-objects", "--grace-secs", secs] => secs
            .parse::<u64>()
            .map(|s| Some(Duration::from_secs(s)))
            .map_err(|_| format!("--grace-secs takes a whole number of seconds, not {secs:?}")),
        ["sweep-objects", ..] => Err("usage: server sweep-objects [--grace-secs N]".to_owned()),
        _ => return None,
    })
}

/// Runs one sweep for `server sweep-objects`; the report lists each object removed.
pub async fn command(config: &crate::config::Config, grace: Option<Duration>) -> Result<String, String> {
    use secrecy::ExposeSecret;
    let grace = match grace {
        Some(grace) => grace,
        None => Duration::from_secs(config.upload_sweep_grace_secs.unsigned_abs()),
    };
    let store = DocumentStore::from_url(config.upload_store.as_deref().unwrap_or(""), &config.upload_dir)
        .map_err(|e| e.to_string())?;
    let db = Db::connect(config.database_url.expose_secret())
        .await
        .map_err(|e| e.to_string())?;
    let swept = sweep_once(&db, &store, crate::auth::now(), grace)
        .await
        .map_err(|e| e.to_string())?;
    let mut report = String::new();
    for key in &swept.removed {
        report.push_str(&format!("removed {key}\n"));
    }
    report.push_str(&format!(
        "{} object(s) removed from {} (grace {} s); {} intent(s) of recorded scans cleared; {} deletion(s) failed",
        swept.removed.len(),
        store.description(),
        grace.as_secs(),
        swept.kept,
        swept.failed
    ));
    if swept.failed > 0 {
        return Err(report);
    }
    Ok(report)
}
