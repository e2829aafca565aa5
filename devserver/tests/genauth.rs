//! The GenAuth stand-in's edges: failures in GenAuth's body shape (HTTP 200, `statusCode`,
//! `apiCode`, `requestId`), bad input that must not echo or crash, a code voided after repeated
//! wrong guesses, a reset token that outlives a weak password but not its lifetime. The flows
//! themselves are driven by GenAuth's own Python SDK and by the client (tests/genauth/,
//! tests/platforms/).

mod common;

use axum::http::Method;
use common::{Server, PASSWORD};
use serde_json::{json, Value};

const APP_ID: &str = "standin-app";

/// A POST as GenAuth's SDKs send it: JSON, with the application's id.
async fn gpost(s: &Server, path: &str, body: Value) -> common::Reply {
    s.raw(Method::POST, path, &[("content-type", "application/json"), ("x-genauth-app-id", APP_ID)], body.to_string()).await
}

async fn genauth_signup(s: &Server, email: &str) {
    let reply = gpost(s, "/api/v3/signup", json!({"connection": "PASSWORD", "passwordPayload": {"email": email, "password": PASSWORD}})).await;
    assert_eq!(reply.ok()["statusCode"], 200, "{}", reply.text);
}

#[track_caller]
fn failed(reply: &common::Reply, status_code: u16, api_code: Option<u32>) -> &Value {
    assert_eq!(reply.status.as_u16(), 200, "GenAuth answers failures with HTTP 200: {}", reply.text);
    assert_eq!(reply.json["statusCode"], status_code, "{}", reply.text);
    assert_eq!(reply.json["apiCode"].as_u64().map(|c| c as u32), api_code, "{}", reply.text);
    assert!(reply.json["requestId"].as_str().is_some_and(|id| !id.is_empty()), "a requestId: {}", reply.text);
    &reply.json
}

async fn code_for(s: &Server, email: &str) -> String {
    gpost(s, "/api/v3/send-email", json!({"email": email, "channel": "CHANNEL_RESET_PASSWORD"})).await.ok();
    s.last_mail(email).await["token"].as_str().unwrap_or_default().to_string()
}

#[tokio::test]
async fn bad_input_is_a_body_error_that_echoes_nothing() {
    let s = Server::new();
    let secret = "c2VjcmV0LWNpcGhlcnRleHQ=";
    for (path, body) in [
        ("/api/v3/signin", "{not json".to_string()),
        ("/api/v3/signin", json!({"connection": "PASSWORD", "passwordPayload": {"email": "a@test.io", "password": secret}, "options": {"passwordEncryptType": "rsa"}}).to_string()),
        ("/api/v3/signin", json!({"connection": "PASSWORD", "passwordPayload": {"email": "a@test.io", "password": "04zz"}, "options": {"passwordEncryptType": "sm2"}}).to_string()),
        ("/api/v3/signin", json!({"connection": "PASSWORD", "passwordPayload": {"email": "a@test.io", "password": "x"}, "options": {"passwordEncryptType": "aes"}}).to_string()),
        ("/api/v3/send-email", json!({"email": "a@test.io", "channel": "CHANNEL_LOGIN"}).to_string()),
        ("/api/v3/verify-reset-password-request", json!({"verifyMethod": "PHONE_PASSCODE"}).to_string()),
    ] {
        let reply = s.raw(Method::POST, path, &[("content-type", "application/json"), ("x-genauth-app-id", APP_ID)], body).await;
        failed(&reply, 400, None);
        assert!(!reply.text.contains(secret), "no echo: {}", reply.text);
    }
    // The server is still there.
    assert_eq!(s.raw(Method::GET, "/api/v3/system", &[("x-genauth-app-id", APP_ID)], "").await.json["rsa"]["publicKey"].as_str().map(|k| k.starts_with("-----BEGIN PUBLIC KEY-----")), Some(true));
}

#[tokio::test]
async fn the_profile_needs_a_session_that_still_exists() {
    let s = Server::new();
    failed(&s.raw(Method::GET, "/api/v3/get-profile", &[("x-genauth-app-id", APP_ID)], "").await, 401, Some(2020));
    failed(&s.raw(Method::GET, "/api/v3/get-profile", &[("authorization", "not-a-token"), ("x-genauth-app-id", APP_ID)], "").await, 401, Some(2020));
    genauth_signup(&s, "p@test.io").await;
    let signed_in = gpost(&s, "/api/v3/signin", json!({"connection": "PASSWORD", "passwordPayload": {"email": "p@test.io", "password": PASSWORD}, "options": {"scope": "openid offline_access"}})).await;
    let access = signed_in.json["data"]["access_token"].as_str().unwrap_or_default().to_string();
    let refresh = signed_in.json["data"]["refresh_token"].as_str().unwrap_or_default().to_string();
    let profile = s.raw(Method::GET, "/api/v3/get-profile", &[("authorization", &access), ("x-genauth-app-id", APP_ID)], "").await;
    assert_eq!(profile.json["data"]["email"], "p@test.io");
    // Revoking the refresh token ends the session: the access token stops working with it.
    let form = format!("client_id=app&token={refresh}");
    assert_eq!(s.raw(Method::POST, "/oidc/token/revocation", &[("content-type", "application/x-www-form-urlencoded")], form).await.status.as_u16(), 200);
    failed(&s.raw(Method::GET, "/api/v3/get-profile", &[("authorization", &access), ("x-genauth-app-id", APP_ID)], "").await, 401, Some(2020));
    let again = format!("client_id=app&grant_type=refresh_token&refresh_token={refresh}");
    let refused = s.raw(Method::POST, "/oidc/token", &[("content-type", "application/x-www-form-urlencoded")], again).await;
    assert_eq!((refused.status.as_u16(), refused.json["error"].as_str()), (400, Some("invalid_grant")));
}

#[tokio::test]
async fn a_code_is_void_after_repeated_wrong_guesses_and_expires() {
    let s = Server::new();
    genauth_signup(&s, "c@test.io").await;
    let code = code_for(&s, "c@test.io").await;
    // One code a minute.
    failed(&gpost(&s, "/api/v3/send-email", json!({"email": "c@test.io", "channel": "CHANNEL_RESET_PASSWORD"})).await, 429, None);
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let verify = |code: String| json!({"verifyMethod": "EMAIL_PASSCODE", "emailPassCodePayload": {"email": "c@test.io", "passCode": code}});
    for _ in 0..5 {
        failed(&gpost(&s, "/api/v3/verify-reset-password-request", verify(wrong.into())).await, 400, Some(2001));
    }
    failed(&gpost(&s, "/api/v3/verify-reset-password-request", verify(code)).await, 400, Some(2001));
    // Voiding the code does not buy a new one at once: the interval counts from the last send.
    failed(&gpost(&s, "/api/v3/send-email", json!({"email": "c@test.io", "channel": "CHANNEL_RESET_PASSWORD"})).await, 429, None);
    s.advance_clock(60).await;
    // A new code; it expires after five minutes.
    let code = code_for(&s, "c@test.io").await;
    s.advance_clock(301).await;
    failed(&gpost(&s, "/api/v3/verify-reset-password-request", verify(code)).await, 400, Some(2001));
}

#[tokio::test]
async fn a_reset_token_outlives_a_weak_password_but_not_its_use_or_lifetime() {
    let s = Server::new();
    genauth_signup(&s, "r@test.io").await;
    let code = code_for(&s, "r@test.io").await;
    let verified = gpost(&s, "/api/v3/verify-reset-password-request", json!({"verifyMethod": "EMAIL_PASSCODE", "emailPassCodePayload": {"email": "r@test.io", "passCode": code}})).await;
    let token = verified.json["data"]["passwordResetToken"].as_str().unwrap_or_default().to_string();
    assert_eq!(verified.json["data"]["tokenExpiresIn"], 600);
    failed(&gpost(&s, "/api/v3/reset-password", json!({"password": "abc", "passwordResetToken": token})).await, 400, Some(2029));
    assert_eq!(gpost(&s, "/api/v3/reset-password", json!({"password": "brand-new-1", "passwordResetToken": token})).await.json["data"]["success"], true);
    failed(&gpost(&s, "/api/v3/reset-password", json!({"password": "brand-new-2", "passwordResetToken": token})).await, 400, Some(2001));

    s.advance_clock(61).await;
    let code = code_for(&s, "r@test.io").await;
    let verified = gpost(&s, "/api/v3/verify-reset-password-request", json!({"verifyMethod": "EMAIL_PASSCODE", "emailPassCodePayload": {"email": "r@test.io", "passCode": code}})).await;
    let token = verified.json["data"]["passwordResetToken"].as_str().unwrap_or_default().to_string();
    s.advance_clock(601).await;
    failed(&gpost(&s, "/api/v3/reset-password", json!({"password": "brand-new-3", "passwordResetToken": token})).await, 400, Some(2001));
}

#[tokio::test]
async fn wrong_codes_and_tokens_run_into_the_per_client_verify_limit() {
    let s = Server::with(|c| c.rate_limit_verify = 3);
    genauth_signup(&s, "l@test.io").await;
    let code = code_for(&s, "l@test.io").await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let verify = |code: &str| json!({"verifyMethod": "EMAIL_PASSCODE", "emailPassCodePayload": {"email": "l@test.io", "passCode": code}});
    failed(&gpost(&s, "/api/v3/verify-reset-password-request", verify(wrong)).await, 400, Some(2001));
    failed(&gpost(&s, "/api/v3/reset-password", json!({"password": "brand-new-1", "passwordResetToken": "guessed-token"})).await, 400, Some(2001));
    failed(&gpost(&s, "/api/v3/verify-reset-password-request", verify(wrong)).await, 400, Some(2001));
    // Out of tries, the right code too: the same limit as GoTrue's /verify, per client.
    failed(&gpost(&s, "/api/v3/verify-reset-password-request", verify(&code)).await, 429, None);
    s.advance_clock(100).await;
    let verified = gpost(&s, "/api/v3/verify-reset-password-request", verify(&code)).await;
    assert!(verified.json["data"]["passwordResetToken"].is_string(), "{}", verified.text);
}

#[tokio::test]
async fn wrong_passwords_run_into_the_sign_in_limit_shared_by_every_platform() {
    let s = Server::with(|c| c.rate_limit_sign_in = 2);
    genauth_signup(&s, "w@test.io").await;
    let sign_in = |password: &str| json!({"connection": "PASSWORD", "passwordPayload": {"email": "w@test.io", "password": password}});
    failed(&gpost(&s, "/api/v3/signin", sign_in("wrong-password-1")).await, 400, Some(2333));
    s.sign_in("w@test.io", "wrong-password-2").await.expect(400, "invalid_credentials");
    failed(&gpost(&s, "/api/v3/signin", sign_in(PASSWORD)).await, 429, None);
    s.sign_in("w@test.io", PASSWORD).await.expect(429, "over_request_rate_limit");
}

#[tokio::test]
async fn sign_up_follows_the_servers_sign_up_rules() {
    let closed = Server::with(|c| c.disable_signup = true);
    let reply = gpost(&closed, "/api/v3/signup", json!({"connection": "PASSWORD", "passwordPayload": {"email": "n@test.io", "password": PASSWORD}})).await;
    failed(&reply, 403, None);
    assert_eq!(closed.sign_in("n@test.io", PASSWORD).await.status.as_u16(), 400, "no account was made");

    let confirming = Server::with(|c| c.mailer_autoconfirm = false);
    let reply = gpost(&confirming, "/api/v3/signup", json!({"connection": "PASSWORD", "passwordPayload": {"email": "u@test.io", "password": PASSWORD}})).await;
    assert_eq!(reply.json["data"]["emailVerified"], false, "{}", reply.text);
    let mail = confirming.last_mail("u@test.io").await;
    assert_eq!(mail["kind"], "signup");
    let sign_in = json!({"connection": "PASSWORD", "passwordPayload": {"email": "u@test.io", "password": PASSWORD}});
    failed(&gpost(&confirming, "/api/v3/signin", sign_in.clone()).await, 403, None);
    confirming.post("/verify", json!({"type": "signup", "token_hash": mail["token_hash"]})).await.ok();
    assert!(gpost(&confirming, "/api/v3/signin", sign_in).await.json["data"]["access_token"].is_string(), "confirmed: signs in");
}

#[tokio::test]
async fn the_app_id_comes_in_either_sdks_header() {
    let s = Server::new();
    let signup = |email: &str| json!({"connection": "PASSWORD", "passwordPayload": {"email": email, "password": PASSWORD}}).to_string();
    let none = s.raw(Method::POST, "/api/v3/signup", &[("content-type", "application/json")], signup("a@test.io")).await;
    failed(&none, 400, None);
    for (header, email) in [("x-genauth-app-id", "g@test.io"), ("x-authing-app-id", "h@test.io")] {
        let reply = s.raw(Method::POST, "/api/v3/signup", &[("content-type", "application/json"), (header, APP_ID)], signup(email)).await;
        assert_eq!(reply.json["statusCode"], 200, "{header}: {}", reply.text);
    }
}

#[tokio::test]
async fn a_session_does_not_make_guessing_the_current_password_cheaper() {
    let s = Server::with(|c| c.rate_limit_sign_in = 2);
    genauth_signup(&s, "o@test.io").await;
    let signed_in = gpost(&s, "/api/v3/signin", json!({"connection": "PASSWORD", "passwordPayload": {"email": "o@test.io", "password": PASSWORD}})).await;
    let access = signed_in.json["data"]["access_token"].as_str().unwrap().to_string();
    let change = |old: &str| json!({"newPassword": "brand-new-password-1", "oldPassword": old}).to_string();
    let headers = [("content-type", "application/json"), ("x-genauth-app-id", APP_ID), ("authorization", access.as_str())];
    for n in 0..2 {
        failed(&s.raw(Method::POST, "/api/v3/update-password", &headers, change(&format!("guess-{n}"))).await, 400, Some(2006));
    }
    failed(&s.raw(Method::POST, "/api/v3/update-password", &headers, change(PASSWORD)).await, 429, None);
}
