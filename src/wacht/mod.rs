//! Wacht as a platform: the password lifecycle of its frontend API (the deployment's own host),
//! with bodies as Wacht's SDK sends them (`multipart/form-data`). One file per endpoint family;
//! `admin` is the backend API's password set, for the AdminClient entry.
//!
//! Sessions: outside production, Wacht's frontend API identifies the browser's session by a
//! development-session token, sent in the `X-Development-Session` header and renewed by the
//! server once it has expired — the new one comes back in the answer's `x-development-session`
//! header and the old one stops working. The client keeps that token as the session's access and
//! refresh token, adopts every renewal it sees (`read_answer`), and asks `GET /session` for one
//! when the token is due. (Production deployments keep the session in an HttpOnly cookie instead:
//! not built here; README, "Wacht".)
//!
//! Signed out, the server still gives the browser a session of its own, and its token goes on
//! every request once given (the core's client token): the reset's requests come from one
//! browser session, as with Wacht's SDK.
//!
//! The reset: `POST /auth/forgot-password` with the email sends a one-time code; the same call
//! with email and code answers a reset token, which verifyOtp holds; `POST /auth/reset-password`
//! spends it with the new password and answers a signed-in session. A signed-in change is
//! `POST /me/update-password` with the current password, checked by the server.

pub mod admin;
mod auth;
mod errors;
mod me;
mod session;

use crate::fields::Fields;
use crate::backend::{unsupported, Backend, Capabilities, FromOptions, Noted, Credential, PasswordChange, Proof, ResetOptions, SignOutScope, Updated, Verified};
use crate::error::{AuthError, ErrorCode};
use crate::http::{HttpRequest, HttpResponse};
use crate::json::JsonValue;
use crate::link::RecoveryLink;
use crate::need::Need;
use crate::session::{Session, User};
use crate::wire::{self, unexpected};

/// The header the development-session token travels in, both ways.
const SESSION_HEADER: &str = "X-Development-Session";
/// The same header in an answer: a renewed development session.
const RENEWED_SESSION_HEADER: &str = "x-development-session";

/// A renewed token is adopted only once the old one has expired; the core refreshes a minute
/// before the expiry it is given, so it is given the token's expiry plus that minute.
const RENEW_AFTER_EXPIRY: f64 = 60.0;

/// One Wacht deployment's frontend API.
pub struct Wacht {
    /// `https://<frontend api host>`, without a trailing `/`.
    base: String,
}

impl Wacht {
    /// `url` is the deployment's frontend API (`https://frontend.<your app>`) or the devserver.
    pub fn new(url: &str) -> Self {
        Wacht { base: url.trim_end_matches('/').to_string() }
    }

    /// A multipart POST (no body without fields), with the session's token when there is one.
    fn post(&self, path: &str, fields: &[(&str, &str)], token: Option<&str>) -> HttpRequest {
        let mut request = self.get(path, token);
        request.method = "POST";
        if !fields.is_empty() {
            let (content_type, body) = wire::multipart(fields);
            request.headers.push(("Content-Type".into(), content_type));
            request.body = Some(body);
        }
        request
    }

    fn get(&self, path: &str, token: Option<&str>) -> HttpRequest {
        let headers = token.map(|t| vec![(SESSION_HEADER.to_string(), t.to_string())]).unwrap_or_default();
        HttpRequest { method: "GET", url: crate::text::cat(&[&self.base, path]), headers, body: None }
    }
}

/// `(token, expiry)` of a development-session token: its `exp` claim, a minute late (see
/// [`RENEW_AFTER_EXPIRY`]).
fn token_expiry(token: &str) -> Option<(String, f64)> {
    if !crate::validate::is_token(token) {
        return None;
    }
    let exp = crate::jwt::claims(token)?.f64_field("exp").filter(|e| e.is_finite() && *e > 0.0)?;
    Some((token.to_string(), exp + RENEW_AFTER_EXPIRY))
}

/// The user as the client keeps it: Wacht's `CurrentUser` with `email` (its primary address)
/// beside it.
fn user_from(current: &JsonValue) -> Option<User> {
    let JsonValue::Object(members) = current else { return None };
    let id = match current.get("id")? {
        JsonValue::String(id) if !id.is_empty() => id.clone(),
        // 64-bit ids may come as numbers: kept as their text.
        JsonValue::Number(id) => id.clone(),
        _ => return None,
    };
    let mut fields = vec![("id".to_string(), JsonValue::String(id))];
    if current.get("email").is_none() {
        if let Some(email) = current.get("primary_email_address").and_then(|a| a.str_field("email")) {
            fields.push(("email".into(), JsonValue::string(email)));
        }
    }
    fields.extend(members.iter().filter(|(k, _)| k != "id").cloned());
    User::from_json(&JsonValue::Object(fields))
}

/// A signed-in session from an answer that carries Wacht's `Session` and the token header. A
/// session with no completed sign-in (another step is needed: a second factor, a verification)
/// is not one the client can keep.
fn session_from(response: &HttpResponse, token: Option<&str>) -> Result<Session, AuthError> {
    let body = JsonValue::parse(&response.body).ok_or_else(|| unexpected(response.status))?;
    let data = body.get("data").ok_or_else(|| unexpected(response.status))?;
    let Some(signin) = data.get("active_signin").filter(|s| !matches!(s, JsonValue::Null)) else {
        let step = data.get("signin_attempts").and_then(|a| match a {
            JsonValue::Array(items) => items.last().and_then(|last| last.str_field("current_step")).map(str::to_string),
            _ => None,
        });
        let mut e = AuthError::new(ErrorCode::RequestFailed, crate::text::cat(&["Wacht needs another sign-in step first: ", step.as_deref().unwrap_or("unknown")]));
        e.status = response.status;
        e.server_code = step;
        return Err(e);
    };
    let user = signin.get("user").and_then(user_from).ok_or_else(|| unexpected(response.status))?;
    let header = response.header(RENEWED_SESSION_HEADER);
    let (token, expires_at) = header.or(token).and_then(token_expiry).ok_or_else(|| unexpected(response.status))?;
    Ok(Session { access_token: token.clone(), refresh_token: token, expires_at, expires_in: 0.0, token_type: "bearer".into(), user })
}


/// `{ url }` — the deployment's frontend API.
impl FromOptions for Wacht {
    const OPTIONS: &'static [&'static str] = &[];

    fn from_options(_options: &Fields, url: &str) -> Result<Self, AuthError> {
        Ok(Wacht::new(url))
    }
}

impl Backend for Wacht {
    const CAPABILITIES: Capabilities = Capabilities {
        holds_credentials: true,
        checks_current_password: true,
        renews_tokens_in_answers: true,
        client_token_header: Some(SESSION_HEADER),
        response_headers: &[crate::http::RETRY_AFTER, RENEWED_SESSION_HEADER],
        ..Capabilities::NONE
    };

    /// `forgot-password` with the email: a one-time code is emailed (the same answer for
    /// unknown addresses).
    fn request_password_reset(&self, email: &str, redirect_to: Option<&str>, _code_challenge: Option<&str>) -> Need<()> {
        if redirect_to.is_some() {
            return Need::err(unsupported("redirectTo (Wacht's reset email carries a code, not a link)"));
        }
        wire::exchange(auth::forgot_password(self, email, None), errors::reset).map(|_| ())
    }

    /// `forgot-password` with the email and the code: a reset token, held for the password.
    fn verify_recovery(&self, proof: Proof) -> Need<Verified> {
        let (email, code) = match crate::backend::emailed_code_proof(proof, "Wacht") {
            Ok(proof) => proof,
            Err(e) => return Need::err(e),
        };
        wire::call(auth::forgot_password(self, &email, Some(&code)), errors::reset).and_then(move |answer| {
            match answer.get("data").and_then(|d| d.str_field("token")).filter(|t| crate::validate::is_token(t)) {
                Some(token) => Need::ok(Verified::Held(Credential::new(token.to_string(), Some(email)))),
                None => Need::err(unexpected(200)),
            }
        })
    }

    /// `reset-password`: Wacht answers a signed-in session.
    fn complete_recovery(&self, held: Credential, password: &str, _: ResetOptions) -> Need<Option<Session>> {
        wire::exchange(auth::reset_password(self, &held.secret, password), errors::reset).and_then(|response| Need::Done(session_from(&response, None).map(Some)))
    }

    /// Its emails carry no link: only OAuth's parameters are cleaned.
    fn clean_link(&self, url: &str) -> String {
        crate::link::without_params(url, &[crate::link::OAUTH_PARAMS])
    }

    fn parse_link(&self, _url: &str) -> Option<RecoveryLink> {
        None
    }

    /// `signin` with the `plain_email` strategy; the session token comes in the answer's header.
    fn sign_in_with_password(&self, email: &str, password: &str) -> Need<Session> {
        wire::exchange(auth::sign_in(self, email, password), errors::sign_in).and_then(|response| Need::Done(session_from(&response, None)))
    }

    /// `GET /session` with the token: once it has expired, Wacht renews it in the answer.
    /// Before that (the server's clock says it is still good) it is kept, to be asked about
    /// again shortly.
    fn refresh(&self, session: &Session) -> Need<Session> {
        let old = session.clone();
        wire::exchange(session::current(self, &session.access_token), errors::session).and_then(move |response| {
            if response.header(RENEWED_SESSION_HEADER).is_none_or(|t| t == old.access_token) {
                return Need::ok(Session { expires_at: old.expires_at + 15.0, ..old });
            }
            Need::Done(session_from(&response, None))
        })
    }

    fn get_user(&self, session: &Session) -> Need<User> {
        wire::call(me::current_user(self, &session.access_token), errors::session)
            .and_then(|answer| Need::Done(answer.get("data").and_then(user_from).ok_or_else(|| unexpected(200))))
    }

    /// Its answers' `x-development-session`: the browser's development session, and, on a
    /// request made with the session, its renewal.
    fn read_answer(&self, response: &HttpResponse) -> Noted {
        let header = response.header(RENEWED_SESSION_HEADER);
        Noted { client_token: header.filter(|t| crate::validate::is_token(t)).map(str::to_string), renewed_session: header.and_then(token_expiry) }
    }

    fn token_lifetime(&self, access_token: &str, now: f64) -> Option<f64> {
        token_expiry(access_token).map(|(_, at)| at - RENEW_AFTER_EXPIRY - now)
    }

    fn update_password(&self, session: &Session, change: PasswordChange<'_>) -> Need<Updated> {
        let Some(current) = change.current_password else {
            return Need::err(AuthError::new(ErrorCode::CurrentPasswordRequired, "Wacht needs the current password to change it"));
        };
        let user = session.user.clone();
        wire::exchange(me::update_password(self, &session.access_token, current, change.password), errors::change).map(move |_| Updated::User(user))
    }

    /// `local` ends this session on the server; Wacht's frontend API has no call for others.
    fn sign_out(&self, session: &Session, scope: SignOutScope) -> Need<()> {
        match scope {
            SignOutScope::Local => wire::exchange(session::sign_out(self, &session.access_token), errors::session).map(|_| ()),
            other => crate::backend::local_sign_out_only(other),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::need::answer;

    // {"sid":"s1","exp":1800000000}
    const TOKEN: &str = "eyJhbGciOiJIUzI1NiJ9.eyJzaWQiOiJzMSIsImV4cCI6MTgwMDAwMDAwMH0.c2ln";
    // {"sid":"s1","exp":1800003600}
    const RENEWED: &str = "eyJhbGciOiJIUzI1NiJ9.eyJzaWQiOiJzMSIsImV4cCI6MTgwMDAwMzYwMH0.c2ln";
    const SESSION: &str = r#"{"status":200,"message":"","data":{"id":"s1","active_signin":{"id":"si1","user_id":"7","user":{"id":"7","first_name":"Ann","primary_email_address":{"email":"ann@x.io"}}}},"errors":null}"#;

    fn app() -> Wacht {
        Wacht::new("https://frontend.app.test/")
    }

    fn with_header<T>(need: Need<T>, status: u16, body: &str, token: Option<&str>) -> (HttpRequest, Need<T>) {
        let Need::Send(request, k) = need else { panic!("expected a request") };
        (request, k(Ok({
            let answer = HttpResponse { status, body: body.into(), ..HttpResponse::default() };
            match token {
                Some(token) => answer.with_headers(&[RENEWED_SESSION_HEADER], &[token]),
                None => answer,
            }
        })))
    }

    fn failed<T>(need: Need<T>) -> AuthError {
        match need {
            Need::Done(Err(e)) => e,
            _ => panic!("not a failure"),
        }
    }

    fn field(body: &str, name: &str) -> Option<String> {
        let marker = format!("name=\"{name}\"\r\n\r\n");
        let at = body.find(&marker)? + marker.len();
        body[at..].split("\r\n").next().map(str::to_string)
    }

    fn signed_in() -> Session {
        match with_header(app().sign_in_with_password("ann@x.io", "pw-1234567"), 200, SESSION, Some(TOKEN)).1 {
            Need::Done(Ok(session)) => session,
            _ => panic!("not signed in"),
        }
    }

    #[test]
    fn sign_in_is_multipart_and_the_token_comes_in_the_header() {
        let (request, _) = with_header(app().sign_in_with_password("ann@x.io", "pw-1234567"), 200, SESSION, Some(TOKEN));
        assert_eq!(request.url, "https://frontend.app.test/auth/signin");
        let body = request.body.unwrap();
        assert_eq!((field(&body, "strategy"), field(&body, "email"), field(&body, "password")), (Some("plain_email".into()), Some("ann@x.io".into()), Some("pw-1234567".into())));
        let session = signed_in();
        assert_eq!((session.user.id(), session.user.email(), session.access_token.as_str()), ("7", Some("ann@x.io"), TOKEN));
        assert_eq!(session.expires_at, 1_800_000_060.0, "renewed a minute after it expires");
        let wrong = r#"{"status":400,"message":"","data":null,"errors":[{"code":"INVALID_CREDENTIALS","message":"Incorrect password. Please try again."}]}"#;
        assert_eq!(failed(answer(app().sign_in_with_password("ann@x.io", "pw-1234567"), 400, wrong).1).code, ErrorCode::InvalidCredentials);
        // A sign-in that needs another step is not a session.
        let pending = r#"{"data":{"id":"s1","active_signin":null,"signin_attempts":[{"current_step":"verify_email_otp"}]}}"#;
        let e = failed(with_header(app().sign_in_with_password("ann@x.io", "pw-1234567"), 200, pending, Some(TOKEN)).1);
        assert_eq!((e.code, e.server_code.as_deref()), (ErrorCode::RequestFailed, Some("verify_email_otp")));
    }

    #[test]
    fn the_code_becomes_a_held_reset_token_and_the_reset_signs_in() {
        let (send, _) = answer(app().request_password_reset("ann@x.io", None, None), 200, r#"{"data":{}}"#);
        assert!(field(send.body.as_deref().unwrap(), "otp").is_none());
        assert_eq!(failed(app().verify_recovery(Proof::Code { email: Some("ann@x.io".into()), code: "12a456".into() })).code, ErrorCode::InvalidInput);
        let (verify, held) = answer(app().verify_recovery(Proof::Code { email: Some("ann@x.io".into()), code: "123456".into() }), 200, r#"{"data":{"token":"rt-9"}}"#);
        assert_eq!(field(verify.body.as_deref().unwrap(), "otp").as_deref(), Some("123456"));
        let Need::Done(Ok(Verified::Held(credential))) = held else { panic!("not held") };
        let (reset, done) = with_header(app().complete_recovery(credential, "new-password-1", ResetOptions::default()), 200, SESSION, Some(TOKEN));
        assert_eq!((field(reset.body.as_deref().unwrap(), "token").as_deref(), field(reset.body.as_deref().unwrap(), "password").as_deref()), (Some("rt-9"), Some("new-password-1")));
        assert!(matches!(done, Need::Done(Ok(Some(s))) if s.user.id() == "7"));
        let wrong = r#"{"status":400,"errors":[{"code":"INVALID_CODE","message":"The provided code is invalid."}]}"#;
        assert_eq!(failed(answer(app().verify_recovery(Proof::Code { email: Some("ann@x.io".into()), code: "000000".into() }), 400, wrong).1).code, ErrorCode::InvalidOtp);
        let held = Credential::new("rt-9".into(), Some("ann@x.io".into()));
        let weak = failed(answer(app().complete_recovery(held, "abc", ResetOptions::default()), 400, r#"{"status":400,"message":"Password must be at least 8 characters long","errors":null}"#).1);
        assert_eq!((weak.code, weak.reasons.clone()), (ErrorCode::WeakPassword, vec!["length".to_string()]));
    }

    #[test]
    fn refresh_keeps_a_token_the_server_did_not_renew_and_adopts_a_renewed_one() {
        let session = signed_in();
        let (request, kept) = with_header(app().refresh(&session), 200, SESSION, None);
        assert!(request.url.ends_with("/session") && request.headers.contains(&(SESSION_HEADER.into(), TOKEN.into())));
        assert!(matches!(kept, Need::Done(Ok(ref s)) if s.access_token == TOKEN && s.expires_at == session.expires_at + 15.0), "asked again shortly");
        let renewed = with_header(app().refresh(&session), 200, SESSION, Some(RENEWED)).1;
        assert!(matches!(renewed, Need::Done(Ok(s)) if s.access_token == RENEWED && s.refresh_token == RENEWED));
        let gone = failed(answer(app().refresh(&session), 401, r#"{"status":401,"message":"Invalid session","errors":null}"#).1);
        assert_eq!(gone.code, ErrorCode::NotAuthenticated);
        let response = HttpResponse { status: 200, ..HttpResponse::default() }.with_headers(&[RENEWED_SESSION_HEADER], &[RENEWED]);
        assert_eq!(app().read_answer(&response).renewed_session, Some((RENEWED.to_string(), 1_800_003_660.0)));
        assert_eq!(app().read_answer(&HttpResponse::default().with_headers(&[RENEWED_SESSION_HEADER], &["not a token"])).renewed_session, None);
    }

    #[test]
    fn a_change_sends_both_passwords_and_maps_a_wrong_current_one() {
        let session = signed_in();
        let none = PasswordChange { password: "new-password-1", current_password: None, nonce: None };
        assert_eq!(failed(app().update_password(&session, none)).code, ErrorCode::CurrentPasswordRequired);
        let change = PasswordChange { password: "new-password-1", current_password: Some("old-password-1"), nonce: None };
        let wrong = r#"{"status":400,"errors":[{"code":"INVALID_CREDENTIALS","message":"Incorrect password. Please try again."}]}"#;
        let (request, result) = answer(app().update_password(&session, change), 400, wrong);
        let body = request.body.unwrap();
        assert_eq!((field(&body, "current_password").as_deref(), field(&body, "new_password").as_deref()), (Some("old-password-1"), Some("new-password-1")));
        let e = failed(result);
        assert_eq!(e.code, ErrorCode::InvalidCurrentPassword);
        assert!(!e.message.contains("old-password-1"));
        let (out, _) = answer(app().sign_out(&session, SignOutScope::Local), 200, "{}");
        assert_eq!((out.method, out.body.is_none()), ("POST", true));
        assert_eq!(failed(app().sign_out(&session, SignOutScope::Global)).code, ErrorCode::Unsupported);
    }

    #[test]
    fn the_admin_set_is_a_patch_with_the_key_and_maps_validation_to_weak_password() {
        let admin = admin::WachtAdmin::new("https://api.wacht.test", "sk_test_1").unwrap();
        assert!(admin::WachtAdmin::new("https://api.wacht.test", "bad\nkey").is_err());
        assert_eq!(failed(admin.update_user_password("../x", "new-password-1", false)).code, ErrorCode::InvalidInput);
        let (request, done) = answer(admin.update_user_password("42", "new-password-1", true), 200, "{}");
        assert_eq!((request.method, request.url.as_str()), ("PATCH", "https://api.wacht.test/users/42/password"));
        assert_eq!(request.body.as_deref(), Some(r#"{"new_password":"new-password-1","skip_password_check":true}"#));
        assert!(request.headers.contains(&("Authorization".into(), "Bearer sk_test_1".into())));
        assert!(matches!(done, Need::Done(Ok(()))));
        let refused = r#"{"errors":[{"message":"Validation failed: password: Password must be at least 8 characters long","code":400}]}"#;
        let e = failed(answer(admin.update_user_password("42", "abc", false), 400, refused).1);
        assert_eq!(e.code, ErrorCode::WeakPassword);
        assert!(!format!("{admin:?}").contains("sk_test_1"));
    }
}
