//! An in-memory store: the default where no Web Storage exists (Node, Deno servers, workers).

use std::cell::RefCell;
use std::collections::BTreeMap;

use super::Store;
use crate::error::Result;

/// Lives as long as the client; nothing survives a reload.
#[derive(Debug, Default)]
pub struct MemoryStore(RefCell<BTreeMap<String, String>>);

impl Store for MemoryStore {
    fn get(&self, key: &str) -> Result<Option<String>> {
        Ok(self.0.borrow().get(key).cloned())
    }
    fn set(&self, key: &str, value: &str) -> Result<()> {
        self.0.borrow_mut().insert(key.to_string(), value.to_string());
        Ok(())
    }
    fn remove(&self, key: &str) -> Result<()> {
        self.0.borrow_mut().remove(key);
        Ok(())
    }
}
