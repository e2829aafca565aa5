//! Wacht's error bodies. The frontend API answers `{status, message, data, errors: [{code,
//! message}]}` with codes such as `INVALID_CREDENTIALS` and `INVALID_CODE` (confirmed from its
//! source), and a password its policy refuses as a 400 with a message and no code (as its
//! sign-up does). The backend API answers `{errors: [{message, code: <HTTP status>}]}` and a
//! refused password as "Validation failed: password: …" (confirmed).

use axum::{
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use serde_json::json;

use crate::error::{ApiError, ErrorKind};

#[derive(Debug)]
pub enum WachtError {
    /// Frontend API: a status, a code (if any) and a message.
    Frontend { status: u16, code: Option<&'static str>, message: String, retry_after: Option<i64> },
    /// Backend API: `{errors: [{message, code: status}]}`.
    Backend { status: u16, message: String },
}

pub type WachtResult<T> = Result<T, WachtError>;

impl WachtError {
    pub fn frontend(status: u16, code: Option<&'static str>, message: impl Into<String>) -> Self {
        WachtError::Frontend { status, code, message: message.into(), retry_after: None }
    }
    pub fn bad_body() -> Self {
        Self::frontend(400, Some("BAD_REQUEST_BODY"), "Unable to process request body. Please check the format.")
    }
    pub fn required(field: &str) -> Self {
        Self::frontend(400, Some("REQUIRED_FIELD"), format!("{field} is required"))
    }
    pub fn invalid_code() -> Self {
        Self::frontend(400, Some("INVALID_CODE"), "The provided code is invalid.")
    }
    pub fn invalid_session() -> Self {
        Self::frontend(401, None, "Invalid session")
    }
    pub fn backend(status: u16, message: impl Into<String>) -> Self {
        WachtError::Backend { status, message: message.into() }
    }
    /// The frontend API's error code, if any.
    pub fn code(&self) -> Option<&'static str> {
        match self {
            WachtError::Frontend { code, .. } => *code,
            WachtError::Backend { .. } => None,
        }
    }
}

/// The shared storage and password code speaks GoTrue's errors; here they become Wacht's
/// frontend API's (the backend API's handler converts its own).
impl From<ApiError> for WachtError {
    fn from(e: ApiError) -> Self {
        match (&e.kind, e.status) {
            (ErrorKind::WeakPassword { msg, .. }, _) => WachtError::frontend(400, None, msg.clone()),
            (_, StatusCode::TOO_MANY_REQUESTS) => WachtError::Frontend { status: 429, code: Some("RATE_LIMITED"), message: e.message().to_string(), retry_after: None },
            (_, status) if status.is_server_error() => WachtError::frontend(500, Some("INTERNAL"), "An internal server error occurred. Please try again later."),
            (_, status) => WachtError::frontend(status.as_u16(), None, e.message().to_string()),
        }
    }
}

impl IntoResponse for WachtError {
    fn into_response(self) -> Response {
        match self {
            WachtError::Frontend { status, code, message, retry_after } => {
                let status = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST);
                let errors = code.map(|code| json!([{"code": code, "message": message}]));
                let mut response = (status, Json(json!({"status": status.as_u16(), "message": message, "data": null, "errors": errors}))).into_response();
                if let Some(seconds) = retry_after.and_then(|s| HeaderValue::from_str(&s.to_string()).ok()) {
                    response.headers_mut().insert(header::RETRY_AFTER, seconds);
                }
                response
            }
            WachtError::Backend { status, message } => {
                let status = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST);
                (status, Json(json!({"errors": [{"message": message, "code": status.as_u16()}]}))).into_response()
            }
        }
    }
}

impl WachtError {
    /// Too many requests, with how long to wait.
    pub fn rate_limited(seconds: i64) -> Self {
        WachtError::Frontend { status: 429, code: Some("RATE_LIMITED"), message: format!("Too many requests: try again in {seconds} seconds"), retry_after: Some(seconds) }
    }
}
