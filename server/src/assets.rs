//! The built assets (WASM, JS, CSS, public files), held in memory and served with the headers slow phones need.
//!
//! `cargo leptos build --release` writes them with content-hashed names, and the build step (`make build`)
//! writes a brotli (`.br`) and a gzip (`.gz`) copy beside each. At start-up every file is read once; a request
//! gets the smallest copy its `Accept-Encoding` allows, `Cache-Control: immutable` when the name carries a hash
//! (a new build means a new name), and an `ETag` for everything else.

use axum::{
    body::Body,
    http::{header, HeaderMap, HeaderValue, Response, StatusCode},
};
use bytes::Bytes;
use std::{collections::HashMap, io, path::Path};

const IMMUTABLE: &str = "public, max-age=31536000, immutable";
const REVALIDATE: &str = "public, max-age=3600, must-revalidate";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    Brotli,
    Gzip,
    Identity,
}

impl Encoding {
    fn suffix(self) -> &'static str {
        match self {
            Encoding::Brotli => ".br",
            Encoding::Gzip => ".gz",
            Encoding::Identity => "",
        }
    }

    fn header(self) -> Option<HeaderValue> {
        match self {
            Encoding::Brotli => Some(HeaderValue::from_static("br")),
            Encoding::Gzip => Some(HeaderValue::from_static("gzip")),
            Encoding::Identity => None,
        }
    }
}

struct Asset {
    content_type: HeaderValue,
    cache_control: HeaderValue,
    etag: HeaderValue,
    identity: Bytes,
    brotli: Option<Bytes>,
    gzip: Option<Bytes>,
}

#[derive(Default)]
pub struct StaticAssets {
    files: HashMap<String, Asset>,
}

impl StaticAssets {
    /// Reads every file below `site_root`. A missing folder gives an empty set (the pages still render; the
    /// portal then simply has no styles or script, as it would with JavaScript off).
    pub fn load(site_root: &Path) -> io::Result<StaticAssets> {
        let mut assets = StaticAssets::default();
        if !site_root.is_dir() {
            tracing::warn!(site_root = %site_root.display(), "no built assets found: run `make build`");
            return Ok(assets);
        }
        let mut pending = vec![site_root.to_path_buf()];
        while let Some(dir) = pending.pop() {
            for entry in std::fs::read_dir(&dir)? {
                let path = entry?.path();
                if path.is_dir() {
                    pending.push(path);
                    continue;
                }
                let name = path.to_string_lossy();
                if name.ends_with(".br") || name.ends_with(".gz") {
                    continue;
                }
                let relative = path.strip_prefix(site_root).unwrap_or(&path);
                let url = format!("/{}", relative.to_string_lossy().replace('\\', "/"));
                let identity = Bytes::from(std::fs::read(&path)?);
                let sibling = |encoding: Encoding| {
                    std::fs::read(format!("{}{}", path.display(), encoding.suffix()))
                        .ok()
                        .map(Bytes::from)
                };
                let content_type = mime_guess::from_path(&path).first_or_octet_stream();
                let content_type = match content_type.type_() {
                    mime_guess::mime::TEXT => format!("{content_type}; charset=utf-8"),
                    _ if content_type.subtype() == "javascript" => "text/javascript; charset=utf-8".into(),
                    _ => content_type.to_string(),
                };
                let file_name = path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                assets.files.insert(
                    url,
                    Asset {
                        content_type: HeaderValue::from_str(&content_type)
                            .unwrap_or(HeaderValue::from_static("application/octet-stream")),
                        cache_control: HeaderValue::from_static(if is_hashed(&file_name) {
                            IMMUTABLE
                        } else {
                            REVALIDATE
                        }),
                        etag: HeaderValue::from_str(&format!("\"{:016x}\"", fnv1a(&identity)))
                            .expect("hex is a valid header value"),
                        brotli: sibling(Encoding::Brotli),
                        gzip: sibling(Encoding::Gzip),
                        identity,
                    },
                );
            }
        }
        tracing::info!(files = assets.files.len(), "loaded the built assets");
        Ok(assets)
    }

    /// The URL of the first asset under `dir` whose name starts with `stem` and ends with `extension`: how the
    /// pages find the stylesheet whatever its hash.
    pub fn find(&self, dir: &str, stem: &str, extension: &str) -> Option<String> {
        let prefix = format!("{dir}/{stem}");
        let mut found: Vec<&String> = self
            .files
            .keys()
            .filter(|k| k.starts_with(&prefix) && k.ends_with(extension))
            .collect();
        found.sort();
        found.first().map(|s| s.to_string())
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// The response for `path`, or `None` when there is no such asset.
    pub fn respond(&self, path: &str, request: &HeaderMap) -> Option<Response<Body>> {
        let asset = self.files.get(path)?;
        let mut builder = Response::builder()
            .header(header::CONTENT_TYPE, asset.content_type.clone())
            .header(header::CACHE_CONTROL, asset.cache_control.clone())
            .header(header::ETAG, asset.etag.clone())
            .header(header::VARY, HeaderValue::from_static("Accept-Encoding"));
        let not_modified = request
            .get_all(header::IF_NONE_MATCH)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .any(|v| v.split(',').any(|tag| tag.trim() == "*" || tag.trim() == asset.etag));
        if not_modified {
            return builder.status(StatusCode::NOT_MODIFIED).body(Body::empty()).ok();
        }
        let accepted = accepted_encodings(request);
        let (encoding, body) = [(Encoding::Brotli, &asset.brotli), (Encoding::Gzip, &asset.gzip)]
            .into_iter()
            .find_map(|(enc, body)| {
                body.as_ref()
                    .filter(|_| accepted.contains(&enc))
                    .map(|b| (enc, b.clone()))
            })
            .unwrap_or((Encoding::Identity, asset.identity.clone()));
        if let Some(value) = encoding.header() {
            builder = builder.header(header::CONTENT_ENCODING, value);
        }
        builder
            .header(header::CONTENT_LENGTH, body.len())
            .body(Body::from(body))
            .ok()
    }
}

/// The encodings a request accepts, honouring `;q=0` refusals.
pub fn accepted_encodings(request: &HeaderMap) -> Vec<Encoding> {
    request
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|item| {
            let mut parts = item.split(';');
            let name = parts.next()?.trim().to_ascii_lowercase();
            let refused = parts.any(|p| {
                matches!(
                    p.trim().replace(' ', "").as_str(),
                    "q=0" | "q=0.0" | "q=0.00" | "q=0.000"
                )
            });
            if refused {
                return None;
            }
            match name.as_str() {
                "br" => Some(Encoding::Brotli),
                "gzip" => Some(Encoding::Gzip),
                _ => None,
            }
        })
        .collect()
}

/// cargo-leptos names hashed files `name.<hash>.ext`, the hash being at least 8 characters of base64url/hex.
fn is_hashed(file_name: &str) -> bool {
    let parts: Vec<&str> = file_name.split('.').collect();
    parts.len() >= 3
        && parts[1..parts.len() - 1]
            .iter()
            .any(|p| p.len() >= 8 && p.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'))
}

/// A stable fingerprint for the `ETag` (not for security).
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf29ce484222325, |hash, b| {
        (hash ^ u64::from(*b)).wrapping_mul(0x100000001b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(accept: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::ACCEPT_ENCODING, HeaderValue::from_str(accept).unwrap());
        h
    }

    #[test]
    fn reads_accept_encoding() {
        assert_eq!(
            accepted_encodings(&headers("gzip, deflate, br")),
            vec![Encoding::Gzip, Encoding::Brotli]
        );
        assert_eq!(accepted_encodings(&headers("br;q=0, gzip;q=0.5")), vec![Encoding::Gzip]);
        assert!(accepted_encodings(&HeaderMap::new()).is_empty());
    }

    #[test]
    fn recognises_hashed_names() {
        assert!(is_hashed("portal.3f9a1c0b2d4e5f67.wasm"));
        assert!(is_hashed("portal.Xk2-pQ_9aa.css"));
        assert!(!is_hashed("portal.wasm"));
        assert!(!is_hashed("favicon.svg"));
        assert!(!is_hashed("portal_bg.wasm"));
    }
}
