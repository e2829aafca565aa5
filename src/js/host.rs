//! The JavaScript host: the clock, timers, randomness and `fetch`, the last through `host.js`
//! (one boundary crossing per request), and JSON text handed to JavaScript as objects.

use wasm_bindgen::prelude::*;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

#[cfg(feature = "client")]
use crate::http::Host;
use crate::http::{HttpRequest, HttpResponse, Io, TransportError};

#[wasm_bindgen(module = "/src/js/host.js")]
extern "C" {
    fn send(method: &str, url: &str, headers: js_sys::Array, body: Option<String>, timeout_ms: u32) -> js_sys::Promise;
    fn sleep(ms: u32) -> js_sys::Promise;
}

#[wasm_bindgen]
extern "C" {
    // The global functions, not `window.*`: workers and servers have no window.
    #[wasm_bindgen(js_name = setTimeout)]
    pub fn set_timeout(handler: &js_sys::Function, ms: i32) -> JsValue;
    #[wasm_bindgen(js_name = clearTimeout)]
    pub fn clear_timeout(id: &JsValue);
}

/// The runtime's clock and randomness.
#[cfg(feature = "client")]
pub struct JsHost;

#[cfg(feature = "client")]
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

/// `fetch` with a per-request timeout, and `setTimeout` for waits.
#[derive(Clone, Copy)]
pub struct Fetch {
    /// Milliseconds before a request is aborted.
    pub timeout_ms: u32,
}

impl Io for Fetch {
    async fn sleep(&self, ms: u32) {
        let _ = JsFuture::from(sleep(ms)).await;
    }

    async fn send(&self, request: &HttpRequest) -> Result<HttpResponse, TransportError> {
        // Name/value pairs, as `fetch` takes them: a value can never become a second header,
        // whatever it holds (fetch itself refuses line breaks in values).
        let headers = js_sys::Array::new();
        for (name, value) in &request.headers {
            headers.push(&js_sys::Array::of2(&JsValue::from_str(name), &JsValue::from_str(value)));
        }
        let answer = JsFuture::from(send(request.method, &request.url, headers, request.body.clone(), self.timeout_ms))
            .await
            .unwrap_or_else(|_| JsValue::from_str("network"));
        if answer.as_string().is_some_and(|failure| failure == "timeout") {
            return Err(TransportError::Timeout);
        }
        let Some(answer) = answer.dyn_ref::<js_sys::Array>() else { return Err(TransportError::Network) };
        Ok(HttpResponse {
            status: answer.get(0).as_f64().map_or(0, |s| s as u16),
            body: answer.get(1).as_string().unwrap_or_default(),
            error_code_header: answer.get(2).as_string(),
            retry_after_header: answer.get(3).as_string(),
            session_token_header: answer.get(4).as_string(),
        })
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

/// JSON text written by `JsonValue` as a plain JavaScript value: one `JSON.parse` is faster
/// than building the object member by member across the boundary.
#[cfg(any(feature = "client", feature = "admin"))]
pub fn parse(json: &str) -> JsValue {
    js_sys::JSON::parse(json).unwrap_or(JsValue::NULL)
}
