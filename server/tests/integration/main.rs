//! Integration tests: the real application on port 0, against a fresh database.
//!
//! They run once per database: on SQLite by default, on PostgreSQL when `TEST_DATABASE_URL` names a server
//! (`make test` runs both). Every test gets its own database and data folder.

mod abuse;
mod afis;
mod applications;
mod assets;
mod bookings;
mod cookies;
mod dashboard;
mod edge;
mod helpers;
mod language;
mod limits;
mod malformed;
mod notifications;
mod operations;
mod pages;
mod reference_data;
mod security;
mod security_events;
mod sessions;
mod sign_in;
mod sign_in_pages;
mod staff;
mod tracking;
mod transport;
