//! Time-based one-time passwords (RFC 6238: HMAC-SHA1, 30-second steps, 6 digits), the second factor of every
//! staff sign-in. The secret is 160 random bits, shown once at enrolment as an `otpauth://` QR code, and stored
//! sealed (ChaCha20-Poly1305 under the key derived for TOTP seeds, bound to the staff id): a copy of the database
//! alone does not give anyone the codes.

use crate::keys::{self, Key};
use hmac::{Hmac, Mac};
use sha1::Sha1;

pub const STEP_SECS: i64 = 30;
const DIGITS: u32 = 6;

/// A new secret, base32 as authenticator apps expect it.
pub fn new_secret() -> String {
    let mut bytes = [0u8; 20];
    getrandom::fill(&mut bytes).expect("the operating system's random source");
    base32(&bytes)
}

/// The seed of staff member `staff_id` as stored: sealed under `key` (the key derived for TOTP seeds), with the
/// staff id as associated data so that a sealed seed copied to another account does not open there.
pub fn seal_secret(key: &Key, staff_id: &str, secret: &str) -> String {
    keys::seal(key, staff_id.as_bytes(), secret.as_bytes())
}

/// What a stored seed turned out to be.
#[derive(Debug, PartialEq, Eq)]
pub enum Stored {
    /// Sealed, as every seed is stored: the secret inside.
    Sealed(String),
    /// In clear, as seeds were stored before they were sealed (an older database, or a row written by an older
    /// server during a rolling update): the secret, which the caller seals in place.
    Clear(String),
}

#[derive(Debug, thiserror::Error)]
#[error("a stored TOTP seed could not be opened (another key, another account, or damaged)")]
pub struct SeedError;

/// Reads a stored seed: a sealed one opened with `key`, a clear one (base32, as [`new_secret`] makes them) as it
/// is. Anything else is an error, never a guess.
pub fn open_secret(key: &Key, staff_id: &str, stored: &str) -> Result<Stored, SeedError> {
    if keys::is_sealed(stored) {
        let bytes = keys::open(key, staff_id.as_bytes(), stored).ok_or(SeedError)?;
        let secret = String::from_utf8(bytes).map_err(|_| SeedError)?;
        return is_secret(&secret).then_some(Stored::Sealed(secret)).ok_or(SeedError);
    }
    is_secret(stored)
        .then(|| Stored::Clear(stored.to_owned()))
        .ok_or(SeedError)
}

/// Whether `text` is a secret as [`new_secret`] makes them: base32 of 20 bytes (32 characters).
pub fn is_secret(text: &str) -> bool {
    text.len() == 32 && text.bytes().all(|b| matches!(b, b'A'..=b'Z' | b'2'..=b'7'))
}

/// RFC 4648 base32 without padding.
pub fn base32(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let mut out = String::new();
    let (mut buffer, mut bits) = (0u32, 0u32);
    for byte in bytes {
        buffer = (buffer << 8) | u32::from(*byte);
        bits += 8;
        while bits >= 5 {
            out.push(ALPHABET[((buffer >> (bits - 5)) & 31) as usize] as char);
            bits -= 5;
        }
    }
    if bits > 0 {
        out.push(ALPHABET[((buffer << (5 - bits)) & 31) as usize] as char);
    }
    out
}

fn base32_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let (mut buffer, mut bits) = (0u32, 0u32);
    for c in text.bytes().filter(|c| *c != b'=') {
        let value = match c {
            b'A'..=b'Z' => c - b'A',
            b'2'..=b'7' => c - b'2' + 26,
            _ => return None,
        };
        buffer = (buffer << 5) | u32::from(value);
        bits += 5;
        if bits >= 8 {
            out.push((buffer >> (bits - 8)) as u8);
            bits -= 8;
        }
    }
    Some(out)
}

/// The code of time step `step` (RFC 4226's dynamic truncation).
pub fn code_at_step(secret: &str, step: i64) -> Option<String> {
    let key = base32_decode(secret)?;
    let mut mac = Hmac::<Sha1>::new_from_slice(&key).ok()?;
    mac.update(&step.to_be_bytes());
    let digest = mac.finalize().into_bytes();
    let offset = usize::from(digest[19] & 0x0f);
    let number = u32::from_be_bytes([
        digest[offset] & 0x7f,
        digest[offset + 1],
        digest[offset + 2],
        digest[offset + 3],
    ]);
    Some(format!("{:06}", number % 10u32.pow(DIGITS)))
}

/// The step a code typed at `now` matches: the current one or one either side (a phone's clock drifts), or `None`.
/// The caller refuses a step at or before the last one used, so a code works once.
pub fn matching_step(secret: &str, code: &str, now: i64) -> Option<i64> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let current = now.div_euclid(STEP_SECS);
    [current - 1, current, current + 1]
        .into_iter()
        .find(|step| code_at_step(secret, *step).is_some_and(|c| constant_time_eq(c.as_bytes(), code.as_bytes())))
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The URI authenticator apps read from the enrolment QR code.
pub fn otpauth_uri(secret: &str, username: &str) -> String {
    let label: String = username
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
        .collect();
    format!("otpauth://totp/Disdukcapil%20Bengkalis:{label}?secret={secret}&issuer=Disdukcapil%20Bengkalis&algorithm=SHA1&digits=6&period=30")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 appendix B, SHA-1 rows (the key is "12345678901234567890"; the RFC shows 8 digits, we use 6).
    #[test]
    fn matches_the_rfc_test_vectors() {
        let secret = base32(b"12345678901234567890");
        assert_eq!(secret, "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
        for (time, eight) in [
            (59, "94287082"),
            (1_111_111_109, "07081804"),
            (1_234_567_890, "89005924"),
            (2_000_000_000, "69279037"),
        ] {
            assert_eq!(code_at_step(&secret, time / STEP_SECS).unwrap(), eight[2..], "t={time}");
        }
    }

    #[test]
    fn accepts_one_step_of_drift_and_nothing_else() {
        let secret = new_secret();
        let now = 1_800_000_000;
        let code = code_at_step(&secret, now / STEP_SECS - 1).unwrap();
        assert_eq!(matching_step(&secret, &code, now), Some(now / STEP_SECS - 1));
        let old = code_at_step(&secret, now / STEP_SECS - 3).unwrap();
        assert_eq!(matching_step(&secret, &old, now), None);
        assert_eq!(matching_step(&secret, "12345", now), None);
        assert_eq!(matching_step(&secret, "abcdef", now), None);
        assert!(otpauth_uri(&secret, "siti").starts_with("otpauth://totp/Disdukcapil%20Bengkalis:siti?secret="));
    }

    #[test]
    fn seeds_are_sealed_per_account_and_clear_ones_are_recognised() {
        let master: Key = secrecy::SecretBox::new(Box::new(vec![5u8; 32]));
        let key = keys::derive(&master, keys::purpose::TOTP_SEED);
        let secret = new_secret();
        assert!(is_secret(&secret));
        let stored = seal_secret(&key, "staff-1", &secret);
        assert!(!stored.contains(&secret));
        assert_eq!(
            open_secret(&key, "staff-1", &stored).unwrap(),
            Stored::Sealed(secret.clone())
        );
        assert!(open_secret(&key, "staff-2", &stored).is_err(), "bound to its account");
        assert_eq!(
            open_secret(&key, "staff-1", &secret).unwrap(),
            Stored::Clear(secret.clone())
        );
        assert!(open_secret(&key, "staff-1", "not a seed").is_err());
        assert!(open_secret(&key, "staff-1", "v2:abc").is_err());
    }
}
