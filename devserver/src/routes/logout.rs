//! `POST /logout?scope=global|local|others` (docs/protocol/gotrue.md §5.11).

use axum::{extract::State, http::StatusCode, routing::post, Router};
use serde::Deserialize;

use crate::db;
use crate::error::{ApiError, ApiResult};
use crate::extract::{AuthUser, Query};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/logout", post(logout_create))
}

#[derive(Deserialize)]
struct LogoutQuery {
    #[serde(default)]
    scope: String,
}

async fn logout_create(State(state): State<AppState>, caller: AuthUser, Query(q): Query<LogoutQuery>) -> ApiResult<StatusCode> {
    let AuthUser { user, session } = caller;
    state.db.tx(|conn| match q.scope.as_str() {
        "" | "global" => db::delete_sessions(conn, &user.id, None).map(|_| ()),
        "local" => db::delete_session(conn, &session.id),
        "others" => db::delete_sessions(conn, &user.id, Some(&session.id)).map(|_| ()),
        other => Err(ApiError::validation(format!("Unsupported logout scope {other:?}"))),
    })?;
    Ok(StatusCode::NO_CONTENT)
}
