//! Development sessions: outside production Wacht keeps the browser's session in a token sent
//! as `X-Development-Session` (the newer SDK also puts it in a `__dev_session__` query parameter,
//! accepted here) and answered in the `x-development-session` header whenever the server makes or
//! renews one (confirmed from Wacht's frontend API source). The token is a JWT naming the session
//! and its rotating refresh token; once expired, any request renews it: the refresh token rotates,
//! a new token comes back, and the expired one cannot be renewed again.

use axum::{
    extract::FromRequestParts,
    http::{request::Parts, HeaderValue},
    response::{IntoResponse, Response},
    Json,
};
use rusqlite::Connection;
use serde_json::{json, Value};

use super::error::{WachtError, WachtResult};
use crate::db::{self, Session, User};
use crate::error::ApiResult;
use crate::state::AppState;
use crate::{crypto, jwt};

pub const SESSION_HEADER: &str = "x-development-session";

/// A new session for `user` and its token.
pub fn issue(conn: &Connection, state: &AppState, user: &mut User) -> ApiResult<(Session, String)> {
    let now = state.now();
    let session = Session { id: uuid::Uuid::new_v4().to_string(), user_id: user.id.clone(), amr_method: "password".into(), created_at: now };
    db::insert_session(conn, &session)?;
    let refresh = crypto::generate_refresh_token();
    db::insert_refresh_token(conn, &refresh, &session.id, None, now)?;
    user.last_sign_in_at = Some(now);
    db::save_user(conn, user)?;
    Ok((session.clone(), sign(state, &session.id, &refresh)))
}

fn sign(state: &AppState, session_id: &str, refresh: &str) -> String {
    let now = state.now() / 1000;
    jwt::sign(&state.config.jwt_secret, &json!({"iss": "wacht-standin", "sid": session_id, "rt": refresh, "iat": now, "exp": now + state.config.jwt_exp}))
}

/// Who is calling: the signed-in user and session, if the request carries a live token, and the
/// renewed token when the one it carried had expired.
pub struct Visitor {
    pub signed_in: Option<(User, Session)>,
    pub renewed: Option<String>,
}

impl Visitor {
    /// The signed-in caller, or Wacht's 401.
    pub fn require(self) -> WachtResult<(User, Session, Option<String>)> {
        let renewed = self.renewed;
        self.signed_in.map(|(u, s)| (u, s, renewed)).ok_or_else(WachtError::invalid_session)
    }
}

fn presented(parts: &Parts) -> Option<String> {
    if let Some(header) = parts.headers.get(SESSION_HEADER).and_then(|v| v.to_str().ok()).filter(|v| !v.is_empty()) {
        return Some(header.to_string());
    }
    let query = parts.uri.query()?;
    url::form_urlencoded::parse(query.as_bytes()).find(|(k, _)| k == "__dev_session__").map(|(_, v)| v.into_owned()).filter(|v| !v.is_empty())
}

impl FromRequestParts<AppState> for Visitor {
    type Rejection = WachtError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, WachtError> {
        let Some(token) = presented(parts) else { return Ok(Visitor { signed_in: None, renewed: None }) };
        // The signature now, the expiry below: an expired token is renewed, not refused.
        let claims = jwt::verify(&state.config.jwt_secret, &token, i64::MIN).map_err(|_| WachtError::invalid_session())?;
        let claim = |name: &str| claims.get(name).and_then(Value::as_str).unwrap_or_default().to_string();
        let (session_id, refresh) = (claim("sid"), claim("rt"));
        let expired = claims.get("exp").and_then(Value::as_i64).is_none_or(|exp| exp <= state.now() / 1000);
        let now = state.now();
        let found = state.db.tx(|conn| {
            let Some(session) = db::find_session(conn, &session_id)? else { return Ok(None) };
            let Some(user) = db::find_user_by_id(conn, &session.user_id)? else { return Ok(None) };
            if !expired {
                return Ok(Some((user, session, None)));
            }
            // Renewal rotates the refresh token: an expired token renews once.
            let Some(presented) = db::find_refresh_token(conn, &refresh)?.filter(|t| !t.revoked && t.session_id == session.id) else { return Ok(None) };
            db::revoke_refresh_token(conn, &presented.token, now)?;
            let child = crypto::generate_refresh_token();
            db::insert_refresh_token(conn, &child, &session.id, Some(&presented.token), now)?;
            db::touch_session(conn, &session.id, now)?;
            let renewed = sign(state, &session.id, &child);
            Ok(Some((user, session, Some(renewed))))
        })?;
        let (user, session, renewed) = found.ok_or_else(WachtError::invalid_session)?;
        Ok(Visitor { signed_in: Some((user, session)), renewed })
    }
}

/// A success with, when one was made or renewed, the session's token in the header.
pub fn reply(body: Value, token: Option<String>) -> Response {
    let mut response = Json(body).into_response();
    if let Some(value) = token.and_then(|t| HeaderValue::from_str(&t).ok()) {
        response.headers_mut().insert(SESSION_HEADER, value);
    }
    response
}
