//! Staff accounts: creation with a one-time enrolment link, enrolment (password and TOTP), the credentials a
//! sign-in checks, and the admin's changes. A request reads the account again every time, so disabling it or
//! changing its role counts at once.

use crate::{auth::random, db::Db, keys::Key, staff::totp};
use app::domain::process::Role;
use sha2::{Digest, Sha256};
use sqlx::Row;

/// How long an enrolment link works.
pub const ENROLMENT_SECS: i64 = 72 * 60 * 60;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StaffMember {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    /// The service point an operator works at.
    pub point_id: Option<String>,
    pub disabled: bool,
    pub enrolled: bool,
}

/// What a sign-in checks.
pub struct Credentials {
    pub member: StaffMember,
    pub password_hash: String,
    pub totp_secret: String,
    pub last_totp_step: Option<i64>,
}

#[derive(Debug, thiserror::Error)]
pub enum StaffError {
    #[error(transparent)]
    Db(#[from] sqlx::Error),
    #[error("that username is taken")]
    UsernameTaken,
    #[error("a username has 3 to 32 lowercase letters, digits, dots, dashes or underscores")]
    BadUsername,
    #[error("an operator needs a service point that exists")]
    PointNeeded,
}

fn token_hash(token: &str) -> String {
    crate::auth::random::hex(&Sha256::digest(token.as_bytes()))
}

const COLUMNS: &str =
    "id, username, display_name, role, point_id, disabled_at, password_hash, totp_secret, last_totp_step";

fn member_of(row: &sqlx::any::AnyRow) -> Result<StaffMember, sqlx::Error> {
    Ok(StaffMember {
        id: row.try_get("id")?,
        username: row.try_get("username")?,
        display_name: row.try_get("display_name")?,
        role: super::code("staff.role", &row.try_get::<String, _>("role")?)?,
        point_id: row.try_get("point_id")?,
        disabled: row.try_get::<Option<i64>, _>("disabled_at")?.is_some(),
        enrolled: row.try_get::<Option<String>, _>("totp_secret")?.is_some(),
    })
}

pub fn valid_username(name: &str) -> bool {
    (3..=32).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'_'))
}

/// Creates an account and returns its id and the one-time enrolment token (shown once, stored hashed).
pub async fn create(
    db: &Db,
    username: &str,
    display_name: &str,
    role: Role,
    point: Option<&str>,
    now: i64,
) -> Result<(String, String), StaffError> {
    let username = username.trim().to_lowercase();
    if !valid_username(&username) {
        return Err(StaffError::BadUsername);
    }
    let point = if role == Role::Operator {
        let point = point
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .ok_or(StaffError::PointNeeded)?;
        let found: Option<(String,)> = sqlx::query_as("SELECT id FROM service_points WHERE id = $1")
            .bind(point)
            .fetch_optional(&db.pool)
            .await?;
        Some(found.ok_or(StaffError::PointNeeded)?.0)
    } else {
        None
    };
    let id = random::id();
    let token = random::id();
    let display_name = display_name.trim();
    let inserted = sqlx::query(
        "INSERT INTO staff (id, username, display_name, role, point_id, enrolment_hash, enrolment_expires_at, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (username) DO NOTHING",
    )
    .bind(&id)
    .bind(&username)
    .bind(if display_name.is_empty() { username.as_str() } else { display_name })
    .bind(role.code())
    .bind(point)
    .bind(token_hash(&token))
    .bind(now + ENROLMENT_SECS)
    .bind(now)
    .execute(&db.pool)
    .await?;
    if inserted.rows_affected() == 0 {
        return Err(StaffError::UsernameTaken);
    }
    Ok((id, token))
}

/// A new enrolment link for an account (a lost phone, a forgotten password): the old password and TOTP secret
/// stop working at once, and its sessions end.
pub async fn reset_enrolment(db: &Db, id: &str, now: i64) -> Result<Option<String>, sqlx::Error> {
    let token = random::id();
    let mut tx = db.pool.begin().await?;
    let updated = sqlx::query(
        "UPDATE staff SET password_hash = NULL, totp_secret = NULL, last_totp_step = NULL, enrolment_hash = $1, \
         enrolment_expires_at = $2 WHERE id = $3",
    )
    .bind(token_hash(&token))
    .bind(now + ENROLMENT_SECS)
    .bind(id)
    .execute(&mut *tx)
    .await?;
    end_sessions(&mut tx, id, now).await?;
    tx.commit().await?;
    Ok((updated.rows_affected() == 1).then_some(token))
}

/// The account an unexpired enrolment token belongs to.
pub async fn by_enrolment(db: &Db, token: &str, now: i64) -> Result<Option<StaffMember>, sqlx::Error> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM staff WHERE enrolment_hash = $1 AND enrolment_expires_at > $2 AND disabled_at IS NULL"
    ))
    .bind(token_hash(token))
    .bind(now)
    .fetch_optional(&db.pool)
    .await?;
    row.as_ref().map(member_of).transpose()
}

/// Sets the password and TOTP secret of the token's account and spends the token. `false` when the token no
/// longer works. `totp_secret` is stored as given: the enrolment seals it first ([`totp::seal_secret`]); a clear
/// one is sealed at the next start or sign-in.
pub async fn complete_enrolment(
    db: &Db,
    token: &str,
    password_hash: &str,
    totp_secret: &str,
    totp_step: i64,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let updated = sqlx::query(
        "UPDATE staff SET password_hash = $1, totp_secret = $2, last_totp_step = $3, enrolment_hash = NULL, \
         enrolment_expires_at = NULL WHERE enrolment_hash = $4 AND enrolment_expires_at > $5 AND disabled_at IS NULL",
    )
    .bind(password_hash)
    .bind(totp_secret)
    .bind(totp_step)
    .bind(token_hash(token))
    .bind(now)
    .execute(&db.pool)
    .await?;
    Ok(updated.rows_affected() == 1)
}

/// What a sign-in with `username` checks, the TOTP secret opened with `seeds` (the key derived for TOTP seeds);
/// `None` for an unknown, disabled or not yet enrolled account. A seed still stored in clear is sealed on the way;
/// one that does not open is an error.
pub async fn credentials(db: &Db, seeds: &Key, username: &str) -> Result<Option<Credentials>, sqlx::Error> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM staff WHERE username = $1 AND disabled_at IS NULL \
         AND password_hash IS NOT NULL AND totp_secret IS NOT NULL"
    ))
    .bind(username.trim().to_lowercase())
    .fetch_optional(&db.pool)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let member = member_of(&row)?;
    let stored: String = row.try_get("totp_secret")?;
    let totp_secret = match totp::open_secret(seeds, &member.id, &stored) {
        Ok(totp::Stored::Sealed(secret)) => secret,
        Ok(totp::Stored::Clear(secret)) => {
            seal_in_place(db, seeds, &member.id, &secret).await?;
            secret
        }
        Err(error) => return Err(sqlx::Error::Decode(Box::new(error))),
    };
    Ok(Some(Credentials {
        member,
        password_hash: row.try_get("password_hash")?,
        totp_secret,
        last_totp_step: row.try_get("last_totp_step")?,
    }))
}

/// Seals the clear seed `secret` of `id`, if the row still holds exactly it: two processes doing this at once
/// both write a valid sealed seed, and whichever comes second changes nothing.
async fn seal_in_place(db: &Db, seeds: &Key, id: &str, secret: &str) -> Result<bool, sqlx::Error> {
    let updated = sqlx::query("UPDATE staff SET totp_secret = $1 WHERE id = $2 AND totp_secret = $3")
        .bind(totp::seal_secret(seeds, id, secret))
        .bind(id)
        .bind(secret)
        .execute(&db.pool)
        .await?;
    Ok(updated.rows_affected() == 1)
}

/// The one-time pass at start-up: seals every TOTP seed still stored in clear (databases from before seeds were
/// sealed). Returns how many it sealed; run again, it finds none. A stored value that is neither sealed nor a
/// seed is an error: the portal does not start on a database it does not understand.
pub async fn seal_clear_seeds(db: &Db, seeds: &Key) -> Result<u64, sqlx::Error> {
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT id, totp_secret FROM staff WHERE totp_secret IS NOT NULL AND totp_secret NOT LIKE 'v1:%'",
    )
    .fetch_all(&db.pool)
    .await?;
    let mut sealed = 0;
    for (id, stored) in rows {
        match totp::open_secret(seeds, &id, &stored) {
            Ok(totp::Stored::Clear(secret)) => sealed += u64::from(seal_in_place(db, seeds, &id, &secret).await?),
            Ok(totp::Stored::Sealed(_)) => {}
            Err(error) => return Err(sqlx::Error::Decode(Box::new(error))),
        }
    }
    Ok(sealed)
}

/// Sign-ins in a row that fail from one client before that client is locked out of that username for
/// [`LOCK_SECS`]. Attempts are counted before the password is checked, so at most this many are ever checked.
pub const MAX_FAILED_SIGN_INS: i64 = 5;
pub const LOCK_SECS: i64 = 15 * 60;
/// Attempts on one username per [`LOCK_SECS`] window from all the clients the account has not signed in from
/// within [`KNOWN_CLIENT_SECS`]: many addresses guessing together are held to this many checks, while the
/// account's own clients are not held by it (so strangers cannot keep its owner out).
pub const USERNAME_CEILING: i64 = 25;
/// How long a client the account signed in from stays exempt from [`USERNAME_CEILING`].
pub const KNOWN_CLIENT_SECS: i64 = 30 * 24 * 60 * 60;
/// The `client` of the row that counts the ceiling.
const EVERY_CLIENT: &str = "*";

/// How a sign-in attempt is counted, before its password is checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Admission {
    /// Check the password: this is the client's `attempt`-th attempt in a row.
    Check { attempt: i64 },
    /// Refused unchecked: the client is locked out of the username (or its attempts in a row are used up).
    Locked,
    /// Refused unchecked: the username's ceiling is reached for clients it does not know; `attempt` is counted,
    /// and `first` is true for the attempt that reached it.
    Ceiling { attempt: i64, first: bool },
}

/// The username a limit is kept for: as typed, trimmed and lowercased, at most 64 characters.
pub fn limit_name(username: &str) -> String {
    username.trim().to_lowercase().chars().take(64).collect()
}

/// Counts an attempt of `client` (a client tag) on `username` at `now`, in one atomic statement per counter, and
/// says whether its password may be checked. A locked client's attempt changes nothing (it never extends the
/// lock); a lock or a window that has passed starts the count again.
pub async fn admit_sign_in(db: &Db, username: &str, client: &str, now: i64) -> Result<Admission, sqlx::Error> {
    let username = limit_name(username);
    let (attempts, locked_until, last_success_at): (i64, Option<i64>, Option<i64>) = sqlx::query_as(
        "INSERT INTO staff_sign_in_limits (username, client, attempts, window_start) VALUES ($1, $2, 1, $3) \
         ON CONFLICT (username, client) DO UPDATE SET \
         attempts = CASE WHEN staff_sign_in_limits.locked_until > $3 THEN staff_sign_in_limits.attempts \
             WHEN staff_sign_in_limits.locked_until IS NOT NULL OR staff_sign_in_limits.window_start <= $4 THEN 1 \
             ELSE staff_sign_in_limits.attempts + 1 END, \
         window_start = CASE WHEN staff_sign_in_limits.locked_until > $3 THEN staff_sign_in_limits.window_start \
             WHEN staff_sign_in_limits.locked_until IS NOT NULL OR staff_sign_in_limits.window_start <= $4 THEN $3 \
             ELSE staff_sign_in_limits.window_start END, \
         locked_until = CASE WHEN staff_sign_in_limits.locked_until > $3 THEN staff_sign_in_limits.locked_until \
             ELSE NULL END \
         RETURNING attempts, locked_until, last_success_at",
    )
    .bind(&username)
    .bind(client)
    .bind(now)
    .bind(now - LOCK_SECS)
    .fetch_one(&db.pool)
    .await?;
    if locked_until.is_some_and(|until| until > now) || attempts > MAX_FAILED_SIGN_INS {
        // The second write an admitted attempt makes (the username's ceiling), here changing nothing: a locked
        // username costs the same round trips as any other, so the answer's timing does not show the lock.
        sqlx::query("UPDATE staff_sign_in_limits SET attempts = attempts WHERE username = $1 AND client = $2")
            .bind(&username)
            .bind(EVERY_CLIENT)
            .execute(&db.pool)
            .await?;
        return Ok(Admission::Locked);
    }
    let known = last_success_at.is_some_and(|at| at > now - KNOWN_CLIENT_SECS);
    if known {
        return Ok(Admission::Check { attempt: attempts });
    }
    let (ceiling,): (i64,) = sqlx::query_as(
        "INSERT INTO staff_sign_in_limits (username, client, attempts, window_start) VALUES ($1, $2, 1, $3) \
         ON CONFLICT (username, client) DO UPDATE SET \
         attempts = CASE WHEN staff_sign_in_limits.window_start <= $4 THEN 1 \
             ELSE staff_sign_in_limits.attempts + 1 END, \
         window_start = CASE WHEN staff_sign_in_limits.window_start <= $4 THEN $3 \
             ELSE staff_sign_in_limits.window_start END \
         RETURNING attempts",
    )
    .bind(&username)
    .bind(EVERY_CLIENT)
    .bind(now)
    .bind(now - LOCK_SECS)
    .fetch_one(&db.pool)
    .await?;
    Ok(if ceiling > USERNAME_CEILING {
        Admission::Ceiling {
            attempt: attempts,
            first: ceiling == USERNAME_CEILING + 1,
        }
    } else {
        Admission::Check { attempt: attempts }
    })
}

/// Records that the client's `attempt`-th attempt in a row failed; `true` when that starts a lock (the
/// [`MAX_FAILED_SIGN_INS`]-th failure, unless a success came in between or a lock is already on).
pub async fn sign_in_failed(
    db: &Db,
    username: &str,
    client: &str,
    attempt: i64,
    now: i64,
) -> Result<bool, sqlx::Error> {
    if attempt < MAX_FAILED_SIGN_INS {
        return Ok(false);
    }
    let locked = sqlx::query(
        "UPDATE staff_sign_in_limits SET locked_until = $1 \
         WHERE username = $2 AND client = $3 AND attempts >= $4 AND locked_until IS NULL",
    )
    .bind(now + LOCK_SECS)
    .bind(limit_name(username))
    .bind(client)
    .bind(MAX_FAILED_SIGN_INS)
    .execute(&db.pool)
    .await?;
    Ok(locked.rows_affected() == 1)
}

/// Records a successful sign-in: the client's count starts again, and the account knows the client.
pub async fn sign_in_succeeded(db: &Db, username: &str, client: &str, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE staff_sign_in_limits SET attempts = 0, window_start = $1, locked_until = NULL, last_success_at = $1 \
         WHERE username = $2 AND client = $3",
    )
    .bind(now)
    .bind(limit_name(username))
    .bind(client)
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// Whether any client is locked out of `username` at `now` (or its ceiling is reached), for the admin's page.
pub async fn locked(db: &Db, username: &str, now: i64) -> Result<bool, sqlx::Error> {
    let row: Option<(i64,)> = sqlx::query_as(
        "SELECT attempts FROM staff_sign_in_limits WHERE username = $1 AND (locked_until > $2 \
         OR (client = $3 AND attempts > $4 AND window_start > $5)) LIMIT 1",
    )
    .bind(limit_name(username))
    .bind(now)
    .bind(EVERY_CLIENT)
    .bind(USERNAME_CEILING)
    .bind(now - LOCK_SECS)
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.is_some())
}

/// The usernames some client is locked out of at `now` (or whose ceiling is reached), for the admin's page.
pub async fn locked_usernames(db: &Db, now: i64) -> Result<Vec<String>, sqlx::Error> {
    let rows: Vec<(String,)> = sqlx::query_as(
        "SELECT DISTINCT username FROM staff_sign_in_limits WHERE locked_until > $1 \
         OR (client = $2 AND attempts > $3 AND window_start > $4)",
    )
    .bind(now)
    .bind(EVERY_CLIENT)
    .bind(USERNAME_CEILING)
    .bind(now - LOCK_SECS)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows.into_iter().map(|(username,)| username).collect())
}

/// Lifts every lock of `username`, from every client, and its ceiling; `true` when there was one.
pub async fn unlock(db: &Db, username: &str, now: i64) -> Result<bool, sqlx::Error> {
    let username = limit_name(username);
    let was_locked = locked(db, &username, now).await?;
    sqlx::query(
        "UPDATE staff_sign_in_limits SET attempts = 0, window_start = $1, locked_until = NULL WHERE username = $2",
    )
    .bind(now)
    .bind(&username)
    .execute(&db.pool)
    .await?;
    Ok(was_locked)
}

/// Deletes the sign-in counters nothing depends on any more: window and lock passed, and no recent success.
pub async fn purge_sign_in_limits(db: &Db, now: i64) -> Result<u64, sqlx::Error> {
    let deleted = sqlx::query(
        "DELETE FROM staff_sign_in_limits WHERE window_start <= $1 AND (locked_until IS NULL OR locked_until <= $2) \
         AND (last_success_at IS NULL OR last_success_at <= $3)",
    )
    .bind(now - LOCK_SECS)
    .bind(now)
    .bind(now - KNOWN_CLIENT_SECS)
    .execute(&db.pool)
    .await?;
    Ok(deleted.rows_affected())
}

/// Spends a TOTP step: `false` when it (or a later one) was already used, so a code works once.
pub async fn use_totp_step(db: &Db, id: &str, step: i64) -> Result<bool, sqlx::Error> {
    let updated = sqlx::query(
        "UPDATE staff SET last_totp_step = $1 WHERE id = $2 AND (last_totp_step IS NULL OR last_totp_step < $1)",
    )
    .bind(step)
    .bind(id)
    .execute(&db.pool)
    .await?;
    Ok(updated.rows_affected() == 1)
}

/// The account behind a session, read on every request; `None` once it is disabled.
pub async fn active(db: &Db, id: &str) -> Result<Option<StaffMember>, sqlx::Error> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM staff WHERE id = $1 AND disabled_at IS NULL"
    ))
    .bind(id)
    .fetch_optional(&db.pool)
    .await?;
    row.as_ref().map(member_of).transpose()
}

/// Any account by id, disabled or not.
pub async fn by_id(db: &Db, id: &str) -> Result<Option<StaffMember>, sqlx::Error> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM staff WHERE id = $1"))
        .bind(id)
        .fetch_optional(&db.pool)
        .await?;
    row.as_ref().map(member_of).transpose()
}

pub async fn list(db: &Db) -> Result<Vec<StaffMember>, sqlx::Error> {
    let rows = sqlx::query(&format!("SELECT {COLUMNS} FROM staff ORDER BY username"))
        .fetch_all(&db.pool)
        .await?;
    rows.iter().map(member_of).collect()
}

async fn end_sessions(tx: &mut sqlx::Transaction<'_, sqlx::Any>, id: &str, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE staff_sessions SET revoked_at = $1 WHERE account_id = $2 AND revoked_at IS NULL")
        .bind(now)
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Disables or enables an account; disabling also ends its sessions.
pub async fn set_disabled(db: &Db, id: &str, disabled: bool, now: i64) -> Result<bool, sqlx::Error> {
    let mut tx = db.pool.begin().await?;
    let updated = sqlx::query("UPDATE staff SET disabled_at = $1 WHERE id = $2")
        .bind(disabled.then_some(now))
        .bind(id)
        .execute(&mut *tx)
        .await?;
    if disabled {
        end_sessions(&mut tx, id, now).await?;
    }
    tx.commit().await?;
    Ok(updated.rows_affected() == 1)
}

/// Changes an account's role and point.
pub async fn set_role(db: &Db, id: &str, role: Role, point: Option<&str>) -> Result<bool, StaffError> {
    let point = point.map(str::trim).filter(|p| !p.is_empty());
    if role == Role::Operator {
        let found: Option<(String,)> = sqlx::query_as("SELECT id FROM service_points WHERE id = $1")
            .bind(point.unwrap_or_default())
            .fetch_optional(&db.pool)
            .await?;
        if found.is_none() {
            return Err(StaffError::PointNeeded);
        }
    }
    let updated = sqlx::query("UPDATE staff SET role = $1, point_id = $2 WHERE id = $3")
        .bind(role.code())
        .bind(if role == Role::Operator { point } else { None })
        .bind(id)
        .execute(&db.pool)
        .await?;
    Ok(updated.rows_affected() == 1)
}
