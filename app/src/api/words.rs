//! The words an island shows when something is wrong, in the page's language, asked for when the island needs
//! them: the WebAssembly holds no text of its own, and a page does not carry messages it is not showing.

use crate::api::error::AppError;
use leptos::prelude::*;

/// For a typed field of the application (`nik`, `email`…): the words of each of `TYPED_ISSUES`, in its order, as
/// the server writes them for that field. For a scan (`kk_scan`, `kitap_scan`): the words of each of
/// `UPLOAD_REFUSALS`. Anything else is not found.
#[server(endpoint = "kata", input = server_fn::codec::GetUrl)]
pub async fn island_words(field: String) -> Result<Vec<String>, AppError> {
    use crate::{
        api::error::{Problem, UPLOAD_REFUSALS},
        components::form::problem_message,
        domain::application::{Document, TYPED_FIELDS, TYPED_ISSUES},
        i18n::initial_locale,
    };
    let t = initial_locale().texts();
    let words = |problems: &mut dyn Iterator<Item = Problem>| problems.map(|p| problem_message(t, &field, p)).collect();
    if TYPED_FIELDS.contains(&field.as_str()) {
        Ok(words(&mut TYPED_ISSUES.iter().map(|issue| Problem::Answer(*issue))))
    } else if Document::ALL.iter().any(|d| d.code() == field) {
        Ok(words(&mut UPLOAD_REFUSALS.iter().copied()))
    } else {
        Err(crate::api::form::ssr::reject(AppError::NotFound))
    }
}
