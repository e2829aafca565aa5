//! Wristband as a platform: the password lifecycle of its Workflow and OAuth2 APIs on the
//! application's vanity domain (`https://<app>.us.wristband.dev/api/v1`). One file per endpoint
//! family.
//!
//! How it differs from GoTrue's: users sign in through Wristband's hosted login page (OIDC), never
//! with a password sent by the client, so the app hands the tokens over with `set_session`. The
//! reset email is sent by that page too (no public API sends it). What the email brings back is
//! one of three credential forms — `emailAuthCode` (verification link), `passwordResetCode` (a
//! generated reset link) or `requestCode` + `verificationCode` (one-time code) — checked for shape
//! and held by verifyOtp (Wristband has no call that checks one without spending it), then spent
//! with the new password by `reset-password`, which revokes every session and refresh token of the
//! user: the client ends up signed out and the user signs in again through the hosted login.
//! A signed-in change is `change-password` with the current password, which the server checks.
//! What is confirmed and what is inferred: README, "Wristband".

mod errors;
mod oauth;
mod reset;
mod users;

use crate::fields::Fields;
use crate::backend::{unsupported, Backend, Capabilities, FromOptions, Credential, PasswordChange, Proof, ResetOptions, SignOutScope, Updated, Verified};
use crate::error::{AuthError, ErrorCode};
use crate::http::HttpRequest;
use crate::json::JsonValue;
use crate::link::{self, RecoveryLink};
use crate::need::Need;
use crate::session::{Session, User};
use crate::wire::{self, unexpected};

/// The names of a reset credential's parts, as `verifyOtp` and the links carry them.
pub const PROOF_PARTS: [&str; 4] = ["emailAuthCode", "passwordResetCode", "requestCode", "verificationCode"];

/// The query names a link may carry them under (Wristband's own links use snake case: inferred).
const LINK_NAMES: [(&str, &str); 4] =
    [("email_auth_code", "emailAuthCode"), ("password_reset_code", "passwordResetCode"), ("request_code", "requestCode"), ("verification_code", "verificationCode")];

/// One Wristband application, reached through its vanity domain.
pub struct Wristband {
    /// `https://<vanity domain>/api/v1`.
    api: String,
    /// The OAuth2 client the tokens were issued to (refresh and revocation name it).
    client_id: String,
    /// Extra headers for every request (a BFF's `authorization` for the workflow APIs).
    headers: Vec<(String, String)>,
}

impl Wristband {
    /// `url` is the application's vanity domain (`https://<app>.us.wristband.dev`) or the devserver.
    pub fn new(url: &str, client_id: &str, headers: Vec<(String, String)>) -> Self {
        Wristband { api: crate::text::cat(&[url.trim_end_matches('/'), "/api/v1"]), client_id: client_id.to_string(), headers }
    }

    /// A client id as Wristband issues them (letters and digits), checked before use.
    pub fn check_client_id(client_id: &str) -> Result<(), AuthError> {
        if client_id.is_empty() || client_id.len() > 128 || !client_id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
            return Err(AuthError::invalid_input("clientId", "must be the Wristband OAuth2 client's id"));
        }
        Ok(())
    }

    fn request(&self, method: &'static str, path: &str, token: Option<&str>) -> HttpRequest {
        let mut headers = self.headers.clone();
        if let Some(token) = token {
            headers.retain(|(name, _)| !name.eq_ignore_ascii_case("authorization"));
            headers.push(("Authorization".into(), crate::text::cat(&["Bearer ", token])));
        }
        HttpRequest { method, url: crate::text::cat(&[&self.api, path]), headers, body: None }
    }

    fn json(&self, path: &str, body: &JsonValue, token: Option<&str>) -> HttpRequest {
        let mut request = self.request("POST", path, token);
        request.headers.push(("Content-Type".into(), "application/json".into()));
        request.body = Some(body.stringify());
        request
    }
}

/// The credential's parts as given: exactly one form, each part a token. Anything else is
/// `invalid_input` here, before any request.
fn credential_form(parts: Vec<(String, String)>) -> Result<Vec<(String, String)>, AuthError> {
    for (name, value) in &parts {
        crate::validate::reset_credential(name, value)?;
    }
    let names: Vec<&str> = parts.iter().map(|(name, _)| name.as_str()).collect();
    match names.as_slice() {
        ["emailAuthCode"] | ["passwordResetCode"] => Ok(parts),
        ["requestCode", "verificationCode"] | ["verificationCode", "requestCode"] => Ok(parts),
        ["requestCode"] => Err(AuthError::invalid_input("verificationCode", "is required with requestCode (the code from the email)")),
        ["verificationCode"] => Err(AuthError::invalid_input("requestCode", "is required with verificationCode")),
        _ => Err(AuthError::invalid_input("emailAuthCode", "give exactly one credential: emailAuthCode, passwordResetCode, or requestCode with verificationCode")),
    }
}

/// The user as the client keeps it: the OIDC userinfo with `id` (Wristband's `sub`) beside it.
fn user_from(info: &JsonValue) -> Option<User> {
    User::from_json_with_id(info, "sub")
}

/// `{ url, clientId, headers? }` — the application's vanity domain and the OAuth2 client the
/// app's tokens come from.
impl FromOptions for Wristband {
    const OPTIONS: &'static [&'static str] = &["clientId", "headers"];

    fn from_options(options: &Fields, url: &str) -> Result<Self, AuthError> {
        let client_id = options.string("clientId")?;
        Wristband::check_client_id(&client_id)?;
        let headers = options.string_record("headers")?;
        Ok(Wristband::new(url, &client_id, headers))
    }
}

impl Backend for Wristband {
    const CAPABILITIES: Capabilities = Capabilities {
        holds_credentials: true,
        skips_password_updated_email: true,
        checks_current_password: true,
        proof_parts: &PROOF_PARTS,
        proof_required: "is required: emailAuthCode, passwordResetCode, or requestCode with verificationCode",
        ..Capabilities::NONE
    };

    /// Wristband sends the reset email from its hosted login page ("Forgot password?") or the
    /// dashboard; no public API does it.
    fn request_password_reset(&self, _email: &str, _redirect_to: Option<&str>, _code_challenge: Option<&str>) -> Need<()> {
        Need::err(unsupported("requestPasswordReset (Wristband's hosted login page sends the reset email)"))
    }

    /// Shape-checked and held: no Wristband call checks a credential without spending it.
    fn verify_recovery(&self, proof: Proof) -> Need<Verified> {
        let Proof::Parts(parts) = proof else {
            return Need::err(AuthError::invalid_input("token", "Wristband's credential has named parts: emailAuthCode, passwordResetCode, or requestCode with verificationCode"));
        };
        match credential_form(parts) {
            Ok(parts) => {
                let secret = JsonValue::Object(parts.into_iter().map(|(k, v)| (k, JsonValue::String(v))).collect()).stringify();
                Need::ok(Verified::Held(Credential::new(secret, None)))
            }
            Err(e) => Need::err(e),
        }
    }

    /// `reset-password` with the held credential and the new password. Wristband then revokes
    /// every session and refresh token of the user: nobody is signed in here afterwards.
    fn complete_recovery(&self, held: Credential, password: &str, options: ResetOptions) -> Need<Option<Session>> {
        let Some(JsonValue::Object(parts)) = JsonValue::parse(&held.secret) else { return Need::err(unexpected(0)) };
        wire::exchange(reset::reset_password(self, parts, password, options), errors::reset).map(|_| None)
    }

    /// Without the credential parts (both spellings) and OAuth's parameters.
    fn clean_link(&self, url: &str) -> String {
        link::without_params(url, &[link::OAUTH_PARAMS, &LINK_NAMES.map(|(snake, _)| snake), &LINK_NAMES.map(|(_, camel)| camel)])
    }

    fn parse_link(&self, url: &str) -> Option<RecoveryLink> {
        let parts: Vec<(String, String)> = LINK_NAMES
            .iter()
            .filter_map(|(snake, camel)| link::param(url, snake).or_else(|| link::param(url, camel)).map(|v| (camel.to_string(), v)))
            .collect();
        (!parts.is_empty()).then_some(RecoveryLink::Parts(parts))
    }

    fn sign_in_with_password(&self, _email: &str, _password: &str) -> Need<Session> {
        Need::err(unsupported("signInWithEmail (Wristband signs in through its hosted login page: pass the tokens to setSession)"))
    }

    fn refresh(&self, session: &Session) -> Need<Session> {
        let (user, old_refresh) = (session.user.clone(), session.refresh_token.clone());
        wire::call(oauth::refresh(self, &session.refresh_token), errors::oauth).and_then(move |tokens| {
            let access = tokens.str_field("access_token").filter(|t| crate::validate::is_token(t)).map(str::to_string);
            // Wristband may keep the refresh token as it was (no rotation): then it stays.
            let refresh = tokens.str_field("refresh_token").filter(|t| crate::validate::is_token(t)).map_or(old_refresh, str::to_string);
            let expires_in = tokens.f64_field("expires_in").filter(|s| s.is_finite() && *s > 0.0);
            Need::Done(match (access, expires_in) {
                (Some(access_token), Some(expires_in)) => {
                    Ok(Session { access_token, refresh_token: refresh, expires_at: expires_in, expires_in, token_type: "bearer".into(), user })
                }
                _ => Err(unexpected(200)),
            })
        })
    }

    fn get_user(&self, session: &Session) -> Need<User> {
        wire::call(oauth::userinfo(self, &session.access_token), errors::oauth).and_then(|info| Need::Done(user_from(&info).ok_or_else(|| unexpected(200))))
    }

    fn token_lifetime(&self, access_token: &str, now: f64) -> Option<f64> {
        crate::jwt::claims(access_token)?.f64_field("exp").map(|exp| exp - now)
    }

    fn update_password(&self, session: &Session, change: PasswordChange<'_>) -> Need<Updated> {
        let Some(current) = change.current_password else {
            return Need::err(AuthError::new(ErrorCode::CurrentPasswordRequired, "Wristband needs the current password to change it"));
        };
        let user = session.user.clone();
        // Wristband revokes every session and refresh token of the user with the change.
        wire::exchange(users::change_password(self, &session.access_token, user.id(), current, change.password), errors::change).map(move |_| Updated::SignedOut(user))
    }

    /// `local` revokes this session's refresh token; Wristband has no client call for others.
    fn sign_out(&self, session: &Session, scope: SignOutScope) -> Need<()> {
        match scope {
            SignOutScope::Local => wire::exchange(oauth::revoke(self, &session.refresh_token), errors::oauth).map(|_| ()),
            other => crate::backend::local_sign_out_only(other),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::need::answer;

    fn app() -> Wristband {
        Wristband::new("https://app.wristband.test/", "client1", vec![])
    }

    fn failed<T>(need: Need<T>) -> AuthError {
        match need {
            Need::Done(Err(e)) => e,
            _ => panic!("not a failure"),
        }
    }

    fn session() -> Session {
        let user = User::from_json(&JsonValue::parse(r#"{"id":"u1","sub":"u1","email":"a@x.io"}"#).unwrap()).unwrap();
        Session { access_token: "at".into(), refresh_token: "rt/1".into(), expires_at: 1.0, expires_in: 1.0, token_type: "bearer".into(), user }
    }

    fn held(parts: &[(&str, &str)]) -> Credential {
        let proof = Proof::Parts(parts.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect());
        match app().verify_recovery(proof) {
            Need::Done(Ok(Verified::Held(c))) => c,
            _ => panic!("not held"),
        }
    }

    #[test]
    fn links_carry_one_of_the_forms_by_name() {
        let parts = |url: &str| match app().parse_link(url) {
            Some(RecoveryLink::Parts(p)) => p,
            _ => vec![],
        };
        assert_eq!(parts("https://app.test/reset?email_auth_code=e1"), vec![("emailAuthCode".to_string(), "e1".to_string())]);
        assert_eq!(parts("https://app.test/reset?passwordResetCode=p%2B1"), vec![("passwordResetCode".to_string(), "p+1".to_string())]);
        assert_eq!(parts("https://app.test/reset#request_code=r1"), vec![("requestCode".to_string(), "r1".to_string())]);
        assert!(app().parse_link("https://app.test/reset?token=x").is_none());
    }

    #[test]
    fn the_reset_spends_the_held_form_and_maps_violations() {
        let (request, done) = answer(app().complete_recovery(held(&[("emailAuthCode", "e1")]), "new-password-1", ResetOptions::default()), 204, "");
        assert_eq!(request.url, "https://app.wristband.test/api/v1/password-reset/reset-password");
        assert_eq!(request.body.as_deref(), Some(r#"{"emailAuthCode":"e1","password":"new-password-1"}"#));
        assert!(matches!(done, Need::Done(Ok(None))));
        let wrong = r#"{"type":"constraint_violations_error","code":"message_body_constraint_violations","message":"Field violations","ticket":"tk-1","violations":{"emailAuthCode":[{"code":"invalid_email_auth_code"}]}}"#;
        let e = failed(answer(app().complete_recovery(held(&[("emailAuthCode", "e1")]), "new-password-1", ResetOptions::default()), 400, wrong).1);
        assert_eq!((e.code, e.server_code.as_deref(), e.request_id.as_deref()), (ErrorCode::InvalidOtp, Some("invalid_email_auth_code"), Some("tk-1")));
        let weak = r#"{"type":"constraint_violations_error","code":"message_body_constraint_violations","ticket":"tk-2","violations":{"password":[{"code":"password_too_short","constraintAttributes":{"min":8}}]}}"#;
        let e = failed(answer(app().complete_recovery(held(&[("passwordResetCode", "p1")]), "abc", ResetOptions::default()), 400, weak).1);
        assert_eq!((e.code, e.reasons.clone()), (ErrorCode::WeakPassword, vec!["length".to_string()]));
        let base = r#"{"type":"base_error","code":"too_many_requests","message":"Slow down","ticket":"tk-3"}"#;
        let e = failed(answer(app().complete_recovery(held(&[("passwordResetCode", "p1")]), "new-password-1", ResetOptions::default()), 429, base).1);
        assert_eq!((e.code, e.request_id.as_deref()), (ErrorCode::RateLimited, Some("tk-3")));
    }

    #[test]
    fn a_change_sends_the_user_id_and_both_passwords_with_the_bearer_token() {
        let none = PasswordChange { password: "new-password-1", current_password: None, nonce: None };
        assert_eq!(failed(app().update_password(&session(), none)).code, ErrorCode::CurrentPasswordRequired);
        let change = PasswordChange { password: "new-password-1", current_password: Some("old-password-1"), nonce: None };
        let wrong = r#"{"type":"constraint_violations_error","code":"message_body_constraint_violations","ticket":"tk-4","violations":{"currentPassword":[{"code":"invalid_password"}]}}"#;
        let (request, result) = answer(app().update_password(&session(), change), 400, wrong);
        assert_eq!(request.url, "https://app.wristband.test/api/v1/change-password");
        assert!(request.headers.contains(&("Authorization".into(), "Bearer at".into())));
        assert_eq!(request.body.as_deref(), Some(r#"{"userId":"u1","currentPassword":"old-password-1","newPassword":"new-password-1"}"#));
        let e = failed(result);
        assert_eq!((e.code, e.request_id.as_deref()), (ErrorCode::InvalidCurrentPassword, Some("tk-4")));
        assert!(!e.message.contains("old-password-1"));
    }

    #[test]
    fn refresh_revoke_and_userinfo_speak_oauth() {
        let (request, done) = answer(app().refresh(&session()), 200, r#"{"access_token":"at2","expires_in":1800,"token_type":"Bearer"}"#);
        assert_eq!(request.body.as_deref(), Some("grant_type=refresh_token&refresh_token=rt%2F1&client_id=client1"));
        assert!(matches!(done, Need::Done(Ok(s)) if s.access_token == "at2" && s.refresh_token == "rt/1"), "kept when not rotated");
        let e = failed(answer(app().refresh(&session()), 400, r#"{"error":"invalid_grant","error_description":"revoked"}"#).1);
        assert_eq!(e.code, ErrorCode::NotAuthenticated);
        let (revoke, _) = answer(app().sign_out(&session(), SignOutScope::Local), 200, "");
        assert_eq!((revoke.url.as_str(), revoke.body.as_deref()), ("https://app.wristband.test/api/v1/oauth2/revoke", Some("token=rt%2F1&client_id=client1")));
        let (info, user) = answer(app().get_user(&session()), 200, r#"{"sub":"u9","email":"z@x.io","email_verified":true}"#);
        assert!(info.url.ends_with("/api/v1/oauth2/userinfo"));
        assert!(matches!(user, Need::Done(Ok(u)) if u.id() == "u9"));
        assert_eq!(failed(app().sign_in_with_password("a@x.io", "pw-1234567")).code, ErrorCode::Unsupported);
        assert_eq!(failed(app().request_password_reset("a@x.io", None, None)).code, ErrorCode::Unsupported);
    }
}
