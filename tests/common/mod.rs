//! Helpers shared by the native client tests.
#![allow(dead_code)]

use std::rc::Rc;

use wasm_auth_client::error::Result;
use wasm_auth_client::storage::{MemoryStore, Store};

/// A store several clients share: a page reload on the same sessionStorage, or two tabs on one
/// localStorage.
#[derive(Clone, Default)]
pub struct SharedStore(Rc<MemoryStore>);

impl Store for SharedStore {
    fn get(&self, key: &str) -> Result<Option<String>> {
        self.0.get(key)
    }
    fn set(&self, key: &str, value: &str) -> Result<()> {
        self.0.set(key, value)
    }
    fn remove(&self, key: &str) -> Result<()> {
        self.0.remove(key)
    }
}
