//! Appointments whose time has passed without attendance become missed, once a minute. The application then
//! asks for a new booking (the booking page reads the missed one back).

use crate::{auth::now, db::Db};
use app::domain::office::{office_date, office_time};
use std::time::Duration;

/// Marks the missed appointments now; returns how many.
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
