//! `request-password-reset` and `confirm-password-reset`.

use super::PocketBase;
use crate::http::HttpRequest;
use crate::json::JsonValue;

/// Sends the reset email (the server answers 204 whether or not the address is known).
pub fn request(api: &PocketBase, email: &str) -> HttpRequest {
    api.request("POST", "request-password-reset", Some(&JsonValue::object([("email", Some(JsonValue::string(email)))])), None)
}

/// Spends the token on the new password (`passwordConfirm` is the same: the user typed it once
/// in the app, which is where a confirmation field belongs).
pub fn confirm(api: &PocketBase, token: &str, password: &str) -> HttpRequest {
    let body = JsonValue::object([
        ("token", Some(JsonValue::string(token))),
        ("password", Some(JsonValue::string(password))),
        ("passwordConfirm", Some(JsonValue::string(password))),
    ]);
    api.request("POST", "confirm-password-reset", Some(&body), None)
}
