//! The applicant's own page (`/akun`): who is signed in, their applications, signing out. Without a live session
//! it sends the browser to the sign-in page.

use crate::{
    api::{
        applications::{application_page, my_applications, NEW_APPLICATION_PAGE},
        auth::{current_account, SignOut, SIGN_IN_PAGE},
    },
    i18n::use_i18n,
    pages::application::{kind_name, status_name},
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;

#[component]
pub fn AccountPage() -> impl IntoView {
    let i18n = use_i18n();
    let t = move || &i18n.t().account;
    let account = Resource::new(|| (), |_| current_account());
    let applications = Resource::new(|| (), |_| my_applications());
    let sign_out = ServerAction::<SignOut>::new();
    view! {
        <Title text=move || t().page_title/>
        <div class="container">
            <Suspense>
                {move || Suspend::new(async move {
                    match account.await {
                        Ok(Some(account)) => {
                            view! {
                                <h1>{move || t().heading}</h1>
                                <p>
                                    {move || t().signed_in_as} " " <strong>{account.identifier.clone()}</strong>
                                </p>
                                <h2>{move || t().applications_heading}</h2>
                                {
                                    let list = applications.await.unwrap_or_default();
                                    if list.is_empty() {
                                        view! { <p>{move || t().no_applications}</p> }.into_any()
                                    } else {
                                        view! {
                                            <ul class="applications">
                                                {list.into_iter().map(|a| {
                                                    let href = application_page(&a.id);
                                                    let name = a.full_name.clone();
                                                    view! {
                                                        <li class="applications__item">
                                                            <a href=href>{move || name.clone().unwrap_or_else(|| t().unnamed.to_owned())}</a>
                                                            <br/>{move || kind_name(i18n.t(), a.kind)}
                                                            <br/><strong>{move || status_name(i18n.t(), a.status)}</strong>
                                                            {a.reference.clone().map(|r| view! { " · " <span class="reference">{r}</span> })}
                                                        </li>
                                                    }
                                                }).collect_view()}
                                            </ul>
                                        }.into_any()
                                    }
                                }
                                <p><a class="button" href=NEW_APPLICATION_PAGE>{move || t().new_application}</a></p>
                                <ActionForm action=sign_out>
                                    <button class="button button--secondary" type="submit">
                                        {move || t().sign_out}
                                    </button>
                                </ActionForm>
                            }
                                .into_any()
                        }
                        _ => view! { <Redirect path=SIGN_IN_PAGE/> }.into_any(),
                    }
                })}
            </Suspense>
        </div>
    }
}
