//! Compressed pages and JSON, precompressed assets left as built, scans byte-exact, and the landing page served
//! from memory (`http::landing`): the right language for each cookie, a fresh nonce in every answer, and the same
//! headers as a page the Leptos route renders.

use crate::{
    applications::{start, upload, JSON},
    helpers::*,
};
use app::i18n::Locale;
use std::io::Read;

/// The body as the browser reads it, whatever `Content-Encoding` it came with.
fn decoded(encoding: Option<&str>, body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    if body.is_empty() {
        return out;
    }
    match encoding {
        None => out.extend_from_slice(body),
        Some("br") => {
            brotli::Decompressor::new(body, 4096).read_to_end(&mut out).unwrap();
        }
        Some("gzip") => {
            flate2::read::GzDecoder::new(body).read_to_end(&mut out).unwrap();
        }
        Some(other) => panic!("unexpected encoding {other}"),
    }
    out
}

struct Answer {
    headers: reqwest::header::HeaderMap,
    encoding: Option<String>,
    /// Decoded.
    body: Vec<u8>,
}

impl Answer {
    fn text(&self) -> String {
        String::from_utf8(self.body.clone()).unwrap()
    }

    /// The nonce of the page's policy.
    fn nonce(&self) -> String {
        let policy = self.headers["content-security-policy"].to_str().unwrap();
        policy
            .split("'nonce-")
            .nth(1)
            .expect("a page's policy has a nonce")
            .split('\'')
            .next()
            .unwrap()
            .to_owned()
    }

    fn vary(&self) -> Vec<String> {
        self.headers
            .get_all("vary")
            .iter()
            .flat_map(|v| v.to_str().unwrap().split(','))
            .map(|v| v.trim().to_ascii_lowercase())
            .collect()
    }
}

async fn fetch(app: &TestApp, method: reqwest::Method, path: &str, headers: &[(&str, &str)]) -> Answer {
    let mut request = app.client.request(method, app.url(path));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.unwrap();
    assert!(response.status().is_success(), "{path}: {}", response.status());
    let headers = response.headers().clone();
    let encodings: Vec<_> = headers.get_all("content-encoding").iter().collect();
    assert!(encodings.len() <= 1, "{path}: compressed twice: {encodings:?}");
    let encoding = encodings.first().map(|v| v.to_str().unwrap().to_owned());
    let body = decoded(encoding.as_deref(), &response.bytes().await.unwrap());
    Answer {
        headers,
        encoding,
        body,
    }
}

async fn get(app: &TestApp, path: &str, headers: &[(&str, &str)]) -> Answer {
    fetch(app, reqwest::Method::GET, path, headers).await
}

/// The nonces of the page's `nonce="…"` attributes.
fn nonces_in(html: &str) -> Vec<&str> {
    html.split("nonce=\"")
        .skip(1)
        .map(|rest| &rest[..rest.find('"').unwrap()])
        .collect()
}

/// A nonce in the HTML is always the one of its policy; the HTML with the nonce taken out.
fn without_nonce(answer: &Answer) -> String {
    let nonce = answer.nonce();
    let html = answer.text();
    for found in nonces_in(&html) {
        assert_eq!(found, nonce, "the HTML's nonce is the policy's");
    }
    html.replace(&nonce, "NONCE")
}

#[tokio::test]
async fn the_landing_page_is_the_same_page_in_every_encoding() {
    let app = spawn_app().await;
    let first = get(&app, "/", &[]).await;
    let plain = without_nonce(&first);
    assert!(plain.contains("</html>"), "the whole page");
    // A page with an inline script (its nonce) is kept in gzip only (see `http::landing`).
    let brotli = if nonces_in(&first.text()).is_empty() {
        Some("br")
    } else {
        None
    };
    for (accepted, expected) in [
        ("br", brotli),
        ("gzip, deflate, br", brotli.or(Some("gzip"))),
        ("gzip", Some("gzip")),
        ("deflate", None),
        ("br;q=0, gzip;q=0", None),
    ] {
        let answer = get(&app, "/", &[("accept-encoding", accepted)]).await;
        assert_eq!(answer.encoding.as_deref(), expected, "{accepted}");
        assert_eq!(without_nonce(&answer), plain, "{accepted}: the same page");
        let vary = answer.vary();
        assert_eq!(
            vary.iter().filter(|v| *v == "accept-encoding").count(),
            1,
            "{accepted}: {vary:?}"
        );
        assert!(vary.contains(&"cookie".to_owned()), "{accepted}: {vary:?}");
    }
    // HEAD: the same headers, no body.
    let head = fetch(&app, reqwest::Method::HEAD, "/", &[("accept-encoding", "gzip")]).await;
    assert!(head.body.is_empty());
    assert_eq!(head.encoding.as_deref(), Some("gzip"));
    assert_eq!(head.headers["content-type"], first.headers["content-type"]);
    app.stop().await;
}

/// Headers that differ between two answers of the same page by nature: the nonce, length, encoding, the date.
fn comparable(answer: &Answer) -> Vec<(String, String)> {
    let nonce = answer.nonce();
    let mut headers: Vec<(String, String)> = answer
        .headers
        .iter()
        .filter(|(name, _)| {
            !matches!(
                name.as_str(),
                "content-length" | "transfer-encoding" | "content-encoding" | "date" | "vary"
            )
        })
        .map(|(name, value)| {
            (
                name.as_str().to_owned(),
                value.to_str().unwrap().replace(&nonce, "NONCE"),
            )
        })
        .collect();
    let mut vary = answer.vary();
    vary.sort();
    headers.push(("vary".into(), vary.join(", ")));
    headers.sort();
    headers
}

#[tokio::test]
async fn the_landing_page_from_memory_has_the_headers_of_a_rendered_page() {
    let app = spawn_app().await;
    for (cookie, accepted) in [("lang=id", ""), ("lang=en", "gzip"), ("lang=en", "br")] {
        // Filled, then from memory.
        get(&app, "/", &[("cookie", cookie)]).await;
        let kept = get(&app, "/", &[("cookie", cookie), ("accept-encoding", accepted)]).await;
        // Any other cookie goes to the Leptos route every time.
        let other = format!("{cookie}; lain=1");
        let rendered = get(&app, "/", &[("cookie", &other), ("accept-encoding", accepted)]).await;
        assert_eq!(comparable(&kept), comparable(&rendered), "{cookie} {accepted}");
        assert_eq!(
            without_nonce(&kept),
            without_nonce(&rendered),
            "{cookie}: the same page"
        );
        assert_eq!(kept.headers["cache-control"], "no-store");
        assert_eq!(kept.headers["x-content-type-options"], "nosniff");
        assert!(kept.headers["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("frame-ancestors 'none'"));
    }
    app.stop().await;
}

/// Whether the page is the landing page in `locale`, and nothing of the other language.
fn is_landing_in(html: &str, locale: Locale) -> bool {
    let heading = locale.texts().home.heading;
    let other = locale.other().texts().home.heading;
    html.contains(&format!("<html lang=\"{}\"", locale.code())) && html.contains(heading) && !html.contains(other)
}

#[tokio::test]
async fn each_cookie_gets_its_own_language_under_load_and_every_nonce_is_fresh() {
    let app = spawn_app().await;
    let requests = (0..200).map(|i| {
        let (cookie, locale) = match i % 4 {
            0 => (Some("lang=en"), Locale::En),
            1 => (Some("lang=id"), Locale::Id),
            2 => (None, Locale::Id),
            _ => (Some("a=1; lang=en"), Locale::En),
        };
        let accepted = ["br", "gzip", "", "gzip, deflate, br"][(i / 4) % 4];
        let app = &app;
        async move {
            let mut headers = vec![("accept-encoding", accepted)];
            if let Some(cookie) = cookie {
                headers.push(("cookie", cookie));
            }
            (locale, get(app, "/", &headers).await)
        }
    });
    let answers = futures_util::future::join_all(requests).await;
    let mut nonces = std::collections::HashSet::new();
    for (i, (locale, answer)) in answers.iter().enumerate() {
        let html = answer.text();
        assert!(is_landing_in(&html, *locale), "answer {i} is not the {locale:?} page");
        without_nonce(answer);
        assert!(nonces.insert(answer.nonce()), "answer {i} shares its nonce");
    }
    app.stop().await;
}

#[tokio::test]
async fn citizen_pages_and_server_function_answers_come_compressed() {
    let app = spawn_app().await;
    let (session, id) = start(&app, "kompres@example.com", "wni").await;
    for path in [format!("/permohonan/{id}"), format!("/permohonan/{id}/identitas")] {
        let plain = get(&app, &path, &[("cookie", &session)]).await;
        assert_eq!(plain.encoding, None);
        let page = get(&app, &path, &[("cookie", &session), ("accept-encoding", "gzip, br")]).await;
        assert!(page.encoding.is_some(), "{path} is compressed");
        assert!(page.vary().contains(&"accept-encoding".to_owned()));
        assert_eq!(without_nonce(&page), without_nonce(&plain), "{path}");
    }
    let staff = get(&app, "/petugas/masuk", &[("accept-encoding", "gzip")]).await;
    assert_eq!(staff.encoding.as_deref(), Some("gzip"), "the staff console");
    assert!(staff.text().contains("</html>"));

    let areas = get(&app, "/api/wilayah?parent=", &[("accept-encoding", "gzip, br")]).await;
    assert!(areas.encoding.is_some());
    let areas: Vec<serde_json::Value> = serde_json::from_slice(&areas.body).unwrap();
    assert!(areas.len() > 10, "the provinces");

    let loaded = app
        .client
        .post(app.url("/api/permohonan/baca"))
        .header("cookie", &session)
        .header("accept", JSON)
        .header("accept-encoding", "gzip")
        .form(&[("id", id.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(loaded.status(), 200);
    assert_eq!(loaded.headers()["content-encoding"], "gzip");
    let body = decoded(Some("gzip"), &loaded.bytes().await.unwrap());
    let view: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert!(view.to_string().contains(&id), "{view}");
    app.stop().await;
}

#[tokio::test]
async fn a_scan_is_sent_byte_exact_and_uncompressed() {
    let app = spawn_app().await;
    let (session, id) = start(&app, "pindaian@example.com", "wni").await;
    let pdf = server::documents::fixtures::pdf();
    let response = upload(&app, &session, &id, "kk_scan", "kk.pdf", pdf.clone(), JSON).await;
    assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
    let path = format!("/berkas/{id}/kk_scan");
    let plain = get(&app, &path, &[("cookie", &session)]).await;
    for accepted in ["gzip, deflate, br", "br", "gzip"] {
        let scan = get(&app, &path, &[("cookie", &session), ("accept-encoding", accepted)]).await;
        assert_eq!(scan.encoding, None, "{accepted}");
        assert_eq!(scan.body, plain.body);
        assert_eq!(scan.body, pdf, "the stored scan, byte for byte");
    }
    app.stop().await;
}

#[tokio::test]
async fn a_precompressed_asset_is_encoded_once() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    fake_site(&site);
    // A WASM file with its brotli and gzip copies, as the build writes them.
    let wasm: Vec<u8> = (0..40_000u32).flat_map(|i| (i % 251).to_le_bytes()).collect();
    let path = "/pkg/portal.0a1b2c3d4e5f6789.wasm";
    let file = site.join(path.trim_start_matches('/'));
    std::fs::write(&file, &wasm).unwrap();
    let mut br = Vec::new();
    {
        use std::io::Write;
        let mut writer = brotli::CompressorWriter::new(&mut br, 4096, 9, 22);
        writer.write_all(&wasm).unwrap();
    }
    std::fs::write(format!("{}.br", file.display()), &br).unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    std::io::Write::write_all(&mut gz, &wasm).unwrap();
    std::fs::write(format!("{}.gz", file.display()), gz.finish().unwrap()).unwrap();

    let app = spawn_app_with(&[("LEPTOS_SITE_ROOT", &site.display().to_string())]).await;
    for (accepted, expected) in [
        ("br", Some("br")),
        ("gzip, deflate, br", Some("br")),
        ("gzip", Some("gzip")),
    ] {
        let answer = get(&app, path, &[("accept-encoding", accepted)]).await;
        assert_eq!(answer.encoding.as_deref(), expected, "{accepted}");
        assert_eq!(answer.body, wasm, "{accepted}: decodes to the file");
        assert_eq!(answer.headers["content-type"], "application/wasm");
    }
    let plain = get(&app, path, &[]).await;
    assert_eq!(plain.encoding, None);
    assert_eq!(plain.body, wasm);
    app.stop().await;
}
