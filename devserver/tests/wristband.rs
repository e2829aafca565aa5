//! The Wristband stand-in's edges: Wristband's error bodies (`base_error`, violations, a `ticket`
//! each), exactly one credential form, a one-time code voided after repeated wrong guesses, a
//! credential that outlives a weak password but not its lifetime, the reset revoking every
//! session, the "password updated" email and skipping it, the change's checks. The flows are
//! driven by the client in tests/platforms/wristband.test.mjs.

mod common;

use axum::http::Method;
use common::{Server, PASSWORD};
use serde_json::{json, Value};

const RESET: &str = "/api/v1/password-reset/reset-password";

#[track_caller]
fn violation<'a>(reply: &'a common::Reply, field: &str) -> &'a str {
    assert_eq!(reply.status.as_u16(), 400, "{}", reply.text);
    assert_eq!(reply.json["type"], "constraint_violations_error", "{}", reply.text);
    assert!(reply.json["ticket"].as_str().is_some_and(|t| !t.is_empty()), "a ticket: {}", reply.text);
    reply.json["violations"][field][0]["code"].as_str().unwrap_or_else(|| panic!("no violation on {field}: {}", reply.text))
}

async fn forgot(s: &Server, email: &str, strategy: &str) -> Value {
    s.post("/_dev/wristband/forgot-password", json!({"email": email, "strategy": strategy})).await.ok();
    s.last_mail(email).await
}

fn param(link: &str, name: &str) -> String {
    let query = link.split_once('?').map_or("", |(_, q)| q);
    query.split('&').find_map(|p| p.strip_prefix(&format!("{name}="))).unwrap_or_default().to_string()
}

async fn login(s: &Server, email: &str, password: &str) -> common::Reply {
    s.post("/_dev/wristband/login", json!({"email": email, "password": password})).await
}

#[tokio::test]
async fn exactly_one_credential_form_and_nothing_echoed() {
    let s = Server::new();
    let secret = "s3cret-value-never-echoed";
    let half = s.post(RESET, json!({"requestCode": secret, "password": "new-password-1"})).await;
    assert_eq!(violation(&half, "verificationCode"), "required");
    let two = s.post(RESET, json!({"emailAuthCode": secret, "passwordResetCode": secret, "password": "new-password-1"})).await;
    assert_eq!((two.status.as_u16(), two.json["type"].as_str()), (400, Some("base_error")));
    let none = s.post(RESET, json!({"password": "new-password-1"})).await;
    assert_eq!(violation(&none, "emailAuthCode"), "required");
    let wrong = s.post(RESET, json!({"emailAuthCode": secret, "password": "new-password-1"})).await;
    assert_eq!(violation(&wrong, "emailAuthCode"), "invalid_email_auth_code");
    let not_json = s.raw(Method::POST, RESET, &[("content-type", "application/json")], format!("{{{secret}")).await;
    assert_eq!(not_json.json["type"], "base_error");
    for reply in [&half, &two, &none, &wrong, &not_json] {
        assert!(!reply.text.contains(secret), "no echo: {}", reply.text);
    }
}

#[tokio::test]
async fn a_link_reset_outlives_a_weak_password_revokes_every_session_and_tells_the_user() {
    let s = Server::new();
    s.signup("w@test.io").await;
    let session = login(&s, "w@test.io", PASSWORD).await;
    let (access, refresh) = (session.ok()["access_token"].as_str().unwrap().to_string(), session.json["refresh_token"].as_str().unwrap().to_string());
    let mail = forgot(&s, "w@test.io", "link").await;
    let code = param(mail["link"].as_str().unwrap(), "email_auth_code");
    assert_eq!(mail["token"].as_str(), Some(&*code));
    let weak = s.post(RESET, json!({"emailAuthCode": code, "password": "abc"})).await;
    assert_eq!(violation(&weak, "password"), "password_too_short");
    let done = s.post(RESET, json!({"emailAuthCode": code, "password": "new-password-1"})).await;
    assert_eq!(done.status.as_u16(), 204, "{}", done.text);
    assert_eq!(s.last_mail("w@test.io").await["kind"], "wristband_password_updated");
    // Spent; the old sessions and their refresh tokens are gone.
    assert_eq!(violation(&s.post(RESET, json!({"emailAuthCode": code, "password": "new-password-2"})).await, "emailAuthCode"), "invalid_email_auth_code");
    assert_eq!(s.raw(Method::GET, "/api/v1/oauth2/userinfo", &[("authorization", &format!("Bearer {access}"))], "").await.status.as_u16(), 401);
    let refused = s.raw(Method::POST, "/api/v1/oauth2/token", &[("content-type", "application/x-www-form-urlencoded")], format!("grant_type=refresh_token&client_id=c1&refresh_token={refresh}")).await;
    assert_eq!((refused.status.as_u16(), refused.json["error"].as_str()), (400, Some("invalid_grant")));
    assert_eq!(login(&s, "w@test.io", "new-password-1").await.status.as_u16(), 200);
}

#[tokio::test]
async fn a_one_time_code_is_voided_after_repeated_wrong_guesses_and_expires() {
    let s = Server::with(|c| c.verify_max_failures = 3);
    s.signup("c@test.io").await;
    let mail = forgot(&s, "c@test.io", "code").await;
    let request = param(mail["link"].as_str().unwrap(), "request_code");
    let code = mail["token"].as_str().unwrap().to_string();
    let wrong = if code == "000000" { "111111" } else { "000000" };
    for _ in 0..3 {
        let reply = s.post(RESET, json!({"requestCode": request, "verificationCode": wrong, "password": "new-password-1"})).await;
        assert_eq!(violation(&reply, "verificationCode"), "invalid_verification_code");
    }
    let voided = s.post(RESET, json!({"requestCode": request, "verificationCode": code, "password": "new-password-1"})).await;
    assert_eq!(violation(&voided, "requestCode"), "invalid_request_code");
    // A new code, past its ten minutes.
    let mail = forgot(&s, "c@test.io", "code").await;
    let request = param(mail["link"].as_str().unwrap(), "request_code");
    s.advance_clock(601).await;
    let late = s.post(RESET, json!({"requestCode": request, "verificationCode": mail["token"], "password": "new-password-1"})).await;
    assert_eq!(violation(&late, "requestCode"), "expired_request_code");
}

#[tokio::test]
async fn a_generated_link_voids_the_older_one_and_the_email_can_be_skipped() {
    let s = Server::new();
    s.signup("g@test.io").await;
    let first = param(s.post("/_dev/wristband/reset-link", json!({"email": "g@test.io"})).await.ok()["link"].as_str().unwrap(), "password_reset_code");
    let second = param(s.post("/_dev/wristband/reset-link", json!({"email": "g@test.io"})).await.ok()["link"].as_str().unwrap(), "password_reset_code");
    let old = s.post(RESET, json!({"passwordResetCode": first, "password": "new-password-1"})).await;
    assert_eq!(violation(&old, "passwordResetCode"), "invalid_password_reset_code");
    let before = s.mail_count("g@test.io").await;
    let done = s.post(RESET, json!({"passwordResetCode": second, "password": "new-password-1", "skipPasswordUpdatedEmail": true})).await;
    assert_eq!(done.status.as_u16(), 204, "{}", done.text);
    assert_eq!(s.mail_count("g@test.io").await, before, "no 'password updated' email");
}

#[tokio::test]
async fn the_change_checks_the_token_the_user_and_the_current_password() {
    let s = Server::new();
    s.signup("h@test.io").await;
    let session = login(&s, "h@test.io", PASSWORD).await;
    let access = session.ok()["access_token"].as_str().unwrap().to_string();
    let bearer = format!("Bearer {access}");
    let user = s.raw(Method::GET, "/api/v1/oauth2/userinfo", &[("authorization", &bearer)], "").await;
    let id = user.ok()["sub"].as_str().unwrap().to_string();
    let headers = [("authorization", bearer.as_str()), ("content-type", "application/json")];
    let change = |body: Value| s.raw(Method::POST, "/api/v1/change-password", &headers, body.to_string());
    let anonymous = s.post("/api/v1/change-password", json!({"userId": id, "currentPassword": PASSWORD, "newPassword": "new-password-1"})).await;
    assert_eq!((anonymous.status.as_u16(), anonymous.json["type"].as_str()), (401, Some("base_error")));
    assert_eq!(change(json!({"userId": "someone-else", "currentPassword": PASSWORD, "newPassword": "new-password-1"})).await.status.as_u16(), 403);
    assert_eq!(violation(&change(json!({"userId": id, "currentPassword": "wrong-password-0", "newPassword": "new-password-1"})).await, "currentPassword"), "invalid_password");
    assert_eq!(violation(&change(json!({"userId": id, "currentPassword": PASSWORD, "newPassword": "abc"})).await, "newPassword"), "password_too_short");
    let refresh = session.ok()["refresh_token"].as_str().unwrap().to_string();
    assert_eq!(change(json!({"userId": id, "currentPassword": PASSWORD, "newPassword": "new-password-1"})).await.status.as_u16(), 204);
    // Every session and refresh token of the user is revoked, this one too.
    assert_eq!(s.raw(Method::GET, "/api/v1/oauth2/userinfo", &[("authorization", &bearer)], "").await.status.as_u16(), 401);
    let form = format!("grant_type=refresh_token&refresh_token={refresh}&client_id=c");
    let renewed = s.raw(Method::POST, "/api/v1/oauth2/token", &[("content-type", "application/x-www-form-urlencoded")], form).await;
    assert_eq!(renewed.status.as_u16(), 400, "{}", renewed.text);
}
