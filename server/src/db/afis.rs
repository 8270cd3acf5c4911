//! The AFIS link's queries: the applications waiting for identification (keyset pages), the AFIS results an
//! application has had (so that a result posted twice is recognised), and the tokens already used (so that none is
//! used twice).
//!
//! The NIK read here leaves the portal only through the AFIS link; nothing here logs it.

use crate::db::{applications::StoreError, Db};
use app::domain::{
    application::{Answers, Status},
    nik::mask,
    process::Step,
};
use sqlx::Row;

/// The most applications on one page of the list.
pub const MAX_PAGE: i64 = 100;

/// One application waiting for identification. Its `Debug` masks the NIK, should it ever reach a log.
#[derive(Clone, PartialEq, Eq)]
pub struct Waiting {
    pub id: String,
    pub reference: String,
    /// The whole NIK: the central system identifies by it.
    pub nik: Option<String>,
    pub full_name: String,
    /// As stated, `YYYY-MM-DD`.
    pub birth_date: Option<String>,
    /// When the application was (last) sent to AFIS, in seconds since the epoch.
    pub since: i64,
}

impl std::fmt::Debug for Waiting {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Waiting")
            .field("id", &self.id)
            .field("reference", &self.reference)
            .field("nik", &self.nik.as_deref().map(mask))
            .field("since", &self.since)
            .finish_non_exhaustive()
    }
}

/// Where a page of the list starts: just after this application, in (since, id) order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cursor {
    pub since: i64,
    pub id: String,
}

impl Cursor {
    pub fn encode(&self) -> String {
        format!("{}-{}", self.since, self.id)
    }

    /// `None` for anything [`Cursor::encode`] did not write.
    pub fn parse(text: &str) -> Option<Cursor> {
        let (since, id) = text.split_once('-')?;
        let plain = |s: &str| !s.is_empty() && s.len() <= 64 && s.bytes().all(|b| b.is_ascii_alphanumeric());
        (plain(since) && plain(id) && since.bytes().all(|b| b.is_ascii_digit())).then_some(())?;
        Some(Cursor {
            since: since.parse().ok()?,
            id: id.to_owned(),
        })
    }
}

/// One page of the applications in `identifying`, longest waiting first, and whether more follow. An
/// application sent again after a clarification waits from its new sending, so a caller that keeps its cursor
/// between polls still meets it.
pub async fn waiting(db: &Db, after: Option<&Cursor>, limit: i64) -> Result<(Vec<Waiting>, bool), StoreError> {
    let limit = limit.clamp(1, MAX_PAGE);
    // The time of sending is the newest event into `identifying`; an application moved there without one (by
    // hand in the database) waits from its last change.
    let mut sql = format!(
        "SELECT w.id, w.reference, w.nik, w.answers, w.since FROM (\
           SELECT a.id, a.reference, a.nik, a.answers, COALESCE((SELECT MAX(e.at) FROM application_events e \
             WHERE e.application_id = a.id AND e.to_status = '{identifying}'), a.updated_at) AS since \
           FROM applications a WHERE a.status = '{identifying}' AND a.submitted_at IS NOT NULL) w",
        identifying = Status::Identifying.code()
    );
    if after.is_some() {
        sql.push_str(" WHERE w.since > $1 OR (w.since = $1 AND w.id > $2)");
    }
    // One row more than asked tells whether another page follows.
    sql.push_str(&format!(" ORDER BY w.since, w.id LIMIT {}", limit + 1));
    let mut query = sqlx::query(&sql);
    if let Some(cursor) = after {
        query = query.bind(cursor.since).bind(&cursor.id);
    }
    let rows = query.fetch_all(&db.pool).await?;
    let more = rows.len() as i64 > limit;
    let page = rows
        .iter()
        .take(limit as usize)
        .map(|row| {
            let answers: Answers = serde_json::from_str(&row.try_get::<String, _>("answers")?)?;
            let answer = |name: &str| answers.get(name).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
            Ok(Waiting {
                id: row.try_get("id")?,
                reference: row.try_get::<Option<String>, _>("reference")?.unwrap_or_default(),
                nik: row.try_get("nik")?,
                full_name: answer("full_name").unwrap_or_default(),
                birth_date: answer("birth_date"),
                since: row.try_get("since")?,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    Ok((page, more))
}

/// A submitted application's registration number and state; `None` when there is none with this id.
pub async fn state(db: &Db, id: &str) -> Result<Option<(String, Status)>, sqlx::Error> {
    let row: Option<(Option<String>, String)> =
        sqlx::query_as("SELECT reference, status FROM applications WHERE id = $1 AND submitted_at IS NOT NULL")
            .bind(id)
            .fetch_optional(&db.pool)
            .await?;
    row.map(|(reference, status)| {
        Ok((
            reference.unwrap_or_default(),
            super::code("applications.status", &status)?,
        ))
    })
    .transpose()
}

/// Every result that took the application out of `identifying` (an AFIS step and its reference), oldest first:
/// a result posted again is recognised among them. Empty if it never left `identifying`.
pub async fn results(db: &Db, id: &str) -> Result<Vec<(Step, Option<String>)>, sqlx::Error> {
    let rows: Vec<(Option<String>, Option<String>)> = sqlx::query_as(
        "SELECT step, afis_reference FROM application_events WHERE application_id = $1 AND from_status = $2 \
         ORDER BY at, id",
    )
    .bind(id)
    .bind(Status::Identifying.code())
    .fetch_all(&db.pool)
    .await?;
    // An event without a step (none is written from `identifying` today) is not an answer; an unknown step is an error.
    rows.into_iter()
        .filter_map(|(step, reference)| step.map(|s| Ok((super::code("application_events.step", &s)?, reference))))
        .collect()
}

/// Records a token's `jti` as used; `false` when it was used before (by this process or another: the primary key
/// decides). Tokens past their expiry are forgotten on the way, as they can no longer be presented.
pub async fn use_token(db: &Db, issuer: &str, jti: &str, expires_at: i64, now: i64) -> Result<bool, sqlx::Error> {
    let inserted = sqlx::query(
        "INSERT INTO afis_tokens (issuer, jti, used_at, expires_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (issuer, jti) DO NOTHING",
    )
    .bind(issuer)
    .bind(jti)
    .bind(now)
    .bind(expires_at)
    .execute(&db.pool)
    .await?;
    sqlx::query("DELETE FROM afis_tokens WHERE expires_at < $1")
        .bind(now)
        .execute(&db.pool)
        .await?;
    Ok(inserted.rows_affected() == 1)
}

#[cfg(test)]
mod tests {
    use super::{Cursor, Waiting};

    #[test]
    fn a_waiting_application_never_debugs_its_nik() {
        let waiting = Waiting {
            id: "a1".into(),
            reference: "BKS-261201-A0001".into(),
            nik: Some("1403094508060002".into()),
            full_name: "SITI AMINAH".into(),
            birth_date: Some("2006-08-05".into()),
            since: 1,
        };
        let shown = format!("{waiting:?}");
        assert!(
            !shown.contains("1403094508060002") && shown.contains("1403********0002"),
            "{shown}"
        );
    }

    #[test]
    fn cursors_round_trip_and_refuse_anything_else() {
        let cursor = Cursor {
            since: 1_760_000_000,
            id: "0a1b2c3d".into(),
        };
        assert_eq!(Cursor::parse(&cursor.encode()), Some(cursor));
        for bad in [
            "",
            "-",
            "12-",
            "-ab",
            "x1-ab",
            "1-a-b",
            "1-a b",
            "1-é",
            "99999999999999999999999-ab",
        ] {
            assert_eq!(Cursor::parse(bad), None, "{bad:?}");
        }
    }
}
