//! HS256 JSON Web Tokens: access tokens and the anon/service_role API keys (docs/protocol/gotrue.md §3.3).

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// Signs `claims` with HS256.
pub fn sign(secret: &str, claims: &Value) -> String {
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256","typ":"JWT"}"#);
    let payload = URL_SAFE_NO_PAD.encode(claims.to_string().as_bytes());
    let signing_input = format!("{header}.{payload}");
    let signature = URL_SAFE_NO_PAD.encode(mac(secret, signing_input.as_bytes()).finalize().into_bytes());
    format!("{signing_input}.{signature}")
}

/// Why a token was refused; the text follows the Go JWT library's wording that GoTrue echoes.
#[derive(Debug, PartialEq, Eq)]
pub struct JwtError(pub &'static str);

/// Verifies signature and expiry (`now` in Unix seconds) and returns the claims.
pub fn verify(secret: &str, token: &str, now: i64) -> Result<Value, JwtError> {
    let mut parts = token.split('.');
    let (Some(header), Some(payload), Some(signature), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        return Err(JwtError("token is malformed: token contains an invalid number of segments"));
    };
    let header: Value = decode_segment(header)?;
    if header.get("alg").and_then(Value::as_str) != Some("HS256") {
        return Err(JwtError("token is unverifiable: signing method is not HS256"));
    }
    let signature = URL_SAFE_NO_PAD
        .decode(signature)
        .map_err(|_| JwtError("token signature is invalid: illegal base64 data"))?;
    let signing_input_len = token.len() - token.rsplit('.').next().map_or(0, str::len) - 1;
    mac(secret, &token.as_bytes()[..signing_input_len])
        .verify_slice(&signature)
        .map_err(|_| JwtError("token signature is invalid: signature is invalid"))?;
    let claims: Value = decode_segment(payload)?;
    match claims.get("exp").and_then(Value::as_f64) {
        Some(exp) if (exp as i64) <= now => Err(JwtError("token has invalid claims: token is expired")),
        _ => Ok(claims),
    }
}

fn decode_segment(segment: &str) -> Result<Value, JwtError> {
    let bytes = URL_SAFE_NO_PAD
        .decode(segment.trim_end_matches('='))
        .map_err(|_| JwtError("token is malformed: could not base64 decode segment"))?;
    serde_json::from_slice(&bytes).map_err(|_| JwtError("token is malformed: could not JSON decode segment"))
}

fn mac(secret: &str, data: &[u8]) -> HmacSha256 {
    // HMAC accepts keys of any length, so this cannot fail.
    let mut mac = HmacSha256::new_from_slice(secret.as_bytes()).unwrap_or_else(|_| unreachable!("HMAC takes any key length"));
    mac.update(data);
    mac
}

/// An API key as `supabase start` prints them: a long-lived JWT with only a role.
pub fn api_key(secret: &str, role: &str, now: i64) -> String {
    sign(secret, &json!({"iss": "supabase-demo", "role": role, "iat": now, "exp": now + 10 * 365 * 24 * 3600}))
}

#[cfg(test)]
mod tests {
    use super::*;
    const SECRET: &str = "a-secret-of-at-least-thirty-two-characters";

    #[test]
    fn round_trip_and_tamper() {
        let token = sign(SECRET, &json!({"sub": "u", "exp": 200}));
        assert_eq!(verify(SECRET, &token, 100).unwrap()["sub"], "u");
        assert_eq!(verify(SECRET, &token, 200), Err(JwtError("token has invalid claims: token is expired")));
        assert!(verify("another-secret-of-at-least-thirty-two-chars", &token, 100).is_err());
        let mut forged = token.clone();
        forged.replace_range(token.len() - 3.., "AAA");
        assert!(verify(SECRET, &forged, 100).is_err());
        assert!(verify(SECRET, "not-a-jwt", 100).is_err());
    }
}
