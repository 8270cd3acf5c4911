use server::{config::Config, db::Backend, startup::Application};
use std::{collections::HashMap, path::Path};
use tempfile::TempDir;
use tokio::sync::oneshot;

/// The hash in the name of the fake stylesheet the tests serve.
pub const CSS_PATH: &str = "/pkg/portal.0a1b2c3d4e5f6789.css";
pub const CSS_BODY: &str = "body{color:#000}";
pub const CSS_BROTLI: &[u8] = b"pretend-brotli";
pub const CSS_GZIP: &[u8] = b"pretend-gzip";

pub struct TestApp {
    pub base: String,
    pub client: reqwest::Client,
    pub backend: Backend,
    pub dir: TempDir,
    pub database_url: String,
    /// The metrics listener (`METRICS_ADDR`, on a port of its own in the tests).
    pub metrics: Option<std::net::SocketAddr>,
    shutdown: Option<oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.expect("request failed")
    }

    /// Stops the server the way SIGTERM does, waiting for it to finish.
    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(server) = self.server.take() {
            server.await.expect("server task panicked").expect("server failed");
        }
    }
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(&[]).await
}

/// Starts the application with these settings on top of the test defaults.
pub async fn spawn_app_with(overrides: &[(&str, &str)]) -> TestApp {
    let dir = tempfile::tempdir().expect("temp dir");
    let database_url = fresh_database(dir.path()).await;
    start(dir, database_url, overrides).await
}

/// Stops the application and starts a new one on the same data folder and database, as a restart would.
pub async fn restart(mut app: TestApp) -> TestApp {
    if let Some(tx) = app.shutdown.take() {
        let _ = tx.send(());
    }
    if let Some(server) = app.server.take() {
        server.await.expect("server task panicked").expect("server failed");
    }
    let TestApp { dir, database_url, .. } = app;
    start(dir, database_url, &[]).await
}

async fn start(dir: TempDir, database_url: String, overrides: &[(&str, &str)]) -> TestApp {
    let site = dir.path().join("site");
    write_fake_site(&site);
    let mut vars: HashMap<String, String> = HashMap::from([
        ("SMTP_URL".into(), format!("smtp://127.0.0.1:{}", mail_sink().port)),
        ("DATA_DIR".into(), dir.path().join("data").display().to_string()),
        ("DATABASE_URL".into(), database_url.clone()),
        ("LEPTOS_SITE_ADDR".into(), "127.0.0.1:0".into()),
        ("LEPTOS_SITE_ROOT".into(), site.display().to_string()),
        ("METRICS_ADDR".into(), "127.0.0.1:0".into()),
    ]);
    if let Some(store) = test_upload_store(dir.path()) {
        vars.insert("UPLOAD_STORE".into(), store);
    }
    for (k, v) in overrides {
        vars.insert((*k).into(), (*v).into());
    }
    let config = Config::from_lookup(|k| vars.get(k).cloned()).expect("test config");
    let app = Application::build(config).await.expect("the application starts");
    let backend = app.state.db.backend;
    let base = format!("http://{}", app.local_addr());
    let metrics = app.metrics_addr();
    let (tx, rx) = oneshot::channel::<()>();
    let server = tokio::spawn(app.run_until(async move {
        let _ = rx.await;
    }));
    // What a browser on the portal's pages sends: the origin of its public URL when one is configured.
    let origin = match vars.get("PUBLIC_BASE_URL") {
        Some(url) => origin_of(url),
        None => base.clone(),
    };
    let client = portal_client(&origin);
    TestApp {
        base,
        client,
        backend,
        dir,
        database_url,
        metrics,
        shutdown: Some(tx),
        server: Some(server),
    }
}

/// Where a test app whose folder is `dir` keeps its scans when the tests run with an S3 server
/// (`eval "$(scripts/test-s3.sh start)"` exported: `AWS_ENDPOINT` and `S3_BUCKET`): `s3://$S3_BUCKET/<prefix>`,
/// the prefix made from the folder's random name, so that each app has its own and a restart finds its objects.
/// `None` without an S3 server: the local folder. A test that sets `UPLOAD_STORE` itself wins.
pub fn test_upload_store(dir: &Path) -> Option<String> {
    std::env::var("AWS_ENDPOINT").ok().filter(|e| !e.is_empty())?;
    let bucket = std::env::var("S3_BUCKET").ok().filter(|b| !b.is_empty())?;
    let name = dir.file_name()?.to_string_lossy();
    let prefix: String = name.chars().filter(char::is_ascii_alphanumeric).collect();
    Some(format!("s3://{bucket}/test-{prefix}"))
}

/// The folder on this machine where a test app whose folder is `dir` keeps its scans: `dir/data/uploads`, or
/// with the S3 server of the tests, its prefix in the bucket's folder (`$S3_DATA`, s3s-fs keeps object K as the
/// file `$S3_DATA/K`).
pub fn stored_objects_folder(dir: &Path) -> std::path::PathBuf {
    match (test_upload_store(dir), std::env::var("S3_DATA")) {
        (Some(url), Ok(data)) => {
            let prefix = url.rsplit_once('/').map_or("", |(_, prefix)| prefix);
            Path::new(&data).join(prefix)
        }
        _ => dir.join("data").join("uploads"),
    }
}

/// A client that does not follow redirects, for a portal whose pages are at `origin` (`scheme://host[:port]`). The
/// portal refuses state-changing requests that do not come from its own pages: this client's requests say they do
/// (`Origin`), as a browser's would (the cross-site tests build clients of their own).
pub fn portal_client(origin: &str) -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .default_headers(reqwest::header::HeaderMap::from_iter([(
            reqwest::header::ORIGIN,
            reqwest::header::HeaderValue::from_str(origin).unwrap(),
        )]))
        .build()
        .unwrap()
}

/// `scheme://host[:port]` of a URL.
pub fn origin_of(url: &str) -> String {
    let after_scheme = url.find("://").map_or(0, |i| i + 3);
    let end = url[after_scheme..].find('/').map_or(url.len(), |i| after_scheme + i);
    url[..end].to_owned()
}

/// A new, empty database: a SQLite file in the test's folder, or a new database on the PostgreSQL server named
/// by `TEST_DATABASE_URL`.
pub async fn fresh_database(dir: &Path) -> String {
    match std::env::var("TEST_DATABASE_URL")
        .ok()
        .filter(|u| u.starts_with("postgres"))
    {
        None => format!("sqlite://{}?mode=rwc", dir.join("portal.db").display()),
        Some(server_url) => {
            use sqlx::Connection;
            sqlx::any::install_default_drivers();
            let mut bytes = [0u8; 8];
            getrandom::fill(&mut bytes).unwrap();
            let name = format!(
                "portal_test_{}",
                bytes.iter().map(|b| format!("{b:02x}")).collect::<String>()
            );
            let mut conn = sqlx::AnyConnection::connect(&server_url)
                .await
                .expect("connect to PostgreSQL");
            sqlx::query(&format!("CREATE DATABASE {name}"))
                .execute(&mut conn)
                .await
                .expect("create database");
            let (base, _) = server_url
                .rsplit_once('/')
                .expect("a database name in TEST_DATABASE_URL");
            format!("{base}/{name}")
        }
    }
}

fn write_fake_site(site: &Path) {
    let pkg = site.join("pkg");
    std::fs::create_dir_all(&pkg).unwrap();
    let css = site.join(CSS_PATH.trim_start_matches('/'));
    std::fs::write(&css, CSS_BODY).unwrap();
    std::fs::write(format!("{}.br", css.display()), CSS_BROTLI).unwrap();
    std::fs::write(format!("{}.gz", css.display()), CSS_GZIP).unwrap();
    std::fs::write(site.join("favicon.svg"), "<svg xmlns=\"http://www.w3.org/2000/svg\"/>").unwrap();
}

/// The value of `name="…"` attribute of the first element matching `marker` in `html`.
pub fn attribute_after<'a>(html: &'a str, marker: &str, attribute: &str) -> Option<&'a str> {
    let start = html.find(marker)?;
    let rest = &html[start..];
    let key = format!("{attribute}=\"");
    let at = rest.find(&key)? + key.len();
    let end = rest[at..].find('"')?;
    Some(&rest[at..at + end])
}

/// A real SMTP server on loopback (`scripts/smtp_sink.py`, aiosmtpd) that writes each message to a folder: the one
/// `make test` started (`TEST_SMTP_PORT`, `TEST_SMTP_DIR`), or one started for this test run.
pub struct MailSink {
    pub port: u16,
    pub dir: std::path::PathBuf,
    /// The sink this test run started, if any; it exits by itself once idle.
    _process: Option<std::sync::Mutex<std::process::Child>>,
}

static SINK: std::sync::OnceLock<MailSink> = std::sync::OnceLock::new();

pub fn mail_sink() -> &'static MailSink {
    SINK.get_or_init(|| {
        if let (Ok(port), Ok(dir)) = (std::env::var("TEST_SMTP_PORT"), std::env::var("TEST_SMTP_DIR")) {
            return MailSink {
                port: port.parse().expect("TEST_SMTP_PORT"),
                dir: dir.into(),
                _process: None,
            };
        }
        MailSink::start()
    })
}

impl MailSink {
    /// A sink of its own, for a test that steers it (see `scripts/smtp_sink.py`); stopped when dropped.
    pub fn start() -> MailSink {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let dir = tempfile::tempdir().unwrap().keep();
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../scripts/smtp_sink.py");
        let mut process = std::process::Command::new("python3")
            .args([
                script,
                "--port",
                &port.to_string(),
                "--dir",
                &dir.display().to_string(),
                "--idle",
                "300",
            ])
            .stdout(std::process::Stdio::null())
            .spawn()
            .expect("python3 with aiosmtpd (make test installs it)");
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return MailSink {
                    port,
                    dir,
                    _process: Some(std::sync::Mutex::new(process)),
                };
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        let _ = process.kill();
        let _ = process.wait();
        panic!("the SMTP sink did not start on port {port}");
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }
}

impl Drop for MailSink {
    fn drop(&mut self) {
        if let Some(process) = self._process.as_ref().and_then(|p| p.lock().ok()).as_mut() {
            let _ = process.kill();
            let _ = process.wait();
        }
    }
}

/// Every message to `to` in `dir`, oldest first.
pub fn mails_in(dir: &Path, to: &str) -> Vec<String> {
    let marker = format!("X-Envelope-To: {to}");
    let mut found: Vec<(String, String)> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".eml"))
        .filter_map(|e| {
            let text = std::fs::read_to_string(e.path()).ok()?;
            text.lines()
                .next()
                .is_some_and(|l| l == marker)
                .then(|| (e.file_name().to_string_lossy().into_owned(), text))
        })
        .collect();
    found.sort();
    found.into_iter().map(|(_, text)| text).collect()
}

/// The newest message to `to` that `wanted` accepts, waiting up to ten seconds for it.
pub async fn newest_mail_to(to: &str, wanted: impl Fn(&str) -> bool) -> String {
    for _ in 0..100 {
        if let Some(text) = mails_in(&mail_sink().dir, to).into_iter().rev().find(|m| wanted(m)) {
            return text;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("no such mail to {to}");
}

/// The `Subject:` of a stored message.
pub fn subject(mail: &str) -> &str {
    mail.lines()
        .find_map(|l| l.strip_prefix("Subject: "))
        .unwrap_or_default()
}

/// The body of a stored message, as its reader sees it (quoted-printable decoded).
pub fn body(mail: &str) -> String {
    let raw = mail.split_once("\r\n\r\n").map_or(mail, |(_, body)| body);
    if !mail.contains("Content-Transfer-Encoding: quoted-printable") {
        return raw.to_owned();
    }
    let raw = raw.replace("=\r\n", "");
    let mut bytes = Vec::with_capacity(raw.len());
    let mut rest = raw.as_bytes();
    while let Some((&b, tail)) = rest.split_first() {
        match (
            b,
            tail.get(..2)
                .and_then(|h| u8::from_str_radix(std::str::from_utf8(h).ok()?, 16).ok()),
        ) {
            (b'=', Some(decoded)) => {
                bytes.push(decoded);
                rest = &tail[2..];
            }
            _ => {
                bytes.push(b);
                rest = tail;
            }
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

/// The six-digit code in the newest sign-in code message to `to` (the other messages are not codes).
pub async fn code_sent_to(to: &str) -> String {
    let is_code = |m: &str| ["Kode masuk Portal KTP-el", "Your KTP-el Portal sign-in code"].contains(&subject(m));
    let mail = newest_mail_to(to, is_code).await;
    body(&mail)
        .split(|c: char| !c.is_ascii_digit())
        .find(|w| w.len() == 6)
        .expect("a six-digit code in the mail")
        .to_owned()
}

/// `name=value` of the cookie `name` set by `response`, if any.
pub fn set_cookie(response: &reqwest::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
        .map(|v| v.split(';').next().unwrap_or_default().to_owned())
}

pub async fn post(
    app: &TestApp,
    path: &str,
    form: &[(&str, &str)],
    cookies: &[&str],
    accept: &str,
) -> reqwest::Response {
    let mut request = app.client.post(app.url(path)).header("accept", accept).form(form);
    if !cookies.is_empty() {
        request = request.header("cookie", cookies.join("; "));
    }
    request.send().await.unwrap()
}

/// A page load, as a browser makes it.
pub async fn get_with(app: &TestApp, path: &str, cookies: &[&str]) -> reqwest::Response {
    app.client
        .get(app.url(path))
        .header("accept", HTML)
        .header("cookie", cookies.join("; "))
        .send()
        .await
        .unwrap()
}

pub const HTML: &str = "text/html,application/xhtml+xml";

/// Signs in without JavaScript and returns the session cookie.
pub async fn sign_in(app: &TestApp, typed: &str, mailbox: &str) -> String {
    let response = post(app, "/api/masuk", &[("identifier", typed)], &[], HTML).await;
    assert!(response.status().is_redirection(), "{}", response.status());
    assert_eq!(response.headers()["location"], "/masuk/kode");
    let attempt = set_cookie(&response, "signin").expect("the attempt is kept in a cookie");
    let code = code_sent_to(mailbox).await;
    let response = post(app, "/api/masuk/kode", &[("code", &code)], &[&attempt], HTML).await;
    assert_eq!(response.headers()["location"], "/akun");
    set_cookie(&response, "session").expect("a session cookie")
}

/// A portal running elsewhere (another process) at `base`, reached through the same helpers; stopping it is the
/// caller's business.
pub fn running_at(base: String, dir: TempDir, database_url: String, backend: Backend) -> TestApp {
    let client = portal_client(&base);
    TestApp {
        base,
        client,
        backend,
        dir,
        database_url,
        metrics: None,
        shutdown: None,
        server: None,
    }
}

/// A new, empty database for a portal this test starts itself: `None` means SQLite in the data folder (the default),
/// else the URL of a new PostgreSQL database.
pub async fn fresh_external_database(dir: &Path) -> Option<String> {
    let url = fresh_database(dir).await;
    url.starts_with("postgres").then_some(url)
}

/// The built site a portal this test starts itself serves.
pub fn fake_site(site: &Path) {
    write_fake_site(site)
}

/// A real SMTP server on loopback that speaks TLS (`scripts/smtp_sink.py --tls`): `starttls` (refuses any mail
/// before STARTTLS, as port 587 does) or `implicit` (TLS from the first byte, as port 465), with a certificate
/// for `localhost` and `127.0.0.1` issued for this test by a CA of its own (`openssl`), whose certificate is
/// `ca_file`. Each message it stores says how it came (`X-Sink-TLS:`).
pub struct TlsMailSink {
    pub sink: MailSink,
    pub ca_file: std::path::PathBuf,
}

impl TlsMailSink {
    pub fn start(mode: &str) -> TlsMailSink {
        let certs = tempfile::tempdir().unwrap().keep();
        // Arguments without spaces, split on whitespace.
        let openssl = |command: &str| {
            let out = std::process::Command::new("openssl")
                .args(command.split_whitespace())
                .current_dir(&certs)
                .output()
                .expect("the openssl command line tool");
            let error = String::from_utf8_lossy(&out.stderr);
            assert!(out.status.success(), "openssl {command}: {error}");
        };
        let key = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";
        openssl(&format!(
            "req -x509 {key} -subj /CN=test-ca -days 2 -keyout ca.key -out ca.pem"
        ));
        openssl(&format!("req {key} -subj /CN=localhost -keyout key.pem -out leaf.csr"));
        std::fs::write(
            certs.join("leaf.ext"),
            "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=critical,CA:FALSE\n\
             keyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n",
        )
        .unwrap();
        let ca = "-CA ca.pem -CAkey ca.key -CAcreateserial";
        openssl(&format!(
            "x509 -req -in leaf.csr {ca} -days 2 -extfile leaf.ext -out cert.pem"
        ));
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let dir = tempfile::tempdir().unwrap().keep();
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../scripts/smtp_sink.py");
        let path = |name: &str| certs.join(name).display().to_string();
        let mut process = std::process::Command::new("python3")
            .args([script, "--port", &port.to_string(), "--idle", "300", "--tls", mode])
            .args(["--dir", &dir.display().to_string()])
            .args(["--cert", &path("cert.pem"), "--key", &path("key.pem")])
            .stdout(std::process::Stdio::null())
            .spawn()
            .expect("python3 with aiosmtpd (make test installs it)");
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return TlsMailSink {
                    sink: MailSink {
                        port,
                        dir,
                        _process: Some(std::sync::Mutex::new(process)),
                    },
                    ca_file: certs.join("ca.pem"),
                };
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        let _ = process.kill();
        let _ = process.wait();
        panic!("the TLS SMTP sink did not start on port {port}");
    }
}

/// The portal's log lines (`LOG_FORMAT=json`, as `server::telemetry` writes them, `info` and above, `sqlx` from
/// `warn`) of every test in this process, from the first call on: one subscriber for the whole test binary. Tests
/// run in parallel, so each picks its own lines out, e.g. by a client address of its own (`X-Forwarded-For`).
pub fn log_lines() -> Vec<String> {
    static LOG: std::sync::OnceLock<std::sync::Arc<std::sync::Mutex<Vec<u8>>>> = std::sync::OnceLock::new();
    struct Capture(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);
    impl std::io::Write for Capture {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            let mut buffer = self.0.lock().unwrap_or_else(|e| e.into_inner());
            buffer.extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let log = LOG.get_or_init(|| {
        use tracing_subscriber::util::SubscriberInitExt;
        let buffer = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let writer = buffer.clone();
        server::telemetry::subscriber(
            server::config::LogFormat::Json,
            tracing_subscriber::EnvFilter::new("info,sqlx=warn"),
            move || Capture(writer.clone()),
            false,
        )
        .try_init()
        .expect("no other test installs a global log subscriber");
        buffer
    });
    let bytes = log.lock().unwrap_or_else(|e| e.into_inner()).clone();
    String::from_utf8_lossy(&bytes).lines().map(str::to_owned).collect()
}

/// A new database as an older portal left it: the migrations numbered below `version` applied and no later one,
/// so that the next `Db::connect` on its URL applies the rest to the rows a test put in. Returns the URL and a
/// pool of one connection on it (close it before connecting).
pub async fn database_before_migration(dir: &Path, version: i64) -> (String, sqlx::AnyPool) {
    sqlx::any::install_default_drivers();
    let url = fresh_database(dir).await;
    let backend = Backend::of_url(&url);
    let folder = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("migrations")
        .join(backend.name());
    let mut migrator = sqlx::migrate::Migrator::new(folder).await.expect("the migrations");
    migrator.migrations = migrator
        .migrations
        .iter()
        .filter(|m| m.version < version)
        .cloned()
        .collect::<Vec<_>>()
        .into();
    let pool = sqlx::any::AnyPoolOptions::new()
        .max_connections(1)
        .connect(&url)
        .await
        .expect("connect");
    migrator.run(&pool).await.expect("the earlier migrations");
    (url, pool)
}

/// A citizen's complete draft (every section, the KK scan) stating `nik`, the rest as `fill_citizen` states it
/// (a woman born on 5 August 2006: any NIK `140309450806` + four digits fits). One application in progress per
/// NIK: a test with several applications in progress gives each its own. Returns (session cookie, application id).
pub async fn citizen_draft_with_nik(app: &TestApp, mailbox: &str, nik: &str) -> (String, String) {
    use crate::applications::{save, start, upload, JSON};
    let (session, id) = start(app, mailbox, "wni").await;
    let sections: [(&str, &[(&str, &str)]); 5] = [
        (
            "identitas",
            &[
                ("nik", nik),
                ("no_kk", "1403091201150003"),
                ("full_name", "Siti Aminah"),
            ],
        ),
        (
            "kelahiran",
            &[("birth_place", "Bengkalis"), ("birth_date", "2006-08-05"), ("sex", "P")],
        ),
        (
            "data-diri",
            &[
                ("blood_type", "O+"),
                ("religion", "Islam"),
                ("marital_status", "belum_kawin"),
                ("occupation", "Pelajar"),
            ],
        ),
        (
            "alamat",
            &[
                ("street", "Jl. Pertanian No. 5"),
                ("rt", "1"),
                ("rw", "2"),
                ("province", "14"),
                ("regency", "14.03"),
                ("district", "14.03.01"),
                ("village_code", "14.03.01.1002"),
            ],
        ),
        ("kontak", &[("phone", "0812 3456 7890")]),
    ];
    for (section, fields) in sections {
        let response = save(app, &session, &id, section, fields, JSON).await;
        assert_eq!(response.status(), 200, "{section}: {}", response.text().await.unwrap());
    }
    let scan = server::documents::fixtures::jpeg(600, 400);
    let response = upload(app, &session, &id, "kk_scan", "kk.jpg", scan, JSON).await;
    assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
    (session, id)
}

/// [`citizen_draft_with_nik`], submitted: `submitted_citizen` with a NIK of its own.
pub async fn submitted_citizen_with_nik(app: &TestApp, mailbox: &str, nik: &str) -> (String, String) {
    let (session, id) = citizen_draft_with_nik(app, mailbox, nik).await;
    let response = post(
        app,
        "/api/permohonan/kirim",
        &[("application", &id)],
        &[&session],
        "application/json",
    )
    .await;
    assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
    (session, id)
}

/// A pool on the test's own database, for reading what the portal wrote.
pub async fn db_of(app: &TestApp) -> server::db::Db {
    server::db::Db::connect(&app.database_url)
        .await
        .expect("the test database")
}

/// `SELECT COUNT(*) …` with one bound value.
pub async fn count(db: &server::db::Db, sql: &str, id: &str) -> i64 {
    let (n,): (i64,) = sqlx::query_as(sql).bind(id).fetch_one(&db.pool).await.unwrap();
    n
}

/// `SELECT COUNT(*) …` without a bound value.
pub async fn count_all(db: &server::db::Db, sql: &str) -> i64 {
    let (n,): (i64,) = sqlx::query_as(sql).fetch_one(&db.pool).await.unwrap();
    n
}

/// Starts a portal node on `database_url` (any database, shared with other nodes or not), its data folder
/// `dir/data` unless the overrides name another `DATA_DIR`, with these settings on top of the test defaults; the
/// error when it refuses to start. The node is stopped like any other (`TestApp::stop`).
pub async fn try_start_node(
    dir: TempDir,
    database_url: &str,
    overrides: &[(&str, &str)],
) -> Result<TestApp, server::startup::StartError> {
    let site = dir.path().join("site");
    write_fake_site(&site);
    let mut vars: HashMap<String, String> = HashMap::from([
        ("SMTP_URL".into(), format!("smtp://127.0.0.1:{}", mail_sink().port)),
        ("DATA_DIR".into(), dir.path().join("data").display().to_string()),
        ("DATABASE_URL".into(), database_url.to_owned()),
        ("LEPTOS_SITE_ADDR".into(), "127.0.0.1:0".into()),
        ("LEPTOS_SITE_ROOT".into(), site.display().to_string()),
        ("METRICS_ADDR".into(), "127.0.0.1:0".into()),
    ]);
    for (k, v) in overrides {
        vars.insert((*k).into(), (*v).into());
    }
    let config = Config::from_lookup(|k| vars.get(k).cloned()).expect("test config");
    let app = Application::build(config).await?;
    let backend = app.state.db.backend;
    let base = format!("http://{}", app.local_addr());
    let metrics = app.metrics_addr();
    let (tx, rx) = oneshot::channel::<()>();
    let server = tokio::spawn(app.run_until(async move {
        let _ = rx.await;
    }));
    let client = portal_client(&base);
    Ok(TestApp {
        base,
        client,
        backend,
        dir,
        database_url: database_url.to_owned(),
        metrics,
        shutdown: Some(tx),
        server: Some(server),
    })
}
