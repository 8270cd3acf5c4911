//! Code that only ever runs in the browser (feature `hydrate`): thin helpers over the Web APIs via `web-sys`, kept
//! free of Leptos so pages and components can call them from event handlers and `spawn_local` tasks.
//!
//! - [`area_picker`]: the address's lists narrowing without a page load.
//! - [`places`]: the booking page's places left, read again while it is open.
//! - [`scan_form`]: a scan's form sending with a progress bar and answering in place.
//! - [`upload`]: shrinking photos before sending, upload progress, previews of the chosen file.
//! - [`fetch`]: an island reading a server function's JSON answer with a plain `fetch`.
//! - [`live_check`]: a text field's live check on the page the server rendered.

pub mod area_picker;
pub mod fetch;
pub mod live_check;
pub mod places;
pub mod scan_form;
pub mod upload;
