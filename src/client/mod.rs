//! The typed Rust API, for Rust web frontends (Leptos, Dioxus, Yew): the same session core,
//! backends, checks and error codes as the npm package, with `async fn`s, typed requests and
//! results, `gloo-net` for HTTP, `web-sys` Web Storage, and auth events as a callback or a
//! [`futures_core::Stream`]. wasm32 only (feature `rust`, on by default); none of it is in the
//! npm package's build.
//!
//! ```no_run
//! # async fn demo() -> Result<(), wasm_auth_client::AuthError> {
//! use wasm_auth_client::{AuthClient, ClientOptions, ResetRequest, UpdatePassword, VerifyOtp};
//!
//! let auth = AuthClient::gotrue("https://<ref>.supabase.co/auth/v1", Some("<anon key>"), ClientOptions::default())?;
//! auth.request_password_reset(ResetRequest::new("ann@example.com")).await?;
//! auth.verify_otp(VerifyOtp::code("123456")).await?;           // the emailed code
//! auth.update_password(UpdatePassword::new("a new password")).await?;
//! assert!(auth.cached_user().is_some());                        // synchronous, no request
//! # Ok(()) }
//! ```
//!
//! Errors are [`AuthError`]s with the stable [`ErrorCode`]s; a call that needs a session made
//! without one fails with [`ErrorCode::NotAuthenticated`] before any request, and bad input with
//! [`ErrorCode::InvalidInput`] naming the field, before any request too.
//!
//! [`AuthError`]: crate::AuthError
//! [`ErrorCode`]: crate::ErrorCode
//! [`ErrorCode::NotAuthenticated`]: crate::ErrorCode::NotAuthenticated
//! [`ErrorCode::InvalidInput`]: crate::ErrorCode::InvalidInput

mod host;
mod requests;
mod storage;
mod transport;

use std::pin::Pin;
use std::rc::{Rc, Weak};
use std::task::{Context, Poll};
use std::time::Duration;

pub use host::AsyncStore;
pub use requests::{ResetRequest, UpdatePassword, VerifyOtp};
pub use storage::WebStore;
pub use transport::GlooFetch;

use crate::api::GoTrue;
use crate::backend::{Backend, SignOutScope};
use crate::core::{AuthCore, AuthEvent};
use crate::error::{AuthError, Result};
use crate::runtime::{in_browser_document, JsHost};
use crate::link::RecoveryLink;
use crate::need::drive;
use crate::session::{Session, User};
use crate::storage::{Keys, MemoryStore, Store, DEFAULT_STORAGE_KEY};

/// Where the session record is kept.
#[derive(Clone, Default)]
pub enum Storage {
    /// `sessionStorage` in browser documents (per tab, survives reloads), else memory.
    #[default]
    Default,
    /// `sessionStorage`; memory when it is missing.
    Session,
    /// `localStorage` (shared by the origin's tabs); memory when it is missing.
    Local,
    /// This client only.
    Memory,
    /// Yours (synchronous).
    Custom(Rc<dyn Store>),
    /// Yours, asynchronous (IndexedDB, a server): read once before the first call — every call
    /// waits for that, and `cached_user()` is `None` until then — and written through in order.
    Async(Rc<dyn AsyncStore>),
}

/// How the client is set up, beside its platform.
#[derive(Clone)]
pub struct ClientOptions {
    /// Where the session record is kept.
    pub storage: Storage,
    /// The storage key (and prefix of the others). Default `wasm-auth-client`.
    pub storage_key: String,
    /// Per-request timeout. Default 10 s.
    pub timeout: Duration,
    /// Refresh in the background before the token expires (paused while the tab is hidden).
    /// Default true.
    pub auto_refresh: bool,
}

impl Default for ClientOptions {
    fn default() -> Self {
        ClientOptions { storage: Storage::Default, storage_key: DEFAULT_STORAGE_KEY.into(), timeout: Duration::from_secs(10), auto_refresh: true }
    }
}

/// What listeners are told: the event, and the session as it is now.
///
/// `Serialize` writes the session without its tokens (`Session`'s own), so an event logged as
/// JSON leaks none.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct AuthChange {
    /// What happened.
    pub event: AuthEvent,
    /// The session after it (`None` when signed out).
    pub session: Option<Session>,
}

type Core<B> = AuthCore<B, JsHost>;

/// The password-lifecycle client for one platform (`B`: [`GoTrue`] by default; any backend of
/// this crate: `firebase::Firebase`, `pocketbase::PocketBase`, `genauth::GenAuth`,
/// `wristband::Wristband`, `wacht::Wacht`).
pub struct AuthClient<B: Backend = GoTrue> {
    core: Rc<Core<B>>,
    io: GlooFetch,
    /// Open once an asynchronous store has been read (at once for the others).
    ready: Rc<host::Ready>,
    /// Dropped (timer cancelled, listeners removed) with the client.
    _auto_refresh: Option<Rc<host::AutoRefresh<B>>>,
    _tab_sync: Option<host::TabSync>,
}

impl AuthClient<GoTrue> {
    /// A client for Supabase Auth (GoTrue): `url` is the auth root
    /// (`https://<ref>.supabase.co/auth/v1`, or the devserver), `api_key` the anon key.
    pub fn gotrue(url: &str, api_key: Option<&str>, options: ClientOptions) -> Result<Self> {
        crate::validate::url("url", url)?;
        if let Some(key) = api_key {
            if key.is_empty() {
                return Err(AuthError::invalid_input("apiKey", "must not be empty"));
            }
            crate::validate::header("apiKey", "apikey", key)?;
        }
        AuthClient::new(GoTrue::new(url, api_key, Vec::new()), options)
    }
}

impl<B: Backend> AuthClient<B> {
    /// A client for `backend`. A damaged stored record is removed (signed out), never an error.
    pub fn new(backend: B, options: ClientOptions) -> Result<Self> {
        if options.storage_key.is_empty() {
            return Err(AuthError::invalid_input("storageKey", "must not be empty"));
        }
        let millis = options.timeout.as_millis();
        if millis == 0 {
            return Err(AuthError::invalid_input("timeoutMs", "must be a positive number"));
        }
        let keys = Keys::new(&options.storage_key);
        let shared = matches!(options.storage, Storage::Local) && WebStore::open(true).is_some();
        let mut filling = None;
        let store: Box<dyn Store> = match options.storage {
            Storage::Default if in_browser_document() => web_or_memory(false),
            Storage::Default | Storage::Memory => Box::new(MemoryStore::default()),
            Storage::Session => web_or_memory(false),
            Storage::Local => web_or_memory(true),
            Storage::Custom(store) => Box::new(store),
            Storage::Async(store) => {
                let copy = Rc::new(host::AsyncCopy::new(store));
                filling = Some(copy.clone());
                Box::new(copy)
            }
        };
        let core = AuthCore::new(backend, JsHost, store, keys.clone());
        let io = GlooFetch { timeout_ms: u32::try_from(millis).unwrap_or(u32::MAX), reads: B::CAPABILITIES.response_headers };
        let auto_refresh = options.auto_refresh.then(|| host::AutoRefresh::start(&core, io));
        let tab_sync = if shared { host::TabSync::start(&core, keys.session.clone()) } else { None };
        let ready = match filling {
            None => host::Ready::now(),
            Some(copy) => {
                let ready = Rc::new(host::Ready::default());
                let (core, ready_later, timer) = (core.clone(), ready.clone(), auto_refresh.clone());
                let names = [keys.session, keys.recovery_email, keys.code_verifier, keys.pending_flow, keys.client_token];
                wasm_bindgen_futures::spawn_local(async move {
                    copy.fill(&names).await;
                    core.reload();
                    ready_later.open();
                    if let Some(timer) = timer {
                        timer.arm(0.0);
                    }
                });
                ready
            }
        };
        Ok(AuthClient { core, io, ready, _auto_refresh: auto_refresh, _tab_sync: tab_sync })
    }

    /// Emails a recovery code (and, where the platform has one, a link). The same answer for
    /// unknown addresses; the address is held for [`Self::verify_otp`].
    pub async fn request_password_reset(&self, request: ResetRequest) -> Result<()> {
        self.ready.wait().await;
        let flow = request.flow();
        drive(self.core.request_password_reset(&request.email, request.redirect_to.as_deref(), flow), &self.io).await
    }

    /// Verifies the emailed code or link: GoTrue signs in with the recovery session
    /// (`PasswordRecovery`) and answers it; platforms that hold the credential until the new
    /// password answer `None` (still `PasswordRecovery`).
    pub async fn verify_otp(&self, proof: VerifyOtp) -> Result<Option<Session>> {
        self.ready.wait().await;
        drive(self.core.verify_recovery(proof), &self.io).await
    }

    /// Sets a new password: completes a verified reset, or changes the signed-in user's
    /// password (`current_password`, when given, is always checked). `UserUpdated`.
    pub async fn update_password(&self, request: UpdatePassword) -> Result<()> {
        self.ready.wait().await;
        let need = self.core.update_password(&request.password, request.current_password.as_deref(), request.nonce.as_deref(), request.options());
        drive(need, &self.io).await.map(|_| ())
    }

    /// Signs in with email and password (`SignedIn`).
    pub async fn sign_in_with_email(&self, email: &str, password: &str) -> Result<Session> {
        self.ready.wait().await;
        drive(self.core.sign_in(email, password), &self.io).await
    }

    /// Adopts a session obtained elsewhere (a hosted login, a server): the tokens are checked,
    /// the server is asked whose they are (`SignedIn`). `expires_in` (seconds) is needed unless
    /// the platform reads it from the token.
    pub async fn set_session(&self, access_token: &str, refresh_token: &str, expires_in: Option<f64>) -> Result<Session> {
        self.ready.wait().await;
        drive(self.core.set_session(access_token, refresh_token, expires_in), &self.io).await
    }

    /// Signs out: `Local` (this session), `Global` (every session of the user) or `Others`
    /// (every other one), as far as the platform can.
    pub async fn sign_out(&self, scope: SignOutScope) -> Result<()> {
        self.ready.wait().await;
        drive(self.core.sign_out(scope), &self.io).await
    }

    /// The session, refreshed first when it is about to expire; `None` when signed out.
    pub async fn get_session(&self) -> Result<Option<Session>> {
        self.ready.wait().await;
        drive(self.core.session(), &self.io).await
    }

    /// The user as the server has it now (the cached copy follows).
    pub async fn get_user(&self) -> Result<User> {
        self.ready.wait().await;
        drive(self.core.user(), &self.io).await
    }

    /// Emails a reauthentication nonce, for servers that require one to change the password.
    pub async fn reauthenticate(&self) -> Result<()> {
        self.ready.wait().await;
        drive(self.core.reauthenticate(), &self.io).await
    }

    /// Consumes where a recovery link led: `url`, or the address bar when `None` — whose
    /// secret parameters are removed at once, before any request (`history.replaceState`).
    /// Tokens in a link's fragment are taken only after this client's own reset request, or
    /// with `accept_tokens`; `None` when there is nothing to consume.
    pub async fn handle_redirect(&self, url: Option<&str>, accept_tokens: bool) -> Result<Option<Session>> {
        self.ready.wait().await;
        let url = match url {
            Some(url) => url.to_string(),
            None => {
                let href = address_bar().ok_or_else(|| AuthError::invalid_input("url", "is required outside a browser page"))?;
                let cleaned = self.core.clean_link(&href);
                if cleaned != href {
                    replace_address_bar(&cleaned);
                }
                href
            }
        };
        drive(self.core.handle_redirect(&url, accept_tokens), &self.io).await
    }

    /// What a pasted recovery link carries, read the platform's way (no request).
    pub fn parse_recovery_link(&self, url: &str) -> Option<RecoveryLink> {
        self.core.parse_link(url)
    }

    /// The cached user: synchronous, no request; `None` when signed out.
    pub fn cached_user(&self) -> Option<User> {
        self.core.cached_user()
    }

    /// Until when (Unix seconds) the reset credential held since `verify_otp` is good, where
    /// the platform says (GenAuth); `Ok(None)` when none is held; `Unsupported` elsewhere.
    pub fn recovery_expires_at(&self) -> Result<Option<f64>> {
        self.core.held_credential_expires_at()
    }

    /// Calls `listener` after each change (state and storage already updated); the returned
    /// [`Subscription`] unsubscribes when dropped.
    pub fn on_auth_change(&self, listener: impl Fn(AuthEvent, Option<&Session>) + 'static) -> Subscription {
        let id = self.core.subscribe(Rc::new(listener));
        let core = Rc::downgrade(&self.core);
        Subscription(Some(Box::new(move || {
            if let Some(core) = Weak::upgrade(&core) {
                core.unsubscribe(id);
            }
        })))
    }

    /// The changes from now on, as a stream (ends never; dropping it unsubscribes).
    pub fn events(&self) -> AuthEvents {
        let (sender, receiver) = futures_channel::mpsc::unbounded();
        let subscription = self.on_auth_change(move |event, session| {
            let _ = sender.unbounded_send(AuthChange { event, session: session.cloned() });
        });
        AuthEvents { receiver, _subscription: subscription }
    }
}

fn web_or_memory(local: bool) -> Box<dyn Store> {
    match WebStore::open(local) {
        Some(store) => Box::new(store),
        None => Box::new(MemoryStore::default()),
    }
}

fn address_bar() -> Option<String> {
    web_sys::window()?.location().href().ok()
}

fn replace_address_bar(url: &str) {
    if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
        let state = history.state().unwrap_or(wasm_bindgen::JsValue::NULL);
        let _ = history.replace_state_with_url(&state, "", Some(url));
    }
}

/// A listener registration; dropping it unsubscribes.
pub struct Subscription(Option<Box<dyn FnOnce()>>);

impl Drop for Subscription {
    fn drop(&mut self) {
        if let Some(unsubscribe) = self.0.take() {
            unsubscribe();
        }
    }
}

/// [`AuthClient::events`]: a [`futures_core::Stream`] of [`AuthChange`]s.
pub struct AuthEvents {
    receiver: futures_channel::mpsc::UnboundedReceiver<AuthChange>,
    _subscription: Subscription,
}

impl futures_core::Stream for AuthEvents {
    type Item = AuthChange;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<AuthChange>> {
        Pin::new(&mut self.receiver).poll_next(cx)
    }
}
