//! `POST /invite` (GoTrue `internal/api/invite.go`), admin only: creates the user (no password,
//! an email identity, `invited_at`) unless it exists unconfirmed, and mails the invite link.

use axum::{extract::State, http::HeaderMap, routing::post, Json, Router};
use serde::Deserialize;
use serde_json::{json, Map, Value};

use crate::db::{self, User};
use crate::error::{ApiError, ApiResult};
use crate::extract::{Admin, JsonBody};
use crate::mail::{self, Flow, MailKind};
use crate::state::AppState;
use crate::{redirect, validate};

pub fn router() -> Router<AppState> {
    Router::new().route("/invite", post(invite_create)).route_layer(axum::middleware::from_fn(crate::guard::server_only))
}

#[derive(Deserialize)]
struct InviteParams {
    #[serde(default)]
    email: String,
    data: Option<Map<String, Value>>,
}

async fn invite_create(_: Admin, State(state): State<AppState>, headers: HeaderMap, JsonBody(p): JsonBody<InviteParams>) -> ApiResult<Json<Value>> {
    let email = validate::email(&p.email)?;
    let redirect_to = redirect::choose(&state.config, &headers, None);
    let user = state.db.tx(|conn| {
        let mut user = match db::find_user_by_email(conn, &email)? {
            Some(user) if user.is_confirmed() => {
                return Err(ApiError::unprocessable("email_exists", "A user with this email address has already been registered"))
            }
            Some(user) => user,
            None => {
                let data = p.data.clone().map_or_else(|| json!({}), Value::Object);
                let user = User::new(&email, &state.config.jwt_aud, None, data, state.now());
                db::insert_user(conn, &user)?;
                user
            }
        };
        // No per-user interval for invites (GoTrue's sendInvite), only the hourly budget.
        mail::check_budget(conn, &state)?;
        mail::send(conn, &state, &mut user, MailKind::Invite, Flow::Implicit, &redirect_to)?;
        Ok(user)
    })?;
    Ok(Json(user.to_json()))
}
