//! `Http` over the global `fetch` (browsers, workers, Deno, Bun, Node): every request has a
//! timeout that aborts it through an `AbortController`.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, Headers, Request, RequestInit, Response};

use super::json::{clear_timeout, set_timeout, JsJson};
use crate::http::{Http, HttpRequest, HttpResponse, Json, TransportError};

#[wasm_bindgen]
extern "C" {
    // The global fetch, not `window.fetch`: workers and servers have no window.
    #[wasm_bindgen(catch, js_name = fetch)]
    fn fetch_request(request: &Request) -> Result<js_sys::Promise, JsValue>;
}

/// `fetch` with a per-request timeout.
pub struct Fetch {
    /// Milliseconds before a request is aborted.
    pub timeout_ms: u32,
}

impl Json for Fetch {
    fn parse(&self, text: &str) -> Option<crate::json::JsonValue> {
        JsJson.parse(text)
    }
    fn stringify(&self, value: &crate::json::JsonValue) -> String {
        JsJson.stringify(value)
    }
}

impl Http for Fetch {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let controller = AbortController::new().map_err(|_| TransportError::Network)?;
        let signal = controller.signal();
        let js_request = build(&request, &signal).map_err(|_| TransportError::Network)?;
        let abort = Closure::once(move || controller.abort());
        let timer = set_timeout(abort.as_ref().unchecked_ref(), self.timeout_ms.min(i32::MAX as u32) as i32);
        let result = exchange(&js_request).await;
        clear_timeout(&timer);
        // Dropped only after the timer is cleared, so it can never fire into a freed closure.
        drop(abort);
        result.map_err(|_| if signal.aborted() { TransportError::Timeout } else { TransportError::Network })
    }
}

fn build(request: &HttpRequest, signal: &web_sys::AbortSignal) -> Result<Request, JsValue> {
    let headers = Headers::new()?;
    for (name, value) in &request.headers {
        headers.append(name, value)?;
    }
    let init = RequestInit::new();
    init.set_method(request.method);
    init.set_headers(&headers);
    if let Some(body) = &request.body {
        init.set_body(&JsValue::from_str(body));
    }
    init.set_signal(Some(signal));
    Request::new_with_str_and_init(&request.url, &init)
}

/// The whole answer, body included: a connection dropped mid-body is a network error too.
async fn exchange(request: &Request) -> Result<HttpResponse, JsValue> {
    let response: Response = JsFuture::from(fetch_request(request)?).await?.dyn_into()?;
    let body = JsFuture::from(response.text()?).await?.as_string().unwrap_or_default();
    let headers = response.headers();
    Ok(HttpResponse {
        status: response.status(),
        error_code_header: headers.get("x-sb-error-code").ok().flatten(),
        retry_after_header: headers.get("retry-after").ok().flatten(),
        body,
    })
}
