//! The client as wasm in Node (wasm-bindgen-test `--node`), against the devserver named by
//! `DEVSERVER_URL` at compile time: no Web Storage there, so memory is the default.
#![cfg(all(target_arch = "wasm32", feature = "client"))]

use js_sys::{Object, Reflect};
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::wasm_bindgen_test as test;
use wasm_auth_client::{is_auth_error, JsAuthClient as AuthClient};

/// The devserver these tests run against, fixed when they are built (`scripts/with-devserver.sh`).
/// Checked when a test runs, not when it compiles, so the tests build (and lint) without one.
fn server() -> &'static str {
    match option_env!("DEVSERVER_URL") {
        Some(url) => url,
        None => panic!("build with DEVSERVER_URL (scripts/with-devserver.sh)"),
    }
}

fn obj(pairs: &[(&str, &str)]) -> JsValue {
    let o = Object::new();
    for (k, v) in pairs {
        Reflect::set(&o, &JsValue::from_str(k), &JsValue::from_str(v)).unwrap();
    }
    o.into()
}

fn get(value: &JsValue, key: &str) -> JsValue {
    Reflect::get(value, &JsValue::from_str(key)).unwrap()
}

#[test]
async fn memory_is_the_default_and_errors_are_typed() {
    assert!(Reflect::get(&js_sys::global(), &JsValue::from_str("sessionStorage")).unwrap().is_undefined());
    let auth = AuthClient::new(obj(&[("url", server())])).unwrap();
    assert!(auth.get_cached_user().is_null());
    let error = JsFuture::from(auth.get_user()).await.unwrap_err();
    assert!(is_auth_error(&error));
    assert_eq!(get(&error, "code").as_string().unwrap(), "not_authenticated");

    let email = format!("node-{}@wasm.test", js_sys::Math::random().to_bits());
    let signup = obj(&[("email", &email), ("password", "first-password-1")]);
    let init = web_sys::RequestInit::new();
    init.set_method("POST");
    init.set_body(&js_sys::JSON::stringify(&signup).unwrap());
    let fetch: js_sys::Function = Reflect::get(&js_sys::global(), &JsValue::from_str("fetch")).unwrap().into();
    let url = JsValue::from_str(&format!("{}/signup", server()));
    JsFuture::from(js_sys::Promise::from(fetch.call2(&JsValue::NULL, &url, &init).unwrap())).await.unwrap();

    JsFuture::from(auth.sign_in_with_email(obj(&[("email", &email), ("password", "first-password-1")]))).await.unwrap();
    assert_eq!(get(&auth.get_cached_user(), "email").as_string().unwrap(), email);
    let user = JsFuture::from(auth.get_user()).await.unwrap();
    assert_eq!(get(&user, "email").as_string().unwrap(), email);
    // Another client in the same process does not share the memory store.
    assert!(AuthClient::new(obj(&[("url", server())])).unwrap().get_cached_user().is_null());
    let wrong = JsFuture::from(auth.sign_in_with_email(obj(&[("email", &email), ("password", "wrong-password")]))).await.unwrap_err();
    assert_eq!(get(&wrong, "code").as_string().unwrap(), "invalid_credentials");
    assert_eq!(get(&wrong, "status").as_f64().unwrap(), 400.0);
}
