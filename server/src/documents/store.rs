//! Where documents are kept: a local folder by default, an S3-compatible bucket by configuration (`object_store`).
//!
//! An object is there whole or not at all. The local folder receives a file in small parts into a temporary file
//! that is renamed into place when complete (and deleted if the upload fails or is dropped half-way). An S3 bucket
//! receives a scan (at most 10 MiB) as ONE `PutObject`, which S3 stores atomically: no multipart upload, so a
//! process killed half-way leaves no invisible parts behind. The memory this takes is bounded by upload permits.
//! What a crash can still leave, an object that no document row points at, is found by the object sweep
//! ([`super::orphans`]).

use std::{fmt, io, path::Path, sync::Arc};

use bytes::Bytes;
use futures_util::{stream::BoxStream, StreamExt, TryStreamExt};
use object_store::{
    aws::AmazonS3Builder, local::LocalFileSystem, path::Path as Location, prefix::PrefixStore, MultipartUpload,
    ObjectStore, PutPayload,
};
use tokio::{io::AsyncReadExt, sync::Semaphore};

/// Parts sent to a local folder: small, nothing requires more.
const LOCAL_PART: usize = 256 * 1024;
/// S3 uploads at a time: each holds its whole file (a scan, at most 10 MiB) in memory while it is sent.
const S3_UPLOADS: usize = 1;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("no such document")]
    NotFound,
    #[error("not a valid document key: {0}")]
    InvalidKey(String),
    #[error("the document storage setting is not valid: {0}")]
    Config(String),
    #[error("the file to store could not be read: {0}")]
    Io(#[from] io::Error),
    #[error("the document storage failed: {0}")]
    Backend(object_store::Error),
}

impl From<object_store::Error> for StoreError {
    fn from(e: object_store::Error) -> StoreError {
        match e {
            object_store::Error::NotFound { .. } => StoreError::NotFound,
            e => StoreError::Backend(e),
        }
    }
}

/// A stored document being read: its size and its bytes, in chunks.
pub struct Download {
    pub size: u64,
    pub stream: BoxStream<'static, Result<Bytes, StoreError>>,
}

impl fmt::Debug for Download {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Download")
            .field("size", &self.size)
            .finish_non_exhaustive()
    }
}

/// How a file is sent to the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sending {
    /// In parts of this many bytes, one in memory at a time, into an upload that is completed or aborted (the
    /// local folder: a temporary file renamed into place).
    Parts(usize),
    /// Whole, in one request (S3's `PutObject`: atomic).
    Whole,
}

/// The document store. Cheap to clone; clones share the store and its upload permits.
#[derive(Debug, Clone)]
pub struct DocumentStore {
    inner: Arc<dyn ObjectStore>,
    sending: Sending,
    /// Bounds the memory uploads take: at most this many uploads × a part (or a whole file, for S3).
    uploads: Arc<Semaphore>,
    /// For the log: where documents go.
    description: String,
}

impl DocumentStore {
    /// Documents under `dir` (created if missing), which must be outside the web root.
    pub fn local(dir: &Path) -> Result<DocumentStore, StoreError> {
        std::fs::create_dir_all(dir)?;
        let local = LocalFileSystem::new_with_prefix(dir)?.with_automatic_cleanup(true);
        Ok(DocumentStore::with_store(
            Arc::new(local),
            LOCAL_PART,
            4,
            format!("folder {}", dir.display()),
        ))
    }

    /// The store a setting names:
    /// - empty: the local folder `local_dir`;
    /// - `file:///absolute/path`: that local folder;
    /// - `s3://bucket` or `s3://bucket/prefix`: an S3 bucket, or another service speaking the S3 protocol,
    ///   configured by the usual environment variables (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`,
    ///   `AWS_REGION`, and for other services `AWS_ENDPOINT`, with `AWS_ALLOW_HTTP=true` for plain http).
    pub fn from_url(url: &str, local_dir: &Path) -> Result<DocumentStore, StoreError> {
        let url = url.trim();
        if url.is_empty() {
            return DocumentStore::local(local_dir);
        }
        if let Some(path) = url.strip_prefix("file://") {
            if !path.starts_with('/') {
                return Err(StoreError::Config(format!("{url}: file:// needs an absolute path")));
            }
            return DocumentStore::local(Path::new(path));
        }
        let Some(rest) = url.strip_prefix("s3://") else {
            return Err(StoreError::Config(format!(
                "{url}: expected nothing (a local folder), file:///path or s3://bucket[/prefix]"
            )));
        };
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        if bucket.is_empty() {
            return Err(StoreError::Config(format!("{url}: no bucket")));
        }
        DocumentStore::s3(AmazonS3Builder::from_env(), url, bucket, prefix)
    }

    /// The bucket `bucket` (under `prefix`) of the S3 service `builder` describes; `url` names it in errors.
    fn s3(builder: AmazonS3Builder, url: &str, bucket: &str, prefix: &str) -> Result<DocumentStore, StoreError> {
        let s3 = builder
            .with_bucket_name(bucket)
            .build()
            .map_err(|e| StoreError::Config(format!("{url}: {e}")))?;
        let prefix = prefix.trim_matches('/');
        let inner: Arc<dyn ObjectStore> = if prefix.is_empty() {
            Arc::new(s3)
        } else {
            let prefix = Location::parse(prefix).map_err(|e| StoreError::Config(format!("{url}: {e}")))?;
            Arc::new(PrefixStore::new(s3, prefix))
        };
        Ok(DocumentStore {
            inner,
            sending: Sending::Whole,
            uploads: Arc::new(Semaphore::new(S3_UPLOADS)),
            description: format!("s3://{bucket}/{prefix}"),
        })
    }

    /// Any `object_store` store, sent to in parts: `uploads` at a time, each holding up to `part_size` bytes in
    /// memory. The store must make a multipart upload visible only when it is completed.
    pub fn with_store(
        inner: Arc<dyn ObjectStore>,
        part_size: usize,
        uploads: usize,
        description: String,
    ) -> DocumentStore {
        DocumentStore {
            inner,
            sending: Sending::Parts(part_size.max(1)),
            uploads: Arc::new(Semaphore::new(uploads.max(1))),
            description,
        }
    }

    /// Where documents go, for the log.
    pub fn description(&self) -> &str {
        &self.description
    }

    /// A new key that nobody can guess: `applications/<application>/<kind>-<32 random hex digits>.<ext>`. Characters
    /// other than ASCII letters, digits, `-` and `_` in the parts become `_`.
    pub fn new_key(application_id: &str, kind: &str, ext: &str) -> String {
        fn clean(part: &str) -> String {
            let cleaned: String = part
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                        c
                    } else {
                        '_'
                    }
                })
                .collect();
            if cleaned.is_empty() {
                "_".to_owned()
            } else {
                cleaned
            }
        }
        let (application, kind, ext) = (clean(application_id), clean(kind), clean(&ext.to_ascii_lowercase()));
        format!("applications/{application}/{kind}-{}.{ext}", crate::auth::random::id())
    }

    /// Store the file at `path` under `key`, replacing any object there; the number of bytes stored. The object
    /// is there whole or not at all, whatever happens (an error, the future dropped half-way).
    pub async fn put_file(&self, key: &str, path: &Path) -> Result<u64, StoreError> {
        let location = location(key)?;
        let _permit = self
            .uploads
            .acquire()
            .await
            .map_err(|_| StoreError::Config("the store's upload permits are closed".to_owned()))?;
        let part_size = match self.sending {
            Sending::Parts(size) => size,
            Sending::Whole => {
                let content = tokio::fs::read(path).await?;
                let bytes = content.len() as u64;
                self.inner.put(&location, PutPayload::from(content)).await?;
                return Ok(bytes);
            }
        };
        let mut file = tokio::fs::File::open(path).await?;
        let mut upload = AbortOnDrop(Some(self.inner.put_multipart(&location).await?));
        let sent = send_parts(&mut file, upload.get(), part_size).await;
        let mut upload = upload.disarm();
        match sent {
            Ok(bytes) => match upload.complete().await {
                Ok(_) => Ok(bytes),
                Err(e) => {
                    abort(upload, &location).await;
                    Err(e.into())
                }
            },
            Err(e) => {
                abort(upload, &location).await;
                Err(e)
            }
        }
    }

    /// Read the document stored under `key`.
    pub async fn get(&self, key: &str) -> Result<Download, StoreError> {
        let result = self.inner.get(&location(key)?).await?;
        let size = result.meta.size;
        let stream = result.into_stream().map_err(StoreError::from).boxed();
        Ok(Download { size, stream })
    }

    /// The keys of the objects stored under `prefix` (a folder such as `applications/<id>`), sorted.
    pub async fn list(&self, prefix: &str) -> Result<Vec<String>, StoreError> {
        let prefix = prefix.trim_matches('/');
        let prefix = if prefix.is_empty() {
            None
        } else {
            Some(location(prefix)?)
        };
        let mut keys: Vec<String> = self
            .inner
            .list(prefix.as_ref())
            .map_ok(|meta| meta.location.to_string())
            .try_collect()
            .await?;
        keys.sort();
        Ok(keys)
    }

    /// Delete the document stored under `key`; deleting what is not there is no error.
    pub async fn delete(&self, key: &str) -> Result<(), StoreError> {
        match self.inner.delete(&location(key)?).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }
}

fn location(key: &str) -> Result<Location, StoreError> {
    if key.is_empty() {
        return Err(StoreError::InvalidKey(String::new()));
    }
    Location::parse(key).map_err(|e| StoreError::InvalidKey(format!("{key}: {e}")))
}

/// Send `file` in parts of `part_size` bytes, one after the other (only one part in memory).
async fn send_parts(
    file: &mut tokio::fs::File,
    upload: &mut dyn MultipartUpload,
    part_size: usize,
) -> Result<u64, StoreError> {
    let mut total = 0u64;
    let mut parts = 0usize;
    loop {
        let mut part = Vec::with_capacity(part_size);
        let read = file.take(part_size as u64).read_to_end(&mut part).await?;
        // An empty file is sent as one empty part: a multipart upload needs one.
        if read == 0 && parts > 0 {
            return Ok(total);
        }
        total += read as u64;
        parts += 1;
        upload.put_part(PutPayload::from(part)).await?;
        if read < part_size {
            return Ok(total);
        }
    }
}

async fn abort(mut upload: Box<dyn MultipartUpload>, location: &Location) {
    if let Err(e) = upload.abort().await {
        tracing::warn!(%location, error = %e, "an unfinished document upload could not be aborted");
    }
}

/// Aborts the upload if the future storing it is dropped half-way (the client went away): the local store's
/// temporary file is deleted.
struct AbortOnDrop(Option<Box<dyn MultipartUpload>>);

impl AbortOnDrop {
    fn get(&mut self) -> &mut dyn MultipartUpload {
        self.0.as_deref_mut().expect("the upload is there until disarmed")
    }

    fn disarm(mut self) -> Box<dyn MultipartUpload> {
        self.0.take().expect("the upload is there until disarmed")
    }
}

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        if let Some(mut upload) = self.0.take() {
            if let Ok(runtime) = tokio::runtime::Handle::try_current() {
                runtime.spawn(async move {
                    if let Err(e) = upload.abort().await {
                        tracing::warn!(error = %e, "an abandoned document upload could not be aborted");
                    }
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn read_all(download: Download) -> Vec<u8> {
        let chunks: Vec<Bytes> = download.stream.try_collect().await.expect("read");
        chunks.concat()
    }

    fn files_under(dir: &Path) -> Vec<std::path::PathBuf> {
        let mut found = Vec::new();
        let mut pending = vec![dir.to_owned()];
        while let Some(dir) = pending.pop() {
            for entry in std::fs::read_dir(&dir).expect("read dir") {
                let path = entry.expect("entry").path();
                if path.is_dir() {
                    pending.push(path);
                } else {
                    found.push(path);
                }
            }
        }
        found
    }

    #[tokio::test]
    async fn put_get_delete_round_trip() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = DocumentStore::local(&dir.path().join("documents")).expect("store");
        // Several parts, the last one short.
        let content: Vec<u8> = (0..(2 * LOCAL_PART + 1234)).map(|i| (i % 251) as u8).collect();
        let source = dir.path().join("prepared.jpg");
        std::fs::write(&source, &content).expect("write");
        let key = DocumentStore::new_key("app-1", "kk", "jpg");

        assert_eq!(
            store.put_file(&key, &source).await.expect("stored"),
            content.len() as u64
        );
        let download = store.get(&key).await.expect("found");
        assert_eq!(download.size, content.len() as u64);
        assert_eq!(read_all(download).await, content);
        let stored = files_under(&dir.path().join("documents"));
        assert_eq!(stored.len(), 1);
        assert!(stored[0].ends_with(&key), "{stored:?}");

        store.delete(&key).await.expect("deleted");
        assert!(matches!(store.get(&key).await, Err(StoreError::NotFound)));
        store.delete(&key).await.expect("deleting again is fine");
        assert!(files_under(&dir.path().join("documents")).is_empty());
    }

    #[tokio::test]
    async fn small_and_exact_multiples_of_the_part_size() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = DocumentStore::local(dir.path()).expect("store");
        for size in [1, LOCAL_PART, 2 * LOCAL_PART] {
            let content = vec![42u8; size];
            let source = dir.path().join("source");
            std::fs::write(&source, &content).expect("write");
            let key = DocumentStore::new_key("a", "kk", "png");
            assert_eq!(store.put_file(&key, &source).await.expect("stored"), size as u64);
            assert_eq!(read_all(store.get(&key).await.expect("found")).await, content);
        }
    }

    #[tokio::test]
    async fn a_failed_put_leaves_no_object() {
        let dir = tempfile::tempdir().expect("tempdir");
        let documents = dir.path().join("documents");
        let store = DocumentStore::local(&documents).expect("store");
        let key = DocumentStore::new_key("app-1", "kk", "pdf");

        // A source that opens but fails on the first read (a directory): the upload has begun and is aborted.
        let unreadable = dir.path().join("a-directory");
        std::fs::create_dir(&unreadable).expect("mkdir");
        let result = store.put_file(&key, &unreadable).await;
        assert!(matches!(result, Err(StoreError::Io(_))), "{result:?}");
        assert!(matches!(store.get(&key).await, Err(StoreError::NotFound)));
        assert!(files_under(&documents).is_empty(), "{:?}", files_under(&documents));

        // A source that is not there.
        let result = store.put_file(&key, &dir.path().join("missing")).await;
        assert!(matches!(result, Err(StoreError::Io(_))), "{result:?}");
        assert!(files_under(&documents).is_empty());
    }

    /// A store under a fresh prefix of the tests' S3 server (`scripts/test-s3.sh start`), when its variables are
    /// set (`make test` sets them); the same bucket with `secret` as the secret key when one is given.
    fn test_s3(secret: Option<&str>) -> Option<DocumentStore> {
        let (Ok(_), Ok(bucket)) = (std::env::var("AWS_ENDPOINT"), std::env::var("S3_BUCKET")) else {
            eprintln!("AWS_ENDPOINT and S3_BUCKET are not set: no S3 server to test against (scripts/test-s3.sh)");
            return None;
        };
        let prefix = format!("unit-{}", crate::auth::random::id());
        let mut builder = AmazonS3Builder::from_env();
        if let Some(secret) = secret {
            builder = builder.with_secret_access_key(secret);
        }
        Some(DocumentStore::s3(builder, "s3://test", &bucket, &prefix).expect("the S3 store"))
    }

    #[tokio::test]
    async fn s3_put_get_list_delete_round_trip() {
        let Some(store) = test_s3(None) else { return };
        assert!(store.description().starts_with("s3://"), "{}", store.description());
        let dir = tempfile::tempdir().expect("tempdir");
        // A full-size scan, sent as one object.
        let content: Vec<u8> = (0..crate::documents::MAX_UPLOAD_BYTES as usize)
            .map(|i| (i % 251) as u8)
            .collect();
        let source = dir.path().join("prepared.pdf");
        std::fs::write(&source, &content).expect("write");
        let key = DocumentStore::new_key("app-1", "kk", "pdf");

        assert_eq!(
            store.put_file(&key, &source).await.expect("stored"),
            content.len() as u64
        );
        let download = store.get(&key).await.expect("found");
        assert_eq!(download.size, content.len() as u64);
        assert_eq!(read_all(download).await, content);
        assert_eq!(store.list("applications").await.expect("listed"), vec![key.clone()]);

        // Replacing the object under the same key leaves one object, the new one.
        std::fs::write(&source, b"%PDF-1.4 small").expect("write");
        assert_eq!(store.put_file(&key, &source).await.expect("replaced"), 14);
        assert_eq!(read_all(store.get(&key).await.expect("found")).await, b"%PDF-1.4 small");
        assert_eq!(store.list("").await.expect("listed"), vec![key.clone()]);

        store.delete(&key).await.expect("deleted");
        assert!(matches!(store.get(&key).await, Err(StoreError::NotFound)));
        store.delete(&key).await.expect("deleting again is fine");
        assert!(store.list("").await.expect("listed").is_empty());
    }

    #[tokio::test]
    async fn s3_a_failed_put_leaves_no_object() {
        let Some(store) = test_s3(None) else { return };
        let dir = tempfile::tempdir().expect("tempdir");
        let key = DocumentStore::new_key("app-1", "kk", "jpg");

        // The server checks signatures: a request signed with the wrong secret is refused and stores nothing.
        let source = dir.path().join("prepared.jpg");
        std::fs::write(&source, vec![7u8; 300_000]).expect("write");
        let wrong = test_s3(Some("not-the-secret")).expect("the S3 store");
        let result = wrong.put_file(&key, &source).await;
        assert!(matches!(result, Err(StoreError::Backend(_))), "{result:?}");
        assert!(matches!(wrong.get(&key).await, Err(StoreError::Backend(_))));

        // A source that cannot be read: nothing is sent.
        let unreadable = dir.path().join("a-directory");
        std::fs::create_dir(&unreadable).expect("mkdir");
        assert!(matches!(
            store.put_file(&key, &unreadable).await,
            Err(StoreError::Io(_))
        ));
        assert!(matches!(
            store.put_file(&key, &dir.path().join("missing")).await,
            Err(StoreError::Io(_))
        ));

        // A put dropped at any point (the client went away): the object is there whole or not at all.
        let content: Vec<u8> = (0..(6 * 1024 * 1024)).map(|i| (i % 253) as u8).collect();
        std::fs::write(&source, &content).expect("write");
        for round in 0..5 {
            let key = DocumentStore::new_key("app-2", "kk", "jpg");
            let (store2, source2, key2) = (store.clone(), source.clone(), key.clone());
            let put = tokio::spawn(async move { store2.put_file(&key2, &source2).await });
            for _ in 0..round * 20 {
                tokio::task::yield_now().await;
            }
            put.abort();
            let _ = put.await;
            match store.get(&key).await {
                Ok(download) => assert_eq!(read_all(download).await, content, "round {round}"),
                Err(StoreError::NotFound) => {}
                Err(e) => panic!("round {round}: {e}"),
            }
        }
        for key in store.list("").await.expect("listed") {
            assert!(key.starts_with("applications/app-2/"), "{key}");
            store.delete(&key).await.expect("deleted");
        }
        assert!(store.list("").await.expect("listed").is_empty());
    }

    #[tokio::test]
    async fn keys_are_random_and_clean() {
        let key = DocumentStore::new_key("0192f3a4-app", "kitap", "JPG");
        let (folder, name) = key.rsplit_once('/').expect("a folder");
        assert_eq!(folder, "applications/0192f3a4-app");
        assert!(
            name.starts_with("kitap-") && name.ends_with(".jpg") && name.len() == 6 + 32 + 4,
            "{name}"
        );
        assert_ne!(
            DocumentStore::new_key("a", "kk", "jpg"),
            DocumentStore::new_key("a", "kk", "jpg")
        );
        let hostile = DocumentStore::new_key("../../etc", "k/k", "");
        assert!(
            hostile.starts_with("applications/______etc/k_k-") && hostile.ends_with("._"),
            "{hostile}"
        );
        assert!(location(&hostile).is_ok());

        let dir = tempfile::tempdir().expect("tempdir");
        let store = DocumentStore::local(dir.path()).expect("store");
        for bad in ["", "../outside", "a//b"] {
            assert!(matches!(store.get(bad).await, Err(StoreError::InvalidKey(_))), "{bad}");
        }
    }

    #[tokio::test]
    async fn stores_from_settings() {
        let dir = tempfile::tempdir().expect("tempdir");
        let local = DocumentStore::from_url("", &dir.path().join("default")).expect("local");
        assert!(local.description().starts_with("folder "));
        assert!(dir.path().join("default").is_dir());
        let path = dir.path().join("chosen");
        let chosen = DocumentStore::from_url(&format!("file://{}", path.display()), dir.path()).expect("file://");
        assert!(chosen.description().ends_with("chosen"));
        let s3 = DocumentStore::from_url("s3://portal-documents/ktp/uploads/", dir.path()).expect("s3");
        assert_eq!(s3.description(), "s3://portal-documents/ktp/uploads");
        for bad in ["s3://", "s3:///prefix", "ftp://host/x", "file://relative", "documents"] {
            assert!(
                matches!(DocumentStore::from_url(bad, dir.path()), Err(StoreError::Config(_))),
                "{bad}"
            );
        }
    }
}
