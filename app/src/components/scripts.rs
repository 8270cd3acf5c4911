//! The script that brings a page's islands to life, on the pages that have one.
//!
//! Pages are rendered on the server only; an `#[island]` is the one kind of part that runs in the browser too.
//! A page with no island sends no script and no WebAssembly at all, so the shell leaves the scripts out, and each
//! page that shows an island renders [`IslandScripts`] exactly once, in one place of its own (a section page after
//! its form, the booking page with its times). Never inside a component that may appear several times on a page:
//! two loaders would hydrate every island twice. (A flag in context cannot stand in for that rule: a part inside
//! `<Suspense>` may be rendered twice on the server, and only the last rendering is sent.)

use leptos::prelude::*;

/// Leptos's island script: it loads the WebAssembly once the browser is idle and hydrates each island.
#[component]
pub fn IslandScripts() -> impl IntoView {
    use_context::<LeptosOptions>().map(|options| view! { <HydrationScripts options islands=true/> })
}
