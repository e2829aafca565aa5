//! What the core holds and tells: building it, the cached user, listeners, another tab's record,
//! committing a session change (state, storage, events in that order).

use super::*;

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

    pub(super) fn stored_session(&self) -> Option<Session> {
        let text = self.store.get(&self.keys.session).ok().flatten()?;
        Session::from_record(&text, self.host.now())
    }

    /// Expiry in this host's clock: receipt time plus the lifetime the server gave, so a clock
    /// that differs from the server's neither refreshes constantly nor too late.
    pub(super) fn localize(&self, session: Session) -> Session {
        if session.expires_in > 0.0 {
            Session { expires_at: self.host.now() + session.expires_in, ..session }
        } else {
            session
        }
    }

    /// A server that says the session is gone is believed: the local copy goes too.
    pub(super) fn forget_session_if_gone<T>(&self, result: Result<T>) -> Result<T> {
        if let Err(e) = &result {
            if e.code == ErrorCode::NotAuthenticated && self.session.borrow().is_some() {
                self.commit(None, AuthEvent::SignedOut);
            }
        }
        result
    }

    /// The server's answer to a password change: adopted (USER_UPDATED) — a new session where
    /// the platform issued one —, or a session the server no longer knows forgotten.
    pub(super) fn user_changed(&self, result: Result<Updated>) -> Result<User> {
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
    pub(super) fn user_read(&self, result: Result<User>) -> Result<User> {
        let user = self.forget_session_if_gone(result)?;
        if self.session.borrow().as_ref().map(|s| &s.user) != Some(&user) {
            self.update_cached_user(user.clone());
        }
        Ok(user)
    }

    pub(super) fn update_cached_user(&self, user: User) {
        let updated = self.session.borrow().clone().map(|s| Session { user, ..s });
        if updated.is_some() {
            self.commit(updated, AuthEvent::UserUpdated);
        }
    }

    /// Storage, then memory (a failing store keeps the in-memory state), then listeners.
    pub(super) fn commit(&self, session: Option<Session>, event: AuthEvent) {
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
    pub(super) fn announce(&self, session: Option<Session>, event: AuthEvent) {
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

/// The stored session and pending recovery email. A damaged record is removed.
pub(super) fn load<H: Host>(host: &H, store: &dyn Store, keys: &Keys) -> (Option<Session>, Option<String>) {
    let stored = store.get(&keys.session).ok().flatten();
    let session = stored.as_deref().and_then(|text| Session::from_record(text, host.now()));
    if stored.is_some() && session.is_none() {
        let _ = store.remove(&keys.session);
    }
    let recovery_email = store.get(&keys.recovery_email).ok().flatten().filter(|e| validate::email("email", e).is_ok());
    (session, recovery_email)
}

/// The stored client token, where the platform has one; one that could not be a header is dropped.
pub(super) fn load_client_token<B: Backend>(store: &dyn Store, keys: &Keys) -> Option<String> {
    B::CAPABILITIES.client_token_header?;
    store.get(&keys.client_token).ok().flatten().filter(|t| validate::is_token(t))
}
