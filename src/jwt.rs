//! What a JWT says about itself, read without checking its signature: the server checks that.
//! The client only plans with the claims (when to refresh, whose reset a token is).

use base64::alphabet::URL_SAFE;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use base64::Engine;

use crate::json::JsonValue;

/// Base64url, padded or not (RFC 7515 says unpadded; some issuers pad).
const BASE64URL: GeneralPurpose = GeneralPurpose::new(&URL_SAFE, GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent));

/// The claims object of a compact JWT (`header.payload.signature`), if it is one.
pub fn claims(token: &str) -> Option<JsonValue> {
    let mut parts = token.split('.');
    let (Some(_), Some(payload), Some(_), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else { return None };
    let bytes = BASE64URL.decode(payload).ok()?;
    let claims = JsonValue::parse(std::str::from_utf8(&bytes).ok()?)?;
    matches!(claims, JsonValue::Object(_)).then_some(claims)
}

#[cfg(test)]
mod tests {
    use super::claims;

    #[test]
    fn reads_the_payload_and_refuses_what_is_not_a_jwt() {
        // {"exp":1796458315,"type":"auth"}
        let token = "eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjE3OTY0NTgzMTUsInR5cGUiOiJhdXRoIn0.c2ln";
        let c = claims(token).expect("claims");
        assert_eq!((c.f64_field("exp"), c.str_field("type")), (Some(1_796_458_315.0), Some("auth")));
        assert!(claims("eyJleHAiOjF9").is_none(), "one part");
        assert!(claims("a.b.c.d").is_none(), "four parts");
        assert!(claims("a.!!!.c").is_none(), "not base64url");
        assert!(claims("a.WzFd.c").is_none(), "[1] is not a claims object");
    }
}
