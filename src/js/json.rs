//! JSON through the host's `JSON.parse`/`JSON.stringify`: no JSON parser in the wasm binary.

use serde::{de::DeserializeOwned, Serialize};
use wasm_bindgen::JsValue;

use crate::http::Json;

/// The runtime's JSON.
pub struct JsJson;

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
