//! Which address a request came from: the TCP peer, or, when the peer is a
//! trusted reverse proxy, the client that proxy saw (`X-Forwarded-For`).
//!
//! Rate limits and the sessions list use it, so a header is believed only
//! from a proxy the operator named; anyone else could write any address.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, Request, State};
use axum::http::HeaderMap;
use axum::middleware::Next;
use axum::response::Response;

use crate::state::AppState;

/// The client's address, as worked out for this request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClientAddr(pub IpAddr);

pub async fn resolve_client_address(
    State(state): State<AppState>,
    mut req: Request,
    next: Next,
) -> Response {
    if let Some(ConnectInfo(peer)) = req.extensions().get::<ConnectInfo<SocketAddr>>().copied() {
        let client = client_address(peer.ip(), req.headers(), &state.trusted_proxies);
        req.extensions_mut().insert(ClientAddr(client));
    }
    next.run(req).await
}

/// Walks `X-Forwarded-For` from the right (the hop nearest to us) past the
/// trusted proxies; the first other address is the client. A malformed
/// entry stops the walk: what lies left of it cannot be believed.
///
/// Addresses are compared unmapped (see [`unmapped`]), so a proxy named as
/// `10.0.0.1` is still trusted when a dual-stack socket reports it as
/// `::ffff:10.0.0.1`.
pub fn client_address(peer: IpAddr, headers: &HeaderMap, trusted_proxies: &[IpAddr]) -> IpAddr {
    let trusted = |addr: IpAddr| {
        let addr = unmapped(addr);
        trusted_proxies.iter().any(|&proxy| unmapped(proxy) == addr)
    };
    if !trusted(peer) {
        return peer;
    }
    let hops_nearest_first = headers
        .get_all("x-forwarded-for")
        .iter()
        .rev()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.rsplit(','))
        .map(str::trim);
    let mut client = peer;
    for hop in hops_nearest_first {
        match hop.parse::<IpAddr>() {
            Ok(addr) if trusted(addr) => client = addr,
            Ok(addr) => return addr,
            Err(_) => break,
        }
    }
    client
}

/// An IPv4-mapped IPv6 address (`::ffff:a.b.c.d`) as the IPv4 address it
/// stands for; any other address as it is.
fn unmapped(addr: IpAddr) -> IpAddr {
    match addr {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(addr, IpAddr::V4),
        IpAddr::V4(_) => addr,
    }
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    const PROXY: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(10, 0, 0, 2));
    const CLIENT: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(203, 0, 113, 7));

    fn forwarded(values: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for value in values {
            headers.append("x-forwarded-for", HeaderValue::from_str(value).unwrap());
        }
        headers
    }

    #[test]
    fn an_untrusted_peer_is_the_client_whatever_it_claims() {
        let headers = forwarded(&["198.51.100.1"]);
        assert_eq!(client_address(CLIENT, &headers, &[PROXY]), CLIENT);
        assert_eq!(client_address(PROXY, &headers, &[]), PROXY);
    }

    #[test]
    fn a_trusted_proxy_names_the_client() {
        let headers = forwarded(&["203.0.113.7"]);
        assert_eq!(client_address(PROXY, &headers, &[PROXY]), CLIENT);
    }

    #[test]
    fn addresses_the_client_wrote_itself_are_ignored() {
        // The client sent "X-Forwarded-For: 198.51.100.1"; the proxy appended
        // the address it saw.
        let headers = forwarded(&["198.51.100.1, 203.0.113.7"]);
        assert_eq!(client_address(PROXY, &headers, &[PROXY]), CLIENT);
        let split = forwarded(&["198.51.100.1", "203.0.113.7"]);
        assert_eq!(client_address(PROXY, &split, &[PROXY]), CLIENT);
    }

    #[test]
    fn a_chain_of_trusted_proxies_is_walked_past() {
        let inner: IpAddr = "10.0.0.3".parse().unwrap();
        let headers = forwarded(&["203.0.113.7, 10.0.0.3"]);
        assert_eq!(client_address(PROXY, &headers, &[PROXY, inner]), CLIENT);
    }

    #[test]
    fn no_header_or_a_malformed_hop_leaves_the_nearest_known_address() {
        assert_eq!(client_address(PROXY, &HeaderMap::new(), &[PROXY]), PROXY);
        let headers = forwarded(&["203.0.113.7, not-an-address"]);
        assert_eq!(client_address(PROXY, &headers, &[PROXY]), PROXY);
    }

    #[test]
    fn a_trusted_ipv4_proxy_seen_as_an_ipv4_mapped_peer_is_still_trusted() {
        let mapped_proxy: IpAddr = "::ffff:10.0.0.2".parse().unwrap();
        let headers = forwarded(&["203.0.113.7"]);
        assert_eq!(client_address(mapped_proxy, &headers, &[PROXY]), CLIENT);
    }

    #[test]
    fn a_proxy_configured_as_ipv4_mapped_trusts_its_ipv4_peer() {
        let configured: IpAddr = "::ffff:10.0.0.2".parse().unwrap();
        let headers = forwarded(&["203.0.113.7"]);
        assert_eq!(client_address(PROXY, &headers, &[configured]), CLIENT);
    }

    #[test]
    fn an_ipv4_mapped_hop_of_a_trusted_proxy_is_walked_past() {
        let inner: IpAddr = "10.0.0.3".parse().unwrap();
        let headers = forwarded(&["203.0.113.7, ::ffff:10.0.0.3"]);
        assert_eq!(client_address(PROXY, &headers, &[PROXY, inner]), CLIENT);
    }

    #[test]
    fn ipv6_clients_are_read() {
        let headers = forwarded(&["2001:db8::1"]);
        assert_eq!(
            client_address(PROXY, &headers, &[PROXY]),
            "2001:db8::1".parse::<IpAddr>().unwrap()
        );
    }
}
