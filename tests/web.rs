//! The client in headless Chromium (wasm-bindgen-test), against the devserver named by
//! `DEVSERVER_URL` at compile time (`scripts/with-devserver.sh` sets it): Web Storage defaults,
//! reloads, damaged records and the recovery flow in a real browser.
#![cfg(all(target_arch = "wasm32", feature = "client", feature = "admin"))]

use js_sys::{Object, Reflect, JSON};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::{wasm_bindgen_test as test, wasm_bindgen_test_configure};
use wasm_auth_client::{is_auth_error, JsAuthClient as AuthClient};

wasm_bindgen_test_configure!(run_in_browser);

const PASSWORD: &str = "first-password-1";

/// The devserver these tests run against, fixed when they are built (`scripts/with-devserver.sh`).
/// Checked when a test runs, not when it compiles, so the tests build (and lint) without one.
fn server() -> &'static str {
    match option_env!("DEVSERVER_URL") {
        Some(url) => url,
        None => panic!("build with DEVSERVER_URL (scripts/with-devserver.sh)"),
    }
}

fn obj(pairs: &[(&str, JsValue)]) -> JsValue {
    let o = Object::new();
    for (k, v) in pairs {
        Reflect::set(&o, &JsValue::from_str(k), v).unwrap();
    }
    o.into()
}

fn s(text: &str) -> JsValue {
    JsValue::from_str(text)
}

fn get(value: &JsValue, key: &str) -> JsValue {
    Reflect::get(value, &JsValue::from_str(key)).unwrap()
}

fn window() -> web_sys::Window {
    js_sys::global().unchecked_into()
}

fn session_storage() -> web_sys::Storage {
    window().session_storage().unwrap().unwrap()
}

async fn call(method: &str, path: &str, body: Option<JsValue>) -> JsValue {
    let init = web_sys::RequestInit::new();
    init.set_method(method);
    if let Some(body) = body {
        init.set_body(&JSON::stringify(&body).unwrap());
    }
    let url = format!("{}{path}", server());
    let response: web_sys::Response = JsFuture::from(window().fetch_with_str_and_init(&url, &init)).await.unwrap().unchecked_into();
    let text = JsFuture::from(response.text().unwrap()).await.unwrap().as_string().unwrap();
    JSON::parse(&text).unwrap_or(JsValue::NULL)
}

fn unique_email(tag: &str) -> String {
    format!("{tag}-{}@browser.test", js_sys::Math::random().to_bits())
}

async fn sign_up(email: &str) {
    let session = call("POST", "/signup", Some(obj(&[("email", s(email)), ("password", s(PASSWORD))]))).await;
    assert!(get(&session, "access_token").is_string());
}

fn client(storage_key: &str, storage: Option<&str>) -> AuthClient {
    let mut options = vec![("url", s(server())), ("storageKey", s(storage_key))];
    if let Some(kind) = storage {
        options.push(("storage", s(kind)));
    }
    AuthClient::new(obj(&options)).unwrap()
}

async fn resolve(promise: js_sys::Promise) -> Result<JsValue, JsValue> {
    JsFuture::from(promise).await
}

#[test]
async fn default_storage_is_session_storage_and_survives_a_reload() {
    let email = unique_email("default");
    sign_up(&email).await;
    let auth = client("default-test", None);
    resolve(auth.sign_in_with_email(obj(&[("email", s(&email)), ("password", s(PASSWORD))]))).await.unwrap();
    let record = session_storage().get_item("default-test").unwrap().expect("record in sessionStorage");
    let record = JSON::parse(&record).unwrap();
    assert_eq!(get(&get(&record, "user"), "email").as_string().unwrap(), email);
    assert!(get(&record, "refresh_token").is_string());
    // Nothing went to localStorage.
    assert_eq!(window().local_storage().unwrap().unwrap().get_item("default-test").unwrap(), None);
    // A new client on the same storage (a reload) has the user at once, synchronously.
    let reloaded = client("default-test", None);
    assert_eq!(get(&reloaded.get_cached_user(), "email").as_string().unwrap(), email);
    resolve(reloaded.sign_out(None)).await.unwrap();
    assert_eq!(session_storage().get_item("default-test").unwrap(), None);
}

#[test]
async fn local_storage_when_asked() {
    let email = unique_email("local");
    sign_up(&email).await;
    let auth = client("local-test", Some("local"));
    resolve(auth.sign_in_with_email(obj(&[("email", s(&email)), ("password", s(PASSWORD))]))).await.unwrap();
    let local = window().local_storage().unwrap().unwrap();
    assert!(local.get_item("local-test").unwrap().is_some());
    assert_eq!(session_storage().get_item("local-test").unwrap(), None);
    resolve(auth.sign_out(None)).await.unwrap();
    assert_eq!(local.get_item("local-test").unwrap(), None);
}

#[test]
async fn damaged_record_is_removed_without_a_throw() {
    for damaged in ["{\"access_token\":", "{}", "[1,2]", "{\"access_token\":\"a\",\"refresh_token\":\"r\",\"expires_at\":5,\"user\":{}}"] {
        session_storage().set_item("damaged-test", damaged).unwrap();
        let auth = client("damaged-test", None);
        assert!(auth.get_cached_user().is_null(), "{damaged}");
        assert_eq!(session_storage().get_item("damaged-test").unwrap(), None);
    }
}

#[test]
async fn recovery_flow_in_the_browser() {
    let email = unique_email("flow");
    sign_up(&email).await;
    let auth = client("flow-test", None);
    resolve(auth.request_password_reset(obj(&[("email", s(&email))]))).await.unwrap();
    // The address is held in sessionStorage across a reload.
    assert_eq!(session_storage().get_item("flow-test:recovery-email").unwrap(), Some(email.clone()));
    let mails = call("GET", &format!("/_dev/outbox?email={email}"), None).await;
    let mail = js_sys::Array::from(&mails).pop();
    let reloaded = client("flow-test", None);
    let session = resolve(reloaded.verify_otp(obj(&[("token", get(&mail, "token")), ("type", s("recovery"))]))).await.unwrap();
    assert_eq!(get(&get(&session, "user"), "email").as_string().unwrap(), email);
    resolve(reloaded.update_password(obj(&[("password", s("second-password-2"))]))).await.unwrap();
    let fresh = client("flow-check", Some("memory"));
    resolve(fresh.sign_in_with_email(obj(&[("email", s(&email)), ("password", s("second-password-2"))]))).await.unwrap();
    resolve(reloaded.sign_out(None)).await.unwrap();
}

#[test]
async fn errors_before_the_network_are_auth_errors() {
    let auth = client("errors-test", Some("memory"));
    call("DELETE", "/_dev/requests", None).await;
    let error = resolve(auth.update_password(obj(&[("password", s("new-password-1"))]))).await.unwrap_err();
    assert!(is_auth_error(&error));
    assert!(error.is_instance_of::<js_sys::Error>());
    assert_eq!(get(&error, "code").as_string().unwrap(), "not_authenticated");
    let bad = resolve(auth.request_password_reset(obj(&[("email", s("nope"))]))).await.unwrap_err();
    assert_eq!(get(&bad, "code").as_string().unwrap(), "invalid_input");
    let requests = call("GET", "/_dev/requests", None).await;
    assert_eq!(js_sys::Array::from(&requests).length(), 0);
}

#[test]
async fn admin_client_refuses_to_run_in_a_page() {
    let options = obj(&[("url", s(server())), ("serviceRoleKey", s("a-service-key"))]);
    let error = wasm_auth_client::JsAdminClient::new(options).err().expect("refused in a browser page");
    assert_eq!(get(&error, "code").as_string().unwrap(), "unsafe_environment");
    assert!(!get(&error, "message").as_string().unwrap().contains("a-service-key"));
    let forced = obj(&[("url", s(server())), ("serviceRoleKey", s("a-service-key")), ("allowInBrowser", JsValue::TRUE)]);
    assert!(wasm_auth_client::JsAdminClient::new(forced).is_ok());
}
