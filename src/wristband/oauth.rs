//! The OAuth2 endpoints a signed-in client uses: `POST /oauth2/token` (`grant_type=refresh_token`,
//! naming the client: a public client has no secret), `POST /oauth2/revoke`, and
//! `GET /oauth2/userinfo` (the OIDC user).

use super::Wristband;
use crate::http::HttpRequest;
use crate::wire::{form_body, FORM};

fn form(api: &Wristband, path: &str, pairs: &[(&str, &str)]) -> HttpRequest {
    let mut request = api.request("POST", path, None);
    request.headers.push(("Content-Type".into(), FORM.into()));
    request.body = Some(form_body(pairs));
    request
}

pub fn refresh(api: &Wristband, refresh_token: &str) -> HttpRequest {
    form(api, "/oauth2/token", &[("grant_type", "refresh_token"), ("refresh_token", refresh_token), ("client_id", &api.client_id)])
}

pub fn revoke(api: &Wristband, refresh_token: &str) -> HttpRequest {
    form(api, "/oauth2/revoke", &[("token", refresh_token), ("client_id", &api.client_id)])
}

pub fn userinfo(api: &Wristband, access_token: &str) -> HttpRequest {
    api.request("GET", "/oauth2/userinfo", Some(access_token))
}
