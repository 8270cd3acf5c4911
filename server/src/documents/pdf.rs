//! PDFs: refused when encrypted or unreadable; otherwise kept exactly as received.
//!
//! Only the structure a reader needs first is parsed (header, cross-reference data, trailer, catalog and page tree
//! root: lopdf's metadata loader), not every object. Loading every object would decompress every object stream, and
//! a 10 MB file of compressed streams can inflate to gigabytes; the staff's PDF reader parses the rest when the
//! document is opened, as it would any PDF.

use std::{
    fs::File,
    io::{self, Read},
    path::Path,
};

use super::inspect::Refusal;

pub(crate) fn check(path: &Path) -> Result<(), Refusal> {
    match lopdf::Document::load_metadata(path) {
        // `encrypted`: the trailer has an /Encrypt entry, whether or not a password is needed to open it.
        Ok(metadata) if metadata.encrypted => Err(Refusal::PdfEncrypted),
        Ok(metadata) if metadata.page_count == 0 => Err(Refusal::PdfUnreadable),
        Ok(_) => Ok(()),
        Err(lopdf::Error::IO(e)) => Err(Refusal::Io(e)),
        // lopdf gives up on some encryption dictionaries before it says the file is encrypted: tell the sender
        // the reason that is most likely theirs to fix.
        Err(e) if mentions_encrypt(path)? => {
            tracing::debug!(error = %e, "unreadable PDF with an /Encrypt key refused as encrypted");
            Err(Refusal::PdfEncrypted)
        }
        Err(e) => {
            tracing::debug!(error = %e, "PDF refused as unreadable");
            Err(Refusal::PdfUnreadable)
        }
    }
}

/// Whether the file contains `/Encrypt` anywhere, read in pieces.
fn mentions_encrypt(path: &Path) -> io::Result<bool> {
    const NEEDLE: &[u8] = b"/Encrypt";
    let mut file = File::open(path)?;
    let mut buffer = vec![0u8; 64 * 1024];
    // The end of the previous piece is kept at the start, for a needle across two pieces.
    let mut kept = 0;
    loop {
        let read = file.read(&mut buffer[kept..])?;
        if read == 0 {
            return Ok(false);
        }
        let filled = kept + read;
        if buffer[..filled].windows(NEEDLE.len()).any(|w| w == NEEDLE) {
            return Ok(true);
        }
        kept = (NEEDLE.len() - 1).min(filled);
        buffer.copy_within(filled - kept..filled, 0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::documents::fixtures;

    fn checked(content: &[u8]) -> Result<(), Refusal> {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("document.pdf");
        std::fs::write(&path, content).expect("write");
        check(&path)
    }

    #[test]
    fn a_minimal_pdf_passes() {
        assert!(checked(&fixtures::pdf()).is_ok());
    }

    #[test]
    fn an_encrypted_pdf_is_refused() {
        let result = checked(&fixtures::encrypted_pdf());
        assert!(matches!(result, Err(Refusal::PdfEncrypted)), "{result:?}");
    }

    #[test]
    fn unreadable_pdfs_are_refused() {
        for content in [
            b"%PDF-1.4\n".to_vec(),
            b"%PDF-1.4\n\x00\x01\x02 garbage garbage garbage\n%%EOF\n".to_vec(),
            // A catalog without pages.
            fixtures::pdf_with_objects(&["<< /Type /Catalog >>"], ""),
        ] {
            let result = checked(&content);
            assert!(matches!(result, Err(Refusal::PdfUnreadable)), "{result:?}");
        }
    }

    #[test]
    fn finds_encrypt_across_pieces() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("x");
        for at in [0usize, 65_530, 65_533, 65_536, 100_000] {
            let mut content = vec![b'a'; 140_000];
            content[at..at + 8].copy_from_slice(b"/Encrypt");
            std::fs::write(&path, &content).expect("write");
            assert!(mentions_encrypt(&path).expect("read"), "at {at}");
        }
        std::fs::write(&path, vec![b'a'; 140_000]).expect("write");
        assert!(!mentions_encrypt(&path).expect("read"));
    }
}
