//! Input checks shared by several handlers, with GoTrue's messages.

use std::sync::LazyLock;

use regex::Regex;

use crate::error::{ApiError, ApiResult};

/// The pattern of `checkmail.ValidateFormat`, which GoTrue uses.
static EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$")
        .unwrap_or_else(|e| unreachable!("constant pattern: {e}"))
});

/// GoTrue's `validateEmail`: required, at most 255 bytes, well-formed; returns it lower-cased.
pub fn email(email: &str) -> ApiResult<String> {
    if email.is_empty() {
        return Err(ApiError::validation("An email address is required"));
    }
    if email.len() > 255 {
        return Err(ApiError::validation("An email address is too long"));
    }
    if !EMAIL.is_match(email) {
        return Err(ApiError::validation("Unable to validate email address: invalid format"));
    }
    Ok(email.to_lowercase())
}

/// PKCE parameters of `/recover` and `/otp` (`validatePKCEParams`): both or neither.
pub fn pkce_params(method: &str, challenge: &str) -> ApiResult<Option<(String, String)>> {
    match (method.is_empty(), challenge.is_empty()) {
        (true, true) => Ok(None),
        (false, false) => {
            if !(43..=128).contains(&challenge.len()) {
                return Err(ApiError::validation("code challenge has to be between 43 and 128 characters"));
            }
            if !challenge.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'~' | b'-')) {
                return Err(ApiError::validation(
                    "code challenge can only contain alphanumeric characters, hyphens, periods, underscores and tildes",
                ));
            }
            Ok(Some((method.to_ascii_lowercase(), challenge.to_string())))
        }
        _ => Err(ApiError::validation("PKCE flow requires code_challenge_method and code_challenge")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        assert_eq!(email("Ann@Example.COM").unwrap(), "ann@example.com");
        assert!(email("").is_err());
        assert!(email("no-at-sign").is_err());
        assert!(email("a@b@c").is_err());
        assert!(email("a b@c.d").is_err());
        assert!(email(&format!("{}@x.io", "a".repeat(260))).is_err());
    }

    #[test]
    fn pkce() {
        assert!(pkce_params("", "").unwrap().is_none());
        assert!(pkce_params("s256", "").is_err());
        assert!(pkce_params("S256", "short").is_err());
        assert_eq!(pkce_params("S256", &"a".repeat(43)).unwrap().unwrap().0, "s256");
        assert!(pkce_params("s256", &format!("{}!", "a".repeat(43))).is_err());
    }
}
