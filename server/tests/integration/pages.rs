use crate::helpers::*;

#[tokio::test]
async fn landing_page_is_server_rendered_in_indonesian_with_the_hydration_script() {
    let app = spawn_app().await;
    let response = app.get("/").await;
    assert_eq!(response.status(), 200);
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    let html = response.text().await.unwrap();
    assert!(html.contains("<html lang=\"id\""), "html lang is id");
    assert!(html.contains("Ajukan KTP-el dari ponsel Anda"));
    // Both services from the office's own descriptions, with the promise and the fee.
    assert!(html.contains("KTP-el baru untuk Warga Negara Indonesia"));
    assert!(html.contains("Izin Tinggal Tetap"));
    assert!(html.contains("14 hari kerja"));
    assert!(html.contains("Gratis"));
    assert!(html.contains("Fotokopi Kartu Izin Tinggal Tetap (KITAP)"));
    // Footer: address, phones, complaints.
    assert!(html.contains("Jl. Pertanian"));
    assert!(html.contains("tel:+6281371685622"));
    assert!(html.contains("Pengaduan Layanan"));
    // The skip link leads to the main content.
    assert!(html.contains("href=\"#main\""));
    assert!(html.contains("id=\"main\""));
    // The hydration script loads the WASM bundle; the stylesheet is the hashed one.
    assert!(html.contains("<script type=\"module\""));
    assert!(html.contains("hydrate"));
    assert!(html.contains(CSS_PATH), "the page links the hashed stylesheet");
    assert!(html.contains("<title>Portal KTP-el Disdukcapil Bengkalis</title>"));
}

#[tokio::test]
async fn the_language_cookie_renders_english() {
    let app = spawn_app().await;
    let html = app
        .client
        .get(app.url("/"))
        .header("cookie", "lang=en")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("<html lang=\"en\""));
    assert!(html.contains("Apply for your KTP-el from your phone"));
    assert!(html.contains("14 working days"));
    // The switch offers the other language.
    assert!(html.contains("Bahasa Indonesia"));
}

#[tokio::test]
async fn an_unknown_address_is_a_404_page_in_the_users_language() {
    let app = spawn_app().await;
    let response = app.get("/tidak-ada").await;
    assert_eq!(response.status(), 404);
    let html = response.text().await.unwrap();
    assert!(html.contains("Halaman tidak ditemukan"));
    assert!(html.contains("href=\"/\""));

    let response = app
        .client
        .get(app.url("/nowhere"))
        .header("cookie", "lang=en")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
    assert!(response.text().await.unwrap().contains("Page not found"));
}
