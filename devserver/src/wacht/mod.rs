//! A stand-in for Wacht: the password lifecycle of its frontend API (sign-in, the
//! forgot-password code and reset, the signed-in change, the session) with development sessions,
//! and its backend API's admin password set, as Wacht's open-source server and SDKs show them, on
//! the devserver's users, sessions and outbox. Wacht's server needs PostgreSQL and NATS and is on
//! no registry here; this is what the `wasm-auth-client/wacht` and `/wacht/admin` entries are
//! tested against. Confidence per fact: README, "Wacht".
//!
//! One module per endpoint family: `auth` (`/auth/signin`, `/auth/forgot-password`,
//! `/auth/reset-password`), `me` (`/me`, `/me/update-password`), `session` (`/session`,
//! `/session/sign-out`), `users` (the backend API's `PATCH /users/{id}/password`). Frontend bodies
//! are `multipart/form-data`, as the SDK sends them. Sessions travel as development-session
//! tokens (`devsession`). Errors are Wacht's bodies (`error`).

mod auth;
mod devsession;
mod error;
mod ids;
mod me;
mod session;
mod users;

use axum::extract::{FromRequest, Multipart, Request};
use axum::Router;
use serde_json::{json, Value};

use rusqlite::Connection;

use crate::config::Config;
use crate::db::{rfc3339, Session, User};
use crate::error::ApiResult;
use crate::state::AppState;
use error::{WachtError, WachtResult};

pub use devsession::SESSION_HEADER;

/// The backend API's paths (its API key opens them): no page of another origin may call them
/// (`guard::server_only`).
pub const SERVER_KEY_PATHS: [&str; 1] = ["/users"];

/// The frontend API behind Wacht's prelude (every answer can carry the browser session's
/// token), and the backend API beside it.
pub fn router(state: &AppState) -> Router<AppState> {
    let frontend = Router::new().merge(auth::router()).merge(me::router()).merge(session::router());
    frontend.layer(axum::middleware::from_fn_with_state(state.clone(), devsession::prelude)).merge(users::router())
}

/// The backend API's key on this devserver (printed at start-up), derived from the JWT secret.
pub fn api_key(config: &Config) -> String {
    format!("wacht_test_{}", &crate::crypto::token_hash("wacht-api-key", &config.jwt_secret)[..40])
}

/// The text fields of a multipart body (a browser's `FormData`); anything else is Wacht's "bad
/// request body", never a panic or an echo.
struct Form(Vec<(String, String)>);

impl Form {
    fn get(&self, name: &str) -> Option<&str> {
        self.0.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str()).filter(|v| !v.is_empty())
    }

    fn required(&self, name: &'static str) -> WachtResult<&str> {
        self.get(name).ok_or_else(|| WachtError::required(name))
    }
}

impl FromRequest<AppState> for Form {
    type Rejection = WachtError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, WachtError> {
        let mut multipart = Multipart::from_request(req, state).await.map_err(|_| WachtError::bad_body())?;
        let mut fields = Vec::new();
        while let Some(field) = multipart.next_field().await.map_err(|_| WachtError::bad_body())? {
            let name = field.name().unwrap_or_default().to_string();
            let value = field.text().await.map_err(|_| WachtError::bad_body())?;
            if fields.len() >= 32 {
                return Err(WachtError::bad_body());
            }
            fields.push((name, value));
        }
        Ok(Form(fields))
    }
}

/// Wacht's `CurrentUser` (the fields the password lifecycle touches), with Wacht's kind of id.
fn current_user(conn: &Connection, user: &User) -> ApiResult<Value> {
    Ok(json!({
        "id": ids::wacht_id(conn, &user.id)?,
        "first_name": "",
        "last_name": "",
        "username": null,
        "primary_email_address": {"id": user.identity_id, "email": user.email, "verified": user.is_confirmed()},
        "has_password": user.encrypted_password.is_some(),
        "created_at": rfc3339(user.created_at),
        "updated_at": rfc3339(user.updated_at),
    }))
}

/// Wacht's `Session`: the browser's session (`id`) with its active sign-in, or none.
fn session_dto(conn: &Connection, session: Option<(&User, &Session)>, id: &str) -> ApiResult<Value> {
    let signin = match session {
        Some((user, s)) => Some(json!({"id": s.id, "user_id": ids::wacht_id(conn, &user.id)?, "user": current_user(conn, user)?, "lastActiveAt": rfc3339(s.created_at)})),
        None => None,
    };
    Ok(json!({"id": id, "active_signin": signin, "signins": signin.iter().collect::<Vec<_>>(), "signin_attempts": []}))
}

/// A successful answer, in the frontend API's envelope.
fn ok(data: Value) -> Value {
    json!({"status": 200, "message": "", "data": data, "errors": null})
}
