//! The one cookie policy as a browser sees it: every cookie the portal sets (the citizen's sign-in, a refused form's
//! flash, the language switch on both sides, the staff sign-in, and their removal) is HttpOnly with a SameSite, and
//! on an https site Secure under a `__Host-` name. And the flash: sealed, never holding a NIK or KK number in any
//! encoding, and ignored when changed or forged.

use crate::applications::{save, start};
use crate::helpers::*;
use crate::malformed::{staff_session, staff_sign_in_response};
use app::domain::process::Role;
use base64::Engine;

const HTTPS: &str = "https://ktp.example.go.id";

/// Every `Set-Cookie` of a response, whole.
fn set_cookie_headers(response: &reqwest::Response) -> Vec<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect()
}

async fn send(
    app: &TestApp,
    client: &reqwest::Client,
    path: &str,
    form: &[(&str, &str)],
    cookies: &[&str],
) -> reqwest::Response {
    let mut request = client.post(app.url(path)).header("accept", HTML).form(form);
    if !cookies.is_empty() {
        request = request.header("cookie", cookies.join("; "));
    }
    request.send().await.unwrap()
}

/// Walks through everything that sets a cookie; returns every `Set-Cookie` seen. `prefix` is `__Host-` on an https
/// site; `client` speaks for the site's own pages.
async fn every_cookie(app: &TestApp, client: &reqwest::Client, prefix: &str) -> Vec<String> {
    let mut seen = Vec::new();
    let name = |base: &str| format!("{prefix}{base}");

    // A refused form leaves its flash, and showing it removes it.
    let response = send(app, client, "/api/masuk", &[("identifier", "budi@example")], &[]).await;
    seen.extend(set_cookie_headers(&response));
    let flash = set_cookie(&response, &name("flash")).expect("a flash after a refused form");
    let page = get_with(app, "/masuk", &[&flash]).await;
    seen.extend(set_cookie_headers(&page));
    assert!(
        page.text().await.unwrap().contains("Alamat email tidak valid"),
        "the flash is read"
    );

    // The citizen's sign-in: the attempt, then the session (and the attempt removed).
    let mailbox = "warga.cookies@example.com";
    let response = send(app, client, "/api/masuk", &[("identifier", mailbox)], &[]).await;
    seen.extend(set_cookie_headers(&response));
    let attempt = set_cookie(&response, &name("signin")).expect("the attempt cookie");
    let code = code_sent_to(mailbox).await;
    let response = send(app, client, "/api/masuk/kode", &[("code", &code)], &[&attempt]).await;
    seen.extend(set_cookie_headers(&response));
    let session = set_cookie(&response, &name("session")).expect("the session cookie");

    // The language switch of the citizens' pages, and the console's; the cookie is read under its name.
    let response = send(app, client, "/api/language", &[("lang", "en"), ("next", "/")], &[]).await;
    seen.extend(set_cookie_headers(&response));
    let lang = set_cookie(&response, &name("lang")).expect("the language cookie");
    let html = get_with(app, "/", &[&lang]).await.text().await.unwrap();
    assert!(
        html.contains("<html lang=\"en\""),
        "the language cookie is read under its name"
    );
    let response = client
        .get(app.url("/petugas/bahasa?lang=en&next=/petugas"))
        .send()
        .await
        .unwrap();
    seen.extend(set_cookie_headers(&response));
    assert!(
        set_cookie(&response, &name("lang")).is_some(),
        "the console's language cookie"
    );

    // The staff sign-in, and signing out on both sides.
    let response = staff_sign_in_response(app, client, "admin.cookies", Role::Admin).await;
    seen.extend(set_cookie_headers(&response));
    let staff = set_cookie(&response, &name("staff_session")).expect("the staff session cookie");
    let response = send(app, client, "/petugas/keluar", &[], &[&staff]).await;
    seen.extend(set_cookie_headers(&response));
    let response = send(app, client, "/api/keluar", &[], &[&session]).await;
    seen.extend(set_cookie_headers(&response));

    for base in ["flash", "signin", "session", "lang", "staff_session"] {
        let set = seen
            .iter()
            .filter(|c| c.starts_with(&format!("{}=", name(base))))
            .count();
        assert!(set >= 1, "the {base} cookie was seen: {seen:#?}");
    }
    seen
}

/// What every cookie must have; `secure` on an https site.
fn assert_policy(cookies: &[String], secure: bool) {
    for cookie in cookies {
        let attributes: Vec<&str> = cookie.split(';').map(str::trim).collect();
        let base = attributes[0].split('=').next().unwrap().trim_start_matches("__Host-");
        assert!(attributes.contains(&"HttpOnly"), "HttpOnly: {cookie}");
        assert!(attributes.contains(&"Path=/"), "Path=/: {cookie}");
        assert!(
            attributes.iter().any(|a| a.starts_with("Max-Age=")),
            "Max-Age: {cookie}"
        );
        assert!(!cookie.to_ascii_lowercase().contains("domain="), "no Domain: {cookie}");
        let same_site = if ["flash", "staff_session"].contains(&base) {
            "Strict"
        } else {
            "Lax"
        };
        assert!(
            attributes.contains(&format!("SameSite={same_site}").as_str()),
            "SameSite={same_site}: {cookie}"
        );
        assert_eq!(attributes.contains(&"Secure"), secure, "Secure only on https: {cookie}");
        assert_eq!(cookie.starts_with("__Host-"), secure, "__Host- only on https: {cookie}");
    }
}

#[tokio::test]
async fn on_an_https_site_every_cookie_is_secure_http_only_and_host_prefixed() {
    let app = spawn_app_with(&[("PUBLIC_BASE_URL", HTTPS)]).await;
    // The browser's pages are on the https site: its requests say so.
    let client = portal_client(HTTPS);
    let cookies = every_cookie(&app, &client, "__Host-").await;
    assert_policy(&cookies, true);
}

#[tokio::test]
async fn on_plain_http_every_cookie_is_still_http_only_with_a_same_site() {
    let app = spawn_app().await;
    let cookies = every_cookie(&app, &app.client.clone(), "").await;
    assert_policy(&cookies, false);
}

const NIK: &str = "1403090508060000";
const NO_KK: &str = "1403091201150003";

/// Every way `secret` could sit in a cookie value: plain, hex (either case), and base64 in either alphabet at any
/// of the three alignments (the run of characters that encodes only `secret`'s bytes).
fn encodings(secret: &str) -> Vec<String> {
    use base64::engine::general_purpose::{STANDARD, URL_SAFE};
    let hex: String = secret.bytes().map(|b| format!("{b:02x}")).collect();
    let mut found = vec![secret.to_owned(), hex.clone(), hex.to_uppercase()];
    for offset in 0..3 {
        let padded = format!("{}{secret}", "x".repeat(offset));
        let start = offset.div_ceil(3) * 4;
        let end = (offset + secret.len()) / 3 * 4;
        for engine in [&STANDARD, &URL_SAFE] {
            found.push(engine.encode(&padded)[start..end].to_owned());
        }
    }
    found
}

fn refused_identity<'a>() -> [(&'a str, &'a str); 3] {
    [("nik", NIK), ("no_kk", NO_KK), ("full_name", "Siti Aminah")]
}

#[tokio::test]
async fn the_flash_of_a_refused_save_never_holds_the_nik_or_kk_number_and_still_helps() {
    let app = spawn_app().await;
    let (session, id) = start(&app, "warga.flash@example.com", "wni").await;
    let response = save(&app, &session, &id, "identitas", &refused_identity(), HTML).await;
    let page = format!("/permohonan/{id}/identitas");
    assert_eq!(response.headers()["location"], page.as_str());
    let flash = set_cookie(&response, "flash").expect("the refused save's flash");
    let value = flash.trim_start_matches("flash=");

    // Not in the cookie in any encoding, nor in what it decodes to (it is sealed: nothing readable at all).
    let decoded = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(value)
        .expect("URL-safe base64");
    let decoded_text = String::from_utf8_lossy(&decoded).into_owned();
    for secret in [NIK, NO_KK] {
        for encoded in encodings(secret) {
            assert!(!value.contains(&encoded), "{secret} as {encoded} in the flash");
            assert!(
                !decoded_text.contains(&encoded),
                "{secret} as {encoded} in the decoded flash"
            );
        }
    }
    assert!(
        !decoded_text.contains("Siti Aminah") && !decoded_text.contains("full_name"),
        "sealed"
    );

    // The page it sends the browser to still shows the problem and the rest of what was typed; the NIK and KK
    // fields are empty, and the numbers are nowhere in the page.
    let html = get_with(&app, &page, &[&session, &flash]).await.text().await.unwrap();
    assert!(
        html.contains("empat angka terakhir tidak boleh 0000"),
        "the NIK's problem is explained"
    );
    assert!(html.contains("value=\"Siti Aminah\""), "the name typed is kept");
    assert_eq!(attribute_after(&html, "name=\"nik\"", "value"), Some(""));
    assert_eq!(attribute_after(&html, "name=\"no_kk\"", "value"), Some(""));
    assert!(!html.contains(NIK) && !html.contains(NO_KK));
}

#[tokio::test]
async fn a_flash_changed_or_forged_in_the_browser_is_ignored() {
    let app = spawn_app().await;
    let (session, id) = start(&app, "warga.palsu@example.com", "wni").await;
    let page = format!("/permohonan/{id}/identitas");
    let response = save(&app, &session, &id, "identitas", &refused_identity(), HTML).await;
    let flash = set_cookie(&response, "flash").unwrap();
    let value = flash.trim_start_matches("flash=");

    // One character changed.
    let middle = value.len() / 2;
    let swapped = if &value[middle..=middle] == "A" { "B" } else { "A" };
    let changed = format!("flash={}{swapped}{}", &value[..middle], &value[middle + 1..]);
    // The old, readable format (hex of the JSON), as anyone could write it.
    let forged_json = r#"{"form":"section-identitas","values":[["full_name","Dipalsukan"]],"problems":[{"field":"full_name","problem":{"Answer":"Name"}}]}"#;
    let forged = format!(
        "flash={}",
        forged_json.bytes().map(|b| format!("{b:02x}")).collect::<String>()
    );
    let long = format!("flash={}", "A".repeat(4000));
    for bad in [changed, forged, long, "flash=%%%".to_owned(), "flash=".to_owned()] {
        let response = get_with(&app, &page, &[&session, &bad]).await;
        assert_eq!(response.status(), 200, "{bad}");
        let html = response.text().await.unwrap();
        assert!(
            !html.contains("empat angka terakhir"),
            "no problem from a changed flash"
        );
        assert!(
            !html.contains("Dipalsukan") && !html.contains("Ada yang perlu diperbaiki"),
            "{bad}"
        );
        assert!(html.contains("name=\"nik\""), "the form itself is shown");
    }

    // The real one still works once.
    let html = get_with(&app, &page, &[&session, &flash]).await.text().await.unwrap();
    assert!(html.contains("empat angka terakhir tidak boleh 0000"));
}

#[tokio::test]
async fn a_staff_session_cookie_is_strict_and_read_back() {
    let app = spawn_app().await;
    let staff = staff_session(&app, "admin.strict", Role::Admin).await;
    let response = get_with(&app, "/petugas/akun", &[&staff]).await;
    assert_eq!(
        response.status(),
        200,
        "the session set through the policy is read through it"
    );
}
