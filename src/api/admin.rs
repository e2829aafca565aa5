//! The admin endpoints, called with the service_role key (protocol §5.12, §5.13).

use serde::Serialize;

use super::GoTrue;
use crate::http::{Http, HttpRequest};

#[derive(Serialize)]
struct PasswordBody<'a> {
    password: &'a str,
}

/// `POST /admin/users` body.
#[derive(Serialize)]
pub struct NewUser<'a> {
    /// The address.
    pub email: &'a str,
    /// An initial password, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password: Option<&'a str>,
    /// Confirmed at once.
    pub email_confirm: bool,
}

#[derive(Serialize)]
struct LinkBody<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    email: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    redirect_to: Option<&'a str>,
}

fn user_path(id: &str) -> String {
    // Ids are checked to be UUIDs before they get here, so nothing needs escaping.
    format!("/admin/users/{id}")
}

/// The `update_password` request.
pub fn update_password<H: Http>(api: &GoTrue<H>, service_key: &str, user_id: &str, password: &str) -> HttpRequest {
    api.request("PUT", &user_path(user_id), Some(service_key), api.json(&PasswordBody { password }))
}

/// The `get_user` request.
pub fn get_user<H: Http>(api: &GoTrue<H>, service_key: &str, user_id: &str) -> HttpRequest {
    api.request("GET", &user_path(user_id), Some(service_key), None)
}

/// The `delete_user` request.
pub fn delete_user<H: Http>(api: &GoTrue<H>, service_key: &str, user_id: &str) -> HttpRequest {
    api.request("DELETE", &user_path(user_id), Some(service_key), None)
}

/// The `create_user` request.
pub fn create_user<H: Http>(api: &GoTrue<H>, service_key: &str, user: &NewUser<'_>) -> HttpRequest {
    api.request("POST", "/admin/users", Some(service_key), api.json(user))
}

/// The `recovery_link` request.
pub fn recovery_link<H: Http>(api: &GoTrue<H>, service_key: &str, email: &str, redirect_to: Option<&str>) -> HttpRequest {
    api.request("POST", "/admin/generate_link", Some(service_key), api.json(&LinkBody { kind: "recovery", email, redirect_to }))
}

#[cfg(test)]
mod tests {
    use crate::api::tests::{gotrue, header};

    #[test]
    fn the_service_key_goes_in_the_authorization_header_only() {
        let r = super::update_password(&gotrue(), "service-key", "0b1c2d3e-0000-4000-8000-000000000000", "pw-1");
        assert_eq!(r.method, "PUT");
        assert_eq!(r.url, "http://auth.test/auth/v1/admin/users/0b1c2d3e-0000-4000-8000-000000000000");
        assert_eq!(header(&r, "authorization"), Some("Bearer service-key"));
        assert!(!r.url.contains("service-key"));
        assert_eq!(r.body.as_deref(), Some(r#"{"password":"pw-1"}"#));
    }
}
