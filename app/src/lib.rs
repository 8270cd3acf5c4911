//! The Portal KTP-el application.
//!
//! This crate is compiled twice: natively with feature `ssr` (linked into the `server` binary, which renders
//! every page on the server) and to WebAssembly with feature `hydrate`, which holds only the `#[island]`s: the few
//! parts of a page where a person gains from script (see the README's architecture section). Everything here must
//! therefore compile for both; server-only code sits behind `#[cfg(feature = "ssr")]`.
//!
//! - [`domain`]: pure rules shared by browser and server, no I/O.
//! - [`api`]: `#[server]` functions, the only door between browser and server.
//! - [`pages`]: one module per route.
//! - [`components`]: reusable view pieces.
//! - [`i18n`]: the two languages, every key checked at compile time.

// The typed views of the longer pages nest deeper than the compiler looks by default.
#![recursion_limit = "256"]

pub mod api;
pub mod app;
#[cfg(feature = "hydrate")]
pub mod browser;
pub mod components;
pub mod domain;
pub mod i18n;
pub mod pages;

pub use app::{shell, App};

/// Entry point of the WebAssembly bundle, on pages with islands only: Leptos's island script calls it, then
/// hydrates each `<leptos-island>` of the page in document order (loading each island's chunk first).
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    // A panic in the browser says what went wrong in the console instead of a bare "unreachable".
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
    let islands = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector_all("leptos-island").ok())
        .map_or(0, |found| found.length());
    ISLANDS.with(|count| count.set((islands, 0)));
    if islands == 0 {
        mark_live();
    }
}

#[cfg(feature = "hydrate")]
thread_local! {
    /// The page's islands, and how many of them are live.
    static ISLANDS: std::cell::Cell<(u32, u32)> = const { std::cell::Cell::new((0, 0)) };
}

/// Called by each island once it has taken over its part of the page. When the last is live, the page is marked
/// enhanced (`<html data-hydrated="true">`): styles rely on it (`.no-js-only`), and the browser tests wait for it.
#[cfg(feature = "hydrate")]
pub fn island_live() {
    let all = ISLANDS.with(|count| {
        let (islands, live) = count.get();
        count.set((islands, live + 1));
        live + 1 >= islands
    });
    if all {
        mark_live();
    }
}

#[cfg(feature = "hydrate")]
fn mark_live() {
    if let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = root.set_attribute("data-hydrated", "true");
    }
}
