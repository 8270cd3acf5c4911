//! Reading a server function's answer from an island without the server-function client: a plain `fetch` of its
//! GET address and the JSON of the one part the island needs. The client would bring its request and error
//! machinery (and the decoding of every error the portal has) into the WebAssembly that every phone downloads.

use serde::de::DeserializeOwned;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// `path?name=value&…` with the values URL-encoded.
pub fn with_query(path: &str, query: &[(&str, &str)]) -> String {
    let pairs = query
        .iter()
        .map(|(name, value)| format!("{name}={}", String::from(js_sys::encode_uri_component(value))))
        .collect::<Vec<_>>();
    format!("{path}?{}", pairs.join("&"))
}

/// The JSON answer of a GET to `url` (same origin, with the session cookie), read as `T`; `None` when the request
/// failed, the answer was not 2xx, or it does not read as `T` (fields `T` does not name are skipped).
pub async fn get_json<T: DeserializeOwned>(url: &str) -> Option<T> {
    let window = web_sys::window()?;
    let response: web_sys::Response = JsFuture::from(window.fetch_with_str(url)).await.ok()?.dyn_into().ok()?;
    if !response.ok() {
        return None;
    }
    let text = JsFuture::from(response.text().ok()?).await.ok()?.as_string()?;
    serde_json::from_str(&text).ok()
}
