//! The HTML document (rendered on the server only) and the application's routes.

use crate::{
    components::layout::{Footer, Header},
    i18n::{initial_locale, provide_i18n},
    pages::{
        account::AccountPage,
        application::{
            booking::AppointmentPage,
            check::{CheckPage, ConfirmationPage},
            section::SectionPage,
            start::StartPage,
            tasks::TasksPage,
        },
        home::HomePage,
        not_found::NotFound,
        sign_in::{CodePage, SignInPage},
    },
};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags};
use leptos_router::{
    components::{Route, Router, Routes},
    path, SsrMode,
};

/// The whole HTML document, rendered on the server only. No script by default: a page with islands adds
/// [`IslandScripts`](crate::components::scripts::IslandScripts) once, and only the islands hydrate.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    // Outside islands nothing is hydrated: no hydration markers, no serialized copy of the page's data. Leptos's
    // island script would say so from the `<head>`; here it comes only with a page's first island, so the shell
    // says it first.
    if let Some(context) = Owner::current_shared_context() {
        context.set_is_hydrating(false);
    }
    #[cfg(feature = "ssr")]
    let stylesheet = use_context::<crate::api::ports::AssetUrls>()
        .map(|a| a.stylesheet)
        .unwrap_or_else(|| format!("/{}/{}.css", options.site_pkg_dir, options.output_name));
    #[cfg(not(feature = "ssr"))]
    let stylesheet = String::new();
    provide_context(options);
    view! {
        <!DOCTYPE html>
        <html lang=initial_locale().code()>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="theme-color" content="#0b3c5d"/>
                <link rel="stylesheet" href=stylesheet/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    provide_i18n();

    view! {
        <Router>
            <Header/>
            <main id="main" tabindex="-1">
                <Routes fallback=NotFound>
                    <Route path=path!("/") view=HomePage/>
                    <Route path=path!("/masuk") view=SignInPage/>
                    <Route path=path!("/masuk/kode") view=CodePage/>
                    // Rendered whole before sending, so that a signed-out visitor gets a real redirect.
                    <Route path=path!("/akun") view=AccountPage ssr=SsrMode::Async/>
                    <Route path=path!("/permohonan/baru") view=StartPage ssr=SsrMode::Async/>
                    <Route path=path!("/permohonan/:id/periksa") view=CheckPage ssr=SsrMode::Async/>
                    <Route path=path!("/permohonan/:id/terkirim") view=ConfirmationPage ssr=SsrMode::Async/>
                    <Route path=path!("/permohonan/:id/jadwal") view=AppointmentPage ssr=SsrMode::Async/>
                    <Route path=path!("/permohonan/:id/:section") view=SectionPage ssr=SsrMode::Async/>
                    <Route path=path!("/permohonan/:id") view=TasksPage ssr=SsrMode::Async/>
                </Routes>
            </main>
            <Footer/>
        </Router>
    }
}
