//! `local` storage is shared by the tabs of an origin: the `storage` event tells this tab what
//! another one wrote (a refresh, a sign-in, a sign-out), and the core adopts it.

use std::rc::{Rc, Weak};

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::host::global;
use super::client::Core;

pub struct TabSync {
    listener: Closure<dyn FnMut(JsValue)>,
}

impl TabSync {
    /// Listens for changes of `key` made by other tabs.
    pub fn start(core: &Rc<Core>, key: String) -> Option<TabSync> {
        let add: js_sys::Function = global("addEventListener")?.dyn_into().ok()?;
        let core: Weak<Core> = Rc::downgrade(core);
        let listener = Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
            let field = |name: &str| js_sys::Reflect::get(&event, &JsValue::from_str(name)).ok();
            if field("key").and_then(|k| k.as_string()).as_deref() != Some(key.as_str()) {
                return;
            }
            if let Some(core) = core.upgrade() {
                core.adopt_external(field("newValue").and_then(|v| v.as_string()).as_deref());
            }
        });
        add.call2(&js_sys::global(), &JsValue::from_str("storage"), listener.as_ref()).ok()?;
        Some(TabSync { listener })
    }
}

impl Drop for TabSync {
    fn drop(&mut self) {
        let remove = global("removeEventListener").and_then(|f| f.dyn_into::<js_sys::Function>().ok());
        if let Some(remove) = remove {
            let _ = remove.call2(&js_sys::global(), &JsValue::from_str("storage"), self.listener.as_ref());
        }
    }
}
