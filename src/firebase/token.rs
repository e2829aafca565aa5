//! The Secure Token API: a refresh token for a new ID token.

use super::Firebase;
use crate::http::HttpRequest;
use crate::json::JsonValue;

/// `POST <secure token>/token?key=…` (JSON works as well as the form encoding).
pub fn refresh(api: &Firebase, refresh_token: &str) -> HttpRequest {
    let body = JsonValue::object([("grant_type", Some(JsonValue::string("refresh_token"))), ("refresh_token", Some(JsonValue::string(refresh_token)))]);
    api.post(crate::text::cat(&[&api.secure_token, "/token", &api.key_query]), &body)
}
