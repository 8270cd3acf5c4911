//! Once a minute, the appointments of the points that have closed for the day are closed too: one nobody marked
//! arrived becomes missed and its applicant gets a message with a link to book again (the booking page reads the
//! missed one back); one whose applicant arrived becomes attended (see `db::bookings::mark_missed`). Every node
//! runs it: each appointment changes, and is announced, once.

use crate::{auth::now, db::Db};
use app::domain::office::{office_date, office_time};
use std::time::Duration;

/// Closes the appointments of the points closed now; returns how many became missed.
pub async fn sweep_once(db: &Db) -> Result<u64, sqlx::Error> {
    let now = now();
    crate::db::bookings::mark_missed(db, office_date(now), office_time(now), now).await
}

/// Runs [`sweep_once`] every minute for as long as the server runs.
pub fn spawn(db: Db) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(60));
        loop {
            tick.tick().await;
            match sweep_once(&db).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(appointments = n, "marked missed appointments"),
                Err(error) => tracing::warn!(%error, "could not mark missed appointments"),
            }
        }
    });
}
