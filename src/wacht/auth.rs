//! `/auth/*`: sign-in (`plain_email` strategy), the forgot-password code and its reset token,
//! and the reset. Multipart bodies with the fields Wacht's SDK sends.

use super::Wacht;
use crate::http::HttpRequest;

pub fn sign_in(api: &Wacht, email: &str, password: &str) -> HttpRequest {
    api.post("/auth/signin", &[("strategy", "plain_email"), ("email", email), ("password", password)], None)
}

/// With the code: exchanges it for the reset token; without: sends the code.
pub fn forgot_password(api: &Wacht, email: &str, otp: Option<&str>) -> HttpRequest {
    match otp {
        Some(otp) => api.post("/auth/forgot-password", &[("email", email), ("otp", otp)], None),
        None => api.post("/auth/forgot-password", &[("email", email)], None),
    }
}

pub fn reset_password(api: &Wacht, token: &str, password: &str) -> HttpRequest {
    api.post("/auth/reset-password", &[("token", token), ("password", password)], None)
}
