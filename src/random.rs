//! Cryptographic randomness for GenAuth's password encryption, from wherever the client runs:
//! the system natively, the JavaScript host in the npm build, `crypto.getRandomValues` in the
//! Rust API. No getrandom backend on wasm32: no cfg for a downstream build to set, and no
//! wasm-bindgen glue in the npm build for it.

/// Fills `dst`; false when no secure source is available.
pub(crate) fn fill(dst: &mut [u8]) -> bool {
    #[cfg(not(target_arch = "wasm32"))]
    return getrandom::fill(dst).is_ok();
    #[cfg(all(target_arch = "wasm32", feature = "rust"))]
    return crate::runtime::fill_random(dst);
    #[cfg(all(target_arch = "wasm32", not(feature = "rust"), any(feature = "client", feature = "admin", feature = "wacht-admin")))]
    return crate::npm::random(dst);
    #[cfg(all(target_arch = "wasm32", not(feature = "rust"), not(any(feature = "client", feature = "admin", feature = "wacht-admin"))))]
    {
        let _ = dst;
        false
    }
}

/// [`fill`] as a `rand_core` generator, for the RustCrypto ciphers.
pub(crate) struct Randomness;

/// No secure source of randomness here.
#[derive(Debug)]
pub(crate) struct NoRandomness;

impl core::fmt::Display for NoRandomness {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("no secure randomness")
    }
}

impl core::error::Error for NoRandomness {}

impl rand_core::TryRng for Randomness {
    type Error = NoRandomness;

    fn try_next_u32(&mut self) -> Result<u32, NoRandomness> {
        let mut bytes = [0; 4];
        self.try_fill_bytes(&mut bytes)?;
        Ok(u32::from_le_bytes(bytes))
    }

    fn try_next_u64(&mut self) -> Result<u64, NoRandomness> {
        let mut bytes = [0; 8];
        self.try_fill_bytes(&mut bytes)?;
        Ok(u64::from_le_bytes(bytes))
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), NoRandomness> {
        if fill(dst) {
            Ok(())
        } else {
            Err(NoRandomness)
        }
    }
}

impl rand_core::TryCryptoRng for Randomness {}
