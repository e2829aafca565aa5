//! PocketBase as a platform: an auth collection's API (`/api/collections/<collection>/…`). One
//! file per endpoint family.
//!
//! How it differs from GoTrue: a session is one JWT (no separate refresh token), renewed by
//! `auth-refresh` while it is still valid; its expiry is only in its claims. The reset email
//! carries a token the server cannot check without using it, so verifyOtp holds it (after
//! reading its claims: a token that is not a password-reset token is refused there) and
//! updatePassword spends it, then signs in with the new password. A password change needs the
//! old password and revokes every token of the user, so the client signs in again with the new
//! one. Sessions cannot be ended on the server: sign-out is local only.

mod auth;
mod errors;
mod records;
mod reset;

use crate::fields::Fields;
use crate::backend::{local_sign_out_only, unsupported, Backend, Capabilities, FromOptions, Credential, PasswordChange, Proof, ResetOptions, SignOutScope, Updated, Verified};
use crate::error::{AuthError, ErrorCode};
use crate::http::HttpRequest;
use crate::json::JsonValue;
use crate::link::{self, RecoveryLink};
use crate::need::Need;
use crate::session::{Session, User};
use crate::wire::{self, unexpected, ErrorReader};

/// One auth collection of a PocketBase server.
pub struct PocketBase {
    /// `<url>/api/collections/<collection>`.
    collection: String,
}

impl PocketBase {
    /// `url` is the server's address; `collection` the auth collection's name or id (`users`).
    pub fn new(url: &str, collection: &str) -> Self {
        PocketBase { collection: crate::text::cat(&[url.trim_end_matches('/'), "/api/collections/", &wire::encode_query_value(collection)]) }
    }

    /// A collection name as PocketBase allows it (letters, digits, `_`), checked before use.
    pub fn check_collection(name: &str) -> Result<(), AuthError> {
        if name.is_empty() || name.len() > 255 || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
            return Err(AuthError::invalid_input("collection", "must be an auth collection's name (letters, digits, '_')"));
        }
        Ok(())
    }

    /// `<method> <collection>/<path>`, JSON in, with the session's token when there is one
    /// (PocketBase takes it bare in `Authorization`).
    fn request(&self, method: &'static str, path: &str, body: Option<&JsonValue>, token: Option<&str>) -> HttpRequest {
        let mut headers = Vec::with_capacity(2);
        if body.is_some() {
            headers.push(("Content-Type".into(), "application/json".into()));
        }
        if let Some(token) = token {
            headers.push(("Authorization".into(), token.to_string()));
        }
        HttpRequest { method, url: crate::text::cat(&[&self.collection, "/", path]), headers, body: body.map(JsonValue::stringify) }
    }
}

fn call(request: HttpRequest, read_error: ErrorReader) -> Need<JsonValue> {
    wire::call(request, read_error)
}

/// A session from `{ token, record }` (sign-in and `auth-refresh`). The token doubles as the
/// refresh credential; its `exp` claim is the expiry, in the server's clock (no lifetime is
/// sent, so `expires_in` is 0 and the core keeps `expires_at` as is).
fn session_from(answer: &JsonValue) -> Option<Session> {
    let token = answer.str_field("token").filter(|t| crate::validate::is_token(t))?;
    let expires_at = crate::jwt::claims(token)?.f64_field("exp").filter(|e| e.is_finite() && *e > 0.0)?;
    let user = answer.get("record").and_then(User::from_json)?;
    Some(Session { access_token: token.into(), refresh_token: token.into(), expires_at, expires_in: 0.0, token_type: "bearer".into(), user })
}

fn signed_in(answer: JsonValue) -> Need<Session> {
    Need::Done(session_from(&answer).ok_or_else(|| unexpected(200)))
}

/// A reset token's address, if `token` is a PocketBase password-reset token at all (read from
/// its claims; only the server can tell whether it is still good).
fn reset_token_email(token: &str) -> Option<Option<String>> {
    let claims = crate::jwt::claims(token)?;
    (claims.str_field("type") == Some("passwordReset")).then(|| claims.str_field("email").map(str::to_string))
}

/// `{ url, collection = 'users' }`.
impl FromOptions for PocketBase {
    const OPTIONS: &'static [&'static str] = &["collection"];

    fn from_options(options: &Fields, url: &str) -> Result<Self, AuthError> {
        let collection = options.optional_string("collection")?.unwrap_or_else(|| "users".into());
        PocketBase::check_collection(&collection)?;
        Ok(PocketBase::new(url, &collection))
    }
}

impl Backend for PocketBase {
    const CAPABILITIES: Capabilities = Capabilities { holds_credentials: true, checks_current_password: true, ..Capabilities::NONE };

    /// `request-password-reset`: 204 for unknown addresses too.
    fn request_password_reset(&self, email: &str, redirect_to: Option<&str>, code_challenge: Option<&str>) -> Need<()> {
        // The link is the collection's email template's; the server takes no redirect.
        if redirect_to.is_some() {
            return Need::err(unsupported("redirectTo (the link is set in the collection's email template)"));
        }
        // The core asks `supports_pkce()` first: no challenge reaches here.
        let _ = code_challenge;
        wire::exchange(reset::request(self, email), errors::read).map(|_| ())
    }

    /// Held, not checked: PocketBase has no way to check a reset token without spending it.
    /// What is not a reset token at all is `invalid_otp` here, before any request.
    fn verify_recovery(&self, proof: Proof) -> Need<Verified> {
        let (code, given_email) = match proof {
            Proof::Code { email, code } => (code, email),
            Proof::Link(code) => (code, None),
            Proof::Parts(_) => return Need::err(crate::backend::no_parts()),
        };
        if let Err(e) = crate::validate::reset_credential("token", &code) {
            return Need::err(e);
        }
        match reset_token_email(&code) {
            Some(email) => Need::ok(Verified::Held(Credential::new(code, email.or(given_email)))),
            None => Need::err(AuthError::new(ErrorCode::InvalidOtp, "This is not a password reset token from the email")),
        }
    }

    /// `confirm-password-reset`, then a sign-in with the new password.
    fn complete_recovery(&self, held: Credential, password: &str, _: ResetOptions) -> Need<Option<Session>> {
        let Some(email) = held.email.clone() else { return Need::err(unexpected(200)) };
        let sign_in = self.sign_in_with_password(&email, password).map(Some);
        wire::exchange(reset::confirm(self, &held.secret, password), errors::read).and_then(move |_| sign_in)
    }

    /// PocketBase's default link (`…/_/#/auth/confirm-password-reset/<token>`) or an app's own
    /// template link carrying `?token=`.
    fn parse_link(&self, url: &str) -> Option<RecoveryLink> {
        let from_route = url.split_once("/confirm-password-reset/").map(|(_, rest)| rest.split(['?', '#', '/']).next().unwrap_or_default().to_string());
        from_route.filter(|t| !t.is_empty()).or_else(|| link::param(url, "token")).map(RecoveryLink::Credential)
    }

    /// The default link's token is a path segment: the route stays, the token goes.
    fn clean_link(&self, url: &str) -> String {
        const ROUTE: &str = "/confirm-password-reset/";
        let url = match url.split_once(ROUTE) {
            Some((before, rest)) => {
                let after = rest.find(['?', '#', '/']).map_or("", |at| rest.get(at..).unwrap_or_default());
                crate::text::cat(&[before, ROUTE.trim_end_matches('/'), after])
            }
            None => url.to_string(),
        };
        link::without_params(&url, &[link::OAUTH_PARAMS, &["token"]])
    }

    fn sign_in_with_password(&self, email: &str, password: &str) -> Need<Session> {
        call(auth::with_password(self, email, password), errors::sign_in).and_then(signed_in)
    }

    /// `auth-refresh` with the still-valid token; a new token for the same user.
    fn refresh(&self, session: &Session) -> Need<Session> {
        call(auth::refresh(self, &session.access_token), errors::read).and_then(signed_in)
    }

    /// The user's record.
    fn get_user(&self, session: &Session) -> Need<User> {
        call(records::view(self, session.user.id(), &session.access_token), errors::record).and_then(|answer| Need::Done(User::from_json(&answer).ok_or_else(|| unexpected(200))))
    }

    /// `PATCH records/<id>` with the old and new password; that revokes the user's tokens, so
    /// the client signs in again with the new password for the session to go on.
    fn update_password(&self, session: &Session, change: PasswordChange<'_>) -> Need<Updated> {
        let (Some(email), Some(current)) = (session.user.email(), change.current_password) else {
            return Need::err(AuthError::new(ErrorCode::CurrentPasswordRequired, "PocketBase needs the current password to change it"));
        };
        let sign_in = self.sign_in_with_password(email, change.password);
        let update = records::update_password(self, session.user.id(), &session.access_token, current, change.password);
        wire::exchange(update, errors::record).and_then(move |_| sign_in.map(Updated::Session))
    }

    /// Local only: a client cannot end PocketBase sessions on the server.
    fn sign_out(&self, _: &Session, scope: SignOutScope) -> Need<()> {
        local_sign_out_only(scope)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::need::answer;

    fn failed<T>(need: Need<T>) -> AuthError {
        match need {
            Need::Done(Err(e)) => e,
            _ => panic!("not a failure"),
        }
    }

    fn server() -> PocketBase {
        PocketBase::new("http://127.0.0.1:8090/", "users")
    }

    // {"collectionId":"_pb_users_auth_","email":"a@x.io","exp":1796028109,"id":"u1","type":"passwordReset"}
    const RESET: &str = "eyJhbGciOiJIUzI1NiJ9.eyJjb2xsZWN0aW9uSWQiOiJfcGJfdXNlcnNfYXV0aF8iLCJlbWFpbCI6ImFAeC5pbyIsImV4cCI6MTc5NjAyODEwOSwiaWQiOiJ1MSIsInR5cGUiOiJwYXNzd29yZFJlc2V0In0.c2ln";
    // {"exp":1796458315,"id":"u1","type":"auth"}
    const AUTH: &str = "eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjE3OTY0NTgzMTUsImlkIjoidTEiLCJ0eXBlIjoiYXV0aCJ9.c2ln";

    #[test]
    fn a_reset_token_is_held_with_its_address_and_anything_else_refused_before_a_request() {
        match server().verify_recovery(Proof::Code { email: None, code: RESET.into() }) {
            Need::Done(Ok(Verified::Held(c))) => assert_eq!(c.email.as_deref(), Some("a@x.io")),
            _ => panic!("not held"),
        }
        assert_eq!(failed(server().verify_recovery(Proof::Link(AUTH.into()))).code, ErrorCode::InvalidOtp, "a session token is not a reset token");
        assert_eq!(failed(server().verify_recovery(Proof::Link("not-a-jwt".into()))).code, ErrorCode::InvalidOtp);
        assert_eq!(failed(server().verify_recovery(Proof::Link("a b".into()))).code, ErrorCode::InvalidInput);
    }

    #[test]
    fn completing_spends_the_token_then_signs_in() {
        let held = Credential::new(RESET.into(), Some("a@x.io".into()));
        let (confirm, next) = answer(server().complete_recovery(held, "new-password-1", ResetOptions::default()), 204, "");
        assert_eq!(confirm.url, "http://127.0.0.1:8090/api/collections/users/confirm-password-reset");
        assert!(confirm.body.as_deref().unwrap().contains(r#""passwordConfirm":"new-password-1""#));
        let (sign_in, session) = answer(next, 200, &format!(r#"{{"token":"{AUTH}","record":{{"id":"u1","email":"a@x.io"}}}}"#));
        assert_eq!(sign_in.body.as_deref(), Some(r#"{"identity":"a@x.io","password":"new-password-1"}"#));
        let Need::Done(Ok(Some(session))) = session else { panic!("no session") };
        assert_eq!((session.expires_at, session.expires_in, session.user.id()), (1_796_458_315.0, 0.0, "u1"), "expiry from the token's claims");
    }

    #[test]
    fn errors_map_by_field_and_endpoint() {
        let held = || Credential::new(RESET.into(), Some("a@x.io".into()));
        let invalid = r#"{"data":{"token":{"code":"validation_invalid_token","message":"Invalid or expired token."}},"message":"An error occurred while validating the submitted data.","status":400}"#;
        let weak = r#"{"data":{"password":{"code":"validation_length_out_of_range","message":"The length must be between 8 and 255."}},"message":"x","status":400}"#;
        assert_eq!(failed(answer(server().complete_recovery(held(), "x-1234567", ResetOptions::default()), 400, invalid).1).code, ErrorCode::InvalidOtp);
        let e = failed(answer(server().complete_recovery(held(), "abc", ResetOptions::default()), 400, weak).1);
        assert_eq!((e.code, e.reasons.clone()), (ErrorCode::WeakPassword, vec!["length".to_string()]));
        let wrong = r#"{"data":{},"message":"Failed to authenticate.","status":400}"#;
        assert_eq!(failed(answer(server().sign_in_with_password("a@x.io", "nope-1234"), 400, wrong).1).code, ErrorCode::InvalidCredentials);
        let session = Session { access_token: AUTH.into(), refresh_token: AUTH.into(), expires_at: 1.0, expires_in: 0.0, token_type: "bearer".into(), user: User::from_json(&JsonValue::parse(r#"{"id":"u1","email":"a@x.io"}"#).unwrap()).unwrap() };
        let change = PasswordChange { password: "new-password-1", current_password: Some("old-password-1"), nonce: None };
        let old = r#"{"data":{"oldPassword":{"code":"validation_invalid_old_password","message":"Missing or invalid old password."}},"message":"Failed to update record.","status":400}"#;
        let (patch, result) = answer(server().update_password(&session, change), 400, old);
        assert_eq!((patch.method, patch.url.as_str()), ("PATCH", "http://127.0.0.1:8090/api/collections/users/records/u1"));
        assert!(patch.headers.contains(&("Authorization".into(), AUTH.into())), "the bare token");
        assert_eq!(failed(result).code, ErrorCode::InvalidCurrentPassword);
        let gone = r#"{"data":{},"message":"The requested resource wasn't found.","status":404}"#;
        assert_eq!(failed(answer(server().get_user(&session), 404, gone).1).code, ErrorCode::NotAuthenticated, "a revoked token hides the record");
        assert_eq!(failed(answer(server().refresh(&session), 401, r#"{"data":{},"message":"x","status":401}"#).1).code, ErrorCode::NotAuthenticated);
        let limited = failed(answer(server().request_password_reset("a@x.io", None, None), 429, r#"{"data":{},"message":"Too Many Requests.","status":429}"#).1);
        assert_eq!(limited.code, ErrorCode::RateLimited);
        assert_eq!(failed(answer(server().get_user(&session), 502, "<html>bad gateway</html>").1).code, ErrorCode::ServerError);
        let no_current = PasswordChange { password: "new-password-1", current_password: None, nonce: None };
        assert_eq!(failed(server().update_password(&session, no_current)).code, ErrorCode::CurrentPasswordRequired);
    }

    #[test]
    fn links_default_and_custom() {
        let default = format!("http://localhost:8090/_/#/auth/confirm-password-reset/{RESET}");
        assert_eq!(server().parse_link(&default), Some(RecoveryLink::Credential(RESET.into())));
        assert_eq!(server().parse_link(&format!("https://app.test/reset?token={RESET}")), Some(RecoveryLink::Credential(RESET.into())));
        assert_eq!(server().parse_link("https://app.test/plain"), None);
        // The address bar keeps the route, never the token.
        assert_eq!(server().clean_link(&default), "http://localhost:8090/_/#/auth/confirm-password-reset");
        assert_eq!(server().clean_link(&format!("https://app.test/#/confirm-password-reset/{RESET}?tab=2")), "https://app.test/#/confirm-password-reset?tab=2");
        assert_eq!(server().clean_link(&format!("https://app.test/reset?token={RESET}&x=1")), "https://app.test/reset?x=1");
    }

    #[test]
    fn collection_names_are_checked() {
        assert!(PocketBase::check_collection("users").is_ok());
        assert!(PocketBase::check_collection("_pb_users_auth_").is_ok());
        for bad in ["", "users/../x", "a b", "us?ers"] {
            assert!(PocketBase::check_collection(bad).is_err(), "{bad}");
        }
    }
}
