//! Limits that hold under bursts and strangers (issue 12, item 2), and the security log lines of the events they
//! touch (item 11): one-time codes counted and issued atomically, staff sign-in counted before the password is
//! checked, locks per username and client that a refused try never extends, the same work for unknown, locked and
//! real usernames, and the admin's unlock.

use crate::helpers::*;
use app::domain::process::Role;
use futures_util::future::join_all;
use server::{
    db::{staff, Db},
    staff::totp,
};
use std::{
    cell::Cell,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

const PASSWORD: &str = "kata sandi panjang sekali";
const WRONG: &str = "bukan kata sandinya";

fn unique(prefix: &str) -> String {
    let mut bytes = [0u8; 6];
    getrandom::fill(&mut bytes).unwrap();
    format!(
        "{prefix}{}",
        bytes.iter().map(|b| format!("{b:02x}")).collect::<String>()
    )
}

// ---------------------------------------------------------------------------------------------------------------
// The security log, as the test's own thread sees it.

/// The security log lines written while the guard lives, on this test's thread (`#[tokio::test]` runs the server's
/// tasks on it too), as JSON objects (`LOG_FORMAT=json` writes the same fields).
struct SecurityLog {
    lines: Arc<Mutex<Vec<u8>>>,
    _guard: tracing::subscriber::DefaultGuard,
}

#[derive(Clone)]
struct Sink(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Sink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl SecurityLog {
    fn capture() -> SecurityLog {
        let lines = Arc::new(Mutex::new(Vec::new()));
        let sink = Sink(lines.clone());
        let subscriber = tracing_subscriber::fmt()
            .json()
            .flatten_event(true)
            .with_max_level(tracing::Level::WARN)
            .with_writer(move || sink.clone())
            .finish();
        SecurityLog {
            lines,
            _guard: tracing::subscriber::set_default(subscriber),
        }
    }

    /// Every security event so far.
    fn events(&self) -> Vec<serde_json::Value> {
        let bytes = self.lines.lock().unwrap().clone();
        String::from_utf8_lossy(&bytes)
            .lines()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .filter(|v| v["target"] == "portal::security")
            .collect()
    }

    /// The events named `event` about `subject`.
    fn about(&self, event: &str, subject: &str) -> Vec<serde_json::Value> {
        self.events()
            .into_iter()
            .filter(|v| v["event"] == event && v["subject"] == subject)
            .collect()
    }

    fn raw(&self) -> String {
        String::from_utf8_lossy(&self.lines.lock().unwrap()).into_owned()
    }
}

fn reasons(events: &[serde_json::Value], reason: &str) -> usize {
    events.iter().filter(|v| v["reason"] == reason).count()
}

// ---------------------------------------------------------------------------------------------------------------
// Staff accounts, enrolled through their link, and their TOTP codes.

struct Member {
    id: String,
    username: String,
    secret: String,
    /// The last TOTP step used: each sign-in needs a later one.
    last_step: Cell<i64>,
}

impl Member {
    /// A code the server accepts and has not seen used, and its step: the step after the last one used, within
    /// the one step of drift the server allows (waiting for the clock when three sign-ins came within one step).
    async fn fresh_code(&self) -> (i64, String) {
        loop {
            let current = server::auth::now() / totp::STEP_SECS;
            let step = (self.last_step.get() + 1).max(current - 1);
            if step <= current + 1 {
                return (step, totp::code_at_step(&self.secret, step).unwrap());
            }
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
    }
}

/// An account created as the admin's form does, and enrolled through its one-time link (password and TOTP).
async fn member(app: &TestApp, db: &Db, username: &str, role: Role) -> Member {
    let point = (role == Role::Operator).then_some("dinas");
    let (id, token) = staff::create(
        db,
        username,
        &format!("Petugas {username}"),
        role,
        point,
        server::auth::now(),
    )
    .await
    .unwrap();
    let path = format!("/petugas/daftar/{token}");
    let page = get_with(app, &path, &[]).await.text().await.unwrap();
    let secret = page
        .split("data-secret=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the enrolment page shows the secret")
        .to_owned();
    // The step before the current one (the server allows one step of drift), so that sign-ins can use the current.
    let step = server::auth::now() / totp::STEP_SECS - 1;
    let code = totp::code_at_step(&secret, step).unwrap();
    let response = post(
        app,
        &path,
        &[("secret", &secret), ("password", PASSWORD), ("code", &code)],
        &[],
        HTML,
    )
    .await;
    assert_eq!(response.status(), 200, "enrolment of {username}");
    Member {
        id,
        username: username.to_owned(),
        secret,
        last_step: Cell::new(step),
    }
}

/// A sign-in attempt through the form, from `client` (an `X-Forwarded-For` the trusted proxy adds) or directly.
async fn attempt(app: &TestApp, username: &str, password: &str, code: &str, client: Option<&str>) -> reqwest::Response {
    let form = [("username", username), ("password", password), ("code", code)];
    match client {
        None => post(app, "/petugas/masuk", &form, &[], HTML).await,
        Some(client) => app
            .client
            .post(app.url("/petugas/masuk"))
            .header("accept", HTML)
            .header("origin", app.base.as_str())
            .header("x-forwarded-for", client)
            .form(&form)
            .send()
            .await
            .unwrap(),
    }
}

fn staff_session(response: &reqwest::Response) -> Option<String> {
    set_cookie(response, "staff_session").or_else(|| set_cookie(response, "__Host-staff_session"))
}

/// Signs in with the right password and a fresh code; the session cookie.
async fn signs_in(app: &TestApp, who: &Member, client: Option<&str>) -> Option<String> {
    let (step, code) = who.fresh_code().await;
    let response = attempt(app, &who.username, PASSWORD, &code, client).await;
    let session = staff_session(&response);
    assert_eq!(session.is_some(), response.status() == 303, "{}", response.status());
    if session.is_some() {
        who.last_step.set(step);
    }
    session
}

/// The rows counting `username`'s attempts per client (not the ceiling's).
async fn client_rows(db: &Db, username: &str) -> Vec<(i64, Option<i64>)> {
    sqlx::query_as(
        "SELECT attempts, locked_until FROM staff_sign_in_limits WHERE username = $1 AND client <> '*' \
         ORDER BY client",
    )
    .bind(username)
    .fetch_all(&db.pool)
    .await
    .unwrap()
}

// ---------------------------------------------------------------------------------------------------------------
// One-time codes.

#[tokio::test]
async fn thirty_simultaneous_code_requests_for_one_identifier_issue_five_codes() {
    let log = SecurityLog::capture();
    let app = spawn_app().await;
    let db = db_of(&app).await;
    let mailbox = format!("{}@example.com", unique("burst"));
    let form = [("identifier", mailbox.as_str())];
    let requests = (0..30).map(|_| post(&app, "/api/masuk", &form, &[], HTML));
    let responses = join_all(requests).await;
    let issued = responses
        .iter()
        .filter(|r| r.headers().get("location").is_some_and(|l| l == "/masuk/kode"))
        .count();
    let refused = responses
        .iter()
        .filter(|r| r.headers().get("location").is_some_and(|l| l == "/masuk"))
        .count();
    assert_eq!(
        (issued, refused),
        (5, 25),
        "exactly five codes, every other request refused"
    );
    let (rows,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM sign_in_codes WHERE identifier = $1")
        .bind(&mailbox)
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(rows, 5);
    assert_eq!(
        mails_in(&mail_sink().dir, &mailbox).len(),
        5,
        "five mails reached the person"
    );

    // Each refusal is a line, with the client and without the identifier.
    let limited: Vec<_> = log
        .events()
        .into_iter()
        .filter(|v| v["event"] == "code_rate_limited")
        .collect();
    assert_eq!(limited.len(), 25, "{}", log.raw());
    assert!(limited
        .iter()
        .all(|v| v["client"].as_str().is_some_and(|c| !c.is_empty())));
    assert!(!log.raw().contains(&mailbox), "the identifier is never logged");
    app.stop().await;
}

#[tokio::test]
async fn wrong_codes_and_a_used_up_code_are_logged_without_the_code_or_the_attempt() {
    let log = SecurityLog::capture();
    let app = spawn_app().await;
    let mailbox = format!("{}@example.com", unique("salah"));
    let response = post(&app, "/api/masuk", &[("identifier", &mailbox)], &[], HTML).await;
    let attempt = set_cookie(&response, "signin").expect("the attempt cookie");
    let code = code_sent_to(&mailbox).await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    for _ in 0..5 {
        post(&app, "/api/masuk/kode", &[("code", wrong)], &[&attempt], HTML).await;
    }
    let events = log.events();
    let wrong_codes: Vec<_> = events.iter().filter(|v| v["event"] == "wrong_code").collect();
    let locked: Vec<_> = events.iter().filter(|v| v["event"] == "code_locked").collect();
    assert_eq!((wrong_codes.len(), locked.len()), (4, 1), "{}", log.raw());
    // One subject ties the lines of the attempt together; it is not the attempt id the cookie holds.
    let subject = locked[0]["subject"].as_str().unwrap().to_owned();
    assert!(!subject.is_empty() && wrong_codes.iter().all(|v| v["subject"] == subject.as_str()));
    let attempt_id = attempt.split_once('=').unwrap().1;
    let raw = log.raw();
    for secret in [attempt_id, &code, &mailbox] {
        assert!(!raw.contains(secret), "{secret} in the log");
    }
    app.stop().await;
}

// ---------------------------------------------------------------------------------------------------------------
// Staff sign-in.

#[tokio::test]
async fn twenty_simultaneous_guesses_with_the_right_password_among_them_never_sign_in_past_the_lock() {
    let log = SecurityLog::capture();
    let app = spawn_app().await;
    let db = db_of(&app).await;
    for name in ["tebak1", "tebak2", "tebak3"] {
        let who = member(&app, &db, name, Role::Supervisor).await;
        let (_, code) = who.fresh_code().await;
        // Nineteen wrong passwords, released together with the right code...
        let wrong = join_all((0..19).map(|_| attempt(&app, name, WRONG, &code, None)));
        // ...and the right password and code once the nineteen are counted (or the lock is already on), while they
        // are still being checked: it is the twentieth attempt in a row, never among the five that are checked.
        let right = async {
            loop {
                let rows = client_rows(&db, name).await;
                let now = server::auth::now();
                if rows
                    .iter()
                    .any(|(attempts, until)| *attempts >= 19 || until.is_some_and(|u| u > now))
                {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(2)).await;
            }
            attempt(&app, name, PASSWORD, &code, None).await
        };
        let (wrong, right) = tokio::join!(wrong, right);
        for response in wrong.iter().chain([&right]) {
            assert_eq!(response.status(), 401, "{name}");
            assert!(staff_session(response).is_none(), "{name}: no session past the lock");
        }
        // At most five attempts were checked: five wrong passwords, every other one refused unchecked.
        let failed = log.about("staff_sign_in_failed", name);
        assert_eq!(failed.len(), 20, "{}", log.raw());
        assert_eq!(reasons(&failed, "wrong password"), 5, "{name}: {failed:?}");
        assert_eq!(reasons(&failed, "locked"), 15, "{name}: {failed:?}");
        assert_eq!(log.about("staff_lockout", name).len(), 1, "one lock starts");
        // The lock holds for the right password and a fresh code too.
        assert!(signs_in(&app, &who, None).await.is_none(), "{name}");
    }
    app.stop().await;
}

#[tokio::test]
async fn a_wrong_try_while_locked_does_not_extend_the_lock() {
    let log = SecurityLog::capture();
    let app = spawn_app().await;
    let db = db_of(&app).await;
    let who = member(&app, &db, "sabar", Role::Operator).await;
    for _ in 0..5 {
        let response = attempt(&app, "sabar", WRONG, "000000", None).await;
        assert_eq!(response.status(), 401);
    }
    let rows = client_rows(&db, "sabar").await;
    assert_eq!(rows.len(), 1);
    let (attempts, until) = rows[0];
    assert_eq!(attempts, staff::MAX_FAILED_SIGN_INS);
    let until = until.expect("five failures lock the client");
    assert!(until > server::auth::now() + staff::LOCK_SECS - 60);

    // Most of the lock has passed (the clock moved): it ends two seconds from now.
    let ends = server::auth::now() + 2;
    sqlx::query("UPDATE staff_sign_in_limits SET locked_until = $1, window_start = $2 WHERE username = 'sabar'")
        .bind(ends)
        .bind(ends - staff::LOCK_SECS)
        .execute(&db.pool)
        .await
        .unwrap();
    // A wrong try, and the right one, while locked: refused, and the lock still ends when it did.
    assert_eq!(attempt(&app, "sabar", WRONG, "000000", None).await.status(), 401);
    assert!(signs_in(&app, &who, None).await.is_none());
    assert_eq!(client_rows(&db, "sabar").await, vec![(attempts, Some(ends))]);
    assert_eq!(reasons(&log.about("staff_sign_in_failed", "sabar"), "locked"), 2);
    assert_eq!(log.about("staff_lockout", "sabar").len(), 1, "no second lock");

    // Once it has ended, the right password and code sign in, and the count starts again.
    while server::auth::now() <= ends {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        signs_in(&app, &who, None).await.is_some(),
        "the lock ended when it was due to"
    );
    assert_eq!(client_rows(&db, "sabar").await[0].0, 0);
    app.stop().await;
}

#[tokio::test]
async fn a_stranger_locks_out_only_himself_and_many_addresses_meet_a_ceiling_the_owner_does_not() {
    let log = SecurityLog::capture();
    let app = spawn_app_with(&[("TRUSTED_PROXIES", "127.0.0.1/32")]).await;
    let db = db_of(&app).await;
    let admin = member(&app, &db, "kepala", Role::Admin).await;
    let office = Some("198.51.100.20");
    assert!(
        signs_in(&app, &admin, office).await.is_some(),
        "the admin signs in at the office"
    );

    // A stranger guesses from his address until he is locked out; then even the right password fails for him.
    let stranger = Some("203.0.113.66");
    for _ in 0..6 {
        assert_eq!(attempt(&app, "kepala", WRONG, "000000", stranger).await.status(), 401);
    }
    assert!(
        signs_in(&app, &admin, stranger).await.is_none(),
        "the stranger's address is locked"
    );
    let lockouts = log.about("staff_lockout", "kepala");
    assert_eq!(lockouts.len(), 1);
    assert_eq!(
        lockouts[0]["client"], "203.0.113.66",
        "the log names the address the proxy forwarded"
    );

    // Many addresses guessing together. The ceiling has counted the office's first sign-in (it was new then) and
    // the stranger's five checked attempts: past it, an address the account has never signed in from is refused
    // unchecked.
    let before = 1 + staff::MAX_FAILED_SIGN_INS;
    let flood = staff::USERNAME_CEILING - before + 5;
    for i in 0..flood {
        let address = format!("192.0.2.{}", i + 1);
        assert_eq!(
            attempt(&app, "kepala", WRONG, "000000", Some(&address)).await.status(),
            401
        );
    }
    let failed = log.about("staff_sign_in_failed", "kepala");
    assert_eq!(reasons(&failed, "username ceiling"), 5, "{failed:?}");
    assert!(
        signs_in(&app, &admin, Some("192.0.2.250")).await.is_none(),
        "a new address meets the ceiling"
    );

    // The admin at the office is kept out neither by the stranger's lock nor by the ceiling.
    assert!(
        signs_in(&app, &admin, office).await.is_some(),
        "the office still signs in"
    );
    app.stop().await;
}

#[tokio::test]
async fn unknown_locked_and_real_usernames_take_the_same_time() {
    let app = spawn_app().await;
    let db = db_of(&app).await;
    member(&app, &db, "nyata", Role::Supervisor).await;
    member(&app, &db, "terkunci", Role::Supervisor).await;
    for _ in 0..5 {
        attempt(&app, "terkunci", WRONG, "000000", None).await;
    }
    assert!(staff::locked(&db, "terkunci", server::auth::now()).await.unwrap());

    // The three are measured in turn, round after round, so that whatever else the machine does at a moment
    // (other tests, a build) weighs on each of them alike; the median of each is compared.
    let usernames = ["nyata", "tidak-ada", "terkunci"];
    let mut times: Vec<Vec<std::time::Duration>> = vec![Vec::new(); usernames.len()];
    for _ in 0..9 {
        for (n, username) in usernames.iter().enumerate() {
            if *username != "terkunci" {
                // A real or unknown username stays unlocked: each try is the first in a row.
                sqlx::query("DELETE FROM staff_sign_in_limits WHERE username = $1")
                    .bind(username)
                    .execute(&db.pool)
                    .await
                    .unwrap();
            }
            let started = Instant::now();
            let response = attempt(&app, username, WRONG, "000000", None).await;
            times[n].push(started.elapsed());
            assert_eq!(response.status(), 401);
        }
    }
    let medians: Vec<(&str, std::time::Duration)> = usernames
        .iter()
        .zip(times.iter_mut())
        .map(|(username, times)| {
            times.sort();
            (*username, times[times.len() / 2])
        })
        .collect();
    let real = medians[0].1;
    for (username, median) in &medians[1..] {
        assert!(
            *median * 3 >= real,
            "{username} answers in {median:?}, a real username in {real:?}: the timing tells them apart"
        );
    }
    app.stop().await;
}

// ---------------------------------------------------------------------------------------------------------------
// The admin's unlock.

#[tokio::test]
async fn an_admin_lifts_a_lock_and_no_one_else_can() {
    let log = SecurityLog::capture();
    let app = spawn_app().await;
    let db = db_of(&app).await;
    let admin = member(&app, &db, "admin", Role::Admin).await;
    let supervisor = member(&app, &db, "penyelia", Role::Supervisor).await;
    let operator = member(&app, &db, "loket", Role::Operator).await;
    let admin_session = signs_in(&app, &admin, None).await.unwrap();
    let supervisor_session = signs_in(&app, &supervisor, None).await.unwrap();
    for _ in 0..5 {
        attempt(&app, "loket", WRONG, "000000", None).await;
    }
    assert!(signs_in(&app, &operator, None).await.is_none(), "locked");

    // The admin's accounts page shows the lock and a button that lifts it, in either language.
    let page = get_with(&app, "/petugas/akun", &[&admin_session])
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Masuk terkunci") && page.contains("Buka kunci masuk"));
    assert_eq!(
        page.matches("value=\"unlock\"").count(),
        1,
        "only the locked account has the button"
    );
    let english = get_with(&app, "/petugas/akun", &[&admin_session, "lang=en"])
        .await
        .text()
        .await
        .unwrap();
    assert!(english.contains("Sign-in locked") && english.contains("Lift the sign-in lock"));

    // Nobody but an admin reaches it: the same 404 as every admin page, and the lock stays.
    let path = format!("/petugas/akun/{}", operator.id);
    for session in [&supervisor_session] {
        let response = post(&app, &path, &[("action", "unlock")], &[session], HTML).await;
        assert_eq!(response.status(), 404);
    }
    let response = post(&app, &path, &[("action", "unlock")], &[], HTML).await;
    assert!(response.status().is_redirection());
    assert_eq!(
        response.headers()["location"],
        "/petugas/masuk",
        "without a session: the sign-in page"
    );
    assert!(staff::locked(&db, "loket", server::auth::now()).await.unwrap());

    let response = post(&app, &path, &[("action", "unlock")], &[&admin_session], HTML).await;
    assert_eq!(response.headers()["location"], "/petugas/akun?dibuka=1");
    let page = get_with(&app, "/petugas/akun?dibuka=1", &[&admin_session])
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Kunci masuk dibuka") && !page.contains("Masuk terkunci"));
    let operator_session = signs_in(&app, &operator, None)
        .await
        .expect("the operator signs in again");
    // An operator cannot unlock either (nor reach the page).
    let admin_path = format!("/petugas/akun/{}", admin.id);
    let response = post(&app, &admin_path, &[("action", "unlock")], &[&operator_session], HTML).await;
    assert_eq!(response.status(), 404);
    assert_eq!(
        get_with(&app, "/petugas/akun", &[&operator_session]).await.status(),
        404
    );

    let unlocks = log.about("staff_unlock", "admin");
    assert_eq!(unlocks.len(), 1, "{}", log.raw());
    assert_eq!(unlocks[0]["reason"], "unlocked loket");
    app.stop().await;
}

#[tokio::test]
async fn every_change_to_a_staff_account_is_logged_with_the_admin() {
    let log = SecurityLog::capture();
    let app = spawn_app().await;
    let db = db_of(&app).await;
    let admin = member(&app, &db, "admin", Role::Admin).await;
    let session = signs_in(&app, &admin, None).await.unwrap();
    let response = post(
        &app,
        "/petugas/akun",
        &[
            ("username", "baru"),
            ("display_name", "Petugas Baru"),
            ("role", "operator"),
            ("point", "dinas"),
        ],
        &[&session],
        HTML,
    )
    .await;
    assert_eq!(response.status(), 200);
    let (id,): (String,) = sqlx::query_as("SELECT id FROM staff WHERE username = 'baru'")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    let path = format!("/petugas/akun/{id}");
    for form in [
        &[("action", "role"), ("role", "supervisor"), ("point", "")][..],
        &[("action", "disable")][..],
        &[("action", "enable")][..],
        &[("action", "link")][..],
    ] {
        let response = post(&app, &path, form, &[&session], HTML).await;
        assert!(response.status().is_success() || response.status().is_redirection());
    }
    let changes: Vec<String> = log
        .about("staff_account_changed", "admin")
        .iter()
        .map(|v| v["reason"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        changes,
        [
            "created baru as operator at dinas",
            "role of baru: supervisor",
            "disabled baru",
            "enabled baru",
            "new enrolment link for baru",
        ]
    );
    app.stop().await;
}
