//! What the session core needs from an auth server. GoTrue (`api/`) is the first
//! implementation; another protocol implements this trait and the core stays as it is.

use crate::error::Result;
use crate::session::{Session, User};

/// Sign-out reach (GoTrue's `scope`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignOutScope {
    /// This session only.
    Local,
    /// Every session of the user.
    Global,
    /// Every session but this one.
    Others,
}

impl SignOutScope {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            SignOutScope::Local => "local",
            SignOutScope::Global => "global",
            SignOutScope::Others => "others",
        }
    }
}

/// A password change as the server receives it.
#[derive(Clone, Copy)]
pub struct PasswordChange<'a> {
    /// The new password.
    pub password: &'a str,
    /// The current password, when the caller gave it.
    pub current_password: Option<&'a str>,
    /// The reauthentication nonce, when the caller gave it.
    pub nonce: Option<&'a str>,
}

/// Passwords and the nonce are secrets: `Debug` says only which are present.
impl std::fmt::Debug for PasswordChange<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PasswordChange")
            .field("password", &"<redacted>")
            .field("current_password", &self.current_password.map(|_| "<redacted>"))
            .field("nonce", &self.nonce.map(|_| "<redacted>"))
            .finish()
    }
}

/// One auth server protocol. Futures are not `Send`: the client runs on one JS thread.
#[allow(async_fn_in_trait)]
pub trait Backend {
    /// Sends the recovery email; neutral for unknown addresses. With a PKCE challenge, the link
    /// redirects with a code to exchange instead of tokens.
    async fn request_password_reset(&self, email: &str, redirect_to: Option<&str>, code_challenge: Option<&str>) -> Result<()>;
    /// Exchanges a PKCE code from the link's redirect, with the verifier kept since the request.
    async fn exchange_code(&self, auth_code: &str, code_verifier: &str) -> Result<Session>;
    /// Exchanges the emailed code for a recovery session.
    async fn verify_recovery_code(&self, email: &str, code: &str) -> Result<Session>;
    /// Exchanges a link's token hash for a recovery session.
    async fn verify_recovery_token_hash(&self, token_hash: &str) -> Result<Session>;
    /// Signs in with email and password.
    async fn sign_in_with_password(&self, email: &str, password: &str) -> Result<Session>;
    /// Swaps a refresh token for a new session state.
    async fn refresh(&self, refresh_token: &str) -> Result<Session>;
    /// The user as the server has it now.
    async fn get_user(&self, access_token: &str) -> Result<User>;
    /// Changes the password of the signed-in user; answers the updated user.
    async fn update_password(&self, access_token: &str, change: PasswordChange<'_>) -> Result<User>;
    /// Sends the reauthentication nonce.
    async fn reauthenticate(&self, access_token: &str) -> Result<()>;
    /// Ends sessions on the server.
    async fn sign_out(&self, access_token: &str, scope: SignOutScope) -> Result<()>;
}
