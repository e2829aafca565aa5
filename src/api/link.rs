//! GoTrue's links: the email link itself (`…/verify?token=<hash>&type=recovery`), an app link
//! carrying `token_hash`, a PKCE redirect (`?code=`), an implicit-flow redirect with tokens in
//! the fragment, or an error redirect (`#error_code=otp_expired…`).

use crate::link::{pairs, split_route, without_params, RecoveryLink, OAUTH_PARAMS};

/// What GoTrue's links and redirects add to OAuth's parameters.
pub const PARAMS: &[&str] = &["expires_at", "token", "token_hash", "type", "error_code", "sb"];

/// `url` without GoTrue's link parameters.
pub fn clean(url: &str) -> String {
    without_params(url, &[OAUTH_PARAMS, PARAMS])
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
        return Some(RecoveryLink::Error(super::errors::from_redirect(&code, &get("error_description").unwrap_or_default())));
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
            Some(RecoveryLink::Error(crate::api::errors::from_redirect("otp_expired", "Email link is invalid or has expired")))
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
        assert_eq!(clean("https://app.test/#/reset?access_token=a&refresh_token=r&type=recovery"), "https://app.test/#/reset");
        assert_eq!(clean("https://app.test/#/reset?tab=2&access_token=a"), "https://app.test/#/reset?tab=2");
        assert_eq!(clean("https://app.test/?code=c#/settings"), "https://app.test/#/settings");
        assert_eq!(parse("https://app.test/#/plain?x=1"), None);
    }

    #[test]
    fn address_bar_cleaning_keeps_the_rest() {
        assert_eq!(clean("https://app.test/reset?code=abc&tab=2"), "https://app.test/reset?tab=2");
        assert_eq!(clean("https://app.test/#access_token=a&refresh_token=r&type=recovery&sb="), "https://app.test/");
        assert_eq!(clean("https://app.test/p?x=1#section"), "https://app.test/p?x=1#section");
        assert_eq!(clean("https://app.test/p?error=access_denied#error_code=otp_expired"), "https://app.test/p");
    }
}
