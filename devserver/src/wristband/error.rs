//! Wristband's error bodies: `{type: "base_error", code, message, ticket}` and
//! `{type: "constraint_violations_error", code: "message_body_constraint_violations", message,
//! ticket, violations: {"<field>": [{code}]}}` (confirmed shapes); the OAuth2 endpoints answer
//! `{error, error_description}`. Every error carries a fresh `ticket`, as Wristband's do. The
//! violation codes other than `invalid_email_auth_code` are the stand-in's (Wristband documents
//! the shape, not the list).

use axum::{
    http::StatusCode,
    response::{IntoResponse, Response},
    Json,
};
use serde_json::json;

use crate::error::{ApiError, ErrorKind};

#[derive(Debug)]
pub enum WristbandError {
    Base { status: u16, code: &'static str, message: String },
    Violation { field: &'static str, code: &'static str },
    OAuth { status: u16, error: &'static str, description: &'static str },
}

pub type WristbandResult<T> = Result<T, WristbandError>;

impl WristbandError {
    pub fn base(status: u16, code: &'static str, message: impl Into<String>) -> Self {
        WristbandError::Base { status, code, message: message.into() }
    }
    pub fn violation(field: &'static str, code: &'static str) -> Self {
        WristbandError::Violation { field, code }
    }
    pub fn oauth(status: u16, error: &'static str, description: &'static str) -> Self {
        WristbandError::OAuth { status, error, description }
    }
}

/// The shared storage and password code speaks GoTrue's errors; here they become Wristband's.
/// A weak password is reported on `password`: handlers that call it something else rename it.
impl From<ApiError> for WristbandError {
    fn from(e: ApiError) -> Self {
        match (&e.kind, e.status) {
            (ErrorKind::WeakPassword { reasons, .. }, _) => {
                let code = if reasons.contains(&"length") { "password_too_short" } else { "password_missing_required_characters" };
                WristbandError::violation("password", code)
            }
            // The 72-byte limit.
            (ErrorKind::Http { code: "validation_failed", .. }, _) => WristbandError::violation("password", "password_too_long"),
            (_, StatusCode::TOO_MANY_REQUESTS) => WristbandError::base(429, "too_many_requests", e.message().to_string()),
            (_, status) if status.is_server_error() => WristbandError::base(500, "internal_error", "Internal server error"),
            _ => WristbandError::base(400, "bad_request", e.message().to_string()),
        }
    }
}

impl WristbandError {
    /// The same violation under the field name this endpoint uses (`newPassword`).
    pub fn on_field(self, field: &'static str) -> Self {
        match self {
            WristbandError::Violation { code, .. } => WristbandError::Violation { field, code },
            other => other,
        }
    }
}

impl IntoResponse for WristbandError {
    fn into_response(self) -> Response {
        let ticket = uuid::Uuid::new_v4().simple().to_string();
        match self {
            WristbandError::Base { status, code, message } => {
                let status = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST);
                (status, Json(json!({"type": "base_error", "code": code, "message": message, "ticket": ticket}))).into_response()
            }
            WristbandError::Violation { field, code } => {
                let body = json!({
                    "type": "constraint_violations_error",
                    "code": "message_body_constraint_violations",
                    "message": "Field violations were detected in the request body",
                    "ticket": ticket,
                    "violations": {field: [{"code": code}]},
                });
                (StatusCode::BAD_REQUEST, Json(body)).into_response()
            }
            WristbandError::OAuth { status, error, description } => {
                let status = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST);
                (status, Json(json!({"error": error, "error_description": description}))).into_response()
            }
        }
    }
}
