//! `POST /otp` (docs/protocol/gotrue.md §5.4), email only: a magic-link email with a code for
//! confirmed users (it takes the recovery token slot and interval), a sign-up for unknown ones
//! unless `create_user` is false.

use axum::{extract::State, http::HeaderMap, routing::post, Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use super::recover::RedirectQuery;
use crate::db::{self, FlowState, User};
use crate::error::{ApiError, ApiResult};
use crate::extract::{JsonBody, Query};
use crate::mail::{self, Flow, MailKind};
use crate::state::AppState;
use crate::{redirect, validate};

pub fn router() -> Router<AppState> {
    Router::new().route("/otp", post(otp_create))
}

fn yes() -> bool {
    true
}

#[derive(Deserialize)]
struct OtpParams {
    #[serde(default)]
    email: String,
    #[serde(default)]
    phone: String,
    #[serde(default = "yes")]
    create_user: bool,
    #[serde(default)]
    data: Option<Value>,
    #[serde(default)]
    code_challenge: String,
    #[serde(default)]
    code_challenge_method: String,
}

async fn otp_create(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<RedirectQuery>,
    JsonBody(p): JsonBody<OtpParams>,
) -> ApiResult<Json<Value>> {
    if !p.email.is_empty() && !p.phone.is_empty() {
        return Err(ApiError::validation("Only an email address or phone number should be provided"));
    }
    if !p.phone.is_empty() {
        return Err(ApiError::bad_request("phone_provider_disabled", "Unsupported phone provider"));
    }
    if p.email.is_empty() {
        return Err(ApiError::validation("One of email or phone must be set"));
    }
    let email = validate::email(&p.email)?;
    let pkce = validate::pkce_params(&p.code_challenge_method, &p.code_challenge)?;
    let redirect_to = redirect::choose(&state.config, &headers, q.redirect_to.as_deref());
    let config = state.config.clone();
    state.db.tx(|conn| {
        let now = state.now();
        let mut user = match db::find_user_by_email(conn, &email)? {
            Some(user) => user,
            None if !p.create_user => return Err(ApiError::unprocessable("otp_disabled", "Signups not allowed for otp")),
            None if config.disable_signup => {
                return Err(ApiError::unprocessable("signup_disabled", "Signups not allowed for this instance"))
            }
            None => {
                let mut user = User::new(&email, &config.jwt_aud, None, p.data.clone().unwrap_or_else(|| json!({})), now);
                if config.mailer_autoconfirm {
                    user.email_confirmed_at = Some(now);
                }
                db::insert_user(conn, &user)?;
                user
            }
        };
        let kind = if user.is_confirmed() { MailKind::MagicLink } else { MailKind::Signup };
        mail::check_send_limits(conn, &state, &user, kind)?;
        let flow = match &pkce {
            Some((method, challenge)) if kind == MailKind::MagicLink => {
                db::insert_flow_state(conn, &FlowState::new(&user.id, challenge, method, "magiclink", state.now()))?;
                Flow::Pkce
            }
            _ => Flow::Implicit,
        };
        mail::send(conn, &state, &mut user, kind, flow, &redirect_to)?;
        Ok(())
    })?;
    Ok(Json(json!({})))
}
