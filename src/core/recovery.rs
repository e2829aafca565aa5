//! The reset's first half: the email, the verification, the address and credential held between
//! the steps.

use super::*;

impl<B: Backend, H: Host + 'static> AuthCore<B, H> {
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

    /// Sends the recovery email and remembers the address for `verify_recovery`.
    pub fn request_password_reset(self: &Rc<Self>, email: &str, redirect_to: Option<&str>, flow: ResetFlow) -> Need<()> {
        let steps = self.request_password_reset_steps(email, redirect_to, flow);
        self.observed(steps)
    }

    pub(super) fn request_password_reset_steps(self: &Rc<Self>, email: &str, redirect_to: Option<&str>, flow: ResetFlow) -> Need<()> {
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

    pub(super) fn verify_recovery_steps(self: &Rc<Self>, proof: Proof) -> Need<Option<Session>> {
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
    pub(super) fn flow_pending(&self) -> bool {
        let until = self.store.get(&self.keys.pending_flow).ok().flatten().and_then(|t| t.parse::<u64>().ok());
        until.is_some_and(|until| (self.host.now() as u64) < until)
    }

    /// A freshly verified session takes over from nobody or from the same user. When another
    /// user is signed in here, nothing changes; the new session (already created by the server)
    /// is ended there too, so it does not linger.
    pub(super) fn adopt_verified(self: &Rc<Self>, session: Session, event: AuthEvent) -> Need<Session> {
        let session = self.localize(session);
        let other_user = self.session.borrow().as_ref().is_some_and(|current| current.user.id() != session.user.id());
        if other_user {
            return self.backend.sign_out(&session, SignOutScope::Local).then(|_| Need::err(session_conflict()));
        }
        self.forget_recovery_email();
        self.commit(Some(session.clone()), event);
        Need::ok(session)
    }

    /// The recovery is done: the held address and the pending-flow mark are no longer needed.
    pub(super) fn forget_recovery_email(&self) {
        let _ = self.store.remove(&self.keys.recovery_email);
        let _ = self.store.remove(&self.keys.pending_flow);
        *self.recovery_email.borrow_mut() = None;
    }

    /// A session change: a held reset credential belongs to the session it was verified in.
    pub(super) fn drop_held(&self) {
        self.session_epoch.set(self.session_epoch.get().wrapping_add(1));
        *self.held.borrow_mut() = None;
        self.held_until.set(None);
    }

    /// Whether completing `credential` could change another account than the one signed in
    /// here. A credential that names no account (Wristband's) could be anyone's — a crafted
    /// link's —, so while someone is signed in it counts as another's: sign out first.
    pub(super) fn held_for_someone_else(&self, credential: &Credential) -> bool {
        self.session.borrow().as_ref().is_some_and(|current| match (current.user.email(), credential.email.as_deref()) {
            (Some(a), Some(b)) => !a.eq_ignore_ascii_case(b),
            _ => true,
        })
    }
}

pub(super) fn session_conflict() -> AuthError {
    AuthError::new(ErrorCode::SessionConflict, "Another account is signed in here; sign out first, then use a new link or code")
}
