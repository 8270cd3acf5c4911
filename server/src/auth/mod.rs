//! Who is asking: one-time sign-in codes, session tokens and their revocation, accounts.

pub mod accounts;
pub mod codes;
pub mod port;
pub mod random;
pub mod sweep;
pub mod tokens;

/// Seconds since the Unix epoch: every timestamp in the database.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}
