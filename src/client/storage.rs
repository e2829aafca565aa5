//! Web Storage through `web-sys`, for the Rust API (`sessionStorage`, `localStorage`).

use crate::error::{AuthError, ErrorCode, Result};
use crate::storage::Store;

/// One of the window's Web Storage areas.
pub struct WebStore(web_sys::Storage);

impl WebStore {
    /// `sessionStorage` (`local: false`) or `localStorage`; `None` outside a browser document or
    /// where the browser refuses it (some private modes).
    pub fn open(local: bool) -> Option<WebStore> {
        let window = web_sys::window()?;
        let storage = if local { window.local_storage() } else { window.session_storage() };
        storage.ok().flatten().map(WebStore)
    }
}

fn failed(what: &str) -> AuthError {
    AuthError::new(ErrorCode::StorageError, format!("storage: {what} failed"))
}

impl Store for WebStore {
    fn get(&self, key: &str) -> Result<Option<String>> {
        self.0.get_item(key).map_err(|_| failed("reading"))
    }
    fn set(&self, key: &str, value: &str) -> Result<()> {
        self.0.set_item(key, value).map_err(|_| failed("writing"))
    }
    fn remove(&self, key: &str) -> Result<()> {
        self.0.remove_item(key).map_err(|_| failed("removing"))
    }
}
