//! The calls whose executions run in this process: a Function trigger queued them and an
//! execution on this process started them (the Function node's `execute()`, on a worker in
//! queue mode). While they run, their stream entries belong to this process, and a
//! heartbeat keeps them fresh; when the process dies they go stale, and a Function trigger
//! takes them over and runs them again.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, Weak};

use crate::backend::Backend;
use crate::keys::FunctionKey;

#[derive(Default)]
struct Calls {
    /// Entry id → call id, per function.
    by_function: HashMap<FunctionKey, HashMap<String, String>>,
    /// The heartbeat task runs (it stops when nothing is left to keep).
    beating: bool,
}

pub struct Running {
    backend: Arc<dyn Backend>,
    /// This process's runner name: the stream consumer its executions hold entries as.
    runner: String,
    calls: Mutex<Calls>,
}

impl Running {
    pub fn new(backend: Arc<dyn Backend>, runner: String) -> Arc<Self> {
        Arc::new(Self { backend, runner, calls: Mutex::default() })
    }

    pub fn runner(&self) -> &str {
        &self.runner
    }

    fn lock(&self) -> MutexGuard<'_, Calls> {
        self.calls.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// An execution here started the call held as `entry_id`: keep it until it is answered.
    pub fn add(self: &Arc<Self>, key: FunctionKey, entry_id: String, call_id: String) {
        if entry_id.is_empty() {
            return; // nothing in Redis to keep (the memory backend)
        }
        let start_beating = {
            let mut calls = self.lock();
            calls.by_function.entry(key).or_default().insert(entry_id, call_id);
            !std::mem::replace(&mut calls.beating, true)
        };
        if start_beating {
            tokio::spawn(beat(Arc::downgrade(self)));
        }
    }

    /// The call was answered from this process: nothing left to keep.
    pub fn forget(&self, key: &FunctionKey, call_id: &str) {
        let mut calls = self.lock();
        if let Some(entries) = calls.by_function.get_mut(key) {
            entries.retain(|_, id| id != call_id);
            if entries.is_empty() {
                calls.by_function.remove(key);
            }
        }
    }

    /// One heartbeat: keeps every entry still held, drops those that are not any more
    /// (answered from another process, or taken over). False when nothing is left.
    async fn keep_all(&self) -> bool {
        let snapshot: Vec<(FunctionKey, Vec<String>)> = self
            .lock()
            .by_function
            .iter()
            .map(|(key, entries)| (key.clone(), entries.keys().cloned().collect()))
            .collect();
        for (key, entry_ids) in snapshot {
            // A Redis outage keeps everything until the next beat.
            let Ok(held) = self.backend.keep(&key, &self.runner, &entry_ids).await else { continue };
            let mut calls = self.lock();
            if let Some(entries) = calls.by_function.get_mut(&key) {
                for gone in entry_ids.iter().filter(|id| !held.contains(id)) {
                    entries.remove(gone);
                }
                if entries.is_empty() {
                    calls.by_function.remove(&key);
                }
            }
        }
        let mut calls = self.lock();
        calls.beating = !calls.by_function.is_empty();
        calls.beating
    }
}

/// Beats while calls run here; ends when none is left or the engine is gone.
async fn beat(running: Weak<Running>) {
    let Some(period) = running.upgrade().map(|r| r.backend.settings().heartbeat) else { return };
    let mut ticks = tokio::time::interval(period);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    ticks.tick().await; // the first tick is immediate: the entry was just claimed
    loop {
        ticks.tick().await;
        let Some(running) = running.upgrade() else { return };
        if !running.keep_all().await {
            return;
        }
    }
}
