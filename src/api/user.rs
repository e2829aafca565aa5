//! `GET /user`, `PUT /user` (password) and `GET /reauthenticate` (docs/protocol/gotrue.md §5.8–§5.10).

use super::{paths, GoTrue};
use crate::backend::PasswordChange;
use crate::http::HttpRequest;
use crate::json::JsonValue;

pub fn get(api: &GoTrue, access_token: &str) -> HttpRequest {
    api.request("GET", paths::USER, Some(access_token), None)
}

pub fn update_password(api: &GoTrue, access_token: &str, change: PasswordChange<'_>) -> HttpRequest {
    let body = JsonValue::object([
        ("password", Some(JsonValue::string(change.password))),
        ("current_password", change.current_password.map(JsonValue::string)),
        ("nonce", change.nonce.map(JsonValue::string)),
    ]);
    api.request("PUT", paths::USER, Some(access_token), api.json(&body))
}

/// GET, not POST: GoTrue's router and tests say so, whatever its OpenAPI file claims.
pub fn reauthenticate(api: &GoTrue, access_token: &str) -> HttpRequest {
    api.request("GET", paths::REAUTHENTICATE, Some(access_token), None)
}

#[cfg(test)]
mod tests {
    use crate::api::tests::{body, gotrue, header};
    use serde_json::json;
    use crate::backend::PasswordChange;

    #[test]
    fn password_change_body_omits_what_was_not_given() {
        let r = super::update_password(&gotrue(), "jwt", PasswordChange { password: "new", current_password: None, nonce: Some("123456") });
        assert_eq!(r.method, "PUT");
        assert_eq!(body(&r), json!({"password": "new", "nonce": "123456"}));
        assert_eq!(header(&r, "authorization"), Some("Bearer jwt"));
        assert_eq!(super::reauthenticate(&gotrue(), "jwt").method, "GET");
    }
}
