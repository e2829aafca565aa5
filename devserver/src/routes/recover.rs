//! `POST /recover` (docs/protocol/gotrue.md §5.1): the same 200 `{}` for known and unknown
//! emails; a known user gets the recovery email (code + link) unless one was sent within
//! `GOTRUE_SMTP_MAX_FREQUENCY`.

use axum::{extract::State, http::HeaderMap, routing::post, Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::db::{self, FlowState};
use crate::error::{ApiError, ApiResult};
use crate::extract::{JsonBody, Query};
use crate::mail::{self, Flow, MailKind};
use crate::state::AppState;
use crate::{redirect, validate};

pub fn router() -> Router<AppState> {
    Router::new().route("/recover", post(recover_create))
}

#[derive(Deserialize)]
pub struct RedirectQuery {
    pub redirect_to: Option<String>,
}

#[derive(Deserialize)]
struct RecoverParams {
    #[serde(default)]
    email: String,
    #[serde(default)]
    code_challenge: String,
    #[serde(default)]
    code_challenge_method: String,
}

async fn recover_create(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<RedirectQuery>,
    JsonBody(p): JsonBody<RecoverParams>,
) -> ApiResult<Json<Value>> {
    if p.email.is_empty() {
        return Err(ApiError::validation("Password recovery requires an email"));
    }
    let email = validate::email(&p.email)?;
    let pkce = validate::pkce_params(&p.code_challenge_method, &p.code_challenge)?;
    let redirect_to = redirect::choose(&state.config, &headers, q.redirect_to.as_deref());
    state.db.tx(|conn| {
        let Some(mut user) = db::find_user_by_email(conn, &email)? else {
            return Ok(());
        };
        mail::check_send_limits(conn, &state, &user, MailKind::Recovery)?;
        let flow = match &pkce {
            Some((method, challenge)) => {
                if !matches!(method.as_str(), "s256" | "plain") {
                    // GoTrue fails this only for existing users, with a generic 500 (docs/protocol/gotrue.md §5.1).
                    return Err(ApiError::internal(format!("unsupported code challenge method {method:?}")));
                }
                db::insert_flow_state(conn, &FlowState::new(&user.id, challenge, method, "recovery", state.now()))?;
                Flow::Pkce
            }
            None => Flow::Implicit,
        };
        mail::send(conn, &state, &mut user, MailKind::Recovery, flow, &redirect_to)?;
        Ok(())
    })?;
    Ok(Json(json!({})))
}
