//! The Rust API's HTTP: `gloo-net` (what Leptos, Dioxus and Yew apps already carry) with a
//! per-request timeout that aborts the request (`AbortController`), and `gloo-timers` for the
//! core's waits. Never panics: every failure is a `TransportError`.

use gloo_net::http::{Method, RequestBuilder};

use crate::http::{HttpRequest, HttpResponse, Io, TransportError};

/// `fetch` through gloo-net, aborted after `timeout_ms`.
#[derive(Clone, Copy)]
pub struct GlooFetch {
    /// Milliseconds before a request is aborted.
    pub timeout_ms: u32,
    /// The answer headers the platform reads (`Capabilities::response_headers`).
    pub reads: &'static [&'static str],
}

fn method(name: &str) -> Method {
    match name {
        "POST" => Method::POST,
        "PUT" => Method::PUT,
        "PATCH" => Method::PATCH,
        "DELETE" => Method::DELETE,
        _ => Method::GET,
    }
}

impl Io for GlooFetch {
    async fn send(&self, request: &HttpRequest) -> Result<HttpResponse, TransportError> {
        let controller = web_sys::AbortController::new().map_err(|_| TransportError::Network)?;
        let signal = controller.signal();
        let mut builder = RequestBuilder::new(&request.url).method(method(request.method)).abort_signal(Some(&signal));
        for (name, value) in &request.headers {
            builder = builder.header(name, value);
        }
        let built = match &request.body {
            Some(body) => builder.body(body.clone()),
            None => builder.build(),
        }
        .map_err(|_| TransportError::Network)?;
        let timer = gloo_timers::callback::Timeout::new(self.timeout_ms, move || controller.abort());
        let sent = built.send().await;
        let answer = match sent {
            Ok(response) => {
                let values: Vec<String> = self.reads.iter().map(|name| response.headers().get(name).unwrap_or_default()).collect();
                let (status, names, headers) = (response.status(), self.reads, values.join("\0"));
                response.text().await.map(|body| HttpResponse { status, names, headers, body })
            }
            Err(e) => Err(e),
        };
        drop(timer);
        answer.map_err(|_| if signal.aborted() { TransportError::Timeout } else { TransportError::Network })
    }

    async fn sleep(&self, ms: u32) {
        gloo_timers::future::TimeoutFuture::new(ms).await;
    }
}
