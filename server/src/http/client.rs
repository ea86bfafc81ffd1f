//! The address a request came from. Behind a proxy every connection comes from the
//! proxy: the per-address limits (wrong activation codes, wrong convocation codes)
//! would then be shared by every device, and `/metrics` would count every caller as
//! local. The proxies named in `KIESDAG_TRUSTED_PROXIES` (addresses, comma-separated)
//! are believed about the caller: from them the nearest address in `X-Forwarded-For`
//! that is not a trusted proxy is the caller's. Anyone else's `X-Forwarded-For` is
//! ignored, so no device can pass for another by writing the header itself.

use std::net::IpAddr;

use actix_web::HttpRequest;

/// The environment variable naming the trusted proxies.
pub const TRUSTED_PROXIES: &str = "KIESDAG_TRUSTED_PROXIES";

/// At most this many proxies are trusted (a deployment has one or two).
const MAX_TRUSTED: usize = 16;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum TrustedProxiesError {
    #[error("{TRUSTED_PROXIES}: {0:?} is not an IP address")]
    NotAnAddress(String),
    #[error("{TRUSTED_PROXIES}: more than {MAX_TRUSTED} addresses")]
    TooMany,
}

/// The trusted proxies of `value` (`KIESDAG_TRUSTED_PROXIES`): addresses separated by
/// commas; empty for none.
///
/// # Errors
/// An entry that is not an IP address, or too many.
pub fn parse_trusted(value: &str) -> Result<Vec<IpAddr>, TrustedProxiesError> {
    let addresses = value
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse::<IpAddr>()
                .map(|ip| ip.to_canonical())
                .map_err(|_| TrustedProxiesError::NotAnAddress(s.to_owned()))
        })
        .collect::<Result<Vec<_>, _>>()?;
    if addresses.len() > MAX_TRUSTED {
        return Err(TrustedProxiesError::TooMany);
    }
    Ok(addresses)
}

/// The trusted proxies from the environment (none when unset).
///
/// # Errors
/// As `parse_trusted`.
pub fn trusted_from_env() -> Result<Vec<IpAddr>, TrustedProxiesError> {
    std::env::var(TRUSTED_PROXIES).map_or_else(|_| Ok(Vec::new()), |v| parse_trusted(&v))
}

/// The caller's address: the connection's, or, when that is a trusted proxy, the
/// nearest address in `X-Forwarded-For` that is not one (the proxy itself when the
/// header names none, or names something that is not an address). IPv4 addresses seen
/// on a dual-stack listener (`::ffff:10.0.0.4`) are compared as IPv4.
#[must_use]
pub fn address(req: &HttpRequest, trusted: &[IpAddr]) -> Option<IpAddr> {
    let peer = req.peer_addr()?.ip().to_canonical();
    if !trusted.contains(&peer) {
        return Some(peer);
    }
    let forwarded: Vec<&str> = req
        .headers()
        .get_all("x-forwarded-for")
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect();
    for entry in forwarded.iter().rev() {
        match entry.parse::<IpAddr>().map(|ip| ip.to_canonical()) {
            Ok(ip) if trusted.contains(&ip) => {}
            Ok(ip) => return Some(ip),
            Err(_) => return Some(peer),
        }
    }
    Some(peer)
}

#[cfg(test)]
mod tests {
    use actix_web::test::TestRequest;

    use super::*;

    fn request(peer: &str, forwarded: &[&str]) -> HttpRequest {
        let mut req = TestRequest::default().peer_addr(format!("{peer}:40000").parse().unwrap());
        for value in forwarded {
            req = req.append_header(("X-Forwarded-For", *value));
        }
        req.to_http_request()
    }

    fn ip(text: &str) -> Option<IpAddr> {
        Some(text.parse().unwrap())
    }

    #[test]
    fn a_trusted_proxy_names_the_caller_and_nobody_else_does() {
        let proxy = parse_trusted("127.0.0.1").unwrap();
        // Through the proxy: the address it added (the rightmost).
        let seen = request("127.0.0.1", &["198.51.100.9, 203.0.113.5"]);
        assert_eq!(address(&seen, &proxy), ip("203.0.113.5"));
        // A device writing the header itself, straight to the server: ignored.
        let forged = request("203.0.113.7", &["10.0.0.1"]);
        assert_eq!(address(&forged, &proxy), ip("203.0.113.7"));
        // Without trusted proxies, the header is never read.
        assert_eq!(address(&seen, &[]), ip("127.0.0.1"));
        // The proxy's own request, or nonsense in the header: the proxy.
        assert_eq!(address(&request("127.0.0.1", &[]), &proxy), ip("127.0.0.1"));
        let nonsense = request("127.0.0.1", &["203.0.113.5, not-an-address"]);
        assert_eq!(address(&nonsense, &proxy), ip("127.0.0.1"));
    }

    #[test]
    fn a_proxy_seen_on_a_dual_stack_listener_is_still_trusted() {
        let proxy = parse_trusted("10.0.0.4").unwrap();
        let seen = request("[::ffff:10.0.0.4]", &["203.0.113.5"]);
        assert_eq!(address(&seen, &proxy), ip("203.0.113.5"));
    }

    #[test]
    fn a_chain_of_trusted_proxies_is_skipped() {
        let proxies = parse_trusted(" 127.0.0.1 , ::1,10.0.0.2").unwrap();
        let seen = request("127.0.0.1", &["203.0.113.5", "10.0.0.2"]);
        assert_eq!(address(&seen, &proxies), ip("203.0.113.5"));
    }

    #[test]
    fn a_setting_that_is_not_addresses_is_refused() {
        assert_eq!(parse_trusted(""), Ok(vec![]));
        assert_eq!(
            parse_trusted("127.0.0.1, proxy.local"),
            Err(TrustedProxiesError::NotAnAddress("proxy.local".into()))
        );
        assert_eq!(
            parse_trusted(&vec!["127.0.0.1"; 17].join(",")),
            Err(TrustedProxiesError::TooMany)
        );
    }
}
