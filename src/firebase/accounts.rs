//! `accounts:*`: sending the reset email, checking and using its code, signing in, reading and
//! changing the account.

use super::Firebase;
use crate::http::HttpRequest;
use crate::json::JsonValue;

/// `accounts:sendOobCode`; `continueUrl` is where the email's link leads after the reset.
pub fn send_reset(api: &Firebase, email: &str, continue_url: Option<&str>) -> HttpRequest {
    let body = JsonValue::object([
        ("requestType", Some(JsonValue::string("PASSWORD_RESET"))),
        ("email", Some(JsonValue::string(email))),
        ("continueUrl", continue_url.map(JsonValue::string)),
    ]);
    api.accounts("sendOobCode", &body)
}

/// `accounts:resetPassword`: with only the code, checks it; with a new password, uses it.
pub fn reset_password(api: &Firebase, code: &str, new_password: Option<&str>) -> HttpRequest {
    let body = JsonValue::object([("oobCode", Some(JsonValue::string(code))), ("newPassword", new_password.map(JsonValue::string))]);
    api.accounts("resetPassword", &body)
}

/// `accounts:signInWithPassword`.
pub fn sign_in(api: &Firebase, email: &str, password: &str) -> HttpRequest {
    let body = JsonValue::object([
        ("email", Some(JsonValue::string(email))),
        ("password", Some(JsonValue::string(password))),
        ("returnSecureToken", Some(JsonValue::Bool(true))),
    ]);
    api.accounts("signInWithPassword", &body)
}

/// `accounts:lookup`.
pub fn lookup(api: &Firebase, id_token: &str) -> HttpRequest {
    api.accounts("lookup", &JsonValue::object([("idToken", Some(JsonValue::string(id_token)))]))
}

/// `accounts:update` with a new password; asks for new tokens back.
pub fn update_password(api: &Firebase, id_token: &str, password: &str) -> HttpRequest {
    let body = JsonValue::object([
        ("idToken", Some(JsonValue::string(id_token))),
        ("password", Some(JsonValue::string(password))),
        ("returnSecureToken", Some(JsonValue::Bool(true))),
    ]);
    api.accounts("update", &body)
}
