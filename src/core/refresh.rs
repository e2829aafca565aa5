//! Refreshing the session: when it falls due, single flight, retries in transit, the cool-down
//! after a refused refresh token.

use super::*;

impl<B: Backend, H: Host + 'static> AuthCore<B, H> {
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

    pub(super) fn refresh_if_due_steps(self: &Rc<Self>) -> Need<()> {
        if self.refresh_due_in().is_some_and(|due| due <= 0.0) {
            return self.usable_session().then(|_| Need::ok(()));
        }
        Need::ok(())
    }

    /// The current session, refreshed first when it is about to expire; `None` when signed out.
    pub fn session(self: &Rc<Self>) -> Need<Option<Session>> {
        let steps = self.session_steps();
        self.observed(steps)
    }

    pub(super) fn session_steps(self: &Rc<Self>) -> Need<Option<Session>> {
        if self.session.borrow().is_none() {
            return Need::ok(None);
        }
        self.usable_session().then(|result| match result {
            Ok(session) => Need::ok(Some(session)),
            Err(e) if e.code == ErrorCode::NotAuthenticated => Need::ok(None),
            Err(e) => Need::err(e),
        })
    }

    /// A session whose access token is good for a while, refreshing it if needed. Concurrent
    /// callers share one refresh. While the access token is still valid, no refresh failure
    /// costs the caller its session (fault policy in the README).
    pub(super) fn usable_session(self: &Rc<Self>) -> Need<Session> {
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
    pub(super) fn refresh(self: &Rc<Self>, session: Session, attempt: usize) -> Need<Session> {
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
    pub(super) fn refreshed(&self, old: &Session, fresh: Session) -> Result<Session> {
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
    pub(super) fn without_refresh(&self, session: Session, error: AuthError) -> Result<Session> {
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
}

/// Failures in transit, worth another attempt: the refresh token may still be good.
pub(super) fn is_transient(error: &AuthError) -> bool {
    matches!(error.code, ErrorCode::NetworkError | ErrorCode::Timeout | ErrorCode::ServerError | ErrorCode::RateLimited)
}
