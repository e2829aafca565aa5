//! A stand-in for GenAuth (Authing V3): the password lifecycle of its authentication API, as its
//! official SDKs (npm `authing-node-sdk`/`genauth-node-sdk`, PyPI `genauth`) and docs describe it,
//! on the devserver's users, sessions and outbox. GenAuth is a hosted service that cannot run
//! here; this is what the `wasm-auth-client/genauth` entry is tested against, and the vendor's
//! Python SDK drives it in `make test` (tests/genauth/). Confidence per fact: README, "GenAuth".
//!
//! One module per endpoint family: `system` (public keys), `account` (sign-up, sign-in, profile,
//! password change), `reset` (the emailed pass code, its reset token, the new password), `oidc`
//! (refresh, revocation). Passwords may arrive encrypted (`passwordEncryptType`: RSA or SM2,
//! `keys`). Errors are GenAuth's bodies (`error`).

mod account;
pub mod error;
pub mod keys;
mod oidc;
mod reset;
mod system;

use axum::{
    body::Bytes,
    extract::FromRequestParts,
    http::{header, request::Parts},
    Router,
};
use serde::de::DeserializeOwned;
use serde_json::{json, Value};

use crate::db::{rfc3339, Session, User};
use crate::state::AppState;
use error::{GenAuthError, GenAuthResult};

pub fn router() -> Router<AppState> {
    let api = Router::new().merge(system::router()).merge(account::router()).merge(reset::router());
    api.route_layer(axum::middleware::from_fn(require_app_id)).merge(oidc::router())
}

/// The headers GenAuth's clients send, for CORS: GenAuth's SDKs say `x-genauth-*`, the npm
/// `authing-node-sdk` (its Authing predecessor) `x-authing-app-id`.
pub const REQUEST_HEADERS: [&str; 5] = ["x-genauth-app-id", "x-authing-app-id", "x-genauth-request-from", "x-genauth-sdk-version", "x-genauth-lang"];

/// The application's id names the app each authentication call is for: GenAuth's SDKs send
/// `x-genauth-app-id` (PyPI `genauth`, GenAuth's Node SDK source), Authing's npm SDK
/// `x-authing-app-id`; the stand-in takes either (that the service does is inferred) and refuses
/// a call with neither. Any id names the stand-in's one application.
async fn require_app_id(request: axum::extract::Request, next: axum::middleware::Next) -> axum::response::Response {
    use axum::response::IntoResponse;
    let named = ["x-genauth-app-id", "x-authing-app-id"]
        .iter()
        .any(|name| request.headers().get(*name).and_then(|v| v.to_str().ok()).is_some_and(|v| !v.trim().is_empty()));
    if !named {
        return GenAuthError::invalid("The app id is required (x-genauth-app-id)").into_response();
    }
    next.run(request).await
}

/// A JSON body; anything else is GenAuth's 400, never a panic or an echo of the body.
fn json_body<T: DeserializeOwned>(body: &Bytes) -> GenAuthResult<T> {
    serde_json::from_slice(body).map_err(|_| GenAuthError::invalid("The request body is not valid JSON for this endpoint"))
}

/// The user as GenAuth's UserDto has it (the fields the password lifecycle touches).
fn user_dto(user: &User) -> Value {
    json!({
        "userId": user.id,
        "email": user.email,
        "emailVerified": user.is_confirmed(),
        "username": null,
        "phone": null,
        "name": null,
        "status": "Activated",
        "createdAt": rfc3339(user.created_at),
        "updatedAt": rfc3339(user.updated_at),
    })
}

/// The signed-in caller: `authorization: <access token>` (GenAuth sends it bare; `Bearer` is
/// accepted too). A token this server did not issue, or whose session ended, is "not logged in".
struct GenAuthUser {
    user: User,
    session: Session,
}

impl FromRequestParts<AppState> for GenAuthUser {
    type Rejection = GenAuthError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, GenAuthError> {
        let raw = parts.headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).unwrap_or_default().trim();
        let token = raw.strip_prefix("Bearer ").unwrap_or(raw);
        let found = crate::tokens::live_session(state, token)?;
        let (user, session) = found.ok_or_else(GenAuthError::not_logged_in)?;
        Ok(GenAuthUser { user, session })
    }
}
