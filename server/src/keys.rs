//! Signing keys. Given in configuration, or generated from the operating system's random source on first start
//! and kept in the data folder (readable by the owner only), so that sessions survive a restart.

use base64::{engine::general_purpose::STANDARD, Engine};
use secrecy::{ExposeSecret, SecretBox, SecretString};
use std::{io, path::Path};

/// The shortest key accepted: 256 bits.
pub const MIN_KEY_BYTES: usize = 32;

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("the configured key is not base64 of at least {MIN_KEY_BYTES} bytes")]
    Invalid,
    #[error("could not read or write the key file {path}: {source}")]
    Io { path: String, source: io::Error },
}

pub type Key = SecretBox<Vec<u8>>;

/// The key from configuration if given, else the one in `dir/name.key`, else a new one written there.
pub fn load_or_generate(configured: Option<&SecretString>, dir: &Path, name: &str) -> Result<Key, KeyError> {
    if let Some(value) = configured {
        return decode(value.expose_secret()).ok_or(KeyError::Invalid);
    }
    let path = dir.join(format!("{name}.key"));
    let io_err = |source| KeyError::Io {
        path: path.display().to_string(),
        source,
    };
    // The folder is made private (0700) whether it is new or was there before.
    private_dir(dir).map_err(io_err)?;
    match std::fs::read_to_string(&path) {
        Ok(text) => decode(text.trim()).ok_or(KeyError::Invalid),
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            let mut bytes = vec![0u8; MIN_KEY_BYTES * 2];
            getrandom::fill(&mut bytes).map_err(|e| io_err(io::Error::other(e.to_string())))?;
            // Written whole under a name of its own, then linked into place: two processes starting at once on
            // one data folder never read a half-written key, and the one that links second uses the first's.
            let draft = dir.join(format!(".{name}.key.{}", crate::auth::random::id()));
            write_private(&draft, STANDARD.encode(&bytes).as_bytes()).map_err(io_err)?;
            let linked = std::fs::hard_link(&draft, &path);
            let _ = std::fs::remove_file(&draft);
            match linked {
                Ok(()) => {
                    tracing::info!(key = name, "generated a new signing key in the data folder");
                    Ok(SecretBox::new(Box::new(bytes)))
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                    let text = std::fs::read_to_string(&path).map_err(io_err)?;
                    decode(text.trim()).ok_or(KeyError::Invalid)
                }
                Err(e) => Err(io_err(e)),
            }
        }
        Err(e) => Err(io_err(e)),
    }
}

/// What the database keeps to tell whether every node holds the same master key: the SHA-256 (hex) of a key
/// derived for this purpose alone. It tells nothing of the master key or of any other derived key (HKDF's outputs
/// are independent, and SHA-256 is one-way), and the same master key always gives the same fingerprint.
pub fn fingerprint(master: &Key) -> String {
    use sha2::Digest;
    let derived = derive(master, purpose::KEY_FINGERPRINT);
    crate::auth::random::hex(&sha2::Sha256::digest(derived.expose_secret()))
}

/// A key for one purpose, derived from the master key with HKDF-SHA256 (RFC 5869): keys for different purposes
/// (citizen sessions, staff sessions, code hashing, client tags, the flash, TOTP seeds) are independent, so that
/// none can stand in for another, and every node that holds the same master key derives the same ones.
pub fn derive(master: &Key, purpose: &str) -> Key {
    let hkdf = hkdf::Hkdf::<sha2::Sha256>::new(Some(b"portal-ktp-el/v1"), master.expose_secret());
    let mut out = vec![0u8; 32];
    hkdf.expand(purpose.as_bytes(), &mut out)
        .expect("32 bytes is a valid HKDF-SHA256 output length");
    SecretBox::new(Box::new(out))
}

/// The purposes keys are derived for, each its own HKDF `info`: changing one changes that key only.
pub mod purpose {
    /// Signing citizens' session tokens.
    pub const CITIZEN_SESSION: &str = "citizen-session";
    /// Signing staff session tokens.
    pub const STAFF_SESSION: &str = "staff-session";
    /// The keyed hash of one-time sign-in codes.
    pub const CODE_HASH: &str = "code-hash";
    /// The keyed hash of client addresses (rate limits).
    pub const CLIENT_TAG: &str = "client-tag";
    /// Sealing staff TOTP seeds at rest.
    pub const TOTP_SEED: &str = "totp-seed";
    /// Sealing the flash cookie.
    pub const FLASH: &str = "flash";
    /// The fingerprint of the master key kept in the database ([`super::fingerprint`]).
    pub const KEY_FINGERPRINT: &str = "key-fingerprint";
}

/// The version prefix of a value sealed by [`seal`].
const SEALED_V1: &str = "v1:";

/// ChaCha20-Poly1305 under `key`: a random 96-bit nonce followed by the ciphertext and its tag. `associated` is
/// authenticated, not stored. `None` only when the operating system gives no randomness (a nonce must never
/// repeat, so nothing is sealed without one). Both [`seal`] (values at rest) and the flash cookie
/// (`http::cookies`) are this, written out differently.
pub fn seal_bytes(key: &Key, associated: &[u8], plaintext: &[u8]) -> Option<Vec<u8>> {
    use chacha20poly1305::{aead::Aead, aead::Payload, ChaCha20Poly1305, KeyInit, Nonce};
    let cipher = ChaCha20Poly1305::new_from_slice(key.expose_secret()).ok()?;
    let mut nonce = [0u8; NONCE_BYTES];
    getrandom::fill(&mut nonce).ok()?;
    let sealed = cipher
        .encrypt(
            Nonce::from_slice(&nonce),
            Payload {
                msg: plaintext,
                aad: associated,
            },
        )
        .ok()?;
    let mut out = nonce.to_vec();
    out.extend_from_slice(&sealed);
    Some(out)
}

/// The plaintext of bytes written by [`seal_bytes`] with the same key and associated data; `None` for anything
/// else (another key, other associated data, a changed or missing byte).
pub fn open_bytes(key: &Key, associated: &[u8], bytes: &[u8]) -> Option<Vec<u8>> {
    use chacha20poly1305::{aead::Aead, aead::Payload, ChaCha20Poly1305, KeyInit, Nonce};
    if bytes.len() < NONCE_BYTES + 16 {
        return None;
    }
    let (nonce, ciphertext) = bytes.split_at(NONCE_BYTES);
    let cipher = ChaCha20Poly1305::new_from_slice(key.expose_secret()).ok()?;
    cipher
        .decrypt(
            Nonce::from_slice(nonce),
            Payload {
                msg: ciphertext,
                aad: associated,
            },
        )
        .ok()
}

const NONCE_BYTES: usize = 12;

/// Seals `plaintext` for storage under a derived key: `v1:` then base64 of [`seal_bytes`]. `associated` (e.g. the
/// id of the row the value belongs to) is authenticated, not stored: a sealed value copied to another row does not
/// open there.
pub fn seal(key: &Key, associated: &[u8], plaintext: &[u8]) -> String {
    let sealed = seal_bytes(key, associated, plaintext).expect("the operating system's random source");
    format!("{SEALED_V1}{}", STANDARD.encode(sealed))
}

/// Whether `text` has the form [`seal`] writes (opening it may still fail).
pub fn is_sealed(text: &str) -> bool {
    text.starts_with(SEALED_V1)
}

/// The plaintext of a value written by [`seal`] with the same key and associated data; `None` for anything else
/// (another key, another row, a changed byte, an unknown version).
pub fn open(key: &Key, associated: &[u8], sealed: &str) -> Option<Vec<u8>> {
    open_bytes(key, associated, &STANDARD.decode(sealed.strip_prefix(SEALED_V1)?).ok()?)
}

/// An exclusive `flock` on `file`: with `wait`, until it is free (then always `Ok(true)`); without, `Ok(false)`
/// when another open file holds it. The lock goes with the file handle, so a process that dies holds it no longer.
/// Where there are no such locks (not Unix), every lock is granted.
#[cfg(unix)]
pub fn lock_file(file: &std::fs::File, wait: bool) -> io::Result<bool> {
    use std::os::fd::AsRawFd;
    let operation = if wait {
        libc::LOCK_EX
    } else {
        libc::LOCK_EX | libc::LOCK_NB
    };
    loop {
        // SAFETY: `flock` on a descriptor this function borrows, open for as long as the call.
        if unsafe { libc::flock(file.as_raw_fd(), operation) } == 0 {
            return Ok(true);
        }
        let error = io::Error::last_os_error();
        match error.kind() {
            io::ErrorKind::Interrupted => continue,
            io::ErrorKind::WouldBlock if !wait => return Ok(false),
            _ => return Err(error),
        }
    }
}

#[cfg(not(unix))]
pub fn lock_file(_file: &std::fs::File, _wait: bool) -> io::Result<bool> {
    Ok(true)
}

/// Creates `dir` (and its parents) if needed and makes it readable by its owner only (0700), whatever mode it had:
/// the data folder, the uploads, the staging files and the keys are nobody else's business.
pub fn private_dir(dir: &Path) -> io::Result<()> {
    std::fs::create_dir_all(dir)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
    }
    Ok(())
}

fn decode(text: &str) -> Option<Key> {
    let bytes = STANDARD.decode(text.trim()).ok()?;
    (bytes.len() >= MIN_KEY_BYTES).then(|| SecretBox::new(Box::new(bytes)))
}

fn write_private(path: &Path, contents: &[u8]) -> io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)?.write_all(contents)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generates_once_then_reuses() {
        let dir = tempfile::tempdir().unwrap();
        let first = load_or_generate(None, dir.path(), "session").unwrap();
        let again = load_or_generate(None, dir.path(), "session").unwrap();
        assert_eq!(first.expose_secret(), again.expose_secret());
        assert!(first.expose_secret().len() >= MIN_KEY_BYTES);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join("session.key"))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o077, 0, "the key file must not be readable by others");
        }
    }

    #[test]
    fn processes_generating_at_once_agree_on_one_key() {
        let dir = tempfile::tempdir().unwrap();
        let keys: Vec<Vec<u8>> = std::thread::scope(|scope| {
            let started: Vec<_> = (0..8)
                .map(|_| scope.spawn(|| load_or_generate(None, dir.path(), "session").unwrap()))
                .collect();
            started
                .into_iter()
                .map(|t| t.join().unwrap().expose_secret().clone())
                .collect()
        });
        assert!(keys.iter().all(|k| k == &keys[0]), "every process uses the same key");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(
            names,
            vec![std::ffi::OsString::from("session.key")],
            "no draft is left behind"
        );
    }

    #[test]
    fn the_fingerprint_repeats_for_a_key_and_reveals_none() {
        let master: Key = SecretBox::new(Box::new(vec![9u8; 64]));
        let other: Key = SecretBox::new(Box::new(vec![8u8; 64]));
        let print = fingerprint(&master);
        assert_eq!(print, fingerprint(&master));
        assert_ne!(print, fingerprint(&other));
        assert_eq!(print.len(), 64);
        for purpose in [purpose::CITIZEN_SESSION, purpose::CODE_HASH, purpose::KEY_FINGERPRINT] {
            let derived = crate::auth::random::hex(derive(&master, purpose).expose_secret());
            assert_ne!(print, derived);
        }
    }

    #[test]
    fn derived_keys_differ_by_purpose_and_repeat_for_the_same_master() {
        let master: Key = SecretBox::new(Box::new(vec![9u8; 64]));
        let a = derive(&master, "citizen-session");
        let b = derive(&master, "staff-session");
        assert_ne!(a.expose_secret(), b.expose_secret());
        assert_ne!(a.expose_secret(), master.expose_secret());
        assert_eq!(a.expose_secret(), derive(&master, "citizen-session").expose_secret());
        assert_eq!(a.expose_secret().len(), 32);
    }

    #[test]
    fn sealed_values_open_only_with_their_key_and_associated_data() {
        let master: Key = SecretBox::new(Box::new(vec![3u8; 64]));
        let key = derive(&master, purpose::TOTP_SEED);
        let sealed = seal(&key, b"row-1", b"JBSWY3DPEHPK3PXP");
        assert!(is_sealed(&sealed));
        assert!(!sealed.contains("JBSWY3DPEHPK3PXP"));
        assert_ne!(
            sealed,
            seal(&key, b"row-1", b"JBSWY3DPEHPK3PXP"),
            "a fresh nonce each time"
        );
        assert_eq!(open(&key, b"row-1", &sealed).unwrap(), b"JBSWY3DPEHPK3PXP");
        assert!(open(&key, b"row-2", &sealed).is_none(), "another row");
        assert!(
            open(&derive(&master, purpose::FLASH), b"row-1", &sealed).is_none(),
            "another key"
        );
        let mut bytes = STANDARD.decode(&sealed[3..]).unwrap();
        bytes[20] ^= 1;
        assert!(
            open(&key, b"row-1", &format!("v1:{}", STANDARD.encode(bytes))).is_none(),
            "a changed byte"
        );
        assert!(
            open(&key, b"row-1", &sealed.replacen("v1:", "v2:", 1)).is_none(),
            "an unknown version"
        );
        assert!(open(&key, b"row-1", "v1:AAAA").is_none());
    }

    #[test]
    fn configured_key_wins_and_short_keys_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let good = SecretString::from(STANDARD.encode([7u8; 32]));
        assert_eq!(
            load_or_generate(Some(&good), dir.path(), "s").unwrap().expose_secret(),
            &vec![7u8; 32]
        );
        let short = SecretString::from(STANDARD.encode([7u8; 16]));
        assert!(load_or_generate(Some(&short), dir.path(), "s").is_err());
        assert!(!dir.path().join("s.key").exists());
    }
}
