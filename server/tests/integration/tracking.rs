//! Following a card: the applicant's page tells the current step in plain words, what to do, and the day the card
//! is promised (14 working days from the recording, skipping weekends and days off); each step reaches them by
//! email in their language.

use crate::applications::submitted_citizen;
use crate::helpers::*;
use app::{
    components::form::long_day,
    domain::{
        application::Status,
        office::{office_date, SERVICE_DAYS},
        process::{Role, Step, StepInput},
        Date,
    },
    i18n::Locale,
};
use server::{
    auth::now,
    db::{bookings, complaints, process, staff, Db},
};

/// The promised day counted here by hand: `SERVICE_DAYS` days after `start` that are neither a weekend nor a day
/// in `days_off`.
fn promised(start: Date, days_off: &[Date]) -> Date {
    let mut day = start;
    let mut counted = 0;
    while counted < SERVICE_DAYS {
        day = day.add_days(1);
        if day.weekday() < 5 && !days_off.contains(&day) {
            counted += 1;
        }
    }
    day
}

#[tokio::test]
async fn the_tracking_page_follows_the_card_and_every_step_is_mailed() {
    let app = spawn_app().await;
    let db = Db::connect(&app.database_url).await.unwrap();
    let mailbox = "lacak@example.com";
    let (citizen, id) = submitted_citizen(&app, mailbox).await;
    let page = format!("/permohonan/{id}");
    let received = newest_mail_to(mailbox, |m| subject(m).ends_with("diterima")).await;
    assert!(body(&received).contains("sudah kami terima"), "{received}");

    let (staff_id, _) = staff::create(&db, "penyelia", "Penyelia", Role::Supervisor, None, now())
        .await
        .unwrap();
    let scope = process::Scope {
        staff_id: staff_id.clone(),
        role: Role::Supervisor,
        point: None,
    };
    process::change_blank_cards(&db, &staff_id, 10, "stok awal", now())
        .await
        .unwrap();
    // A day off one working week after today: the promise must step over it.
    let today = office_date(now());
    let holiday = promised(today, &[]).add_days(-7);
    let holiday = if holiday.weekday() >= 5 {
        holiday.add_days(2)
    } else {
        holiday
    };
    bookings::add_holiday(&db, holiday, "lokal", "Hari Jadi Kabupaten", now())
        .await
        .unwrap();
    let days_off: Vec<Date> = sqlx::query_as::<_, (String,)>("SELECT day FROM holidays")
        .fetch_all(&db.pool)
        .await
        .unwrap()
        .into_iter()
        .filter_map(|(d,)| Date::parse_iso(&d))
        .collect();

    let step = |step: Step| {
        let (db, scope, id) = (db.clone(), scope.clone(), id.clone());
        async move {
            process::claim(&db, &scope, &id, now()).await.unwrap();
            let input = StepInput {
                confirmed: true,
                ..StepInput::default()
            };
            process::take_step(&db, &scope, &id, step, &input, now()).await.unwrap();
        }
    };
    let t = Locale::Id.texts();
    let text = |html: &str| html.replace("&#x27;", "'");

    step(Step::Approve).await;
    let html = get_with(&app, &page, &[&citizen]).await.text().await.unwrap();
    assert!(html.contains(t.application.explain_approved), "what to do now");
    assert!(html.contains(t.booking.view_link), "the way to book");
    let approved = newest_mail_to(mailbox, |m| subject(m).contains("disetujui")).await;
    assert!(body(&approved).contains("pilih jadwal perekaman"));

    step(Step::Record).await;
    let due = promised(today, &days_off);
    assert!(holiday > today && holiday < due, "the day off falls inside the promise");
    assert!(
        due.days_since_epoch() - today.days_since_epoch() >= 19,
        "two weekends and the day off are skipped"
    );
    let html = text(&get_with(&app, &page, &[&citizen]).await.text().await.unwrap());
    let expected = t.application.promise_due.replace("{date}", &long_day(t, due));
    assert!(html.contains(&expected), "the promised day, {expected}, in:\n{html}");
    assert!(html.contains(t.application.explain_recorded));

    for s in [Step::SendToAfis, Step::AfisSingle] {
        let input = StepInput {
            afis_reference: Some("AFIS-2026-77".into()),
            ..StepInput::default()
        };
        process::claim(&db, &scope, &id, now()).await.unwrap();
        process::take_step(&db, &scope, &id, s, &input, now()).await.unwrap();
    }
    // A citizen at a district point: the card is printed at the Dinas and sent there.
    step(Step::Distribute).await;
    step(Step::CardArrived).await;
    let html = text(&get_with(&app, &page, &[&citizen]).await.text().await.unwrap());
    let (point,): (String,) =
        sqlx::query_as("SELECT p.name FROM applications a JOIN service_points p ON p.id = a.point_id WHERE a.id = $1")
            .bind(&id)
            .fetch_one(&db.pool)
            .await
            .unwrap();
    let ready_at = t.application.explain_ready_at.replace("{point}", &point);
    assert!(html.contains(&ready_at), "ready, and where: {ready_at}");
    assert!(html.contains(&format!("href=\"/formulir/{id}\"")), "the form to bring");
    let kept = t
        .application
        .promise_kept
        .replace("{ready}", &long_day(t, today))
        .replace("{date}", &long_day(t, due));
    assert!(html.contains(&kept), "{kept}");
    let ready = newest_mail_to(mailbox, |m| subject(m).ends_with("siap diambil")).await;
    assert!(body(&ready).contains("Bawa formulir permohonan"));

    step(Step::HandoverMatch).await;
    let html = get_with(&app, &page, &[&citizen]).await.text().await.unwrap();
    assert!(html.contains(t.application.explain_issued));
    newest_mail_to(mailbox, |m| subject(m).ends_with("sudah diserahkan")).await;

    // The history keeps the order of the steps, though several fell within one second.
    let (account,): (String,) = sqlx::query_as("SELECT id FROM accounts WHERE identifier = $1")
        .bind(mailbox)
        .fetch_one(&db.pool)
        .await
        .unwrap();
    let view = server::db::applications::get(&db, &account, &id, today)
        .await
        .unwrap()
        .unwrap();
    let statuses: Vec<Status> = view.history.iter().map(|h| h.status).collect();
    use Status::*;
    assert_eq!(
        statuses,
        [
            Draft,
            Submitted,
            Approved,
            Recorded,
            Identifying,
            Personalizing,
            Distributing,
            Ready,
            Issued
        ]
    );
    app.stop().await;
}

#[tokio::test]
async fn a_complaint_is_answered_in_the_console_and_the_applicant_reads_the_answer() {
    let app = spawn_app().await;
    let db = Db::connect(&app.database_url).await.unwrap();
    let mailbox = "adu@example.com";
    let (citizen, id) = submitted_citizen(&app, mailbox).await;
    let page = format!("/permohonan/{id}");
    let t = &Locale::Id.texts().application;

    // An empty complaint comes back with its problem; a long one is kept as typed.
    let response = post(
        &app,
        "/api/permohonan/pengaduan",
        &[("application", &id), ("text", "  ")],
        &[&citizen],
        HTML,
    )
    .await;
    assert_eq!(response.headers()["location"], format!("{page}#pengaduan"));
    let flash = set_cookie(&response, "flash").expect("the problem travels in the flash");
    let html = get_with(&app, &page, &[&citizen, &flash]).await.text().await.unwrap();
    assert!(html.contains(t.complaint_missing), "the problem is shown");
    let text = "Sudah tiga minggu belum ada kabar.\nMohon dibantu.";
    post(
        &app,
        "/api/permohonan/pengaduan",
        &[("application", &id), ("text", text)],
        &[&citizen],
        HTML,
    )
    .await;
    let html = get_with(&app, &page, &[&citizen]).await.text().await.unwrap();
    assert!(html.contains("Sudah tiga minggu belum ada kabar."));
    assert!(html.contains(t.complaint_open));

    // Another account cannot complain about this application.
    let stranger = sign_in(&app, "orang.lain@example.com", "orang.lain@example.com").await;
    let response = post(
        &app,
        "/api/permohonan/pengaduan",
        &[("application", &id), ("text", "x")],
        &[&stranger],
        HTML,
    )
    .await;
    assert_eq!(response.status(), 404);

    // An operator of another point does not see it; a supervisor answers it.
    let (other, _) = staff::create(&db, "lain", "Lain", Role::Operator, Some("14.03.02"), now())
        .await
        .unwrap();
    let elsewhere = process::Scope {
        staff_id: other,
        role: Role::Operator,
        point: Some("14.03.02".into()),
    };
    let open = app::domain::complaint::ComplaintStatus::Open;
    assert!(complaints::in_scope(&db, &elsewhere, open).await.unwrap().is_empty());
    let (boss, _) = staff::create(&db, "kepala", "Kepala", Role::Supervisor, None, now())
        .await
        .unwrap();
    let supervisor = process::Scope {
        staff_id: boss,
        role: Role::Supervisor,
        point: None,
    };
    let listed = complaints::in_scope(&db, &supervisor, open).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert!(
        !complaints::answer(&db, &elsewhere, &listed[0].id, "bukan wilayah saya", now())
            .await
            .unwrap()
    );
    let reply = "Mohon maaf, blangko sedang habis; kartu dicetak minggu depan.";
    assert!(complaints::answer(&db, &supervisor, &listed[0].id, reply, now())
        .await
        .unwrap());
    assert!(
        !complaints::answer(&db, &supervisor, &listed[0].id, "lagi", now())
            .await
            .unwrap(),
        "answered once"
    );
    assert_eq!(complaints::open_count(&db).await.unwrap(), 0);

    let html = get_with(&app, &page, &[&citizen]).await.text().await.unwrap();
    assert!(html.contains("blangko sedang habis"), "the answer is on the page");
    let mail = newest_mail_to(mailbox, |m| subject(m).starts_with("Pengaduan Anda")).await;
    assert!(body(&mail).contains("blangko sedang habis"), "{mail}");

    // The applicant marks it resolved.
    let response = post(
        &app,
        "/api/permohonan/pengaduan/tutup",
        &[("application", &id), ("complaint", &listed[0].id)],
        &[&citizen],
        HTML,
    )
    .await;
    assert!(response.status().is_redirection());
    let html = get_with(&app, &page, &[&citizen]).await.text().await.unwrap();
    assert!(html.contains(t.complaint_closed));
    app.stop().await;
}
