//! `POST /recover`: the recovery email (docs/protocol/gotrue.md §5.1).

use super::{paths, GoTrue};
use crate::wire::encode_query_value;
use crate::http::HttpRequest;
use crate::json::JsonValue;

/// `redirect_to` travels in the query: GoTrue never reads it from the body here.
pub fn request(api: &GoTrue, email: &str, redirect_to: Option<&str>, code_challenge: Option<&str>) -> HttpRequest {
    let path = match redirect_to {
        Some(url) => crate::text::cat(&[paths::RECOVER, "?redirect_to=", &encode_query_value(url)]),
        None => paths::RECOVER.to_string(),
    };
    let body = JsonValue::object([
        ("email", Some(JsonValue::string(email))),
        ("code_challenge", code_challenge.map(JsonValue::string)),
        ("code_challenge_method", code_challenge.map(|_| JsonValue::string("s256"))),
    ]);
    api.request("POST", &path, None, api.json(&body))
}

#[cfg(test)]
mod tests {
    use crate::api::tests::{body, gotrue};
    use serde_json::json;

    #[test]
    fn body_and_redirect() {
        let r = super::request(&gotrue(), "a@b.co", Some("https://app.test/reset"), None);
        assert_eq!(r.url, "http://auth.test/auth/v1/recover?redirect_to=https%3A%2F%2Fapp.test%2Freset");
        assert_eq!(body(&r), json!({"email": "a@b.co"}));
        let pkce = super::request(&gotrue(), "a@b.co", None, Some("chal"));
        assert_eq!(body(&pkce), json!({"email": "a@b.co", "code_challenge": "chal", "code_challenge_method": "s256"}));
    }
}
