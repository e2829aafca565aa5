//! What Wristband's hosted pages and dashboard do, as development aids under `/_dev/wristband/`
//! (Wristband has no public API for them, so they cannot be part of the stand-in proper):
//!
//! - `POST /_dev/wristband/login {email, password}`: the hosted login page and the authorization
//!   code exchange after it, in one step: a token set for the user.
//! - `POST /_dev/wristband/forgot-password {email, strategy: "link" | "code", actionUrl?}`: the
//!   login page's "Forgot password?" form. Emails a verification link carrying
//!   `email_auth_code`, or a one-time code with a link carrying `request_code` (the email policy's
//!   "Email Verification Strategy"). The same answer for unknown addresses.
//! - `POST /_dev/wristband/reset-link {email, actionUrl?}`: the dashboard's "Create Link": a
//!   password reset link carrying `password_reset_code`, voiding older ones.

use axum::{extract::State, routing::post, Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use super::oauth::token_set;
use super::reset::stored_code;
use super::{stored, EMAIL_AUTH_CODE, PASSWORD_RESET_CODE};
use crate::db::{self, Mail, Session};
use crate::error::{ApiError, ApiResult};
use crate::extract::JsonBody;
use crate::ratelimit::{guarded, Client, Guess};
use crate::state::AppState;
use crate::{crypto, password, validate};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/_dev/wristband/login", post(login))
        .route("/_dev/wristband/forgot-password", post(forgot_password))
        .route("/_dev/wristband/reset-link", post(reset_link))
}

#[derive(Deserialize)]
struct LoginParams {
    email: String,
    password: String,
}

/// The hosted login page is a sign-in route like any other: failures are limited per client.
async fn login(State(state): State<AppState>, client: Client, JsonBody(p): JsonBody<LoginParams>) -> ApiResult<Json<Value>> {
    let wrong = |e: &ApiError| e.code() == Some("invalid_credentials");
    let email = p.email.clone();
    guarded(&state, Guess::SignIn, &client, Some(&email), wrong, login_checked(&state, p)).await
}

async fn login_checked(state: &AppState, p: LoginParams) -> ApiResult<Json<Value>> {
    let email = validate::email(&p.email)?;
    let user = state.db.tx(|conn| db::find_user_by_email(conn, &email))?;
    let matches = password::verify(p.password, user.as_ref().and_then(|u| u.encrypted_password.clone()), state.config.bcrypt_cost).await?;
    let Some(mut user) = user.filter(|_| matches) else {
        return Err(ApiError::bad_request("invalid_credentials", "Invalid login credentials"));
    };
    let now = state.now();
    let set = state.db.tx(|conn| {
        let session = Session { id: uuid::Uuid::new_v4().to_string(), user_id: user.id.clone(), amr_method: "password".into(), created_at: now };
        db::insert_session(conn, &session)?;
        let refresh = crypto::generate_refresh_token();
        db::insert_refresh_token(conn, &refresh, &session.id, None, now)?;
        user.last_sign_in_at = Some(now);
        db::save_user(conn, &user)?;
        Ok(token_set(state, &user, &session, Some(&refresh)))
    })?;
    Ok(Json(set))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ForgotParams {
    email: String,
    #[serde(default)]
    strategy: Option<String>,
    #[serde(default)]
    action_url: Option<String>,
}

fn action_url(state: &AppState, given: Option<String>) -> ApiResult<String> {
    let url = given.unwrap_or_else(|| format!("{}/reset-password", state.config.site_url.trim_end_matches('/')));
    if !(url.starts_with("http://") || url.starts_with("https://")) || url.contains(['?', '#', ' ']) {
        return Err(ApiError::validation("actionUrl must be an http(s) URL without a query"));
    }
    Ok(url)
}

async fn forgot_password(State(state): State<AppState>, JsonBody(p): JsonBody<ForgotParams>) -> ApiResult<Json<Value>> {
    let email = validate::email(&p.email)?;
    let base = action_url(&state, p.action_url)?;
    let by_code = match p.strategy.as_deref() {
        None | Some("link") => false,
        Some("code") => true,
        Some(_) => return Err(ApiError::validation("strategy must be 'link' or 'code'")),
    };
    let now = state.now();
    state.db.tx(|conn| {
        let Some(mut user) = db::find_user_by_email(conn, &email)? else { return Ok(()) };
        let (stored_value, mail) = if by_code {
            let request = crypto::random_secret();
            let code = crypto::generate_otp(6);
            let link = format!("{base}?request_code={request}");
            let text = format!("Your password reset code is {code}. Enter it on the page this link opens: {link}\nIt expires in 10 minutes.\n");
            (stored_code(&request, &code), Mail { to: user.email.clone(), subject: "Reset your password".into(), kind: "wristband_reset_code".into(), token: Some(code), token_hash: None, link: Some(link), text, sent_at: now })
        } else {
            let code = crypto::random_secret();
            let link = format!("{base}?email_auth_code={code}");
            let text = format!("Follow this link to reset your password: {link}\nIt expires in an hour.\n");
            (stored(EMAIL_AUTH_CODE, &code), Mail { to: user.email.clone(), subject: "Reset your password".into(), kind: "wristband_reset_link".into(), token: Some(code), token_hash: None, link: Some(link), text, sent_at: now })
        };
        user.recovery_token = Some(stored_value);
        user.recovery_sent_at = Some(now);
        user.verify_failures = 0;
        db::save_user(conn, &user)?;
        db::insert_mail(conn, &mail)?;
        Ok(())
    })?;
    Ok(Json(json!({})))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ResetLinkParams {
    email: String,
    #[serde(default)]
    action_url: Option<String>,
}

async fn reset_link(State(state): State<AppState>, JsonBody(p): JsonBody<ResetLinkParams>) -> ApiResult<Json<Value>> {
    let email = validate::email(&p.email)?;
    let base = action_url(&state, p.action_url)?;
    let now = state.now();
    let code = crypto::random_secret();
    let found = state.db.tx(|conn| {
        let Some(mut user) = db::find_user_by_email(conn, &email)? else { return Ok(false) };
        user.recovery_token = Some(stored(PASSWORD_RESET_CODE, &code));
        user.recovery_sent_at = Some(now);
        user.verify_failures = 0;
        db::save_user(conn, &user)?;
        Ok(true)
    })?;
    if !found {
        return Err(ApiError::not_found("user_not_found", "No user with this email"));
    }
    Ok(Json(json!({ "link": format!("{base}?password_reset_code={code}") })))
}
