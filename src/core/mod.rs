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

mod answers;
mod password;
mod recovery;
mod redirect;
mod refresh;
mod state;

use recovery::session_conflict;

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
}
