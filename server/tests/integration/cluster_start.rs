//! Several nodes on one database (and, on one machine, one data folder): they start at the same moment on an
//! empty database, agree on the master key or refuse to start, share sign-in codes and sessions, and keep out of
//! each other's uploads.

use crate::applications::{start, upload, JSON};
use crate::helpers::*;
use base64::{engine::general_purpose::STANDARD, Engine};
use server::documents::fixtures;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// A new master key, as an operator would make one (`openssl rand -base64 48`).
fn new_key() -> String {
    let mut bytes = [0u8; 48];
    getrandom::fill(&mut bytes).unwrap();
    STANDARD.encode(bytes)
}

/// The number of rows of every table of the database at `url`, by table name.
async fn table_counts(url: &str) -> BTreeMap<String, i64> {
    use sqlx::Connection;
    sqlx::any::install_default_drivers();
    let mut conn = sqlx::AnyConnection::connect(url).await.unwrap();
    let list = if url.starts_with("sqlite") {
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    } else {
        "SELECT table_name::text FROM information_schema.tables \
         WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
    };
    let tables: Vec<(String,)> = sqlx::query_as(list).fetch_all(&mut conn).await.unwrap();
    let mut counts = BTreeMap::new();
    for (table,) in tables {
        let (n,): (i64,) = sqlx::query_as(&format!("SELECT COUNT(*) FROM \"{table}\""))
            .fetch_one(&mut conn)
            .await
            .unwrap();
        counts.insert(table, n);
    }
    counts
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_nodes_started_at_once_on_an_empty_database_both_come_up_with_one_copy_of_every_seeded_row() {
    // What one node alone seeds.
    let single_dir = tempfile::tempdir().unwrap();
    let single_url = fresh_database(single_dir.path()).await;
    let single = try_start_node(tempfile::tempdir().unwrap(), &single_url, &[])
        .await
        .expect("one node starts");
    single.stop().await;
    let expected = table_counts(&single_url).await;
    for table in [
        "areas",
        "holidays",
        "service_points",
        "opening_hours",
        "key_fingerprints",
    ] {
        assert!(expected[table] > 0, "{table} is seeded: {expected:?}");
    }
    assert_eq!(expected["key_fingerprints"], 1);

    // Races are a matter of luck: a few rounds, each on a new empty database.
    for round in 0..4 {
        let shared = tempfile::tempdir().unwrap();
        let url = fresh_database(shared.path()).await;
        let key = new_key();
        let overrides = [("SESSION_SIGNING_KEY", key.as_str())];
        let (a, b) = tokio::join!(
            try_start_node(tempfile::tempdir().unwrap(), &url, &overrides),
            try_start_node(tempfile::tempdir().unwrap(), &url, &overrides),
        );
        let a = a.unwrap_or_else(|e| panic!("round {round}: node A does not start: {e}"));
        let b = b.unwrap_or_else(|e| panic!("round {round}: node B does not start: {e}"));
        assert_eq!(a.get("/healthz").await.status(), 200);
        assert_eq!(b.get("/healthz").await.status(), 200);
        a.stop().await;
        b.stop().await;
        assert_eq!(
            table_counts(&url).await,
            expected,
            "round {round}: two nodes seeded what one does, once"
        );
    }
}

/// Signs in through `first` (the code is sent from there) and enters the code through `second`; returns the
/// session cookie `second` sets.
async fn sign_in_across(first: &TestApp, second: &TestApp, mailbox: &str) -> String {
    let response = post(first, "/api/masuk", &[("identifier", mailbox)], &[], HTML).await;
    assert_eq!(response.headers()["location"], "/masuk/kode");
    let attempt = set_cookie(&response, "signin").expect("the attempt is kept in a cookie");
    let code = code_sent_to(mailbox).await;
    let response = post(second, "/api/masuk/kode", &[("code", &code)], &[&attempt], HTML).await;
    assert_eq!(
        response.headers()["location"],
        "/akun",
        "the code sent by one node signs in on the other"
    );
    set_cookie(&response, "session").expect("a session cookie")
}

#[tokio::test]
async fn nodes_with_one_key_share_codes_and_sessions_and_a_node_with_another_refuses_to_start() {
    let shared = tempfile::tempdir().unwrap();
    let url = fresh_database(shared.path()).await;
    let key = new_key();
    let a = try_start_node(tempfile::tempdir().unwrap(), &url, &[("SESSION_SIGNING_KEY", &key)])
        .await
        .expect("node A starts");
    let b = try_start_node(tempfile::tempdir().unwrap(), &url, &[("SESSION_SIGNING_KEY", &key)])
        .await
        .expect("node B, with the same key, starts");

    let session = sign_in_across(&a, &b, "dua.node@example.com").await;
    // The session made by B is good on A, and on B.
    for node in [&a, &b] {
        let response = get_with(node, "/akun", &[&session]).await;
        assert_eq!(response.status(), 200, "{}", node.base);
        assert!(get_with(node, "/akun", &[]).await.status().is_redirection());
    }
    // And the other way round.
    let session = sign_in_across(&b, &a, "dua.node.lagi@example.com").await;
    assert_eq!(get_with(&b, "/akun", &[&session]).await.status(), 200);

    // A node configured with another key refuses to start, and says which setting to fix; no key in the message.
    let other = new_key();
    let error = match try_start_node(tempfile::tempdir().unwrap(), &url, &[("SESSION_SIGNING_KEY", &other)]).await {
        Ok(_) => panic!("a node with another key started"),
        Err(error) => error.to_string(),
    };
    assert!(error.contains("SESSION_SIGNING_KEY"), "{error}");
    assert!(error.contains("every node"), "{error}");
    for secret in [&key, &other] {
        assert!(!error.contains(secret.as_str()), "{error}");
        assert!(!error.contains(&secret[..12]), "{error}");
    }
    // So does one that generated a key of its own in its data folder: the message names the file.
    let dir = tempfile::tempdir().unwrap();
    let own_data = dir.path().join("data").display().to_string();
    let key_file = dir.path().join("data").join("keys").join("session.key");
    let error = match try_start_node(tempfile::tempdir().unwrap(), &url, &[("DATA_DIR", &own_data)]).await {
        Ok(_) => panic!("a node with a generated key of its own started"),
        Err(error) => error.to_string(),
    };
    assert!(
        error.contains("SESSION_SIGNING_KEY") && error.contains(&key_file.display().to_string()),
        "{error}"
    );
    let generated = std::fs::read_to_string(&key_file).unwrap();
    assert!(!error.contains(generated.trim()), "{error}");

    // The running nodes were not disturbed.
    let session = sign_in_across(&a, &b, "dua.node.ketiga@example.com").await;
    assert_eq!(get_with(&a, "/akun", &[&session]).await.status(), 200);
    a.stop().await;
    b.stop().await;
}

#[tokio::test]
async fn a_single_site_records_its_key_on_its_first_start_and_starts_again() {
    // A site upgrading: its first start records the generated key's fingerprint; restarts agree with it.
    let app = spawn_app().await;
    let db = db_of(&app).await;
    assert_eq!(count_all(&db, "SELECT COUNT(*) FROM key_fingerprints").await, 1);
    let app = restart(app).await;
    assert_eq!(app.get("/healthz").await.status(), 200);
    app.stop().await;
}

/// The per-process folders under `data/staging`.
fn staging_folders(data: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(data.join("staging"))
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    found.sort();
    found
}

#[tokio::test]
async fn a_second_process_on_one_data_folder_leaves_the_first_ones_uploads_alone() {
    let shared = tempfile::tempdir().unwrap();
    let url = fresh_database(shared.path()).await;
    let a_dir = tempfile::tempdir().unwrap();
    let data = a_dir.path().join("data");
    let data_dir = data.display().to_string();
    let a = try_start_node(a_dir, &url, &[]).await.expect("node A starts");
    let a_folders = staging_folders(&data);
    assert_eq!(a_folders.len(), 1, "{a_folders:?}");

    // An upload under way to A: its head sent, the rest not yet.
    let (session, id) = start(&a, "satu.folder@example.com", "wni").await;
    let boundary = "portal-test-boundary";
    let scan = fixtures::jpeg(600, 400);
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"kk_scan\"; filename=\"kk.jpg\"\r\n\
         Content-Type: image/jpeg\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(&scan);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let host = a.base.trim_start_matches("http://").to_owned();
    let mut stream = tokio::net::TcpStream::connect(&host).await.unwrap();
    let head = format!(
        "POST /unggah/{id} HTTP/1.1\r\nHost: {host}\r\nOrigin: {}\r\nCookie: {session}\r\nAccept: {JSON}\r\n\
         Content-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        a.base,
        body.len()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let half = body.len() / 2;
    stream.write_all(&body[..half]).await.unwrap();
    stream.flush().await.unwrap();
    // Wait until A has begun receiving it into its staging folder.
    let mut in_flight = Vec::new();
    for _ in 0..500 {
        in_flight = std::fs::read_dir(&a_folders[0])
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .collect();
        if !in_flight.is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert_eq!(in_flight.len(), 1, "the upload is being received");

    // A second process starts on the same data folder (and so the same generated key) and the same database.
    let b = try_start_node(tempfile::tempdir().unwrap(), &url, &[("DATA_DIR", &data_dir)])
        .await
        .expect("node B starts on the same data folder");
    assert!(a_folders[0].exists(), "A's staging folder is still there");
    assert!(in_flight[0].exists(), "A's upload in flight is still there");
    assert_eq!(staging_folders(&data).len(), 2);

    // The rest of the upload arrives: A stores it.
    stream.write_all(&body[half..]).await.unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.unwrap();
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    // And later ones too, on either node.
    let response = upload(&a, &session, &id, "kk_scan", "kk.jpg", fixtures::jpeg(600, 400), JSON).await;
    assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
    let response = upload(&b, &session, &id, "kk_scan", "kk.jpg", fixtures::jpeg(600, 400), JSON).await;
    assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());

    // A clean shutdown removes a process's own folder, and only that.
    b.stop().await;
    assert_eq!(staging_folders(&data), a_folders);
    let response = upload(&a, &session, &id, "kk_scan", "kk.jpg", fixtures::jpeg(600, 400), JSON).await;
    assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
    a.stop().await;
    assert!(staging_folders(&data).is_empty());
}
