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
