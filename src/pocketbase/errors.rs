//! PocketBase's errors, `{"status": 400, "message": "…", "data": {"<field>": {"code":
//! "validation_…", "message": "…"}}}`, onto the stable codes: by the field and its code first,
//! then by the status. Which endpoint answered matters for two answers without field data, so
//! there is one reader per kind of endpoint.

use crate::error::{AuthError, ErrorCode};
use crate::http::HttpResponse;
use crate::json::JsonValue;

/// Any endpoint.
pub fn read(response: &HttpResponse) -> AuthError {
    let status = response.status;
    let Some(body) = JsonValue::parse(&response.body).filter(|b| b.str_field("message").is_some()) else {
        // Not PocketBase's error shape (a proxy's page, a truncated body): only the status says
        // anything, and only when it is unambiguous.
        let code = match status {
            429 => ErrorCode::RateLimited,
            500.. => ErrorCode::ServerError,
            _ => ErrorCode::UnexpectedResponse,
        };
        let mut error = by_status(response, None, "The auth server answered with an error");
        error.code = code;
        return error;
    };
    let message = body.str_field("message").unwrap_or_default();
    let field = match body.get("data") {
        Some(JsonValue::Object(fields)) => fields.first().map(|(name, detail)| (name.clone(), detail.str_field("code").unwrap_or_default().to_string(), detail.str_field("message").unwrap_or(message).to_string())),
        _ => None,
    };
    let Some((name, code, detail)) = field else { return by_status(response, None, message) };
    let (stable, reasons): (ErrorCode, &[&str]) = match (name.as_str(), code.as_str()) {
        ("token", _) => (ErrorCode::InvalidOtp, &[]),
        ("password", "validation_min_text_constraint" | "validation_length_out_of_range" | "validation_length_too_short") => (ErrorCode::WeakPassword, &["length"]),
        ("password", "validation_invalid_format" | "validation_match_invalid") => (ErrorCode::WeakPassword, &["characters"]),
        ("password", _) => (ErrorCode::WeakPassword, &[]),
        ("oldPassword", "validation_required") => (ErrorCode::CurrentPasswordRequired, &[]),
        ("oldPassword", _) => (ErrorCode::InvalidCurrentPassword, &[]),
        ("email" | "identity", _) => (ErrorCode::InvalidInput, &[]),
        _ => return by_status(response, Some(code), &detail),
    };
    let text = match stable {
        ErrorCode::InvalidOtp => "The reset token is wrong, used or expired".to_string(),
        ErrorCode::InvalidCurrentPassword => "The current password is wrong".to_string(),
        _ => detail,
    };
    let mut error = AuthError::new(stable, text);
    error.status = status;
    error.reasons = reasons.iter().map(|r| (*r).to_string()).collect();
    error.server_code = Some(code);
    error
}

/// `auth-with-password`: a 400 without field data is a wrong address or password.
pub fn sign_in(response: &HttpResponse) -> AuthError {
    let error = read(response);
    if response.status == 400 && error.code == ErrorCode::RequestFailed {
        let mut wrong = AuthError::new(ErrorCode::InvalidCredentials, "Invalid login credentials");
        wrong.status = 400;
        return wrong;
    }
    error
}

/// The user's own record: PocketBase treats a token it no longer accepts as no token, and the
/// record's rules then hide it (404). For the client that is a session that ended.
pub fn record(response: &HttpResponse) -> AuthError {
    let error = read(response);
    if response.status == 404 {
        let mut gone = AuthError::new(ErrorCode::NotAuthenticated, "The session has ended");
        gone.status = 404;
        return gone;
    }
    error
}

fn by_status(response: &HttpResponse, server_code: Option<String>, message: &str) -> AuthError {
    let status = response.status;
    let code = match status {
        401 => ErrorCode::NotAuthenticated,
        429 => ErrorCode::RateLimited,
        500.. => ErrorCode::ServerError,
        400..=499 => ErrorCode::RequestFailed,
        _ => ErrorCode::UnexpectedResponse,
    };
    let text = if status >= 500 { "The auth server failed" } else { message };
    let mut error = AuthError::new(code, text);
    error.status = status;
    error.server_code = server_code;
    if code == ErrorCode::RateLimited {
        error.retry_after = response.retry_after();
    }
    error
}
