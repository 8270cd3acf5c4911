//! Transport and secrets: sign-in codes reach a real mail server over implicit TLS and over STARTTLS, checked
//! against the relay's certificate; plain SMTP to a relay elsewhere and an http SMS gateway stop the start with a
//! clear message; codes go to the log only under the explicit development setting; and the AFIS link refuses a
//! token whose header has `crit` or a `typ` other than JWT.

use crate::helpers::*;
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use ed25519_dalek::{
    pkcs8::{spki::der::pem::LineEnding, EncodePublicKey},
    Signer, SigningKey,
};
use serde_json::{json, Value};
use std::path::Path;

/// A fresh address for this test: mails and log lines are told apart by it (by its domain in the log, which
/// shows addresses masked).
fn unique_address(name: &str) -> String {
    format!("{name}@{}.example.com", server::auth::random::id().to_lowercase())
}

fn domain_of(address: &str) -> &str {
    address.split_once('@').map_or(address, |(_, domain)| domain)
}

/// Asks for a code as a browser without JavaScript does; the attempt cookie when the portal says one was sent.
async fn request_code(app: &TestApp, address: &str) -> Option<String> {
    let response = post(app, "/api/masuk", &[("identifier", address)], &[], HTML).await;
    assert!(response.status().is_redirection(), "{}", response.status());
    let sent = response.headers()["location"] == "/masuk/kode";
    sent.then(|| set_cookie(&response, "signin").expect("the attempt cookie"))
}

/// The newest message to `to` in `dir`, waiting up to ten seconds.
async fn mail_in(dir: &Path, to: &str) -> String {
    for _ in 0..100 {
        if let Some(mail) = mails_in(dir, to).pop() {
            return mail;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("no mail to {to} in {}", dir.display());
}

fn six_digits(text: &str) -> String {
    text.split(|c: char| !c.is_ascii_digit())
        .find(|w| w.len() == 6)
        .expect("a six-digit code")
        .to_owned()
}

/// The code signs in: the flow the mail was for works end to end.
async fn signs_in(app: &TestApp, attempt: &str, code: &str) {
    let response = post(app, "/api/masuk/kode", &[("code", code)], &[attempt], HTML).await;
    assert_eq!(response.headers()["location"], "/akun");
}

#[tokio::test]
async fn codes_travel_to_the_mail_server_over_implicit_tls_and_starttls() {
    for (mode, url) in [
        ("implicit", "smtps://127.0.0.1:{port}"),
        ("starttls", "smtp://localhost:{port}?tls=required"),
    ] {
        let tls = TlsMailSink::start(mode);
        let url = url.replace("{port}", &tls.sink.port.to_string());
        let ca = tls.ca_file.display().to_string();
        let app = spawn_app_with(&[("SMTP_URL", &url), ("SMTP_CA_FILE", &ca)]).await;
        let address = unique_address(mode);
        let attempt = request_code(&app, &address)
            .await
            .unwrap_or_else(|| panic!("{mode}: the code was not sent"));
        let mail = mail_in(&tls.sink.dir, &address).await;
        assert!(
            mail.lines().nth(1).is_some_and(|l| l.starts_with("X-Sink-TLS: TLSv1.")),
            "{mode}: the mail came encrypted: {mail}"
        );
        signs_in(&app, &attempt, &six_digits(&body(&mail))).await;
        app.stop().await;
    }
}

#[tokio::test]
async fn a_mail_server_that_is_not_trusted_or_not_encrypted_gets_no_code() {
    // Without the test CA the relay's certificate is a stranger's: nothing is sent, and the person is told the
    // service failed (a 503 for the script, the form again without it), never that it worked.
    let tls = TlsMailSink::start("implicit");
    let app = spawn_app_with(&[("SMTP_URL", &format!("smtps://127.0.0.1:{}", tls.sink.port))]).await;
    let address = unique_address("stranger");
    assert_eq!(request_code(&app, &address).await, None);
    let response = post(&app, "/api/masuk", &[("identifier", &address)], &[], "application/json").await;
    assert_eq!(response.status(), 503);
    app.stop().await;

    // A relay that insists on STARTTLS refuses plain SMTP (allowed to loopback): no code goes out in clear.
    let tls = TlsMailSink::start("starttls");
    let app = spawn_app_with(&[("SMTP_URL", &format!("smtp://127.0.0.1:{}", tls.sink.port))]).await;
    assert_eq!(request_code(&app, &address).await, None);
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert!(mails_in(&tls.sink.dir, &address).is_empty());
    app.stop().await;
}

/// The server binary with `vars` (and nothing else from the environment): its exit status and what it printed
/// on stderr.
fn start_binary_with(vars: &[(&str, &str)]) -> (Option<i32>, String) {
    let dir = tempfile::tempdir().unwrap();
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_server"));
    command
        .env_clear()
        .current_dir(dir.path())
        .env("DATA_DIR", dir.path().join("data"))
        .env("LEPTOS_SITE_ADDR", "127.0.0.1:0")
        .env("METRICS_ADDR", "off")
        .envs(vars.iter().copied());
    let output = command.output().expect("the server binary");
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[tokio::test]
async fn plain_smtp_elsewhere_and_an_http_gateway_stop_the_start() {
    let (status, stderr) = start_binary_with(&[("SMTP_URL", "smtp://relay:hunter2@mail.example.go.id:25")]);
    assert_eq!(status, Some(2), "{stderr}");
    assert!(
        stderr.contains("SMTP_URL")
            && stderr.contains("smtps://mail.example.go.id:465")
            && stderr.contains("smtp://mail.example.go.id:587?tls=required"),
        "the message says what to write instead: {stderr}"
    );
    assert!(!stderr.contains("hunter2"), "never the password");

    let (status, stderr) = start_binary_with(&[
        ("SMS_GATEWAY_URL", "http://sms.example.id/send"),
        ("SMS_GATEWAY_TOKEN", "rahasia"),
    ]);
    assert_eq!(status, Some(2), "{stderr}");
    assert!(
        stderr.contains("SMS_GATEWAY_URL") && stderr.contains("https://sms.example.id/send"),
        "{stderr}"
    );

    let (status, stderr) = start_binary_with(&[
        ("PUBLIC_BASE_URL", "https://ktp.example.go.id"),
        ("SMTP_URL", "smtps://mail.example.go.id"),
        ("DEV_LOG_MESSAGES", "true"),
    ]);
    assert_eq!(status, Some(2), "{stderr}");
    assert!(stderr.contains("DEV_LOG_MESSAGES"), "{stderr}");

    // The same settings, read the way the tests start the portal, name the same culprits; a gateway and a mail
    // relay on this machine are fine without TLS.
    let read = |vars: &[(&str, &str)]| {
        server::config::Config::from_lookup(|k| vars.iter().find(|(n, _)| *n == k).map(|(_, v)| v.to_string()))
    };
    assert!(read(&[("SMTP_URL", "smtp://10.1.2.3:25")]).is_err());
    assert!(read(&[("SMTP_URL", "smtp://127.0.0.1:25")]).is_ok());
    assert!(read(&[
        ("SMS_GATEWAY_URL", "http://127.0.0.1:9/kirim"),
        ("SMS_GATEWAY_TOKEN", "t")
    ])
    .is_ok());
}

/// The captured log lines that mention `needle`.
fn log_lines_with(needle: &str) -> Vec<Value> {
    log_lines()
        .into_iter()
        .filter(|l| l.contains(needle))
        .map(|l| serde_json::from_str(&l).unwrap_or_else(|_| panic!("a JSON line: {l}")))
        .collect()
}

#[tokio::test]
async fn codes_reach_the_log_only_under_the_development_setting() {
    log_lines();
    // An http base URL, no mail server and no setting: the code is refused cleanly and written nowhere.
    let app = spawn_app_with(&[("SMTP_URL", "")]).await;
    let address = unique_address("nolog");
    let response = post(&app, "/api/masuk", &[("identifier", &address)], &[], "application/json").await;
    assert_eq!(response.status(), 503);
    assert!(response.text().await.unwrap().contains("Unavailable"));
    assert_eq!(request_code(&app, &address).await, None, "the form comes back");
    let phone = post(
        &app,
        "/api/masuk",
        &[("identifier", "0812-9999-0001")],
        &[],
        "application/json",
    )
    .await;
    assert_eq!(phone.status(), 503, "no SMS gateway either");
    assert!(
        log_lines_with(&address).is_empty(),
        "nothing about {address} in the log"
    );
    app.stop().await;

    // With DEV_LOG_MESSAGES=true the code is in the log, and it works.
    let app = spawn_app_with(&[("SMTP_URL", ""), ("DEV_LOG_MESSAGES", "true")]).await;
    let address = unique_address("devlog");
    let attempt = request_code(&app, &address)
        .await
        .expect("the code is 'sent' to the log");
    let lines = log_lines_with(domain_of(&address));
    assert_eq!(lines.len(), 1, "{lines:?}");
    let code = six_digits(lines[0]["body"].as_str().expect("the message's text"));
    signs_in(&app, &attempt, &code).await;
    app.stop().await;
}

const AFIS_ISSUER: &str = "kemendagri-afis";
const AFIS_BASE_URL: &str = "http://portal.test";

/// A token with exactly this header, signed with `key` (jsonwebtoken would normalise the header).
fn afis_token(key: &SigningKey, header: Value) -> String {
    let now = server::auth::now();
    let claims = json!({
        "iss": AFIS_ISSUER, "aud": format!("{AFIS_BASE_URL}/api/afis"), "iat": now, "exp": now + 120,
        "jti": server::auth::random::id(),
    });
    let signing_input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(claims.to_string())
    );
    let signature = key.sign(signing_input.as_bytes());
    format!("{signing_input}.{}", URL_SAFE_NO_PAD.encode(signature.to_bytes()))
}

/// The settings of an AFIS link that trusts `key`.
pub fn afis_settings(key: &SigningKey) -> Vec<(&'static str, String)> {
    let pem = key.verifying_key().to_public_key_pem(LineEnding::LF).unwrap();
    vec![
        ("PUBLIC_BASE_URL", AFIS_BASE_URL.to_owned()),
        ("AFIS_PUBLIC_KEY", pem),
        ("AFIS_ISSUER", AFIS_ISSUER.to_owned()),
    ]
}

/// A portal whose AFIS link trusts `key`, with `extra` settings.
pub async fn spawn_with_afis(key: &SigningKey, extra: &[(&str, &str)]) -> TestApp {
    let settings = afis_settings(key);
    let mut vars: Vec<(&str, &str)> = settings.iter().map(|(k, v)| (*k, v.as_str())).collect();
    vars.extend_from_slice(extra);
    spawn_app_with(&vars).await
}

pub fn afis_key() -> SigningKey {
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed).unwrap();
    SigningKey::from_bytes(&seed)
}

/// `GET` the AFIS list with `token`.
pub async fn afis_list(app: &TestApp, token: &str, client: Option<&str>) -> reqwest::Response {
    let mut request = app.client.get(app.url("/api/afis/v1/applications")).bearer_auth(token);
    if let Some(client) = client {
        request = request.header("x-forwarded-for", client);
    }
    request.send().await.unwrap()
}

#[tokio::test]
async fn afis_tokens_with_crit_or_another_typ_are_refused() {
    let key = afis_key();
    let app = spawn_with_afis(&key, &[]).await;
    for header in [
        json!({ "alg": "EdDSA", "typ": "JWT", "crit": ["exp"] }),
        json!({ "alg": "EdDSA", "crit": [] }),
        json!({ "alg": "EdDSA", "typ": "JWT", "crit": ["b64"], "b64": false }),
        json!({ "alg": "EdDSA", "typ": "at+jwt" }),
        json!({ "alg": "EdDSA", "typ": "JOSE" }),
        json!({ "alg": "EdDSA", "typ": 1 }),
    ] {
        let response = afis_list(&app, &afis_token(&key, header.clone()), None).await;
        assert_eq!(response.status(), 401, "{header}");
        assert!(response.headers()["www-authenticate"]
            .to_str()
            .unwrap()
            .contains("invalid_token"));
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["error"], "invalid_token", "{header}");
        let message = body["message"].as_str().unwrap();
        assert!(
            message.contains("crit") || message.contains("typ"),
            "{header}: {message}"
        );
    }
    // typ in any case, or none at all, is fine.
    for header in [
        json!({ "alg": "EdDSA", "typ": "JWT" }),
        json!({ "alg": "EdDSA", "typ": "jwt" }),
        json!({ "alg": "EdDSA" }),
    ] {
        let response = afis_list(&app, &afis_token(&key, header.clone()), None).await;
        assert_eq!(response.status(), 200, "{header}: {}", response.text().await.unwrap());
    }
    app.stop().await;
}
