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
    super::random::hex(&mac.finalize().into_bytes())
}

/// The client address as stored: enough to count requests, not to recover the address. An IPv6 client counts by
/// its /64 network: one subscriber line or host is handed a whole /64, so its single addresses are free to choose
/// and would each be a fresh bucket.
pub fn client_tag(key: &Key, client_address: &str) -> String {
    keyed_hash(key, "client", &rate_key(client_address))
}

/// The part of a client address a limit counts by: the address itself, but the /64 network of an IPv6 one.
fn rate_key(client_address: &str) -> String {
    match client_address.parse::<std::net::IpAddr>().map(|ip| ip.to_canonical()) {
        Ok(std::net::IpAddr::V6(ip)) => {
            let s = ip.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
        Ok(ip) => ip.to_string(),
        Err(_) => client_address.to_owned(),
    }
}

/// Counts one request in the fixed-window counter `bucket` and returns the requests counted in its window, this one
/// included. One statement reads and writes the row, so simultaneous requests each get a different count on SQLite
/// and on PostgreSQL (the conflicting row is locked and re-read, under READ COMMITTED too). A window older than
/// `window_secs` starts again at one.
pub async fn count_hit(db: &Db, bucket: &str, now: i64, window_secs: i64) -> Result<i64, sqlx::Error> {
    let (hits,): (i64,) = sqlx::query_as(
        "INSERT INTO rate_limits (bucket, window_start, hits) VALUES ($1, $2, 1) \
         ON CONFLICT (bucket) DO UPDATE SET \
         hits = CASE WHEN rate_limits.window_start <= $3 THEN 1 ELSE rate_limits.hits + 1 END, \
         window_start = CASE WHEN rate_limits.window_start <= $3 THEN $2 ELSE rate_limits.window_start END \
         RETURNING hits",
    )
    .bind(bucket)
    .bind(now)
    .bind(now - window_secs)
    .fetch_one(&db.pool)
    .await?;
    Ok(hits)
}

/// Deletes the counters whose window has passed (they would start again at one anyway).
pub async fn purge_rate_limits(db: &Db, now: i64) -> Result<u64, sqlx::Error> {
    let deleted = sqlx::query("DELETE FROM rate_limits WHERE window_start <= $1")
        .bind(now - RATE_WINDOW_SECS)
        .execute(&db.pool)
        .await?;
    Ok(deleted.rows_affected())
}

/// Issues a code to `identifier` for `client` (a [`client_tag`]). The request is counted first, per client and
/// then per identifier, each in one atomic statement: of 30 simultaneous requests for one identifier, 5 get a code.
/// A refused request still counts; a client over its limit is not counted against the identifier.
pub async fn issue(db: &Db, key: &Key, identifier: &str, client: &str, now: i64) -> Result<Issued, CodeError> {
    if count_hit(db, &format!("code/client/{client}"), now, RATE_WINDOW_SECS).await? > PER_CLIENT {
        return Err(CodeError::RateLimited);
    }
    let identifier_bucket = format!("code/identifier/{}", keyed_hash(key, "identifier", identifier));
    if count_hit(db, &identifier_bucket, now, RATE_WINDOW_SECS).await? > PER_IDENTIFIER {
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

/// What the security log names an attempt by: enough to tie the lines of one attempt together, useless to submit
/// a code with (the attempt id itself is what the browser's cookie holds).
pub fn attempt_reference(key: &Key, attempt: &str) -> String {
    keyed_hash(key, "attempt-reference", attempt)[..16].to_owned()
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv6_clients_count_by_their_64_and_ipv4_by_the_address() {
        assert_eq!(rate_key("2001:db8:1:2:aaaa::1"), rate_key("2001:db8:1:2:bbbb::9"));
        assert_ne!(rate_key("2001:db8:1:2::1"), rate_key("2001:db8:1:3::1"));
        assert_eq!(rate_key("::ffff:192.0.2.7"), "192.0.2.7");
        assert_ne!(rate_key("192.0.2.7"), rate_key("192.0.2.8"));
        assert_eq!(rate_key("unknown-abc"), "unknown-abc");
    }
}
