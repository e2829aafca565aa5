//! The session core: what the client knows (session, pending recovery email), how it changes,
//! what is stored, and which events fire. Generic over the backend protocol and the host (clock,
//! timers, randomness), with the store behind a trait object, so it runs natively in tests and
//! in any JS runtime as wasm. The host's clock is the only clock: sessions from the backend get
//! their expiry here (`localize`).
//!
//! Rules kept here: input is validated and a missing session reported before any request;
//! state is committed (memory, then storage) before listeners run; no `RefCell` borrow is held
//! across an `await` or while a listener runs.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use crate::backend::{Backend, PasswordChange, SignOutScope};
use crate::error::{AuthError, ErrorCode, Result};
use crate::flight::Flight;
use crate::http::Host;
use crate::link::{self, RecoveryLink};
use crate::pkce;
use crate::session::{Session, User};
use crate::storage::{Keys, Store};
use crate::validate;

/// What listeners are told.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthEvent {
    /// Signed in with a password.
    SignedIn,
    /// Signed in through a recovery code or link: time to set a new password.
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

/// How a recovery is proven.
#[derive(Clone)]
pub enum RecoveryProof {
    /// The emailed code; the email defaults to the one held since `request_password_reset`.
    Code {
        /// The address, if the caller gave it.
        email: Option<String>,
        /// The 6-digit code.
        code: String,
    },
    /// The token hash from the link.
    TokenHash(String),
}

/// The code and the hash are one-time secrets: `Debug` names the variant only.
impl std::fmt::Debug for RecoveryProof {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RecoveryProof::Code { email, .. } => f.debug_struct("Code").field("email", email).field("code", &"<redacted>").finish(),
            RecoveryProof::TokenHash(_) => f.write_str("TokenHash(<redacted>)"),
        }
    }
}

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

/// The client state machine.
pub struct AuthCore<B, H> {
    backend: B,
    host: H,
    store: Box<dyn Store>,
    keys: Keys,
    session: RefCell<Option<Session>>,
    /// The refresh in progress, shared by every caller that needs it meanwhile.
    refreshing: RefCell<Option<Rc<Flight<Result<Session>>>>>,
    /// A refresh token the server refused, and until when not to present it again.
    refused_refresh: RefCell<Option<(String, f64)>>,
    recovery_email: RefCell<Option<String>>,
    listeners: RefCell<Vec<(u32, Listener)>>,
    next_listener_id: Cell<u32>,
}

impl<B: Backend, H: Host> AuthCore<B, H> {
    /// Loads what `store` holds. A record that fails to parse or lacks fields is removed and
    /// treated as signed out; storage that cannot be read counts as empty. Never fails.
    pub fn new(backend: B, host: H, store: Box<dyn Store>, keys: Keys) -> Self {
        let (session, recovery_email) = load(&host, store.as_ref(), &keys);
        AuthCore {
            backend,
            host,
            store,
            keys,
            session: RefCell::new(session),
            refreshing: RefCell::new(None),
            refused_refresh: RefCell::new(None),
            recovery_email: RefCell::new(recovery_email),
            listeners: RefCell::new(Vec::new()),
            next_listener_id: Cell::new(1),
        }
    }

    /// Reads the store again (after an asynchronous store has filled in); no event fires, as
    /// this is the starting state rather than a change.
    pub fn reload(&self) {
        let (session, recovery_email) = load(&self.host, self.store.as_ref(), &self.keys);
        *self.session.borrow_mut() = session;
        *self.recovery_email.borrow_mut() = recovery_email;
    }

    /// The cached user: no network, no waiting.
    pub fn cached_user(&self) -> Option<User> {
        self.session.borrow().as_ref().map(|s| s.user.clone())
    }

    /// The address held since the last recovery request, if not yet verified.
    pub fn pending_recovery_email(&self) -> Option<String> {
        self.recovery_email.borrow().clone()
    }

    /// Seconds until the access token should be refreshed; `None` when signed out.
    pub fn refresh_due_in(&self) -> Option<f64> {
        self.session.borrow().as_ref().map(|s| s.refresh_due_in(self.host.now()))
    }

    /// Refreshes now if the token is due (the background timer's job); failures follow the fault
    /// policy and are otherwise ignored here.
    pub async fn refresh_if_due(&self) {
        if self.refresh_due_in().is_some_and(|due| due <= 0.0) {
            let _ = self.usable_session().await;
        }
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
    pub async fn request_password_reset(&self, email: &str, redirect_to: Option<&str>, flow: ResetFlow) -> Result<()> {
        let email = validate::email("email", email)?;
        if let Some(url) = redirect_to {
            validate::url("redirectTo", url)?;
        }
        let challenge = match flow {
            ResetFlow::Otp => None,
            ResetFlow::Pkce => {
                let random = self.host.random_bytes().ok_or_else(|| AuthError::new(ErrorCode::InvalidInput, "flow: 'pkce' needs crypto.getRandomValues"))?;
                let verifier = pkce::verifier(&random);
                // Stored before the request: the link may be clicked before the answer arrives.
                self.store
                    .set(&self.keys.code_verifier, &verifier)
                    .map_err(|_| AuthError::new(ErrorCode::StorageError, "storage: the PKCE verifier could not be stored"))?;
                Some(pkce::challenge(&verifier))
            }
        };
        self.backend.request_password_reset(&email, redirect_to, challenge.as_deref()).await?;
        let _ = self.store.set(&self.keys.recovery_email, &email);
        let until = self.host.now() as u64 + PENDING_FLOW_SECONDS;
        let _ = self.store.set(&self.keys.pending_flow, &until.to_string());
        *self.recovery_email.borrow_mut() = Some(email);
        Ok(())
    }

    /// Whether this client asked for a recovery email recently (in this storage).
    fn flow_pending(&self) -> bool {
        let until = self.store.get(&self.keys.pending_flow).ok().flatten().and_then(|t| t.parse::<u64>().ok());
        until.is_some_and(|until| (self.host.now() as u64) < until)
    }

    /// A freshly verified session may take over only from nobody or from the same user. When
    /// another user is signed in here, nothing changes; the new session (already created by
    /// the server) is ended there too, so it does not linger.
    async fn refuse_other_user(&self, fresh: &Session) -> Result<()> {
        let current = self.session.borrow().as_ref().map(|s| s.user.id().to_string());
        match current {
            Some(id) if id != fresh.user.id() => {
                let _ = self.backend.sign_out(&fresh.access_token, SignOutScope::Local).await;
                Err(session_conflict())
            }
            _ => Ok(()),
        }
    }

    /// Verifies the code or link and signs in with the recovery session (PASSWORD_RECOVERY).
    pub async fn verify_recovery(&self, proof: RecoveryProof) -> Result<Session> {
        let session = match proof {
            RecoveryProof::Code { email, code } => {
                let email = match email {
                    Some(email) => validate::email("email", &email)?,
                    None => self
                        .pending_recovery_email()
                        .ok_or_else(|| AuthError::invalid_input("email", "is required (no password reset was requested from this client)"))?,
                };
                let code = validate::otp("token", &code)?;
                self.backend.verify_recovery_code(&email, &code).await?
            }
            RecoveryProof::TokenHash(hash) => {
                let hash = validate::token_hash("tokenHash", &hash)?;
                self.backend.verify_recovery_token_hash(&hash).await?
            }
        };
        let session = self.localize(session);
        self.refuse_other_user(&session).await?;
        self.forget_recovery_email();
        self.commit(Some(session.clone()), AuthEvent::PasswordRecovery);
        Ok(session)
    }

    /// Consumes an auth redirect (`url`): tokens in the fragment, a PKCE `?code=`, a token hash,
    /// or an error. `Ok(None)` when the URL carries none of these.
    ///
    /// Tokens in the fragment are taken only when this client asked for a recovery email within
    /// [`PENDING_FLOW_SECONDS`] or `accept_tokens` is set, and a session of another user than the
    /// one signed in here is never adopted (`session_conflict`): see README, "Security".
    pub async fn handle_redirect(&self, url: &str, accept_tokens: bool) -> Result<Option<Session>> {
        let (session, event) = match link::parse(url) {
            None => return Ok(None),
            Some(RecoveryLink::Error { code, description }) => return Err(crate::error::from_redirect(&code, &description)),
            Some(RecoveryLink::TokenHash(hash)) => return self.verify_recovery(RecoveryProof::TokenHash(hash)).await.map(Some),
            Some(RecoveryLink::Code(code)) => {
                let verifier = self.store.get(&self.keys.code_verifier).ok().flatten().ok_or_else(|| {
                    AuthError::new(
                        ErrorCode::InvalidCode,
                        "This link must be opened where the reset was requested (no PKCE verifier here); request a new email or enter the code",
                    )
                })?;
                let session = self.localize(self.backend.exchange_code(&code, &verifier).await?);
                let _ = self.store.remove(&self.keys.code_verifier);
                self.refuse_other_user(&session).await?;
                (session, AuthEvent::PasswordRecovery)
            }
            Some(RecoveryLink::Session { access_token, refresh_token, expires_at, expires_in, kind }) => {
                // Checked before anything else: these become request headers.
                validate::token("access_token", &access_token)?;
                validate::token("refresh_token", &refresh_token)?;
                if !accept_tokens && !self.flow_pending() {
                    return Err(AuthError::new(
                        ErrorCode::UnsolicitedSession,
                        "This link carries a session this app did not ask for; open the link where the reset was requested, or enter the code from the email",
                    ));
                }
                let user = self.backend.get_user(&access_token).await?;
                if self.session.borrow().as_ref().is_some_and(|current| current.user.id() != user.id()) {
                    // Someone else's tokens: not ours to end.
                    return Err(session_conflict());
                }
                let expires_in = if expires_in > 0.0 { expires_in } else { (expires_at - self.host.now()).max(0.0) };
                let session = Session { access_token, refresh_token, expires_at: self.host.now() + expires_in, expires_in, token_type: "bearer".into(), user };
                let event = if kind == "recovery" { AuthEvent::PasswordRecovery } else { AuthEvent::SignedIn };
                (session, event)
            }
        };
        self.forget_recovery_email();
        self.commit(Some(session.clone()), event);
        Ok(Some(session))
    }

    /// Signs in with email and password (SIGNED_IN).
    pub async fn sign_in(&self, email: &str, password: &str) -> Result<Session> {
        let email = validate::email("email", email)?;
        // No password the server accepted can be longer than 72 bytes or hold a control character.
        validate::password("password", password)?;
        let session = self.localize(self.backend.sign_in_with_password(&email, password).await?);
        self.commit(Some(session.clone()), AuthEvent::SignedIn);
        Ok(session)
    }

    /// Changes the password of the signed-in user. The session stays the same one; the other
    /// sessions of the user end on the server. `current`, when given, is always checked.
    pub async fn update_password(&self, password: &str, current: Option<&str>, nonce: Option<&str>) -> Result<User> {
        validate::password("password", password)?;
        if let Some(current) = current {
            validate::password("currentPassword", current)?;
        }
        let nonce = nonce.map(|n| validate::otp("nonce", n)).transpose()?;
        let session = self.usable_session().await?;
        // GoTrue checks current_password only when configured to; a sign-in with it proves
        // it whatever the configuration. The extra session ends with the password change.
        let mut probe = None;
        if let Some(current) = current {
            let email = session.user.email().unwrap_or_default().to_string();
            probe = match self.backend.sign_in_with_password(&email, current).await {
                Ok(probe) => Some(probe),
                Err(e) if e.code == ErrorCode::InvalidCredentials => {
                    return Err(AuthError { code: ErrorCode::InvalidCurrentPassword, message: "The current password is wrong".into(), ..e })
                }
                Err(e) => return Err(e),
            };
        }
        let change = PasswordChange { password, current_password: current, nonce: nonce.as_deref() };
        let result = self.backend.update_password(&session.access_token, change).await;
        if let (Err(_), Some(probe)) = (&result, &probe) {
            let _ = self.backend.sign_out(&probe.access_token, SignOutScope::Local).await;
        }
        let user = self.forget_session_if_gone(result)?;
        self.update_cached_user(user.clone());
        Ok(user)
    }

    /// The current session, refreshed first when it is about to expire; `None` when signed out.
    pub async fn session(&self) -> Result<Option<Session>> {
        if self.session.borrow().is_none() {
            return Ok(None);
        }
        match self.usable_session().await {
            Ok(session) => Ok(Some(session)),
            Err(e) if e.code == ErrorCode::NotAuthenticated => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// The user as the server has it now; refreshes the cached copy.
    pub async fn user(&self) -> Result<User> {
        let session = self.usable_session().await?;
        let user = self.forget_session_if_gone(self.backend.get_user(&session.access_token).await)?;
        if self.session.borrow().as_ref().map(|s| &s.user) != Some(&user) {
            self.update_cached_user(user.clone());
        }
        Ok(user)
    }

    /// Asks the server to email a reauthentication nonce.
    pub async fn reauthenticate(&self) -> Result<()> {
        let session = self.usable_session().await?;
        self.forget_session_if_gone(self.backend.reauthenticate(&session.access_token).await)
    }

    /// Signs out. `Local` and `Global` always end the session here, even when the server cannot
    /// be reached; a failure other than "already signed out" is still reported afterwards for
    /// `Global`, because other devices may still be signed in. `Others` keeps this session.
    pub async fn sign_out(&self, scope: SignOutScope) -> Result<()> {
        let Some(session) = self.session.borrow().clone() else {
            return match scope {
                SignOutScope::Others => Err(AuthError::not_signed_in()),
                _ => Ok(()),
            };
        };
        let result = match self.backend.sign_out(&session.access_token, scope).await {
            Err(e) if e.code == ErrorCode::NotAuthenticated && scope != SignOutScope::Others => Ok(()),
            other => other,
        };
        match scope {
            SignOutScope::Others => self.forget_session_if_gone(result),
            SignOutScope::Local => {
                self.commit(None, AuthEvent::SignedOut);
                Ok(())
            }
            SignOutScope::Global => {
                self.commit(None, AuthEvent::SignedOut);
                result
            }
        }
    }

    /// A session whose access token is good for a while, refreshing it if needed. Concurrent
    /// callers share one refresh. While the access token is still valid, no refresh failure
    /// costs the caller its session (fault policy in the README).
    async fn usable_session(&self) -> Result<Session> {
        let session = self.session.borrow().clone().ok_or_else(AuthError::not_signed_in)?;
        let now = self.host.now();
        if !session.needs_refresh(now) {
            return Ok(session);
        }
        let refused = self.refused_refresh.borrow().as_ref().is_some_and(|(token, until)| *token == session.refresh_token && now < *until);
        if refused {
            return self.without_refresh(session, AuthError::new(ErrorCode::NotAuthenticated, "The session has ended"));
        }
        let in_flight = self.refreshing.borrow().clone();
        if let Some(flight) = in_flight {
            return flight.wait().await;
        }
        let flight = Flight::new();
        *self.refreshing.borrow_mut() = Some(flight.clone());
        let result = self.refresh(&session).await;
        *self.refreshing.borrow_mut() = None;
        flight.land(result.clone());
        result
    }

    /// One refresh under the fault policy: transient failures are retried with backoff; a
    /// refused refresh token ends the session only once the access token has expired.
    async fn refresh(&self, session: &Session) -> Result<Session> {
        let mut delays = REFRESH_RETRY_DELAYS_MS.iter();
        loop {
            let error = match self.backend.refresh(&session.refresh_token).await {
                Ok(fresh) => {
                    let fresh = self.localize(fresh);
                    // Signed out, or in again, while the refresh was in flight: theirs wins.
                    let current = self.session.borrow().clone();
                    if current.as_ref().map(|s| &s.refresh_token) != Some(&session.refresh_token) {
                        return current.ok_or_else(AuthError::not_signed_in);
                    }
                    // Another tab sharing the store refreshed later: never overwrite newer with older.
                    if let Some(stored) = self.stored_session().filter(|s| s.refresh_token != session.refresh_token && s.expires_at > fresh.expires_at) {
                        self.announce(Some(stored.clone()), AuthEvent::TokenRefreshed);
                        return Ok(stored);
                    }
                    self.commit(Some(fresh.clone()), AuthEvent::TokenRefreshed);
                    return Ok(fresh);
                }
                Err(error) => error,
            };
            if is_transient(&error) {
                if let Some(&delay) = delays.next() {
                    self.host.sleep(delay).await;
                    continue;
                }
            } else {
                let until = self.host.now() + REFRESH_FAILURE_COOLDOWN_SECONDS;
                *self.refused_refresh.borrow_mut() = Some((session.refresh_token.clone(), until));
            }
            return self.without_refresh(session.clone(), error);
        }
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
        *self.session.borrow_mut() = session.clone();
        // Listeners may subscribe, unsubscribe or call back into the client.
        let listeners: Vec<Listener> = self.listeners.borrow().iter().map(|(_, l)| l.clone()).collect();
        for listener in listeners {
            listener(event, session.as_ref());
        }
    }
}

fn session_conflict() -> AuthError {
    AuthError::new(
        ErrorCode::SessionConflict,
        "Another account is signed in here; sign out first, then use a new link or code",
    )
}

/// Failures in transit, worth another attempt: the refresh token may still be good.
fn is_transient(error: &AuthError) -> bool {
    matches!(error.code, ErrorCode::NetworkError | ErrorCode::Timeout | ErrorCode::ServerError | ErrorCode::RateLimited)
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
