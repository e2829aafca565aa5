//! Development and test aids under `/_dev/`: the mail outbox, the request log, injected faults
//! and the clock. None of this exists in GoTrue; it lets client tests observe and disturb the
//! real server ("no request was sent", "the refresh hit a 503") instead of mocking it.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::{
    body::Body,
    extract::{Request, State},
    http::{HeaderName, HeaderValue, Method, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
    routing::get,
    Json, Router,
};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::db;
use crate::error::{ApiError, ApiResult};
use crate::extract::{JsonBody, Query};
use crate::state::AppState;

/// Kept in memory: the log is bounded so a long demo session cannot grow it without limit.
const REQUEST_LOG_CAPACITY: usize = 10_000;

#[derive(Default)]
pub struct DevAids {
    requests: Mutex<VecDeque<LoggedRequest>>,
    faults: Mutex<Vec<Fault>>,
}

#[derive(Clone, serde::Serialize)]
pub struct LoggedRequest {
    pub method: String,
    pub path: String,
    pub query: String,
    /// 0 when the connection was dropped on purpose (a fault); 499 when the client went away
    /// before the answer (an aborted request).
    pub status: u16,
    pub time: String,
    pub duration_ms: u64,
}

/// One injected fault: applies to the next `count` requests whose path matches.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fault {
    /// Exact path, or a prefix when it ends with `*`.
    pub path: String,
    /// Only this method (any when absent).
    #[serde(default)]
    pub method: Option<String>,
    /// Only when the query string contains this text (e.g. `grant_type=refresh_token`).
    #[serde(default)]
    pub query: Option<String>,
    #[serde(default = "one")]
    pub count: u32,
    /// Answer with this status instead of running the handler.
    #[serde(default)]
    pub status: Option<u16>,
    /// The answer's body (raw text: HTML, truncated JSON, ...).
    #[serde(default)]
    pub body: Option<String>,
    #[serde(default)]
    pub headers: Option<std::collections::BTreeMap<String, String>>,
    /// Wait this long first (then answer as configured, or run the handler).
    #[serde(default)]
    pub delay_ms: Option<u64>,
    /// Close the connection without an answer.
    #[serde(default)]
    pub drop: bool,
}

fn one() -> u32 {
    1
}

impl Fault {
    fn matches(&self, method: &Method, path: &str, query: &str) -> bool {
        let path_ok = match self.path.strip_suffix('*') {
            Some(prefix) => path.starts_with(prefix),
            None => path == self.path,
        };
        path_ok
            && self.method.as_deref().is_none_or(|m| m.eq_ignore_ascii_case(method.as_str()))
            && self.query.as_deref().is_none_or(|q| query.contains(q))
    }
}

impl DevAids {
    fn take_fault(&self, method: &Method, path: &str, query: &str) -> Option<Fault> {
        let mut faults = self.faults.lock().unwrap_or_else(|p| p.into_inner());
        let index = faults.iter().position(|f| f.matches(method, path, query))?;
        let fault = faults[index].clone();
        faults[index].count -= 1;
        if faults[index].count == 0 {
            faults.remove(index);
        }
        Some(fault)
    }

    fn log(&self, entry: LoggedRequest) {
        let mut log = self.requests.lock().unwrap_or_else(|p| p.into_inner());
        if log.len() == REQUEST_LOG_CAPACITY {
            log.pop_front();
        }
        log.push_back(entry);
    }
}

/// Middleware around the GoTrue routes (and nothing else): applies injected faults and records
/// each request.
pub async fn observe(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let path = request.uri().path().to_string();
    let method = request.method().clone();
    let query = request.uri().query().unwrap_or_default().to_string();
    let fault = state.dev.take_fault(&method, &path, &query);
    // Logged when the answer is ready, or — if the client goes away first and this future is
    // dropped — as status 499 ("client closed request"): tests see that a timeout aborted.
    let mut entry = PendingLog {
        state: state.clone(),
        request: Some(LoggedRequest { method: method.to_string(), path, query: redact_query(&query), status: 499, time: String::new(), duration_ms: 0 }),
        started: Instant::now(),
    };
    let response = match fault {
        Some(fault) => apply_fault(fault, request, next).await,
        None => next.run(request).await,
    };
    let dropped = response.extensions().get::<Dropped>().is_some();
    entry.finish(if dropped { 0 } else { response.status().as_u16() });
    response
}

/// A request log entry that is written however the request ends.
struct PendingLog {
    state: AppState,
    request: Option<LoggedRequest>,
    started: Instant,
}

impl PendingLog {
    fn finish(&mut self, status: u16) {
        if let Some(mut entry) = self.request.take() {
            entry.status = status;
            entry.time = db::rfc3339(self.state.now());
            entry.duration_ms = u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX);
            self.state.dev.log(entry);
        }
    }
}

impl Drop for PendingLog {
    fn drop(&mut self) {
        self.finish(499);
    }
}

#[derive(Clone)]
struct Dropped;

/// The log keeps query strings for tests to match on, but never the secrets in them.
fn redact_query(query: &str) -> String {
    // `__dev_session__`: Wacht's development-session token, which newer SDKs send in the query.
    const SECRET_KEYS: [&str; 8] = ["token", "token_hash", "code", "access_token", "refresh_token", "password", "nonce", "__dev_session__"];
    url::form_urlencoded::parse(query.as_bytes())
        .map(|(k, v)| if SECRET_KEYS.contains(&k.as_ref()) { (k, "REDACTED".into()) } else { (k, v) })
        .fold(url::form_urlencoded::Serializer::new(String::new()), |mut out, (k, v)| {
            out.append_pair(&k, &v);
            out
        })
        .finish()
}


async fn apply_fault(fault: Fault, request: Request, next: Next) -> Response {
    if let Some(ms) = fault.delay_ms {
        tokio::time::sleep(Duration::from_millis(ms)).await;
    }
    if fault.drop {
        // A body that fails before its first byte makes hyper abort the connection.
        let failing = futures_util::stream::once(async { Err::<axum::body::Bytes, _>(std::io::Error::other("dropped by /_dev/faults")) });
        let mut response = Response::new(Body::from_stream(failing));
        response.extensions_mut().insert(Dropped);
        return response;
    }
    let Some(status) = fault.status else { return next.run(request).await };
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = (status, fault.body.unwrap_or_default()).into_response();
    let headers = response.headers_mut();
    headers.remove(axum::http::header::CONTENT_TYPE);
    for (name, value) in fault.headers.unwrap_or_default() {
        if let (Ok(name), Ok(value)) = (HeaderName::try_from(name), HeaderValue::try_from(value)) {
            headers.insert(name, value);
        }
    }
    response
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/_dev/outbox", get(outbox_index).delete(outbox_clear))
        .route("/_dev/requests", get(requests_index).delete(requests_clear))
        .route("/_dev/faults", get(faults_index).post(faults_create).delete(faults_clear))
        .route("/_dev/clock", get(clock_show).post(clock_advance))
}

#[derive(Deserialize)]
struct OutboxQuery {
    email: Option<String>,
    /// Only the newest this many (tests read the last code without the whole history).
    last: Option<u32>,
}

async fn outbox_index(State(state): State<AppState>, Query(q): Query<OutboxQuery>) -> ApiResult<Json<Value>> {
    let mails = state.db.tx(|conn| db::list_mail(conn, q.email.as_deref(), q.last))?;
    Ok(Json(json!(mails)))
}

async fn outbox_clear(State(state): State<AppState>) -> ApiResult<StatusCode> {
    state.db.tx(db::clear_mail)?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize)]
struct RequestsQuery {
    path: Option<String>,
}

async fn requests_index(State(state): State<AppState>, Query(q): Query<RequestsQuery>) -> Json<Value> {
    let log = state.dev.requests.lock().unwrap_or_else(|p| p.into_inner());
    let entries: Vec<&LoggedRequest> = log.iter().filter(|r| q.path.as_deref().is_none_or(|p| r.path == p)).collect();
    Json(json!(entries))
}

async fn requests_clear(State(state): State<AppState>) -> StatusCode {
    state.dev.requests.lock().unwrap_or_else(|p| p.into_inner()).clear();
    StatusCode::NO_CONTENT
}

async fn faults_index(State(state): State<AppState>) -> Json<Value> {
    let faults = state.dev.faults.lock().unwrap_or_else(|p| p.into_inner());
    Json(json!(faults.iter().map(|f| json!({"path": f.path, "method": f.method, "query": f.query, "remaining": f.count})).collect::<Vec<_>>()))
}

/// Accepts one fault or a list of them.
async fn faults_create(State(state): State<AppState>, JsonBody(body): JsonBody<Value>) -> ApiResult<StatusCode> {
    let list = if body.is_array() { body } else { Value::Array(vec![body]) };
    let faults: Vec<Fault> = serde_json::from_value(list).map_err(|e| ApiError::validation(format!("invalid fault: {e}")))?;
    if faults.iter().any(|f| f.count == 0 || f.path.is_empty()) {
        return Err(ApiError::validation("invalid fault: path must be set and count at least 1"));
    }
    if faults.iter().any(|f| f.status.is_some_and(|s| StatusCode::from_u16(s).is_err())) {
        return Err(ApiError::validation("invalid fault: status must be a valid HTTP status"));
    }
    if let Some(f) = faults.iter().find(|f| !crate::routes::may_match_api(&f.path)) {
        return Err(ApiError::validation(format!(
            "invalid fault: {} is not an auth API path; static files (/, /pkg/) are never faulted",
            f.path
        )));
    }
    state.dev.faults.lock().unwrap_or_else(|p| p.into_inner()).extend(faults);
    Ok(StatusCode::CREATED)
}

async fn faults_clear(State(state): State<AppState>) -> StatusCode {
    state.dev.faults.lock().unwrap_or_else(|p| p.into_inner()).clear();
    StatusCode::NO_CONTENT
}

async fn clock_show(State(state): State<AppState>) -> Json<Value> {
    Json(json!({"now": db::rfc3339(state.now()), "offset_seconds": state.clock.offset() / 1000}))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ClockAdvance {
    seconds: i64,
}

/// How far the clock may be moved in all: a hundred years covers any expiry worth testing.
const MAX_CLOCK_OFFSET_SECONDS: i64 = 100 * 365 * 86_400;

/// Moves the server's clock forward (never back), so codes, links and tokens expire on demand.
async fn clock_advance(State(state): State<AppState>, JsonBody(body): JsonBody<ClockAdvance>) -> ApiResult<Json<Value>> {
    if body.seconds < 0 {
        return Err(ApiError::validation("the clock only moves forward"));
    }
    let too_far = || ApiError::validation(format!("the clock moves at most {MAX_CLOCK_OFFSET_SECONDS} seconds in all"));
    let ms = body.seconds.checked_mul(1000).ok_or_else(too_far)?;
    let offset = state.clock.advance(ms, MAX_CLOCK_OFFSET_SECONDS * 1000).ok_or_else(too_far)?;
    Ok(Json(json!({"now": db::rfc3339(state.now()), "offset_seconds": offset / 1000})))
}

#[cfg(test)]
mod tests {
    #[test]
    fn secrets_never_reach_the_request_log() {
        assert_eq!(super::redact_query("token=abc&type=recovery"), "token=REDACTED&type=recovery");
        assert_eq!(super::redact_query("grant_type=refresh_token"), "grant_type=refresh_token");
        assert_eq!(super::redact_query("__dev_session__=eyJ.a.b&x=1"), "__dev_session__=REDACTED&x=1");
    }
}
