//! What a recovery link carries, and reading URLs for it: parameters in the query, the fragment
//! or a hash router's fragment (`#/route?a=1`), and the address bar without a platform's link
//! parameters. Each platform reads its own links with these (`api/link.rs` for GoTrue's).

/// What a pasted link contains.
/// No `Serialize`: every variant but `Error` is a credential.
#[derive(Clone, PartialEq)]
pub enum RecoveryLink {
    /// Verify with `verifyOtp({ tokenHash, type: 'recovery' })`.
    TokenHash(String),
    /// A PKCE auth code, to exchange with the verifier stored at request time.
    Code(String),
    /// The platform reported an error in the link (GoTrue's `#error_code=otp_expired…`),
    /// mapped by the platform; nothing token-shaped from the link is in it.
    Error(crate::error::AuthError),
    /// A platform's reset credential (Firebase's `oobCode`, PocketBase's token), for
    /// `verifyOtp({ token })`.
    Credential(String),
    /// A credential in named parts (Wristband's `emailAuthCode`, …), for `verifyOtp` with the
    /// same names.
    Parts(Vec<(String, String)>),
    /// Tokens of an implicit-flow redirect (`#access_token=…&type=recovery`).
    Session {
        /// The access token.
        access_token: String,
        /// The refresh token.
        refresh_token: String,
        /// Expiry, Unix seconds.
        expires_at: f64,
        /// Lifetime in seconds.
        expires_in: f64,
        /// The `type` the server gave (`recovery`, `magiclink`, …).
        kind: String,
    },
}

/// Hashes, codes and tokens are secrets: `Debug` shows the kind of link and no credential.
impl std::fmt::Debug for RecoveryLink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RecoveryLink::TokenHash(_) => f.write_str("TokenHash(<redacted>)"),
            RecoveryLink::Code(_) => f.write_str("Code(<redacted>)"),
            RecoveryLink::Credential(_) => f.write_str("Credential(<redacted>)"),
            RecoveryLink::Parts(parts) => crate::backend::redacted_parts(f, parts),
            RecoveryLink::Error(error) => f.debug_tuple("Error").field(error).finish(),
            RecoveryLink::Session { expires_at, kind, .. } => {
                f.debug_struct("Session").field("tokens", &"<redacted>").field("expires_at", expires_at).field("kind", kind).finish()
            }
        }
    }
}

/// The parameters of an OAuth 2.0 redirect (RFC 6749 §4.1.2, §4.2.2, §5.1), which any
/// platform's redirect may carry; each platform adds its own to what it cleans.
pub const OAUTH_PARAMS: &[&str] = &["access_token", "refresh_token", "expires_in", "token_type", "code", "error", "error_description"];

/// The value of the first query or fragment parameter `key` in `url`, decoded.
pub fn param(url: &str, key: &str) -> Option<String> {
    let (before_fragment, fragment) = url.trim().split_once('#').unwrap_or((url, ""));
    let query = before_fragment.split_once('?').map_or("", |(_, q)| q);
    pairs(query).into_iter().chain(pairs(split_route(fragment).1)).find(|(k, _)| k == key).map(|(_, v)| v).filter(|v| !v.is_empty())
}

/// A fragment as hash routers write it, `#/route?a=1&b=2`: the route (`/route?`, with its `?`)
/// and the parameters. A fragment without a route is all parameters.
pub(crate) fn split_route(fragment: &str) -> (&str, &str) {
    // `get`, not indexing: a slicing panic would bring char formatting into the wasm.
    let at = fragment.find('?').unwrap_or(0);
    match (fragment.get(..at), fragment.get(at + 1..)) {
        (Some(route), Some(params)) if at > 0 && !route.contains('=') => (fragment.get(..=at).unwrap_or(route), params),
        _ => ("", fragment),
    }
}

/// `url` without the parameters of `names` (query, fragment, and a hash route's query), for the
/// address bar after a redirect was consumed. Other parameters stay as they were.
pub fn without_params(url: &str, names: &[&[&str]]) -> String {
    let named = |key: &str| names.iter().any(|list| list.contains(&key));
    let (before_fragment, fragment) = url.split_once('#').map_or((url, None), |(b, f)| (b, Some(f)));
    let (base, query) = before_fragment.split_once('?').map_or((before_fragment, None), |(b, q)| (b, Some(q)));
    let keep = |part: &str| -> String {
        part.split('&')
            .filter(|p| !p.is_empty() && !named(&decode(p.split('=').next().unwrap_or_default())))
            .collect::<Vec<_>>()
            .join("&")
    };
    let mut out = base.to_string();
    if let Some(query) = query.map(keep).filter(|q| !q.is_empty()) {
        out.push('?');
        out.push_str(&query);
    }
    let fragment = fragment.map(|f| {
        let (route, params) = split_route(f);
        let params = if params.contains('=') { keep(params) } else { params.to_string() };
        // A route left with an empty query loses its `?`.
        let route = if params.is_empty() { route.strip_suffix('?').unwrap_or(route) } else { route };
        crate::text::cat(&[route, &params])
    });
    if let Some(fragment) = fragment.filter(|f| !f.is_empty()) {
        out.push('#');
        out.push_str(&fragment);
    }
    out
}

/// `application/x-www-form-urlencoded` pairs, decoded.
pub(crate) fn pairs(text: &str) -> Vec<(String, String)> {
    text.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(k), decode(v))
        })
        .collect()
}

pub(crate) fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(high), Some(low)) => {
                    out.push(high * 16 + low);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SOME: &[&str] = &["access_token", "refresh_token", "type", "code", "sb", "error", "error_code"];

    #[test]
    fn hash_router_fragments() {
        assert_eq!(without_params("https://app.test/#/reset?access_token=a&refresh_token=r&type=recovery", &[SOME]), "https://app.test/#/reset");
        assert_eq!(without_params("https://app.test/#/reset?tab=2&access_token=a", &[SOME]), "https://app.test/#/reset?tab=2");
        assert_eq!(without_params("https://app.test/?code=c#/settings", &[SOME]), "https://app.test/#/settings");
        assert_eq!(param("https://app.test/#/reset?tab=2&access_token=a", "access_token").as_deref(), Some("a"));
    }

    #[test]
    fn address_bar_cleaning_keeps_the_rest() {
        assert_eq!(without_params("https://app.test/reset?code=abc&tab=2", &[SOME]), "https://app.test/reset?tab=2");
        assert_eq!(without_params("https://app.test/#access_token=a&refresh_token=r&type=recovery&sb=", &[SOME]), "https://app.test/");
        assert_eq!(without_params("https://app.test/p?x=1#section", &[SOME]), "https://app.test/p?x=1#section");
        assert_eq!(without_params("https://app.test/p?error=access_denied#error_code=otp_expired", &[SOME]), "https://app.test/p");
        assert_eq!(without_params("https://app.test/p?code=abc", &[]), "https://app.test/p?code=abc", "only the names given");
    }

    #[test]
    fn decoding() {
        assert_eq!(decode("a+b%20c%zz%4"), "a b c%zz%4");
    }
}
