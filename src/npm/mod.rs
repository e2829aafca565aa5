//! The npm package's boundary: the wasm is a protocol machine that trades strings with one small
//! JavaScript host (`pkg-template/host.js`, shared by every entry), which performs each effect —
//! `fetch` with its timeout, timers, storage, the address bar, listeners, Promises and the
//! `AuthError` objects. Four synchronous exports:
//!
//! - `open(handle, options)`: a client (or admin client) for this build's platform under the
//!   host's handle (unique across entries: several wasm modules share one host); `[1, [storage
//!   keys]]` or `[0, error]`.
//! - `start(handle, task, op, args)`: begins operation `op` as the host's task `task`; answers
//!   effects.
//! - `feed(handle, task, outcome, text)`: the outcome of a task's effect (an answer, a transport
//!   failure, a finished wait); answers effects — that task's next one, and those of tasks that
//!   were waiting for a refresh which has now landed.
//! - `query(handle, what, arg)`: the synchronous calls (the cached user, when to refresh, links,
//!   another tab's record, closing).
//!
//! Effects are a JSON array of `[0, task, method, url, headers, body]` (send), `[1, task, ms]`
//! (wait), `[2, task, result]` (done) and `[3, task, error]` (failed). Continuations stay here,
//! one slot per task; the host keeps each task's Promise. The wasm imports the clock,
//! randomness, the client's storage and the event sink from the host (`host`).

mod host;

#[cfg(not(feature = "rust"))]
pub(crate) use host::random;
#[cfg(feature = "client")]
mod client;
// One boundary per build: an entry's wasm is an AuthClient's or an AdminClient's.
#[cfg(all(not(feature = "client"), any(feature = "admin", feature = "wacht-admin")))]
mod admin;

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;

use crate::error::{AuthError, Result};
use crate::http::{HttpResponse, TransportError};
use crate::json::{push_decimal, write_string, JsonValue};
use crate::need::{Need, RefreshFlight, Reply};
use crate::session::Session;

/// What a task is waiting for, with what comes next.
enum Pending {
    Send(Box<dyn FnOnce(Reply) -> Need<String>>),
    Sleep(Box<dyn FnOnce() -> Need<String>>),
    Wait(RefreshFlight, Box<dyn FnOnce(Result<Session>) -> Need<String>>),
}

/// One client's machine (an `AuthClient` or an `AdminClient`, by build) and its waiting tasks,
/// by the host's task number.
pub(crate) struct Client {
    machine: Machine,
    tasks: RefCell<Vec<(u32, Pending)>>,
    /// The answer headers the platform reads, in the order the host sends their values.
    headers: &'static [&'static str],
}

#[cfg(feature = "client")]
type Machine = Rc<client::Core>;
#[cfg(all(not(feature = "client"), any(feature = "admin", feature = "wacht-admin")))]
type Machine = Rc<admin::Machine>;

thread_local! {
    static CLIENTS: RefCell<Vec<(u32, Rc<Client>)>> = const { RefCell::new(Vec::new()) };
}

/// The client behind `handle`, cloned out so that no borrow of the table is held while it runs
/// (a listener the host calls afterwards may come back in).
fn client(handle: u32) -> Option<Rc<Client>> {
    CLIENTS.with(|c| c.borrow().iter().find(|(h, _)| *h == handle).map(|(_, client)| client.clone()))
}

/// Creates a client from its options (JSON text, the host's `storage`, `timeoutMs` and
/// `autoRefresh` left out: the host handles those).
#[wasm_bindgen]
pub fn open(handle: u32, options: &str) -> String {
    let opened = fields(options, "options").and_then(|fields| {
        #[cfg(feature = "client")]
        let (machine, keys, headers) = client::open(&fields, handle)?;
        #[cfg(all(not(feature = "client"), any(feature = "admin", feature = "wacht-admin")))]
        let (machine, keys, headers) = admin::open(&fields)?;
        let names = JsonValue::Array(headers.iter().map(|h| JsonValue::string(h)).collect());
        let entry = Rc::new(Client { machine, tasks: RefCell::new(Vec::new()), headers });
        CLIENTS.with(|c| {
            let mut clients = c.borrow_mut();
            clients.retain(|(h, _)| *h != handle);
            clients.push((handle, entry));
        });
        Ok((keys, names))
    });
    match opened {
        Ok((keys, names)) => {
            let keys = JsonValue::Array(keys.iter().map(|k| JsonValue::string(k)).collect());
            JsonValue::Array(vec![JsonValue::Number("1".into()), keys, names]).stringify()
        }
        Err(e) => {
            let mut out = String::from("[0,");
            out.push_str(&error_json(&e));
            out.push(']');
            out
        }
    }
}

/// Begins operation `op` with `args` (JSON text) as task `task`; answers its effects.
#[wasm_bindgen]
pub fn start(handle: u32, task: u32, op: u32, args: &str) -> String {
    let Some(client) = client(handle) else { return closed(task) };
    #[cfg(feature = "client")]
    let need = client::start(&client.machine, op, args);
    #[cfg(all(not(feature = "client"), any(feature = "admin", feature = "wacht-admin")))]
    let need = admin::start(&client.machine, op, args);
    let mut out = Effects::default();
    client.advance(task, need, &mut out);
    client.wake_landed(&mut out);
    out.finish()
}

/// The outcome of task `task`'s effect: `outcome` is 0 for a finished wait, 1 for a network
/// failure, 2 for a timeout, else the answer's status, with `text` holding the answer's headers
/// the platform reads and its body, separated by NUL (the headers `open` named, in that order,
/// then the body; an empty header is an absent one).
#[wasm_bindgen]
pub fn feed(handle: u32, task: u32, outcome: u32, text: &str) -> String {
    let Some(client) = client(handle) else { return closed(task) };
    let pending = client.take(task);
    let need = match (pending, outcome) {
        (Some(Pending::Sleep(k)), 0) => k(),
        (Some(Pending::Send(k)), 1) => k(Err(TransportError::Network)),
        (Some(Pending::Send(k)), 2) => k(Err(TransportError::Timeout)),
        (Some(Pending::Send(k)), status) => k(Ok(response(status, text, client.headers))),
        // An outcome for a task that is not waiting for one: the host's mistake, answered as
        // such rather than trusted.
        (Some(other), _) => {
            client.tasks.borrow_mut().push((task, other));
            return String::from("[]");
        }
        (None, _) => return String::from("[]"),
    };
    let mut out = Effects::default();
    client.advance(task, need, &mut out);
    client.wake_landed(&mut out);
    out.finish()
}

/// The synchronous calls; what each answers is the build's (`client`, `admin`).
#[wasm_bindgen]
pub fn query(handle: u32, what: u32, arg: &str) -> String {
    let Some(client) = client(handle) else { return String::new() };
    #[cfg(feature = "client")]
    let answer = client::query(&client.machine, what, arg);
    #[cfg(all(not(feature = "client"), any(feature = "admin", feature = "wacht-admin")))]
    let answer = admin::query(&client.machine, what, arg);
    answer
}

/// Forgets `handle` (the host's `free()`); pending tasks are dropped.
#[wasm_bindgen]
pub fn close(handle: u32) {
    let dropped = CLIENTS.with(|c| {
        let mut clients = c.borrow_mut();
        let at = clients.iter().position(|(h, _)| *h == handle)?;
        Some(clients.swap_remove(at))
    });
    drop(dropped);
}

fn closed(task: u32) -> String {
    let mut out = Effects::default();
    out.failed(task, &AuthError::invalid_input("client", "was freed"));
    out.finish()
}

fn response(status: u32, text: &str, names: &'static [&'static str]) -> HttpResponse {
    // The body starts after the NUL that ends the last header.
    let mut at = 0;
    for _ in 0..names.len() {
        at += text.get(at..).and_then(|rest| rest.find('\0')).map_or(text.len() - at, |i| i + 1);
    }
    let headers = text.get(..at.saturating_sub(1)).unwrap_or_default().to_string();
    HttpResponse { status: status.min(u32::from(u16::MAX)) as u16, names, headers, body: text.get(at..).unwrap_or_default().to_string() }
}

impl Client {
    /// What task `task` waits for, taken out.
    fn take(&self, task: u32) -> Option<Pending> {
        let mut tasks = self.tasks.borrow_mut();
        let at = tasks.iter().position(|(id, _)| *id == task)?;
        Some(tasks.swap_remove(at).1)
    }

    /// Runs `need` until it asks for an effect (kept in the task's slot) or ends.
    fn advance(&self, id: u32, mut need: Need<String>, out: &mut Effects) {
        loop {
            let pending = match need {
                Need::Done(Ok(result)) => return out.done(id, &result),
                Need::Done(Err(error)) => return out.failed(id, &error),
                Need::Send(request, k) => {
                    out.send(id, &request);
                    Pending::Send(k)
                }
                Need::Sleep(ms, k) => {
                    out.sleep(id, ms);
                    Pending::Sleep(k)
                }
                Need::Wait(flight, k) => match flight.wait_now() {
                    Some(landed) => {
                        need = k(landed);
                        continue;
                    }
                    None => Pending::Wait(flight, k),
                },
            };
            self.tasks.borrow_mut().push((id, pending));
            return;
        }
    }

    /// Tasks waiting for a refresh that has landed go on.
    fn wake_landed(&self, out: &mut Effects) {
        loop {
            let landed = {
                let mut tasks = self.tasks.borrow_mut();
                let found = tasks.iter().position(|(_, t)| matches!(t, Pending::Wait(flight, _) if flight.wait_now().is_some()));
                found.and_then(|at| match tasks.swap_remove(at) {
                    (id, Pending::Wait(flight, k)) => flight.wait_now().map(|result| (id, k, result)),
                    _ => None,
                })
            };
            let Some((id, k, result)) = landed else { return };
            self.advance(id, k(result), out);
        }
    }
}

/// The effects answered to the host, as one JSON array.
#[derive(Default)]
struct Effects(String);

impl Effects {
    fn open(&mut self, kind: &str, id: u32) {
        self.0.push(if self.0.is_empty() { '[' } else { ',' });
        self.0.push('[');
        self.0.push_str(kind);
        self.0.push(',');
        push_decimal(&mut self.0, u64::from(id));
        self.0.push(',');
    }

    fn send(&mut self, id: u32, request: &crate::http::HttpRequest) {
        self.open("0", id);
        write_string(request.method, &mut self.0);
        self.0.push(',');
        write_string(&request.url, &mut self.0);
        self.0.push_str(",[");
        for (i, (name, value)) in request.headers.iter().enumerate() {
            if i > 0 {
                self.0.push(',');
            }
            self.0.push('[');
            write_string(name, &mut self.0);
            self.0.push(',');
            write_string(value, &mut self.0);
            self.0.push(']');
        }
        self.0.push_str("],");
        match &request.body {
            Some(body) => write_string(body, &mut self.0),
            None => self.0.push_str("null"),
        }
        self.0.push(']');
    }

    fn sleep(&mut self, id: u32, ms: u32) {
        self.open("1", id);
        push_decimal(&mut self.0, u64::from(ms));
        self.0.push(']');
    }

    fn done(&mut self, id: u32, result: &str) {
        self.open("2", id);
        self.0.push_str(if result.is_empty() { "null" } else { result });
        self.0.push(']');
    }

    fn failed(&mut self, id: u32, error: &AuthError) {
        self.open("3", id);
        self.0.push_str(&error_json(error));
        self.0.push(']');
    }

    fn finish(mut self) -> String {
        if self.0.is_empty() {
            self.0.push('[');
        }
        self.0.push(']');
        self.0
    }
}

/// An `AuthError` as the host builds it: `{code, status, message, reasons?, retryAfter?,
/// serverCode?, requestId?}`.
fn error_json(e: &AuthError) -> String {
    let reasons = (!e.reasons.is_empty()).then(|| JsonValue::Array(e.reasons.iter().map(|r| JsonValue::string(r)).collect()));
    JsonValue::object([
        ("code", Some(JsonValue::string(e.code.as_str()))),
        ("status", Some(JsonValue::number(f64::from(e.status)))),
        ("message", Some(JsonValue::string(&e.message))),
        ("reasons", reasons),
        ("retryAfter", e.retry_after.map(|s| JsonValue::number(f64::from(s)))),
        ("serverCode", e.server_code.as_deref().map(JsonValue::string)),
        ("requestId", e.request_id.as_deref().map(JsonValue::string)),
    ])
    .stringify()
}

/// A request object from the host: JSON text (the host's `JSON.stringify`), read as fields.
fn fields(args: &str, what: &str) -> Result<crate::fields::Fields> {
    let value = JsonValue::parse(args).ok_or_else(|| AuthError::invalid_input(what, "must be plain data"))?;
    crate::fields::Fields::new(value, what)
}
