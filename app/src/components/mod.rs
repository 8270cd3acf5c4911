//! Reusable pieces of pages.

pub mod answers;
pub mod form;
pub mod language_switch;
pub mod layout;
pub mod scripts;
pub mod title;
