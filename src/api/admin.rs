//! The admin endpoints, called with the service_role key (docs/protocol/gotrue.md §5.12, §5.13).

use super::GoTrue;
use crate::http::HttpRequest;
use crate::json::JsonValue;

/// `POST /admin/users` body.
pub struct NewUser<'a> {
    /// The address.
    pub email: &'a str,
    /// An initial password, if any.
    pub password: Option<&'a str>,
    /// Confirmed at once.
    pub email_confirm: bool,
}

fn user_path(id: &str) -> String {
    // Ids are checked to be UUIDs before they get here, so nothing needs escaping.
    crate::text::cat(&["/admin/users/", id])
}

/// The `update_password` request.
pub fn update_password(api: &GoTrue, service_key: &str, user_id: &str, password: &str) -> HttpRequest {
    api.request("PUT", &user_path(user_id), Some(service_key), api.json(&JsonValue::object([("password", Some(JsonValue::string(password)))])))
}

/// The `get_user` request.
pub fn get_user(api: &GoTrue, service_key: &str, user_id: &str) -> HttpRequest {
    api.request("GET", &user_path(user_id), Some(service_key), None)
}

/// The `delete_user` request.
pub fn delete_user(api: &GoTrue, service_key: &str, user_id: &str) -> HttpRequest {
    api.request("DELETE", &user_path(user_id), Some(service_key), None)
}

/// The `create_user` request.
pub fn create_user(api: &GoTrue, service_key: &str, user: &NewUser<'_>) -> HttpRequest {
    let body = JsonValue::object([
        ("email", Some(JsonValue::string(user.email))),
        ("password", user.password.map(JsonValue::string)),
        ("email_confirm", Some(JsonValue::Bool(user.email_confirm))),
    ]);
    api.request("POST", "/admin/users", Some(service_key), api.json(&body))
}

/// The `recovery_link` request.
pub fn recovery_link(api: &GoTrue, service_key: &str, email: &str, redirect_to: Option<&str>) -> HttpRequest {
    let body = JsonValue::object([
        ("type", Some(JsonValue::string("recovery"))),
        ("email", Some(JsonValue::string(email))),
        ("redirect_to", redirect_to.map(JsonValue::string)),
    ]);
    api.request("POST", "/admin/generate_link", Some(service_key), api.json(&body))
}

#[cfg(test)]
mod tests {
    use crate::api::tests::{body, gotrue, header};

    #[test]
    fn the_service_key_goes_in_the_authorization_header_only() {
        let r = super::update_password(&gotrue(), "service-key", "0b1c2d3e-0000-4000-8000-000000000000", "pw-1");
        assert_eq!(r.method, "PUT");
        assert_eq!(r.url, "http://auth.test/auth/v1/admin/users/0b1c2d3e-0000-4000-8000-000000000000");
        assert_eq!(header(&r, "authorization"), Some("Bearer service-key"));
        assert!(!r.url.contains("service-key"));
        assert_eq!(body(&r), serde_json::json!({"password": "pw-1"}));
    }
}
