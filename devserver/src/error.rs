//! The one error type: renders GoTrue's error bodies (docs/protocol/gotrue.md §2) in both API versions.
//!
//! A handler returns `ApiError`; its response carries the legacy body and the error itself as an
//! extension, and [`render_for_api_version`] rewrites the body when the request asked for the
//! 2024-01-01 shape. That keeps handlers unaware of the version header.

use axum::{
    extract::Request,
    http::{header, HeaderValue, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
    Json,
};
use serde_json::{json, Value};

/// What went wrong, as GoTrue reports it.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub kind: ErrorKind,
}

/// The body families of docs/protocol/gotrue.md §2.
#[derive(Debug, Clone)]
pub enum ErrorKind {
    /// `HTTPError`: `error_code` + message.
    Http { code: &'static str, msg: String },
    /// `WeakPasswordError`: always 422 `weak_password` with `reasons`.
    WeakPassword { msg: String, reasons: Vec<&'static str> },
    /// `OAuthError`: `{error, error_description}`, not affected by the API version.
    OAuth { error: &'static str, description: String },
}

pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, msg: impl Into<String>) -> Self {
        ApiError { status, kind: ErrorKind::Http { code, msg: msg.into() } }
    }
    pub fn bad_request(code: &'static str, msg: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, msg)
    }
    pub fn unprocessable(code: &'static str, msg: impl Into<String>) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, code, msg)
    }
    pub fn forbidden(code: &'static str, msg: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, code, msg)
    }
    pub fn not_found(code: &'static str, msg: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, code, msg)
    }
    pub fn too_many(code: &'static str, msg: impl Into<String>) -> Self {
        Self::new(StatusCode::TOO_MANY_REQUESTS, code, msg)
    }
    pub fn validation(msg: impl Into<String>) -> Self {
        Self::bad_request("validation_failed", msg)
    }
    /// GoTrue hides internal detail behind a fixed message; the detail goes to the log.
    pub fn internal(detail: impl std::fmt::Display) -> Self {
        tracing::error!("internal error: {detail}");
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "unexpected_failure", "Unexpected failure, please check server logs for more information")
    }
    pub fn weak_password(msg: String, reasons: Vec<&'static str>) -> Self {
        ApiError { status: StatusCode::UNPROCESSABLE_ENTITY, kind: ErrorKind::WeakPassword { msg, reasons } }
    }
    pub fn oauth(error: &'static str, description: impl Into<String>) -> Self {
        ApiError { status: StatusCode::BAD_REQUEST, kind: ErrorKind::OAuth { error, description: description.into() } }
    }

    /// The machine code (`error_code` / 2024 `code`), if this is not an OAuth error.
    pub fn code(&self) -> Option<&'static str> {
        match &self.kind {
            ErrorKind::Http { code, .. } => Some(code),
            ErrorKind::WeakPassword { .. } => Some("weak_password"),
            ErrorKind::OAuth { .. } => None,
        }
    }

    pub fn message(&self) -> &str {
        match &self.kind {
            ErrorKind::Http { msg, .. } | ErrorKind::WeakPassword { msg, .. } => msg,
            ErrorKind::OAuth { description, .. } => description,
        }
    }

    /// The body and whether `x-sb-error-code` is set, for one API version.
    fn body(&self, version: ApiVersion) -> (Value, bool) {
        let status = self.status.as_u16();
        match (&self.kind, version) {
            (ErrorKind::OAuth { error, description }, _) => (json!({"error": error, "error_description": description}), false),
            (ErrorKind::WeakPassword { msg, reasons }, ApiVersion::Initial) => (
                json!({"code": status, "error_code": "weak_password", "msg": msg, "weak_password": {"reasons": reasons}}),
                true,
            ),
            // GoTrue's 2024 weak-password branch sets no x-sb-error-code header.
            (ErrorKind::WeakPassword { msg, reasons }, ApiVersion::V2024) => (
                json!({"code": "weak_password", "message": msg, "weak_password": {"reasons": reasons}}),
                false,
            ),
            (ErrorKind::Http { code, msg }, ApiVersion::Initial) => {
                let mut body = json!({"code": status, "error_code": code, "msg": msg});
                if status >= 500 {
                    body["error_id"] = json!(uuid::Uuid::new_v4().to_string());
                }
                (body, true)
            }
            (ErrorKind::Http { code, msg }, ApiVersion::V2024) => (json!({"code": code, "message": msg}), true),
        }
    }

    fn render(&self, version: ApiVersion) -> Response {
        let (body, with_header) = self.body(version);
        let mut response = (self.status, Json(body)).into_response();
        let headers = response.headers_mut();
        if with_header {
            if let Some(code) = self.code() {
                headers.insert("x-sb-error-code", HeaderValue::from_static(code));
            }
        }
        if version == ApiVersion::V2024 {
            headers.insert(API_VERSION_HEADER, HeaderValue::from_static("2024-01-01"));
        }
        response.extensions_mut().insert(self.clone());
        response
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        self.render(ApiVersion::Initial)
    }
}

pub const API_VERSION_HEADER: &str = "x-supabase-api-version";

/// `X-Supabase-Api-Version`: empty or unparseable is the initial version; any date from
/// 2024-01-01 on selects the 2024 shape (docs/protocol/gotrue.md §1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiVersion {
    Initial,
    V2024,
}

impl ApiVersion {
    pub fn from_header(value: Option<&str>) -> Self {
        value
            .and_then(|v| chrono::NaiveDate::parse_from_str(v.trim(), "%Y-%m-%d").ok())
            .filter(|d| *d >= chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap_or_default())
            .map_or(ApiVersion::Initial, |_| ApiVersion::V2024)
    }
}

/// Middleware: re-renders error bodies for clients that sent a 2024 API version.
pub async fn render_for_api_version(request: Request, next: Next) -> Response {
    let version = ApiVersion::from_header(request.headers().get(API_VERSION_HEADER).and_then(|v| v.to_str().ok()));
    let response = next.run(request).await;
    if version == ApiVersion::Initial {
        return response;
    }
    match response.extensions().get::<ApiError>() {
        Some(error) => error.render(version),
        None => response,
    }
}

/// GoTrue's panic recoverer answers 500 `unexpected_failure` "Internal Server Error".
pub fn panic_response(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let mut response = ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "unexpected_failure", "Internal Server Error").into_response();
    response.headers_mut().insert(header::CONNECTION, HeaderValue::from_static("close"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_body_shapes() {
        let e = ApiError::unprocessable("same_password", "New password should be different from the old password.");
        let (legacy, header) = e.body(ApiVersion::Initial);
        assert_eq!(legacy, json!({"code":422,"error_code":"same_password","msg":"New password should be different from the old password."}));
        assert!(header);
        let (v2024, _) = e.body(ApiVersion::V2024);
        assert_eq!(v2024, json!({"code":"same_password","message":"New password should be different from the old password."}));
    }

    #[test]
    fn server_errors_carry_an_error_id_in_the_legacy_shape() {
        let (legacy, _) = ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "unexpected_failure", "x").body(ApiVersion::Initial);
        assert!(legacy["error_id"].is_string());
    }

    #[test]
    fn api_version_parsing() {
        assert_eq!(ApiVersion::from_header(None), ApiVersion::Initial);
        assert_eq!(ApiVersion::from_header(Some("garbage")), ApiVersion::Initial);
        assert_eq!(ApiVersion::from_header(Some("2023-12-31")), ApiVersion::Initial);
        assert_eq!(ApiVersion::from_header(Some("2024-01-01")), ApiVersion::V2024);
        assert_eq!(ApiVersion::from_header(Some("2026-05-01")), ApiVersion::V2024);
    }
}
