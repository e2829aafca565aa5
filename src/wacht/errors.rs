//! Wacht's errors onto the stable codes. The frontend API answers `{status, message, data,
//! errors: [{code, message}]}` with codes such as `INVALID_CREDENTIALS` and `INVALID_CODE`
//! (confirmed from its source), and some failures — a password its policy refuses — with a
//! message and no code. The backend API answers `{errors: [{message, code: <HTTP status>}]}`.
//! What an answer means depends on the endpoint, so there is one reader per endpoint family;
//! `serverCode` is Wacht's code when it sent one.

use crate::error::{AuthError, ErrorCode};
use crate::http::HttpResponse;
use crate::json::JsonValue;

/// `(first error's code, message)` of a Wacht body, if the answer is one.
fn parsed(response: &HttpResponse) -> Option<(Option<String>, String)> {
    let body = JsonValue::parse(&response.body)?;
    let first = match body.get("errors") {
        Some(JsonValue::Array(items)) => items.first().cloned(),
        _ => None,
    };
    let code = first.as_ref().and_then(|e| match e.get("code") {
        Some(JsonValue::String(code)) => Some(code.clone()),
        _ => None,
    });
    let message = first.as_ref().and_then(|e| e.str_field("message")).or_else(|| body.str_field("message"));
    if first.is_none() && body.str_field("message").is_none() {
        return None;
    }
    Some((code, message.unwrap_or_default().to_string()))
}

/// What a status says when the body does not say more.
fn by_status(response: &HttpResponse, parsed: Option<&(Option<String>, String)>) -> AuthError {
    let status = response.status;
    let code = match (status, parsed) {
        (401, _) => ErrorCode::NotAuthenticated,
        (429, _) => ErrorCode::RateLimited,
        (500.., _) => ErrorCode::ServerError,
        (400..=499, Some(_)) => ErrorCode::RequestFailed,
        _ => ErrorCode::UnexpectedResponse,
    };
    let text = match parsed {
        Some((_, message)) if status < 500 && !message.is_empty() => message.as_str(),
        _ if status >= 500 => "The auth server failed",
        _ => "The auth server answered with an error",
    };
    made(code, text, response, parsed.and_then(|(c, _)| c.clone()))
}

fn made(code: ErrorCode, text: &str, response: &HttpResponse, server_code: Option<String>) -> AuthError {
    let mut error = AuthError::new(code, text);
    error.status = response.status;
    error.server_code = server_code;
    if code == ErrorCode::RateLimited {
        error.retry_after = response.retry_after();
    }
    error
}

/// `signin`: a wrong address or password.
pub fn sign_in(response: &HttpResponse) -> AuthError {
    let p = parsed(response);
    match (response.status, p.as_ref()) {
        (400 | 401 | 404, Some((Some(code), _))) if matches!(code.as_str(), "INVALID_CREDENTIALS" | "USER_NOT_FOUND" | "BAD_SIGN_IN_ATTEMPT") => {
            made(ErrorCode::InvalidCredentials, "Invalid login credentials", response, Some(code.clone()))
        }
        (403, Some((Some(code), _))) if code == "USER_DISABLED" => made(ErrorCode::UserBanned, "The account is disabled", response, Some(code.clone())),
        _ => by_status(response, p.as_ref()),
    }
}

/// `forgot-password` and `reset-password`: a wrong, used or expired code or token; a refused
/// password (a 400 without a code).
pub fn reset(response: &HttpResponse) -> AuthError {
    let p = parsed(response);
    match (response.status, p.as_ref()) {
        (400 | 404, Some((Some(code), _))) if matches!(code.as_str(), "INVALID_CODE" | "CODE_REQUIRED" | "INVALID_STATE") => {
            made(ErrorCode::InvalidOtp, "The code is wrong, used or expired", response, Some(code.clone()))
        }
        (400, Some((None, message))) => weak(response, message),
        _ => by_status(response, p.as_ref()),
    }
}

/// `update-password`: the current password wrong, or the new one refused.
pub fn change(response: &HttpResponse) -> AuthError {
    let p = parsed(response);
    match (response.status, p.as_ref()) {
        (400 | 401, Some((Some(code), _))) if code == "INVALID_CREDENTIALS" => {
            made(ErrorCode::InvalidCurrentPassword, "The current password is wrong", response, Some(code.clone()))
        }
        (400, Some((None, message))) => weak(response, message),
        _ => by_status(response, p.as_ref()),
    }
}

/// `session`, `me`: a session the server no longer knows.
pub fn session(response: &HttpResponse) -> AuthError {
    by_status(response, parsed(response).as_ref())
}

/// The backend API (`AdminClient`): a refused password is "Validation failed: password: …".
pub fn admin(response: &HttpResponse) -> AuthError {
    let p = parsed(response);
    match (response.status, p.as_ref()) {
        (400 | 422, Some((_, message))) if message.starts_with("Validation failed") => weak(response, message),
        (404, Some(_)) => made(ErrorCode::RequestFailed, "No such user", response, Some("not_found".into())),
        _ => by_status(response, p.as_ref()),
    }
}

/// `weak_password`, with the reason the policy's message names (length when it speaks of it).
fn weak(response: &HttpResponse, message: &str) -> AuthError {
    let mut error = made(ErrorCode::WeakPassword, message, response, None);
    let has = |word: &str| message.as_bytes().windows(word.len()).any(|w| w.eq_ignore_ascii_case(word.as_bytes()));
    error.reasons = vec![if has("least") || has("length") || has("characters long") || has("short") { "length" } else { "characters" }.to_string()];
    error
}
