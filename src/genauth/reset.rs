//! The reset: the emailed pass code (`send-email`), the code for a `passwordResetToken`
//! (`verify-reset-password-request`), the token and the new password (`reset-password`).

use super::GenAuth;
use crate::http::HttpRequest;
use crate::json::JsonValue;

pub fn send_code(api: &GenAuth, email: &str) -> HttpRequest {
    let body = JsonValue::object([("email", Some(JsonValue::string(email))), ("channel", Some(JsonValue::string("CHANNEL_RESET_PASSWORD")))]);
    api.post("/api/v3/send-email", &body, None)
}

pub fn verify_code(api: &GenAuth, email: &str, code: &str) -> HttpRequest {
    let payload = JsonValue::object([("email", Some(JsonValue::string(email))), ("passCode", Some(JsonValue::string(code)))]);
    let body = JsonValue::object([("verifyMethod", Some(JsonValue::string("EMAIL_PASSCODE"))), ("emailPassCodePayload", Some(payload))]);
    api.post("/api/v3/verify-reset-password-request", &body, None)
}

/// `password` is already encrypted as `passwordEncryptType` says.
pub fn reset(api: &GenAuth, token: &str, password: &str) -> HttpRequest {
    let body = JsonValue::object([
        ("password", Some(JsonValue::string(password))),
        ("passwordResetToken", Some(JsonValue::string(token))),
        ("passwordEncryptType", Some(JsonValue::string(api.encryption.as_str()))),
    ]);
    api.post("/api/v3/reset-password", &body, None)
}
