use crate::helpers::*;

async fn switch(app: &TestApp, form: &[(&str, &str)], accept: &str) -> reqwest::Response {
    app.client
        .post(app.url("/api/language"))
        .header("accept", accept)
        .form(form)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn without_javascript_the_switch_sets_the_cookie_and_returns_to_the_same_page() {
    let app = spawn_app().await;
    let response = switch(&app, &[("lang", "en"), ("next", "/tidak-ada?x=1")], "text/html,*/*").await;
    assert!(response.status().is_redirection(), "status {}", response.status());
    assert_eq!(response.headers()["location"], "/tidak-ada?x=1");
    let cookie = response.headers()["set-cookie"].to_str().unwrap();
    assert!(cookie.starts_with("lang=en;"));
    assert!(cookie.contains("Path=/") && cookie.contains("SameSite=Lax"));
    assert!(
        !cookie.contains("Secure"),
        "plain http on localhost cannot carry Secure cookies"
    );
}

#[tokio::test]
async fn the_switch_never_sends_the_browser_to_another_site() {
    let app = spawn_app().await;
    for next in ["https://evil.example/", "//evil.example/", "/\\evil.example"] {
        let response = switch(&app, &[("lang", "id"), ("next", next)], "text/html").await;
        assert_eq!(response.headers()["location"], "/", "next={next}");
    }
}

#[tokio::test]
async fn with_javascript_the_switch_answers_without_redirecting() {
    let app = spawn_app().await;
    let response = switch(&app, &[("lang", "en"), ("next", "/")], "application/json").await;
    assert_eq!(response.status(), 200);
    assert!(response.headers().get("location").is_none());
    assert!(response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .starts_with("lang=en;"));
    assert_eq!(response.text().await.unwrap(), "\"En\"");
}

#[tokio::test]
async fn an_unknown_language_is_refused() {
    let app = spawn_app().await;
    let response = switch(&app, &[("lang", "xx"), ("next", "/")], "application/json").await;
    assert!(response.status().is_server_error() || response.status().is_client_error());
    assert!(response.headers().get("set-cookie").is_none());
}

#[tokio::test]
async fn cookies_are_secure_when_the_portal_is_served_over_https() {
    let app = spawn_app_with(&[
        ("PUBLIC_BASE_URL", "https://ktp.example.go.id"),
        ("SMTP_URL", "smtp://127.0.0.1:25"),
    ])
    .await;
    let response = switch(&app, &[("lang", "en"), ("next", "/")], "application/json").await;
    assert!(response.headers()["set-cookie"].to_str().unwrap().contains("; Secure"));
}
