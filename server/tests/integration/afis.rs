//! The AFIS link: the central system lists what waits for identification and posts results through the same
//! state machine as staff; every kind of bad token is refused and changes nothing, a replayed `jti` even on
//! another server process; a result posted twice is harmless and a conflicting one a 409; bad input is a JSON 4xx;
//! without configuration the link answers 503 but still serves its OpenAPI document.

use crate::applications::submitted_citizen;
use crate::helpers::*;
use app::domain::process::{Role, Step, StepInput};
use ed25519_dalek::{
    pkcs8::{spki::der::pem::LineEnding, EncodePrivateKey, EncodePublicKey},
    SigningKey,
};
use jsonwebtoken::{encode, Algorithm, EncodingKey, Header};
use serde_json::{json, Value};
use server::{
    config::Config,
    db::{
        process::{self, Scope},
        staff, Db,
    },
    startup::Application,
};

const ISSUER: &str = "kemendagri-afis";
const BASE_URL: &str = "http://portal.test";
const AUDIENCE: &str = "http://portal.test/api/afis";
const LIST: &str = "/api/afis/v1/applications";
/// The NIK `submitted_citizen` states.
const NIK: &str = "1403094508060002";

/// The central system's side: its key pair, and tokens signed with it.
struct Afis {
    key: SigningKey,
}

impl Afis {
    fn new() -> Afis {
        let mut seed = [0u8; 32];
        getrandom::fill(&mut seed).unwrap();
        Afis {
            key: SigningKey::from_bytes(&seed),
        }
    }

    fn public_pem(&self) -> String {
        self.key.verifying_key().to_public_key_pem(LineEnding::LF).unwrap()
    }

    fn settings(&self) -> Vec<(&'static str, String)> {
        vec![
            ("PUBLIC_BASE_URL", BASE_URL.to_owned()),
            ("AFIS_PUBLIC_KEY", self.public_pem()),
            ("AFIS_ISSUER", ISSUER.to_owned()),
        ]
    }

    /// Good claims for a token used now, with a new `jti`.
    fn claims(&self) -> Value {
        let now = server::auth::now();
        json!({ "iss": ISSUER, "aud": AUDIENCE, "iat": now, "exp": now + 120, "jti": server::auth::random::id() })
    }

    fn sign(&self, claims: &Value) -> String {
        let der = self.key.to_pkcs8_der().unwrap();
        encode(
            &Header::new(Algorithm::EdDSA),
            claims,
            &EncodingKey::from_ed_der(der.as_bytes()),
        )
        .unwrap()
    }

    fn token(&self) -> String {
        self.sign(&self.claims())
    }
}

async fn spawn_linked(afis: &Afis) -> TestApp {
    let settings = afis.settings();
    let overrides: Vec<(&str, &str)> = settings.iter().map(|(k, v)| (*k, v.as_str())).collect();
    spawn_app_with(&overrides).await
}

fn result_path(id: &str) -> String {
    format!("/api/afis/v1/applications/{id}/result")
}

async fn list(app: &TestApp, token: &str, query: &str) -> reqwest::Response {
    app.client
        .get(app.url(&format!("{LIST}{query}")))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
}

async fn post_result(app: &TestApp, token: &str, id: &str, body: &Value) -> reqwest::Response {
    app.client
        .post(app.url(&result_path(id)))
        .bearer_auth(token)
        .json(body)
        .send()
        .await
        .unwrap()
}

/// A JSON body with the `error` code and a `message`; returns the code.
async fn error_of(response: reqwest::Response) -> String {
    assert_eq!(
        response.headers()["content-type"],
        "application/json",
        "{}",
        response.status()
    );
    let body: Value = response.json().await.unwrap();
    assert!(body["message"].as_str().is_some_and(|m| !m.is_empty()), "{body}");
    body["error"].as_str().expect("an error code").to_owned()
}

async fn status_of(db: &Db, id: &str) -> String {
    let (status,): (String,) = sqlx::query_as("SELECT status FROM applications WHERE id = $1")
        .bind(id)
        .fetch_one(&db.pool)
        .await
        .unwrap();
    status
}

async fn events(db: &Db, id: &str) -> i64 {
    count(
        db,
        "SELECT COUNT(*) FROM application_events WHERE application_id = $1",
        id,
    )
    .await
}

async fn messages(db: &Db, id: &str) -> i64 {
    count(
        db,
        "SELECT COUNT(*) FROM outbox WHERE application_id = $1 AND recipient IS NULL",
        id,
    )
    .await
}

/// A supervisor, as the console's steps need one.
async fn supervisor(db: &Db, username: &str) -> Scope {
    let (staff_id, _) = staff::create(
        db,
        username,
        "Supervisor Dinas",
        Role::Supervisor,
        None,
        server::auth::now(),
    )
    .await
    .unwrap();
    Scope {
        staff_id,
        role: Role::Supervisor,
        point: None,
    }
}

/// A supervisor takes `step` as the console does: claim, then the step.
async fn staff_step(db: &Db, scope: &Scope, id: &str, step: Step) {
    let now = server::auth::now();
    process::claim(db, scope, id, now).await.unwrap();
    let input = StepInput {
        confirmed: true,
        ..StepInput::default()
    };
    process::take_step(db, scope, id, step, &input, now).await.unwrap();
}

/// An application the real way: the citizen submits, staff approve, record and send it to AFIS.
async fn identifying(app: &TestApp, db: &Db, scope: &Scope, mailbox: &str) -> String {
    let (_, id) = submitted_citizen(app, mailbox).await;
    for step in [Step::Approve, Step::Record, Step::SendToAfis] {
        staff_step(db, scope, &id, step).await;
    }
    assert_eq!(status_of(db, &id).await, "identifying");
    id
}

#[tokio::test]
async fn afis_lists_what_waits_and_its_result_moves_the_application_once() {
    let afis = Afis::new();
    let app = spawn_linked(&afis).await;
    let db = db_of(&app).await;
    let scope = supervisor(&db, "sup").await;
    let waiting = identifying(&app, &db, &scope, "afis-satu@example.com").await;
    let (_, submitted) = submitted_citizen_with_nik(&app, "afis-dua@example.com", "1403094508060012").await;

    let response = list(&app, &afis.token(), "").await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["cache-control"], "no-store");
    let page: Value = response.json().await.unwrap();
    let items = page["applications"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{page}");
    let item = &items[0];
    assert_eq!(item["id"], json!(waiting));
    assert_eq!(item["nik"], json!(NIK));
    assert_eq!(item["full_name"], json!("SITI AMINAH"));
    assert_eq!(item["birth_date"], json!("2006-08-05"));
    assert!(item["reference"].as_str().unwrap().starts_with("BKS-"));
    let since = item["waiting_since"].as_str().unwrap();
    assert!(
        since.len() == 20 && since.ends_with('Z') && since.as_bytes()[10] == b'T',
        "{since}"
    );
    assert_eq!(page["next"], Value::Null);
    assert!(!page.to_string().contains(&submitted));

    // The result moves it, in the same transaction as its event and the applicant's message.
    let (events_before, messages_before) = (events(&db, &waiting).await, messages(&db, &waiting).await);
    let single = json!({ "result": "single", "reference": " AFIS-2026-0001 " });
    let response = post_result(&app, &afis.token(), &waiting, &single).await;
    assert_eq!(response.status(), 200);
    let recorded: Value = response.json().await.unwrap();
    assert_eq!(recorded["status"], json!("personalizing"));
    assert_eq!(recorded["result"], json!("single"));
    assert_eq!(recorded["afis_reference"], json!("AFIS-2026-0001"));
    assert_eq!(recorded["already_recorded"], json!(false));
    assert_eq!(recorded["reference"], item["reference"]);
    assert_eq!(status_of(&db, &waiting).await, "personalizing");
    assert_eq!(events(&db, &waiting).await, events_before + 1);
    assert_eq!(messages(&db, &waiting).await, messages_before + 1);
    let (actor, step, reference): (String, String, String) = sqlx::query_as(
        "SELECT actor, step, afis_reference FROM application_events WHERE application_id = $1 AND step = 'afis_single'",
    )
    .bind(&waiting)
    .fetch_one(&db.pool)
    .await
    .unwrap();
    assert_eq!(
        (actor.as_str(), step.as_str(), reference.as_str()),
        ("afis:kemendagri-afis", "afis_single", "AFIS-2026-0001")
    );
    // The console's history names the central system, not the applicant.
    let history = process::events(&db, &waiting).await.unwrap();
    let result = history.iter().find(|e| e.step == Some(Step::AfisSingle)).unwrap();
    assert_eq!(result.staff.as_deref(), Some("AFIS (kemendagri-afis)"));

    // The same result again, twice at once: harmless, nothing changes.
    let (first, second) = (afis.token(), afis.token());
    let (a, b) = tokio::join!(
        post_result(&app, &first, &waiting, &single),
        post_result(&app, &second, &waiting, &single)
    );
    for response in [a, b] {
        assert_eq!(response.status(), 200);
        let again: Value = response.json().await.unwrap();
        assert_eq!(again["already_recorded"], json!(true));
        assert_eq!(again["status"], json!("personalizing"));
    }
    assert_eq!(events(&db, &waiting).await, events_before + 1);
    assert_eq!(messages(&db, &waiting).await, messages_before + 1);

    // A different result, or the same with another reference, conflicts.
    for body in [
        json!({ "result": "duplicate", "reference": "AFIS-2026-0001" }),
        json!({ "result": "single", "reference": "AFIS-2026-0002" }),
    ] {
        let response = post_result(&app, &afis.token(), &waiting, &body).await;
        assert_eq!(response.status(), 409, "{body}");
        assert_eq!(error_of(response).await, "conflict");
    }
    // An application never sent to AFIS conflicts too; one that does not exist is a 404.
    let response = post_result(&app, &afis.token(), &submitted, &single).await;
    assert_eq!(response.status(), 409);
    assert_eq!(status_of(&db, &submitted).await, "submitted");
    let response = post_result(&app, &afis.token(), "0123456789abcdef0123456789abcdef", &single).await;
    assert_eq!(error_of(response).await, "not_found");
    assert_eq!(status_of(&db, &waiting).await, "personalizing");
    assert_eq!(events(&db, &waiting).await, events_before + 1);

    let page: Value = list(&app, &afis.token(), "").await.json().await.unwrap();
    assert_eq!(page["applications"], json!([]));
    app.stop().await;
}

#[tokio::test]
async fn a_duplicate_calls_for_clarification_and_a_retry_waits_again() {
    let afis = Afis::new();
    let app = spawn_linked(&afis).await;
    let db = db_of(&app).await;
    let scope = supervisor(&db, "sup").await;
    let id = identifying(&app, &db, &scope, "afis-ganda@example.com").await;
    // A supervisor holding the claim does not stop the central system.
    process::claim(&db, &scope, &id, server::auth::now()).await.unwrap();

    let duplicate = json!({ "result": "duplicate", "reference": "REC-1403-778899" });
    let response = post_result(&app, &afis.token(), &id, &duplicate).await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.json::<Value>().await.unwrap()["status"],
        json!("clarification")
    );
    assert_eq!(status_of(&db, &id).await, "clarification");
    let history = process::events(&db, &id).await.unwrap();
    let result = history.iter().find(|e| e.step == Some(Step::AfisDuplicate)).unwrap();
    assert_eq!(result.afis_reference.as_deref(), Some("REC-1403-778899"));
    assert_eq!(result.staff.as_deref(), Some("AFIS (kemendagri-afis)"));

    // Clarification corrects the record and sends it again: it waits again, and a new result is taken.
    staff_step(&db, &scope, &id, Step::ClarificationRetry).await;
    let page: Value = list(&app, &afis.token(), "").await.json().await.unwrap();
    assert_eq!(page["applications"][0]["id"], json!(id));
    let response = post_result(
        &app,
        &afis.token(),
        &id,
        &json!({ "result": "single", "reference": "AFIS-2" }),
    )
    .await;
    assert_eq!(response.status(), 200);
    assert_eq!(status_of(&db, &id).await, "personalizing");
    // Either result, posted late, is one that was recorded: harmless. One never recorded conflicts.
    let events_before = events(&db, &id).await;
    let response = post_result(&app, &afis.token(), &id, &duplicate).await;
    assert_eq!(response.status(), 200);
    let late: Value = response.json().await.unwrap();
    assert_eq!(
        (late["already_recorded"].clone(), late["status"].clone()),
        (json!(true), json!("personalizing"))
    );
    let response = post_result(
        &app,
        &afis.token(),
        &id,
        &json!({ "result": "duplicate", "reference": "AFIS-2" }),
    )
    .await;
    assert_eq!(response.status(), 409);
    assert_eq!(events(&db, &id).await, events_before);
    app.stop().await;
}

#[tokio::test]
async fn the_list_pages_by_key_longest_waiting_first() {
    let afis = Afis::new();
    let app = spawn_linked(&afis).await;
    let db = db_of(&app).await;
    // Seven waiting applications, sent to AFIS in an order unlike their submission (two in the same second: the
    // id breaks the tie), and one that is only recorded.
    let sent = [
        1_700_000_050i64,
        1_700_000_010,
        1_700_000_030,
        1_700_000_030,
        1_700_000_070,
        1_700_000_020,
        1_700_000_060,
    ];
    for (i, at) in sent.iter().enumerate() {
        sqlx::query("INSERT INTO accounts (id, identifier, created_at) VALUES ($1, $2, 0)")
            .bind(format!("acc-afis-{i}"))
            .bind(format!("afis{i}@example.com"))
            .execute(&db.pool)
            .await
            .unwrap();
        let status = if i == 0 { "recorded" } else { "identifying" };
        sqlx::query(
            "INSERT INTO applications (id, account_id, kind, status, answers, reference, created_at, updated_at, \
             submitted_at, point_id, nik) VALUES ($1, $2, 'wni', $3, $4, $5, 0, 0, $6, 'dinas', $7)",
        )
        .bind(format!("appafis{i}"))
        .bind(format!("acc-afis-{i}"))
        .bind(status)
        .bind(json!({ "full_name": format!("Pemohon {i}") }).to_string())
        .bind(format!("BKS-261201-A{i:05}"))
        .bind(1_600_000_000 + i as i64)
        .bind(format!("1403010101{i:06}"))
        .execute(&db.pool)
        .await
        .unwrap();
        sqlx::query(
            "INSERT INTO application_events (id, application_id, at, actor, from_status, to_status, step) \
             VALUES ($1, $2, $3, 'staff:x', 'recorded', 'identifying', 'send_to_afis')",
        )
        .bind(format!("ev-afis-{i}"))
        .bind(format!("appafis{i}"))
        .bind(at)
        .execute(&db.pool)
        .await
        .unwrap();
    }
    // Application 1 waits since 010, 5 since 020, 2 and 3 since 030 (id order), 6 since 060, 4 since 070;
    // application 0 left again.
    let expected: Vec<String> = [1, 5, 2, 3, 6, 4].iter().map(|i| format!("appafis{i}")).collect();
    let mut seen = Vec::new();
    let mut query = "?limit=4".to_owned();
    let mut pages = 0;
    loop {
        let response = list(&app, &afis.token(), &query).await;
        assert_eq!(response.status(), 200);
        let page: Value = response.json().await.unwrap();
        pages += 1;
        for item in page["applications"].as_array().unwrap() {
            seen.push(item["id"].as_str().unwrap().to_owned());
            assert_eq!(item["birth_date"], Value::Null, "not stated");
        }
        match page["next"].as_str() {
            Some(next) => query = format!("?limit=4&after={next}"),
            None => break,
        }
    }
    assert_eq!((seen, pages), (expected, 2));
    let first: Value = list(&app, &afis.token(), "?limit=1").await.json().await.unwrap();
    assert_eq!(first["applications"][0]["waiting_since"], json!("2023-11-14T22:13:30Z"));

    for bad in [
        "?limit=0",
        "?limit=101",
        "?limit=x",
        "?limit=",
        "?after=nonsense",
        "?after=1-a%20b",
        "?limit=1&limit=2",
    ] {
        let response = list(&app, &afis.token(), bad).await;
        assert_eq!(response.status(), 400, "{bad}");
        assert_eq!(error_of(response).await, "bad_request");
    }
    app.stop().await;
}

#[tokio::test]
async fn every_bad_token_is_refused_and_changes_nothing() {
    let afis = Afis::new();
    let app = spawn_linked(&afis).await;
    let db = db_of(&app).await;
    let scope = supervisor(&db, "sup").await;
    let id = identifying(&app, &db, &scope, "afis-token@example.com").await;
    let events_before = events(&db, &id).await;
    let now = server::auth::now();
    let with = |change: &dyn Fn(&mut serde_json::Map<String, Value>)| {
        let mut claims = afis.claims();
        change(claims.as_object_mut().unwrap());
        claims
    };
    let b64 = |text: &str| {
        use base64::Engine;
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(text)
    };
    let other = Afis::new();
    let used = afis.token();
    assert_eq!(list(&app, &used, "").await.status(), 200);

    let mut bad: Vec<(&str, String)> = vec![
        ("wrong signature", other.sign(&afis.claims())),
        (
            "alg none",
            format!(
                "{}.{}.",
                b64(r#"{"alg":"none","typ":"JWT"}"#),
                b64(&afis.claims().to_string())
            ),
        ),
        (
            "HS256 with the public key as the secret",
            encode(
                &Header::new(Algorithm::HS256),
                &afis.claims(),
                &EncodingKey::from_secret(afis.public_pem().as_bytes()),
            )
            .unwrap(),
        ),
        (
            "expired",
            afis.sign(&with(&|c| {
                c.insert("iat".into(), json!(now - 400));
                c.insert("exp".into(), json!(now - 300));
            })),
        ),
        (
            "issued in the future",
            afis.sign(&with(&|c| {
                c.insert("iat".into(), json!(now + 300));
                c.insert("exp".into(), json!(now + 400));
            })),
        ),
        (
            "not valid yet",
            afis.sign(&with(&|c| {
                c.insert("nbf".into(), json!(now + 300));
            })),
        ),
        (
            "living too long",
            afis.sign(&with(&|c| {
                c.insert("exp".into(), json!(now + 3600));
            })),
        ),
        (
            "wrong audience",
            afis.sign(&with(&|c| {
                c.insert("aud".into(), json!("http://portal.test/api/other"));
            })),
        ),
        (
            "wrong issuer",
            afis.sign(&with(&|c| {
                c.insert("iss".into(), json!("someone-else"));
            })),
        ),
        (
            "no jti",
            afis.sign(&with(&|c| {
                c.remove("jti");
            })),
        ),
        ("replayed jti", used),
        ("not a token", "abc".to_owned()),
    ];
    let single = json!({ "result": "single", "reference": "AFIS-9" });
    for (case, token) in bad.drain(..) {
        let response = post_result(&app, &token, &id, &single).await;
        assert_eq!(response.status(), 401, "{case}");
        let challenge = response.headers()["www-authenticate"].to_str().unwrap().to_owned();
        assert!(
            challenge.starts_with("Bearer realm=\"afis\", error=\"invalid_token\""),
            "{case}: {challenge}"
        );
        let code = error_of(response).await;
        let expected = if case == "replayed jti" {
            "replayed_token"
        } else {
            "invalid_token"
        };
        assert_eq!(code, expected, "{case}");
        assert_eq!(list(&app, &token, "").await.status(), 401, "{case}");
        assert_eq!(status_of(&db, &id).await, "identifying", "{case}");
        assert_eq!(events(&db, &id).await, events_before, "{case}");
    }
    // No token at all, and another scheme.
    let response = app.client.get(app.url(LIST)).send().await.unwrap();
    assert_eq!(response.status(), 401);
    assert_eq!(response.headers()["www-authenticate"], "Bearer realm=\"afis\"");
    assert_eq!(error_of(response).await, "missing_token");
    let response = app
        .client
        .post(app.url(&result_path(&id)))
        .basic_auth("afis", Some("secret"))
        .json(&single)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    assert_eq!(status_of(&db, &id).await, "identifying");
    app.stop().await;
}

/// A second server process on the same database, with the same AFIS configuration (and the same data folder, so
/// the same session key: a process with another refuses to start).
async fn second_process(app: &TestApp, afis: &Afis) -> (String, tokio::sync::oneshot::Sender<()>) {
    let data = app.dir.path().join("data");
    let mut vars: Vec<(String, String)> = afis.settings().into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
    vars.extend([
        ("SMTP_URL".to_owned(), format!("smtp://127.0.0.1:{}", mail_sink().port)),
        ("DATA_DIR".to_owned(), data.display().to_string()),
        ("DATABASE_URL".to_owned(), app.database_url.clone()),
        ("LEPTOS_SITE_ADDR".to_owned(), "127.0.0.1:0".to_owned()),
        (
            "LEPTOS_SITE_ROOT".to_owned(),
            app.dir.path().join("site").display().to_string(),
        ),
    ]);
    let config = Config::from_lookup(|k| vars.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone())).unwrap();
    let second = Application::build(config).await.expect("the second process starts");
    let base = format!("http://{}", second.local_addr());
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(second.run_until(async move {
        let _ = rx.await;
    }));
    (base, tx)
}

#[tokio::test]
async fn a_token_used_on_one_server_process_is_refused_by_another() {
    let afis = Afis::new();
    let app = spawn_linked(&afis).await;
    let (second, stop) = second_process(&app, &afis).await;
    let token = afis.token();
    assert_eq!(list(&app, &token, "").await.status(), 200);
    let response = app
        .client
        .get(format!("{second}{LIST}"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    assert_eq!(error_of(response).await, "replayed_token");
    // A fresh token works there.
    let response = app
        .client
        .get(format!("{second}{LIST}"))
        .bearer_auth(afis.token())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let _ = stop.send(());
    app.stop().await;
}

#[tokio::test]
async fn bad_input_is_a_json_4xx_never_a_server_error() {
    let afis = Afis::new();
    let app = spawn_linked(&afis).await;
    let db = db_of(&app).await;
    let scope = supervisor(&db, "sup").await;
    let id = identifying(&app, &db, &scope, "afis-masukan@example.com").await;
    let path = result_path(&id);
    let raw = |body: &'static str, content_type: &'static str| {
        app.client
            .post(app.url(&path))
            .bearer_auth(afis.token())
            .header("content-type", content_type)
            .body(body)
    };
    let cases: Vec<(reqwest::RequestBuilder, u16, &str)> = vec![
        (raw("{not json", "application/json"), 400, "bad_request"),
        (raw("", "application/json"), 400, "bad_request"),
        (
            raw(r#"{"result":"single","reference":"A"}"#, "text/plain"),
            415,
            "unsupported_media_type",
        ),
        (
            raw(r#"{"result":"maybe","reference":"A"}"#, "application/json"),
            422,
            "invalid_result",
        ),
        (raw(r#"{"result":"single"}"#, "application/json"), 422, "invalid_result"),
        (
            raw(r#"{"result":"single","reference":"   "}"#, "application/json"),
            422,
            "invalid_result",
        ),
        (
            raw(r#"{"result":"single","reference":"A\u0007B"}"#, "application/json"),
            422,
            "invalid_result",
        ),
        (
            raw(r#"{"result":"single","reference":42}"#, "application/json"),
            422,
            "invalid_result",
        ),
        (
            raw(r#"{"result":"single","reference":"A","extra":1}"#, "application/json"),
            422,
            "invalid_result",
        ),
        (raw(r#"["single","A"]"#, "application/json"), 422, "invalid_result"),
    ];
    for (request, status, code) in cases {
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), status, "{code}");
        assert_eq!(error_of(response).await, code);
    }
    let long = json!({ "result": "single", "reference": "R".repeat(65) });
    let response = post_result(&app, &afis.token(), &id, &long).await;
    assert_eq!(response.status(), 422);
    let exactly = json!({ "result": "single", "reference": "é".repeat(64) });
    for weird in ["..", "a%2Fb", "%00", "x'%20OR%201=1", &"a".repeat(65)] {
        let response = post_result(&app, &afis.token(), weird, &exactly).await;
        assert_eq!(response.status(), 404, "{weird}");
    }
    let response = app.client.get(app.url("/api/afis/v1/nothing")).send().await.unwrap();
    assert_eq!(error_of(response).await, "not_found");
    assert_eq!(status_of(&db, &id).await, "identifying");
    // 64 characters (not bytes) are fine.
    let response = post_result(&app, &afis.token(), &id, &exactly).await;
    assert_eq!(response.status(), 200);
    app.stop().await;
}

#[tokio::test]
async fn without_configuration_the_link_is_off_but_documented() {
    let app = spawn_app().await;
    let afis = Afis::new();
    let response = list(&app, &afis.token(), "").await;
    assert_eq!(response.status(), 503);
    assert_eq!(error_of(response).await, "not_configured");
    let response = post_result(
        &app,
        &afis.token(),
        "abc",
        &json!({ "result": "single", "reference": "A" }),
    )
    .await;
    assert_eq!(response.status(), 503);

    let response = app.get("/api/afis/v1/openapi.json").await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/json");
    let doc: Value = response.json().await.unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    for path in [
        "/api/afis/v1/applications",
        "/api/afis/v1/applications/{id}/result",
        "/api/afis/v1/openapi.json",
    ] {
        assert!(doc["paths"][path].is_object(), "{path}");
    }
    assert_eq!(
        doc["components"]["securitySchemes"]["afisBearer"]["bearerFormat"],
        json!("JWT")
    );
    app.stop().await;
}
