//! Where links and redirects may point (docs/protocol/gotrue.md §1, `redirect_to`): the site
//! URL, loopback addresses, or a glob of `GOTRUE_URI_ALLOW_LIST`; anything else silently becomes
//! the site URL.

use axum::http::HeaderMap;
use url::{Host, Url};

use crate::config::Config;

/// Picks `redirect_to` from the header of that name, then the query value, then `Referer`,
/// keeping the first that is allowed, else `SITE_URL`.
pub fn choose(config: &Config, headers: &HeaderMap, query_value: Option<&str>) -> String {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_string);
    [header("redirect_to"), query_value.map(str::to_string), header("referer")]
        .into_iter()
        .flatten()
        .find(|candidate| is_allowed(config, candidate))
        .unwrap_or_else(|| config.site_url.clone())
}

pub fn is_allowed(config: &Config, candidate: &str) -> bool {
    let Ok(url) = Url::parse(candidate) else { return false };
    if !matches!(url.scheme(), "http" | "https") && !config.uri_allow_list.iter().any(|g| glob_match(g, candidate)) {
        return false;
    }
    if is_loopback(&url) {
        return true;
    }
    if let Ok(site) = Url::parse(&config.site_url) {
        if site.scheme() == url.scheme() && site.host() == url.host() && site.port_or_known_default() == url.port_or_known_default() {
            return true;
        }
    }
    config.uri_allow_list.iter().any(|glob| glob_match(glob, candidate))
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Ipv4(ip)) => ip.is_loopback(),
        Some(Host::Ipv6(ip)) => ip.is_loopback(),
        Some(Host::Domain(d)) => d == "localhost",
        None => false,
    }
}

/// Globs as GoTrue's allow list uses them: `**` matches anything, `*` anything but `.` and `/`.
fn glob_match(glob: &str, text: &str) -> bool {
    fn go(g: &[u8], t: &[u8]) -> bool {
        match g {
            [] => t.is_empty(),
            [b'*', b'*', rest @ ..] => (0..=t.len()).any(|i| go(rest, &t[i..])),
            [b'*', rest @ ..] => (0..=t.len()).take_while(|&i| i == 0 || !matches!(t[i - 1], b'.' | b'/')).any(|i| go(rest, &t[i..])),
            [c, rest @ ..] => t.first() == Some(c) && go(rest, &t[1..]),
        }
    }
    go(glob.as_bytes(), text.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allow_rules() {
        let mut config = Config::defaults();
        config.site_url = "https://app.example.com".into();
        config.uri_allow_list = vec!["https://*.preview.example.com/**".into()];
        assert!(is_allowed(&config, "https://app.example.com/reset"));
        assert!(is_allowed(&config, "http://127.0.0.1:3000/x"));
        assert!(is_allowed(&config, "http://localhost:5173/"));
        assert!(is_allowed(&config, "https://pr-1.preview.example.com/a/b"));
        assert!(!is_allowed(&config, "https://a.b.preview.example.com/a"));
        assert!(!is_allowed(&config, "https://evil.com/app.example.com"));
        assert!(!is_allowed(&config, "javascript:alert(1)"));
        let headers = HeaderMap::new();
        assert_eq!(choose(&config, &headers, Some("https://evil.com/")), "https://app.example.com");
    }
}
