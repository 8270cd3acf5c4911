//! Request counts and latencies, exposed at `GET /metrics` in the Prometheus text format, and one structured log
//! line per request. Requests are labelled by their route template (`/pkg/{*file}`), never by the raw path, and
//! by their method only when it is one of the standard ones (any other is `OTHER`), so the number of series stays
//! bounded whatever clients send and no personal data reaches a label or a log line.
//!
//! The numbers are for the operators, not the public: they are served on a listener of their own (`METRICS_ADDR`,
//! loopback by default) and, only when `METRICS_TOKEN` is set, on the main listener to a bearer of that token.

use axum::{
    extract::{MatchedPath, Request, State},
    http::{header, HeaderValue, Method, StatusCode},
    middleware::{self, Next},
    response::{IntoResponse, Response},
    routing::get,
    Router,
};
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};
use std::{collections::BTreeMap, fmt::Write, sync::Arc, sync::Mutex, time::Instant};

/// Upper bounds of the latency buckets, in seconds.
const BUCKETS: [f64; 12] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
];

#[derive(Default)]
struct Series {
    count: u64,
    sum: f64,
    buckets: [u64; BUCKETS.len()],
}

#[derive(Default)]
pub struct Metrics {
    series: Mutex<BTreeMap<(String, String, u16), Series>>,
}

impl Metrics {
    pub fn observe(&self, method: &str, route: &str, status: u16, seconds: f64) {
        let mut series = self.series.lock().unwrap_or_else(|e| e.into_inner());
        let s = series.entry((method.to_owned(), route.to_owned(), status)).or_default();
        s.count += 1;
        s.sum += seconds;
        for (bucket, bound) in s.buckets.iter_mut().zip(BUCKETS) {
            if seconds <= bound {
                *bucket += 1;
            }
        }
    }

    pub fn render(&self) -> String {
        let series = self.series.lock().unwrap_or_else(|e| e.into_inner());
        let mut out = String::new();
        out.push_str("# HELP portal_http_requests_total HTTP requests answered, by method, route and status.\n");
        out.push_str("# TYPE portal_http_requests_total counter\n");
        for ((method, route, status), s) in series.iter() {
            let _ = writeln!(
                out,
                "portal_http_requests_total{{method=\"{method}\",route=\"{route}\",status=\"{status}\"}} {}",
                s.count
            );
        }
        out.push_str("# HELP portal_http_request_duration_seconds Time to answer an HTTP request.\n");
        out.push_str("# TYPE portal_http_request_duration_seconds histogram\n");
        for ((method, route, status), s) in series.iter() {
            let labels = format!("method=\"{method}\",route=\"{route}\",status=\"{status}\"");
            for (count, bound) in s.buckets.iter().zip(BUCKETS) {
                let _ = writeln!(
                    out,
                    "portal_http_request_duration_seconds_bucket{{{labels},le=\"{bound}\"}} {count}"
                );
            }
            let _ = writeln!(
                out,
                "portal_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}",
                s.count
            );
            let _ = writeln!(out, "portal_http_request_duration_seconds_sum{{{labels}}} {}", s.sum);
            let _ = writeln!(
                out,
                "portal_http_request_duration_seconds_count{{{labels}}} {}",
                s.count
            );
        }
        out
    }
}

/// The route template a response was answered by, copied from the request by [`label_route`].
#[derive(Clone)]
struct RouteLabel(MatchedPath);

/// Runs inside routing (`route_layer`), where the matched route is known, and hands it to [`track`].
pub async fn label_route(request: Request, next: Next) -> Response {
    let label = request.extensions().get::<MatchedPath>().cloned().map(RouteLabel);
    let mut response = next.run(request).await;
    if let Some(label) = label {
        response.extensions_mut().insert(label);
    }
    response
}

/// Runs around the whole router, so it also counts static files and pages that were not found.
pub async fn track(State(metrics): State<Arc<Metrics>>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = method_label(request.method());
    let response = next.run(request).await;
    let route = match response.extensions().get::<RouteLabel>() {
        Some(RouteLabel(path)) => path.as_str().to_owned(),
        None => "fallback".to_owned(),
    };
    let seconds = started.elapsed().as_secs_f64();
    let status = response.status().as_u16();
    metrics.observe(method, &route, status, seconds);
    tracing::info!(target: "portal::http", %method, %route, status, ms = seconds * 1000.0, "request");
    response
}

/// The method as a label: one of the standard methods, or `OTHER` for anything a client invented.
fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        _ => "OTHER",
    }
}

pub async fn expose(State(metrics): State<Arc<Metrics>>) -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")],
        metrics.render(),
    )
}

/// The router of the metrics listener: `GET /metrics` and nothing else.
pub fn listener_router(metrics: Arc<Metrics>) -> Router {
    Router::new()
        .route("/metrics", get(expose))
        .layer(middleware::from_fn(super::cache::no_store_by_default))
        .with_state(metrics)
}

/// `METRICS_TOKEN`, kept as its SHA-256 so that comparing takes the same time whatever the guess.
#[derive(Clone)]
pub struct Token([u8; 32]);

impl Token {
    pub fn new(token: &SecretString) -> Token {
        Token(Sha256::digest(token.expose_secret().as_bytes()).into())
    }

    fn admits(&self, presented: &str) -> bool {
        let presented: [u8; 32] = Sha256::digest(presented.as_bytes()).into();
        presented.iter().zip(self.0).fold(0u8, |diff, (a, b)| diff | (a ^ b)) == 0
    }
}

/// `/metrics` on the main listener: only with `Authorization: Bearer <METRICS_TOKEN>`, 401 otherwise.
pub async fn require_token(State(token): State<Token>, request: Request, next: Next) -> Response {
    let presented = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            let (scheme, credentials) = v.trim().split_once(' ')?;
            scheme.eq_ignore_ascii_case("bearer").then(|| credentials.trim())
        });
    if presented.is_some_and(|p| token.admits(p)) {
        return next.run(request).await;
    }
    (
        StatusCode::UNAUTHORIZED,
        [(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"))],
        "401 Unauthorized: /metrics needs Authorization: Bearer <METRICS_TOKEN>\n",
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_counts_and_buckets() {
        let m = Metrics::default();
        m.observe("GET", "/", 200, 0.003);
        m.observe("GET", "/", 200, 0.2);
        let text = m.render();
        assert!(text.contains("portal_http_requests_total{method=\"GET\",route=\"/\",status=\"200\"} 2"));
        assert!(text.contains("le=\"0.005\"} 1"));
        assert!(text.contains("le=\"+Inf\"} 2"));
    }

    #[test]
    fn invented_methods_share_one_label() {
        assert_eq!(method_label(&Method::PATCH), "PATCH");
        for invented in ["BREW", "PROPFIND", "X1", "CONNECT", "TRACE"] {
            assert_eq!(method_label(&Method::from_bytes(invented.as_bytes()).unwrap()), "OTHER");
        }
    }

    #[test]
    fn only_the_token_itself_is_admitted() {
        let token = Token::new(&SecretString::from("s3cret-metrics-token"));
        assert!(token.admits("s3cret-metrics-token"));
        assert!(!token.admits("s3cret-metrics-toke"));
        assert!(!token.admits(""));
    }
}
