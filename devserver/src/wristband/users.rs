//! `POST /api/v1/change-password` with the user's access token: `{userId, currentPassword,
//! newPassword}` (confirmed). The current password is checked, the token must be the user's own,
//! and the change revokes every session and refresh token of the user, the caller's too
//! (docs.wristband.dev, Change Password: confirmed).

use axum::{body::Bytes, extract::State, http::StatusCode, routing::post, Router};
use serde::Deserialize;

use super::error::{WristbandError, WristbandResult};
use super::reset::password_updated;
use super::{json_body, Caller};
use crate::db;
use crate::password;
use crate::ratelimit::Client;
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

async fn change_password(State(state): State<AppState>, client: Client, caller: Caller, body: Bytes) -> WristbandResult<StatusCode> {
    let p: ChangeParams = json_body(&body)?;
    let Caller { mut user } = caller;
    if p.user_id != user.id {
        return Err(WristbandError::base(403, "forbidden", "The token does not allow changing this user's password"));
    }
    if !password::check_current(&state, &client, &user, p.current_password).await? {
        return Err(WristbandError::violation("currentPassword", "invalid_password"));
    }
    let now = state.now();
    // Every session and refresh token of the user ends, this one too (Wristband's API reference,
    // Change Password).
    password::change(&state, &mut user, None, p.new_password, |conn, user| db::insert_mail(conn, &password_updated(&user.email, now)))
        .await
        // The policy's refusal names this endpoint's field.
        .map_err(|e| WristbandError::from(e).on_field("newPassword"))?;
    Ok(StatusCode::NO_CONTENT)
}
