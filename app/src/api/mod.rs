//! Server functions: the only door between the browser and the server. One module per capability.
//!
//! What a server function needs from the server (the database, configuration, notifiers) reaches it through
//! Leptos context, provided by the `server` crate at start-up; the small types and traits it needs are declared
//! in [`ports`], so that this crate never depends on the server's machinery.

pub mod applications;
pub mod auth;
pub mod bookings;
#[cfg(feature = "ssr")]
pub mod cookies;
pub mod error;
pub mod form;
pub mod language;
#[cfg(feature = "ssr")]
pub mod ports;
pub mod words;
