//! Pages without islands carry no script at all.
//!
//! Leptos ends every page it renders with two inline scripts that hand the browser the data of the page's
//! resources (`__RESOLVED_RESOURCES=[…]`, `__INCOMPLETE_CHUNKS=[…]`). Outside islands nothing is hydrated, so on a
//! page with no island they are always empty, and nothing on the page would ever read them. They are removed
//! there, so that such a page has no `<script>` at all; a page with an island keeps them (its islands' resources
//! travel in them).

use axum::{
    body::{to_bytes, Body},
    extract::Request,
    http::header,
    middleware::Next,
    response::Response,
};

/// What Leptos writes after `</html>` on a page with nothing to hand over, the nonce aside.
const EMPTY_DATA: [&str; 2] = [
    "__RESOLVED_RESOURCES=[];__SERIALIZED_ERRORS=[];__PENDING_RESOURCES=[];__RESOURCE_RESOLVERS=[];",
    "__INCOMPLETE_CHUNKS=[];",
];

/// A page is at most a few hundred kilobytes; a body above this is left as it is.
const MAX_PAGE_BYTES: usize = 4 * 1024 * 1024;

/// Removes Leptos's empty hand-over scripts from an HTML page that has no island.
pub async fn strip_empty_hydration_data(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    let is_page = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("text/html"))
        && !response.headers().contains_key(header::CONTENT_ENCODING);
    if !is_page {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_PAGE_BYTES).await else {
        // Only a body over the limit or a failing stream gets here; the page is lost either way, as it would be
        // without this layer.
        return Response::from_parts(parts, Body::empty());
    };
    match without_empty_data(&bytes) {
        Some(page) => {
            parts.headers.remove(header::CONTENT_LENGTH);
            Response::from_parts(parts, Body::from(page))
        }
        None => Response::from_parts(parts, Body::from(bytes)),
    }
}

/// `page` without the trailing empty hand-over scripts, if it has no island and ends with exactly those.
fn without_empty_data(page: &[u8]) -> Option<Vec<u8>> {
    let text = std::str::from_utf8(page).ok()?;
    if text.contains("<leptos-island") {
        return None;
    }
    let end = text.rfind("</html>")? + "</html>".len();
    let mut tail = &text[end..];
    for data in EMPTY_DATA {
        let open_end = tail.strip_prefix("<script")?.find('>')? + "<script".len() + 1;
        let rest = tail[open_end..].strip_prefix(data)?;
        tail = rest.strip_prefix("</script>")?;
    }
    tail.trim().is_empty().then(|| page[..end].to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = "<!DOCTYPE html><html><body><p>Halo</p></body></html>";

    fn with_data(page: &str, nonce: &str, resources: &str) -> String {
        format!(
            "{page}<script nonce=\"{nonce}\">__RESOLVED_RESOURCES=[{resources}];__SERIALIZED_ERRORS=[];\
             __PENDING_RESOURCES=[];__RESOURCE_RESOLVERS=[];</script><script nonce=\"{nonce}\">__INCOMPLETE_CHUNKS=[];</script>"
        )
    }

    #[test]
    fn a_page_without_islands_loses_the_empty_scripts() {
        let page = with_data(PAGE, "abc123", "");
        assert_eq!(without_empty_data(page.as_bytes()).as_deref(), Some(PAGE.as_bytes()));
    }

    #[test]
    fn a_page_with_data_or_an_island_keeps_them() {
        // Data to hand over: kept, whatever it is.
        assert_eq!(without_empty_data(with_data(PAGE, "n", "\"x\"").as_bytes()), None);
        // An island may read them.
        let island = PAGE.replace("<p>Halo</p>", "<leptos-island data-component=\"A\"></leptos-island>");
        assert_eq!(without_empty_data(with_data(&island, "n", "").as_bytes()), None);
        // Anything else after the document: left alone.
        let more = format!("{}<script>alert(1)</script>", with_data(PAGE, "n", ""));
        assert_eq!(without_empty_data(more.as_bytes()), None);
        // A page with nothing after it has nothing to remove.
        assert_eq!(without_empty_data(PAGE.as_bytes()), None);
    }
}
