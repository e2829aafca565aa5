//! GoTrue's errors: every shape of them (both body versions, the `x-sb-error-code` header,
//! OAuth bodies, non-JSON bodies from proxies, the error a redirect carries) onto the stable
//! codes (docs/protocol/gotrue.md §2).

use crate::error::{seconds_in_message, AuthError, ErrorCode};
use crate::http::HttpResponse;
use crate::json::JsonValue;

/// The header GoTrue names its error code in.
pub const ERROR_CODE_HEADER: &str = "x-sb-error-code";

/// GoTrue's error bodies (both versions), its `x-sb-error-code` header, proxies' pages.
pub fn read(response: &HttpResponse) -> AuthError {
    from_response(ErrorResponse {
        status: response.status,
        error_code_header: response.header(ERROR_CODE_HEADER),
        retry_after_header: response.header(crate::http::RETRY_AFTER),
        body: JsonValue::parse(&response.body).map(|v| ErrorBody::from_json(&v)),
    })
}

/// Every field any GoTrue error body may carry (docs/protocol/gotrue.md §2).
#[derive(Debug, Default)]
pub struct ErrorBody {
    /// Legacy: the HTTP status as a number; 2024: the machine code as a string; Postgres: SQLSTATE.
    pub code: Option<JsonValue>,
    /// Legacy machine code.
    pub error_code: Option<String>,
    /// Legacy message.
    pub msg: Option<String>,
    /// 2024 message.
    pub message: Option<String>,
    /// OAuth-style error word.
    pub error: Option<String>,
    /// OAuth-style message.
    pub error_description: Option<String>,
    /// Weak-password details.
    pub weak_password: Option<WeakPassword>,
}

/// `weak_password: {reasons}`.
#[derive(Debug, Default)]
pub struct WeakPassword {
    /// Why the password is weak.
    pub reasons: Vec<String>,
}

impl ErrorBody {
    /// Reads whichever fields are present; others (and wrong types) stay empty.
    pub fn from_json(value: &JsonValue) -> ErrorBody {
        let text = |key: &str| value.str_field(key).map(str::to_string);
        let weak_password = value.get("weak_password").filter(|w| matches!(w, JsonValue::Object(_))).map(|w| WeakPassword {
            reasons: match w.get("reasons") {
                Some(JsonValue::Array(items)) => items.iter().filter_map(JsonValue::as_str).map(str::to_string).collect(),
                _ => Vec::new(),
            },
        });
        ErrorBody {
            code: value.get("code").cloned(),
            error_code: text("error_code"),
            msg: text("msg"),
            message: text("message"),
            error: text("error"),
            error_description: text("error_description"),
            weak_password,
        }
    }
}

/// The parts of a non-2xx response the mapping needs.
#[derive(Debug, Default)]
pub struct ErrorResponse<'a> {
    /// HTTP status.
    pub status: u16,
    /// `x-sb-error-code` header.
    pub error_code_header: Option<&'a str>,
    /// `Retry-After` header.
    pub retry_after_header: Option<&'a str>,
    /// The body, if it parsed as JSON.
    pub body: Option<ErrorBody>,
}

/// Maps a GoTrue error response to an `AuthError`.
pub fn from_response(response: ErrorResponse<'_>) -> AuthError {
    let status = response.status;
    let body = response.body.unwrap_or_default();
    let body_code = match &body.code {
        Some(JsonValue::String(code)) if !code.is_empty() && !code.bytes().all(|b| b.is_ascii_digit()) => Some(code.clone()),
        _ => None,
    };
    let server_code = body
        .error_code
        .clone()
        .or(body_code)
        .or_else(|| response.error_code_header.map(str::to_string))
        .or_else(|| body.weak_password.as_ref().map(|_| "weak_password".to_string()))
        .or_else(|| body.error.clone());
    let message = body
        .message
        .clone()
        .or(body.msg.clone())
        .or(body.error_description.clone())
        .unwrap_or_else(|| default_message(status).to_string());

    let code = match server_code.as_deref() {
        Some(code) => map_server_code(code, status),
        None if status >= 500 => ErrorCode::ServerError,
        None if status == 429 => ErrorCode::RateLimited,
        None => ErrorCode::UnexpectedResponse,
    };
    let mut error = AuthError::new(code, message).with_status(status);
    error.server_code = server_code;
    if code == ErrorCode::WeakPassword {
        error.reasons = body.weak_password.map(|w| w.reasons).unwrap_or_default();
    }
    if code == ErrorCode::RateLimited {
        error.retry_after = response
            .retry_after_header
            .and_then(|v| v.trim().parse().ok())
            .or_else(|| seconds_in_message(&error.message));
    }
    error
}

/// The error a redirect carried in its URL (`#error_code=otp_expired&error_description=…`):
/// no response was involved here, so the status is 0.
pub fn from_redirect(server_code: &str, description: &str) -> AuthError {
    let mut error = from_response(ErrorResponse { status: 400, error_code_header: Some(server_code), ..Default::default() });
    error.status = 0;
    if !description.is_empty() {
        error.message = description.to_string();
    }
    // Anyone can write a link: nothing token-shaped from it is repeated.
    error.redact(&[]);
    error
}

/// GoTrue code -> stable code. Matching is on codes, not statuses: GoTrue uses 400 and 422 for
/// the same condition in different places.
fn map_server_code(code: &str, status: u16) -> ErrorCode {
    match code {
        "weak_password" => ErrorCode::WeakPassword,
        "same_password" => ErrorCode::SamePassword,
        // GoTrue says otp_expired for wrong, used and expired codes alike.
        "otp_expired" => ErrorCode::InvalidOtp,
        "invalid_credentials" => ErrorCode::InvalidCredentials,
        "current_password_invalid" => ErrorCode::InvalidCurrentPassword,
        "current_password_required" => ErrorCode::CurrentPasswordRequired,
        "reauthentication_needed" => ErrorCode::ReauthenticationNeeded,
        "reauthentication_not_valid" => ErrorCode::InvalidNonce,
        "over_email_send_rate_limit" | "over_request_rate_limit" | "over_sms_send_rate_limit" => ErrorCode::RateLimited,
        // The session is gone or the token is unusable: the caller is not signed in any more.
        "session_not_found" | "session_expired" | "refresh_token_not_found" | "refresh_token_already_used"
        | "bad_jwt" | "no_authorization" | "user_not_found" => ErrorCode::NotAuthenticated,
        "user_banned" => ErrorCode::UserBanned,
        "email_not_confirmed" => ErrorCode::EmailNotConfirmed,
        "flow_state_not_found" | "flow_state_expired" | "bad_code_verifier" => ErrorCode::InvalidCode,
        "validation_failed" | "bad_json" | "email_address_invalid" | "email_address_not_authorized" => ErrorCode::InvalidInput,
        "request_timeout" => ErrorCode::Timeout,
        _ if status >= 500 => ErrorCode::ServerError,
        _ if status == 429 => ErrorCode::RateLimited,
        _ => ErrorCode::RequestFailed,
    }
}

fn default_message(status: u16) -> &'static str {
    match status {
        429 => "Too many requests",
        500..=599 => "The auth server failed",
        _ => "The auth server answered with an error",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(status: u16, body: &str) -> AuthError {
        let body = JsonValue::parse(body).map(|v| ErrorBody::from_json(&v));
        from_response(ErrorResponse { status, body, ..Default::default() })
    }

    #[test]
    fn legacy_and_2024_bodies_give_the_same_error() {
        let legacy = parse(422, r#"{"code":422,"error_code":"same_password","msg":"New password should be different from the old password."}"#);
        let v2024 = parse(422, r#"{"code":"same_password","message":"New password should be different from the old password."}"#);
        assert_eq!(legacy, v2024);
        assert_eq!(legacy.code, ErrorCode::SamePassword);
        assert_eq!(legacy.server_code.as_deref(), Some("same_password"));
        assert_eq!(legacy.status, 422);
    }

    #[test]
    fn weak_password_reasons_in_both_versions() {
        let legacy = parse(422, r#"{"code":422,"error_code":"weak_password","msg":"m","weak_password":{"reasons":["length","characters"]}}"#);
        assert_eq!(legacy.reasons, vec!["length", "characters"]);
        let v2024 = parse(422, r#"{"code":"weak_password","message":"m","weak_password":{"reasons":["pwned"]}}"#);
        assert_eq!((v2024.code, v2024.reasons), (ErrorCode::WeakPassword, vec!["pwned".to_string()]));
        // A body with only the weak_password object is still recognised.
        assert_eq!(parse(422, r#"{"msg":"m","weak_password":{"reasons":["length"]}}"#).code, ErrorCode::WeakPassword);
    }

    #[test]
    fn header_code_when_the_body_has_none() {
        let e = from_response(ErrorResponse { status: 403, error_code_header: Some("session_not_found"), ..Default::default() });
        assert_eq!(e.code, ErrorCode::NotAuthenticated);
    }

    #[test]
    fn non_json_bodies_map_by_status() {
        assert_eq!(parse(502, "<html>Bad Gateway</html>").code, ErrorCode::ServerError);
        assert_eq!(parse(404, "404 page not found").code, ErrorCode::UnexpectedResponse);
        let limited = from_response(ErrorResponse { status: 429, retry_after_header: Some("7"), ..Default::default() });
        assert_eq!((limited.code, limited.retry_after), (ErrorCode::RateLimited, Some(7)));
    }

    #[test]
    fn oauth_and_postgres_bodies() {
        let oauth = parse(400, r#"{"error":"invalid_grant","error_description":"Invalid Refresh Token"}"#);
        assert_eq!((oauth.code, oauth.message.as_str()), (ErrorCode::RequestFailed, "Invalid Refresh Token"));
        let pg = parse(500, r#"{"code":"23505","message":"duplicate key","hint":"","detail":""}"#);
        assert_eq!(pg.code, ErrorCode::ServerError);
    }

    #[test]
    fn retry_after_from_the_message() {
        let e = parse(429, r#"{"code":429,"error_code":"over_email_send_rate_limit","msg":"For security purposes, you can only request this after 42 seconds."}"#);
        assert_eq!((e.code, e.retry_after), (ErrorCode::RateLimited, Some(42)));
    }

    #[test]
    fn redirect_errors() {
        let e = from_redirect("otp_expired", "Email link is invalid or has expired");
        assert_eq!((e.code, e.status, e.message.as_str()), (ErrorCode::InvalidOtp, 0, "Email link is invalid or has expired"));
        assert_eq!(e.server_code.as_deref(), Some("otp_expired"));
    }

    #[test]
    fn codes_not_statuses_decide() {
        assert_eq!(parse(403, r#"{"code":403,"error_code":"otp_expired","msg":"x"}"#).code, ErrorCode::InvalidOtp);
        assert_eq!(parse(422, r#"{"code":"validation_failed","message":"x"}"#).code, ErrorCode::InvalidInput);
        assert_eq!(parse(400, r#"{"code":"something_new","message":"x"}"#).code, ErrorCode::RequestFailed);
        assert_eq!(parse(503, r#"{"code":"something_new","message":"x"}"#).code, ErrorCode::ServerError);
    }
}
