//! Guards for a server that runs on a developer's laptop while they browse the web: the `Host`
//! check (DNS rebinding), and the rules for `/_dev/` — only loopback or same-origin pages, and
//! only JSON bodies, so that no other site can read the outbox or plant a fault.

use std::net::SocketAddr;

use axum::{
    extract::{ConnectInfo, Request, State},
    http::{header, HeaderMap, HeaderValue, Method, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
};

use crate::config::is_loopback_name;
use crate::error::ApiError;
use crate::state::AppState;

/// Middleware: refuses requests whose `Host` names a host this server does not answer for. A
/// request without `Host` (HTTP/1.0, in-process tests) is not a browser's and passes.
pub async fn host(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if let Some(value) = request.headers().get(header::HOST) {
        let name = value.to_str().map(host_name).unwrap_or("");
        if !state.config.host_allowed(name) {
            return ApiError::new(
                StatusCode::FORBIDDEN,
                "host_not_allowed",
                "This Host is not served (DNS rebinding protection); list it in AUTH_DEVSERVER_ALLOWED_HOSTS to allow it",
            )
            .into_response();
        }
    }
    next.run(request).await
}

/// Middleware for `/_dev/`: only this machine may use the aids — a peer on another address is
/// refused whatever it says its `Host` is (with `--host 0.0.0.0` anyone on the network could
/// send `Host: localhost`) —, pages of other origins are refused (a browser always sends `Origin`
/// on cross-origin requests), and bodies must be declared JSON — a `text/plain` POST needs no
/// CORS preflight, `application/json` does.
pub async fn dev_aids(request: Request, next: Next) -> Response {
    // Requests made in-process (tests) carry no peer address; every socket does.
    if let Some(ConnectInfo(peer)) = request.extensions().get::<ConnectInfo<SocketAddr>>() {
        if !peer.ip().to_canonical().is_loopback() {
            return ApiError::forbidden("peer_not_allowed", "The /_dev/ aids answer only this machine (a loopback peer)").into_response();
        }
    }
    if let Some(origin) = request.headers().get(header::ORIGIN) {
        if !dev_origin_allowed(origin, request.headers()) {
            return ApiError::forbidden("origin_not_allowed", "The /_dev/ aids answer only pages on this server or on loopback addresses")
                .into_response();
        }
    }
    let has_body = matches!(*request.method(), Method::POST | Method::PUT | Method::PATCH);
    if has_body && !is_json(request.headers().get(header::CONTENT_TYPE)) {
        return ApiError::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type", "The /_dev/ aids accept only Content-Type: application/json")
            .into_response();
    }
    next.run(request).await
}

/// Middleware for the routes a server key opens (GoTrue's `/admin/*` and `/invite`, Wacht's
/// backend API): server-to-server calls carry no `Origin`, and a page of another origin is
/// refused — with the public default secret any page could mint the key.
pub async fn server_only(request: Request, next: Next) -> Response {
    if let Some(origin) = request.headers().get(header::ORIGIN) {
        if !dev_origin_allowed(origin, request.headers()) {
            return ApiError::forbidden("origin_not_allowed", "Server-key routes answer servers and this machine's pages only").into_response();
        }
    }
    next.run(request).await
}

/// An origin that may use `/_dev/` and the server-key routes: a loopback page (`http://localhost:3000`, the test runner's
/// `http://127.0.0.1:…`) or this server's own origin.
pub fn dev_origin_allowed(origin: &HeaderValue, headers: &HeaderMap) -> bool {
    let Some(origin) = origin.to_str().ok().and_then(|o| url::Url::parse(o).ok()) else { return false };
    if !matches!(origin.scheme(), "http" | "https") {
        return false;
    }
    let Some(origin_host) = origin.host_str() else { return false };
    if is_loopback_name(origin_host) {
        return true;
    }
    let own = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    let origin_authority = match origin.port() {
        Some(port) => format!("{origin_host}:{port}"),
        None => origin_host.to_string(),
    };
    own.is_some_and(|own| own.eq_ignore_ascii_case(&origin_authority))
}

fn is_json(content_type: Option<&HeaderValue>) -> bool {
    content_type
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|mime| mime.trim().eq_ignore_ascii_case("application/json"))
}

/// `Host` without its port: `[::1]:9999` → `[::1]`, `localhost:9999` → `localhost`.
fn host_name(host: &str) -> &str {
    if host.starts_with('[') {
        return host.find(']').map_or(host, |end| &host[..=end]);
    }
    match host.rsplit_once(':') {
        Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name,
        _ => host,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_names() {
        assert_eq!(host_name("[::1]:9999"), "[::1]");
        assert_eq!(host_name("localhost:9999"), "localhost");
        assert_eq!(host_name("example.test"), "example.test");
    }

    #[test]
    fn dev_origins() {
        let mut headers = HeaderMap::new();
        headers.insert(header::HOST, HeaderValue::from_static("devbox.test:9999"));
        let allowed = |o: &'static str| dev_origin_allowed(&HeaderValue::from_static(o), &headers);
        assert!(allowed("http://127.0.0.1:8000") && allowed("http://localhost:3000") && allowed("http://[::1]:1"));
        assert!(allowed("http://devbox.test:9999"), "same origin");
        assert!(!allowed("https://evil.test") && !allowed("null") && !allowed("http://devbox.test:9998"));
        assert!(!allowed("http://localhost.evil.test"));
    }
}
