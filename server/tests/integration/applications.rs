//! The application form through its server functions and the upload route, as a browser without JavaScript
//! posts them (forms that accept HTML and follow redirects) and as the WASM app does (answers as data).

use crate::helpers::*;
use server::documents::fixtures;

pub const JSON: &str = "application/json";

/// A signed-in citizen with a new application of `kind`; returns (session cookie, application id).
pub async fn start(app: &TestApp, mailbox: &str, kind: &str) -> (String, String) {
    let session = sign_in(app, mailbox, mailbox).await;
    let response = post(app, "/api/permohonan/mulai", &[("kind", kind)], &[&session], HTML).await;
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    assert!(
        location.ends_with("/identitas"),
        "a new application opens at its first section: {location}"
    );
    let id = location
        .trim_start_matches("/permohonan/")
        .trim_end_matches("/identitas")
        .to_owned();
    (session, id)
}

pub async fn save(
    app: &TestApp,
    session: &str,
    id: &str,
    section: &str,
    fields: &[(&str, &str)],
    accept: &str,
) -> reqwest::Response {
    let mut form = vec![("application", id), ("section", section)];
    form.extend_from_slice(fields);
    post(app, "/api/permohonan/simpan", &form, &[session], accept).await
}

const IDENTITY: &[(&str, &str)] = &[
    ("nik", "1403094508060002"),
    ("no_kk", "1403091201150003"),
    ("full_name", "Siti Aminah"),
];
const BIRTH: &[(&str, &str)] = &[("birth_place", "Bengkalis"), ("birth_date", "2006-08-05"), ("sex", "P")];
const PERSONAL: &[(&str, &str)] = &[
    ("blood_type", "O+"),
    ("religion", "Islam"),
    ("marital_status", "Belum Kawin"),
    ("occupation", "Pelajar"),
];
const ADDRESS: &[(&str, &str)] = &[
    ("street", "Jl. Pertanian No. 5"),
    ("rt", "1"),
    ("rw", "2"),
    ("province", "14"),
    ("regency", "14.03"),
    ("district", "14.03.01"),
    ("village_code", "14.03.01.1002"),
];
const CONTACT: &[(&str, &str)] = &[("phone", "0812 3456 7890")];

/// Fills every section of a citizen's form, as the WASM app would.
pub async fn fill_citizen(app: &TestApp, session: &str, id: &str) {
    for (section, fields) in [
        ("identitas", IDENTITY),
        ("kelahiran", BIRTH),
        ("data-diri", PERSONAL),
        ("alamat", ADDRESS),
        ("kontak", CONTACT),
    ] {
        let response = save(app, session, id, section, fields, JSON).await;
        assert_eq!(response.status(), 200, "{section}: {}", response.text().await.unwrap());
    }
}

pub async fn upload(
    app: &TestApp,
    session: &str,
    id: &str,
    field: &str,
    name: &str,
    bytes: Vec<u8>,
    accept: &str,
) -> reqwest::Response {
    let part = reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned());
    let form = reqwest::multipart::Form::new().part(field.to_owned(), part);
    app.client
        .post(app.url(&format!("/unggah/{id}")))
        .header("cookie", session)
        .header("accept", accept)
        .multipart(form)
        .send()
        .await
        .unwrap()
}

/// A citizen's application filled in, with its KK scan, and submitted; returns (session cookie, application id).
pub async fn submitted_citizen(app: &TestApp, mailbox: &str) -> (String, String) {
    let (session, id) = start(app, mailbox, "wni").await;
    fill_citizen(app, &session, &id).await;
    let response = upload(app, &session, &id, "kk_scan", "kk.jpg", fixtures::jpeg(600, 400), JSON).await;
    assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
    let response = post(app, "/api/permohonan/kirim", &[("application", &id)], &[&session], JSON).await;
    assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
    (session, id)
}

/// Every file under `dir`, however deep.
fn files_under(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                found.extend(files_under(&path));
            } else {
                found.push(path);
            }
        }
    }
    found
}

fn stored_files(app: &TestApp) -> Vec<std::path::PathBuf> {
    let data = app.dir.path().join("data");
    let mut files = files_under(&crate::helpers::stored_objects_folder(app.dir.path()));
    files.extend(files_under(&data.join("staging")));
    files
}

#[tokio::test]
async fn a_draft_is_saved_section_by_section_and_resumed_after_signing_in_again() {
    let app = spawn_app().await;
    let (session, id) = start(&app, "ibu.rina@example.com", "wni").await;

    // A mistake comes back to the same page with the problem and what was typed.
    let response = save(
        &app,
        &session,
        &id,
        "identitas",
        &[("nik", "1403090508060000"), ("full_name", "Siti")],
        HTML,
    )
    .await;
    assert_eq!(response.headers()["location"], format!("/permohonan/{id}/identitas"));
    let flash = set_cookie(&response, "flash").expect("problems wait in the flash cookie");
    let page = get_with(&app, &format!("/permohonan/{id}/identitas"), &[&session, &flash]).await;
    let html = page.text().await.unwrap();
    assert!(
        html.contains("empat angka terakhir tidak boleh 0000"),
        "the NIK's problem is explained"
    );
    assert!(
        html.contains("Isi nomor Kartu Keluarga (KK)"),
        "the missing KK number is named"
    );
    assert!(html.contains("value=\"Siti\""), "what was typed is kept");
    assert!(!html.contains("1403090508060000"), "but never a NIK (issue 12, item 6)");

    let response = save(&app, &session, &id, "identitas", IDENTITY, HTML).await;
    assert_eq!(response.headers()["location"], format!("/permohonan/{id}/kelahiran"));

    // The NIK already says when and as whom she was born: the birth page has it filled in.
    let html = get_with(&app, &format!("/permohonan/{id}/kelahiran"), &[&session])
        .await
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("value=\"2006-08-05\""),
        "the date of birth comes from the NIK"
    );
    assert!(html.contains("value=\"P\" checked"), "so does the sex");

    // A date that contradicts the NIK is refused, naming both.
    let response = save(
        &app,
        &session,
        &id,
        "kelahiran",
        &[("birth_place", "Bengkalis"), ("birth_date", "2006-08-06"), ("sex", "P")],
        JSON,
    )
    .await;
    assert_eq!(response.status(), 422);
    let body = response.text().await.unwrap();
    assert!(
        body.contains("birth_date") && body.contains("BirthDateConflictsWithNik"),
        "{body}"
    );

    // Signing in again, the application is where it was left.
    let again = sign_in(&app, "ibu.rina@example.com", "ibu.rina@example.com").await;
    let html = get_with(&app, "/akun", &[&again]).await.text().await.unwrap();
    assert!(
        html.contains("SITI AMINAH"),
        "the account lists the application by the applicant's name"
    );
    let html = get_with(&app, &format!("/permohonan/{id}"), &[&again])
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("Lanjutkan"), "the task list offers to continue");
    assert!(
        html.contains(&format!("/permohonan/{id}/kelahiran")),
        "at the birth section"
    );
    let html = get_with(&app, &format!("/permohonan/{id}/identitas"), &[&again])
        .await
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("value=\"1403094508060002\""),
        "the saved NIK is shown again"
    );
}

#[tokio::test]
async fn the_address_pickers_narrow_down_without_javascript() {
    let app = spawn_app().await;
    let (session, id) = start(&app, "pak.ahmad@example.com", "wni").await;
    let mut form = vec![
        ("action", "refine"),
        ("street", "Jl. Sudirman"),
        ("province", "14"),
        ("regency", "14.03"),
    ];
    let response = save(&app, &session, &id, "alamat", &form, HTML).await;
    assert!(response.headers()["location"]
        .to_str()
        .unwrap()
        .starts_with(&format!("/permohonan/{id}/alamat")));
    let flash = set_cookie(&response, "flash").unwrap();
    let html = get_with(&app, &format!("/permohonan/{id}/alamat"), &[&session, &flash])
        .await
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("Bengkalis"),
        "the districts of Kabupaten Bengkalis are offered"
    );
    assert!(html.contains("value=\"Jl. Sudirman\""), "the street typed is kept");
    assert!(
        !html.contains("value=\"14.03.01.1002\""),
        "no villages before a district is chosen"
    );

    form.push(("district", "14.03.01"));
    save(&app, &session, &id, "alamat", &form, HTML).await;
    let html = get_with(&app, &format!("/permohonan/{id}/alamat"), &[&session])
        .await
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("value=\"14.03.01.1002\""),
        "now that district's villages are offered"
    );

    // The JSON list for the browser: one district's villages, not the country's.
    let areas: Vec<serde_json::Value> = app.get("/api/wilayah?parent=14.03.01").await.json().await.unwrap();
    assert!(!areas.is_empty() && areas.len() < 100, "{} villages", areas.len());
    assert!(areas
        .iter()
        .all(|a| a["code"].as_str().unwrap().starts_with("14.03.01.")));

    // A village from another district is refused.
    let mut wrong = ADDRESS.to_vec();
    wrong[6] = ("village_code", "14.71.01.1001");
    let response = save(&app, &session, &id, "alamat", &wrong, JSON).await;
    assert_eq!(response.status(), 422);
}

#[tokio::test]
async fn a_form_of_many_over_long_fields_still_comes_back_with_its_problems() {
    let app = spawn_app().await;
    let (session, id) = start(&app, "panjang@example.com", "wni").await;
    let long = "Jalan Panjang ".repeat(400);
    let fields: Vec<(&str, &str)> = [
        "street",
        "rt",
        "rw",
        "province",
        "regency",
        "district",
        "village_code",
        "postal_code",
    ]
    .iter()
    .map(|f| (*f, long.as_str()))
    .collect();
    let response = save(&app, &session, &id, "alamat", &fields, HTML).await;
    let flash = set_cookie(&response, "flash").expect("the form's state fits in its cookie");
    assert!(
        flash.len() < 4096,
        "a browser keeps cookies of up to 4 KB: {}",
        flash.len()
    );
    let html = get_with(&app, &format!("/permohonan/{id}/alamat"), &[&session, &flash])
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("terlalu panjang"), "the problem is shown");
    assert!(
        html.contains("value=\"Jalan Panjang Jalan"),
        "the beginning of what was typed is kept"
    );
}

#[tokio::test]
async fn a_complete_application_is_submitted_and_then_cannot_be_changed() {
    let app = spawn_app().await;
    let (session, id) = start(&app, "siti@example.com", "wni").await;
    fill_citizen(&app, &session, &id).await;

    // Not without the KK scan.
    let response = post(
        &app,
        "/api/permohonan/kirim",
        &[("application", &id)],
        &[&session],
        JSON,
    )
    .await;
    assert_eq!(response.status(), 422);
    assert!(response.text().await.unwrap().contains("kk_scan"));

    let response = upload(
        &app,
        &session,
        &id,
        "kk_scan",
        "kk.jpg",
        fixtures::jpeg(1200, 800),
        JSON,
    )
    .await;
    assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());

    let response = post(
        &app,
        "/api/permohonan/kirim",
        &[("application", &id)],
        &[&session],
        HTML,
    )
    .await;
    assert_eq!(response.headers()["location"], format!("/permohonan/{id}/terkirim"));
    let html = get_with(&app, &format!("/permohonan/{id}/terkirim"), &[&session])
        .await
        .text()
        .await
        .unwrap();
    let reference = html
        .split("BKS-")
        .nth(1)
        .expect("a registration number")
        .chars()
        .take(13)
        .collect::<String>();
    assert_eq!(reference.len(), 13, "BKS-YYMMDD-XXXXXX: {reference}");

    // Submitted: neither the answers nor the scans can change.
    let response = save(&app, &session, &id, "identitas", IDENTITY, JSON).await;
    assert_eq!(response.status(), 422);
    assert!(response.text().await.unwrap().contains("NotEditable"));
    let response = upload(&app, &session, &id, "kk_scan", "kk.jpg", fixtures::jpeg(600, 400), JSON).await;
    assert_eq!(response.status(), 422);
    let html = get_with(&app, &format!("/permohonan/{id}"), &[&session])
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("Terkirim, menunggu pemeriksaan"), "the status is shown");
}

#[tokio::test]
async fn another_account_cannot_open_an_application_or_its_scans() {
    let app = spawn_app().await;
    let (owner, id) = start(&app, "pemilik@example.com", "wni").await;
    fill_citizen(&app, &owner, &id).await;
    upload(&app, &owner, &id, "kk_scan", "kk.png", fixtures::png(400, 300), JSON).await;

    let scan = app
        .client
        .get(app.url(&format!("/berkas/{id}/kk_scan")))
        .header("cookie", &owner)
        .send()
        .await
        .unwrap();
    assert_eq!(scan.status(), 200);
    assert_eq!(scan.headers()["content-type"], "image/png");
    assert_eq!(scan.headers()["x-content-type-options"], "nosniff");
    assert!(scan.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains("kk_scan.png"));

    let other = sign_in(&app, "orang.lain@example.com", "orang.lain@example.com").await;
    for path in [
        format!("/permohonan/{id}"),
        format!("/permohonan/{id}/identitas"),
        format!("/permohonan/{id}/periksa"),
    ] {
        assert_eq!(get_with(&app, &path, &[&other]).await.status(), 404, "{path}");
    }
    let scan = app
        .client
        .get(app.url(&format!("/berkas/{id}/kk_scan")))
        .header("cookie", &other)
        .send()
        .await
        .unwrap();
    assert_eq!(scan.status(), 404);
    let response = save(&app, &other, &id, "identitas", IDENTITY, JSON).await;
    assert_eq!(response.status(), 404);
    let response = upload(&app, &other, &id, "kk_scan", "kk.jpg", fixtures::jpeg(300, 200), JSON).await;
    assert_eq!(response.status(), 404);
    let signed_out = app
        .client
        .get(app.url(&format!("/berkas/{id}/kk_scan")))
        .send()
        .await
        .unwrap();
    assert_eq!(signed_out.status(), 404);
}

#[tokio::test]
async fn bad_uploads_are_refused_and_leave_nothing_behind() {
    let app = spawn_app().await;
    let (session, id) = start(&app, "uploader@example.com", "wna").await;
    let mut executable = b"\x7fELF\x02\x01\x01\x00".to_vec();
    executable.resize(4096, 0);
    let eleven_mb = {
        let mut pdf = fixtures::pdf();
        pdf.resize(11 * 1024 * 1024, b' ');
        pdf
    };
    let jpeg = fixtures::jpeg(800, 600);
    let cut = jpeg[..jpeg.len() / 2].to_vec();
    let cases: Vec<(&str, Vec<u8>, u16, &str)> = vec![
        ("scan.jpg", executable, 415, "JPG, PNG, WebP, atau PDF"),
        ("kitap.pdf", fixtures::encrypted_pdf(), 422, "dilindungi kata sandi"),
        (
            "flood.png",
            fixtures::png_header_only(50_000, 50_000),
            422,
            "terlalu besar ukurannya",
        ),
        ("besar.pdf", eleven_mb, 413, "paling besar 10 MB"),
        ("setengah.jpg", cut, 422, "tidak bisa dibaca"),
    ];
    for (name, bytes, status, message) in cases {
        let response = upload(&app, &session, &id, "kitap_scan", name, bytes.clone(), JSON).await;
        assert_eq!(response.status().as_u16(), status, "{name}");
        assert!(
            response.text().await.unwrap().contains("kitap_scan"),
            "{name}: the refusal names the field"
        );
        // Without JavaScript: back to the documents page, the reason in the user's language.
        let response = upload(&app, &session, &id, "kitap_scan", name, bytes, HTML).await;
        assert_eq!(response.status(), 303, "{name}");
        let flash = set_cookie(&response, "flash").unwrap();
        let html = get_with(&app, &format!("/permohonan/{id}/dokumen"), &[&session, &flash])
            .await
            .text()
            .await
            .unwrap();
        assert!(html.contains(message), "{name}: {message}");
        assert!(
            stored_files(&app).is_empty(),
            "{name}: nothing kept: {:?}",
            stored_files(&app)
        );
    }

    // A connection cut half-way through the body.
    use tokio::io::AsyncWriteExt;
    let mut stream = tokio::net::TcpStream::connect(app.base.trim_start_matches("http://"))
        .await
        .unwrap();
    let boundary = "XyZ";
    let origin = &app.base;
    let head = format!(
        "POST /unggah/{id} HTTP/1.1\r\nHost: localhost\r\nCookie: {session}\r\nAccept: application/json\r\n\
         Origin: {origin}\r\nContent-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: 2000000\r\n\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"kk_scan\"; filename=\"kk.jpg\"\r\n\
         Content-Type: image/jpeg\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(&fixtures::jpeg(2000, 1500)[..1000]).await.unwrap();
    stream.write_all(&vec![0u8; 500_000]).await.unwrap();
    drop(stream);
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert!(
        stored_files(&app).is_empty(),
        "a cut-off upload leaves nothing: {:?}",
        stored_files(&app)
    );

    // The server is still up, and a good scan still goes through.
    assert_eq!(app.get("/healthz").await.status(), 200);
    let response = upload(&app, &session, &id, "kitap_scan", "kitap.pdf", fixtures::pdf(), JSON).await;
    assert_eq!(response.status(), 200);
    assert_eq!(stored_files(&app).len(), 1, "exactly the one good scan is kept");

    // Replacing it keeps one current file.
    let response = upload(
        &app,
        &session,
        &id,
        "kitap_scan",
        "kitap.jpg",
        fixtures::jpeg(640, 480),
        JSON,
    )
    .await;
    assert_eq!(response.status(), 200);
    let files = stored_files(&app);
    assert_eq!(files.len(), 1, "{files:?}");
    assert!(files[0].extension().unwrap() == "jpg");
}

#[tokio::test]
async fn photos_lose_their_location_data() {
    let app = spawn_app().await;
    let (session, id) = start(&app, "foto@example.com", "wni").await;
    let photo = fixtures::jpeg_with_orientation(400, 200, 6);
    assert!(fixtures::has_exif(&photo));
    let response = upload(&app, &session, &id, "kk_scan", "kk.jpg", photo, JSON).await;
    assert_eq!(response.status(), 200);
    let stored = app
        .client
        .get(app.url(&format!("/berkas/{id}/kk_scan")))
        .header("cookie", &session)
        .send()
        .await
        .unwrap();
    let bytes = stored.bytes().await.unwrap();
    assert!(!fixtures::has_exif(&bytes), "EXIF (and with it GPS) is gone");
    let picture = image::load_from_memory(&bytes).unwrap();
    assert_eq!((picture.width(), picture.height()), (200, 400), "turned upright");
}
