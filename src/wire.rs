//! What every protocol module shares: sending a request and checking its answer. Transport
//! failures become `network_error`/`timeout`, a 2xx answer goes on, and any other answer is read
//! by the platform's own error mapping — then stripped of whatever the request carried, because
//! servers and proxies sometimes echo it.

use crate::error::{AuthError, ErrorCode, Result};
use crate::http::{HttpRequest, HttpResponse, TransportError};
use crate::json::JsonValue;
use crate::need::{Need, Reply};

/// `application/x-www-form-urlencoded`, the OIDC token endpoints' body type.
pub const FORM: &str = "application/x-www-form-urlencoded";

/// A platform's reading of a non-2xx answer.
pub type ErrorReader = fn(&HttpResponse) -> AuthError;

/// Sends `request`; the answer if it is a 2xx, else the platform's error for it.
pub fn exchange(request: HttpRequest, read_error: ErrorReader) -> Need<HttpResponse> {
    let secrets = request_secrets(&request);
    Need::send(request, move |reply| Need::Done(check(reply, read_error, &secrets)))
}

/// Sends `request` and parses a 2xx answer as JSON.
pub fn call(request: HttpRequest, read_error: ErrorReader) -> Need<JsonValue> {
    exchange(request, read_error).and_then(|response| Need::Done(JsonValue::parse(&response.body).ok_or_else(|| unexpected(response.status))))
}

fn check(reply: Reply, read_error: ErrorReader, secrets: &[String]) -> Result<HttpResponse> {
    let response = reply.map_err(|e| match e {
        TransportError::Network => AuthError::new(ErrorCode::NetworkError, "The auth server could not be reached"),
        TransportError::Timeout => AuthError::new(ErrorCode::Timeout, "The auth server did not answer in time"),
    })?;
    if (200..300).contains(&response.status) {
        return Ok(response);
    }
    let mut error = read_error(&response);
    error.redact(secrets);
    Err(error)
}

/// What a request carried that must not come back in an error: header values (the API key,
/// the bearer token) and every string in the JSON body, nested ones too (passwords, codes,
/// tokens), or every value of a form or multipart body.
fn request_secrets(request: &HttpRequest) -> Vec<String> {
    let mut secrets: Vec<String> = request.headers.iter().map(|(_, v)| v.strip_prefix("Bearer ").unwrap_or(v).to_string()).collect();
    if let Some(body @ JsonValue::Object(_)) = request.body.as_deref().and_then(JsonValue::parse) {
        strings_in(body, &mut secrets);
    } else if let Some(form) = request.body.as_deref().filter(|_| request.headers.iter().any(|(_, v)| v == FORM)) {
        // A form body (OIDC token endpoints): every value, as sent and decoded.
        for (_, value) in form.split('&').filter_map(|pair| pair.split_once('=')) {
            secrets.push(value.to_string());
            secrets.push(crate::link::decode(value));
        }
    } else if let Some(boundary) = request.headers.iter().find_map(|(_, v)| v.strip_prefix(MULTIPART).and_then(|b| b.strip_prefix("; boundary="))) {
        multipart_values(request.body.as_deref().unwrap_or_default().as_bytes(), boundary.as_bytes(), &mut secrets);
    }
    // Keys in the query too: some platforms put the API key in the URL (not every value: a
    // `grant_type=password` must not redact the word "password" from messages).
    if let Some((_, query)) = request.url.split_once('?') {
        let keyed = query.split('&').filter_map(|pair| pair.split_once('=')).filter(|(k, _)| matches!(*k, "key" | "apikey" | "apiKey" | "token"));
        secrets.extend(keyed.map(|(_, v)| v.to_string()));
    }
    secrets
}

/// Every value of a multipart body [`multipart`] wrote: what follows each part's blank line, up
/// to the next boundary. A byte search: `str` pattern searches would ship core's two-way searcher
/// and its panic formatting in every entry.
fn multipart_values(body: &[u8], boundary: &[u8], out: &mut Vec<String>) {
    let find = |from: usize, needle: &[u8]| body.get(from..).and_then(|rest| rest.windows(needle.len()).position(|w| w == needle)).map(|at| from + at);
    let mut at = 0;
    while let Some(start) = find(at, b"\r\n\r\n").map(|p| p + 4) {
        let end = find(start, boundary).map_or(body.len(), |p| p.saturating_sub(4)).max(start);
        if let Some(value) = body.get(start..end) {
            out.push(String::from_utf8_lossy(value).into_owned());
        }
        at = end + 1;
    }
}

/// Reads a failure a platform reports inside a 2xx answer's body (GenAuth's `statusCode`).
pub type BodyErrorReader = fn(&JsonValue) -> Option<AuthError>;

/// Like [`call`], for platforms that answer HTTP 200 and say in the body whether it worked:
/// such a failure is read by `read_body_error` and redacted like any other.
pub fn call_enveloped(request: HttpRequest, read_error: ErrorReader, read_body_error: BodyErrorReader) -> Need<JsonValue> {
    let secrets = request_secrets(&request);
    Need::send(request, move |reply| {
        let response = match check(reply, read_error, &secrets) {
            Ok(response) => response,
            Err(e) => return Need::err(e),
        };
        let Some(body) = JsonValue::parse(&response.body) else { return Need::err(unexpected(response.status)) };
        match read_body_error(&body) {
            Some(mut error) => {
                error.redact(&secrets);
                Need::err(error)
            }
            None => Need::ok(body),
        }
    })
}

/// Every string in `value`, however deep (GenAuth nests the password in `passwordPayload`).
fn strings_in(value: JsonValue, out: &mut Vec<String>) {
    match value {
        JsonValue::String(s) => out.push(s),
        JsonValue::Object(members) => members.into_iter().for_each(|(_, v)| strings_in(v, out)),
        JsonValue::Array(items) => items.into_iter().for_each(|v| strings_in(v, out)),
        _ => {}
    }
}

/// An answer that could not be understood.
pub fn unexpected(status: u16) -> AuthError {
    let mut e = AuthError::new(ErrorCode::UnexpectedResponse, "The auth server's answer could not be understood");
    e.status = status;
    e
}

/// `multipart/form-data`, the body type of Wacht's SDK (a browser's `FormData`).
pub const MULTIPART: &str = "multipart/form-data";

/// A `multipart/form-data` body of text fields, as a browser sends a `FormData`: the
/// `Content-Type` (with its boundary) and the body. The boundary occurs in no value.
pub fn multipart(fields: &[(&str, &str)]) -> (String, String) {
    let mut boundary = String::from("----wasm-auth-client-form");
    while fields.iter().any(|(_, v)| v.contains(boundary.as_str())) {
        boundary.push('x');
    }
    let mut body = String::new();
    for (name, value) in fields {
        body.push_str(&crate::text::cat(&["--", &boundary, "\r\nContent-Disposition: form-data; name=\"", name, "\"\r\n\r\n", value, "\r\n"]));
    }
    body.push_str(&crate::text::cat(&["--", &boundary, "--\r\n"]));
    (crate::text::cat(&[MULTIPART, "; boundary=", &boundary]), body)
}

/// An `application/x-www-form-urlencoded` body (OAuth token endpoints).
pub fn form_body(pairs: &[(&str, &str)]) -> String {
    pairs.iter().map(|(k, v)| crate::text::cat(&[k, "=", &encode_query_value(v)])).collect::<Vec<_>>().join("&")
}

/// Query-string encoding of one value.
pub fn encode_query_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(b as char),
            _ => {
                out.push('%');
                out.push(char::from(b"0123456789ABCDEF"[usize::from(b >> 4)]));
                out.push(char::from(b"0123456789ABCDEF"[usize::from(b & 0xf)]));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn multipart_bodies_keep_their_values_and_a_boundary_none_of_them_holds() {
        let (content_type, body) = super::multipart(&[("email", "a@b.co"), ("password", "x----wasm-auth-client-formy")]);
        assert_eq!(content_type, "multipart/form-data; boundary=----wasm-auth-client-formx");
        assert!(body.starts_with("------wasm-auth-client-formx\r\nContent-Disposition: form-data; name=\"email\"\r\n\r\na@b.co\r\n"));
        assert!(body.ends_with("------wasm-auth-client-formx--\r\n"));
        let request = crate::http::HttpRequest { method: "POST", url: "https://x.test/a".into(), headers: vec![("Content-Type".into(), content_type)], body: Some(body) };
        let secrets = super::request_secrets(&request);
        assert!(secrets.iter().any(|s| s == "x----wasm-auth-client-formy") && secrets.iter().any(|s| s == "a@b.co"), "{secrets:?}");
    }

    #[test]
    fn query_values_are_escaped() {
        assert_eq!(super::encode_query_value("http://a.b/c?d=e&f é"), "http%3A%2F%2Fa.b%2Fc%3Fd%3De%26f%20%C3%A9");
    }
}
