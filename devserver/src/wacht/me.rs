//! `GET /me` (the signed-in user) and `POST /me/update-password` (`current_password`,
//! `new_password`; confirmed): the current password is checked; the change keeps this session
//! and ends the user's others (inferred).

use axum::{extract::State, response::Response, routing::{get, post}, Router};
use serde_json::json;

use super::devsession::{reply, Visitor};
use super::error::{WachtError, WachtResult};
use super::{current_user, ok, Form};
use crate::password;
use crate::ratelimit::Client;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/me", get(me)).route("/me/update-password", post(update_password))
}

async fn me(State(state): State<AppState>, visitor: Visitor) -> WachtResult<Response> {
    let (user, _) = visitor.require()?;
    let dto = state.db.tx(|conn| current_user(conn, &user))?;
    Ok(reply(ok(dto), None))
}

async fn update_password(State(state): State<AppState>, client: Client, visitor: Visitor, form: Form) -> WachtResult<Response> {
    let (mut user, session) = visitor.require()?;
    let current = form.required("current_password")?.to_string();
    let new_password = form.required("new_password")?.to_string();
    if !password::check_current(&state, &client, &user, current).await? {
        return Err(WachtError::frontend(400, Some("INVALID_CREDENTIALS"), "Incorrect password. Please try again."));
    }
    password::change(&state, &mut user, Some(&session), new_password, |_, _| Ok(())).await?;
    Ok(reply(ok(json!({})), None))
}
