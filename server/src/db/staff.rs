//! Staff accounts: creation with a one-time enrolment link, enrolment (password and TOTP), the credentials a
//! sign-in checks, and the admin's changes. A request reads the account again every time, so disabling it or
//! changing its role counts at once.

use crate::{auth::random, db::Db};
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
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

const COLUMNS: &str =
    "id, username, display_name, role, point_id, disabled_at, password_hash, totp_secret, last_totp_step";

fn member_of(row: &sqlx::any::AnyRow) -> Result<StaffMember, sqlx::Error> {
    Ok(StaffMember {
        id: row.try_get("id")?,
        username: row.try_get("username")?,
        display_name: row.try_get("display_name")?,
        role: Role::parse(&row.try_get::<String, _>("role")?).unwrap_or(Role::Operator),
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
/// longer works.
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

/// What a sign-in with `username` checks; `None` for an unknown, disabled or not yet enrolled account.
pub async fn credentials(db: &Db, username: &str) -> Result<Option<Credentials>, sqlx::Error> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM staff WHERE username = $1 AND disabled_at IS NULL \
         AND password_hash IS NOT NULL AND totp_secret IS NOT NULL"
    ))
    .bind(username.trim().to_lowercase())
    .fetch_optional(&db.pool)
    .await?;
    let Some(row) = row else { return Ok(None) };
    Ok(Some(Credentials {
        member: member_of(&row)?,
        password_hash: row.try_get("password_hash")?,
        totp_secret: row.try_get("totp_secret")?,
        last_totp_step: row.try_get("last_totp_step")?,
    }))
}

/// Failed sign-ins in a row before an account refuses every sign-in for [`LOCK_SECS`].
pub const MAX_FAILED_SIGN_INS: i64 = 5;
pub const LOCK_SECS: i64 = 15 * 60;

/// Whether `username` is locked by failed sign-ins at `now`.
pub async fn locked(db: &Db, username: &str, now: i64) -> Result<bool, sqlx::Error> {
    let row: Option<(i64,)> = sqlx::query_as(
        "SELECT failed_sign_ins FROM staff WHERE username = $1 AND failed_sign_ins >= $2 AND locked_until > $3",
    )
    .bind(username.trim().to_lowercase())
    .bind(MAX_FAILED_SIGN_INS)
    .bind(now)
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.is_some())
}

/// Counts a failed sign-in of `username` (nothing happens for a name no account has).
pub async fn sign_in_failed(db: &Db, username: &str, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE staff SET failed_sign_ins = failed_sign_ins + 1, locked_until = $1 WHERE username = $2")
        .bind(now + LOCK_SECS)
        .bind(username.trim().to_lowercase())
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// Spends a TOTP step: `false` when it (or a later one) was already used, so a code works once.
pub async fn use_totp_step(db: &Db, id: &str, step: i64) -> Result<bool, sqlx::Error> {
    let updated = sqlx::query(
        "UPDATE staff SET last_totp_step = $1, failed_sign_ins = 0, locked_until = NULL \
         WHERE id = $2 AND (last_totp_step IS NULL OR last_totp_step < $1)",
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
