//! Integration tests: the real application on port 0, against a fresh database.
//!
//! They run once per database: on SQLite by default, on PostgreSQL when `TEST_DATABASE_URL` names a server
//! (`make test` runs both). Every test gets its own database and data folder.

mod afis;
mod applications;
mod assets;
mod bookings;
mod dashboard;
mod helpers;
mod language;
mod notifications;
mod operations;
mod pages;
mod reference_data;
mod security;
mod sign_in;
mod sign_in_pages;
mod staff;
mod tracking;
