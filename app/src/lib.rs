//! The Portal KTP-el application.
//!
//! This crate is compiled twice: natively with feature `ssr` (linked into the `server` binary, which renders
//! every page on the server) and to WebAssembly with feature `hydrate` (which makes the same pages interactive
//! in the browser). Everything here must therefore compile for both; server-only code sits behind
//! `#[cfg(feature = "ssr")]`.
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

/// Entry point of the WebAssembly bundle: attaches the app to the server-rendered HTML.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    // A panic in the browser says what went wrong in the console instead of a bare "unreachable".
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(App);
    // Marks the page as enhanced: styles may rely on it, and the browser tests wait for it.
    if let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = root.set_attribute("data-hydrated", "true");
    }
}
