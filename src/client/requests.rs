//! What the Rust API's calls take: plain data, checked by the core when the call is made (the
//! same checks, before any request, as the npm package's). Passwords, codes and hashes never
//! appear in `Debug` output, and there is no `Serialize` (a request logged as JSON would carry
//! them); `Deserialize` reads them from an app's own forms.

use std::fmt;

use crate::backend::ResetOptions;
use crate::core::ResetFlow;

/// `request_password_reset`'s request.
#[derive(Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Deserialize))]
pub struct ResetRequest {
    /// The account's address.
    pub email: String,
    /// Where the email's link should lead (the server must allow it).
    pub redirect_to: Option<String>,
    /// The link redirects with a PKCE code only this client can exchange (GoTrue).
    pub pkce: bool,
}

impl ResetRequest {
    /// A reset by the emailed code (or the link's token hash).
    pub fn new(email: impl Into<String>) -> Self {
        ResetRequest { email: email.into(), redirect_to: None, pkce: false }
    }

    /// Where the link leads.
    pub fn redirect_to(mut self, url: impl Into<String>) -> Self {
        self.redirect_to = Some(url.into());
        self
    }

    /// A PKCE link (`flow: 'pkce'` in the npm package).
    pub fn pkce(mut self) -> Self {
        self.pkce = true;
        self
    }

    pub(crate) fn flow(&self) -> ResetFlow {
        if self.pkce {
            ResetFlow::Pkce
        } else {
            ResetFlow::Otp
        }
    }
}

impl fmt::Debug for ResetRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResetRequest").field("email", &self.email).field("redirect_to", &self.redirect_to).field("pkce", &self.pkce).finish()
    }
}

/// What `verify_otp` proves a recovery with: the crate's one proof type,
/// [`Proof`](crate::backend::Proof) — `VerifyOtp::code(c)`, `code_for(email, c)`, `Link(hash)`
/// (GoTrue's token hash, a platform's link credential) or `Parts(…)` (Wristband).
pub use crate::backend::Proof as VerifyOtp;

/// `update_password`'s request.
#[derive(Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Deserialize))]
pub struct UpdatePassword {
    /// The new password.
    pub password: String,
    /// The current one: when given, always checked.
    pub current_password: Option<String>,
    /// The code from `reauthenticate`'s email, when the server requires it.
    pub nonce: Option<String>,
    /// Completing a reset: skip the "password updated" email (Wristband; elsewhere `Unsupported`).
    pub skip_password_updated_email: bool,
}

impl UpdatePassword {
    /// Sets `password`: completes a held reset, or changes the signed-in user's password.
    pub fn new(password: impl Into<String>) -> Self {
        UpdatePassword { password: password.into(), current_password: None, nonce: None, skip_password_updated_email: false }
    }

    /// With the current password (checked).
    pub fn current_password(mut self, current: impl Into<String>) -> Self {
        self.current_password = Some(current.into());
        self
    }

    /// With the reauthentication nonce.
    pub fn nonce(mut self, nonce: impl Into<String>) -> Self {
        self.nonce = Some(nonce.into());
        self
    }

    /// Without the "password updated" email.
    pub fn skip_password_updated_email(mut self) -> Self {
        self.skip_password_updated_email = true;
        self
    }

    pub(crate) fn options(&self) -> ResetOptions {
        ResetOptions { skip_password_updated_email: self.skip_password_updated_email }
    }
}

impl fmt::Debug for UpdatePassword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UpdatePassword")
            .field("password", &"<redacted>")
            .field("current_password", &self.current_password.as_ref().map(|_| "<redacted>"))
            .field("nonce", &self.nonce.as_ref().map(|_| "<redacted>"))
            .field("skip_password_updated_email", &self.skip_password_updated_email)
            .finish()
    }
}
