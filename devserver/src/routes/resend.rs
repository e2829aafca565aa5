//! `POST /resend` (GoTrue `internal/api/resend.go`): sends the sign-up confirmation or the
//! email-change mail again. Unknown addresses, confirmed sign-ups and users without a pending
//! email change all get `200 {}` and no mail, so the answer tells nothing.

use axum::{extract::State, http::HeaderMap, routing::post, Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::db::{self, FlowState};
use crate::error::{ApiError, ApiResult};
use crate::extract::JsonBody;
use crate::mail::{self, Flow, MailKind};
use crate::state::AppState;
use crate::{redirect, validate};

pub fn router() -> Router<AppState> {
    Router::new().route("/resend", post(resend_create))
}

#[derive(Deserialize)]
struct ResendParams {
    #[serde(default, rename = "type")]
    kind: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    code_challenge: String,
    #[serde(default)]
    code_challenge_method: String,
}

async fn resend_create(State(state): State<AppState>, headers: HeaderMap, JsonBody(p): JsonBody<ResendParams>) -> ApiResult<Json<Value>> {
    // GoTrue's `Validate`, in its order.
    let pkce = match p.kind.as_str() {
        "signup" | "email_change" => validate::pkce_params(&p.code_challenge_method, &p.code_challenge)?,
        "sms" | "phone_change" => None,
        _ => return Err(ApiError::validation("Missing one of these types: signup, email_change, sms, phone_change")),
    };
    if p.email.is_empty() && p.kind == "signup" {
        return Err(ApiError::validation("Type provided requires an email address"));
    }
    if p.phone.is_empty() && p.kind == "sms" {
        return Err(ApiError::validation("Type provided requires a phone number"));
    }
    if !p.email.is_empty() && !p.phone.is_empty() {
        return Err(ApiError::validation("Only an email address or phone number should be provided."));
    }
    if !p.phone.is_empty() {
        return Err(ApiError::bad_request("phone_provider_disabled", "Phone logins are disabled"));
    }
    if p.email.is_empty() {
        return Err(ApiError::validation("Missing email address or phone number"));
    }
    let email = validate::email(&p.email)?;
    let redirect_to = redirect::choose(&state.config, &headers, None);
    state.db.tx(|conn| {
        let Some(mut user) = db::find_user_by_email(conn, &email)? else { return Ok(()) };
        let flow = if pkce.is_some() { Flow::Pkce } else { Flow::Implicit };
        match p.kind.as_str() {
            "signup" if !user.is_confirmed() => {
                if let Some((method, challenge)) = &pkce {
                    db::insert_flow_state(conn, &FlowState::new(&user.id, challenge, method, "email/signup", state.now()))?;
                }
                mail::check_send_limits(conn, &state, &user, MailKind::Signup)?;
                mail::send(conn, &state, &mut user, MailKind::Signup, flow, &redirect_to)?;
            }
            "email_change" if user.email_change.is_some() => {
                if let Some((method, challenge)) = &pkce {
                    db::insert_flow_state(conn, &FlowState::new(&user.id, challenge, method, "email_change", state.now()))?;
                }
                mail::check_send_limits(conn, &state, &user, MailKind::EmailChangeNew)?;
                mail::send(conn, &state, &mut user, MailKind::EmailChangeNew, flow, &redirect_to)?;
                if state.config.secure_email_change_enabled {
                    mail::send(conn, &state, &mut user, MailKind::EmailChangeCurrent, flow, &redirect_to)?;
                }
            }
            // Confirmed already, no change pending, or a phone type (no phone users here).
            _ => {}
        }
        Ok(())
    })?;
    Ok(Json(json!({})))
}
