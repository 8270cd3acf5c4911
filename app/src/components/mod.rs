//! Reusable pieces of pages.

pub mod language_switch;
pub mod layout;
