//! The JavaScript host: JSON through `JSON.parse`/`JSON.stringify` (no JSON parser in the wasm
//! binary), `Date.now()` and `setTimeout`.

use serde::{de::DeserializeOwned, Serialize};
use wasm_bindgen::prelude::*;
use wasm_bindgen::{JsCast, JsValue};

use crate::http::{Host, Json};

#[wasm_bindgen]
extern "C" {
    // The global functions, not `window.*`: workers and servers have no window.
    #[wasm_bindgen(js_name = setTimeout)]
    pub fn set_timeout(handler: &js_sys::Function, ms: i32) -> JsValue;
    #[wasm_bindgen(js_name = clearTimeout)]
    pub fn clear_timeout(id: &JsValue);
}

/// The runtime's JSON and clock.
pub struct JsJson;

impl Host for JsJson {
    fn now(&self) -> f64 {
        js_sys::Date::now() / 1000.0
    }

    async fn sleep(&self, ms: u32) {
        let promise = js_sys::Promise::new(&mut |resolve, _| {
            set_timeout(&resolve, ms.min(i32::MAX as u32) as i32);
        });
        let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
    }

    fn random_bytes(&self) -> Option<[u8; 64]> {
        let crypto = js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str("crypto")).ok().filter(|c| c.is_object())?;
        let fill: js_sys::Function = js_sys::Reflect::get(&crypto, &JsValue::from_str("getRandomValues")).ok()?.dyn_into().ok()?;
        let array = js_sys::Uint8Array::new_with_length(64);
        fill.call1(&crypto, &array).ok()?;
        let mut bytes = [0u8; 64];
        array.copy_to(&mut bytes);
        Some(bytes)
    }
}

impl Json for JsJson {
    fn parse<T: DeserializeOwned>(&self, text: &str) -> Option<T> {
        let value = js_sys::JSON::parse(text).ok()?;
        serde_wasm_bindgen::from_value(value).ok()
    }

    fn to_json<T: Serialize>(&self, value: &T) -> String {
        to_js(value).ok().and_then(|v| js_sys::JSON::stringify(&v).ok()).and_then(|s| s.as_string()).unwrap_or_default()
    }
}

/// A Rust value as a plain JS object (objects, not `Map`s).
pub fn to_js<T: Serialize>(value: &T) -> Result<JsValue, serde_wasm_bindgen::Error> {
    value.serialize(&serde_wasm_bindgen::Serializer::json_compatible())
}
