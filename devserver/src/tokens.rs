//! Issuing sessions: the session row, its first refresh token, the access-token JWT and the
//! token response of docs/protocol/gotrue.md §3.1.

use rusqlite::Connection;
use serde_json::{json, Value};

use crate::crypto;
use crate::db::{self, Session, User};
use crate::error::ApiResult;
use crate::jwt;
use crate::state::AppState;

/// Creates a session for `user` authenticated by `amr_method` and returns the token response.
pub fn issue_session(conn: &Connection, state: &AppState, user: &mut User, amr_method: &str) -> ApiResult<Value> {
    let now = state.now();
    let session = Session { id: uuid::Uuid::new_v4().to_string(), user_id: user.id.clone(), amr_method: amr_method.into(), created_at: now };
    db::insert_session(conn, &session)?;
    let refresh_token = crypto::generate_refresh_token();
    db::insert_refresh_token(conn, &refresh_token, &session.id, None, now)?;
    user.last_sign_in_at = Some(now);
    user.updated_at = now;
    db::save_user(conn, user)?;
    Ok(token_response(state, user, &session, &refresh_token))
}

/// A fresh access token for an existing session, with the given refresh token.
pub fn token_response(state: &AppState, user: &User, session: &Session, refresh_token: &str) -> Value {
    let (access_token, expires_at) = access_token(state, user, session);
    json!({
        "access_token": access_token,
        "token_type": "bearer",
        "expires_in": expires_at - state.now() / 1000,
        "expires_at": expires_at,
        "refresh_token": refresh_token,
        "user": user.to_json(),
    })
}

/// The access-token JWT (claims in GoTrue's order) and its `exp`.
fn access_token(state: &AppState, user: &User, session: &Session) -> (String, i64) {
    let config = &state.config;
    let iat = state.now() / 1000;
    let exp = iat + config.jwt_exp;
    let claims = json!({
        "iss": config.jwt_issuer,
        "sub": user.id,
        "aud": user.aud,
        "exp": exp,
        "iat": iat,
        "email": user.email,
        "phone": "",
        "app_metadata": user.app_metadata,
        "user_metadata": user.user_metadata,
        "role": user.role,
        "aal": "aal1",
        "amr": [{"method": session.amr_method, "timestamp": session.created_at / 1000}],
        "session_id": session.id,
        "is_anonymous": false,
    });
    (jwt::sign(&config.jwt_secret, &claims), exp)
}

/// Whose live session `access_token` is: the user and the session, when the token is one this
/// server signed, unexpired, and its session still exists. For the stand-ins, whose errors are
/// their own platform's.
pub fn live_session(state: &AppState, access_token: &str) -> ApiResult<Option<(User, Session)>> {
    let Ok(claims) = jwt::verify(&state.config.jwt_secret, access_token, state.now() / 1000) else { return Ok(None) };
    let claim = |name: &str| claims.get(name).and_then(Value::as_str).unwrap_or_default().to_string();
    let (sub, session_id) = (claim("sub"), claim("session_id"));
    state.db.tx(|conn| {
        let user = db::find_user_by_id(conn, &sub)?;
        let session = db::find_session(conn, &session_id)?;
        Ok(user.zip(session).filter(|(u, s)| s.user_id == u.id))
    })
}
