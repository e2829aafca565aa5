//! The JavaScript facades' host: `fetch` through `host.js` (one boundary crossing per request),
//! timers, and JSON text handed to JavaScript as objects; the clock, randomness and the global
//! object are the runtime's (`crate::runtime`, shared with the Rust API).

use wasm_bindgen::prelude::*;
use wasm_bindgen::{JsCast, JsValue};

#[cfg(feature = "client")]
pub use crate::runtime::global;
pub use crate::runtime::in_browser_document;
#[cfg(feature = "client")]
pub use crate::runtime::JsHost;
#[cfg(any(feature = "admin", feature = "wacht-admin"))]
pub use crate::runtime::in_browser_worker;
use wasm_bindgen_futures::JsFuture;

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

/// JSON text written by `JsonValue` as a plain JavaScript value: one `JSON.parse` is faster
/// than building the object member by member across the boundary.
#[cfg(any(feature = "client", feature = "admin"))]
pub fn parse(json: &str) -> JsValue {
    js_sys::JSON::parse(json).unwrap_or(JsValue::NULL)
}
