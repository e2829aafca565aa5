//! A stand-in for Wristband: the password-reset and change-password workflow APIs and the OAuth2
//! endpoints a signed-in client uses, as Wristband's public API reference and its SDKs describe
//! them, on the devserver's users, sessions and outbox. Wristband is a hosted service that cannot
//! run here; this is what the `wasm-auth-client/wristband` entry is tested against. No vendor SDK
//! covers these calls, so nothing but the published reference checks it: which details are
//! confirmed and which inferred is in README, "Wristband".
//!
//! One module per endpoint family: `reset` (`/api/v1/password-reset/reset-password`), `users`
//! (`/api/v1/change-password`), `oauth` (token refresh, revocation, userinfo). What Wristband's
//! hosted pages do — the login, the "Forgot password?" form that sends the email, the dashboard's
//! reset link — has no public API, so `dev` provides those as development aids under
//! `/_dev/wristband/`. Errors are Wristband's bodies (`error`).

pub mod dev;
mod error;
mod oauth;
mod reset;
mod users;

use axum::{
    body::Bytes,
    extract::FromRequestParts,
    http::{header, request::Parts},
    Router,
};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::db::User;
use crate::state::AppState;
use error::{WristbandError, WristbandResult};

pub fn router() -> Router<AppState> {
    Router::new().merge(reset::router()).merge(users::router()).merge(oauth::router())
}

/// How long an emailed verification link, a generated reset link and a one-time code last
/// (Wristband's email policies make these configurable; the stand-in's choice).
pub const LINK_SECONDS: i64 = 3600;
pub const CODE_SECONDS: i64 = 600;

/// Prefixes of the recovery column, one outstanding credential per user: a new one voids the
/// old (confirmed for generated reset links; the stand-in does the same for the others).
pub const EMAIL_AUTH_CODE: &str = "wristband_link:";
pub const PASSWORD_RESET_CODE: &str = "wristband_reset_link:";
pub const REQUEST_CODE: &str = "wristband_otp:";

/// What a credential is stored as: never the credential itself.
pub fn stored(prefix: &str, secret: &str) -> String {
    format!("{prefix}{}", crate::crypto::token_hash("", secret))
}

/// A JSON body; anything else is a constraint violation, never a panic or an echo of the body.
fn json_body<T: DeserializeOwned>(body: &Bytes) -> WristbandResult<T> {
    serde_json::from_slice(body).map_err(|_| WristbandError::base(400, "invalid_request_body", "The request body is not valid JSON for this endpoint"))
}

/// The OIDC userinfo of a user.
fn userinfo(user: &User) -> Value {
    serde_json::json!({
        "sub": user.id,
        "email": user.email,
        "email_verified": user.is_confirmed(),
        "updated_at": user.updated_at / 1000,
    })
}

/// The caller of a user API: `Authorization: Bearer <access token>` of a live session.
struct Caller {
    user: User,
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = WristbandError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, WristbandError> {
        let raw = parts.headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).unwrap_or_default();
        let token = raw.strip_prefix("Bearer ").unwrap_or_default().trim();
        let unauthorized = || WristbandError::base(401, "unauthorized", "The access token is missing, invalid or expired");
        let found = crate::tokens::live_session(state, token)?;
        let (user, _) = found.ok_or_else(unauthorized)?;
        Ok(Caller { user })
    }
}
