//! Session tokens: a JWT signed with a key derived for its kind of session (citizens' and staff's keys differ, so a
//! token of one kind never verifies as the other, whatever its audience says; HS256, the only algorithm accepted),
//! checked for `exp`, `aud` and `iss`, carrying nothing personal: the subject is an opaque account id and `jti`
//! names the session row that signing out revokes. A session also ends after a while without a request (its
//! row's `last_seen_at`), and every session of an account can be ended at once.

use super::random;
use crate::{db::Db, keys::Key};
use jsonwebtoken::{decode, encode, Algorithm, DecodingKey, EncodingKey, Header, Validation};
use secrecy::ExposeSecret;
use serde::{Deserialize, Serialize};

/// The audience of citizens' sessions; staff sessions get their own.
pub const CITIZEN_AUDIENCE: &str = "portal-citizen";
/// The audience of staff sessions: a citizen's token is never a staff token, nor the reverse.
pub const STAFF_AUDIENCE: &str = "portal-staff";

#[derive(Debug, Serialize, Deserialize)]
pub struct Claims {
    pub sub: String,
    pub jti: String,
    pub iat: i64,
    pub exp: i64,
    pub aud: String,
    pub iss: String,
}

#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    #[error("the token is not valid: {0}")]
    Invalid(#[from] jsonwebtoken::errors::Error),
    #[error("the session has ended")]
    Revoked,
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

pub struct SessionTokens {
    encoding: EncodingKey,
    decoding: DecodingKey,
    issuer: String,
    audience: &'static str,
    pub ttl_secs: i64,
    /// The table of the sessions: `sessions` for citizens, `staff_sessions` for staff.
    table: &'static str,
    /// A session ends after this long without a request.
    idle_secs: Option<i64>,
}

/// A request counts as activity, but `last_seen_at` is written only when it is older than this: a page's burst
/// of requests costs one write a minute at most, and a session ends between `idle - TOUCH_SECS` and `idle`
/// seconds after its last request.
pub const TOUCH_SECS: i64 = 60;

impl SessionTokens {
    pub fn new(key: &Key, issuer: &str, audience: &'static str, ttl_secs: i64) -> SessionTokens {
        SessionTokens {
            encoding: EncodingKey::from_secret(key.expose_secret()),
            decoding: DecodingKey::from_secret(key.expose_secret()),
            issuer: issuer.to_owned(),
            audience,
            ttl_secs,
            table: "sessions",
            idle_secs: None,
        }
    }

    /// Citizens' sessions: `key` is the key derived for them, and a session ends after `idle_secs` without a
    /// request, besides its expiry.
    pub fn citizen(key: &Key, issuer: &str, ttl_secs: i64, idle_secs: i64) -> SessionTokens {
        SessionTokens {
            idle_secs: Some(idle_secs),
            ..SessionTokens::new(key, issuer, CITIZEN_AUDIENCE, ttl_secs)
        }
    }

    /// Staff sessions: their own key (derived for them), audience and table, and an idle timeout on top of the
    /// expiry.
    pub fn staff(key: &Key, issuer: &str, ttl_secs: i64, idle_secs: i64) -> SessionTokens {
        SessionTokens {
            audience: STAFF_AUDIENCE,
            table: "staff_sessions",
            idle_secs: Some(idle_secs),
            ..SessionTokens::new(key, issuer, STAFF_AUDIENCE, ttl_secs)
        }
    }

    fn validation(&self) -> Validation {
        let mut v = Validation::new(Algorithm::HS256);
        v.set_audience(&[self.audience]);
        v.set_issuer(&[&self.issuer]);
        v.set_required_spec_claims(&["exp", "aud", "iss", "sub"]);
        v.leeway = 0;
        v
    }

    /// Starts a session for `account` and returns its token.
    pub async fn start(&self, db: &Db, account: &str, now: i64) -> Result<String, TokenError> {
        let claims = Claims {
            sub: account.to_owned(),
            jti: random::id(),
            iat: now,
            exp: now + self.ttl_secs,
            aud: self.audience.to_owned(),
            iss: self.issuer.clone(),
        };
        sqlx::query(&format!(
            "INSERT INTO {} (id, account_id, audience, created_at, expires_at, last_seen_at) \
             VALUES ($1, $2, $3, $4, $5, $4)",
            self.table
        ))
        .bind(&claims.jti)
        .bind(account)
        .bind(self.audience)
        .bind(now)
        .bind(claims.exp)
        .execute(&db.pool)
        .await?;
        Ok(encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)?)
    }

    /// The claims of a token that is well signed, unexpired, meant for us, and whose session was neither ended nor
    /// left idle. The request counts as activity (written at most once a [`TOUCH_SECS`]).
    pub async fn authenticate(&self, db: &Db, token: &str) -> Result<Claims, TokenError> {
        let claims = decode::<Claims>(token, &self.decoding, &self.validation())?.claims;
        let live: Option<(i64,)> = sqlx::query_as(&format!(
            "SELECT last_seen_at FROM {} WHERE id = $1 AND account_id = $2 AND audience = $3 AND revoked_at IS NULL",
            self.table
        ))
        .bind(&claims.jti)
        .bind(&claims.sub)
        .bind(self.audience)
        .fetch_optional(&db.pool)
        .await?;
        let Some((last_seen,)) = live else {
            return Err(TokenError::Revoked);
        };
        let Some(idle) = self.idle_secs else {
            return Ok(claims);
        };
        let now = super::now();
        if last_seen < now - idle {
            return Err(TokenError::Revoked);
        }
        if last_seen < now - TOUCH_SECS {
            // The guard keeps the newest time when two requests write at once; a session ended meanwhile stays so.
            sqlx::query(&format!(
                "UPDATE {} SET last_seen_at = $1 WHERE id = $2 AND revoked_at IS NULL AND last_seen_at < $1",
                self.table
            ))
            .bind(now)
            .bind(&claims.jti)
            .execute(&db.pool)
            .await?;
        }
        Ok(claims)
    }

    /// The account of the citizen session cookie in a request's headers (`__Host-session` when cookies are
    /// Secure), for the routes that are not server functions.
    pub async fn account_of(&self, db: &Db, headers: &http::HeaderMap, secure_cookies: bool) -> Option<String> {
        use app::api::{auth::SESSION_COOKIE, cookies::CookiePolicy};
        let policy = CookiePolicy { secure: secure_cookies };
        let token = policy.read(headers, SESSION_COOKIE)?;
        self.authenticate(db, &token).await.ok().map(|c| c.sub)
    }

    /// Ends every live session of `account` (every device it is signed in on); returns how many.
    pub async fn revoke_all(&self, db: &Db, account: &str, now: i64) -> Result<u64, TokenError> {
        let ended = sqlx::query(&format!(
            "UPDATE {} SET revoked_at = $1 WHERE account_id = $2 AND audience = $3 AND revoked_at IS NULL",
            self.table
        ))
        .bind(now)
        .bind(account)
        .bind(self.audience)
        .execute(&db.pool)
        .await?;
        Ok(ended.rows_affected())
    }

    /// Ends the session on the server: its token is refused from now on, even before it expires.
    pub async fn revoke(&self, db: &Db, jti: &str, now: i64) -> Result<(), TokenError> {
        sqlx::query(&format!(
            "UPDATE {} SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL",
            self.table
        ))
        .bind(now)
        .bind(jti)
        .execute(&db.pool)
        .await?;
        Ok(())
    }
}
