//! Integration tests: the real application on port 0, against a fresh database.
//!
//! They run once per database: on SQLite by default, on PostgreSQL when `TEST_DATABASE_URL` names a server
//! (`make test` runs both). Every test gets its own database and data folder.

mod abuse;
mod afis;
mod applications;
mod assets;
mod attendance;
mod bookings;
mod cluster;
mod cluster_start;
mod compression;
mod contacts;
mod cookies;
mod dashboard;
mod edge;
mod handover;
mod helpers;
mod holidays;
mod known_codes;
mod language;
mod limits;
mod malformed;
mod names;
mod notifications;
mod object_store;
mod one_per_nik;
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
