//! Randomness from the operating system, for identifiers and one-time codes.

/// 128 random bits as 32 lowercase hex characters: ids of accounts, sessions and sign-in attempts.
pub fn id() -> String {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).expect("the operating system's random source");
    hex(&bytes)
}

/// Bytes as lowercase hex, two characters each: ids, hashes and fingerprints as text.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Six decimal digits, uniformly distributed (rejection sampling avoids the bias of a plain modulo).
pub fn six_digits() -> String {
    const LIMIT: u32 = u32::MAX - (u32::MAX % 1_000_000);
    loop {
        let mut bytes = [0u8; 4];
        getrandom::fill(&mut bytes).expect("the operating system's random source");
        let n = u32::from_le_bytes(bytes);
        if n < LIMIT {
            return format!("{:06}", n % 1_000_000);
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn shapes() {
        let code = super::six_digits();
        assert_eq!(code.len(), 6);
        assert!(code.bytes().all(|b| b.is_ascii_digit()));
        assert_eq!(super::id().len(), 32);
        assert_ne!(super::id(), super::id());
    }
}
