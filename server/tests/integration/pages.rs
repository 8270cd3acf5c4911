use crate::helpers::*;

#[tokio::test]
async fn landing_page_is_server_rendered_in_indonesian_without_script() {
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
    // No island, so no script of any kind and nothing that would load the WebAssembly; the stylesheet is the
    // hashed one.
    assert!(!html.contains("<script"), "no script on a page without islands");
    assert!(!html.contains(".wasm") && !html.contains("modulepreload") && !html.contains("leptos-island"));
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

#[tokio::test]
async fn a_section_page_has_its_islands_and_one_island_script() {
    let app = spawn_app().await;
    let (session, id) = crate::applications::start(&app, "warga.pulau@example.com", "wni").await;
    let html = crate::helpers::get_with(&app, &format!("/permohonan/{id}/alamat"), &[&session])
        .await
        .text()
        .await
        .unwrap();
    // A live check for each typed field and the area lists: islands that render nothing of their own.
    assert_eq!(
        html.matches("data-component=\"LiveCheck").count(),
        4,
        "street, RT, RW, postal code"
    );
    assert_eq!(html.matches("data-component=\"AreaLists").count(), 1);
    // Leptos's island loader, once, however many islands.
    assert_eq!(html.matches("<script type=\"module\"").count(), 1);
    // The lists and fields themselves are the server's, and work without the script.
    assert!(html.contains("id=\"province\"") && html.contains("name=\"postal_code\""));
    // No error words travel with the page: the live check asks for them when it wakes.
    assert!(
        !html.contains("Kode pos harus 5 angka"),
        "the postal code's error is not in the page"
    );
    // The task list and the check page have no island: no script.
    for page in [format!("/permohonan/{id}"), format!("/permohonan/{id}/periksa")] {
        let html = crate::helpers::get_with(&app, &page, &[&session])
            .await
            .text()
            .await
            .unwrap();
        assert!(!html.contains("<script"), "{page}");
    }
}

#[tokio::test]
async fn an_island_asks_for_its_words_in_the_page_language() {
    let app = spawn_app().await;
    let words = |path: &'static str, cookie: &'static str| {
        let request = app.client.get(app.url(path)).header("cookie", cookie);
        async move { request.send().await.unwrap() }
    };
    // A typed field: the words of every issue its live check can find, as the server writes them.
    let id: Vec<String> = words("/api/kata?field=postal_code", "lang=id")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(id.len(), app::domain::application::TYPED_ISSUES.len());
    assert!(id.iter().any(|w| w == "Kode pos harus 5 angka"), "{id:?}");
    let en: Vec<String> = words("/api/kata?field=postal_code", "lang=en")
        .await
        .json()
        .await
        .unwrap();
    assert!(en.iter().any(|w| w.contains("5 digits")), "{en:?}");
    // A scan: the words of each refusal of the upload route.
    let scan: Vec<String> = words("/api/kata?field=kk_scan", "lang=id").await.json().await.unwrap();
    assert_eq!(scan.len(), app::api::error::UPLOAD_REFUSALS.len());
    // Anything else is not found, never a failure.
    for path in [
        "/api/kata?field=session",
        "/api/kata",
        "/api/kata?field=%FF%FE",
        "/api/kata?field=nik&field=x",
    ] {
        let status = words(path, "").await.status();
        assert!(status.is_client_error(), "{path}: {status}");
    }
}
