//! The applicant's own page (`/akun`): who is signed in, their applications, signing out. Without a live session
//! it sends the browser to the sign-in page.

use crate::{
    api::auth::{current_account, SignOut, SIGN_IN_PAGE},
    i18n::use_i18n,
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;

#[component]
pub fn AccountPage() -> impl IntoView {
    let i18n = use_i18n();
    let t = move || &i18n.t().account;
    let account = Resource::new(|| (), |_| current_account());
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
                                <p>{move || t().no_applications}</p>
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
