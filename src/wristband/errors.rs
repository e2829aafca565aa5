//! Wristband's errors onto the stable codes. Bodies are `{type: "base_error", code, message,
//! ticket}` or `{type: "constraint_violations_error", code: "message_body_constraint_violations",
//! message, ticket, violations: {"<field>": [{code, constraintAttributes}]}}`; the OAuth2
//! endpoints answer `{error, error_description}`. The field decides what a violation means, and
//! fields differ per endpoint, so there is one reader per endpoint family. `ticket` is kept as
//! the error's `requestId`; `serverCode` is the violation's (or the base error's) code.

use crate::error::{AuthError, ErrorCode};
use crate::http::HttpResponse;
use crate::json::JsonValue;

/// `reset-password`: a violation on any credential part is a wrong, used or expired credential;
/// on `password`, the policy refused it.
pub fn reset(response: &HttpResponse) -> AuthError {
    read(response, |field| match field {
        "emailAuthCode" | "passwordResetCode" | "requestCode" | "verificationCode" => Some(ErrorCode::InvalidOtp),
        "password" => Some(ErrorCode::WeakPassword),
        _ => None,
    })
}

/// `change-password`: `currentPassword` wrong, or `newPassword` refused.
pub fn change(response: &HttpResponse) -> AuthError {
    read(response, |field| match field {
        "currentPassword" => Some(ErrorCode::InvalidCurrentPassword),
        "newPassword" => Some(ErrorCode::WeakPassword),
        _ => None,
    })
}

/// The OAuth2 endpoints: a refused refresh token or access token ends the session.
pub fn oauth(response: &HttpResponse) -> AuthError {
    let body = JsonValue::parse(&response.body);
    if let Some(oauth) = body.as_ref().and_then(|b| b.str_field("error")) {
        let code = match (oauth, response.status) {
            ("invalid_grant" | "invalid_token", _) | (_, 401) => ErrorCode::NotAuthenticated,
            (_, 429) => ErrorCode::RateLimited,
            (_, 500..) => ErrorCode::ServerError,
            _ => ErrorCode::RequestFailed,
        };
        let mut error = with_status(AuthError::new(code, "The auth server refused the session's token"), response);
        error.server_code = Some(oauth.to_string());
        return error;
    }
    read(response, |_| None)
}

fn read(response: &HttpResponse, field_code: fn(&str) -> Option<ErrorCode>) -> AuthError {
    let status = response.status;
    let Some(body) = JsonValue::parse(&response.body).filter(|b| b.str_field("type").is_some()) else {
        // Not Wristband's shape (a proxy's page, a truncated body): only the status speaks.
        let code = match status {
            401 => ErrorCode::NotAuthenticated,
            429 => ErrorCode::RateLimited,
            500.. => ErrorCode::ServerError,
            _ => ErrorCode::UnexpectedResponse,
        };
        return with_status(AuthError::new(code, if status >= 500 { "The auth server failed" } else { "The auth server answered with an error" }), response);
    };
    let ticket = body.str_field("ticket").filter(|t| t.len() <= 128).map(str::to_string);
    let message = body.str_field("message").unwrap_or("The auth server answered with an error");
    let violation = match body.get("violations") {
        Some(JsonValue::Object(fields)) => fields.first().map(|(name, list)| {
            let first = match list {
                JsonValue::Array(items) => items.first(),
                _ => None,
            };
            (name.clone(), first.and_then(|v| v.str_field("code")).unwrap_or_default().to_string())
        }),
        _ => None,
    };
    let mut error = match violation.as_ref().and_then(|(field, code)| field_code(field).map(|stable| (stable, code))) {
        Some((stable, code)) => {
            let text = match stable {
                ErrorCode::InvalidOtp => "The reset link or code is wrong, used or expired",
                ErrorCode::InvalidCurrentPassword => "The current password is wrong",
                _ => "The password does not meet the policy",
            };
            let mut error = AuthError::new(stable, text);
            if stable == ErrorCode::WeakPassword {
                error.reasons = weak_reasons(code);
            }
            error.server_code = Some(code.clone());
            error
        }
        None => {
            let code = match status {
                401 => ErrorCode::NotAuthenticated,
                403 => ErrorCode::RequestFailed,
                429 => ErrorCode::RateLimited,
                500.. => ErrorCode::ServerError,
                400 if violation.is_some() => ErrorCode::InvalidInput,
                _ => ErrorCode::RequestFailed,
            };
            let mut error = AuthError::new(code, if status >= 500 { "The auth server failed" } else { message });
            error.server_code = violation.map(|(_, code)| code).or_else(|| body.str_field("code").map(str::to_string));
            error
        }
    };
    error.request_id = ticket;
    with_status(error, response)
}

/// A password violation's code in the reasons GoTrue's users know (the codes are the stand-in's:
/// Wristband documents the shape, not the list).
fn weak_reasons(code: &str) -> Vec<String> {
    let has = |word: &str| code.as_bytes().windows(word.len()).any(|w| w == word.as_bytes());
    let reason = if has("length") || has("short") || has("long") {
        "length"
    } else if has("breach") || has("pwned") || has("compromised") {
        "pwned"
    } else {
        "characters"
    };
    vec![reason.to_string()]
}

fn with_status(mut error: AuthError, response: &HttpResponse) -> AuthError {
    error.status = response.status;
    if error.code == ErrorCode::RateLimited {
        error.retry_after = response.retry_after();
    }
    error
}
