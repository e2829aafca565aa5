//! What a synchronous step of the client needs next: the seam between the decisions (the core
//! and the protocol modules, plain Rust without `async`) and the one driver that performs
//! effects (`js/` in the package; a test's hand in native tests).
//!
//! A [`Need`] is either the result, or an effect together with what to do with its outcome: send
//! this request (then call this with the answer), wait this long, wait for this refresh to land.
//! Operations are written as chains of such steps, so adding a method adds protocol code, not a
//! new state machine; the driver is one loop for every method.

use std::rc::Rc;

use crate::error::Result;
use crate::flight::Flight;
use crate::http::{HttpRequest, HttpResponse, TransportError};
use crate::session::Session;

/// The outcome of sending a request.
pub type Reply = std::result::Result<HttpResponse, TransportError>;

/// A refresh in progress, shared by the callers that wait for it.
pub type RefreshFlight = Rc<Flight<Result<Session>>>;

/// The next thing an operation needs, or its result.
pub enum Need<T> {
    /// Finished.
    Done(Result<T>),
    /// Send the request; continue with the answer.
    Send(HttpRequest, Box<dyn FnOnce(Reply) -> Need<T>>),
    /// Wait this many milliseconds; then continue.
    Sleep(u32, Box<dyn FnOnce() -> Need<T>>),
    /// Wait for a refresh another caller started; continue with its result.
    Wait(RefreshFlight, Box<dyn FnOnce(Result<Session>) -> Need<T>>),
}

impl<T: 'static> Need<T> {
    /// A finished success.
    pub fn ok(value: T) -> Self {
        Need::Done(Ok(value))
    }

    /// A finished failure.
    pub fn err(error: crate::error::AuthError) -> Self {
        Need::Done(Err(error))
    }

    /// Sends `request`, then `then` with the answer.
    pub fn send(request: HttpRequest, then: impl FnOnce(Reply) -> Need<T> + 'static) -> Self {
        Need::Send(request, Box::new(then))
    }

    /// Continues with `next` once this succeeded; a failure ends the chain.
    pub fn and_then<U: 'static>(self, next: impl FnOnce(T) -> Need<U> + 'static) -> Need<U> {
        self.then(move |result| match result {
            Ok(value) => next(value),
            Err(error) => Need::Done(Err(error)),
        })
    }

    /// Continues with `next` once this finished, success or failure.
    #[inline]
    pub fn then<U: 'static>(self, next: impl FnOnce(Result<T>) -> Need<U> + 'static) -> Need<U> {
        self.then_boxed(Box::new(next))
    }

    /// [`Self::then`] with the continuation already boxed: one copy of this per pair of types,
    /// not one per call site (this code ships in the wasm).
    fn then_boxed<U: 'static>(self, next: Box<dyn FnOnce(Result<T>) -> Need<U>>) -> Need<U> {
        match self {
            Need::Done(result) => next(result),
            Need::Send(request, k) => Need::Send(request, Box::new(move |reply| k(reply).then_boxed(next))),
            Need::Sleep(ms, k) => Need::Sleep(ms, Box::new(move || k().then_boxed(next))),
            Need::Wait(flight, k) => Need::Wait(flight, Box::new(move |landed| k(landed).then_boxed(next))),
        }
    }

    /// The same chain, with `stamp` applied to each request as it is sent and `look` shown each
    /// answer before the chain reads it (the core adds the client's own token, adopts session
    /// tokens a server renewed in passing).
    pub fn around(self, stamp: Rc<dyn Fn(&mut HttpRequest)>, look: Rc<dyn Fn(&Reply)>) -> Need<T> {
        match self {
            Need::Done(result) => Need::Done(result),
            Need::Send(mut request, k) => {
                stamp(&mut request);
                Need::Send(
                    request,
                    Box::new(move |reply| {
                        look(&reply);
                        k(reply).around(stamp, look)
                    }),
                )
            }
            Need::Sleep(ms, k) => Need::Sleep(ms, Box::new(move || k().around(stamp, look))),
            Need::Wait(flight, k) => Need::Wait(flight, Box::new(move |landed| k(landed).around(stamp, look))),
        }
    }

    /// The same chain with its result mapped.
    pub fn map<U: 'static>(self, f: impl FnOnce(T) -> U + 'static) -> Need<U> {
        self.and_then(move |value| Need::ok(f(value)))
    }
}

impl<T> From<Result<T>> for Need<T> {
    fn from(result: Result<T>) -> Self {
        Need::Done(result)
    }
}

/// Runs `need` to its end: the one driver, for any runtime with a way to send requests and to
/// sleep. The package's facade and the native tests both use it.
pub async fn drive<T, I: crate::http::Io>(mut need: Need<T>, io: &I) -> Result<T> {
    loop {
        need = match need {
            Need::Done(result) => return result,
            Need::Send(request, k) => k(io.send(&request).await),
            Need::Sleep(ms, k) => {
                io.sleep(ms).await;
                k()
            }
            Need::Wait(flight, k) => k(flight.wait().await),
        };
    }
}

/// Answers the request `need` asks for with `status` and `body`: the request, and what follows.
#[cfg(test)]
pub(crate) fn answer<T>(need: Need<T>, status: u16, body: &str) -> (HttpRequest, Need<T>) {
    let Need::Send(request, k) = need else { panic!("expected a request") };
    (request, k(Ok(crate::http::HttpResponse { status, body: body.into(), ..crate::http::HttpResponse::default() })))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{AuthError, ErrorCode};

    fn request(url: &str) -> HttpRequest {
        HttpRequest { method: "GET", url: url.into(), headers: vec![], body: None }
    }

    /// Answers each request with its URL as the body, synchronously.
    fn run<T>(mut need: Need<T>, log: &mut Vec<String>) -> Result<T> {
        loop {
            need = match need {
                Need::Done(result) => return result,
                Need::Send(r, k) => {
                    log.push(r.url.clone());
                    k(Ok(HttpResponse { status: 200, body: r.url, ..HttpResponse::default() }))
                }
                Need::Sleep(ms, k) => {
                    log.push(format!("sleep {ms}"));
                    k()
                }
                Need::Wait(..) => unreachable!("no flights here"),
            }
        }
    }

    #[test]
    fn steps_chain_in_order_and_failures_stop_the_chain() {
        fn body(reply: Reply) -> Need<String> {
            Need::ok(reply.map(|r| r.body).unwrap_or_default())
        }
        let chain = Need::send(request("/a"), body)
            .and_then(|a| Need::Sleep(5, Box::new(move || Need::ok(a))))
            .and_then(|a| Need::send(request("/b"), body).map(move |b| format!("{a}+{b}")));
        let mut log = Vec::new();
        assert_eq!(run(chain, &mut log).unwrap(), "/a+/b");
        assert_eq!(log, vec!["/a", "sleep 5", "/b"]);

        let failing: Need<String> = Need::send(request("/a"), |_| Need::err(AuthError::new(ErrorCode::ServerError, "x")))
            .and_then(|_: String| Need::send(request("/never"), |_| Need::ok(String::new())));
        let mut log = Vec::new();
        assert_eq!(run(failing, &mut log).unwrap_err().code, ErrorCode::ServerError);
        assert_eq!(log, vec!["/a"]);
    }
}
