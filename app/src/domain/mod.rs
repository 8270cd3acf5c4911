//! Pure rules shared by browser and server: no I/O, no Leptos. Each type parses its input once, so that holding
//! a value means holding a valid one.

pub mod local_path;
pub mod office;

pub use local_path::LocalPath;
