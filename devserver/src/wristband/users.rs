//! `POST /api/v1/change-password` with the user's access token: `{userId, currentPassword,
//! newPassword}` (confirmed). The current password is checked, the token must be the user's own,
//! and the change keeps this session and ends the user's others (inferred).

use axum::{body::Bytes, extract::State, http::StatusCode, routing::post, Router};
use serde::Deserialize;

use super::error::{WristbandError, WristbandResult};
use super::reset::password_updated;
use super::{json_body, Caller};
use crate::db;
use crate::password;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/api/v1/change-password", post(change_password))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ChangeParams {
    user_id: String,
    current_password: String,
    new_password: String,
}

async fn change_password(State(state): State<AppState>, caller: Caller, body: Bytes) -> WristbandResult<StatusCode> {
    let p: ChangeParams = json_body(&body)?;
    let Caller { mut user, session } = caller;
    if p.user_id != user.id {
        return Err(WristbandError::base(403, "forbidden", "The token does not allow changing this user's password"));
    }
    if !password::verify(p.current_password, user.encrypted_password.clone(), state.config.bcrypt_cost).await? {
        return Err(WristbandError::violation("currentPassword", "invalid_password"));
    }
    let now = state.now();
    password::change(&state, &mut user, &session, p.new_password, |conn, user| db::insert_mail(conn, &password_updated(&user.email, now)))
        .await
        // The policy's refusal names this endpoint's field.
        .map_err(|e| WristbandError::from(e).on_field("newPassword"))?;
    Ok(StatusCode::NO_CONTENT)
}
