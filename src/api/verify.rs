//! `POST /verify` for recovery: code + email, or the link's token hash (protocol §5.3).

use serde::Serialize;

use super::{paths, GoTrue};
use crate::http::{Http, HttpRequest};

#[derive(Serialize)]
struct CodeBody<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    email: &'a str,
    token: &'a str,
}

#[derive(Serialize)]
struct TokenHashBody<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    token_hash: &'a str,
}

pub fn with_code<H: Http>(api: &GoTrue<H>, email: &str, code: &str) -> HttpRequest {
    api.request("POST", paths::VERIFY, None, api.json(&CodeBody { kind: "recovery", email, token: code }))
}

/// GoTrue refuses anything but `type` beside `token_hash`.
pub fn with_token_hash<H: Http>(api: &GoTrue<H>, token_hash: &str) -> HttpRequest {
    api.request("POST", paths::VERIFY, None, api.json(&TokenHashBody { kind: "recovery", token_hash }))
}

#[cfg(test)]
mod tests {
    use crate::api::tests::gotrue;

    #[test]
    fn bodies() {
        let api = gotrue();
        assert_eq!(super::with_code(&api, "a@b.co", "123456").body.as_deref(), Some(r#"{"type":"recovery","email":"a@b.co","token":"123456"}"#));
        assert_eq!(super::with_token_hash(&api, "abc").body.as_deref(), Some(r#"{"type":"recovery","token_hash":"abc"}"#));
    }
}
