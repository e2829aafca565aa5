//! The Rust API (`wasm_auth_client::AuthClient`) in headless Chromium (wasm-bindgen-test),
//! against the devserver named by `DEVSERVER_URL` at compile time (`scripts/with-devserver.sh`):
//! the recovery flow, a wrong code, a weak password, a change with the current password,
//! `NotAuthenticated` with no request in the server's log, the events in order (callback and
//! stream), and a reload restoring the cached user from `sessionStorage`.
#![cfg(all(target_arch = "wasm32", feature = "rust"))]

use std::cell::RefCell;
use std::rc::Rc;

use futures_util::StreamExt;
use gloo_net::http::Request;
use wasm_auth_client::{AuthClient, AuthEvent, ClientOptions, ErrorCode, ResetRequest, SignOutScope, Storage, UpdatePassword, VerifyOtp};
use wasm_bindgen_test::{wasm_bindgen_test as test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

const PASSWORD: &str = "first-password-1";
const NEW_PASSWORD: &str = "second-password-2";

fn server() -> &'static str {
    match option_env!("DEVSERVER_URL") {
        Some(url) => url,
        None => panic!("build with DEVSERVER_URL (scripts/with-devserver.sh)"),
    }
}

fn fresh_email(tag: &str) -> String {
    format!("rust-{tag}-{}-{}@example.test", js_sys::Date::now() as u64, (js_sys::Math::random() * 1e9) as u64)
}

/// A client of its own storage key, so tests in one page never share a record.
fn client(key: &str, storage: Storage) -> AuthClient {
    let options = ClientOptions { storage, storage_key: key.to_string(), ..ClientOptions::default() };
    AuthClient::gotrue(server(), None, options).expect("client")
}

async fn sign_up(email: &str) {
    let body = format!(r#"{{"email":"{email}","password":"{PASSWORD}"}}"#);
    let response = Request::post(&format!("{}/signup", server())).header("content-type", "application/json").body(body).unwrap().send().await.unwrap();
    assert_eq!(response.status(), 200, "sign-up");
}

async fn last_code(email: &str) -> String {
    let url = format!("{}/_dev/outbox?email={}&last=1", server(), js_sys::encode_uri_component(email));
    let mails: serde_json::Value = serde_json::from_str(&Request::get(&url).send().await.unwrap().text().await.unwrap()).unwrap();
    mails[0]["token"].as_str().expect("a code was mailed").to_string()
}

async fn requests() -> serde_json::Value {
    serde_json::from_str(&Request::get(&format!("{}/_dev/requests", server())).send().await.unwrap().text().await.unwrap()).unwrap()
}

async fn clear_requests() {
    Request::delete(&format!("{}/_dev/requests", server())).send().await.unwrap();
}

/// The events a client announces, in order.
fn recorded(auth: &AuthClient) -> (Rc<RefCell<Vec<AuthEvent>>>, wasm_auth_client::Subscription) {
    let events = Rc::new(RefCell::new(Vec::new()));
    let sink = events.clone();
    let subscription = auth.on_auth_change(move |event, _| sink.borrow_mut().push(event));
    (events, subscription)
}

#[test]
async fn the_recovery_flow_with_typed_results_and_events() {
    let email = fresh_email("flow");
    sign_up(&email).await;
    let auth = client("rust-flow", Storage::Memory);
    let (events, _subscription) = recorded(&auth);
    auth.request_password_reset(ResetRequest::new(&email)).await.unwrap();
    let code = last_code(&email).await;
    let session = auth.verify_otp(VerifyOtp::code(code)).await.unwrap().expect("a recovery session");
    assert_eq!(session.user.email(), Some(email.as_str()));
    assert_eq!(auth.cached_user().map(|u| u.id().to_string()), Some(session.user.id().to_string()));
    auth.update_password(UpdatePassword::new(NEW_PASSWORD)).await.unwrap();
    assert_eq!(*events.borrow(), vec![AuthEvent::PasswordRecovery, AuthEvent::UserUpdated]);
    let fresh = client("rust-flow-check", Storage::Memory);
    assert_eq!(fresh.sign_in_with_email(&email, PASSWORD).await.unwrap_err().code, ErrorCode::InvalidCredentials);
    assert!(fresh.sign_in_with_email(&email, NEW_PASSWORD).await.is_ok());
    // The user object keeps every field the server sent.
    assert!(auth.get_user().await.unwrap().get("app_metadata").is_some());
}

#[test]
async fn a_wrong_code_and_a_weak_password_are_typed_errors() {
    let email = fresh_email("errors");
    sign_up(&email).await;
    let auth = client("rust-errors", Storage::Memory);
    auth.request_password_reset(ResetRequest::new(&email)).await.unwrap();
    let code = last_code(&email).await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    assert_eq!(auth.verify_otp(VerifyOtp::code(wrong)).await.unwrap_err().code, ErrorCode::InvalidOtp);
    auth.verify_otp(VerifyOtp::code(code)).await.unwrap();
    let weak = auth.update_password(UpdatePassword::new("abc")).await.unwrap_err();
    assert_eq!(weak.code, ErrorCode::WeakPassword);
    assert!(weak.reasons.iter().any(|r| r == "length"), "{:?}", weak.reasons);
    // Bad input is refused before the network, naming the field.
    let bad = auth.request_password_reset(ResetRequest::new("not-an-email")).await.unwrap_err();
    assert_eq!(bad.code, ErrorCode::InvalidInput);
    assert!(bad.message.starts_with("email:"), "{}", bad.message);
}

#[test]
async fn a_change_with_the_current_password_checks_it() {
    let email = fresh_email("change");
    sign_up(&email).await;
    let auth = client("rust-change", Storage::Memory);
    auth.sign_in_with_email(&email, PASSWORD).await.unwrap();
    let wrong = auth.update_password(UpdatePassword::new(NEW_PASSWORD).current_password("not-the-password")).await.unwrap_err();
    assert_eq!(wrong.code, ErrorCode::InvalidCurrentPassword);
    auth.update_password(UpdatePassword::new(NEW_PASSWORD).current_password(PASSWORD)).await.unwrap();
    assert!(client("rust-change-check", Storage::Memory).sign_in_with_email(&email, NEW_PASSWORD).await.is_ok());
    assert_eq!(auth.get_user().await.unwrap().email(), Some(email.as_str()), "the session goes on");
}

#[test]
async fn not_authenticated_before_any_request() {
    let auth = client("rust-anonymous", Storage::Memory);
    clear_requests().await;
    assert_eq!(auth.update_password(UpdatePassword::new(NEW_PASSWORD)).await.unwrap_err().code, ErrorCode::NotAuthenticated);
    assert_eq!(auth.get_user().await.unwrap_err().code, ErrorCode::NotAuthenticated);
    assert_eq!(auth.reauthenticate().await.unwrap_err().code, ErrorCode::NotAuthenticated);
    assert_eq!(auth.get_session().await.unwrap(), None);
    assert_eq!(requests().await, serde_json::json!([]), "no request reached the server");
}

#[test]
async fn events_arrive_in_order_on_the_stream_and_a_reload_restores_the_cached_user() {
    let email = fresh_email("reload");
    sign_up(&email).await;
    let key = format!("rust-reload-{}", js_sys::Date::now() as u64);
    let auth = client(&key, Storage::Session);
    let mut stream = auth.events();
    auth.sign_in_with_email(&email, PASSWORD).await.unwrap();
    let signed_in = stream.next().await.unwrap();
    assert_eq!((signed_in.event, signed_in.session.as_ref().and_then(|s| s.user.email().map(str::to_string))), (AuthEvent::SignedIn, Some(email.clone())));
    // An event logged as JSON carries the user, never the tokens.
    let logged = serde_json::to_string(&signed_in).unwrap();
    let session = signed_in.session.as_ref().unwrap();
    assert!(logged.contains("SIGNED_IN") && logged.contains(&email), "{logged}");
    assert!(!logged.contains(&session.access_token) && !logged.contains(&session.refresh_token), "a token in {logged}");

    // A reload: a new client on the same sessionStorage record, before any request.
    clear_requests().await;
    let reloaded = client(&key, Storage::Session);
    assert_eq!(reloaded.cached_user().and_then(|u| u.email().map(str::to_string)), Some(email.clone()));
    assert_eq!(requests().await, serde_json::json!([]), "the cached user costs no request");

    auth.sign_out(SignOutScope::Local).await.unwrap();
    let signed_out = stream.next().await.unwrap();
    assert_eq!((signed_out.event, signed_out.session), (AuthEvent::SignedOut, None));
    assert!(auth.cached_user().is_none());
    // The record is gone: the next reload is signed out.
    assert!(client(&key, Storage::Session).cached_user().is_none());
}

/// Requests carry passwords and codes, links credentials: they can be read from JSON (requests)
/// or not at all (links), never written to it. (An inherent method wins over the trait's only
/// where its bound holds.)
#[test]
fn requests_have_no_serialize() {
    struct Probe<T>(std::marker::PhantomData<T>);
    trait NotSerialize {
        fn serializes(&self) -> bool {
            false
        }
    }
    impl<T> NotSerialize for Probe<T> {}
    impl<T: serde::Serialize> Probe<T> {
        #[allow(dead_code)]
        fn serializes(&self) -> bool {
            true
        }
    }
    assert!(!Probe::<UpdatePassword>(std::marker::PhantomData).serializes());
    assert!(!Probe::<wasm_auth_client::VerifyOtp>(std::marker::PhantomData).serializes());
    assert!(!Probe::<ResetRequest>(std::marker::PhantomData).serializes());
    assert!(!Probe::<wasm_auth_client::RecoveryLink>(std::marker::PhantomData).serializes(), "links are credentials");
    assert!(!Probe::<wasm_auth_client::backend::Credential>(std::marker::PhantomData).serializes());
    assert!(Probe::<wasm_auth_client::AuthChange>(std::marker::PhantomData).serializes(), "the probe sees Serialize where it is");
    assert!(Probe::<wasm_auth_client::Session>(std::marker::PhantomData).serializes(), "without its tokens");
    let form: UpdatePassword = serde_json::from_str(r#"{"password":"p","current_password":null,"nonce":null,"skip_password_updated_email":false}"#).unwrap();
    assert_eq!(form, UpdatePassword::new("p"));
}

/// A synchronous store the test can read and change.
#[derive(Default)]
struct MapStore(RefCell<std::collections::HashMap<String, String>>);

impl wasm_auth_client::storage::Store for MapStore {
    fn get(&self, key: &str) -> wasm_auth_client::error::Result<Option<String>> {
        Ok(self.0.borrow().get(key).cloned())
    }
    fn set(&self, key: &str, value: &str) -> wasm_auth_client::error::Result<()> {
        self.0.borrow_mut().insert(key.to_string(), value.to_string());
        Ok(())
    }
    fn remove(&self, key: &str) -> wasm_auth_client::error::Result<()> {
        self.0.borrow_mut().remove(key);
        Ok(())
    }
}

/// An asynchronous store: every call finishes 50 ms later.
#[derive(Default)]
struct SlowStore(Rc<MapStore>);

impl wasm_auth_client::AsyncStore for SlowStore {
    fn get(&self, key: &str) -> std::pin::Pin<Box<dyn std::future::Future<Output = wasm_auth_client::error::Result<Option<String>>>>> {
        let (map, key) = (self.0.clone(), key.to_string());
        Box::pin(async move {
            gloo_timers::future::TimeoutFuture::new(50).await;
            wasm_auth_client::storage::Store::get(&*map, &key)
        })
    }
    fn set(&self, key: &str, value: &str) -> std::pin::Pin<Box<dyn std::future::Future<Output = wasm_auth_client::error::Result<()>>>> {
        let (map, key, value) = (self.0.clone(), key.to_string(), value.to_string());
        Box::pin(async move {
            gloo_timers::future::TimeoutFuture::new(50).await;
            wasm_auth_client::storage::Store::set(&*map, &key, &value)
        })
    }
    fn remove(&self, key: &str) -> std::pin::Pin<Box<dyn std::future::Future<Output = wasm_auth_client::error::Result<()>>>> {
        let (map, key) = (self.0.clone(), key.to_string());
        Box::pin(async move {
            gloo_timers::future::TimeoutFuture::new(50).await;
            wasm_auth_client::storage::Store::remove(&*map, &key)
        })
    }
}

fn with_options(key: &str, storage: Storage, auto_refresh: bool) -> AuthClient {
    let options = ClientOptions { storage, storage_key: key.to_string(), auto_refresh, ..ClientOptions::default() };
    AuthClient::gotrue(server(), None, options).expect("client")
}

/// The next event, or `None` after `ms`.
async fn next_event_within(stream: &mut wasm_auth_client::AuthEvents, ms: u32) -> Option<AuthEvent> {
    let timeout = gloo_timers::future::TimeoutFuture::new(ms);
    futures_util::pin_mut!(timeout);
    match futures_util::future::select(stream.next(), timeout).await {
        futures_util::future::Either::Left((change, _)) => change.map(|c| c.event),
        futures_util::future::Either::Right(_) => None,
    }
}

/// A stored session, signed in with a client that has no timer of its own.
async fn stored_session(tag: &str) -> (String, Rc<MapStore>) {
    let email = fresh_email(tag);
    sign_up(&email).await;
    let map = Rc::new(MapStore::default());
    with_options(tag, Storage::Custom(map.clone()), false).sign_in_with_email(&email, PASSWORD).await.unwrap();
    (email, map)
}

#[test]
async fn the_background_timer_refreshes_a_token_about_to_expire_and_stops_with_the_client() {
    let (_, map) = stored_session("timer").await;
    // The stored token has 50 s left: inside the refresh margin.
    let record = map.0.borrow()["timer"].clone();
    let mut parsed: serde_json::Value = serde_json::from_str(&record).unwrap();
    parsed["expires_at"] = serde_json::json!(js_sys::Date::now() / 1000.0 + 50.0);
    map.0.borrow_mut().insert("timer".into(), parsed.to_string());

    // Without the timer nothing happens; with it, the token is refreshed unasked.
    let idle = with_options("timer", Storage::Custom(map.clone()), false);
    assert_eq!(next_event_within(&mut idle.events(), 1500).await, None, "no timer, no refresh");
    drop(idle);
    let auth = with_options("timer", Storage::Custom(map.clone()), true);
    let mut stream = auth.events();
    assert_eq!(next_event_within(&mut stream, 5000).await, Some(AuthEvent::TokenRefreshed));
    let refreshed: serde_json::Value = serde_json::from_str(&map.0.borrow()["timer"]).unwrap();
    assert_ne!(refreshed["refresh_token"], parsed["refresh_token"], "the rotated token is stored");
    // The fresh token is not due for an hour: the timer waits.
    assert_eq!(next_event_within(&mut stream, 1500).await, None);
}

#[test]
async fn another_tabs_sign_in_and_sign_out_reach_this_client() {
    let key = format!("rust-tabs-{}", js_sys::Date::now() as u64);
    let auth = with_options(&key, Storage::Local, false);
    let mut stream = auth.events();
    let (email, map) = stored_session("tabs-other").await;
    let record = map.0.borrow()["tabs-other"].clone();

    // What a second tab's write looks like here: a storage event on this window.
    let storage_event = |value: Option<&str>| {
        let init = web_sys::StorageEventInit::new();
        init.set_key(Some(&key));
        init.set_new_value(value);
        let event = web_sys::StorageEvent::new_with_event_init_dict("storage", &init).unwrap();
        web_sys::window().unwrap().dispatch_event(&event).unwrap();
    };
    storage_event(Some(&record));
    assert_eq!(next_event_within(&mut stream, 2000).await, Some(AuthEvent::SignedIn));
    assert_eq!(auth.cached_user().and_then(|u| u.email().map(str::to_string)), Some(email));

    // Another key's write is not ours.
    let init = web_sys::StorageEventInit::new();
    init.set_key(Some("someone-else"));
    init.set_new_value(None);
    web_sys::window().unwrap().dispatch_event(&web_sys::StorageEvent::new_with_event_init_dict("storage", &init).unwrap()).unwrap();
    assert!(auth.cached_user().is_some());

    storage_event(None);
    assert_eq!(next_event_within(&mut stream, 2000).await, Some(AuthEvent::SignedOut));
    assert!(auth.cached_user().is_none());
}

#[test]
async fn an_asynchronous_store_is_read_before_the_first_call_and_written_through() {
    let (email, map) = stored_session("async").await;
    let auth = with_options("async", Storage::Async(Rc::new(SlowStore(map.clone()))), false);
    assert!(auth.cached_user().is_none(), "not read yet");
    let session = auth.get_session().await.unwrap().expect("the stored session, once read");
    assert_eq!(session.user.email(), Some(email.as_str()));
    assert_eq!(auth.cached_user().and_then(|u| u.email().map(str::to_string)), Some(email));

    auth.sign_out(SignOutScope::Local).await.unwrap();
    assert!(auth.cached_user().is_none());
    gloo_timers::future::TimeoutFuture::new(300).await;
    assert!(!map.0.borrow().contains_key("async"), "the sign-out reached the store");
}
