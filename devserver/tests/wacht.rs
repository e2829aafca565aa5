//! The Wacht stand-in's edges: multipart bodies as Wacht's SDK sends them (a body that is not one
//! is a "bad request body", echoing nothing), development-session tokens in the header or the
//! query, an expired token renewed once by any request (the renewed one comes back in the
//! header; the expired one cannot be renewed twice), a code voided after repeated wrong guesses, a
//! reset token that outlives a weak password, the admin set with its API key. The flows are driven
//! by the client in tests/platforms/wacht.test.mjs.

mod common;

use axum::http::Method;
use common::{Server, PASSWORD};
use serde_json::json;

const BOUNDARY: &str = "----standin-test";

fn form(fields: &[(&str, &str)]) -> String {
    let mut body = String::new();
    for (name, value) in fields {
        body.push_str(&format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"));
    }
    body + &format!("--{BOUNDARY}--\r\n")
}

async fn post(s: &Server, path: &str, fields: &[(&str, &str)], token: Option<&str>) -> common::Reply {
    let content_type = format!("multipart/form-data; boundary={BOUNDARY}");
    let mut headers = vec![("content-type", content_type.as_str())];
    if let Some(t) = token {
        headers.push(("x-development-session", t));
    }
    s.raw(Method::POST, path, &headers, form(fields)).await
}

async fn sign_in(s: &Server, email: &str) -> String {
    let reply = post(s, "/auth/signin", &[("strategy", "plain_email"), ("email", email), ("password", PASSWORD)], None).await;
    assert_eq!(reply.ok()["data"]["active_signin"]["user"]["primary_email_address"]["email"], email);
    reply.header("x-development-session").expect("a session token").to_string()
}

async fn set(s: &Server, path: &str, key: &str, body: serde_json::Value) -> common::Reply {
    let auth = format!("Bearer {key}");
    s.raw(Method::PATCH, path, &[("authorization", &auth), ("content-type", "application/json")], body.to_string()).await
}

#[track_caller]
fn code(reply: &common::Reply) -> &str {
    reply.json["errors"][0]["code"].as_str().unwrap_or_default()
}

#[tokio::test]
async fn bodies_must_be_multipart_and_nothing_is_echoed() {
    let s = Server::new();
    let secret = "s3cret-never-echoed";
    let json_body = s.raw(Method::POST, "/auth/signin", &[("content-type", "application/json")], json!({"email": "a@test.io", "password": secret}).to_string()).await;
    assert_eq!((json_body.status.as_u16(), code(&json_body)), (400, "BAD_REQUEST_BODY"));
    let broken = s.raw(Method::POST, "/auth/signin", &[("content-type", "multipart/form-data; boundary=x")], format!("--x\r\n{secret}")).await;
    assert_eq!(broken.status.as_u16(), 400);
    let missing = post(&s, "/auth/signin", &[("strategy", "plain_email"), ("email", "a@test.io")], None).await;
    assert_eq!(code(&missing), "REQUIRED_FIELD");
    let wrong = post(&s, "/auth/signin", &[("strategy", "plain_email"), ("email", "nobody@test.io"), ("password", secret)], None).await;
    assert_eq!((wrong.status.as_u16(), code(&wrong)), (400, "INVALID_CREDENTIALS"));
    for reply in [&json_body, &broken, &missing, &wrong] {
        assert!(!reply.text.contains(secret), "no echo: {}", reply.text);
    }
}

#[tokio::test]
async fn an_expired_token_is_renewed_once_by_any_request() {
    let s = Server::new();
    s.signup("r@test.io").await;
    let token = sign_in(&s, "r@test.io").await;
    let me = s.raw(Method::GET, "/me", &[("x-development-session", &token)], "").await;
    assert_eq!((me.ok()["data"]["primary_email_address"]["email"].as_str(), me.header("x-development-session")), (Some("r@test.io"), None), "not renewed while good");
    // The newer SDK's query form.
    assert_eq!(s.raw(Method::GET, &format!("/me?__dev_session__={token}"), &[], "").await.status.as_u16(), 200);
    s.advance_clock(3601).await;
    let renewed = s.raw(Method::GET, "/me", &[("x-development-session", &token)], "").await;
    renewed.ok();
    let new_token = renewed.header("x-development-session").expect("renewed in the answer").to_string();
    assert_ne!(new_token, token);
    let again = s.raw(Method::GET, "/session", &[("x-development-session", &token)], "").await;
    assert_eq!(again.status.as_u16(), 401, "the expired token renews once: {}", again.text);
    assert_eq!(s.raw(Method::GET, "/session", &[("x-development-session", &new_token)], "").await.ok()["data"]["active_signin"]["user"]["primary_email_address"]["email"], "r@test.io");
    assert_eq!(s.raw(Method::GET, "/me", &[("x-development-session", "not.a.token")], "").await.status.as_u16(), 401);
    assert_eq!(s.raw(Method::GET, "/me", &[], "").await.status.as_u16(), 401);
}

#[tokio::test]
async fn a_code_is_voided_after_wrong_guesses_and_a_reset_token_outlives_a_weak_password() {
    let s = Server::with(|c| c.verify_max_failures = 2);
    s.signup("c@test.io").await;
    post(&s, "/auth/forgot-password", &[("email", "c@test.io")], None).await.ok();
    let limited = post(&s, "/auth/forgot-password", &[("email", "c@test.io")], None).await;
    assert_eq!((limited.status.as_u16(), limited.header("retry-after").is_some()), (429, true));
    let real = s.last_mail("c@test.io").await["token"].as_str().unwrap().to_string();
    let wrong = if real == "000000" { "111111" } else { "000000" };
    for _ in 0..2 {
        assert_eq!(code(&post(&s, "/auth/forgot-password", &[("email", "c@test.io"), ("otp", wrong)], None).await), "INVALID_CODE");
    }
    assert_eq!(code(&post(&s, "/auth/forgot-password", &[("email", "c@test.io"), ("otp", &real)], None).await), "INVALID_CODE", "voided");
    s.advance_clock(61).await;
    post(&s, "/auth/forgot-password", &[("email", "c@test.io")], None).await.ok();
    let real = s.last_mail("c@test.io").await["token"].as_str().unwrap().to_string();
    let exchanged = post(&s, "/auth/forgot-password", &[("email", "c@test.io"), ("otp", &real)], None).await;
    let reset_token = exchanged.ok()["data"]["token"].as_str().unwrap().to_string();
    let weak = post(&s, "/auth/reset-password", &[("token", &reset_token), ("password", "abc")], None).await;
    assert_eq!((weak.status.as_u16(), weak.json["errors"].is_null()), (400, true), "a message, no code: {}", weak.text);
    let done = post(&s, "/auth/reset-password", &[("token", &reset_token), ("password", "new-password-1")], None).await;
    assert_eq!(done.ok()["data"]["active_signin"]["user"]["primary_email_address"]["email"], "c@test.io");
    assert!(done.header("x-development-session").is_some(), "signed in");
    assert_eq!(code(&post(&s, "/auth/reset-password", &[("token", &reset_token), ("password", "new-password-2")], None).await), "INVALID_CODE", "spent");
}

#[tokio::test]
async fn the_admin_set_needs_the_api_key_and_applies_the_policy_unless_skipped() {
    let s = Server::new();
    let user = s.signup("a@test.io").await;
    let id = user["id"].as_str().or(user["user"]["id"].as_str()).unwrap().to_string();
    let key = auth_devserver::wacht::api_key(&s.state.config);
    let path = format!("/users/{id}/password");
    let anonymous = set(&s, &path, "wrong", json!({"new_password": "new-password-1"})).await;
    assert_eq!((anonymous.status.as_u16(), anonymous.json["errors"][0]["code"].as_u64()), (401, Some(401)));
    let weak = set(&s, &path, &key, json!({"new_password": "abc"})).await;
    assert_eq!(weak.status.as_u16(), 400);
    assert!(weak.json["errors"][0]["message"].as_str().unwrap().starts_with("Validation failed: password:"), "{}", weak.text);
    assert_eq!(set(&s, &path, &key, json!({"new_password": "abc", "skip_password_check": true})).await.status.as_u16(), 200);
    let nobody = set(&s, "/users/00000000-0000-4000-8000-000000000000/password", &key, json!({"new_password": "new-password-1"})).await;
    assert_eq!(nobody.status.as_u16(), 404);
    let signed_in = post(&s, "/auth/signin", &[("strategy", "plain_email"), ("email", "a@test.io"), ("password", "abc")], None).await;
    assert_eq!(signed_in.status.as_u16(), 200, "the skipped check let a short password through");
}
