//! Password policy (docs/protocol/gotrue.md §2.2, §6.2) and bcrypt, kept off the async workers.

use rusqlite::Connection;

use crate::config::{Config, MAX_PASSWORD_BYTES};
use crate::db::{self, Session, User};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// GoTrue's `checkPasswordStrength`: 72-byte limit, then `length` and `characters` reasons.
pub fn check_strength(config: &Config, password: &str) -> ApiResult<()> {
    if password.len() > MAX_PASSWORD_BYTES {
        return Err(ApiError::validation(format!("Password cannot be longer than {MAX_PASSWORD_BYTES} characters")));
    }
    let mut reasons = Vec::new();
    let mut messages = Vec::new();
    // GoTrue compares the byte length.
    if password.len() < config.password_min_length {
        reasons.push("length");
        messages.push(format!("Password should be at least {} characters.", config.password_min_length));
    }
    let sets = &config.password_required_characters;
    if sets.iter().any(|set| !password.chars().any(|c| set.contains(c))) {
        reasons.push("characters");
        messages.push(format!("Password should contain at least one character of each: {}.", sets.join(", ")));
    }
    if reasons.is_empty() {
        Ok(())
    } else {
        Err(ApiError::weak_password(messages.join(" "), reasons))
    }
}

pub async fn hash(password: String, cost: u32) -> ApiResult<String> {
    tokio::task::spawn_blocking(move || bcrypt::hash(password, cost))
        .await
        .map_err(ApiError::internal)?
        .map_err(ApiError::internal)
}

/// True when `password` matches `hash`. A missing hash (unknown email, invited user) never
/// matches, but costs the same bcrypt work as a real check, so the answer's timing does not
/// tell which accounts exist.
pub async fn verify(password: String, hash: Option<String>, cost: u32) -> ApiResult<bool> {
    tokio::task::spawn_blocking(move || match hash {
        Some(hash) => bcrypt::verify(password, &hash).unwrap_or(false),
        None => {
            let _ = bcrypt::hash(password, cost);
            false
        }
    })
    .await
    .map_err(ApiError::internal)
}

/// Whether `given` is `user`'s current password, checked under the sign-in budget (per client
/// and address, `ratelimit`): a stolen session must not make guessing the password cheaper
/// than signing in. A wrong one keeps its token; no token left is the platform's 429.
pub async fn check_current(state: &AppState, client: &crate::ratelimit::Client, user: &User, given: String) -> ApiResult<bool> {
    let wrong = |e: &ApiError| e.code() == Some("current_password_invalid");
    let attempt = async {
        match verify(given, user.encrypted_password.clone(), state.config.bcrypt_cost).await? {
            true => Ok(()),
            false => Err(ApiError::bad_request("current_password_invalid", "")),
        }
    };
    match crate::ratelimit::guarded(state, crate::ratelimit::Guess::SignIn, client, Some(&user.email), wrong, attempt).await {
        Ok(()) => Ok(true),
        Err(e) if wrong(&e) => Ok(false),
        Err(e) => Err(e),
    }
}

/// A signed-in user's password change, as the stand-ins do it: the policy, the hash, then the
/// user's sessions but `keep` ended and `also` (a notice) in the same transaction.
pub async fn change(
    state: &AppState,
    user: &mut User,
    keep: Option<&Session>,
    new_password: String,
    also: impl FnOnce(&Connection, &User) -> ApiResult<()>,
) -> ApiResult<()> {
    check_strength(&state.config, &new_password)?;
    let hash = hash(new_password, state.config.bcrypt_cost).await?;
    state.db.tx(|conn| {
        user.set_password(hash);
        user.updated_at = state.now();
        db::save_user(conn, user)?;
        db::delete_sessions(conn, &user.id, keep.map(|s| s.id.as_str()))?;
        also(conn, user)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    #[test]
    fn reasons_in_gotrue_order() {
        let mut config = Config::defaults();
        config.password_min_length = 8;
        config.password_required_characters = vec!["abc".into(), "0123456789".into()];
        let err = check_strength(&config, "xyz").unwrap_err();
        match err.kind {
            ErrorKind::WeakPassword { msg, reasons } => {
                assert_eq!(reasons, vec!["length", "characters"]);
                assert_eq!(msg, "Password should be at least 8 characters. Password should contain at least one character of each: abc, 0123456789.");
            }
            other => panic!("unexpected {other:?}"),
        }
        assert!(check_strength(&config, "abcdefg1").is_ok());
        assert_eq!(check_strength(&config, &"a1".repeat(37)).unwrap_err().code(), Some("validation_failed"));
    }
}
