//! Sign-up, sign-in, the profile and the signed-in password change:
//! `POST /api/v3/signup`, `POST /api/v3/signin`, `GET /api/v3/get-profile`,
//! `POST /api/v3/update-password`.

use axum::{body::Bytes, extract::State, routing::{get, post}, Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use super::error::{api_code, ok, GenAuthError, GenAuthResult};
use super::{json_body, user_dto, GenAuthUser};
use crate::db::{self, User};
use crate::mail::{self, Flow, MailKind};
use crate::ratelimit::{guarded, Client, Guess};
use crate::state::AppState;
use crate::{jwt, password, tokens, validate};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v3/signup", post(signup))
        .route("/api/v3/signin", post(signin))
        .route("/api/v3/get-profile", get(profile))
        .route("/api/v3/update-password", post(update_password))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PasswordPayload {
    email: Option<String>,
    password: String,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct Options {
    password_encrypt_type: Option<String>,
    scope: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CredentialsParams {
    connection: String,
    password_payload: Option<PasswordPayload>,
    #[serde(default)]
    options: Options,
}

/// The email and the decrypted password of a `PASSWORD` connection.
async fn email_and_password(state: &AppState, p: CredentialsParams) -> GenAuthResult<(String, String, Options)> {
    if p.connection != "PASSWORD" {
        return Err(GenAuthError::invalid("The stand-in implements the PASSWORD connection only"));
    }
    let payload = p.password_payload.ok_or_else(|| GenAuthError::invalid("passwordPayload is required"))?;
    let email = validate::email(payload.email.as_deref().unwrap_or_default()).map_err(|_| GenAuthError::invalid("passwordPayload.email must be an email address (the stand-in signs in by email)"))?;
    let password = decrypt(state, p.options.password_encrypt_type.clone(), payload.password).await?;
    Ok((email, password, p.options))
}

/// Decrypts a password off the async workers (the first use generates the key pairs).
pub(super) async fn decrypt(state: &AppState, kind: Option<String>, sent: String) -> GenAuthResult<String> {
    let keys = state.genauth_keys.clone();
    tokio::task::spawn_blocking(move || keys.decrypt(kind.as_deref(), &sent))
        .await
        .map_err(|_| GenAuthError::new(500, None, "Internal server error"))?
}

/// The devserver's sign-up rules hold here too: `GOTRUE_DISABLE_SIGNUP` refuses, and without
/// autoconfirm the address must be confirmed (the devserver's confirmation email) before the
/// account signs in. An unconfirmed earlier sign-up is replaced, as GoTrue does.
async fn signup(State(state): State<AppState>, body: Bytes) -> GenAuthResult<Json<Value>> {
    if state.config.disable_signup {
        return Err(GenAuthError::new(403, None, "Registration is disabled for this application"));
    }
    let (email, password, _) = email_and_password(&state, json_body(&body)?).await?;
    password::check_strength(&state.config, &password)?;
    let hash = password::hash(password, state.config.bcrypt_cost).await?;
    let now = state.now();
    let site = state.config.site_url.clone();
    let user = state.db.tx(|conn| {
        if let Some(old) = db::find_user_by_email(conn, &email)? {
            if old.is_confirmed() {
                return Ok(None);
            }
            db::delete_user(conn, &old.id)?;
        }
        let mut user = User::new(&email, &state.config.jwt_aud, Some(hash), json!({}), now);
        if state.config.mailer_autoconfirm {
            user.email_confirmed_at = Some(now);
            db::insert_user(conn, &user)?;
        } else {
            db::insert_user(conn, &user)?;
            mail::check_send_limits(conn, &state, &user, MailKind::Signup)?;
            mail::send(conn, &state, &mut user, MailKind::Signup, Flow::Implicit, &site)?;
        }
        Ok(Some(user))
    })?;
    let user = user.ok_or_else(|| GenAuthError::invalid("A user with this email already exists"))?;
    Ok(ok(user_dto(&user)))
}

async fn signin(State(state): State<AppState>, client: Client, body: Bytes) -> GenAuthResult<Json<Value>> {
    let wrong = |e: &GenAuthError| e.api_code() == Some(api_code::WRONG_CREDENTIALS);
    // The address from the body as sent (the password may be encrypted; the address is not).
    let email = serde_json::from_slice::<Value>(&body).ok().and_then(|v| v["passwordPayload"]["email"].as_str().map(str::to_string)).unwrap_or_default();
    guarded(&state, Guess::SignIn, &client, Some(&email), wrong, signin_checked(&state, body)).await
}

async fn signin_checked(state: &AppState, body: Bytes) -> GenAuthResult<Json<Value>> {
    let (email, password, options) = email_and_password(state, json_body(&body)?).await?;
    let user = state.db.tx(|conn| db::find_user_by_email(conn, &email))?;
    // The same bcrypt work whether or not the account exists.
    let matches = password::verify(password, user.as_ref().and_then(|u| u.encrypted_password.clone()), state.config.bcrypt_cost).await?;
    let Some(mut user) = user.filter(|_| matches) else {
        return Err(GenAuthError::bad_request(api_code::WRONG_CREDENTIALS, "Account or password is incorrect"));
    };
    // Inferred: GenAuth's code for it is not documented.
    if !user.is_confirmed() {
        return Err(GenAuthError::new(403, None, "The email address has not been verified"));
    }
    let tokens = state.db.tx(|conn| tokens::issue_session(conn, state, &mut user, "password"))?;
    let scope = options.scope.unwrap_or_else(|| "openid profile".into());
    Ok(ok(token_set(state, &user, &tokens, &scope, "expire_in")))
}

/// GenAuth's token set from the devserver's session tokens: the refresh token only with
/// `offline_access`, an `id_token` naming the user. `expires_key` differs between the V3 API
/// (`expire_in`) and OIDC (`expires_in`).
pub(super) fn token_set(state: &AppState, user: &User, tokens: &Value, scope: &str, expires_key: &str) -> Value {
    let now = state.now() / 1000;
    let expires_in = tokens["expires_in"].as_i64().unwrap_or(state.config.jwt_exp);
    let id_token = jwt::sign(&state.config.jwt_secret, &json!({"iss": state.config.jwt_issuer, "sub": user.id, "email": user.email, "iat": now, "exp": now + expires_in}));
    let mut set = json!({
        "access_token": tokens["access_token"],
        "id_token": id_token,
        "token_type": "Bearer",
        "scope": scope,
    });
    set[expires_key] = json!(expires_in);
    if scope.split(' ').any(|s| s == "offline_access") {
        set["refresh_token"] = tokens["refresh_token"].clone();
    }
    set
}

async fn profile(caller: GenAuthUser) -> Json<Value> {
    ok(user_dto(&caller.user))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct UpdatePasswordParams {
    new_password: String,
    old_password: Option<String>,
    password_encrypt_type: Option<String>,
}

/// The old password is checked when the account has one; the change ends the user's other
/// sessions and keeps this one (inferred: GenAuth's docs do not say).
async fn update_password(State(state): State<AppState>, client: Client, caller: GenAuthUser, body: Bytes) -> GenAuthResult<Json<Value>> {
    let p: UpdatePasswordParams = json_body(&body)?;
    let GenAuthUser { mut user, session } = caller;
    let new_password = decrypt(&state, p.password_encrypt_type.clone(), p.new_password).await?;
    if user.encrypted_password.is_some() {
        let Some(old) = p.old_password else {
            return Err(GenAuthError::bad_request(api_code::WRONG_PASSWORD, "The old password is required"));
        };
        let old = decrypt(&state, p.password_encrypt_type.clone(), old).await?;
        if !password::check_current(&state, &client, &user, old).await? {
            return Err(GenAuthError::bad_request(api_code::WRONG_PASSWORD, "The old password is incorrect"));
        }
    }
    password::change(&state, &mut user, Some(&session), new_password, |_, _| Ok(())).await?;
    Ok(Json(json!({"statusCode": 200, "message": "", "requestId": uuid::Uuid::new_v4().to_string()})))
}
