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
use crate::db::Mail;
use crate::emailed_code::Policy;
use crate::ratelimit::{guarded, Client, Guess};
use crate::state::AppState;
use crate::validate;

/// Pass codes: 5 minutes, one a minute; a `passwordResetToken` lasts 600 s (`tokenExpiresIn`).
const CODES: Policy = Policy { code_prefix: "genauth_code:", token_prefix: "genauth_reset:", code_seconds: 300, token_seconds: 600, resend_seconds: 60 };

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v3/send-email", post(send_email))
        .route("/api/v3/verify-reset-password-request", post(verify_request))
        .route("/api/v3/reset-password", post(reset_password))
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
    let wait = CODES.send(&state, &email, |user, code| Mail {
        to: user.email.clone(),
        subject: "Your password reset code".into(),
        kind: "genauth_reset_password".into(),
        token: Some(code.to_string()),
        token_hash: None,
        link: None,
        text: format!("Your password reset code is {code}. It works once and expires in 5 minutes.\n"),
        sent_at: now,
    })?;
    if let Some(left) = wait {
        return Err(GenAuthError::new(429, None, format!("Sent too often: try again in {left} seconds")));
    }
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

/// A wrong code or reset token: what a guesser gets.
fn wrong_guess(e: &GenAuthError) -> bool {
    e.api_code() == Some(api_code::INVALID_CODE)
}

async fn verify_request(State(state): State<AppState>, client: Client, body: Bytes) -> GenAuthResult<Json<Value>> {
    guarded(&state, Guess::Verify, &client, None, wrong_guess, async { verify_request_checked(&state, body) }).await
}

fn verify_request_checked(state: &AppState, body: Bytes) -> GenAuthResult<Json<Value>> {
    let p: VerifyParams = json_body(&body)?;
    if p.verify_method != "EMAIL_PASSCODE" {
        return Err(GenAuthError::invalid("The stand-in verifies EMAIL_PASSCODE only"));
    }
    let payload = p.email_pass_code_payload.ok_or_else(|| GenAuthError::invalid("emailPassCodePayload is required"))?;
    let email = validate::email(payload.email.as_deref().unwrap_or_default()).map_err(|_| GenAuthError::invalid("emailPassCodePayload.email must be an email address"))?;
    let token = CODES.exchange(state, &email, &payload.pass_code)?;
    let token = token.ok_or_else(|| GenAuthError::bad_request(api_code::INVALID_CODE, "The verification code is wrong or has expired"))?;
    Ok(ok(json!({"passwordResetToken": token, "tokenExpiresIn": CODES.token_seconds})))
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
async fn reset_password(State(state): State<AppState>, client: Client, body: Bytes) -> GenAuthResult<Json<Value>> {
    guarded(&state, Guess::Verify, &client, None, wrong_guess, reset_password_checked(&state, body)).await
}

async fn reset_password_checked(state: &AppState, body: Bytes) -> GenAuthResult<Json<Value>> {
    let p: ResetParams = json_body(&body)?;
    let password = super::account::decrypt(state, p.password_encrypt_type, p.password).await?;
    let invalid = || GenAuthError::bad_request(api_code::INVALID_CODE, "The password reset token is invalid or has expired");
    let user = CODES.holder(state, &p.password_reset_token)?.ok_or_else(invalid)?;
    CODES.spend(state, &user, &p.password_reset_token, password, |_, _| Ok(())).await?.ok_or_else(invalid)?;
    Ok(ok(json!({"success": true})))
}
