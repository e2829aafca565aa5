//! No credential in `Debug` output: every type that can hold a token, password, code, hash or
//! key prints a placeholder instead, so a `{:?}` in an app's log leaks nothing.
#![cfg(not(target_arch = "wasm32"))]

use wasm_auth_client::admin::RecoveryLinkInfo;
use wasm_auth_client::backend::PasswordChange;
use wasm_auth_client::backend::Proof;
use wasm_auth_client::fields::Fields;
use wasm_auth_client::http::{HttpRequest, HttpResponse};
use wasm_auth_client::json::JsonValue;
use wasm_auth_client::link::RecoveryLink;
use wasm_auth_client::session::{Session, User};
use wasm_auth_client::storage::{MemoryStore, Store};

const SECRET: &str = "s3cr3t-credential-value";

fn user() -> User {
    User::from_json(&JsonValue::parse(r#"{"id":"0b1c2d3e-aaaa-4000-8000-000000000000","email":"ann@example.com"}"#).unwrap()).unwrap()
}

#[track_caller]
fn assert_hidden(value: &dyn std::fmt::Debug) {
    let text = format!("{value:?} {value:#?}");
    assert!(!text.contains(SECRET), "Debug output shows a secret: {text}");
}

#[test]
fn no_type_prints_a_secret() {
    assert_hidden(&PasswordChange { password: SECRET, current_password: Some(SECRET), nonce: Some(SECRET) });
    assert_hidden(&Proof::Code { email: Some("ann@example.com".into()), code: SECRET.into() });
    assert_hidden(&Proof::Link(SECRET.into()));
    assert_hidden(&RecoveryLink::TokenHash(SECRET.into()));
    assert_hidden(&RecoveryLink::Code(SECRET.into()));
    assert_hidden(&wasm_auth_client::api::link::parse(&format!("https://app.test/#access_token={SECRET}&refresh_token={SECRET}&type=recovery")));
    assert_hidden(&RecoveryLinkInfo { link: SECRET.into(), code: SECRET.into(), token_hash: SECRET.into(), user: user() });
    assert_hidden(&HttpResponse { status: 200, body: format!(r#"{{"access_token":"{SECRET}"}}"#), ..HttpResponse::default() });
    assert_hidden(&HttpRequest {
        method: "POST",
        url: "https://auth.test/token?grant_type=password".into(),
        headers: vec![("Authorization".into(), format!("Bearer {SECRET}")), ("apikey".into(), SECRET.into())],
        body: Some(format!(r#"{{"password":"{SECRET}"}}"#)),
    });
    assert_hidden(&Fields::new(JsonValue::parse(&format!(r#"{{"password":"{SECRET}","token":"{SECRET}"}}"#)).unwrap(), "request").unwrap());
    let store = MemoryStore::default();
    store.set("wasm-auth-client", SECRET).unwrap();
    assert_hidden(&store);
    let session = Session {
        access_token: SECRET.into(),
        refresh_token: SECRET.into(),
        expires_at: 1.0,
        expires_in: 1.0,
        token_type: "bearer".into(),
        user: user(),
    };
    assert_hidden(&session);
}

#[test]
fn debug_output_still_says_what_it_is() {
    let fields = Fields::new(JsonValue::parse(r#"{"password":"x","email":"y"}"#).unwrap(), "request").unwrap();
    assert_eq!(format!("{fields:?}"), r#"Fields(["password", "email"])"#);
    let response = HttpResponse { status: 422, body: "12345".into(), ..HttpResponse::default() };
    assert!(format!("{response:?}").contains("status: 422"));
    assert!(format!("{response:?}").contains("body_bytes: 5"));
}
