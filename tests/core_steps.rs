//! The core's state machine stepped by hand: no server, no clock, no runtime. Each test reads the
//! request an operation asks for, answers it (or fails it) as it likes, and moves a manual clock,
//! so single flight, retries, cool-down, expiry and the cross-tab rules are checked exactly.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use wasm_auth_client::api::GoTrue;
use wasm_auth_client::backend::{Backend, Capabilities, Credential, PasswordChange, Proof, ResetOptions, SignOutScope, Updated, Verified};
use wasm_auth_client::core::{AuthCore, AuthEvent, ResetFlow};
use wasm_auth_client::error::ErrorCode;
use wasm_auth_client::http::{Host, HttpRequest, HttpResponse, TransportError};
use wasm_auth_client::json::JsonValue;
use wasm_auth_client::need::{Need, Reply};
use wasm_auth_client::session::{Session, User};
use common::SharedStore;
use wasm_auth_client::storage::{Keys, Store};

const NOW: f64 = 1_800_000_000.0;

/// A clock the test moves.
#[derive(Clone)]
struct Clock(Rc<Cell<f64>>);

impl Host for Clock {
    fn now(&self) -> f64 {
        self.0.get()
    }
    fn random_bytes(&self) -> Option<[u8; 64]> {
        Some([7; 64])
    }
}


struct Tab<B: Backend> {
    core: Rc<AuthCore<B, Clock>>,
    clock: Rc<Cell<f64>>,
    events: Rc<RefCell<Vec<&'static str>>>,
}

fn tab_with<B: Backend>(backend: B, store: &SharedStore) -> Tab<B> {
    let clock = Rc::new(Cell::new(NOW));
    let core = AuthCore::new(backend, Clock(clock.clone()), Box::new(store.clone()), Keys::new("k"));
    let events = Rc::new(RefCell::new(Vec::new()));
    let sink = events.clone();
    core.subscribe(Rc::new(move |event: AuthEvent, _| sink.borrow_mut().push(event.as_str())));
    Tab { core, clock, events }
}

fn tab(store: &SharedStore) -> Tab<GoTrue> {
    tab_with(GoTrue::new("https://auth.test", Some("anon"), vec![]), store)
}

const USER: &str = r#"{"id":"0b1c2d3e-aaaa-4000-8000-000000000001","email":"ann@test.io"}"#;

/// A token response GoTrue would give: an hour's access token.
fn tokens(access: &str, refresh: &str) -> Reply {
    let body = format!(r#"{{"access_token":"{access}","token_type":"bearer","expires_in":3600,"expires_at":1,"refresh_token":"{refresh}","user":{USER}}}"#);
    Ok(HttpResponse { status: 200, body, ..HttpResponse::default() })
}

fn status(code: u16, body: &str) -> Reply {
    Ok(HttpResponse { status: code, body: body.into(), ..HttpResponse::default() })
}

/// Signs `tab` in (one request, answered) and returns the session.
fn signed_in<B: Backend>(tab: &Tab<B>) -> Session {
    let (_, answer) = sent(tab.core.sign_in("ann@test.io", "a-password-1"));
    done(answer(tokens("at-1", "rt-1")))
}

/// The request an operation asks for, and what to call with the answer.
#[track_caller]
fn sent<T>(need: Need<T>) -> (HttpRequest, Box<dyn FnOnce(Reply) -> Need<T>>) {
    match need {
        Need::Send(request, k) => (request, k),
        Need::Done(Ok(_)) => panic!("expected a request, got a result"),
        Need::Done(Err(e)) => panic!("expected a request, got {e:?}"),
        Need::Sleep(ms, _) => panic!("expected a request, got a {ms} ms wait"),
        Need::Wait(..) => panic!("expected a request, got a wait for another refresh"),
    }
}

#[track_caller]
fn done<T>(need: Need<T>) -> T {
    match need {
        Need::Done(Ok(value)) => value,
        Need::Done(Err(e)) => panic!("failed: {e:?}"),
        _ => panic!("not finished"),
    }
}

#[track_caller]
fn failed<T>(need: Need<T>) -> ErrorCode {
    match need {
        Need::Done(Err(e)) => e.code,
        Need::Done(Ok(_)) => panic!("succeeded"),
        _ => panic!("not finished"),
    }
}

#[track_caller]
fn slept<T>(need: Need<T>) -> (u32, Box<dyn FnOnce() -> Need<T>>) {
    match need {
        Need::Sleep(ms, k) => (ms, k),
        _ => panic!("expected a wait"),
    }
}

/// Moves the clock to `seconds` before the access token's expiry.
fn expiring_in<B: Backend>(tab: &Tab<B>, session: &Session, seconds: f64) {
    tab.clock.set(session.expires_at - seconds);
}

#[test]
fn a_fresh_token_is_used_without_a_request() {
    let store = SharedStore::default();
    let t = tab(&store);
    let session = signed_in(&t);
    assert_eq!(session.expires_at, NOW + 3600.0, "expiry in this clock: receipt time + expires_in");
    expiring_in(&t, &session, 61.0);
    assert_eq!(done(t.core.session()).unwrap().access_token, "at-1");
}

#[test]
fn concurrent_callers_share_one_refresh() {
    let store = SharedStore::default();
    let t = tab(&store);
    let session = signed_in(&t);
    expiring_in(&t, &session, 30.0);
    let (request, answer) = sent(t.core.session());
    assert!(request.url.ends_with("/token?grant_type=refresh_token"));
    // Two more callers while the refresh is in flight: they wait for it, they send nothing.
    let Need::Wait(flight, second) = t.core.user() else { panic!("the second caller must wait") };
    let Need::Wait(_, third) = t.core.session() else { panic!("the third caller must wait") };
    let fresh = done(answer(tokens("at-2", "rt-2"))).unwrap();
    assert_eq!(fresh.access_token, "at-2");
    // What the driver hands to the waiters: the landed result.
    assert_eq!(flight.wait_now().expect("landed").unwrap().access_token, "at-2");
    assert_eq!(done(third(Ok(fresh.clone()))).unwrap().access_token, "at-2");
    // The waiting getUser goes on with the refreshed token.
    let (user_request, _) = sent(second(Ok(fresh)));
    assert!(user_request.headers.iter().any(|(k, v)| k == "Authorization" && v == "Bearer at-2"));
    assert_eq!(*t.events.borrow(), vec!["SIGNED_IN", "TOKEN_REFRESHED"]);
}

#[test]
fn transient_failures_are_retried_with_backoff_then_the_valid_token_serves() {
    let store = SharedStore::default();
    let t = tab(&store);
    let session = signed_in(&t);
    expiring_in(&t, &session, 30.0);
    let mut need = t.core.session();
    let mut waits = Vec::new();
    for attempt in 0..4 {
        let (_, answer) = sent(need);
        let reply = if attempt % 2 == 0 { status(503, "<html>busy</html>") } else { Err(TransportError::Timeout) };
        need = answer(reply);
        if attempt < 3 {
            let (ms, next) = slept(need);
            waits.push(ms);
            need = next();
        }
    }
    assert_eq!(waits, vec![200, 400, 800]);
    assert_eq!(done(need).unwrap().access_token, "at-1", "still valid: used as it is");
    assert_eq!(*t.events.borrow(), vec!["SIGNED_IN"], "never signed out");
}

#[test]
fn an_expired_token_with_the_server_down_reports_the_failure_and_keeps_the_session() {
    let store = SharedStore::default();
    let t = tab(&store);
    let session = signed_in(&t);
    t.clock.set(session.expires_at + 5.0);
    let mut need = t.core.session();
    for _ in 0..3 {
        let (_, answer) = sent(need);
        need = slept(answer(Err(TransportError::Network))).1();
    }
    let (_, answer) = sent(need);
    assert_eq!(failed(answer(Err(TransportError::Network))), ErrorCode::NetworkError);
    assert!(t.core.cached_user().is_some());
    assert!(store.get("k").unwrap().is_some(), "the record stays for the next attempt");
}

#[test]
fn a_refused_refresh_token_is_not_presented_again_for_a_minute() {
    let store = SharedStore::default();
    let t = tab(&store);
    let session = signed_in(&t);
    expiring_in(&t, &session, 30.0);
    let (_, answer) = sent(t.core.session());
    let refused = r#"{"code":"refresh_token_not_found","message":"Invalid Refresh Token: Refresh Token Not Found"}"#;
    assert_eq!(done(answer(status(400, refused))).unwrap().access_token, "at-1");
    // Within the cool-down: no request at all.
    t.clock.set(t.clock.get() + 20.0);
    assert_eq!(done(t.core.session()).unwrap().access_token, "at-1");
    // Past it (and still valid): asked again.
    t.clock.set(t.clock.get() + 41.0);
    let (request, _) = sent(t.core.session());
    assert!(request.url.ends_with("grant_type=refresh_token"));
}

#[test]
fn a_refused_refresh_token_signs_out_once_the_access_token_has_expired() {
    let store = SharedStore::default();
    let t = tab(&store);
    let session = signed_in(&t);
    t.clock.set(session.expires_at + 1.0);
    let (_, answer) = sent(t.core.session());
    let used = r#"{"code":"refresh_token_already_used","message":"Invalid Refresh Token: Already Used"}"#;
    assert_eq!(done(answer(status(400, used))), None, "getSession resolves null");
    assert_eq!(*t.events.borrow(), vec!["SIGNED_IN", "SIGNED_OUT"]);
    assert_eq!(store.get("k").unwrap(), None);
    assert_eq!(failed(t.core.user()), ErrorCode::NotAuthenticated, "and no request after that");
}

#[test]
fn a_sign_out_during_a_refresh_wins() {
    let store = SharedStore::default();
    let t = tab(&store);
    let session = signed_in(&t);
    expiring_in(&t, &session, 30.0);
    let (_, refresh_answer) = sent(t.core.session());
    let (_, logout_answer) = sent(t.core.sign_out(SignOutScope::Local));
    done(logout_answer(status(204, "")));
    assert_eq!(done(refresh_answer(tokens("at-2", "rt-2"))), None, "getSession: signed out");
    assert!(t.core.cached_user().is_none(), "the refresh result is dropped");
    assert_eq!(store.get("k").unwrap(), None);
}

#[test]
fn a_refresh_landing_after_another_tabs_newer_one_adopts_it() {
    let store = SharedStore::default();
    let a = tab(&store);
    let session = signed_in(&a);
    let b = tab(&store);
    assert!(b.core.cached_user().is_some(), "B starts from the shared record");
    expiring_in(&a, &session, 30.0);
    expiring_in(&b, &session, 30.0);
    // A's refresh is in flight; B refreshes meanwhile, later on its clock.
    let (_, a_answer) = sent(a.core.session());
    b.clock.set(b.clock.get() + 50.0);
    let (_, b_answer) = sent(b.core.session());
    let from_b = done(b_answer(tokens("at-b", "rt-b"))).unwrap();
    let from_a = done(a_answer(tokens("at-a", "rt-a"))).unwrap();
    assert_eq!(from_a.access_token, "at-b", "A adopted the newer record");
    assert_eq!(Session::from_record(&store.get("k").unwrap().unwrap(), 0.0).unwrap().access_token, from_b.access_token);
}

#[test]
fn another_tabs_records_newer_wins_older_is_put_back() {
    let store = SharedStore::default();
    let a = tab(&store);
    let session = signed_in(&a);
    let newer = Session { access_token: "at-n".into(), refresh_token: "rt-n".into(), expires_at: session.expires_at + 100.0, ..session.clone() };
    a.core.adopt_external(Some(&newer.to_record()));
    assert_eq!(done(a.core.session()).unwrap().access_token, "at-n");
    let older = Session { access_token: "at-o".into(), refresh_token: "rt-o".into(), expires_at: session.expires_at - 100.0, ..session };
    store.set("k", &older.to_record()).unwrap();
    a.core.adopt_external(Some(&older.to_record()));
    assert_eq!(done(a.core.session()).unwrap().access_token, "at-n", "the older record is ignored");
    assert!(store.get("k").unwrap().unwrap().contains("at-n"), "and ours is written back");
    a.core.adopt_external(None);
    assert!(a.core.cached_user().is_none());
    assert_eq!(*a.events.borrow(), vec!["SIGNED_IN", "TOKEN_REFRESHED", "SIGNED_OUT"]);
}

#[test]
fn no_session_and_bad_input_end_before_any_request() {
    let store = SharedStore::default();
    let t = tab(&store);
    assert_eq!(failed(t.core.update_password("new-password-1", None, None, ResetOptions::default())), ErrorCode::NotAuthenticated);
    assert_eq!(failed(t.core.user()), ErrorCode::NotAuthenticated);
    assert_eq!(failed(t.core.reauthenticate()), ErrorCode::NotAuthenticated);
    assert_eq!(failed(t.core.request_password_reset("not-an-email", None, Default::default())), ErrorCode::InvalidInput);
    assert_eq!(failed(t.core.verify_recovery(Proof::Code { email: None, code: "123456".into() })), ErrorCode::InvalidInput);
    assert_eq!(failed(t.core.verify_recovery(Proof::Code { email: Some("a@b.co".into()), code: "12".into() })), ErrorCode::InvalidInput);
    assert_eq!(done(t.core.session()), None);
}

#[test]
fn current_password_is_proven_by_a_sign_in_and_that_extra_session_is_ended_if_the_change_fails() {
    let store = SharedStore::default();
    let t = tab(&store);
    signed_in(&t);
    let (probe, answer) = sent(t.core.update_password("new-password-1", Some("old-password-1"), None, ResetOptions::default()));
    assert!(probe.url.ends_with("grant_type=password"));
    let (change, answer) = sent(answer(tokens("at-probe", "rt-probe")));
    assert_eq!(change.method, "PUT");
    assert!(change.headers.iter().any(|(k, v)| k == "Authorization" && v == "Bearer at-1"), "changed on this session, not the probe");
    let weak = r#"{"code":"weak_password","message":"weak","weak_password":{"reasons":["length"]}}"#;
    let (cleanup, answer) = sent(answer(status(422, weak)));
    assert!(cleanup.url.ends_with("/logout?scope=local"));
    assert!(cleanup.headers.iter().any(|(k, v)| k == "Authorization" && v == "Bearer at-probe"));
    assert_eq!(failed(answer(status(204, ""))), ErrorCode::WeakPassword);
    // A wrong current password changes nothing and sends nothing more.
    let (_, answer) = sent(t.core.update_password("new-password-1", Some("wrong-password-1"), None, ResetOptions::default()));
    let wrong = r#"{"code":"invalid_credentials","message":"Invalid login credentials"}"#;
    assert_eq!(failed(answer(status(400, wrong))), ErrorCode::InvalidCurrentPassword);
}

// ---- the seam for platforms without a recovery session -----------------------------------------

/// A platform that checks a code without using it and completes the reset with the code and the
/// new password in one call (the shape of Firebase's and PocketBase's reset APIs).
struct Ticketed(GoTrue);

impl Backend for Ticketed {
    const CAPABILITIES: Capabilities = Capabilities { holds_credentials: true, checks_current_password: true, ..Capabilities::NONE };

    fn parse_link(&self, _: &str) -> Option<wasm_auth_client::RecoveryLink> {
        None
    }
    fn clean_link(&self, url: &str) -> String {
        url.to_string()
    }
    fn request_password_reset(&self, email: &str, redirect_to: Option<&str>, challenge: Option<&str>) -> Need<()> {
        self.0.request_password_reset(email, redirect_to, challenge)
    }
    fn verify_recovery(&self, proof: Proof) -> Need<Verified> {
        let (Proof::Code { code, .. } | Proof::Link(code)) = proof else { panic!("no parts here") };
        let request = HttpRequest { method: "POST", url: "https://ticket.test/check".into(), headers: vec![], body: Some(code.clone()) };
        Need::send(request, move |reply| match reply {
            Ok(r) if r.status == 200 => Need::ok(Verified::Held(Credential::new(code, Some(r.body)))),
            _ => Need::err(wasm_auth_client::error::AuthError::new(ErrorCode::InvalidOtp, "wrong code")),
        })
    }
    fn complete_recovery(&self, held: Credential, password: &str, _: ResetOptions) -> Need<Option<Session>> {
        let request = HttpRequest { method: "POST", url: "https://ticket.test/reset".into(), headers: vec![], body: Some(format!("{}:{password}", held.secret)) };
        let sign_in = self.0.sign_in_with_password(held.email.as_deref().unwrap_or_default(), password).map(Some);
        Need::send(request, move |reply| match reply.map(|r| r.status) {
            Ok(200) => sign_in,
            Ok(422) => Need::err(wasm_auth_client::error::AuthError::new(ErrorCode::WeakPassword, "too short")),
            _ => Need::err(wasm_auth_client::error::AuthError::new(ErrorCode::InvalidOtp, "spent")),
        })
    }
    fn sign_in_with_password(&self, email: &str, password: &str) -> Need<Session> {
        self.0.sign_in_with_password(email, password)
    }
    fn refresh(&self, session: &Session) -> Need<Session> {
        self.0.refresh(session)
    }
    fn get_user(&self, session: &Session) -> Need<User> {
        self.0.get_user(session)
    }
    // Like PocketBase: the server checks the current password, sent with the change.
    fn update_password(&self, session: &Session, change: PasswordChange<'_>) -> Need<Updated> {
        self.0.update_password(session, change)
    }
    fn sign_out(&self, _session: &Session, scope: SignOutScope) -> Need<()> {
        // Sessions here are the client's own: nothing to revoke on a server.
        match scope {
            SignOutScope::Local => Need::ok(()),
            _ => Need::err(wasm_auth_client::backend::unsupported("signing out other sessions")),
        }
    }
}

#[test]
fn a_held_credential_completes_the_reset_and_ends_signed_in() {
    let store = SharedStore::default();
    let t = tab_with(Ticketed(GoTrue::new("https://auth.test", None, vec![])), &store);
    let (check, answer) = sent(t.core.verify_recovery(Proof::Code { email: Some("ann@test.io".into()), code: "oob-123".into() }));
    assert_eq!(check.url, "https://ticket.test/check");
    assert_eq!(done(answer(status(200, "ann@test.io"))), None, "no session yet: the credential is held");
    assert!(t.core.cached_user().is_none());
    assert_eq!(*t.events.borrow(), vec!["PASSWORD_RECOVERY"], "the cue for the new-password step");
    assert!(!store.get("k").unwrap().is_some_and(|r| r.contains("oob-123")), "never stored");

    // Refused as too weak: the credential is kept for the next try.
    let (_, answer) = sent(t.core.update_password("short-1", None, None, ResetOptions::default()));
    assert_eq!(failed(answer(status(422, ""))), ErrorCode::WeakPassword);
    let (reset, answer) = sent(t.core.update_password("brand-new-password-1", None, None, ResetOptions::default()));
    assert_eq!((reset.url.as_str(), reset.body.as_deref()), ("https://ticket.test/reset", Some("oob-123:brand-new-password-1")));
    let (sign_in, answer) = sent(answer(status(200, "")));
    assert!(sign_in.url.ends_with("grant_type=password"));
    let user = done(answer(tokens("at-new", "rt-new")));
    assert_eq!(user.as_ref().and_then(|u| u.email()), Some("ann@test.io"));
    assert_eq!(t.core.cached_user().unwrap().email(), Some("ann@test.io"));
    assert_eq!(*t.events.borrow(), vec!["PASSWORD_RECOVERY", "USER_UPDATED"]);
    // The credential was used up: the next change is of the signed-in user's password, and this
    // platform wants the current one — refused before the network without it.
    assert_eq!(failed(t.core.update_password("another-password-1", None, None, ResetOptions::default())), ErrorCode::CurrentPasswordRequired);
    let (request, _) = sent(t.core.update_password("another-password-1", Some("brand-new-password-1"), None, ResetOptions::default()));
    assert_eq!(request.method, "PUT", "no probe sign-in: the server checks it");
    assert!(request.body.as_deref().unwrap().contains("\"current_password\":\"brand-new-password-1\""));
    assert_eq!(failed(t.core.reauthenticate()), ErrorCode::Unsupported);
}

#[test]
fn a_scope_the_platform_lacks_is_refused_and_changes_nothing() {
    let store = SharedStore::default();
    let t = tab_with(Ticketed(GoTrue::new("https://auth.test", None, vec![])), &store);
    signed_in(&t);
    t.events.borrow_mut().clear();
    for scope in [SignOutScope::Global, SignOutScope::Others] {
        assert_eq!(failed(t.core.sign_out(scope)), ErrorCode::Unsupported);
        assert!(t.core.cached_user().is_some(), "still signed in after {scope:?}");
        assert!(store.get("k").unwrap().is_some(), "the record is kept");
    }
    assert!(t.events.borrow().is_empty());
    done(t.core.sign_out(SignOutScope::Local));
    assert!(t.core.cached_user().is_none());
    assert_eq!(*t.events.borrow(), vec!["SIGNED_OUT"]);
}

#[test]
fn a_held_credential_for_another_account_than_the_signed_in_one_is_refused() {
    let store = SharedStore::default();
    let t = tab_with(Ticketed(GoTrue::new("https://auth.test", None, vec![])), &store);
    signed_in(&t);
    t.events.borrow_mut().clear();
    let (_, answer) = sent(t.core.verify_recovery(Proof::Code { email: None, code: "oob-bob".into() }));
    assert_eq!(failed(answer(status(200, "bob@test.io"))), ErrorCode::SessionConflict);
    assert!(t.events.borrow().is_empty());
    // Nothing held: the next change is ann's own, which this platform checks on the server.
    assert_eq!(failed(t.core.update_password("brand-new-password-1", None, None, ResetOptions::default())), ErrorCode::CurrentPasswordRequired);
    // ann's own reset, while signed in as ann, is fine.
    let (_, answer) = sent(t.core.verify_recovery(Proof::Code { email: None, code: "oob-ann".into() }));
    assert_eq!(done(answer(status(200, "ANN@test.io"))), None);
    assert_eq!(*t.events.borrow(), vec!["PASSWORD_RECOVERY"]);
    assert_eq!(t.core.cached_user().unwrap().email(), Some("ann@test.io"), "still signed in");
}

fn ticketed_tab(store: &SharedStore) -> Tab<Ticketed> {
    tab_with(Ticketed(GoTrue::new("https://auth.test", None, vec![])), store)
}

/// bob's code verified here while signed out (a crafted link opened through `handleRedirect`
/// is enough to plant one).
fn holding_bobs_reset(t: &Tab<Ticketed>) {
    let (_, answer) = sent(t.core.verify_recovery(Proof::Code { email: None, code: "oob-bob".into() }));
    assert_eq!(done(answer(status(200, "bob@test.io"))), None, "held");
}

#[test]
fn a_held_credential_dies_with_the_session_it_was_verified_in() {
    let store = SharedStore::default();
    let t = ticketed_tab(&store);
    holding_bobs_reset(&t);
    signed_in(&t); // ann
    done(t.core.sign_out(SignOutScope::Local));
    signed_in(&t);
    // ann changes her own password with her current one: never bob's reset.
    let (request, _) = sent(t.core.update_password("ann-new-password-1", Some("a-password-1"), None, ResetOptions::default()));
    assert_eq!((request.method, request.url.as_str()), ("PUT", "https://auth.test/user"), "ann's change, not bob's reset");
    assert!(request.body.as_deref().unwrap().contains("\"current_password\":\"a-password-1\""));
    // Nor without it: the held reset is gone, and this platform wants the current password.
    assert_eq!(failed(t.core.update_password("ann-new-password-1", None, None, ResetOptions::default())), ErrorCode::CurrentPasswordRequired);
}

#[test]
fn every_session_change_drops_a_held_credential() {
    // A sign-in.
    let store = SharedStore::default();
    let t = ticketed_tab(&store);
    holding_bobs_reset(&t);
    signed_in(&t);
    assert_eq!(failed(t.core.update_password("brand-new-password-1", None, None, ResetOptions::default())), ErrorCode::CurrentPasswordRequired);
    // A sign-out, even with nobody signed in.
    let t = ticketed_tab(&SharedStore::default());
    holding_bobs_reset(&t);
    done(t.core.sign_out(SignOutScope::Local));
    assert_eq!(failed(t.core.update_password("brand-new-password-1", None, None, ResetOptions::default())), ErrorCode::NotAuthenticated);
    // A session handed over by the app.
    let t = ticketed_tab(&SharedStore::default());
    holding_bobs_reset(&t);
    let (_, answer) = sent(t.core.set_session("at-9", "rt-9", Some(3600.0)));
    done(answer(status(200, USER)));
    assert_eq!(failed(t.core.update_password("brand-new-password-1", None, None, ResetOptions::default())), ErrorCode::CurrentPasswordRequired);
    // Another tab's sign-in.
    let shared = SharedStore::default();
    let (t, other) = (ticketed_tab(&shared), ticketed_tab(&shared));
    holding_bobs_reset(&t);
    signed_in(&other);
    t.core.adopt_external(shared.get("k").unwrap().as_deref());
    assert_eq!(t.core.cached_user().unwrap().email(), Some("ann@test.io"));
    assert_eq!(failed(t.core.update_password("brand-new-password-1", None, None, ResetOptions::default())), ErrorCode::CurrentPasswordRequired);
}

#[test]
fn a_current_password_means_a_signed_in_change_even_with_a_reset_held() {
    let store = SharedStore::default();
    let t = ticketed_tab(&store);
    signed_in(&t);
    let (_, answer) = sent(t.core.verify_recovery(Proof::Code { email: None, code: "oob-ann".into() }));
    assert_eq!(done(answer(status(200, "ann@test.io"))), None);
    let (request, _) = sent(t.core.update_password("brand-new-password-1", Some("a-password-1"), None, ResetOptions::default()));
    assert_eq!(request.method, "PUT", "the signed-in change, checked by the server");
    // Without it, ann's own reset completes.
    let (request, _) = sent(t.core.update_password("brand-new-password-1", None, None, ResetOptions::default()));
    assert_eq!(request.url, "https://ticket.test/reset");
}

#[test]
fn a_failed_completion_does_not_bring_a_credential_back_after_a_sign_out() {
    let store = SharedStore::default();
    let t = ticketed_tab(&store);
    holding_bobs_reset(&t);
    let (_, answer) = sent(t.core.update_password("short-1", None, None, ResetOptions::default()));
    done(t.core.sign_out(SignOutScope::Local));
    assert_eq!(failed(answer(status(422, ""))), ErrorCode::WeakPassword);
    assert_eq!(failed(t.core.update_password("brand-new-password-1", None, None, ResetOptions::default())), ErrorCode::NotAuthenticated);
}

#[test]
fn pkce_on_a_platform_without_it_is_refused_before_anything_is_stored() {
    let store = SharedStore::default();
    let t = tab_with(Ticketed(GoTrue::new("https://auth.test", None, vec![])), &store);
    assert_eq!(failed(t.core.request_password_reset("ann@test.io", None, ResetFlow::Pkce)), ErrorCode::Unsupported);
    for key in ["k:code-verifier", "k:recovery-email", "k:pending-flow"] {
        assert_eq!(store.get(key).unwrap(), None, "{key} stored");
    }
}

#[test]
fn a_wrong_credential_is_not_held() {
    let store = SharedStore::default();
    let t = tab_with(Ticketed(GoTrue::new("https://auth.test", None, vec![])), &store);
    let (_, answer) = sent(t.core.verify_recovery(Proof::Link("bad".into())));
    assert_eq!(failed(answer(status(400, ""))), ErrorCode::InvalidOtp);
    assert_eq!(failed(t.core.update_password("brand-new-password-1", None, None, ResetOptions::default())), ErrorCode::NotAuthenticated);
}

#[test]
fn parsed_json_is_what_the_wire_said() {
    // Guard for the helpers above: the token response is a valid GoTrue answer.
    let Ok(response) = tokens("a", "r") else { unreachable!() };
    assert!(JsonValue::parse(&response.body).is_some());
}

// ---- platforms whose reset ends every session, sessions handed over by the app ---------------

fn wristband() -> wasm_auth_client::wristband::Wristband {
    wasm_auth_client::wristband::Wristband::new("https://app.wristband.test", "client1", vec![])
}

#[test]
fn set_session_asks_whose_tokens_they_are_and_replaces_the_session() {
    let store = SharedStore::default();
    let t = tab(&store);
    // Checked before any request: these become headers.
    assert_eq!(failed(t.core.set_session("a b", "rt-1", Some(3600.0))), ErrorCode::InvalidInput);
    assert_eq!(failed(t.core.set_session("at-1", "rt-1", None)), ErrorCode::InvalidInput, "GoTrue cannot read the lifetime: expiresIn is needed");
    let (probe, answer) = sent(t.core.set_session("at-1", "rt-1", Some(3600.0)));
    assert!(probe.url.ends_with("/user") && probe.headers.contains(&("Authorization".into(), "Bearer at-1".into())));
    let session = done(answer(status(200, USER)));
    assert_eq!((session.user.email(), session.expires_at), (Some("ann@test.io"), NOW + 3600.0));
    assert_eq!(*t.events.borrow(), vec!["SIGNED_IN"]);
    assert!(store.get("k").unwrap().is_some_and(|r| r.contains("rt-1")), "stored");
    // Tokens the server does not know change nothing.
    let (_, answer) = sent(t.core.set_session("at-2", "rt-2", Some(3600.0)));
    assert_eq!(failed(answer(status(401, r#"{"code":"bad_jwt","message":"invalid JWT"}"#))), ErrorCode::NotAuthenticated);
    assert_eq!(t.core.cached_user().unwrap().email(), Some("ann@test.io"));
}

#[test]
fn a_reset_that_revokes_every_session_ends_signed_out() {
    let store = SharedStore::default();
    let t = tab_with(wristband(), &store);
    // A session from the hosted login; its lifetime read from the token's `exp`.
    let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjE4MDAwMDM2MDB9.c2ln"; // {"exp":1800003600}
    let (_, answer) = sent(t.core.set_session(jwt, "rt-1", None));
    let session = done(answer(status(200, r#"{"sub":"u1","email":"ann@test.io"}"#)));
    assert_eq!((session.user.id(), session.expires_in), ("u1", 3600.0));
    t.events.borrow_mut().clear();

    // Half a pair, two forms, or a plain token: refused before any request.
    for parts in [vec![("requestCode", "r1")], vec![("emailAuthCode", "e1"), ("passwordResetCode", "p1")]] {
        let parts = parts.into_iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        assert_eq!(failed(t.core.verify_recovery(Proof::Parts(parts))), ErrorCode::InvalidInput);
    }
    assert_eq!(failed(t.core.verify_recovery(Proof::Code { email: None, code: "abc".into() })), ErrorCode::InvalidInput);
    // Not the platform's to report: unsupported, whatever is held.
    assert_eq!(t.core.held_credential_expires_at().unwrap_err().code, ErrorCode::Unsupported);

    let parts = vec![("requestCode".to_string(), "r1".to_string()), ("verificationCode".to_string(), "123456".to_string())];
    // The credential names no account: while someone is signed in it could be anyone's (a
    // crafted link's), so it is refused; signed out, it is held.
    assert_eq!(failed(t.core.verify_recovery(Proof::Parts(parts.clone()))), ErrorCode::SessionConflict);
    let (revoke, answer) = sent(t.core.sign_out(SignOutScope::Local));
    assert!(revoke.url.ends_with("/oauth2/revoke"));
    done(answer(status(200, "")));
    t.events.borrow_mut().clear();
    assert_eq!(done(t.core.verify_recovery(Proof::Parts(parts))), None, "held without a request");
    let options = ResetOptions { skip_password_updated_email: true };
    let (reset, answer) = sent(t.core.update_password("brand-new-password-1", None, None, options));
    assert!(reset.url.ends_with("/api/v1/password-reset/reset-password"));
    let body = JsonValue::parse(reset.body.as_deref().unwrap()).unwrap();
    assert_eq!((body.str_field("requestCode"), body.str_field("verificationCode"), body.str_field("password")), (Some("r1"), Some("123456"), Some("brand-new-password-1")));
    assert_eq!(body.get("skipPasswordUpdatedEmail"), Some(&JsonValue::Bool(true)));
    assert_eq!(done(answer(status(204, ""))), None, "nobody is signed in after the reset");
    assert!(t.core.cached_user().is_none());
    assert_eq!(store.get("k").unwrap(), None, "no session is kept");
    assert_eq!(*t.events.borrow(), vec!["PASSWORD_RECOVERY", "USER_UPDATED"]);
}

#[test]
fn a_change_that_revokes_every_session_ends_signed_out() {
    let store = SharedStore::default();
    let t = tab_with(wristband(), &store);
    let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjE4MDAwMDM2MDB9.c2ln"; // {"exp":1800003600}
    let (_, answer) = sent(t.core.set_session(jwt, "rt-1", None));
    done(answer(status(200, r#"{"sub":"u1","email":"ann@test.io"}"#)));
    t.events.borrow_mut().clear();
    let (change, answer) = sent(t.core.update_password("brand-new-password-1", Some("old-password-1"), None, ResetOptions::default()));
    assert!(change.url.ends_with("/api/v1/change-password"));
    assert_eq!(done(answer(status(204, ""))).and_then(|u| u.email().map(str::to_string)).as_deref(), Some("ann@test.io"));
    assert!(t.core.cached_user().is_none(), "Wristband revoked this session with the change");
    assert_eq!(store.get("k").unwrap(), None);
    assert_eq!(*t.events.borrow(), vec!["SIGNED_OUT", "USER_UPDATED"]);
}

#[test]
fn options_a_platform_lacks_are_refused_before_the_network() {
    let store = SharedStore::default();
    let t = tab(&store);
    let skip = ResetOptions { skip_password_updated_email: true };
    assert_eq!(failed(t.core.update_password("brand-new-password-1", None, None, skip)), ErrorCode::Unsupported);
    assert_eq!(t.core.held_credential_expires_at().unwrap_err().code, ErrorCode::Unsupported);
    // Where a reset can skip the email, a signed-in change cannot.
    let w = tab_with(wristband(), &store);
    let (_, answer) = sent(w.core.set_session("at-1", "rt-1", Some(3600.0)));
    done(answer(status(200, r#"{"sub":"u1","email":"ann@test.io"}"#)));
    assert_eq!(failed(w.core.update_password("brand-new-password-1", Some("old-password-1"), None, skip)), ErrorCode::Unsupported);
}

#[test]
fn a_reset_answer_that_says_the_expiry_is_shown() {
    use wasm_auth_client::genauth::{Encryption, GenAuth};
    let store = SharedStore::default();
    let t = tab_with(GenAuth::new("https://app.genauth.test", "app1", Encryption::None), &store);
    assert_eq!(t.core.held_credential_expires_at().unwrap(), None, "nothing held");
    let (_, answer) = sent(t.core.verify_recovery(Proof::Code { email: Some("ann@test.io".into()), code: "123456".into() }));
    done(answer(status(200, r#"{"statusCode":200,"data":{"passwordResetToken":"prt-1","tokenExpiresIn":600}}"#)));
    assert_eq!(t.core.held_credential_expires_at().unwrap(), Some(NOW + 600.0));
}

// ---- platforms that renew the session token while answering (Wacht) ----------------------------

#[test]
fn a_token_renewed_in_passing_is_adopted_whatever_the_call_gave() {
    let store = SharedStore::default();
    let t = tab_with(wasm_auth_client::wacht::Wacht::new("https://frontend.app.test"), &store);
    // {"sid":"s1","exp":1800003600} and {"sid":"s1","exp":1800007200}
    let first = "eyJhbGciOiJIUzI1NiJ9.eyJzaWQiOiJzMSIsImV4cCI6MTgwMDAwMzYwMH0.c2ln";
    let renewed = "eyJhbGciOiJIUzI1NiJ9.eyJzaWQiOiJzMSIsImV4cCI6MTgwMDAwNzIwMH0.c2ln";
    let session = r#"{"data":{"id":"s1","active_signin":{"id":"s1","user":{"id":"7","primary_email_address":{"email":"ann@test.io"}}}}}"#;
    let with = |status: u16, body: &str, token: Option<&str>| -> Reply {
        let answer = HttpResponse { status, body: body.into(), ..HttpResponse::default() };
        Ok(match token {
            Some(token) => answer.with_headers(&["x-development-session"], &[token]),
            None => answer,
        })
    };
    let (_, answer) = sent(t.core.sign_in("ann@test.io", "a-password-1"));
    assert_eq!(done(answer(with(200, session, Some(first)))).access_token, first);
    t.events.borrow_mut().clear();
    // A failed call whose answer carries a renewed token: the old token is gone either way.
    let (request, answer) = sent(t.core.user());
    assert!(request.headers.contains(&("X-Development-Session".into(), first.into())));
    assert_eq!(failed(answer(with(503, "busy", Some(renewed)))), ErrorCode::ServerError);
    assert!(store.get("k").unwrap().is_some_and(|r| r.contains(renewed)), "stored");
    assert_eq!(*t.events.borrow(), vec!["TOKEN_REFRESHED"]);
    let (request, answer) = sent(t.core.user());
    assert!(request.headers.contains(&("X-Development-Session".into(), renewed.into())), "the next call uses it");
    let user = done(answer(with(200, r#"{"data":{"id":"7","primary_email_address":{"email":"ann@test.io"}}}"#, None)));
    assert_eq!(user.email(), Some("ann@test.io"));
    assert_eq!(*t.events.borrow(), vec!["TOKEN_REFRESHED"], "nothing more");
}

// ---- a token the server gives the client itself (Wacht's development session) ---------------

fn wacht() -> wasm_auth_client::wacht::Wacht {
    wasm_auth_client::wacht::Wacht::new("https://frontend.app.test")
}

/// Wacht's answer to a sign-in, and its development-session token (`{"exp":1800003600}`).
const SIGNED_IN: &str = r#"{"data":{"id":"b1","active_signin":{"id":"si1","user":{"id":"7","primary_email_address":{"email":"ann@test.io"}}}}}"#;
const TOKEN: &str = "eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjE4MDAwMDM2MDB9.c2ln";

fn with_token(code: u16, body: &str, token: &str) -> Reply {
    Ok(HttpResponse { status: code, body: body.into(), ..HttpResponse::default() }.with_headers(&["x-development-session"], &[token]))
}

#[track_caller]
fn browser_session(request: &HttpRequest) -> Option<&str> {
    request.headers.iter().find(|(name, _)| name.eq_ignore_ascii_case("x-development-session")).map(|(_, value)| value.as_str())
}

#[test]
fn the_browser_sessions_token_goes_on_every_request_signed_out_too() {
    let store = SharedStore::default();
    let t = tab_with(wacht(), &store);
    let (first, answer) = sent(t.core.request_password_reset("ann@test.io", None, ResetFlow::Otp));
    assert_eq!(browser_session(&first), None, "none given yet");
    done(answer(with_token(200, r#"{"data":{}}"#, "anon-token-1")));
    let (verify, answer) = sent(t.core.verify_recovery(Proof::Code { email: None, code: "123456".into() }));
    assert_eq!(browser_session(&verify), Some("anon-token-1"), "the reset comes from one browser session");
    assert_eq!(done(answer(status(200, r#"{"data":{"token":"rt-9"}}"#))), None);
    let (reset, _) = sent(t.core.update_password("brand-new-password-1", None, None, ResetOptions::default()));
    assert_eq!(browser_session(&reset), Some("anon-token-1"));
    // A reload: a new client on the same storage goes on in the same browser session.
    let reloaded = tab_with(wacht(), &store);
    let (request, _) = sent(reloaded.core.request_password_reset("ann@test.io", None, ResetFlow::Otp));
    assert_eq!(browser_session(&request), Some("anon-token-1"));
    // An answer with a newer one replaces it.
    let (_, answer) = sent(reloaded.core.request_password_reset("ann@test.io", None, ResetFlow::Otp));
    done(answer(with_token(200, r#"{"data":{}}"#, "anon-token-2")));
    let (request, _) = sent(reloaded.core.request_password_reset("ann@test.io", None, ResetFlow::Otp));
    assert_eq!(browser_session(&request), Some("anon-token-2"));
}

#[test]
fn a_sign_out_nobody_answered_takes_the_sessions_token_with_it() {
    let store = SharedStore::default();
    let t = tab_with(wacht(), &store);
    let (_, answer) = sent(t.core.sign_in("ann@test.io", "a-password-1"));
    done(answer(with_token(200, SIGNED_IN, TOKEN)));
    // Answered: the browser session goes on with the token the server gave for it.
    let (out, answer) = sent(t.core.sign_out(SignOutScope::Local));
    assert_eq!(browser_session(&out), Some(TOKEN));
    done(answer(with_token(200, r#"{"data":{}}"#, "anon-token-3")));
    let (next, _) = sent(t.core.request_password_reset("ann@test.io", None, ResetFlow::Otp));
    assert_eq!(browser_session(&next), Some("anon-token-3"));
    // Not answered: the signed-in token is not kept once its session ended here.
    let (_, answer) = sent(t.core.sign_in("ann@test.io", "a-password-1"));
    done(answer(with_token(200, SIGNED_IN, TOKEN)));
    let (_, answer) = sent(t.core.sign_out(SignOutScope::Local));
    done(answer(Err(TransportError::Network)));
    let (next, _) = sent(t.core.request_password_reset("ann@test.io", None, ResetFlow::Otp));
    assert_eq!(browser_session(&next), None);
    assert_eq!(store.get("k:client-token").unwrap(), None);
}

#[test]
fn a_verification_answered_after_a_session_change_holds_nothing() {
    let store = SharedStore::default();
    let t = ticketed_tab(&store);
    let (_, verified) = sent(t.core.verify_recovery(Proof::Code { email: None, code: "oob-ann".into() }));
    signed_in(&t); // ann signs in while the code is checked
    assert_eq!(failed(verified(status(200, "ann@test.io"))), ErrorCode::SessionConflict);
    assert_eq!(failed(t.core.update_password("brand-new-password-1", None, None, ResetOptions::default())), ErrorCode::CurrentPasswordRequired);
}

#[test]
fn another_tabs_sign_out_takes_the_browser_sessions_signed_in_token() {
    let shared = SharedStore::default();
    let t = tab_with(wacht(), &shared);
    let (_, answer) = sent(t.core.sign_in("ann@test.io", "a-password-1"));
    done(answer(with_token(200, SIGNED_IN, TOKEN)));
    // The other tab signed out: the shared record is gone.
    shared.remove("k").unwrap();
    t.core.adopt_external(None);
    let (next, _) = sent(t.core.request_password_reset("ann@test.io", None, ResetFlow::Otp));
    assert_eq!(browser_session(&next), None, "the ended session's token is not sent signed out");
}
