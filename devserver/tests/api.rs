//! Every endpoint's success and error cases from `docs/protocol/gotrue.md`, in-process.

mod common;

use axum::http::Method;
use common::{refresh, token, Reply, Server, PASSWORD};
use serde_json::{json, Value};

// ---- transport (docs/protocol/gotrue.md §1, §2) ------------------------------------------------------------------

#[tokio::test]
async fn health_and_settings() {
    let s = Server::new();
    let health = s.call(Method::GET, "/health", None, None).await;
    assert_eq!(health.ok()["name"], "GoTrue");
    let settings = s.call(Method::GET, "/settings", None, None).await;
    assert_eq!(settings.ok()["external"]["email"], true);
    assert_eq!(settings.json["mailer_autoconfirm"], true);
}

#[tokio::test]
async fn both_error_body_versions_and_the_error_code_header() {
    let s = Server::new();
    let legacy = s.post("/recover", json!({})).await;
    assert_eq!(legacy.json, json!({"code": 400, "error_code": "validation_failed", "msg": "Password recovery requires an email"}));
    assert_eq!(legacy.header("x-sb-error-code"), Some("validation_failed"));
    assert_eq!(legacy.header("x-supabase-api-version"), None);

    let v2024 = s.raw(Method::POST, "/recover", &[("x-supabase-api-version", "2024-01-01")], "{}").await;
    assert_eq!(v2024.json, json!({"code": "validation_failed", "message": "Password recovery requires an email"}));
    assert_eq!(v2024.header("x-sb-error-code"), Some("validation_failed"));
    assert_eq!(v2024.header("x-supabase-api-version"), Some("2024-01-01"));

    // Dates before 2024-01-01 and garbage select the legacy shape.
    let old = s.raw(Method::POST, "/recover", &[("x-supabase-api-version", "2023-06-01")], "{}").await;
    assert_eq!(old.json["code"], 400);
}

#[tokio::test]
async fn malformed_bodies_get_bad_json_and_change_nothing() {
    let s = Server::new();
    for body in ["", "{", "[1,2]", "\"text\"", "{\"email\": 5}", "{\"email\": [\"a@b.co\"]}"] {
        s.raw(Method::POST, "/signup", &[], body).await.expect(400, "bad_json");
    }
    // A wrong type for the password is a bad body too, not a crash.
    s.post("/signup", json!({"email": "x@test.io", "password": {"a": 1}})).await.expect(400, "bad_json");
    assert_eq!(s.sign_in("x@test.io", PASSWORD).await.status, 400);
    let missing = s.raw(Method::POST, "/recover", &[], "").await;
    assert!(missing.json["msg"].as_str().unwrap().starts_with("Could not parse request body as JSON"));
}

#[tokio::test]
async fn bodies_over_one_mebibyte_are_refused_with_413() {
    let s = Server::new();
    let huge = format!("{{\"email\":\"a@b.co\",\"pad\":\"{}\"}}", "x".repeat(1 << 20));
    let reply = s.raw(Method::POST, "/recover", &[], huge).await;
    reply.expect(413, "request_entity_too_large");
    assert_eq!(reply.json["msg"], "Request body too large (max 1048576 bytes)");
}

#[tokio::test]
async fn unknown_paths_answer_plain_404() {
    let s = Server::new();
    let reply = s.call(Method::GET, "/nope", None, None).await;
    assert_eq!(reply.status.as_u16(), 404);
    assert_eq!(reply.text, "404 page not found\n");
}

#[tokio::test]
async fn cors_preflight_allows_the_apikey_header() {
    let s = Server::new();
    let reply = s
        .raw(
            Method::OPTIONS,
            "/token?grant_type=password",
            &[
                ("origin", "http://localhost:5173"),
                ("access-control-request-method", "POST"),
                ("access-control-request-headers", "apikey,authorization,content-type,x-supabase-api-version"),
            ],
            "",
        )
        .await;
    assert!(reply.status.is_success());
    assert_eq!(reply.header("access-control-allow-origin"), Some("http://localhost:5173"));
    let allowed = reply.header("access-control-allow-headers").unwrap();
    assert!(allowed.contains("apikey") && allowed.contains("x-supabase-api-version"), "{allowed}");
}

// ---- signup and password grant (docs/protocol/gotrue.md §5.5) ---------------------------------------------------

#[tokio::test]
async fn signup_returns_a_session_and_the_user_object() {
    let s = Server::new();
    let session = s.post("/signup", json!({"email": "Ann@Test.io", "password": PASSWORD, "data": {"name": "Ann"}})).await;
    let session = session.ok();
    assert_eq!(session["token_type"], "bearer");
    assert_eq!(session["expires_in"], 3600);
    assert!(session["expires_at"].as_i64().unwrap() > 0);
    assert_eq!(session["refresh_token"].as_str().unwrap().len(), 12);
    let user = &session["user"];
    assert_eq!(user["email"], "ann@test.io");
    assert_eq!(user["aud"], "authenticated");
    assert_eq!(user["role"], "authenticated");
    assert_eq!(user["user_metadata"]["name"], "Ann");
    assert_eq!(user["app_metadata"], json!({"provider": "email", "providers": ["email"]}));
    assert_eq!(user["identities"][0]["provider"], "email");
    assert!(user["email_confirmed_at"].is_string());
    assert!(user.get("encrypted_password").is_none() && user.get("recovery_token").is_none());

    // The access token is an HS256 JWT with GoTrue's claims, signed with the configured secret.
    let claims = auth_devserver::jwt::verify(&s.state.config.jwt_secret, token(session), s.state.now() / 1000).unwrap();
    assert_eq!(claims["sub"], user["id"]);
    assert_eq!(claims["role"], "authenticated");
    assert_eq!(claims["aal"], "aal1");
    assert_eq!(claims["amr"][0]["method"], "password");
    assert!(claims["session_id"].is_string());
    assert_eq!(claims["exp"], session["expires_at"]);
}

#[tokio::test]
async fn signup_errors() {
    let s = Server::new();
    s.post("/signup", json!({"email": "a@test.io"})).await.expect(400, "validation_failed");
    s.post("/signup", json!({"email": "not-an-email", "password": PASSWORD})).await.expect(400, "validation_failed");
    let weak = s.post("/signup", json!({"email": "a@test.io", "password": "12345"})).await;
    weak.expect(422, "weak_password");
    assert_eq!(weak.json["weak_password"]["reasons"], json!(["length"]));
    s.signup("a@test.io").await;
    s.post("/signup", json!({"email": "A@test.io", "password": PASSWORD})).await.expect(422, "user_already_exists");
    let disabled = Server::with(|c| c.disable_signup = true);
    disabled.post("/signup", json!({"email": "a@test.io", "password": PASSWORD})).await.expect(422, "signup_disabled");
}

#[tokio::test]
async fn signup_with_confirmations_sends_mail_and_blocks_password_login_until_confirmed() {
    let s = Server::with(|c| c.mailer_autoconfirm = false);
    let user = s.post("/signup", json!({"email": "c@test.io", "password": PASSWORD})).await;
    assert!(user.ok().get("access_token").is_none());
    assert!(user.json["confirmation_sent_at"].is_string());
    s.sign_in("c@test.io", PASSWORD).await.expect(400, "email_not_confirmed");
    let mail = s.last_mail("c@test.io").await;
    assert_eq!(mail["kind"], "signup");
    s.post("/verify", json!({"type": "signup", "email": "c@test.io", "token": mail["token"]})).await.ok();
    s.sign_in("c@test.io", PASSWORD).await.ok();
    // An existing address gets a fake user object, not an error (no enumeration).
    let again = s.post("/signup", json!({"email": "c@test.io", "password": PASSWORD})).await;
    assert_ne!(again.ok()["id"], user.json["id"]);
}

#[tokio::test]
async fn password_grant_errors() {
    let s = Server::new();
    s.signup("p@test.io").await;
    s.sign_in("p@test.io", "wrong-password").await.expect(400, "invalid_credentials");
    s.sign_in("nobody@test.io", PASSWORD).await.expect(400, "invalid_credentials");
    s.post("/token?grant_type=password", json!({"password": PASSWORD})).await.expect(400, "validation_failed");
    s.post("/token?grant_type=password", json!({"email": "p@test.io", "phone": "+1555", "password": "x"}))
        .await
        .expect(400, "validation_failed");
    s.post("/token", json!({})).await.expect(400, "invalid_credentials");
    let unknown = s.post("/token?grant_type=magic", json!({})).await;
    assert_eq!(unknown.json["msg"], "unsupported_grant_type");
    // The grant type is checked before the body is parsed.
    s.raw(Method::POST, "/token?grant_type=nope", &[], "{").await.expect(400, "invalid_credentials");
    s.raw(Method::POST, "/token?grant_type=password", &[], "{").await.expect(400, "bad_json");
}

#[tokio::test]
async fn password_login_warns_when_the_password_no_longer_meets_policy() {
    let s = Server::with(|c| c.password_min_length = 20);
    // A user whose password predates the stricter policy.
    let now = s.state.now();
    let mut user = auth_devserver::db::User::new("w@test.io", "authenticated", Some(bcrypt::hash(PASSWORD, 4).unwrap()), json!({}), now);
    user.email_confirmed_at = Some(now);
    s.state.db.tx(|conn| auth_devserver::db::insert_user(conn, &user)).unwrap();
    let session = s.sign_in("w@test.io", PASSWORD).await;
    assert_eq!(session.ok()["weak_password"]["reasons"], json!(["length"]));
    assert_eq!(session.json["weak_password"]["message"], "Password should be at least 20 characters.");
    assert!(session.json["access_token"].is_string());
}

#[tokio::test]
async fn banned_users_are_refused_before_the_password_check() {
    let s = Server::new();
    let session = s.signup("b@test.io").await;
    let id = session["user"]["id"].as_str().unwrap().to_string();
    let key = s.service_key();
    s.call(Method::PUT, &format!("/admin/users/{id}"), Some(&key), Some(json!({"ban_duration": "1h"}))).await.ok();
    s.sign_in("b@test.io", "wrong").await.expect(400, "user_banned");
    s.get("/user", token(&session)).await.expect(403, "user_banned");
    s.post("/token?grant_type=refresh_token", json!({"refresh_token": refresh(&session)})).await.expect(400, "user_banned");
    s.call(Method::PUT, &format!("/admin/users/{id}"), Some(&key), Some(json!({"ban_duration": "none"}))).await.ok();
    s.sign_in("b@test.io", PASSWORD).await.ok();
}

// ---- recovery (docs/protocol/gotrue.md §5.1–§5.3, §7) -------------------------------------------------------------

#[tokio::test]
async fn recovery_by_code_signs_in_with_an_otp_session() {
    let s = Server::new();
    s.signup("r@test.io").await;
    let (code, hash) = s.recover("r@test.io").await;
    assert_eq!(code.len(), 6);
    assert!(code.bytes().all(|b| b.is_ascii_digit()));
    // token_hash is the SHA-224 hex of email + code.
    assert_eq!(hash, auth_devserver::crypto::token_hash("r@test.io", &code));
    assert_eq!(hash.len(), 56);
    let mail = s.last_mail("r@test.io").await;
    assert_eq!(mail["subject"], "Reset your password");
    assert!(mail["text"].as_str().unwrap().contains(&code));
    assert!(mail["link"].as_str().unwrap().contains(&format!("/verify?token={hash}&type=recovery&redirect_to=")));

    let session = s.post("/verify", json!({"type": "recovery", "email": "R@test.io", "token": code})).await;
    let session = session.ok().clone();
    let claims = auth_devserver::jwt::verify(&s.state.config.jwt_secret, token(&session), s.state.now() / 1000).unwrap();
    assert_eq!(claims["amr"][0]["method"], "otp");
    assert!(session["user"]["recovery_sent_at"].is_string());

    // Single use: the same code, and its hash, are rejected afterwards.
    s.post("/verify", json!({"type": "recovery", "email": "r@test.io", "token": code})).await.expect(403, "otp_expired");
    let reused = s.post("/verify", json!({"type": "recovery", "token_hash": hash})).await;
    reused.expect(403, "otp_expired");
    assert_eq!(reused.json["msg"], "Email link is invalid or has expired");
}

#[tokio::test]
async fn recover_is_neutral_for_unknown_emails_and_rate_limited_per_user() {
    let s = Server::new();
    s.signup("k@test.io").await;
    assert_eq!(s.post("/recover", json!({"email": "unknown@test.io"})).await.ok(), &json!({}));
    assert_eq!(s.post("/recover", json!({"email": "unknown@test.io"})).await.ok(), &json!({}));
    assert_eq!(s.mail_count("unknown@test.io").await, 0);

    assert_eq!(s.post("/recover", json!({"email": "k@test.io"})).await.ok(), &json!({}));
    let limited = s.post("/recover", json!({"email": "k@test.io"})).await;
    limited.expect(429, "over_email_send_rate_limit");
    let msg = limited.json["msg"].as_str().unwrap();
    assert!(msg.starts_with("For security purposes, you can only request this after 59 seconds.") || msg.ends_with("after 60 seconds."), "{msg}");
    assert_eq!(s.mail_count("k@test.io").await, 1);
    s.advance_clock(61).await;
    s.post("/recover", json!({"email": "k@test.io"})).await.ok();
    assert_eq!(s.mail_count("k@test.io").await, 2);
}

#[tokio::test]
async fn recover_validation() {
    let s = Server::new();
    s.post("/recover", json!({"email": ""})).await.expect(400, "validation_failed");
    let bad = s.post("/recover", json!({"email": "nope"})).await;
    bad.expect(400, "validation_failed");
    assert_eq!(bad.json["msg"], "Unable to validate email address: invalid format");
    let long = format!("{}@test.io", "a".repeat(250));
    assert_eq!(s.post("/recover", json!({"email": long})).await.json["msg"], "An email address is too long");
    s.post("/recover", json!({"email": "a@test.io", "code_challenge": "x".repeat(43)})).await.expect(400, "validation_failed");
    s.post("/recover", json!({"email": "a@test.io", "code_challenge": "short", "code_challenge_method": "s256"}))
        .await
        .expect(400, "validation_failed");
}

#[tokio::test]
async fn only_the_latest_code_works() {
    let s = Server::new();
    s.signup("l@test.io").await;
    let (first, _) = s.recover("l@test.io").await;
    // Codes are random: one in a million repeats, so ask again until the new one differs.
    let mut second = first.clone();
    while second == first {
        s.advance_clock(61).await;
        second = s.recover("l@test.io").await.0;
    }
    s.post("/verify", json!({"type": "recovery", "email": "l@test.io", "token": first})).await.expect(403, "otp_expired");
    s.post("/verify", json!({"type": "recovery", "email": "l@test.io", "token": second})).await.ok();
}

#[tokio::test]
async fn codes_expire_after_mailer_otp_exp() {
    let s = Server::with(|c| c.mailer_otp_exp = 60);
    s.signup("e@test.io").await;
    let (code, hash) = s.recover("e@test.io").await;
    s.advance_clock(61).await;
    let expired = s.post("/verify", json!({"type": "recovery", "email": "e@test.io", "token": code})).await;
    expired.expect(403, "otp_expired");
    assert_eq!(expired.json["msg"], "Token has expired or is invalid");
    s.post("/verify", json!({"type": "recovery", "token_hash": hash})).await.expect(403, "otp_expired");
}

#[tokio::test]
async fn verify_by_token_hash_and_magiclink_type_are_interchangeable() {
    let s = Server::new();
    s.signup("h@test.io").await;
    let (_, hash) = s.recover("h@test.io").await;
    let session = s.post("/verify", json!({"type": "magiclink", "token_hash": hash})).await;
    assert_eq!(session.ok()["user"]["email"], "h@test.io");
}

#[tokio::test]
async fn verify_validation() {
    let s = Server::new();
    s.post("/verify", json!({"token": "123456", "email": "a@test.io"})).await.expect(400, "validation_failed");
    let neither = s.post("/verify", json!({"type": "recovery"})).await;
    assert_eq!(neither.json["msg"], "Verify requires either a token or a token hash");
    let both = s.post("/verify", json!({"type": "recovery", "token": "1", "token_hash": "2"})).await;
    assert_eq!(both.json["msg"], "Verify requires either a token or a token hash");
    let no_email = s.post("/verify", json!({"type": "recovery", "token": "123456"})).await;
    assert_eq!(no_email.json["msg"], "Only an email address or phone number should be provided on verify");
    s.post("/verify", json!({"type": "recovery", "token": "123456", "email": "bad"})).await.expect(422, "validation_failed");
    let extra = s.post("/verify", json!({"type": "recovery", "token_hash": "abc", "email": "a@test.io"})).await;
    assert_eq!(extra.json["msg"], "Only the token_hash and type should be provided");
    s.post("/verify", json!({"type": "sms", "token_hash": "abc"})).await.expect(400, "validation_failed");
    s.post("/verify", json!({"type": "nonsense", "token": "123456", "email": "a@test.io"})).await.expect(403, "otp_expired");
    s.post("/verify", json!({"type": "recovery", "token": "000000", "email": "nobody@test.io"})).await.expect(403, "otp_expired");
}

#[tokio::test]
async fn email_link_redirects_with_tokens_in_the_fragment() {
    let s = Server::new();
    s.signup("g@test.io").await;
    s.post("/recover?redirect_to=http://localhost:3000/reset", json!({"email": "g@test.io"})).await.ok();
    let mail = s.last_mail("g@test.io").await;
    let link = mail["link"].as_str().unwrap();
    assert!(link.contains("redirect_to=http%3A%2F%2Flocalhost%3A3000%2Freset"), "{link}");
    let path = &link[link.find("/verify").unwrap()..];
    let reply = s.call(Method::GET, path, None, None).await;
    assert_eq!(reply.status.as_u16(), 303);
    let location = reply.header("location").unwrap();
    assert!(location.starts_with("http://localhost:3000/reset#access_token="), "{location}");
    for key in ["&expires_at=", "&expires_in=3600", "&refresh_token=", "&sb=&", "&token_type=bearer", "&type=recovery"] {
        assert!(location.contains(key), "{key} missing in {location}");
    }
    // Used link: error fragment, as GoTrue words it.
    let again = s.call(Method::GET, path, None, None).await;
    assert_eq!(
        again.header("location").unwrap(),
        "http://localhost:3000/reset#error=access_denied&error_code=otp_expired&error_description=Email+link+is+invalid+or+has+expired&sb="
    );
}

#[tokio::test]
async fn redirects_outside_the_allow_list_fall_back_to_the_site_url() {
    let s = Server::with(|c| c.site_url = "http://127.0.0.1:9999".into());
    s.signup("o@test.io").await;
    s.post("/recover?redirect_to=https://evil.example/steal", json!({"email": "o@test.io"})).await.ok();
    let link = s.last_mail("o@test.io").await["link"].as_str().unwrap().to_string();
    assert!(link.ends_with("redirect_to=http%3A%2F%2F127.0.0.1%3A9999"), "{link}");
}

#[tokio::test]
async fn get_verify_validation_is_json() {
    let s = Server::new();
    s.call(Method::GET, "/verify?token=abc", None, None).await.expect(400, "validation_failed");
    s.call(Method::GET, "/verify?type=recovery", None, None).await.expect(400, "validation_failed");
}

fn pkce_pair() -> (String, String) {
    use base64::Engine;
    use sha2::Digest;
    let verifier = "a-pkce-verifier-that-is-long-enough-to-be-valid-0123456789".to_string();
    let challenge = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(verifier.as_bytes()));
    (verifier, challenge)
}

#[tokio::test]
async fn pkce_recovery_link_gives_a_code_to_exchange_once() {
    let s = Server::new();
    s.signup("k@test.io").await;
    let (verifier, challenge) = pkce_pair();
    s.post(
        "/recover?redirect_to=http://localhost:3000/cb",
        json!({"email": "k@test.io", "code_challenge": challenge, "code_challenge_method": "S256"}),
    )
    .await
    .ok();
    let mail = s.last_mail("k@test.io").await;
    assert!(mail["token_hash"].as_str().unwrap().starts_with("pkce_"));
    let link = mail["link"].as_str().unwrap();
    let reply = s.call(Method::GET, &link[link.find("/verify").unwrap()..], None, None).await;
    assert_eq!(reply.status.as_u16(), 303);
    let location = reply.header("location").unwrap().to_string();
    let code = location.strip_prefix("http://localhost:3000/cb?code=").unwrap_or_else(|| panic!("{location}"));

    s.post("/token?grant_type=pkce", json!({"auth_code": code, "code_verifier": "wrong-verifier-wrong-verifier-wrong-verifier"}))
        .await
        .expect(400, "bad_code_verifier");
    let session = s.post("/token?grant_type=pkce", json!({"auth_code": code, "code_verifier": verifier})).await;
    let claims = auth_devserver::jwt::verify(&s.state.config.jwt_secret, token(session.ok()), s.state.now() / 1000).unwrap();
    assert_eq!(claims["amr"][0]["method"], "recovery");
    s.post("/token?grant_type=pkce", json!({"auth_code": code, "code_verifier": verifier})).await.expect(404, "flow_state_not_found");
    s.post("/token?grant_type=pkce", json!({"auth_code": "", "code_verifier": verifier})).await.expect(400, "validation_failed");
}

#[tokio::test]
async fn pkce_code_from_a_plain_otp_also_works_and_flow_state_expires() {
    let s = Server::new();
    s.signup("f@test.io").await;
    let (verifier, challenge) = pkce_pair();
    s.post("/recover", json!({"email": "f@test.io", "code_challenge": challenge, "code_challenge_method": "s256"})).await.ok();
    let mail = s.last_mail("f@test.io").await;
    // The 6-digit code bypasses the exchange even in the PKCE flow.
    s.post("/verify", json!({"type": "recovery", "email": "f@test.io", "token": mail["token"]})).await.ok();

    s.advance_clock(61).await;
    s.post("/recover", json!({"email": "f@test.io", "code_challenge": challenge, "code_challenge_method": "s256"})).await.ok();
    let link = s.last_mail("f@test.io").await["link"].as_str().unwrap().to_string();
    s.advance_clock(301).await;
    let location = s.call(Method::GET, &link[link.find("/verify").unwrap()..], None, None).await.header("location").unwrap().to_string();
    let code = &location[location.find("code=").unwrap() + 5..];
    s.post("/token?grant_type=pkce", json!({"auth_code": code, "code_verifier": verifier})).await.expect(422, "flow_state_expired");
}

// ---- /otp (docs/protocol/gotrue.md §5.4) ------------------------------------------------------------------------------

#[tokio::test]
async fn otp_sends_a_magic_link_sharing_the_recovery_slot() {
    let s = Server::new();
    s.signup("m@test.io").await;
    let (recovery_code, _) = s.recover("m@test.io").await;
    s.post("/otp", json!({"email": "m@test.io"})).await.expect(429, "over_email_send_rate_limit");
    s.advance_clock(61).await;
    s.post("/otp", json!({"email": "m@test.io"})).await.ok();
    let mail = s.last_mail("m@test.io").await;
    assert_eq!(mail["kind"], "magiclink");
    if mail["token"] != recovery_code.as_str() {
        s.post("/verify", json!({"type": "recovery", "email": "m@test.io", "token": recovery_code})).await.expect(403, "otp_expired");
    }
    s.post("/verify", json!({"type": "email", "email": "m@test.io", "token": mail["token"]})).await.ok();
    s.post("/otp", json!({"email": "new@test.io", "create_user": false})).await.expect(422, "otp_disabled");
    s.post("/otp", json!({"email": "new@test.io"})).await.ok();
    assert_eq!(s.mail_count("new@test.io").await, 1);
    s.post("/otp", json!({})).await.expect(400, "validation_failed");
}

// ---- user (docs/protocol/gotrue.md §4, §5.8–§5.10) -------------------------------------------------------------------

#[tokio::test]
async fn authentication_errors_in_gotrue_order() {
    let s = Server::new();
    s.call(Method::GET, "/user", None, None).await.expect(401, "no_authorization");
    s.raw(Method::GET, "/user", &[("authorization", "Basic abc")], "").await.expect(401, "no_authorization");
    s.get("/user", "not.a.jwt").await.expect(403, "bad_jwt");
    let session = s.signup("u@test.io").await;
    let mut forged = token(&session).to_string();
    forged.push('x');
    s.get("/user", &forged).await.expect(403, "bad_jwt");
    // Case-insensitive scheme.
    let lower = format!("bearer {}", token(&session));
    s.raw(Method::GET, "/user", &[("authorization", &lower)], "").await.ok();
    // Expired token.
    s.advance_clock(3601).await;
    let expired = s.get("/user", token(&session)).await;
    expired.expect(403, "bad_jwt");
    assert!(expired.json["msg"].as_str().unwrap().contains("token is expired"));
    // A service key has no user.
    s.get("/user", &s.service_key()).await.expect(403, "bad_jwt");
}

#[tokio::test]
async fn user_show_reads_fresh_from_the_database() {
    let s = Server::new();
    let session = s.signup("v@test.io").await;
    let user = s.get("/user", token(&session)).await;
    assert_eq!(user.ok()["email"], "v@test.io");
    s.put("/user", token(&session), json!({"data": {"theme": "dark", "drop": 1}})).await.ok();
    let updated = s.put("/user", token(&session), json!({"data": {"drop": null}})).await;
    assert_eq!(updated.ok()["user_metadata"], json!({"theme": "dark"}));
    assert_eq!(s.get("/user", token(&session)).await.json["user_metadata"], json!({"theme": "dark"}));
}

#[tokio::test]
async fn password_change_keeps_this_session_and_ends_the_others() {
    let s = Server::new();
    let first = s.signup("c@test.io").await;
    let second = s.sign_in("c@test.io", PASSWORD).await.ok().clone();
    let changed = s.put("/user", token(&first), json!({"password": "a-new-password-2"})).await;
    assert_eq!(changed.ok()["email"], "c@test.io");
    // This session goes on, tokens unchanged.
    s.get("/user", token(&first)).await.ok();
    s.post("/token?grant_type=refresh_token", json!({"refresh_token": refresh(&first)})).await.ok();
    // The other one is gone: its access token and refresh token are refused.
    s.get("/user", token(&second)).await.expect(403, "session_not_found");
    s.post("/token?grant_type=refresh_token", json!({"refresh_token": refresh(&second)})).await.expect(400, "refresh_token_not_found");
    s.sign_in("c@test.io", PASSWORD).await.expect(400, "invalid_credentials");
    s.sign_in("c@test.io", "a-new-password-2").await.ok();
}

#[tokio::test]
async fn password_update_errors() {
    let s = Server::with(|c| c.password_required_characters = vec!["0123456789".into()]);
    let session = s.post("/signup", json!({"email": "z@test.io", "password": "password1"})).await.ok().clone();
    let t = token(&session);
    let same = s.put("/user", t, json!({"password": "password1"})).await;
    same.expect(422, "same_password");
    assert_eq!(same.json["msg"], "New password should be different from the old password.");
    let weak = s.put("/user", t, json!({"password": "abc"})).await;
    weak.expect(422, "weak_password");
    assert_eq!(weak.json["weak_password"]["reasons"], json!(["length", "characters"]));
    let weak2024 = s.raw(Method::PUT, "/user", &[("authorization", &format!("Bearer {t}")), ("x-supabase-api-version", "2024-01-01")], r#"{"password":"abc"}"#).await;
    assert_eq!(weak2024.json["code"], "weak_password");
    assert_eq!(weak2024.json["weak_password"]["reasons"], json!(["length", "characters"]));
    assert_eq!(weak2024.header("x-sb-error-code"), None);
    s.put("/user", t, json!({"password": ""})).await.expect(422, "weak_password");
    let long = s.put("/user", t, json!({"password": format!("{}1", "a".repeat(72))})).await;
    long.expect(400, "validation_failed");
    assert_eq!(long.json["msg"], "Password cannot be longer than 72 characters");
    s.put("/user", t, json!({"app_metadata": {"role": "admin"}})).await.expect(403, "not_admin");
    s.put("/user", t, json!({"email": "bad"})).await.expect(400, "validation_failed");
    // Nothing above changed the password.
    s.sign_in("z@test.io", "password1").await.ok();
}

#[tokio::test]
async fn current_password_requirement_spares_recovery_sessions() {
    let s = Server::with(|c| c.require_current_password = true);
    let session = s.signup("cp@test.io").await;
    let t = token(&session);
    s.put("/user", t, json!({"password": "new-password-1"})).await.expect(400, "current_password_required");
    let wrong = s.put("/user", t, json!({"password": "new-password-1", "current_password": "nope"})).await;
    wrong.expect(400, "current_password_invalid");
    assert_eq!(wrong.json["msg"], "Current password required when setting new password.");
    s.put("/user", t, json!({"password": "new-password-1", "current_password": PASSWORD})).await.ok();

    let (code, _) = s.recover("cp@test.io").await;
    let recovery = s.post("/verify", json!({"type": "recovery", "email": "cp@test.io", "token": code})).await.ok().clone();
    s.put("/user", token(&recovery), json!({"password": "newer-password-2"})).await.ok();
    s.sign_in("cp@test.io", "newer-password-2").await.ok();
}

#[tokio::test]
async fn reauthentication_nonce_flow() {
    let s = Server::with(|c| {
        c.require_reauthentication = true;
        c.reauthentication_session_age = std::time::Duration::ZERO;
    });
    let session = s.signup("n@test.io").await;
    let t = token(&session);
    s.advance_clock(1).await;
    s.put("/user", t, json!({"password": "new-password-1"})).await.expect(400, "reauthentication_needed");
    s.put("/user", t, json!({"password": "new-password-1", "nonce": "123456"})).await.expect(422, "reauthentication_not_valid");
    assert_eq!(s.get("/reauthenticate", t).await.ok(), &json!({}));
    let mail = s.last_mail("n@test.io").await;
    assert_eq!(mail["kind"], "reauthentication");
    let nonce = mail["token"].as_str().unwrap().to_string();
    assert_eq!(mail["subject"], format!("{nonce} is your verification code"));
    s.get("/reauthenticate", t).await.expect(429, "over_email_send_rate_limit");
    s.put("/user", t, json!({"password": "new-password-1", "nonce": nonce})).await.ok();
    // Consumed.
    s.put("/user", t, json!({"password": "new-password-2", "nonce": nonce})).await.expect(422, "reauthentication_not_valid");
}

#[tokio::test]
async fn reauthentication_is_only_needed_for_old_sessions_by_default() {
    let s = Server::with(|c| c.require_reauthentication = true);
    let session = s.signup("old@test.io").await;
    s.put("/user", token(&session), json!({"password": "new-password-1"})).await.ok();
    s.advance_clock(25 * 3600).await;
    let fresh = s.post("/token?grant_type=refresh_token", json!({"refresh_token": refresh(&session)})).await.ok().clone();
    s.put("/user", token(&fresh), json!({"password": "new-password-2"})).await.expect(400, "reauthentication_needed");
}

// ---- refresh rotation (docs/protocol/gotrue.md §5.6, §6.6) -----------------------------------------------------------

#[tokio::test]
async fn refresh_rotates_within_the_same_session() {
    let s = Server::new();
    let session = s.signup("t@test.io").await;
    let next = s.post("/token?grant_type=refresh_token", json!({"refresh_token": refresh(&session)})).await.ok().clone();
    assert_ne!(refresh(&next), refresh(&session));
    let secret = &s.state.config.jwt_secret;
    let now = s.state.now() / 1000;
    let a = auth_devserver::jwt::verify(secret, token(&session), now).unwrap();
    let b = auth_devserver::jwt::verify(secret, token(&next), now).unwrap();
    assert_eq!(a["session_id"], b["session_id"]);
    // AMR does not change on refresh.
    assert_eq!(b["amr"][0]["method"], "password");
}

#[tokio::test]
async fn refresh_reuse_returns_the_active_child_then_revokes_the_family() {
    let s = Server::new();
    let session = s.signup("rt@test.io").await;
    let first = refresh(&session).to_string();
    let second = s.post("/token?grant_type=refresh_token", json!({"refresh_token": first})).await.ok().clone();
    // The parent of the active token returns the active token again (lost response).
    let replay = s.post("/token?grant_type=refresh_token", json!({"refresh_token": first})).await.ok().clone();
    assert_eq!(refresh(&replay), refresh(&second));
    let third = s.post("/token?grant_type=refresh_token", json!({"refresh_token": refresh(&second)})).await.ok().clone();
    // Now `first` is two generations old: reuse detected, the whole family revoked.
    let reuse = s.post("/token?grant_type=refresh_token", json!({"refresh_token": first})).await;
    reuse.expect(400, "refresh_token_already_used");
    assert_eq!(reuse.json["msg"], "Invalid Refresh Token: Already Used");
    s.post("/token?grant_type=refresh_token", json!({"refresh_token": refresh(&third)})).await.expect(400, "refresh_token_already_used");
}

#[tokio::test]
async fn refresh_reuse_interval_allows_a_late_duplicate() {
    let s = Server::with(|c| c.refresh_token_reuse_interval = 10);
    let session = s.signup("ri@test.io").await;
    let first = refresh(&session).to_string();
    let second = s.post("/token?grant_type=refresh_token", json!({"refresh_token": first})).await.ok().clone();
    s.post("/token?grant_type=refresh_token", json!({"refresh_token": refresh(&second)})).await.ok();
    s.post("/token?grant_type=refresh_token", json!({"refresh_token": first})).await.ok();
}

#[tokio::test]
async fn refresh_token_errors() {
    let s = Server::new();
    for bad in ["", "short", "UPPERCASE123", "has-dash-123"] {
        let reply = s.post("/token?grant_type=refresh_token", json!({"refresh_token": bad})).await;
        reply.expect(400, "validation_failed");
        assert_eq!(reply.json["msg"], "Refresh token is not valid");
    }
    s.post("/token?grant_type=refresh_token", json!({"refresh_token": "abcdefabcdef"})).await.expect(400, "refresh_token_not_found");
}

// ---- logout (docs/protocol/gotrue.md §5.11) -----------------------------------------------------------------------------

#[tokio::test]
async fn logout_scopes() {
    let s = Server::new();
    let a = s.signup("lo@test.io").await;
    let b = s.sign_in("lo@test.io", PASSWORD).await.ok().clone();
    let c = s.sign_in("lo@test.io", PASSWORD).await.ok().clone();
    let logout = |t: String, scope: &'static str| {
        let s = &s;
        async move { s.call(Method::POST, &format!("/logout?scope={scope}"), Some(&t), None).await }
    };
    logout(token(&a).into(), "bogus").await.expect(400, "validation_failed");
    assert_eq!(logout(token(&a).into(), "others").await.status.as_u16(), 204);
    s.get("/user", token(&a)).await.ok();
    s.get("/user", token(&b)).await.expect(403, "session_not_found");
    s.get("/user", token(&c)).await.expect(403, "session_not_found");
    let d = s.sign_in("lo@test.io", PASSWORD).await.ok().clone();
    assert_eq!(logout(token(&a).into(), "local").await.status.as_u16(), 204);
    s.get("/user", token(&a)).await.expect(403, "session_not_found");
    s.get("/user", token(&d)).await.ok();
    // Logging out a dead session is an error; the default scope is global.
    logout(token(&a).into(), "local").await.expect(403, "session_not_found");
    let e = s.sign_in("lo@test.io", PASSWORD).await.ok().clone();
    assert_eq!(s.call(Method::POST, "/logout", Some(token(&d)), None).await.status.as_u16(), 204);
    s.get("/user", token(&e)).await.expect(403, "session_not_found");
}

// ---- admin (docs/protocol/gotrue.md §5.12, §5.13) -------------------------------------------------------------------------

#[tokio::test]
async fn admin_requires_the_service_role() {
    let s = Server::new();
    let session = s.signup("ad@test.io").await;
    s.call(Method::GET, "/admin/users", None, None).await.expect(401, "no_authorization");
    s.call(Method::GET, "/admin/users", Some(token(&session)), None).await.expect(403, "not_admin");
    let anon = auth_devserver::jwt::api_key(&s.state.config.jwt_secret, "anon", s.state.now() / 1000);
    s.call(Method::GET, "/admin/users", Some(&anon), None).await.expect(403, "not_admin");
    let list = s.call(Method::GET, "/admin/users", Some(&s.service_key()), None).await;
    assert_eq!(list.ok()["users"].as_array().unwrap().len(), 1);
    assert_eq!(list.header("x-total-count"), Some("1"));
}

#[tokio::test]
async fn admin_user_crud_and_password_set_ends_every_session() {
    let s = Server::new();
    let key = s.service_key();
    let created = s.call(Method::POST, "/admin/users", Some(&key), Some(json!({"email": "adm@test.io", "password": PASSWORD, "email_confirm": true}))).await;
    let id = created.ok()["id"].as_str().unwrap().to_string();
    s.call(Method::POST, "/admin/users", Some(&key), Some(json!({"email": "adm@test.io", "password": PASSWORD}))).await.expect(422, "email_exists");
    let a = s.sign_in("adm@test.io", PASSWORD).await.ok().clone();
    let b = s.sign_in("adm@test.io", PASSWORD).await.ok().clone();
    let path = format!("/admin/users/{id}");
    assert_eq!(s.call(Method::GET, &path, Some(&key), None).await.ok()["email"], "adm@test.io");
    s.call(Method::PUT, &path, Some(&key), Some(json!({"password": "x"}))).await.expect(422, "weak_password");
    // Admin update does not refuse the same password, and logs out everywhere.
    s.call(Method::PUT, &path, Some(&key), Some(json!({"password": PASSWORD}))).await.ok();
    s.get("/user", token(&a)).await.expect(403, "session_not_found");
    s.get("/user", token(&b)).await.expect(403, "session_not_found");
    s.call(Method::GET, "/admin/users/not-a-uuid", Some(&key), None).await.expect(404, "validation_failed");
    s.call(Method::GET, "/admin/users/00000000-0000-4000-8000-000000000000", Some(&key), None).await.expect(404, "user_not_found");
    assert_eq!(s.call(Method::DELETE, &path, Some(&key), None).await.ok(), &json!({}));
    s.call(Method::GET, &path, Some(&key), None).await.expect(404, "user_not_found");
    s.sign_in("adm@test.io", PASSWORD).await.expect(400, "invalid_credentials");
}

#[tokio::test]
async fn admin_generate_link_sends_no_mail_and_ignores_the_interval() {
    let s = Server::new();
    s.signup("gl@test.io").await;
    s.recover("gl@test.io").await;
    let key = s.service_key();
    let link = s.call(Method::POST, "/admin/generate_link", Some(&key), Some(json!({"type": "recovery", "email": "gl@test.io"}))).await;
    let link = link.ok().clone();
    assert_eq!(link["verification_type"], "recovery");
    assert_eq!(link["email"], "gl@test.io");
    assert_eq!(link["hashed_token"], auth_devserver::crypto::token_hash("gl@test.io", link["email_otp"].as_str().unwrap()).as_str());
    assert!(link["action_link"].as_str().unwrap().contains("/verify?token="));
    assert_eq!(s.mail_count("gl@test.io").await, 1);
    s.post("/verify", json!({"type": "recovery", "token_hash": link["hashed_token"]})).await.ok();
    s.call(Method::POST, "/admin/generate_link", Some(&key), Some(json!({"type": "recovery", "email": "none@test.io"}))).await.expect(404, "user_not_found");
    s.call(Method::POST, "/admin/generate_link", Some(&key), Some(json!({"type": "bogus", "email": "gl@test.io"}))).await.expect(400, "validation_failed");
}

// ---- test aids --------------------------------------------------------------------------------------

#[tokio::test]
async fn request_log_and_faults() {
    let s = Server::new();
    s.call(Method::DELETE, "/_dev/requests", None, None).await;
    s.post("/_dev/faults", json!({"path": "/token", "query": "grant_type=refresh_token", "status": 503, "body": "<html>down</html>", "count": 2})).await.ok();
    let session = s.signup("fa@test.io").await;
    for _ in 0..2 {
        let reply = s.post("/token?grant_type=refresh_token", json!({"refresh_token": refresh(&session)})).await;
        assert_eq!(reply.status.as_u16(), 503);
        assert_eq!(reply.text, "<html>down</html>");
    }
    s.post("/token?grant_type=refresh_token", json!({"refresh_token": refresh(&session)})).await.ok();
    let log = s.call(Method::GET, "/_dev/requests?path=/token", None, None).await;
    let statuses: Vec<u64> = log.json.as_array().unwrap().iter().map(|r| r["status"].as_u64().unwrap()).collect();
    assert_eq!(statuses, vec![503, 503, 200]);
    // /_dev/ calls are not logged.
    let all = s.call(Method::GET, "/_dev/requests", None, None).await;
    assert!(all.json.as_array().unwrap().iter().all(|r: &Value| !r["path"].as_str().unwrap().starts_with("/_dev/")));
    s.post("/_dev/faults", json!({"path": "/x", "count": 0})).await.expect(400, "validation_failed");
    s.post("/_dev/faults", json!({"path": "/x", "surprise": 1})).await.expect(400, "validation_failed");
}

#[tokio::test]
async fn outbox_last_gives_the_newest_mails_in_order() {
    let s = Server::new();
    s.signup("last@test.io").await;
    let (first, _) = s.recover("last@test.io").await;
    s.advance_clock(61).await;
    let (second, _) = s.recover("last@test.io").await;
    assert_ne!(first, second);
    let codes = |reply: Reply| reply.json.as_array().unwrap().iter().map(|m| m["token"].as_str().unwrap().to_owned()).collect::<Vec<_>>();
    let all = codes(s.call(Method::GET, "/_dev/outbox?email=last@test.io", None, None).await);
    assert_eq!(all, vec![first.clone(), second.clone()]);
    assert_eq!(codes(s.call(Method::GET, "/_dev/outbox?email=last@test.io&last=1", None, None).await), vec![second.clone()]);
    assert_eq!(codes(s.call(Method::GET, "/_dev/outbox?email=last@test.io&last=5", None, None).await), vec![first, second]);
}

#[tokio::test]
async fn outbox_can_be_cleared() {
    let s = Server::new();
    s.signup("ob@test.io").await;
    s.recover("ob@test.io").await;
    assert_eq!(s.mail_count("ob@test.io").await, 1);
    assert_eq!(s.call(Method::DELETE, "/_dev/outbox", None, None).await.status.as_u16(), 204);
    assert_eq!(s.mail_count("ob@test.io").await, 0);
}
