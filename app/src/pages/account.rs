//! The applicant's own page (`/akun`): who is signed in, their applications, signing out here or on every device.
//! Without a live session it sends the browser to the sign-in page, except right after "sign out on every device",
//! when it says that this is done: in place with JavaScript, at `/akun?keluar=semua` without.

use crate::components::title::PageTitle;
use crate::{
    api::{
        applications::{application_page, my_applications, NEW_APPLICATION_PAGE},
        auth::{current_account, SignOut, SignOutEverywhere, ACCOUNT_PAGE, SIGN_IN_PAGE},
    },
    i18n::use_i18n,
    pages::application::{kind_name, status_name},
};
use leptos::prelude::*;
use leptos_router::{components::Redirect, hooks::use_query_map};

#[component]
pub fn AccountPage() -> impl IntoView {
    let i18n = use_i18n();
    let t = move || &i18n.t().account;
    let sign_out = ServerAction::<SignOut>::new();
    let sign_out_everywhere = ServerAction::<SignOutEverywhere>::new();
    // Asked again once every session has ended, so that the page shows the confirmation in place.
    let account = Resource::new(move || sign_out_everywhere.version().get(), |_| current_account());
    let query = use_query_map();
    let signed_out_everywhere = move || query.read().get("keluar").as_deref() == Some("semua");
    let ended_here = move || matches!(*sign_out_everywhere.value().read(), Some(Ok(true)));
    // Asked for only once the account is known: without one, the list's refusal (401) would race the redirect
    // to the sign-in page (or the confirmation) for the page's status.
    let applications = Resource::new(
        || (),
        move |_| async move {
            match account.await {
                Ok(Some(_)) => my_applications().await,
                _ => Ok(Vec::new()),
            }
        },
    );
    view! {
        <PageTitle text=move || t().page_title/>
        <div class="container">
            <Suspense>
                {move || Suspend::new(async move {
                    match account.await {
                        // Signed in again since: the confirmation is old news.
                        Ok(Some(_)) if signed_out_everywhere() => view! { <Redirect path=ACCOUNT_PAGE/> }.into_any(),
                        Ok(Some(account)) => {
                            view! {
                                <h1>{move || t().heading}</h1>
                                <p>
                                    {move || t().signed_in_as} " " <strong>{account.identifier.clone()}</strong>
                                </p>
                                <h2>{move || t().applications_heading}</h2>
                                {
                                    // A list that could not be read is said to be so, never shown as empty.
                                    match applications.await {
                                        Err(error) => crate::pages::application::failure_view(error),
                                        Ok(list) if list.is_empty() => {
                                        view! { <p>{move || t().no_applications}</p> }.into_any()
                                        }
                                        Ok(list) => {
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
                                }
                                <p><a class="button" href=NEW_APPLICATION_PAGE>{move || t().new_application}</a></p>
                                <ActionForm action=sign_out>
                                    <button class="button button--secondary" type="submit">
                                        {move || t().sign_out}
                                    </button>
                                </ActionForm>
                                <h2>{move || t().devices_heading}</h2>
                                <p>{move || t().sign_out_everywhere_hint}</p>
                                <ActionForm action=sign_out_everywhere>
                                    <button class="button button--secondary" type="submit">
                                        {move || t().sign_out_everywhere}
                                    </button>
                                </ActionForm>
                            }
                                .into_any()
                        }
                        Ok(None) if signed_out_everywhere() || ended_here() => {
                            view! {
                                <h1>{move || t().signed_out_everywhere_heading}</h1>
                                <p role="status">{move || t().signed_out_everywhere}</p>
                                <p><a class="button" href=SIGN_IN_PAGE>{move || t().sign_in_again}</a></p>
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
