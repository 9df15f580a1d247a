//! The calls this process handed to JS whose executions have not finished, shared by the
//! engine's consumers and its answers. An answer given in this process marks its call,
//! so the end of that execution needs no round trip to learn the call was answered.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

use crate::serve::IncomingCall;

pub struct HeldCall {
    pub call: IncomingCall,
    /// The consumer that handed it out (it keeps the call claimed in Redis).
    pub consumer: String,
    /// An answer was stored from this process.
    pub answered: bool,
}

/// What releasing the end of a run found.
pub enum Released {
    /// The run held now: it is released.
    Held(Box<HeldCall>),
    /// An earlier run of a call that runs again now.
    Stale,
    /// Not held here (answered and released, or handed out by another process).
    Unknown,
}

#[derive(Default)]
pub struct HeldCalls {
    calls: Mutex<HashMap<String, HeldCall>>,
}

impl HeldCalls {
    fn lock(&self) -> MutexGuard<'_, HashMap<String, HeldCall>> {
        self.calls.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub fn hold(&self, consumer: &str, call: IncomingCall) {
        let id = call.context.call_id.clone();
        self.lock().insert(id, HeldCall { call, consumer: consumer.to_string(), answered: false });
    }

    pub fn release(&self, call_id: &str) -> Option<HeldCall> {
        self.lock().remove(call_id)
    }

    /// Releases the call if `attempt` is the run held now; the end of an earlier run leaves
    /// the current one held. (None: a context from before attempts were recorded.)
    pub fn release_run(&self, call_id: &str, attempt: Option<u32>) -> Released {
        let mut calls = self.lock();
        match calls.get(call_id) {
            None => Released::Unknown,
            Some(held) if attempt.is_some_and(|attempt| attempt != held.call.attempt) => Released::Stale,
            Some(_) => calls.remove(call_id).map_or(Released::Unknown, |held| Released::Held(Box::new(held))),
        }
    }

    pub fn mark_answered(&self, call_id: &str) {
        if let Some(held) = self.lock().get_mut(call_id) {
            held.answered = true;
        }
    }

    /// Forgets the calls of a consumer that is gone.
    pub fn release_all(&self, consumer: &str) {
        self.lock().retain(|_, held| held.consumer != consumer);
    }
}
