//! `POST /api/v1/password-reset/reset-password`: exactly one credential form — `emailAuthCode`
//! (the verification link), `passwordResetCode` (a generated reset link) or `requestCode` with
//! `verificationCode` (the one-time code) — and the new password. A password the policy refuses
//! leaves the credential usable; a good one spends it, revokes every session and refresh token of
//! the user (confirmed) and sends the "password updated" email unless
//! `skipPasswordUpdatedEmail` (the field's name is inferred). A wrong one-time code counts against
//! its request: after `AUTH_DEVSERVER_VERIFY_MAX_FAILURES` it is void.

use axum::{body::Bytes, extract::State, http::StatusCode, routing::post, Router};
use serde::Deserialize;

use super::error::{WristbandError, WristbandResult};
use super::{json_body, stored, CODE_SECONDS, EMAIL_AUTH_CODE, LINK_SECONDS, PASSWORD_RESET_CODE, REQUEST_CODE};
use crate::db::{self, Mail, TokenColumn, User};
use crate::ratelimit::{guarded, Client, Guess};
use crate::state::AppState;
use crate::{crypto, password};

pub fn router() -> Router<AppState> {
    Router::new().route("/api/v1/password-reset/reset-password", post(reset_password))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ResetParams {
    email_auth_code: Option<String>,
    password_reset_code: Option<String>,
    request_code: Option<String>,
    verification_code: Option<String>,
    password: Option<String>,
    #[serde(default)]
    skip_password_updated_email: bool,
}

/// A one-time code's stored value: the request's part, then the code's.
pub fn stored_code(request_code: &str, code: &str) -> String {
    format!("{}.{}", stored(REQUEST_CODE, request_code), crypto::token_hash("", code))
}

/// Which credential the body carries, and the user it belongs to while it is good.
enum Form {
    Link(String),
    ResetLink(String),
    Code { request: String, code: String },
}

fn form(p: &ResetParams) -> WristbandResult<Form> {
    let given = |v: &Option<String>| v.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_string);
    match (given(&p.email_auth_code), given(&p.password_reset_code), given(&p.request_code), given(&p.verification_code)) {
        (Some(code), None, None, None) => Ok(Form::Link(code)),
        (None, Some(code), None, None) => Ok(Form::ResetLink(code)),
        (None, None, Some(request), Some(code)) => Ok(Form::Code { request, code }),
        (None, None, Some(_), None) => Err(WristbandError::violation("verificationCode", "required")),
        (None, None, None, Some(_)) => Err(WristbandError::violation("requestCode", "required")),
        (None, None, None, None) => Err(WristbandError::violation("emailAuthCode", "required")),
        _ => Err(WristbandError::base(400, "invalid_request_body", "Exactly one of emailAuthCode, passwordResetCode or requestCode with verificationCode is allowed")),
    }
}

/// The user the credential is good for now, and the value to find it by again.
fn holder(state: &AppState, form: &Form) -> WristbandResult<(User, String)> {
    let now = state.now();
    let fresh = |user: &User, seconds: i64| user.recovery_sent_at.is_some_and(|sent| now <= sent + seconds * 1000);
    match form {
        Form::Link(code) | Form::ResetLink(code) => {
            let (prefix, field, violation) = match form {
                Form::Link(_) => (EMAIL_AUTH_CODE, "emailAuthCode", "invalid_email_auth_code"),
                _ => (PASSWORD_RESET_CODE, "passwordResetCode", "invalid_password_reset_code"),
            };
            let value = stored(prefix, code);
            let user = state.db.tx(|conn| db::find_user_by_token(conn, TokenColumn::Recovery, &value))?;
            user.filter(|u| fresh(u, LINK_SECONDS)).map(|u| (u, value)).ok_or_else(|| WristbandError::violation(field, violation))
        }
        Form::Code { request, code } => {
            let wrong = || WristbandError::violation("verificationCode", "invalid_verification_code");
            let value = stored_code(request, code);
            let request_part = format!("{}.", stored(REQUEST_CODE, request));
            state.db.tx(|conn| {
                let Some(mut user) = db::find_user_by_token_prefix(conn, TokenColumn::Recovery, &request_part)? else {
                    return Ok(Err(WristbandError::violation("requestCode", "invalid_request_code")));
                };
                if !fresh(&user, CODE_SECONDS) {
                    return Ok(Err(WristbandError::violation("requestCode", "expired_request_code")));
                }
                if crypto::secret_eq(user.recovery_token.as_deref().unwrap_or_default(), &value) {
                    return Ok(Ok((user, value)));
                }
                user.verify_failures = user.verify_failures.saturating_add(1);
                if user.verify_failures >= state.config.verify_max_failures {
                    user.recovery_token = None;
                    user.verify_failures = 0;
                }
                db::save_user(conn, &user)?;
                Ok(Err(wrong()))
            })?
        }
    }
}

/// A credential that is wrong, used or expired: what a guesser gets.
fn wrong_guess(e: &WristbandError) -> bool {
    matches!(e, WristbandError::Violation { code, .. } if code.starts_with("invalid_") && *code != "invalid_password" || code.starts_with("expired_"))
}

async fn reset_password(State(state): State<AppState>, client: Client, body: Bytes) -> WristbandResult<StatusCode> {
    guarded(&state, Guess::Verify, &client, None, wrong_guess, reset_password_checked(&state, body)).await
}

async fn reset_password_checked(state: &AppState, body: Bytes) -> WristbandResult<StatusCode> {
    let p: ResetParams = json_body(&body)?;
    let form = form(&p)?;
    let new_password = p.password.clone().filter(|p| !p.is_empty()).ok_or_else(|| WristbandError::violation("password", "required"))?;
    let (user, value) = holder(state, &form)?;
    password::check_strength(&state.config, &new_password)?;
    let hash = password::hash(new_password, state.config.bcrypt_cost).await?;
    let now = state.now();
    let spent = state.db.tx(|conn| {
        // Read again: the credential may have been spent while the hash was computed.
        let Some(mut user) = db::find_user_by_id(conn, &user.id)?.filter(|u| u.recovery_token.as_deref() == Some(&*value)) else { return Ok(false) };
        user.set_password(hash);
        user.recovery_token = None;
        user.verify_failures = 0;
        user.updated_at = now;
        db::save_user(conn, &user)?;
        // Revokes every session and, with them, their refresh tokens.
        db::delete_sessions(conn, &user.id, None)?;
        if !p.skip_password_updated_email {
            db::insert_mail(conn, &password_updated(&user.email, now))?;
        }
        Ok(true)
    })?;
    if !spent {
        return Err(WristbandError::violation("emailAuthCode", "invalid_email_auth_code"));
    }
    Ok(StatusCode::NO_CONTENT)
}

/// The "password updated" notice Wristband sends as a security measure.
pub fn password_updated(to: &str, now: i64) -> Mail {
    Mail {
        to: to.to_string(),
        subject: "Your password was updated".into(),
        kind: "wristband_password_updated".into(),
        token: None,
        token_hash: None,
        link: None,
        text: "The password of your account was just changed. If this was not you, contact support.\n".into(),
        sent_at: now,
    }
}
