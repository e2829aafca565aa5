//! Which platform this build's `AuthClient` speaks, chosen by cargo feature (one per entry, so an
//! app ships only its platform's protocol), and how its options are read.

use wasm_bindgen::JsValue;

use super::input;
use crate::error::AuthError;

// Exactly one platform per build: one entry, one wasm, one protocol.
const PLATFORMS: usize = cfg!(feature = "gotrue") as usize
    + cfg!(feature = "firebase") as usize
    + cfg!(feature = "pocketbase") as usize
    + cfg!(feature = "genauth") as usize
    + cfg!(feature = "wristband") as usize
    + cfg!(feature = "wacht") as usize;
const _: () = assert!(PLATFORMS == 1, "the `client` feature needs exactly one platform: gotrue, firebase, pocketbase, genauth, wristband or wacht");

/// Options that belong to another platform's entry: refused as `unsupported` (before any
/// request) rather than ignored, so that a caller never believes, say, that passwords are
/// encrypted when this platform cannot do it.
#[cfg(not(feature = "genauth"))]
fn refuse_foreign_options(options: &JsValue) -> Result<(), AuthError> {
    match input::optional_string(options, "passwordEncrypt")?.as_deref() {
        None | Some("none") => Ok(()),
        Some(_) => Err(crate::backend::unsupported("passwordEncrypt (password encryption is GenAuth's)")),
    }
}

/// Reads the options of this build's platform.
pub fn from_options(options: &JsValue, url: &str) -> Result<Platform, AuthError> {
    #[cfg(not(feature = "genauth"))]
    refuse_foreign_options(options)?;
    platform_options(options, url)
}

/// The names `verifyOtp` reads a credential's parts from, on platforms that name them.
#[cfg(not(feature = "wristband"))]
pub const PROOF_PARTS: [&str; 0] = [];
#[cfg(feature = "wristband")]
pub const PROOF_PARTS: [&str; 4] = crate::wristband::PROOF_PARTS;

/// What `verifyOtp` says when no credential was given.
#[cfg(not(feature = "wristband"))]
pub const PROOF_REQUIRED: &str = "is required (or tokenHash)";
#[cfg(feature = "wristband")]
pub const PROOF_REQUIRED: &str = "is required: emailAuthCode, passwordResetCode, or requestCode with verificationCode";

/// GoTrue: `{ url, apiKey?, headers? }`.
#[cfg(feature = "gotrue")]
pub type Platform = crate::api::GoTrue;

#[cfg(feature = "gotrue")]
fn platform_options(options: &JsValue, url: &str) -> Result<Platform, AuthError> {
    let api_key = input::optional_string(options, "apiKey")?;
    if let Some(key) = &api_key {
        if key.is_empty() {
            return Err(AuthError::invalid_input("apiKey", "must not be empty"));
        }
        crate::validate::header("apiKey", "apikey", key)?;
    }
    let headers = input::string_record(options, "headers")?;
    Ok(crate::api::GoTrue::new(url, api_key.as_deref(), headers))
}

/// Firebase: `{ url, apiKey }` — `url` the Identity Toolkit root or the emulator's address.
#[cfg(feature = "firebase")]
pub type Platform = crate::firebase::Firebase;

#[cfg(feature = "firebase")]
fn platform_options(options: &JsValue, url: &str) -> Result<Platform, AuthError> {
    let api_key = input::string(options, "apiKey")?;
    if api_key.is_empty() || !api_key.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(AuthError::invalid_input("apiKey", "must be the project's Web API key"));
    }
    Ok(crate::firebase::Firebase::new(url, &api_key))
}

/// PocketBase: `{ url, collection = 'users' }`.
#[cfg(feature = "pocketbase")]
pub type Platform = crate::pocketbase::PocketBase;

#[cfg(feature = "pocketbase")]
fn platform_options(options: &JsValue, url: &str) -> Result<Platform, AuthError> {
    let collection = input::optional_string(options, "collection")?.unwrap_or_else(|| "users".into());
    crate::pocketbase::PocketBase::check_collection(&collection)?;
    Ok(crate::pocketbase::PocketBase::new(url, &collection))
}

/// GenAuth: `{ url, appId, passwordEncrypt = 'none' }`.
#[cfg(feature = "genauth")]
pub type Platform = crate::genauth::GenAuth;

#[cfg(feature = "genauth")]
fn platform_options(options: &JsValue, url: &str) -> Result<Platform, AuthError> {
    let app_id = input::string(options, "appId")?;
    crate::genauth::GenAuth::check_app_id(&app_id)?;
    let encryption = match input::optional_string(options, "passwordEncrypt")? {
        None => crate::genauth::Encryption::None,
        Some(name) => crate::genauth::Encryption::parse(&name).ok_or_else(|| AuthError::invalid_input("passwordEncrypt", "must be 'none', 'rsa' or 'sm2'"))?,
    };
    Ok(crate::genauth::GenAuth::new(url, &app_id, encryption))
}

/// Wristband: `{ url, clientId, headers? }` — the application's vanity domain and the OAuth2
/// client the app's tokens come from.
#[cfg(feature = "wristband")]
pub type Platform = crate::wristband::Wristband;

#[cfg(feature = "wristband")]
fn platform_options(options: &JsValue, url: &str) -> Result<Platform, AuthError> {
    let client_id = input::string(options, "clientId")?;
    crate::wristband::Wristband::check_client_id(&client_id)?;
    let headers = input::string_record(options, "headers")?;
    Ok(crate::wristband::Wristband::new(url, &client_id, headers))
}

/// Wacht: `{ url }` — the deployment's frontend API.
#[cfg(feature = "wacht")]
pub type Platform = crate::wacht::Wacht;

#[cfg(feature = "wacht")]
fn platform_options(_options: &JsValue, url: &str) -> Result<Platform, AuthError> {
    Ok(crate::wacht::Wacht::new(url))
}
