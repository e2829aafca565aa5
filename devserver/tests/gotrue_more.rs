//! GoTrue behaviour that its own client (auth-js) exercises beyond the password lifecycle:
//! `/resend`, `/invite`, every `generate_link` type, `listUsers` pagination, and JSON bodies
//! for every rejected request. Bodies and codes as in supabase/auth `internal/api/resend.go`,
//! `invite.go`, `mail.go`, `pagination.go`, `admin.go`.

mod common;

use axum::http::Method;
use common::{token, Server, PASSWORD};
use serde_json::{json, Value};

fn unconfirmed() -> Server {
    Server::with(|c| c.mailer_autoconfirm = false)
}

// ---- /resend ------------------------------------------------------------------------------------

#[tokio::test]
async fn resend_sends_the_signup_confirmation_again() {
    let s = unconfirmed();
    s.post("/signup", json!({"email": "rs@test.io", "password": PASSWORD})).await.ok();
    let first = s.last_mail("rs@test.io").await;
    // The per-user interval applies as for the first mail.
    s.post("/resend", json!({"type": "signup", "email": "rs@test.io"})).await.expect(429, "over_email_send_rate_limit");
    s.advance_clock(61).await;
    assert_eq!(s.post("/resend", json!({"type": "signup", "email": "rs@test.io"})).await.ok(), &json!({}));
    let second = s.last_mail("rs@test.io").await;
    assert_eq!(second["kind"], "signup");
    assert_ne!(first["token"], second["token"]);
    // Only the new code confirms.
    s.post("/verify", json!({"type": "signup", "email": "rs@test.io", "token": first["token"]})).await.expect(403, "otp_expired");
    s.post("/verify", json!({"type": "signup", "email": "rs@test.io", "token": second["token"]})).await.ok();
}

#[tokio::test]
async fn resend_is_silent_for_unknown_and_confirmed_addresses() {
    let s = Server::new();
    s.signup("done@test.io").await;
    for (kind, email) in [("signup", "nobody@test.io"), ("signup", "done@test.io"), ("email_change", "done@test.io"), ("email_change", "nobody@test.io")] {
        let reply = s.post("/resend", json!({"type": kind, "email": email})).await;
        assert_eq!(reply.ok(), &json!({}), "{kind} {email}");
    }
    assert_eq!(s.mail_count("done@test.io").await, 0);
    assert_eq!(s.mail_count("nobody@test.io").await, 0);
}

#[tokio::test]
async fn resend_validation_in_gotrue_order() {
    let s = Server::new();
    let cases = [
        (json!({"type": "recovery", "email": "a@test.io"}), 400, "validation_failed", "Missing one of these types: signup, email_change, sms, phone_change"),
        (json!({"email": "a@test.io"}), 400, "validation_failed", "Missing one of these types: signup, email_change, sms, phone_change"),
        (json!({"type": "signup"}), 400, "validation_failed", "Type provided requires an email address"),
        (json!({"type": "sms"}), 400, "validation_failed", "Type provided requires a phone number"),
        (json!({"type": "signup", "email": "a@test.io", "phone": "123"}), 400, "validation_failed", "Only an email address or phone number should be provided."),
        (json!({"type": "email_change"}), 400, "validation_failed", "Missing email address or phone number"),
        (json!({"type": "sms", "phone": "+15551234567"}), 400, "phone_provider_disabled", "Phone logins are disabled"),
        (json!({"type": "signup", "email": "not-an-email"}), 400, "validation_failed", "Unable to validate email address: invalid format"),
        (json!({"type": "signup", "email": "a@test.io", "code_challenge": "short", "code_challenge_method": "s256"}), 400, "validation_failed", "code challenge has to be between 43 and 128 characters"),
    ];
    for (body, status, code, msg) in cases {
        let reply = s.post("/resend", body.clone()).await;
        reply.expect(status, code);
        assert_eq!(reply.json["msg"], msg, "{body}");
    }
}

#[tokio::test]
async fn resend_email_change_mails_both_addresses() {
    let s = Server::new();
    s.signup("old@test.io").await;
    let key = s.service_key();
    s.call(Method::POST, "/admin/generate_link", Some(&key), Some(json!({"type": "email_change_new", "email": "old@test.io", "new_email": "new@test.io"}))).await.ok();
    s.advance_clock(61).await;
    s.post("/resend", json!({"type": "email_change", "email": "old@test.io"})).await.ok();
    let to_new = s.last_mail("new@test.io").await;
    let to_old = s.last_mail("old@test.io").await;
    assert_eq!((to_new["kind"].as_str(), to_old["kind"].as_str()), (Some("email_change_new"), Some("email_change_current")));
    assert!(to_new["link"].as_str().unwrap().contains("type=email_change"));
    assert_eq!(to_new["token_hash"], auth_devserver::crypto::token_hash("new@test.io", to_new["token"].as_str().unwrap()).as_str());
}

// ---- /invite ------------------------------------------------------------------------------------

#[tokio::test]
async fn invite_creates_the_user_and_mails_a_link_that_signs_in() {
    let s = Server::new();
    let key = s.service_key();
    let invited = s.call(Method::POST, "/invite", Some(&key), Some(json!({"email": "Inv@Test.io", "data": {"team": "blue"}}))).await;
    let user = invited.ok().clone();
    assert_eq!(user["email"], "inv@test.io");
    assert!(user["invited_at"].is_string());
    assert!(user["confirmation_sent_at"].is_string());
    assert!(user["email_confirmed_at"].is_null());
    assert_eq!(user["user_metadata"], json!({"team": "blue"}));
    assert_eq!(user["identities"][0]["provider"], "email");
    let mail = s.last_mail("inv@test.io").await;
    assert_eq!(mail["kind"], "invite");
    assert!(mail["link"].as_str().unwrap().contains("type=invite"));
    // No password yet: a password sign-in fails like any wrong password.
    s.sign_in("inv@test.io", PASSWORD).await.expect(400, "invalid_credentials");
    // Following the link confirms the address and signs in.
    let session = s.post("/verify", json!({"type": "invite", "token_hash": mail["token_hash"]})).await.ok().clone();
    assert!(session["user"]["email_confirmed_at"].is_string());
    // A second invite for a confirmed user is refused; an unconfirmed one is invited again.
    s.call(Method::POST, "/invite", Some(&key), Some(json!({"email": "inv@test.io"}))).await.expect(422, "email_exists");
    s.call(Method::POST, "/invite", Some(&key), Some(json!({"email": "again@test.io"}))).await.ok();
    s.call(Method::POST, "/invite", Some(&key), Some(json!({"email": "again@test.io"}))).await.ok();
    assert_eq!(s.mail_count("again@test.io").await, 2);
    let _ = token(&session);
}

#[tokio::test]
async fn invite_is_admin_only_and_validates_the_email_first() {
    let s = Server::new();
    s.post("/invite", json!({"email": "x@test.io"})).await.expect(401, "no_authorization");
    let key = s.service_key();
    let reply = s.call(Method::POST, "/invite", Some(&key), Some(json!({"email": ""}))).await;
    reply.expect(400, "validation_failed");
    assert_eq!(reply.json["msg"], "An email address is required");
    s.call(Method::POST, "/invite", Some(&key), Some(json!({"email": "bad"}))).await.expect(400, "validation_failed");
}

// ---- /admin/generate_link -------------------------------------------------------------------

async fn generate(s: &Server, body: Value) -> common::Reply {
    s.call(Method::POST, "/admin/generate_link", Some(&s.service_key()), Some(body)).await
}

#[tokio::test]
async fn generate_link_signup_creates_the_user_with_password_and_data() {
    let s = unconfirmed();
    let link = generate(&s, json!({"type": "signup", "email": "gs@test.io", "password": PASSWORD, "data": {"plan": "pro"}})).await;
    let link = link.ok().clone();
    assert_eq!(link["verification_type"], "signup");
    assert!(link["action_link"].as_str().unwrap().contains("type=signup"));
    assert_eq!(link["user_metadata"], json!({"plan": "pro"}));
    assert_eq!(s.mail_count("gs@test.io").await, 0, "no mail is sent");
    // Not confirmed until the link is used; then the password works.
    s.sign_in("gs@test.io", PASSWORD).await.expect(400, "email_not_confirmed");
    s.post("/verify", json!({"type": "signup", "token_hash": link["hashed_token"]})).await.ok();
    s.sign_in("gs@test.io", PASSWORD).await.ok();
    generate(&s, json!({"type": "signup", "email": "gs@test.io", "password": PASSWORD})).await.expect(422, "email_exists");
    generate(&s, json!({"type": "signup", "email": "nopw@test.io"})).await.expect(400, "validation_failed");
    generate(&s, json!({"type": "signup", "email": "weak@test.io", "password": "x"})).await.expect(422, "weak_password");
}

#[tokio::test]
async fn generate_link_invite_and_magiclink_for_unknown_emails() {
    let s = Server::new();
    let invite = generate(&s, json!({"type": "invite", "email": "gi@test.io"})).await.ok().clone();
    assert_eq!(invite["verification_type"], "invite");
    assert!(invite["invited_at"].is_string());
    assert!(invite["action_link"].as_str().unwrap().contains("type=invite"));
    s.post("/verify", json!({"type": "invite", "token_hash": invite["hashed_token"]})).await.ok();
    generate(&s, json!({"type": "invite", "email": "gi@test.io"})).await.expect(422, "email_exists");

    // A magic link for someone unknown creates them, as a sign-up.
    let magic = generate(&s, json!({"type": "magiclink", "email": "gm@test.io"})).await.ok().clone();
    assert_eq!(magic["verification_type"], "signup");
    assert!(magic["action_link"].as_str().unwrap().contains("type=signup"));
    let list = s.call(Method::GET, "/admin/users", Some(&s.service_key()), None).await;
    assert!(list.ok()["users"].as_array().unwrap().iter().any(|u| u["email"] == "gm@test.io"));
    // For someone known it is a magic link on the recovery slot.
    let again = generate(&s, json!({"type": "magiclink", "email": "gi@test.io"})).await.ok().clone();
    assert_eq!(again["verification_type"], "magiclink");
    s.post("/verify", json!({"type": "magiclink", "token_hash": again["hashed_token"]})).await.ok();
}

#[tokio::test]
async fn generate_link_email_change_sets_new_email() {
    let s = Server::new();
    s.signup("ec@test.io").await;
    s.signup("taken@test.io").await;
    let new = generate(&s, json!({"type": "email_change_new", "email": "ec@test.io", "new_email": "EC2@test.io"})).await.ok().clone();
    assert_eq!(new["new_email"], "ec2@test.io");
    assert_eq!(new["verification_type"], "email_change_new");
    assert!(new["action_link"].as_str().unwrap().contains("type=email_change"));
    assert_eq!(new["hashed_token"], auth_devserver::crypto::token_hash("ec2@test.io", new["email_otp"].as_str().unwrap()).as_str());
    let current = generate(&s, json!({"type": "email_change_current", "email": "ec@test.io", "new_email": "ec3@test.io"})).await.ok().clone();
    assert_eq!(current["new_email"], "ec3@test.io");
    assert_eq!(current["hashed_token"], auth_devserver::crypto::token_hash("ec@test.io", current["email_otp"].as_str().unwrap()).as_str());
    generate(&s, json!({"type": "email_change_new", "email": "ec@test.io", "new_email": "taken@test.io"})).await.expect(422, "email_exists");
    generate(&s, json!({"type": "email_change_new", "email": "ec@test.io", "new_email": "bad"})).await.expect(400, "validation_failed");
    generate(&s, json!({"type": "email_change_new", "email": "nobody@test.io", "new_email": "n@test.io"})).await.expect(404, "user_not_found");
    let insecure = Server::with(|c| c.secure_email_change_enabled = false);
    insecure.signup("ec@test.io").await;
    let reply = generate(&insecure, json!({"type": "email_change_current", "email": "ec@test.io", "new_email": "x@test.io"})).await;
    reply.expect(400, "validation_failed");
    assert_eq!(reply.json["msg"], "Enable secure email change to generate link for current email");
}

#[tokio::test]
async fn generate_link_validates_the_email_before_the_type() {
    let s = Server::new();
    let reply = generate(&s, json!({"type": "bogus", "email": "not-an-email"})).await;
    assert_eq!(reply.json["msg"], "Unable to validate email address: invalid format");
    let reply = generate(&s, json!({"type": "bogus", "email": "who@test.io"})).await;
    reply.expect(400, "validation_failed");
    assert_eq!(reply.json["msg"], "Invalid email action link type requested: bogus");
}

// ---- listUsers pagination ---------------------------------------------------------------------

#[tokio::test]
async fn list_users_pages_like_gotrue() {
    let s = Server::new();
    let key = s.service_key();
    for i in 0..5 {
        s.signup(&format!("p{i}@test.io")).await;
    }
    // auth-js's listUsers() with no arguments sends empty values.
    let all = s.call(Method::GET, "/admin/users?page=&per_page=", Some(&key), None).await;
    assert_eq!(all.ok()["users"].as_array().unwrap().len(), 5);
    let page = s.call(Method::GET, "/admin/users?page=2&per_page=2", Some(&key), None).await;
    assert_eq!(page.ok()["users"].as_array().unwrap().len(), 2);
    assert_eq!(page.header("x-total-count"), Some("5"));
    assert_eq!(page.header("link"), Some(r#"</admin/users?page=3&per_page=2>; rel="next", </admin/users?page=3&per_page=2>; rel="last""#));
    let last = s.call(Method::GET, "/admin/users?page=3&per_page=2", Some(&key), None).await;
    assert_eq!(last.ok()["users"].as_array().unwrap().len(), 1);
    assert_eq!(last.header("link"), Some(r#"</admin/users?page=3&per_page=2>; rel="last""#));
    let beyond = s.call(Method::GET, "/admin/users?page=18446744073709551615&per_page=1000", Some(&key), None).await;
    assert_eq!(beyond.ok()["users"], json!([]));
    for (query, value) in [("page=abc", "abc"), ("per_page=-1", "-1"), ("page=1.5", "1.5")] {
        let reply = s.call(Method::GET, &format!("/admin/users?{query}"), Some(&key), None).await;
        reply.expect(400, "validation_failed");
        assert_eq!(reply.json["msg"], format!("Bad Pagination Parameters: strconv.ParseUint: parsing \"{value}\": invalid syntax"));
    }
    let huge = s.call(Method::GET, "/admin/users?page=99999999999999999999", Some(&key), None).await;
    assert_eq!(huge.json["msg"], "Bad Pagination Parameters: strconv.ParseUint: parsing \"99999999999999999999\": value out of range");
}

// ---- every rejection is a JSON body -----------------------------------------------------------

#[tokio::test]
async fn rejected_queries_and_paths_answer_json() {
    let s = Server::new();
    let key = s.service_key();
    let cases = [
        s.call(Method::GET, "/_dev/outbox?last=many", None, None).await,
        s.call(Method::GET, "/_dev/outbox?last=-1", None, None).await,
        s.call(Method::GET, "/admin/users/%FF%FE", Some(&key), None).await,
        s.call(Method::POST, "/verify?x=%ZZ", None, Some(json!({}))).await,
        s.raw(Method::POST, "/token?grant_type=password", &[], "{\"email\": 5}").await,
    ];
    for reply in cases {
        assert!(reply.status.is_client_error(), "{} {}", reply.status, reply.text);
        assert!(reply.json.is_object(), "not a JSON error body: {:?}", reply.text);
        assert!(reply.json["msg"].is_string() && reply.json["error_code"].is_string(), "{}", reply.text);
    }
}
