//! `/permohonan/{id}/dokumen`: the scans. Without JavaScript each document is a plain multipart form that posts
//! to the upload route and comes back here. With it (a small island, `ScanUpload`, takes each form over), the chosen
//! file is previewed, a photo over 1.5 MB is shrunk in the browser first, and a progress bar shows the upload.

use super::section_name;
use crate::components::title::PageTitle;
use crate::{
    api::{
        applications::{application_page, document_url, upload_url, ApplicationView},
        form::use_form_state,
    },
    components::form::{field_error, form_title, ErrorSummary},
    domain::application::{next_section, Document, Section},
    i18n::{use_i18n, Texts},
};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

pub fn documents(app: ApplicationView) -> AnyView {
    let i18n = use_i18n();
    let t = move || &i18n.t().application;
    let flash = use_form_state("documents");
    let problems = Signal::stored(flash.problems.clone());
    let stored = app.document_kinds();
    let title = form_title(problems, |t| section_name(t, Section::Documents));
    let back = application_page(&app.id);
    let editable = app.status.editable();
    let next = {
        let (id, kind, answers) = (app.id.clone(), app.kind, app.answers.clone());
        move || match next_section(kind, &answers, &stored) {
            Some(section) if section != Section::Documents => crate::api::applications::section_page(&id, section),
            _ => crate::api::applications::check_page(&id),
        }
    };
    let forms = app
        .kind
        .documents()
        .iter()
        .map(|d| {
            let said = field_error(d.code(), problems)();
            view! { <DocumentForm id=app.id.clone() document=*d stored=app.document_kinds().contains(d) said editable/> }
        })
        .collect_view();
    view! {
        <PageTitle text=title/>
        <div class="container narrow">
            <p><a class="back-link" href=back>{move || t().back_to_tasks}</a></p>
            <ErrorSummary problems/>
            <h1>{move || section_name(i18n.t(), Section::Documents)}</h1>
            {(!editable).then(|| view! { <p class="notice">{move || t().not_editable}</p> })}
            <p>{move || t().documents_intro}</p>
            {forms}
            <p><a class="button" href=next>{move || t().documents_continue}</a></p>
        </div>
    }
    .into_any()
}

/// The words a scan's form shows as it works, in the page's language: the island is given them and holds no text
/// of its own. The words of a refusal are asked for when one comes (`api::words`); `unavailable` is said when even
/// they cannot be read.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct ScanWords {
    shrinking: String,
    uploading: String,
    uploaded: String,
    replace: String,
    preview_alt: String,
    prefix: String,
    unavailable: String,
}

impl ScanWords {
    fn new(t: &Texts) -> ScanWords {
        let a = &t.application;
        ScanWords {
            shrinking: a.shrinking.to_owned(),
            uploading: a.uploading.to_owned(),
            uploaded: a.uploaded.to_owned(),
            replace: a.replace_button.to_owned(),
            preview_alt: a.preview_alt.to_owned(),
            prefix: t.common.error_title_prefix.to_owned(),
            unavailable: t.problems.unavailable.to_owned(),
        }
    }
}

/// One scan's form: a plain multipart form that posts to the upload route and comes back to this page. With
/// JavaScript, [`ScanUpload`] takes its submission over. `stored`: whether the application has this scan; `said`:
/// what the server said about the last attempt, in words.
#[component]
fn DocumentForm(id: String, document: Document, stored: bool, said: Option<String>, editable: bool) -> impl IntoView {
    let i18n = use_i18n();
    let (t, a) = (i18n.t(), &i18n.t().application);
    let name = document.code();
    let label = t.fields.label(name);
    let action = upload_url(&id);
    let hint_id = format!("{name}-hint");
    let error_id = format!("{name}-error");
    let described_by = if said.is_some() {
        format!("{hint_id} {error_id}")
    } else {
        hint_id.clone()
    };
    let verb = if stored { a.replace_button } else { a.upload_button };
    view! {
        <section class="document" aria-labelledby=format!("{name}-heading")>
            <h2 id=format!("{name}-heading")>{label}</h2>
            <p class="document__status">
                <strong class="tag" class:tag--done=stored id=format!("{name}-status")>
                    {if stored { a.uploaded } else { a.not_uploaded }}
                </strong>
                " "
                <a href=document_url(&id, document) target="_blank" rel="noopener" id=format!("{name}-view") hidden=!stored>
                    {a.view_file}
                </a>
            </p>
            {editable.then(|| view! {
                <form method="post" action=action.clone() enctype="multipart/form-data" id=format!("{name}-form")>
                    <div class=if said.is_some() { "field field--error" } else { "field" }>
                        <label class="field__label" for=name><span id=format!("{name}-verb")>{verb}</span> ": " {label}</label>
                        <p class="field__hint" id=hint_id.clone()>{a.documents_types}</p>
                        {said.clone().map(|message| view! {
                            <p class="field__error" id=error_id.clone()>
                                <span class="visually-hidden">{t.common.error_title_prefix}</span>
                                {message}
                            </p>
                        })}
                        <input class="file" type="file" id=name name=name
                            accept="image/jpeg,image/png,image/webp,application/pdf"
                            aria-describedby=described_by.clone()
                            aria-invalid=said.is_some().then_some("true")/>
                    </div>
                    <p role="status" id=format!("{name}-busy")></p>
                    <progress class="progress" id=format!("{name}-progress") max="100" value="0" hidden>"0%"</progress>
                    <button class="button button--secondary" type="submit" id=format!("{name}-button")>{verb}</button>
                </form>
                <ScanUpload document action words=ScanWords::new(t)/>
            })}
        </section>
    }
}

/// The part of a scan's form that runs in the browser (`browser::scan_form`): a large photo is shrunk before it is
/// sent, the chosen image previewed, and a progress bar shows the upload; the answer changes the form in place.
/// Before the WebAssembly has arrived the form posts as a plain multipart form. It renders nothing.
#[island(lazy)]
fn ScanUpload(document: Document, action: String, words: ScanWords) -> impl IntoView {
    #[cfg(feature = "hydrate")]
    {
        let ScanWords {
            shrinking,
            uploading,
            uploaded,
            replace,
            preview_alt,
            prefix,
            unavailable,
        } = words;
        crate::browser::scan_form::enhance(
            document.code(),
            action,
            crate::browser::scan_form::Words {
                shrinking,
                uploading,
                uploaded,
                replace,
                preview_alt,
                prefix: prefix.leak(),
                unavailable,
            },
        );
        crate::island_live();
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (document, action, words);
}
