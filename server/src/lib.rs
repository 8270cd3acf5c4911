//! The Portal KTP-el server: everything behind the server functions' door.
//!
//! `main.rs` only reads the configuration and calls [`startup::Application::build`]; integration tests build the
//! same application on port 0 against a fresh database.

pub mod admin;
pub mod afis;
pub mod applications;
pub mod assets;
pub mod auth;
pub mod booking;
pub mod config;
pub mod db;
pub mod documents;
pub mod http;
pub mod keys;
pub mod notify;
pub mod security_log;
pub mod staff;
pub mod startup;
pub mod telemetry;
