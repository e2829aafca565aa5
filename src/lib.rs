//! wasm-auth-client: the password-lifecycle client for Supabase Auth (GoTrue).
//!
//! The client itself lands with the AuthClient issue; this crate is the workspace root.
#![deny(missing_docs)]

/// The version of this package, as JavaScript sees it.
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}
