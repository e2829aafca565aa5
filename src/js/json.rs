//! The JavaScript host: JSON through `JSON.parse`/`JSON.stringify` (no JSON parser in the wasm
//! binary), `Date.now()` and `setTimeout`.

use wasm_bindgen::prelude::*;
use wasm_bindgen::{JsCast, JsValue};

use crate::http::{Host, Json};
use crate::json::JsonValue;

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
    fn parse(&self, text: &str) -> Option<JsonValue> {
        from_js(&js_sys::JSON::parse(text).ok()?, 0)
    }

    fn stringify(&self, value: &JsonValue) -> String {
        js_sys::JSON::stringify(&to_js(value)).ok().and_then(|s| s.as_string()).unwrap_or_default()
    }
}

/// Deeper than this is not an auth answer; refusing it keeps recursion (and the stack) bounded.
const MAX_DEPTH: usize = 64;

/// A JSON-shaped JS value (what `JSON.parse` returns) as a `JsonValue`.
pub fn from_js(value: &JsValue, depth: usize) -> Option<JsonValue> {
    if depth > MAX_DEPTH {
        return None;
    }
    if value.is_null() || value.is_undefined() {
        return Some(JsonValue::Null);
    }
    if let Some(b) = value.as_bool() {
        return Some(JsonValue::Bool(b));
    }
    if let Some(n) = value.as_f64() {
        return Some(JsonValue::Number(n));
    }
    if let Some(s) = value.as_string() {
        return Some(JsonValue::String(s));
    }
    if js_sys::Array::is_array(value) {
        let array: &js_sys::Array = value.unchecked_ref();
        return array.iter().map(|item| from_js(&item, depth + 1)).collect::<Option<Vec<_>>>().map(JsonValue::Array);
    }
    if value.is_object() {
        let mut members = Vec::new();
        for entry in js_sys::Object::entries(value.unchecked_ref()).iter() {
            let pair: js_sys::Array = entry.unchecked_into();
            members.push((pair.get(0).as_string()?, from_js(&pair.get(1), depth + 1)?));
        }
        return Some(JsonValue::Object(members));
    }
    None
}

/// A `JsonValue` as a plain JS value.
pub fn to_js(value: &JsonValue) -> JsValue {
    match value {
        JsonValue::Null => JsValue::NULL,
        JsonValue::Bool(b) => JsValue::from_bool(*b),
        JsonValue::Number(n) => JsValue::from_f64(*n),
        JsonValue::String(s) => JsValue::from_str(s),
        JsonValue::Array(items) => items.iter().map(to_js).collect::<js_sys::Array>().into(),
        JsonValue::Object(fields) => {
            let object = js_sys::Object::new();
            for (key, item) in fields {
                // Setting a data property on a fresh plain object cannot fail.
                let _ = js_sys::Reflect::set(&object, &JsValue::from_str(key), &to_js(item));
            }
            object.into()
        }
    }
}
