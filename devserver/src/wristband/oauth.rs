//! The OAuth2 endpoints a signed-in client uses (paths confirmed from Wristband's SDKs):
//! `POST /api/v1/oauth2/token` with `grant_type=refresh_token` — the refresh token is kept, not
//! rotated (inferred) —, `POST /api/v1/oauth2/revoke` (RFC 7009: 200 for unknown tokens too) and
//! `GET /api/v1/oauth2/userinfo`. Form-encoded bodies; errors are OAuth's.

use axum::{body::Bytes, extract::State, http::StatusCode, routing::{get, post}, Json, Router};
use serde_json::{json, Value};

use super::error::{WristbandError, WristbandResult};
use super::{userinfo, Caller};
use crate::db;
use crate::state::AppState;
use crate::{crypto, tokens};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/oauth2/token", post(token))
        .route("/api/v1/oauth2/revoke", post(revoke))
        .route("/api/v1/oauth2/userinfo", get(user_info))
}

fn form(body: &Bytes) -> Vec<(String, String)> {
    url::form_urlencoded::parse(body).map(|(k, v)| (k.into_owned(), v.into_owned())).collect()
}

fn field<'a>(pairs: &'a [(String, String)], name: &str) -> &'a str {
    pairs.iter().find(|(k, _)| k == name).map_or("", |(_, v)| v.as_str())
}

/// Wristband's token response for a session of the devserver's.
pub fn token_set(state: &AppState, user: &db::User, session: &db::Session, refresh_token: Option<&str>) -> Value {
    let tokens = tokens::token_response(state, user, session, refresh_token.unwrap_or_default());
    let mut set = json!({
        "access_token": tokens["access_token"],
        "token_type": "Bearer",
        "expires_in": tokens["expires_in"],
        "id_token": tokens["access_token"],
        "scope": "openid offline_access email",
    });
    if let Some(refresh) = refresh_token {
        set["refresh_token"] = json!(refresh);
    }
    set
}

async fn token(State(state): State<AppState>, body: Bytes) -> WristbandResult<Json<Value>> {
    let p = form(&body);
    if field(&p, "grant_type") != "refresh_token" {
        return Err(WristbandError::oauth(400, "unsupported_grant_type", "The stand-in implements grant_type=refresh_token only"));
    }
    if field(&p, "client_id").is_empty() {
        return Err(WristbandError::oauth(401, "invalid_client", "client_id is required"));
    }
    let refresh = field(&p, "refresh_token");
    let invalid = || WristbandError::oauth(400, "invalid_grant", "The refresh token is invalid, expired or revoked");
    if !crypto::is_refresh_token_format(refresh) {
        return Err(invalid());
    }
    let now = state.now();
    let found = state.db.tx(|conn| {
        let Some(presented) = db::find_refresh_token(conn, refresh)?.filter(|t| !t.revoked) else { return Ok(None) };
        let Some(session) = db::find_session(conn, &presented.session_id)? else { return Ok(None) };
        let Some(user) = db::find_user_by_id(conn, &session.user_id)? else { return Ok(None) };
        db::touch_session(conn, &session.id, now)?;
        Ok(Some((user, session)))
    })?;
    let (user, session) = found.ok_or_else(invalid)?;
    Ok(Json(token_set(&state, &user, &session, None)))
}

async fn revoke(State(state): State<AppState>, body: Bytes) -> WristbandResult<StatusCode> {
    let p = form(&body);
    let token = field(&p, "token").to_string();
    state.db.tx(|conn| {
        if let Some(t) = db::find_refresh_token(conn, &token)? {
            db::delete_session(conn, &t.session_id)?;
        }
        Ok(())
    })?;
    Ok(StatusCode::OK)
}

async fn user_info(caller: Caller) -> Json<Value> {
    Json(userinfo(&caller.user))
}
