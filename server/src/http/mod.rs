//! Routes and layers that are not server functions.

pub mod health;
pub mod metrics;
pub mod security;
