//! wasm-auth-client: the password-lifecycle client for Supabase Auth (GoTrue), compiled to
//! WebAssembly for browsers and edge runtimes.
//!
//! Layers, each calling only downward:
//! - `js` (wasm only): the `AuthClient` and `AdminClient` JavaScript facades, and the host:
//!   `fetch`, timers, Web Storage, the clock. They convert types; the behaviour lives below.
//! - [`core`]: session state, refresh (single flight through [`flight`]), storage writes and
//!   events; [`admin`]: the service-key calls. Both generic over the protocol.
//! - [`backend`]: what the core needs from an auth server; [`api`]: the GoTrue wire protocol
//!   (one module per endpoint family) implementing it over [`http`] (requests as plain data and
//!   the `Http`/`Host` traits a runtime implements).
//! - [`storage`]: where the session record lives.
//! - pure helpers: [`error`] (mapping, redaction), [`validate`], [`fields`] (request objects),
//!   [`json`], [`session`] (records, expiry), [`link`] (email links and redirects), [`pkce`].
#![deny(missing_docs)]

#[cfg(feature = "admin")]
pub mod admin;
pub mod api;
pub mod backend;
pub mod core;
pub mod error;
pub mod fields;
pub mod firebase;
pub mod flight;
pub mod genauth;
pub mod http;
pub mod json;
pub mod jwt;
pub mod need;
pub mod link;
pub mod pkce;
pub mod pocketbase;
pub mod session;
pub mod storage;
pub mod validate;
pub mod wacht;
pub mod wire;
pub mod wristband;

#[cfg(target_arch = "wasm32")]
mod js;

// The package's allocator: smaller than dlmalloc (README, "Package and build").
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();
#[cfg(all(target_arch = "wasm32", any(feature = "admin", feature = "wacht-admin")))]
pub use js::AdminClient;
#[cfg(all(target_arch = "wasm32", feature = "client"))]
pub use js::AuthClient;
#[cfg(target_arch = "wasm32")]
pub use js::is_auth_error;
