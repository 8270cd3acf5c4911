//! Handover as the seed describes it: a citizen's card, printed at the Dinas, travels to the district point that
//! hands it over (`distributing`, "dikirim ke Kantor Camat X"), and that point's operator records its arrival; a
//! card handed over at the Dinas is marked ready directly, and the wrong one of the two steps is refused. A failed
//! 1:1 fingerprint check at handover records the withheld card's return to Kemendagri under its reference, does
//! not give the blank back to the stock, moves the application to clarification and tells the applicant exactly
//! that (not an AFIS duplicate).

use crate::applications::submitted_citizen;
use crate::helpers::*;
use crate::staff::{staff_member, staff_sign_in};
use app::{
    domain::{
        application::Status,
        process::{Role, Step, StepInput},
    },
    i18n::Locale,
};
use server::db::{
    process::{self, Scope},
    Db,
};

async fn one<T>(db: &Db, sql: &str, id: &str) -> T
where
    (T,): for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow> + Send + Unpin,
{
    let (value,): (T,) = sqlx::query_as(sql).bind(id).fetch_one(&db.pool).await.unwrap();
    value
}

async fn status_of(db: &Db, id: &str) -> String {
    one(db, "SELECT status FROM applications WHERE id = $1", id).await
}

async fn stock(db: &Db) -> i64 {
    process::blank_cards(db).await.unwrap()
}

async fn ledger_rows(db: &Db) -> i64 {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM blank_card_changes")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    n
}

async fn point_name(db: &Db, point: &str) -> String {
    one(db, "SELECT name FROM service_points WHERE id = $1", point).await
}

/// A staff member signed in to the console: their scope (for steps taken through the store) and session.
struct Member {
    scope: Scope,
    session: String,
}

async fn member(app: &TestApp, db: &Db, username: &str, role: Role, point: Option<&str>) -> Member {
    let (staff_id, secret) = staff_member(db, username, role, point).await;
    let session = staff_sign_in(app, username, &secret).await;
    Member {
        scope: Scope {
            staff_id,
            role,
            point: point.map(str::to_owned),
        },
        session,
    }
}

/// Claims the application and takes `step` through the store, as the console does; panics if refused.
async fn store_step(db: &Db, who: &Member, id: &str, step: Step) {
    let now = server::auth::now();
    process::claim(db, &who.scope, id, now).await.unwrap();
    let input = StepInput {
        afis_reference: Some("AFIS-2026-0099".into()),
        confirmed: true,
        ..StepInput::default()
    };
    process::take_step(db, &who.scope, id, step, &input, now)
        .await
        .unwrap_or_else(|e| panic!("{step:?}: {e:?}"));
}

/// Claims the application in the console and posts one step's form; returns where the console sends back to.
async fn console_step(app: &TestApp, who: &Member, id: &str, form: &[(&str, &str)]) -> String {
    let detail = format!("/petugas/permohonan/{id}");
    let claimed = post(
        app,
        &format!("{detail}/klaim"),
        &[("action", "claim")],
        &[&who.session],
        HTML,
    )
    .await;
    assert_eq!(claimed.status(), 303);
    let response = post(app, &format!("{detail}/langkah"), form, &[&who.session], HTML).await;
    assert_eq!(response.status(), 303);
    response.headers()["location"].to_str().unwrap().to_owned()
}

async fn page(app: &TestApp, path: &str, cookies: &[&str]) -> String {
    let response = get_with(app, path, cookies).await;
    assert_eq!(response.status(), 200, "{path}");
    response.text().await.unwrap()
}

/// How many outbox rows one message to the applicant makes: one per address it goes to (the sign-in identifier,
/// and the form's contact where it differs), counted on the message of the submission.
async fn rows_per_message(db: &Db, id: &str) -> usize {
    let n = outbox(db, id)
        .await
        .iter()
        .filter(|(topic, payload)| topic == "status_changed" && payload["status"] == "submitted")
        .count();
    assert!(n >= 1, "the submission was told");
    n
}

/// The outbox rows of the application, oldest first: (topic, payload).
async fn outbox(db: &Db, id: &str) -> Vec<(String, serde_json::Value)> {
    let rows: Vec<(String, String)> =
        sqlx::query_as("SELECT topic, payload FROM outbox WHERE application_id = $1 ORDER BY created_at, id")
            .bind(id)
            .fetch_all(&db.pool)
            .await
            .unwrap();
    rows.into_iter()
        .map(|(topic, payload)| (topic, serde_json::from_str(&payload).unwrap()))
        .collect()
}

/// A submitted citizen at the Bengkalis district point, taken by staff through recording and AFIS to
/// `personalizing`, with blank cards in stock.
async fn personalizing(app: &TestApp, db: &Db, mailbox: &str, camat: &Member, sup: &Member) -> (String, String) {
    let (citizen, id) = submitted_citizen(app, mailbox).await;
    assert_eq!(
        one::<String>(db, "SELECT point_id FROM applications WHERE id = $1", &id).await,
        "14.03.01",
        "handled at the applicant's district point"
    );
    for (who, step) in [
        (camat, Step::Approve),
        (camat, Step::Record),
        (sup, Step::SendToAfis),
        (sup, Step::AfisSingle),
    ] {
        store_step(db, who, &id, step).await;
    }
    assert_eq!(status_of(db, &id).await, "personalizing");
    (citizen, id)
}

#[tokio::test]
async fn a_citizens_card_travels_to_the_district_point_and_its_operator_receives_it() {
    let app = spawn_app().await;
    let db = db_of(&app).await;
    let camat = member(&app, &db, "camat", Role::Operator, Some("14.03.01")).await;
    let dinas = member(&app, &db, "loketdinas", Role::Operator, Some("dinas")).await;
    let sup = member(&app, &db, "kepala", Role::Supervisor, None).await;
    process::change_blank_cards(&db, &sup.scope.staff_id, 5, "Kiriman Kemendagri", 1)
        .await
        .unwrap();
    let (citizen, id) = personalizing(&app, &db, "kirim@example.com", &camat, &sup).await;
    let destination = point_name(&db, "14.03.01").await;
    assert!(destination.starts_with("Kantor Camat "), "{destination}");
    let detail = format!("/petugas/permohonan/{id}");

    // The supervisor is offered distribution to the point, not "ready at the Dinas".
    post(
        &app,
        &format!("{detail}/klaim"),
        &[("action", "claim")],
        &[&sup.session],
        HTML,
    )
    .await;
    let html = page(&app, &detail, &[&sup.session]).await;
    assert!(html.contains("value=\"distribute\"") && !html.contains("value=\"card_ready\""));
    assert!(html.contains(&format!("Kartu dikirim ke: <strong>{destination}</strong>")));

    // Marking it ready at the Dinas is refused, with its own message, and takes no blank.
    let (cards, ledger) = (stock(&db).await, ledger_rows(&db).await);
    let refused = console_step(&app, &sup, &id, &[("step", "card_ready")]).await;
    assert_eq!(refused, format!("{detail}?galat=CardGoesToPoint"));
    assert!(page(&app, &refused, &[&sup.session])
        .await
        .contains("diserahkan di kantor camat"));
    assert_eq!(status_of(&db, &id).await, "personalizing");
    assert_eq!((stock(&db).await, ledger_rows(&db).await), (cards, ledger));

    // Distributing prints it on one blank and tells the applicant where it goes.
    let done = console_step(&app, &sup, &id, &[("step", "distribute")]).await;
    assert_eq!(done, format!("{detail}?ok=distribute"));
    assert_eq!(status_of(&db, &id).await, "distributing");
    assert_eq!(stock(&db).await, cards - 1);
    assert_eq!(ledger_rows(&db).await, ledger + 1);
    let told: Vec<serde_json::Value> = outbox(&db, &id)
        .await
        .into_iter()
        .filter(|(_, payload)| payload["step"] == "distribute")
        .map(|(topic, payload)| {
            assert_eq!(topic, "status_changed");
            payload
        })
        .collect();
    assert_eq!(told.len(), rows_per_message(&db, &id).await);
    assert!(told
        .iter()
        .all(|p| p["status"] == "distributing" && p["point"] == "14.03.01"));

    // The applicant reads where the card is going, in both languages, without JavaScript (server-rendered).
    let tracking = format!("/permohonan/{id}");
    for (locale, cookie) in [(Locale::Id, "lang=id"), (Locale::En, "lang=en")] {
        let html = page(&app, &tracking, &[&citizen, cookie]).await;
        let expected = locale
            .texts()
            .application
            .explain_distributing
            .replace("{point}", &destination);
        assert!(html.contains(&expected), "{locale:?}: {expected}");
    }
    // The console lists and shows it as on its way, with the destination.
    let html = page(&app, &detail, &[&sup.session]).await;
    assert!(html.contains(&format!("Kartu sedang dikirim ke <strong>{destination}</strong>")));
    let list = page(&app, "/petugas?status=distributing", &[&sup.session]).await;
    let reference: String = one(&db, "SELECT reference FROM applications WHERE id = $1", &id).await;
    assert!(list.contains(&reference) && list.contains(&destination));

    // The Dinas's counter does not even see it; the district point's operator records its arrival, then hands
    // it over.
    assert_eq!(get_with(&app, &detail, &[&dinas.session]).await.status(), 404);
    let html = page(&app, &detail, &[&camat.session]).await;
    assert!(html.contains("Kartu sedang dikirim ke"));
    let arrived = console_step(&app, &camat, &id, &[("step", "card_arrived")]).await;
    assert_eq!(arrived, format!("{detail}?ok=card_arrived"));
    assert_eq!(status_of(&db, &id).await, "ready");
    assert_eq!(stock(&db).await, cards - 1, "arriving takes no second blank");
    // The applicant reads where to collect it.
    let html = page(&app, &tracking, &[&citizen, "lang=id"]).await;
    let expected = Locale::Id
        .texts()
        .application
        .explain_ready_at
        .replace("{point}", &destination);
    assert!(html.contains(&expected), "{expected}");
    let actor: String = one(
        &db,
        "SELECT actor FROM application_events WHERE application_id = $1 AND step = 'card_arrived'",
        &id,
    )
    .await;
    assert_eq!(actor, format!("staff:{}", camat.scope.staff_id));
    let handed = console_step(&app, &camat, &id, &[("step", "handover_match"), ("confirmed", "1")]).await;
    assert_eq!(handed, format!("{detail}?ok=handover_match"));
    assert_eq!(status_of(&db, &id).await, "issued");
    let (account,): (String,) = sqlx::query_as("SELECT account_id FROM applications WHERE id = $1")
        .bind(&id)
        .fetch_one(&db.pool)
        .await
        .unwrap();
    let view = server::db::applications::get(
        &db,
        &account,
        &id,
        app::domain::office::office_date(server::auth::now()),
    )
    .await
    .unwrap()
    .unwrap();
    let statuses: Vec<Status> = view.history.iter().map(|h| h.status).collect();
    assert_eq!(
        statuses[statuses.len() - 4..],
        [
            Status::Personalizing,
            Status::Distributing,
            Status::Ready,
            Status::Issued
        ]
    );
    app.stop().await;
}

#[tokio::test]
async fn a_card_handed_over_at_the_dinas_is_marked_ready_and_never_distributed() {
    let app = spawn_app().await;
    let db = db_of(&app).await;
    let camat = member(&app, &db, "camat", Role::Operator, Some("14.03.01")).await;
    let sup = member(&app, &db, "kepala", Role::Supervisor, None).await;
    process::change_blank_cards(&db, &sup.scope.staff_id, 5, "Kiriman Kemendagri", 1)
        .await
        .unwrap();
    let (_, id) = personalizing(&app, &db, "asing@example.com", &camat, &sup).await;
    let detail = format!("/petugas/permohonan/{id}");

    // A foreign resident (handled at the Dinas): distribution is refused, ready at the Dinas is offered.
    sqlx::query("UPDATE applications SET kind = 'wna', point_id = 'dinas' WHERE id = $1")
        .bind(&id)
        .execute(&db.pool)
        .await
        .unwrap();
    post(
        &app,
        &format!("{detail}/klaim"),
        &[("action", "claim")],
        &[&sup.session],
        HTML,
    )
    .await;
    let html = page(&app, &detail, &[&sup.session]).await;
    assert!(html.contains("value=\"card_ready\"") && !html.contains("value=\"distribute\""));
    let refused = console_step(&app, &sup, &id, &[("step", "distribute")]).await;
    assert_eq!(refused, format!("{detail}?galat=CardStaysAtDinas"));
    assert!(page(&app, &refused, &[&sup.session])
        .await
        .contains("diserahkan di Dinas, tidak dikirim"));
    assert_eq!(
        (status_of(&db, &id).await, stock(&db).await),
        ("personalizing".to_owned(), 5)
    );

    // A foreign resident's card never travels, whatever point the row names; so is a citizen's at the Dinas.
    sqlx::query("UPDATE applications SET point_id = '14.03.01' WHERE id = $1")
        .bind(&id)
        .execute(&db.pool)
        .await
        .unwrap();
    let refused = console_step(&app, &sup, &id, &[("step", "distribute")]).await;
    assert_eq!(refused, format!("{detail}?galat=CardStaysAtDinas"));
    sqlx::query("UPDATE applications SET kind = 'wni', point_id = 'dinas' WHERE id = $1")
        .bind(&id)
        .execute(&db.pool)
        .await
        .unwrap();
    let refused = console_step(&app, &sup, &id, &[("step", "distribute")]).await;
    assert_eq!(refused, format!("{detail}?galat=CardStaysAtDinas"));
    let ready = console_step(&app, &sup, &id, &[("step", "card_ready")]).await;
    assert_eq!(ready, format!("{detail}?ok=card_ready"));
    assert_eq!((status_of(&db, &id).await, stock(&db).await), ("ready".to_owned(), 4));
    app.stop().await;
}

#[tokio::test]
async fn a_failed_handover_records_the_cards_return_and_tells_the_applicant_so() {
    let app = spawn_app().await;
    let db = db_of(&app).await;
    let camat = member(&app, &db, "camat", Role::Operator, Some("14.03.01")).await;
    let sup = member(&app, &db, "kepala", Role::Supervisor, None).await;
    process::change_blank_cards(&db, &sup.scope.staff_id, 5, "Kiriman Kemendagri", 1)
        .await
        .unwrap();
    let (citizen, id) = personalizing(&app, &db, "tahan@example.com", &camat, &sup).await;
    store_step(&db, &sup, &id, Step::Distribute).await;
    store_step(&db, &camat, &id, Step::CardArrived).await;
    assert_eq!(status_of(&db, &id).await, "ready");
    let detail = format!("/petugas/permohonan/{id}");
    let (cards, ledger, messages) = (stock(&db).await, ledger_rows(&db).await, outbox(&db, &id).await.len());
    let returns =
        || async { one::<i64>(&db, "SELECT COUNT(*) FROM card_returns WHERE application_id = $1", &id).await };

    // The form asks for the return's reference; without it, or too long, nothing happens.
    post(
        &app,
        &format!("{detail}/klaim"),
        &[("action", "claim")],
        &[&camat.session],
        HTML,
    )
    .await;
    let html = page(&app, &detail, &[&camat.session]).await;
    assert!(html.contains("name=\"return_reference\""));
    let mismatch = [("step", "handover_mismatch"), ("confirmed", "1")];
    let refused = console_step(&app, &camat, &id, &mismatch).await;
    assert_eq!(refused, format!("{detail}?galat=ReturnReferenceMissing"));
    assert!(page(&app, &refused, &[&camat.session])
        .await
        .contains("Isi nomor berita acara"));
    let blank = console_step(
        &app,
        &camat,
        &id,
        &[mismatch[0], mismatch[1], ("return_reference", "   ")],
    )
    .await;
    assert_eq!(blank, format!("{detail}?galat=ReturnReferenceMissing"));
    let long = "B".repeat(65);
    let refused = console_step(
        &app,
        &camat,
        &id,
        &[mismatch[0], mismatch[1], ("return_reference", &long)],
    )
    .await;
    assert_eq!(refused, format!("{detail}?galat=ReferenceTooLong"));
    let unticked = console_step(
        &app,
        &camat,
        &id,
        &[("step", "handover_mismatch"), ("return_reference", "BA/1")],
    )
    .await;
    assert_eq!(unticked, format!("{detail}?galat=NotConfirmed"));
    assert_eq!(status_of(&db, &id).await, "ready");
    assert_eq!(returns().await, 0);
    assert_eq!(outbox(&db, &id).await.len(), messages);

    // With it: the return is recorded, the blank is not given back, the applicant goes to clarification.
    let reference = "BA/2026/DUK/0042";
    let done = console_step(
        &app,
        &camat,
        &id,
        &[
            mismatch[0],
            mismatch[1],
            ("return_reference", &format!("  {reference} ")),
        ],
    )
    .await;
    assert_eq!(done, format!("{detail}?ok=handover_mismatch"));
    assert_eq!(status_of(&db, &id).await, "clarification");
    let recorded: (String, String) =
        sqlx::query_as("SELECT reference, staff_id FROM card_returns WHERE application_id = $1")
            .bind(&id)
            .fetch_one(&db.pool)
            .await
            .unwrap();
    assert_eq!(recorded, (reference.to_owned(), camat.scope.staff_id.clone()));
    assert_eq!(returns().await, 1);
    assert_eq!(
        (stock(&db).await, ledger_rows(&db).await),
        (cards, ledger),
        "the ledger is not credited"
    );

    // Exactly one message, its own: no generic "clarification needed".
    let queued = outbox(&db, &id).await;
    let per_message = rows_per_message(&db, &id).await;
    assert_eq!(queued.len(), messages + per_message);
    assert_eq!(
        queued.iter().filter(|(topic, _)| topic == "card_withheld").count(),
        per_message
    );
    assert!(!queued
        .iter()
        .any(|(topic, payload)| topic == "status_changed" && payload["step"] == "handover_mismatch"));

    // The applicant reads what happened, not an AFIS duplicate, in both languages.
    for (locale, cookie) in [(Locale::Id, "lang=id"), (Locale::En, "lang=en")] {
        let html = page(&app, &format!("/permohonan/{id}"), &[&citizen, cookie]).await;
        let t = &locale.texts().application;
        assert!(html.contains(t.explain_card_withheld), "{locale:?}");
        assert!(!html.contains(t.explain_clarification), "{locale:?}: not told of AFIS");
    }
    // The console's history shows the return: its reference, who recorded it.
    let html = page(&app, &detail, &[&sup.session]).await;
    assert!(html.contains(&format!(
        "Kartu dikembalikan ke Kemendagri untuk dimusnahkan: <strong>{reference}</strong> (dicatat oleh Petugas camat, "
    )));
    app.stop().await;
}

#[tokio::test]
async fn a_burst_of_distribute_steps_takes_one_blank_card() {
    let app = spawn_app().await;
    let db = db_of(&app).await;
    let camat = member(&app, &db, "camat", Role::Operator, Some("14.03.01")).await;
    let sup = member(&app, &db, "kepala", Role::Supervisor, None).await;
    process::change_blank_cards(&db, &sup.scope.staff_id, 10, "Kiriman Kemendagri", 1)
        .await
        .unwrap();
    let (_, id) = personalizing(&app, &db, "serbu@example.com", &camat, &sup).await;
    let detail = format!("/petugas/permohonan/{id}");
    post(
        &app,
        &format!("{detail}/klaim"),
        &[("action", "claim")],
        &[&sup.session],
        HTML,
    )
    .await;
    let (ledger, messages) = (ledger_rows(&db).await, outbox(&db, &id).await.len());

    // Twenty clicks at once on "printed and sent".
    let tasks: Vec<_> = (0..20)
        .map(|_| {
            let (client, url, session) = (
                app.client.clone(),
                app.url(&format!("{detail}/langkah")),
                sup.session.clone(),
            );
            tokio::spawn(async move {
                let response = client
                    .post(url)
                    .header("accept", HTML)
                    .header("cookie", session)
                    .form(&[("step", "distribute")])
                    .send()
                    .await
                    .unwrap();
                assert_eq!(response.status(), 303);
                response.headers()["location"].to_str().unwrap().to_owned()
            })
        })
        .collect();
    let answers: Vec<String> = futures_util::future::join_all(tasks)
        .await
        .into_iter()
        .map(Result::unwrap)
        .collect();
    assert_eq!(
        answers.iter().filter(|a| a.ends_with("?ok=distribute")).count(),
        1,
        "{answers:?}"
    );
    assert_eq!(status_of(&db, &id).await, "distributing");
    assert_eq!(stock(&db).await, 9, "one blank card taken");
    assert_eq!(ledger_rows(&db).await, ledger + 1);
    let events: i64 = one(
        &db,
        "SELECT COUNT(*) FROM application_events WHERE application_id = $1 AND step = 'distribute'",
        &id,
    )
    .await;
    assert_eq!(events, 1);
    assert_eq!(
        outbox(&db, &id).await.len(),
        messages + rows_per_message(&db, &id).await,
        "one message"
    );
    app.stop().await;
}
