//! The HTTP edge: what every request and response passes through, one job per file (the client's address,
//! cross-site refusal, cookies, security headers, caching and compression, metrics), and the routes that are not
//! server functions (health, metrics).

pub mod cache;
pub mod client;
pub mod cookies;
pub mod csrf;
pub mod health;
pub mod islands;
pub mod landing;
pub mod metrics;
pub mod security;
