//! The JavaScript runtime as both facades see it (the npm package's and the Rust API): the clock,
//! randomness and the global object. wasm32 only.

#[cfg(any(feature = "client", feature = "rust"))]
use wasm_bindgen::JsCast;
use wasm_bindgen::JsValue;

#[cfg(any(feature = "client", feature = "rust"))]
use crate::http::Host;

/// The runtime's clock and randomness.
#[cfg(any(feature = "client", feature = "rust"))]
pub struct JsHost;

#[cfg(any(feature = "client", feature = "rust"))]
impl Host for JsHost {
    fn now(&self) -> f64 {
        js_sys::Date::now() / 1000.0
    }

    fn random_bytes(&self) -> Option<[u8; 64]> {
        let crypto = global("crypto").filter(JsValue::is_object)?;
        let fill: js_sys::Function = js_sys::Reflect::get(&crypto, &JsValue::from_str("getRandomValues")).ok()?.dyn_into().ok()?;
        let array = js_sys::Uint8Array::new_with_length(64);
        fill.call1(&crypto, &array).ok()?;
        let mut bytes = [0u8; 64];
        array.copy_to(&mut bytes);
        Some(bytes)
    }
}

/// A property of the global object (`globalThis.name`), unless undefined or null. Browsers,
/// workers, Node, Deno and workerd all have a global object; not all have `window`.
pub fn global(name: &str) -> Option<JsValue> {
    js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str(name)).ok().filter(|v| !v.is_undefined() && !v.is_null())
}

/// True in a real browser document. Deno defines `window` and an in-memory `sessionStorage`,
/// Node and workers define neither `document` nor Web Storage: all of them get memory.
pub fn in_browser_document() -> bool {
    global("document").is_some_and(|d| d.is_object())
}

/// True in a browser's dedicated, shared or service worker: they run beside pages of the same
/// origin and take their scripts from it. Server runtimes (workerd, Deno, Node, Bun) have no
/// `importScripts`.
#[cfg(any(feature = "admin", feature = "wacht-admin"))]
pub fn in_browser_worker() -> bool {
    global("WorkerGlobalScope").is_some() && global("importScripts").is_some_and(|f| f.is_function())
}

