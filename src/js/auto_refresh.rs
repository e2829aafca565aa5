//! The background refresh: a timer set for when the access token falls due, re-armed after
//! every change, paused while the browser tab is hidden, and never keeping a Node or Deno
//! process alive.

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::host::{clear_timeout, global, set_timeout, Fetch};
use super::client::Core;

/// After a due refresh that did not happen (offline, server trouble), try again this much later.
const RETRY_AFTER_FAILURE_MS: f64 = 30_000.0;

/// A pending timer: its id and the callback it will call.
type Timer = (JsValue, Closure<dyn FnMut()>);

pub struct AutoRefresh {
    core: Weak<Core>,
    io: Fetch,
    timer: RefCell<Option<Timer>>,
    on_visibility: RefCell<Option<Closure<dyn FnMut()>>>,
}

impl AutoRefresh {
    /// Starts watching `core`.
    pub fn start(core: &Rc<Core>, io: Fetch) -> Rc<AutoRefresh> {
        let me = Rc::new(AutoRefresh { core: Rc::downgrade(core), io, timer: RefCell::new(None), on_visibility: RefCell::new(None) });
        let weak = Rc::downgrade(&me);
        core.subscribe(Rc::new(move |_, _| {
            if let Some(me) = weak.upgrade() {
                me.arm(0.0);
            }
        }));
        if let Some(document) = document() {
            let weak = Rc::downgrade(&me);
            let closure = Closure::<dyn FnMut()>::new(move || {
                if let Some(me) = weak.upgrade() {
                    me.arm(0.0);
                }
            });
            call(&document, "addEventListener", &[&JsValue::from_str("visibilitychange"), closure.as_ref()]);
            *me.on_visibility.borrow_mut() = Some(closure);
        }
        me.arm(0.0);
        me
    }

    /// Re-reads when the token falls due (after the store was loaded).
    pub fn rearm(self: &Rc<Self>) {
        self.arm(0.0);
    }

    /// (Re)sets the timer for when the token falls due, at least `floor_ms` from now.
    fn arm(self: &Rc<Self>, floor_ms: f64) {
        self.disarm();
        let Some(core) = self.core.upgrade() else { return };
        if is_hidden() {
            return;
        }
        let Some(due) = core.refresh_due_in() else { return };
        let delay = (due * 1000.0).max(floor_ms).min(i32::MAX as f64) as i32;
        let weak = Rc::downgrade(self);
        let fire = Closure::<dyn FnMut()>::new(move || {
            let Some(me) = weak.upgrade() else { return };
            let Some(core) = me.core.upgrade() else { return };
            wasm_bindgen_futures::spawn_local(async move {
                // The package's one driver, as for any method.
                let _ = super::client::run(core.refresh_if_due().map(|()| super::client::Output::Nothing), &me.io).await;
                // A refresh re-arms through its event; one that failed waits before retrying.
                if core.refresh_due_in().is_some_and(|d| d <= 0.0) {
                    me.arm(RETRY_AFTER_FAILURE_MS);
                }
            });
        });
        let id = set_timeout(fire.as_ref().unchecked_ref(), delay);
        unref(&id);
        *self.timer.borrow_mut() = Some((id, fire));
    }

    fn disarm(&self) {
        if let Some((id, _closure)) = self.timer.borrow_mut().take() {
            clear_timeout(&id);
        }
    }
}

impl Drop for AutoRefresh {
    fn drop(&mut self) {
        self.disarm();
        if let (Some(document), Some(closure)) = (document(), self.on_visibility.borrow_mut().take()) {
            call(&document, "removeEventListener", &[&JsValue::from_str("visibilitychange"), closure.as_ref()]);
        }
    }
}

fn document() -> Option<JsValue> {
    global("document").filter(JsValue::is_object)
}

fn is_hidden() -> bool {
    document()
        .and_then(|d| js_sys::Reflect::get(&d, &JsValue::from_str("visibilityState")).ok())
        .and_then(|v| v.as_string())
        .is_some_and(|state| state == "hidden")
}

/// Calls `target[method](...args)`, ignoring failures (best effort).
fn call(target: &JsValue, method: &str, args: &[&JsValue]) {
    let Ok(function) = js_sys::Reflect::get(target, &JsValue::from_str(method)) else { return };
    let Ok(function) = function.dyn_into::<js_sys::Function>() else { return };
    let args: js_sys::Array = args.iter().map(|a| (*a).clone()).collect();
    let _ = function.apply(target, &args);
}

/// Node's timers have `unref()`; Deno has `Deno.unrefTimer(id)`; browsers need neither.
fn unref(id: &JsValue) {
    if id.is_object() {
        call(id, "unref", &[]);
    } else if let Some(deno) = global("Deno") {
        call(&deno, "unrefTimer", &[id]);
    }
}
