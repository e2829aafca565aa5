//! The GoTrue (Supabase Auth) wire protocol: request bodies, paths, headers, and the decoding
//! of answers and errors. Stateless; one module per endpoint family.

pub mod admin;
mod logout;
mod recover;
mod token;
mod user;
mod verify;

use crate::backend::{Backend, PasswordChange, SignOutScope};
use crate::error::{self, AuthError, ErrorBody, ErrorCode, ErrorResponse, Result};
use crate::json::JsonValue;
use crate::http::{Http, HttpRequest, HttpResponse, TransportError};
use crate::session::{Session, SessionRecord, User};

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

/// A GoTrue server reached through `H`.
pub struct GoTrue<H> {
    http: H,
    base_url: String,
    /// Sent on every request: `apikey`, the caller's extra headers, the API version.
    common_headers: Vec<(String, String)>,
}

impl<H: Http> GoTrue<H> {
    /// `base_url` is the auth root (`https://<ref>.supabase.co/auth/v1`, or the devserver's URL).
    pub fn new(http: H, base_url: &str, api_key: Option<&str>, extra_headers: Vec<(String, String)>) -> Self {
        let mut common_headers = vec![("X-Supabase-Api-Version".to_string(), API_VERSION.to_string())];
        if let Some(key) = api_key {
            // The Supabase gateway wants the key in both places; GoTrue itself ignores it.
            common_headers.push(("apikey".into(), key.into()));
        }
        common_headers.extend(extra_headers);
        GoTrue { http, base_url: base_url.trim_end_matches('/').to_string(), common_headers }
    }

    pub(crate) fn request(&self, method: &'static str, path: &str, access_token: Option<&str>, body: Option<String>) -> HttpRequest {
        let mut headers = self.common_headers.clone();
        if body.is_some() {
            headers.push(("Content-Type".into(), "application/json;charset=UTF-8".into()));
        }
        if let Some(token) = access_token {
            headers.push(("Authorization".into(), format!("Bearer {token}")));
        }
        HttpRequest { method, url: format!("{}{path}", self.base_url), headers, body }
    }

    pub(crate) fn json(&self, body: &JsonValue) -> Option<String> {
        Some(body.stringify())
    }

    /// Sends and checks the status; the body text of a success. An error's text never repeats
    /// a credential of the request (a proxy may echo what it got).
    pub(crate) async fn exchange(&self, request: HttpRequest) -> Result<HttpResponse> {
        let response = self.http.send(&request).await.map_err(|e| match e {
            TransportError::Network => AuthError::new(ErrorCode::NetworkError, "The auth server could not be reached"),
            TransportError::Timeout => AuthError::new(ErrorCode::Timeout, "The auth server did not answer in time"),
        })?;
        if (200..300).contains(&response.status) {
            return Ok(response);
        }
        let mut error = error::from_response(ErrorResponse {
            status: response.status,
            error_code_header: response.error_code_header.as_deref(),
            retry_after_header: response.retry_after_header.as_deref(),
            body: JsonValue::parse(&response.body).map(|v| ErrorBody::from_json(&v)),
        });
        error.redact(&request_secrets(&request));
        Err(error)
    }

    pub(crate) async fn call(&self, request: HttpRequest) -> Result<JsonValue> {
        let response = self.exchange(request).await?;
        JsonValue::parse(&response.body).ok_or_else(|| unexpected(response.status))
    }

    async fn call_session(&self, request: HttpRequest) -> Result<Session> {
        let record = SessionRecord::from_json(&self.call(request).await?);
        // The protocol layer keeps no clock: a session's expiry is placed in the host's clock by
        // the core (`AuthCore::localize`), from `expires_in`.
        record.into_session(0.0).ok_or_else(|| unexpected(200))
    }

    pub(crate) async fn call_user(&self, request: HttpRequest) -> Result<User> {
        User::from_json(&self.call(request).await?).ok_or_else(|| unexpected(200))
    }
}

/// What a request carried that must not come back in an error: header values (the API key,
/// the bearer token) and every string in the JSON body (passwords, codes, tokens).
fn request_secrets(request: &HttpRequest) -> Vec<String> {
    let mut secrets: Vec<String> = request.headers.iter().map(|(_, v)| v.strip_prefix("Bearer ").unwrap_or(v).to_string()).collect();
    if let Some(JsonValue::Object(members)) = request.body.as_deref().and_then(JsonValue::parse) {
        secrets.extend(members.into_iter().filter_map(|(_, v)| match v {
            JsonValue::String(s) => Some(s),
            _ => None,
        }));
    }
    secrets
}

fn unexpected(status: u16) -> AuthError {
    let mut e = AuthError::new(ErrorCode::UnexpectedResponse, "The auth server's answer could not be understood");
    e.status = status;
    e
}

impl<H: Http> Backend for GoTrue<H> {
    async fn request_password_reset(&self, email: &str, redirect_to: Option<&str>, code_challenge: Option<&str>) -> Result<()> {
        let request = recover::request(self, email, redirect_to, code_challenge);
        self.exchange(request).await.map(|_| ())
    }

    async fn exchange_code(&self, auth_code: &str, code_verifier: &str) -> Result<Session> {
        self.call_session(token::pkce(self, auth_code, code_verifier)).await
    }

    async fn verify_recovery_code(&self, email: &str, code: &str) -> Result<Session> {
        self.call_session(verify::with_code(self, email, code)).await
    }

    async fn verify_recovery_token_hash(&self, token_hash: &str) -> Result<Session> {
        self.call_session(verify::with_token_hash(self, token_hash)).await
    }

    async fn sign_in_with_password(&self, email: &str, password: &str) -> Result<Session> {
        self.call_session(token::password(self, email, password)).await
    }

    async fn refresh(&self, refresh_token: &str) -> Result<Session> {
        self.call_session(token::refresh(self, refresh_token)).await
    }

    async fn get_user(&self, access_token: &str) -> Result<User> {
        self.call_user(user::get(self, access_token)).await
    }

    async fn update_password(&self, access_token: &str, change: PasswordChange<'_>) -> Result<User> {
        self.call_user(user::update_password(self, access_token, change)).await
    }

    async fn reauthenticate(&self, access_token: &str) -> Result<()> {
        self.exchange(user::reauthenticate(self, access_token)).await.map(|_| ())
    }

    async fn sign_out(&self, access_token: &str, scope: SignOutScope) -> Result<()> {
        self.exchange(logout::request(self, access_token, scope)).await.map(|_| ())
    }
}

/// Query-string encoding of one value.
fn encode_query_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Builds requests only; sending is not exercised here.
    pub struct Offline;

    impl Http for Offline {
        async fn send(&self, _: &HttpRequest) -> std::result::Result<HttpResponse, TransportError> {
            Err(TransportError::Network)
        }
    }

    /// A request body, parsed back for comparison.
    pub fn body(r: &HttpRequest) -> serde_json::Value {
        serde_json::from_str(r.body.as_deref().unwrap()).unwrap()
    }

    pub fn gotrue() -> GoTrue<Offline> {
        GoTrue::new(Offline, "http://auth.test/auth/v1/", Some("anon-key"), vec![("X-Client-Info".into(), "demo".into())])
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
    fn query_values_are_escaped() {
        assert_eq!(encode_query_value("http://a.b/c?d=e&f"), "http%3A%2F%2Fa.b%2Fc%3Fd%3De%26f");
    }
}
