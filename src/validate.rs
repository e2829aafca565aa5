//! Input checks done before any request, so bad input costs no round trip and changes nothing.
//! Each failure is `invalid_input` naming the field.

use crate::error::{AuthError, Result};

/// bcrypt reads at most 72 bytes; GoTrue refuses longer passwords.
pub const MAX_PASSWORD_BYTES: usize = 72;

/// A plausible address: one `@`, a non-empty local part, a dotted domain, no spaces, at most
/// 255 bytes. Deliverability is the server's business. Returns it trimmed.
pub fn email(field: &str, value: &str) -> Result<String> {
    let value = value.trim();
    if value.is_empty() {
        return Err(AuthError::invalid_input(field, "is required"));
    }
    if value.len() > 255 {
        return Err(AuthError::invalid_input(field, "is longer than 255 bytes"));
    }
    let well_formed = match value.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.as_bytes().windows(2).any(|w| w == b"..")
                && value.chars().all(|c| !c.is_whitespace() && !c.is_control() && !is_deceptive(c))
        }
        None => false,
    };
    if !well_formed {
        return Err(AuthError::invalid_input(field, "is not a valid email address"));
    }
    Ok(value.to_string())
}

/// Characters that never belong in an address: the replacement character (broken input, e.g. a
/// lone surrogate from JavaScript) and bidirectional overrides (spoofing).
fn is_deceptive(c: char) -> bool {
    matches!(c, '\u{FFFD}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// The emailed one-time code: exactly 6 digits (spaces a user may type are dropped).
pub fn otp(field: &str, value: &str) -> Result<String> {
    let digits: String = value.chars().filter(|c| !c.is_whitespace()).collect();
    if digits.len() != 6 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(AuthError::invalid_input(field, "must be the 6-digit code from the email"));
    }
    Ok(digits)
}

/// A password: non-empty, at most 72 bytes, no control characters (nobody types one, and a NUL
/// ends the password early in some bcrypt implementations). Strength is the server's policy.
pub fn password(field: &str, value: &str) -> Result<()> {
    if value.is_empty() {
        return Err(AuthError::invalid_input(field, "is required"));
    }
    if value.len() > MAX_PASSWORD_BYTES {
        return Err(AuthError::invalid_input(field, "is longer than 72 bytes"));
    }
    if value.chars().any(char::is_control) {
        return Err(AuthError::invalid_input(field, "contains a control character"));
    }
    Ok(())
}

/// A token hash from a link: 56 hex digits, possibly `pkce_`-prefixed.
pub fn token_hash(field: &str, value: &str) -> Result<String> {
    let value = value.trim();
    let hex = value.strip_prefix("pkce_").unwrap_or(value);
    if hex.len() != 56 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(AuthError::invalid_input(field, "is not a token hash from a recovery link"));
    }
    Ok(value.to_string())
}

/// A user id: a UUID in its canonical 8-4-4-4-12 form.
pub fn user_id(field: &str, value: &str) -> Result<()> {
    let groups: Vec<&str> = value.split('-').collect();
    let shape = [8, 4, 4, 4, 12];
    let ok = groups.len() == 5 && groups.iter().zip(shape).all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_hexdigit()));
    if ok {
        Ok(())
    } else {
        Err(AuthError::invalid_input(field, "must be a user id (UUID)"))
    }
}

/// A header the caller adds to every request: a token name, and a value `fetch` can send —
/// Latin-1 text without control characters but tab (a line break or NUL is refused by fetch,
/// and so is anything above U+00FF). Refusing them here fails the constructor, not every call.
pub fn header(field: &str, name: &str, value: &str) -> Result<()> {
    let name_ok = !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b));
    if !name_ok {
        return Err(AuthError::invalid_input(field, "has a header name that is not a valid HTTP token"));
    }
    if value.chars().any(|c| c != '\t' && (c.is_control() || u32::from(c) > 0xFF)) {
        return Err(AuthError::invalid_input(field, "has a header value with a line break, a control character or a character beyond Latin-1"));
    }
    Ok(())
}

/// Whether `value` can be a bearer token: visible ASCII only (JWTs and refresh tokens are), so
/// nothing from a link or a stored record can break out of the header it is sent in.
pub fn is_token(value: &str) -> bool {
    !value.is_empty() && value.len() <= 16 * 1024 && value.bytes().all(|b| b.is_ascii_graphic())
}

/// A token from a link or record, checked with [`is_token`]; the value is not echoed.
pub fn token(field: &str, value: &str) -> Result<()> {
    if is_token(value) {
        Ok(())
    } else {
        Err(AuthError::invalid_input(field, "is not a token (a link or record was damaged or crafted)"))
    }
}

/// An emailed code as typed, on platforms whose codes are digits of their own length (GenAuth's
/// pass code, Wacht's one-time code): trimmed, 1 to 10 digits.
pub fn emailed_code(field: &str, code: &str) -> Result<String> {
    let code = code.trim();
    if code.is_empty() || code.len() > 10 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(AuthError::invalid_input(field, "must be the code from the email (digits)"));
    }
    Ok(code.to_string())
}

/// A platform's reset credential as the email carried it (Firebase's `oobCode`, PocketBase's
/// token): token characters only. Whether it is good is the platform's to say.
pub fn reset_credential(field: &str, value: &str) -> Result<()> {
    if is_token(value) {
        Ok(())
    } else {
        Err(AuthError::invalid_input(field, "is not a reset credential from the email"))
    }
}

/// An `http(s)://host…` URL without whitespace: the server's address, or where a link should
/// lead (anything else is a mistake or an attack, such as `javascript:`).
pub fn url(field: &str, value: &str) -> Result<()> {
    let lower = value.trim().to_ascii_lowercase();
    let rest = lower.strip_prefix("https://").or_else(|| lower.strip_prefix("http://"));
    match rest {
        Some(host) if !host.is_empty() && !host.starts_with('/') && !value.chars().any(|c| c.is_whitespace() || c.is_control()) => Ok(()),
        _ => Err(AuthError::invalid_input(field, "must be an http(s) URL")),
    }
}

/// The only verification type this client handles.
pub fn otp_type(field: &str, value: &str) -> Result<()> {
    if value != "recovery" {
        return Err(AuthError::invalid_input(field, "must be \"recovery\""));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;

    #[test]
    fn headers_must_be_sendable() {
        assert!(header("headers", "X-Client-Info", "app/1.0 (tab\tok)").is_ok());
        for (name, value) in [("", "v"), ("Bad Name", "v"), ("X-Ok", "a\r\nInjected: 1"), ("X-Ok", "a\0"), ("Ünï", "v"), ("X-Ok", "a\u{202E}b"), ("X-Ok", "\u{FFFD}"), ("X-Ok", "\u{7f}")] {
            let error = header("headers", name, value).unwrap_err();
            assert_eq!(error.code, ErrorCode::InvalidInput, "{name:?}: {value:?}");
            assert!(error.message.starts_with("headers:"));
            assert!(!error.message.contains(value) || value == "v", "the value is not echoed: {}", error.message);
        }
    }

    #[test]
    fn tokens_fit_in_a_header() {
        assert!(token("access_token", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln").is_ok());
        for bad in ["", "a\nX-Smuggled: yes", "a b", "a\r", "\u{e9}t\u{e9}", "a\0"] {
            let error = token("access_token", bad).unwrap_err();
            assert!(!bad.is_empty() && !error.message.contains(bad) || bad.is_empty());
        }
        assert!(token("access_token", &"a".repeat(16 * 1024 + 1)).is_err());
    }

    #[test]
    fn urls() {
        for ok in ["https://app.test/reset", "http://127.0.0.1:3000", "HTTPS://X.CO"] {
            assert!(url("redirectTo", ok).is_ok(), "{ok}");
        }
        for bad in ["", "javascript:alert(1)", "//evil.test", "https://", "https:///path", "https://a b", "http://a\n", "ftp://x.co", "https:"] {
            assert!(url("redirectTo", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn emails() {
        assert_eq!(email("email", " ann@example.com ").unwrap(), "ann@example.com");
        for bad in ["", "   ", "ann", "ann@", "@example.com", "ann@example", "a b@example.com", "a@b@c.com", "a@.com", "a@b..com", "a@b.com\u{0}", "a\u{FFFD}@b.com", "a\u{202E}b@c.com"] {
            let e = email("email", bad).unwrap_err();
            assert_eq!(e.code, ErrorCode::InvalidInput, "{bad:?}");
            assert!(e.message.starts_with("email:"), "{}", e.message);
        }
        assert!(email("email", &format!("{}@example.com", "a".repeat(250))).is_err());
    }

    #[test]
    fn codes() {
        assert_eq!(otp("token", "123 456").unwrap(), "123456");
        for bad in ["", "12345", "1234567", "12345a", "١٢٣٤٥٦"] {
            assert!(otp("token", bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn passwords_count_bytes() {
        assert!(password("password", "").is_err());
        assert!(password("password", &"a".repeat(72)).is_ok());
        assert!(password("password", &"a".repeat(73)).is_err());
        // 24 three-byte characters are 72 bytes; 25 are too many.
        assert!(password("password", &"€".repeat(24)).is_ok());
        assert!(password("password", &"€".repeat(25)).is_err());
        for bad in ["a\0b-password", "line\nbreak-1", "tab\tpassword"] {
            assert!(password("password", bad).unwrap_err().message.contains("control character"), "{bad:?}");
        }
        assert!(password("password", "pässwörd \u{202E}ok").is_ok());
    }

    #[test]
    fn user_ids() {
        assert!(user_id("userId", "0b1c2d3e-aaaa-4000-8000-000000000000").is_ok());
        for bad in ["", "x", "0b1c2d3e-aaaa-4000-8000-00000000000", "../admin", "0b1c2d3e-aaaa-4000-8000-00000000000g"] {
            assert!(user_id("userId", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn hashes_and_types() {
        let h = "a".repeat(56);
        assert!(token_hash("tokenHash", &h).is_ok());
        assert!(token_hash("tokenHash", &format!("pkce_{h}")).is_ok());
        assert!(token_hash("tokenHash", "abc").is_err());
        assert!(otp_type("type", "recovery").is_ok());
        assert!(otp_type("type", "signup").is_err());
    }
}
