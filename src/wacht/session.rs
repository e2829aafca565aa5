//! `/session`: the browser's session (asked for when the token is due: an expired one is renewed
//! in the answer), and signing out of it.

use super::Wacht;
use crate::http::HttpRequest;

pub fn current(api: &Wacht, token: &str) -> HttpRequest {
    api.get("/session", Some(token))
}

pub fn sign_out(api: &Wacht, token: &str) -> HttpRequest {
    api.post("/session/sign-out", &[], Some(token))
}
