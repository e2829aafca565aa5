//! The user's own record: reading it, changing its password.

use super::PocketBase;
use crate::http::HttpRequest;
use crate::json::JsonValue;
use crate::wire::encode_query_value;

pub fn view(api: &PocketBase, id: &str, token: &str) -> HttpRequest {
    api.request("GET", &crate::text::cat(&["records/", &encode_query_value(id)]), None, Some(token))
}

/// `PATCH records/<id>` with `oldPassword`, `password` and `passwordConfirm`.
pub fn update_password(api: &PocketBase, id: &str, token: &str, old_password: &str, password: &str) -> HttpRequest {
    let body = JsonValue::object([
        ("oldPassword", Some(JsonValue::string(old_password))),
        ("password", Some(JsonValue::string(password))),
        ("passwordConfirm", Some(JsonValue::string(password))),
    ]);
    api.request("PATCH", &crate::text::cat(&["records/", &encode_query_value(id)]), Some(&body), Some(token))
}
