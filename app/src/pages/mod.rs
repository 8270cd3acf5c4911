//! One module per route.

pub mod account;
pub mod application;
pub mod home;
pub mod not_found;
pub mod sign_in;
