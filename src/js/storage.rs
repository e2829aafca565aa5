//! Storage backends that need JavaScript: Web Storage (`sessionStorage`, `localStorage`) and a
//! caller's object with `getItem/setItem/removeItem`.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::error::{AuthError, ErrorCode, Result};
use crate::storage::Store;

fn storage_error(action: &str) -> AuthError {
    AuthError::new(ErrorCode::StorageError, format!("storage: {action} failed"))
}

/// `sessionStorage` or `localStorage`.
pub struct WebStore(web_sys::Storage);

impl Store for WebStore {
    fn get(&self, key: &str) -> Result<Option<String>> {
        self.0.get_item(key).map_err(|_| storage_error("getItem"))
    }
    fn set(&self, key: &str, value: &str) -> Result<()> {
        self.0.set_item(key, value).map_err(|_| storage_error("setItem"))
    }
    fn remove(&self, key: &str) -> Result<()> {
        self.0.remove_item(key).map_err(|_| storage_error("removeItem"))
    }
}

/// True in a real browser document. Deno defines `window` and an in-memory `sessionStorage`,
/// Node and workers define neither `document` nor Web Storage: all of them get memory.
pub fn in_browser_document() -> bool {
    js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str("document")).is_ok_and(|d| d.is_object())
}

/// The named Web Storage when it exists and accepts a write (it throws in some private modes).
pub fn web_storage(name: &str) -> Option<WebStore> {
    let storage: web_sys::Storage = js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str(name)).ok()?.dyn_into().ok()?;
    let probe = "wasm-auth-client:probe";
    storage.set_item(probe, "1").ok()?;
    storage.remove_item(probe).ok()?;
    Some(WebStore(storage))
}

/// Any object with `getItem/setItem/removeItem` (a cookie or KV adapter, a test double).
pub struct CustomStore(JsValue);

impl CustomStore {
    /// Checks the three methods exist.
    pub fn new(object: JsValue) -> Option<CustomStore> {
        let has = |name: &str| js_sys::Reflect::get(&object, &JsValue::from_str(name)).is_ok_and(|f| f.is_function());
        (has("getItem") && has("setItem") && has("removeItem")).then_some(CustomStore(object))
    }

    fn call(&self, name: &str, args: &[&JsValue]) -> Result<JsValue> {
        let method: js_sys::Function = js_sys::Reflect::get(&self.0, &JsValue::from_str(name))
            .ok()
            .and_then(|f| f.dyn_into().ok())
            .ok_or_else(|| storage_error(name))?;
        let result = match args {
            [a] => method.call1(&self.0, a),
            [a, b] => method.call2(&self.0, a, b),
            _ => method.call0(&self.0),
        };
        result.map_err(|_| storage_error(name))
    }
}

impl Store for CustomStore {
    fn get(&self, key: &str) -> Result<Option<String>> {
        Ok(self.call("getItem", &[&JsValue::from_str(key)])?.as_string())
    }
    fn set(&self, key: &str, value: &str) -> Result<()> {
        self.call("setItem", &[&JsValue::from_str(key), &JsValue::from_str(value)]).map(|_| ())
    }
    fn remove(&self, key: &str) -> Result<()> {
        self.call("removeItem", &[&JsValue::from_str(key)]).map(|_| ())
    }
}
