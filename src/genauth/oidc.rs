//! The OIDC token endpoints: a refresh token for new tokens, and revoking one at sign-out.
//! Form-encoded, with the app id as `client_id` (a public client: no secret in a browser).

use super::GenAuth;
use crate::http::HttpRequest;
use crate::wire::{form_body, FORM};

fn form(api: &GenAuth, path: &str, pairs: &[(&str, &str)]) -> HttpRequest {
    let body = form_body(pairs);
    let mut request = api.request("POST", path, None, None);
    request.headers.push(("Content-Type".into(), FORM.into()));
    request.body = Some(body);
    request
}

pub fn refresh(api: &GenAuth, refresh_token: &str) -> HttpRequest {
    form(api, "/oidc/token", &[("client_id", &api.app_id), ("grant_type", "refresh_token"), ("refresh_token", refresh_token)])
}

pub fn revoke(api: &GenAuth, refresh_token: &str) -> HttpRequest {
    form(api, "/oidc/token/revocation", &[("client_id", &api.app_id), ("token", refresh_token)])
}
