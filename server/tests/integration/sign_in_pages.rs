//! Signing in through the pages' own server functions, as a browser without JavaScript does (form posts that
//! accept HTML and follow redirects) and as the WASM app does (answers as data). Codes are read from the real
//! SMTP server on loopback.

use crate::helpers::*;

#[tokio::test]
async fn a_citizen_signs_in_with_a_code_from_the_mail_and_out_again() {
    let app = spawn_app().await;
    let session = sign_in(&app, " Budi.Santoso@Example.com ", "budi.santoso@example.com").await;
    assert!(
        !session.to_lowercase().contains("budi"),
        "the session cookie holds no personal data"
    );

    let page = get_with(&app, "/akun", &[&session]).await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(
        html.contains("bu***@example.com"),
        "the account page shows who is signed in, masked"
    );
    assert!(!html.contains("budi.santoso@"), "never the whole address");

    let response = post(&app, "/api/keluar", &[], &[&session], HTML).await;
    assert_eq!(response.headers()["location"], "/");
    assert!(
        set_cookie(&response, "session").is_some_and(|c| c == "session="),
        "the cookie is cleared"
    );
    // The old token is refused on the server, though it has not expired.
    let after = get_with(&app, "/akun", &[&session]).await;
    assert!(after.status().is_redirection());
    assert_eq!(after.headers()["location"], "/masuk");
}

#[tokio::test]
async fn the_account_page_sends_strangers_to_sign_in() {
    let app = spawn_app().await;
    let response = get_with(&app, "/akun", &[]).await;
    assert!(response.status().is_redirection(), "{}", response.status());
    assert_eq!(response.headers()["location"], "/masuk");
    let forged = get_with(&app, "/akun", &["session=eyJhbGciOiJub25lIn0.e30."]).await;
    assert_eq!(forged.headers()["location"], "/masuk");
}

#[tokio::test]
async fn a_mobile_number_is_one_account_however_it_is_typed() {
    // No SMS gateway: under the development setting the code is logged, and the flow still reaches the code page.
    let app = spawn_app_with(&[("DEV_LOG_MESSAGES", "true")]).await;
    let response = post(&app, "/api/masuk", &[("identifier", "0812-3456-7890")], &[], HTML).await;
    assert_eq!(response.headers()["location"], "/masuk/kode");
}

#[tokio::test]
async fn without_javascript_a_mistake_comes_back_with_what_was_typed() {
    let app = spawn_app().await;
    let response = post(&app, "/api/masuk", &[("identifier", "budi@example")], &[], HTML).await;
    assert_eq!(response.headers()["location"], "/masuk");
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    assert!(!location.contains("budi"), "nothing typed goes into the URL");
    let flash = set_cookie(&response, "flash").expect("the form's state travels in a cookie");

    let page = get_with(&app, "/masuk", &[&flash]).await;
    let cleared = set_cookie(&page, "flash");
    let html = page.text().await.unwrap();
    assert!(html.contains("Ada yang perlu diperbaiki"), "the error summary");
    assert!(html.contains("Alamat email tidak valid"));
    assert!(html.contains("href=\"#identifier\""), "the summary links to the field");
    assert!(html.contains("value=\"budi@example\""), "what was typed is kept");
    assert!(html.contains("<title>Galat: Masuk</title>"));
    assert_eq!(cleared.as_deref(), Some("flash="), "shown once, then gone");
}

#[tokio::test]
async fn with_javascript_mistakes_come_back_as_data() {
    let app = spawn_app().await;
    let response = post(
        &app,
        "/api/masuk",
        &[("identifier", "021 555 1234")],
        &[],
        "application/json",
    )
    .await;
    assert!(response.status().is_server_error() || response.status().is_client_error());
    let body = response.text().await.unwrap();
    assert!(body.contains("IdentifierPhone"), "{body}");
    assert!(!body.contains("555"), "the error does not echo what was typed");
}

#[tokio::test]
async fn wrong_codes_are_counted_and_the_answer_never_reveals_an_account() {
    let app = spawn_app().await;
    sign_in(&app, "siti@example.com", "siti@example.com").await;

    // Existing and new accounts get the same answer.
    let existing = post(&app, "/api/masuk", &[("identifier", "siti@example.com")], &[], HTML).await;
    let new = post(&app, "/api/masuk", &[("identifier", "baru@example.com")], &[], HTML).await;
    assert_eq!(existing.status(), new.status());
    assert_eq!(existing.headers()["location"], new.headers()["location"]);

    let attempt = set_cookie(&new, "signin").unwrap();
    let real = code_sent_to("baru@example.com").await;
    let wrong = if real == "000000" { "111111" } else { "000000" };
    let response = post(
        &app,
        "/api/masuk/kode",
        &[("code", wrong)],
        &[&attempt],
        "application/json",
    )
    .await;
    assert!(response.text().await.unwrap().contains("\"tries_left\":4"));
    for _ in 0..4 {
        post(
            &app,
            "/api/masuk/kode",
            &[("code", wrong)],
            &[&attempt],
            "application/json",
        )
        .await;
    }
    let response = post(
        &app,
        "/api/masuk/kode",
        &[("code", &real)],
        &[&attempt],
        "application/json",
    )
    .await;
    assert!(
        response.text().await.unwrap().contains("CodeTooManyTries"),
        "the right code is refused after five wrong ones"
    );
}

#[tokio::test]
async fn an_absurdly_long_input_still_comes_back_as_a_form_with_an_error() {
    let app = spawn_app().await;
    let long = format!("{}@example.com", "a".repeat(5000));
    let response = post(&app, "/api/masuk", &[("identifier", &long)], &[], HTML).await;
    assert_eq!(response.headers()["location"], "/masuk");
    let flash = set_cookie(&response, "flash").expect("the form's state fits in its cookie");
    assert!(flash.len() < 4096, "a browser keeps cookies of up to 4 KB");
    let html = get_with(&app, "/masuk", &[&flash]).await.text().await.unwrap();
    assert!(html.contains("Alamat email tidak valid"));
}
