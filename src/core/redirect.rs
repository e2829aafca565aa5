//! Links and redirects: what a link carries, the address bar cleaned, and what a link may do.

use super::*;

impl<B: Backend, H: Host + 'static> AuthCore<B, H> {
    /// What a link carries, read the platform's way (nothing is sent).
    pub fn parse_link(&self, url: &str) -> Option<RecoveryLink> {
        self.backend.parse_link(url)
    }

    /// `url` without what a link carried, for the address bar (nothing is sent).
    pub fn clean_link(&self, url: &str) -> String {
        self.backend.clean_link(url)
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

    pub(super) fn handle_redirect_steps(self: &Rc<Self>, url: &str, accept_tokens: bool) -> Need<Option<Session>> {
        match self.backend.parse_link(url) {
            None => Need::ok(None),
            Some(RecoveryLink::Credential(code)) => self.verify_recovery_steps(Proof::Code { email: None, code }),
            Some(RecoveryLink::Parts(parts)) => self.verify_recovery_steps(Proof::Parts(parts)),
            Some(RecoveryLink::Error(error)) => Need::err(error),
            Some(RecoveryLink::TokenHash(hash)) => self.verify_recovery_steps(Proof::Link(hash)),
            Some(RecoveryLink::Code(code)) => self.exchange_pkce_code(&code),
            Some(RecoveryLink::Session { access_token, refresh_token, expires_at, expires_in, kind }) => {
                let tokens = LinkTokens { access_token, refresh_token, expires_at, expires_in, kind };
                self.adopt_link_tokens(tokens, accept_tokens)
            }
        }
    }

    /// A PKCE link's code, exchanged with the verifier kept where the reset was requested.
    pub(super) fn exchange_pkce_code(self: &Rc<Self>, code: &str) -> Need<Option<Session>> {
        let Some(verifier) = self.store.get(&self.keys.code_verifier).ok().flatten() else {
            return Need::err(AuthError::new(
                ErrorCode::InvalidCode,
                "This link must be opened where the reset was requested (no PKCE verifier here); request a new email or enter the code",
            ));
        };
        let me = self.clone();
        self.backend.exchange_code(code, &verifier).and_then(move |session| {
            let _ = me.store.remove(&me.keys.code_verifier);
            me.adopt_verified(session, AuthEvent::PasswordRecovery).map(Some)
        })
    }

    /// Session tokens a link carried: taken only when this client asked for such a link (or the
    /// caller says so), and only when they are not someone else's while this client is signed in.
    pub(super) fn adopt_link_tokens(self: &Rc<Self>, tokens: LinkTokens, accept_tokens: bool) -> Need<Option<Session>> {
        let LinkTokens { access_token, refresh_token, expires_at, expires_in, kind } = tokens;
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

/// The tokens of an implicit-flow link, as [`RecoveryLink::Session`] carries them.
pub(super) struct LinkTokens {
    access_token: String,
    refresh_token: String,
    expires_at: f64,
    expires_in: f64,
    kind: String,
}
