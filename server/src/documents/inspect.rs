//! Deciding what an uploaded file is, from its content, and making it safe to keep.
//!
//! The functions here block (they decode pictures and parse PDFs): call them through [`Inspector`], which runs
//! them on the blocking pool one file at a time.

use std::{
    io,
    path::{Path, PathBuf},
    sync::Arc,
};

use tokio::sync::Semaphore;

use super::{pdf, raster, staging::Staged, staging::TempFile};

/// Neither side of a picture may be longer than this many pixels (checked from the header, before decoding).
pub const MAX_SIDE: u32 = 8000;

/// A picture may have at most 2^24 pixels (16.8 megapixels), checked from its header before anything is decoded.
///
/// Why this number: ordinary phone cameras write 12 MP (4032 × 3024, 4000 × 3000, 4080 × 3072) and, on the 48 and
/// 64 MP sensors common in mid-range phones sold in Indonesia, 16 MP (4624 × 3468 = 16.04 MP); all fit. A decoded
/// picture takes 3 bytes a pixel (RGB), so the largest allowed baseline JPEG needs 48 MiB for its pixels, plus the
/// file itself, which the JPEG decoder reads whole (at most 10 MiB, usually 3–7 MB): within [`DECODE_BUDGET`].
/// Larger pictures (50 MP and 108 MP full-resolution modes) are refused with a request to send a smaller one;
/// a scan needs nowhere near that many pixels to stay legible.
pub const MAX_PIXELS: u64 = 1 << 24;

/// The memory one picture may take while it is decoded, resized, turned and encoded: 56 MiB. Only one picture is
/// handled at a time ([`Inspector`]), so this, plus a few megabytes for the uploads being received and stored, keeps
/// the server within 64 MiB above idle with 20 uploads under way.
///
/// Before decoding, the need is estimated from the header: the decoded pixels (width × height × bytes per pixel,
/// which also excludes 16-bit and alpha pictures near the pixel limit), plus what the format's decoder needs besides
/// them (the whole file for JPEG and WebP; a progressive JPEG's coefficients, 2 bytes a pixel for each colour
/// component; the frame buffers of WebP), plus a second copy of the shrunken picture when turning it upright
/// needs one. A picture over the budget is refused as [`Refusal::TooManyPixels`]. The same number is handed to the
/// decoders as `image::Limits::max_alloc`.
pub const DECODE_BUDGET: u64 = 56 * 1024 * 1024;

/// Pictures are shrunk so that their long side is at most this many pixels: a family card (about 30 × 21 cm) at
/// 3000 px is about 250 dots per inch, legible to the last digit of every NIK.
pub const OUTPUT_LONG_SIDE: u32 = 3000;

/// The quality of re-encoded JPEGs (1–100).
pub const JPEG_QUALITY: u8 = 85;

/// The types of file accepted, told apart by their first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Jpeg,
    Png,
    Webp,
    Pdf,
}

impl Kind {
    pub fn content_type(self) -> &'static str {
        match self {
            Kind::Jpeg => "image/jpeg",
            Kind::Png => "image/png",
            Kind::Webp => "image/webp",
            Kind::Pdf => "application/pdf",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Kind::Jpeg => "jpg",
            Kind::Png => "png",
            Kind::Webp => "webp",
            Kind::Pdf => "pdf",
        }
    }

    pub fn is_image(self) -> bool {
        self != Kind::Pdf
    }
}

/// The type of a file from its first bytes (magic numbers); `None` for anything not accepted.
pub fn sniff(first_bytes: &[u8]) -> Option<Kind> {
    let b = first_bytes;
    if b.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(Kind::Jpeg)
    } else if b.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(Kind::Png)
    } else if b.len() >= 16 && &b[..4] == b"RIFF" && &b[8..12] == b"WEBP" && b[12..15] == *b"VP8" {
        Some(Kind::Webp)
    } else if b.starts_with(b"%PDF-") {
        Some(Kind::Pdf)
    } else {
        None
    }
}

/// Why a file is not kept. All but [`Refusal::Io`] are the sender's to fix.
#[derive(Debug, thiserror::Error)]
pub enum Refusal {
    /// Not a JPEG, PNG, WebP or PDF (by content): 415.
    #[error("the file is not a JPEG, PNG, WebP or PDF")]
    UnknownType,
    /// A picture larger than [`MAX_SIDE`], [`MAX_PIXELS`] or [`DECODE_BUDGET`] allows: 413 or 422.
    #[error("the picture has too many pixels")]
    TooManyPixels,
    /// A picture that cannot be decoded (damaged, cut off, an unsupported variant): 422.
    #[error("the picture cannot be read")]
    ImageUnreadable,
    /// A PDF protected by a password or otherwise encrypted: 422.
    #[error("the PDF is encrypted")]
    PdfEncrypted,
    /// A PDF that cannot be read, has no pages, or is too complex to read within the budget: 422.
    #[error("the PDF cannot be read")]
    PdfUnreadable,
    /// A PDF with content that acts by itself (scripts, actions, attached files, multimedia, XFA): 422.
    #[error("the PDF has active content")]
    PdfActive,
    /// The staging folder could not be read or written: the server's fault, 500.
    #[error("the file could not be inspected: {0}")]
    Io(#[from] io::Error),
}

impl Refusal {
    /// Whether the server, not the file, is at fault.
    pub fn is_server_fault(&self) -> bool {
        matches!(self, Refusal::Io(_))
    }
}

/// A file ready to be stored.
#[derive(Debug)]
pub struct Prepared {
    /// What is stored: PNG for PNG pictures, JPEG for JPEG and WebP pictures, PDF for PDFs.
    pub kind: Kind,
    /// What was received.
    pub source: Kind,
    /// The file to store: for a picture, a new file in the staging folder, deleted when this is dropped; for a
    /// PDF, the staged file itself (owned, and deleted, by its [`Staged`]).
    pub path: PathBuf,
    /// The size of the file to store.
    pub bytes: u64,
    /// A picture's size as stored (upright, shrunk); `None` for PDFs.
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub(crate) output: Option<TempFile>,
}

impl Prepared {
    /// Keep a re-encoded picture's file after all: the caller takes over deleting it. (A PDF's file belongs to its
    /// [`Staged`], which deletes it unless kept itself.)
    pub fn keep(mut self) -> PathBuf {
        match self.output.take() {
            Some(output) => output.keep(),
            None => std::mem::take(&mut self.path),
        }
    }
}

/// Inspect a staged file and prepare it for storage; a re-encoded picture is written to a new file in `dir`.
/// Blocking: CPU and memory heavy for pictures. Use [`Inspector::prepare`] from async code.
pub fn prepare(staged: &Staged, dir: &Path) -> Result<Prepared, Refusal> {
    prepare_file(staged.path(), staged.head(), staged.bytes(), dir)
}

fn prepare_file(path: &Path, head: &[u8], bytes: u64, dir: &Path) -> Result<Prepared, Refusal> {
    match sniff(head).ok_or(Refusal::UnknownType)? {
        Kind::Pdf => {
            pdf::check(path)?;
            Ok(Prepared {
                kind: Kind::Pdf,
                source: Kind::Pdf,
                path: path.to_owned(),
                bytes,
                width: None,
                height: None,
                output: None,
            })
        }
        image => raster::prepare(path, head, image, dir),
    }
}

/// Runs [`prepare`] on the blocking pool, as many files at a time as it has permits (one: decoding is what takes
/// the memory). Cheap to clone; clones share the permits.
#[derive(Debug, Clone)]
pub struct Inspector {
    permits: Arc<Semaphore>,
}

impl Default for Inspector {
    fn default() -> Self {
        Inspector::new(1)
    }
}

impl Inspector {
    pub fn new(permits: usize) -> Inspector {
        Inspector {
            permits: Arc::new(Semaphore::new(permits.max(1))),
        }
    }

    /// [`prepare`], waiting for a permit first (in turn: the semaphore is fair). The permit is held until the
    /// blocking work ends, even if this future is dropped meanwhile.
    pub async fn prepare(&self, staged: &Staged, dir: &Path) -> Result<Prepared, Refusal> {
        let permit = Arc::clone(&self.permits)
            .acquire_owned()
            .await
            .map_err(|_| io::Error::other("the inspector's semaphore is closed"))?;
        let (path, head, bytes, dir) = (
            staged.path().to_owned(),
            staged.head().to_vec(),
            staged.bytes(),
            dir.to_owned(),
        );
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            prepare_file(&path, &head, bytes, &dir)
        })
        .await
        .map_err(|e| io::Error::other(format!("the inspection failed: {e}")))?
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::documents::{fixtures, staging::receive_stream};
    use bytes::Bytes;
    use image::GenericImageView;

    /// Stage `content` as if it had been uploaded.
    pub(crate) async fn stage(dir: &Path, content: Vec<u8>) -> Staged {
        let chunks: Vec<Result<Bytes, io::Error>> =
            content.chunks(7000).map(|c| Ok(Bytes::copy_from_slice(c))).collect();
        receive_stream(
            futures_util::stream::iter(chunks),
            dir,
            crate::documents::MAX_UPLOAD_BYTES,
        )
        .await
        .expect("staged")
    }

    fn files_in(dir: &Path) -> usize {
        std::fs::read_dir(dir).map(|d| d.count()).unwrap_or(0)
    }

    #[test]
    fn sniffs_each_type_by_content() {
        assert_eq!(sniff(&fixtures::jpeg(8, 8)), Some(Kind::Jpeg));
        assert_eq!(sniff(&fixtures::png(8, 8)), Some(Kind::Png));
        assert_eq!(sniff(&fixtures::webp(8, 8)), Some(Kind::Webp));
        assert_eq!(sniff(&fixtures::pdf()), Some(Kind::Pdf));
        assert_eq!(sniff(b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0"), None);
        assert_eq!(sniff(b"RIFF\0\0\0\0WAVEfmt "), None);
        assert_eq!(sniff(b"GIF89a"), None);
        assert_eq!(sniff(b""), None);
        assert_eq!(Kind::Webp.content_type(), "image/webp");
        assert_eq!(Kind::Jpeg.extension(), "jpg");
    }

    #[tokio::test]
    async fn a_renamed_executable_is_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        // The name (scan.jpg) and the declared type play no part: only the content is looked at.
        let mut elf = b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x02\0\x3e\0".to_vec();
        elf.resize(4096, 0);
        let staged = stage(dir.path(), elf).await;
        let result = Inspector::new(1).prepare(&staged, dir.path()).await;
        assert!(matches!(result, Err(Refusal::UnknownType)), "{result:?}");
    }

    #[tokio::test]
    async fn a_jpeg_is_turned_upright_and_loses_its_exif() {
        let dir = tempfile::tempdir().expect("tempdir");
        // 64 × 32, stored sideways: EXIF orientation 6 says "turn 90° clockwise to view".
        let original = fixtures::jpeg_with_orientation(64, 32, 6);
        assert!(fixtures::has_exif(&original));
        let staged = stage(dir.path(), original).await;
        let prepared = Inspector::new(1).prepare(&staged, dir.path()).await.expect("prepared");
        assert_eq!((prepared.kind, prepared.source), (Kind::Jpeg, Kind::Jpeg));
        assert_eq!((prepared.width, prepared.height), (Some(32), Some(64)));
        let out = std::fs::read(&prepared.path).expect("read");
        assert_eq!(prepared.bytes, out.len() as u64);
        assert!(!fixtures::has_exif(&out), "the EXIF segment is gone");
        let upright = image::load_from_memory(&out).expect("decodes").to_rgb8();
        assert_eq!(upright.dimensions(), (32, 64));
        // The red top-left quarter of the stored picture ends up at the top right once turned clockwise.
        assert!(
            fixtures::is_red(upright.get_pixel(28, 4).0),
            "{:?}",
            upright.get_pixel(28, 4)
        );
        assert!(
            !fixtures::is_red(upright.get_pixel(4, 4).0),
            "{:?}",
            upright.get_pixel(4, 4)
        );
        // The re-encoded file is a staging file of its own, deleted with `prepared`.
        assert_ne!(prepared.path, staged.path());
        assert_eq!(files_in(dir.path()), 2);
        drop(prepared);
        drop(staged);
        assert_eq!(files_in(dir.path()), 0);
    }

    #[tokio::test]
    async fn a_png_is_turned_upright_and_loses_its_metadata() {
        let dir = tempfile::tempdir().expect("tempdir");
        let original = fixtures::png_with_orientation(64, 32, 6);
        assert!(fixtures::has_exif(&original));
        let staged = stage(dir.path(), original).await;
        let prepared = prepare(&staged, dir.path()).expect("prepared");
        assert_eq!(
            (prepared.kind, prepared.width, prepared.height),
            (Kind::Png, Some(32), Some(64))
        );
        let out = std::fs::read(&prepared.path).expect("read");
        assert!(!fixtures::has_exif(&out), "eXIf and tEXt are gone");
        let upright = image::load_from_memory(&out).expect("decodes").to_rgb8();
        assert_eq!(upright.get_pixel(28, 4).0, [255, 0, 0]);
        assert_eq!(upright.get_pixel(4, 4).0, [255, 255, 255]);
    }

    #[tokio::test]
    async fn a_png_stays_a_png_and_webp_becomes_jpeg() {
        let dir = tempfile::tempdir().expect("tempdir");
        let staged = stage(dir.path(), fixtures::png(40, 30)).await;
        let prepared = prepare(&staged, dir.path()).expect("png");
        assert_eq!(
            (prepared.kind, prepared.width, prepared.height),
            (Kind::Png, Some(40), Some(30))
        );
        let out = std::fs::read(&prepared.path).expect("read");
        assert_eq!(sniff(&out), Some(Kind::Png));
        let decoded = image::load_from_memory(&out).expect("decodes").to_rgb8();
        assert!(fixtures::is_red(decoded.get_pixel(2, 2).0));

        let staged = stage(dir.path(), fixtures::webp(40, 30)).await;
        let prepared = prepare(&staged, dir.path()).expect("webp");
        assert_eq!((prepared.kind, prepared.source), (Kind::Jpeg, Kind::Webp));
        let out = std::fs::read(&prepared.path).expect("read");
        assert_eq!(sniff(&out), Some(Kind::Jpeg));
        assert_eq!(image::load_from_memory(&out).expect("decodes").dimensions(), (40, 30));

        // Transparency is laid on white (JPEG has none).
        let staged = stage(dir.path(), fixtures::webp_with_alpha(40, 30)).await;
        let prepared = prepare(&staged, dir.path()).expect("webp with alpha");
        assert_eq!(prepared.kind, Kind::Jpeg);
        let out = image::load_from_memory(&std::fs::read(&prepared.path).expect("read"))
            .expect("decodes")
            .to_rgb8();
        assert!(
            out.get_pixel(5, 5).0.iter().all(|&c| c > 240),
            "{:?}",
            out.get_pixel(5, 5)
        );
        assert!(fixtures::is_red(out.get_pixel(35, 5).0));

        // Kept, the re-encoded file outlives its `Prepared`.
        let path = prepared.keep();
        assert!(path.exists());
        std::fs::remove_file(path).expect("removed");
    }

    #[tokio::test]
    async fn a_large_picture_is_shrunk_to_the_output_size() {
        let dir = tempfile::tempdir().expect("tempdir");
        let staged = stage(dir.path(), fixtures::png(4000, 300)).await;
        let prepared = prepare(&staged, dir.path()).expect("prepared");
        assert_eq!((prepared.width, prepared.height), (Some(3000), Some(225)));
        let decoded = image::load_from_memory(&std::fs::read(&prepared.path).expect("read")).expect("decodes");
        assert_eq!(decoded.dimensions(), (3000, 225));
        let decoded = decoded.to_rgb8();
        // The colours survive the shrinking: red top left, blue bottom right.
        assert!(fixtures::is_red(decoded.get_pixel(10, 10).0));
        assert_eq!(decoded.get_pixel(2990, 220).0, [0, 0, 255]);
    }

    #[tokio::test]
    async fn a_pixel_flood_is_refused_from_its_header() {
        let dir = tempfile::tempdir().expect("tempdir");
        // A few hundred bytes whose header claims 50,000 × 50,000 pixels (7.5 GB decoded).
        let staged = stage(dir.path(), fixtures::png_header_only(50_000, 50_000)).await;
        let result = prepare(&staged, dir.path());
        assert!(matches!(result, Err(Refusal::TooManyPixels)), "{result:?}");
        // Within the side limit but over the pixel limit: 5000 × 5000 = 25 MP.
        let staged = stage(dir.path(), fixtures::png_header_only(5000, 5000)).await;
        let result = prepare(&staged, dir.path());
        assert!(matches!(result, Err(Refusal::TooManyPixels)), "{result:?}");
        // Within both, but 16-bit RGBA: 8 bytes a pixel, 3000 × 3000 = 69 MiB, over the memory budget.
        let staged = stage(dir.path(), fixtures::png_header_only_rgba16(3000, 3000)).await;
        let result = prepare(&staged, dir.path());
        assert!(matches!(result, Err(Refusal::TooManyPixels)), "{result:?}");
        // Only the staged files are there (deleted with them): no output was written.
        assert_eq!(files_in(dir.path()), 3);
    }

    #[tokio::test]
    async fn a_jpeg_pixel_flood_is_refused_from_its_header() {
        let dir = tempfile::tempdir().expect("tempdir");
        let staged = stage(dir.path(), fixtures::jpeg_with_size_in_header(60_000, 60_000)).await;
        let result = prepare(&staged, dir.path());
        assert!(matches!(result, Err(Refusal::TooManyPixels)), "{result:?}");
    }

    #[tokio::test]
    async fn a_truncated_jpeg_is_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut jpeg = fixtures::jpeg(64, 64);
        jpeg.truncate(jpeg.len() / 2);
        let staged = stage(dir.path(), jpeg).await;
        let result = prepare(&staged, dir.path());
        assert!(matches!(result, Err(Refusal::ImageUnreadable)), "{result:?}");
    }

    #[tokio::test]
    async fn a_truncated_png_and_garbage_after_a_magic_number_are_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut png = fixtures::png(64, 64);
        png.truncate(png.len() / 2);
        let staged = stage(dir.path(), png).await;
        assert!(matches!(prepare(&staged, dir.path()), Err(Refusal::ImageUnreadable)));
        let mut garbage = b"\xFF\xD8\xFF\xE0".to_vec();
        garbage.extend(std::iter::repeat_n(0x5A, 500));
        let staged = stage(dir.path(), garbage).await;
        assert!(matches!(prepare(&staged, dir.path()), Err(Refusal::ImageUnreadable)));
        let mut garbage = b"RIFF\x10\0\0\0WEBPVP8 ".to_vec();
        garbage.extend(std::iter::repeat_n(0x5A, 500));
        let staged = stage(dir.path(), garbage).await;
        assert!(matches!(prepare(&staged, dir.path()), Err(Refusal::ImageUnreadable)));
    }

    #[tokio::test]
    async fn pdfs_are_checked_and_kept_as_received() {
        let dir = tempfile::tempdir().expect("tempdir");
        let original = fixtures::pdf();
        let staged = stage(dir.path(), original.clone()).await;
        let prepared = Inspector::default()
            .prepare(&staged, dir.path())
            .await
            .expect("a valid PDF");
        assert_eq!((prepared.kind, prepared.width), (Kind::Pdf, None));
        assert_eq!(prepared.path, staged.path());
        assert_eq!(prepared.bytes, original.len() as u64);
        assert_eq!(std::fs::read(&prepared.path).expect("read"), original);

        let staged = stage(dir.path(), fixtures::encrypted_pdf()).await;
        let result = prepare(&staged, dir.path());
        assert!(matches!(result, Err(Refusal::PdfEncrypted)), "{result:?}");

        let mut garbage = b"%PDF-1.4\n".to_vec();
        garbage.extend((0..2000u32).map(|i| (i * 7919 % 251) as u8));
        let staged = stage(dir.path(), garbage).await;
        let result = prepare(&staged, dir.path());
        assert!(matches!(result, Err(Refusal::PdfUnreadable)), "{result:?}");
    }

    #[tokio::test]
    async fn one_file_at_a_time() {
        let dir = tempfile::tempdir().expect("tempdir");
        let inspector = Inspector::new(1);
        let first = stage(dir.path(), fixtures::png(300, 200)).await;
        let second = stage(dir.path(), fixtures::jpeg(300, 200)).await;
        let held = Arc::clone(&inspector.permits).acquire_owned().await.expect("permit");
        let waiting = inspector.prepare(&first, dir.path());
        let timed_out = tokio::time::timeout(std::time::Duration::from_millis(50), waiting).await;
        assert!(timed_out.is_err(), "no inspection while the only permit is taken");
        drop(held);
        let (a, b) = tokio::join!(
            inspector.prepare(&first, dir.path()),
            inspector.prepare(&second, dir.path())
        );
        assert_eq!(a.expect("png").kind, Kind::Png);
        assert_eq!(b.expect("jpeg").kind, Kind::Jpeg);
    }
}
