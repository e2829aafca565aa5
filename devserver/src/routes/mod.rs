//! One module per GoTrue resource, each with its own `router()`.

use axum::Router;

use crate::state::AppState;

mod admin;
mod health;
mod invite;
mod logout;
mod otp;
mod recover;
mod resend;
mod signup;
mod token;
mod user;
mod verify;

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(health::router())
        .merge(signup::router())
        .merge(token::router())
        .merge(recover::router())
        .merge(verify::router())
        .merge(otp::router())
        .merge(user::router())
        .merge(logout::router())
        .merge(admin::router())
        .merge(resend::router())
        .merge(invite::router())
}

/// The paths a service_role key opens: no page of another origin may call them (`guard::server_only`).
pub const SERVER_KEY_PATHS: [&str; 2] = ["/admin", "/invite"];

/// The first segment of every GoTrue path served here (kept beside the router it describes).
const API_ROOTS: [&str; 13] = [
    "/health", "/settings", "/signup", "/token", "/recover", "/verify", "/otp", "/user", "/reauthenticate", "/logout",
    "/admin", "/resend", "/invite",
];

/// Whether a fault pattern (an exact path, or a prefix ending in `*`) can match a GoTrue route.
pub(crate) fn may_match_api(pattern: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => API_ROOTS.iter().any(|root| root.starts_with(prefix) || prefix.starts_with(root)),
        None => API_ROOTS.iter().any(|root| pattern == *root || pattern.strip_prefix(root).is_some_and(|rest| rest.starts_with('/'))),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fault_patterns() {
        for ok in ["/token", "/admin/users/x", "/*", "/tok*", "/verify"] {
            assert!(super::may_match_api(ok), "{ok}");
        }
        for bad in ["/", "/index.html", "/pkg/index.js", "/pkg/*", "/tokens", "/app.js"] {
            assert!(!super::may_match_api(bad), "{bad}");
        }
    }
}
