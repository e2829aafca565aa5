//! What the session core needs from an auth platform: the contract every protocol module keeps
//! (GoTrue's `api/`, `firebase/`, `pocketbase/`, `genauth/`, `wristband/`, `wacht/`), each built
//! into its own entry, and what a platform does beyond it, declared as data ([`Capabilities`]).
//!
//! Every method is synchronous and returns a [`Need`]: the requests to send and how to read
//! their answers, never the sending itself. Input a platform can judge (the shape of its codes
//! and links) is checked there, before any request.
//!
//! The reset flows differ between platforms, and [`Verified`] is where they meet: GoTrue turns
//! a verified code into a recovery session (the user is signed in and then sets a password);
//! others check a code, or cannot check it at all, and take it again with the new password in
//! one call that signs nobody in. Those return [`Verified::Held`]; the core keeps the
//! credential and `update_password` completes the reset with [`Backend::complete_recovery`].

use std::fmt;

use crate::error::{AuthError, ErrorCode};
use crate::http::HttpResponse;
use crate::link::RecoveryLink;
use crate::need::Need;
use crate::session::{Session, User};

/// `unsupported`: what a platform has no operation for.
pub fn unsupported(what: &str) -> AuthError {
    AuthError::new(ErrorCode::Unsupported, crate::text::cat(&[what, " is not available on this platform"]))
}

/// A credential in named parts, on a platform whose credentials have none.
pub fn no_parts() -> AuthError {
    AuthError::invalid_input("token", "is required: this platform's reset credential is one token")
}

/// The address and code of a proof on platforms whose email carries a code of digits and no
/// link (GenAuth, Wacht), both checked: `platform` names it in the error for a link.
pub fn emailed_code_proof(proof: Proof, platform: &str) -> Result<(String, String), AuthError> {
    let (email, code) = match proof {
        Proof::Code { email, code } => (email, code),
        Proof::Link(_) => return Err(unsupported(&crate::text::cat(&["A recovery link (", platform, "'s email carries a code)"]))),
        Proof::Parts(_) => return Err(no_parts()),
    };
    let code = crate::validate::emailed_code("token", &code)?;
    let email = email.ok_or_else(|| AuthError::invalid_input("email", "is required (no reset was requested from this client)"))?;
    Ok((email, code))
}

/// Sign-out on a platform whose sessions a client cannot end on the server: `local` only.
pub fn local_sign_out_only(scope: SignOutScope) -> Need<()> {
    match scope {
        SignOutScope::Local => Need::ok(()),
        SignOutScope::Global | SignOutScope::Others => Need::err(unsupported(&crate::text::cat(&["signOut({ scope: '", scope.as_str(), "' })"]))),
    }
}

/// Sign-out reach (GoTrue's `scope`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "lowercase"))]
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
impl fmt::Debug for PasswordChange<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PasswordChange")
            .field("password", &"<redacted>")
            .field("current_password", &self.current_password.map(|_| "<redacted>"))
            .field("nonce", &self.nonce.map(|_| "<redacted>"))
            .finish()
    }
}

/// How a recovery is proven: what the user brings back from the email. The crate's one proof
/// type: what the Rust API's `verify_otp` takes (as `VerifyOtp`), what the core's
/// `verify_recovery` takes, what a platform verifies.
#[derive(Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Proof {
    /// The code typed from the email (or the credential a platform's link carries).
    Code {
        /// The address, when the caller gave it; the core fills in the one held since the
        /// request, and checks either.
        email: Option<String>,
        /// The code as typed; its shape is the platform's to check.
        code: String,
    },
    /// What the email's link carries (GoTrue: the token hash).
    Link(String),
    /// A credential in named parts, as the platform names them (Wristband's `emailAuthCode`,
    /// `passwordResetCode`, or `requestCode` with `verificationCode`); which combinations are
    /// valid is the platform's to say.
    Parts(Vec<(String, String)>),
}

impl Proof {
    /// The emailed code, for the address held since the request.
    pub fn code(code: impl Into<String>) -> Self {
        Proof::Code { email: None, code: code.into() }
    }

    /// The emailed code for `email`.
    pub fn code_for(email: impl Into<String>, code: impl Into<String>) -> Self {
        Proof::Code { email: Some(email.into()), code: code.into() }
    }
}

/// The code and the hash are one-time secrets: `Debug` names the variant only.
impl fmt::Debug for Proof {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Proof::Code { email, .. } => f.debug_struct("Code").field("email", email).field("code", &"<redacted>").finish(),
            Proof::Link(_) => f.write_str("Link(<redacted>)"),
            Proof::Parts(parts) => redacted_parts(f, parts),
        }
    }
}

/// A credential's named parts in `Debug`: the names, no value.
pub(crate) fn redacted_parts(f: &mut fmt::Formatter<'_>, parts: &[(String, String)]) -> fmt::Result {
    f.debug_list().entries(parts.iter().map(|(name, _)| crate::text::cat(&[name, ": <redacted>"]))).finish()
}

/// What a password change gave: the user, and for platforms that issue new tokens with it
/// (the old ones stop working), the new session.
pub enum Updated {
    /// The updated user; the session goes on.
    User(User),
    /// A new session for the same user.
    Session(Session),
    /// The updated user; the platform ended every session of the user, this one too
    /// (Wristband): the client is signed out.
    SignedOut(User),
}

/// What verifying a recovery proof gave.
pub enum Verified {
    /// A recovery session: the user is signed in and sets the new password on it.
    Session(Session),
    /// No session: the credential, kept until the new password completes the reset.
    Held(Credential),
}

/// A reset credential between verification and the new password.
#[derive(Clone, PartialEq)]
pub struct Credential {
    /// What the platform takes back with the new password (in the platform's own encoding).
    pub secret: String,
    /// The account's address, when known (to sign in once the password is set).
    pub email: Option<String>,
    /// Seconds the credential stays good for, when the platform said (GenAuth's
    /// `tokenExpiresIn`, the `exp` of PocketBase's token).
    pub expires_in: Option<f64>,
}

impl Credential {
    /// A credential whose lifetime the platform does not say.
    pub fn new(secret: String, email: Option<String>) -> Self {
        Credential { secret, email, expires_in: None }
    }
}

impl fmt::Debug for Credential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credential").field("secret", &"<redacted>").field("email", &self.email).field("expires_in", &self.expires_in).finish()
    }
}

/// What completing a reset may ask for besides the new password.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ResetOptions {
    /// Do not send the "your password was changed" email (Wristband).
    pub skip_password_updated_email: bool,
}

/// What a platform does beyond the contract every platform keeps, declared as data. Constants:
/// the core's code for what a platform lacks is left out of that platform's entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Capabilities {
    /// `verify_recovery` may answer [`Verified::Held`], completed by
    /// [`Backend::complete_recovery`].
    pub holds_credentials: bool,
    /// Verifying a held credential tells how long it stays good ([`Credential::expires_in`]).
    pub reports_reset_expiry: bool,
    /// A reset can skip the "password updated" email (checked before any request).
    pub skips_password_updated_email: bool,
    /// Reset links can use PKCE (`flow: 'pkce'`; [`Backend::exchange_code`]), checked before
    /// anything is stored.
    pub pkce: bool,
    /// The server itself checks `current_password` (then it is required, and sent with the
    /// change); otherwise the core proves it by signing in with it first.
    pub checks_current_password: bool,
    /// Answers to requests made with the session may carry a renewed session token
    /// ([`Noted::renewed_session`]).
    pub renews_tokens_in_answers: bool,
    /// The header of a token the platform's server gives this client rather than a user (one
    /// per browser): once an answer carries one ([`Noted::client_token`]) it goes with every
    /// request that carries none, signed out too, and each newer answer's replaces it.
    pub client_token_header: Option<&'static str>,
    /// The answer headers the platform reads ([`HttpResponse::header`]), lower case; the hosts
    /// hand over these and no other (`retry-after` is in [`Capabilities::NONE`]'s).
    pub response_headers: &'static [&'static str],
    /// The names of a reset credential's parts ([`Proof::Parts`]), where the platform's have
    /// names (Wristband's); `verifyOtp` reads them from its request.
    pub proof_parts: &'static [&'static str],
    /// What `verifyOtp` says when its request holds no credential.
    pub proof_required: &'static str,
}

impl Capabilities {
    /// The contract and nothing more.
    pub const NONE: Capabilities = Capabilities {
        holds_credentials: false,
        reports_reset_expiry: false,
        skips_password_updated_email: false,
        pkce: false,
        checks_current_password: false,
        renews_tokens_in_answers: false,
        client_token_header: None,
        response_headers: &[crate::http::RETRY_AFTER],
        proof_parts: &[],
        proof_required: "is required (or tokenHash)",
    };
}

/// What a platform read from an answer besides the call's own result ([`Backend::read_answer`]).
/// Tokens: no `Debug`.
#[derive(Default)]
pub struct Noted {
    /// A token the server gave this client rather than a user, for
    /// [`Capabilities::client_token_header`].
    pub client_token: Option<String>,
    /// The session token the server renewed while answering, with its expiry (Unix seconds, as
    /// the core keeps it): adopted from answers to requests made with the session, where
    /// [`Capabilities::renews_tokens_in_answers`]; the old one stops working.
    pub renewed_session: Option<(String, f64)>,
}

/// A platform as an npm entry builds it: from the options object its `AuthClient` was given.
pub trait FromOptions: Backend + Sized {
    /// The option names it reads beside `url` (and the host's `storage`, `storageKey`,
    /// `timeoutMs`, `autoRefresh`).
    const OPTIONS: &'static [&'static str];
    /// Reads its options; `url` is checked already.
    fn from_options(options: &crate::fields::Fields, url: &str) -> crate::error::Result<Self>;
}

/// One auth platform's protocol. The defaults answer "this platform has no such operation".
pub trait Backend: 'static {
    /// What the platform does beyond the contract.
    const CAPABILITIES: Capabilities;
    /// Sends the recovery email; the same answer for unknown addresses. With a PKCE challenge
    /// (where the platform has them) the link redirects with a code to exchange.
    fn request_password_reset(&self, email: &str, redirect_to: Option<&str>, code_challenge: Option<&str>) -> Need<()>;
    /// Checks the proof's shape, then verifies it as far as the platform can.
    fn verify_recovery(&self, proof: Proof) -> Need<Verified>;
    /// Sets `password` with a held credential, then signs in with it where the platform lets a
    /// client do so; `None` where the reset ends every session and signing in is up to the app
    /// (Wristband: its hosted login).
    fn complete_recovery(&self, held: Credential, password: &str, options: ResetOptions) -> Need<Option<Session>> {
        let _ = (held, password, options);
        Need::err(AuthError::new(ErrorCode::InvalidOtp, "This platform does not hold reset credentials"))
    }
    /// Seconds the access token has left, where the platform can read it from the token (its
    /// JWT `exp`); `None` otherwise (the caller then says).
    fn token_lifetime(&self, access_token: &str, now: f64) -> Option<f64> {
        let _ = (access_token, now);
        None
    }
    /// Reads an answer for what it carries besides the call's own result: the one hook a
    /// platform has on every answer to every request of an operation. Asked only where the
    /// platform's capabilities say it has such things (`client_token_header`,
    /// `renews_tokens_in_answers`), so other entries leave the code out.
    fn read_answer(&self, response: &HttpResponse) -> Noted {
        let _ = response;
        Noted::default()
    }
    /// What a link the user followed or pasted carries, in this platform's formats.
    fn parse_link(&self, url: &str) -> Option<RecoveryLink>;
    /// `url` as the address bar should show it once its link was read: without the
    /// platform's link parameters and any credential its links carry elsewhere (a path segment).
    fn clean_link(&self, url: &str) -> String;
    /// Exchanges a PKCE code from the link's redirect, with the verifier kept since the request.
    fn exchange_code(&self, auth_code: &str, code_verifier: &str) -> Need<Session> {
        let _ = (auth_code, code_verifier);
        Need::err(unsupported("A PKCE link"))
    }
    /// Signs in with email and password (`unsupported` where the platform signs in only through
    /// its own pages: the app then hands the session over with `set_session`).
    fn sign_in_with_password(&self, email: &str, password: &str) -> Need<Session>;
    /// Swaps the session's refresh token for a new session state.
    fn refresh(&self, session: &Session) -> Need<Session>;
    /// The user as the server has it now.
    fn get_user(&self, session: &Session) -> Need<User>;
    /// Changes the password of the signed-in user.
    fn update_password(&self, session: &Session, change: PasswordChange<'_>) -> Need<Updated>;
    /// Sends the reauthentication nonce.
    fn reauthenticate(&self, session: &Session) -> Need<()> {
        let _ = session;
        Need::err(unsupported("reauthenticate()"))
    }
    /// Ends sessions on the server.
    fn sign_out(&self, session: &Session, scope: SignOutScope) -> Need<()>;
}
