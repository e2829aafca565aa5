//! The HTTP exchange as plain data, and the traits a runtime implements: its clock and
//! randomness (read by the core), sending requests and sleeping (used by the driver, see
//! `need`). `js/` holds the wasm implementations; tests bring their own.

/// A request to send.
#[derive(Clone, PartialEq)]
pub struct HttpRequest {
    /// `GET`, `POST`, `PUT`.
    pub method: &'static str,
    /// Absolute URL.
    pub url: String,
    /// Header name/value pairs.
    pub headers: Vec<(String, String)>,
    /// JSON text, if any.
    pub body: Option<String>,
}

/// Requests carry credentials in headers and bodies; `Debug` shows neither.
impl std::fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpRequest").field("method", &self.method).field("url", &self.url).finish_non_exhaustive()
    }
}

/// What came back.
#[derive(Clone, Default)]
pub struct HttpResponse {
    /// HTTP status.
    pub status: u16,
    /// `x-sb-error-code`, if present.
    pub error_code_header: Option<String>,
    /// `retry-after`, if present.
    pub retry_after_header: Option<String>,
    /// `x-development-session`, if present: the session token a server renewed while answering
    /// (Wacht's frontend API, outside production).
    pub session_token_header: Option<String>,
    /// The body text.
    pub body: String,
}

/// Answers carry tokens (sessions) in the body: `Debug` shows its length, not its text.
impl std::fmt::Debug for HttpResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpResponse")
            .field("status", &self.status)
            .field("error_code_header", &self.error_code_header)
            .field("retry_after_header", &self.retry_after_header)
            .field("session_token_header", &self.session_token_header.as_ref().map(|_| "<redacted>"))
            .field("body_bytes", &self.body.len())
            .finish()
    }
}

/// Why no response arrived.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransportError {
    /// The request failed before an answer (offline, refused, dropped, blocked).
    Network,
    /// No answer within the timeout; the request was aborted.
    Timeout,
}

/// The host: its clock and randomness, read synchronously by the core.
pub trait Host {
    /// Unix time in seconds.
    fn now(&self) -> f64;
    /// 64 bytes from a cryptographically secure source; `None` when the host has none.
    fn random_bytes(&self) -> Option<[u8; 64]>;
}

/// What the driver needs from a runtime: sending requests and waiting.
#[allow(async_fn_in_trait)]
pub trait Io {
    /// Sends `request` and reads the whole answer.
    async fn send(&self, request: &HttpRequest) -> Result<HttpResponse, TransportError>;
    /// Resolves after `ms` milliseconds.
    async fn sleep(&self, ms: u32);
}
