//! The OIDC token endpoints the client uses: `POST /oidc/token` with `grant_type=refresh_token`
//! (rotating, as the devserver's GoTrue refresh does) and `POST /oidc/token/revocation`. Bodies
//! are form-encoded (the SDKs' way) or JSON; errors are OAuth's `{error, error_description}`.

use axum::{body::Bytes, extract::State, http::HeaderMap, http::StatusCode, response::IntoResponse, routing::post, Json, Router};
use serde::Deserialize;
use serde_json::Value;

use super::account::token_set;
use super::error::{GenAuthError, GenAuthResult};
use crate::db;
use crate::state::AppState;
use crate::{crypto, tokens};

pub fn router() -> Router<AppState> {
    Router::new().route("/oidc/token", post(token)).route("/oidc/token/revocation", post(revoke))
}

#[derive(Deserialize, Default)]
struct TokenParams {
    #[serde(default)]
    grant_type: String,
    #[serde(default)]
    refresh_token: String,
    #[serde(default)]
    token: String,
    #[serde(default)]
    scope: String,
}

fn params(headers: &HeaderMap, body: &Bytes) -> GenAuthResult<TokenParams> {
    let json = headers.get("content-type").and_then(|v| v.to_str().ok()).is_some_and(|v| v.starts_with("application/json"));
    let parsed = if json { serde_json::from_slice(body).ok() } else { serde_urlencoded_pairs(body) };
    parsed.ok_or_else(|| GenAuthError::oauth("invalid_request", "The request body could not be read"))
}

fn serde_urlencoded_pairs(body: &Bytes) -> Option<TokenParams> {
    let mut p = TokenParams::default();
    for (k, v) in url::form_urlencoded::parse(body) {
        match &*k {
            "grant_type" => p.grant_type = v.into_owned(),
            "refresh_token" => p.refresh_token = v.into_owned(),
            "token" => p.token = v.into_owned(),
            "scope" => p.scope = v.into_owned(),
            _ => {}
        }
    }
    Some(p)
}

async fn token(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> GenAuthResult<Json<Value>> {
    let p = params(&headers, &body)?;
    if p.grant_type != "refresh_token" {
        return Err(GenAuthError::oauth("unsupported_grant_type", "The stand-in implements grant_type=refresh_token only"));
    }
    let invalid = || GenAuthError::oauth("invalid_grant", "The refresh token is invalid, used or revoked");
    if !crypto::is_refresh_token_format(&p.refresh_token) {
        return Err(invalid());
    }
    let now = state.now();
    let refreshed = state.db.tx(|conn| {
        let Some(presented) = db::find_refresh_token(conn, &p.refresh_token)?.filter(|t| !t.revoked) else { return Ok(None) };
        let Some(session) = db::find_session(conn, &presented.session_id)? else { return Ok(None) };
        let Some(user) = db::find_user_by_id(conn, &session.user_id)? else { return Ok(None) };
        db::revoke_refresh_token(conn, &p.refresh_token, now)?;
        let child = crypto::generate_refresh_token();
        db::insert_refresh_token(conn, &child, &session.id, Some(&p.refresh_token), now)?;
        db::touch_session(conn, &session.id, now)?;
        Ok(Some((tokens::token_response(&state, &user, &session, &child), user)))
    })?;
    let (tokens, user) = refreshed.ok_or_else(invalid)?;
    let scope = if p.scope.is_empty() { "openid profile offline_access" } else { &p.scope };
    let mut set = token_set(&state, &user, &tokens, scope, "expires_in");
    set["refresh_token"] = tokens["refresh_token"].clone();
    Ok(Json(set))
}

/// Ends the session a refresh token belongs to. RFC 7009: unknown tokens answer 200 too.
async fn revoke(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> GenAuthResult<impl IntoResponse> {
    let p = params(&headers, &body)?;
    state.db.tx(|conn| {
        if let Some(t) = db::find_refresh_token(conn, &p.token)? {
            db::delete_session(conn, &t.session_id)?;
        }
        Ok(())
    })?;
    Ok(StatusCode::OK)
}
