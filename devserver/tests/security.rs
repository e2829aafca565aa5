//! The devserver runs on a developer's laptop while they browse: other sites must not reach its
//! test aids, guessing codes must not work, and no request may stop it.

mod common;

use std::time::{Duration, Instant};

use auth_devserver::StaticDirs;
use axum::http::Method;
use common::{Server, PASSWORD};
use serde_json::json;

const EVIL: &str = "https://evil.test";

// ---- /_dev/ is for this machine only ---------------------------------------------------------

#[tokio::test]
async fn other_sites_cannot_read_the_outbox() {
    let s = Server::new();
    s.signup("victim@test.io").await;
    s.recover("victim@test.io").await;
    let stolen = s.raw(Method::GET, "/_dev/outbox", &[("origin", EVIL)], "").await;
    stolen.expect(403, "origin_not_allowed");
    assert_eq!(stolen.header("access-control-allow-origin"), None);
    assert!(!stolen.text.contains("victim@test.io"));

    // A preflight from that site gets no permission either.
    let preflight = s
        .raw(Method::OPTIONS, "/_dev/faults", &[("origin", EVIL), ("access-control-request-method", "POST"), ("access-control-request-headers", "content-type")], "")
        .await;
    assert_eq!(preflight.header("access-control-allow-origin"), None);

    // Loopback pages (the test runner, a local app) and the server's own pages may.
    let local = s.raw(Method::GET, "/_dev/outbox", &[("origin", "http://127.0.0.1:8000")], "").await;
    assert_eq!(local.ok().as_array().unwrap().len(), 1);
    assert_eq!(local.header("access-control-allow-origin"), Some("http://127.0.0.1:8000"));
    let own = s.raw(Method::GET, "/_dev/outbox", &[("origin", "http://devbox.test:9999"), ("host", "devbox.test:9999")], "").await;
    // devbox.test is not an allowed Host unless configured: refused before the origin matters.
    own.expect(403, "host_not_allowed");

    // The auth API keeps the Supabase gateway's CORS: any origin.
    let api = s
        .raw(Method::OPTIONS, "/token", &[("origin", EVIL), ("access-control-request-method", "POST"), ("access-control-request-headers", "apikey")], "")
        .await;
    assert_eq!(api.header("access-control-allow-origin"), Some(EVIL));
}

#[tokio::test]
async fn dev_aids_answer_this_machine_only_whatever_the_host_header_says() {
    // With --host 0.0.0.0 any machine on the network can connect and send `Host: localhost`.
    let s = Server::new();
    for peer in ["192.168.1.20:50000", "[fe80::1]:50000", "10.0.0.7:1"] {
        let reply = s.raw_from(peer, Method::GET, "/_dev/outbox", &[("host", "localhost:9999")], "").await;
        reply.expect(403, "peer_not_allowed");
        let fault = s.raw_from(peer, Method::POST, "/_dev/faults", &[("host", "localhost:9999"), ("content-type", "application/json")], json!({"path": "/token"}).to_string()).await;
        fault.expect(403, "peer_not_allowed");
        // The auth API answers the network: that is what binding 0.0.0.0 is for.
        assert_eq!(s.raw_from(peer, Method::GET, "/health", &[("host", "localhost:9999")], "").await.status.as_u16(), 200);
    }
    assert_eq!(s.call(Method::GET, "/_dev/faults", None, None).await.ok(), &json!([]), "nothing was planted");
    for peer in ["127.0.0.1:50000", "[::1]:50000", "[::ffff:127.0.0.1]:50000"] {
        assert_eq!(s.raw_from(peer, Method::GET, "/_dev/outbox", &[], "").await.status.as_u16(), 200, "{peer}");
    }
}

/// The headers of a request a page on another site sends with a key.
fn json_from_evil(authorization: &str) -> [(&str, &str); 3] {
    [("origin", EVIL), ("authorization", authorization), ("content-type", "application/json")]
}

#[tokio::test]
async fn server_key_routes_answer_no_other_site() {
    // The default secret is public: a page can mint its own service_role key (and Wacht's API
    // key), so the routes those keys open must refuse pages of other origins.
    let s = Server::new();
    s.signup("victim@test.io").await;
    let service = format!("Bearer {}", s.service_key());
    let wacht = format!("Bearer {}", auth_devserver::wacht::api_key(&s.state.config));
    for (method, path) in [("GET", "/admin/users"), ("POST", "/admin/generate_link"), ("POST", "/invite"), ("PATCH", "/users/1152921504606846976/password")] {
        let preflight = s
            .raw(Method::OPTIONS, path, &[("origin", EVIL), ("access-control-request-method", method), ("access-control-request-headers", "authorization,content-type")], "")
            .await;
        assert_eq!(preflight.header("access-control-allow-origin"), None, "preflight {path}");
    }
    let list = s.raw(Method::GET, "/admin/users", &json_from_evil(&service), "").await;
    list.expect(403, "origin_not_allowed");
    assert!(!list.text.contains("victim@test.io"));
    let link = s.raw(Method::POST, "/admin/generate_link", &json_from_evil(&service), json!({"type": "recovery", "email": "victim@test.io"}).to_string()).await;
    link.expect(403, "origin_not_allowed");
    assert_eq!(s.mail_count("victim@test.io").await, 0);
    let set = s.raw(Method::PATCH, "/users/1152921504606846976/password", &json_from_evil(&wacht), json!({"new_password": "owned-password-1"}).to_string()).await;
    set.expect(403, "origin_not_allowed");
    // Servers send no Origin; this machine's pages may too (AdminClient's allowInBrowser).
    assert_eq!(s.raw(Method::GET, "/admin/users", &[("authorization", &service)], "").await.status.as_u16(), 200);
    assert_eq!(s.raw(Method::GET, "/admin/users", &[("authorization", &service), ("origin", "http://127.0.0.1:3000")], "").await.status.as_u16(), 200);
    // A user's own routes keep the gateway's CORS.
    assert_eq!(s.sign_in("victim@test.io", PASSWORD).await.status.as_u16(), 200);
}

#[tokio::test]
async fn dev_aids_take_only_json_bodies() {
    let s = Server::new();
    // text/plain is what a cross-site form or fetch can send without a preflight.
    for content_type in ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"] {
        let body = json!({"path": "/token", "status": 500}).to_string();
        let reply = s.raw(Method::POST, "/_dev/faults", &[("content-type", content_type)], body).await;
        reply.expect(415, "unsupported_media_type");
    }
    let reply = s.raw(Method::POST, "/_dev/clock", &[], json!({"seconds": 999}).to_string()).await;
    reply.expect(415, "unsupported_media_type");
    // Nothing was planted, and the clock did not move.
    let faults = s.call(Method::GET, "/_dev/faults", None, None).await;
    assert_eq!(faults.ok(), &json!([]));
    assert_eq!(s.call(Method::GET, "/_dev/clock", None, None).await.json["offset_seconds"], 0);
    // The same body declared as JSON works.
    let ok = s.raw(Method::POST, "/_dev/faults", &[("content-type", "application/json; charset=utf-8")], json!({"path": "/token"}).to_string()).await;
    assert_eq!(ok.status.as_u16(), 201);
}

#[tokio::test]
async fn foreign_host_names_are_refused_dns_rebinding() {
    let s = Server::new();
    for host in ["evil.test:9999", "evil.test", "127.0.0.1.evil.test:9999"] {
        s.raw(Method::GET, "/_dev/outbox", &[("host", host)], "").await.expect(403, "host_not_allowed");
        s.raw(Method::POST, "/token?grant_type=password", &[("host", host)], "{}").await.expect(403, "host_not_allowed");
    }
    for host in ["127.0.0.1:9999", "localhost:9999", "[::1]:9999", "localhost"] {
        assert_eq!(s.raw(Method::GET, "/health", &[("host", host)], "").await.status.as_u16(), 200, "{host}");
    }
    let configured = Server::with(|c| c.allowed_hosts = vec!["devbox.test".into()]);
    assert_eq!(configured.raw(Method::GET, "/health", &[("host", "devbox.test:9999")], "").await.status.as_u16(), 200);
    let own = configured
        .raw(Method::GET, "/_dev/outbox", &[("origin", "http://devbox.test:9999"), ("host", "devbox.test:9999")], "")
        .await;
    assert_eq!(own.status.as_u16(), 200, "same-origin pages may use the aids");
}

#[tokio::test]
async fn faults_never_answer_for_static_files() {
    let www = std::env::temp_dir().join(format!("devserver-www-{}", std::process::id()));
    std::fs::create_dir_all(&www).unwrap();
    std::fs::write(www.join("index.html"), "<h1>the demo</h1>").unwrap();
    let s = Server::serving(StaticDirs { www: Some(www.clone()), pkg: Some(www.clone()) }, |_| {});
    for path in ["/", "/index.html", "/pkg/index.js", "/pkg/*"] {
        let reply = s.post("/_dev/faults", json!({"path": path, "status": 200, "body": "<script>steal()</script>"})).await;
        reply.expect(400, "validation_failed");
    }
    // A catch-all fault still cannot reach them.
    s.post("/_dev/faults", json!({"path": "/*", "status": 200, "body": "<script>steal()</script>", "count": 5})).await;
    let page = s.call(Method::GET, "/", None, None).await;
    assert_eq!(page.text, "<h1>the demo</h1>");
    let module = s.call(Method::GET, "/pkg/index.html", None, None).await;
    assert_eq!(module.text, "<h1>the demo</h1>");
    // ... while the API is faulted as asked.
    assert_eq!(s.call(Method::GET, "/health", None, None).await.text, "<script>steal()</script>");
    std::fs::remove_dir_all(www).ok();
}

#[tokio::test]
async fn dev_aids_can_be_switched_off() {
    let s = Server::with(|c| c.dev_endpoints = false);
    s.signup("off@test.io").await;
    for (method, path) in [(Method::GET, "/_dev/outbox"), (Method::GET, "/_dev/requests"), (Method::POST, "/_dev/clock"), (Method::POST, "/_dev/faults")] {
        let reply = s.call(method.clone(), path, None, Some(json!({"seconds": 1}))).await;
        assert_eq!(reply.status.as_u16(), 404, "{method} {path}");
    }
}

// ---- guessing codes --------------------------------------------------------------------------

/// Six-digit codes other than `real`.
fn wrong_codes(real: &str) -> impl Iterator<Item = String> + '_ {
    (0..).map(|n| format!("{n:06}")).filter(move |c| c != real)
}

#[tokio::test]
async fn a_code_dies_after_a_few_wrong_guesses() {
    let s = Server::new();
    s.signup("guess@test.io").await;
    let (real, _) = s.recover("guess@test.io").await;
    let max = s.state.config.verify_max_failures as usize;
    assert_eq!(max, 5, "the documented default");
    for code in wrong_codes(&real).take(max) {
        s.post("/verify", json!({"type": "recovery", "email": "guess@test.io", "token": code})).await.expect(403, "otp_expired");
    }
    // Even the right code is refused now: a brute force of 10^6 codes gets `max` tries per email.
    s.post("/verify", json!({"type": "recovery", "email": "guess@test.io", "token": real})).await.expect(403, "otp_expired");
    // A new email (after the per-user interval) brings a fresh code and a fresh count.
    s.advance_clock(61).await;
    let (fresh, _) = s.recover("guess@test.io").await;
    for code in wrong_codes(&fresh).take(max - 1) {
        s.post("/verify", json!({"type": "recovery", "email": "guess@test.io", "token": code})).await.expect(403, "otp_expired");
    }
    let session = s.post("/verify", json!({"type": "recovery", "email": "guess@test.io", "token": fresh})).await;
    assert!(session.ok()["access_token"].is_string());
}

#[tokio::test]
async fn wrong_links_run_into_the_per_client_verify_limit() {
    // Links carry sha224(email + code): knowing the email, a guesser can try hashes of every code.
    let s = Server::with(|c| c.rate_limit_verify = 4);
    s.signup("link@test.io").await;
    let (real, hash) = s.recover("link@test.io").await;
    let guess = |code: &str| format!("{:x}", <sha2::Sha224 as sha2::Digest>::digest(format!("link@test.io{code}")));
    assert_eq!(guess(&real), hash, "the devserver's hashes are GoTrue's");
    let mut wrong = wrong_codes(&real).map(|c| guess(&c));
    for _ in 0..2 {
        s.post("/verify", json!({"type": "recovery", "token_hash": wrong.next().unwrap()})).await.expect(403, "otp_expired");
        let link = s.call(Method::GET, &format!("/verify?type=recovery&token={}", wrong.next().unwrap()), None, None).await;
        assert_eq!(link.status.as_u16(), 303);
    }
    // Out of tokens: the right hash is refused too, by link and by POST.
    s.post("/verify", json!({"type": "recovery", "token_hash": hash})).await.expect(429, "over_request_rate_limit");
    s.call(Method::GET, &format!("/verify?type=recovery&token={hash}"), None, None).await.expect(429, "over_request_rate_limit");
    // Four more tries per five minutes: 1152 a day against a million hashes that a code's day
    // of life would need. After 75 s one token is back.
    s.advance_clock(75).await;
    let session = s.post("/verify", json!({"type": "recovery", "token_hash": hash})).await;
    assert!(session.ok()["access_token"].is_string());
}

#[tokio::test]
async fn the_verify_limit_keys_on_the_configured_client_header() {
    let s = Server::with(|c| {
        c.rate_limit_verify = 1;
        c.rate_limit_header = Some("x-real-ip".into());
    });
    let verify = |ip: &'static str| {
        let body = json!({"type": "recovery", "token_hash": "0".repeat(56)}).to_string();
        let s = &s;
        async move { s.raw(Method::POST, "/verify", &[("x-real-ip", ip), ("content-type", "application/json")], body).await }
    };
    verify("10.0.0.1").await.expect(403, "otp_expired");
    verify("10.0.0.1").await.expect(429, "over_request_rate_limit");
    verify("10.0.0.2").await.expect(403, "otp_expired");
}

#[tokio::test]
async fn wrong_passwords_run_into_a_per_client_sign_in_limit() {
    let s = Server::with(|c| c.rate_limit_sign_in = 3);
    s.signup("pw@test.io").await;
    for n in 0..3 {
        s.sign_in("pw@test.io", &format!("wrong-password-{n}")).await.expect(400, "invalid_credentials");
    }
    // The right password too, until the bucket refills (3 per five minutes: one per 100 s).
    s.sign_in("pw@test.io", PASSWORD).await.expect(429, "over_request_rate_limit");
    s.advance_clock(100).await;
    assert_eq!(s.sign_in("pw@test.io", PASSWORD).await.status.as_u16(), 200);
    // Good sign-ins take nothing: a test suite signing in all day is never throttled.
    for _ in 0..10 {
        assert_eq!(s.sign_in("pw@test.io", PASSWORD).await.status.as_u16(), 200);
    }
}

#[tokio::test]
async fn a_burst_of_concurrent_guesses_is_held_to_the_budget() {
    // bcrypt takes a while: checking before and counting after would let a burst all through.
    let s = Server::with(|c| c.rate_limit_sign_in = 3);
    s.signup("burst@test.io").await;
    let attempts = (0..20).map(|n| {
        let s = &s;
        async move { s.sign_in("burst@test.io", &format!("wrong-password-{n}")).await.status.as_u16() }
    });
    let statuses = futures_util::future::join_all(attempts).await;
    assert_eq!(statuses.iter().filter(|&&st| st == 400).count(), 3, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|&&st| st == 429).count(), 17);
}

#[tokio::test]
async fn the_sign_in_budget_is_per_address_on_every_platforms_route() {
    // A page on this machine shares 127.0.0.1 with the developer: spending one address's tries
    // must not lock every account out.
    let s = Server::with(|c| c.rate_limit_sign_in = 2);
    for email in ["ann@test.io", "bob@test.io"] {
        s.signup(email).await;
    }
    s.sign_in("ann@test.io", "wrong-password-1").await.expect(400, "invalid_credentials");
    // Wacht's sign-in and the Wristband stand-in's hosted login count against the same budget.
    let boundary = "----b";
    let body = format!("--{boundary}\r\nContent-Disposition: form-data; name=\"strategy\"\r\n\r\nplain_email\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"email\"\r\n\r\nann@test.io\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"password\"\r\n\r\nwrong-password-2\r\n--{boundary}--\r\n");
    let content_type = format!("multipart/form-data; boundary={boundary}");
    let wacht = s.raw(Method::POST, "/auth/signin", &[("content-type", content_type.as_str())], body).await;
    assert_eq!(wacht.status.as_u16(), 400, "{}", wacht.text);
    let wristband = s.post("/_dev/wristband/login", json!({"email": "ann@test.io", "password": PASSWORD})).await;
    assert_eq!(wristband.status.as_u16(), 429, "ann's budget is spent: {}", wristband.text);
    s.sign_in("ann@test.io", PASSWORD).await.expect(429, "over_request_rate_limit");
    assert_eq!(s.sign_in("bob@test.io", PASSWORD).await.status.as_u16(), 200, "bob is not locked out");
}

#[tokio::test]
async fn the_outbox_keeps_the_newest_mails_only() {
    let s = Server::with(|c| c.outbox_max = 3);
    for n in 0..5 {
        let email = format!("m{n}@test.io");
        s.signup(&email).await;
        s.recover(&email).await;
    }
    let all = s.call(Method::GET, "/_dev/outbox", None, None).await;
    let to: Vec<&str> = all.ok().as_array().unwrap().iter().map(|m| m["to"].as_str().unwrap()).collect();
    assert_eq!(to, ["m2@test.io", "m3@test.io", "m4@test.io"], "the oldest were dropped");
}

// ---- no request ends the server ------------------------------------------------------------

#[tokio::test]
async fn absurd_ban_durations_are_refused_not_fatal() {
    let s = Server::new();
    let key = s.service_key();
    let user = s.call(Method::POST, "/admin/users", Some(&key), Some(json!({"email": "ban@test.io", "password": PASSWORD, "email_confirm": true}))).await;
    let id = user.ok()["id"].as_str().unwrap().to_string();
    for duration in ["inf", "NaN", "99999999999999999999h", "1e400s", "-1h", "9223372036854775807s"] {
        let reply = s.call(Method::PUT, &format!("/admin/users/{id}"), Some(&key), Some(json!({"ban_duration": duration}))).await;
        reply.expect(400, "validation_failed");
        assert_eq!(reply.json["msg"], format!("invalid format for ban duration: {duration}"));
    }
    // The user is not banned and the server still answers.
    assert_eq!(s.sign_in("ban@test.io", PASSWORD).await.status.as_u16(), 200);
    let banned = s.call(Method::PUT, &format!("/admin/users/{id}"), Some(&key), Some(json!({"ban_duration": "1h"}))).await;
    assert!(banned.ok()["banned_until"].is_string());
}

#[tokio::test]
async fn the_clock_cannot_overflow_back_to_1970() {
    let s = Server::new();
    s.signup("clock@test.io").await;
    let (code, _) = s.recover("clock@test.io").await;
    for seconds in [i64::MAX, i64::MAX / 1000 + 1, 100 * 365 * 86_400 + 1i64] {
        s.post("/_dev/clock", json!({"seconds": seconds})).await.expect(400, "validation_failed");
    }
    const NINETY_YEARS: i64 = 90 * 365 * 86_400;
    s.advance_clock(NINETY_YEARS).await;
    s.post("/_dev/clock", json!({"seconds": NINETY_YEARS / 4})).await.expect(400, "validation_failed");
    let clock = s.call(Method::GET, "/_dev/clock", None, None).await;
    assert_eq!(clock.json["offset_seconds"], NINETY_YEARS);
    assert!(clock.json["now"].as_str().unwrap() > "2100", "{}", clock.json);
    // Ninety years on, the code has expired (it would work again had the clock wrapped).
    s.post("/verify", json!({"type": "recovery", "email": "clock@test.io", "token": code})).await.expect(403, "otp_expired");
}

// ---- timing -------------------------------------------------------------------------------

/// Median time of a failing password sign-in.
async fn median_sign_in(s: &Server, email: &str) -> Duration {
    let mut times: Vec<Duration> = Vec::new();
    for _ in 0..5 {
        let started = Instant::now();
        s.sign_in(email, "wrong-password-9").await.expect(400, "invalid_credentials");
        times.push(started.elapsed());
    }
    times.sort();
    times[2]
}

#[tokio::test]
async fn unknown_emails_cost_the_same_bcrypt_work_as_known_ones() {
    // GoTrue's default cost, so that the hash dominates; compared with each other, not a clock.
    let s = Server::with(|c| c.bcrypt_cost = 10);
    s.signup("known@test.io").await;
    let known = median_sign_in(&s, "known@test.io").await;
    let unknown = median_sign_in(&s, "nobody@test.io").await;
    assert!(unknown * 2 > known, "unknown {unknown:?} vs known {known:?}: the difference tells which accounts exist");
}

// ---- the process ------------------------------------------------------------------------------

#[test]
fn the_public_default_secret_never_leaves_loopback() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_auth-devserver"))
        .args(["--host", "0.0.0.0", "--port", "0"])
        .env_remove("GOTRUE_JWT_SECRET")
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("refusing to listen on 0.0.0.0") && stderr.contains("GOTRUE_JWT_SECRET"), "{stderr}");
    assert!(!String::from_utf8_lossy(&output.stdout).contains("listening on"));
}

#[test]
fn start_up_says_when_the_default_secret_is_in_use() {
    use std::io::BufRead;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_auth-devserver"))
        .args(["--port", "0"])
        .env_remove("GOTRUE_JWT_SECRET")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let lines: Vec<String> = std::io::BufReader::new(child.stdout.take().unwrap())
        .lines()
        .map_while(Result::ok)
        .take_while(|l| !l.starts_with("listening on"))
        .collect();
    child.kill().ok();
    child.wait().ok();
    assert!(lines.iter().any(|l| l.contains("public default secret")), "{lines:?}");
}

