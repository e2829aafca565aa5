//! Which platform this build's `AuthClient` speaks, chosen by cargo feature (one per entry, so an
//! app ships only its platform's protocol), and how its options are read.

use wasm_bindgen::JsValue;

use super::input;
use crate::error::AuthError;

#[cfg(any(
    all(feature = "gotrue", any(feature = "firebase", feature = "pocketbase", feature = "genauth")),
    all(feature = "firebase", any(feature = "pocketbase", feature = "genauth")),
    all(feature = "pocketbase", feature = "genauth"),
    not(any(feature = "gotrue", feature = "firebase", feature = "pocketbase", feature = "genauth"))
))]
compile_error!("the `client` feature needs exactly one platform: `gotrue`, `firebase`, `pocketbase` or `genauth`");

/// GoTrue: `{ url, apiKey?, headers? }`.
#[cfg(feature = "gotrue")]
pub type Platform = crate::api::GoTrue;

#[cfg(feature = "gotrue")]
pub fn from_options(options: &JsValue, url: &str) -> Result<Platform, AuthError> {
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
pub fn from_options(options: &JsValue, url: &str) -> Result<Platform, AuthError> {
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
pub fn from_options(options: &JsValue, url: &str) -> Result<Platform, AuthError> {
    let collection = input::optional_string(options, "collection")?.unwrap_or_else(|| "users".into());
    crate::pocketbase::PocketBase::check_collection(&collection)?;
    Ok(crate::pocketbase::PocketBase::new(url, &collection))
}

/// GenAuth: `{ url, appId, passwordEncrypt = 'none' }`.
#[cfg(feature = "genauth")]
pub type Platform = crate::genauth::GenAuth;

#[cfg(feature = "genauth")]
pub fn from_options(options: &JsValue, url: &str) -> Result<Platform, AuthError> {
    let app_id = input::string(options, "appId")?;
    crate::genauth::GenAuth::check_app_id(&app_id)?;
    let encryption = match input::optional_string(options, "passwordEncrypt")? {
        None => crate::genauth::Encryption::None,
        Some(name) => crate::genauth::Encryption::parse(&name).ok_or_else(|| AuthError::invalid_input("passwordEncrypt", "must be 'none', 'rsa' or 'sm2'"))?,
    };
    Ok(crate::genauth::GenAuth::new(url, &app_id, encryption))
}
