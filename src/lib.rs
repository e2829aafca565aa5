//! wasm-auth-client: a password-lifecycle client — request a reset, verify the emailed code or
//! link, set a new password, change it while signed in — over several auth platforms (Supabase
//! Auth/GoTrue, Firebase, PocketBase, GenAuth, Wristband, Wacht), compiled to WebAssembly.
//!
//! **From Rust** (Leptos, Dioxus, Yew; wasm32, feature `rust`, on by default): `AuthClient`
//! and its typed requests and results — see the `client` module (documented for wasm32). The npm package's
//! JavaScript facades are built from the same core (`js`, feature `client`).
//!
//! Layers, each calling only downward:
//! - `client` (wasm only, feature `rust`): the typed Rust API; `js` (wasm only): the
//!   `AuthClient` and `AdminClient` JavaScript facades, and the host: `fetch`, timers, Web
//!   Storage, the clock. Facades convert types; the behaviour lives below.
//! - [`core`]: session state, refresh (single flight through [`flight`]), storage writes and
//!   events; [`admin`]: the service-key calls. Both generic over the protocol.
//! - [`backend`]: what the core needs from an auth server; [`api`]: the GoTrue wire protocol
//!   (one module per endpoint family) implementing it over [`http`] (requests as plain data and
//!   the `Http`/`Host` traits a runtime implements).
//! - [`storage`]: where the session record lives.
//! - pure helpers: [`error`] (mapping, redaction), [`validate`], [`fields`] (request objects),
//!   [`json`], [`session`] (records, expiry), [`link`] (email links and redirects), [`pkce`].
#![deny(missing_docs)]

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
#[cfg(feature = "serde")]
mod serde_impls;
pub mod storage;
pub mod validate;
pub mod wacht;
pub mod wire;
pub mod wristband;

#[cfg(all(target_arch = "wasm32", any(feature = "client", feature = "admin", feature = "wacht-admin")))]
mod js;
#[cfg(target_arch = "wasm32")]
mod runtime;

// The package's allocator: smaller than dlmalloc (README, "Package and build").
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();
// The JavaScript facades, for wasm-bindgen tests (JavaScript sees them as `AuthClient` and
// `AdminClient`); the Rust API's `AuthClient` is the typed one.
#[doc(hidden)]
#[cfg(all(target_arch = "wasm32", any(feature = "admin", feature = "wacht-admin")))]
pub use js::AdminClient as JsAdminClient;
#[doc(hidden)]
#[cfg(all(target_arch = "wasm32", feature = "client"))]
pub use js::AuthClient as JsAuthClient;

#[cfg(all(target_arch = "wasm32", feature = "rust"))]
pub mod client;
#[cfg(all(target_arch = "wasm32", feature = "rust"))]
pub use client::{AuthChange, AuthClient, AuthEvents, ClientOptions, ResetRequest, Storage, Subscription, UpdatePassword, VerifyOtp};
pub use backend::SignOutScope;
pub use core::AuthEvent;
pub use error::{AuthError, ErrorCode};
pub use link::RecoveryLink;
pub use session::{Session, User};
#[cfg(feature = "serde")]
pub use session::PersistedSession;
#[cfg(all(target_arch = "wasm32", any(feature = "client", feature = "admin", feature = "wacht-admin")))]
pub use js::is_auth_error;
