//! `/me`: the signed-in user, and the password change with the current password.

use super::Wacht;
use crate::http::HttpRequest;

pub fn current_user(api: &Wacht, token: &str) -> HttpRequest {
    api.get("/me", Some(token))
}

pub fn update_password(api: &Wacht, token: &str, current: &str, new: &str) -> HttpRequest {
    api.post("/me/update-password", &[("current_password", current), ("new_password", new)], Some(token))
}
