//! Staff passwords: argon2id with the OWASP minimum (m = 19 456 KiB, t = 2, p = 1), stored as a PHC string that
//! carries its own salt and parameters, so stronger parameters later still verify the old hashes.

use argon2::{
    password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString},
    Algorithm, Argon2, Params, Version,
};

/// The shortest password accepted.
pub const MIN_LENGTH: usize = 12;

fn hasher() -> Argon2<'static> {
    let params = Params::new(19_456, 2, 1, None).expect("valid argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// The PHC string of `password` with a fresh random salt.
pub fn hash(password: &str) -> String {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).expect("the operating system's random source");
    let salt = SaltString::encode_b64(&salt).expect("16 bytes make a valid salt");
    hasher()
        .hash_password(password.as_bytes(), &salt)
        .expect("argon2 hashes any password")
        .to_string()
}

/// Whether `password` matches the stored PHC string; a malformed string matches nothing.
pub fn verify(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored)
        .map(|parsed| hasher().verify_password(password.as_bytes(), &parsed).is_ok())
        .unwrap_or(false)
}

/// A hash to verify against when the username is unknown, so that a wrong username takes as long as a wrong
/// password and does not reveal which usernames exist.
pub fn decoy() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| hash("not a password anyone has"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_with_argon2id_at_the_required_strength_and_verifies() {
        let stored = hash("kata sandi yang panjang");
        assert!(stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{stored}");
        assert!(verify("kata sandi yang panjang", &stored));
        assert!(!verify("kata sandi yang salah!", &stored));
        assert!(!verify("anything", "not a hash"));
        assert_ne!(hash("same"), hash("same"), "each hash has its own salt");
    }
}
