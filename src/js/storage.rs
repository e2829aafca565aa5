//! Storage backends that need JavaScript: Web Storage (`sessionStorage`, `localStorage`) and a
//! caller's object with `getItem/setItem/removeItem`.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::error::{AuthError, ErrorCode, Result};
use crate::storage::Store;

use super::host::global;

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

/// The named Web Storage when it exists and accepts a write (it throws in some private modes).
pub fn web_storage(name: &str) -> Option<WebStore> {
    let storage: web_sys::Storage = global(name)?.dyn_into().ok()?;
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

/// A caller's store whose methods return Promises (IndexedDB, `chrome.storage`, a KV binding).
/// The client works from an in-memory copy: filled once at start (every call waits for that),
/// and written through, one write after the other, in order.
pub struct AsyncCustomStore {
    copy: crate::storage::MemoryStore,
    target: JsValue,
    writes: std::rc::Rc<WriteQueue>,
}

#[derive(Default)]
struct WriteQueue {
    pending: std::cell::RefCell<std::collections::VecDeque<(&'static str, Vec<JsValue>)>>,
    running: std::cell::Cell<bool>,
}

impl AsyncCustomStore {
    pub fn new(target: CustomStore) -> Self {
        AsyncCustomStore { copy: Default::default(), target: target.0, writes: Default::default() }
    }

    /// Reads `keys` from the target into the copy.
    pub async fn fill(&self, keys: &[&str]) {
        for key in keys {
            let value = match CustomStore(self.target.clone()).call("getItem", &[&JsValue::from_str(key)]) {
                Ok(value) => wasm_bindgen_futures::JsFuture::from(js_sys::Promise::resolve(&value)).await.ok().and_then(|v| v.as_string()),
                Err(_) => None,
            };
            if let Some(value) = value {
                let _ = self.copy.set(key, &value);
            }
        }
    }

    fn enqueue(&self, method: &'static str, args: Vec<JsValue>) {
        self.writes.pending.borrow_mut().push_back((method, args));
        if self.writes.running.replace(true) {
            return;
        }
        let (queue, target) = (self.writes.clone(), self.target.clone());
        wasm_bindgen_futures::spawn_local(async move {
            loop {
                let next = queue.pending.borrow_mut().pop_front();
                let Some((method, args)) = next else { break };
                let refs: Vec<&JsValue> = args.iter().collect();
                if let Ok(result) = CustomStore(target.clone()).call(method, &refs) {
                    // A failed write is dropped: the in-memory copy stays right for this client.
                    let _ = wasm_bindgen_futures::JsFuture::from(js_sys::Promise::resolve(&result)).await;
                }
            }
            queue.running.set(false);
        });
    }
}

impl Store for AsyncCustomStore {
    fn get(&self, key: &str) -> Result<Option<String>> {
        self.copy.get(key)
    }
    fn set(&self, key: &str, value: &str) -> Result<()> {
        self.copy.set(key, value)?;
        self.enqueue("setItem", vec![JsValue::from_str(key), JsValue::from_str(value)]);
        Ok(())
    }
    fn remove(&self, key: &str) -> Result<()> {
        self.copy.remove(key)?;
        self.enqueue("removeItem", vec![JsValue::from_str(key)]);
        Ok(())
    }
}

impl CustomStore {
    /// True when `getItem` answers with a Promise (or any thenable).
    pub fn is_async(&self, probe_key: &str) -> bool {
        self.call("getItem", &[&JsValue::from_str(probe_key)])
            .ok()
            .and_then(|v| js_sys::Reflect::get(&v, &JsValue::from_str("then")).ok())
            .is_some_and(|then| then.is_function())
    }
}
