//! Request extractors that fail with GoTrue's JSON errors, never axum's plain-text rejections:
//! JSON bodies, query strings, path segments, bearer users and admin callers.

use axum::{
    body::Bytes,
    extract::{FromRequest, FromRequestParts, Request},
    http::{header::AUTHORIZATION, request::Parts, StatusCode},
};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::config::MAX_BODY_BYTES;
use crate::db::{self, Session, User};
use crate::error::ApiError;
use crate::jwt;
use crate::state::AppState;

/// A query string; a value of the wrong type is a 400 `validation_failed` with the reason.
pub struct Query<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Query<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Query(value)| Query(value))
            .map_err(|rejection| ApiError::validation(rejection.body_text()))
    }
}

/// Path parameters; undecodable ones are a 400 `validation_failed`.
pub struct Path<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for Path<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Path(value)| Path(value))
            .map_err(|rejection| ApiError::validation(rejection.body_text()))
    }
}

/// A JSON body, parsed whatever the `Content-Type` (GoTrue's `retrieveRequestParams`).
pub struct JsonBody<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        let RawBody(bytes) = RawBody::from_request(request, state).await?;
        parse_json(&bytes).map(JsonBody)
    }
}

/// The body bytes, at most 1 MiB, for handlers that must check something before parsing.
pub struct RawBody(pub Bytes);

impl<S: Send + Sync> FromRequest<S> for RawBody {
    type Rejection = ApiError;

    async fn from_request(request: Request, _: &S) -> Result<Self, ApiError> {
        axum::body::to_bytes(request.into_body(), MAX_BODY_BYTES).await.map(RawBody).map_err(|_| {
            ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "request_entity_too_large", format!("Request body too large (max {MAX_BODY_BYTES} bytes)"))
        })
    }
}

pub fn parse_json<T: DeserializeOwned>(bytes: &Bytes) -> Result<T, ApiError> {
    let bad_json = |e: serde_json::Error| ApiError::bad_request("bad_json", format!("Could not parse request body as JSON: {}", json_error_text(&e)));
    let mut value: Value = serde_json::from_slice(bytes).map_err(bad_json)?;
    // Go decodes `null` into a field as "leave it unset"; clients (auth-js among them) send
    // `"code_challenge": null` and the like, so top-level nulls count as absent here too.
    if let Value::Object(fields) = &mut value {
        fields.retain(|_, v| !v.is_null());
    }
    serde_json::from_value(value).map_err(bad_json)
}

/// serde's messages, phrased close to Go's `encoding/json` ones.
fn json_error_text(e: &serde_json::Error) -> String {
    if e.is_eof() && e.line() == 1 && e.column() == 0 {
        "unexpected end of JSON input".into()
    } else {
        e.to_string()
    }
}

fn bearer_token(parts: &Parts) -> Option<&str> {
    let value = parts.headers.get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// Verified claims of the caller's JWT (steps 1–2 of docs/protocol/gotrue.md §4).
fn claims(parts: &Parts, state: &AppState) -> Result<Value, ApiError> {
    let token = bearer_token(parts).ok_or_else(|| ApiError::new(StatusCode::UNAUTHORIZED, "no_authorization", "This endpoint requires a valid Bearer token"))?;
    jwt::verify(&state.config.jwt_secret, token, state.now() / 1000)
        .map_err(|e| ApiError::forbidden("bad_jwt", format!("invalid JWT: unable to parse or verify signature, {}", e.0)))
}

/// The signed-in caller: user and session from the access token, checked against the database.
pub struct AuthUser {
    pub user: User,
    pub session: Session,
}

impl FromRequestParts<AppState> for AuthUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let claims = claims(parts, state)?;
        let sub = claims.get("sub").and_then(Value::as_str).filter(|s| !s.is_empty())
            .ok_or_else(|| ApiError::forbidden("bad_jwt", "invalid claim: missing sub claim"))?;
        if uuid::Uuid::parse_str(sub).is_err() {
            return Err(ApiError::bad_request("bad_jwt", "invalid claim: sub claim must be a UUID"));
        }
        let session_id = claims.get("session_id").and_then(Value::as_str).unwrap_or_default().to_string();
        let now = state.now();
        state.db.tx(|conn| {
            let user = db::find_user_by_id(conn, sub)?
                .ok_or_else(|| ApiError::forbidden("user_not_found", "User from sub claim in JWT does not exist"))?;
            if uuid::Uuid::parse_str(&session_id).is_err() {
                return Err(ApiError::forbidden("bad_jwt", "invalid claim: session_id claim must be a UUID"));
            }
            let session = db::find_session(conn, &session_id)?
                .filter(|s| s.user_id == user.id)
                .ok_or_else(|| ApiError::forbidden("session_not_found", "Session from session_id claim in JWT does not exist"))?;
            if user.is_banned(now) {
                return Err(ApiError::forbidden("user_banned", "User is banned"));
            }
            Ok(AuthUser { user, session })
        })
    }
}

/// A caller whose JWT role is one of `GOTRUE_JWT_ADMIN_ROLES` (the service_role key).
pub struct Admin;

impl FromRequestParts<AppState> for Admin {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let claims = claims(parts, state)?;
        let role = claims.get("role").and_then(Value::as_str).unwrap_or_default();
        if state.config.jwt_admin_roles.iter().any(|r| r == role) {
            Ok(Admin)
        } else {
            Err(ApiError::forbidden("not_admin", "User not allowed"))
        }
    }
}
