//! GenAuth's failures onto the stable codes. The V3 API answers HTTP 200 with the outcome in the
//! body (`{statusCode, message, apiCode?, requestId?}`); the OIDC endpoints answer OAuth errors
//! with an HTTP status. `serverCode` is the `apiCode`; `requestId` is kept for support desks.

use crate::error::{seconds_in_message, AuthError, ErrorCode};
use crate::http::HttpResponse;
use crate::json::JsonValue;

/// A V3 body that reports a failure, as an error; `None` for a success.
pub fn from_body(body: &JsonValue) -> Option<AuthError> {
    let status = body.f64_field("statusCode").map(|s| s as u16)?;
    if status == 200 {
        return None;
    }
    let api_code = body.f64_field("apiCode").map(|c| c as u32);
    let message = body.str_field("message").unwrap_or_default();
    let code = match (api_code, status) {
        (Some(2001), _) => ErrorCode::InvalidOtp,
        (Some(2006), _) => ErrorCode::InvalidCurrentPassword,
        (Some(2020), _) | (_, 401) => ErrorCode::NotAuthenticated,
        (Some(2029), _) => ErrorCode::WeakPassword,
        (Some(2004 | 2333), _) => ErrorCode::InvalidCredentials,
        (_, 429) => ErrorCode::RateLimited,
        (_, 500..) => ErrorCode::ServerError,
        _ => ErrorCode::RequestFailed,
    };
    let text = match code {
        ErrorCode::InvalidOtp => "The code is wrong, used or expired",
        ErrorCode::InvalidCredentials => "Invalid login credentials",
        ErrorCode::InvalidCurrentPassword => "The current password is wrong",
        ErrorCode::ServerError => "The auth server failed",
        _ if message.is_empty() => "The auth server answered with an error",
        _ => message,
    };
    let mut error = AuthError::new(code, text);
    error.status = status;
    error.server_code = api_code.map(|c| crate::text::decimal(u64::from(c)));
    error.request_id = body.str_field("requestId").filter(|id| id.len() <= 128).map(str::to_string);
    if code == ErrorCode::RateLimited {
        error.retry_after = seconds_in_message(message).or_else(|| seconds_before_word(message));
    }
    Some(error)
}

/// "…try again in 42 seconds" -> 42 (the stand-in's wording; GenAuth's own is not documented).
fn seconds_before_word(message: &str) -> Option<u32> {
    let words: Vec<&str> = message.split(' ').collect();
    words.windows(2).find(|w| w[1].starts_with("second")).and_then(|w| w[0].parse().ok())
}

/// A non-2xx answer: an OIDC endpoint's OAuth error, a proxy's page, a 5xx.
pub fn read(response: &HttpResponse) -> AuthError {
    let status = response.status;
    let body = JsonValue::parse(&response.body);
    if let Some(mut error) = body.as_ref().and_then(from_body) {
        error.status = status;
        return error;
    }
    let oauth = body.as_ref().and_then(|b| b.str_field("error")).map(str::to_string);
    let code = match (oauth.as_deref(), status) {
        (Some("invalid_grant"), _) | (_, 401) => ErrorCode::NotAuthenticated,
        (_, 429) => ErrorCode::RateLimited,
        (_, 500..) => ErrorCode::ServerError,
        (Some(_), _) => ErrorCode::RequestFailed,
        _ => ErrorCode::UnexpectedResponse,
    };
    let mut error = AuthError::new(code, if status >= 500 { "The auth server failed" } else { "The auth server answered with an error" });
    error.status = status;
    error.server_code = oauth;
    error.retry_after = response.retry_after();
    error
}
