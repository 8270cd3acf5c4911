//! Applications: start one, save it section by section, submit it; the area lists of the address pickers.
//!
//! Every function finds the account from the session cookie and passes it to the server's
//! [`ApplicationsPort`](super::ports::ApplicationsPort), which only ever reaches that account's applications.
//! The checks themselves are the domain's, the same ones the browser runs while the user types.

// `save_section` takes every field of the form by its name, so that a plain HTML form can post it.
#![allow(clippy::too_many_arguments)]

use super::error::AppError;
use crate::domain::{
    application::{Answers, Document, Kind, Section, Status},
    Date,
};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Where the applicant chooses which card to apply for.
pub const NEW_APPLICATION_PAGE: &str = "/permohonan/baru";

/// The task list of an application.
pub fn application_page(id: &str) -> String {
    format!("/permohonan/{id}")
}

pub fn section_page(id: &str, section: Section) -> String {
    format!("/permohonan/{id}/{}", section.slug())
}

pub fn check_page(id: &str) -> String {
    format!("/permohonan/{id}/periksa")
}

pub fn confirmation_page(id: &str) -> String {
    format!("/permohonan/{id}/terkirim")
}

/// Where scans are posted, as a multipart form (not a page: the page is the documents section).
pub fn upload_url(id: &str) -> String {
    format!("/unggah/{id}")
}

/// Where a stored scan is read back, by its owner only.
pub fn document_url(id: &str, document: Document) -> String {
    format!("/berkas/{id}/{}", document.code())
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplicationSummary {
    pub id: String,
    pub kind: Kind,
    pub status: Status,
    pub reference: Option<String>,
    /// The applicant's name once given: an account may hold applications for several people.
    pub full_name: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentInfo {
    pub document: Document,
    pub content_type: String,
    pub bytes: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplicationView {
    pub id: String,
    pub kind: Kind,
    pub status: Status,
    pub answers: Answers,
    pub documents: Vec<DocumentInfo>,
    pub reference: Option<String>,
    /// The names of the areas the address names (province down to village), by code.
    pub area_names: std::collections::BTreeMap<String, String>,
    /// The office's date when the page was made, so that the browser checks against the same day.
    pub today: Date,
    /// Each state the application reached, oldest first, with the reason staff gave the applicant.
    pub history: Vec<HistoryEntry>,
    /// The card waits for personalization and the office has no blank cards: the applicant is told so.
    pub waiting_for_cards: bool,
    /// The service promise, once the recording is booked or done.
    pub promise: Option<crate::domain::tracking::Promise>,
    /// A foreign resident's KITAP (and so card) expiry, when it is time to renew.
    pub renewal_due: Option<Date>,
    /// While the card is on its way to the service point that hands it over (`distributing`): that point's name.
    pub handover_point: Option<String>,
    /// The applicant's complaints about this application, oldest first.
    pub complaints: Vec<ComplaintView>,
    /// A foreign resident's card is valid until their KITAP expires: that day, as stored at submission (`None`
    /// for a citizen, or before the application is submitted).
    pub card_valid_until: Option<Date>,
}

/// A complaint as its applicant sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ComplaintView {
    pub id: String,
    pub filed: Date,
    pub body: String,
    pub status: crate::domain::complaint::ComplaintStatus,
    /// Staff's answer and its day.
    pub answer: Option<(Date, String)>,
}

/// One step of an application's history as the applicant sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEntry {
    pub day: Date,
    pub status: Status,
    /// The reason of a return or a rejection, written for the applicant.
    pub reason: Option<String>,
}

impl ApplicationView {
    /// The reason of the latest return or rejection.
    pub fn latest_reason(&self) -> Option<&str> {
        self.history.last().and_then(|h| h.reason.as_deref())
    }

    pub fn document_kinds(&self) -> Vec<Document> {
        self.documents.iter().map(|d| d.document).collect()
    }

    pub fn answer(&self, field: &str) -> String {
        self.answers.get(field).cloned().unwrap_or_default()
    }
}

/// One area of the address pickers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Area {
    pub code: String,
    pub name: String,
}

#[cfg(feature = "ssr")]
pub mod ssr {
    //! What the server functions of this module share.

    use super::*;
    use crate::api::{
        auth::SESSION_COOKIE,
        form::ssr::{get_cookie, reject},
        ports::Applications,
    };

    /// Today in the office's time zone.
    pub fn today() -> Date {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0);
        crate::domain::office::office_date(secs)
    }

    /// The signed-in account and the port, or `Unauthorized` (401).
    pub async fn signed_in() -> Result<(String, Applications), AppError> {
        let port = expect_context::<Applications>();
        let token = get_cookie(SESSION_COOKIE)
            .ok_or(AppError::Unauthorized)
            .map_err(reject)?;
        let account = port
            .account_id(&token)
            .await
            .and_then(|a| a.ok_or(AppError::Unauthorized))
            .map_err(reject)?;
        Ok((account, port))
    }

    /// The application `id` of `account`, or `NotFound` (404): another account's is as absent as none at all.
    pub async fn owned(port: &Applications, account: &str, id: &str) -> Result<ApplicationView, AppError> {
        port.get(account, id)
            .await
            .and_then(|a| a.ok_or(AppError::NotFound))
            .map_err(reject)
    }
}

/// The signed-in account's applications; `Unauthorized` when signed out.
#[server(endpoint = "permohonan/daftar")]
pub async fn my_applications() -> Result<Vec<ApplicationSummary>, AppError> {
    let (account, port) = ssr::signed_in().await?;
    // A list that cannot be read is the server's failure (503 on the account page), never an empty list.
    port.list(&account).await.map_err(crate::api::form::ssr::reject)
}

/// One application of the signed-in account; `NotFound` for anyone else's.
#[server(endpoint = "permohonan/baca")]
pub async fn load_application(id: String) -> Result<ApplicationView, AppError> {
    let (account, port) = ssr::signed_in().await?;
    ssr::owned(&port, &account, &id).await
}

#[server(endpoint = "permohonan/mulai")]
pub async fn start_application(kind: String) -> Result<(), AppError> {
    use super::{error::Problem, form::ssr::fail};
    use crate::domain::application::Issue;

    let Some(kind) = Kind::parse(&kind) else {
        return fail(
            "start",
            NEW_APPLICATION_PAGE,
            &[],
            AppError::field("kind", Problem::Answer(Issue::Missing)),
        );
    };
    let (account, port) = ssr::signed_in().await?;
    // A refusal (the cap on open drafts) comes back to the form, with or without JavaScript.
    let id = match port.start(&account, kind).await {
        Ok(id) => id,
        Err(error) => return fail("start", NEW_APPLICATION_PAGE, &[], error),
    };
    leptos_axum::redirect(&section_page(&id, kind.sections()[0]));
    Ok(())
}

/// Saves one section. `action` is `refine` when the address pickers' "show the choices" button sent the form
/// (without JavaScript): the chosen areas are kept and the page shown again with the next level's list.
#[server(endpoint = "permohonan/simpan")]
pub async fn save_section(
    application: String,
    section: String,
    action: Option<String>,
    nik: Option<String>,
    no_kk: Option<String>,
    full_name: Option<String>,
    birth_place: Option<String>,
    birth_date: Option<String>,
    sex: Option<String>,
    blood_type: Option<String>,
    religion: Option<String>,
    marital_status: Option<String>,
    occupation: Option<String>,
    street: Option<String>,
    rt: Option<String>,
    rw: Option<String>,
    province: Option<String>,
    regency: Option<String>,
    district: Option<String>,
    village_code: Option<String>,
    postal_code: Option<String>,
    phone: Option<String>,
    email: Option<String>,
    nationality: Option<String>,
    passport_no: Option<String>,
    kitap_no: Option<String>,
    kitap_expiry: Option<String>,
) -> Result<(), AppError> {
    use super::{
        error::Problem,
        form::ssr::{fail, remember},
    };
    use crate::domain::application::{check_section, nested_areas, next_section, Issue, AREA_CHAIN};

    let given = [
        ("nik", nik),
        ("no_kk", no_kk),
        ("full_name", full_name),
        ("birth_place", birth_place),
        ("birth_date", birth_date),
        ("sex", sex),
        ("blood_type", blood_type),
        ("religion", religion),
        ("marital_status", marital_status),
        ("occupation", occupation),
        ("street", street),
        ("rt", rt),
        ("rw", rw),
        ("province", province),
        ("regency", regency),
        ("district", district),
        ("village_code", village_code),
        ("postal_code", postal_code),
        ("phone", phone),
        ("email", email),
        ("nationality", nationality),
        ("passport_no", passport_no),
        ("kitap_no", kitap_no),
        ("kitap_expiry", kitap_expiry),
    ];
    let Some(section) = Section::parse(&section).filter(|s| *s != Section::Documents) else {
        return Err(crate::api::form::ssr::reject(AppError::NotFound));
    };
    let (account, port) = ssr::signed_in().await?;
    let view = ssr::owned(&port, &account, &application).await?;
    let page = section_page(&view.id, section);
    let form = format!("section-{}", section.slug());
    let input: Answers = given
        .iter()
        .filter(|(name, _)| section.fields().contains(name))
        .filter_map(|(name, value)| value.as_ref().map(|v| ((*name).to_owned(), v.clone())))
        .collect();
    let typed: Vec<(&str, &str)> = input.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    if !view.status.editable() {
        return fail(&form, &page, &typed, AppError::field("", Problem::NotEditable));
    }

    if section == Section::Address && action.as_deref() == Some("refine") {
        // Keep each chosen level that sits inside the one above it; what was typed waits in the flash.
        let mut address: Answers = view
            .answers
            .iter()
            .filter(|(k, _)| Section::Address.fields().contains(&k.as_str()) && !AREA_CHAIN.contains(&k.as_str()))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        address.extend(nested_areas(&input));
        port.save_section(&account, &view.id, section, address).await?;
        if crate::api::form::ssr::plain_form() {
            remember(&form, &format!("{page}#village_code"), &typed, Vec::new());
        }
        return Ok(());
    }

    let today = ssr::today();
    let values = match check_section(section, &input, &view.answers, today) {
        Ok(values) => values,
        Err(issues) => return fail(&form, &page, &typed, AppError::answers(issues)),
    };
    if section == Section::Address {
        // The village must be a real one: the pickers list them, but a hand-made request might not.
        let district = values.get("district").cloned().unwrap_or_default();
        let village = values.get("village_code").cloned().unwrap_or_default();
        let villages = port.areas(Some(&district)).await?;
        if !villages.iter().any(|v| v.code == village) {
            return fail(
                &form,
                &page,
                &typed,
                AppError::field("village_code", Problem::Answer(Issue::Village)),
            );
        }
    }
    if let Err(error) = port.save_section(&account, &view.id, section, values.clone()).await {
        return fail(&form, &page, &typed, error);
    }

    let mut answers = view.answers.clone();
    for field in section.fields() {
        answers.remove(*field);
    }
    answers.extend(values);
    let next = match next_section(view.kind, &answers, &view.document_kinds()) {
        Some(next) => section_page(&view.id, next),
        None => check_page(&view.id),
    };
    leptos_axum::redirect(&next);
    Ok(())
}

#[server(endpoint = "permohonan/kirim")]
pub async fn submit_application(application: String) -> Result<(), AppError> {
    use super::{error::Problem, form::ssr::fail};
    use crate::domain::application::check_submission;

    let (account, port) = ssr::signed_in().await?;
    let view = ssr::owned(&port, &account, &application).await?;
    let page = check_page(&view.id);
    if !view.status.editable() {
        return fail("submit", &page, &[], AppError::field("", Problem::NotEditable));
    }
    let issues = check_submission(view.kind, &view.answers, &view.document_kinds(), ssr::today());
    if !issues.is_empty() {
        return fail("submit", &page, &[], AppError::answers(issues));
    }
    if let Err(error) = port.submit(&account, &view.id).await {
        return fail("submit", &page, &[], error);
    }
    leptos_axum::redirect(&confirmation_page(&view.id));
    Ok(())
}

/// Files a complaint (*pengaduan*) about a submitted application; back to the application's page, where it is
/// listed with its answer once staff give one.
#[server(endpoint = "permohonan/pengaduan")]
pub async fn file_complaint(application: String, text: String) -> Result<(), AppError> {
    use super::{error::Problem, form::ssr::fail};
    use crate::domain::complaint::checked_text;

    let (account, port) = ssr::signed_in().await?;
    let view = ssr::owned(&port, &account, &application).await?;
    let page = application_page(&view.id);
    let fail = |error| fail(COMPLAINT_FORM, &format!("{page}#pengaduan"), &[("text", &text)], error);
    let text = match checked_text(&text) {
        Ok(text) => text,
        Err(issue) => return fail(AppError::field("text", Problem::Complaint(issue))),
    };
    if let Err(error) = port.file_complaint(&account, &view.id, &text).await {
        return fail(error);
    }
    leptos_axum::redirect(&format!("{page}#pengaduan"));
    Ok(())
}

/// Closes an answered complaint: the applicant is satisfied.
#[server(endpoint = "permohonan/pengaduan/tutup")]
pub async fn close_complaint(application: String, complaint: String) -> Result<(), AppError> {
    use super::form::ssr::fail;

    let (account, port) = ssr::signed_in().await?;
    let view = ssr::owned(&port, &account, &application).await?;
    let page = format!("{}#pengaduan", application_page(&view.id));
    if let Err(error) = port.close_complaint(&account, &view.id, &complaint).await {
        return fail(COMPLAINT_FORM, &page, &[], error);
    }
    leptos_axum::redirect(&page);
    Ok(())
}

/// The flash of the complaint form.
pub const COMPLAINT_FORM: &str = "complaint";

/// The areas under `parent` (`""`: the provinces), for the address pickers with JavaScript.
#[server(endpoint = "wilayah", input = server_fn::codec::GetUrl)]
pub async fn list_areas(parent: String) -> Result<Vec<Area>, AppError> {
    use crate::domain::application::is_area_code;
    let port = expect_context::<super::ports::Applications>();
    let parent = parent.trim();
    if parent.is_empty() {
        return port.areas(None).await;
    }
    if !(1..=3).any(|level| is_area_code(parent, level)) {
        return Ok(Vec::new());
    }
    // The lists never change while the server runs: browsers may keep them for a day.
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.insert_header(
            http::header::CACHE_CONTROL,
            http::HeaderValue::from_static("public, max-age=86400"),
        );
    }
    port.areas(Some(parent)).await
}
