//! Secrets the server hands out: one-time codes, token hashes, refresh tokens, PKCE checks.

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use rand::{distributions::Uniform, Rng};
use sha2::{Digest, Sha224, Sha256};
use subtle::ConstantTimeEq;

/// A numeric one-time code of `length` digits, zero-padded (GoTrue's `GenerateOtp`).
pub fn generate_otp(length: usize) -> String {
    let digit = Uniform::from(0..10u8);
    rand::thread_rng().sample_iter(digit).take(length).map(|d| char::from(b'0' + d)).collect()
}

/// GoTrue's `GenerateTokenHash`: SHA-224 hex of the lower-cased email followed by the code.
pub fn token_hash(email: &str, otp: &str) -> String {
    hex(&Sha224::digest(format!("{}{}", email.to_lowercase(), otp).as_bytes()))
}

/// A random password nobody knows (GoTrue's `password.Generate(64, 10, 1, …)` for users a magic
/// link creates): 64 characters, letters and digits.
pub fn random_secret() -> String {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    let mut rng = rand::thread_rng();
    (0..64).map(|_| char::from(ALPHABET[rng.gen_range(0..ALPHABET.len())])).collect()
}

/// Legacy refresh-token format: 12 lower-case alphanumerics (GoTrue's `GenerateRefreshToken`).
pub fn generate_refresh_token() -> String {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let mut rng = rand::thread_rng();
    (0..12).map(|_| char::from(ALPHABET[rng.gen_range(0..ALPHABET.len())])).collect()
}

pub fn is_refresh_token_format(token: &str) -> bool {
    token.len() == 12 && token.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
}

/// Checks a PKCE verifier against the stored challenge; `method` is `s256` or `plain`.
pub fn pkce_matches(method: &str, challenge: &str, verifier: &str) -> bool {
    let expected = match method {
        "s256" => URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes())),
        "plain" => verifier.to_string(),
        _ => return false,
    };
    expected.as_bytes().ct_eq(challenge.as_bytes()).into()
}

/// Constant-time string equality for secrets.
pub fn secret_eq(a: &str, b: &str) -> bool {
    a.as_bytes().ct_eq(b.as_bytes()).into()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_hash_is_sha224_of_email_and_code() {
        // sha224("a@b.co123456")
        let h = token_hash("A@b.co", "123456");
        assert_eq!(h.len(), 56);
        assert_eq!(h, token_hash("a@b.co", "123456"));
        assert_ne!(h, token_hash("a@b.co", "123457"));
    }

    #[test]
    fn otp_and_refresh_token_formats() {
        let otp = generate_otp(6);
        assert!(otp.len() == 6 && otp.bytes().all(|b| b.is_ascii_digit()));
        let rt = generate_refresh_token();
        assert!(is_refresh_token_format(&rt));
        assert!(!is_refresh_token_format("ABCDEFGHIJKL"));
    }

    #[test]
    fn pkce_s256_from_rfc7636_appendix_b() {
        let verifier = "dBjftJeZ4CVP-mJ92K9TEOpmZ3G2fg2dCZc6CaVq7qmv6Oc2qaN9W8Q";
        // RFC 7636 Appendix B uses a different verifier; this pair is computed with the same rule.
        let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
        assert!(pkce_matches("s256", &challenge, verifier));
        assert!(!pkce_matches("s256", &challenge, "other"));
        assert!(pkce_matches("plain", verifier, verifier));
        let rfc_verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        assert!(pkce_matches("s256", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", rfc_verifier));
    }
}
