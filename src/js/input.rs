//! Reading the caller's objects: request objects whole, as JSON (see `crate::fields`); the
//! constructors' options field by field, since they may hold functions and storage objects.

use wasm_bindgen::JsValue;

use crate::error::{AuthError, Result};
use crate::fields::Fields;
use crate::json::JsonValue;

/// A request object's members. Values JSON cannot hold (functions, `undefined`) read as absent.
pub fn fields(value: &JsValue, what: &str) -> Result<Fields> {
    object(value, what)?;
    let text = js_sys::JSON::stringify(value).ok().and_then(|s| s.as_string());
    // Throws for cycles and BigInts; `toJSON` may also return something that is not an object.
    let parsed = text.as_deref().and_then(JsonValue::parse).ok_or_else(|| AuthError::invalid_input(what, "must be plain data"))?;
    Fields::new(parsed, what)
}

/// `value` must be a plain object (`what` names it in the error).
pub fn object(value: &JsValue, what: &str) -> Result<JsValue> {
    if value.is_object() && !js_sys::Array::is_array(value) {
        Ok(value.clone())
    } else {
        Err(AuthError::invalid_input(what, "must be an object"))
    }
}

fn field(object: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(object, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// An optional string member; `null` and `undefined` are absent.
pub fn optional_string(object: &JsValue, key: &str) -> Result<Option<String>> {
    let value = field(object, key);
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    value.as_string().map(Some).ok_or_else(|| AuthError::invalid_input(key, "must be a string"))
}

/// A required string member.
pub fn string(object: &JsValue, key: &str) -> Result<String> {
    optional_string(object, key)?.ok_or_else(|| AuthError::invalid_input(key, "is required"))
}

/// An optional number member.
pub fn optional_number(object: &JsValue, key: &str) -> Result<Option<f64>> {
    let value = field(object, key);
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    value.as_f64().map(Some).ok_or_else(|| AuthError::invalid_input(key, "must be a number"))
}

/// A member as it is (for unions such as `storage`).
pub fn raw(object: &JsValue, key: &str) -> JsValue {
    field(object, key)
}

/// A `Record<string, string>` member, as pairs.
#[cfg(any(feature = "gotrue", feature = "admin", feature = "wristband"))]
pub fn string_record(object: &JsValue, key: &str) -> Result<Vec<(String, String)>> {
    let value = field(object, key);
    if value.is_undefined() || value.is_null() {
        return Ok(Vec::new());
    }
    let record = self::object(&value, key)?;
    let entries = js_sys::Object::entries(&js_sys::Object::from(record));
    entries
        .iter()
        .map(|entry| {
            let pair = js_sys::Array::from(&entry);
            match (pair.get(0).as_string(), pair.get(1).as_string()) {
                (Some(k), Some(v)) => crate::validate::header(key, &k, &v).map(|()| (k, v)),
                _ => Err(AuthError::invalid_input(key, "values must be strings")),
            }
        })
        .collect()
}
