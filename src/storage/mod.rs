//! Where the session record lives. Backends: Web Storage (session/local, wasm only), memory,
//! and any object with `getItem/setItem/removeItem` (wasm only). Synchronous, so the cached
//! user can be read without waiting.

mod memory;

pub use memory::MemoryStore;

use crate::error::Result;

/// A string key/value store.
pub trait Store {
    /// The value under `key`, if any.
    fn get(&self, key: &str) -> Result<Option<String>>;
    /// Stores `value` under `key`.
    fn set(&self, key: &str, value: &str) -> Result<()>;
    /// Removes `key`.
    fn remove(&self, key: &str) -> Result<()>;
}

/// A shared store is a store.
impl<S: Store + ?Sized> Store for std::rc::Rc<S> {
    fn get(&self, key: &str) -> Result<Option<String>> {
        (**self).get(key)
    }
    fn set(&self, key: &str, value: &str) -> Result<()> {
        (**self).set(key, value)
    }
    fn remove(&self, key: &str) -> Result<()> {
        (**self).remove(key)
    }
}

/// The key names derived from the configured `storageKey`.
#[derive(Debug, Clone)]
pub struct Keys {
    /// The session record: the `storageKey` itself.
    pub session: String,
    /// The address a recovery email went to, until it is verified.
    pub recovery_email: String,
    /// The PKCE verifier of a pending link-based recovery.
    pub code_verifier: String,
    /// Until when (Unix seconds) a recovery link's tokens are expected back.
    pub pending_flow: String,
    /// The token a platform's server gave this client (Wacht's development session).
    pub client_token: String,
}

/// The default `storageKey`.
pub const DEFAULT_STORAGE_KEY: &str = "wasm-auth-client";

impl Keys {
    /// Keys for `storage_key`.
    pub fn new(prefix: &str) -> Self {
        Keys {
            session: prefix.to_string(),
            recovery_email: crate::text::cat(&[prefix, ":recovery-email"]),
            code_verifier: crate::text::cat(&[prefix, ":code-verifier"]),
            pending_flow: crate::text::cat(&[prefix, ":pending-flow"]),
            client_token: crate::text::cat(&[prefix, ":client-token"]),
        }
    }
}
