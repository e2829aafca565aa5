//! `AuthError`: one error type with a stable code, the same on every platform; each platform's
//! module maps its own answers onto it (`api/errors.rs` for GoTrue, `firebase/errors.rs`, …).
//! Plain Rust, tested natively.

use std::fmt;

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

    pub(crate) fn with_status(mut self, status: u16) -> Self {
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
