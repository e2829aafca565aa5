//! `POST /verify` for recovery: code + email, or the link's token hash (docs/protocol/gotrue.md §5.3).

use super::{paths, GoTrue};
use crate::http::HttpRequest;
use crate::json::JsonValue;

pub fn with_code(api: &GoTrue, email: &str, code: &str) -> HttpRequest {
    let body = JsonValue::object([
        ("type", Some(JsonValue::string("recovery"))),
        ("email", Some(JsonValue::string(email))),
        ("token", Some(JsonValue::string(code))),
    ]);
    api.request("POST", paths::VERIFY, None, api.json(&body))
}

/// GoTrue refuses anything but `type` beside `token_hash`.
pub fn with_token_hash(api: &GoTrue, token_hash: &str) -> HttpRequest {
    let body = JsonValue::object([("type", Some(JsonValue::string("recovery"))), ("token_hash", Some(JsonValue::string(token_hash)))]);
    api.request("POST", paths::VERIFY, None, api.json(&body))
}

#[cfg(test)]
mod tests {
    use crate::api::tests::{body, gotrue};
    use serde_json::json;

    #[test]
    fn bodies() {
        let api = gotrue();
        assert_eq!(body(&super::with_code(&api, "a@b.co", "123456")), json!({"type": "recovery", "email": "a@b.co", "token": "123456"}));
        assert_eq!(body(&super::with_token_hash(&api, "abc")), json!({"type": "recovery", "token_hash": "abc"}));
    }
}
