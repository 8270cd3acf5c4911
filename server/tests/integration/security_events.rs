//! The security event log, read as whoever watches it reads it: one JSON line under `portal::security` per wrong
//! code, locked code, code rate limit, staff sign-in failure, lockout, unlock and account change, scope refusal
//! (citizen and staff) and AFIS token refusal, each naming the client's address (sent as `X-Forwarded-For`
//! through a trusted proxy, one address per test, so that the tests running beside it do not mix in) and, where
//! there is one, its subject; never a NIK. And the server binary's lines with `LOG_FORMAT=json` are JSON.

use crate::applications::{submitted_citizen, JSON};
use crate::helpers::*;
use crate::staff::{staff_member, staff_sign_in};
use crate::transport::{afis_key, afis_list, spawn_with_afis};
use app::domain::process::Role;
use serde_json::Value;
use server::db::Db;

/// The NIK `submitted_citizen` states.
const NIK: &str = "1403094508060002";

/// A client address of this test's own.
fn fresh_client() -> String {
    let mut bytes = [0u8; 3];
    getrandom::fill(&mut bytes).unwrap();
    format!("10.{}.{}.{}", bytes[0], bytes[1], bytes[2])
}

/// A portal that believes `X-Forwarded-For` from the tests (they connect from 127.0.0.1), with the log captured.
async fn spawn_behind_proxy(extra: &[(&str, &str)]) -> TestApp {
    log_lines();
    let mut vars = vec![("TRUSTED_PROXIES", "127.0.0.1/32")];
    vars.extend_from_slice(extra);
    spawn_app_with(&vars).await
}

/// The security events logged for `client`, oldest first.
fn events_of(client: &str) -> Vec<Value> {
    log_lines()
        .into_iter()
        .filter_map(|l| serde_json::from_str::<Value>(&l).ok())
        .filter(|l| l["target"] == "portal::security" && l["client"] == client)
        .collect()
}

/// The events of `client` with the name `event`.
fn named(client: &str, event: &str) -> Vec<Value> {
    events_of(client).into_iter().filter(|l| l["event"] == event).collect()
}

/// A form posted from `client`, as a browser without JavaScript posts it.
async fn post_from(
    app: &TestApp,
    client: &str,
    path: &str,
    form: &[(&str, &str)],
    cookies: &[&str],
) -> reqwest::Response {
    let mut request = app
        .client
        .post(app.url(path))
        .header("x-forwarded-for", client)
        .header("accept", HTML)
        .form(form);
    if !cookies.is_empty() {
        request = request.header("cookie", cookies.join("; "));
    }
    request.send().await.unwrap()
}

async fn get_from(app: &TestApp, client: &str, path: &str, cookies: &[&str]) -> reqwest::Response {
    app.client
        .get(app.url(path))
        .header("x-forwarded-for", client)
        .header("accept", HTML)
        .header("cookie", cookies.join("; "))
        .send()
        .await
        .unwrap()
}

fn assert_no_nik_anywhere() {
    let lines = log_lines();
    assert!(!lines.iter().any(|l| l.contains(NIK)), "a log line carries the NIK");
}

#[tokio::test]
async fn wrong_codes_locked_codes_and_the_code_rate_limit_are_logged() {
    let app = spawn_behind_proxy(&[]).await;
    let client = fresh_client();
    let mailbox = format!("kode-{}@example.com", server::auth::random::id().to_lowercase());
    let response = post_from(&app, &client, "/api/masuk", &[("identifier", &mailbox)], &[]).await;
    assert_eq!(response.headers()["location"], "/masuk/kode");
    let attempt = set_cookie(&response, "signin").unwrap();
    let code = code_sent_to(&mailbox).await;
    let wrong = if code == "000000" { "111111" } else { "000000" };

    post_from(&app, &client, "/api/masuk/kode", &[("code", wrong)], &[&attempt]).await;
    let lines = named(&client, "wrong_code");
    assert_eq!(lines.len(), 1, "one line per wrong code: {lines:?}");
    let subject = lines[0]["subject"].as_str().unwrap();
    assert!(!subject.is_empty() && !subject.contains(&mailbox) && !subject.contains(wrong));
    assert_eq!(lines[0]["level"], "WARN");
    for _ in 0..4 {
        post_from(&app, &client, "/api/masuk/kode", &[("code", wrong)], &[&attempt]).await;
    }
    assert_eq!(named(&client, "wrong_code").len(), 4);
    assert_eq!(named(&client, "code_locked").len(), 1, "the fifth wrong code locks it");

    // A sign-in that succeeds is a line too, naming the account (never the identifier) and the address.
    let signing = fresh_client();
    let mailbox = format!("masuk-{}@example.com", server::auth::random::id().to_lowercase());
    let response = post_from(&app, &signing, "/api/masuk", &[("identifier", &mailbox)], &[]).await;
    let attempt = set_cookie(&response, "signin").unwrap();
    let code = code_sent_to(&mailbox).await;
    let response = post_from(&app, &signing, "/api/masuk/kode", &[("code", &code)], &[&attempt]).await;
    assert_eq!(response.headers()["location"], "/akun");
    let lines = events_of(&signing);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert_eq!(lines[0]["event"], "signed_in");
    assert_eq!(lines[0]["reason"], "citizen");
    assert!(!lines[0].to_string().contains(&mailbox), "never the identifier");
    assert!(!lines[0]["subject"].as_str().unwrap().is_empty(), "the account id");

    // Five codes for one identifier, then the rate limit: one line for the refusal.
    let limited = fresh_client();
    let mailbox = format!("batas-{}@example.com", server::auth::random::id().to_lowercase());
    for _ in 0..5 {
        let response = post_from(&app, &limited, "/api/masuk", &[("identifier", &mailbox)], &[]).await;
        assert_eq!(response.headers()["location"], "/masuk/kode");
    }
    assert!(events_of(&limited).is_empty(), "codes given are not events");
    let response = post_from(&app, &limited, "/api/masuk", &[("identifier", &mailbox)], &[]).await;
    assert_eq!(response.headers()["location"], "/masuk", "refused");
    let lines = events_of(&limited);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert_eq!(lines[0]["event"], "code_rate_limited");
    assert!(!lines[0].to_string().contains(&mailbox), "never the identifier");
}

#[tokio::test]
async fn staff_failures_lockouts_unlocks_and_account_changes_are_logged() {
    let app = spawn_behind_proxy(&[]).await;
    let db = Db::connect(&app.database_url).await.unwrap();
    let (operator, _) = staff_member(&db, "opr", Role::Operator, Some("dinas")).await;
    let (_, admin_secret) = staff_member(&db, "adm", Role::Admin, None).await;
    let wrong = [
        ("username", "opr"),
        ("password", "salah salah salah"),
        ("code", "000000"),
    ];

    let once = fresh_client();
    let response = post_from(&app, &once, "/petugas/masuk", &wrong, &[]).await;
    assert_eq!(response.status(), 401);
    let lines = events_of(&once);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert_eq!(lines[0]["event"], "staff_sign_in_failed");
    assert_eq!(lines[0]["subject"], "opr");
    assert!(!lines[0].to_string().contains("salah salah"), "never the password");

    let guesser = fresh_client();
    for _ in 0..5 {
        post_from(&app, &guesser, "/petugas/masuk", &wrong, &[]).await;
    }
    assert_eq!(named(&guesser, "staff_sign_in_failed").len(), 5);
    let lockouts = named(&guesser, "staff_lockout");
    assert_eq!(lockouts.len(), 1, "{lockouts:?}");
    assert_eq!(lockouts[0]["subject"], "opr");

    // The admin unlocks the account and disables it: one line each, from the admin's address.
    let session = staff_sign_in(&app, "adm", &admin_secret).await;
    let signed_in = log_lines()
        .into_iter()
        .filter_map(|l| serde_json::from_str::<Value>(&l).ok())
        .filter(|l| l["event"] == "signed_in" && l["subject"] == "adm" && l["reason"] == "staff")
        .count();
    assert!(signed_in >= 1, "a staff sign-in is a line naming the username");
    let admin = fresh_client();
    let path = format!("/petugas/akun/{operator}");
    let response = post_from(&app, &admin, &path, &[("action", "unlock")], &[&session]).await;
    assert_eq!(response.status(), 303);
    let response = post_from(&app, &admin, &path, &[("action", "disable")], &[&session]).await;
    assert_eq!(response.status(), 303);
    let lines = events_of(&admin);
    let names: Vec<&str> = lines.iter().map(|l| l["event"].as_str().unwrap()).collect();
    assert_eq!(names, ["staff_unlock", "staff_account_changed"], "{lines:?}");
    for line in &lines {
        assert!(
            line["subject"] == "adm" || line["subject"] == "opr",
            "who acted or on whom: {line}"
        );
        assert!(line.to_string().contains("opr"), "the line names the account: {line}");
    }
}

#[tokio::test]
async fn scope_refusals_name_the_application_and_never_the_nik() {
    let app = spawn_behind_proxy(&[]).await;
    let db = Db::connect(&app.database_url).await.unwrap();
    let owner_mail = format!("pemilik-{}@example.com", server::auth::random::id().to_lowercase());
    let (owner, id) = submitted_citizen(&app, &owner_mail).await;
    let stranger_mail = format!("asing-{}@example.com", server::auth::random::id().to_lowercase());
    let stranger = sign_in(&app, &stranger_mail, &stranger_mail).await;

    // The owner reaches everything without a line.
    let own = fresh_client();
    for path in [
        format!("/permohonan/{id}"),
        format!("/berkas/{id}/kk_scan"),
        format!("/formulir/{id}"),
    ] {
        let response = get_from(&app, &own, &path, &[&owner]).await;
        assert_eq!(response.status(), 200, "{path}");
    }
    assert!(events_of(&own).is_empty());

    // Another account: the same 404 as for nothing at all, and one line per request naming the application.
    let client = fresh_client();
    let paths = [
        format!("/permohonan/{id}"),
        format!("/permohonan/{id}/jadwal"),
        format!("/berkas/{id}/kk_scan"),
        format!("/formulir/{id}"),
        format!("/kalender/{id}"),
    ];
    for (n, path) in paths.iter().enumerate() {
        let response = get_from(&app, &client, path, &[&stranger]).await;
        assert_eq!(response.status(), 404, "{path}");
        let lines = events_of(&client);
        assert_eq!(lines.len(), n + 1, "{path}: {lines:?}");
        assert_eq!(lines[n]["event"], "scope_refused");
        assert_eq!(lines[n]["subject"], id.as_str());
    }
    let response = post_from(
        &app,
        &client,
        "/api/permohonan/pengaduan",
        &[("application", &id), ("text", "bukan milik saya")],
        &[&stranger],
    )
    .await;
    assert_eq!(response.status(), 404);
    assert_eq!(events_of(&client).len(), paths.len() + 1, "a complaint about it too");
    // An upload into it: refused before a byte is stored, and a line.
    let form = reqwest::multipart::Form::new().part(
        "kk_scan",
        reqwest::multipart::Part::bytes(b"%PDF-1.4 not mine".to_vec())
            .file_name("kk.pdf")
            .mime_str("application/pdf")
            .unwrap(),
    );
    let response = app
        .client
        .post(app.url(&format!("/unggah/{id}")))
        .header("x-forwarded-for", &client)
        .header("accept", HTML)
        .header("cookie", &stranger)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
    assert_eq!(events_of(&client).len(), paths.len() + 2, "an upload into it too");
    // Something that does not exist is nobody's: no line.
    let response = get_from(&app, &client, "/permohonan/tidak-ada", &[&stranger]).await;
    assert_eq!(response.status(), 404);
    assert_eq!(events_of(&client).len(), paths.len() + 2);

    // An operator of another point: the review page, the claim and a step are 404s, each a line.
    post(
        &app,
        "/api/permohonan/pengaduan",
        &[("application", &id), ("text", "Mohon dibantu.")],
        &[&owner],
        JSON,
    )
    .await;
    let (complaint,): (String,) = sqlx::query_as("SELECT id FROM complaints WHERE application_id = $1")
        .bind(&id)
        .fetch_one(&db.pool)
        .await
        .unwrap();
    let (_, secret) = staff_member(&db, "lain", Role::Operator, Some("dinas")).await;
    let session = staff_sign_in(&app, "lain", &secret).await;
    let staff_client = fresh_client();
    for path in [
        format!("/petugas/permohonan/{id}"),
        format!("/petugas/permohonan/{id}/berkas/kk_scan"),
    ] {
        let response = get_from(&app, &staff_client, &path, &[&session]).await;
        assert_eq!(response.status(), 404, "{path}");
    }
    let steps = [
        (format!("/petugas/permohonan/{id}/klaim"), vec![("action", "claim")]),
        (format!("/petugas/permohonan/{id}/langkah"), vec![("step", "approve")]),
        (
            format!("/petugas/pengaduan/{complaint}"),
            vec![("answer", "bukan wilayah saya")],
        ),
    ];
    for (path, form) in &steps {
        let response = post_from(&app, &staff_client, path, form, &[&session]).await;
        assert_eq!(response.status(), 404, "{path}");
    }
    let lines = events_of(&staff_client);
    assert_eq!(lines.len(), 5, "{lines:?}");
    for line in &lines {
        assert_eq!(line["event"], "scope_refused");
        assert_eq!(line["subject"], id.as_str());
    }
    assert_no_nik_anywhere();
}

#[tokio::test]
async fn afis_token_refusals_are_logged_with_their_reason() {
    log_lines();
    let key = afis_key();
    let app = spawn_with_afis(&key, &[("TRUSTED_PROXIES", "127.0.0.1/32")]).await;
    // The refusal is sampled (a flood of bad tokens writes a few lines a minute, then a count of those left out),
    // and the AFIS tests beside this one may use up the minute: try again until the line is written.
    let client = fresh_client();
    let mut written = Vec::new();
    for _ in 0..75 {
        let response = afis_list(&app, "not-a-token", Some(&client)).await;
        assert_eq!(response.status(), 401);
        written = events_of(&client);
        if !written.is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    }
    assert_eq!(written.len(), 1, "{written:?}");
    assert_eq!(written[0]["event"], "afis_token_refused");
    assert_eq!(written[0]["reason"], "malformed");
    assert_eq!(written[0]["subject"], "");
    app.stop().await;
}

/// The server binary, as `make run` starts it but with `LOG_FORMAT=json`; stopped with SIGTERM when dropped.
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

#[tokio::test]
async fn the_binary_writes_one_json_object_a_line_with_log_format_json() {
    use std::io::BufRead;
    let key = afis_key();
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    fake_site(&site);
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_server"));
    command
        .env_clear()
        .current_dir(dir.path())
        .env("DATA_DIR", dir.path().join("data"))
        .env("LEPTOS_SITE_ADDR", "127.0.0.1:0")
        .env("LEPTOS_SITE_ROOT", &site)
        .env("SMTP_URL", mail_sink().url())
        .env("METRICS_ADDR", "off")
        .env("LOG_FORMAT", "json")
        .envs(crate::transport::afis_settings(&key))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    if let Some(url) = fresh_external_database(dir.path()).await {
        command.env("DATABASE_URL", url);
    }
    let mut child = command.spawn().expect("the server binary");
    let stdout = child.stdout.take().unwrap();
    let stderr = child.stderr.take().unwrap();
    let mut process = Process(child);
    let (tx, rx) = tokio::sync::oneshot::channel();
    // Every line, on stdout or stderr; the address once the portal says where it listens.
    let reader = std::thread::spawn(move || {
        let mut tx = Some(tx);
        let mut lines = Vec::new();
        for line in std::io::BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            // The log line `listening` (JSON, with the address as a field): there is no banner in JSON mode.
            let listening = serde_json::from_str::<Value>(&line)
                .ok()
                .filter(|l| l["message"] == "listening")
                .and_then(|l| l["addr"].as_str().map(str::to_owned));
            if let Some(addr) = listening {
                if let Some(tx) = tx.take() {
                    let _ = tx.send(addr);
                }
            }
            lines.push(line);
        }
        lines
    });
    let errors = std::thread::spawn(move || {
        std::io::BufReader::new(stderr)
            .lines()
            .map_while(Result::ok)
            .collect::<Vec<_>>()
    });
    let addr = tokio::time::timeout(std::time::Duration::from_secs(120), rx)
        .await
        .expect("the server starts")
        .expect("the server prints its address");
    let client = reqwest::Client::new();
    let response = client
        .get(format!("http://{addr}/api/afis/v1/applications"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    // SIGTERM: the server finishes and closes its output.
    // SAFETY: kill only sends a signal to the child this test started.
    unsafe {
        libc::kill(process.0.id() as libc::pid_t, libc::SIGTERM);
    }
    let _ = process.0.wait();
    let lines: Vec<String> = reader
        .join()
        .unwrap()
        .into_iter()
        .chain(errors.join().unwrap())
        .collect();
    let mut security = Vec::new();
    for line in &lines {
        let parsed: Value = serde_json::from_str(line).unwrap_or_else(|_| panic!("not a JSON line: {line}"));
        assert!(parsed["level"].is_string() && parsed["target"].is_string(), "{line}");
        if parsed["target"] == "portal::security" {
            security.push(parsed);
        }
    }
    assert_eq!(security.len(), 1, "{lines:?}");
    assert_eq!(security[0]["event"], "afis_token_refused");
    assert_eq!(security[0]["reason"], "missing");
    assert_eq!(security[0]["client"], "127.0.0.1");
}
