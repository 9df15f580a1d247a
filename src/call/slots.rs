//! The execution slots of this process that wait for other processes to run their calls.
//! A caller keeps its worker slot while it waits, and the function's execution needs a slot
//! of its own; at most `remote_limit` slots of a process may wait on others (see
//! docs/ARCHITECTURE.md, "Where a call runs"). Worker slots belong to the process, so this
//! counts across every engine of it.

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex, MutexGuard};

/// Slot → how many of its calls wait on other processes.
static SLOTS_WAITING: LazyLock<Mutex<HashMap<String, usize>>> = LazyLock::new(Default::default);

fn slots_waiting() -> MutexGuard<'static, HashMap<String, usize>> {
    SLOTS_WAITING.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Counts one call in `SLOTS_WAITING` while it lives.
pub struct WaitingOnOthers {
    slot: String,
}

impl WaitingOnOthers {
    /// Counts a call of `slot` if the slot already waits, or if another slot may wait:
    /// None when the call must run here instead.
    pub fn enter(slot: &str, remote_limit: usize) -> Option<Self> {
        let mut slots = slots_waiting();
        if !slots.contains_key(slot) && slots.len() >= remote_limit {
            return None;
        }
        *slots.entry(slot.to_string()).or_insert(0) += 1;
        Some(Self { slot: slot.to_string() })
    }
}

impl Drop for WaitingOnOthers {
    fn drop(&mut self) {
        let mut slots = slots_waiting();
        if let Some(count) = slots.get_mut(&self.slot) {
            *count -= 1;
            if *count == 0 {
                slots.remove(&self.slot);
            }
        }
    }
}
