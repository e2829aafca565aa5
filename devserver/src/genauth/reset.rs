//! The reset: `POST /api/v3/send-email` (channel `CHANNEL_RESET_PASSWORD`: a 6-digit pass code,
//! single use, 5 minutes, one per minute), `POST /api/v3/verify-reset-password-request` (the
//! code for a `passwordResetToken`), `POST /api/v3/reset-password` (the token and the new
//! password). The code and then the token are kept hashed in the user's recovery column, one
//! outstanding at a time, so a new code voids an unused token and the reverse.

use axum::{body::Bytes, extract::State, routing::post, Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use super::error::{api_code, ok, GenAuthError, GenAuthResult};
use super::json_body;
use crate::db::{self, Mail, TokenColumn};
use crate::state::AppState;
use crate::{crypto, password, validate};

const CODE_SECONDS: i64 = 300;
const RESEND_SECONDS: i64 = 60;
/// How long a `passwordResetToken` lasts (`tokenExpiresIn`).
const RESET_TOKEN_SECONDS: i64 = 600;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v3/send-email", post(send_email))
        .route("/api/v3/verify-reset-password-request", post(verify_request))
        .route("/api/v3/reset-password", post(reset_password))
}

fn code_hash(email: &str, code: &str) -> String {
    format!("genauth_code:{}", crypto::token_hash(email, code))
}

fn reset_token_hash(token: &str) -> String {
    format!("genauth_reset:{}", crypto::token_hash("", token))
}

#[derive(Deserialize)]
struct SendEmailParams {
    email: String,
    channel: String,
}

/// The same answer for unknown addresses (nothing is sent).
async fn send_email(State(state): State<AppState>, body: Bytes) -> GenAuthResult<Json<Value>> {
    let p: SendEmailParams = json_body(&body)?;
    if p.channel != "CHANNEL_RESET_PASSWORD" {
        return Err(GenAuthError::invalid("The stand-in sends CHANNEL_RESET_PASSWORD emails only"));
    }
    let email = validate::email(&p.email).map_err(|_| GenAuthError::invalid("email must be an email address"))?;
    let now = state.now();
    state.db.tx(|conn| {
        let Some(mut user) = db::find_user_by_email(conn, &email)? else { return Ok(()) };
        let pending = user.recovery_token.as_deref().is_some_and(|t| t.starts_with("genauth_code:"));
        if let Some(sent) = user.recovery_sent_at.filter(|_| pending) {
            let left = (sent + RESEND_SECONDS * 1000 - now) / 1000;
            if left > 0 {
                return Err(crate::error::ApiError::too_many("over_email_send_rate_limit", format!("Sent too often: try again in {left} seconds")));
            }
        }
        let code = crypto::generate_otp(6);
        user.recovery_token = Some(code_hash(&user.email, &code));
        user.recovery_sent_at = Some(now);
        user.verify_failures = 0;
        user.updated_at = now;
        db::save_user(conn, &user)?;
        db::insert_mail(
            conn,
            &Mail {
                to: user.email.clone(),
                subject: "Your password reset code".into(),
                kind: "genauth_reset_password".into(),
                token: Some(code.clone()),
                token_hash: None,
                link: None,
                text: format!("Your password reset code is {code}. It works once and expires in 5 minutes.\n"),
                sent_at: now,
            },
        )?;
        Ok(())
    })?;
    Ok(Json(json!({"statusCode": 200, "message": "", "requestId": uuid::Uuid::new_v4().to_string()})))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct EmailPassCode {
    email: Option<String>,
    pass_code: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct VerifyParams {
    verify_method: String,
    email_pass_code_payload: Option<EmailPassCode>,
}

/// A wrong code counts against the outstanding one: after `AUTH_DEVSERVER_VERIFY_MAX_FAILURES`
/// it is void.
async fn verify_request(State(state): State<AppState>, body: Bytes) -> GenAuthResult<Json<Value>> {
    let p: VerifyParams = json_body(&body)?;
    if p.verify_method != "EMAIL_PASSCODE" {
        return Err(GenAuthError::invalid("The stand-in verifies EMAIL_PASSCODE only"));
    }
    let payload = p.email_pass_code_payload.ok_or_else(|| GenAuthError::invalid("emailPassCodePayload is required"))?;
    let email = validate::email(payload.email.as_deref().unwrap_or_default()).map_err(|_| GenAuthError::invalid("emailPassCodePayload.email must be an email address"))?;
    let invalid = || GenAuthError::bad_request(api_code::INVALID_CODE, "The verification code is wrong or has expired");
    let now = state.now();
    let token = state.db.tx(|conn| {
        let Some(mut user) = db::find_user_by_email(conn, &email)? else { return Ok(None) };
        let stored = user.recovery_token.clone().unwrap_or_default();
        let fresh = user.recovery_sent_at.is_some_and(|sent| now <= sent + CODE_SECONDS * 1000);
        if stored.starts_with("genauth_code:") && fresh && crypto::secret_eq(&stored, &code_hash(&user.email, payload.pass_code.trim())) {
            let token = crypto::random_secret();
            user.recovery_token = Some(reset_token_hash(&token));
            user.recovery_sent_at = Some(now);
            user.verify_failures = 0;
            db::save_user(conn, &user)?;
            return Ok(Some(token));
        }
        if stored.starts_with("genauth_code:") {
            user.verify_failures = user.verify_failures.saturating_add(1);
            if user.verify_failures >= state.config.verify_max_failures {
                user.recovery_token = None;
                user.verify_failures = 0;
            }
            db::save_user(conn, &user)?;
        }
        Ok(None)
    })?;
    let token = token.ok_or_else(invalid)?;
    Ok(ok(json!({"passwordResetToken": token, "tokenExpiresIn": RESET_TOKEN_SECONDS})))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ResetParams {
    password: String,
    password_reset_token: String,
    password_encrypt_type: Option<String>,
}

/// A password the policy refuses leaves the token usable; a good one spends it and ends every
/// session of the user (inferred: the docs do not say).
async fn reset_password(State(state): State<AppState>, body: Bytes) -> GenAuthResult<Json<Value>> {
    let p: ResetParams = json_body(&body)?;
    let password = super::account::decrypt(&state, p.password_encrypt_type, p.password).await?;
    let invalid = || GenAuthError::bad_request(api_code::INVALID_CODE, "The password reset token is invalid or has expired");
    let now = state.now();
    let user = state.db.tx(|conn| db::find_user_by_token(conn, TokenColumn::Recovery, &reset_token_hash(p.password_reset_token.trim())))?;
    let user = user.filter(|u| u.recovery_sent_at.is_some_and(|sent| now <= sent + RESET_TOKEN_SECONDS * 1000)).ok_or_else(invalid)?;
    password::check_strength(&state.config, &password)?;
    let hash = password::hash(password, state.config.bcrypt_cost).await?;
    let spent = state.db.tx(|conn| {
        // Read again: the token may have been spent while the hash was computed.
        let Some(mut user) = db::find_user_by_id(conn, &user.id)?.filter(|u| u.recovery_token.as_deref() == Some(&*reset_token_hash(p.password_reset_token.trim()))) else {
            return Ok(false);
        };
        user.set_password(hash);
        user.recovery_token = None;
        user.updated_at = now;
        db::save_user(conn, &user)?;
        db::delete_sessions(conn, &user.id, None)?;
        Ok(true)
    })?;
    if !spent {
        return Err(invalid());
    }
    Ok(ok(json!({"success": true})))
}
