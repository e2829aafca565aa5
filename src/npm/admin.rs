//! `AdminClient`'s side of the boundary, for the admin entries (servers and edge functions):
//! GoTrue's service-key calls (`admin`) or Wacht's backend API (`wacht-admin`). The host refuses
//! to construct one in a browser page or worker unless told otherwise (it knows where it runs).

use crate::error::{AuthError, Result};
use crate::fields::Fields;
use crate::need::Need;

#[cfg(feature = "admin")]
pub(crate) type Machine = crate::admin::Admin;
#[cfg(all(feature = "wacht-admin", not(feature = "admin")))]
pub(crate) type Machine = crate::wacht::admin::WachtAdmin;

/// `{ url, serviceRoleKey, headers? }` (GoTrue) or `{ url = 'https://api.wacht.dev', apiKey }`
/// (Wacht); no storage keys.
pub(super) fn open(options: &Fields) -> Result<(std::rc::Rc<Machine>, Vec<String>, &'static [&'static str])> {
    #[cfg(feature = "admin")]
    let machine = {
        let url = options.string("url")?;
        crate::validate::url("url", &url)?;
        let key = options.string("serviceRoleKey")?;
        crate::validate::header("serviceRoleKey", "apikey", &key)?;
        let headers = options.string_record("headers")?;
        let admin = crate::admin::Admin::new(crate::api::GoTrue::new(&url, Some(&key), headers), &key)?;
        (admin, <crate::api::GoTrue as crate::backend::Backend>::CAPABILITIES.response_headers)
    };
    #[cfg(all(feature = "wacht-admin", not(feature = "admin")))]
    let machine = {
        let url = options.optional_string("url")?.unwrap_or_else(|| "https://api.wacht.dev".into());
        crate::validate::url("url", &url)?;
        let key = options.string("apiKey")?;
        (crate::wacht::admin::WachtAdmin::new(&url, &key)?, crate::backend::Capabilities::NONE.response_headers)
    };
    let (machine, headers) = machine;
    Ok((std::rc::Rc::new(machine), Vec::new(), headers))
}

/// The user id argument: `args` is `{ userId, request? }` (the host puts the positional
/// arguments in one object).
fn user_id(args: &Fields) -> Result<String> {
    args.string("userId").map_err(|_| AuthError::invalid_input("userId", "must be a string"))
}

fn request(args: &Fields) -> Result<Fields> {
    let value = args.raw("request").cloned().unwrap_or_default();
    Fields::new(value, "request")
}

/// 0 `updateUserPassword(userId, request)`; GoTrue only: 1 `generateRecoveryLink(email,
/// options?)`, 2 `getUser(userId)`, 3 `createUser(request)`, 4 `deleteUser(userId)`.
pub(super) fn start(admin: &Machine, op: u32, args: &str) -> Need<String> {
    let begun = (|| -> Result<Need<String>> {
        let args = super::fields(args, "request")?;
        #[cfg(feature = "admin")]
        let need = match op {
            0 => {
                let id = user_id(&args)?;
                let request = request(&args)?;
                let password = request.string("password")?;
                // GoTrue always applies its password policy to an admin set.
                if request.bool_or("skipPasswordCheck", false)? {
                    return Err(crate::backend::unsupported("skipPasswordCheck (GoTrue always checks the password policy)"));
                }
                admin.update_user_password(&id, &password).map(|user| user.json().to_string())
            }
            1 => {
                let email = args.string("email").map_err(|_| AuthError::invalid_input("email", "must be a string"))?;
                let redirect_to = match args.raw("options") {
                    Some(options @ crate::json::JsonValue::Object(_)) => Fields::new(options.clone(), "options")?.optional_string("redirectTo")?,
                    _ => None,
                };
                admin.generate_recovery_link(&email, redirect_to.as_deref()).map(|link| {
                    let mut out = String::from("{");
                    for (name, value) in [("link", &link.link), ("code", &link.code), ("tokenHash", &link.token_hash)] {
                        crate::json::write_string(name, &mut out);
                        out.push(':');
                        crate::json::write_string(value, &mut out);
                        out.push(',');
                    }
                    out.push_str("\"user\":");
                    out.push_str(link.user.json());
                    out.push('}');
                    out
                })
            }
            2 => admin.get_user(&user_id(&args)?).map(|user| user.json().to_string()),
            3 => {
                let request = request(&args)?;
                let email = request.string("email")?;
                let password = request.optional_string("password")?;
                let confirm = request.bool_or("emailConfirm", true)?;
                admin.create_user(&email, password.as_deref(), confirm).map(|user| user.json().to_string())
            }
            _ => admin.delete_user(&user_id(&args)?).map(|()| String::new()),
        };
        #[cfg(all(feature = "wacht-admin", not(feature = "admin")))]
        let need = {
            let _ = op;
            let id = user_id(&args)?;
            let request = request(&args)?;
            let password = request.string("password")?;
            let skip = request.bool_or("skipPasswordCheck", false)?;
            admin.update_user_password(&id, &password, skip).map(|()| String::new())
        };
        Ok(need)
    })();
    begun.unwrap_or_else(Need::err)
}

/// Admin clients answer no synchronous calls.
pub(super) fn query(_admin: &Machine, _what: u32, _arg: &str) -> String {
    String::new()
}
