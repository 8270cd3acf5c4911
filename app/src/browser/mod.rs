//! Code that only ever runs in the browser (feature `hydrate`): thin helpers over the Web APIs via `web-sys`, kept
//! free of Leptos so pages and components can call them from event handlers and `spawn_local` tasks.
//!
//! - [`upload`]: shrinking photos before sending, upload progress, previews of the chosen file.

pub mod upload;
