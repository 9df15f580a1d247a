//! The runs this process handed to JS whose ends it has not seen yet. An answer given in
//! this process marks its run, so the run's end needs no round trip to learn it.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use crate::protocol::IncomingCall;

/// Who handed a run to JS, and so who starts it again after a failure.
#[derive(Clone)]
pub enum Holder {
    /// A Function trigger's consumer: its calls stay claimed under its name, and a run to
    /// repeat goes back in line for JS through `handoff`, unless it is closing.
    Consumer { name: String, handoff: mpsc::Sender<IncomingCall>, closing: CancellationToken },
    /// A caller running its own call (`call::Outgoing`), which hands a run to repeat out itself.
    Caller,
}

pub struct HeldRun {
    pub call: IncomingCall,
    pub holder: Holder,
    /// How many runs the function allows a call whose executions fail.
    pub max_attempts: u32,
    /// An answer was stored from this process.
    pub answered: bool,
}

/// What releasing the end of a run found.
pub enum Released {
    /// The run held now: it is released.
    Held(Box<HeldRun>),
    /// An earlier run of a call that runs again now.
    Stale,
    /// Not held here (answered and released, or handed out by another process).
    Unknown,
}

#[derive(Default)]
pub struct HeldRuns {
    runs: Mutex<HashMap<String, HeldRun>>,
}

impl HeldRuns {
    fn lock(&self) -> MutexGuard<'_, HashMap<String, HeldRun>> {
        self.runs.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub fn hold(&self, run: HeldRun) {
        self.lock().insert(run.call.context.call_id.clone(), run);
    }

    pub fn release(&self, call_id: &str) -> Option<HeldRun> {
        self.lock().remove(call_id)
    }

    /// Releases the call if `attempt` is the run held now; the end of an earlier run leaves
    /// the current one held. (None: a context from before attempts were recorded.)
    pub fn release_run(&self, call_id: &str, attempt: Option<u32>) -> Released {
        let mut runs = self.lock();
        match runs.get(call_id) {
            None => Released::Unknown,
            Some(held) if attempt.is_some_and(|attempt| attempt != held.call.attempt) => Released::Stale,
            Some(_) => runs.remove(call_id).map_or(Released::Unknown, |held| Released::Held(Box::new(held))),
        }
    }

    pub fn mark_answered(&self, call_id: &str) {
        if let Some(held) = self.lock().get_mut(call_id) {
            held.answered = true;
        }
    }

    /// Forgets the runs a consumer that is gone handed out.
    pub fn release_consumer(&self, consumer: &str) {
        self.lock().retain(|_, held| !matches!(&held.holder, Holder::Consumer { name, .. } if name == consumer));
    }
}
