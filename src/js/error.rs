//! `AuthError` as JavaScript sees it: an instance of the package's `AuthError` class (a real
//! `Error` subclass, registered by the entry module), or a plain `Error` named `AuthError` when
//! the raw module is used without the entry; `isAuthError` accepts both.

use std::cell::RefCell;

use wasm_bindgen::prelude::*;

use crate::error::AuthError;

thread_local! {
    static AUTH_ERROR_CLASS: RefCell<Option<js_sys::Function>> = const { RefCell::new(None) };
}

/// Called once by the package entry with its `AuthError` class.
#[wasm_bindgen(js_name = __setAuthErrorClass, skip_typescript)]
pub fn set_auth_error_class(class: js_sys::Function) {
    AUTH_ERROR_CLASS.with(|c| *c.borrow_mut() = Some(class));
}

fn set(target: &JsValue, key: &str, value: &JsValue) {
    // Setting a data property on a fresh Error object cannot fail.
    let _ = js_sys::Reflect::set(target, &JsValue::from_str(key), value);
}

/// Builds the JS error for `error`.
pub fn to_js(error: AuthError) -> JsValue {
    let message = JsValue::from_str(&error.message);
    let constructed = AUTH_ERROR_CLASS.with(|c| {
        c.borrow().as_ref().and_then(|class| js_sys::Reflect::construct(class, &js_sys::Array::of1(&message)).ok())
    });
    let js = constructed.unwrap_or_else(|| js_sys::Error::new(&error.message).into());
    set(&js, "name", &JsValue::from_str("AuthError"));
    set(&js, "code", &JsValue::from_str(error.code.as_str()));
    set(&js, "status", &JsValue::from(error.status));
    if !error.reasons.is_empty() {
        let reasons: js_sys::Array = error.reasons.iter().map(|r| JsValue::from_str(r)).collect();
        set(&js, "reasons", &reasons);
    }
    if let Some(seconds) = error.retry_after {
        set(&js, "retryAfter", &JsValue::from(seconds));
    }
    if let Some(code) = &error.server_code {
        set(&js, "serverCode", &JsValue::from_str(code));
    }
    if let Some(id) = &error.request_id {
        set(&js, "requestId", &JsValue::from_str(id));
    }
    js
}

/// True for errors thrown by this package, across bundles and realms (no `instanceof`).
#[wasm_bindgen(js_name = isAuthError, unchecked_return_type = "error is AuthError")]
pub fn is_auth_error(#[wasm_bindgen(unchecked_param_type = "unknown")] error: &JsValue) -> bool {
    let get = |key: &str| js_sys::Reflect::get(error, &JsValue::from_str(key)).ok();
    error.is_object()
        && get("name").and_then(|n| n.as_string()).as_deref() == Some("AuthError")
        && get("code").is_some_and(|c| c.is_string())
}
