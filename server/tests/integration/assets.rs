use crate::helpers::*;

async fn fetch(app: &TestApp, path: &str, accept_encoding: Option<&str>) -> reqwest::Response {
    let mut request = app.client.get(app.url(path));
    if let Some(value) = accept_encoding {
        request = request.header("accept-encoding", value);
    }
    request.send().await.unwrap()
}

#[tokio::test]
async fn hashed_assets_are_precompressed_and_immutable() {
    let app = spawn_app().await;
    let br = fetch(&app, CSS_PATH, Some("gzip, deflate, br")).await;
    assert_eq!(br.status(), 200);
    assert_eq!(br.headers()["content-encoding"], "br");
    assert_eq!(br.headers()["cache-control"], "public, max-age=31536000, immutable");
    assert_eq!(br.headers()["vary"], "Accept-Encoding");
    assert!(br.headers()["content-type"].to_str().unwrap().starts_with("text/css"));
    assert_eq!(br.bytes().await.unwrap().as_ref(), CSS_BROTLI);

    let gz = fetch(&app, CSS_PATH, Some("gzip")).await;
    assert_eq!(gz.headers()["content-encoding"], "gzip");
    assert_eq!(gz.bytes().await.unwrap().as_ref(), CSS_GZIP);

    let refused = fetch(&app, CSS_PATH, Some("br;q=0, gzip;q=0")).await;
    assert!(refused.headers().get("content-encoding").is_none());
    assert_eq!(refused.text().await.unwrap(), CSS_BODY);

    let plain = fetch(&app, CSS_PATH, None).await;
    assert!(plain.headers().get("content-encoding").is_none());
    assert_eq!(plain.text().await.unwrap(), CSS_BODY);
}

#[tokio::test]
async fn a_known_etag_gets_not_modified() {
    let app = spawn_app().await;
    let first = fetch(&app, "/favicon.svg", None).await;
    assert_eq!(first.status(), 200);
    let etag = first.headers()["etag"].clone();
    // Unhashed public files may change between releases: cached briefly, then revalidated.
    assert!(!first.headers()["cache-control"].to_str().unwrap().contains("immutable"));
    let again = app
        .client
        .get(app.url("/favicon.svg"))
        .header("if-none-match", etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);
}

#[tokio::test]
async fn missing_assets_are_404() {
    let app = spawn_app().await;
    assert_eq!(
        fetch(&app, "/pkg/portal.ffffffffffffffff.wasm", Some("br"))
            .await
            .status(),
        404
    );
    // Nothing outside the site folder can be reached.
    assert_eq!(fetch(&app, "/pkg/../data/portal.db", None).await.status(), 404);
    assert_eq!(fetch(&app, "/data/portal.db", None).await.status(), 404);
}
