//! GenAuth's password encryption, as its browser SDKs do it: RSA PKCS#1 v1.5 with the service's
//! public key, base64 (jsencrypt's output); or SM2 in C1C3C2 order, lowercase hex without the
//! point's `04` prefix (sm-crypto's cipher mode 1). The RustCrypto `rsa` and `sm2` crates do the
//! cryptography (WebCrypto has neither SM2 nor PKCS#1 v1.5 encryption), each behind its feature
//! (`genauth-rsa`, `genauth-sm2`); randomness is the host's (`crate::random`).

#[cfg(feature = "genauth-rsa")]
use base64::Engine;
#[cfg(feature = "genauth-rsa")]
use rsa::pkcs8::DecodePublicKey;

use crate::error::{AuthError, ErrorCode};
use crate::json::JsonValue;

/// `passwordEncrypt` in the options; sent as `passwordEncryptType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encryption {
    /// Passwords as typed (over TLS).
    None,
    /// RSA PKCS#1 v1.5, base64.
    Rsa,
    /// SM2, C1C3C2, hex.
    Sm2,
}

impl Encryption {
    /// Whether this build can encrypt so (features `genauth-rsa`, `genauth-sm2`: the npm package
    /// has an entry per algorithm, so that an app ships only its own; the Rust API has both).
    pub fn available(self) -> bool {
        match self {
            Encryption::None => true,
            Encryption::Rsa => cfg!(feature = "genauth-rsa"),
            Encryption::Sm2 => cfg!(feature = "genauth-sm2"),
        }
    }

    /// The option's value (`'none' | 'rsa' | 'sm2'`).
    pub fn parse(name: &str) -> Option<Encryption> {
        match name {
            "none" => Some(Encryption::None),
            "rsa" => Some(Encryption::Rsa),
            "sm2" => Some(Encryption::Sm2),
            _ => None,
        }
    }

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Encryption::None => "none",
            Encryption::Rsa => "rsa",
            Encryption::Sm2 => "sm2",
        }
    }
}

/// The key of the chosen kind, from `GET /api/v3/system`.
pub enum PublicKey {
    /// The service's RSA key.
    #[cfg(feature = "genauth-rsa")]
    Rsa(rsa::PublicKey),
    /// The service's SM2 key.
    #[cfg(feature = "genauth-sm2")]
    Sm2(sm2::pke::EncryptingKey),
}

fn bad_key(kind: &str) -> AuthError {
    AuthError::new(ErrorCode::UnexpectedResponse, crate::text::cat(&["The service's ", kind, " public key could not be read"]))
}

#[cfg(feature = "genauth-sm2")]
fn unhex(text: &str) -> Option<Vec<u8>> {
    let text = text.trim();
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len()).step_by(2).map(|i| text.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok())).collect()
}

impl PublicKey {
    /// The key for `kind` from the system answer (`{rsa: {publicKey}, sm2: {publicKey}}`):
    /// RSA as PEM (or bare base64 SPKI), SM2 as the uncompressed point in hex (`04` optional).
    pub fn from_system(answer: &JsonValue, kind: Encryption) -> Result<PublicKey, AuthError> {
        let text = |name: &str| answer.get(name).and_then(|k| k.str_field("publicKey")).map(str::trim).filter(|k| !k.is_empty());
        let _ = &text;
        match kind {
            #[cfg(feature = "genauth-rsa")]
            Encryption::Rsa => {
                let pem = text("rsa").ok_or_else(|| bad_key("RSA"))?;
                let key = if pem.starts_with("-----") {
                    rsa::PublicKey::from_public_key_pem(pem).ok()
                } else {
                    let der = base64::engine::general_purpose::STANDARD.decode(pem.split_whitespace().collect::<String>()).ok();
                    der.and_then(|d| rsa::PublicKey::from_public_key_der(&d).ok())
                };
                key.map(PublicKey::Rsa).ok_or_else(|| bad_key("RSA"))
            }
            #[cfg(feature = "genauth-sm2")]
            Encryption::Sm2 => {
                let hex = text("sm2").ok_or_else(|| bad_key("SM2"))?;
                let hex = if hex.len() == 128 { crate::text::cat(&["04", hex]) } else { hex.to_string() };
                let point = unhex(&hex).ok_or_else(|| bad_key("SM2"))?;
                sm2::pke::EncryptingKey::from_sec1_bytes(&point).map(PublicKey::Sm2).map_err(|_| bad_key("SM2"))
            }
            other => Err(bad_key(other.as_str())),
        }
    }

    /// The ciphertext GenAuth expects for `password`.
    pub fn encrypt(&self, password: &str) -> Result<String, AuthError> {
        let failed = || AuthError::new(ErrorCode::UnexpectedResponse, "The password could not be encrypted (no system randomness?)");
        // Asked first, so that the ciphers (whose generator cannot fail) never meet a failure.
        if !crate::random::fill(&mut [0; 16]) {
            return Err(failed());
        }
        let mut rng = crate::random::Randomness;
        let _ = (&mut rng, password);
        match self {
            #[cfg(feature = "genauth-rsa")]
            PublicKey::Rsa(key) => {
                let mut rng = rand_core::UnwrapErr(rng);
                let bytes = key.encrypt(&mut rng, rsa::Pkcs1v15Encrypt, password.as_bytes()).map_err(|_| failed())?;
                Ok(base64::engine::general_purpose::STANDARD.encode(bytes))
            }
            #[cfg(feature = "genauth-sm2")]
            PublicKey::Sm2(key) => {
                let bytes = key.encrypt(&mut rng, password.as_bytes()).map_err(|_| failed())?;
                // C1 is the uncompressed point: sm-crypto (and GenAuth) leave its `04` off.
                let bytes = bytes.strip_prefix(&[4u8]).unwrap_or(&bytes);
                Ok(crate::text::hex(bytes))
            }
            // A build without either algorithm makes no key at all.
            #[allow(unreachable_patterns)]
            _ => Err(failed()),
        }
    }
}
