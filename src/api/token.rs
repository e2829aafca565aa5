//! `POST /token`: password and refresh-token grants (docs/protocol/gotrue.md §5.5, §5.6).

use super::{paths, GoTrue};
use crate::http::HttpRequest;
use crate::json::JsonValue;

pub fn password(api: &GoTrue, email: &str, password: &str) -> HttpRequest {
    let body = JsonValue::object([("email", Some(JsonValue::string(email))), ("password", Some(JsonValue::string(password)))]);
    api.request("POST", paths::TOKEN_PASSWORD, None, api.json(&body))
}

pub fn pkce(api: &GoTrue, auth_code: &str, code_verifier: &str) -> HttpRequest {
    let body = JsonValue::object([("auth_code", Some(JsonValue::string(auth_code))), ("code_verifier", Some(JsonValue::string(code_verifier)))]);
    api.request("POST", paths::TOKEN_PKCE, None, api.json(&body))
}

pub fn refresh(api: &GoTrue, refresh_token: &str) -> HttpRequest {
    let body = JsonValue::object([("refresh_token", Some(JsonValue::string(refresh_token)))]);
    api.request("POST", paths::TOKEN_REFRESH, None, api.json(&body))
}

#[cfg(test)]
mod tests {
    use crate::api::tests::{body, gotrue};
    use serde_json::json;

    #[test]
    fn grant_type_in_the_query_credentials_in_the_body() {
        let r = super::password(&gotrue(), "a@b.co", "pw");
        assert_eq!(r.url, "http://auth.test/auth/v1/token?grant_type=password");
        assert_eq!(body(&r), json!({"email": "a@b.co", "password": "pw"}));
        assert!(!format!("{r:?}").contains("pw\""), "Debug must not show the body");
    }
}
