//! auth-devserver: a local server that speaks the Supabase Auth (GoTrue) protocol, with a mail
//! outbox and test aids. For development and tests only; production is Supabase Auth or a
//! self-hosted GoTrue.

pub mod config;
pub mod crypto;
pub mod db;
pub mod dev;
pub mod emailed_code;
pub mod error;
pub mod extract;
pub mod genauth;
pub mod guard;
pub mod jwt;
pub mod mail;
pub mod password;
pub mod ratelimit;
pub mod redirect;
mod routes;
pub mod state;
pub mod tokens;
pub mod validate;
pub mod wacht;
pub mod wristband;

use std::path::PathBuf;

use axum::{
    http::{header, HeaderName, Method, StatusCode},
    middleware,
    response::IntoResponse,
    Router,
};
use tower_http::{
    catch_panic::CatchPanicLayer,
    cors::{AllowOrigin, CorsLayer},
    services::ServeDir,
};

pub use config::Config;
pub use state::AppState;

/// Directories served beside the API (the demo page and the built package).
#[derive(Debug, Clone, Default)]
pub struct StaticDirs {
    pub www: Option<PathBuf>,
    pub pkg: Option<PathBuf>,
}

/// The whole service: GoTrue routes, `/_dev/` aids, static files and the middleware stack.
///
/// Faults and the request log wrap the GoTrue routes only: a fault can never answer for a
/// static file (`/`, `/pkg/index.js`), where it would be script on the demo's origin.
pub fn app(state: AppState, dirs: StaticDirs) -> Router {
    let api = routes::router().merge(genauth::router()).merge(wristband::router()).merge(wacht::router(&state));
    let mut router = api.layer(middleware::from_fn_with_state(state.clone(), dev::observe));
    if state.config.dev_endpoints {
        router = router.merge(dev::router().merge(wristband::dev::router()).layer(middleware::from_fn(guard::dev_aids)));
    }
    if let Some(pkg) = dirs.pkg {
        router = router.nest_service("/pkg", ServeDir::new(pkg));
    }
    router = match dirs.www {
        Some(www) => router.fallback_service(ServeDir::new(www).append_index_html_on_directories(true)),
        // GoTrue's router (chi) answers unknown paths with a plain-text 404.
        None => router.fallback(|| async { (StatusCode::NOT_FOUND, "404 page not found\n").into_response() }),
    };
    router
        .layer(CatchPanicLayer::custom(error::panic_response))
        .layer(middleware::from_fn(error::render_for_api_version))
        .layer(cors())
        .layer(middleware::from_fn_with_state(state.clone(), guard::host))
        .with_state(state)
}

/// Whether `path` is opened by a server key (GoTrue's service_role, Wacht's API key): with the
/// public default secret any page could mint one, so these answer only this machine's pages and
/// callers that send no `Origin` (servers).
fn server_key_path(path: &str) -> bool {
    routes::SERVER_KEY_PATHS.iter().chain(&wacht::SERVER_KEY_PATHS).any(|p| path == *p || path.strip_prefix(p).is_some_and(|rest| rest.starts_with('/')))
}

/// CORS as the Supabase gateway answers it — any origin, credentials, and the headers
/// supabase clients send (`apikey` included) — except for `/_dev/` and the server-key routes,
/// which other sites must not use: there only loopback and same-origin pages get an
/// `access-control-allow-origin` (the routes themselves refuse the others: `guard`).
fn cors() -> CorsLayer {
    let allowed = [
        "accept", "apikey", "authorization", "content-type", "x-client-info", "x-client-ip", "x-jwt-aud",
        "x-supabase-api-version", "x-use-cookie", "redirect_to",
    ];
    let allowed = allowed.into_iter().chain(genauth::REQUEST_HEADERS).chain([wacht::SESSION_HEADER]);
    let exposed = ["x-sb-error-code", "x-supabase-api-version", "x-total-count", "link", "retry-after", wacht::SESSION_HEADER];
    CorsLayer::new()
        .allow_origin(AllowOrigin::predicate(|origin, parts| {
            let path = parts.uri.path();
            !(path.starts_with("/_dev/") || server_key_path(path)) || guard::dev_origin_allowed(origin, &parts.headers)
        }))
        .allow_credentials(true)
        .allow_methods([Method::GET, Method::POST, Method::PUT, Method::DELETE, Method::OPTIONS, Method::PATCH])
        .allow_headers(allowed.map(HeaderName::from_static).collect::<Vec<_>>())
        .expose_headers(exposed.map(HeaderName::from_static))
        .max_age(std::time::Duration::from_secs(3600))
        .vary([header::ORIGIN])
}
