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

/// The claims of a development-session token (its signature checked).
fn claims(s: &Server, token: &str) -> serde_json::Value {
    auth_devserver::jwt::verify(&s.state.config.jwt_secret, token, 0).expect("a token of this server")
}

#[tokio::test]
async fn a_browser_session_starts_with_the_first_request_and_carries_the_reset() {
    let s = Server::new();
    s.signup("b@test.io").await;
    // No token: the answer starts a browser session (and an error answer carries it too).
    let first = post(&s, "/auth/forgot-password", &[("email", "b@test.io")], None).await;
    let anonymous = first.header("x-development-session").expect("a browser session").to_string();
    let bsid = claims(&s, &anonymous)["bsid"].as_str().unwrap().to_string();
    let refused = s.raw(Method::GET, "/me", &[], "").await;
    assert_eq!(refused.status.as_u16(), 401);
    assert!(refused.header("x-development-session").is_some(), "an error answer starts one too");
    // Sent back, it is kept: no new one.
    let code = s.last_mail("b@test.io").await["token"].as_str().unwrap().to_string();
    let exchanged = post(&s, "/auth/forgot-password", &[("email", "b@test.io"), ("otp", &code)], Some(&anonymous)).await;
    assert_eq!(exchanged.header("x-development-session"), None);
    let reset_token = exchanged.ok()["data"]["token"].as_str().unwrap().to_string();
    // The reset signs in on that browser session.
    let done = post(&s, "/auth/reset-password", &[("token", &reset_token), ("password", "new-password-1")], Some(&anonymous)).await;
    assert_eq!(done.ok()["data"]["id"], bsid);
    let signed_in = done.header("x-development-session").unwrap().to_string();
    assert_eq!(claims(&s, &signed_in)["bsid"], bsid);
    // Signing out keeps the browser session, with a token that names no sign-in.
    let out = post(&s, "/session/sign-out", &[], Some(&signed_in)).await;
    let after = out.header("x-development-session").expect("the browser session goes on").to_string();
    assert_eq!(claims(&s, &after)["bsid"], bsid);
    assert!(claims(&s, &after).get("sid").is_none());
    assert_eq!(s.raw(Method::GET, "/me", &[("x-development-session", &signed_in)], "").await.status.as_u16(), 401, "signed out");
}

#[tokio::test]
async fn a_development_session_token_carries_no_refresh_token() {
    let s = Server::new();
    s.signup("t@test.io").await;
    let token = sign_in(&s, "t@test.io").await;
    // Whatever the token's readable payload holds, none of it is a refresh token GoTrue takes.
    for (name, value) in claims(&s, &token).as_object().unwrap() {
        let Some(value) = value.as_str() else { continue };
        let refused = s.post("/token?grant_type=refresh_token", json!({"refresh_token": value})).await;
        assert_eq!(refused.status.as_u16(), 400, "claim {name} works as a refresh token: {}", refused.text);
    }
}

#[tokio::test]
async fn voiding_a_code_buys_no_new_one_and_guesses_run_into_the_verify_limit() {
    let s = Server::with(|c| {
        c.verify_max_failures = 2;
        c.rate_limit_verify = 3;
    });
    s.signup("v@test.io").await;
    post(&s, "/auth/forgot-password", &[("email", "v@test.io")], None).await.ok();
    let real = s.last_mail("v@test.io").await["token"].as_str().unwrap().to_string();
    let wrong = if real == "000000" { "111111" } else { "000000" };
    for _ in 0..2 {
        assert_eq!(code(&post(&s, "/auth/forgot-password", &[("email", "v@test.io"), ("otp", wrong)], None).await), "INVALID_CODE");
    }
    // Voided; a new code only once the minute since the last one has passed.
    let again = post(&s, "/auth/forgot-password", &[("email", "v@test.io")], None).await;
    assert_eq!(again.status.as_u16(), 429, "{}", again.text);
    // A third wrong guess (a reset token this time) empties this client's tries: the right code
    // is refused too.
    assert_eq!(code(&post(&s, "/auth/reset-password", &[("token", "guessed"), ("password", "new-password-1")], None).await), "INVALID_CODE");
    s.advance_clock(61).await;
    post(&s, "/auth/forgot-password", &[("email", "v@test.io")], None).await.ok();
    let fresh = s.last_mail("v@test.io").await["token"].as_str().unwrap().to_string();
    let limited = post(&s, "/auth/forgot-password", &[("email", "v@test.io"), ("otp", &fresh)], None).await;
    assert_eq!((limited.status.as_u16(), code(&limited)), (429, "RATE_LIMITED"), "{}", limited.text);
    // Three tries per five minutes: one is back after 100 s.
    s.advance_clock(40).await;
    let exchanged = post(&s, "/auth/forgot-password", &[("email", "v@test.io"), ("otp", &fresh)], None).await;
    assert!(exchanged.ok()["data"]["token"].is_string());
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
    s.signup("a@test.io").await;
    // The user's Wacht id: a 64-bit integer, as digits.
    let token = sign_in(&s, "a@test.io").await;
    let me = s.raw(Method::GET, "/me", &[("x-development-session", &token)], "").await;
    let id = me.ok()["data"]["id"].as_str().unwrap().to_string();
    assert!(id.len() >= 18 && id.parse::<i64>().is_ok_and(|n| n > 0), "a Wacht id: {id}");
    let key = auth_devserver::wacht::api_key(&s.state.config);
    let path = format!("/users/{id}/password");
    let anonymous = set(&s, &path, "wrong", json!({"new_password": "new-password-1"})).await;
    assert_eq!((anonymous.status.as_u16(), anonymous.json["errors"][0]["code"].as_u64()), (401, Some(401)));
    let weak = set(&s, &path, &key, json!({"new_password": "abc"})).await;
    assert_eq!(weak.status.as_u16(), 400);
    assert!(weak.json["errors"][0]["message"].as_str().unwrap().starts_with("Validation failed: password:"), "{}", weak.text);
    assert_eq!(set(&s, &path, &key, json!({"new_password": "abc", "skip_password_check": true})).await.status.as_u16(), 200);
    for nobody in ["00000000-0000-4000-8000-000000000000", "1152921504606846976"] {
        let reply = set(&s, &format!("/users/{nobody}/password"), &key, json!({"new_password": "new-password-1"})).await;
        assert_eq!(reply.status.as_u16(), 404, "{nobody}");
    }
    let signed_in = post(&s, "/auth/signin", &[("strategy", "plain_email"), ("email", "a@test.io"), ("password", "abc")], None).await;
    assert_eq!(signed_in.status.as_u16(), 200, "the skipped check let a short password through");
}
