//! Nothing acknowledged is lost and no object is orphaned in the document store: against the local folder, and
//! against the S3 server of the tests when its variables are set (`eval "$(scripts/test-s3.sh start)"`, as
//! `make test` does), on SQLite and on PostgreSQL.

use crate::{
    applications::{start, upload, JSON},
    helpers::*,
};
use server::{
    db::{
        applications::{put_document, DocumentPut, StoredDocument},
        Db,
    },
    documents::{
        fixtures,
        orphans::{self, Reason},
        store::{DocumentStore, StoreError},
    },
};
use std::time::Duration;

const GRACE: Duration = Duration::from_secs(600);

/// The store the app of `app` uses, opened as another node would open it.
fn store_of(app: &TestApp) -> DocumentStore {
    let url = test_upload_store(app.dir.path()).unwrap_or_default();
    DocumentStore::from_url(&url, &app.dir.path().join("data").join("uploads")).expect("the app's store")
}

fn now() -> i64 {
    server::auth::now()
}

/// Puts a small object under a new key of application `id`, with an intent of `reason` made `age` seconds ago:
/// what an upload leaves when its node is killed between the object and the row (`Upload`), or a replaced scan
/// whose node died before deleting it (`Replaced`).
async fn leave_object(db: &Db, store: &DocumentStore, id: &str, reason: Reason, age: i64) -> String {
    let key = DocumentStore::new_key(id, "kk_scan", "jpg");
    sqlx::query("INSERT INTO object_intents (object_key, reason, created_at) VALUES ($1, $2, $3)")
        .bind(&key)
        .bind(reason.code())
        .bind(now() - age)
        .execute(&db.pool)
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("scan.jpg");
    std::fs::write(&file, fixtures::jpeg(64, 48)).unwrap();
    store.put_file(&key, &file).await.expect("the object is stored");
    key
}

async fn exists(store: &DocumentStore, key: &str) -> bool {
    match store.get(key).await {
        Ok(_) => true,
        Err(StoreError::NotFound) => false,
        Err(e) => panic!("{key}: {e}"),
    }
}

async fn document_keys(db: &Db, id: &str) -> Vec<String> {
    let rows: Vec<(String,)> = sqlx::query_as("SELECT object_key FROM documents WHERE application_id = $1")
        .bind(id)
        .fetch_all(&db.pool)
        .await
        .unwrap();
    rows.into_iter().map(|(k,)| k).collect()
}

/// Every file under `dir`, however deep (s3s-fs keeps its metadata beside the bucket's folders, not in them).
fn files_under(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        if entry.path().is_dir() {
            found.extend(files_under(&entry.path()));
        } else {
            found.push(entry.path());
        }
    }
    found
}

async fn intents(db: &Db) -> i64 {
    count_all(db, "SELECT COUNT(*) FROM object_intents").await
}

async fn account_of(db: &Db, id: &str) -> String {
    let (account,): (String,) = sqlx::query_as("SELECT account_id FROM applications WHERE id = $1")
        .bind(id)
        .fetch_one(&db.pool)
        .await
        .unwrap();
    account
}

#[tokio::test]
async fn a_crash_between_the_object_and_its_row_is_swept_but_an_upload_in_flight_is_not() {
    let app = spawn_app().await;
    let (session, id) = start(&app, "orphan.crash@example.com", "wni").await;
    let (db, store) = (db_of(&app).await, store_of(&app));

    // A good upload leaves its object and its row, and no intent.
    let response = upload(&app, &session, &id, "kk_scan", "kk.jpg", fixtures::jpeg(600, 400), JSON).await;
    assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
    let recorded = document_keys(&db, &id).await;
    assert_eq!(recorded.len(), 1);
    assert!(exists(&store, &recorded[0]).await);
    assert_eq!(intents(&db).await, 0, "a recorded upload leaves no intent");

    // A node killed between the object and its row, an hour ago; and an upload in flight, a second ago.
    let crashed = leave_object(&db, &store, &id, Reason::Upload, 3600).await;
    let in_flight = leave_object(&db, &store, &id, Reason::Upload, 1).await;

    let swept = orphans::sweep_once(&db, &store, now(), GRACE).await.expect("swept");
    assert_eq!(swept.removed, vec![crashed.clone()], "{swept:?}");
    assert!(!exists(&store, &crashed).await, "the orphan is gone");
    assert!(exists(&store, &in_flight).await, "an upload in flight keeps its object");
    assert_eq!(orphans::intent(&db, &in_flight).await.unwrap(), Some(Reason::Upload));
    assert_eq!(orphans::intent(&db, &crashed).await.unwrap(), None);
    assert!(exists(&store, &recorded[0]).await, "the recorded scan is untouched");
    let mut left = store.list(&format!("applications/{id}")).await.unwrap();
    left.sort();
    let mut expected = vec![recorded[0].clone(), in_flight.clone()];
    expected.sort();
    assert_eq!(left, expected);

    // The in-flight upload finishes: its row is written and its intent removed in one transaction.
    let account = account_of(&db, &id).await;
    let stored = StoredDocument {
        object_key: in_flight.clone(),
        content_type: "image/jpeg".into(),
        bytes: 1,
    };
    let put = put_document(
        &db,
        &account,
        &id,
        app::domain::application::Document::KkScan,
        &stored,
        now(),
    )
    .await
    .unwrap();
    assert_eq!(
        put,
        DocumentPut::Recorded {
            replaced: Some(recorded[0].clone())
        }
    );
    assert_eq!(orphans::intent(&db, &in_flight).await.unwrap(), None);
    assert_eq!(
        orphans::intent(&db, &recorded[0]).await.unwrap(),
        Some(Reason::Replaced)
    );
    // Even long after, the sweep leaves a recorded scan alone, and deletes the one it replaced (no grace).
    let swept = orphans::sweep_once(&db, &store, now() + 86_400, GRACE).await.unwrap();
    assert_eq!(swept.removed, vec![recorded[0].clone()]);
    assert_eq!(
        store.list(&format!("applications/{id}")).await.unwrap(),
        vec![in_flight.clone()]
    );
    assert_eq!(intents(&db).await, 0);

    // An upload that outlasted the grace period: the sweep claims it first, and its row is refused, never
    // acknowledged with its object gone.
    let late = leave_object(&db, &store, &id, Reason::Upload, 3600).await;
    let swept = orphans::sweep_once(&db, &store, now(), GRACE).await.unwrap();
    assert_eq!(swept.removed, vec![late.clone()]);
    let stored = StoredDocument {
        object_key: late.clone(),
        ..stored
    };
    let put = put_document(
        &db,
        &account,
        &id,
        app::domain::application::Document::KkScan,
        &stored,
        now(),
    )
    .await
    .unwrap();
    assert_eq!(put, DocumentPut::IntentGone);
    assert_eq!(
        document_keys(&db, &id).await,
        vec![in_flight.clone()],
        "the row still points at a stored scan"
    );
    // Its object landed after the sweep had cleared the intent (a slow PutObject): the refused upload discards
    // it, and nothing is left that no sweep would ever find.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("late.jpg");
    std::fs::write(&file, fixtures::jpeg(64, 48)).unwrap();
    store.put_file(&late, &file).await.expect("the late object lands");
    assert_eq!(orphans::intent(&db, &late).await.unwrap(), None);
    assert!(orphans::discard(&db, &store, &late).await.unwrap());
    assert!(!exists(&store, &late).await, "the late object is deleted");
    assert_eq!(orphans::intent(&db, &late).await.unwrap(), None);

    // The applicant downloads what the row points at.
    let response = get_with(&app, &format!("/berkas/{id}/kk_scan"), &[&session]).await;
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn a_replaced_scan_leaves_exactly_one_object() {
    let app = spawn_app().await;
    let (session, id) = start(&app, "orphan.replace@example.com", "wni").await;
    let (db, store) = (db_of(&app).await, store_of(&app));
    for (w, h) in [(600, 400), (640, 480), (320, 240)] {
        let response = upload(&app, &session, &id, "kk_scan", "kk.jpg", fixtures::jpeg(w, h), JSON).await;
        assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
        let recorded = document_keys(&db, &id).await;
        assert_eq!(recorded.len(), 1);
        assert_eq!(
            store.list(&format!("applications/{id}")).await.unwrap(),
            recorded,
            "one object"
        );
    }
    assert_eq!(intents(&db).await, 0);
    // On disk too (the local folder, or the S3 server's own folder): one file.
    assert_eq!(files_under(&stored_objects_folder(app.dir.path())).len(), 1);
    let response = get_with(&app, &format!("/berkas/{id}/kk_scan"), &[&session]).await;
    assert_eq!(response.status(), 200);
    let (bytes,): (i64,) = sqlx::query_as("SELECT bytes FROM documents WHERE application_id = $1")
        .bind(&id)
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(
        response.bytes().await.unwrap().len() as i64,
        bytes,
        "the download is the recorded scan"
    );
}

#[tokio::test]
async fn a_burst_of_uploads_for_one_document_leaves_one_row_and_one_object() {
    let app = spawn_app().await;
    let (session, id) = start(&app, "orphan.burst@example.com", "wni").await;
    let (db, store) = (db_of(&app).await, store_of(&app));
    let uploads = (0..20u32).map(|i| {
        let (app, session, id) = (&app, &session, &id);
        async move {
            upload(
                app,
                session,
                id,
                "kk_scan",
                "kk.jpg",
                fixtures::jpeg(200 + i, 150),
                JSON,
            )
            .await
        }
    });
    let responses = futures_util::future::join_all(uploads).await;
    let acknowledged = responses.iter().filter(|r| r.status() == 200).count();
    assert_eq!(
        acknowledged,
        20,
        "{:?}",
        responses.iter().map(|r| r.status()).collect::<Vec<_>>()
    );

    let swept = orphans::sweep_once(&db, &store, now(), GRACE).await.unwrap();
    assert_eq!(swept.failed, 0);
    let recorded = document_keys(&db, &id).await;
    assert_eq!(recorded.len(), 1, "one row");
    assert_eq!(
        store.list(&format!("applications/{id}")).await.unwrap(),
        recorded,
        "one object, the row's"
    );
    assert_eq!(intents(&db).await, 0);
    let response = get_with(&app, &format!("/berkas/{id}/kk_scan"), &[&session]).await;
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn an_upload_cut_off_mid_body_leaves_nothing() {
    use tokio::io::AsyncWriteExt;
    let app = spawn_app().await;
    let (session, id) = start(&app, "orphan.cut@example.com", "wni").await;
    let (db, store) = (db_of(&app).await, store_of(&app));

    let mut stream = tokio::net::TcpStream::connect(app.base.trim_start_matches("http://"))
        .await
        .unwrap();
    let boundary = "XyZ";
    let origin = &app.base;
    let head = format!(
        "POST /unggah/{id} HTTP/1.1\r\nHost: localhost\r\nCookie: {session}\r\nAccept: application/json\r\n\
         Origin: {origin}\r\nContent-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: 3000000\r\n\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"kk_scan\"; filename=\"kk.jpg\"\r\n\
         Content-Type: image/jpeg\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let jpeg = fixtures::jpeg(1200, 900);
    stream.write_all(&jpeg[..jpeg.len() / 2]).await.unwrap();
    stream.write_all(&vec![0u8; 1_000_000]).await.unwrap();
    drop(stream);

    // The server is still up, and the next upload is the only thing stored.
    assert_eq!(app.get("/healthz").await.status(), 200);
    let response = upload(&app, &session, &id, "kk_scan", "kk.jpg", fixtures::jpeg(600, 400), JSON).await;
    assert_eq!(response.status(), 200);
    let recorded = document_keys(&db, &id).await;
    assert_eq!(recorded.len(), 1);
    assert_eq!(
        store.list("applications").await.unwrap(),
        recorded,
        "the cut-off upload left no object"
    );
    assert_eq!(intents(&db).await, 0, "nor an intent");
}

#[tokio::test]
async fn two_nodes_sweeping_at_once_remove_each_orphan_once() {
    let app = spawn_app().await;
    let (_session, id) = start(&app, "orphan.nodes@example.com", "wni").await;
    let (db, store) = (db_of(&app).await, store_of(&app));
    let mut orphans = Vec::new();
    for _ in 0..8 {
        orphans.push(leave_object(&db, &store, &id, Reason::Upload, 3600).await);
    }
    for _ in 0..4 {
        orphans.push(leave_object(&db, &store, &id, Reason::Replaced, 0).await);
    }
    let fresh = leave_object(&db, &store, &id, Reason::Upload, 0).await;

    // Two nodes: each its own pool and its own store client.
    let (db_a, store_a) = (db_of(&app).await, store_of(&app));
    let (db_b, store_b) = (db_of(&app).await, store_of(&app));
    let at = now();
    let (a, b) = tokio::join!(
        orphans::sweep_once(&db_a, &store_a, at, GRACE),
        orphans::sweep_once(&db_b, &store_b, at, GRACE)
    );
    let (a, b) = (a.expect("node A sweeps"), b.expect("node B sweeps"));
    assert_eq!(a.failed + b.failed, 0);
    let mut removed: Vec<String> = a.removed.iter().chain(&b.removed).cloned().collect();
    removed.sort();
    orphans.sort();
    assert_eq!(removed, orphans, "each orphan removed once, by one node");
    assert_eq!(store.list("applications").await.unwrap(), vec![fresh.clone()]);
    assert_eq!(intents(&db).await, 1, "only the upload in flight keeps its intent");

    // Sweeping again finds nothing; by hand with no grace, the last one goes too.
    assert_eq!(
        orphans::sweep_once(&db, &store, now(), GRACE).await.unwrap(),
        Default::default()
    );
    let swept = orphans::sweep_once(&db, &store, now(), Duration::ZERO).await.unwrap();
    assert_eq!(swept.removed, vec![fresh]);
    assert!(store.list("applications").await.unwrap().is_empty());
}

#[test]
fn the_sweep_command_reads_its_grace_period() {
    let args = |words: &[&str]| words.iter().map(|w| w.to_string()).collect::<Vec<_>>();
    assert_eq!(orphans::parse_command(&args(&["sweep-objects"])), Some(Ok(None)));
    assert_eq!(
        orphans::parse_command(&args(&["sweep-objects", "--grace-secs", "30"])),
        Some(Ok(Some(Duration::from_secs(30))))
    );
    assert!(matches!(
        orphans::parse_command(&args(&["sweep-objects", "--grace-secs", "soon"])),
        Some(Err(_))
    ));
    assert!(matches!(
        orphans::parse_command(&args(&["sweep-objects", "now"])),
        Some(Err(_))
    ));
    assert_eq!(orphans::parse_command(&args(&["points"])), None);
}
