//! Reading a recovery link a user pasted, or the URL GoTrue redirected to: the email link itself
//! (`…/verify?token=<hash>&type=recovery`), an app link carrying `token_hash`, a PKCE redirect
//! (`?code=`), or an error redirect (`#error_code=otp_expired…`).

/// What a pasted link contains.
/// No `Serialize`: every variant but `Error` is a credential.
#[derive(Clone, PartialEq)]
pub enum RecoveryLink {
    /// Verify with `verifyOtp({ tokenHash, type: 'recovery' })`.
    TokenHash(String),
    /// A PKCE auth code, to exchange with the verifier stored at request time.
    Code(String),
    /// GoTrue reported an error: its code and description.
    Error {
        /// GoTrue's `error_code` (e.g. `otp_expired`).
        code: String,
        /// Its description.
        description: String,
    },
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
            RecoveryLink::Parts(parts) => f.debug_list().entries(parts.iter().map(|(name, _)| format!("{name}: <redacted>"))).finish(),
            RecoveryLink::Error { code, description } => f.debug_struct("Error").field("code", code).field("description", description).finish(),
            RecoveryLink::Session { expires_at, kind, .. } => {
                f.debug_struct("Session").field("tokens", &"<redacted>").field("expires_at", expires_at).field("kind", kind).finish()
            }
        }
    }
}

/// Parses `url`; `None` when it carries nothing recognisable.
pub fn parse(url: &str) -> Option<RecoveryLink> {
    let url = url.trim();
    let (before_fragment, fragment) = url.split_once('#').unwrap_or((url, ""));
    let query = before_fragment.split_once('?').map_or("", |(_, q)| q);
    let q = pairs(query);
    let f = pairs(split_route(fragment).1);
    let get = |key: &str| f.iter().chain(q.iter()).find(|(k, _)| k == key).map(|(_, v)| v.clone()).filter(|v| !v.is_empty());

    if let Some(code) = get("error_code").or_else(|| get("error")) {
        return Some(RecoveryLink::Error { code, description: get("error_description").unwrap_or_default() });
    }
    if let (Some(access_token), Some(refresh_token)) = (get("access_token"), get("refresh_token")) {
        // GoTrue sends whole seconds; integer parsing keeps float parsing out of the binary.
        let number = |key: &str| get(key).and_then(|v| v.parse::<u64>().ok()).map_or(0.0, |n| n as f64);
        let (expires_at, expires_in) = (number("expires_at"), number("expires_in"));
        return Some(RecoveryLink::Session { access_token, refresh_token, expires_at, expires_in, kind: get("type").unwrap_or_default() });
    }
    if let Some(hash) = get("token_hash") {
        return Some(RecoveryLink::TokenHash(hash));
    }
    // GoTrue's own link calls the hash `token`.
    if let Some(hash) = get("token").filter(|t| t.len() >= 56) {
        return Some(RecoveryLink::TokenHash(hash));
    }
    get("code").map(RecoveryLink::Code)
}

/// Parameters that carry secrets or one-shot results in auth redirects (GoTrue's, Firebase's
/// `oobCode` and `apiKey`, Wristband's credential parts in both spellings).
const AUTH_PARAMS: [&str; 23] = [
    "access_token", "refresh_token", "expires_at", "expires_in", "token_type", "token", "token_hash", "code", "type", "error",
    "error_code", "error_description", "sb", "oobCode", "apiKey", "email_auth_code", "emailAuthCode", "password_reset_code",
    "passwordResetCode", "request_code", "requestCode", "verification_code", "verificationCode",
];

/// The value of the first query or fragment parameter `key` in `url`, decoded.
pub fn param(url: &str, key: &str) -> Option<String> {
    let (before_fragment, fragment) = url.trim().split_once('#').unwrap_or((url, ""));
    let query = before_fragment.split_once('?').map_or("", |(_, q)| q);
    pairs(query).into_iter().chain(pairs(split_route(fragment).1)).find(|(k, _)| k == key).map(|(_, v)| v).filter(|v| !v.is_empty())
}

/// A fragment as hash routers write it, `#/route?a=1&b=2`: the route (`/route?`, with its `?`)
/// and the parameters. A fragment without a route is all parameters.
fn split_route(fragment: &str) -> (&str, &str) {
    // `get`, not indexing: a slicing panic would bring char formatting into the wasm.
    let at = fragment.find('?').unwrap_or(0);
    match (fragment.get(..at), fragment.get(at + 1..)) {
        (Some(route), Some(params)) if at > 0 && !route.contains('=') => (fragment.get(..=at).unwrap_or(route), params),
        _ => ("", fragment),
    }
}

/// `url` without the auth parameters (query, fragment, and a hash route's query), for the
/// address bar after a redirect was consumed. Other parameters stay as they were.
pub fn without_auth_params(url: &str) -> String {
    let (before_fragment, fragment) = url.split_once('#').map_or((url, None), |(b, f)| (b, Some(f)));
    let (base, query) = before_fragment.split_once('?').map_or((before_fragment, None), |(b, q)| (b, Some(q)));
    let keep = |part: &str| -> String {
        part.split('&')
            .filter(|p| !p.is_empty() && !AUTH_PARAMS.contains(&decode(p.split('=').next().unwrap_or_default()).as_str()))
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
fn pairs(text: &str) -> Vec<(String, String)> {
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

    const HASH: &str = "4b4c409a9a6ce0f200b3b61f743a2978c2dceb987ee764188f2dea6d";

    #[test]
    fn gotrue_email_link() {
        let link = format!("http://127.0.0.1:9999/verify?token={HASH}&type=recovery&redirect_to=http%3A%2F%2Flocalhost");
        assert_eq!(parse(&link), Some(RecoveryLink::TokenHash(HASH.into())));
        let pkce = format!("https://x.supabase.co/auth/v1/verify?token=pkce_{HASH}&type=recovery");
        assert_eq!(parse(&pkce), Some(RecoveryLink::TokenHash(format!("pkce_{HASH}"))));
    }

    #[test]
    fn app_links_redirects_and_errors() {
        assert_eq!(parse(&format!("https://app.test/reset?token_hash={HASH}&type=recovery")), Some(RecoveryLink::TokenHash(HASH.into())));
        assert_eq!(parse("https://app.test/reset?code=0b3c-uuid"), Some(RecoveryLink::Code("0b3c-uuid".into())));
        assert_eq!(
            parse("https://app.test/reset#error=access_denied&error_code=otp_expired&error_description=Email+link+is+invalid+or+has+expired&sb="),
            Some(RecoveryLink::Error { code: "otp_expired".into(), description: "Email link is invalid or has expired".into() })
        );
        match parse("https://app.test/#access_token=a.b.c&expires_at=17&refresh_token=r&sb=&token_type=bearer&type=recovery") {
            Some(RecoveryLink::Session { access_token, expires_at, kind, .. }) => {
                assert_eq!((access_token.as_str(), expires_at, kind.as_str()), ("a.b.c", 17.0, "recovery"))
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(parse("https://app.test/plain"), None);
        assert_eq!(parse(""), None);
        assert_eq!(parse("%%%?code=%zz"), Some(RecoveryLink::Code("%zz".into())));
    }

    #[test]
    fn hash_router_fragments() {
        match parse("https://app.test/#/reset?access_token=a.b.c&refresh_token=r&expires_in=3600&type=recovery") {
            Some(RecoveryLink::Session { access_token, refresh_token, .. }) => assert_eq!((access_token.as_str(), refresh_token.as_str()), ("a.b.c", "r")),
            other => panic!("{other:?}"),
        }
        assert_eq!(without_auth_params("https://app.test/#/reset?access_token=a&refresh_token=r&type=recovery"), "https://app.test/#/reset");
        assert_eq!(without_auth_params("https://app.test/#/reset?tab=2&access_token=a"), "https://app.test/#/reset?tab=2");
        assert_eq!(without_auth_params("https://app.test/?code=c#/settings"), "https://app.test/#/settings");
        assert_eq!(parse("https://app.test/#/plain?x=1"), None);
    }

    #[test]
    fn address_bar_cleaning_keeps_the_rest() {
        assert_eq!(without_auth_params("https://app.test/reset?code=abc&tab=2"), "https://app.test/reset?tab=2");
        assert_eq!(without_auth_params("https://app.test/#access_token=a&refresh_token=r&type=recovery&sb="), "https://app.test/");
        assert_eq!(without_auth_params("https://app.test/p?x=1#section"), "https://app.test/p?x=1#section");
        assert_eq!(without_auth_params("https://app.test/p?error=access_denied#error_code=otp_expired"), "https://app.test/p");
    }
}
