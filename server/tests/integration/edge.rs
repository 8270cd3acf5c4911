//! The HTTP edge, through HTTP: the client's address (and when forwarded headers are believed), the refusal of
//! cross-site requests for every family of routes, `Cache-Control`, compression, and the metrics listener.

use crate::applications::{start, submitted_citizen, upload, JSON};
use crate::helpers::*;
use app::domain::process::Role;
use server::{
    db::{staff, Db},
    documents::fixtures,
    staff::{password, totp},
};
use std::io::Read;

/// A client with nothing of the portal's: no `Origin` unless a test adds one.
fn bare_client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// `POST /api/masuk` as a browser without JavaScript posts it, from the client `forwarded` names (if any).
async fn request_code(app: &TestApp, identifier: &str, forwarded: Option<&str>) -> reqwest::Response {
    let mut request = app
        .client
        .post(app.url("/api/masuk"))
        .header("accept", HTML)
        .form(&[("identifier", identifier)]);
    if let Some(forwarded) = forwarded {
        request = request.header("x-forwarded-for", forwarded);
    }
    request.send().await.unwrap()
}

/// Whether the answer to a code request is a code: on to the code page with the attempt in a cookie.
fn got_a_code(response: &reqwest::Response) -> bool {
    response.headers().get("location").is_some_and(|l| l == "/masuk/kode") && set_cookie(response, "signin").is_some()
}

/// Asserts the answer to a code request is the rate limit's refusal, as the person sees it.
async fn assert_refused_for_too_many(app: &TestApp, response: reqwest::Response) {
    assert_eq!(
        response.headers()["location"],
        "/masuk",
        "sent back to the sign-in page"
    );
    assert!(set_cookie(&response, "signin").is_none(), "no attempt, so no code");
    let flash = set_cookie(&response, "flash").expect("the reason travels in the flash");
    let page = get_with(app, "/masuk", &[&flash]).await.text().await.unwrap();
    let message = app::i18n::Locale::Id.texts().problems.too_many_requests;
    assert!(page.contains(message), "the page says why: {message}");
}

/// `count` code requests at once, each for its own identifier, from the addresses `address(i)` names.
async fn burst(
    app: &TestApp,
    count: usize,
    who: &str,
    address: impl Fn(usize) -> Option<String>,
) -> Vec<reqwest::Response> {
    let requests = (0..count).map(|i| {
        let identifier = format!("{who}{i}@example.com");
        let forwarded = address(i);
        async move { request_code(app, &identifier, forwarded.as_deref()).await }
    });
    futures_util::future::join_all(requests).await
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_forwarded_client_has_its_own_limit() {
    let app = spawn_app_with(&[("TRUSTED_PROXIES", "127.0.0.1/32")]).await;
    // Thirty people on thirty addresses, at once: everyone gets a code (one bucket for the site would stop at 20).
    let answers = burst(&app, 30, "warga", |i| Some(format!("198.51.100.{}", i + 1))).await;
    let coded = answers.iter().filter(|r| got_a_code(r)).count();
    assert_eq!(coded, 30, "every one of 30 clients on 30 addresses gets a code");

    // Twenty from one address, at once, are all served; the twenty-first is refused.
    let answers = burst(&app, 20, "kantor", |_| Some("203.0.113.50".into())).await;
    assert_eq!(answers.iter().filter(|r| got_a_code(r)).count(), 20);
    let refused = request_code(&app, "kantor20@example.com", Some("203.0.113.50")).await;
    assert_refused_for_too_many(&app, refused).await;
    // What the client wrote itself, left of what the proxy appended, does not buy a fresh bucket.
    let spoofed = request_code(&app, "kantor21@example.com", Some("192.0.2.99, 203.0.113.50")).await;
    assert_refused_for_too_many(&app, spoofed).await;
    // The standard header is read too (and the limit is the address's, not the site's).
    let other = app
        .client
        .post(app.url("/api/masuk"))
        .header("accept", HTML)
        .header("forwarded", "for=\"[2001:db8::7]:4711\"")
        .form(&[("identifier", "lain@example.com")])
        .send()
        .await
        .unwrap();
    assert!(got_a_code(&other), "another client is not refused");
    app.stop().await;
}

#[tokio::test]
async fn without_trusted_proxies_forwarded_headers_are_ignored() {
    let app = spawn_app().await;
    // One peer that claims twenty-one different addresses is one client.
    let answers = burst(&app, 20, "palsu", |i| Some(format!("198.51.100.{}", i + 1))).await;
    assert_eq!(answers.iter().filter(|r| got_a_code(r)).count(), 20);
    let refused = request_code(&app, "palsu20@example.com", Some("198.51.100.99")).await;
    assert_refused_for_too_many(&app, refused).await;
    let forwarded = app
        .client
        .post(app.url("/api/masuk"))
        .header("accept", HTML)
        .header("forwarded", "for=192.0.2.44")
        .form(&[("identifier", "palsu21@example.com")])
        .send()
        .await
        .unwrap();
    assert_refused_for_too_many(&app, forwarded).await;
    app.stop().await;
}

/// The ways a request from another site arrives.
#[derive(Clone, Copy, Debug)]
enum Forgery {
    /// A form on another site, posted by a current browser.
    ForeignOrigin,
    /// From a sandboxed frame or a `data:` page.
    NullOrigin,
    /// A browser that sends the fetch metadata but no `Origin`.
    CrossSiteWithoutOrigin,
    /// No header that says where it comes from (a script, an old browser).
    Bare,
}

const FORGERIES: [Forgery; 4] = [
    Forgery::ForeignOrigin,
    Forgery::NullOrigin,
    Forgery::CrossSiteWithoutOrigin,
    Forgery::Bare,
];

fn forged(app: &TestApp, forgery: Forgery, path: &str, cookies: &[&str], accept: &str) -> reqwest::RequestBuilder {
    let mut request = bare_client().post(app.url(path)).header("accept", accept);
    if !cookies.is_empty() {
        request = request.header("cookie", cookies.join("; "));
    }
    match forgery {
        Forgery::ForeignOrigin => request
            .header("origin", "https://hadiah-gratis.example")
            .header("sec-fetch-site", "cross-site")
            .header("referer", "https://hadiah-gratis.example/klaim"),
        Forgery::NullOrigin => request.header("origin", "null"),
        Forgery::CrossSiteWithoutOrigin => request
            .header("sec-fetch-site", "cross-site")
            .header("referer", "https://hadiah-gratis.example/klaim"),
        Forgery::Bare => request,
    }
}

/// Asserts `response` is the cross-site refusal, in the form `accept` asked for.
async fn assert_cross_site_refusal(response: reqwest::Response, accept: &str, what: &str) {
    assert_eq!(response.status(), 403, "{what}");
    let csp = response.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(csp.starts_with("default-src 'none'"), "{what}: {csp}");
    assert_eq!(response.headers()["cache-control"], "no-store", "{what}");
    let body = response.text().await.unwrap();
    if accept.contains("text/html") {
        assert!(body.contains("<html lang=\"id\">"), "{what}: {body}");
        let indonesian = body.find("dikirim dari situs lain").expect("the reason in Indonesian");
        let english = body.find("came from another site").expect("and in English");
        assert!(indonesian < english, "Indonesian first");
        assert!(body.contains("href=\"/\""), "a way back to the portal");
    } else {
        let answer: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(answer["error"], "cross_site", "{what}");
        assert!(answer["message"].as_str().unwrap().contains("another site"));
    }
}

/// The account a session belongs to, through the server function the pages use (`null` when signed out).
async fn account_of(app: &TestApp, session: &str) -> serde_json::Value {
    let response = post(app, "/api/akun", &[], &[session], JSON).await;
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

#[tokio::test]
async fn a_cross_site_post_to_a_server_function_is_refused_and_changes_nothing() {
    let app = spawn_app().await;
    let session = sign_in(&app, "keluar@example.com", "keluar@example.com").await;
    for forgery in FORGERIES {
        for accept in [HTML, JSON] {
            let response = forged(&app, forgery, "/api/keluar", &[&session], accept)
                .send()
                .await
                .unwrap();
            assert!(
                set_cookie(&response, "session").is_none(),
                "{forgery:?}: the cookie is kept"
            );
            assert_cross_site_refusal(response, accept, &format!("{forgery:?} {accept}")).await;
        }
    }
    assert!(!account_of(&app, &session).await.is_null(), "still signed in");

    // From the portal's own page: by Origin, by fetch metadata, or by Referer alone.
    let same_origin = bare_client()
        .post(app.url("/api/akun"))
        .header("accept", JSON)
        .header("cookie", &session)
        .header("sec-fetch-site", "same-origin")
        .send()
        .await
        .unwrap();
    assert_eq!(same_origin.status(), 200);
    let referred = bare_client()
        .post(app.url("/api/akun"))
        .header("accept", JSON)
        .header("cookie", &session)
        .header("referer", app.url("/akun"))
        .send()
        .await
        .unwrap();
    assert_eq!(referred.status(), 200);
    let response = post(&app, "/api/keluar", &[], &[&session], HTML).await;
    assert!(response.status().is_redirection(), "{}", response.status());
    assert!(
        account_of(&app, &session).await.is_null(),
        "signed out by the portal's own form"
    );

    // A code request from another site sends no code.
    let response = forged(&app, Forgery::ForeignOrigin, "/api/masuk", &[], HTML)
        .form(&[("identifier", "korban@example.com")])
        .send()
        .await
        .unwrap();
    assert!(set_cookie(&response, "signin").is_none());
    assert_cross_site_refusal(response, HTML, "masuk").await;
    app.stop().await;
}

#[tokio::test]
async fn a_cross_site_upload_or_complaint_is_refused_and_changes_nothing() {
    let app = spawn_app().await;
    let db = Db::connect(&app.database_url).await.unwrap();
    let (session, id) = start(&app, "unggah@example.com", "wni").await;
    let documents = "SELECT COUNT(*) FROM documents WHERE application_id = $1";
    let path = format!("/unggah/{id}");
    for forgery in FORGERIES {
        let part = reqwest::multipart::Part::bytes(fixtures::jpeg(600, 400)).file_name("kk.jpg");
        let response = forged(&app, forgery, &path, &[&session], JSON)
            .multipart(reqwest::multipart::Form::new().part("kk_scan", part))
            .send()
            .await
            .unwrap();
        assert_cross_site_refusal(response, JSON, &format!("upload {forgery:?}")).await;
    }
    assert_eq!(count(&db, documents, &id).await, 0, "no scan is kept");
    let response = upload(&app, &session, &id, "kk_scan", "kk.jpg", fixtures::jpeg(600, 400), JSON).await;
    assert_eq!(response.status(), 200, "the portal's own page uploads");
    assert_eq!(count(&db, documents, &id).await, 1);

    let (citizen, id) = submitted_citizen(&app, "adu.lintas@example.com").await;
    let complaints = "SELECT COUNT(*) FROM complaints WHERE application_id = $1";
    let form = [("application", id.as_str()), ("text", "Kartu saya belum jadi.")];
    for forgery in FORGERIES {
        let response = forged(&app, forgery, "/api/permohonan/pengaduan", &[&citizen], HTML)
            .form(&form)
            .send()
            .await
            .unwrap();
        assert_cross_site_refusal(response, HTML, &format!("complaint {forgery:?}")).await;
    }
    assert_eq!(count(&db, complaints, &id).await, 0, "no complaint is filed");
    let response = post(&app, "/api/permohonan/pengaduan", &form, &[&citizen], HTML).await;
    assert!(response.status().is_redirection(), "{}", response.status());
    assert_eq!(count(&db, complaints, &id).await, 1);
    app.stop().await;
}

const PASSWORD: &str = "kata sandi panjang sekali";

#[tokio::test]
async fn a_cross_site_post_to_the_staff_console_is_refused_and_changes_nothing() {
    let app = spawn_app().await;
    let db = Db::connect(&app.database_url).await.unwrap();
    let (_, id) = submitted_citizen(&app, "klaim@example.com").await;
    let now = server::auth::now();
    let (_, token) = staff::create(&db, "penyelia", "Penyelia", Role::Supervisor, None, now)
        .await
        .unwrap();
    let secret = totp::new_secret();
    assert!(
        staff::complete_enrolment(&db, &token, &password::hash(PASSWORD), &secret, now / 30 - 2, now)
            .await
            .unwrap()
    );
    let code = totp::code_at_step(&secret, server::auth::now() / totp::STEP_SECS).unwrap();
    let credentials = [
        ("username", "penyelia"),
        ("password", PASSWORD),
        ("code", code.as_str()),
    ];

    // Signing in from another site: refused before the password or the code is even looked at.
    for forgery in FORGERIES {
        let response = forged(&app, forgery, "/petugas/masuk", &[], HTML)
            .form(&credentials)
            .send()
            .await
            .unwrap();
        assert!(set_cookie(&response, "staff_session").is_none(), "{forgery:?}");
        assert_cross_site_refusal(response, HTML, &format!("staff sign-in {forgery:?}")).await;
    }
    // Nothing was used up: the same one-time code signs in from the console's own form.
    let response = post(&app, "/petugas/masuk", &credentials, &[], HTML).await;
    assert_eq!(response.status(), 303, "{}", response.text().await.unwrap());
    let session = set_cookie(&response, "staff_session").expect("a staff session");

    let claim = format!("/petugas/permohonan/{id}/klaim");
    let claimed = "SELECT COUNT(*) FROM applications WHERE id = $1 AND claimed_by IS NOT NULL";
    for forgery in FORGERIES {
        let response = forged(&app, forgery, &claim, &[&session], HTML)
            .form(&[("action", "claim")])
            .send()
            .await
            .unwrap();
        assert_cross_site_refusal(response, HTML, &format!("claim {forgery:?}")).await;
    }
    assert_eq!(count(&db, claimed, &id).await, 0, "nobody claimed it");
    let response = post(&app, &claim, &[("action", "claim")], &[&session], HTML).await;
    assert!(response.status().is_redirection(), "{}", response.status());
    assert_eq!(count(&db, claimed, &id).await, 1, "claimed from the console's own page");
    app.stop().await;
}

#[tokio::test]
async fn the_afis_link_is_not_refused_as_cross_site() {
    let app = spawn_app().await;
    // Its callers carry bearer tokens, no cookies and no browser's headers: what answers is the link itself.
    let response = forged(
        &app,
        Forgery::ForeignOrigin,
        "/api/afis/v1/applications/x/result",
        &[],
        JSON,
    )
    .json(&serde_json::json!({"outcome": "unique"}))
    .send()
    .await
    .unwrap();
    assert_ne!(response.status(), 403);
    let body = response.text().await.unwrap();
    assert!(!body.contains("cross_site"), "{body}");
    app.stop().await;
}

#[tokio::test]
async fn personal_answers_are_never_stored_and_hashed_assets_are_kept() {
    let app = spawn_app().await;
    let session = sign_in(&app, "simpan@example.com", "simpan@example.com").await;
    let no_store = |response: &reqwest::Response, what: &str| {
        assert_eq!(
            response.headers().get("cache-control").map(|v| v.to_str().unwrap()),
            Some("no-store"),
            "{what}"
        );
    };
    no_store(&get_with(&app, "/akun", &[&session]).await, "a page with personal data");
    no_store(&get_with(&app, "/", &[]).await, "the landing page");
    no_store(
        &post(&app, "/api/akun", &[], &[&session], JSON).await,
        "a server function",
    );
    no_store(&post(&app, "/api/keluar", &[], &[], HTML).await, "a redirect");
    no_store(&get_with(&app, "/petugas/masuk", &[]).await, "a staff page");
    no_store(&get_with(&app, "/tidak-ada", &[]).await, "a page not found");
    no_store(&app.get("/healthz").await, "JSON");
    let asset = app.get(CSS_PATH).await;
    assert_eq!(asset.status(), 200);
    assert_eq!(asset.headers()["cache-control"], "public, max-age=31536000, immutable");
    let unhashed = app.get("/favicon.svg").await;
    assert_eq!(
        unhashed.headers()["cache-control"],
        "public, max-age=3600, must-revalidate"
    );
    app.stop().await;
}

/// The landing page's encoding, its body as sent, and the nonce of its policy (which each response has its own).
/// The sign-in page, rendered for each request (the landing page comes from its own cache, `compression.rs`).
async fn rendered_page(app: &TestApp, accept_encoding: Option<&str>) -> (Option<String>, Vec<u8>, String) {
    let mut request = app.client.get(app.url("/masuk")).header("accept", HTML);
    if let Some(encoding) = accept_encoding {
        request = request.header("accept-encoding", encoding);
    }
    let response = request.send().await.unwrap();
    assert_eq!(response.status(), 200);
    let encoding = response
        .headers()
        .get("content-encoding")
        .map(|v| v.to_str().unwrap().to_owned());
    if encoding.is_some() {
        let vary = response.headers()["vary"].to_str().unwrap().to_ascii_lowercase();
        assert!(vary.contains("accept-encoding"), "{vary}");
    }
    let policy = response.headers()["content-security-policy"].to_str().unwrap();
    let nonce = policy
        .split("'nonce-")
        .nth(1)
        .unwrap()
        .split('\'')
        .next()
        .unwrap()
        .to_owned();
    (encoding, response.bytes().await.unwrap().to_vec(), nonce)
}

#[tokio::test]
async fn pages_are_compressed_as_the_browser_accepts() {
    let app = spawn_app().await;
    let (encoding, plain, nonce) = rendered_page(&app, None).await;
    assert_eq!(encoding, None, "nothing accepted, nothing compressed");
    let plain = String::from_utf8(plain).unwrap().replace(&nonce, "NONCE");
    assert!(plain.contains("</html>"), "the whole streamed page");

    // gzip, also when the browser would take brotli: see `http::cache::compression` for why.
    let (encoding, compressed, _) = rendered_page(&app, Some("gzip, deflate, br")).await;
    assert_eq!(encoding.as_deref(), Some("gzip"));
    assert!(
        compressed.len() < plain.len() / 2,
        "{} of {}",
        compressed.len(),
        plain.len()
    );
    let (encoding, _, _) = rendered_page(&app, Some("br")).await;
    assert_eq!(encoding, None, "brotli alone: the page as it is");

    let (encoding, compressed, nonce) = rendered_page(&app, Some("gzip")).await;
    assert_eq!(encoding.as_deref(), Some("gzip"));
    let mut decoded = String::new();
    flate2::read::GzDecoder::new(compressed.as_slice())
        .read_to_string(&mut decoded)
        .unwrap();
    assert_eq!(decoded.replace(&nonce, "NONCE"), plain, "the same page");

    // A built asset is sent as built: its own precompressed copy, never compressed again.
    let css = app
        .client
        .get(app.url(CSS_PATH))
        .header("accept-encoding", "br")
        .send()
        .await
        .unwrap();
    assert_eq!(css.headers()["content-encoding"], "br");
    assert_eq!(css.bytes().await.unwrap().as_ref(), CSS_BROTLI);
    app.stop().await;
}

/// The text of the metrics listener.
async fn scrape(app: &TestApp) -> String {
    let metrics = app.metrics.expect("a metrics listener");
    let response = bare_client()
        .get(format!("http://{metrics}/metrics"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    response.text().await.unwrap()
}

#[tokio::test]
async fn metrics_are_on_their_own_listener_with_bounded_labels() {
    let app = spawn_app().await;
    assert_eq!(app.get("/metrics").await.status(), 404, "not on the public listener");
    let before = scrape(&app).await;
    // 300 requests with invented methods, each a different one.
    let requests = (0..300).map(|i| {
        let method = reqwest::Method::from_bytes(format!("BREW{i}").as_bytes()).unwrap();
        app.client.request(method, app.url(&format!("/teko/{i}"))).send()
    });
    for response in futures_util::future::join_all(requests).await {
        assert!(!response.unwrap().status().is_server_error());
    }
    app.get("/").await;
    let after = scrape(&app).await;
    let series = |text: &str| {
        text.lines()
            .filter(|l| l.starts_with("portal_http_requests_total{"))
            .count()
    };
    assert!(
        series(&after) <= series(&before) + 3,
        "300 invented methods are one label: {} series before, {} after",
        series(&before),
        series(&after)
    );
    assert!(after.lines().count() <= before.lines().count() + 3 * 16, "{after}");
    assert!(after.contains("method=\"OTHER\""), "{after}");
    assert!(!after.contains("BREW") && !after.contains("teko"));
    app.stop().await;
}

#[tokio::test]
async fn with_a_token_metrics_are_also_served_to_its_bearer() {
    let token = "rahasia-pemantauan-0123456789";
    let app = spawn_app_with(&[("METRICS_TOKEN", token), ("METRICS_ADDR", "off")]).await;
    assert!(app.metrics.is_none(), "METRICS_ADDR=off: no listener");
    app.get("/").await;
    let ask = |authorization: Option<String>| {
        let mut request = app.client.get(app.url("/metrics"));
        if let Some(value) = authorization {
            request = request.header("authorization", value);
        }
        request.send()
    };
    let response = ask(None).await.unwrap();
    assert_eq!(response.status(), 401);
    assert_eq!(response.headers()["www-authenticate"], "Bearer");
    assert_eq!(ask(Some("Bearer salah".into())).await.unwrap().status(), 401);
    assert_eq!(ask(Some(format!("Bearer {token}x"))).await.unwrap().status(), 401);
    assert_eq!(ask(Some(format!("Basic {token}"))).await.unwrap().status(), 401);
    let response = ask(Some(format!("Bearer {token}"))).await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["cache-control"], "no-store");
    let text = response.text().await.unwrap();
    assert!(
        text.contains("portal_http_requests_total{method=\"GET\",route=\"/\",status=\"200\"}"),
        "{text}"
    );
    app.stop().await;
}

#[tokio::test]
async fn a_metrics_address_that_cannot_be_bound_refuses_to_start() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let dir = tempfile::tempdir().unwrap();
    let vars = [
        ("DATA_DIR", dir.path().join("data").display().to_string()),
        ("LEPTOS_SITE_ADDR", "127.0.0.1:0".into()),
        ("LEPTOS_SITE_ROOT", dir.path().join("site").display().to_string()),
        ("METRICS_ADDR", addr.clone()),
    ];
    let config =
        server::config::Config::from_lookup(|k| vars.iter().find(|(n, _)| *n == k).map(|(_, v)| v.clone())).unwrap();
    let error = match server::startup::Application::build(config).await {
        Ok(_) => panic!("started although {addr} is taken"),
        Err(error) => error.to_string(),
    };
    assert!(error.contains("metrics") && error.contains(&addr), "{error}");
}
