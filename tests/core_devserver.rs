//! The session core, natively, against a real devserver on a loopback port: the same logic the
//! wasm package runs, with a native HTTP client on tokio's blocking pool standing in for `fetch`.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::rc::Rc;

use serde_json::{json, Value};
use wasm_auth_client::api::GoTrue;
use wasm_auth_client::backend::{ResetOptions, SignOutScope};
use wasm_auth_client::backend::Proof;
use wasm_auth_client::core::{AuthCore, AuthEvent, ResetFlow};
use wasm_auth_client::error::{ErrorCode, Result};
use wasm_auth_client::http::{Host, HttpRequest, HttpResponse, Io, TransportError};
use wasm_auth_client::need::{drive, Need};
use wasm_auth_client::session::Session;
use common::SharedStore;
use wasm_auth_client::storage::{Keys, Store};

const PASSWORD: &str = "first-password-1";

// ---- a devserver in this process ---------------------------------------------------------

struct Devserver {
    url: String,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Devserver {
    fn start(tweak: impl FnOnce(&mut auth_devserver::Config)) -> Devserver {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let mut config = auth_devserver::Config::defaults();
        config.bcrypt_cost = 4;
        // Email links point at this server.
        config.api_external_url = url.clone();
        tweak(&mut config);
        let state = auth_devserver::AppState::new(config, auth_devserver::db::Db::open(":memory:").unwrap());
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).unwrap();
                let app = auth_devserver::app(state, auth_devserver::StaticDirs::default());
                axum::serve(listener, app).with_graceful_shutdown(async { stopped.await.ok(); }).await.unwrap();
            });
        });
        Devserver { url, stop: Some(stop), thread: Some(thread) }
    }

    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let request = ureq::request(method, &format!("{}{path}", self.url));
        let response = match body {
            Some(b) => request.set("content-type", "application/json").send_string(&b.to_string()),
            None => request.call(),
        };
        let response = match response {
            Ok(r) | Err(ureq::Error::Status(_, r)) => r,
            Err(e) => panic!("devserver unreachable: {e}"),
        };
        serde_json::from_str(&response.into_string().unwrap()).unwrap_or(Value::Null)
    }

    fn sign_up(&self, email: &str) {
        let session = self.call("POST", "/signup", Some(json!({"email": email, "password": PASSWORD})));
        assert!(session["access_token"].is_string(), "{session}");
    }

    fn last_mail(&self, email: &str) -> Value {
        let mails = self.call("GET", &format!("/_dev/outbox?email={email}"), None);
        mails.as_array().and_then(|m| m.last()).cloned().expect("a mail")
    }

    fn requests(&self) -> Vec<Value> {
        self.call("GET", "/_dev/requests", None).as_array().cloned().unwrap_or_default()
    }

    fn clear_requests(&self) {
        self.call("DELETE", "/_dev/requests", None);
    }

    fn fault(&self, fault: Value) {
        self.call("POST", "/_dev/faults", Some(fault));
    }
}

impl Drop for Devserver {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

// ---- the native runtime glue ----------------------------------------------------------------

/// `fetch` for native tests: the blocking HTTP call runs on tokio's blocking pool, so the
/// future really waits for the network and other tasks run meanwhile — as in a browser, where
/// a refresh stays in flight while other callers arrive.
struct NativeIo;

impl Io for NativeIo {
    async fn send(&self, request: &HttpRequest) -> std::result::Result<HttpResponse, TransportError> {
        let request = request.clone();
        tokio::task::spawn_blocking(move || send_blocking(&request)).await.map_err(|_| TransportError::Network)?
    }
    async fn sleep(&self, ms: u32) {
        tokio::time::sleep(std::time::Duration::from_millis(ms.into())).await;
    }
}

/// Performs an operation with the library's one driver, over the native runtime.
async fn go<T>(need: Need<T>) -> Result<T> {
    drive(need, &NativeIo).await
}

fn send_blocking(request: &HttpRequest) -> std::result::Result<HttpResponse, TransportError> {
    let mut call = ureq::request(request.method, &request.url).timeout(std::time::Duration::from_secs(5));
    for (k, v) in &request.headers {
        call = call.set(k, v);
    }
    let result = match &request.body {
        Some(body) => call.send_string(body),
        None => call.call(),
    };
    let response = match result {
        Ok(r) | Err(ureq::Error::Status(_, r)) => r,
        Err(_) => return Err(TransportError::Network),
    };
    // The headers GoTrue reads, as a host reads them (`Capabilities::response_headers`).
    let reads = <wasm_auth_client::api::GoTrue as wasm_auth_client::backend::Backend>::CAPABILITIES.response_headers;
    let values: Vec<&str> = reads.iter().map(|name| response.header(name).unwrap_or_default()).collect();
    let answer = HttpResponse { status: response.status(), ..HttpResponse::default() }.with_headers(reads, &values);
    Ok(HttpResponse { body: response.into_string().map_err(|_| TransportError::Network)?, ..answer })
}

fn real_now() -> f64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs_f64()
}

/// A clock each test moves on its own (the server's clock is untouched).
#[derive(Clone, Default)]
struct NativeHost {
    offset: Rc<Cell<f64>>,
}

impl Host for NativeHost {
    fn now(&self) -> f64 {
        real_now() + self.offset.get()
    }
    fn random_bytes(&self) -> Option<[u8; 64]> {
        // Tests only: unpredictable enough for a verifier, not a CSPRNG.
        use std::hash::{BuildHasher, Hasher};
        let mut bytes = [0u8; 64];
        for chunk in bytes.chunks_mut(8) {
            let mut h = std::collections::hash_map::RandomState::new().build_hasher();
            h.write_u64(real_now().to_bits());
            chunk.copy_from_slice(&h.finish().to_le_bytes());
        }
        Some(bytes)
    }
}


type Client = Rc<AuthCore<GoTrue, NativeHost>>;

struct Harness {
    auth: Client,
    events: Rc<RefCell<Vec<&'static str>>>,
    clock: Rc<Cell<f64>>,
}

fn harness(server: &Devserver, store: &SharedStore) -> Harness {
    let api = GoTrue::new(&server.url, Some("anon"), vec![]);
    let host = NativeHost::default();
    let clock = host.offset.clone();
    let auth = AuthCore::new(api, host, Box::new(store.clone()), Keys::new("test"));
    let events = Rc::new(RefCell::new(Vec::new()));
    let sink = events.clone();
    auth.subscribe(Rc::new(move |event: AuthEvent, _| sink.borrow_mut().push(event.as_str())));
    Harness { auth, events, clock }
}

fn client(server: &Devserver, store: &SharedStore) -> (Client, Rc<RefCell<Vec<&'static str>>>) {
    let h = harness(server, store);
    (h.auth, h.events)
}

fn run<F: Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(future)
}

fn code(result: Result<impl std::fmt::Debug>) -> ErrorCode {
    result.expect_err("expected an error").code
}

// ---- the tests --------------------------------------------------------------------------------------

#[test]
fn recovery_flow_keeps_the_recovery_session_and_updates_the_cached_user() {
    let server = Devserver::start(|_| {});
    server.sign_up("flow@test.io");
    let store = SharedStore::default();
    let (auth, events) = client(&server, &store);
    run(async {
        go(auth.request_password_reset("flow@test.io", None, ResetFlow::Otp)).await.unwrap();
        assert_eq!(auth.pending_recovery_email().as_deref(), Some("flow@test.io"));
        let mail = server.last_mail("flow@test.io");
        // The email is not typed again: the client held it since the request.
        let proof = Proof::Code { email: None, code: mail["token"].as_str().unwrap().into() };
        let session = go(auth.verify_recovery(proof)).await.unwrap().expect("a recovery session");
        assert_eq!(auth.cached_user().unwrap().email(), Some("flow@test.io"));
        assert_eq!(auth.pending_recovery_email(), None);
        go(auth.update_password("second-password-2", None, None, ResetOptions::default())).await.unwrap();
        let after = go(auth.session()).await.unwrap().unwrap();
        assert_eq!(after.access_token, session.access_token, "the session is kept, not recreated");
        assert_eq!(*events.borrow(), vec!["PASSWORD_RECOVERY", "USER_UPDATED"]);
        let (other, _) = client(&server, &SharedStore::default());
        go(other.sign_in("flow@test.io", "second-password-2")).await.unwrap();
        assert_eq!(code(go(other.sign_in("flow@test.io", PASSWORD)).await), ErrorCode::InvalidCredentials);
    });
}

#[test]
fn no_session_and_bad_input_fail_before_any_request() {
    let server = Devserver::start(|_| {});
    let (auth, _) = client(&server, &SharedStore::default());
    server.clear_requests();
    run(async {
        assert_eq!(code(go(auth.update_password("new-password-1", None, None, ResetOptions::default())).await), ErrorCode::NotAuthenticated);
        assert_eq!(code(go(auth.user()).await), ErrorCode::NotAuthenticated);
        assert_eq!(code(go(auth.reauthenticate()).await), ErrorCode::NotAuthenticated);
        for bad in ["", "no-at", "a@b", "a b@c.de"] {
            assert_eq!(code(go(auth.request_password_reset(bad, None, ResetFlow::Otp)).await), ErrorCode::InvalidInput);
        }
        assert_eq!(code(go(auth.request_password_reset("a@b.co", Some("javascript:x"), ResetFlow::Otp)).await), ErrorCode::InvalidInput);
        let missing_email = go(auth.verify_recovery(Proof::Code { email: None, code: "123456".into() })).await;
        assert!(missing_email.unwrap_err().message.starts_with("email:"));
        for bad in ["12345", "abcdef", "1234567"] {
            let proof = Proof::Code { email: Some("a@b.co".into()), code: bad.into() };
            assert!(go(auth.verify_recovery(proof)).await.unwrap_err().message.starts_with("token:"));
        }
        assert_eq!(code(go(auth.verify_recovery(Proof::Link("nope".into()))).await), ErrorCode::InvalidInput);
        assert_eq!(code(go(auth.sign_in("a@b.co", "")).await), ErrorCode::InvalidInput);
        assert_eq!(go(auth.session()).await.unwrap(), None);
    });
    assert_eq!(server.requests(), Vec::<Value>::new(), "no request may leave");
}

#[test]
fn password_input_is_checked_before_the_network_even_when_signed_in() {
    let server = Devserver::start(|_| {});
    server.sign_up("pw@test.io");
    let (auth, _) = client(&server, &SharedStore::default());
    run(async {
        go(auth.sign_in("pw@test.io", PASSWORD)).await.unwrap();
        server.clear_requests();
        let long = "€".repeat(25);
        for (password, field) in [("", "password:"), (long.as_str(), "password:")] {
            let e = go(auth.update_password(password, None, None, ResetOptions::default())).await.unwrap_err();
            assert!(e.message.starts_with(field), "{}", e.message);
        }
        assert!(go(auth.update_password("new-password-1", Some(""), None, ResetOptions::default())).await.unwrap_err().message.starts_with("currentPassword:"));
        assert!(go(auth.update_password("new-password-1", None, Some("12"), ResetOptions::default())).await.unwrap_err().message.starts_with("nonce:"));
    });
    assert!(server.requests().is_empty());
}

#[test]
fn current_password_is_checked_even_when_the_server_does_not_require_it() {
    let server = Devserver::start(|_| {});
    server.sign_up("cur@test.io");
    let (auth, _) = client(&server, &SharedStore::default());
    run(async {
        go(auth.sign_in("cur@test.io", PASSWORD)).await.unwrap();
        let wrong = go(auth.update_password("new-password-1", Some("not-the-password"), None, ResetOptions::default())).await.unwrap_err();
        assert_eq!((wrong.code, wrong.status), (ErrorCode::InvalidCurrentPassword, 400));
        // Nothing changed.
        let (probe, _) = client(&server, &SharedStore::default());
        go(probe.sign_in("cur@test.io", PASSWORD)).await.unwrap();
        go(auth.update_password("new-password-1", Some(PASSWORD), None, ResetOptions::default())).await.unwrap();
        go(probe.sign_in("cur@test.io", "new-password-1")).await.unwrap();
        // The probe session and every other one ended with the change; ours goes on.
        go(auth.user()).await.unwrap();
    });
}

#[test]
fn server_errors_arrive_typed() {
    let server = Devserver::start(|c| c.password_required_characters = vec!["0123456789".into()]);
    server.call("POST", "/signup", Some(json!({"email": "typed@test.io", "password": "password1"})));
    let (auth, _) = client(&server, &SharedStore::default());
    run(async {
        go(auth.sign_in("typed@test.io", "password1")).await.unwrap();
        let weak = go(auth.update_password("short", None, None, ResetOptions::default())).await.unwrap_err();
        assert_eq!((weak.code, weak.status), (ErrorCode::WeakPassword, 422));
        assert_eq!(weak.reasons, vec!["length", "characters"]);
        assert_eq!(weak.server_code.as_deref(), Some("weak_password"));
        assert_eq!(code(go(auth.update_password("password1", None, None, ResetOptions::default())).await), ErrorCode::SamePassword);
        let wrong = go(auth.verify_recovery(Proof::Code { email: Some("typed@test.io".into()), code: "000000".into() })).await;
        assert_eq!(code(wrong), ErrorCode::InvalidOtp);
        go(auth.request_password_reset("typed@test.io", None, ResetFlow::Otp)).await.unwrap();
        let limited = go(auth.request_password_reset("typed@test.io", None, ResetFlow::Otp)).await.unwrap_err();
        assert_eq!(limited.code, ErrorCode::RateLimited);
        // GoTrue's "after N seconds": at most the 60 s interval, and never zero.
        assert!(limited.retry_after.is_some_and(|s| (1..=60).contains(&s)), "{:?}", limited.retry_after);

        server.fault(json!({"path": "/recover", "status": 502, "body": "<html>Bad Gateway</html>"}));
        let proxy = go(auth.request_password_reset("x@test.io", None, ResetFlow::Otp)).await.unwrap_err();
        assert_eq!((proxy.code, proxy.status), (ErrorCode::ServerError, 502));
        server.fault(json!({"path": "/recover", "drop": true}));
        assert_eq!(code(go(auth.request_password_reset("x@test.io", None, ResetFlow::Otp)).await), ErrorCode::NetworkError);
        server.fault(json!({"path": "/user", "status": 200, "body": "{\"id\":"}));
        assert_eq!(code(go(auth.user()).await), ErrorCode::UnexpectedResponse);
        // None of that lost the session.
        assert!(auth.cached_user().is_some());
    });
}

#[test]
fn the_store_survives_a_reload_and_damaged_records_are_dropped() {
    let server = Devserver::start(|_| {});
    server.sign_up("store@test.io");
    let store = SharedStore::default();
    run(async {
        let (auth, _) = client(&server, &store);
        go(auth.request_password_reset("store@test.io", None, ResetFlow::Otp)).await.unwrap();
    });
    // "Reload": a new client on the same storage still knows where the email went.
    let (reloaded, events) = client(&server, &store);
    let mail = server.last_mail("store@test.io");
    run(async {
        go(reloaded.verify_recovery(Proof::Code { email: None, code: mail["token"].as_str().unwrap().into() })).await.unwrap();
    });
    assert_eq!(*events.borrow(), vec!["PASSWORD_RECOVERY"]);
    let stored = store.get("test").unwrap().expect("record stored");
    let record: Value = serde_json::from_str(&stored).unwrap();
    assert!(record["access_token"].is_string() && record["refresh_token"].is_string() && record["expires_at"].is_number());
    assert_eq!(record["user"]["email"], "store@test.io");
    let (again, _) = client(&server, &store);
    assert_eq!(again.cached_user().unwrap().email(), Some("store@test.io"));

    for damaged in ["{not json", "{}", r#"{"access_token":"a","refresh_token":"r","expires_at":"soon","user":{"id":"u"}}"#, "null"] {
        store.set("test", damaged).unwrap();
        let (fresh, _) = client(&server, &store);
        assert!(fresh.cached_user().is_none(), "{damaged}");
        assert_eq!(store.get("test").unwrap(), None, "damaged record removed: {damaged}");
    }
}

#[test]
fn a_session_ended_elsewhere_signs_this_client_out() {
    let server = Devserver::start(|_| {});
    server.sign_up("gone@test.io");
    let (laptop, laptop_events) = client(&server, &SharedStore::default());
    let (phone, _) = client(&server, &SharedStore::default());
    run(async {
        go(laptop.sign_in("gone@test.io", PASSWORD)).await.unwrap();
        go(phone.sign_in("gone@test.io", PASSWORD)).await.unwrap();
        go(phone.sign_out(SignOutScope::Others)).await.unwrap();
        assert!(phone.cached_user().is_some(), "others keeps this session");
        assert_eq!(code(go(laptop.user()).await), ErrorCode::NotAuthenticated);
        assert!(laptop.cached_user().is_none());
        assert_eq!(laptop_events.borrow().last(), Some(&"SIGNED_OUT"));
        go(phone.sign_out(SignOutScope::Local)).await.unwrap();
        assert!(phone.cached_user().is_none());
        // Signing out without a session is not an error.
        go(phone.sign_out(SignOutScope::Local)).await.unwrap();
    });
}

#[test]
fn expiring_tokens_are_refreshed_once_then_used() {
    let server = Devserver::start(|c| c.jwt_exp = 100);
    server.sign_up("ref@test.io");
    let h = harness(&server, &SharedStore::default());
    run(async {
        let first = go(h.auth.sign_in("ref@test.io", PASSWORD)).await.unwrap();
        server.clear_requests();
        assert_eq!(go(h.auth.session()).await.unwrap().unwrap().access_token, first.access_token);
        h.clock.set(60.0);
        let refreshed = go(h.auth.session()).await.unwrap().unwrap();
        assert_ne!(refreshed.refresh_token, first.refresh_token);
        go(h.auth.user()).await.unwrap();
    });
    assert_eq!(paths(&server), vec!["/token grant_type=refresh_token", "/user "]);
    assert_eq!(*h.events.borrow(), vec!["SIGNED_IN", "TOKEN_REFRESHED"]);
}

fn paths(server: &Devserver) -> Vec<String> {
    server.requests().iter().map(|r| format!("{} {}", r["path"].as_str().unwrap(), r["query"].as_str().unwrap())).collect()
}

fn refreshes(server: &Devserver) -> usize {
    paths(server).iter().filter(|p| p.as_str() == "/token grant_type=refresh_token").count()
}

#[test]
fn concurrent_callers_share_one_refresh() {
    let server = Devserver::start(|c| c.jwt_exp = 100);
    server.sign_up("flight@test.io");
    let h = harness(&server, &SharedStore::default());
    run(async {
        go(h.auth.sign_in("flight@test.io", PASSWORD)).await.unwrap();
        h.clock.set(70.0);
        server.clear_requests();
        let (a, b, c, d, e) = tokio::join!(go(h.auth.session()), go(h.auth.session()), go(h.auth.user()), go(h.auth.session()), go(h.auth.reauthenticate()));
        let tokens: Vec<String> = [a, b, d].into_iter().map(|s| s.unwrap().unwrap().access_token).collect();
        assert!(tokens.iter().all(|t| *t == tokens[0]), "every caller got the same refreshed session");
        c.unwrap();
        e.unwrap();
    });
    assert_eq!(refreshes(&server), 1);
    // One refresh announced. (getUser may also announce USER_UPDATED: the reauthentication
    // email sent meanwhile changes the user's `reauthentication_sent_at`, in either order.)
    let events = h.events.borrow();
    assert_eq!(events[..2], ["SIGNED_IN", "TOKEN_REFRESHED"]);
    assert_eq!(events.iter().filter(|e| **e == "TOKEN_REFRESHED").count(), 1);
}

#[test]
fn transient_refresh_failures_are_retried_and_never_sign_out() {
    let server = Devserver::start(|c| c.jwt_exp = 100);
    server.sign_up("blip@test.io");
    let h = harness(&server, &SharedStore::default());
    run(async {
        let first = go(h.auth.sign_in("blip@test.io", PASSWORD)).await.unwrap();
        h.clock.set(60.0);
        // Still valid: the failed refresh falls back to the current access token.
        server.fault(json!({"path": "/token", "query": "grant_type=refresh_token", "status": 503, "body": "<html>busy</html>", "count": 4}));
        server.clear_requests();
        assert_eq!(go(h.auth.session()).await.unwrap().unwrap().access_token, first.access_token);
        assert_eq!(refreshes(&server), 4, "one attempt and three retries");
        // A blip that passes: the retry succeeds.
        server.fault(json!({"path": "/token", "query": "grant_type=refresh_token", "drop": true}));
        let refreshed = go(h.auth.session()).await.unwrap().unwrap();
        assert_ne!(refreshed.access_token, first.access_token);
        // Expired and the server unreachable: the caller hears network_error, the session stays.
        h.clock.set(60.0 + 200.0);
        server.fault(json!({"path": "/token", "query": "grant_type=refresh_token", "drop": true, "count": 4}));
        assert_eq!(code(go(h.auth.session()).await), ErrorCode::NetworkError);
        assert!(h.auth.cached_user().is_some());
        // And once it is back, the same session goes on.
        go(h.auth.session()).await.unwrap().unwrap();
    });
    assert!(!h.events.borrow().contains(&"SIGNED_OUT"));
}

#[test]
fn a_refused_refresh_token_ends_the_session_only_once_the_access_token_expires() {
    let server = Devserver::start(|c| c.jwt_exp = 100);
    server.sign_up("refused@test.io");
    let h = harness(&server, &SharedStore::default());
    run(async {
        let first = go(h.auth.sign_in("refused@test.io", PASSWORD)).await.unwrap();
        h.clock.set(60.0);
        let body = json!({"code": "refresh_token_not_found", "message": "Invalid Refresh Token: Refresh Token Not Found"}).to_string();
        server.fault(json!({"path": "/token", "query": "grant_type=refresh_token", "status": 400, "body": body, "count": 5}));
        server.clear_requests();
        assert_eq!(go(h.auth.session()).await.unwrap().unwrap().access_token, first.access_token);
        assert_eq!(go(h.auth.session()).await.unwrap().unwrap().access_token, first.access_token);
        go(h.auth.user()).await.unwrap();
        assert_eq!(refreshes(&server), 1, "no retry storm: the refusal is remembered");
        assert!(h.auth.cached_user().is_some());
        h.clock.set(101.0);
        assert_eq!(code(go(h.auth.session()).await.map(|s| s.is_some()).and_then(|signed_in| if signed_in { Ok(()) } else { Err(wasm_auth_client::error::AuthError::not_signed_in()) })), ErrorCode::NotAuthenticated);
        assert!(h.auth.cached_user().is_none());
    });
    assert_eq!(h.events.borrow().last(), Some(&"SIGNED_OUT"));
}

#[test]
fn a_refresh_that_lands_after_another_tabs_newer_one_adopts_it() {
    // Two tabs on one shared store (local storage). Tab A's refresh is held at the server; tab B
    // refreshes meanwhile and stores a session that expires later (B's clock runs ahead).
    let server = Devserver::start(|c| c.jwt_exp = 100);
    server.sign_up("tabs@test.io");
    let store = SharedStore::default();
    let a = harness(&server, &store);
    run(async { go(a.auth.sign_in("tabs@test.io", PASSWORD)).await.unwrap() });
    let b = harness(&server, &store);
    assert!(b.auth.cached_user().is_some(), "B starts from the shared record");
    a.clock.set(60.0);
    b.clock.set(110.0);
    server.fault(json!({"path": "/token", "query": "grant_type=refresh_token", "delay_ms": 600}));
    let (from_a, from_b) = run(async {
        let later_b = async {
            tokio::time::sleep(std::time::Duration::from_millis(150)).await;
            go(b.auth.session()).await
        };
        tokio::join!(go(a.auth.session()), later_b)
    });
    let (from_a, from_b) = (from_a.unwrap().unwrap(), from_b.unwrap().unwrap());
    let stored = Session::from_record(&store.get("test").unwrap().unwrap(), 0.0).unwrap();
    // Records keep milliseconds; A's own refresh would expire about 50 s earlier.
    assert!((stored.expires_at - from_b.expires_at).abs() < 0.01, "the newer record stays in the store");
    assert!((from_a.expires_at - from_b.expires_at).abs() < 0.01, "A adopted B's newer session");
    assert_eq!(from_a.access_token, from_b.access_token);
}

#[test]
fn sign_out_global_ends_every_session_and_others_every_other() {
    let server = Devserver::start(|_| {});
    server.sign_up("scope@test.io");
    let (laptop, _) = client(&server, &SharedStore::default());
    let (phone, phone_events) = client(&server, &SharedStore::default());
    let (tablet, _) = client(&server, &SharedStore::default());
    run(async {
        for device in [&laptop, &phone, &tablet] {
            go(device.sign_in("scope@test.io", PASSWORD)).await.unwrap();
        }
        go(laptop.sign_out(SignOutScope::Global)).await.unwrap();
        assert!(laptop.cached_user().is_none());
        assert_eq!(code(go(phone.user()).await), ErrorCode::NotAuthenticated, "the phone's session died on the server");
        assert_eq!(phone_events.borrow().last(), Some(&"SIGNED_OUT"));
        assert_eq!(code(go(tablet.user()).await), ErrorCode::NotAuthenticated);
    });
}

// ---- handleRedirect: what a link may and may not do ------------------------------------------

/// Where GoTrue's email link redirects: the implicit flow's tokens in the fragment.
fn follow_link(link: &str) -> String {
    let agent = ureq::AgentBuilder::new().redirects(0).build();
    let response = match agent.get(link).call() {
        Ok(r) | Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("{e}"),
    };
    response.header("location").expect("a redirect").to_string()
}

#[test]
fn tokens_in_a_link_need_a_request_from_this_client_or_an_opt_in() {
    let server = Devserver::start(|_| {});
    server.sign_up("link@test.io");
    let store = SharedStore::default();
    let (stranger, events) = client(&server, &store);
    run(async {
        let (asker, _) = client(&server, &SharedStore::default());
        go(asker.request_password_reset("link@test.io", Some("http://127.0.0.1:3000/reset"), ResetFlow::Otp)).await.unwrap();
        let location = follow_link(server.last_mail("link@test.io")["link"].as_str().unwrap());
        assert!(location.contains("#access_token="), "{location}");
        // Someone else's tab (no request, no opt-in): refused before any request, nothing stored.
        server.clear_requests();
        let refused = go(stranger.handle_redirect(&location, false)).await.unwrap_err();
        assert_eq!(refused.code, ErrorCode::UnsolicitedSession);
        assert!(server.requests().is_empty());
        assert!(stranger.cached_user().is_none() && store.get("test").unwrap().is_none());
        assert!(events.borrow().is_empty());
        // The app may opt in (it knows its own email links open across devices).
        let session = go(stranger.handle_redirect(&location, true)).await.unwrap().unwrap();
        assert_eq!(session.user.email(), Some("link@test.io"));
        assert_eq!(*events.borrow(), vec!["PASSWORD_RECOVERY"]);
    });
}

#[test]
fn the_client_that_asked_takes_its_link_within_the_hour() {
    let server = Devserver::start(|_| {});
    server.sign_up("asked@test.io");
    let h = harness(&server, &SharedStore::default());
    run(async {
        go(h.auth.request_password_reset("asked@test.io", Some("http://127.0.0.1:3000/reset"), ResetFlow::Otp)).await.unwrap();
        let link = server.last_mail("asked@test.io")["link"].as_str().unwrap().to_string();
        h.clock.set(3601.0);
        let late = go(h.auth.handle_redirect(&follow_link(&link), false)).await.unwrap_err();
        assert_eq!(late.code, ErrorCode::UnsolicitedSession, "the pending mark expires");
        h.clock.set(0.0);
        let session = go(h.auth.handle_redirect(&follow_link(&link), false)).await;
        // The first follow consumed the token: the second redirect is an error fragment.
        assert_eq!(code(session), ErrorCode::InvalidOtp);
        server.call("POST", "/_dev/clock", Some(json!({"seconds": 61})));
        go(h.auth.request_password_reset("asked@test.io", Some("http://127.0.0.1:3000/reset"), ResetFlow::Otp)).await.unwrap();
        let fresh = follow_link(server.last_mail("asked@test.io")["link"].as_str().unwrap());
        assert_eq!(go(h.auth.handle_redirect(&fresh, false)).await.unwrap().unwrap().user.email(), Some("asked@test.io"));
    });
}

#[test]
fn a_link_never_swaps_the_signed_in_user() {
    let server = Devserver::start(|_| {});
    server.sign_up("alice@test.io");
    server.sign_up("mallory@test.io");
    let (alice, events) = client(&server, &SharedStore::default());
    run(async {
        go(alice.sign_in("alice@test.io", PASSWORD)).await.unwrap();
        // Mallory's own link, opened in Alice's signed-in app (login CSRF), even with the opt-in.
        let (mallory, _) = client(&server, &SharedStore::default());
        go(mallory.request_password_reset("mallory@test.io", Some("http://127.0.0.1:3000/reset"), ResetFlow::Otp)).await.unwrap();
        let mail = server.last_mail("mallory@test.io");
        let location = follow_link(mail["link"].as_str().unwrap());
        assert_eq!(code(go(alice.handle_redirect(&location, true)).await), ErrorCode::SessionConflict);
        assert_eq!(alice.cached_user().unwrap().email(), Some("alice@test.io"));
        // A token-hash link or a code for Mallory: verified, then refused, and that session ended.
        server.call("POST", "/_dev/clock", Some(json!({"seconds": 61})));
        go(mallory.request_password_reset("mallory@test.io", None, ResetFlow::Otp)).await.unwrap();
        let hash_link = format!("http://127.0.0.1:3000/reset?token_hash={}&type=recovery", server.last_mail("mallory@test.io")["token_hash"].as_str().unwrap());
        assert_eq!(code(go(alice.handle_redirect(&hash_link, false)).await), ErrorCode::SessionConflict);
        assert_eq!(alice.cached_user().unwrap().email(), Some("alice@test.io"));
        assert_eq!(*events.borrow(), vec!["SIGNED_IN"], "no event: nothing changed");
        go(alice.user()).await.unwrap();
        // Alice's own link is fine while she is signed in.
        go(alice.request_password_reset("alice@test.io", Some("http://127.0.0.1:3000/reset"), ResetFlow::Otp)).await.unwrap();
        let own = follow_link(server.last_mail("alice@test.io")["link"].as_str().unwrap());
        go(alice.handle_redirect(&own, false)).await.unwrap();
        assert_eq!(events.borrow().last(), Some(&"PASSWORD_RECOVERY"));
    });
}

#[test]
fn token_hash_links_work_across_devices_when_nobody_is_signed_in() {
    let server = Devserver::start(|_| {});
    server.sign_up("cross@test.io");
    run(async {
        let (laptop, _) = client(&server, &SharedStore::default());
        go(laptop.request_password_reset("cross@test.io", None, ResetFlow::Otp)).await.unwrap();
        let hash = server.last_mail("cross@test.io")["token_hash"].as_str().unwrap().to_string();
        let (phone, _) = client(&server, &SharedStore::default());
        let session = go(phone.handle_redirect(&format!("https://app.test/reset?token_hash={hash}&type=recovery"), false)).await.unwrap().unwrap();
        assert_eq!(session.user.email(), Some("cross@test.io"));
    });
}

#[test]
fn tokens_that_would_smuggle_a_header_are_refused_before_any_request() {
    let server = Devserver::start(|_| {});
    let (auth, _) = client(&server, &SharedStore::default());
    server.clear_requests();
    run(async {
        for access_token in ["AT%0AX-Smuggled%0Ayes", "AT%0D%0AX-Smuggled:%20yes", "A%20T", "%00"] {
            let link = format!("https://app.test/#access_token={access_token}&refresh_token=r1234567890a&expires_in=3600&type=recovery");
            let error = go(auth.handle_redirect(&link, true)).await.unwrap_err();
            assert_eq!(error.code, ErrorCode::InvalidInput, "{access_token}");
            assert!(error.message.starts_with("access_token:"));
            assert!(!error.message.contains("Smuggled"));
        }
        let link = "https://app.test/#access_token=AT&refresh_token=r%0Ax&expires_in=3600&type=recovery";
        assert!(go(auth.handle_redirect(link, true)).await.unwrap_err().message.starts_with("refresh_token:"));
    });
    assert!(server.requests().is_empty());
}
