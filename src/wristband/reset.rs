//! `POST /password-reset/reset-password`: the credential's parts, the new password, and whether
//! to skip the "password updated" email.

use super::Wristband;
use crate::backend::ResetOptions;
use crate::http::HttpRequest;
use crate::json::JsonValue;

pub fn reset_password(api: &Wristband, mut parts: Vec<(String, JsonValue)>, password: &str, options: ResetOptions) -> HttpRequest {
    parts.push(("password".into(), JsonValue::string(password)));
    if options.skip_password_updated_email {
        parts.push(("skipPasswordUpdatedEmail".into(), JsonValue::Bool(true)));
    }
    api.json("/password-reset/reset-password", &JsonValue::Object(parts), None)
}
