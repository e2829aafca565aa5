//! `GET /user`, `PUT /user` (the password change, its checks in GoTrue's order) and
//! `GET /reauthenticate` (docs/protocol/gotrue.md §5.8–§5.10).

use axum::{extract::State, routing::get, Json, Router};
use serde::Deserialize;
use serde_json::{json, Map, Value};

use crate::db;
use crate::error::{ApiError, ApiResult};
use crate::extract::{AuthUser, JsonBody};
use crate::mail::{self, Flow, MailKind};
use crate::ratelimit::Client;
use crate::state::AppState;
use crate::{crypto, password, validate};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/user", get(user_show).put(user_update))
        .route("/reauthenticate", get(reauthenticate_create))
}

async fn user_show(AuthUser { user, .. }: AuthUser) -> Json<Value> {
    Json(user.to_json())
}

#[derive(Deserialize)]
struct UserUpdateParams {
    #[serde(default)]
    email: String,
    #[serde(default)]
    phone: String,
    password: Option<String>,
    current_password: Option<String>,
    #[serde(default)]
    nonce: String,
    data: Option<Map<String, Value>>,
    app_metadata: Option<Value>,
}

async fn user_update(State(state): State<AppState>, client: Client, caller: AuthUser, JsonBody(p): JsonBody<UserUpdateParams>) -> ApiResult<Json<Value>> {
    let config = &state.config;
    let AuthUser { user, session } = caller;
    if !p.email.is_empty() {
        validate::email(&p.email)?;
    }
    if let Some(new_password) = &p.password {
        password::check_strength(config, new_password)?;
    }
    if p.app_metadata.is_some() {
        return Err(ApiError::forbidden("not_admin", "Updating app_metadata requires admin privileges"));
    }
    if !p.email.is_empty() && !p.email.eq_ignore_ascii_case(&user.email) {
        if state.db.tx(|conn| db::find_user_by_email(conn, &p.email))?.is_some() {
            return Err(ApiError::unprocessable("email_exists", "A user with this email address has already been registered"));
        }
        // Deliberate gap: the password lifecycle is this server's purpose.
        return Err(ApiError::unprocessable("validation_failed", "auth-devserver does not implement email change"));
    }
    if !p.phone.is_empty() {
        return Err(ApiError::unprocessable("validation_failed", "auth-devserver does not implement phone numbers"));
    }

    let mut consume_nonce = false;
    if let Some(new_password) = &p.password {
        let now = state.now();
        let reauth_after = config.reauthentication_session_age.as_millis() as i64;
        if config.require_reauthentication && now > session.created_at + reauth_after {
            if p.nonce.is_empty() {
                return Err(ApiError::bad_request("reauthentication_needed", "Password update requires reauthentication"));
            }
            let expected = crypto::token_hash(&user.email, &p.nonce);
            let valid = user.reauthentication_token.as_deref().is_some_and(|t| crypto::secret_eq(t, &expected))
                && user.reauthentication_sent_at.is_some_and(|sent| now <= sent + config.mailer_otp_exp * 1000);
            if !valid {
                return Err(ApiError::unprocessable("reauthentication_not_valid", "Nonce has expired or is invalid"));
            }
            consume_nonce = true;
        }
        if !new_password.is_empty() && user.encrypted_password.is_some() {
            if config.require_current_password && !session.is_recovery() {
                let current = p.current_password.clone().unwrap_or_default();
                if current.is_empty() {
                    return Err(ApiError::bad_request("current_password_required", "Current password required when setting new password."));
                }
                if !password::check_current(&state, &client, &user, current).await? {
                    return Err(ApiError::bad_request("current_password_invalid", "Current password required when setting new password."));
                }
            }
            if password::verify(new_password.clone(), user.encrypted_password.clone(), config.bcrypt_cost).await? {
                return Err(ApiError::unprocessable("same_password", "New password should be different from the old password."));
            }
        }
    }
    let new_hash = match &p.password {
        Some(new_password) => Some(password::hash(new_password.clone(), config.bcrypt_cost).await?),
        None => None,
    };

    let updated = state.db.tx(|conn| {
        let mut user = db::find_user_by_id(conn, &user.id)?
            .ok_or_else(|| ApiError::forbidden("user_not_found", "User from sub claim in JWT does not exist"))?;
        let now = state.now();
        if consume_nonce {
            user.reauthentication_token = None;
        }
        if let Some(hash) = new_hash {
            user.set_password(hash);
            // Every other session ends; this one goes on with its tokens.
            db::delete_sessions(conn, &user.id, Some(&session.id))?;
        }
        if let Some(data) = &p.data {
            db::merge_metadata(&mut user.user_metadata, data);
        }
        user.updated_at = now;
        db::save_user(conn, &user)?;
        Ok(user)
    })?;
    Ok(Json(updated.to_json()))
}

async fn reauthenticate_create(State(state): State<AppState>, caller: AuthUser) -> ApiResult<Json<Value>> {
    let mut user = caller.user;
    if user.email.is_empty() {
        return Err(ApiError::validation("Reauthentication requires the user to have an email or a phone number"));
    }
    if !user.is_confirmed() {
        return Err(ApiError::unprocessable("email_not_confirmed", "Please verify your email first."));
    }
    let site_url = state.config.site_url.clone();
    state.db.tx(|conn| {
        mail::check_send_limits(conn, &state, &user, MailKind::Reauthentication)?;
        mail::send(conn, &state, &mut user, MailKind::Reauthentication, Flow::Implicit, &site_url).map(|_| ())
    })?;
    Ok(Json(json!({})))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metadata_merge_removes_nulls() {
        let mut m = json!({"a": 1, "b": 2});
        let patch = json!({"b": null, "c": 3});
        db::merge_metadata(&mut m, patch.as_object().unwrap());
        assert_eq!(m, json!({"a": 1, "c": 3}));
    }
}
