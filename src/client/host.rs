//! What the Rust API's host does beside sending requests, as the npm package's JavaScript host
//! does it: the background refresh timer (armed for when the token falls due, re-armed after
//! every change, paused while the tab is hidden, retried 30 s after a refresh that did not
//! happen), tab sync (another tab's write of the shared `localStorage` record), and asynchronous
//! stores (read once into a copy before the first call, written through in order).

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::rc::{Rc, Weak};

use gloo_timers::callback::Timeout;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

use super::transport::GlooFetch;
use super::Core;
use crate::backend::Backend;
use crate::error::Result;
use crate::need::drive;
use crate::storage::{MemoryStore, Store};

/// After a due refresh that did not happen (offline, server trouble), try again this much later.
const RETRY_AFTER_FAILURE_MS: f64 = 30_000.0;

/// A store whose calls finish later (IndexedDB, a server, an extension's storage).
pub trait AsyncStore {
    /// The value under `key`, if any.
    fn get(&self, key: &str) -> Pin<Box<dyn Future<Output = Result<Option<String>>>>>;
    /// Stores `value` under `key`.
    fn set(&self, key: &str, value: &str) -> Pin<Box<dyn Future<Output = Result<()>>>>;
    /// Removes `key`.
    fn remove(&self, key: &str) -> Pin<Box<dyn Future<Output = Result<()>>>>;
}

/// Writes waiting for the store, in order: a key and its value (`None`: removed).
type Writes = Rc<RefCell<VecDeque<(String, Option<String>)>>>;

/// An asynchronous store as the core sees it: a copy, filled before the first call
/// ([`AsyncCopy::fill`]), whose writes go through to the store one after the other.
pub struct AsyncCopy {
    copy: MemoryStore,
    target: Rc<dyn AsyncStore>,
    writes: Writes,
    writing: Rc<Cell<bool>>,
}

impl AsyncCopy {
    pub fn new(target: Rc<dyn AsyncStore>) -> Self {
        AsyncCopy { copy: MemoryStore::default(), target, writes: Rc::default(), writing: Rc::default() }
    }

    /// Reads `keys` from the store into the copy (an unreadable one counts as empty).
    pub async fn fill(&self, keys: &[String]) {
        for key in keys {
            if let Ok(Some(value)) = self.target.get(key).await {
                let _ = self.copy.set(key, &value);
            }
        }
    }

    fn enqueue(&self, key: &str, value: Option<&str>) {
        self.writes.borrow_mut().push_back((key.to_string(), value.map(str::to_string)));
        if self.writing.replace(true) {
            return;
        }
        let (writes, writing, target) = (self.writes.clone(), self.writing.clone(), self.target.clone());
        wasm_bindgen_futures::spawn_local(async move {
            loop {
                let next = writes.borrow_mut().pop_front();
                let Some((key, value)) = next else { break };
                // A failed write is dropped: the copy stays right for this client.
                let _ = match value {
                    Some(value) => target.set(&key, &value).await,
                    None => target.remove(&key).await,
                };
            }
            writing.set(false);
        });
    }
}

impl Store for AsyncCopy {
    fn get(&self, key: &str) -> Result<Option<String>> {
        self.copy.get(key)
    }
    fn set(&self, key: &str, value: &str) -> Result<()> {
        self.copy.set(key, value)?;
        self.enqueue(key, Some(value));
        Ok(())
    }
    fn remove(&self, key: &str) -> Result<()> {
        self.copy.remove(key)?;
        self.enqueue(key, None);
        Ok(())
    }
}

/// Calls wait for this until an asynchronous store has been read.
#[derive(Default)]
pub struct Ready {
    done: Cell<bool>,
    waiting: RefCell<Vec<futures_channel::oneshot::Sender<()>>>,
}

impl Ready {
    pub fn now() -> Rc<Ready> {
        let ready = Rc::new(Ready::default());
        ready.done.set(true);
        ready
    }

    pub fn open(&self) {
        self.done.set(true);
        for waiter in self.waiting.borrow_mut().drain(..) {
            let _ = waiter.send(());
        }
    }

    pub async fn wait(&self) {
        if self.done.get() {
            return;
        }
        let (sender, receiver) = futures_channel::oneshot::channel();
        self.waiting.borrow_mut().push(sender);
        let _ = receiver.await;
    }
}

fn document() -> Option<web_sys::Document> {
    web_sys::window()?.document()
}

fn hidden() -> bool {
    document().is_some_and(|d| d.visibility_state() == web_sys::VisibilityState::Hidden)
}

/// The background refresh. Dropped with the client: the timer is cancelled, the listener removed.
pub struct AutoRefresh<B: Backend> {
    core: Weak<Core<B>>,
    io: GlooFetch,
    timer: RefCell<Option<Timeout>>,
    on_visibility: RefCell<Option<Closure<dyn FnMut()>>>,
}

impl<B: Backend> AutoRefresh<B> {
    pub fn start(core: &Rc<Core<B>>, io: GlooFetch) -> Rc<Self> {
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
            let _ = document.add_event_listener_with_callback("visibilitychange", closure.as_ref().unchecked_ref());
            *me.on_visibility.borrow_mut() = Some(closure);
        }
        me.arm(0.0);
        me
    }

    /// (Re)sets the timer for when the token falls due, at least `floor_ms` from now.
    pub fn arm(self: &Rc<Self>, floor_ms: f64) {
        drop(self.timer.borrow_mut().take());
        let Some(core) = self.core.upgrade() else { return };
        let Some(due) = core.refresh_due_in().filter(|_| !hidden()) else { return };
        let delay = (due * 1000.0).max(floor_ms).clamp(0.0, f64::from(i32::MAX)) as u32;
        let weak = Rc::downgrade(self);
        let timeout = Timeout::new(delay, move || {
            let Some(me) = weak.upgrade() else { return };
            let Some(core) = me.core.upgrade() else { return };
            wasm_bindgen_futures::spawn_local(async move {
                let _ = drive(core.refresh_if_due(), &me.io).await;
                // A refresh re-arms through its event; one that failed waits before retrying.
                if core.refresh_due_in().is_some_and(|d| d <= 0.0) {
                    me.arm(RETRY_AFTER_FAILURE_MS);
                }
            });
        });
        *self.timer.borrow_mut() = Some(timeout);
    }
}

impl<B: Backend> Drop for AutoRefresh<B> {
    fn drop(&mut self) {
        drop(self.timer.borrow_mut().take());
        if let (Some(document), Some(closure)) = (document(), self.on_visibility.borrow_mut().take()) {
            let _ = document.remove_event_listener_with_callback("visibilitychange", closure.as_ref().unchecked_ref());
        }
    }
}

/// Another tab's writes of the shared record (`localStorage`): the core adopts them.
pub struct TabSync(Closure<dyn FnMut(web_sys::StorageEvent)>);

impl TabSync {
    pub fn start<B: Backend>(core: &Rc<Core<B>>, key: String) -> Option<TabSync> {
        let window = web_sys::window()?;
        let core = Rc::downgrade(core);
        let listener = Closure::<dyn FnMut(web_sys::StorageEvent)>::new(move |event: web_sys::StorageEvent| {
            if event.key().as_deref() != Some(key.as_str()) {
                return;
            }
            if let Some(core) = core.upgrade() {
                core.adopt_external(event.new_value().as_deref());
            }
        });
        window.add_event_listener_with_callback("storage", listener.as_ref().unchecked_ref()).ok()?;
        Some(TabSync(listener))
    }
}

impl Drop for TabSync {
    fn drop(&mut self) {
        if let Some(window) = web_sys::window() {
            let _ = window.remove_event_listener_with_callback("storage", self.0.as_ref().unchecked_ref());
        }
    }
}
