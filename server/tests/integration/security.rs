use crate::helpers::*;

#[tokio::test]
async fn pages_carry_a_nonce_policy_that_matches_their_scripts() {
    let app = spawn_app().await;
    // A page with islands (an application's section) carries Leptos's island script.
    let (session, id) = crate::applications::start(&app, "warga.nonce@example.com", "wni").await;
    let page = format!("/permohonan/{id}/identitas");
    let response = crate::helpers::get_with(&app, &page, &[&session]).await;
    let policy = response.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    let html = response.text().await.unwrap();
    for directive in [
        "'wasm-unsafe-eval'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ] {
        assert!(policy.contains(directive), "{directive} missing from {policy}");
    }
    assert!(!policy.contains("'unsafe-inline'"));
    let nonce = attribute_after(&html, "<script type=\"module\"", "nonce").expect("the module script has a nonce");
    assert!(policy.contains(&format!("'nonce-{nonce}'")));
    // Every inline script carries the same nonce, or the browser would refuse it.
    assert_eq!(
        html.matches("<script").count(),
        html.matches(&format!("nonce=\"{nonce}\"")).count()
    );

    let second = crate::helpers::get_with(&app, &page, &[&session]).await.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert_ne!(policy, second, "each response gets a fresh nonce");
}

#[tokio::test]
async fn every_response_has_the_baseline_headers() {
    let app = spawn_app().await;
    for path in ["/", "/healthz", CSS_PATH, "/tidak-ada"] {
        let response = app.get(path).await;
        let h = response.headers();
        assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(h["referrer-policy"], "same-origin", "{path}");
        assert_eq!(h["cross-origin-opener-policy"], "same-origin", "{path}");
        assert!(
            h["content-security-policy"]
                .to_str()
                .unwrap()
                .contains("frame-ancestors 'none'"),
            "{path}"
        );
        assert!(h.get("strict-transport-security").is_none(), "no HSTS over plain http");
    }
}

#[tokio::test]
async fn hsts_is_sent_when_the_base_url_is_https() {
    let app = spawn_app_with(&[
        ("PUBLIC_BASE_URL", "https://ktp.example.go.id"),
        ("SMTP_URL", "smtp://127.0.0.1:25"),
    ])
    .await;
    let response = app.get("/").await;
    assert!(response.headers()["strict-transport-security"]
        .to_str()
        .unwrap()
        .contains("max-age="));
}

#[tokio::test]
async fn oversized_request_bodies_are_refused() {
    let app = spawn_app_with(&[("MAX_BODY_BYTES", "4096")]).await;
    let big = "x".repeat(64 * 1024);
    let response = app
        .client
        .post(app.url("/api/language"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("lang=en&next={big}"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 413);
}
