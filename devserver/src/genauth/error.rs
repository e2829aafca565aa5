//! GenAuth's error bodies. The V3 API answers HTTP 200 and puts the outcome in the body:
//! `{statusCode, message, apiCode?, requestId}` (CommonResponseDto); only the OIDC endpoints
//! answer OAuth errors with an HTTP status. Which `apiCode` means what is confirmed from the
//! vendor's SDKs and docs for some codes and inferred for others (README, "GenAuth").

use axum::{
    http::StatusCode,
    response::{IntoResponse, Response},
    Json,
};
use serde_json::json;

use crate::error::{ApiError, ErrorKind};

/// `apiCode`s the stand-in answers.
pub mod api_code {
    /// Verification code wrong, used or expired (confirmed for V2; assumed for V3).
    pub const INVALID_CODE: u32 = 2001;
    /// User not found (confirmed).
    pub const USER_NOT_FOUND: u32 = 2004;
    /// Old password wrong (confirmed).
    pub const WRONG_PASSWORD: u32 = 2006;
    /// Not signed in (confirmed).
    pub const NOT_LOGGED_IN: u32 = 2020;
    /// Password too weak (confirmed for V2; assumed for V3).
    pub const WEAK_PASSWORD: u32 = 2029;
    /// Account or password wrong, at sign-in (confirmed).
    pub const WRONG_CREDENTIALS: u32 = 2333;
}

#[derive(Debug)]
pub enum GenAuthError {
    /// A failing CommonResponseDto, served with HTTP 200.
    Body { status_code: u16, api_code: Option<u32>, message: String },
    /// An OIDC endpoint's `{error, error_description}` with HTTP 400.
    OAuth { error: &'static str, description: String },
}

pub type GenAuthResult<T> = Result<T, GenAuthError>;

impl GenAuthError {
    pub fn new(status_code: u16, api_code: Option<u32>, message: impl Into<String>) -> Self {
        GenAuthError::Body { status_code, api_code, message: message.into() }
    }
    pub fn bad_request(api_code: u32, message: impl Into<String>) -> Self {
        Self::new(400, Some(api_code), message)
    }
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new(400, None, message)
    }
    pub fn not_logged_in() -> Self {
        Self::new(401, Some(api_code::NOT_LOGGED_IN), "Not logged in")
    }
    pub fn oauth(error: &'static str, description: impl Into<String>) -> Self {
        GenAuthError::OAuth { error, description: description.into() }
    }
    pub fn api_code(&self) -> Option<u32> {
        match self {
            GenAuthError::Body { api_code, .. } => *api_code,
            GenAuthError::OAuth { .. } => None,
        }
    }
}

/// The shared storage and password code speaks GoTrue's errors; here they become GenAuth's.
impl From<ApiError> for GenAuthError {
    fn from(e: ApiError) -> Self {
        match (&e.kind, e.status) {
            (ErrorKind::WeakPassword { msg, .. }, _) => GenAuthError::bad_request(api_code::WEAK_PASSWORD, msg.clone()),
            (_, StatusCode::TOO_MANY_REQUESTS) => GenAuthError::new(429, None, e.message().to_string()),
            (_, status) if status.is_server_error() => GenAuthError::new(500, None, "Internal server error"),
            _ => GenAuthError::invalid(e.message().to_string()),
        }
    }
}

impl IntoResponse for GenAuthError {
    fn into_response(self) -> Response {
        match self {
            GenAuthError::Body { status_code, api_code, message } => {
                let mut body = json!({"statusCode": status_code, "message": message, "requestId": uuid::Uuid::new_v4().to_string()});
                if let Some(code) = api_code {
                    body["apiCode"] = json!(code);
                }
                (StatusCode::OK, Json(body)).into_response()
            }
            GenAuthError::OAuth { error, description } => (StatusCode::BAD_REQUEST, Json(json!({"error": error, "error_description": description}))).into_response(),
        }
    }
}

/// A successful CommonResponseDto with `data`.
pub fn ok(data: serde_json::Value) -> Json<serde_json::Value> {
    Json(json!({"statusCode": 200, "message": "", "requestId": uuid::Uuid::new_v4().to_string(), "data": data}))
}
