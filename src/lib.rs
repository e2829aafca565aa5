//! wasm-auth-client: a password-lifecycle client — request a reset, verify the emailed code or
//! link, set a new password, change it while signed in — over several auth platforms (Supabase
//! Auth/GoTrue, Firebase, PocketBase, GenAuth, Wristband, Wacht), compiled to WebAssembly.
//!
//! **From Rust** (Leptos, Dioxus, Yew; wasm32, feature `rust`, on by default): `AuthClient`
//! and its typed requests and results — see the `client` module (documented for wasm32). The npm
//! package is built from the same core (`npm`, feature `client`), its host in JavaScript.
//!
//! Layers, each calling only downward:
//! - `client` (wasm only, feature `rust`): the typed Rust API and its Rust host (gloo-net,
//!   web-sys); `npm` (wasm only, features `client`/`admin`): the npm package's boundary — a few
//!   synchronous exports over strings that a small JavaScript host (`pkg-template/host.js`)
//!   drives, performing every effect. Both convert types; the behaviour lives below.
//! - [`core`]: session state, refresh (single flight through [`flight`]), storage writes and
//!   events; [`admin`]: the service-key calls. Both generic over the protocol.
//! - [`backend`]: what the core needs from an auth server; [`api`]: the GoTrue wire protocol
//!   (one module per endpoint family) implementing it over [`http`] (requests as plain data and
//!   the `Http`/`Host` traits a runtime implements).
//! - [`storage`]: where the session record lives.
//! - pure helpers: [`error`] (mapping, redaction), [`validate`], [`fields`] (request objects),
//!   [`json`], [`session`] (records, expiry), [`link`] (email links and redirects), [`pkce`].
#![deny(missing_docs)]

#[macro_use]
mod platforms;

// The one list of platforms (see src/platforms.rs): feature, module, backend.
platforms! {
    "gotrue" api::GoTrue,
    "firebase" firebase::Firebase,
    "pocketbase" pocketbase::PocketBase,
    "genauth" genauth::GenAuth,
    "wristband" wristband::Wristband,
    "wacht" wacht::Wacht,
}

pub mod admin;
pub mod backend;
pub mod core;
pub mod error;
pub mod fields;
pub mod flight;
pub mod http;
pub mod json;
pub mod jwt;
pub mod need;
pub mod link;
pub mod pkce;
mod random;
pub mod session;
#[cfg(feature = "serde")]
mod serde_impls;
pub mod storage;
pub mod text;
pub mod validate;
pub mod wire;

#[cfg(all(target_arch = "wasm32", any(feature = "client", feature = "admin", feature = "wacht-admin")))]
mod npm;
#[cfg(all(target_arch = "wasm32", feature = "rust"))]
mod runtime;

// The package's allocator: smaller than dlmalloc (README, "Package and build").
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

#[cfg(all(target_arch = "wasm32", feature = "rust"))]
pub mod client;
#[cfg(all(target_arch = "wasm32", feature = "rust"))]
pub use client::{AsyncStore, AuthChange, AuthClient, AuthEvents, ClientOptions, ResetRequest, Storage, Subscription, UpdatePassword, VerifyOtp};
pub use backend::SignOutScope;
pub use core::AuthEvent;
pub use error::{AuthError, ErrorCode};
pub use link::RecoveryLink;
pub use session::{Session, User};
#[cfg(feature = "serde")]
pub use session::PersistedSession;
