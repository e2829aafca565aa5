//! `POST /token?grant_type=password|refresh_token|pkce` (docs/protocol/gotrue.md §5.5–§5.7, rotation §6.6).

use axum::{extract::State, routing::post, Json, Router};
use rusqlite::Connection;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::db::{self, User};
use crate::error::{ApiError, ApiResult, ErrorKind};
use crate::extract::{parse_json, Query, RawBody};
use crate::ratelimit::{guarded, Client, Guess};
use crate::state::AppState;
use crate::{crypto, password, tokens};

pub fn router() -> Router<AppState> {
    Router::new().route("/token", post(token_create))
}

#[derive(Deserialize)]
struct GrantQuery {
    grant_type: Option<String>,
}

async fn token_create(State(state): State<AppState>, client: Client, Query(q): Query<GrantQuery>, RawBody(body): RawBody) -> ApiResult<Json<Value>> {
    // GoTrue reads grant_type from the query and checks it before the body.
    match q.grant_type.as_deref() {
        Some("password") => {
            let wrong = |e: &ApiError| e.code() == Some("invalid_credentials");
            let p: PasswordParams = parse_json(&body)?;
            let email = p.email.clone();
            guarded(&state, Guess::SignIn, &client, Some(&email), wrong, password_grant(&state, p)).await
        }
        Some("refresh_token") => {
            let p: RefreshParams = parse_json(&body)?;
            match state.db.tx(|conn| refresh_grant(conn, &state, &p.refresh_token))? {
                Refreshed::Session(body) => Ok(Json(body)),
                Refreshed::ReuseDetected { session_id } => {
                    // Committed on its own: GoTrue commits the revocation and still answers the error.
                    if state.config.refresh_token_rotation_enabled {
                        state.db.tx(|conn| db::revoke_session_tokens(conn, &session_id, state.now()))?;
                    }
                    Err(ApiError::bad_request("refresh_token_already_used", "Invalid Refresh Token: Already Used"))
                }
            }
        }
        Some("pkce") => {
            let p: PkceParams = parse_json(&body)?;
            state.db.tx(|conn| pkce_grant(conn, &state, &p)).map(Json)
        }
        _ => Err(ApiError::bad_request("invalid_credentials", "unsupported_grant_type")),
    }
}

#[derive(Deserialize)]
struct PasswordParams {
    #[serde(default)]
    email: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    password: String,
}

async fn password_grant(state: &AppState, p: PasswordParams) -> ApiResult<Json<Value>> {
    if !p.email.is_empty() && !p.phone.is_empty() {
        return Err(ApiError::validation("Only an email address or phone number should be provided on login."));
    }
    if !p.phone.is_empty() {
        return Err(ApiError::unprocessable("phone_provider_disabled", "Phone logins are disabled"));
    }
    if p.email.is_empty() {
        return Err(ApiError::validation("missing email or phone"));
    }
    let invalid = || ApiError::bad_request("invalid_credentials", "Invalid login credentials");
    let cost = state.config.bcrypt_cost;
    let Some(user) = state.db.tx(|conn| db::find_user_by_email(conn, &p.email))? else {
        // The same bcrypt work as for a real account: timing must not reveal which emails exist.
        password::verify(p.password, None, cost).await?;
        return Err(invalid());
    };
    // GoTrue checks the ban before the password.
    if user.is_banned(state.now()) {
        return Err(ApiError::bad_request("user_banned", "User is banned"));
    }
    if !password::verify(p.password.clone(), user.encrypted_password.clone(), cost).await? {
        return Err(invalid());
    }
    if !user.is_confirmed() {
        return Err(ApiError::bad_request("email_not_confirmed", "Email not confirmed"));
    }
    let mut body = state.db.tx(|conn| {
        // Re-read: the row may have changed while bcrypt ran.
        let mut user = db::find_user_by_id(conn, &user.id)?.ok_or_else(invalid)?;
        tokens::issue_session(conn, state, &mut user, "password")
    })?;
    // A correct password that no longer meets the policy signs in, with a warning (docs/protocol/gotrue.md §2.2).
    if let Err(ApiError { kind: ErrorKind::WeakPassword { msg, reasons }, .. }) = password::check_strength(&state.config, &p.password) {
        body["weak_password"] = json!({"message": msg, "reasons": reasons});
    }
    Ok(Json(body))
}

#[derive(Deserialize)]
struct RefreshParams {
    #[serde(default)]
    refresh_token: String,
}

enum Refreshed {
    Session(Value),
    /// A revoked token came back outside the reuse interval.
    ReuseDetected { session_id: String },
}

fn refresh_grant(conn: &Connection, state: &AppState, token: &str) -> ApiResult<Refreshed> {
    if !crypto::is_refresh_token_format(token) {
        return Err(ApiError::validation("Refresh token is not valid"));
    }
    let not_found = || ApiError::bad_request("refresh_token_not_found", "Invalid Refresh Token: Refresh Token Not Found");
    let presented = db::find_refresh_token(conn, token)?.ok_or_else(not_found)?;
    let session = db::find_session(conn, &presented.session_id)?.ok_or_else(not_found)?;
    let user: User = db::find_user_by_id(conn, &session.user_id)?.ok_or_else(not_found)?;
    let now = state.now();
    if user.is_banned(now) {
        return Err(ApiError::bad_request("user_banned", "Invalid Refresh Token: User Banned"));
    }
    if presented.revoked {
        // The client lost the last response: hand back the token that replaced this one.
        if let Some(active) = db::find_active_child(conn, token)? {
            return Ok(Refreshed::Session(tokens::token_response(state, &user, &session, &active.token)));
        }
        // Whole-millisecond clocks would let a zero interval pass within the same millisecond.
        let reuse_window_ms = state.config.refresh_token_reuse_interval * 1000;
        if reuse_window_ms == 0 || now > presented.updated_at + reuse_window_ms {
            return Ok(Refreshed::ReuseDetected { session_id: session.id });
        }
    } else {
        db::revoke_refresh_token(conn, token, now)?;
    }
    let child = crypto::generate_refresh_token();
    db::insert_refresh_token(conn, &child, &session.id, Some(token), now)?;
    db::touch_session(conn, &session.id, now)?;
    Ok(Refreshed::Session(tokens::token_response(state, &user, &session, &child)))
}

#[derive(Deserialize)]
struct PkceParams {
    #[serde(default)]
    auth_code: String,
    #[serde(default)]
    code_verifier: String,
}

fn pkce_grant(conn: &Connection, state: &AppState, p: &PkceParams) -> ApiResult<Value> {
    if p.auth_code.is_empty() || p.code_verifier.is_empty() {
        return Err(ApiError::validation("invalid request: both auth code and code verifier should be non-empty"));
    }
    let flow = db::find_flow_state_by_code(conn, &p.auth_code)?
        .ok_or_else(|| ApiError::not_found("flow_state_not_found", "invalid flow state, no valid flow state found"))?;
    // For recovery the expiry counts from the /recover request, not from the link click (docs/protocol/gotrue.md §8).
    if state.now() > flow.created_at + state.config.flow_state_expiry.as_millis() as i64 {
        return Err(ApiError::unprocessable("flow_state_expired", "invalid flow state, flow state has expired"));
    }
    if !crypto::pkce_matches(&flow.code_challenge_method, &flow.code_challenge, &p.code_verifier) {
        return Err(ApiError::bad_request("bad_code_verifier", "code challenge does not match previously saved code verifier"));
    }
    let mut user = db::find_user_by_id(conn, &flow.user_id)?
        .ok_or_else(|| ApiError::not_found("user_not_found", "User not found"))?;
    db::delete_flow_state(conn, &flow.id)?;
    tokens::issue_session(conn, state, &mut user, &flow.authentication_method)
}
