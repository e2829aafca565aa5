//! `AdminClient` for Wacht (`wasm-auth-client/wacht/admin`): the JavaScript face of
//! [`crate::wacht::admin::WachtAdmin`], for servers and edge functions holding an API key.

use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

use super::host::Fetch;
use super::{input, js_error, DEFAULT_TIMEOUT_MS};
use crate::error::AuthError;
use crate::need::{drive, Need};
use crate::wacht::admin::WachtAdmin;

/// Wacht's backend API with the deployment's API key. Trusted server code only.
#[wasm_bindgen]
pub struct AdminClient {
    admin: std::rc::Rc<WachtAdmin>,
    io: Fetch,
}

#[wasm_bindgen]
impl AdminClient {
    /// `{ url = 'https://api.wacht.dev', apiKey, timeoutMs?, allowInBrowser? }`. Throws
    /// `unsafe_environment` in a browser page or worker unless `allowInBrowser`; `invalid_input`
    /// for bad options.
    #[wasm_bindgen(constructor)]
    pub fn new(#[wasm_bindgen(unchecked_param_type = "WachtAdminClientOptions")] options: JsValue) -> Result<AdminClient, JsValue> {
        Self::build(&options).map_err(js_error)
    }

    fn build(options: &JsValue) -> Result<AdminClient, AuthError> {
        let options = input::object(options, "options")?;
        let url = input::optional_string(&options, "url")?.unwrap_or_else(|| "https://api.wacht.dev".into());
        crate::validate::url("url", &url)?;
        let key = input::string(&options, "apiKey")?;
        super::refuse_in_browser(&options, "the API key")?;
        let timeout_ms = super::timeout_option(&options)?.unwrap_or(DEFAULT_TIMEOUT_MS);
        Ok(AdminClient { admin: std::rc::Rc::new(WachtAdmin::new(&url, &key)?), io: Fetch { timeout_ms } })
    }

    /// Sets a user's password: `{ password, skipPasswordCheck? }` (the deployment's policy
    /// applies unless skipped; a refused password is `weak_password`). Resolves with no value.
    #[wasm_bindgen(js_name = updateUserPassword, unchecked_return_type = "Promise<void>")]
    pub fn update_user_password(
        &self,
        #[wasm_bindgen(js_name = userId, unchecked_param_type = "string")] user_id: JsValue,
        #[wasm_bindgen(unchecked_param_type = "{ password: string; skipPasswordCheck?: boolean }")] request: JsValue,
    ) -> js_sys::Promise {
        let need = (|| {
            let id = user_id.as_string().ok_or_else(|| AuthError::invalid_input("userId", "must be a string"))?;
            let request = input::fields(&request, "request")?;
            let password = request.string("password")?;
            let skip = request.bool_or("skipPasswordCheck", false)?;
            Ok(self.admin.update_user_password(&id, &password, skip).map(|()| JsValue::UNDEFINED))
        })();
        let need: Need<JsValue> = need.unwrap_or_else(Need::err);
        let io = self.io;
        future_to_promise(async move { drive(need, &io).await.map_err(js_error) })
    }
}
