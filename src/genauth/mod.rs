//! GenAuth (Authing V3) as a platform: its authentication API's password lifecycle. One file per
//! endpoint family; `encrypt` for the optional RSA or SM2 password encryption.
//!
//! How the reset differs from GoTrue's: the email carries a 6-digit pass code (no link), which
//! `verify-reset-password-request` turns into a `passwordResetToken`; verifyOtp holds that token
//! and updatePassword spends it on the new password, then signs in. The V3 API answers HTTP 200
//! whatever happened and reports failures in the body (`errors`). Every password sent — at
//! sign-in, reset and change — is encrypted first when the options ask for it, with the public
//! key of `GET /api/v3/system`, fetched once per client.
//! Only this client's session can be ended (its refresh token is revoked): sign-out scopes
//! beyond `local` are unsupported.

mod account;
mod encrypt;
mod errors;
mod oidc;
mod reset;

use std::cell::RefCell;
use std::rc::Rc;

pub use encrypt::Encryption;
use encrypt::PublicKey;

use crate::fields::Fields;
use crate::backend::{unsupported, Backend, Capabilities, FromOptions, Credential, PasswordChange, Proof, ResetOptions, SignOutScope, Updated, Verified};
use crate::error::{AuthError, ErrorCode};
use crate::http::HttpRequest;
use crate::json::JsonValue;
use crate::link::RecoveryLink;
use crate::need::Need;
use crate::session::{Session, User};
use crate::wire::{self, unexpected};

/// One GenAuth application. Cheap to clone: continuations carry it.
#[derive(Clone)]
pub struct GenAuth {
    /// `https://<app>.genauth.ai`, without a trailing `/`.
    host: Rc<str>,
    app_id: Rc<str>,
    encryption: Encryption,
    /// The public key of the chosen encryption, once fetched.
    key: Rc<RefCell<Option<Rc<PublicKey>>>>,
}

impl GenAuth {
    /// `url` is the application's host (`https://<app>.genauth.ai`, or the devserver).
    pub fn new(url: &str, app_id: &str, encryption: Encryption) -> Self {
        GenAuth { host: url.trim_end_matches('/').into(), app_id: app_id.into(), encryption, key: Rc::default() }
    }

    /// An app id as GenAuth issues them (letters, digits, `-`, `_`), checked before use: it is
    /// a request header.
    pub fn check_app_id(app_id: &str) -> Result<(), AuthError> {
        if app_id.is_empty() || app_id.len() > 128 || !app_id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
            return Err(AuthError::invalid_input("appId", "must be the GenAuth application's id"));
        }
        Ok(())
    }

    /// `<method> <host><path>` with the app id; the access token bare in `authorization`, as
    /// GenAuth's SDKs send it.
    fn request(&self, method: &'static str, path: &str, body: Option<&JsonValue>, token: Option<&str>) -> HttpRequest {
        let mut headers = vec![("x-genauth-app-id".to_string(), String::from(&*self.app_id))];
        if body.is_some() {
            headers.push(("Content-Type".into(), "application/json".into()));
        }
        if let Some(token) = token {
            headers.push(("authorization".into(), token.to_string()));
        }
        HttpRequest { method, url: crate::text::cat(&[&self.host, path]), headers, body: body.map(JsonValue::stringify) }
    }

    fn post(&self, path: &str, body: &JsonValue, token: Option<&str>) -> HttpRequest {
        self.request("POST", path, Some(body), token)
    }

    /// A V3 call: the `data` of a successful body (or the whole body when it has none).
    fn call(&self, request: HttpRequest) -> Need<JsonValue> {
        wire::call_enveloped(request, errors::read, errors::from_body).map(|body| match body.get("data") {
            Some(data) => data.clone(),
            None => body,
        })
    }

    /// `passwords` as they are to be sent: encrypted with the service's key when the options
    /// ask for it (the key is fetched on first use and kept).
    fn encrypted(&self, passwords: Vec<String>) -> Need<Vec<String>> {
        fn all(key: &PublicKey, passwords: &[String]) -> Result<Vec<String>, AuthError> {
            passwords.iter().map(|p| key.encrypt(p)).collect()
        }
        if self.encryption == Encryption::None {
            return Need::ok(passwords);
        }
        let cached = self.key.borrow().clone();
        if let Some(key) = cached {
            return Need::Done(all(&key, &passwords));
        }
        let me = self.clone();
        wire::call(account::system(self), errors::read).and_then(move |answer| {
            // Unwrapped in the SDKs' types; accepted inside `data` too.
            let keys = answer.get("data").cloned().unwrap_or(answer);
            let key = match PublicKey::from_system(&keys, me.encryption) {
                Ok(key) => Rc::new(key),
                Err(e) => return Need::err(e),
            };
            *me.key.borrow_mut() = Some(key.clone());
            Need::Done(all(&key, &passwords))
        })
    }

    /// Signs in, then reads the profile with the new token (the sign-in answer has no user).
    fn signed_in(&self, tokens: JsonValue) -> Need<Session> {
        let Some((access, refresh, expires_in)) = token_set(&tokens) else { return Need::err(unexpected(200)) };
        self.call(account::profile(self, &access)).and_then(move |profile| {
            let user = user_from(&profile);
            Need::Done(user.map(|user| Session { access_token: access, refresh_token: refresh, expires_at: expires_in, expires_in, token_type: "bearer".into(), user }).ok_or_else(|| unexpected(200)))
        })
    }
}

/// `(access_token, refresh_token, lifetime)` of a token set (`expire_in` in V3, `expires_in` in
/// OIDC). No refresh token, no session: the client could not keep it.
fn token_set(tokens: &JsonValue) -> Option<(String, String, f64)> {
    let access = tokens.str_field("access_token").filter(|t| crate::validate::is_token(t))?;
    let refresh = tokens.str_field("refresh_token").filter(|t| crate::validate::is_token(t))?;
    let expires_in = tokens.f64_field("expire_in").or_else(|| tokens.f64_field("expires_in")).filter(|s| s.is_finite() && *s > 0.0)?;
    Some((access.into(), refresh.into(), expires_in))
}

/// The user as the client keeps it: GenAuth's UserDto with `id` beside `userId`.
fn user_from(profile: &JsonValue) -> Option<User> {
    User::from_json_with_id(profile, "userId")
}


/// `{ url, appId, passwordEncrypt = 'none' }`.
impl FromOptions for GenAuth {
    const OPTIONS: &'static [&'static str] = &["appId", "passwordEncrypt"];

    fn from_options(options: &Fields, url: &str) -> Result<Self, AuthError> {
        let app_id = options.string("appId")?;
        GenAuth::check_app_id(&app_id)?;
        let encryption = match options.optional_string("passwordEncrypt")? {
            None => Encryption::None,
            Some(name) => Encryption::parse(&name).ok_or_else(|| AuthError::invalid_input("passwordEncrypt", "must be 'none', 'rsa' or 'sm2'"))?,
        };
        // An entry per algorithm: each ships only its own cipher.
        if !encryption.available() {
            let name = encryption.as_str();
            let text = crate::text::cat(&["passwordEncrypt: '", name, "' is in the wasm-auth-client/genauth/", name, " entry; this one encrypts nothing"]);
            return Err(AuthError::new(crate::error::ErrorCode::Unsupported, text));
        }
        Ok(GenAuth::new(url, &app_id, encryption))
    }
}

impl Backend for GenAuth {
    const CAPABILITIES: Capabilities = Capabilities { holds_credentials: true, reports_reset_expiry: true, checks_current_password: true, ..Capabilities::NONE };

    /// `send-email` with `CHANNEL_RESET_PASSWORD`. An unknown address (`apiCode` 2004, where
    /// the service reveals it) answers like a known one.
    fn request_password_reset(&self, email: &str, redirect_to: Option<&str>, code_challenge: Option<&str>) -> Need<()> {
        let _ = code_challenge;
        if redirect_to.is_some() {
            return Need::err(unsupported("redirectTo (GenAuth's reset email carries a code, not a link)"));
        }
        self.call(reset::send_code(self, email)).then(|result| match result {
            Err(e) if e.server_code.as_deref() == Some("2004") => Need::ok(()),
            other => Need::Done(other.map(|_| ())),
        })
    }

    /// The code (with its address) for a `passwordResetToken`, held for the new password.
    fn verify_recovery(&self, proof: Proof) -> Need<Verified> {
        let (email, code) = match crate::backend::emailed_code_proof(proof, "GenAuth") {
            Ok(proof) => proof,
            Err(e) => return Need::err(e),
        };
        self.call(reset::verify_code(self, &email, &code)).and_then(move |data| match data.str_field("passwordResetToken").filter(|t| crate::validate::is_token(t)) {
            // `tokenExpiresIn`: how long the reset token is good for (shown by recoveryExpiresAt).
            Some(token) => Need::ok(Verified::Held(Credential { secret: token.to_string(), email: Some(email), expires_in: data.f64_field("tokenExpiresIn") })),
            None => Need::err(unexpected(200)),
        })
    }

    fn complete_recovery(&self, held: Credential, password: &str, _: ResetOptions) -> Need<Option<Session>> {
        let Some(email) = held.email.clone() else { return Need::err(unexpected(200)) };
        let me = self.clone();
        let password = password.to_string();
        self.encrypted(vec![password.clone()]).and_then(move |sent| {
            let sent = sent.into_iter().next().unwrap_or_default();
            let sign_in = me.sign_in_with_password(&email, &password).map(Some);
            me.call(reset::reset(&me, &held.secret, &sent)).and_then(move |_| sign_in)
        })
    }

    /// GenAuth's reset email has no link.
    /// Its emails carry no link: only OAuth's parameters are cleaned.
    fn clean_link(&self, url: &str) -> String {
        crate::link::without_params(url, &[crate::link::OAUTH_PARAMS])
    }

    fn parse_link(&self, _url: &str) -> Option<RecoveryLink> {
        None
    }

    fn sign_in_with_password(&self, email: &str, password: &str) -> Need<Session> {
        let me = self.clone();
        let email = email.to_string();
        self.encrypted(vec![password.to_string()]).and_then(move |sent| {
            let sent = sent.into_iter().next().unwrap_or_default();
            let then = me.clone();
            me.call(account::sign_in(&me, &email, &sent)).and_then(move |tokens| then.signed_in(tokens))
        })
    }

    /// The OIDC token endpoint; the user stays the one the session had.
    fn refresh(&self, session: &Session) -> Need<Session> {
        let user = session.user.clone();
        wire::call(oidc::refresh(self, &session.refresh_token), errors::read).and_then(move |tokens| {
            Need::Done(
                token_set(&tokens)
                    .map(|(access_token, refresh_token, expires_in)| Session { access_token, refresh_token, expires_at: expires_in, expires_in, token_type: "bearer".into(), user })
                    .ok_or_else(|| unexpected(200)),
            )
        })
    }

    fn get_user(&self, session: &Session) -> Need<User> {
        self.call(account::profile(self, &session.access_token)).and_then(|profile| Need::Done(user_from(&profile).ok_or_else(|| unexpected(200))))
    }

    /// `update-password`; the session goes on (the stand-in ends the user's other sessions).
    fn update_password(&self, session: &Session, change: PasswordChange<'_>) -> Need<Updated> {
        let Some(current) = change.current_password else {
            return Need::err(AuthError::new(ErrorCode::CurrentPasswordRequired, "GenAuth needs the current password to change it"));
        };
        let me = self.clone();
        let (access, user) = (session.access_token.clone(), session.user.clone());
        self.encrypted(vec![current.to_string(), change.password.to_string()]).and_then(move |sent| {
            let (old, new) = (sent.first().cloned().unwrap_or_default(), sent.get(1).cloned().unwrap_or_default());
            me.call(account::update_password(&me, &access, &old, &new)).map(move |_| Updated::User(user))
        })
    }

    /// `local` revokes this session's refresh token (an answer that fails changes nothing
    /// here: the client forgets the session either way); other scopes are not GenAuth's.
    fn sign_out(&self, session: &Session, scope: SignOutScope) -> Need<()> {
        match scope {
            SignOutScope::Local => wire::exchange(oidc::revoke(self, &session.refresh_token), errors::read).map(|_| ()),
            other => crate::backend::local_sign_out_only(other),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::need::answer;

    fn app(encryption: Encryption) -> GenAuth {
        GenAuth::new("http://127.0.0.1:9999/", "app-1", encryption)
    }

    fn failed<T>(need: Need<T>) -> AuthError {
        match need {
            Need::Done(Err(e)) => e,
            _ => panic!("not a failure"),
        }
    }

    fn body(request: &HttpRequest) -> JsonValue {
        JsonValue::parse(request.body.as_deref().unwrap_or_default()).unwrap_or(JsonValue::Null)
    }

    const TOKENS: &str = r#"{"statusCode":200,"message":"","data":{"access_token":"a.b.c","id_token":"i.d.t","refresh_token":"rt-1","token_type":"Bearer","expire_in":3600}}"#;
    const PROFILE: &str = r#"{"statusCode":200,"message":"","data":{"userId":"u1","email":"a@x.io","status":"Activated"}}"#;

    #[test]
    fn sign_in_then_profile_makes_the_session() {
        let (signin, next) = answer(app(Encryption::None).sign_in_with_password("a@x.io", "pw-123456"), 200, TOKENS);
        assert_eq!(signin.url, "http://127.0.0.1:9999/api/v3/signin");
        assert!(signin.headers.contains(&("x-genauth-app-id".into(), "app-1".into())));
        let sent = body(&signin);
        assert_eq!(sent.get("passwordPayload").and_then(|p| p.str_field("password")), Some("pw-123456"));
        assert!(sent.get("options").and_then(|o| o.str_field("scope")).is_some_and(|s| s.contains("offline_access")));
        let (profile, done) = answer(next, 200, PROFILE);
        assert!(profile.headers.contains(&("authorization".into(), "a.b.c".into())), "the bare token");
        let Need::Done(Ok(session)) = done else { panic!("no session") };
        assert_eq!((session.user.id(), session.refresh_token.as_str(), session.expires_in), ("u1", "rt-1", 3600.0));
    }

    #[test]
    fn failures_in_a_200_body_map_to_stable_codes_with_the_request_id() {
        for (api_code, code) in [(2333, ErrorCode::InvalidCredentials), (2004, ErrorCode::InvalidCredentials), (2029, ErrorCode::WeakPassword)] {
            let reply = format!(r#"{{"statusCode":400,"apiCode":{api_code},"message":"no","requestId":"req-9"}}"#);
            let e = failed(answer(app(Encryption::None).sign_in_with_password("a@x.io", "pw-123456"), 200, &reply).1);
            assert_eq!((e.code, e.server_code.as_deref(), e.request_id.as_deref()), (code, Some(&*api_code.to_string()), Some("req-9")));
        }
        let limited = failed(answer(app(Encryption::None).request_password_reset("a@x.io", None, None), 200, r#"{"statusCode":429,"message":"Sent too often: try again in 42 seconds"}"#).1);
        assert_eq!((limited.code, limited.retry_after), (ErrorCode::RateLimited, Some(42)));
        // An unknown address answers like a known one.
        assert!(matches!(answer(app(Encryption::None).request_password_reset("a@x.io", None, None), 200, r#"{"statusCode":400,"apiCode":2004,"message":"no user"}"#).1, Need::Done(Ok(()))));
        let echoed = failed(answer(app(Encryption::None).sign_in_with_password("a@x.io", "secret-password-1"), 200, r#"{"statusCode":400,"message":"bad password secret-password-1"}"#).1);
        assert!(!echoed.message.contains("secret-password-1"), "redacted: {}", echoed.message);
    }

    #[test]
    fn the_code_becomes_a_held_token_and_the_reset_signs_in() {
        let needs_email = failed(app(Encryption::None).verify_recovery(Proof::Code { email: None, code: "123456".into() }));
        assert_eq!(needs_email.code, ErrorCode::InvalidInput);
        assert_eq!(failed(app(Encryption::None).verify_recovery(Proof::Code { email: Some("a@x.io".into()), code: "12a456".into() })).code, ErrorCode::InvalidInput);
        assert_eq!(failed(app(Encryption::None).verify_recovery(Proof::Link("x".into()))).code, ErrorCode::Unsupported);
        let (verify, held) = answer(app(Encryption::None).verify_recovery(Proof::Code { email: Some("a@x.io".into()), code: "123456".into() }), 200, r#"{"statusCode":200,"data":{"passwordResetToken":"prt-1","tokenExpiresIn":600}}"#);
        assert_eq!(body(&verify).get("emailPassCodePayload").and_then(|p| p.str_field("passCode")), Some("123456"));
        let Need::Done(Ok(Verified::Held(credential))) = held else { panic!("not held") };
        let (reset, next) = answer(app(Encryption::None).complete_recovery(credential, "new-password-1", ResetOptions::default()), 200, r#"{"statusCode":200,"data":{"success":true}}"#);
        assert_eq!((body(&reset).str_field("passwordResetToken"), body(&reset).str_field("passwordEncryptType")), (Some("prt-1"), Some("none")));
        let (signin, next) = answer(next, 200, TOKENS);
        assert!(signin.url.ends_with("/api/v3/signin"));
        assert!(matches!(answer(next, 200, PROFILE).1, Need::Done(Ok(_))));
        let wrong = failed(answer(app(Encryption::None).verify_recovery(Proof::Code { email: Some("a@x.io".into()), code: "000000".into() }), 200, r#"{"statusCode":400,"apiCode":2001,"message":"wrong"}"#).1);
        assert_eq!(wrong.code, ErrorCode::InvalidOtp);
    }

    #[test]
    fn refresh_and_revoke_are_form_posts_and_a_refused_refresh_ends_the_session() {
        let session = Session { access_token: "a".into(), refresh_token: "rt/1+".into(), expires_at: 1.0, expires_in: 1.0, token_type: "bearer".into(), user: User::unknown() };
        let (refresh, done) = answer(app(Encryption::None).refresh(&session), 200, r#"{"access_token":"a2","refresh_token":"rt-2","expires_in":3600,"token_type":"Bearer"}"#);
        assert_eq!(refresh.body.as_deref(), Some("client_id=app-1&grant_type=refresh_token&refresh_token=rt%2F1%2B"));
        assert!(matches!(done, Need::Done(Ok(s)) if s.refresh_token == "rt-2"));
        let refused = failed(answer(app(Encryption::None).refresh(&session), 400, r#"{"error":"invalid_grant","error_description":"used"}"#).1);
        assert_eq!(refused.code, ErrorCode::NotAuthenticated);
        let (revoke, _) = answer(app(Encryption::None).sign_out(&session, SignOutScope::Local), 200, "");
        assert!(revoke.url.ends_with("/oidc/token/revocation") && revoke.body.as_deref().is_some_and(|b| b.contains("token=rt%2F1%2B")));
        assert_eq!(failed(app(Encryption::None).sign_out(&session, SignOutScope::Global)).code, ErrorCode::Unsupported);
    }

    #[test]
    fn passwords_are_encrypted_with_the_key_fetched_once() {
        use rsa::pkcs8::EncodePublicKey;
        use sm2::elliptic_curve::Generate;
        let mut rng = rand_core::UnwrapErr(crate::random::Randomness);
        let rsa_key = rsa::PrivateKey::new(&mut rng, 1024).expect("rsa key");
        let pem = rsa_key.to_public_key().to_public_key_pem(rsa::pkcs8::LineEnding::LF).expect("pem");
        let sm2_key = sm2::pke::DecryptingKey::new(sm2::SecretKey::generate_from_rng(&mut rng));
        let sm2_hex: String = sm2_key.encrypting_key().to_sec1_bytes().iter().map(|b| format!("{b:02x}")).collect();
        let system = format!(r#"{{"rsa":{{"publicKey":{}}},"sm2":{{"publicKey":"{sm2_hex}"}}}}"#, JsonValue::string(&pem).stringify());

        let client = app(Encryption::Rsa);
        let (keys, next) = answer(client.sign_in_with_password("a@x.io", "pässword-1"), 200, &system);
        assert_eq!(keys.url, "http://127.0.0.1:9999/api/v3/system");
        let Need::Send(signin, _) = next else { panic!("no sign-in") };
        let sent = body(&signin).get("passwordPayload").and_then(|p| p.str_field("password")).unwrap_or_default().to_string();
        use base64::Engine;
        let bytes = base64::engine::general_purpose::STANDARD.decode(&sent).expect("base64");
        assert_eq!(rsa_key.decrypt(rsa::Pkcs1v15Encrypt, &bytes).expect("decrypts"), "pässword-1".as_bytes());
        assert_eq!(body(&signin).get("options").and_then(|o| o.str_field("passwordEncryptType")), Some("rsa"));
        // The key is kept: the next password goes out at once.
        let Need::Send(again, _) = client.sign_in_with_password("a@x.io", "another-1") else { panic!("no request") };
        assert!(again.url.ends_with("/api/v3/signin"));

        let (_, next) = answer(app(Encryption::Sm2).sign_in_with_password("a@x.io", "sm2-secret-1"), 200, &system);
        let Need::Send(signin, _) = next else { panic!("no sign-in") };
        let sent = body(&signin).get("passwordPayload").and_then(|p| p.str_field("password")).unwrap_or_default().to_string();
        assert!(sent.len().is_multiple_of(2) && sent.bytes().all(|b| b.is_ascii_digit() || (b"abcdef").contains(&b)), "lowercase hex");
        let bytes: Vec<u8> = (0..sent.len()).step_by(2).map(|i| u8::from_str_radix(&sent[i..i + 2], 16).expect("hex")).collect();
        let mut with_point = vec![4u8];
        with_point.extend_from_slice(&bytes);
        assert_eq!(sm2_key.decrypt(&with_point).expect("decrypts"), b"sm2-secret-1");
        // A key that cannot be read is a typed error, and nothing is sent.
        let broken = answer(app(Encryption::Sm2).sign_in_with_password("a@x.io", "x-1234567"), 200, r#"{"rsa":{"publicKey":"x"},"sm2":{"publicKey":"zz"}}"#).1;
        assert_eq!(failed(broken).code, ErrorCode::UnexpectedResponse);
    }

    #[test]
    fn a_change_needs_the_current_password_and_sends_both() {
        let session = Session { access_token: "a".into(), refresh_token: "r".into(), expires_at: 1.0, expires_in: 1.0, token_type: "bearer".into(), user: User::unknown() };
        let none = PasswordChange { password: "new-password-1", current_password: None, nonce: None };
        assert_eq!(failed(app(Encryption::None).update_password(&session, none)).code, ErrorCode::CurrentPasswordRequired);
        let change = PasswordChange { password: "new-password-1", current_password: Some("old-password-1"), nonce: None };
        let (request, result) = answer(app(Encryption::None).update_password(&session, change), 200, r#"{"statusCode":400,"apiCode":2006,"message":"wrong"}"#);
        assert_eq!((body(&request).str_field("oldPassword"), body(&request).str_field("newPassword")), (Some("old-password-1"), Some("new-password-1")));
        assert_eq!(failed(result).code, ErrorCode::InvalidCurrentPassword);
    }
}
