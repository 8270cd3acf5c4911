//! Citizens' accounts. The identifier is the only personal data an account holds.

use crate::db::Db;
use app::i18n::Locale;

/// The account of `identifier`, created on its first successful sign-in; its messages are written in `locale`,
/// the language of the latest sign-in.
pub async fn find_or_create(db: &Db, identifier: &str, locale: Locale, now: i64) -> Result<String, sqlx::Error> {
    sqlx::query(
        "INSERT INTO accounts (id, identifier, created_at, locale) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (identifier) DO UPDATE SET locale = EXCLUDED.locale",
    )
    .bind(super::random::id())
    .bind(identifier)
    .bind(now)
    .bind(locale.code())
    .execute(&db.pool)
    .await?;
    let (id,): (String,) = sqlx::query_as("SELECT id FROM accounts WHERE identifier = $1")
        .bind(identifier)
        .fetch_one(&db.pool)
        .await?;
    Ok(id)
}
