//! Names as the card prints them (issue 13, item 6): a name in Latin letters with any diacritics is saved composed
//! and upper-cased, and the printed application form shows it exactly (read back with poppler's `pdftotext`, the
//! fonts checked with `pdffonts`); a name in another script is refused with a message that names the field and
//! says to write it as the passport or KITAP has it, never with a server error.

use crate::applications::{save, start, upload, JSON};
use crate::helpers::*;
use app::domain::{booking::bookable_days, office::office_date};
use server::{
    auth::now,
    db::{bookings, Db},
    documents::fixtures,
};

/// What the application has stored: field → value.
async fn stored_answers(db: &Db, id: &str) -> serde_json::Map<String, serde_json::Value> {
    let (answers,): (String,) = sqlx::query_as("SELECT answers FROM applications WHERE id = $1")
        .bind(id)
        .fetch_one(&db.pool)
        .await
        .unwrap();
    match serde_json::from_str(&answers).unwrap() {
        serde_json::Value::Object(map) => map,
        other => panic!("answers are an object: {other}"),
    }
}

const ADDRESS: &[(&str, &str)] = &[
    ("street", "Jl. Pertanian No. 5"),
    ("rt", "1"),
    ("rw", "2"),
    ("province", "14"),
    ("regency", "14.03"),
    ("district", "14.03.01"),
    ("village_code", "14.03.01.1002"),
];

/// Saves each section as the WASM app does; every one must be accepted.
async fn fill(app: &TestApp, session: &str, id: &str, sections: &[(&str, &[(&str, &str)])]) {
    for (section, fields) in sections {
        let response = save(app, session, id, section, fields, JSON).await;
        assert_eq!(response.status(), 200, "{section}: {}", response.text().await.unwrap());
    }
}

async fn submit(app: &TestApp, session: &str, id: &str) {
    let response = post(app, "/api/permohonan/kirim", &[("application", id)], &[session], JSON).await;
    assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
}

/// Books the first open time at the Dinas (which serves citizens and foreign residents alike) a few working days
/// ahead, as the booking page's plain form does.
async fn book(app: &TestApp, session: &str, id: &str) {
    let db = db_of(app).await;
    let today = office_date(now());
    let day = {
        let mut conn = db.pool.acquire().await.unwrap();
        let calendar = bookings::calendar(&mut conn, Some("dinas"), today, today.add_days(31))
            .await
            .unwrap();
        bookable_days(&calendar, today)[2]
    };
    let day = day.to_string();
    let fields = [
        ("application", id),
        ("point", "dinas"),
        ("day", day.as_str()),
        ("time", "08:00"),
        ("replaces", ""),
    ];
    let response = post(app, "/api/jadwal/pesan", &fields, &[session], HTML).await;
    assert!(response.status().is_redirection(), "{}", response.status());
    assert_eq!(
        response.headers()["location"],
        format!("/permohonan/{id}/jadwal#jadwal-anda")
    );
}

/// The printed form of application `id`, in the language of `cookies`.
async fn printed_form(app: &TestApp, id: &str, cookies: &[&str]) -> Vec<u8> {
    let response = get_with(app, &format!("/formulir/{id}"), cookies).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/pdf");
    response.bytes().await.unwrap().to_vec()
}

/// Runs a poppler tool on `pdf` and returns what it prints.
fn poppler(app: &TestApp, tool: &str, args: &[&str], pdf: &[u8]) -> String {
    let path = app.dir.path().join("names.pdf");
    std::fs::write(&path, pdf).unwrap();
    let out = std::process::Command::new(tool)
        .args(args)
        .arg(&path)
        .args(if tool == "pdftotext" { &["-"][..] } else { &[][..] })
        .output()
        .unwrap_or_else(|e| panic!("{tool} (poppler-utils, installed by scripts/setup.sh test): {e}"));
    assert!(out.status.success(), "{tool}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// The form prints each of `expected` exactly and nothing as "?", in fonts that are embedded, subset and mapped
/// back to Unicode.
fn assert_prints(app: &TestApp, pdf: &[u8], expected: &[&str]) {
    let text = poppler(app, "pdftotext", &["-enc", "UTF-8"], pdf);
    for wanted in expected {
        assert!(text.contains(wanted), "the form prints {wanted:?}:\n{text}");
    }
    assert!(!text.contains('?'), "nothing is printed as \"?\":\n{text}");
    assert!(!text.contains('\u{FFFD}'), "nothing unreadable:\n{text}");

    // name  type  encoding  emb sub uni  object ID
    let fonts = poppler(app, "pdffonts", &[], pdf);
    let rows: Vec<&str> = fonts.lines().skip(2).filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(rows.len(), 2, "the regular and the bold face:\n{fonts}");
    for row in rows {
        let columns: Vec<&str> = row.split_whitespace().collect();
        let (name, flags) = (columns[0], &columns[columns.len() - 5..columns.len() - 2]);
        let (tag, family) = name.split_once('+').expect("a subset's name has a tag");
        assert!(tag.len() == 6 && tag.bytes().all(|b| b.is_ascii_uppercase()), "{row}");
        assert!(family.starts_with("DejaVuSans"), "{row}");
        assert!(row.contains("CID TrueType") && row.contains("Identity-H"), "{row}");
        assert_eq!(
            flags,
            ["yes", "yes", "yes"],
            "embedded, subset, with a Unicode map: {row}"
        );
    }
}

#[tokio::test]
async fn a_foreign_resident_named_nguyen_books_and_the_form_prints_his_name_exactly() {
    let app = spawn_app().await;
    let db = db_of(&app).await;
    let (session, id) = start(&app, "nguyen.khai@example.com", "wna").await;
    let kitap_expiry = office_date(now()).add_days(3 * 365).to_string();
    // Typed decomposed (a base letter and combining accents), as some keyboards and copies from a PDF give it.
    let decomposed = "Nguye\u{302}\u{303}n Thi\u{323} Minh Khai";
    let identity = [
        ("nik", "1403091105900003"),
        ("no_kk", "1403091201150003"),
        ("full_name", decomposed),
    ];
    let birth = [("birth_place", "Hà Nội"), ("birth_date", "1990-05-11"), ("sex", "L")];
    let personal = [
        ("blood_type", "A-"),
        ("religion", "Buddha"),
        ("marital_status", "Belum Kawin"),
        ("occupation", "Wiraswasta"),
    ];
    let contact = [("phone", "0812 3456 7891")];
    let stay_permit = [
        ("nationality", "VN"),
        ("passport_no", "C1234567"),
        ("kitap_no", "2C11JE1234"),
        ("kitap_expiry", kitap_expiry.as_str()),
    ];
    fill(
        &app,
        &session,
        &id,
        &[
            ("identitas", &identity),
            ("kelahiran", &birth),
            ("data-diri", &personal),
            ("alamat", ADDRESS),
            ("kontak", &contact),
            ("izin-tinggal", &stay_permit),
        ],
    )
    .await;

    // Stored composed and upper-cased, the same bytes as the name typed whole.
    let answers = stored_answers(&db, &id).await;
    assert_eq!(answers["full_name"], "NGUYỄN THỊ MINH KHAI");
    assert_eq!(answers["full_name"].as_str().unwrap().chars().count(), 20);
    assert_eq!(answers["birth_place"], "HÀ NỘI");

    for (field, name) in [("kk_scan", "kk.jpg"), ("kitap_scan", "kitap.jpg")] {
        let response = upload(&app, &session, &id, field, name, fixtures::jpeg(600, 400), JSON).await;
        assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
    }
    submit(&app, &session, &id).await;
    book(&app, &session, &id).await;

    let pdf = printed_form(&app, &id, &[&session]).await;
    assert_prints(&app, &pdf, &["NGUYỄN THỊ MINH KHAI", "HÀ NỘI", "A−"]);
    let english = printed_form(&app, &id, &[&session, "lang=en"]).await;
    assert_prints(&app, &english, &["NGUYỄN THỊ MINH KHAI", "HÀ NỘI"]);

    // The account page lists the application by the same name.
    let html = get_with(&app, "/akun", &[&session]).await.text().await.unwrap();
    assert!(
        html.contains("NGUYỄN THỊ MINH KHAI"),
        "the account lists the name as stored"
    );
}

#[tokio::test]
async fn a_citizen_with_accents_apostrophes_and_hyphens_in_the_name_gets_them_on_the_form() {
    let app = spawn_app().await;
    let db = db_of(&app).await;
    let (session, id) = start(&app, "nunez.oster@example.com", "wni").await;
    let identity = [
        ("nik", "1403094508060002"),
        ("no_kk", "1403091201150003"),
        ("full_name", "Siti Ñúñez-Øster O'Brien Al-Farisi"),
    ];
    let birth = [("birth_place", "Şanlıurfa"), ("birth_date", "2006-08-05"), ("sex", "P")];
    let personal = [
        ("blood_type", "O+"),
        ("religion", "Islam"),
        ("marital_status", "Belum Kawin"),
        ("occupation", "Pelajar"),
    ];
    let contact = [("phone", "0812 3456 7890")];
    fill(
        &app,
        &session,
        &id,
        &[
            ("identitas", &identity),
            ("kelahiran", &birth),
            ("data-diri", &personal),
            ("alamat", ADDRESS),
            ("kontak", &contact),
        ],
    )
    .await;
    let answers = stored_answers(&db, &id).await;
    assert_eq!(answers["full_name"], "SITI ÑÚÑEZ-ØSTER O'BRIEN AL-FARISI");
    assert_eq!(answers["birth_place"], "ŞANLIURFA");

    let response = upload(&app, &session, &id, "kk_scan", "kk.jpg", fixtures::jpeg(600, 400), JSON).await;
    assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
    submit(&app, &session, &id).await;
    book(&app, &session, &id).await;

    let pdf = printed_form(&app, &id, &[&session]).await;
    assert_prints(&app, &pdf, &["SITI ÑÚÑEZ-ØSTER O'BRIEN AL-FARISI", "ŞANLIURFA"]);
}

#[tokio::test]
async fn a_name_in_another_script_is_refused_with_the_passport_message_and_never_a_server_error() {
    let app = spawn_app().await;
    let db = db_of(&app).await;
    let (session, id) = start(&app, "ivan@example.com", "wna").await;
    let identity = |name: &'static str| {
        [
            ("nik", "1403091105900003"),
            ("no_kk", "1403091201150003"),
            ("full_name", name),
        ]
    };

    // As the WASM app posts it: 422, naming the field and the problem.
    for name in [
        "Иван Петров",
        "محمد عبدالله",
        "王小明",
        "สมชาย ใจดี",
        "Γιώργος",
        "राहुल शर्मा",
        "Ivan Петров",
        "R2D2",
        "Siti 😀",
        "Zoq\u{308}",
    ] {
        let response = save(&app, &session, &id, "identitas", &identity(name), JSON).await;
        assert_eq!(response.status(), 422, "{name}");
        let body = response.text().await.unwrap();
        assert!(
            body.contains("full_name") && body.contains("NameAsWritten"),
            "{name}: {body}"
        );
    }
    let response = save(
        &app,
        &session,
        &id,
        "kelahiran",
        &[("birth_place", "Москва"), ("birth_date", "1990-05-11"), ("sex", "L")],
        JSON,
    )
    .await;
    assert_eq!(response.status(), 422);
    let body = response.text().await.unwrap();
    assert!(body.contains("birth_place") && body.contains("NameAsWritten"), "{body}");
    assert!(
        !stored_answers(&db, &id).await.contains_key("full_name"),
        "nothing refused is stored"
    );

    // As a browser without JavaScript posts it: back to the page, with the message in the reader's language.
    for (cookie, expected) in [
        (
            None,
            "Tulis nama lengkap dengan huruf Latin, seperti tertulis di paspor atau KITAP",
        ),
        (
            Some("lang=en"),
            "Write the full name in Latin letters, as it is written in the passport or KITAP",
        ),
    ] {
        let mut cookies = vec![session.as_str()];
        cookies.extend(cookie);
        let response = post(
            &app,
            "/api/permohonan/simpan",
            &[
                ("application", id.as_str()),
                ("section", "identitas"),
                ("nik", "1403091105900003"),
                ("no_kk", "1403091201150003"),
                ("full_name", "Иван Петров"),
            ],
            &cookies,
            HTML,
        )
        .await;
        assert!(response.status().is_redirection(), "{}", response.status());
        assert_eq!(response.headers()["location"], format!("/permohonan/{id}/identitas"));
        let flash = set_cookie(&response, "flash").expect("the problem waits in the flash cookie");
        cookies.push(&flash);
        let page = get_with(&app, &format!("/permohonan/{id}/identitas"), &cookies).await;
        assert_eq!(page.status(), 200);
        let html = page.text().await.unwrap();
        assert!(html.contains(expected), "{expected}:\n{html}");
    }

    // The same person, writing the name as the passport has it, goes on.
    let response = save(&app, &session, &id, "identitas", &identity("Ivan Petrov"), JSON).await;
    assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
    assert_eq!(stored_answers(&db, &id).await["full_name"], "IVAN PETROV");
}
