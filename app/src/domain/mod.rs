//! Pure rules shared by browser and server: no I/O, no Leptos. Each type parses its input once, so that holding
//! a value means holding a valid one.

pub mod application;
pub mod booking;
pub mod calendar;
pub mod codes;
pub mod complaint;
pub mod countries;
pub mod date;
pub mod eligibility;
pub mod identifier;
pub mod local_path;
pub mod names;
pub mod nik;
pub mod office;
pub mod process;
pub mod regions;
pub mod tracking;

pub use date::Date;
pub use local_path::LocalPath;
pub use nik::{Nik, NoKk, Sex};
