//! The outbox's delivery worker: queues the reminders that are due, claims a batch of messages, writes each in the
//! applicant's language, sends it to the address its row names (the account's identifier or a contact from the
//! form), and marks it sent. A failed send is tried again after a pause that doubles each time (from
//! `OUTBOX_RETRY_SECS`, at most an hour), and after [`MAX_ATTEMPTS`] it is set aside with its error; a message this
//! program cannot write (a code it does not know) is set aside at once. Every server process runs one; `server
//! deliver` runs one alone.

use super::{messages, Notifier, Outgoing};
use crate::{
    auth::{now, random},
    db::{bookings, outbox, Db},
};
use app::domain::{identifier::Identifier, office::office_date};
use std::{collections::HashMap, sync::Arc, time::Duration};

/// Tries before a message is set aside: with the pause doubling from 30 seconds, about a day and a half.
pub const MAX_ATTEMPTS: i64 = 12;
/// The longest pause between two tries.
const MAX_PAUSE_SECS: i64 = 3600;
/// Messages claimed at once.
const BATCH: i64 = 20;

#[derive(Clone, Debug)]
pub struct Settings {
    /// How long a claim lasts: a worker that dies holds its messages this long at most.
    pub lease_secs: i64,
    /// The first pause after a failure.
    pub retry_secs: i64,
    /// How often the worker looks for due messages when it found none.
    pub poll: Duration,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            lease_secs: 120,
            retry_secs: 30,
            poll: Duration::from_secs(2),
        }
    }
}

/// The pause before try `attempts + 1`, after `attempts` failures.
pub fn pause_after(attempts: i64, retry_secs: i64) -> i64 {
    let doubled = retry_secs.saturating_mul(1i64 << attempts.clamp(1, 20).saturating_sub(1));
    doubled.min(MAX_PAUSE_SECS.max(retry_secs))
}

#[derive(Debug, Default, PartialEq, Eq)]
pub struct Round {
    pub sent: usize,
    pub failed: usize,
    /// Changes the applicant is not told of, marked done.
    pub quiet: usize,
}

pub struct Worker {
    pub db: Db,
    pub notifier: Arc<Notifier>,
    pub settings: Settings,
    /// Names this worker's claims.
    pub name: String,
}

impl Worker {
    pub fn new(db: Db, notifier: Arc<Notifier>, settings: Settings) -> Worker {
        Worker {
            db,
            notifier,
            settings,
            name: format!("worker-{}", random::id()),
        }
    }

    /// One round: reminders, then one batch. Returns what it did.
    pub async fn round(&self) -> Result<Round, sqlx::Error> {
        let started = now();
        outbox::queue_reminders(&self.db, office_date(started), started).await?;
        let claimed = outbox::claim(&self.db, &self.name, BATCH, started, self.settings.lease_secs).await?;
        let mut round = Round::default();
        if claimed.is_empty() {
            return Ok(round);
        }
        let mut conn = self.db.pool.acquire().await?;
        let points: HashMap<String, String> = bookings::points(&mut conn)
            .await?
            .into_iter()
            .map(|p| (p.id, p.name))
            .collect();
        drop(conn);
        let mut claimed = claimed.into_iter();
        for message in claimed.by_ref() {
            // A claim must not run out while its message is being sent: past half the lease, the rest go back.
            if now() > started + self.settings.lease_secs / 2 {
                outbox::release(&self.db, &message.id, &self.name).await?;
                break;
            }
            let written = match messages::write(&message, &points, self.notifier.portal_url()) {
                Ok(Some(written)) => written,
                Ok(None) => {
                    outbox::mark_sent(&self.db, &message.id, &self.name, now()).await?;
                    round.quiet += 1;
                    continue;
                }
                Err(error) => {
                    // A code this program does not know: set aside at once, for the office to see.
                    let error = error.to_string();
                    tracing::warn!(message = %message.id, topic = %message.topic, %error, "a message is set aside");
                    outbox::mark_failed(&self.db, &message.id, &self.name, &error, None, now()).await?;
                    round.failed += 1;
                    continue;
                }
            };
            // Each row goes to its own address: the account's identifier or the form's contact it was queued for.
            let sent = match Identifier::parse(&message.to) {
                // A site without an SMS gateway (or mail) does not reach the form's phone (or email): that copy is
                // left unsent, and the account's own copy carries the message.
                Ok(to) if message.contact && !self.notifier.can_reach(&to) => {
                    tracing::debug!(message = %message.id, "no channel reaches a contact from the form; skipped");
                    outbox::mark_sent(&self.db, &message.id, &self.name, now()).await?;
                    round.quiet += 1;
                    continue;
                }
                Ok(to) => {
                    let outgoing = Outgoing {
                        id: &message.id,
                        subject: &written.subject,
                        body: &written.body,
                    };
                    self.notifier.send(&to, &outgoing).await.map_err(|e| e.to_string())
                }
                Err(e) => Err(format!("the address cannot be reached: {e}")),
            };
            let at = now();
            match sent {
                Ok(()) => {
                    if !outbox::mark_sent(&self.db, &message.id, &self.name, at).await? {
                        tracing::warn!(message = %message.id, "a message was sent after its claim ran out");
                    }
                    round.sent += 1;
                }
                Err(error) => {
                    let attempts = message.attempts + 1;
                    let retry_at =
                        (attempts < MAX_ATTEMPTS).then(|| at + pause_after(attempts, self.settings.retry_secs));
                    tracing::warn!(message = %message.id, topic = %message.topic, attempts, %error,
                        gives_up = retry_at.is_none(), "a message could not be sent");
                    outbox::mark_failed(&self.db, &message.id, &self.name, &error, retry_at, at).await?;
                    round.failed += 1;
                }
            }
        }
        for message in claimed {
            outbox::release(&self.db, &message.id, &self.name).await?;
        }
        Ok(round)
    }

    /// Runs rounds until the process ends: straight on while there is work, otherwise every `poll`.
    pub async fn run(self) {
        loop {
            let pause = match self.round().await {
                Ok(round) if round.sent + round.failed + round.quiet > 0 => Duration::ZERO,
                Ok(_) => self.settings.poll,
                Err(error) => {
                    tracing::warn!(%error, "the outbox could not be read");
                    self.settings.poll
                }
            };
            if !pause.is_zero() {
                tokio::time::sleep(pause).await;
            }
        }
    }

    pub fn spawn(self) {
        tokio::spawn(self.run());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pause_doubles_up_to_an_hour() {
        assert_eq!(pause_after(1, 30), 30);
        assert_eq!(pause_after(2, 30), 60);
        assert_eq!(pause_after(5, 30), 480);
        assert_eq!(pause_after(11, 30), 3600);
        assert_eq!(pause_after(60, 30), 3600);
    }
}
