//! Setting a password: completing a reset with a held credential, or a signed-in change with the
//! current password proven; the reauthentication nonce.

use super::*;

impl<B: Backend, H: Host + 'static> AuthCore<B, H> {
    /// Sets a new password. After a verification that held a credential, completes the reset
    /// with it (the platform then signs the user in, or, where a reset ends every session and
    /// signing in is the app's, the client is signed out: `None`). Otherwise changes the
    /// signed-in user's password: the session stays the same one, the user's other sessions end
    /// on the server, and `current`, when given, is always checked.
    pub fn update_password(self: &Rc<Self>, password: &str, current: Option<&str>, nonce: Option<&str>, options: ResetOptions) -> Need<Option<User>> {
        let steps = self.update_password_steps(password, current, nonce, options);
        self.observed(steps)
    }

    pub(super) fn update_password_steps(self: &Rc<Self>, password: &str, current: Option<&str>, nonce: Option<&str>, options: ResetOptions) -> Need<Option<User>> {
        let nonce = match Self::checked_change(password, current, nonce, options) {
            Ok(nonce) => nonce,
            Err(e) => return Need::err(e),
        };
        // A signed-in change names the current password: a held reset never answers it, so
        // one planted by a link (or left from another account) cannot take the change over.
        let held = if B::CAPABILITIES.holds_credentials && current.is_none() { self.held.borrow_mut().take() } else { None };
        if let Some(held) = held {
            return self.complete_held_reset(held, password, options);
        }
        if options.skip_password_updated_email {
            return Need::err(unsupported("skipPasswordUpdatedEmail outside a reset"));
        }
        if current.is_none() && B::CAPABILITIES.checks_current_password && self.session.borrow().is_some() {
            return Need::err(AuthError::new(ErrorCode::CurrentPasswordRequired, "currentPassword: this platform requires the current password to change it"));
        }
        self.change_signed_in(password.to_string(), current.map(str::to_string), nonce)
    }

    /// The change's input, checked before any request; the nonce as the server takes it.
    pub(super) fn checked_change(password: &str, current: Option<&str>, nonce: Option<&str>, options: ResetOptions) -> Result<Option<String>> {
        validate::password("password", password)?;
        current.map(|c| validate::password("currentPassword", c)).transpose()?;
        let nonce = nonce.map(|n| validate::otp("nonce", n)).transpose()?;
        if options.skip_password_updated_email && !B::CAPABILITIES.skips_password_updated_email {
            return Err(unsupported("skipPasswordUpdatedEmail"));
        }
        Ok(nonce)
    }

    /// Completes a reset with the credential held since its verification.
    pub(super) fn complete_held_reset(self: &Rc<Self>, held: Credential, password: &str, options: ResetOptions) -> Need<Option<User>> {
        // Dropped at every session change, so this holds; checked again all the same.
        if self.held_for_someone_else(&held) {
            return Need::err(session_conflict());
        }
        let (me, kept, epoch) = (self.clone(), held.clone(), self.session_epoch.get());
        self.backend.complete_recovery(held, password, options).then(move |result| match result {
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
                // A refused password, a network failure: the credential was not spent and the
                // user tries again with it (as a recovery session outlives a weak password).
                // Only a credential the platform refused is dropped.
                if e.code != ErrorCode::InvalidOtp && me.held.borrow().is_none() && me.session_epoch.get() == epoch {
                    *me.held.borrow_mut() = Some(kept);
                }
                Need::err(e)
            }
        })
    }

    /// Changes the signed-in user's password, the current one proven first where given.
    pub(super) fn change_signed_in(self: &Rc<Self>, password: String, current: Option<String>, nonce: Option<String>) -> Need<Option<User>> {
        let me = self.clone();
        self.usable_session().and_then(move |session| {
            me.prove_current(&session, current.as_deref()).and_then(move |probe| {
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

    /// Where the platform does not check the current password itself (or only when configured
    /// to), a sign-in with it proves it; the extra session, answered here, ends with the change.
    /// Platforms that check it themselves get it with the change instead.
    pub(super) fn prove_current(&self, session: &Session, current: Option<&str>) -> Need<Option<Session>> {
        let Some(current) = current.filter(|_| !B::CAPABILITIES.checks_current_password) else { return Need::ok(None) };
        let email = session.user.email().unwrap_or_default().to_string();
        self.backend.sign_in_with_password(&email, current).then(|result| match result {
            Ok(probe) => Need::ok(Some(probe)),
            Err(e) if e.code == ErrorCode::InvalidCredentials => {
                Need::err(AuthError { code: ErrorCode::InvalidCurrentPassword, message: "The current password is wrong".into(), ..e })
            }
            Err(e) => Need::err(e),
        })
    }

    /// Asks the server to email a reauthentication nonce.
    pub fn reauthenticate(self: &Rc<Self>) -> Need<()> {
        let steps = self.reauthenticate_steps();
        self.observed(steps)
    }

    pub(super) fn reauthenticate_steps(self: &Rc<Self>) -> Need<()> {
        let me = self.clone();
        self.usable_session().and_then(move |session| me.with_renewals(me.backend.reauthenticate(&session)).then(move |result| me.forget_session_if_gone(result).into()))
    }
}
