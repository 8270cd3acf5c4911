//! Sessions and the secrets behind them (issue 12, items 7, 8 and 13): a citizen's session ends after 30 minutes
//! without a request besides its 12 hours; "sign out on every device" for citizens and for staff; citizen and
//! staff tokens signed with keys of their own; TOTP seeds sealed at rest; a data folder nobody else can read; and
//! the retention sweep.

use crate::applications::{start, upload, JSON};
use crate::helpers::*;
use app::domain::process::Role;
use base64::Engine;
use server::{
    auth::{now, sweep, tokens::SessionTokens},
    db::{staff, Backend, Db},
    keys::{self, purpose, Key},
    staff::{password, totp},
    startup::{CITIZEN_IDLE_SECS, CITIZEN_SESSION_SECS},
};
use std::path::Path;

const PASSWORD: &str = "kata sandi yang panjang sekali";

/// The master key the portal generated in its data folder.
fn master_key(app: &TestApp) -> Key {
    keys::load_or_generate(None, &app.dir.path().join("data").join("keys"), "session").expect("the master key")
}

fn location(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

/// A claim of the token in a `name=token` cookie.
fn claim(cookie: &str, name: &str) -> String {
    let token = cookie.split_once('=').expect("name=token").1;
    let payload = token.split('.').nth(1).expect("a JWT");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    json[name].as_str().expect("a string claim").to_owned()
}

/// Whether the account page sees a live session (200) or asks to sign in (a redirect to `/masuk`).
async fn signed_in(app: &TestApp, cookie: &str) -> bool {
    let response = get_with(app, "/akun", &[cookie]).await;
    match response.status().as_u16() {
        200 => true,
        _ if response.status().is_redirection() => {
            assert_eq!(location(&response), "/masuk");
            false
        }
        other => panic!("the account page answered {other}"),
    }
}

/// Whether the console sees a live staff session (200) or sends to its sign-in page.
async fn console_open(app: &TestApp, cookie: &str) -> bool {
    let response = get_with(app, "/petugas", &[cookie]).await;
    match response.status().as_u16() {
        200 => true,
        _ if response.status().is_redirection() => {
            assert_eq!(location(&response), "/petugas/masuk");
            false
        }
        other => panic!("the console answered {other}"),
    }
}

async fn last_seen(db: &Db, table: &str, id: &str) -> i64 {
    let (at,): (i64,) = sqlx::query_as(&format!("SELECT last_seen_at FROM {table} WHERE id = $1"))
        .bind(id)
        .fetch_one(&db.pool)
        .await
        .unwrap();
    at
}

async fn set_last_seen(db: &Db, table: &str, id: &str, at: i64) {
    sqlx::query(&format!("UPDATE {table} SET last_seen_at = $1 WHERE id = $2"))
        .bind(at)
        .bind(id)
        .execute(&db.pool)
        .await
        .unwrap();
}

async fn account_of_session(db: &Db, jti: &str) -> String {
    let (account,): (String,) = sqlx::query_as("SELECT account_id FROM sessions WHERE id = $1")
        .bind(jti)
        .fetch_one(&db.pool)
        .await
        .unwrap();
    account
}

/// A supervisor enrolled through the one-time link, as a new staff member does it (their authenticator's code of
/// the previous step, so that the sign-ins that follow have steps of their own); returns the TOTP secret.
async fn enrolled(app: &TestApp, db: &Db, username: &str) -> String {
    let (_, token) = staff::create(db, username, "Petugas Uji", Role::Supervisor, None, now())
        .await
        .unwrap();
    let path = format!("/petugas/daftar/{token}");
    let page = get_with(app, &path, &[]).await.text().await.unwrap();
    let secret = attribute_after(&page, "data-secret", "data-secret")
        .expect("the secret on the enrolment page")
        .to_owned();
    let code = totp::code_at_step(&secret, now() / totp::STEP_SECS - 1).unwrap();
    let done = post(
        app,
        &path,
        &[("secret", &secret), ("password", PASSWORD), ("code", &code)],
        &[],
        HTML,
    )
    .await;
    assert_eq!(done.status(), 200, "{}", done.text().await.unwrap());
    secret
}

/// Signs a staff member in with the code of `ahead` steps after the current one (a code works once, so a second
/// session needs the next code) and returns the session cookie.
async fn staff_sign_in(app: &TestApp, username: &str, secret: &str, ahead: i64) -> String {
    let code = totp::code_at_step(secret, now() / totp::STEP_SECS + ahead).unwrap();
    let response = post(
        app,
        "/petugas/masuk",
        &[("username", username), ("password", PASSWORD), ("code", &code)],
        &[],
        HTML,
    )
    .await;
    assert_eq!(response.status(), 303, "{}", response.text().await.unwrap());
    set_cookie(&response, "staff_session").expect("a staff session cookie")
}

/// The `sessions_revoked` security events about `subject` (an account or staff id), as logged.
fn sessions_revoked(subject: &str) -> Vec<String> {
    log_lines()
        .into_iter()
        .filter(|line| {
            serde_json::from_str::<serde_json::Value>(line).is_ok_and(|l| {
                l["target"] == "portal::security"
                    && l["event"] == "sessions_revoked"
                    && l["subject"] == subject
                    && l["client"].as_str().is_some_and(|c| !c.is_empty())
            })
        })
        .collect()
}

async fn stored_seed(db: &Db, username: &str) -> String {
    let (seed,): (String,) = sqlx::query_as("SELECT totp_secret FROM staff WHERE username = $1")
        .bind(username)
        .fetch_one(&db.pool)
        .await
        .unwrap();
    seed
}

#[tokio::test]
async fn a_citizen_session_ends_after_thirty_minutes_without_a_request() {
    let app = spawn_app().await;
    let db = db_of(&app).await;
    let session = sign_in(&app, "diam@example.com", "diam@example.com").await;
    let jti = claim(&session, "jti");
    assert!(signed_in(&app, &session).await);

    // 29 minutes without a request: still signed in, and this request counts as activity.
    set_last_seen(&db, "sessions", &jti, now() - 29 * 60).await;
    assert!(signed_in(&app, &session).await);
    assert!(
        last_seen(&db, "sessions", &jti).await >= now() - 60,
        "the request was counted"
    );

    // A request less than a minute after the last one writes nothing.
    let recent = now() - 30;
    set_last_seen(&db, "sessions", &jti, recent).await;
    assert!(signed_in(&app, &session).await);
    assert_eq!(last_seen(&db, "sessions", &jti).await, recent);

    // 31 minutes: the account page asks to sign in again, and a request does not bring the session back.
    set_last_seen(&db, "sessions", &jti, now() - 31 * 60).await;
    assert!(!signed_in(&app, &session).await);
    set_last_seen(&db, "sessions", &jti, now() - 31 * 60).await;
    assert!(!signed_in(&app, &session).await);
    // Nor does anything else that takes the session: starting an application asks to sign in.
    let response = post(&app, "/api/permohonan/mulai", &[("kind", "wni")], &[&session], JSON).await;
    assert_eq!(response.status(), 401, "{}", response.text().await.unwrap());
    app.stop().await;
}

#[tokio::test]
async fn a_busy_citizen_session_still_ends_after_twelve_hours() {
    let app = spawn_app().await;
    let db = db_of(&app).await;
    let session = sign_in(&app, "sibuk@example.com", "sibuk@example.com").await;
    let account = account_of_session(&db, &claim(&session, "jti")).await;
    let tokens = SessionTokens::citizen(
        &keys::derive(&master_key(&app), purpose::CITIZEN_SESSION),
        &claim(&session, "iss"),
        CITIZEN_SESSION_SECS,
        CITIZEN_IDLE_SECS,
    );
    // Both sessions were used a moment ago; one started 11 h 58 min ago, the other 12 hours and a second ago.
    for (started, live) in [
        (now() - CITIZEN_SESSION_SECS + 120, true),
        (now() - CITIZEN_SESSION_SECS - 1, false),
    ] {
        let token = tokens.start(&db, &account, started).await.unwrap();
        let cookie = format!("session={token}");
        set_last_seen(&db, "sessions", &claim(&cookie, "jti"), now() - 10).await;
        assert_eq!(signed_in(&app, &cookie).await, live, "started {}s ago", now() - started);
    }
    app.stop().await;
}

#[tokio::test]
async fn signing_out_everywhere_ends_every_session_of_the_account_and_no_other() {
    log_lines();
    let app = spawn_app().await;
    let db = db_of(&app).await;
    let phone = sign_in(&app, "dua@example.com", "dua@example.com").await;
    let laptop = sign_in(&app, "dua@example.com", "dua@example.com").await;
    let neighbour = sign_in(&app, "tetangga@example.com", "tetangga@example.com").await;
    assert_ne!(phone, laptop, "two devices, two sessions");
    for session in [&phone, &laptop, &neighbour] {
        assert!(signed_in(&app, session).await);
    }

    // The account page offers it as a plain form (no JavaScript needed).
    let page = get_with(&app, "/akun", &[&phone]).await.text().await.unwrap();
    assert!(
        page.contains("action=\"/api/keluar-semua\""),
        "a form posting to the server"
    );
    assert!(page.contains("Keluar dari semua perangkat"));

    let account = account_of_session(&db, &claim(&phone, "jti")).await;
    let response = post(&app, "/api/keluar-semua", &[], &[&phone], HTML).await;
    assert!(response.status().is_redirection(), "{}", response.status());
    assert_eq!(location(&response), "/akun?keluar=semua");
    let events = sessions_revoked(&account);
    assert_eq!(events.len(), 1, "one security event, naming the account by its id");
    assert!(
        !events[0].contains("dua@") && !events[0].contains("du***"),
        "{}",
        events[0]
    );
    assert_eq!(
        set_cookie(&response, "session").as_deref(),
        Some("session="),
        "this device's cookie is cleared"
    );
    let confirmation = get_with(&app, "/akun?keluar=semua", &[]).await;
    assert_eq!(confirmation.status(), 200);
    let confirmation = confirmation.text().await.unwrap();
    assert!(
        confirmation.contains("Anda sudah keluar dari semua perangkat"),
        "{confirmation}"
    );
    assert!(
        !confirmation.contains("dua@") && !confirmation.contains("du***"),
        "no account is shown"
    );

    // Back on the confirmation after signing in again, the account page is the account page.
    let again = sign_in(&app, "dua@example.com", "dua@example.com").await;
    let response = get_with(&app, "/akun?keluar=semua", &[&again]).await;
    assert_eq!(location(&response), "/akun");
    assert!(signed_in(&app, &again).await);

    assert!(!signed_in(&app, &phone).await, "this device is signed out");
    assert!(!signed_in(&app, &laptop).await, "and the other one too");
    assert!(
        signed_in(&app, &neighbour).await,
        "another account's session is untouched"
    );

    // An ended session cannot do it again (nothing to end), nor can a visitor without one.
    for cookies in [vec![phone.as_str()], vec![]] {
        let response = post(&app, "/api/keluar-semua", &[], &cookies, HTML).await;
        assert_eq!(location(&response), "/masuk");
    }
    assert!(signed_in(&app, &neighbour).await);

    // With JavaScript the same server function answers as data (the page says it in place), and ends the
    // sessions the same way.
    let tablet = sign_in(&app, "tetangga@example.com", "tetangga@example.com").await;
    let response = post(&app, "/api/keluar-semua", &[], &[&tablet], JSON).await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        set_cookie(&response, "session").as_deref(),
        Some("session="),
        "the cookie is cleared"
    );
    assert_eq!(response.text().await.unwrap(), "true");
    assert!(!signed_in(&app, &neighbour).await);
    assert!(!signed_in(&app, &tablet).await);
    app.stop().await;
}

#[tokio::test]
async fn staff_sign_out_everywhere_ends_every_session_of_that_member_only() {
    let app = spawn_app().await;
    let db = db_of(&app).await;
    let rina = enrolled(&app, &db, "rina.s").await;
    let budi = enrolled(&app, &db, "budi.s").await;
    let desk = staff_sign_in(&app, "rina.s", &rina, 0).await;
    let phone = staff_sign_in(&app, "rina.s", &rina, 1).await;
    let colleague = staff_sign_in(&app, "budi.s", &budi, 0).await;
    for session in [&desk, &phone, &colleague] {
        assert!(console_open(&app, session).await);
    }

    // Every console page offers it, as a form.
    let page = get_with(&app, "/petugas", &[&desk]).await.text().await.unwrap();
    assert!(page.contains("action=\"/petugas/keluar-semua\""));

    log_lines();
    let response = post(&app, "/petugas/keluar-semua", &[], &[&desk], HTML).await;
    assert_eq!(response.status(), 303);
    let (rina_id,): (String,) = sqlx::query_as("SELECT id FROM staff WHERE username = 'rina.s'")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(sessions_revoked(&rina_id).len(), 1, "one security event");
    assert_eq!(location(&response), "/petugas/keluar-semua");
    assert_eq!(
        set_cookie(&response, "staff_session").as_deref(),
        Some("staff_session="),
        "this device's cookie is cleared"
    );
    let confirmation = get_with(&app, "/petugas/keluar-semua", &[]).await;
    assert_eq!(confirmation.status(), 200);
    assert!(confirmation
        .text()
        .await
        .unwrap()
        .contains("Semua sesi Anda telah diakhiri"));

    assert!(!console_open(&app, &desk).await);
    assert!(!console_open(&app, &phone).await, "the other device is signed out too");
    assert!(
        console_open(&app, &colleague).await,
        "a colleague's session is untouched"
    );

    // Without a live session the form only sends to the sign-in page.
    let response = post(&app, "/petugas/keluar-semua", &[], &[&desk], HTML).await;
    assert_eq!(location(&response), "/petugas/masuk");
    assert!(console_open(&app, &colleague).await);
    app.stop().await;
}

#[tokio::test]
async fn citizen_and_staff_tokens_are_signed_with_keys_of_their_own() {
    let app = spawn_app().await;
    let db = db_of(&app).await;
    let citizen = sign_in(&app, "kunci@example.com", "kunci@example.com").await;
    let issuer = claim(&citizen, "iss");
    let account = account_of_session(&db, &claim(&citizen, "jti")).await;
    let (staff_id, _) = staff::create(&db, "kunci.staf", "Kunci", Role::Supervisor, None, now())
        .await
        .unwrap();
    let master = master_key(&app);
    let citizen_key = keys::derive(&master, purpose::CITIZEN_SESSION);
    let staff_key = keys::derive(&master, purpose::STAFF_SESSION);
    let citizen_tokens = |key: &Key| SessionTokens::citizen(key, &issuer, CITIZEN_SESSION_SECS, CITIZEN_IDLE_SECS);
    let staff_tokens =
        |key: &Key| SessionTokens::staff(key, &issuer, server::staff::SESSION_SECS, server::staff::IDLE_SECS);

    // Tokens made here with the right key of each kind are accepted: what follows is refused for its key alone
    // (audience, issuer and a live session row are all right).
    let token = citizen_tokens(&citizen_key).start(&db, &account, now()).await.unwrap();
    assert!(signed_in(&app, &format!("session={token}")).await);
    let token = staff_tokens(&staff_key).start(&db, &staff_id, now()).await.unwrap();
    assert!(console_open(&app, &format!("staff_session={token}")).await);

    // A staff token signed with the citizens' key (or the master key) is no staff token.
    for key in [&citizen_key, &master] {
        let token = staff_tokens(key).start(&db, &staff_id, now()).await.unwrap();
        assert!(!console_open(&app, &format!("staff_session={token}")).await);
    }
    // A citizen token signed with the staff key (or the master key) is no citizen token.
    for key in [&staff_key, &master] {
        let token = citizen_tokens(key).start(&db, &account, now()).await.unwrap();
        assert!(!signed_in(&app, &format!("session={token}")).await);
    }
    app.stop().await;
}

#[tokio::test]
async fn totp_seeds_are_stored_sealed_and_clear_ones_are_sealed_at_start() {
    let app = spawn_app().await;
    let db = db_of(&app).await;

    // Enrolment stores the seed sealed, and signing in opens it.
    let secret = enrolled(&app, &db, "rahasia").await;
    let stored = stored_seed(&db, "rahasia").await;
    assert!(stored.starts_with("v1:"), "{stored}");
    assert!(!stored.contains(&secret), "the seed is not in the database");
    let session = staff_sign_in(&app, "rahasia", &secret, 0).await;
    assert!(console_open(&app, &session).await);

    // A seed stored in clear, as older versions stored them, is sealed when the portal starts.
    let (_, token) = staff::create(&db, "lama", "Lama", Role::Supervisor, None, now())
        .await
        .unwrap();
    let old_secret = totp::new_secret();
    assert!(staff::complete_enrolment(
        &db,
        &token,
        &password::hash(PASSWORD),
        &old_secret,
        now() / totp::STEP_SECS - 2,
        now()
    )
    .await
    .unwrap());
    assert_eq!(stored_seed(&db, "lama").await, old_secret);
    let app = restart(app).await;
    let db = db_of(&app).await;
    let stored = stored_seed(&db, "lama").await;
    assert!(stored.starts_with("v1:") && !stored.contains(&old_secret), "{stored}");
    let session = staff_sign_in(&app, "lama", &old_secret, 0).await;
    assert!(console_open(&app, &session).await, "and its owner still signs in");
    let session = staff_sign_in(&app, "rahasia", &secret, 1).await;
    assert!(console_open(&app, &session).await);
    app.stop().await;
}

#[tokio::test]
async fn portals_starting_at_once_seal_each_clear_seed_once() {
    let app = spawn_app().await;
    let db = db_of(&app).await;
    let mut secrets = Vec::new();
    for n in 0..8 {
        let (id, token) = staff::create(&db, &format!("lama{n}"), "Lama", Role::Supervisor, None, now())
            .await
            .unwrap();
        let secret = totp::new_secret();
        assert!(
            staff::complete_enrolment(&db, &token, "$argon2id$unused", &secret, 0, now())
                .await
                .unwrap()
        );
        secrets.push((id, secret));
    }
    let key = keys::derive(&master_key(&app), purpose::TOTP_SEED);
    // Four processes' start-up passes, each with its own pool, released together.
    let mut passes = Vec::new();
    for _ in 0..4 {
        let (url, key) = (
            app.database_url.clone(),
            keys::derive(&master_key(&app), purpose::TOTP_SEED),
        );
        let db = Db::connect(&url).await.unwrap();
        passes.push(tokio::spawn(async move { staff::seal_clear_seeds(&db, &key).await }));
    }
    let mut sealed = 0;
    for pass in passes {
        sealed += pass.await.unwrap().expect("every pass succeeds");
    }
    assert_eq!(sealed, 8, "each seed sealed by exactly one pass");
    assert_eq!(
        staff::seal_clear_seeds(&db, &key).await.unwrap(),
        0,
        "a later start finds none"
    );
    for (id, secret) in &secrets {
        let (stored,): (String,) = sqlx::query_as("SELECT totp_secret FROM staff WHERE id = $1")
            .bind(id)
            .fetch_one(&db.pool)
            .await
            .unwrap();
        assert_eq!(
            totp::open_secret(&key, id, &stored).unwrap(),
            totp::Stored::Sealed(secret.clone())
        );
    }
    app.stop().await;
}

/// Every file and folder under `dir` (itself included) whose mode is not 0600 (files) or 0700 (folders).
#[cfg(unix)]
fn not_private(dir: &Path) -> Vec<String> {
    use std::os::unix::fs::PermissionsExt;
    let mut found = Vec::new();
    let mode = std::fs::metadata(dir).unwrap().permissions().mode() & 0o777;
    if mode != 0o700 {
        found.push(format!("{} {mode:o}", dir.display()));
    }
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        let Ok(meta) = std::fs::symlink_metadata(&path) else {
            continue; // removed meanwhile (a staging file, SQLite's journal)
        };
        if meta.is_dir() {
            found.extend(not_private(&path));
        } else if meta.permissions().mode() & 0o777 != 0o600 {
            found.push(format!("{} {:o}", path.display(), meta.permissions().mode() & 0o777));
        }
    }
    found
}

/// The server binary, as `make run` starts it, on a data folder of its own; stopped with SIGTERM when dropped.
struct Process(std::process::Child);

impl Drop for Process {
    fn drop(&mut self) {
        // SAFETY: kill only sends a signal to the child this test started.
        unsafe {
            libc::kill(self.0.id() as libc::pid_t, libc::SIGTERM);
        }
        let _ = self.0.wait();
    }
}

async fn start_binary() -> (TestApp, Process) {
    use std::io::BufRead;
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    fake_site(&site);
    let data = dir.path().join("data");
    let postgres = fresh_external_database(dir.path()).await;
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_server"));
    command
        .env_clear()
        .current_dir(dir.path())
        .env("DATA_DIR", &data)
        .env("LEPTOS_SITE_ADDR", "127.0.0.1:0")
        .env("LEPTOS_SITE_ROOT", &site)
        .env("SMTP_URL", mail_sink().url())
        .env("METRICS_ADDR", "off")
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::piped())
        .stderr(std::fs::File::create(dir.path().join("server.log")).unwrap());
    if let Some(url) = &postgres {
        command.env("DATABASE_URL", url);
    }
    let mut child = command.spawn().expect("the server binary");
    let stdout = child.stdout.take().unwrap();
    let process = Process(child);
    let (tx, rx) = tokio::sync::oneshot::channel();
    // Reads the address it listens on, then keeps reading so that the server's output never blocks.
    std::thread::spawn(move || {
        let mut tx = Some(tx);
        for line in std::io::BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if let Some(addr) = line.split("listening on ").nth(1) {
                if let Some(tx) = tx.take() {
                    let _ = tx.send(addr.trim_end_matches(')').to_owned());
                }
            }
        }
    });
    let addr = tokio::time::timeout(std::time::Duration::from_secs(120), rx)
        .await
        .expect("the server starts")
        .expect("the server prints its address");
    let (database_url, backend) = match postgres {
        Some(url) => (url, Backend::Postgres),
        None => (
            format!("sqlite://{}/portal.db?mode=rwc", data.display()),
            Backend::Sqlite,
        ),
    };
    (
        running_at(format!("http://{addr}"), dir, database_url, backend),
        process,
    )
}

#[cfg(unix)]
#[tokio::test]
async fn the_data_folder_is_readable_by_the_portal_alone() {
    // In process (as the tests run `Application::build`): the folders are made private whatever the umask, and
    // the generated key is 0600.
    use std::os::unix::fs::PermissionsExt;
    let app = spawn_app().await;
    let data = app.dir.path().join("data");
    for folder in ["", "keys", "uploads", "staging"] {
        let mode = std::fs::metadata(data.join(folder)).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o700, "{folder}");
    }
    let mode = std::fs::metadata(data.join("keys/session.key"))
        .unwrap()
        .permissions()
        .mode()
        & 0o777;
    assert_eq!(mode, 0o600);
    app.stop().await;

    // The server as it is run: after a citizen signed in and uploaded a scan, while it runs (the SQLite database
    // with its -wal and -shm beside it), every file is 0600 and every folder 0700.
    let (app, process) = start_binary().await;
    let (session, id) = start(&app, "berkas@example.com", "wni").await;
    let response = upload(
        &app,
        &session,
        &id,
        "kk_scan",
        "kk.jpg",
        server::documents::fixtures::jpeg(600, 400),
        JSON,
    )
    .await;
    assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
    let data = app.dir.path().join("data");
    let files = std::fs::read_dir(data.join("uploads")).unwrap().count();
    assert!(files > 0, "the scan is stored under the data folder");
    if app.backend == Backend::Sqlite {
        assert!(data.join("portal.db").is_file() && data.join("portal.db-wal").is_file());
    }
    assert_eq!(not_private(&data), Vec::<String>::new());
    drop(process);
    assert_eq!(not_private(&data), Vec::<String>::new(), "after a clean stop too");
}

#[tokio::test]
async fn the_sweep_deletes_codes_and_sessions_dead_for_a_day_and_nothing_live() {
    let app = spawn_app().await;
    let db = db_of(&app).await;
    let citizen = sign_in(&app, "sapu@example.com", "sapu@example.com").await;
    let account = account_of_session(&db, &claim(&citizen, "jti")).await;
    let (staff_id, _) = staff::create(&db, "sapu.staf", "Sapu", Role::Supervisor, None, now())
        .await
        .unwrap();
    let now = now();
    let (day, hour) = (24 * 60 * 60, 60 * 60);

    // (id, expires_at, revoked_at, kept): dead for two days, dead for an hour (kept a day), live.
    let sessions = [
        ("expired-long-ago", now - 2 * day, None, false),
        ("revoked-long-ago", now + hour, Some(now - 2 * day), false),
        ("expired-lately", now - hour, None, true),
        ("revoked-lately", now + hour, Some(now - hour), true),
        ("live", now + hour, None, true),
    ];
    for (table, account) in [("sessions", &account), ("staff_sessions", &staff_id)] {
        for (id, expires, revoked, _) in &sessions {
            sqlx::query(&format!(
                "INSERT INTO {table} (id, account_id, audience, created_at, expires_at, last_seen_at, revoked_at) \
                 VALUES ($1, $2, 'test', $3, $4, $3, $5)"
            ))
            .bind(format!("{table}-{id}"))
            .bind(account)
            .bind(expires - 12 * hour)
            .bind(expires)
            .bind(revoked)
            .execute(&db.pool)
            .await
            .unwrap();
        }
    }
    // 2,500 codes dead for two days (more than one batch), one dead for an hour, one live.
    let insert_code = |id: String, expires: i64| {
        sqlx::query(
            "INSERT INTO sign_in_codes (id, identifier, client, code_hash, created_at, expires_at) \
             VALUES ($1, 'sapu@example.com', 'tag', 'hash', $2, $3)",
        )
        .bind(id)
        .bind(expires - 600)
        .bind(expires)
    };
    for n in 0..2500 {
        insert_code(format!("old-{n}"), now - 2 * day)
            .execute(&db.pool)
            .await
            .unwrap();
    }
    insert_code("lately".into(), now - hour)
        .execute(&db.pool)
        .await
        .unwrap();
    insert_code("live".into(), now + 600).execute(&db.pool).await.unwrap();
    // Rate-limit counters: one whose window passed long ago, one counting now.
    for (bucket, start) in [("test/old", now - 2 * day), ("test/now", now)] {
        sqlx::query("INSERT INTO rate_limits (bucket, window_start, hits) VALUES ($1, $2, 3)")
            .bind(bucket)
            .bind(start)
            .execute(&db.pool)
            .await
            .unwrap();
    }
    // Staff sign-in counters: (client, window_start, locked_until, last_success_at, kept). Only a counter whose
    // window and lock have passed and that marks no success in the last 30 days may go.
    let staff_limits = [
        ("stale", now - 2 * day, None, None, false),
        ("lock-over", now - 2 * day, Some(now - day), None, false),
        ("counting", now - 60, None, None, true),
        ("locked", now - 2 * day, Some(now + hour), None, true),
        ("office", now - 2 * day, None, Some(now - day), true),
    ];
    for (client, start, locked, success, _) in &staff_limits {
        sqlx::query(
            "INSERT INTO staff_sign_in_limits (username, client, attempts, window_start, locked_until, last_success_at) \
             VALUES ('sapu', $1, 3, $2, $3, $4)",
        )
        .bind(client)
        .bind(start)
        .bind(locked)
        .bind(success)
        .execute(&db.pool)
        .await
        .unwrap();
    }

    // Three nodes sweep at the same moment, each with its own pool.
    let mut sweeps = Vec::new();
    for _ in 0..3 {
        let db = Db::connect(&app.database_url).await.unwrap();
        sweeps.push(tokio::spawn(async move { sweep::sweep_once(&db, now).await }));
    }
    for sweep in sweeps {
        sweep.await.unwrap().expect("every sweep succeeds");
    }

    for table in ["sessions", "staff_sessions"] {
        for (id, _, _, kept) in &sessions {
            let (n,): (i64,) = sqlx::query_as(&format!("SELECT COUNT(*) FROM {table} WHERE id = $1"))
                .bind(format!("{table}-{id}"))
                .fetch_one(&db.pool)
                .await
                .unwrap();
            assert_eq!(n == 1, *kept, "{table} {id}");
        }
    }
    let codes: Vec<(String,)> =
        sqlx::query_as("SELECT id FROM sign_in_codes WHERE id IN ('lately', 'live') OR id LIKE 'old-%' ORDER BY id")
            .fetch_all(&db.pool)
            .await
            .unwrap();
    assert_eq!(codes, vec![("lately".to_owned(),), ("live".to_owned(),)]);
    let buckets: Vec<(String,)> = sqlx::query_as("SELECT bucket FROM rate_limits WHERE bucket LIKE 'test/%'")
        .fetch_all(&db.pool)
        .await
        .unwrap();
    assert_eq!(buckets, vec![("test/now".to_owned(),)]);
    let kept: Vec<(String,)> =
        sqlx::query_as("SELECT client FROM staff_sign_in_limits WHERE username = 'sapu' ORDER BY client")
            .fetch_all(&db.pool)
            .await
            .unwrap();
    let mut expected: Vec<(String,)> = staff_limits.iter().filter(|l| l.4).map(|l| (l.0.to_owned(),)).collect();
    expected.sort();
    assert_eq!(kept, expected, "staff sign-in counters");
    // The real session of a moment ago lives on.
    assert!(signed_in(&app, &citizen).await);
    app.stop().await;
}
