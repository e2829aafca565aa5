//! `GET /api/v3/system`: the public keys passwords are encrypted with. Unlike the other V3
//! endpoints its answer is not wrapped in CommonResponseDto (the SDKs' SystemInfoResp type).

use axum::{extract::State, routing::get, Json, Router};
use serde_json::{json, Value};

use super::error::GenAuthResult;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/api/v3/system", get(system_info))
}

async fn system_info(State(state): State<AppState>) -> GenAuthResult<Json<Value>> {
    let keys = state.genauth_keys.clone();
    // Key generation takes a moment the first time: off the async workers.
    let (rsa, sm2) = tokio::task::spawn_blocking(move || keys.public())
        .await
        .map_err(|_| super::error::GenAuthError::new(500, None, "Internal server error"))??;
    Ok(Json(json!({
        "rsa": {"publicKey": rsa},
        "sm2": {"publicKey": sm2},
        "version": {"server": "auth-devserver GenAuth stand-in", "docker": null},
        "publicIps": [],
    })))
}
