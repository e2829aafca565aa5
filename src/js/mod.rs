//! The JavaScript facades: `AuthClient` (feature `client`, the browser entry's wasm) and
//! `AdminClient` (feature `admin`, its own entry and wasm), and what both use: the host
//! (`fetch`, timers, the clock), reading the caller's objects, Web Storage, `AuthError`. They
//! convert types; the behaviour lives in `core`, `admin` and the protocol modules.

#[cfg(feature = "admin")]
mod admin;
#[cfg(feature = "wacht-admin")]
mod wacht_admin;
#[cfg(feature = "client")]
mod auto_refresh;
#[cfg(feature = "client")]
mod client;
mod error;
mod host;
mod input;
#[cfg(feature = "client")]
mod platform;
#[cfg(feature = "client")]
mod storage;
#[cfg(feature = "client")]
mod tab_sync;
mod ts;

#[cfg(feature = "admin")]
pub use admin::AdminClient;
#[cfg(feature = "wacht-admin")]
pub use wacht_admin::AdminClient;
#[cfg(feature = "client")]
pub use client::AuthClient;
pub use error::is_auth_error;

use wasm_bindgen::prelude::*;

use crate::error::AuthError;

const DEFAULT_TIMEOUT_MS: u32 = 10_000;

/// Rejects (or throws) with the package's `AuthError`.
fn js_error(error: AuthError) -> JsValue {
    error::to_js(error)
}

#[cfg(any(feature = "client", feature = "admin"))]
fn user_to_js(user: &crate::session::User) -> JsValue {
    host::parse(user.json())
}

/// Admin clients hold a key that must never reach a browser: `unsafe_environment` in a browser
/// page or worker (they run with the page's origin) unless the caller set `allowInBrowser`.
#[cfg(any(feature = "admin", feature = "wacht-admin"))]
fn refuse_in_browser(options: &JsValue, key: &str) -> Result<(), AuthError> {
    let allow_in_browser = input::raw(options, "allowInBrowser").as_bool().unwrap_or(false);
    if (host::in_browser_document() || host::in_browser_worker()) && !allow_in_browser {
        return Err(AuthError::new(
            crate::error::ErrorCode::UnsafeEnvironment,
            format!("AdminClient refuses to run in a browser page or worker: {key} would be exposed to every visitor"),
        ));
    }
    Ok(())
}

/// The `timeoutMs` option, if given.
fn timeout_option(options: &JsValue) -> Result<Option<u32>, AuthError> {
    match input::optional_number(options, "timeoutMs")? {
        None => Ok(None),
        Some(ms) if ms.is_finite() && ms >= 1.0 => Ok(Some(ms.min(u32::MAX as f64) as u32)),
        Some(_) => Err(AuthError::invalid_input("timeoutMs", "must be a positive number")),
    }
}

