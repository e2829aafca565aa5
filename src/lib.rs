//! wasm-auth-client: the password-lifecycle client for Supabase Auth (GoTrue), compiled to
//! WebAssembly for browsers and edge runtimes.
//!
//! Layers, each calling only downward:
//! - `js` (wasm only): the `AuthClient` JavaScript facade; converts types, nothing else.
//! - [`core`]: session state, refresh, storage writes and events; generic over the backend.
//! - [`api`]: the GoTrue wire protocol (one module per endpoint family), a [`backend::Backend`].
//! - [`storage`]: where the session record lives.
//! - pure helpers: [`error`] (mapping), [`validate`], [`fields`] (request objects), [`json`],
//!   [`session`] (records, expiry), [`link`].
#![deny(missing_docs)]

pub mod admin;
pub mod api;
pub mod backend;
pub mod core;
pub mod error;
pub mod fields;
pub mod flight;
pub mod http;
pub mod json;
pub mod link;
pub mod pkce;
pub mod session;
pub mod storage;
pub mod validate;

#[cfg(target_arch = "wasm32")]
mod js;
#[cfg(target_arch = "wasm32")]
pub use js::{is_auth_error, AdminClient, AuthClient};
