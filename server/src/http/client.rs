//! The client's address, as every limit and the security log need it. The TCP peer is the client, unless the peer
//! is one of the `TRUSTED_PROXIES` (the TLS proxy or load balancer in front of the portal): then, and only then,
//! `X-Forwarded-For` (or, without it, the standard `Forwarded: for=`) says who the client is. Those headers are a
//! list each proxy appends to, so whatever a client wrote itself is on the left: the list is read from the right,
//! stepping over our own proxies, and the first address that is not one of them is the client.
//!
//! Every request leaves with a [`ClientAddress`] in its extensions. When no address can be known at all, it is a
//! random value of its own, so that an unknown client never shares a rate-limit bucket with anyone else.

use app::api::ports::ClientAddress;
use axum::{
    extract::{ConnectInfo, Request, State},
    http::{header, HeaderMap},
    middleware::Next,
    response::Response,
};
use ipnet::IpNet;
use std::{
    net::{IpAddr, SocketAddr},
    sync::Arc,
};

/// The proxies whose forwarded headers are believed (`TRUSTED_PROXIES`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<IpNet>);

impl TrustedProxies {
    /// Reads a comma-separated list of CIDR ranges (`10.0.0.0/8, fd00::/8`) or single addresses. An empty list
    /// trusts no one. A bad entry is an error that names it.
    pub fn parse(list: &str) -> Result<TrustedProxies, String> {
        let mut nets = Vec::new();
        for entry in list.split(',').map(str::trim).filter(|e| !e.is_empty()) {
            let net = entry
                .parse::<IpNet>()
                .or_else(|_| entry.parse::<IpAddr>().map(IpNet::from))
                .map_err(|_| {
                    format!("{entry:?} is not an IP address or a CIDR range such as 10.0.0.0/8 or fd00::/8")
                })?;
            nets.push(net);
        }
        Ok(TrustedProxies(nets))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn contains(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|net| net.contains(&ip))
    }

    /// The client of a request that arrived from `peer` with `headers`; `None` when it cannot be known.
    pub fn client(&self, peer: Option<IpAddr>, headers: &HeaderMap) -> Option<IpAddr> {
        let peer = peer.map(|ip| ip.to_canonical())?;
        if !self.contains(peer) {
            return Some(peer);
        }
        let hops = forwarded_for(headers);
        let mut client = peer;
        for hop in hops.iter().rev() {
            // A hop our own proxy wrote but that is not an address (`unknown`, an obfuscated `_name`): the client
            // behind it cannot be known.
            let ip = hop.map(|ip| ip.to_canonical())?;
            client = ip;
            if !self.contains(ip) {
                break;
            }
        }
        Some(client)
    }
}

/// The addresses of `X-Forwarded-For` (every line, in order), or without it those of `Forwarded: for=`; an entry
/// that is not an address is `None`.
fn forwarded_for(headers: &HeaderMap) -> Vec<Option<IpAddr>> {
    let values = |name| {
        headers
            .get_all(name)
            .iter()
            .map(|v| v.to_str().unwrap_or(""))
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .collect::<Vec<&str>>()
    };
    let listed = values(header::HeaderName::from_static("x-forwarded-for"));
    if !listed.is_empty() {
        return listed.into_iter().map(parse_node).collect();
    }
    values(header::FORWARDED)
        .into_iter()
        .filter_map(|element| {
            element.split(';').find_map(|pair| {
                let (key, value) = pair.split_once('=')?;
                key.trim().eq_ignore_ascii_case("for").then(|| parse_node(value.trim()))
            })
        })
        .collect()
}

/// `192.0.2.1`, `192.0.2.1:4711`, `2001:db8::1`, `[2001:db8::1]:4711`, each possibly in quotes.
fn parse_node(node: &str) -> Option<IpAddr> {
    let node = node.trim().trim_matches('"');
    if let Ok(ip) = node.parse::<IpAddr>() {
        return Some(ip);
    }
    if let Ok(socket) = node.parse::<SocketAddr>() {
        return Some(socket.ip());
    }
    // `[2001:db8::1]` without a port.
    node.strip_prefix('[')?.strip_suffix(']')?.parse().ok()
}

/// A value no other request will ever have: the bucket of a client whose address is unknown.
fn unknown() -> String {
    let mut bytes = [0u8; 12];
    let _ = getrandom::fill(&mut bytes);
    format!("unknown-{}", crate::auth::random::hex(&bytes))
}

/// Puts the request's [`ClientAddress`] into its extensions, for rate limits and the security log.
pub async fn client_address(State(trusted): State<Arc<TrustedProxies>>, mut request: Request, next: Next) -> Response {
    let peer = request.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip());
    let address = trusted
        .client(peer, request.headers())
        .map(|ip| ip.to_string())
        .unwrap_or_else(unknown);
    request.extensions_mut().insert(ClientAddress(address));
    next.run(request).await
}

/// The request's client address, as [`client_address`] left it in the extensions: for handlers (an extractor
/// that never fails) and for code holding the request's parts ([`Client::of`]). Behind the portal's router the
/// address is always there; `"unknown"` stands only where a route runs without that layer.
pub struct Client(pub String);

impl Client {
    pub fn of(extensions: &axum::http::Extensions) -> &str {
        extensions.get::<ClientAddress>().map_or("unknown", |c| c.0.as_str())
    }
}

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for Client {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, _: &S) -> Result<Client, Self::Rejection> {
        Ok(Client(Client::of(&parts.extensions).to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (name, value) in pairs {
            h.append(*name, HeaderValue::from_static(value));
        }
        h
    }

    fn ip(s: &str) -> Option<IpAddr> {
        Some(s.parse().unwrap())
    }

    #[test]
    fn reads_the_list_and_names_a_bad_entry() {
        assert!(TrustedProxies::parse("").unwrap().is_empty());
        let t = TrustedProxies::parse(" 10.0.0.0/8, 192.0.2.7 ,fd00::/8").unwrap();
        assert_eq!(t.0.len(), 3);
        let error = TrustedProxies::parse("10.0.0.0/8, proxy.local").unwrap_err();
        assert!(error.contains("proxy.local"), "{error}");
        assert!(TrustedProxies::parse("10.0.0.0/33").is_err());
    }

    #[test]
    fn without_trusted_proxies_the_peer_is_the_client() {
        let none = TrustedProxies::default();
        let spoofed = headers(&[("x-forwarded-for", "198.51.100.1"), ("forwarded", "for=198.51.100.2")]);
        assert_eq!(none.client(ip("203.0.113.9"), &spoofed), ip("203.0.113.9"));
        // A peer that is not a trusted proxy is not believed either.
        let t = TrustedProxies::parse("10.0.0.0/8").unwrap();
        assert_eq!(t.client(ip("203.0.113.9"), &spoofed), ip("203.0.113.9"));
    }

    #[test]
    fn behind_a_trusted_proxy_the_right_most_untrusted_hop_is_the_client() {
        let t = TrustedProxies::parse("10.0.0.0/8").unwrap();
        let proxy = ip("10.0.0.2");
        // The client wrote the left-most entry itself; the proxies appended the rest.
        let h = headers(&[("x-forwarded-for", "1.1.1.1, 198.51.100.7, 10.0.0.5")]);
        assert_eq!(t.client(proxy, &h), ip("198.51.100.7"));
        // Several header lines are one list.
        let h = headers(&[("x-forwarded-for", "1.1.1.1"), ("x-forwarded-for", "198.51.100.7")]);
        assert_eq!(t.client(proxy, &h), ip("198.51.100.7"));
        // Without a header the proxy itself is the client.
        assert_eq!(t.client(proxy, &HeaderMap::new()), proxy);
        // Every hop trusted: the left-most is the client.
        let h = headers(&[("x-forwarded-for", "10.1.1.1, 10.0.0.5")]);
        assert_eq!(t.client(proxy, &h), ip("10.1.1.1"));
        // Ports and IPv4-mapped IPv6 addresses.
        let h = headers(&[("x-forwarded-for", "198.51.100.7:5555")]);
        assert_eq!(t.client(proxy, &h), ip("198.51.100.7"));
        let h = headers(&[("x-forwarded-for", "::ffff:198.51.100.7")]);
        assert_eq!(t.client(ip("::ffff:10.0.0.2"), &h), ip("198.51.100.7"));
    }

    #[test]
    fn reads_the_standard_forwarded_header() {
        let t = TrustedProxies::parse("10.0.0.0/8").unwrap();
        let h = headers(&[(
            "forwarded",
            "for=1.1.1.1, For=\"[2001:db8:cafe::17]:4711\";proto=https, for=10.0.0.9;by=10.0.0.2",
        )]);
        assert_eq!(t.client(ip("10.0.0.2"), &h), ip("2001:db8:cafe::17"));
        // X-Forwarded-For wins when both are present.
        let h = headers(&[("forwarded", "for=1.1.1.1"), ("x-forwarded-for", "198.51.100.7")]);
        assert_eq!(t.client(ip("10.0.0.2"), &h), ip("198.51.100.7"));
    }

    #[test]
    fn an_address_that_cannot_be_known_is_nobodys() {
        let t = TrustedProxies::parse("10.0.0.0/8").unwrap();
        let h = headers(&[("forwarded", "for=unknown")]);
        assert_eq!(t.client(ip("10.0.0.2"), &h), None);
        let h = headers(&[("x-forwarded-for", "garbage, 10.0.0.3")]);
        assert_eq!(t.client(ip("10.0.0.2"), &h), None);
        assert_eq!(t.client(None, &HeaderMap::new()), None);
        assert_ne!(unknown(), unknown());
    }
}
