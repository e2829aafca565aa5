//! Admin API for trusted servers holding the service_role key: users (§5.12) and
//! `POST /admin/generate_link` (§5.13).

use axum::{
    extract::{Path, Query, State},
    http::{HeaderMap, HeaderValue},
    routing::{get, post},
    Json, Router,
};
use serde::Deserialize;
use serde_json::{json, Map, Value};

use crate::db::{self, User};
use crate::error::{ApiError, ApiResult};
use crate::extract::{Admin, JsonBody};
use crate::mail::{self, Flow, MailKind};
use crate::state::AppState;
use crate::{config, password, redirect, validate};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/users", get(users_index).post(users_create))
        .route("/admin/users/{id}", get(users_show).put(users_update).delete(users_delete))
        .route("/admin/generate_link", post(generate_link_create))
}

fn user_not_found() -> ApiError {
    ApiError::not_found("user_not_found", "User not found")
}

fn find_user(state: &AppState, id: &str) -> ApiResult<User> {
    if uuid::Uuid::parse_str(id).is_err() {
        return Err(ApiError::not_found("validation_failed", "user_id must be an UUID"));
    }
    state.db.tx(|conn| db::find_user_by_id(conn, id))?.ok_or_else(user_not_found)
}

#[derive(Deserialize)]
struct Page {
    page: Option<u32>,
    per_page: Option<u32>,
}

async fn users_index(_: Admin, State(state): State<AppState>, Query(q): Query<Page>) -> ApiResult<(HeaderMap, Json<Value>)> {
    let page = q.page.unwrap_or(1).max(1);
    let per_page = q.per_page.unwrap_or(50).clamp(1, 1000);
    let (users, total) = state.db.tx(|conn| db::list_users(conn, page, per_page))?;
    let mut headers = HeaderMap::new();
    headers.insert("x-total-count", HeaderValue::from(total));
    let users: Vec<Value> = users.iter().map(User::to_json).collect();
    Ok((headers, Json(json!({"users": users, "aud": state.config.jwt_aud}))))
}

async fn users_show(_: Admin, State(state): State<AppState>, Path(id): Path<String>) -> ApiResult<Json<Value>> {
    Ok(Json(find_user(&state, &id)?.to_json()))
}

#[derive(Deserialize)]
struct AdminUserParams {
    #[serde(default)]
    email: String,
    password: Option<String>,
    #[serde(default)]
    email_confirm: bool,
    user_metadata: Option<Map<String, Value>>,
    app_metadata: Option<Map<String, Value>>,
    ban_duration: Option<String>,
}

async fn users_create(_: Admin, State(state): State<AppState>, JsonBody(p): JsonBody<AdminUserParams>) -> ApiResult<Json<Value>> {
    let email = validate::email(&p.email)?;
    let hash = checked_hash(&state, p.password.as_deref()).await?;
    let user = state.db.tx(|conn| {
        if db::find_user_by_email(conn, &email)?.is_some() {
            return Err(ApiError::unprocessable("email_exists", "A user with this email address has already been registered"));
        }
        let now = state.now();
        let metadata = p.user_metadata.clone().map_or_else(|| json!({}), Value::Object);
        let mut user = User::new(&email, &state.config.jwt_aud, hash, metadata, now);
        if p.email_confirm {
            user.email_confirmed_at = Some(now);
        }
        if let Some(extra) = &p.app_metadata {
            db::merge_metadata(&mut user.app_metadata, extra);
        }
        apply_ban(&mut user, p.ban_duration.as_deref(), now)?;
        db::insert_user(conn, &user)?;
        Ok(user)
    })?;
    Ok(Json(user.to_json()))
}

async fn users_update(_: Admin, State(state): State<AppState>, Path(id): Path<String>, JsonBody(p): JsonBody<AdminUserParams>) -> ApiResult<Json<Value>> {
    find_user(&state, &id)?;
    let email = if p.email.is_empty() { None } else { Some(validate::email(&p.email)?) };
    let hash = checked_hash(&state, p.password.as_deref()).await?;
    let user = state.db.tx(|conn| {
        let mut user = db::find_user_by_id(conn, &id)?.ok_or_else(user_not_found)?;
        let now = state.now();
        if let Some(email) = email.filter(|e| *e != user.email) {
            if db::find_user_by_email(conn, &email)?.is_some() {
                return Err(ApiError::unprocessable("email_exists", "A user with this email address has already been registered"));
            }
            user.email = email;
        }
        if p.email_confirm && user.email_confirmed_at.is_none() {
            user.email_confirmed_at = Some(now);
        }
        if let Some(hash) = hash {
            user.set_password(hash);
            // Every device is signed out (`UpdatePassword(tx, nil)`).
            db::delete_sessions(conn, &user.id, None)?;
        }
        if let Some(data) = &p.user_metadata {
            db::merge_metadata(&mut user.user_metadata, data);
        }
        if let Some(data) = &p.app_metadata {
            db::merge_metadata(&mut user.app_metadata, data);
        }
        apply_ban(&mut user, p.ban_duration.as_deref(), now)?;
        user.updated_at = now;
        db::save_user(conn, &user)?;
        Ok(user)
    })?;
    Ok(Json(user.to_json()))
}

/// Admin passwords pass the strength policy; same-password and current-password checks do not
/// apply (GoTrue's admin update).
async fn checked_hash(state: &AppState, password: Option<&str>) -> ApiResult<Option<String>> {
    let Some(password) = password else { return Ok(None) };
    password::check_strength(&state.config, password)?;
    password::hash(password.to_string(), state.config.bcrypt_cost).await.map(Some)
}

async fn users_delete(_: Admin, State(state): State<AppState>, Path(id): Path<String>) -> ApiResult<Json<Value>> {
    find_user(&state, &id)?;
    state.db.tx(|conn| db::delete_user(conn, &id))?;
    Ok(Json(json!({})))
}

/// `ban_duration`: a Go duration from now, or `none` to lift a ban.
fn apply_ban(user: &mut User, ban: Option<&str>, now: i64) -> ApiResult<()> {
    match ban {
        None => Ok(()),
        Some("none") => {
            user.banned_until = None;
            Ok(())
        }
        Some(text) => {
            let duration = config::parse_duration(text)
                .ok_or_else(|| ApiError::validation(format!("invalid format for ban duration: {text}")))?;
            user.banned_until = Some(now + duration.as_millis() as i64);
            Ok(())
        }
    }
}

#[derive(Deserialize)]
struct GenerateLinkParams {
    #[serde(default, rename = "type")]
    kind: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    redirect_to: String,
}

/// Sets a fresh token without sending mail or applying the interval; always implicit flow.
async fn generate_link_create(_: Admin, State(state): State<AppState>, headers: HeaderMap, JsonBody(p): JsonBody<GenerateLinkParams>) -> ApiResult<Json<Value>> {
    let kind = match p.kind.as_str() {
        "recovery" => MailKind::Recovery,
        "magiclink" => MailKind::MagicLink,
        other => return Err(ApiError::validation(format!("Invalid email action link type requested: {other}"))),
    };
    let email = validate::email(&p.email)?;
    let redirect_to = redirect::choose(&state.config, &headers, Some(p.redirect_to.as_str()).filter(|s| !s.is_empty()));
    let (user, code, hash) = state.db.tx(|conn| {
        let mut user = db::find_user_by_email(conn, &email)?
            .ok_or_else(|| ApiError::not_found("user_not_found", "User with this email not found"))?;
        let (code, hash) = mail::new_token(&state, &mut user, kind, Flow::Implicit);
        db::save_user(conn, &user)?;
        Ok((user, code, hash))
    })?;
    let mut body = user.to_json();
    body["action_link"] = json!(mail::confirmation_url(&state, &hash, kind, &redirect_to));
    body["email_otp"] = json!(code);
    body["hashed_token"] = json!(hash);
    body["verification_type"] = json!(kind.name());
    body["redirect_to"] = json!(redirect_to);
    Ok(Json(body))
}
