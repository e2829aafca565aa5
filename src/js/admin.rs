//! `AdminClient`: the JavaScript face of [`crate::admin::Admin`], for servers and edge functions.

use std::rc::Rc;

use wasm_bindgen::prelude::*;

use wasm_bindgen_futures::future_to_promise;

use super::host::Fetch;
use super::{input, js_error, user_to_js, DEFAULT_TIMEOUT_MS};
use crate::need::{drive, Need};
use crate::admin::Admin;
use crate::api::GoTrue;
use crate::error::AuthError;

/// Administrative password operations with the service_role key. Trusted server code only.
#[wasm_bindgen]
pub struct AdminClient {
    admin: Rc<Admin>,
    io: Fetch,
}

#[wasm_bindgen]
impl AdminClient {
    /// Throws `unsafe_environment` in a browser page or worker (a service key there is a breach) unless
    /// `allowInBrowser` is set; `invalid_input` for bad options.
    #[wasm_bindgen(constructor)]
    pub fn new(#[wasm_bindgen(unchecked_param_type = "AdminClientOptions")] options: JsValue) -> Result<AdminClient, JsValue> {
        Self::build(&options).map_err(js_error)
    }

    fn build(options: &JsValue) -> Result<AdminClient, AuthError> {
        let options = input::object(options, "options")?;
        let url = input::string(&options, "url")?;
        crate::validate::url("url", &url)?;
        let key = input::string(&options, "serviceRoleKey")?;
        crate::validate::header("serviceRoleKey", "apikey", &key)?;
        super::refuse_in_browser(&options, "the service_role key")?;
        let headers = input::string_record(&options, "headers")?;
        let timeout_ms = super::timeout_option(&options)?.unwrap_or(DEFAULT_TIMEOUT_MS);
        let api = GoTrue::new(&url, Some(&key), headers);
        Ok(AdminClient { admin: Rc::new(Admin::new(api, &key)?), io: Fetch { timeout_ms } })
    }

    /// Performs an admin operation: its one driver.
    fn run(&self, need: Need<JsValue>) -> js_sys::Promise {
        let io = self.io;
        future_to_promise(async move { drive(need, &io).await.map_err(js_error) })
    }

    /// Sets a user's password; every session of that user ends.
    #[wasm_bindgen(js_name = updateUserPassword, unchecked_return_type = "Promise<User>")]
    pub fn update_user_password(&self, #[wasm_bindgen(js_name = userId, unchecked_param_type = "string")] user_id: JsValue, #[wasm_bindgen(unchecked_param_type = "{ password: string }")] request: JsValue) -> js_sys::Promise {
        let need = (|| {
            let id = user_id.as_string().ok_or_else(|| AuthError::invalid_input("userId", "must be a string"))?;
            let request = input::fields(&request, "request")?;
            let password = request.string("password")?;
            // GoTrue always applies its password policy to an admin set.
            if request.bool_or("skipPasswordCheck", false)? {
                return Err(crate::backend::unsupported("skipPasswordCheck (GoTrue always checks the password policy)"));
            }
            Ok(self.admin.update_user_password(&id, &password).map(|user| user_to_js(&user)))
        })();
        self.run(need.unwrap_or_else(Need::err))
    }

    /// A recovery link and code for `email` (no mail is sent).
    #[wasm_bindgen(js_name = generateRecoveryLink, unchecked_return_type = "Promise<GeneratedRecoveryLink>")]
    pub fn generate_recovery_link(&self, #[wasm_bindgen(unchecked_param_type = "string")] email: JsValue, #[wasm_bindgen(unchecked_param_type = "{ redirectTo?: string }")] options: Option<JsValue>) -> js_sys::Promise {
        let need = (|| {
            let options = options.filter(|o| o.is_object()).map(|o| input::fields(&o, "options")).transpose()?;
            let email = email.as_string().ok_or_else(|| AuthError::invalid_input("email", "must be a string"))?;
            let redirect_to = match options {
                Some(options) => options.optional_string("redirectTo")?,
                None => None,
            };
            Ok(self.admin.generate_recovery_link(&email, redirect_to.as_deref()).map(|link| {
                let out = js_sys::Object::new();
                let set = |k: &str, v: &JsValue| {
                    let _ = js_sys::Reflect::set(&out, &JsValue::from_str(k), v);
                };
                set("link", &JsValue::from_str(&link.link));
                set("code", &JsValue::from_str(&link.code));
                set("tokenHash", &JsValue::from_str(&link.token_hash));
                set("user", &user_to_js(&link.user));
                out.into()
            }))
        })();
        self.run(need.unwrap_or_else(Need::err))
    }

    /// The user as the server has it.
    #[wasm_bindgen(js_name = getUser, unchecked_return_type = "Promise<User>")]
    pub fn get_user(&self, #[wasm_bindgen(js_name = userId, unchecked_param_type = "string")] user_id: JsValue) -> js_sys::Promise {
        let need = match user_id.as_string() {
            Some(id) => self.admin.get_user(&id).map(|user| user_to_js(&user)),
            None => Need::err(AuthError::invalid_input("userId", "must be a string")),
        };
        self.run(need)
    }

    /// Creates a user (confirmed unless `emailConfirm` is false).
    #[wasm_bindgen(js_name = createUser, unchecked_return_type = "Promise<User>")]
    pub fn create_user(&self, #[wasm_bindgen(unchecked_param_type = "CreateUserRequest")] request: JsValue) -> js_sys::Promise {
        let need = (|| {
            let request = input::fields(&request, "request")?;
            let email = request.string("email")?;
            let password = request.optional_string("password")?;
            let confirm = request.bool_or("emailConfirm", true)?;
            Ok(self.admin.create_user(&email, password.as_deref(), confirm).map(|user| user_to_js(&user)))
        })();
        self.run(need.unwrap_or_else(Need::err))
    }

    /// Deletes a user.
    #[wasm_bindgen(js_name = deleteUser, unchecked_return_type = "Promise<void>")]
    pub fn delete_user(&self, #[wasm_bindgen(js_name = userId, unchecked_param_type = "string")] user_id: JsValue) -> js_sys::Promise {
        let need = match user_id.as_string() {
            Some(id) => self.admin.delete_user(&id).map(|()| JsValue::UNDEFINED),
            None => Need::err(AuthError::invalid_input("userId", "must be a string")),
        };
        self.run(need)
    }
}
