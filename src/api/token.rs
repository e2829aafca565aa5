//! `POST /token`: password and refresh-token grants (protocol §5.5, §5.6).

use serde::Serialize;

use super::{paths, GoTrue};
use crate::http::{Http, HttpRequest};

#[derive(Serialize)]
struct PasswordBody<'a> {
    email: &'a str,
    password: &'a str,
}

#[derive(Serialize)]
struct RefreshBody<'a> {
    refresh_token: &'a str,
}

pub fn password<H: Http>(api: &GoTrue<H>, email: &str, password: &str) -> HttpRequest {
    api.request("POST", paths::TOKEN_PASSWORD, None, api.json(&PasswordBody { email, password }))
}

#[derive(Serialize)]
struct PkceBody<'a> {
    auth_code: &'a str,
    code_verifier: &'a str,
}

pub fn pkce<H: Http>(api: &GoTrue<H>, auth_code: &str, code_verifier: &str) -> HttpRequest {
    api.request("POST", paths::TOKEN_PKCE, None, api.json(&PkceBody { auth_code, code_verifier }))
}

pub fn refresh<H: Http>(api: &GoTrue<H>, refresh_token: &str) -> HttpRequest {
    api.request("POST", paths::TOKEN_REFRESH, None, api.json(&RefreshBody { refresh_token }))
}

#[cfg(test)]
mod tests {
    use crate::api::tests::gotrue;

    #[test]
    fn grant_type_in_the_query_credentials_in_the_body() {
        let r = super::password(&gotrue(), "a@b.co", "pw");
        assert_eq!(r.url, "http://auth.test/auth/v1/token?grant_type=password");
        assert_eq!(r.body.as_deref(), Some(r#"{"email":"a@b.co","password":"pw"}"#));
        assert!(!format!("{r:?}").contains("pw\""), "Debug must not show the body");
    }
}
