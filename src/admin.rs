//! Administrative calls for trusted server code holding the service_role key: set a user's
//! password (all of the user's sessions end), make a recovery link, read, create and delete
//! users. The key is kept only in memory: never stored, never in a URL, never in an error or
//! `Debug` output.

use std::fmt;

use crate::api::{admin, GoTrue};
use crate::error::{AuthError, ErrorCode, Result};
use crate::need::Need;
use crate::session::User;
use crate::validate;

/// What `generate_recovery_link` returns.
#[derive(Clone)]
pub struct RecoveryLinkInfo {
    /// The link a user follows (GoTrue's `/verify`, redirecting to the app).
    pub link: String,
    /// The 6-digit code of the same email.
    pub code: String,
    /// The token hash (for `verifyOtp({ tokenHash })` links of your own).
    pub token_hash: String,
    /// The user the link is for.
    pub user: User,
}

/// The link, code and hash each sign the user in: `Debug` shows only whose they are.
impl fmt::Debug for RecoveryLinkInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RecoveryLinkInfo").field("secrets", &"<redacted>").field("user", &self.user).finish()
    }
}

/// The admin client.
pub struct Admin {
    api: GoTrue,
    service_key: String,
}

impl fmt::Debug for Admin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Admin").field("service_key", &"<redacted>").finish_non_exhaustive()
    }
}

impl Admin {
    /// `api` must have been built with the same key as its API key.
    pub fn new(api: GoTrue, service_key: &str) -> Result<Self> {
        if service_key.trim().is_empty() {
            return Err(AuthError::invalid_input("serviceRoleKey", "is required"));
        }
        Ok(Admin { api, service_key: service_key.to_string() })
    }

    /// Sets the password (strength policy applies; the server ends all the user's sessions).
    pub fn update_user_password(&self, user_id: &str, password: &str) -> Need<User> {
        if let Err(e) = validate::user_id("userId", user_id).and(validate::password("password", password)) {
            return Need::err(e);
        }
        self.api.call_user(admin::update_password(&self.api, &self.service_key, user_id, password))
    }

    /// The user as the server has it.
    pub fn get_user(&self, user_id: &str) -> Need<User> {
        if let Err(e) = validate::user_id("userId", user_id) {
            return Need::err(e);
        }
        self.api.call_user(admin::get_user(&self.api, &self.service_key, user_id))
    }

    /// Creates a user, confirmed unless `email_confirm` is false.
    pub fn create_user(&self, email: &str, password: Option<&str>, email_confirm: bool) -> Need<User> {
        let email = match validate::email("email", email) {
            Ok(email) => email,
            Err(e) => return Need::err(e),
        };
        if let Some(Err(e)) = password.map(|p| validate::password("password", p)) {
            return Need::err(e);
        }
        let user = admin::NewUser { email: &email, password, email_confirm };
        self.api.call_user(admin::create_user(&self.api, &self.service_key, &user))
    }

    /// Deletes a user and all their sessions.
    pub fn delete_user(&self, user_id: &str) -> Need<()> {
        if let Err(e) = validate::user_id("userId", user_id) {
            return Need::err(e);
        }
        self.api.exchange(admin::delete_user(&self.api, &self.service_key, user_id)).map(|_| ())
    }

    /// A recovery link and code for `email`, without sending mail or waiting out the interval.
    pub fn generate_recovery_link(&self, email: &str, redirect_to: Option<&str>) -> Need<RecoveryLinkInfo> {
        let email = match validate::email("email", email) {
            Ok(email) => email,
            Err(e) => return Need::err(e),
        };
        if let Some(Err(e)) = redirect_to.map(|url| validate::url("redirectTo", url)) {
            return Need::err(e);
        }
        // GoTrue answers with the user object plus the link's fields.
        self.api.call(admin::recovery_link(&self.api, &self.service_key, &email, redirect_to)).and_then(|answer| {
            let field = |key: &str| answer.str_field(key).map(str::to_string);
            match (field("action_link"), field("email_otp"), field("hashed_token"), User::from_json(&answer)) {
                (Some(link), Some(code), Some(token_hash), Some(user)) => Need::ok(RecoveryLinkInfo { link, code, token_hash, user }),
                _ => Need::err(AuthError::new(ErrorCode::UnexpectedResponse, "The auth server's answer could not be understood")),
            }
        })
    }
}
