use crate::helpers::*;

#[tokio::test]
async fn healthz_checks_the_database() {
    let app = spawn_app().await;
    let response = app.get("/healthz").await;
    assert_eq!(response.status(), 200);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["status"], "ok");
    assert_eq!(body["database"], app.backend.name());
}

#[tokio::test]
async fn metrics_count_requests_by_route_with_latencies() {
    let app = spawn_app().await;
    for _ in 0..3 {
        app.get("/").await;
    }
    app.get(CSS_PATH).await;
    app.get("/tidak-ada").await;
    // On the metrics listener (the main one does not serve them: see `edge`).
    let metrics = app.metrics.expect("a metrics listener");
    let response = app
        .client
        .get(format!("http://{metrics}/metrics"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/plain"));
    let text = response.text().await.unwrap();
    assert!(
        text.contains("portal_http_requests_total{method=\"GET\",route=\"/\",status=\"200\"} 3"),
        "{text}"
    );
    assert!(text.contains("route=\"/pkg/{*file}\",status=\"200\""));
    assert!(text.contains("route=\"fallback\",status=\"404\""));
    assert!(text.contains("# TYPE portal_http_request_duration_seconds histogram"));
    assert!(text.contains("portal_http_request_duration_seconds_count{method=\"GET\",route=\"/\",status=\"200\"} 3"));
    // Raw paths never become labels.
    assert!(!text.contains("tidak-ada"));
}

#[tokio::test]
async fn zero_configuration_creates_the_data_folder_and_a_persistent_key() {
    let app = spawn_app().await;
    let data = app.dir.path().join("data");
    assert!(data.join("uploads").is_dir(), "uploads folder created");
    let key_file = data.join("keys").join("session.key");
    let key = std::fs::read_to_string(&key_file).expect("a signing key is generated on first start");
    if app.backend == server::db::Backend::Sqlite {
        assert!(app.dir.path().join("portal.db").is_file());
    }
    let app = restart(app).await;
    assert_eq!(
        std::fs::read_to_string(&key_file).unwrap(),
        key,
        "the key survives a restart"
    );
    assert_eq!(app.get("/healthz").await.status(), 200);
    app.stop().await;
}

#[tokio::test]
async fn shutdown_is_graceful() {
    let app = spawn_app().await;
    let base = app.base.clone();
    app.stop().await;
    assert!(
        reqwest::get(format!("{base}/healthz")).await.is_err(),
        "no longer listening after shutdown"
    );
}
