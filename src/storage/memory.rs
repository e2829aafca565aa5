//! An in-memory store: the default where no Web Storage exists (Node, Deno servers, workers).

use std::cell::RefCell;

use super::Store;
use crate::error::Result;

/// Lives as long as the client; nothing survives a reload. A few keys at most, so a list.
#[derive(Default)]
pub struct MemoryStore(RefCell<Vec<(String, String)>>);

/// The values are session records and verifiers: `Debug` lists the keys only.
impl std::fmt::Debug for MemoryStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let entries = self.0.borrow();
        f.debug_tuple("MemoryStore").field(&entries.iter().map(|(k, _)| k.as_str()).collect::<Vec<_>>()).finish()
    }
}

impl Store for MemoryStore {
    fn get(&self, key: &str) -> Result<Option<String>> {
        Ok(self.0.borrow().iter().find(|(k, _)| k == key).map(|(_, v)| v.clone()))
    }
    fn set(&self, key: &str, value: &str) -> Result<()> {
        let mut entries = self.0.borrow_mut();
        match entries.iter_mut().find(|(k, _)| k == key) {
            Some(entry) => entry.1 = value.to_string(),
            None => entries.push((key.to_string(), value.to_string())),
        }
        Ok(())
    }
    fn remove(&self, key: &str) -> Result<()> {
        self.0.borrow_mut().retain(|(k, _)| k != key);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_replaces_and_remove_forgets() {
        let store = MemoryStore::default();
        store.set("a", "1").unwrap();
        store.set("a", "2").unwrap();
        assert_eq!(store.get("a").unwrap().as_deref(), Some("2"));
        store.remove("a").unwrap();
        assert_eq!(store.get("a").unwrap(), None);
    }
}
