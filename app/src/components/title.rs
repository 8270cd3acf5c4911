//! The page's `<title>`.

use leptos::prelude::*;
use leptos_meta::Title;

/// The page's title. In the browser it follows its signals (a language switch, a refused form's error prefix); on
/// the server it is read once, while the page renders: the document head is written after the body, when a
/// request's signals may already be gone, and reading one then panicked under load (a 502 behind the balancer).
#[component]
pub fn PageTitle<F, T>(text: F) -> impl IntoView
where
    F: Fn() -> T + Send + Sync + 'static,
    T: Into<String> + 'static,
{
    #[cfg(feature = "ssr")]
    {
        let text: String = untrack(|| text().into());
        view! { <Title text=text/> }
    }
    #[cfg(not(feature = "ssr"))]
    {
        view! { <Title text=move || text().into()/> }
    }
}
