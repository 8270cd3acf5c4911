//! The landing page (`GET /`), rendered once per language and kept in memory for the life of the process (a new
//! build is a new process).
//!
//! The page holds nothing about the person asking: what it shows depends only on the language, which the app
//! takes from the `lang` cookie (`app::i18n::initial_locale`, the same `Locale::from_cookie_header` here). The
//! first request for a language goes through the normal Leptos route; if its answer is a plain 200 page in that
//! language that sets no cookie, its bytes are kept, with a brotli and a gzip copy made once, and later requests
//! for that language are answered from them. What the rendered page would have in common with the cached one is
//! the same by construction: this runs inside the same edge layers (security headers, `Cache-Control`,
//! compression), only in place of the handler.
//!
//! Nothing per-request can be kept or served:
//! - only `GET`/`HEAD` of exactly `/`, without a query string, are answered here (and only `GET` fills);
//! - a request carrying any cookie other than the language's (a session, a sign-in attempt, a sealed flash
//!   message) is rendered as usual and never fills the cache;
//! - an answer that is not 200, sets a cookie, is not HTML, or whose `<html lang>` is not the language of the
//!   request is passed on and never kept.
//!
//! Each answer gets a fresh CSP nonce: its `Content-Security-Policy` (`security::page_policy`), and wherever the
//! first render's nonce appeared in the HTML. When the HTML holds no nonce, the brotli and gzip copies are sent as
//! they are. When it holds one (an inline script), the gzip copy is kept in pieces, each compressed on its own and
//! ending on a byte boundary, and each answer puts its nonce between them as a stored (uncompressed) deflate block
//! and ends with the CRC of its own text; there is then no brotli copy (its stream cannot be cut so).

use crate::{
    assets::{accepted_encodings, Encoding},
    booking::printouts::locale_of,
    http::security,
};
use app::i18n::Locale;
use axum::{
    body::{to_bytes, Body},
    extract::{Request, State},
    http::{header, HeaderMap, HeaderValue, Method, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
};
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use bytes::Bytes;
use std::{
    collections::HashMap,
    io::Write,
    sync::{Arc, RwLock},
};

/// The rendered landing page of each language.
#[derive(Default)]
pub struct LandingCache {
    pages: RwLock<HashMap<Locale, Arc<Page>>>,
}

impl LandingCache {
    fn get(&self, locale: Locale) -> Option<Arc<Page>> {
        self.pages.read().ok()?.get(&locale).cloned()
    }

    /// Keeps the first page of a language; a second render (requests that arrived together) is the same page.
    fn keep(&self, locale: Locale, page: Page) {
        if let Ok(mut pages) = self.pages.write() {
            pages.entry(locale).or_insert_with(|| Arc::new(page));
        }
    }

    /// How many languages have a page kept (for tests).
    pub fn len(&self) -> usize {
        self.pages.read().map(|p| p.len()).unwrap_or(0)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

struct Page {
    /// The rendered answer's own headers, without those made per answer (policy, length, encoding, `Vary`).
    headers: HeaderMap,
    /// The HTML, cut where the first render's nonce was: one piece when it held none.
    pieces: Vec<Bytes>,
    /// The whole page compressed once; only when it holds no nonce.
    brotli: Option<Bytes>,
    /// The raw deflate of each piece, the last one final.
    deflated: Vec<Bytes>,
}

/// A middleware on the routes (inside the edge layers): answers `GET /` from the cache, else lets the route render.
pub async fn serve(State(cache): State<Arc<LandingCache>>, request: Request, next: Next) -> Response {
    let is_landing = matches!(*request.method(), Method::GET | Method::HEAD)
        && request.uri().path() == "/"
        && request.uri().query().is_none();
    if !is_landing {
        return next.run(request).await;
    }
    if !only_language_cookies(request.headers()) {
        return vary(next.run(request).await);
    }
    let locale = locale_of(request.headers());
    if let Some(page) = cache.get(locale) {
        return vary(page.answer(request.headers()));
    }
    let fills = request.method() == Method::GET;
    let response = next.run(request).await;
    if !fills {
        return vary(response);
    }
    vary(fill(&cache, locale, response).await)
}

/// Whether the request's cookies, if any, are only the language's (`lang`, or `__Host-lang` on https).
fn only_language_cookies(headers: &HeaderMap) -> bool {
    let lang = app::i18n::LANG_COOKIE;
    let host_lang = format!("__Host-{lang}");
    headers.get_all(header::COOKIE).iter().all(|value| {
        value.to_str().is_ok_and(|value| {
            value
                .split(';')
                .map(str::trim)
                .filter(|pair| !pair.is_empty())
                .all(|pair| {
                    pair.split_once('=')
                        .is_some_and(|(name, _)| name.trim() == lang || name.trim() == host_lang)
                })
        })
    })
}

/// Every HTML answer of `/` says what it depends on: the encoding, and the language cookie.
fn vary(mut response: Response) -> Response {
    let html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if html {
        let headers = response.headers_mut();
        headers.append(header::VARY, HeaderValue::from_static("accept-encoding"));
        headers.append(header::VARY, HeaderValue::from_static("cookie"));
    }
    response
}

/// A fresh nonce, as `leptos::nonce::Nonce::new` makes them: 16 random bytes, URL-safe base64 without padding.
fn fresh_nonce() -> String {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).expect("the operating system's random source");
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The nonce of a page's `Content-Security-Policy`.
fn nonce_of(headers: &HeaderMap) -> Option<String> {
    let policy = headers.get(header::CONTENT_SECURITY_POLICY)?.to_str().ok()?;
    let nonce = policy.split("'nonce-").nth(1)?.split('\'').next()?;
    (!nonce.is_empty()).then(|| nonce.to_owned())
}

/// The `lang` of the page's `<html>` element.
fn html_lang(html: &str) -> Option<&str> {
    let start = html.find("<html")?;
    let tag = &html[start..start + html[start..].find('>')?];
    let at = tag.find(" lang=\"")? + " lang=\"".len();
    let end = tag[at..].find('"')?;
    Some(&tag[at..at + end])
}

/// Keeps the rendered page if it may be kept; the answer to this request either way.
async fn fill(cache: &LandingCache, locale: Locale, response: Response) -> Response {
    let headers = response.headers();
    let keepable = response.status() == StatusCode::OK
        && !headers.contains_key(header::SET_COOKIE)
        && !headers.contains_key(header::CONTENT_ENCODING)
        && headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/html"));
    let Some(nonce) = nonce_of(headers).filter(|_| keepable) else {
        return response;
    };
    let (parts, body) = response.into_parts();
    let bytes = match to_bytes(body, usize::MAX).await {
        Ok(bytes) => bytes,
        Err(error) => {
            tracing::error!(%error, "the landing page failed while rendering");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    if let Some(page) = std::str::from_utf8(&bytes)
        .ok()
        .filter(|html| html_lang(html) == Some(locale.code()))
        .map(|html| Page::new(&parts.headers, html, &nonce))
    {
        cache.keep(locale, page);
    }
    Response::from_parts(parts, Body::from(bytes))
}

impl Page {
    fn new(rendered: &HeaderMap, html: &str, nonce: &str) -> Page {
        let mut headers = rendered.clone();
        for name in [
            header::CONTENT_SECURITY_POLICY,
            header::CONTENT_LENGTH,
            header::TRANSFER_ENCODING,
            header::CONTENT_ENCODING,
            header::VARY,
        ] {
            headers.remove(name);
        }
        let pieces: Vec<Bytes> = html
            .split(nonce)
            .map(|piece| Bytes::copy_from_slice(piece.as_bytes()))
            .collect();
        let brotli = (pieces.len() == 1).then(|| brotli(html.as_bytes()));
        let last = pieces.len() - 1;
        let deflated = pieces
            .iter()
            .enumerate()
            .map(|(i, piece)| deflate(piece, i == last))
            .collect();
        Page {
            headers,
            pieces,
            brotli,
            deflated,
        }
    }

    fn answer(&self, request: &HeaderMap) -> Response {
        let nonce = fresh_nonce();
        let accepted = accepted_encodings(request);
        let (encoding, body) = match &self.brotli {
            Some(brotli) if accepted.contains(&Encoding::Brotli) => (Encoding::Brotli, brotli.clone()),
            _ if accepted.contains(&Encoding::Gzip) => (Encoding::Gzip, self.gzip(&nonce)),
            _ => (Encoding::Identity, self.html(&nonce)),
        };
        let mut headers = self.headers.clone();
        if let Ok(policy) = HeaderValue::from_str(&security::page_policy(&nonce)) {
            headers.insert(header::CONTENT_SECURITY_POLICY, policy);
        }
        match encoding {
            Encoding::Brotli => headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("br")),
            Encoding::Gzip => headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip")),
            Encoding::Identity => None,
        };
        headers.insert(header::CONTENT_LENGTH, HeaderValue::from(body.len()));
        let mut response = Response::new(Body::from(body));
        *response.headers_mut() = headers;
        response
    }

    /// The HTML with this answer's nonce where the first render's was.
    fn html(&self, nonce: &str) -> Bytes {
        match self.pieces.as_slice() {
            [whole] => whole.clone(),
            pieces => {
                let mut html = Vec::with_capacity(pieces.iter().map(Bytes::len).sum::<usize>() + 32 * pieces.len());
                for (i, piece) in pieces.iter().enumerate() {
                    if i > 0 {
                        html.extend_from_slice(nonce.as_bytes());
                    }
                    html.extend_from_slice(piece);
                }
                Bytes::from(html)
            }
        }
    }
}

/// Brotli at its best (quality 11): made once per language.
fn brotli(bytes: &[u8]) -> Bytes {
    let mut out = Vec::new();
    {
        let mut writer = brotli::CompressorWriter::new(&mut out, 4096, 11, 22);
        writer.write_all(bytes).expect("writing to memory");
    }
    Bytes::from(out)
}

/// Raw deflate at its best (level 9) of one piece of the page, on its own (no reference to another piece, whose
/// place in the answer moves with the nonces between them): a final piece ends the stream, any other ends with a
/// sync flush, on a byte boundary, so that a stored block may follow.
fn deflate(piece: &[u8], last: bool) -> Bytes {
    let mut encoder = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(piece).expect("writing to memory");
    if last {
        return Bytes::from(encoder.finish().expect("writing to memory"));
    }
    // `flush` is a sync flush: the blocks so far, then an empty stored block.
    encoder.flush().expect("writing to memory");
    Bytes::from(encoder.get_ref().clone())
}

/// The gzip header: deflate, no name, no time, unknown system.
const GZIP_HEADER: [u8; 10] = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff];

impl Page {
    /// The page in gzip, with this answer's nonce between the kept pieces.
    fn gzip(&self, nonce: &str) -> Bytes {
        let text_len = self.pieces.iter().map(Bytes::len).sum::<usize>() + nonce.len() * (self.pieces.len() - 1);
        let mut out = Vec::with_capacity(
            GZIP_HEADER.len() + self.deflated.iter().map(Bytes::len).sum::<usize>() + 32 * self.pieces.len() + 8,
        );
        out.extend_from_slice(&GZIP_HEADER);
        let mut crc = flate2::Crc::new();
        let stored_len = u16::try_from(nonce.len()).expect("a nonce is short");
        for (i, (piece, deflated)) in self.pieces.iter().zip(&self.deflated).enumerate() {
            if i > 0 {
                // A stored block, not the last: BFINAL 0, BTYPE 00, then LEN and its complement.
                out.push(0);
                out.extend_from_slice(&stored_len.to_le_bytes());
                out.extend_from_slice(&(!stored_len).to_le_bytes());
                out.extend_from_slice(nonce.as_bytes());
                crc.update(nonce.as_bytes());
            }
            out.extend_from_slice(deflated);
            crc.update(piece);
        }
        out.extend_from_slice(&crc.sum().to_le_bytes());
        // ISIZE: the length of the text modulo 2^32.
        out.extend_from_slice(&(text_len as u32).to_le_bytes());
        Bytes::from(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::{middleware, routing::get, Router};
    use std::{
        io::Read,
        sync::atomic::{AtomicUsize, Ordering},
    };
    use tower::ServiceExt;

    /// A stand-in for the Leptos route: a page in the cookie's language, with its nonce in the policy and (when
    /// `script`) in the HTML; a flash cookie shows a message and is cleared, as the portal's flash is.
    fn app(renders: Arc<AtomicUsize>, script: bool) -> (Router, Arc<LandingCache>) {
        let cache = Arc::new(LandingCache::default());
        let page = move |request: Request| {
            let renders = renders.clone();
            async move {
                renders.fetch_add(1, Ordering::SeqCst);
                let locale = locale_of(request.headers());
                let cookies = request
                    .headers()
                    .get(header::COOKIE)
                    .map(|v| v.to_str().unwrap().to_owned())
                    .unwrap_or_default();
                let nonce = fresh_nonce();
                let flash = cookies.contains("flash=");
                let script = if script {
                    format!("<script nonce=\"{nonce}\">go()</script>")
                } else {
                    String::new()
                };
                let html = format!(
                    "<!DOCTYPE html><html lang=\"{}\"><head>{script}</head><body>{}{}</body></html>{script}",
                    locale.code(),
                    if flash { "PESAN-SEKALI " } else { "" },
                    "isi ".repeat(200)
                );
                let mut response = Response::new(Body::from(html));
                let headers = response.headers_mut();
                headers.insert(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("text/html; charset=utf-8"),
                );
                headers.insert(
                    header::CONTENT_SECURITY_POLICY,
                    HeaderValue::from_str(&security::page_policy(&nonce)).unwrap(),
                );
                if flash {
                    headers.insert(header::SET_COOKIE, HeaderValue::from_static("flash=; Max-Age=0"));
                }
                response
            }
        };
        let router = Router::new()
            .route("/", get(page.clone()))
            .route("/lain", get(page))
            .route_layer(middleware::from_fn_with_state(cache.clone(), serve));
        (router, cache)
    }

    async fn send(router: &Router, method: Method, uri: &str, headers: &[(&str, &str)]) -> (HeaderMap, Vec<u8>) {
        let mut request = Request::builder().method(method).uri(uri);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let response = router
            .clone()
            .oneshot(request.body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let headers = response.headers().clone();
        (
            headers,
            to_bytes(response.into_body(), usize::MAX).await.unwrap().to_vec(),
        )
    }

    fn decode(headers: &HeaderMap, body: &[u8]) -> String {
        let mut text = String::new();
        match headers.get(header::CONTENT_ENCODING).map(|v| v.to_str().unwrap()) {
            None => text = String::from_utf8(body.to_vec()).unwrap(),
            Some("br") => {
                brotli::Decompressor::new(body, 4096).read_to_string(&mut text).unwrap();
            }
            Some("gzip") => {
                flate2::read::GzDecoder::new(body).read_to_string(&mut text).unwrap();
            }
            Some(other) => panic!("{other}"),
        }
        text
    }

    #[test]
    fn only_the_language_cookie_may_be_present() {
        let with = |cookie: &'static str| {
            let mut headers = HeaderMap::new();
            headers.insert(header::COOKIE, HeaderValue::from_static(cookie));
            only_language_cookies(&headers)
        };
        assert!(only_language_cookies(&HeaderMap::new()));
        assert!(with("lang=en"));
        assert!(with("lang=en; __Host-lang=id;"));
        assert!(!with("lang=en; session=abc"));
        assert!(!with("flash=abc"));
        assert!(!with("lang"));
        let mut two = HeaderMap::new();
        two.append(header::COOKIE, HeaderValue::from_static("lang=en"));
        two.append(header::COOKIE, HeaderValue::from_static("session=abc"));
        assert!(!only_language_cookies(&two));
    }

    #[test]
    fn the_gzip_copy_takes_any_nonce_anywhere() {
        let nonce = "AAAAAAAAAAAAAAAAAAAAAA";
        for html in [
            format!("{nonce}<html>{}{nonce}{nonce}</html>{nonce}", "isi ".repeat(5000)),
            format!("<html>{nonce}</html>"),
            "<html>tanpa</html>".to_owned(),
        ] {
            let page = Page::new(&HeaderMap::new(), &html, nonce);
            for fresh in [fresh_nonce(), "a".repeat(300)] {
                let mut decoded = String::new();
                flate2::read::GzDecoder::new(&page.gzip(&fresh)[..])
                    .read_to_string(&mut decoded)
                    .unwrap();
                assert_eq!(decoded, html.replace(nonce, &fresh));
                assert_eq!(page.html(&fresh), html.replace(nonce, &fresh).as_bytes());
            }
        }
    }

    #[test]
    fn the_html_lang_is_read_from_the_html_element() {
        assert_eq!(html_lang("<!DOCTYPE html><html lang=\"en\"><body>"), Some("en"));
        assert_eq!(html_lang("<html><body lang=\"en\">"), None);
    }

    #[tokio::test]
    async fn each_language_is_rendered_once_and_served_in_every_encoding() {
        let renders = Arc::new(AtomicUsize::new(0));
        let (router, cache) = app(renders.clone(), false);
        let (first, plain) = send(&router, Method::GET, "/", &[]).await;
        let plain = String::from_utf8(plain).unwrap();
        assert!(plain.contains("lang=\"id\""));
        for encoding in ["br", "gzip", "gzip, deflate, br", "", "br;q=0, gzip;q=0"] {
            let (headers, body) = send(&router, Method::GET, "/", &[("accept-encoding", encoding)]).await;
            assert_eq!(decode(&headers, &body), plain, "{encoding}");
            assert_eq!(headers["content-length"], body.len().to_string().as_str());
            assert_eq!(headers["content-type"], first["content-type"]);
            assert_ne!(headers["content-security-policy"], first["content-security-policy"]);
            let vary: Vec<_> = headers.get_all(header::VARY).iter().collect();
            assert_eq!(vary, ["accept-encoding", "cookie"]);
        }
        let (headers, _) = send(&router, Method::GET, "/", &[("accept-encoding", "gzip, br")]).await;
        assert_eq!(headers["content-encoding"], "br");
        let (_, english) = send(&router, Method::GET, "/", &[("cookie", "lang=en")]).await;
        assert!(String::from_utf8(english).unwrap().contains("lang=\"en\""));
        send(&router, Method::HEAD, "/", &[("cookie", "lang=en")]).await;
        assert_eq!(renders.load(Ordering::SeqCst), 2, "once per language");
        assert_eq!(cache.len(), 2);
        // Anything else than exactly `/` is rendered each time.
        send(&router, Method::GET, "/?x=1", &[]).await;
        send(&router, Method::GET, "/lain", &[]).await;
        assert_eq!(renders.load(Ordering::SeqCst), 4);
    }

    /// A router whose `/` is a bare Indonesian page with a nonce in its policy.
    fn indonesian_page() -> Router {
        Router::new().route(
            "/",
            get(|| async {
                (
                    [
                        (header::CONTENT_TYPE, "text/html"),
                        (header::CONTENT_SECURITY_POLICY, "script-src 'nonce-abc'"),
                    ],
                    "<html lang=\"id\"></html>",
                )
            }),
        )
    }

    #[tokio::test]
    async fn nothing_per_request_is_kept_or_served_from_the_cache() {
        let renders = Arc::new(AtomicUsize::new(0));
        let (router, cache) = app(renders.clone(), false);
        // A flash message (a cookie that is cleared by the answer) is rendered, and never kept...
        let (headers, body) = send(&router, Method::GET, "/", &[("cookie", "lang=en; flash=abc")]).await;
        assert!(String::from_utf8(body).unwrap().contains("PESAN-SEKALI"));
        assert!(headers.contains_key(header::SET_COOKIE));
        assert!(cache.is_empty());
        // ... nor is any answer that sets a cookie, even to a request with only the language's.
        let flashing = |request: Request, next: Next| async move {
            let mut response = next.run(request).await;
            response
                .headers_mut()
                .insert(header::SET_COOKIE, HeaderValue::from_static("x=1"));
            response
        };
        let setting = indonesian_page()
            .route_layer(middleware::from_fn(flashing))
            .route_layer(middleware::from_fn_with_state(cache.clone(), serve));
        send(&setting, Method::GET, "/", &[]).await;
        assert!(cache.is_empty());
        // Once a page is kept, a request with a session or flash cookie still gets its own render.
        send(&router, Method::GET, "/", &[]).await;
        assert_eq!(cache.len(), 1);
        let before = renders.load(Ordering::SeqCst);
        let (_, body) = send(&router, Method::GET, "/", &[("cookie", "flash=abc")]).await;
        assert!(String::from_utf8(body).unwrap().contains("PESAN-SEKALI"));
        send(&router, Method::GET, "/", &[("cookie", "session=abc")]).await;
        assert_eq!(renders.load(Ordering::SeqCst), before + 2);
        let (_, body) = send(&router, Method::GET, "/", &[]).await;
        assert!(!String::from_utf8(body).unwrap().contains("PESAN-SEKALI"));
    }

    #[tokio::test]
    async fn a_page_in_another_language_than_asked_is_not_kept() {
        let cache = Arc::new(LandingCache::default());
        let router = indonesian_page().route_layer(middleware::from_fn_with_state(cache.clone(), serve));
        send(&router, Method::GET, "/", &[("cookie", "lang=en")]).await;
        assert!(cache.is_empty());
        send(&router, Method::GET, "/", &[("cookie", "lang=id")]).await;
        assert_eq!(cache.len(), 1);
    }

    #[tokio::test]
    async fn a_nonce_in_the_html_is_fresh_in_every_answer() {
        let renders = Arc::new(AtomicUsize::new(0));
        let (router, _) = app(renders.clone(), true);
        let mut seen = std::collections::HashSet::new();
        for (encoding, expected) in [
            ("", None),
            ("", None),
            ("br", None),
            ("gzip", Some("gzip")),
            ("br, gzip", Some("gzip")),
            ("gzip", Some("gzip")),
        ] {
            let (headers, body) = send(&router, Method::GET, "/", &[("accept-encoding", encoding)]).await;
            assert_eq!(
                headers.get(header::CONTENT_ENCODING).map(|v| v.to_str().unwrap()),
                expected,
                "{encoding}: no brotli copy of a page with a nonce"
            );
            assert_eq!(headers["content-length"], body.len().to_string().as_str());
            let nonce = nonce_of(&headers).unwrap();
            let html = decode(&headers, &body);
            assert!(html.contains(&format!("<script nonce=\"{nonce}\">")), "{html}");
            assert_eq!(html.matches(&format!("nonce=\"{nonce}\"")).count(), 2);
            assert!(seen.insert(nonce), "never twice the same nonce");
        }
        assert_eq!(renders.load(Ordering::SeqCst), 1);
    }
}
