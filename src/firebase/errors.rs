//! Firebase's errors, `{"error": {"code": 400, "message": "WEAK_PASSWORD : Password should be at
//! least 6 characters"}}`, onto the stable codes. The machine code is the message up to " : ".

use crate::error::{AuthError, ErrorCode};
use crate::http::HttpResponse;
use crate::json::JsonValue;

pub fn read(response: &HttpResponse) -> AuthError {
    let status = response.status;
    let message = JsonValue::parse(&response.body).and_then(|body| body.get("error").and_then(|e| e.str_field("message")).map(str::to_string));
    let Some(message) = message else {
        let code = if status >= 500 { ErrorCode::ServerError } else if status == 429 { ErrorCode::RateLimited } else { ErrorCode::UnexpectedResponse };
        let mut e = AuthError::new(code, if status >= 500 { "The auth server failed" } else { "The auth server answered with an error" });
        e.status = status;
        return e;
    };
    let (server_code, detail) = match message.split_once(" : ") {
        Some((code, detail)) => (code.trim().to_string(), Some(detail.trim().to_string())),
        None => (message.trim().to_string(), None),
    };
    let code = match server_code.as_str() {
        "INVALID_OOB_CODE" | "EXPIRED_OOB_CODE" => ErrorCode::InvalidOtp,
        "WEAK_PASSWORD" => ErrorCode::WeakPassword,
        "EMAIL_NOT_FOUND" | "INVALID_PASSWORD" | "INVALID_LOGIN_CREDENTIALS" => ErrorCode::InvalidCredentials,
        "USER_DISABLED" => ErrorCode::UserBanned,
        "TOO_MANY_ATTEMPTS_TRY_LATER" | "QUOTA_EXCEEDED" => ErrorCode::RateLimited,
        "CREDENTIAL_TOO_OLD_LOGIN_AGAIN" => ErrorCode::ReauthenticationNeeded,
        "TOKEN_EXPIRED" | "INVALID_ID_TOKEN" | "USER_NOT_FOUND" | "INVALID_REFRESH_TOKEN" | "MISSING_REFRESH_TOKEN" | "INVALID_GRANT_TYPE" => {
            ErrorCode::NotAuthenticated
        }
        "INVALID_EMAIL" | "MISSING_PASSWORD" | "MISSING_EMAIL" | "MISSING_OOB_CODE" => ErrorCode::InvalidInput,
        _ if status >= 500 => ErrorCode::ServerError,
        _ => ErrorCode::RequestFailed,
    };
    let text = match code {
        ErrorCode::InvalidOtp => "The reset code is wrong, used or expired".to_string(),
        ErrorCode::InvalidCredentials => "Invalid login credentials".to_string(),
        ErrorCode::ReauthenticationNeeded => "The sign-in is too old for this change: sign in again, then retry".to_string(),
        _ => detail.unwrap_or_else(|| server_code.to_ascii_lowercase().replace('_', " ")),
    };
    let mut error = AuthError::new(code, text);
    error.status = status;
    if code == ErrorCode::WeakPassword {
        // Firebase's only rule is a minimum length.
        error.reasons = vec!["length".into()];
    }
    error.server_code = Some(server_code);
    error
}
