//! Admin API for trusted servers holding the service_role key: users, and
//! `POST /admin/generate_link`.

use axum::{
    extract::State,
    http::{HeaderMap, HeaderValue, Uri},
    routing::{get, post},
    Json, Router,
};
use serde::Deserialize;
use serde_json::{json, Map, Value};

use crate::db::{self, User};
use crate::error::{ApiError, ApiResult};
use crate::extract::{Admin, JsonBody, Path, Query};
use crate::mail::{self, Flow, MailKind};
use crate::state::AppState;
use crate::{config, crypto, password, redirect, validate};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/users", get(users_index).post(users_create))
        .route("/admin/users/{id}", get(users_show).put(users_update).delete(users_delete))
        .route("/admin/generate_link", post(generate_link_create))
        .route_layer(axum::middleware::from_fn(crate::guard::server_only))
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

/// `page` and `per_page` as GoTrue reads them: text, where an empty value means absent.
#[derive(Deserialize)]
struct Page {
    #[serde(default)]
    page: String,
    #[serde(default)]
    per_page: String,
}

/// Go's `strconv.ParseUint(v, 10, 64)`, with its error text.
fn parse_uint(v: &str) -> Result<u64, String> {
    v.parse::<u64>().map_err(|e| {
        let why = if matches!(e.kind(), std::num::IntErrorKind::PosOverflow) { "value out of range" } else { "invalid syntax" };
        format!("strconv.ParseUint: parsing {v:?}: {why}")
    })
}

async fn users_index(_: Admin, State(state): State<AppState>, uri: Uri, Query(q): Query<Page>) -> ApiResult<(HeaderMap, Json<Value>)> {
    let bad = |e: String| ApiError::validation(format!("Bad Pagination Parameters: {e}"));
    let page = if q.page.is_empty() { 1 } else { parse_uint(&q.page).map_err(bad)? };
    let per_page = if q.per_page.is_empty() { 50 } else { parse_uint(&q.per_page).map_err(bad)? };
    // GoTrue divides by per_page (0 panics there) and has no ceiling; here 1..=1000 and page >= 1.
    let (page, per_page) = (page.max(1), per_page.clamp(1, 1000));
    let (users, total) = state.db.tx(|conn| db::list_users(conn, page, per_page))?;
    let mut headers = HeaderMap::new();
    headers.insert("x-total-count", HeaderValue::from(total));
    if let Ok(link) = HeaderValue::from_str(&pagination_link(&uri, page, per_page, total)) {
        headers.insert("link", link);
    }
    let users: Vec<Value> = users.iter().map(User::to_json).collect();
    Ok((headers, Json(json!({"users": users, "aud": state.config.jwt_aud}))))
}

/// GoTrue's `Link` header: the next page (when there is one) and the last, as this request's
/// path and query with `page` replaced (auth-js's `listUsers` reads `nextPage` from it).
fn pagination_link(uri: &Uri, page: u64, per_page: u64, total: u64) -> String {
    let pages = total.div_ceil(per_page);
    let with_page = |p: u64| {
        let mut pairs: Vec<(String, String)> =
            url::form_urlencoded::parse(uri.query().unwrap_or_default().as_bytes()).into_owned().filter(|(k, _)| k != "page").collect();
        pairs.push(("page".into(), p.to_string()));
        pairs.sort();
        let query = url::form_urlencoded::Serializer::new(String::new()).extend_pairs(pairs).finish();
        format!("<{}?{query}>", uri.path())
    };
    let mut header = String::new();
    if pages > page {
        header.push_str(&format!("{}; rel=\"next\", ", with_page(page + 1)));
    }
    header.push_str(&format!("{}; rel=\"last\"", with_page(pages)));
    header
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
        // Go's zero value: an empty string leaves the ban as it is.
        None | Some("") => Ok(()),
        Some("none") => {
            user.banned_until = None;
            Ok(())
        }
        Some(text) => {
            // parse_duration refuses `inf`, NaN and anything past ten years: no overflow below.
            let invalid = || ApiError::validation(format!("invalid format for ban duration: {text}"));
            let ms = config::parse_duration(text).and_then(|d| i64::try_from(d.as_millis()).ok()).ok_or_else(invalid)?;
            user.banned_until = Some(now.checked_add(ms).ok_or_else(invalid)?);
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
    new_email: String,
    #[serde(default)]
    password: String,
    data: Option<Map<String, Value>>,
    #[serde(default)]
    redirect_to: String,
}

/// GoTrue's `adminGenerateLink`: sets a fresh token of the requested type without sending mail
/// or applying the per-user interval (always implicit flow). The email is validated before the
/// type; `signup` and `invite` create the user, and so does `magiclink` for an unknown email
/// (as a `signup` with a random password).
async fn generate_link_create(_: Admin, State(state): State<AppState>, headers: HeaderMap, JsonBody(p): JsonBody<GenerateLinkParams>) -> ApiResult<Json<Value>> {
    let email = validate::email(&p.email)?;
    let redirect_to = redirect::choose(&state.config, &headers, Some(p.redirect_to.as_str()).filter(|s| !s.is_empty()));
    let existing = state.db.tx(|conn| db::find_user_by_email(conn, &email))?;
    let mut kind = p.kind.clone();
    let mut password = p.password.clone();
    if existing.is_none() {
        match kind.as_str() {
            "magiclink" => {
                kind = "signup".into();
                password = crypto::random_secret();
            }
            "recovery" | "email_change_current" | "email_change_new" => {
                return Err(ApiError::not_found("user_not_found", "User with this email not found"));
            }
            _ => {}
        }
    }
    let mail_kind = match kind.as_str() {
        "recovery" => MailKind::Recovery,
        "magiclink" => MailKind::MagicLink,
        "signup" => MailKind::Signup,
        "invite" => MailKind::Invite,
        "email_change_current" => MailKind::EmailChangeCurrent,
        "email_change_new" => MailKind::EmailChangeNew,
        other => return Err(ApiError::validation(format!("Invalid email action link type requested: {other}"))),
    };
    // A new sign-up's password is checked and hashed before the transaction (bcrypt is slow).
    let hash = if mail_kind == MailKind::Signup && existing.is_none() {
        if password.is_empty() {
            return Err(ApiError::validation("Signup requires a valid password"));
        }
        password::check_strength(&state.config, &password)?;
        Some(password::hash(password, state.config.bcrypt_cost).await?)
    } else {
        None
    };
    let data = p.data.clone().map_or_else(|| json!({}), Value::Object);
    let (user, code, stored) = state.db.tx(|conn| {
        let now = state.now();
        let mut user = match db::find_user_by_email(conn, &email)? {
            Some(user) => {
                if matches!(mail_kind, MailKind::Signup | MailKind::Invite) && user.is_confirmed() {
                    return Err(email_exists());
                }
                user
            }
            None => {
                let user = User::new(&email, &state.config.jwt_aud, hash.clone(), data.clone(), now);
                db::insert_user(conn, &user)?;
                user
            }
        };
        if mail_kind == MailKind::Signup {
            if let Some(patch) = &p.data {
                db::merge_metadata(&mut user.user_metadata, patch);
            }
        }
        if matches!(mail_kind, MailKind::EmailChangeCurrent | MailKind::EmailChangeNew) {
            if !state.config.secure_email_change_enabled && mail_kind == MailKind::EmailChangeCurrent {
                return Err(ApiError::validation("Enable secure email change to generate link for current email"));
            }
            let new_email = validate::email(&p.new_email)?;
            if db::find_user_by_email(conn, &new_email)?.is_some_and(|other| other.id != user.id) {
                return Err(email_exists());
            }
            user.email_change = Some(new_email);
        }
        let (code, stored) = mail::new_token(&state, &mut user, mail_kind, Flow::Implicit);
        db::save_user(conn, &user)?;
        Ok((user, code, stored))
    })?;
    let mut body = user.to_json();
    body["action_link"] = json!(mail::confirmation_url(&state, &stored, mail_kind, &redirect_to));
    body["email_otp"] = json!(code);
    body["hashed_token"] = json!(stored);
    body["verification_type"] = json!(kind);
    body["redirect_to"] = json!(redirect_to);
    Ok(Json(body))
}

fn email_exists() -> ApiError {
    ApiError::unprocessable("email_exists", "A user with this email address has already been registered")
}
