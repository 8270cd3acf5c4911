//! `/permohonan/{id}/dokumen`: the scans. Without JavaScript each document is a plain multipart form that posts
//! to the upload route and comes back here. With it, the chosen file is previewed, a photo over 1.5 MB is shrunk
//! in the browser first, and a progress bar shows the upload.

use super::section_name;
use crate::components::title::PageTitle;
use crate::{
    api::{
        applications::{application_page, document_url, upload_url, ApplicationView},
        error::FieldProblem,
        form::use_form_state,
    },
    components::form::{field_error, form_title, ErrorSummary},
    domain::application::{next_section, Document, Section},
    i18n::use_i18n,
};
use leptos::prelude::*;

pub fn documents(app: ApplicationView) -> AnyView {
    let i18n = use_i18n();
    let t = move || &i18n.t().application;
    let flash = use_form_state("documents");
    let problems = RwSignal::new(flash.problems.clone());
    let stored = RwSignal::new(app.document_kinds());
    let title = form_title(problems.into(), |t| section_name(t, Section::Documents));
    let back = application_page(&app.id);
    let editable = app.status.editable();
    let next = {
        let (id, kind, answers) = (app.id.clone(), app.kind, app.answers.clone());
        move || match next_section(kind, &answers, &stored.get()) {
            Some(section) if section != Section::Documents => crate::api::applications::section_page(&id, section),
            _ => crate::api::applications::check_page(&id),
        }
    };
    let forms = app
        .kind
        .documents()
        .iter()
        .map(|d| view! { <DocumentForm id=app.id.clone() document=*d stored problems editable/> })
        .collect_view();
    view! {
        <PageTitle text=title/>
        <div class="container narrow">
            <p><a class="back-link" href=back>{move || t().back_to_tasks}</a></p>
            <ErrorSummary problems=problems.into()/>
            <h1>{move || section_name(i18n.t(), Section::Documents)}</h1>
            {(!editable).then(|| view! { <p class="notice">{move || t().not_editable}</p> })}
            <p>{move || t().documents_intro}</p>
            {forms}
            <p><a class="button" href=next>{move || t().documents_continue}</a></p>
        </div>
    }
    .into_any()
}

#[component]
fn DocumentForm(
    id: String,
    document: Document,
    stored: RwSignal<Vec<Document>>,
    problems: RwSignal<Vec<FieldProblem>>,
    editable: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let t = move || &i18n.t().application;
    let name = document.code();
    let label = move || i18n.t().fields.label(name);
    let error = field_error(name, problems.into());
    let has_file = move || stored.get().contains(&document);
    let progress = RwSignal::new(None::<f64>);
    let preview = RwSignal::new(None::<String>);
    let busy = RwSignal::new(None::<&'static str>);
    let action = upload_url(&id);
    let view_url = document_url(&id, document);
    let hint_id = format!("{name}-hint");
    let error_id = format!("{name}-error");
    let described_by = {
        let (hint_id, error_id) = (hint_id.clone(), error_id.clone());
        move || {
            if error().is_some() {
                format!("{hint_id} {error_id}")
            } else {
                hint_id.clone()
            }
        }
    };

    #[cfg(feature = "hydrate")]
    let on_submit = {
        let action = action.clone();
        move |ev: leptos::ev::SubmitEvent| {
            use crate::browser::upload::*;
            let Some(file) = chosen_file(name) else { return };
            ev.prevent_default();
            let action = action.clone();
            leptos::task::spawn_local(async move {
                busy.set(Some(i18n.t().application.shrinking));
                let blob = shrink_if_large(&file).await;
                if let Some(old) = preview.get_untracked() {
                    release_preview(&old);
                }
                if blob.type_().starts_with("image/") {
                    preview.set(preview_url(&blob));
                }
                let Ok(form) = web_sys::FormData::new() else { return };
                let _ = form.append_with_blob_and_filename(name, &blob, &upload_name(&file, &blob));
                busy.set(Some(i18n.t().application.uploading));
                progress.set(Some(0.0));
                let result = send_with_progress(&action, &form, move |f| progress.set(Some(f))).await;
                busy.set(None);
                progress.set(None);
                let mut others: Vec<FieldProblem> = problems
                    .get_untracked()
                    .into_iter()
                    .filter(|p| p.field != name)
                    .collect();
                match result {
                    Ok((200, _)) => {
                        stored.update(|s| {
                            if !s.contains(&document) {
                                s.push(document)
                            }
                        });
                    }
                    Ok((_, body)) => {
                        let found = serde_json::from_str::<crate::api::error::AppError>(&body)
                            .map(|e| e.problems())
                            .unwrap_or_else(|_| {
                                vec![FieldProblem {
                                    field: name.to_owned(),
                                    problem: crate::api::error::Problem::Unavailable,
                                }]
                            });
                        others.extend(found);
                    }
                    Err(()) => others.push(FieldProblem {
                        field: name.to_owned(),
                        problem: crate::api::error::Problem::Upload(crate::api::error::Refusal::Incomplete),
                    }),
                }
                problems.set(others);
            });
        }
    };
    #[cfg(not(feature = "hydrate"))]
    let on_submit = |_: leptos::ev::SubmitEvent| {};

    view! {
        <section class="document" aria-labelledby=format!("{name}-heading")>
            <h2 id=format!("{name}-heading")>{label}</h2>
            <p class="document__status">
                {move || if has_file() {
                    view! { <strong class="tag tag--done">{t().uploaded}</strong> }.into_any()
                } else {
                    view! { <strong class="tag">{t().not_uploaded}</strong> }.into_any()
                }}
                {
                    let view_url = view_url.clone();
                    move || has_file().then(|| view! { " " <a href=view_url.clone() target="_blank" rel="noopener">{t().view_file}</a> })
                }
            </p>
            {editable.then(|| view! {
                <form method="post" action=action.clone() enctype="multipart/form-data" on:submit=on_submit>
                    <div class=move || if error().is_some() { "field field--error" } else { "field" }>
                        <label class="field__label" for=name>{move || if has_file() { t().replace_button } else { t().upload_button }} ": " {label}</label>
                        <p class="field__hint" id=hint_id.clone()>{move || t().documents_types}</p>
                        {move || error().map(|message| view! {
                            <p class="field__error" id=error_id.clone()>
                                <span class="visually-hidden">{i18n.t().common.error_title_prefix}</span>
                                {message}
                            </p>
                        })}
                        <input class="file" type="file" id=name name=name
                            accept="image/jpeg,image/png,image/webp,application/pdf"
                            aria-describedby=described_by.clone()
                            aria-invalid=move || error().is_some().then_some("true")/>
                    </div>
                    {move || preview.get().map(|src| view! { <img class="document__preview" src=src alt=t().preview_alt/> })}
                    {move || busy.get().map(|text| view! { <p role="status">{text}</p> })}
                    {move || progress.get().map(|f| view! { <progress class="progress" max="100" value=(f * 100.0).round().to_string()>{format!("{:.0}%", f * 100.0)}</progress> })}
                    <button class="button button--secondary" type="submit">{move || if has_file() { t().replace_button } else { t().upload_button }}</button>
                </form>
            })}
        </section>
    }
}
