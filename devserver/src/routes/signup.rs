//! `POST /signup` (GoTrue `internal/api/signup.go`): email sign-up. With autoconfirm (this
//! server's default, as `supabase start`) it answers a session; otherwise the user object and a
//! confirmation email.

use axum::{extract::State, http::HeaderMap, routing::post, Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::db::{self, User};
use crate::error::{ApiError, ApiResult};
use crate::extract::JsonBody;
use crate::mail::{self, Flow, MailKind};
use crate::state::AppState;
use crate::{password, redirect, tokens, validate};

pub fn router() -> Router<AppState> {
    Router::new().route("/signup", post(signup_create))
}

#[derive(Deserialize)]
struct SignupParams {
    #[serde(default)]
    email: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    data: Option<Value>,
}

async fn signup_create(State(state): State<AppState>, headers: HeaderMap, JsonBody(p): JsonBody<SignupParams>) -> ApiResult<Json<Value>> {
    let config = &state.config;
    if config.disable_signup {
        return Err(ApiError::unprocessable("signup_disabled", "Signups not allowed for this instance"));
    }
    if p.password.is_empty() {
        return Err(ApiError::validation("Signup requires a valid password"));
    }
    password::check_strength(config, &p.password)?;
    if !p.email.is_empty() && !p.phone.is_empty() {
        return Err(ApiError::validation("Only an email address or phone number should be provided on signup."));
    }
    if !p.phone.is_empty() {
        return Err(ApiError::bad_request("phone_provider_disabled", "Phone signups are disabled"));
    }
    if p.email.is_empty() {
        return Err(ApiError::validation("Sign up only available with email provider"));
    }
    let email = validate::email(&p.email)?;
    let data = p.data.filter(Value::is_object).unwrap_or_else(|| json!({}));

    let existing = state.db.tx(|conn| db::find_user_by_email(conn, &email))?;
    if existing.as_ref().is_some_and(User::is_confirmed) {
        if config.mailer_autoconfirm {
            return Err(ApiError::unprocessable("user_already_exists", "User already registered"));
        }
        // Anti-enumeration: an existing confirmed user gets a plausible, fake user object.
        let mut fake = User::new(&email, &config.jwt_aud, None, data, state.now());
        fake.confirmation_sent_at = Some(state.now());
        let mut body = fake.to_json();
        body["identities"] = json!([]);
        return Ok(Json(body));
    }

    let hash = password::hash(p.password, config.bcrypt_cost).await?;
    let redirect_to = redirect::choose(config, &headers, None);
    let body = state.db.tx(|conn| {
        // An unconfirmed earlier sign-up is replaced: nobody proved they own that address.
        if let Some(old) = db::find_user_by_email(conn, &email)? {
            if old.is_confirmed() {
                return Err(ApiError::unprocessable("user_already_exists", "User already registered"));
            }
            db::delete_user(conn, &old.id)?;
        }
        let now = state.now();
        let mut user = User::new(&email, &config.jwt_aud, Some(hash), data, now);
        if config.mailer_autoconfirm {
            user.email_confirmed_at = Some(now);
            db::insert_user(conn, &user)?;
            tokens::issue_session(conn, &state, &mut user, "password")
        } else {
            db::insert_user(conn, &user)?;
            mail::check_send_limits(conn, &state, &user, MailKind::Signup)?;
            mail::send(conn, &state, &mut user, MailKind::Signup, Flow::Implicit, &redirect_to)?;
            Ok(user.to_json())
        }
    })?;
    Ok(Json(body))
}
