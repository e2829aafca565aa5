//! Signing in, the profile and the signed-in password change (`signin`, `get-profile`,
//! `update-password`), and the public keys (`system`).

use super::GenAuth;
use crate::http::HttpRequest;
use crate::json::JsonValue;

/// The scopes asked for: `offline_access` brings the refresh token.
const SCOPE: &str = "openid profile email offline_access";

/// `password` is already encrypted as `passwordEncryptType` says.
pub fn sign_in(api: &GenAuth, email: &str, password: &str) -> HttpRequest {
    let payload = JsonValue::object([("email", Some(JsonValue::string(email))), ("password", Some(JsonValue::string(password)))]);
    let options = JsonValue::object([("passwordEncryptType", Some(JsonValue::string(api.encryption.as_str()))), ("scope", Some(JsonValue::string(SCOPE)))]);
    let body = JsonValue::object([("connection", Some(JsonValue::string("PASSWORD"))), ("passwordPayload", Some(payload)), ("options", Some(options))]);
    api.post("/api/v3/signin", &body, None)
}

pub fn profile(api: &GenAuth, access_token: &str) -> HttpRequest {
    api.request("GET", "/api/v3/get-profile", None, Some(access_token))
}

/// Both passwords already encrypted.
pub fn update_password(api: &GenAuth, access_token: &str, old: &str, new: &str) -> HttpRequest {
    let body = JsonValue::object([
        ("newPassword", Some(JsonValue::string(new))),
        ("oldPassword", Some(JsonValue::string(old))),
        ("passwordEncryptType", Some(JsonValue::string(api.encryption.as_str()))),
    ]);
    api.post("/api/v3/update-password", &body, Some(access_token))
}

pub fn system(api: &GenAuth) -> HttpRequest {
    api.request("GET", "/api/v3/system", None, None)
}
