//! `auth-with-password` and `auth-refresh`: both answer `{ token, record }`.

use super::PocketBase;
use crate::http::HttpRequest;
use crate::json::JsonValue;

pub fn with_password(api: &PocketBase, email: &str, password: &str) -> HttpRequest {
    let body = JsonValue::object([("identity", Some(JsonValue::string(email))), ("password", Some(JsonValue::string(password)))]);
    api.request("POST", "auth-with-password", Some(&body), None)
}

/// A new token for a still-valid one.
pub fn refresh(api: &PocketBase, token: &str) -> HttpRequest {
    api.request("POST", "auth-refresh", None, Some(token))
}
