//! Firebase Authentication (the Identity Toolkit REST API, v1) as a platform: the same contract
//! as GoTrue's over `accounts:*` and the Secure Token API. One file per endpoint family.
//!
//! How the reset differs from GoTrue's: the email carries an `oobCode`; `accounts:resetPassword`
//! with the code alone checks it without using it (verifyOtp holds it), and with a new password
//! uses it; nobody is signed in by a reset, so the client signs in with the new password. A
//! password change (`accounts:update`) answers new tokens: the old ones stop working.
//! Sessions cannot be ended on the server from a client: sign-out is local only.

mod accounts;
mod errors;
mod token;

use crate::error::AuthError;
use crate::fields::Fields;
use crate::backend::{local_sign_out_only, Backend, Capabilities, FromOptions, Credential, PasswordChange, Proof, ResetOptions, SignOutScope, Updated, Verified};
use crate::http::HttpRequest;
use crate::json::JsonValue;
use crate::link::{self, RecoveryLink};
use crate::need::Need;
use crate::session::{Session, User};
use crate::wire::{self, encode_query_value, unexpected};

/// A Firebase project, by its Web API key, on Google's servers or the Auth emulator.
pub struct Firebase {
    /// `…/identitytoolkit.googleapis.com/v1`.
    identity_toolkit: String,
    /// `…/securetoken.googleapis.com/v1`.
    secure_token: String,
    /// `?key=<api key>`.
    key_query: String,
}

impl Firebase {
    /// `url` is the Identity Toolkit root (`https://identitytoolkit.googleapis.com`) or the
    /// emulator's address (`http://127.0.0.1:9099`), under which both APIs live.
    pub fn new(url: &str, api_key: &str) -> Self {
        let url = url.trim_end_matches('/');
        let (identity_toolkit, secure_token) = if url.ends_with("identitytoolkit.googleapis.com") {
            (crate::text::cat(&[url, "/v1"]), "https://securetoken.googleapis.com/v1".to_string())
        } else {
            (crate::text::cat(&[url, "/identitytoolkit.googleapis.com/v1"]), crate::text::cat(&[url, "/securetoken.googleapis.com/v1"]))
        };
        Firebase { identity_toolkit, secure_token, key_query: crate::text::cat(&["?key=", &encode_query_value(api_key)]) }
    }

    /// `POST <identity toolkit>/accounts:<method>?key=…` with a JSON body.
    fn accounts(&self, method: &str, body: &JsonValue) -> HttpRequest {
        self.post(crate::text::cat(&[&self.identity_toolkit, "/accounts:", method, &self.key_query]), body)
    }

    fn post(&self, url: String, body: &JsonValue) -> HttpRequest {
        HttpRequest { method: "POST", url, headers: vec![("Content-Type".into(), "application/json".into())], body: Some(body.stringify()) }
    }

    fn call(&self, request: HttpRequest) -> Need<JsonValue> {
        wire::call(request, errors::read)
    }
}

/// The user as the client keeps it: `id` (Firebase's `localId`) and `email`, with the other
/// fields Firebase sent — but never a password hash, salt or token (the emulator's
/// `passwordHash` even holds the password).
fn user_from(answer: &JsonValue) -> Option<User> {
    let JsonValue::Object(members) = answer else { return None };
    let id = answer.str_field("localId").filter(|id| !id.is_empty())?;
    let mut fields: Vec<(String, JsonValue)> = vec![("id".into(), JsonValue::string(id))];
    const HIDDEN: [&str; 7] = ["localId", "passwordHash", "salt", "idToken", "refreshToken", "kind", "expiresIn"];
    fields.extend(members.iter().filter(|(k, _)| !HIDDEN.contains(&k.as_str())).cloned());
    User::from_json(&JsonValue::Object(fields))
}

/// A session from a token answer: `idToken`/`refreshToken`/`expiresIn` (Identity Toolkit) or
/// `id_token`/`refresh_token`/`expires_in` (Secure Token); `expiresIn` is a string of seconds.
fn session_from(answer: &JsonValue, user: User) -> Option<Session> {
    let text = |a: &str, b: &str| answer.str_field(a).or_else(|| answer.str_field(b)).map(str::to_string);
    let expires_in = text("expiresIn", "expires_in").and_then(|s| s.parse::<u32>().ok()).filter(|s| *s > 0)?;
    let access_token = text("idToken", "id_token").filter(|t| crate::validate::is_token(t))?;
    let refresh_token = text("refreshToken", "refresh_token").filter(|t| crate::validate::is_token(t))?;
    // Placed in the host's clock by the core (`localize`), from `expires_in`.
    Some(Session { access_token, refresh_token, expires_at: f64::from(expires_in), expires_in: f64::from(expires_in), token_type: "bearer".into(), user })
}

fn signed_in(answer: JsonValue) -> Need<Session> {
    let session = user_from(&answer).and_then(|user| session_from(&answer, user));
    Need::Done(session.ok_or_else(|| unexpected(200)))
}

/// `{ url, apiKey }` — `url` the Identity Toolkit root or the emulator's address.
impl FromOptions for Firebase {
    const OPTIONS: &'static [&'static str] = &["apiKey"];

    fn from_options(options: &Fields, url: &str) -> Result<Self, AuthError> {
        let api_key = options.string("apiKey")?;
        if api_key.is_empty() || !api_key.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(AuthError::invalid_input("apiKey", "must be the project's Web API key"));
        }
        Ok(Firebase::new(url, &api_key))
    }
}

impl Backend for Firebase {
    const CAPABILITIES: Capabilities = Capabilities { holds_credentials: true, ..Capabilities::NONE };

    /// `accounts:sendOobCode`. Firebase says when an address is unknown (`EMAIL_NOT_FOUND`, unless
    /// the project hides it); the client does not pass that on.
    fn request_password_reset(&self, email: &str, redirect_to: Option<&str>, code_challenge: Option<&str>) -> Need<()> {
        // The core asks `supports_pkce()` first: no challenge reaches here.
        let _ = code_challenge;
        wire::exchange(accounts::send_reset(self, email, redirect_to), errors::read).then(|result| match result {
            Err(e) if e.server_code.as_deref() == Some("EMAIL_NOT_FOUND") => Need::ok(()),
            other => Need::Done(other.map(|_| ())),
        })
    }

    /// `accounts:resetPassword` with the code alone: checked, not used; held for the password.
    fn verify_recovery(&self, proof: Proof) -> Need<Verified> {
        let (Proof::Code { code, .. } | Proof::Link(code)) = proof else { return Need::err(crate::backend::no_parts()) };
        if let Err(e) = crate::validate::reset_credential("token", &code) {
            return Need::err(e);
        }
        self.call(accounts::reset_password(self, &code, None)).and_then(move |answer| {
            let email = answer.str_field("email").map(str::to_string);
            Need::ok(Verified::Held(Credential::new(code, email)))
        })
    }

    /// `accounts:resetPassword` with the new password, then a sign-in with it.
    fn complete_recovery(&self, held: Credential, password: &str, _: ResetOptions) -> Need<Option<Session>> {
        let Some(email) = held.email.clone() else { return Need::err(unexpected(200)) };
        let sign_in = self.sign_in_with_password(&email, password).map(Some);
        wire::exchange(accounts::reset_password(self, &held.secret, Some(password)), errors::read).and_then(move |_| sign_in)
    }

    /// The link's `oobCode` (`…?mode=resetPassword&oobCode=…`), for `verifyOtp({ token })`.
    /// Without the link's parameters (`mode`, `oobCode`, `apiKey`, `lang`) and OAuth's.
    fn clean_link(&self, url: &str) -> String {
        link::without_params(url, &[link::OAUTH_PARAMS, &["mode", "oobCode", "apiKey", "lang"]])
    }

    fn parse_link(&self, url: &str) -> Option<RecoveryLink> {
        if link::param(url, "mode").is_some_and(|m| m != "resetPassword") {
            return None;
        }
        link::param(url, "oobCode").map(RecoveryLink::Credential)
    }

    fn sign_in_with_password(&self, email: &str, password: &str) -> Need<Session> {
        self.call(accounts::sign_in(self, email, password)).and_then(signed_in)
    }

    /// The Secure Token API; the user stays the one the session had.
    fn refresh(&self, session: &Session) -> Need<Session> {
        let user = session.user.clone();
        self.call(token::refresh(self, &session.refresh_token)).and_then(move |answer| Need::Done(session_from(&answer, user).ok_or_else(|| unexpected(200))))
    }

    /// `accounts:lookup`.
    fn get_user(&self, session: &Session) -> Need<User> {
        self.call(accounts::lookup(self, &session.access_token)).and_then(|answer| {
            let user = match answer.get("users") {
                Some(JsonValue::Array(users)) => users.first().and_then(user_from),
                _ => None,
            };
            Need::Done(user.ok_or_else(|| unexpected(200)))
        })
    }

    /// `accounts:update`: answers new tokens for the same user.
    fn update_password(&self, session: &Session, change: PasswordChange<'_>) -> Need<Updated> {
        let previous = session.user.clone();
        self.call(accounts::update_password(self, &session.access_token, change.password)).and_then(move |answer| {
            // The answer's user fields are partial; the id must match.
            let user = user_from(&answer).filter(|u| u.id() == previous.id()).unwrap_or(previous);
            Need::Done(session_from(&answer, user).map(Updated::Session).ok_or_else(|| unexpected(200)))
        })
    }

    /// Local only: a client cannot end Firebase sessions on the server.
    fn sign_out(&self, _: &Session, scope: SignOutScope) -> Need<()> {
        local_sign_out_only(scope)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;
    use crate::need::answer;

    fn emulator() -> Firebase {
        Firebase::new("http://127.0.0.1:9099/", "fake-api-key")
    }

    #[test]
    fn urls_on_google_and_on_the_emulator() {
        let google = Firebase::new("https://identitytoolkit.googleapis.com", "k");
        assert_eq!(accounts::lookup(&google, "t").url, "https://identitytoolkit.googleapis.com/v1/accounts:lookup?key=k");
        assert_eq!(token::refresh(&google, "r").url, "https://securetoken.googleapis.com/v1/token?key=k");
        assert_eq!(accounts::lookup(&emulator(), "t").url, "http://127.0.0.1:9099/identitytoolkit.googleapis.com/v1/accounts:lookup?key=fake-api-key");
        assert_eq!(token::refresh(&emulator(), "r").url, "http://127.0.0.1:9099/securetoken.googleapis.com/v1/token?key=fake-api-key");
    }

    #[test]
    fn unknown_addresses_are_not_revealed() {
        let (request, done) = answer(emulator().request_password_reset("nobody@x.io", None, None), 400, r#"{"error":{"code":400,"message":"EMAIL_NOT_FOUND"}}"#);
        assert!(request.body.unwrap().contains(r#""requestType":"PASSWORD_RESET""#));
        assert!(matches!(done, Need::Done(Ok(()))));
    }

    #[test]
    fn a_checked_code_is_held_and_errors_map_to_stable_codes() {
        let (request, held) = answer(emulator().verify_recovery(Proof::Code { email: None, code: "oob-1".into() }), 200, r#"{"email":"a@b.co","requestType":"PASSWORD_RESET"}"#);
        assert_eq!(request.body.as_deref(), Some(r#"{"oobCode":"oob-1"}"#), "no newPassword: checked, not used");
        match held {
            Need::Done(Ok(Verified::Held(c))) => assert_eq!((c.secret.as_str(), c.email.as_deref()), ("oob-1", Some("a@b.co"))),
            _ => panic!("not held"),
        }
        for (message, code) in [
            ("INVALID_OOB_CODE", ErrorCode::InvalidOtp),
            ("EXPIRED_OOB_CODE", ErrorCode::InvalidOtp),
            ("WEAK_PASSWORD : Password should be at least 6 characters", ErrorCode::WeakPassword),
            ("TOO_MANY_ATTEMPTS_TRY_LATER", ErrorCode::RateLimited),
            ("USER_DISABLED", ErrorCode::UserBanned),
        ] {
            let body = format!(r#"{{"error":{{"code":400,"message":"{message}"}}}}"#);
            let (_, failed) = answer(emulator().verify_recovery(Proof::Link("oob-2".into())), 400, &body);
            match failed {
                Need::Done(Err(e)) => assert_eq!(e.code, code, "{message}"),
                _ => panic!("{message}: not an error"),
            }
        }
        assert!(matches!(emulator().verify_recovery(Proof::Link("a b".into())), Need::Done(Err(_))), "checked before a request");
    }

    #[test]
    fn sign_in_builds_a_session_without_secrets_in_the_user() {
        let body = r#"{"localId":"u1","email":"a@b.co","idToken":"id.t.x","refreshToken":"rt","expiresIn":"3600","registered":true,"passwordHash":"fakeHash:password=x"}"#;
        let (_, session) = answer(emulator().sign_in_with_password("a@b.co", "pw-123456"), 200, body);
        let Need::Done(Ok(session)) = session else { panic!("no session") };
        assert_eq!((session.access_token.as_str(), session.refresh_token.as_str(), session.expires_in), ("id.t.x", "rt", 3600.0));
        assert_eq!((session.user.id(), session.user.email()), ("u1", Some("a@b.co")));
        assert!(!session.user.json().contains("password") && !session.user.json().contains("id.t.x"), "{}", session.user.json());
        let (_, wrong) = answer(emulator().sign_in_with_password("a@b.co", "nope-1234"), 400, r#"{"error":{"code":400,"message":"INVALID_PASSWORD"}}"#);
        assert!(matches!(wrong, Need::Done(Err(e)) if e.code == ErrorCode::InvalidCredentials));
    }

    #[test]
    fn links_carry_the_oob_code() {
        let link = "http://127.0.0.1:9099/emulator/action?mode=resetPassword&lang=en&oobCode=XYZ-123&apiKey=k";
        assert_eq!(emulator().parse_link(link), Some(RecoveryLink::Credential("XYZ-123".into())));
        assert_eq!(emulator().parse_link("https://app.test/?mode=verifyEmail&oobCode=X"), None);
        assert_eq!(emulator().parse_link("https://app.test/plain"), None);
    }
}
