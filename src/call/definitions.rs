//! The definitions this process's callers validate arguments against, each with its
//! version worked out once. The send script compares the version with the stored one, so
//! a definition remembered here is never used stale.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use crate::keys::FunctionKey;
use crate::protocol::FunctionDef;

pub struct KnownDefinition {
    pub def: FunctionDef,
    pub version: String,
}

#[derive(Default)]
pub struct Definitions {
    known: Mutex<HashMap<FunctionKey, Arc<KnownDefinition>>>,
}

impl Definitions {
    fn lock(&self) -> MutexGuard<'_, HashMap<FunctionKey, Arc<KnownDefinition>>> {
        self.known.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub fn get(&self, key: &FunctionKey) -> Option<Arc<KnownDefinition>> {
        self.lock().get(key).cloned()
    }

    pub fn remember(&self, key: &FunctionKey, def: FunctionDef) -> Arc<KnownDefinition> {
        let known = Arc::new(KnownDefinition { version: def.version(), def });
        self.lock().insert(key.clone(), known.clone());
        known
    }

    pub fn forget(&self, key: &FunctionKey) {
        self.lock().remove(key);
    }
}
