//! The HTTP exchange as plain data, and the traits a runtime implements: its clock and
//! randomness (read by the core), sending requests and sleeping (used by the driver, see
//! `need`). `npm/` and `client/` hold the wasm hosts' sides; tests bring their own.

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

/// The header of how long to wait before asking again, read on every platform.
pub const RETRY_AFTER: &str = "retry-after";

/// What came back.
#[derive(Clone, Default)]
pub struct HttpResponse {
    /// HTTP status.
    pub status: u16,
    /// The headers the platform reads (`Capabilities::response_headers`), the names...
    pub names: &'static [&'static str],
    /// ...and their values in that order, NUL-separated (empty: absent), as the host hands
    /// them over: one string, not a collection, since every byte of parsing ships.
    pub headers: String,
    /// The body text.
    pub body: String,
}

impl HttpResponse {
    /// The value of header `name` (lower case), when the answer carried it.
    pub fn header(&self, name: &str) -> Option<&str> {
        let at = self.names.iter().position(|n| *n == name)?;
        self.headers.split('\0').nth(at).filter(|v| !v.is_empty())
    }

    /// `Retry-After` in whole seconds, when present and a number.
    pub fn retry_after(&self) -> Option<u32> {
        self.header(RETRY_AFTER).and_then(|v| v.trim().parse().ok())
    }

    /// With headers `names` set to `values` (tests and hosts building an answer).
    pub fn with_headers(mut self, names: &'static [&'static str], values: &[&str]) -> Self {
        self.names = names;
        self.headers = values.join("\0");
        self
    }
}

/// Answers carry tokens in bodies and headers: `Debug` shows the body's length and the
/// headers' names, no value.
impl std::fmt::Debug for HttpResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpResponse").field("status", &self.status).field("names", &self.names).field("body_bytes", &self.body.len()).finish()
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
