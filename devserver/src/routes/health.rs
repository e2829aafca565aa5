//! `GET /health` and `GET /settings` (docs/protocol/gotrue.md §5.16).

use axum::{extract::State, routing::get, Json, Router};
use serde_json::{json, Value};

use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/health", get(health_show)).route("/settings", get(settings_show))
}

async fn health_show() -> Json<Value> {
    Json(json!({
        "version": concat!("auth-devserver-", env!("CARGO_PKG_VERSION")),
        "name": "GoTrue",
        "description": "GoTrue is a user registration and authentication API",
    }))
}

async fn settings_show(State(state): State<AppState>) -> Json<Value> {
    Json(json!({
        "external": {"anonymous_users": false, "email": true, "phone": false},
        "disable_signup": state.config.disable_signup,
        "mailer_autoconfirm": state.config.mailer_autoconfirm,
        "phone_autoconfirm": false,
        "sms_provider": "",
        "saml_enabled": false,
        "saml_private_key_next_configured": false,
        "passkeys_enabled": false,
    }))
}
