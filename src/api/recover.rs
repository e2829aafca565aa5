//! `POST /recover`: the recovery email (protocol §5.1).

use serde::Serialize;

use super::{encode_query_value, paths, GoTrue};
use crate::http::{Http, HttpRequest};

#[derive(Serialize)]
struct RecoverBody<'a> {
    email: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    code_challenge: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    code_challenge_method: Option<&'static str>,
}

/// `redirect_to` travels in the query: GoTrue never reads it from the body here.
pub fn request<H: Http>(api: &GoTrue<H>, email: &str, redirect_to: Option<&str>, code_challenge: Option<&str>) -> HttpRequest {
    let path = match redirect_to {
        Some(url) => format!("{}?redirect_to={}", paths::RECOVER, encode_query_value(url)),
        None => paths::RECOVER.to_string(),
    };
    let body = RecoverBody { email, code_challenge, code_challenge_method: code_challenge.map(|_| "s256") };
    api.request("POST", &path, None, api.json(&body))
}

#[cfg(test)]
mod tests {
    use crate::api::tests::gotrue;

    #[test]
    fn body_and_redirect() {
        let r = super::request(&gotrue(), "a@b.co", Some("https://app.test/reset"), None);
        assert_eq!(r.url, "http://auth.test/auth/v1/recover?redirect_to=https%3A%2F%2Fapp.test%2Freset");
        assert_eq!(r.body.as_deref(), Some(r#"{"email":"a@b.co"}"#));
        let pkce = super::request(&gotrue(), "a@b.co", None, Some("chal"));
        assert_eq!(pkce.body.as_deref(), Some(r#"{"email":"a@b.co","code_challenge":"chal","code_challenge_method":"s256"}"#));
    }
}
