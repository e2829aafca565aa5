//! The JavaScript runtime as the Rust API sees it: the clock, randomness and the global object.
//! wasm32 only (the npm package's host is JavaScript: `pkg-template/host.js`).

use wasm_bindgen::JsCast;
use wasm_bindgen::JsValue;

use crate::http::Host;

/// The runtime's clock and randomness.
pub struct JsHost;

impl Host for JsHost {
    fn now(&self) -> f64 {
        js_sys::Date::now() / 1000.0
    }

    fn random_bytes(&self) -> Option<[u8; 64]> {
        let mut bytes = [0u8; 64];
        fill_random(&mut bytes).then_some(bytes)
    }
}

/// `crypto.getRandomValues` into `buf` (GenAuth's encryption, PKCE); false where there is none.
pub fn fill_random(buf: &mut [u8]) -> bool {
    let Some(crypto) = global("crypto").filter(JsValue::is_object) else { return false };
    let Some(fill) = js_sys::Reflect::get(&crypto, &JsValue::from_str("getRandomValues")).ok().and_then(|f| f.dyn_into::<js_sys::Function>().ok()) else { return false };
    // getRandomValues takes at most 65536 bytes at a time.
    for chunk in buf.chunks_mut(65_536) {
        let array = js_sys::Uint8Array::new_with_length(chunk.len() as u32);
        if fill.call1(&crypto, &array).is_err() {
            return false;
        }
        array.copy_to(chunk);
    }
    true
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


