//! `POST /change-password` with the user's access token: `{userId, currentPassword, newPassword}`.

use super::Wristband;
use crate::http::HttpRequest;
use crate::json::JsonValue;

pub fn change_password(api: &Wristband, access_token: &str, user_id: &str, current: &str, new: &str) -> HttpRequest {
    let body = JsonValue::object([
        ("userId", Some(JsonValue::string(user_id))),
        ("currentPassword", Some(JsonValue::string(current))),
        ("newPassword", Some(JsonValue::string(new))),
    ]);
    api.json("/change-password", &body, Some(access_token))
}
