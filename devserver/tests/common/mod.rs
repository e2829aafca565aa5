//! A devserver driven in-process (`app(state).oneshot(..)`) over an in-memory SQLite.
#![allow(dead_code)]

use auth_devserver::{app, db::Db, AppState, Config, StaticDirs};
use axum::{
    body::Body,
    http::{HeaderMap, Method, Request, StatusCode},
    Router,
};
use http_body_util::BodyExt;
use serde_json::{json, Value};
use tower::ServiceExt;

pub const PASSWORD: &str = "correct-horse-1";

pub struct Server {
    pub state: AppState,
    router: Router,
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub text: String,
    pub json: Value,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
    /// The machine code of either error-body version.
    pub fn error_code(&self) -> &str {
        self.json["error_code"].as_str().or(self.json["code"].as_str()).unwrap_or("")
    }
    #[track_caller]
    pub fn expect(&self, status: u16, code: &str) -> &Self {
        assert_eq!(self.status.as_u16(), status, "status of {}", self.text);
        assert_eq!(self.error_code(), code, "code of {}", self.text);
        self
    }
    #[track_caller]
    pub fn ok(&self) -> &Value {
        assert!(self.status.is_success(), "expected success, got {} {}", self.status, self.text);
        &self.json
    }
}

impl Server {
    pub fn new() -> Self {
        Self::with(|_| {})
    }

    /// A server whose configuration `tweak` adjusts (bcrypt is cheap in tests).
    pub fn with(tweak: impl FnOnce(&mut Config)) -> Self {
        Self::serving(StaticDirs::default(), tweak)
    }

    /// Like [`Self::with`], also serving static files from `dirs`.
    pub fn serving(dirs: StaticDirs, tweak: impl FnOnce(&mut Config)) -> Self {
        let mut config = Config::defaults();
        config.bcrypt_cost = 4;
        tweak(&mut config);
        let state = AppState::new(config, Db::open(":memory:").expect("in-memory database"));
        let router = app(state.clone(), dirs);
        Server { state, router }
    }

    pub async fn raw(&self, method: Method, uri: &str, headers: &[(&str, &str)], body: impl Into<Body>) -> Reply {
        self.send(None, method, uri, headers, body.into()).await
    }

    /// As [`Self::raw`], from a socket peer at `peer` (requests made in-process have none).
    pub async fn raw_from(&self, peer: &str, method: Method, uri: &str, headers: &[(&str, &str)], body: impl Into<Body>) -> Reply {
        self.send(Some(peer.parse().expect("a socket address")), method, uri, headers, body.into()).await
    }

    async fn send(&self, peer: Option<std::net::SocketAddr>, method: Method, uri: &str, headers: &[(&str, &str)], body: Body) -> Reply {
        let mut request = Request::builder().method(method).uri(uri);
        for (k, v) in headers {
            request = request.header(*k, *v);
        }
        let mut request = request.body(body).unwrap();
        if let Some(peer) = peer {
            request.extensions_mut().insert(axum::extract::ConnectInfo(peer));
        }
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        let text = String::from_utf8_lossy(&bytes).to_string();
        let json = serde_json::from_str(&text).unwrap_or(Value::Null);
        Reply { status, headers, text, json }
    }

    pub async fn call(&self, method: Method, uri: &str, token: Option<&str>, body: Option<Value>) -> Reply {
        let auth = token.map(|t| format!("Bearer {t}"));
        let mut headers = vec![];
        if let Some(a) = &auth {
            headers.push(("authorization", a.as_str()));
        }
        if body.is_some() {
            headers.push(("content-type", "application/json"));
        }
        let body = body.map(|b| b.to_string()).unwrap_or_default();
        self.raw(method, uri, &headers, body).await
    }

    pub async fn post(&self, uri: &str, body: Value) -> Reply {
        self.call(Method::POST, uri, None, Some(body)).await
    }

    pub async fn get(&self, uri: &str, token: &str) -> Reply {
        self.call(Method::GET, uri, Some(token), None).await
    }

    pub async fn put(&self, uri: &str, token: &str, body: Value) -> Reply {
        self.call(Method::PUT, uri, Some(token), Some(body)).await
    }

    /// Signs up (autoconfirm) and returns the session.
    pub async fn signup(&self, email: &str) -> Value {
        self.post("/signup", json!({"email": email, "password": PASSWORD})).await.ok().clone()
    }

    pub async fn sign_in(&self, email: &str, password: &str) -> Reply {
        self.post("/token?grant_type=password", json!({"email": email, "password": password})).await
    }

    /// The newest email to `email`.
    pub async fn last_mail(&self, email: &str) -> Value {
        let reply = self.call(Method::GET, &format!("/_dev/outbox?email={email}&last=1"), None, None).await;
        reply.json.as_array().and_then(|a| a.last()).cloned().unwrap_or_else(|| panic!("no mail to {email}"))
    }

    pub async fn mail_count(&self, email: &str) -> usize {
        let reply = self.call(Method::GET, &format!("/_dev/outbox?email={email}"), None, None).await;
        reply.json.as_array().map_or(0, Vec::len)
    }

    /// Requests a recovery email and returns (code, token_hash).
    pub async fn recover(&self, email: &str) -> (String, String) {
        self.post("/recover", json!({"email": email})).await.ok();
        let mail = self.last_mail(email).await;
        (mail["token"].as_str().unwrap().into(), mail["token_hash"].as_str().unwrap().into())
    }

    pub async fn advance_clock(&self, seconds: i64) {
        self.post("/_dev/clock", json!({"seconds": seconds})).await.ok();
    }

    pub fn service_key(&self) -> String {
        auth_devserver::jwt::api_key(&self.state.config.jwt_secret, "service_role", self.state.now() / 1000)
    }
}

pub fn token(session: &Value) -> &str {
    session["access_token"].as_str().expect("access_token")
}

pub fn refresh(session: &Value) -> &str {
    session["refresh_token"].as_str().expect("refresh_token")
}
