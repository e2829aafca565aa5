//! Development sessions: outside production Wacht keeps the browser's session in a token the
//! frontend API answers in the `x-development-session` header and the SDK sends back on every
//! request, signed in or not (confirmed from Wacht's frontend API source, `middleware/prelude.go`:
//! a request without a token, or with one that fails verification, gets a new session and its
//! token). Newer SDKs send it as a `__dev_session__` query parameter, older ones in the
//! `X-Development-Session` header; both are read here.
//!
//! The token is a JWT naming the browser session (`bsid`) and, once someone signed in on it, the
//! devserver session (`sid`) with a renewal nonce (`rn`). Once expired, any request renews it: the
//! nonce is checked against the session's refresh token (kept hashed: the token carries no
//! refresh token any other route would take), rotated, and a new token comes back; the expired
//! one cannot be renewed again.

use axum::{
    extract::{Request, State},
    http::{request::Parts, HeaderValue},
    middleware::Next,
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

/// The refresh-token row a renewal nonce stands for: a value no other route accepts.
fn stored_nonce(nonce: &str) -> String {
    format!("wacht:{}", crypto::token_hash("wacht-renewal", nonce))
}

/// A new signed-in session for `user` on the browser session `bsid`, and its token.
pub fn issue(conn: &Connection, state: &AppState, user: &mut User, bsid: &str) -> ApiResult<(Session, String)> {
    let now = state.now();
    let session = Session { id: uuid::Uuid::new_v4().to_string(), user_id: user.id.clone(), amr_method: "password".into(), created_at: now };
    db::insert_session(conn, &session)?;
    let nonce = crypto::random_secret();
    db::insert_refresh_token(conn, &stored_nonce(&nonce), &session.id, None, now)?;
    user.last_sign_in_at = Some(now);
    db::save_user(conn, user)?;
    Ok((session.clone(), sign(state, bsid, Some((&session.id, &nonce)))))
}

/// The token of a browser session nobody is signed in on.
pub fn anonymous(state: &AppState, bsid: &str) -> String {
    sign(state, bsid, None)
}

fn sign(state: &AppState, bsid: &str, signed_in: Option<(&str, &str)>) -> String {
    let now = state.now() / 1000;
    let mut claims = json!({"iss": "wacht-standin", "bsid": bsid, "iat": now, "exp": now + state.config.jwt_exp});
    if let Some((sid, nonce)) = signed_in {
        claims["sid"] = json!(sid);
        claims["rn"] = json!(nonce);
    }
    jwt::sign(&state.config.jwt_secret, &claims)
}

/// Who is calling: the browser session, the signed-in user and session on it if any, and the
/// token to answer with when it changed (a new browser session, a renewal, a sign-in that ended).
#[derive(Clone)]
pub struct Visitor {
    pub bsid: String,
    pub signed_in: Option<(User, Session)>,
    pub issued: Option<String>,
}

impl Visitor {
    /// The signed-in caller, or Wacht's 401.
    pub fn require(&self) -> WachtResult<(User, Session)> {
        self.signed_in.clone().ok_or_else(WachtError::invalid_session)
    }
}

fn presented(parts: &Parts) -> Option<String> {
    if let Some(header) = parts.headers.get(SESSION_HEADER).and_then(|v| v.to_str().ok()).filter(|v| !v.is_empty()) {
        return Some(header.to_string());
    }
    let query = parts.uri.query()?;
    url::form_urlencoded::parse(query.as_bytes()).find(|(k, _)| k == "__dev_session__").map(|(_, v)| v.into_owned()).filter(|v| !v.is_empty())
}

/// The visitor a request's token names; a missing or unverifiable token starts a new browser
/// session, as Wacht's does.
fn resolve(state: &AppState, token: Option<String>) -> ApiResult<Visitor> {
    let fresh = || {
        let bsid = uuid::Uuid::new_v4().to_string();
        Visitor { issued: Some(anonymous(state, &bsid)), bsid, signed_in: None }
    };
    // The signature now, the expiry below: an expired token is renewed, not refused.
    let Some(claims) = token.and_then(|t| jwt::verify(&state.config.jwt_secret, &t, i64::MIN).ok()) else { return Ok(fresh()) };
    let claim = |name: &str| claims.get(name).and_then(Value::as_str).unwrap_or_default().to_string();
    let bsid = claim("bsid");
    if bsid.is_empty() {
        return Ok(fresh());
    }
    let now = state.now();
    let expired = claims.get("exp").and_then(Value::as_i64).is_none_or(|exp| exp <= now / 1000);
    let (sid, nonce) = (claim("sid"), claim("rn"));
    let signed_in = if sid.is_empty() {
        None
    } else {
        state.db.tx(|conn| {
            let Some(session) = db::find_session(conn, &sid)? else { return Ok(None) };
            let Some(user) = db::find_user_by_id(conn, &session.user_id)? else { return Ok(None) };
            if !expired {
                return Ok(Some((user, session, None)));
            }
            // Renewal rotates the refresh token: an expired token renews once.
            let Some(presented) = db::find_refresh_token(conn, &stored_nonce(&nonce))?.filter(|t| !t.revoked && t.session_id == session.id) else { return Ok(None) };
            db::revoke_refresh_token(conn, &presented.token, now)?;
            let next = crypto::random_secret();
            db::insert_refresh_token(conn, &stored_nonce(&next), &session.id, Some(&presented.token), now)?;
            db::touch_session(conn, &session.id, now)?;
            Ok(Some((user, session, Some(sign(state, &bsid, Some((&sid, &next)))))))
        })?
    };
    Ok(match signed_in {
        Some((user, session, renewed)) => Visitor { bsid, signed_in: Some((user, session)), issued: renewed },
        // Nobody is signed in on it (any more): the browser session goes on, with a token that
        // says so when the one presented named a sign-in or had expired.
        None => {
            let issued = (!sid.is_empty() || expired).then(|| anonymous(state, &bsid));
            Visitor { bsid, signed_in: None, issued }
        }
    })
}

/// Middleware for the frontend API, as Wacht's prelude: every request gets its [`Visitor`], and
/// every answer — an error too — the token when it changed (unless the handler answers a newer
/// one, for a sign-in).
pub async fn prelude(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let (mut parts, body) = request.into_parts();
    let visitor = match resolve(&state, presented(&parts)) {
        Ok(visitor) => visitor,
        Err(e) => return WachtError::from(e).into_response(),
    };
    let issued = visitor.issued.clone();
    parts.extensions.insert(visitor);
    let mut response = next.run(Request::from_parts(parts, body)).await;
    if let Some(value) = issued.and_then(|t| HeaderValue::from_str(&t).ok()) {
        response.headers_mut().entry(SESSION_HEADER).or_insert(value);
    }
    response
}

/// The visitor the prelude resolved (a route outside it has none: Wacht's 401).
impl axum::extract::FromRequestParts<AppState> for Visitor {
    type Rejection = WachtError;

    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Self, WachtError> {
        parts.extensions.get::<Visitor>().cloned().ok_or_else(WachtError::invalid_session)
    }
}

/// A success with, when one was made for it, the session's token in the header.
pub fn reply(body: Value, token: Option<String>) -> Response {
    let mut response = Json(body).into_response();
    if let Some(value) = token.and_then(|t| HeaderValue::from_str(&t).ok()) {
        response.headers_mut().insert(SESSION_HEADER, value);
    }
    response
}
