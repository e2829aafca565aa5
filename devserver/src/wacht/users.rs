//! The backend API's `PATCH /users/{id}/password` (`id`: the user's Wacht id, a 64-bit integer)
//! with `Authorization: Bearer <API key>` and a
//! JSON `{new_password, skip_password_check}` (confirmed): the deployment's policy applies unless
//! skipped ("Validation failed: password: …", 400); every session of the user ends (inferred:
//! GoTrue's admin set does the same); the answer has no value.

use axum::{
    body::Bytes,
    extract::{Path, State},
    http::HeaderMap,
    routing::patch,
    Json, Router,
};
use serde::Deserialize;
use serde_json::{json, Value};

use super::error::{WachtError, WachtResult};
use crate::db;
use crate::state::AppState;
use crate::{crypto, password};

pub fn router() -> Router<AppState> {
    Router::new().route("/users/{user_id}/password", patch(update_password)).route_layer(axum::middleware::from_fn(crate::guard::server_only))
}

#[derive(Deserialize)]
struct UpdatePassword {
    new_password: String,
    #[serde(default)]
    skip_password_check: bool,
}

async fn update_password(State(state): State<AppState>, Path(user_id): Path<String>, headers: HeaderMap, body: Bytes) -> WachtResult<Json<Value>> {
    let presented = headers.get("authorization").and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer ")).unwrap_or_default();
    if !crypto::secret_eq(presented, &super::api_key(&state.config)) {
        return Err(WachtError::backend(401, "Unauthorized"));
    }
    let p: UpdatePassword = serde_json::from_slice(&body).map_err(|_| WachtError::backend(400, "Invalid request body"))?;
    if !p.skip_password_check {
        password::check_strength(&state.config, &p.new_password).map_err(|e| WachtError::backend(400, format!("Validation failed: password: {}", e.message())))?;
    } else if p.new_password.is_empty() || p.new_password.len() > crate::config::MAX_PASSWORD_BYTES {
        return Err(WachtError::backend(400, "Validation failed: password: must be 1 to 72 bytes"));
    }
    let hash = password::hash(p.new_password, state.config.bcrypt_cost).await.map_err(|_| WachtError::backend(500, "Internal server error"))?;
    let found = state.db.tx(|conn| {
        let Some(id) = super::ids::user_id(conn, &user_id)? else { return Ok(false) };
        let Some(mut user) = db::find_user_by_id(conn, &id)? else { return Ok(false) };
        user.set_password(hash);
        user.updated_at = state.now();
        db::save_user(conn, &user)?;
        db::delete_sessions(conn, &user.id, None)?;
        Ok(true)
    });
    match found {
        Ok(true) => Ok(Json(json!({}))),
        Ok(false) => Err(WachtError::backend(404, "User not found")),
        Err(_) => Err(WachtError::backend(500, "Internal server error")),
    }
}
