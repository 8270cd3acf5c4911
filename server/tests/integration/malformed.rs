//! Malformed input never gets a 5xx. Every server function (found in `app/src` by its `#[server(endpoint = …)]`, so
//! a new one is covered without touching this file), every POST route of the staff console (found in its router),
//! the upload route and the areas API get bodies no page of the portal sends: empty, invalid UTF-8, the wrong
//! content type, JSON, JSON nested 100,000 deep, 20,000 repeated keys, huge numbers and a 1 MB field; signed out,
//! signed in as a citizen and as staff. Every answer must be a 4xx (or a success for what happens to be harmless),
//! and the portal must still answer afterwards.

use crate::applications::start;
use crate::helpers::*;
use app::domain::process::Role;
use server::{db::staff, staff::password, staff::totp};
use std::path::Path;

/// One place that takes input.
#[derive(Clone, Debug)]
struct Endpoint {
    path: String,
    /// Server functions with `GetUrl` read their arguments from the query.
    get: bool,
    /// The names of the fields it reads (the server function's parameters; a guess for the console's forms).
    fields: Vec<String>,
}

fn source(relative: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn rust_files(dir: &Path, found: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, found);
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(path);
        }
    }
}

fn between<'a>(text: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let at = text.find(start)? + start.len();
    let len = text[at..].find(end)?;
    Some(&text[at..at + len])
}

/// Every `#[server(endpoint = "…")]` in `app/src`, with its parameters.
fn server_functions() -> Vec<Endpoint> {
    let mut files = Vec::new();
    rust_files(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../app/src"), &mut files);
    let mut found = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        for (at, _) in text.match_indices("#[server(") {
            let line_start = text[..at].rfind('\n').map_or(0, |n| n + 1);
            if !text[line_start..at].trim().is_empty() {
                continue; // in a comment or a string, not an attribute
            }
            let rest = &text[at..];
            let attr = &rest[..rest.find(")]").unwrap()];
            let endpoint = between(attr, "endpoint = \"", "\"")
                .unwrap_or_else(|| panic!("a server function in {} without an endpoint", file.display()));
            let signature = &rest[rest.find("fn ").unwrap()..];
            let params = &signature[signature.find('(').unwrap() + 1..signature.find(") ->").unwrap()];
            let fields = params
                .split(',')
                .filter_map(|p| p.split_once(':').map(|(name, _)| name.trim().to_owned()))
                .filter(|n| !n.is_empty())
                .collect();
            found.push(Endpoint {
                path: format!("/api/{endpoint}"),
                get: attr.contains("GetUrl"),
                fields,
            });
        }
    }
    found.sort_by(|a, b| a.path.cmp(&b.path));
    found
}

/// Every POST route of the staff console's router (`server/src/staff/mod.rs`), path parameters filled in.
fn staff_posts() -> Vec<Endpoint> {
    let text = source("server/src/staff/mod.rs");
    let router = &text[text.find("pub fn router").unwrap()..];
    let router = &router[..router.find("\n}\n").unwrap()];
    let guessed: Vec<String> = [
        "username",
        "password",
        "code",
        "query",
        "step",
        "note",
        "reason",
        "text",
        "role",
        "point",
        "date",
        "display_name",
        "count",
        "confirm",
        "action",
        "reference",
        "booking",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    let mut found = Vec::new();
    for chunk in router.split(".route(").skip(1) {
        if !chunk.contains("post(") {
            continue;
        }
        let first = chunk.trim_start();
        let path = if let Some(literal) = first.strip_prefix('"') {
            literal[..literal.find('"').unwrap()].to_owned()
        } else {
            // `module::CONST`: read the constant from the module's file.
            let name = &first[..first.find([',', ')']).unwrap()];
            let (module, constant) = name.trim().split_once("::").unwrap();
            let file = source(&format!("server/src/staff/{module}.rs"));
            between(&file, &format!("const {constant}: &str = \""), "\"")
                .unwrap_or_else(|| panic!("the constant {name}"))
                .to_owned()
        };
        let mut filled = String::new();
        for segment in path.split('/').skip(1) {
            filled.push('/');
            filled.push_str(if segment.starts_with('{') { "0" } else { segment });
        }
        found.push(Endpoint {
            path: filled,
            get: false,
            fields: guessed.clone(),
        });
    }
    assert!(found.len() >= 10, "the staff console's POST routes: {found:?}");
    found
}

/// A body no page sends: its name, content type and bytes.
struct Body {
    name: &'static str,
    content_type: String,
    bytes: Vec<u8>,
}

const FORM: &str = "application/x-www-form-urlencoded";

fn repeated(fields: &[String], value: &str, pairs: usize) -> Vec<u8> {
    let mut body = String::new();
    for i in 0..pairs {
        if i > 0 {
            body.push('&');
        }
        body.push_str(&format!("{}={value}", fields[i % fields.len()]));
    }
    body.into_bytes()
}

fn bodies(endpoint: &Endpoint) -> Vec<Body> {
    let fields = if endpoint.fields.is_empty() {
        vec!["a".to_owned()]
    } else {
        endpoint.fields.clone()
    };
    let body = |name, content_type: &str, bytes: Vec<u8>| Body {
        name,
        content_type: content_type.to_owned(),
        bytes,
    };
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000)).into_bytes();
    let deep_object = format!("{}1{}", "{\"a\":".repeat(100_000), "}".repeat(100_000)).into_bytes();
    vec![
        body("empty", FORM, Vec::new()),
        body("empty, no content type", "", Vec::new()),
        body(
            "invalid UTF-8",
            FORM,
            [fields[0].as_bytes(), b"=\xff\xfe\xc3\x28&x=\x80"].concat(),
        ),
        body(
            "invalid UTF-8, percent-encoded",
            FORM,
            format!("{}=%FF%FE%C3%28", fields[0]).into_bytes(),
        ),
        body(
            "JSON",
            "application/json",
            format!("{{\"{}\": \"x\"}}", fields[0]).into_bytes(),
        ),
        body(
            "JSON as a form",
            FORM,
            format!("{{\"{}\": \"x\"}}", fields[0]).into_bytes(),
        ),
        body("text/plain", "text/plain", repeated(&fields, "x", fields.len())),
        body(
            "multipart without parts",
            "multipart/form-data; boundary=XyZ",
            b"--XyZ--\r\n".to_vec(),
        ),
        body(
            "multipart without a boundary",
            "multipart/form-data",
            b"--XyZ--\r\n".to_vec(),
        ),
        body("JSON nested 100,000 deep", "application/json", deep.clone()),
        body("JSON objects nested 100,000 deep", "application/json", deep_object),
        body("nesting 100,000 deep as a form", FORM, deep),
        body(
            "form keys nested deep",
            FORM,
            format!("{}{}=1", fields[0], "[a]".repeat(10_000)).into_bytes(),
        ),
        body("20,000 repeated keys", FORM, repeated(&fields, "1", 20_000)),
        body("1e400", FORM, repeated(&fields, "1e400", fields.len())),
        body(
            "99999999999999999999999",
            FORM,
            repeated(&fields, "99999999999999999999999", fields.len()),
        ),
        body(
            "huge numbers in JSON",
            "application/json",
            format!("{{\"{}\": 1e400, \"b\": 99999999999999999999999}}", fields[0]).into_bytes(),
        ),
        body(
            "a 1 MB field",
            FORM,
            format!("{}={}", fields[0], "a".repeat(1024 * 1024)).into_bytes(),
        ),
    ]
}

/// The same tricks in a query, for the functions that read one.
fn queries(endpoint: &Endpoint) -> Vec<(&'static str, String)> {
    let first = endpoint.fields.first().cloned().unwrap_or_else(|| "a".to_owned());
    let repeated = |value: &str, n: usize| {
        (0..n)
            .map(|i| {
                format!(
                    "{}={value}",
                    endpoint.fields.get(i % endpoint.fields.len().max(1)).unwrap_or(&first)
                )
            })
            .collect::<Vec<_>>()
            .join("&")
    };
    vec![
        ("no query", String::new()),
        ("invalid UTF-8", format!("{first}=%FF%FE%C3%28")),
        ("nested keys", format!("{first}{}=1", "[a]".repeat(2_000))),
        ("JSON", format!("{first}=%7B%22a%22%3A%5B%5B%5B1%5D%5D%5D%7D")),
        ("5,000 repeated keys", repeated("1", 5_000)),
        ("1e400", repeated("1e400", endpoint.fields.len())),
        (
            "99999999999999999999999",
            repeated("99999999999999999999999", endpoint.fields.len()),
        ),
        ("a long value", format!("{first}={}", "a".repeat(6_000))),
    ]
}

/// A staff member of `role`, enrolled, signed in through the form; returns the session cookie (`name=value`).
pub async fn staff_session(app: &TestApp, username: &str, role: Role) -> String {
    let response = staff_sign_in_response(app, &app.client, username, role).await;
    set_cookie(&response, "staff_session").expect("a staff session cookie")
}

/// Enrols a staff member of `role` and signs in through the form with `client`: the sign-in's answer.
pub async fn staff_sign_in_response(
    app: &TestApp,
    client: &reqwest::Client,
    username: &str,
    role: Role,
) -> reqwest::Response {
    const PASSWORD: &str = "kata sandi panjang sekali";
    let db = server::db::Db::connect(&app.database_url).await.unwrap();
    let now = server::auth::now();
    let (_, token) = staff::create(&db, username, "Petugas Uji", role, None, now)
        .await
        .unwrap();
    let secret = totp::new_secret();
    assert!(
        staff::complete_enrolment(&db, &token, &password::hash(PASSWORD), &secret, now / 30 - 2, now)
            .await
            .unwrap()
    );
    let code = totp::code_at_step(&secret, server::auth::now() / totp::STEP_SECS).unwrap();
    let form = [("username", username), ("password", PASSWORD), ("code", code.as_str())];
    let response = client
        .post(app.url("/petugas/masuk"))
        .header("accept", HTML)
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303, "the staff sign-in");
    response
}

/// Throws every body at every endpoint as `who` (with `cookie`); returns what answered 5xx or not at all.
async fn throw_everything(app: &TestApp, endpoints: &[Endpoint], who: &str, cookie: &str) -> Vec<String> {
    let mut failures = Vec::new();
    for endpoint in endpoints {
        let mut attempts: Vec<(String, reqwest::RequestBuilder)> = Vec::new();
        if endpoint.get {
            for (name, query) in queries(endpoint) {
                let url = format!("{}?{query}", app.url(&endpoint.path));
                attempts.push((name.to_owned(), app.client.get(url)));
            }
        } else {
            for body in bodies(endpoint) {
                let mut request = app.client.post(app.url(&endpoint.path)).body(body.bytes);
                if !body.content_type.is_empty() {
                    request = request.header("content-type", body.content_type);
                }
                attempts.push((body.name.to_owned(), request));
            }
        }
        for (name, request) in attempts {
            for accept in [HTML, "application/json"] {
                let mut request = request.try_clone().unwrap().header("accept", accept);
                if !cookie.is_empty() {
                    request = request.header("cookie", cookie);
                }
                let what = format!("{who}: {} {} ({accept})", endpoint.path, name);
                match request.send().await {
                    Ok(response) if response.status().is_server_error() => {
                        let status = response.status();
                        let text = response.text().await.unwrap_or_default();
                        failures.push(format!("{what}: {status} {}", &text[..text.len().min(200)]));
                    }
                    Ok(response) => {
                        let status = response.status();
                        // A refusal is short and never hands back what was sent.
                        let text = response.text().await.unwrap_or_default();
                        if status.is_client_error() && endpoint.path.starts_with("/api/") && text.len() > 2000 {
                            failures.push(format!("{what}: a {status} of {} bytes", text.len()));
                        }
                    }
                    Err(error) => failures.push(format!("{what}: no answer ({error})")),
                }
            }
        }
    }
    failures
}

/// Sign-outs last, so that the rest is tried signed in.
fn sign_outs_last(mut endpoints: Vec<Endpoint>) -> Vec<Endpoint> {
    endpoints.sort_by_key(|e| e.path.contains("keluar"));
    endpoints
}

#[tokio::test]
async fn malformed_input_to_any_server_function_or_route_is_a_4xx_never_a_5xx() {
    let app = spawn_app().await;
    let functions = server_functions();
    assert!(functions.len() >= 17, "every server function: {functions:?}");
    for known in ["/api/masuk", "/api/permohonan/simpan", "/api/wilayah", "/api/language"] {
        assert!(functions.iter().any(|f| f.path == known), "{known} is found");
    }

    // The measured defect: an empty body to the sign-in is a plain 400, with a short answer.
    let response = app
        .client
        .post(app.url("/api/masuk"))
        .header("content-type", FORM)
        .header("accept", "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    assert_eq!(response.text().await.unwrap(), "\"BadRequest\"");

    let (citizen, draft) = start(&app, "warga.malformed@example.com", "wni").await;
    let staff = staff_session(&app, "admin.malformed", Role::Admin).await;
    let mut endpoints = functions.clone();
    endpoints.extend(staff_posts());
    for id in [draft.as_str(), "0"] {
        endpoints.push(Endpoint {
            path: format!("/unggah/{id}"),
            get: false,
            fields: vec!["kk_scan".to_owned(), "kitap_scan".to_owned()],
        });
    }
    let endpoints = sign_outs_last(endpoints);

    let mut failures = throw_everything(&app, &endpoints, "signed out", "").await;
    failures.extend(throw_everything(&app, &endpoints, "citizen", &citizen).await);
    failures.extend(throw_everything(&app, &endpoints, "staff", &staff).await);
    assert!(
        failures.is_empty(),
        "{} answers were not 4xx:\n{}",
        failures.len(),
        failures.join("\n")
    );

    // And the portal still answers, pages and data alike.
    assert_eq!(app.get("/healthz").await.status(), 200);
    assert_eq!(app.get("/").await.status(), 200);
    assert_eq!(app.get("/api/wilayah?parent=14").await.status(), 200);
}

#[tokio::test]
async fn a_burst_of_malformed_requests_leaves_the_portal_answering() {
    let app = spawn_app().await;
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let repeated = vec!["identifier=1"; 20_000].join("&");
    let requests = (0..40).map(|i| {
        let client = app.client.clone();
        let url = app.url(if i % 2 == 0 {
            "/api/masuk"
        } else {
            "/api/permohonan/simpan"
        });
        let body = if i % 4 < 2 { deep.clone() } else { repeated.clone() };
        tokio::spawn(async move {
            client
                .post(url)
                .header("content-type", if i % 3 == 0 { "application/json" } else { FORM })
                .header("accept", "application/json")
                .body(body)
                .send()
                .await
                .map(|r| r.status())
        })
    });
    for answer in futures_util::future::join_all(requests).await {
        let status = answer.unwrap().expect("an answer");
        assert!(status.is_client_error(), "{status}");
    }
    assert_eq!(app.get("/healthz").await.status(), 200);
}
