//! What every request of an operation carries and reads besides its own answer: the client token,
//! session tokens a platform renews in passing.

use super::*;

impl<B: Backend, H: Host + 'static> AuthCore<B, H> {
    /// A call made with the session. Where the platform renews session tokens in its answers,
    /// the renewed token is adopted as each answer arrives, whatever the call's outcome: the old
    /// one no longer works.
    pub(super) fn with_renewals<T: 'static>(self: &Rc<Self>, need: Need<T>) -> Need<T> {
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
    pub(super) fn observed<T: 'static>(self: &Rc<Self>, need: Need<T>) -> Need<T> {
        let Some(header) = B::CAPABILITIES.client_token_header else { return need };
        let (me, me2) = (self.clone(), self.clone());
        let stamp = move |request: &mut HttpRequest| {
            let present = request.headers.iter().any(|(name, _)| name.eq_ignore_ascii_case(header));
            if let Some(token) = me.client_token.borrow().as_ref().filter(|_| !present) {
                request.headers.push((header.to_string(), token.clone()));
            }
        };
        let read = move |reply: &Reply| {
            let Some(token) = reply.as_ref().ok().and_then(|response| me2.backend.read_answer(response).client_token) else { return };
            if me2.client_token.borrow().as_deref() != Some(token.as_str()) {
                let _ = me2.store.set(&me2.keys.client_token, &token);
                *me2.client_token.borrow_mut() = Some(token);
            }
        };
        need.around(Rc::new(stamp), Rc::new(read))
    }

    pub(super) fn adopt_renewed(&self, reply: &Reply) {
        // A 401 says this session is gone: a token it carries starts another (signed out).
        let renewal = reply.as_ref().ok().filter(|response| response.status != 401);
        let Some((token, expires_at)) = renewal.and_then(|response| self.backend.read_answer(response).renewed_session) else { return };
        let current = self.session.borrow().clone();
        if let Some(current) = current.filter(|s| s.access_token != token) {
            let renewed = Session { access_token: token.clone(), refresh_token: token, expires_at, ..current };
            self.commit(Some(renewed), AuthEvent::TokenRefreshed);
        }
    }
}
