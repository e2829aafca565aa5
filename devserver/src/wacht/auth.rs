//! `POST /auth/signin` (`plain_email` strategy), `POST /auth/forgot-password` (with the email:
//! a 6-digit code is emailed, one a minute, good for 10 minutes; with the email and `otp`: a reset
//! token, good for 10 minutes), `POST /auth/reset-password` (`token`, `password`: answers a
//! signed-in session). Field names are the SDK's (confirmed); lifetimes and the one-a-minute limit
//! are the stand-in's. The code and then the token are kept hashed in the user's recovery column,
//! one outstanding at a time.

use axum::{extract::State, response::Response, routing::post, Router};
use serde_json::json;

use super::devsession::{issue, reply, Visitor};
use super::error::{WachtError, WachtResult};
use super::{ok, session_dto, Form};
use crate::db::{self, Mail};
use crate::emailed_code::Policy;
use crate::ratelimit::{guarded, Client, Guess};
use crate::state::AppState;
use crate::{password, validate};

const CODES: Policy = Policy { code_prefix: "wacht_code:", token_prefix: "wacht_reset:", code_seconds: 600, token_seconds: 600, resend_seconds: 60 };

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/auth/signin", post(sign_in))
        .route("/auth/forgot-password", post(forgot_password))
        .route("/auth/reset-password", post(reset_password))
}

fn email_field(form: &Form) -> WachtResult<String> {
    validate::email(form.required("email")?).map_err(|_| WachtError::frontend(400, Some("BAD_REQUEST_BODY"), "email must be an email address"))
}

async fn sign_in(State(state): State<AppState>, client: Client, visitor: Visitor, form: Form) -> WachtResult<Response> {
    let wrong = |e: &WachtError| e.code() == Some("INVALID_CREDENTIALS");
    let email = form.get("email").unwrap_or_default().to_string();
    guarded(&state, Guess::SignIn, &client, Some(&email), wrong, sign_in_checked(&state, &visitor, form)).await
}

/// A wrong code or reset token: what a guesser gets.
fn wrong_guess(e: &WachtError) -> bool {
    e.code() == Some("INVALID_CODE")
}

async fn sign_in_checked(state: &AppState, visitor: &Visitor, form: Form) -> WachtResult<Response> {
    if form.required("strategy")? != "plain_email" {
        return Err(WachtError::frontend(400, Some("BAD_REQUEST_BODY"), "The stand-in signs in with the plain_email strategy only"));
    }
    let email = email_field(&form)?;
    let given = form.required("password")?.to_string();
    let user = state.db.tx(|conn| db::find_user_by_email(conn, &email))?;
    // The same bcrypt work whether or not the account exists.
    let matches = password::verify(given, user.as_ref().and_then(|u| u.encrypted_password.clone()), state.config.bcrypt_cost).await?;
    let Some(mut user) = user.filter(|_| matches) else {
        return Err(WachtError::frontend(400, Some("INVALID_CREDENTIALS"), "Incorrect password. Please try again."));
    };
    let (dto, token) = state.db.tx(|conn| {
        let (session, token) = issue(conn, state, &mut user, &visitor.bsid)?;
        Ok((session_dto(conn, Some((&user, &session)), &visitor.bsid)?, token))
    })?;
    Ok(reply(ok(dto), Some(token)))
}

/// With the email: the code is emailed (the same answer for unknown addresses). With the email
/// and `otp`: the reset token.
async fn forgot_password(State(state): State<AppState>, client: Client, form: Form) -> WachtResult<Response> {
    let email = email_field(&form)?;
    if let Some(otp) = form.get("otp") {
        let exchange = async { CODES.exchange(&state, &email, otp)?.ok_or_else(WachtError::invalid_code) };
        let token = guarded(&state, Guess::Verify, &client, None, wrong_guess, exchange).await?;
        return Ok(reply(ok(json!({ "token": token })), None));
    }
    let now = state.now();
    let wait = CODES.send(&state, &email, |user, code| Mail {
        to: user.email.clone(),
        subject: "Reset your password".into(),
        kind: "wacht_reset_code".into(),
        token: Some(code.to_string()),
        token_hash: None,
        link: None,
        text: format!("Your password reset code is {code}. It expires in 10 minutes.\n"),
        sent_at: now,
    })?;
    if let Some(left) = wait {
        return Err(WachtError::rate_limited(left));
    }
    Ok(reply(ok(json!({})), None))
}

/// A password the policy refuses leaves the token usable; a good one spends it, ends every
/// session of the user (inferred) and answers a new, signed-in one.
async fn reset_password(State(state): State<AppState>, client: Client, visitor: Visitor, form: Form) -> WachtResult<Response> {
    guarded(&state, Guess::Verify, &client, None, wrong_guess, reset_password_checked(&state, &visitor, form)).await
}

/// Signs the user in on the browser session that sent it (as Wacht does).
async fn reset_password_checked(state: &AppState, visitor: &Visitor, form: Form) -> WachtResult<Response> {
    let token = form.required("token")?.to_string();
    let new_password = form.required("password")?.to_string();
    let user = CODES.holder(state, &token)?.ok_or_else(WachtError::invalid_code)?;
    let spent = CODES
        .spend(state, &user, &token, new_password, |conn, user| {
            let (session, token) = issue(conn, state, user, &visitor.bsid)?;
            Ok((session_dto(conn, Some((user, &session)), &visitor.bsid)?, token))
        })
        .await?;
    let (dto, token) = spent.ok_or_else(WachtError::invalid_code)?;
    Ok(reply(ok(dto), Some(token)))
}
