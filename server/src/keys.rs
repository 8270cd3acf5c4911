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
    match std::fs::read_to_string(&path) {
        Ok(text) => decode(text.trim()).ok_or(KeyError::Invalid),
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            std::fs::create_dir_all(dir).map_err(io_err)?;
            let mut bytes = vec![0u8; MIN_KEY_BYTES * 2];
            getrandom::fill(&mut bytes).map_err(|e| io_err(io::Error::other(e.to_string())))?;
            write_private(&path, STANDARD.encode(&bytes).as_bytes()).map_err(io_err)?;
            tracing::info!(key = name, "generated a new signing key in the data folder");
            Ok(SecretBox::new(Box::new(bytes)))
        }
        Err(e) => Err(io_err(e)),
    }
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
