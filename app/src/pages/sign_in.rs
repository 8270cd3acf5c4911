//! Signing in: the identifier page (`/masuk`), then the code page (`/masuk/kode`).

use crate::components::title::PageTitle;
use crate::{
    api::{
        auth::{RequestCode, VerifyCode, SIGN_IN_PAGE},
        form::use_form_state,
    },
    components::form::{form_problems, form_title, ErrorSummary, TextField},
    i18n::use_i18n,
};
use leptos::prelude::*;

#[component]
pub fn SignInPage() -> impl IntoView {
    let i18n = use_i18n();
    let t = move || &i18n.t().sign_in;
    let flash = use_form_state("sign_in");
    let action = ServerAction::<RequestCode>::new();
    let problems = form_problems(action.value().into(), flash.problems.clone());
    let title = form_title(problems, |t| t.sign_in.page_title);
    view! {
        <PageTitle text=title/>
        <div class="container narrow">
            <ErrorSummary problems/>
            <h1>{move || t().heading}</h1>
            <p>{move || t().intro}</p>
            <ActionForm action=action attr:novalidate="">
                <TextField
                    name="identifier"
                    label=|t| t.sign_in.identifier_label
                    hint=|t| t.sign_in.identifier_hint
                    value=flash.value("identifier").unwrap_or_default()
                    problems
                    autocomplete="username"
                />
                <button class="button" type="submit">{move || t().send_code}</button>
            </ActionForm>
        </div>
    }
}

#[component]
pub fn CodePage() -> impl IntoView {
    let i18n = use_i18n();
    let t = move || &i18n.t().sign_in;
    let flash = use_form_state("code");
    let action = ServerAction::<VerifyCode>::new();
    let problems = form_problems(action.value().into(), flash.problems.clone());
    let title = form_title(problems, |t| t.sign_in.code_page_title);
    view! {
        <PageTitle text=title/>
        <div class="container narrow">
            <ErrorSummary problems/>
            <h1>{move || t().code_heading}</h1>
            <p>{move || t().code_sent}</p>
            <ActionForm action=action attr:novalidate="">
                <TextField
                    name="code"
                    label=|t| t.sign_in.code_label
                    hint=|t| t.sign_in.code_hint
                    value=String::new()
                    problems
                    autocomplete="one-time-code"
                    inputmode="numeric"
                    class="input--code"
                />
                <button class="button" type="submit">{move || t().continue_button}</button>
            </ActionForm>
            <p><a href=SIGN_IN_PAGE>{move || t().new_code}</a></p>
        </div>
    }
}
