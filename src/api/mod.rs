//! The GoTrue (Supabase Auth) wire protocol: request bodies, paths, headers, and the decoding
//! of answers and errors. Stateless and synchronous (it builds requests and reads answers; the
//! driver sends them); one module per endpoint family.

pub mod admin;
pub mod errors;
pub mod link;
mod logout;
mod recover;
mod token;
mod user;
mod verify;

use crate::fields::Fields;
use crate::backend::{Backend, Capabilities, FromOptions, PasswordChange, Proof, SignOutScope, Updated, Verified};
use crate::error::AuthError;
use crate::http::{HttpRequest, HttpResponse};
use crate::wire::{self, unexpected};
use crate::json::JsonValue;
use crate::need::Need;
use crate::session::{Session, SessionRecord, User};
use crate::validate;

/// Every path this client calls, relative to the configured URL.
mod paths {
    pub const RECOVER: &str = "/recover";
    pub const VERIFY: &str = "/verify";
    pub const TOKEN_PASSWORD: &str = "/token?grant_type=password";
    pub const TOKEN_REFRESH: &str = "/token?grant_type=refresh_token";
    pub const TOKEN_PKCE: &str = "/token?grant_type=pkce";
    pub const USER: &str = "/user";
    pub const REAUTHENTICATE: &str = "/reauthenticate";
    pub const LOGOUT: &str = "/logout";
}

/// The error-body version we ask for; both are understood anyway.
const API_VERSION: &str = "2024-01-01";

/// A GoTrue server: how to address it. Builds requests and reads answers; sends nothing.
pub struct GoTrue {
    base_url: String,
    /// Sent on every request: `apikey`, the caller's extra headers, the API version.
    common_headers: Vec<(String, String)>,
}

impl GoTrue {
    /// `base_url` is the auth root (`https://<ref>.supabase.co/auth/v1`, or the devserver's URL).
    pub fn new(base_url: &str, api_key: Option<&str>, extra_headers: Vec<(String, String)>) -> Self {
        let mut common_headers = vec![("X-Supabase-Api-Version".to_string(), API_VERSION.to_string())];
        if let Some(key) = api_key {
            // The Supabase gateway wants the key in both places; GoTrue itself ignores it.
            common_headers.push(("apikey".into(), key.into()));
        }
        common_headers.extend(extra_headers);
        GoTrue { base_url: base_url.trim_end_matches('/').to_string(), common_headers }
    }

    pub(crate) fn request(&self, method: &'static str, path: &str, access_token: Option<&str>, body: Option<String>) -> HttpRequest {
        let mut headers = self.common_headers.clone();
        if body.is_some() {
            headers.push(("Content-Type".into(), "application/json;charset=UTF-8".into()));
        }
        if let Some(token) = access_token {
            headers.push(("Authorization".into(), crate::text::cat(&["Bearer ", token])));
        }
        HttpRequest { method, url: crate::text::cat(&[&self.base_url, path]), headers, body }
    }

    pub(crate) fn json(&self, body: &JsonValue) -> Option<String> {
        Some(body.stringify())
    }

    /// Sends `request`; a success's response, or GoTrue's error for it.
    pub(crate) fn exchange(&self, request: HttpRequest) -> Need<HttpResponse> {
        wire::exchange(request, errors::read)
    }

    /// A JSON answer.
    pub(crate) fn call(&self, request: HttpRequest) -> Need<JsonValue> {
        wire::call(request, errors::read)
    }

    /// A token response. Its expiry is placed in the host's clock by the core (`localize`):
    /// the protocol layer keeps no clock.
    fn call_session(&self, request: HttpRequest) -> Need<Session> {
        self.call(request).and_then(|json| Need::Done(SessionRecord::from_json(&json).into_session(0.0).ok_or_else(|| unexpected(200))))
    }

    pub(crate) fn call_user(&self, request: HttpRequest) -> Need<User> {
        self.call(request).and_then(|json| Need::Done(User::from_json(&json).ok_or_else(|| unexpected(200))))
    }

    fn call_unit(&self, request: HttpRequest) -> Need<()> {
        self.exchange(request).map(|_| ())
    }
}

/// `{ url, apiKey?, headers? }`.
impl FromOptions for GoTrue {
    const OPTIONS: &'static [&'static str] = &["apiKey", "headers"];

    fn from_options(options: &Fields, url: &str) -> Result<Self, AuthError> {
        let api_key = options.optional_string("apiKey")?;
        if let Some(key) = &api_key {
            if key.is_empty() {
                return Err(AuthError::invalid_input("apiKey", "must not be empty"));
            }
            validate::header("apiKey", "apikey", key)?;
        }
        let headers = options.string_record("headers")?;
        Ok(GoTrue::new(url, api_key.as_deref(), headers))
    }
}

impl Backend for GoTrue {
    const CAPABILITIES: Capabilities = Capabilities { pkce: true, response_headers: &[crate::http::RETRY_AFTER, errors::ERROR_CODE_HEADER], ..Capabilities::NONE };

    fn parse_link(&self, url: &str) -> Option<crate::link::RecoveryLink> {
        link::parse(url)
    }

    fn clean_link(&self, url: &str) -> String {
        link::clean(url)
    }

    fn request_password_reset(&self, email: &str, redirect_to: Option<&str>, code_challenge: Option<&str>) -> Need<()> {
        self.call_unit(recover::request(self, email, redirect_to, code_challenge))
    }

    /// The 6-digit code with its email, or the link's token hash; both answer a recovery session.
    fn verify_recovery(&self, proof: Proof) -> Need<Verified> {
        let request = match proof {
            Proof::Code { email, code } => {
                let Some(email) = email else {
                    return Need::err(AuthError::invalid_input("email", "is required (no password reset was requested from this client)"));
                };
                match validate::otp("token", &code) {
                    Ok(code) => verify::with_code(self, &email, &code),
                    Err(e) => return Need::err(e),
                }
            }
            Proof::Link(hash) => match validate::token_hash("tokenHash", &hash) {
                Ok(hash) => verify::with_token_hash(self, &hash),
                Err(e) => return Need::err(e),
            },
            Proof::Parts(_) => return Need::err(crate::backend::no_parts()),
        };
        self.call_session(request).map(Verified::Session)
    }

    fn exchange_code(&self, auth_code: &str, code_verifier: &str) -> Need<Session> {
        self.call_session(token::pkce(self, auth_code, code_verifier))
    }

    fn sign_in_with_password(&self, email: &str, password: &str) -> Need<Session> {
        self.call_session(token::password(self, email, password))
    }

    fn refresh(&self, session: &Session) -> Need<Session> {
        self.call_session(token::refresh(self, &session.refresh_token))
    }

    fn get_user(&self, session: &Session) -> Need<User> {
        self.call_user(user::get(self, &session.access_token))
    }

    fn update_password(&self, session: &Session, change: PasswordChange<'_>) -> Need<Updated> {
        self.call_user(user::update_password(self, &session.access_token, change)).map(Updated::User)
    }

    fn reauthenticate(&self, session: &Session) -> Need<()> {
        self.call_unit(user::reauthenticate(self, &session.access_token))
    }

    fn sign_out(&self, session: &Session, scope: SignOutScope) -> Need<()> {
        self.call_unit(logout::request(self, &session.access_token, scope))
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A request body, parsed back for comparison.
    pub fn body(r: &HttpRequest) -> serde_json::Value {
        serde_json::from_str(r.body.as_deref().unwrap()).unwrap()
    }

    pub fn gotrue() -> GoTrue {
        GoTrue::new("http://auth.test/auth/v1/", Some("anon-key"), vec![("X-Client-Info".into(), "demo".into())])
    }

    pub fn header<'a>(r: &'a HttpRequest, name: &str) -> Option<&'a str> {
        r.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    #[test]
    fn common_headers_on_every_request() {
        let r = token::refresh(&gotrue(), "abcdefabcdef");
        assert_eq!(r.url, "http://auth.test/auth/v1/token?grant_type=refresh_token");
        assert_eq!(header(&r, "apikey"), Some("anon-key"));
        assert_eq!(header(&r, "x-supabase-api-version"), Some("2024-01-01"));
        assert_eq!(header(&r, "x-client-info"), Some("demo"));
        assert_eq!(header(&r, "authorization"), None);
    }

    #[test]
    fn malformed_codes_and_hashes_are_refused_before_a_request() {
        for proof in [Proof::Code { email: Some("a@b.co".into()), code: "12345".into() }, Proof::Link("nope".into()), Proof::Code { email: None, code: "123456".into() }] {
            match gotrue().verify_recovery(proof) {
                Need::Done(Err(e)) => assert_eq!(e.code, crate::error::ErrorCode::InvalidInput),
                _ => panic!("a request would be sent"),
            }
        }
    }

    #[test]
    fn an_echoed_secret_is_redacted_from_the_error() {
        let Need::Send(request, k) = gotrue().sign_in_with_password("a@b.co", "hunter2-secret") else { panic!("no request") };
        assert_eq!(request.url, "http://auth.test/auth/v1/token?grant_type=password");
        let echo = r#"{"code":"x","message":"bad password hunter2-secret for anon-key"}"#;
        match k(Ok(HttpResponse { status: 400, body: echo.into(), ..HttpResponse::default() })) {
            Need::Done(Err(e)) => assert_eq!(e.message, "bad password [redacted] for [redacted]"),
            _ => panic!("expected the error"),
        }
    }
}
