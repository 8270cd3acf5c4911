//! Form pieces in the GOV.UK pattern: an error summary at the top linking to each field, and fields that show
//! their label, hint and error, and keep what the user typed.

use crate::{
    api::error::{FieldProblem, Problem},
    i18n::{use_i18n, Texts},
};
use leptos::{html, prelude::*};

pub fn problem_message(t: &Texts, problem: Problem) -> String {
    let p = &t.problems;
    match problem {
        Problem::IdentifierMissing => p.identifier_missing.to_owned(),
        Problem::IdentifierEmail => p.identifier_email.to_owned(),
        Problem::IdentifierPhone => p.identifier_phone.to_owned(),
        Problem::CodeMissing => p.code_missing.to_owned(),
        Problem::CodeWrong { tries_left } => p.code_wrong.replace("{n}", &tries_left.to_string()),
        Problem::CodeExpired => p.code_expired.to_owned(),
        Problem::CodeTooManyTries => p.code_too_many_tries.to_owned(),
        Problem::TooManyRequests => p.too_many_requests.to_owned(),
        Problem::Unavailable => p.unavailable.to_owned(),
    }
}

/// The list of problems at the top of a form. With JavaScript it takes the focus when it appears, as a page
/// load would, so that screen readers announce it.
#[component]
pub fn ErrorSummary(problems: Signal<Vec<FieldProblem>>) -> impl IntoView {
    let i18n = use_i18n();
    let summary = NodeRef::<html::Div>::new();
    Effect::new(move |_| {
        if !problems.get().is_empty() {
            if let Some(el) = summary.get() {
                let _ = el.focus();
            }
        }
    });
    view! {
        <Show when=move || !problems.get().is_empty()>
            <div class="error-summary" role="alert" tabindex="-1" node_ref=summary>
                <h2 class="error-summary__title">{move || i18n.t().common.error_summary}</h2>
                <ul class="error-summary__list">
                    {move || {
                        problems
                            .get()
                            .into_iter()
                            .map(|p| {
                                let href = if p.field.is_empty() { "#main".to_owned() } else { format!("#{}", p.field) };
                                view! { <li><a href=href>{problem_message(i18n.t(), p.problem)}</a></li> }
                            })
                            .collect_view()
                    }}
                </ul>
            </div>
        </Show>
    }
}

/// A text input with its label, hint and error. `name` is also its `id`, so the error summary can link to it.
#[component]
pub fn TextField(
    name: &'static str,
    label: fn(&Texts) -> &'static str,
    #[prop(optional)] hint: Option<fn(&Texts) -> &'static str>,
    #[prop(into)] value: String,
    problems: Signal<Vec<FieldProblem>>,
    #[prop(default = "text")] input_type: &'static str,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional)] inputmode: Option<&'static str>,
    #[prop(optional)] class: Option<&'static str>,
) -> impl IntoView {
    let i18n = use_i18n();
    let error = move || {
        problems
            .get()
            .into_iter()
            .find(|p| p.field == name)
            .map(|p| problem_message(i18n.t(), p.problem))
    };
    let hint_id = format!("{name}-hint");
    let error_id = format!("{name}-error");
    let described_by = {
        let (hint_id, error_id) = (hint_id.clone(), error_id.clone());
        move || {
            let mut ids = Vec::new();
            if hint.is_some() {
                ids.push(hint_id.clone());
            }
            if error().is_some() {
                ids.push(error_id.clone());
            }
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    view! {
        <div class=move || if error().is_some() { "field field--error" } else { "field" }>
            <label class="field__label" for=name>{move || label(i18n.t())}</label>
            {hint.map(|hint| view! { <p class="field__hint" id=hint_id.clone()>{move || hint(i18n.t())}</p> })}
            {move || {
                error()
                    .map(|message| {
                        view! {
                            <p class="field__error" id=error_id.clone()>
                                <span class="visually-hidden">{i18n.t().common.error_title_prefix}</span>
                                {message}
                            </p>
                        }
                    })
            }}
            <input
                class=format!("input {}", class.unwrap_or_default())
                id=name
                name=name
                type=input_type
                value=value
                autocomplete=autocomplete
                inputmode=inputmode
                spellcheck="false"
                aria-describedby=described_by
                aria-invalid=move || error().is_some().then_some("true")
            />
        </div>
    }
}

/// The problems a form shows: those its last background submission returned (JavaScript), otherwise those the
/// server left for it (no JavaScript).
pub fn form_problems(
    last_result: Signal<Option<Result<(), crate::api::error::AppError>>>,
    initial: Vec<FieldProblem>,
) -> Signal<Vec<FieldProblem>> {
    Signal::derive(move || match last_result.get() {
        Some(Err(error)) => error.problems(),
        Some(Ok(())) => Vec::new(),
        None => initial.clone(),
    })
}

/// A form page's title, with the error prefix while the form shows problems, so screen readers hear it first.
pub fn form_title(problems: Signal<Vec<FieldProblem>>, title: fn(&Texts) -> &'static str) -> impl Fn() -> String {
    let i18n = use_i18n();
    move || {
        let prefix = if problems.get().is_empty() {
            ""
        } else {
            i18n.t().common.error_title_prefix
        };
        format!("{prefix}{}", title(i18n.t()))
    }
}
