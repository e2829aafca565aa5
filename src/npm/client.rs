//! `AuthClient`'s side of the boundary: this build's platform and its options, the operations
//! (`start`) and the synchronous calls (`query`), read from and answered as JSON text. The
//! behaviour lives in `core`; the host does everything that needs JavaScript.

use std::rc::Rc;

use super::host;
use crate::backend::{Backend, FromOptions, Proof, ResetOptions, SignOutScope};
use crate::core::{AuthCore, AuthEvent, ResetFlow};
use crate::error::{AuthError, ErrorCode, Result};
use crate::fields::Fields;
use crate::link::RecoveryLink;
use crate::need::Need;
use crate::session::Session;
use crate::storage::{Keys, Store, DEFAULT_STORAGE_KEY};

pub(crate) type Core = AuthCore<Platform, Clock>;

/// This build's platform: the first of the one list (`src/platforms.rs`) whose feature is on.
type Platform = crate::selected_platform::Npm;

/// The session as JavaScript sees it (camelCase; the user object as the platform sent it).
fn session_json(session: &Session) -> String {
    session.to_json_text(["accessToken", "refreshToken", "expiresAt", "expiresIn", "tokenType", "user"])
}

fn session_or_null(session: Option<&Session>) -> String {
    session.map_or_else(|| String::from("null"), session_json)
}

/// A client for `options` (its `storageKey` included: the keys are the core's), storing through
/// the host under `handle`.
pub(super) fn open(options: &Fields, handle: u32) -> Result<(Rc<Core>, Vec<String>, &'static [&'static str])> {
    let url = options.string("url")?;
    crate::validate::url("url", &url)?;
    let storage_key = options.optional_string("storageKey")?.unwrap_or_else(|| DEFAULT_STORAGE_KEY.to_string());
    if storage_key.is_empty() {
        return Err(AuthError::invalid_input("storageKey", "must not be empty"));
    }
    refuse_foreign_options(options)?;
    let platform = <Platform as FromOptions>::from_options(options, &url)?;
    let keys = Keys::new(&storage_key);
    let names = vec![keys.session.clone(), keys.recovery_email.clone(), keys.code_verifier.clone(), keys.pending_flow.clone(), keys.client_token.clone()];
    let core = AuthCore::new(platform, Clock, Box::new(HostStore(handle)), keys);
    core.subscribe(Rc::new(move |event: AuthEvent, session: Option<&Session>| {
        host::emit(handle, event.as_str(), &session.map(session_json).unwrap_or_default());
    }));
    Ok((core, names, <Platform as crate::backend::Backend>::CAPABILITIES.response_headers))
}

/// Begins operation `op`; see `pkg-template/auth-client.js` for the numbering.
pub(super) fn start(core: &Rc<Core>, op: u32, args: &str) -> Need<String> {
    let begun = (|| -> Result<Need<String>> {
        Ok(match op {
            0 => request_password_reset(core, &super::fields(args, "request")?)?,
            1 => verify_otp(core, &super::fields(args, "request")?)?,
            2 => handle_redirect(core, &super::fields(args, "request")?)?,
            3 => update_password(core, &super::fields(args, "request")?)?,
            4 => {
                let request = super::fields(args, "request")?;
                let (access, refresh) = (request.string("accessToken")?, request.string("refreshToken")?);
                core.set_session(&access, &refresh, request.optional_number("expiresIn")?).map(|s| session_json(&s))
            }
            5 => {
                let request = super::fields(args, "request")?;
                let (email, password) = (request.string("email")?, request.string("password")?);
                core.sign_in(&email, &password).map(|s| session_json(&s))
            }
            6 => sign_out(core, &super::fields(args, "options")?)?,
            7 => core.session().map(|s| session_or_null(s.as_ref())),
            8 => core.user().map(|user| user.json().to_string()),
            9 => core.reauthenticate().map(|()| String::new()),
            _ => core.refresh_if_due().map(|()| String::new()),
        })
    })();
    begun.unwrap_or_else(Need::err)
}

fn request_password_reset(core: &Rc<Core>, request: &Fields) -> Result<Need<String>> {
    let email = request.string("email")?;
    let redirect_to = request.optional_string("redirectTo")?;
    let flow = match request.optional_string("flow")?.as_deref() {
        None | Some("otp") => ResetFlow::Otp,
        Some("pkce") => ResetFlow::Pkce,
        Some(_) => return Err(AuthError::invalid_input("flow", "must be 'otp' or 'pkce'")),
    };
    Ok(core.request_password_reset(&email, redirect_to.as_deref(), flow).map(|()| String::new()))
}

fn verify_otp(core: &Rc<Core>, request: &Fields) -> Result<Need<String>> {
    crate::validate::otp_type("type", &request.string("type")?)?;
    let token = request.optional_string("token")?;
    let token_hash = request.optional_string("tokenHash")?;
    // The credential's named parts, on platforms that name them (Wristband).
    let mut parts = Vec::new();
    for name in <Platform as Backend>::CAPABILITIES.proof_parts {
        if let Some(value) = request.optional_string(name)? {
            parts.push((name.to_string(), value));
        }
    }
    let proof = match (token, token_hash) {
        (Some(_), _) | (_, Some(_)) if !parts.is_empty() => {
            return Err(AuthError::invalid_input("token", "give the credential once: token, tokenHash or its named parts"))
        }
        _ if !parts.is_empty() => Proof::Parts(parts),
        (Some(code), None) => Proof::Code { email: request.optional_string("email")?, code },
        (None, Some(hash)) => Proof::Link(hash),
        (Some(_), Some(_)) => return Err(AuthError::invalid_input("token", "give either token or tokenHash, not both")),
        (None, None) => return Err(AuthError::invalid_input("token", <Platform as Backend>::CAPABILITIES.proof_required)),
    };
    Ok(core.verify_recovery(proof).map(|s| session_or_null(s.as_ref())))
}

/// `{ url, options }`: the host has read (and cleaned) the address bar when the caller gave no
/// URL; `options` is the caller's `{ acceptTokens? }`, or null.
fn handle_redirect(core: &Rc<Core>, args: &Fields) -> Result<Need<String>> {
    let url = args.string("url")?;
    let accept_tokens = match args.raw("options") {
        None | Some(crate::json::JsonValue::Null) => false,
        Some(options) => Fields::new(options.clone(), "options")?.bool_or("acceptTokens", false)?,
    };
    Ok(core.handle_redirect(&url, accept_tokens).map(|s| session_or_null(s.as_ref())))
}

fn update_password(core: &Rc<Core>, request: &Fields) -> Result<Need<String>> {
    let password = request.string("password")?;
    let current = request.optional_string("currentPassword")?;
    let nonce = request.optional_string("nonce")?;
    let options = ResetOptions { skip_password_updated_email: request.bool_or("skipPasswordUpdatedEmail", false)? };
    Ok(core.update_password(&password, current.as_deref(), nonce.as_deref(), options).map(|_| String::new()))
}

fn sign_out(core: &Rc<Core>, options: &Fields) -> Result<Need<String>> {
    let scope = match options.optional_string("scope")?.as_deref() {
        None | Some("local") => SignOutScope::Local,
        Some("global") => SignOutScope::Global,
        Some("others") => SignOutScope::Others,
        Some(_) => return Err(AuthError::invalid_input("scope", "must be 'local', 'global' or 'others'")),
    };
    Ok(core.sign_out(scope).map(|()| String::new()))
}

/// The synchronous calls: 0 the cached user, 1 seconds until the refresh is due, 2 a link's
/// parts, 3 a URL without its link's credential, 4 the held reset's expiry, 5 another tab's
/// record (`arg`: `"0" + record`, or `"1"` when removed), 6 the store was filled (read it again).
pub(super) fn query(core: &Rc<Core>, what: u32, arg: &str) -> String {
    match what {
        0 => core.cached_user().map_or_else(|| String::from("null"), |user| user.json().to_string()),
        1 => core.refresh_due_in().map_or_else(|| String::from("null"), |due| crate::json::JsonValue::number(due).stringify()),
        2 => recovery_link(core, arg),
        3 => core.clean_link(arg),
        4 => match core.held_credential_expires_at() {
            Ok(at) => {
                let mut out = String::from("[1,");
                out.push_str(&at.map_or_else(|| String::from("null"), |at| crate::json::JsonValue::number(at).stringify()));
                out.push(']');
                out
            }
            Err(e) => {
                let mut out = String::from("[0,");
                out.push_str(&super::error_json(&e));
                out.push(']');
                out
            }
        },
        5 => {
            core.adopt_external(arg.strip_prefix('0'));
            String::new()
        }
        _ => {
            core.reload();
            String::new()
        }
    }
}

/// `{tokenHash}`, `{token}`, `{code}`, the named parts, or `{error, serverCode, description}`;
/// `null` when the text holds none of these (tokens in a fragment are not handed out).
fn recovery_link(core: &Rc<Core>, url: &str) -> String {
    use crate::json::JsonValue;
    let pair = |key: &str, value: &str| JsonValue::Object(vec![(key.to_string(), JsonValue::string(value))]);
    let value = match core.parse_link(url) {
        Some(RecoveryLink::TokenHash(hash)) => pair("tokenHash", &hash),
        Some(RecoveryLink::Credential(token)) => pair("token", &token),
        Some(RecoveryLink::Code(code)) => pair("code", &code),
        Some(RecoveryLink::Parts(parts)) => JsonValue::Object(parts.into_iter().map(|(name, value)| (name, JsonValue::String(value))).collect()),
        Some(RecoveryLink::Error(error)) => JsonValue::Object(vec![
            ("error".into(), JsonValue::string(error.code.as_str())),
            ("serverCode".into(), error.server_code.map_or(JsonValue::Null, JsonValue::String)),
            ("description".into(), JsonValue::String(error.message)),
        ]),
        Some(RecoveryLink::Session { .. }) | None => JsonValue::Null,
    };
    value.stringify()
}

/// Options that belong to another platform's entry: refused as `unsupported` (before any
/// request) rather than ignored, so that a caller never believes, say, that passwords are
/// encrypted when this platform cannot do it.
/// Options that make a client send something else (`passwordEncrypt`: passwords encrypted) are
/// refused where the platform does not read them, rather than ignored.
fn refuse_foreign_options(options: &Fields) -> Result<()> {
    const GUARDED: [&str; 1] = ["passwordEncrypt"];
    for name in GUARDED {
        let given = options.optional_string(name)?;
        if given.is_some_and(|v| v != "none") && !<Platform as FromOptions>::OPTIONS.contains(&name) {
            return Err(crate::backend::unsupported(&crate::text::cat(&[name, " (this platform has no such option)"])));
        }
    }
    Ok(())
}

/// The host's clock and randomness.
pub(crate) struct Clock;

impl crate::http::Host for Clock {
    fn now(&self) -> f64 {
        host::host_now()
    }

    fn random_bytes(&self) -> Option<[u8; 64]> {
        let mut bytes = [0u8; 64];
        host::random(&mut bytes).then_some(bytes)
    }
}

/// One client's storage, kept by the host.
pub(crate) struct HostStore(pub u32);

fn failed(action: &str) -> AuthError {
    let mut message = String::from("storage: ");
    message.push_str(action);
    message.push_str(" failed");
    AuthError::new(ErrorCode::StorageError, message)
}

impl Store for HostStore {
    fn get(&self, key: &str) -> Result<Option<String>> {
        let answer = host::store_get(self.0, key);
        match answer.as_bytes().first() {
            Some(b'0') => Ok(Some(answer.get(1..).unwrap_or_default().to_string())),
            Some(b'1') => Ok(None),
            _ => Err(failed("getItem")),
        }
    }

    fn set(&self, key: &str, value: &str) -> Result<()> {
        match host::store_set(self.0, key, value) {
            0 => Ok(()),
            _ => Err(failed("setItem")),
        }
    }

    fn remove(&self, key: &str) -> Result<()> {
        match host::store_remove(self.0, key) {
            0 => Ok(()),
            _ => Err(failed("removeItem")),
        }
    }
}
