//! The service's password-encryption key pairs (`GET /api/v3/system` publishes the public halves):
//! generated on first use, in memory for the life of the process — development keys, never
//! stored or logged.

use std::sync::OnceLock;

use rsa::pkcs8::{EncodePublicKey, LineEnding};
use rsa::{Pkcs1v15Encrypt, PrivateKey};
use sm2::elliptic_curve::Generate;
use sm2::pke::DecryptingKey;

use super::error::{GenAuthError, GenAuthResult};

pub struct KeyPairs {
    rsa: PrivateKey,
    rsa_public_pem: String,
    sm2: DecryptingKey,
    /// Uncompressed SEC1 point, lowercase hex with the `04` prefix (as sm-crypto prints it).
    sm2_public_hex: String,
}

#[derive(Default)]
pub struct Keys(OnceLock<Result<KeyPairs, String>>);

impl std::fmt::Debug for Keys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Keys(<redacted>)")
    }
}

fn generate() -> Result<KeyPairs, String> {
    let mut rng = rand_core_10::UnwrapErr(getrandom::SysRng);
    let rsa = PrivateKey::new(&mut rng, 2048).map_err(|e| e.to_string())?;
    let rsa_public_pem = rsa.to_public_key().to_public_key_pem(LineEnding::LF).map_err(|e| e.to_string())?;
    let secret = sm2::SecretKey::generate_from_rng(&mut rng);
    let sm2 = DecryptingKey::new(secret);
    let sm2_public_hex = hex(&sm2.encrypting_key().to_sec1_bytes());
    Ok(KeyPairs { rsa, rsa_public_pem, sm2, sm2_public_hex })
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len()).step_by(2).map(|i| text.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok())).collect()
}

impl Keys {
    fn pairs(&self) -> GenAuthResult<&KeyPairs> {
        self.0.get_or_init(generate).as_ref().map_err(|e| {
            tracing::error!("GenAuth stand-in: key generation failed: {e}");
            GenAuthError::new(500, None, "Internal server error")
        })
    }

    /// `(rsa public key PEM, sm2 public key hex)`.
    pub fn public(&self) -> GenAuthResult<(String, String)> {
        let p = self.pairs()?;
        Ok((p.rsa_public_pem.clone(), p.sm2_public_hex.clone()))
    }

    /// A password as the client sent it: `none` as is; `rsa` base64 PKCS#1 v1.5; `sm2` C1C3C2
    /// lowercase hex, with or without the `04` prefix. Anything that does not decrypt to UTF-8
    /// is a 400 (the message never echoes the ciphertext).
    pub fn decrypt(&self, kind: Option<&str>, sent: &str) -> GenAuthResult<String> {
        let bad = || GenAuthError::invalid("The password could not be decrypted");
        let plain = match kind.unwrap_or("none") {
            "none" => return Ok(sent.to_string()),
            "rsa" => {
                use base64::Engine;
                let bytes = base64::engine::general_purpose::STANDARD.decode(sent.trim()).map_err(|_| bad())?;
                self.pairs()?.rsa.decrypt(Pkcs1v15Encrypt, &bytes).map_err(|_| bad())?
            }
            "sm2" => {
                let text = sent.trim().strip_prefix("sm2:").unwrap_or(sent.trim()).to_ascii_lowercase();
                // sm-crypto leaves the point's `04` off; others keep it. A bare ciphertext can
                // itself start with 04, so both readings are tried.
                let key = &self.pairs()?.sm2;
                let mut readings = vec![format!("04{text}")];
                if text.starts_with("04") {
                    readings.push(text);
                }
                readings.iter().filter_map(|r| unhex(r)).find_map(|bytes| key.decrypt(&bytes).ok()).ok_or_else(bad)?
            }
            _ => return Err(GenAuthError::invalid("passwordEncryptType must be none, rsa or sm2")),
        };
        String::from_utf8(plain).map_err(|_| bad())
    }
}
