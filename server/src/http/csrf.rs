//! Cross-site request forgery: every request that may change something must prove it came from the portal's own
//! pages. Browsers say where a request comes from in headers a page cannot forge: `Origin` (sent with every POST
//! by every current browser), `Sec-Fetch-Site`, and `Referer` (the portal's `Referrer-Policy: same-origin` keeps
//! it on its own requests). The first of them present decides; a request with none of them is refused too.
//!
//! Session cookies are already `SameSite`; this is the second, independent defence, for the citizen's server
//! functions, the upload route and the whole staff console alike. The AFIS link is exempt: its callers
//! authenticate with bearer tokens and carry no cookies, so there is nothing for another site to borrow.

use crate::security_log::{self, Event};
use axum::{
    extract::{Request, State},
    http::{header, HeaderMap, HeaderValue, Method, StatusCode, Uri},
    middleware::Next,
    response::{IntoResponse, Response},
};
use std::sync::Arc;

/// Paths whose callers authenticate with bearer tokens and never with cookies.
const EXEMPT: &[&str] = &["/api/afis/"];

/// The origins the portal's own pages have (`scheme://host[:port]`).
#[derive(Clone, Debug)]
pub struct SameOrigin {
    origins: Vec<String>,
}

impl SameOrigin {
    /// The origin of `public_base_url`. A development portal on a loopback address also answers to the other
    /// names of loopback on the same port (`localhost`, `127.0.0.1`, `[::1]`): no other site can be there.
    pub fn new(public_base_url: &str) -> SameOrigin {
        let mut origins = Vec::new();
        if let Some((scheme, host, port)) = parts(public_base_url) {
            let loopback = ["localhost", "127.0.0.1", "[::1]"];
            if scheme == "http" && loopback.contains(&host.as_str()) {
                origins.extend(loopback.iter().map(|h| serialize(&scheme, h, port)));
            } else {
                origins.push(serialize(&scheme, &host, port));
            }
        }
        SameOrigin { origins }
    }

    /// Whether a request with these headers came from one of the portal's pages.
    pub fn allows(&self, headers: &HeaderMap) -> bool {
        let origins: Vec<&HeaderValue> = headers.get_all(header::ORIGIN).iter().collect();
        if !origins.is_empty() {
            // `Origin: null` (a sandboxed frame, a `data:` page, some redirects) has no origin to compare.
            return origins.iter().all(|o| {
                o.to_str()
                    .ok()
                    .and_then(|o| parts(o).map(|(s, h, p)| serialize(&s, &h, p)))
                    .is_some_and(|o| self.origins.contains(&o))
            });
        }
        if let Some(site) = headers.get("sec-fetch-site") {
            // `none`: the person typed the address or used a bookmark.
            return matches!(site.as_bytes(), b"same-origin" | b"none");
        }
        if let Some(referer) = headers.get(header::REFERER).and_then(|r| r.to_str().ok()) {
            return self.origins.iter().any(|o| {
                referer
                    .strip_prefix(o.as_str())
                    .is_some_and(|rest| rest.starts_with('/'))
            });
        }
        false
    }
}

/// The scheme, host and port (`None` when it is the scheme's default) of a URL or an origin, lowercased.
fn parts(url: &str) -> Option<(String, String, Option<u16>)> {
    let uri: Uri = url.parse().ok()?;
    let scheme = uri.scheme_str()?.to_ascii_lowercase();
    let host = uri.host()?.to_ascii_lowercase();
    let default = match scheme.as_str() {
        "http" => 80,
        "https" => 443,
        _ => return None,
    };
    Some((scheme, host, uri.port_u16().filter(|p| *p != default)))
}

fn serialize(scheme: &str, host: &str, port: Option<u16>) -> String {
    match port {
        Some(port) => format!("{scheme}://{host}:{port}"),
        None => format!("{scheme}://{host}"),
    }
}

/// RFC 9110's safe methods; every other method may change something.
fn is_safe(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE)
}

/// Refuses a state-changing request that did not come from the portal's own pages.
pub async fn refuse_cross_site(State(policy): State<Arc<SameOrigin>>, request: Request, next: Next) -> Response {
    let path = request.uri().path();
    if is_safe(request.method()) || EXEMPT.iter().any(|p| path.starts_with(p)) || policy.allows(request.headers()) {
        return next.run(request).await;
    }
    security_log::record(
        Event::CrossSiteRefused,
        super::client::Client::of(request.extensions()),
        None,
        "origin",
    );
    refusal(request.headers())
}

const MESSAGE: &str = "Permintaan ditolak: formulir ini dikirim dari situs lain. Kembali ke portal dan coba lagi. \
                       / Request refused: the form came from another site. Go back to the portal and try again.";

const PAGE: &str = r#"<!DOCTYPE html>
<html lang="id">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Permintaan ditolak / Request refused - Portal KTP-el</title>
</head>
<body>
<main>
<h1>Permintaan ditolak</h1>
<p>Formulir ini dikirim dari situs lain, jadi tidak kami proses. Tidak ada yang berubah.
Kembali ke portal dan coba lagi dari halamannya.</p>
<p><a href="/">Kembali ke Portal KTP-el</a></p>
<hr>
<div lang="en">
<h2>Request refused</h2>
<p>The form came from another site, so we did not process it. Nothing was changed.
Go back to the portal and try again from its own page.</p>
<p><a href="/">Back to the KTP-el Portal</a></p>
</div>
</main>
</body>
</html>
"#;

/// 403: a page for a browser that posted a form, data for everything else.
fn refusal(request: &HeaderMap) -> Response {
    let wants_html = request
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"));
    if wants_html {
        (
            StatusCode::FORBIDDEN,
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            PAGE,
        )
            .into_response()
    } else {
        (
            StatusCode::FORBIDDEN,
            axum::Json(serde_json::json!({"error": "cross_site", "message": MESSAGE})),
        )
            .into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (name, value) in pairs {
            h.append(*name, HeaderValue::from_static(value));
        }
        h
    }

    #[test]
    fn origin_decides_when_present() {
        let portal = SameOrigin::new("https://ktp.bengkaliskab.go.id");
        assert!(portal.allows(&headers(&[("origin", "https://ktp.bengkaliskab.go.id")])));
        assert!(portal.allows(&headers(&[("origin", "https://KTP.bengkaliskab.go.id:443")])));
        for foreign in [
            "https://evil.example",
            "http://ktp.bengkaliskab.go.id",
            "https://ktp.bengkaliskab.go.id:8443",
            "https://ktp.bengkaliskab.go.id.evil.example",
            "null",
            "",
        ] {
            assert!(!portal.allows(&headers(&[("origin", foreign)])), "{foreign}");
        }
        // A right Sec-Fetch-Site or Referer does not save a wrong Origin.
        assert!(!portal.allows(&headers(&[
            ("origin", "https://evil.example"),
            ("sec-fetch-site", "same-origin"),
            ("referer", "https://ktp.bengkaliskab.go.id/masuk"),
        ])));
    }

    #[test]
    fn without_origin_sec_fetch_site_then_referer() {
        let portal = SameOrigin::new("https://ktp.bengkaliskab.go.id");
        assert!(portal.allows(&headers(&[("sec-fetch-site", "same-origin")])));
        assert!(portal.allows(&headers(&[("sec-fetch-site", "none")])));
        assert!(!portal.allows(&headers(&[("sec-fetch-site", "same-site")])));
        assert!(!portal.allows(&headers(&[
            ("sec-fetch-site", "cross-site"),
            ("referer", "https://ktp.bengkaliskab.go.id/masuk"),
        ])));
        assert!(portal.allows(&headers(&[("referer", "https://ktp.bengkaliskab.go.id/masuk")])));
        assert!(!portal.allows(&headers(&[("referer", "https://ktp.bengkaliskab.go.id.evil.example/")])));
        assert!(!portal.allows(&headers(&[("referer", "https://ktp.bengkaliskab.go.id")])));
        assert!(!portal.allows(&HeaderMap::new()), "no header at all is refused");
    }

    #[test]
    fn a_loopback_portal_answers_to_every_loopback_name_on_its_port() {
        let portal = SameOrigin::new("http://127.0.0.1:3000");
        assert!(portal.allows(&headers(&[("origin", "http://localhost:3000")])));
        assert!(portal.allows(&headers(&[("origin", "http://127.0.0.1:3000")])));
        assert!(!portal.allows(&headers(&[("origin", "http://localhost:3001")])));
        assert!(!portal.allows(&headers(&[("origin", "https://localhost:3000")])));
    }

    #[test]
    fn only_unsafe_methods_are_checked() {
        assert!(is_safe(&Method::GET) && is_safe(&Method::HEAD) && is_safe(&Method::OPTIONS));
        for method in ["POST", "PUT", "PATCH", "DELETE", "BREW"] {
            assert!(!is_safe(&Method::from_bytes(method.as_bytes()).unwrap()), "{method}");
        }
    }
}
