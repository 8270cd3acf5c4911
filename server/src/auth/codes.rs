//! One-time sign-in codes: six digits from the operating system's random source, valid ten minutes, single use,
//! at most five wrong tries, stored only as a keyed hash, and rate-limited per identifier and per client address
//! (itself stored hashed). What the person is told never depends on whether an account exists.

use super::random;
use crate::{db::Db, keys::Key};
use hmac::{Hmac, Mac};
use secrecy::ExposeSecret;
use sha2::Sha256;

pub const CODE_TTL_SECS: i64 = 10 * 60;
pub const MAX_FAILED_TRIES: i64 = 5;
/// At most this many codes per identifier within [`RATE_WINDOW_SECS`].
pub const PER_IDENTIFIER: i64 = 5;
/// At most this many codes per client address within [`RATE_WINDOW_SECS`] (a family may share a phone).
pub const PER_CLIENT: i64 = 20;
pub const RATE_WINDOW_SECS: i64 = 15 * 60;

#[derive(Debug, thiserror::Error)]
pub enum CodeError {
    #[error("too many codes requested; wait a few minutes")]
    RateLimited,
    #[error("the code has expired or was already used")]
    Expired,
    #[error("too many wrong codes")]
    TooManyTries,
    #[error("wrong code ({tries_left} tries left)")]
    Wrong { tries_left: i64 },
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

/// A code just issued: the attempt (kept by the browser in a short-lived cookie) and the code (sent to the person).
#[derive(Debug)]
pub struct Issued {
    pub attempt: String,
    pub code: String,
}

fn keyed_hash(key: &Key, purpose: &str, data: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key.expose_secret()).expect("HMAC takes any key length");
    mac.update(purpose.as_bytes());
    mac.update(&[0]);
    mac.update(data.as_bytes());
    mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect()
}

/// The client address as stored: enough to count requests, not to recover the address.
pub fn client_tag(key: &Key, client_address: &str) -> String {
    keyed_hash(key, "client", client_address)
}

pub async fn issue(db: &Db, key: &Key, identifier: &str, client: &str, now: i64) -> Result<Issued, CodeError> {
    let since = now - RATE_WINDOW_SECS;
    let (by_identifier,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM sign_in_codes WHERE identifier = $1 AND created_at > $2")
            .bind(identifier)
            .bind(since)
            .fetch_one(&db.pool)
            .await?;
    let (by_client,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM sign_in_codes WHERE client = $1 AND created_at > $2")
            .bind(client)
            .bind(since)
            .fetch_one(&db.pool)
            .await?;
    if by_identifier >= PER_IDENTIFIER || by_client >= PER_CLIENT {
        return Err(CodeError::RateLimited);
    }
    let attempt = random::id();
    let code = random::six_digits();
    sqlx::query(
        "INSERT INTO sign_in_codes (id, identifier, client, code_hash, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&attempt)
    .bind(identifier)
    .bind(client)
    .bind(keyed_hash(key, "code", &format!("{attempt}:{code}")))
    .bind(now)
    .bind(now + CODE_TTL_SECS)
    .execute(&db.pool)
    .await?;
    Ok(Issued { attempt, code })
}

/// The identifier the code was sent to, if `code` is right; the attempt is used up either way once it succeeds.
pub async fn verify(db: &Db, key: &Key, attempt: &str, code: &str, now: i64) -> Result<String, CodeError> {
    let row: Option<(String, String, i64, i64, Option<i64>)> = sqlx::query_as(
        "SELECT identifier, code_hash, expires_at, failed_tries, used_at FROM sign_in_codes WHERE id = $1",
    )
    .bind(attempt)
    .fetch_optional(&db.pool)
    .await?;
    let Some((identifier, stored, expires_at, failed_tries, used_at)) = row else {
        return Err(CodeError::Expired);
    };
    if used_at.is_some() || expires_at <= now {
        return Err(CodeError::Expired);
    }
    if failed_tries >= MAX_FAILED_TRIES {
        return Err(CodeError::TooManyTries);
    }
    let given = keyed_hash(key, "code", &format!("{attempt}:{}", code.trim()));
    if !constant_time_eq(given.as_bytes(), stored.as_bytes()) {
        // Counted in the database, so parallel guesses cannot exceed the limit between read and write.
        let (tries,): (i64,) = sqlx::query_as(
            "UPDATE sign_in_codes SET failed_tries = failed_tries + 1 WHERE id = $1 RETURNING failed_tries",
        )
        .bind(attempt)
        .fetch_one(&db.pool)
        .await?;
        return Err(if tries >= MAX_FAILED_TRIES {
            CodeError::TooManyTries
        } else {
            CodeError::Wrong {
                tries_left: MAX_FAILED_TRIES - tries,
            }
        });
    }
    // Single use: of two requests with the right code, only one marks it used.
    let used =
        sqlx::query("UPDATE sign_in_codes SET used_at = $1 WHERE id = $2 AND used_at IS NULL AND failed_tries < $3")
            .bind(now)
            .bind(attempt)
            .bind(MAX_FAILED_TRIES)
            .execute(&db.pool)
            .await?;
    if used.rows_affected() != 1 {
        return Err(CodeError::Expired);
    }
    Ok(identifier)
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
