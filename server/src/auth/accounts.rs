//! Citizens' accounts. The identifier is the only personal data an account holds.

use crate::db::Db;

/// The account of `identifier`, created on its first successful sign-in.
pub async fn find_or_create(db: &Db, identifier: &str, now: i64) -> Result<String, sqlx::Error> {
    sqlx::query(
        "INSERT INTO accounts (id, identifier, created_at) VALUES ($1, $2, $3) ON CONFLICT (identifier) DO NOTHING",
    )
    .bind(super::random::id())
    .bind(identifier)
    .bind(now)
    .execute(&db.pool)
    .await?;
    let (id,): (String,) = sqlx::query_as("SELECT id FROM accounts WHERE identifier = $1")
        .bind(identifier)
        .fetch_one(&db.pool)
        .await?;
    Ok(id)
}
