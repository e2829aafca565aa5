//! The emailed reset code two stand-ins share (GenAuth's pass code, Wacht's one-time code): a
//! 6-digit code kept hashed in the user's recovery column under the platform's prefix, one
//! outstanding at a time and one a minute at most; the right code within its lifetime becomes a
//! reset token (hashed in the same column, so a new code voids an unused token and the reverse),
//! and a wrong one counts against the code until `AUTH_DEVSERVER_VERIFY_MAX_FAILURES` voids it.
//! The token is spent with the new password. Platforms differ in names, lifetimes and answers,
//! not in this.

use rusqlite::Connection;

use crate::db::{self, Mail, TokenColumn, User};
use crate::error::ApiResult;
use crate::state::AppState;
use crate::{crypto, password};

/// One platform's codes.
pub struct Policy {
    /// Recovery-column prefixes of the code and of the token it turns into.
    pub code_prefix: &'static str,
    pub token_prefix: &'static str,
    pub code_seconds: i64,
    pub token_seconds: i64,
    pub resend_seconds: i64,
}

impl Policy {
    fn code_hash(&self, email: &str, code: &str) -> String {
        format!("{}{}", self.code_prefix, crypto::token_hash(email, code))
    }

    fn token_hash(&self, token: &str) -> String {
        format!("{}{}", self.token_prefix, crypto::token_hash("", token))
    }

    /// Emails a new code to `email`'s user, made by `mail(user, code)`. `Ok(Some(seconds))`
    /// when one was sent less than `resend_seconds` ago — pending, exchanged or voided by wrong
    /// guesses alike, so that voiding a code never buys a fresh one at once; unknown addresses
    /// get `Ok(None)` too, and nothing is sent.
    pub fn send(&self, state: &AppState, email: &str, mail: impl FnOnce(&User, &str) -> Mail) -> ApiResult<Option<i64>> {
        let now = state.now();
        state.db.tx(|conn| {
            let Some(mut user) = db::find_user_by_email(conn, email)? else { return Ok(None) };
            if let Some(sent) = user.code_sent_at {
                // Rounded up: "try again in 0 seconds" would be refused again.
                let left = (sent + self.resend_seconds * 1000 - now + 999) / 1000;
                if left > 0 {
                    return Ok(Some(left));
                }
            }
            let code = crypto::generate_otp(6);
            user.recovery_token = Some(self.code_hash(&user.email, &code));
            user.recovery_sent_at = Some(now);
            user.code_sent_at = Some(now);
            user.verify_failures = 0;
            user.updated_at = now;
            db::save_user(conn, &user)?;
            db::insert_mail(conn, &mail(&user, &code))?;
            Ok(None)
        })
    }

    /// The reset token for the right code, still fresh; `None` for anything else (a wrong code
    /// counts against the outstanding one).
    pub fn exchange(&self, state: &AppState, email: &str, code: &str) -> ApiResult<Option<String>> {
        let now = state.now();
        state.db.tx(|conn| {
            let Some(mut user) = db::find_user_by_email(conn, email)? else { return Ok(None) };
            let stored = user.recovery_token.clone().unwrap_or_default();
            if !stored.starts_with(self.code_prefix) {
                return Ok(None);
            }
            let fresh = user.recovery_sent_at.is_some_and(|sent| now <= sent + self.code_seconds * 1000);
            if fresh && crypto::secret_eq(&stored, &self.code_hash(&user.email, code.trim())) {
                let token = crypto::random_secret();
                user.recovery_token = Some(self.token_hash(&token));
                user.recovery_sent_at = Some(now);
                user.verify_failures = 0;
                db::save_user(conn, &user)?;
                return Ok(Some(token));
            }
            user.verify_failures = user.verify_failures.saturating_add(1);
            if user.verify_failures >= state.config.verify_max_failures {
                user.recovery_token = None;
                user.verify_failures = 0;
            }
            db::save_user(conn, &user)?;
            Ok(None)
        })
    }

    /// The user a fresh reset token belongs to.
    pub fn holder(&self, state: &AppState, token: &str) -> ApiResult<Option<User>> {
        let now = state.now();
        let user = state.db.tx(|conn| db::find_user_by_token(conn, TokenColumn::Recovery, &self.token_hash(token.trim())))?;
        Ok(user.filter(|u| u.recovery_sent_at.is_some_and(|sent| now <= sent + self.token_seconds * 1000)))
    }

    /// Sets `new_password` with the token `holder` found (the policy checked first: a refused
    /// password leaves the token usable), ends every session of the user, then `then` (a new
    /// session, say). `None` if the token was spent meanwhile.
    pub async fn spend<T>(
        &self,
        state: &AppState,
        holder: &User,
        token: &str,
        new_password: String,
        then: impl FnOnce(&Connection, &mut User) -> ApiResult<T>,
    ) -> ApiResult<Option<T>> {
        password::check_strength(&state.config, &new_password)?;
        let hash = password::hash(new_password, state.config.bcrypt_cost).await?;
        let stored = self.token_hash(token.trim());
        state.db.tx(|conn| {
            // Read again: the token may have been spent while the hash was computed.
            let Some(mut user) = db::find_user_by_id(conn, &holder.id)?.filter(|u| u.recovery_token.as_deref() == Some(&*stored)) else { return Ok(None) };
            user.set_password(hash);
            user.recovery_token = None;
            user.updated_at = state.now();
            db::save_user(conn, &user)?;
            db::delete_sessions(conn, &user.id, None)?;
            then(conn, &mut user).map(Some)
        })
    }
}
