//! The session core: what the client knows (session, pending recovery), how it changes, what is
//! stored, which events fire, and which request comes next. Synchronous: every operation returns
//! a [`Need`] — the next request, wait or result — and the one driver performs it, so the core
//! runs natively in tests without a server or a clock, and as wasm in any JS runtime.
//!
//! Generic over the platform protocol ([`Backend`]) and the host (clock, randomness); the store is
//! a trait object. The host's clock is the only clock: sessions from the backend get their expiry
//! here (`localize`).
//!
//! Rules kept here: input is validated and a missing session reported before any request; state
//! is committed (storage, then memory) before listeners run; no `RefCell` borrow is held while a
//! listener runs or across a step.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use crate::backend::{unsupported, Backend, Credential, PasswordChange, Proof, ResetOptions, SignOutScope, Updated, Verified};
use crate::error::{AuthError, ErrorCode, Result};
use crate::flight::Flight;
use crate::http::{Host, HttpRequest};
use crate::link::RecoveryLink;
use crate::need::{Need, RefreshFlight, Reply};
use crate::pkce;
use crate::session::{Session, User};
use crate::storage::{Keys, Store};
use crate::validate;

/// What listeners are told.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "SCREAMING_SNAKE_CASE"))]
pub enum AuthEvent {
    /// Signed in with a password.
    SignedIn,
    /// A recovery code or link was verified: time to set a new password. With a recovery session
    /// (GoTrue) the user is signed in; where the platform holds the credential instead, the
    /// session is whatever it was (usually none).
    PasswordRecovery,
    /// The user changed (password set).
    UserUpdated,
    /// New tokens for the same session.
    TokenRefreshed,
    /// No session any more.
    SignedOut,
}

impl AuthEvent {
    /// The name JavaScript sees.
    pub fn as_str(self) -> &'static str {
        match self {
            AuthEvent::SignedIn => "SIGNED_IN",
            AuthEvent::PasswordRecovery => "PASSWORD_RECOVERY",
            AuthEvent::UserUpdated => "USER_UPDATED",
            AuthEvent::TokenRefreshed => "TOKEN_REFRESHED",
            AuthEvent::SignedOut => "SIGNED_OUT",
        }
    }
}

/// A subscriber.
pub type Listener = Rc<dyn Fn(AuthEvent, Option<&Session>)>;

/// Waits between refresh attempts that failed in transit (network, timeout, 5xx, 429).
pub const REFRESH_RETRY_DELAYS_MS: [u32; 3] = [200, 400, 800];

/// After the server refused a refresh token while the access token is still valid, the client
/// does not ask again for this long (no retry storm); it keeps using the access token.
pub const REFRESH_FAILURE_COOLDOWN_SECONDS: f64 = 60.0;

/// How long after `request_password_reset` this client expects to be sent back with session
/// tokens in the address (the implicit-flow link). Outside that window, or without a request,
/// tokens in a link are refused unless the caller opts in: a crafted link must not sign anyone
/// in as someone else (login CSRF).
pub const PENDING_FLOW_SECONDS: u64 = 3600;

/// How the recovery email proves the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ResetFlow {
    /// The 6-digit code, or the link's token hash: no state kept here, so the link works in
    /// any tab or browser.
    #[default]
    Otp,
    /// The link redirects with a code that only this client (its stored verifier) can exchange.
    Pkce,
}

/// The client state machine. Operations take `self: &Rc<Self>`: their later steps hold on to it.
pub struct AuthCore<B, H> {
    backend: B,
    host: H,
    store: Box<dyn Store>,
    keys: Keys,
    session: RefCell<Option<Session>>,
    /// The refresh in progress, shared by every caller that needs it meanwhile.
    refreshing: RefCell<Option<RefreshFlight>>,
    /// A refresh token the server refused, and until when not to present it again.
    refused_refresh: RefCell<Option<(String, f64)>>,
    recovery_email: RefCell<Option<String>>,
    /// A verified reset credential waiting for the new password (platforms without a recovery
    /// session). In memory only: it is a one-time secret, and a reload asks for the code again.
    held: RefCell<Option<Credential>>,
    /// Until when the held credential is good, in this host's clock, when the platform said.
    held_until: Cell<Option<f64>>,
    /// Counts session changes (a sign-in, a sign-out, another user): a held credential belongs
    /// to the session it was verified in and is dropped at the next change, and a completion
    /// that fails puts it back only if no change happened meanwhile.
    session_epoch: Cell<u32>,
    /// The token the platform's server gave this client rather than a user (Wacht's development
    /// session), sent with every request once given; kept in the store.
    client_token: RefCell<Option<String>>,
    listeners: RefCell<Vec<(u32, Listener)>>,
    next_listener_id: Cell<u32>,
}

impl<B: Backend, H: Host + 'static> AuthCore<B, H> {
    /// Loads what `store` holds. A record that fails to parse or lacks fields is removed and
    /// treated as signed out; storage that cannot be read counts as empty. Never fails.
    pub fn new(backend: B, host: H, store: Box<dyn Store>, keys: Keys) -> Rc<Self> {
        let (session, recovery_email) = load(&host, store.as_ref(), &keys);
        let client_token = load_client_token::<B>(store.as_ref(), &keys);
        Rc::new(AuthCore {
            backend,
            host,
            store,
            keys,
            session: RefCell::new(session),
            refreshing: RefCell::new(None),
            refused_refresh: RefCell::new(None),
            recovery_email: RefCell::new(recovery_email),
            held: RefCell::new(None),
            held_until: Cell::new(None),
            session_epoch: Cell::new(0),
            client_token: RefCell::new(client_token),
            listeners: RefCell::new(Vec::new()),
            next_listener_id: Cell::new(1),
        })
    }

    /// Reads the store again (after an asynchronous store has filled in); no event fires, as
    /// this is the starting state rather than a change.
    pub fn reload(&self) {
        let (session, recovery_email) = load(&self.host, self.store.as_ref(), &self.keys);
        *self.session.borrow_mut() = session;
        *self.recovery_email.borrow_mut() = recovery_email;
        *self.client_token.borrow_mut() = load_client_token::<B>(self.store.as_ref(), &self.keys);
        self.drop_held();
    }

    /// The cached user: no network, no waiting.
    pub fn cached_user(&self) -> Option<User> {
        self.session.borrow().as_ref().map(|s| s.user.clone())
    }

    /// The address held since the last recovery request, if not yet verified.
    pub fn pending_recovery_email(&self) -> Option<String> {
        self.recovery_email.borrow().clone()
    }

    /// Until when (Unix seconds, this host's clock) the reset credential held since `verifyOtp`
    /// is good: `None` when none is held. `unsupported` on platforms whose verification does
    /// not say.
    pub fn held_credential_expires_at(&self) -> Result<Option<f64>> {
        if !B::CAPABILITIES.reports_reset_expiry {
            return Err(unsupported("The reset credential's expiry"));
        }
        Ok(self.held.borrow().as_ref().and_then(|_| self.held_until.get()))
    }

    /// Seconds until the access token should be refreshed; `None` when signed out.
    pub fn refresh_due_in(&self) -> Option<f64> {
        self.session.borrow().as_ref().map(|s| s.refresh_due_in(self.host.now()))
    }

    /// Refreshes now if the token is due (the background timer's job); failures follow the fault
    /// policy and are otherwise ignored here.
    pub fn refresh_if_due(self: &Rc<Self>) -> Need<()> {
        let steps = self.refresh_if_due_steps();
        self.observed(steps)
    }

    fn refresh_if_due_steps(self: &Rc<Self>) -> Need<()> {
        if self.refresh_due_in().is_some_and(|due| due <= 0.0) {
            return self.usable_session().then(|_| Need::ok(()));
        }
        Need::ok(())
    }

    /// Another tab changed the shared record (`local` storage): adopt a newer session, follow a
    /// sign-out, and put ours back if the incoming one is older than what this tab holds.
    pub fn adopt_external(&self, record: Option<&str>) {
        let incoming = record.and_then(|text| Session::from_record(text, self.host.now()));
        let current = self.session.borrow().clone();
        match (current, incoming) {
            (None, None) => {}
            (Some(_), None) => self.announce(None, AuthEvent::SignedOut),
            (None, Some(incoming)) => self.announce(Some(incoming), AuthEvent::SignedIn),
            (Some(current), Some(incoming)) => {
                if current.refresh_token == incoming.refresh_token && current.user == incoming.user {
                    return;
                }
                if incoming.expires_at >= current.expires_at {
                    let event = if current.user.id() == incoming.user.id() { AuthEvent::TokenRefreshed } else { AuthEvent::SignedIn };
                    self.announce(Some(incoming), event);
                } else {
                    let _ = self.store.set(&self.keys.session, &current.to_record());
                }
            }
        }
    }

    /// What a link carries, read the platform's way (nothing is sent).
    pub fn parse_link(&self, url: &str) -> Option<RecoveryLink> {
        self.backend.parse_link(url)
    }

    /// `url` without what a link carried, for the address bar (nothing is sent).
    pub fn clean_link(&self, url: &str) -> String {
        self.backend.clean_link(url)
    }

    /// Adds a listener; returns its id for [`Self::unsubscribe`].
    pub fn subscribe(&self, listener: Listener) -> u32 {
        let id = self.next_listener_id.get();
        self.next_listener_id.set(id.wrapping_add(1));
        self.listeners.borrow_mut().push((id, listener));
        id
    }

    /// Removes a listener (idempotent).
    pub fn unsubscribe(&self, id: u32) {
        self.listeners.borrow_mut().retain(|(i, _)| *i != id);
    }

    /// Sends the recovery email and remembers the address for `verify_recovery`.
    pub fn request_password_reset(self: &Rc<Self>, email: &str, redirect_to: Option<&str>, flow: ResetFlow) -> Need<()> {
        let steps = self.request_password_reset_steps(email, redirect_to, flow);
        self.observed(steps)
    }

    fn request_password_reset_steps(self: &Rc<Self>, email: &str, redirect_to: Option<&str>, flow: ResetFlow) -> Need<()> {
        let email = match validate::email("email", email) {
            Ok(email) => email,
            Err(e) => return Need::err(e),
        };
        if let Some(Err(e)) = redirect_to.map(|url| validate::url("redirectTo", url)) {
            return Need::err(e);
        }
        let challenge = match flow {
            ResetFlow::Otp => None,
            ResetFlow::Pkce if !B::CAPABILITIES.pkce => return Need::err(crate::backend::unsupported("flow: 'pkce'")),
            ResetFlow::Pkce => {
                let Some(random) = self.host.random_bytes() else {
                    return Need::err(AuthError::new(ErrorCode::InvalidInput, "flow: 'pkce' needs crypto.getRandomValues"));
                };
                let verifier = pkce::verifier(&random);
                // Stored before the request: the link may be clicked before the answer arrives.
                if self.store.set(&self.keys.code_verifier, &verifier).is_err() {
                    return Need::err(AuthError::new(ErrorCode::StorageError, "storage: the PKCE verifier could not be stored"));
                }
                Some(pkce::challenge(&verifier))
            }
        };
        let me = self.clone();
        self.backend.request_password_reset(&email, redirect_to, challenge.as_deref()).map(move |()| {
            let _ = me.store.set(&me.keys.recovery_email, &email);
            let until = me.host.now() as u64 + PENDING_FLOW_SECONDS;
            let _ = me.store.set(&me.keys.pending_flow, &crate::text::decimal(until));
            me.drop_held();
            *me.recovery_email.borrow_mut() = Some(email);
        })
    }

    /// Verifies the code or link. Where the platform answers a recovery session, signs in with
    /// it (PASSWORD_RECOVERY) and resolves with it; where it does not, holds the credential for
    /// `update_password` and resolves with `None`.
    pub fn verify_recovery(self: &Rc<Self>, proof: Proof) -> Need<Option<Session>> {
        let steps = self.verify_recovery_steps(proof);
        self.observed(steps)
    }

    fn verify_recovery_steps(self: &Rc<Self>, proof: Proof) -> Need<Option<Session>> {
        let proof = match proof {
            Proof::Code { email, code } => {
                // The caller's address, else the one held since the request; whether one is
                // needed at all is the platform's to say.
                let email = match email.map(|e| validate::email("email", &e)).transpose() {
                    Ok(email) => email.or_else(|| self.pending_recovery_email()),
                    Err(e) => return Need::err(e),
                };
                Proof::Code { email, code }
            }
            other => other,
        };
        let me = self.clone();
        let epoch = self.session_epoch.get();
        self.backend.verify_recovery(proof).and_then(move |verified| match verified {
            Verified::Session(session) => me.adopt_verified(session, AuthEvent::PasswordRecovery).map(Some),
            Verified::Held(_) if !B::CAPABILITIES.holds_credentials => Need::err(crate::wire::unexpected(200)),
            Verified::Held(credential) => {
                // As with a recovery session: a reset for another account than the one signed in
                // here would sign that account in on completion, so it is refused. A credential
                // that names no account cannot sign one in (completing needs the address; where
                // the platform signs nobody in, the client ends signed out).
                // Checked against the session now; one that changed while the code was checked
                // (a sign-in, a sign-out) is not the session it was verified for.
                if me.held_for_someone_else(&credential) || me.session_epoch.get() != epoch {
                    return Need::err(session_conflict());
                }
                me.forget_recovery_email();
                me.held_until.set(credential.expires_in.filter(|s| s.is_finite() && *s > 0.0).map(|s| me.host.now() + s));
                *me.held.borrow_mut() = Some(credential);
                // The same cue as a recovery session gives: time for the new password.
                let current = me.session.borrow().clone();
                me.announce(current, AuthEvent::PasswordRecovery);
                Need::ok(None)
            }
        })
    }

    /// Whether this client asked for a recovery email recently (in this storage).
    fn flow_pending(&self) -> bool {
        let until = self.store.get(&self.keys.pending_flow).ok().flatten().and_then(|t| t.parse::<u64>().ok());
        until.is_some_and(|until| (self.host.now() as u64) < until)
    }

    /// A freshly verified session takes over from nobody or from the same user. When another
    /// user is signed in here, nothing changes; the new session (already created by the server)
    /// is ended there too, so it does not linger.
    fn adopt_verified(self: &Rc<Self>, session: Session, event: AuthEvent) -> Need<Session> {
        let session = self.localize(session);
        let other_user = self.session.borrow().as_ref().is_some_and(|current| current.user.id() != session.user.id());
        if other_user {
            return self.backend.sign_out(&session, SignOutScope::Local).then(|_| Need::err(session_conflict()));
        }
        self.forget_recovery_email();
        self.commit(Some(session.clone()), event);
        Need::ok(session)
    }

    /// Consumes an auth redirect (`url`): tokens in the fragment, a PKCE `?code=`, a token hash,
    /// or an error. `None` when the URL carries none of these.
    ///
    /// Tokens in the fragment are taken only when this client asked for a recovery email within
    /// [`PENDING_FLOW_SECONDS`] or `accept_tokens` is set, and a session of another user than the
    /// one signed in here is never adopted (`session_conflict`): see README, "Security".
    pub fn handle_redirect(self: &Rc<Self>, url: &str, accept_tokens: bool) -> Need<Option<Session>> {
        let steps = self.handle_redirect_steps(url, accept_tokens);
        self.observed(steps)
    }

    fn handle_redirect_steps(self: &Rc<Self>, url: &str, accept_tokens: bool) -> Need<Option<Session>> {
        match self.backend.parse_link(url) {
            None => Need::ok(None),
            Some(RecoveryLink::Credential(code)) => self.verify_recovery_steps(Proof::Code { email: None, code }),
            Some(RecoveryLink::Parts(parts)) => self.verify_recovery_steps(Proof::Parts(parts)),
            Some(RecoveryLink::Error(error)) => Need::err(error),
            Some(RecoveryLink::TokenHash(hash)) => self.verify_recovery_steps(Proof::Link(hash)),
            Some(RecoveryLink::Code(code)) => {
                let Some(verifier) = self.store.get(&self.keys.code_verifier).ok().flatten() else {
                    return Need::err(AuthError::new(
                        ErrorCode::InvalidCode,
                        "This link must be opened where the reset was requested (no PKCE verifier here); request a new email or enter the code",
                    ));
                };
                let me = self.clone();
                self.backend.exchange_code(&code, &verifier).and_then(move |session| {
                    let _ = me.store.remove(&me.keys.code_verifier);
                    me.adopt_verified(session, AuthEvent::PasswordRecovery).map(Some)
                })
            }
            Some(RecoveryLink::Session { access_token, refresh_token, expires_at, expires_in, kind }) => {
                // Checked before anything else: these become request headers.
                if let Err(e) = validate::token("access_token", &access_token).and(validate::token("refresh_token", &refresh_token)) {
                    return Need::err(e);
                }
                if !accept_tokens && !self.flow_pending() {
                    return Need::err(AuthError::new(
                        ErrorCode::UnsolicitedSession,
                        "This link carries a session this app did not ask for; open the link where the reset was requested, or enter the code from the email",
                    ));
                }
                let me = self.clone();
                // Only the token is needed to ask who it belongs to.
                let probe = Session { access_token: access_token.clone(), refresh_token: refresh_token.clone(), expires_at, expires_in, token_type: "bearer".into(), user: User::unknown() };
                self.backend.get_user(&probe).and_then(move |user| {
                    if me.session.borrow().as_ref().is_some_and(|current| current.user.id() != user.id()) {
                        // Someone else's tokens: not ours to end.
                        return Need::err(session_conflict());
                    }
                    let now = me.host.now();
                    let expires_in = if expires_in > 0.0 { expires_in } else { (expires_at - now).max(0.0) };
                    let session = Session { access_token, refresh_token, expires_at: now + expires_in, expires_in, token_type: "bearer".into(), user };
                    let event = if kind == "recovery" { AuthEvent::PasswordRecovery } else { AuthEvent::SignedIn };
                    me.forget_recovery_email();
                    me.commit(Some(session.clone()), event);
                    Need::ok(Some(session))
                })
            }
        }
    }

    /// Adopts a session the app obtained elsewhere (a platform's hosted login, the app's own
    /// backend): the tokens are checked, the server is asked whose they are, and the session
    /// replaces whatever was here (SIGNED_IN). `expires_in` is the access token's remaining
    /// lifetime in seconds (the platform reads it from the token where it can).
    pub fn set_session(self: &Rc<Self>, access_token: &str, refresh_token: &str, expires_in: Option<f64>) -> Need<Session> {
        let steps = self.set_session_steps(access_token, refresh_token, expires_in);
        self.observed(steps)
    }

    fn set_session_steps(self: &Rc<Self>, access_token: &str, refresh_token: &str, expires_in: Option<f64>) -> Need<Session> {
        if let Err(e) = validate::token("accessToken", access_token).and(validate::token("refreshToken", refresh_token)) {
            return Need::err(e);
        }
        let claimed = || self.backend.token_lifetime(access_token, self.host.now());
        let Some(expires_in) = expires_in.or_else(claimed).filter(|s| s.is_finite() && *s > 0.0) else {
            return Need::err(AuthError::invalid_input("expiresIn", "is required (a positive number of seconds): the access token does not say"));
        };
        let probe = Session { access_token: access_token.into(), refresh_token: refresh_token.into(), expires_at: expires_in, expires_in, token_type: "bearer".into(), user: User::unknown() };
        let me = self.clone();
        self.backend.get_user(&probe).map(move |user| {
            let session = me.localize(Session { user, ..probe });
            me.forget_recovery_email();
            me.commit(Some(session.clone()), AuthEvent::SignedIn);
            session
        })
    }

    /// Signs in with email and password (SIGNED_IN).
    pub fn sign_in(self: &Rc<Self>, email: &str, password: &str) -> Need<Session> {
        let steps = self.sign_in_steps(email, password);
        self.observed(steps)
    }

    fn sign_in_steps(self: &Rc<Self>, email: &str, password: &str) -> Need<Session> {
        let email = match validate::email("email", email) {
            Ok(email) => email,
            Err(e) => return Need::err(e),
        };
        // No password the server accepted can be longer than 72 bytes or hold a control character.
        if let Err(e) = validate::password("password", password) {
            return Need::err(e);
        }
        let me = self.clone();
        self.backend.sign_in_with_password(&email, password).map(move |session| {
            let session = me.localize(session);
            me.commit(Some(session.clone()), AuthEvent::SignedIn);
            session
        })
    }

    /// Sets a new password. After a verification that held a credential, completes the reset
    /// with it (the platform then signs the user in, or, where a reset ends every session and
    /// signing in is the app's, the client is signed out: `None`). Otherwise changes the
    /// signed-in user's password: the session stays the same one, the user's other sessions end
    /// on the server, and `current`, when given, is always checked.
    pub fn update_password(self: &Rc<Self>, password: &str, current: Option<&str>, nonce: Option<&str>, options: ResetOptions) -> Need<Option<User>> {
        let steps = self.update_password_steps(password, current, nonce, options);
        self.observed(steps)
    }

    fn update_password_steps(self: &Rc<Self>, password: &str, current: Option<&str>, nonce: Option<&str>, options: ResetOptions) -> Need<Option<User>> {
        if let Err(e) = validate::password("password", password) {
            return Need::err(e);
        }
        if let Some(Err(e)) = current.map(|c| validate::password("currentPassword", c)) {
            return Need::err(e);
        }
        let nonce = match nonce.map(|n| validate::otp("nonce", n)).transpose() {
            Ok(nonce) => nonce,
            Err(e) => return Need::err(e),
        };
        if options.skip_password_updated_email && !B::CAPABILITIES.skips_password_updated_email {
            return Need::err(unsupported("skipPasswordUpdatedEmail"));
        }
        // A signed-in change names the current password: a held reset never answers it, so
        // one planted by a link (or left from another account) cannot take the change over.
        let held = if B::CAPABILITIES.holds_credentials && current.is_none() { self.held.borrow_mut().take() } else { None };
        if let Some(held) = held {
            // Dropped at every session change, so this holds; checked again all the same.
            if self.held_for_someone_else(&held) {
                return Need::err(session_conflict());
            }
            let me = self.clone();
            let kept = held.clone();
            let epoch = self.session_epoch.get();
            return self.backend.complete_recovery(held, password, options).then(move |result| match result {
                Ok(Some(session)) => {
                    let session = me.localize(session);
                    let user = session.user.clone();
                    me.commit(Some(session), AuthEvent::UserUpdated);
                    Need::ok(Some(user))
                }
                Ok(None) => {
                    // The platform ended every session of the user: none is kept here either.
                    if me.session.borrow().is_some() {
                        me.commit(None, AuthEvent::SignedOut);
                    }
                    me.announce(None, AuthEvent::UserUpdated);
                    Need::ok(None)
                }
                Err(e) => {
                    // A refused password, a network failure: the credential was not spent and
                    // the user tries again with it (as a recovery session outlives a weak
                    // password). Only a credential the platform refused is dropped.
                    if e.code != ErrorCode::InvalidOtp && me.held.borrow().is_none() && me.session_epoch.get() == epoch {
                        *me.held.borrow_mut() = Some(kept);
                    }
                    Need::err(e)
                }
            });
        }
        if options.skip_password_updated_email {
            return Need::err(unsupported("skipPasswordUpdatedEmail outside a reset"));
        }
        if current.is_none() && B::CAPABILITIES.checks_current_password && self.session.borrow().is_some() {
            return Need::err(AuthError::new(ErrorCode::CurrentPasswordRequired, "currentPassword: this platform requires the current password to change it"));
        }
        let (password, current) = (password.to_string(), current.map(str::to_string));
        let me = self.clone();
        self.usable_session().and_then(move |session| {
            // GoTrue checks current_password only when configured to; a sign-in with it proves
            // it whatever the configuration. The extra session ends with the password change.
            // Platforms that check it themselves get it with the change instead.
            let probe: Need<Option<Session>> = match &current {
                Some(current) if !B::CAPABILITIES.checks_current_password => {
                    let email = session.user.email().unwrap_or_default().to_string();
                    me.backend.sign_in_with_password(&email, current).then(|result| match result {
                        Ok(probe) => Need::ok(Some(probe)),
                        Err(e) if e.code == ErrorCode::InvalidCredentials => {
                            Need::err(AuthError { code: ErrorCode::InvalidCurrentPassword, message: "The current password is wrong".into(), ..e })
                        }
                        Err(e) => Need::err(e),
                    })
                }
                _ => Need::ok(None),
            };
            probe.and_then(move |probe| {
                let change = PasswordChange { password: &password, current_password: current.as_deref(), nonce: nonce.as_deref() };
                let me2 = me.clone();
                me.with_renewals(me.backend.update_password(&session, change)).then(move |result| {
                    // A failed change leaves no extra session behind.
                    let cleanup = match (&result, &probe) {
                        (Err(_), Some(probe)) => me2.backend.sign_out(probe, SignOutScope::Local),
                        _ => Need::ok(()),
                    };
                    cleanup.then(move |_| me2.user_changed(result).map(Some).into())
                })
            })
        })
    }

    /// The current session, refreshed first when it is about to expire; `None` when signed out.
    pub fn session(self: &Rc<Self>) -> Need<Option<Session>> {
        let steps = self.session_steps();
        self.observed(steps)
    }

    fn session_steps(self: &Rc<Self>) -> Need<Option<Session>> {
        if self.session.borrow().is_none() {
            return Need::ok(None);
        }
        self.usable_session().then(|result| match result {
            Ok(session) => Need::ok(Some(session)),
            Err(e) if e.code == ErrorCode::NotAuthenticated => Need::ok(None),
            Err(e) => Need::err(e),
        })
    }

    /// The user as the server has it now; refreshes the cached copy.
    pub fn user(self: &Rc<Self>) -> Need<User> {
        let steps = self.user_steps();
        self.observed(steps)
    }

    fn user_steps(self: &Rc<Self>) -> Need<User> {
        let me = self.clone();
        self.usable_session().and_then(move |session| {
            me.with_renewals(me.backend.get_user(&session)).then(move |result| me.user_read(result).into())
        })
    }

    /// Asks the server to email a reauthentication nonce.
    pub fn reauthenticate(self: &Rc<Self>) -> Need<()> {
        let steps = self.reauthenticate_steps();
        self.observed(steps)
    }

    fn reauthenticate_steps(self: &Rc<Self>) -> Need<()> {
        let me = self.clone();
        self.usable_session().and_then(move |session| me.with_renewals(me.backend.reauthenticate(&session)).then(move |result| me.forget_session_if_gone(result).into()))
    }

    /// A call made with the session. Where the platform renews session tokens in its answers,
    /// the renewed token is adopted as each answer arrives, whatever the call's outcome: the old
    /// one no longer works.
    fn with_renewals<T: 'static>(self: &Rc<Self>, need: Need<T>) -> Need<T> {
        if !B::CAPABILITIES.renews_tokens_in_answers {
            return need;
        }
        let me = self.clone();
        need.around(Rc::new(|_: &mut HttpRequest| {}), Rc::new(move |reply: &Reply| me.adopt_renewed(reply)))
    }

    /// Every request of an operation, on platforms whose server gives this client a token of
    /// its own (Wacht's development session): it goes with each request that carries none, signed
    /// out too, and each answer that carries one replaces it — so every request of a reset comes
    /// from the one browser session the server knows.
    fn observed<T: 'static>(self: &Rc<Self>, need: Need<T>) -> Need<T> {
        let Some(header) = B::CAPABILITIES.client_token_header else { return need };
        let (me, me2) = (self.clone(), self.clone());
        let stamp = move |request: &mut HttpRequest| {
            let present = request.headers.iter().any(|(name, _)| name.eq_ignore_ascii_case(header));
            if let Some(token) = me.client_token.borrow().as_ref().filter(|_| !present) {
                request.headers.push((header.to_string(), token.clone()));
            }
        };
        let read = move |reply: &Reply| {
            let Some(token) = reply.as_ref().ok().and_then(|response| me2.backend.client_token(response)) else { return };
            if me2.client_token.borrow().as_deref() != Some(token.as_str()) {
                let _ = me2.store.set(&me2.keys.client_token, &token);
                *me2.client_token.borrow_mut() = Some(token);
            }
        };
        need.around(Rc::new(stamp), Rc::new(read))
    }

    fn adopt_renewed(&self, reply: &Reply) {
        // A 401 says this session is gone: a token it carries starts another (signed out).
        let renewal = reply.as_ref().ok().filter(|response| response.status != 401);
        let Some((token, expires_at)) = renewal.and_then(|response| self.backend.renewed_token(response)) else { return };
        let current = self.session.borrow().clone();
        if let Some(current) = current.filter(|s| s.access_token != token) {
            let renewed = Session { access_token: token.clone(), refresh_token: token, expires_at, ..current };
            self.commit(Some(renewed), AuthEvent::TokenRefreshed);
        }
    }

    /// Signs out. `Local` and `Global` always end the session here, even when the server cannot
    /// be reached; a failure other than "already signed out" is still reported afterwards for
    /// `Global`, because other devices may still be signed in. `Others` keeps this session.
    pub fn sign_out(self: &Rc<Self>, scope: SignOutScope) -> Need<()> {
        let steps = self.sign_out_steps(scope);
        self.observed(steps)
    }

    fn sign_out_steps(self: &Rc<Self>, scope: SignOutScope) -> Need<()> {
        if scope != SignOutScope::Others {
            // Signing out leaves nothing behind, a reset verified while signed out included.
            self.drop_held();
        }
        let Some(session) = self.session.borrow().clone() else {
            return match scope {
                SignOutScope::Others => Need::err(AuthError::not_signed_in()),
                _ => Need::ok(()),
            };
        };
        let me = self.clone();
        self.backend.sign_out(&session, scope).then(move |result| {
            let result = match result {
                Err(e) if e.code == ErrorCode::NotAuthenticated && scope != SignOutScope::Others => Ok(()),
                // A scope the platform lacks changes nothing: the caller asked for more than a
                // local sign-out, and quietly doing less would be worse than saying so.
                Err(e) if e.code == ErrorCode::Unsupported => return Need::err(e),
                other => other,
            };
            match scope {
                SignOutScope::Others => me.forget_session_if_gone(result),
                SignOutScope::Local => {
                    me.commit(None, AuthEvent::SignedOut);
                    Ok(())
                }
                SignOutScope::Global => {
                    me.commit(None, AuthEvent::SignedOut);
                    result
                }
            }
            .into()
        })
    }

    /// A session whose access token is good for a while, refreshing it if needed. Concurrent
    /// callers share one refresh. While the access token is still valid, no refresh failure
    /// costs the caller its session (fault policy in the README).
    fn usable_session(self: &Rc<Self>) -> Need<Session> {
        let Some(session) = self.session.borrow().clone() else { return Need::err(AuthError::not_signed_in()) };
        let now = self.host.now();
        if !session.needs_refresh(now) {
            return Need::ok(session);
        }
        let refused = self.refused_refresh.borrow().as_ref().is_some_and(|(token, until)| *token == session.refresh_token && now < *until);
        if refused {
            return self.without_refresh(session, AuthError::new(ErrorCode::NotAuthenticated, "The session has ended")).into();
        }
        if let Some(flight) = self.refreshing.borrow().clone() {
            return Need::Wait(flight, Box::new(Need::Done));
        }
        let flight = Flight::new();
        *self.refreshing.borrow_mut() = Some(flight.clone());
        let me = self.clone();
        self.refresh(session, 0).then(move |result| {
            *me.refreshing.borrow_mut() = None;
            flight.land(result.clone());
            result.into()
        })
    }

    /// One refresh under the fault policy: transient failures are retried with backoff; a
    /// refused refresh token ends the session only once the access token has expired.
    fn refresh(self: &Rc<Self>, session: Session, attempt: usize) -> Need<Session> {
        let me = self.clone();
        self.backend.refresh(&session).then(move |result| match result {
            Ok(fresh) => me.refreshed(&session, fresh).into(),
            Err(error) if is_transient(&error) && attempt < REFRESH_RETRY_DELAYS_MS.len() => {
                let delay = REFRESH_RETRY_DELAYS_MS[attempt];
                Need::Sleep(delay, Box::new(move || me.refresh(session, attempt + 1)))
            }
            Err(error) => {
                if !is_transient(&error) {
                    let until = me.host.now() + REFRESH_FAILURE_COOLDOWN_SECONDS;
                    *me.refused_refresh.borrow_mut() = Some((session.refresh_token.clone(), until));
                }
                me.without_refresh(session, error).into()
            }
        })
    }

    /// A refresh answered: adopt it, unless the state moved on meanwhile.
    fn refreshed(&self, old: &Session, fresh: Session) -> Result<Session> {
        let fresh = self.localize(fresh);
        // Signed out, or in again, while the refresh was in flight: theirs wins.
        let current = self.session.borrow().clone();
        if current.as_ref().map(|s| &s.refresh_token) != Some(&old.refresh_token) {
            return current.ok_or_else(AuthError::not_signed_in);
        }
        // Another tab sharing the store refreshed later: never overwrite newer with older.
        if let Some(stored) = self.stored_session().filter(|s| s.refresh_token != old.refresh_token && s.expires_at > fresh.expires_at) {
            self.announce(Some(stored.clone()), AuthEvent::TokenRefreshed);
            return Ok(stored);
        }
        self.commit(Some(fresh.clone()), AuthEvent::TokenRefreshed);
        Ok(fresh)
    }

    /// The refresh did not happen: the old access token serves while it is valid. Once it has
    /// expired, a refused refresh token signs out; a transient failure keeps the session for a
    /// later attempt and reports the failure.
    fn without_refresh(&self, session: Session, error: AuthError) -> Result<Session> {
        if !session.is_expired(self.host.now()) {
            return Ok(session);
        }
        if is_transient(&error) {
            return Err(error);
        }
        let still_current = self.session.borrow().as_ref().map(|s| &s.refresh_token) == Some(&session.refresh_token);
        if still_current {
            self.commit(None, AuthEvent::SignedOut);
        }
        Err(AuthError { code: ErrorCode::NotAuthenticated, ..error })
    }

    fn stored_session(&self) -> Option<Session> {
        let text = self.store.get(&self.keys.session).ok().flatten()?;
        Session::from_record(&text, self.host.now())
    }

    /// The recovery is done: the held address and the pending-flow mark are no longer needed.
    fn forget_recovery_email(&self) {
        let _ = self.store.remove(&self.keys.recovery_email);
        let _ = self.store.remove(&self.keys.pending_flow);
        *self.recovery_email.borrow_mut() = None;
    }

    /// Expiry in this host's clock: receipt time plus the lifetime the server gave, so a clock
    /// that differs from the server's neither refreshes constantly nor too late.
    fn localize(&self, session: Session) -> Session {
        if session.expires_in > 0.0 {
            Session { expires_at: self.host.now() + session.expires_in, ..session }
        } else {
            session
        }
    }

    /// A server that says the session is gone is believed: the local copy goes too.
    fn forget_session_if_gone<T>(&self, result: Result<T>) -> Result<T> {
        if let Err(e) = &result {
            if e.code == ErrorCode::NotAuthenticated && self.session.borrow().is_some() {
                self.commit(None, AuthEvent::SignedOut);
            }
        }
        result
    }

    /// The server's answer to a password change: adopted (USER_UPDATED) — a new session where
    /// the platform issued one —, or a session the server no longer knows forgotten.
    fn user_changed(&self, result: Result<Updated>) -> Result<User> {
        match self.forget_session_if_gone(result)? {
            Updated::User(user) => {
                self.update_cached_user(user.clone());
                Ok(user)
            }
            Updated::Session(session) => {
                let session = self.localize(session);
                let user = session.user.clone();
                self.commit(Some(session), AuthEvent::UserUpdated);
                Ok(user)
            }
            // As after a reset that ends every session: signed out, then the change announced.
            Updated::SignedOut(user) => {
                if self.session.borrow().is_some() {
                    self.commit(None, AuthEvent::SignedOut);
                }
                self.announce(None, AuthEvent::UserUpdated);
                Ok(user)
            }
        }
    }

    /// The server's view of the user: the cached copy follows it when it differs.
    fn user_read(&self, result: Result<User>) -> Result<User> {
        let user = self.forget_session_if_gone(result)?;
        if self.session.borrow().as_ref().map(|s| &s.user) != Some(&user) {
            self.update_cached_user(user.clone());
        }
        Ok(user)
    }

    fn update_cached_user(&self, user: User) {
        let updated = self.session.borrow().clone().map(|s| Session { user, ..s });
        if updated.is_some() {
            self.commit(updated, AuthEvent::UserUpdated);
        }
    }

    /// Storage, then memory (a failing store keeps the in-memory state), then listeners.
    fn commit(&self, session: Option<Session>, event: AuthEvent) {
        match &session {
            Some(s) => {
                let _ = self.store.set(&self.keys.session, &s.to_record());
            }
            None => {
                let _ = self.store.remove(&self.keys.session);
            }
        }
        self.announce(session, event);
    }

    /// Memory, then listeners: for state that storage already holds.
    fn announce(&self, session: Option<Session>, event: AuthEvent) {
        let same_user = self.session.borrow().as_ref().map(|s| s.user.id()) == session.as_ref().map(|s| s.user.id());
        if !same_user || matches!(event, AuthEvent::SignedIn | AuthEvent::SignedOut) {
            self.drop_held();
        }
        if session.is_none() {
            // A client token that is the ended session's own (a sign-out the server never
            // answered, another tab's sign-out) is that session's credential: it goes with it.
            let ended = self.session.borrow().as_ref().map(|s| s.access_token.clone());
            if ended.is_some() && *self.client_token.borrow() == ended {
                let _ = self.store.remove(&self.keys.client_token);
                *self.client_token.borrow_mut() = None;
            }
        }
        *self.session.borrow_mut() = session.clone();
        // Listeners may subscribe, unsubscribe or call back into the client.
        let listeners: Vec<Listener> = self.listeners.borrow().iter().map(|(_, l)| l.clone()).collect();
        for listener in listeners {
            listener(event, session.as_ref());
        }
    }
}

impl<B: Backend, H: Host + 'static> AuthCore<B, H> {
    /// A session change: a held reset credential belongs to the session it was verified in.
    fn drop_held(&self) {
        self.session_epoch.set(self.session_epoch.get().wrapping_add(1));
        *self.held.borrow_mut() = None;
        self.held_until.set(None);
    }

    /// Whether completing `credential` could change another account than the one signed in
    /// here. A credential that names no account (Wristband's) could be anyone's — a crafted
    /// link's —, so while someone is signed in it counts as another's: sign out first.
    fn held_for_someone_else(&self, credential: &Credential) -> bool {
        self.session.borrow().as_ref().is_some_and(|current| match (current.user.email(), credential.email.as_deref()) {
            (Some(a), Some(b)) => !a.eq_ignore_ascii_case(b),
            _ => true,
        })
    }
}

fn session_conflict() -> AuthError {
    AuthError::new(ErrorCode::SessionConflict, "Another account is signed in here; sign out first, then use a new link or code")
}

/// Failures in transit, worth another attempt: the refresh token may still be good.
fn is_transient(error: &AuthError) -> bool {
    matches!(error.code, ErrorCode::NetworkError | ErrorCode::Timeout | ErrorCode::ServerError | ErrorCode::RateLimited)
}

/// The stored client token, where the platform has one; one that could not be a header is dropped.
fn load_client_token<B: Backend>(store: &dyn Store, keys: &Keys) -> Option<String> {
    B::CAPABILITIES.client_token_header?;
    store.get(&keys.client_token).ok().flatten().filter(|t| validate::is_token(t))
}

/// The stored session and pending recovery email. A damaged record is removed.
fn load<H: Host>(host: &H, store: &dyn Store, keys: &Keys) -> (Option<Session>, Option<String>) {
    let stored = store.get(&keys.session).ok().flatten();
    let session = stored.as_deref().and_then(|text| Session::from_record(text, host.now()));
    if stored.is_some() && session.is_none() {
        let _ = store.remove(&keys.session);
    }
    let recovery_email = store.get(&keys.recovery_email).ok().flatten().filter(|e| validate::email("email", e).is_ok());
    (session, recovery_email)
}
