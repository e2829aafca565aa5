//! `POST /verify` (code + email, or token hash) and `GET /verify` (the email link and its
//! redirects), with the limits that stop guessing.

use axum::{
    extract::State,
    http::{header::LOCATION, HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    routing::get,
    Json, Router,
};
use rusqlite::Connection;
use serde::Deserialize;
use serde_json::Value;
use url::Url;

use crate::db::{self, TokenColumn, User};
use crate::error::{ApiError, ApiResult, ErrorKind};
use crate::extract::{JsonBody, Query};
use crate::ratelimit::{guarded, Client, Guess};
use crate::state::AppState;
use crate::{crypto, redirect, tokens, validate};

pub fn router() -> Router<AppState> {
    Router::new().route("/verify", get(verify_link).post(verify_code))
}

/// The email verification types this server issues tokens for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Signup,
    Recovery,
    /// `email`: the confirmation token first, then the recovery token.
    Either,
}

impl Kind {
    fn parse(t: &str) -> Option<Kind> {
        match t {
            "signup" | "invite" => Some(Kind::Signup),
            "recovery" | "magiclink" => Some(Kind::Recovery),
            "email" => Some(Kind::Either),
            _ => None,
        }
    }

    fn columns(self) -> &'static [TokenColumn] {
        match self {
            Kind::Signup => &[TokenColumn::Confirmation],
            Kind::Recovery => &[TokenColumn::Recovery],
            Kind::Either => &[TokenColumn::Confirmation, TokenColumn::Recovery],
        }
    }
}

fn link_invalid() -> ApiError {
    ApiError::forbidden("otp_expired", "Email link is invalid or has expired")
}

fn code_invalid() -> ApiError {
    ApiError::forbidden("otp_expired", "Token has expired or is invalid")
}

fn is_expired(state: &AppState, sent_at: Option<i64>) -> bool {
    sent_at.is_none_or(|sent| state.now() > sent + state.config.mailer_otp_exp * 1000)
}

fn sent_at(user: &User, column: TokenColumn) -> Option<i64> {
    match column {
        TokenColumn::Confirmation => user.confirmation_sent_at,
        TokenColumn::Recovery => user.recovery_sent_at,
    }
}

fn stored_token(user: &User, column: TokenColumn) -> Option<&str> {
    match column {
        TokenColumn::Confirmation => user.confirmation_token.as_deref(),
        TokenColumn::Recovery => user.recovery_token.as_deref(),
    }
}

/// GoTrue's `verifyTokenHash`: the user whose stored token is exactly `hash`.
fn find_by_hash(conn: &Connection, state: &AppState, kind: Kind, hash: &str) -> ApiResult<(User, TokenColumn)> {
    for &column in kind.columns() {
        if let Some(user) = db::find_user_by_token(conn, column, hash)? {
            if user.is_banned(state.now()) {
                return Err(ApiError::forbidden("user_banned", "User is banned"));
            }
            if is_expired(state, sent_at(&user, column)) {
                return Err(link_invalid());
            }
            return Ok((user, column));
        }
    }
    Err(link_invalid())
}

/// GoTrue's `verifyUserAndToken`: the code must hash (with the email) to the stored token,
/// with or without its `pkce_` prefix.
fn find_by_code(conn: &Connection, state: &AppState, kind: Option<Kind>, email: &str, code: &str) -> ApiResult<(User, TokenColumn)> {
    let user = db::find_user_by_email(conn, email)?.ok_or_else(code_invalid)?;
    if user.is_banned(state.now()) {
        return Err(ApiError::forbidden("user_banned", "User is banned"));
    }
    let hash = crypto::token_hash(email, code);
    let columns = kind.map_or(&[][..], Kind::columns);
    let valid = columns.iter().copied().find(|&column| {
        let matches = stored_token(&user, column).is_some_and(|stored| {
            crypto::secret_eq(stored, &hash) || stored.strip_prefix("pkce_").is_some_and(|s| crypto::secret_eq(s, &hash))
        });
        matches && !is_expired(state, sent_at(&user, column))
    });
    valid.map(|column| (user, column)).ok_or_else(code_invalid)
}

/// Consumes the verified token. Recovery and magic link clear every outstanding one-time token
/// (`User.Recover`) and confirm the email; signup confirms.
fn consume(conn: &Connection, state: &AppState, user: &mut User, column: TokenColumn) -> ApiResult<()> {
    let now = state.now();
    match column {
        TokenColumn::Recovery => {
            user.recovery_token = None;
            user.confirmation_token = None;
            user.reauthentication_token = None;
        }
        TokenColumn::Confirmation => user.confirmation_token = None,
    }
    user.verify_failures = 0;
    if user.email_confirmed_at.is_none() {
        user.email_confirmed_at = Some(now);
    }
    user.updated_at = now;
    db::save_user(conn, user)
}

#[derive(Deserialize)]
struct VerifyParams {
    #[serde(default, rename = "type")]
    kind: String,
    #[serde(default)]
    token: String,
    #[serde(default)]
    token_hash: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    redirect_to: String,
}

/// Wrong and expired codes and links all answer `otp_expired`: those are what a guesser gets.
fn is_failed_guess(error: &ApiError) -> bool {
    error.code() == Some("otp_expired")
}

async fn verify_code(State(state): State<AppState>, client: Client, JsonBody(p): JsonBody<VerifyParams>) -> ApiResult<Json<Value>> {
    guarded(&state, Guess::Verify, &client, None, is_failed_guess, async { verify_code_checked(&state, p) }).await
}

fn verify_code_checked(state: &AppState, p: VerifyParams) -> ApiResult<Json<Value>> {
    if p.kind.is_empty() {
        return Err(ApiError::validation("Verify requires a verification type"));
    }
    if p.token.is_empty() == p.token_hash.is_empty() {
        return Err(ApiError::validation("Verify requires either a token or a token hash"));
    }
    let kind = Kind::parse(&p.kind);
    let email = if !p.token.is_empty() {
        if p.email.is_empty() == p.phone.is_empty() {
            return Err(ApiError::validation("Only an email address or phone number should be provided on verify"));
        }
        if !p.phone.is_empty() {
            // No phone provider here, so no phone user can hold a code.
            return Err(code_invalid());
        }
        Some(validate::email(&p.email).map_err(|_| ApiError::unprocessable("validation_failed", "Invalid email format"))?)
    } else {
        if !p.email.is_empty() || !p.phone.is_empty() || !p.redirect_to.is_empty() {
            return Err(ApiError::validation("Only the token_hash and type should be provided"));
        }
        None
    };
    let result = state.db.tx(|conn| {
        let (mut user, column) = match &email {
            Some(email) => find_by_code(conn, state, kind, email, &p.token)?,
            None => {
                let kind = kind.ok_or_else(|| ApiError::validation("Invalid email verification type"))?;
                find_by_hash(conn, state, kind, &p.token_hash)?
            }
        };
        consume(conn, state, &mut user, column)?;
        // POST /verify always answers a session with AMR `otp`, PKCE tokens included.
        tokens::issue_session(conn, state, &mut user, "otp")
    });
    if let (Err(error), Some(email)) = (&result, &email) {
        if is_failed_guess(error) {
            state.db.tx(|conn| count_wrong_code(conn, state, email))?;
        }
    }
    result.map(Json)
}

/// A wrong code for a known user counts against the codes outstanding; at
/// `AUTH_DEVSERVER_VERIFY_MAX_FAILURES` they are void, so guessing one of a million codes ends
/// after a handful of tries and a new email is needed (GoTrue relies on its per-IP limit alone).
fn count_wrong_code(conn: &Connection, state: &AppState, email: &str) -> ApiResult<()> {
    let Some(mut user) = db::find_user_by_email(conn, email)? else { return Ok(()) };
    user.verify_failures = user.verify_failures.saturating_add(1);
    if user.verify_failures >= state.config.verify_max_failures {
        tracing::info!(user_id = %user.id, "outstanding codes voided after {} wrong attempts", user.verify_failures);
        user.recovery_token = None;
        user.confirmation_token = None;
        user.verify_failures = 0;
    }
    db::save_user(conn, &user)
}

#[derive(Deserialize)]
struct LinkQuery {
    #[serde(default)]
    token: String,
    #[serde(default, rename = "type")]
    kind: String,
    redirect_to: Option<String>,
}

/// What a successful link verification redirects with.
enum LinkOutcome {
    Session(Value),
    AuthCode(String),
}

async fn verify_link(State(state): State<AppState>, Client(client): Client, headers: HeaderMap, Query(q): Query<LinkQuery>) -> ApiResult<Response> {
    if q.kind.is_empty() {
        return Err(ApiError::validation("Verify requires a verification type"));
    }
    if q.token.is_empty() {
        return Err(ApiError::validation("Verify requires a token or a token hash"));
    }
    let pkce = q.token.starts_with("pkce_");
    if pkce && !matches!(q.kind.as_str(), "recovery" | "magiclink" | "invite") {
        // GoTrue fails to parse such a type as an authentication method: a plain 500.
        return Err(ApiError::internal(format!("unsupported PKCE verification type {:?}", q.kind)));
    }
    // Taken before the attempt, given back unless it was a wrong guess (as `guarded` does).
    let limit = state.config.rate_limit_verify;
    if !state.verify_limiter.try_take(&client, limit, state.now()) {
        return Err(ApiError::too_many("over_request_rate_limit", "Request rate limit reached"));
    }
    let redirect_to = redirect::choose(&state.config, &headers, q.redirect_to.as_deref());
    let outcome = state.db.tx(|conn| {
        let kind = Kind::parse(&q.kind).ok_or_else(|| ApiError::validation("Invalid email verification type"))?;
        let (mut user, column) = find_by_hash(conn, &state, kind, &q.token)?;
        consume(conn, &state, &mut user, column)?;
        if pkce {
            let flow = db::latest_flow_state(conn, &user.id, &q.kind)?.ok_or_else(|| {
                ApiError::bad_request("flow_state_not_found", "No associated flow state found. flow state not found")
            })?;
            db::mark_auth_code_issued(conn, &flow.id, state.now())?;
            Ok(LinkOutcome::AuthCode(flow.auth_code))
        } else {
            tokens::issue_session(conn, &state, &mut user, "otp").map(LinkOutcome::Session)
        }
    });
    if !outcome.as_ref().is_err_and(is_failed_guess) {
        state.verify_limiter.give_back(&client, limit, state.now());
    }
    let location = match outcome {
        Ok(LinkOutcome::Session(session)) => implicit_redirect(&redirect_to, &session, &q.kind),
        Ok(LinkOutcome::AuthCode(code)) => with_query(&redirect_to, &[("code", code)]),
        Err(error) => error_redirect(&redirect_to, &error, pkce),
    };
    Ok((StatusCode::SEE_OTHER, [(LOCATION, location)]).into_response())
}

fn form_encode(pairs: &[(&str, String)]) -> String {
    let mut sorted = pairs.to_vec();
    sorted.sort_by(|a, b| a.0.cmp(b.0));
    let mut serializer = url::form_urlencoded::Serializer::new(String::new());
    for (key, value) in &sorted {
        serializer.append_pair(key, value);
    }
    serializer.finish()
}

/// `<redirect_to>#access_token=…&expires_at=…&…&type=<type>` (GoTrue's `AsRedirectURL`).
fn implicit_redirect(redirect_to: &str, session: &Value, kind: &str) -> String {
    let field = |k: &str| match &session[k] {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let fragment = form_encode(&[
        ("access_token", field("access_token")),
        ("expires_at", field("expires_at")),
        ("expires_in", field("expires_in")),
        ("refresh_token", field("refresh_token")),
        ("sb", String::new()),
        ("token_type", "bearer".into()),
        ("type", kind.into()),
    ]);
    format!("{redirect_to}#{fragment}")
}

/// Adds `pairs` to the query of `base`, re-encoding it sorted as Go's `url.Values` does.
fn with_query(base: &str, pairs: &[(&str, String)]) -> String {
    let Ok(mut url) = Url::parse(base) else { return base.to_string() };
    let mut all: Vec<(String, String)> = url.query_pairs().into_owned().filter(|(k, _)| !pairs.iter().any(|(p, _)| p == k)).collect();
    all.extend(pairs.iter().map(|(k, v)| (k.to_string(), v.clone())));
    let borrowed: Vec<(&str, String)> = all.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
    url.set_query(Some(&form_encode(&borrowed)));
    url.to_string()
}

/// Errors inside the verification travel in the fragment, and for PKCE links in the query too.
fn error_redirect(redirect_to: &str, error: &ApiError, pkce: bool) -> String {
    let oauth_word = match error.status.as_u16() {
        400 => Some("invalid_request"),
        401 => Some("unauthorized_client"),
        403 => Some("access_denied"),
        500 => Some("server_error"),
        503 => Some("temporarily_unavailable"),
        _ => None,
    };
    let code = match &error.kind {
        ErrorKind::OAuth { .. } => "unexpected_failure".to_string(),
        _ => error.code().unwrap_or("unexpected_failure").to_string(),
    };
    let mut pairs = vec![("error_code", code), ("error_description", error.message().to_string())];
    if let Some(word) = oauth_word {
        pairs.push(("error", word.to_string()));
    }
    let base = if pkce { with_query(redirect_to, &pairs) } else { redirect_to.to_string() };
    pairs.push(("sb", String::new()));
    let Ok(mut url) = Url::parse(&base) else { return base };
    url.set_fragment(Some(&form_encode(&pairs)));
    url.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expired_link_redirect_matches_gotrue() {
        let e = ApiError::forbidden("otp_expired", "Email link is invalid or has expired");
        assert_eq!(
            error_redirect("http://localhost:3000/reset", &e, false),
            "http://localhost:3000/reset#error=access_denied&error_code=otp_expired&error_description=Email+link+is+invalid+or+has+expired&sb="
        );
        let pkce = error_redirect("http://localhost:3000/reset?x=1", &e, true);
        assert!(pkce.starts_with("http://localhost:3000/reset?error=access_denied&error_code=otp_expired&"), "{pkce}");
        assert!(pkce.contains("&x=1#error=access_denied"), "{pkce}");
    }

    #[test]
    fn code_merges_into_existing_query() {
        assert_eq!(with_query("http://a.test/cb?z=1&a=2", &[("code", "c1".into())]), "http://a.test/cb?a=2&code=c1&z=1");
    }
}
