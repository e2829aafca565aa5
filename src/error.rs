//! `AuthError`: one error type with a stable code, and the mapping from every shape of GoTrue
//! error (both body versions, the `x-sb-error-code` header, OAuth bodies, non-JSON bodies from
//! proxies) onto it. Plain Rust, tested natively.

use std::fmt;

use crate::json::JsonValue;

/// The stable, documented error codes (README, "Error codes"). New ones may be added.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum ErrorCode {
    /// No session, or the server no longer knows it. Thrown before any request when possible.
    NotAuthenticated,
    /// Input rejected before the network (the message names the field), or by the server.
    InvalidInput,
    /// The password fails the server's policy; `reasons` says why.
    WeakPassword,
    /// The new password equals the current one.
    SamePassword,
    /// The code or link is wrong, used or expired (GoTrue `otp_expired`).
    InvalidOtp,
    /// Wrong email or password at sign-in.
    InvalidCredentials,
    /// `currentPassword` is wrong.
    InvalidCurrentPassword,
    /// The server requires `currentPassword` for this change.
    CurrentPasswordRequired,
    /// The server wants a reauthentication nonce: call `reauthenticate()` first.
    ReauthenticationNeeded,
    /// The nonce is wrong or expired.
    InvalidNonce,
    /// Too many requests; `retryAfter` says how long to wait.
    RateLimited,
    /// The account is banned.
    UserBanned,
    /// The email address has not been confirmed.
    EmailNotConfirmed,
    /// The link's PKCE code cannot be exchanged (unknown, used or expired).
    InvalidCode,
    /// The request never got an answer (offline, DNS, CORS, connection dropped).
    NetworkError,
    /// No answer within `timeoutMs`.
    Timeout,
    /// The server failed (5xx).
    ServerError,
    /// The answer could not be understood (not JSON, missing fields).
    UnexpectedResponse,
    /// Any other error the server reported; `serverCode` has its code.
    RequestFailed,
    /// The configured storage refused to read or write.
    StorageError,
    /// Refused to run where it would expose a secret (an admin key in a browser page).
    UnsafeEnvironment,
    /// A link or code signed in a different user than the one signed in here; nothing changed.
    SessionConflict,
    /// A redirect carried session tokens this client did not ask for (no pending request, no
    /// opt-in); nothing changed.
    UnsolicitedSession,
    /// The platform has no such operation (a sign-out scope, reauthentication, PKCE links).
    Unsupported,
}

impl ErrorCode {
    /// The string JavaScript sees in `error.code`.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::NotAuthenticated => "not_authenticated",
            ErrorCode::InvalidInput => "invalid_input",
            ErrorCode::WeakPassword => "weak_password",
            ErrorCode::SamePassword => "same_password",
            ErrorCode::InvalidOtp => "invalid_otp",
            ErrorCode::InvalidCredentials => "invalid_credentials",
            ErrorCode::InvalidCurrentPassword => "invalid_current_password",
            ErrorCode::CurrentPasswordRequired => "current_password_required",
            ErrorCode::ReauthenticationNeeded => "reauthentication_needed",
            ErrorCode::InvalidNonce => "invalid_nonce",
            ErrorCode::RateLimited => "rate_limited",
            ErrorCode::UserBanned => "user_banned",
            ErrorCode::EmailNotConfirmed => "email_not_confirmed",
            ErrorCode::InvalidCode => "invalid_code",
            ErrorCode::NetworkError => "network_error",
            ErrorCode::Timeout => "timeout",
            ErrorCode::ServerError => "server_error",
            ErrorCode::UnexpectedResponse => "unexpected_response",
            ErrorCode::RequestFailed => "request_failed",
            ErrorCode::StorageError => "storage_error",
            ErrorCode::UnsafeEnvironment => "unsafe_environment",
            ErrorCode::SessionConflict => "session_conflict",
            ErrorCode::UnsolicitedSession => "unsolicited_session",
            ErrorCode::Unsupported => "unsupported",
        }
    }
}

/// What went wrong. Messages never contain tokens, passwords or keys.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct AuthError {
    /// Stable code.
    pub code: ErrorCode,
    /// HTTP status, 0 when no response was involved.
    pub status: u16,
    /// Human-readable text.
    pub message: String,
    /// For `weak_password`: `length`, `characters`, `pwned`.
    pub reasons: Vec<String>,
    /// For `rate_limited`: seconds to wait, when the server said.
    pub retry_after: Option<u32>,
    /// The platform's own error code, when there was one.
    pub server_code: Option<String>,
    /// The platform's id for the failed request (GenAuth's `requestId`), for support desks.
    pub request_id: Option<String>,
}

/// Results of this crate.
pub type Result<T> = std::result::Result<T, AuthError>;

impl AuthError {
    /// A client-side error (status 0).
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        AuthError { code, status: 0, message: message.into(), reasons: Vec::new(), retry_after: None, server_code: None, request_id: None }
    }

    /// `invalid_input` naming the field.
    pub fn invalid_input(field: &str, problem: &str) -> Self {
        Self::new(ErrorCode::InvalidInput, crate::text::cat(&[field, ": ", problem]))
    }

    /// `not_authenticated` before any request.
    pub fn not_signed_in() -> Self {
        Self::new(ErrorCode::NotAuthenticated, "Not signed in")
    }

    /// Removes from the message and the server code every occurrence of `secrets` (those of at
    /// least 4 bytes) and anything shaped like a token: a run of 24 or more token characters
    /// (JWTs, refresh tokens, hashes, keys). Servers and proxies sometimes echo what they got.
    pub fn redact(&mut self, secrets: &[String]) {
        self.message = scrub(&self.message, secrets);
        self.server_code = self.server_code.take().map(|code| scrub(&code, secrets));
    }

    fn with_status(mut self, status: u16) -> Self {
        self.status = status;
        self
    }
}

impl fmt::Display for AuthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.message, self.code.as_str())
    }
}

impl std::error::Error for AuthError {}

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

const REDACTED: &str = "[redacted]";

/// See [`AuthError::redact`]. Byte comparisons, not `str` pattern search: the latter brings a
/// string-searching algorithm into the wasm for this one use.
fn scrub(text: &str, secrets: &[String]) -> String {
    let bytes = text.as_bytes();
    let is_token_byte = |b: &u8| b.is_ascii_alphanumeric() || b"-_.~+/=".contains(b);
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    'scan: while at < bytes.len() {
        for secret in secrets.iter().map(|s| s.as_bytes()).filter(|s| s.len() >= 4) {
            if bytes[at..].starts_with(secret) {
                out.push_str(REDACTED);
                at += secret.len();
                continue 'scan;
            }
        }
        let run_starts = at == 0 || !is_token_byte(&bytes[at - 1]);
        let run = if run_starts { bytes[at..].iter().take_while(|b| is_token_byte(b)).count() } else { 0 };
        if run >= 24 {
            out.push_str(REDACTED);
            at += run;
            continue;
        }
        // One character, whole (with its UTF-8 continuation bytes); `get` keeps slicing panics
        // (and the char formatting they bring) out of the wasm.
        let end = (at + 1..=bytes.len()).find(|&e| text.is_char_boundary(e)).unwrap_or(bytes.len());
        out.push_str(text.get(at..end).unwrap_or_default());
        at = end;
    }
    out
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

/// "…you can only request this after 42 seconds." -> 42
pub(crate) fn seconds_in_message(message: &str) -> Option<u32> {
    // A byte search: `str::split` with a string pattern would ship core's two-way searcher
    // and, through its panic path, `char` formatting (about 5 KB of wasm).
    const MARK: &[u8] = b"after ";
    let at = message.as_bytes().windows(MARK.len()).position(|w| w == MARK)?;
    message.get(at + MARK.len()..)?.split(' ').next()?.parse().ok()
}

#[cfg(test)]
mod redact_tests {
    use super::*;

    #[test]
    fn echoed_credentials_leave_the_message() {
        let mut e = AuthError::new(ErrorCode::RequestFailed, "proxy: bad request password=hunter22 token=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln code 123456");
        e.server_code = Some("Bearer abcdefghijklmnopqrstuvwxyz012345".into());
        e.redact(&["hunter22".into(), "123456".into()]);
        assert_eq!(e.message, "proxy: bad request password=[redacted] [redacted] code [redacted]");
        assert_eq!(e.server_code.as_deref(), Some("Bearer [redacted]"));
    }

    #[test]
    fn ordinary_messages_are_untouched() {
        for text in [
            "Password should be at least 6 characters.",
            "For security purposes, you can only request this after 42 seconds.",
            "Unable to validate email address: invalid format",
            "Überprüfung fehlgeschlagen – bitte erneut",
            "",
        ] {
            let mut e = AuthError::new(ErrorCode::RequestFailed, text);
            e.redact(&["abc".into(), "weak".into()]);
            assert_eq!(e.message, text);
        }
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
