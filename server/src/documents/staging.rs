//! Receiving one uploaded file into a staging file on disk, chunk by chunk, so that a 10 MB upload never sits whole
//! in memory. The file gets a name the server makes up; it is deleted when its [`Staged`] is dropped (or at once,
//! when the upload fails), unless it is [kept](Staged::keep).

use std::{
    fmt::Display,
    io,
    path::{Path, PathBuf},
};

use axum::extract::multipart::{Field, MultipartError};
use bytes::Bytes;
use futures_util::{Stream, StreamExt};
use http::StatusCode;
use tokio::io::AsyncWriteExt;

/// How many of the first bytes a [`Staged`] keeps in memory, for [`super::inspect::sniff`].
pub const HEAD_LEN: usize = 64;

/// The write buffer of one upload: chunks arrive in a few kilobytes; writing them a few at a time saves trips to
/// the blocking pool, and 20 uploads at once hold 640 KiB of it.
const WRITE_BUFFER: usize = 32 * 1024;

/// A file received whole into the staging folder. Dropping it deletes the file.
#[derive(Debug)]
pub struct Staged {
    file: TempFile,
    bytes: u64,
    head: Vec<u8>,
}

impl Staged {
    /// Where the file is.
    pub fn path(&self) -> &Path {
        self.file.path()
    }

    /// How many bytes were received.
    pub fn bytes(&self) -> u64 {
        self.bytes
    }

    /// The first bytes of the file (up to [`HEAD_LEN`]), to tell its type.
    pub fn head(&self) -> &[u8] {
        &self.head
    }

    /// Keep the file after all: the caller takes over deleting it.
    pub fn keep(self) -> PathBuf {
        self.file.keep()
    }
}

/// Why a file was not received. Nothing is left behind in any case.
#[derive(Debug, thiserror::Error)]
pub enum ReceiveError {
    /// Over the limit (counted as the bytes arrive, or the request body's own limit): 413.
    #[error("the file is larger than the limit")]
    TooLarge,
    /// The body ended early or could not be read (the connection was cut, a malformed multipart body): 400.
    #[error("the upload ended before the file did")]
    Incomplete,
    /// No bytes at all: 400 or 422.
    #[error("the file is empty")]
    Empty,
    /// The staging folder could not be written: the server's fault, 500.
    #[error("the staging file could not be written: {0}")]
    Io(#[from] io::Error),
}

/// Receive one multipart field into a new file in `dir` (created if missing), at most `max_bytes` long.
pub async fn receive(field: Field<'_>, dir: &Path, max_bytes: u64) -> Result<Staged, ReceiveError> {
    // The request body limit (axum's `DefaultBodyLimit`) shows up as an error of the field's stream.
    let classify = |e: &MultipartError| match e.status() {
        StatusCode::PAYLOAD_TOO_LARGE => ReceiveError::TooLarge,
        _ => ReceiveError::Incomplete,
    };
    receive_classified(field, dir, max_bytes, classify).await
}

/// [`receive`] for any stream of chunks (tests, other sources): an error of the stream means the upload was cut
/// off ([`ReceiveError::Incomplete`]).
pub async fn receive_stream<S, E>(stream: S, dir: &Path, max_bytes: u64) -> Result<Staged, ReceiveError>
where
    S: Stream<Item = Result<Bytes, E>>,
    E: Display,
{
    receive_classified(stream, dir, max_bytes, |_| ReceiveError::Incomplete).await
}

async fn receive_classified<S, E>(
    stream: S,
    dir: &Path,
    max_bytes: u64,
    classify: impl Fn(&E) -> ReceiveError,
) -> Result<Staged, ReceiveError>
where
    S: Stream<Item = Result<Bytes, E>>,
    E: Display,
{
    let (guard, file) = TempFile::create(dir, "upload", "part").await?;
    // Declared after `guard`, so dropped before it: the file is closed, then deleted.
    let mut file = tokio::io::BufWriter::with_capacity(WRITE_BUFFER, file);
    let mut stream = std::pin::pin!(stream);
    let mut received: u64 = 0;
    let mut head = Vec::with_capacity(HEAD_LEN);
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| {
            tracing::debug!(error = %e, received, "upload stream failed");
            classify(&e)
        })?;
        received += chunk.len() as u64;
        if received > max_bytes {
            return Err(ReceiveError::TooLarge);
        }
        if head.len() < HEAD_LEN {
            let take = (HEAD_LEN - head.len()).min(chunk.len());
            head.extend_from_slice(&chunk[..take]);
        }
        file.write_all(&chunk).await?;
    }
    if received == 0 {
        return Err(ReceiveError::Empty);
    }
    // Waits for the last write to reach the file.
    file.flush().await?;
    drop(file);
    Ok(Staged {
        file: guard,
        bytes: received,
        head,
    })
}

/// How old a leftover of another process must be before a starting process removes it (see
/// [`ProcessStaging::create`]).
pub const LEFTOVER_AGE: std::time::Duration = std::time::Duration::from_secs(24 * 60 * 60);

/// This process's own staging folder, `<root>/<random id>`: processes sharing a data folder (nodes on a shared
/// disk, or two processes on one machine) never touch each other's uploads. Held locked (`flock` on the folder
/// itself) while the process lives; removed when this is dropped (a clean shutdown).
#[derive(Debug)]
pub struct ProcessStaging {
    path: PathBuf,
    _lock: std::fs::File,
}

impl ProcessStaging {
    /// Creates this process's folder under `root`, after removing the leftovers of processes that are gone:
    /// a folder is removed only when no process holds its lock (a lock ends with its process, even under
    /// `kill -9`) AND nothing was created or deleted in it for `leftover_age`. Either alone would be safe on one
    /// machine; both together are safe on a shared disk whose locks other machines do not see: a staging file
    /// lives only as long as its upload request (the request's timeouts end it within minutes), so a folder that
    /// has not changed for a day holds no upload in flight, and a live process whose idle folder goes
    /// recreates it with its next upload. Loose files directly under `root` (written by versions before the
    /// per-process folders, still running during a rolling upgrade) are removed by the same age rule.
    pub fn create(root: &Path, leftover_age: std::time::Duration) -> io::Result<ProcessStaging> {
        crate::keys::private_dir(root)?;
        let removed = remove_leftovers(root, leftover_age);
        if removed > 0 {
            tracing::info!(removed, "removed staging leftovers of processes that are gone");
        }
        let path = root.join(crate::auth::random::id());
        std::fs::create_dir(&path)?;
        crate::keys::private_dir(&path)?;
        let lock = std::fs::File::open(&path)?;
        match crate::keys::lock_file(&lock, false) {
            Ok(true) => {}
            Ok(false) => return Err(io::Error::other("a new staging folder was locked by another process")),
            // A file system without locks: the age rule alone keeps the others' folders.
            Err(e) => tracing::warn!(error = %e, "the staging folder could not be locked"),
        }
        Ok(ProcessStaging { path, _lock: lock })
    }

    /// The folder this process's uploads are received into.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for ProcessStaging {
    fn drop(&mut self) {
        if let Err(e) = std::fs::remove_dir_all(&self.path) {
            if e.kind() != io::ErrorKind::NotFound {
                tracing::warn!(path = %self.path.display(), error = %e, "the staging folder could not be removed");
            }
        }
    }
}

/// Removes what no process can still be using under `root` (see [`ProcessStaging::create`]); returns how many
/// entries it removed.
fn remove_leftovers(root: &Path, leftover_age: std::time::Duration) -> usize {
    let Ok(entries) = std::fs::read_dir(root) else {
        return 0;
    };
    let old_enough = |meta: &std::fs::Metadata| {
        meta.modified()
            .ok()
            .and_then(|m| m.elapsed().ok())
            .is_some_and(|age| age >= leftover_age)
    };
    let mut removed = 0;
    for entry in entries.flatten() {
        let path = entry.path();
        let Ok(meta) = std::fs::symlink_metadata(&path) else {
            continue;
        };
        if !old_enough(&meta) {
            continue;
        }
        let gone = if meta.is_dir() {
            // Where locks do not work, the age rule alone decides.
            let free =
                std::fs::File::open(&path).is_ok_and(|folder| crate::keys::lock_file(&folder, false).unwrap_or(true));
            free && std::fs::remove_dir_all(&path).is_ok()
        } else {
            std::fs::remove_file(&path).is_ok()
        };
        removed += usize::from(gone);
    }
    removed
}

/// A file with a generated name in a staging folder, deleted on drop unless kept.
#[derive(Debug)]
pub(crate) struct TempFile {
    path: PathBuf,
    armed: bool,
}

impl TempFile {
    /// The name of a new file in `dir`: `<prefix>-<32 random hex digits>.<ext>`.
    fn new_path(dir: &Path, prefix: &str, ext: &str) -> PathBuf {
        dir.join(format!("{prefix}-{}.{ext}", crate::auth::random::id()))
    }

    /// Create a new, empty file in `dir` (and `dir` itself if missing), readable by the server's user only.
    pub(crate) async fn create(dir: &Path, prefix: &str, ext: &str) -> io::Result<(TempFile, tokio::fs::File)> {
        tokio::fs::create_dir_all(dir).await?;
        let path = Self::new_path(dir, prefix, ext);
        let mut options = tokio::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        options.mode(0o600);
        let file = options.open(&path).await?;
        Ok((TempFile { path, armed: true }, file))
    }

    /// [`TempFile::create`] for blocking code.
    pub(crate) fn create_blocking(dir: &Path, prefix: &str, ext: &str) -> io::Result<(TempFile, std::fs::File)> {
        std::fs::create_dir_all(dir)?;
        let path = Self::new_path(dir, prefix, ext);
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let file = options.open(&path)?;
        Ok((TempFile { path, armed: true }, file))
    }

    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    pub(crate) fn keep(mut self) -> PathBuf {
        self.armed = false;
        std::mem::take(&mut self.path)
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if self.armed {
            if let Err(e) = std::fs::remove_file(&self.path) {
                if e.kind() != io::ErrorKind::NotFound {
                    tracing::warn!(path = %self.path.display(), error = %e, "a staging file could not be deleted");
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::stream;

    fn entries(dir: &Path) -> Vec<PathBuf> {
        match std::fs::read_dir(dir) {
            Ok(read) => read.map(|e| e.expect("directory entry").path()).collect(),
            Err(_) => Vec::new(),
        }
    }

    fn chunks(parts: &[&'static [u8]]) -> Vec<Result<Bytes, io::Error>> {
        parts.iter().map(|p| Ok(Bytes::from_static(p))).collect()
    }

    #[tokio::test]
    async fn receives_into_a_new_file_and_deletes_it_on_drop() {
        let dir = tempfile::tempdir().expect("tempdir");
        let staging = dir.path().join("staging");
        let staged = receive_stream(stream::iter(chunks(&[b"%PDF-1.4\n", b"rest"])), &staging, 100)
            .await
            .expect("received");
        assert_eq!(staged.bytes(), 13);
        assert_eq!(staged.head(), b"%PDF-1.4\nrest");
        assert_eq!(std::fs::read(staged.path()).expect("read"), b"%PDF-1.4\nrest");
        let name = staged
            .path()
            .file_name()
            .and_then(|n| n.to_str())
            .expect("name")
            .to_owned();
        assert!(
            name.starts_with("upload-") && name.ends_with(".part") && name.len() == 44,
            "{name}"
        );
        drop(staged);
        assert!(entries(&staging).is_empty());
    }

    #[tokio::test]
    async fn head_is_cut_at_its_length_and_kept_files_stay() {
        let dir = tempfile::tempdir().expect("tempdir");
        let big: &'static [u8] = &[7u8; 100];
        let staged = receive_stream(stream::iter(chunks(&[b"ab", big])), dir.path(), 1000)
            .await
            .expect("received");
        assert_eq!(staged.head().len(), HEAD_LEN);
        assert_eq!(&staged.head()[..3], b"ab\x07");
        let path = staged.keep();
        assert!(path.exists());
        assert_eq!(entries(dir.path()), vec![path]);
    }

    #[tokio::test]
    async fn over_the_limit_is_refused_and_leaves_nothing() {
        let dir = tempfile::tempdir().expect("tempdir");
        let result = receive_stream(
            stream::iter(chunks(&[b"0123456789", b"0123456789", b"x"])),
            dir.path(),
            20,
        )
        .await;
        assert!(matches!(result, Err(ReceiveError::TooLarge)), "{result:?}");
        assert!(entries(dir.path()).is_empty());
        // Exactly the limit is fine.
        let staged = receive_stream(stream::iter(chunks(&[b"0123456789", b"0123456789"])), dir.path(), 20)
            .await
            .expect("at the limit");
        assert_eq!(staged.bytes(), 20);
    }

    #[tokio::test]
    async fn a_stream_cut_half_way_leaves_nothing() {
        let dir = tempfile::tempdir().expect("tempdir");
        let parts = vec![
            Ok(Bytes::from_static(b"first half")),
            Err(io::Error::new(io::ErrorKind::ConnectionReset, "connection reset")),
            Ok(Bytes::from_static(b"never read")),
        ];
        let result = receive_stream(stream::iter(parts), dir.path(), 1000).await;
        assert!(matches!(result, Err(ReceiveError::Incomplete)), "{result:?}");
        assert!(entries(dir.path()).is_empty());
    }

    #[tokio::test]
    async fn an_empty_upload_is_refused_and_leaves_nothing() {
        let dir = tempfile::tempdir().expect("tempdir");
        let result = receive_stream(stream::iter(chunks(&[b""])), dir.path(), 1000).await;
        assert!(matches!(result, Err(ReceiveError::Empty)), "{result:?}");
        assert!(entries(dir.path()).is_empty());
    }

    #[test]
    fn each_process_has_its_own_folder_and_removes_it_at_shutdown() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path().join("staging");
        let first = ProcessStaging::create(&root, LEFTOVER_AGE).expect("first");
        let in_flight = first.path().join("upload-x.part");
        std::fs::write(&in_flight, b"half an upload").unwrap();
        // Even a second process that treats everything as old leaves a folder whose process lives.
        let second = ProcessStaging::create(&root, std::time::Duration::ZERO).expect("second");
        assert_ne!(first.path(), second.path());
        assert!(in_flight.exists(), "another process's upload in flight is kept");
        let first_path = first.path().to_owned();
        drop(first);
        assert!(!first_path.exists(), "removed at shutdown");
        assert!(second.path().exists());
    }

    #[test]
    fn leftovers_of_dead_processes_go_once_old_and_recent_ones_stay() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path().join("staging");
        // What a process killed without its shutdown leaves: its folder, no longer locked.
        let dead = root.join("0123456789abcdef0123456789abcdef");
        std::fs::create_dir_all(&dead).unwrap();
        std::fs::write(dead.join("upload-a.part"), b"x").unwrap();
        // And a file of a version before the per-process folders.
        let loose = root.join("upload-old-version.part");
        std::fs::write(&loose, b"x").unwrap();
        let live = ProcessStaging::create(&root, LEFTOVER_AGE).expect("live");
        assert!(dead.exists() && loose.exists(), "nothing younger than a day is removed");
        // Once old enough, the dead process's folder and the loose file go; the live one stays.
        let another = ProcessStaging::create(&root, std::time::Duration::ZERO).expect("another");
        assert!(!dead.exists() && !loose.exists());
        assert!(live.path().exists() && another.path().exists());
        assert_eq!(entries(&root).len(), 2);
    }

    #[tokio::test]
    async fn a_receive_dropped_mid_stream_leaves_nothing() {
        // The client goes away: the handler's future, and with it `receive_stream`, is dropped while waiting for
        // the next chunk.
        let dir = tempfile::tempdir().expect("tempdir");
        let first = stream::iter(chunks(&[b"some bytes"]));
        let stalled = first.chain(stream::pending());
        let receiving = receive_stream(stalled, dir.path(), 1000);
        let timed_out = tokio::time::timeout(std::time::Duration::from_millis(50), receiving).await;
        assert!(timed_out.is_err());
        assert!(entries(dir.path()).is_empty());
    }
}
