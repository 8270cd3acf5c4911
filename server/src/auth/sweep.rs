//! The retention sweep: what sign-in leaves behind is deleted once nobody needs it. Sign-in codes and sessions
//! (citizens' and staff) a day after they expired or were ended, rate-limit counters whose window has passed, and
//! staff sign-in counters whose window and lock have passed and that mark no recent success.
//! Every statement deletes only rows that are dead by their own timestamps, in small batches, so that any number
//! of nodes may sweep at once: a row one node deleted is simply not there for the other.

use super::{codes, now};
use crate::db::Db;
use std::time::Duration;

/// How long a dead code or session is kept (for an investigation of the last day's sign-ins).
pub const KEEP_SECS: i64 = 24 * 60 * 60;
/// How often the sweep runs.
pub const EVERY: Duration = Duration::from_secs(10 * 60);
/// The most rows one statement deletes: a large backlog goes in short transactions that hold up no sign-in.
const BATCH: i64 = 1000;

/// What one sweep deleted.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Swept {
    pub codes: u64,
    pub sessions: u64,
    pub staff_sessions: u64,
    pub rate_limits: u64,
    pub staff_sign_in_limits: u64,
}

/// Deletes every row of `table` that `dead` (a condition on `$1`, the cut-off) selects, a batch at a time.
async fn delete_dead(db: &Db, table: &str, dead: &str, cutoff: i64) -> Result<u64, sqlx::Error> {
    let statement = format!("DELETE FROM {table} WHERE id IN (SELECT id FROM {table} WHERE {dead} LIMIT {BATCH})");
    let mut total = 0;
    loop {
        let deleted = sqlx::query(&statement)
            .bind(cutoff)
            .execute(&db.pool)
            .await?
            .rows_affected();
        total += deleted;
        if deleted < BATCH as u64 {
            return Ok(total);
        }
    }
}

/// One sweep at `now`.
pub async fn sweep_once(db: &Db, now: i64) -> Result<Swept, sqlx::Error> {
    let cutoff = now - KEEP_SECS;
    let session_dead = "expires_at < $1 OR revoked_at < $1";
    Ok(Swept {
        codes: delete_dead(db, "sign_in_codes", "expires_at < $1", cutoff).await?,
        sessions: delete_dead(db, "sessions", session_dead, cutoff).await?,
        staff_sessions: delete_dead(db, "staff_sessions", session_dead, cutoff).await?,
        rate_limits: codes::purge_rate_limits(db, now).await?,
        staff_sign_in_limits: crate::db::staff::purge_sign_in_limits(db, now).await?,
    })
}

/// Runs [`sweep_once`] at start and then every [`EVERY`] for as long as the server runs.
pub fn spawn(db: Db) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            match sweep_once(&db, now()).await {
                Ok(swept) if swept == Swept::default() => {}
                Ok(swept) => tracing::info!(
                    codes = swept.codes,
                    sessions = swept.sessions,
                    staff_sessions = swept.staff_sessions,
                    rate_limits = swept.rate_limits,
                    staff_sign_in_limits = swept.staff_sign_in_limits,
                    "deleted expired sign-in data"
                ),
                Err(error) => tracing::warn!(%error, "could not delete expired sign-in data"),
            }
        }
    });
}
