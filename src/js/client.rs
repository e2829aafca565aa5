//! `AuthClient`: reads the caller's objects, starts the core's operations and hands them to the
//! one driver, and converts results and errors. The behaviour lives in `core`.

use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{future_to_promise, JsFuture};

use super::{auto_refresh, host, input, js_error, platform, storage, tab_sync, timeout_option, user_to_js, DEFAULT_TIMEOUT_MS};
use crate::backend::{ResetOptions, SignOutScope};
use crate::core::{AuthCore, AuthEvent, RecoveryProof, ResetFlow};
use crate::error::{AuthError, ErrorCode};
use crate::link::RecoveryLink;
use crate::need::{drive, Need};
use crate::session::{Session, User};
use crate::storage::{Keys, MemoryStore, Store, DEFAULT_STORAGE_KEY};

pub(crate) type Core = AuthCore<platform::Platform, host::JsHost>;

/// The session as JavaScript sees it (camelCase; the user object as GoTrue sent it).
fn session_to_js(session: &Session) -> JsValue {
    host::parse(&session.to_json_text(["accessToken", "refreshToken", "expiresAt", "expiresIn", "tokenType", "user"]))
}

/// What a method resolves with: one type, so that there is one driver for every method.
pub(crate) enum Output {
    Nothing,
    Session(Option<Session>),
    User(User),
}

impl Output {
    fn to_js(&self) -> JsValue {
        match self {
            Output::Nothing => JsValue::UNDEFINED,
            Output::Session(session) => session.as_ref().map_or(JsValue::NULL, session_to_js),
            Output::User(user) => user_to_js(user),
        }
    }
}

/// Builds an operation once the client's store is ready.
type Start = Box<dyn FnOnce(&Rc<Core>) -> Need<Output>>;

/// The one driver of the package: performs an operation's requests and waits, through `io`.
pub(crate) async fn run(need: Need<Output>, io: &host::Fetch) -> Result<Output, AuthError> {
    drive(need, io).await
}

/// The password-lifecycle client for Supabase Auth (GoTrue).
#[wasm_bindgen]
pub struct AuthClient {
    core: Rc<Core>,
    /// How requests are sent (fetch with the configured timeout).
    io: host::Fetch,
    /// Resolves once an asynchronous store has been read; `None` for synchronous stores, so
    /// that calls do not wait a turn for nothing.
    ready: Option<js_sys::Promise>,
    /// Dropped (timer cleared, listener removed) with the client: `free()` in JavaScript.
    _auto_refresh: Option<Rc<auto_refresh::AutoRefresh>>,
    /// Only with `local` storage in a browser: other tabs' writes.
    _tab_sync: Option<tab_sync::TabSync>,
    /// The cached user as a (frozen) JS object, built once per change: `getCachedUser()` is on
    /// UI hot paths and should cost no conversion.
    user_js: Rc<std::cell::RefCell<Option<JsValue>>>,
}

#[wasm_bindgen]
impl AuthClient {
    /// Creates a client. Throws `invalid_input` for bad options; a damaged stored record is
    /// removed (signed out), never thrown.
    #[wasm_bindgen(constructor)]
    pub fn new(#[wasm_bindgen(unchecked_param_type = "AuthClientOptions")] options: JsValue) -> Result<AuthClient, JsValue> {
        Self::build(&options).map_err(js_error)
    }

    fn build(options: &JsValue) -> Result<AuthClient, AuthError> {
        let options = input::object(options, "options")?;
        let url = input::string(&options, "url")?;
        crate::validate::url("url", &url)?;
        let timeout_ms = timeout_option(&options)?.unwrap_or(DEFAULT_TIMEOUT_MS);
        let storage_key = input::optional_string(&options, "storageKey")?.unwrap_or_else(|| DEFAULT_STORAGE_KEY.to_string());
        if storage_key.is_empty() {
            return Err(AuthError::invalid_input("storageKey", "must not be empty"));
        }
        let keys = Keys::new(&storage_key);
        let chosen = choose_store(&input::raw(&options, "storage"), &keys.session)?;
        let auto_refresh = match input::raw(&options, "autoRefresh") {
            v if v.is_undefined() || v.is_null() => true,
            v => v.as_bool().ok_or_else(|| AuthError::invalid_input("autoRefresh", "must be a boolean"))?,
        };
        // Read last: nothing fallible after it, so no early return has a platform to drop.
        let api = platform::from_options(&options, &url)?;
        let io = host::Fetch { timeout_ms };
        let core = AuthCore::new(api, host::JsHost, chosen.store, keys.clone());
        let user_js: Rc<std::cell::RefCell<Option<JsValue>>> = Rc::default();
        let stale = user_js.clone();
        core.subscribe(Rc::new(move |_, _| *stale.borrow_mut() = None));
        let auto_refresh = auto_refresh.then(|| auto_refresh::AutoRefresh::start(&core, io));
        let tab_sync = if chosen.shared_between_tabs { tab_sync::TabSync::start(&core, storage_key) } else { None };
        let ready = match chosen.loader {
            None => None,
            Some(store) => {
                let (core, timer, stale) = (core.clone(), auto_refresh.clone(), user_js.clone());
                Some(future_to_promise(async move {
                    store.fill(&[&keys.session, &keys.recovery_email, &keys.code_verifier, &keys.pending_flow, &keys.client_token]).await;
                    core.reload();
                    *stale.borrow_mut() = None;
                    if let Some(timer) = timer {
                        timer.rearm();
                    }
                    Ok(JsValue::UNDEFINED)
                }))
            }
        };
        Ok(AuthClient { core, io, ready, _auto_refresh: auto_refresh, _tab_sync: tab_sync, user_js })
    }

    /// Runs an operation as a Promise: once an asynchronous store has been read (at once for the
    /// others), `start` builds it and the one driver performs it. Methods read the caller's
    /// request object before this, so that a change to it after the call does not count.
    fn start(&self, start: Start) -> js_sys::Promise {
        let (core, io, ready) = (self.core.clone(), self.io, self.ready.clone());
        future_to_promise(async move {
            if let Some(ready) = ready {
                let _ = JsFuture::from(ready).await;
            }
            let output = run(start(&core), &io).await.map_err(js_error)?;
            Ok(output.to_js())
        })
    }

    /// Emails a recovery code and link. Resolves the same way for unknown addresses.
    #[wasm_bindgen(js_name = requestPasswordReset, unchecked_return_type = "Promise<void>")]
    pub fn request_password_reset(&self, #[wasm_bindgen(unchecked_param_type = "PasswordResetRequest")] request: JsValue) -> js_sys::Promise {
        let request = input::fields(&request, "request");
        self.start(Box::new(move |core| {
            attempt(|| {
                let request = request?;
                let email = request.string("email")?;
                let redirect_to = request.optional_string("redirectTo")?;
                let flow = match request.optional_string("flow")?.as_deref() {
                    None | Some("otp") => ResetFlow::Otp,
                    Some("pkce") => ResetFlow::Pkce,
                    Some(_) => return Err(AuthError::invalid_input("flow", "must be 'otp' or 'pkce'")),
                };
                Ok(core.request_password_reset(&email, redirect_to.as_deref(), flow).map(|()| Output::Nothing))
            })
        }))
    }

    /// Verifies the emailed code (or the link's token hash) and signs in with the recovery
    /// session (event PASSWORD_RECOVERY).
    #[wasm_bindgen(js_name = verifyOtp, unchecked_return_type = "Promise<Session>")]
    pub fn verify_otp(&self, #[wasm_bindgen(unchecked_param_type = "VerifyOtpRequest")] request: JsValue) -> js_sys::Promise {
        let request = input::fields(&request, "request");
        self.start(Box::new(move |core| {
            attempt(|| {
                let request = request?;
                crate::validate::otp_type("type", &request.string("type")?)?;
                let token = request.optional_string("token")?;
                let token_hash = request.optional_string("tokenHash")?;
                // The credential's named parts, on platforms that name them (Wristband).
                let mut parts = Vec::new();
                for name in platform::PROOF_PARTS {
                    if let Some(value) = request.optional_string(name)? {
                        parts.push((name.to_string(), value));
                    }
                }
                let proof = match (token, token_hash) {
                    (Some(_), _) | (_, Some(_)) if !parts.is_empty() => {
                        return Err(AuthError::invalid_input("token", "give the credential once: token, tokenHash or its named parts"))
                    }
                    _ if !parts.is_empty() => RecoveryProof::Parts(parts),
                    (Some(code), None) => RecoveryProof::Code { email: request.optional_string("email")?, code },
                    (None, Some(hash)) => RecoveryProof::TokenHash(hash),
                    (Some(_), Some(_)) => return Err(AuthError::invalid_input("token", "give either token or tokenHash, not both")),
                    (None, None) => return Err(AuthError::invalid_input("token", platform::PROOF_REQUIRED)),
                };
                Ok(core.verify_recovery(proof).map(Output::Session))
            })
        }))
    }

    /// Reads a pasted recovery link: `{tokenHash}`, `{code}` or `{error, serverCode,
    /// description}`; `null` when the text holds none of these.
    #[wasm_bindgen(js_name = parseRecoveryLink, unchecked_return_type = "RecoveryLink | null")]
    pub fn parse_recovery_link(&self, #[wasm_bindgen(unchecked_param_type = "string")] url: JsValue) -> Result<JsValue, JsValue> {
        let url = url.as_string().ok_or_else(|| js_error(AuthError::invalid_input("url", "must be a string")))?;
        let object = js_sys::Object::new();
        let set = |key: &str, value: &str| {
            let _ = js_sys::Reflect::set(&object, &JsValue::from_str(key), &JsValue::from_str(value));
        };
        match self.core.parse_link(&url) {
            Some(RecoveryLink::TokenHash(hash)) => set("tokenHash", &hash),
            Some(RecoveryLink::Credential(token)) => set("token", &token),
            Some(RecoveryLink::Parts(parts)) => parts.iter().for_each(|(name, value)| set(name, value)),
            Some(RecoveryLink::Code(code)) => set("code", &code),
            Some(RecoveryLink::Error { code, description }) => {
                let mapped = crate::error::from_redirect(&code, &description);
                set("error", mapped.code.as_str());
                set("serverCode", &code);
                set("description", &description);
            }
            Some(RecoveryLink::Session { .. }) | None => return Ok(JsValue::NULL),
        }
        Ok(object.into())
    }

    /// Consumes the redirect a recovery link led to: tokens in the fragment, a PKCE `?code=`
    /// (exchanged with the verifier stored by `requestPasswordReset({ flow: 'pkce' })`), a
    /// `token_hash`, or an error (`error_code=otp_expired` rejects with `invalid_otp`). Without
    /// `url`, reads the address bar and removes those parameters from it at once, before a
    /// single request. Resolves `null` when there is nothing to consume. Tokens in the fragment are
    /// taken only after this client's own `requestPasswordReset` (or with `acceptTokens: true`);
    /// another user's session never replaces the signed-in one (`session_conflict`).
    #[wasm_bindgen(js_name = handleRedirect, unchecked_return_type = "Promise<Session | null>")]
    pub fn handle_redirect(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] url: Option<JsValue>,
        #[wasm_bindgen(unchecked_param_type = "HandleRedirectOptions")] options: Option<JsValue>,
    ) -> js_sys::Promise {
        // Read now, and from the address bar removed now: the secret must not stay there (or
        // reach history) while requests run, whether or not they work.
        let url = match url.filter(|u| !u.is_undefined() && !u.is_null()) {
            Some(url) => url.as_string().ok_or_else(|| AuthError::invalid_input("url", "must be a string")),
            None => address_bar().ok_or_else(|| AuthError::invalid_input("url", "is required outside a browser page")).inspect(|href| {
                let cleaned = self.core.clean_link(href);
                if cleaned != *href {
                    replace_address_bar(&cleaned);
                }
            }),
        };
        let options = options.filter(|o| !o.is_undefined() && !o.is_null()).map(|o| input::fields(&o, "options")).transpose();
        self.start(Box::new(move |core| {
            attempt(|| {
                let url = url?;
                let accept_tokens = match options? {
                    Some(options) => options.bool_or("acceptTokens", false)?,
                    None => false,
                };
                Ok(core.handle_redirect(&url, accept_tokens).map(Output::Session))
            })
        }))
    }

    /// Sets a new password for the signed-in user; the session is kept (event USER_UPDATED).
    #[wasm_bindgen(js_name = updatePassword, unchecked_return_type = "Promise<void>")]
    pub fn update_password(&self, #[wasm_bindgen(unchecked_param_type = "UpdatePasswordRequest")] request: JsValue) -> js_sys::Promise {
        let request = input::fields(&request, "request");
        self.start(Box::new(move |core| {
            attempt(|| {
                let request = request?;
                let password = request.string("password")?;
                let current = request.optional_string("currentPassword")?;
                let nonce = request.optional_string("nonce")?;
                let options = ResetOptions { skip_password_updated_email: request.bool_or("skipPasswordUpdatedEmail", false)? };
                Ok(core.update_password(&password, current.as_deref(), nonce.as_deref(), options).map(|_| Output::Nothing))
            })
        }))
    }

    /// Adopts a session the app obtained elsewhere (a hosted login page, the app's backend):
    /// `{ accessToken, refreshToken, expiresIn? }`; the server is asked whose it is (event
    /// SIGNED_IN).
    #[wasm_bindgen(js_name = setSession, unchecked_return_type = "Promise<Session>")]
    pub fn set_session(&self, #[wasm_bindgen(unchecked_param_type = "SetSessionRequest")] request: JsValue) -> js_sys::Promise {
        let request = input::fields(&request, "request");
        self.start(Box::new(move |core| {
            attempt(|| {
                let request = request?;
                let access = request.string("accessToken")?;
                let refresh = request.string("refreshToken")?;
                let expires_in = request.optional_number("expiresIn")?;
                Ok(core.set_session(&access, &refresh, expires_in).map(|session| Output::Session(Some(session))))
            })
        }))
    }

    /// Until when (Unix seconds) the reset credential held since `verifyOtp` is good, where the
    /// platform says (GenAuth); `null` when none is held. Throws `unsupported` elsewhere.
    #[wasm_bindgen(js_name = recoveryExpiresAt, unchecked_return_type = "number | null")]
    pub fn recovery_expires_at(&self) -> Result<JsValue, JsValue> {
        let at = self.core.held_credential_expires_at().map_err(js_error)?;
        Ok(at.map_or(JsValue::NULL, JsValue::from_f64))
    }

    /// Signs in with email and password (event SIGNED_IN).
    #[wasm_bindgen(js_name = signInWithEmail, unchecked_return_type = "Promise<Session>")]
    pub fn sign_in_with_email(&self, #[wasm_bindgen(unchecked_param_type = "SignInRequest")] request: JsValue) -> js_sys::Promise {
        let request = input::fields(&request, "request");
        self.start(Box::new(move |core| {
            attempt(|| {
                let request = request?;
                let email = request.string("email")?;
                let password = request.string("password")?;
                Ok(core.sign_in(&email, &password).map(|session| Output::Session(Some(session))))
            })
        }))
    }

    /// Signs out (`local` by default; `global`, or `others` to keep this session).
    #[wasm_bindgen(js_name = signOut, unchecked_return_type = "Promise<void>")]
    pub fn sign_out(&self, #[wasm_bindgen(unchecked_param_type = "SignOutOptions")] options: Option<JsValue>) -> js_sys::Promise {
        let options = options.filter(|o| !o.is_undefined() && !o.is_null()).map(|o| input::fields(&o, "options")).transpose();
        self.start(Box::new(move |core| {
            attempt(|| {
                let scope = match options? {
                    Some(options) => options.optional_string("scope")?,
                    None => None,
                };
                let scope = match scope.as_deref() {
                    None | Some("local") => SignOutScope::Local,
                    Some("global") => SignOutScope::Global,
                    Some("others") => SignOutScope::Others,
                    Some(_) => return Err(AuthError::invalid_input("scope", "must be 'local', 'global' or 'others'")),
                };
                Ok(core.sign_out(scope).map(|()| Output::Nothing))
            })
        }))
    }

    /// The cached user, synchronously and without a request; `null` when signed out.
    #[wasm_bindgen(js_name = getCachedUser, unchecked_return_type = "User | null")]
    pub fn get_cached_user(&self) -> JsValue {
        if let Some(user) = self.user_js.borrow().as_ref() {
            return user.clone();
        }
        let user = self.core.cached_user().as_ref().map_or(JsValue::NULL, user_to_js);
        // Shared between calls, so nobody's edit can change what the next caller reads.
        if user.is_object() {
            js_sys::Object::freeze(&js_sys::Object::from(user.clone()));
        }
        *self.user_js.borrow_mut() = Some(user.clone());
        user
    }

    /// The session, refreshed first if it is about to expire; `null` when signed out.
    #[wasm_bindgen(js_name = getSession, unchecked_return_type = "Promise<Session | null>")]
    pub fn get_session(&self) -> js_sys::Promise {
        self.start(Box::new(|core| core.session().map(Output::Session)))
    }

    /// The user as the server has it now.
    #[wasm_bindgen(js_name = getUser, unchecked_return_type = "Promise<User>")]
    pub fn get_user(&self) -> js_sys::Promise {
        self.start(Box::new(|core| core.user().map(Output::User)))
    }

    /// Emails a reauthentication code, for servers that require one to change the password.
    #[wasm_bindgen(unchecked_return_type = "Promise<void>")]
    pub fn reauthenticate(&self) -> js_sys::Promise {
        self.start(Box::new(|core| core.reauthenticate().map(|()| Output::Nothing)))
    }

    /// Calls `callback(event, session)` after each change; returns a function that unsubscribes.
    #[wasm_bindgen(js_name = onAuthChange, unchecked_return_type = "() => void")]
    pub fn on_auth_change(&self, #[wasm_bindgen(unchecked_param_type = "AuthChangeCallback")] callback: JsValue) -> Result<JsValue, JsValue> {
        let callback: js_sys::Function = callback
            .dyn_into()
            .map_err(|_| js_error(AuthError::invalid_input("callback", "must be a function")))?;
        let id = self.core.subscribe(Rc::new(move |event: AuthEvent, session: Option<&Session>| {
            let session = session.map_or(JsValue::NULL, session_to_js);
            // A throwing listener must not stop the others or the client.
            let _ = callback.call2(&JsValue::NULL, &JsValue::from_str(event.as_str()), &session);
        }));
        let core = Rc::downgrade(&self.core);
        let unsubscribe = Closure::<dyn Fn()>::new(move || {
            if let Some(core) = core.upgrade() {
                core.unsubscribe(id);
            }
        });
        Ok(unsubscribe.into_js_value())
    }
}

/// An operation whose input may already have failed to read.
fn attempt(build: impl FnOnce() -> Result<Need<Output>, AuthError>) -> Need<Output> {
    build().unwrap_or_else(Need::err)
}

/// `location.href` in a browser page (not in workers: their `location` is the script's).
fn address_bar() -> Option<String> {
    if !host::in_browser_document() {
        return None;
    }
    js_sys::Reflect::get(&host::global("location")?, &JsValue::from_str("href")).ok()?.as_string()
}

fn replace_address_bar(url: &str) {
    let Some(history) = host::global("history") else { return };
    let Ok(replace) = js_sys::Reflect::get(&history, &JsValue::from_str("replaceState")) else { return };
    if let Ok(replace) = replace.dyn_into::<js_sys::Function>() {
        let state = js_sys::Reflect::get(&history, &JsValue::from_str("state")).unwrap_or(JsValue::NULL);
        let _ = replace.call3(&history, &state, &JsValue::from_str(""), &JsValue::from_str(url));
    }
}

/// The store picked from the `storage` option.
struct ChosenStore {
    store: Box<dyn Store>,
    /// `local` in a browser: other tabs' writes are followed.
    shared_between_tabs: bool,
    /// An asynchronous store, still to be read.
    loader: Option<Rc<storage::AsyncCustomStore>>,
}

/// `storage` option: a kind name, an object with the three methods (sync or Promise-returning),
/// or nothing (default).
fn choose_store(option: &JsValue, probe_key: &str) -> Result<ChosenStore, AuthError> {
    let plain = |store: Box<dyn Store>, shared_between_tabs: bool| ChosenStore { store, shared_between_tabs, loader: None };
    if option.is_undefined() || option.is_null() {
        return Ok(plain(default_store(), false));
    }
    if let Some(kind) = option.as_string() {
        // Unavailable Web Storage (private mode, no document) falls back to memory.
        return match kind.as_str() {
            "session" => Ok(plain(storage::web_storage("sessionStorage").map_or_else(memory, |s| Box::new(s) as Box<dyn Store>), false)),
            "local" => Ok(match storage::web_storage("localStorage") {
                Some(store) => plain(Box::new(store), host::in_browser_document()),
                None => plain(memory(), false),
            }),
            "memory" => Ok(plain(memory(), false)),
            _ => Err(AuthError::invalid_input("storage", "must be 'session', 'local', 'memory' or a storage object")),
        };
    }
    let custom = storage::CustomStore::new(option.clone())
        .ok_or_else(|| AuthError::new(ErrorCode::InvalidInput, "storage: needs getItem, setItem and removeItem"))?;
    if custom.is_async(probe_key) {
        let store = Rc::new(storage::AsyncCustomStore::new(custom));
        return Ok(ChosenStore { store: Box::new(store.clone()), shared_between_tabs: false, loader: Some(store) });
    }
    Ok(plain(Box::new(custom), false))
}

fn memory() -> Box<dyn Store> {
    Box::new(MemoryStore::default())
}

/// `sessionStorage` in browser documents, memory everywhere else.
fn default_store() -> Box<dyn Store> {
    if host::in_browser_document() {
        if let Some(store) = storage::web_storage("sessionStorage") {
            return Box::new(store);
        }
    }
    memory()
}
