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
        ("DATA_DIR".into(), dir.path().join("data").display().to_string()),
        ("DATABASE_URL".into(), database_url.clone()),
        ("LEPTOS_SITE_ADDR".into(), "127.0.0.1:0".into()),
        ("LEPTOS_SITE_ROOT".into(), site.display().to_string()),
    ]);
    for (k, v) in overrides {
        vars.insert((*k).into(), (*v).into());
    }
    let config = Config::from_lookup(|k| vars.get(k).cloned()).expect("test config");
    let app = Application::build(config).await.expect("the application starts");
    let backend = app.state.db.backend;
    let base = format!("http://{}", app.local_addr());
    let (tx, rx) = oneshot::channel::<()>();
    let server = tokio::spawn(app.run_until(async move {
        let _ = rx.await;
    }));
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    TestApp {
        base,
        client,
        backend,
        dir,
        database_url,
        shutdown: Some(tx),
        server: Some(server),
    }
}

/// A new, empty database: a SQLite file in the test's folder, or a new database on the PostgreSQL server named
/// by `TEST_DATABASE_URL`.
async fn fresh_database(dir: &Path) -> String {
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
