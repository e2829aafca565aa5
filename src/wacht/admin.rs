//! Wacht's backend API for trusted servers holding an API key: set a user's password
//! (`PATCH /users/{id}/password {new_password, skip_password_check}`, bearer API key; resolves
//! with no value). The key is kept only in memory: never stored, never in a URL, never in an
//! error or `Debug` output.

use std::fmt;

use crate::error::{AuthError, Result};
use crate::http::HttpRequest;
use crate::json::JsonValue;
use crate::need::Need;
use crate::wire;

/// The admin client for one Wacht deployment.
pub struct WachtAdmin {
    /// `https://api.wacht.dev` (or the devserver), without a trailing `/`.
    base: String,
    api_key: String,
}

impl fmt::Debug for WachtAdmin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WachtAdmin").field("base", &self.base).field("api_key", &"<redacted>").finish()
    }
}

impl WachtAdmin {
    /// Checks the key before it becomes a header.
    pub fn new(url: &str, api_key: &str) -> Result<Self> {
        if api_key.trim().is_empty() {
            return Err(AuthError::invalid_input("apiKey", "is required"));
        }
        crate::validate::header("apiKey", "authorization", api_key)?;
        Ok(WachtAdmin { base: url.trim_end_matches('/').to_string(), api_key: api_key.to_string() })
    }

    /// Sets the password; the deployment's policy applies unless `skip_password_check`.
    pub fn update_user_password(&self, user_id: &str, password: &str, skip_password_check: bool) -> Need<()> {
        if let Err(e) = check_user_id(user_id).and(crate::validate::password("password", password)) {
            return Need::err(e);
        }
        let body = JsonValue::object([("new_password", Some(JsonValue::string(password))), ("skip_password_check", Some(JsonValue::Bool(skip_password_check)))]);
        let request = HttpRequest {
            method: "PATCH",
            url: crate::text::cat(&[&self.base, "/users/", user_id, "/password"]),
            headers: vec![("Authorization".into(), crate::text::cat(&["Bearer ", &self.api_key])), ("Content-Type".into(), "application/json".into())],
            body: Some(body.stringify()),
        };
        wire::exchange(request, super::errors::admin).map(|_| ())
    }
}

/// A user id as it goes into the URL path: Wacht's are 64-bit integers (the devserver's stand-in
/// uses UUIDs); nothing that could change the path.
fn check_user_id(user_id: &str) -> Result<()> {
    if user_id.is_empty() || user_id.len() > 64 || !user_id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
        return Err(AuthError::invalid_input("userId", "must be a Wacht user id"));
    }
    Ok(())
}
