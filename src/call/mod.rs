//! Calling a function: validate against its current definition, send, wait for the
//! answer until the deadline, and explain every way that can fail.
//!
//! A caller inside n8n can also run the call itself, in its own process, when waiting for
//! another process could starve its worker (`Policy`): a caller keeps its worker slot
//! while it waits, and the function's execution needs a slot of its own. Such a call is
//! either never queued (this process already has as many slots waiting on other processes
//! as its worker can spare), or taken back when no execution has started it in time.
//! Either way the caller's `next()` hands the call to JS to run (`Step::Run`), and `ran()`
//! reports how that run ended.

mod definitions;
mod messages;
mod outgoing;
mod send;
mod slots;

use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;

use crate::backend::Backend;
use crate::error::{EngineError, Result};
use crate::keys::FunctionKey;
use crate::observe::metrics::Metrics;
use crate::protocol::{Args, Caller, ExecutionRef};
use crate::runs::Runs;

pub use self::definitions::Definitions;
pub use self::outgoing::{HereCall, Outgoing, Step};

/// What a caller needs of the engine: the backend, the runs of this process, the
/// definitions it validated against, and where its calls are counted (None: metrics off).
#[derive(Clone)]
pub struct Calling {
    pub backend: Arc<dyn Backend>,
    pub runs: Arc<Runs>,
    pub definitions: Arc<Definitions>,
    pub metrics: Option<&'static Metrics>,
}

/// When a caller runs a call itself rather than wait for another process to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    /// How many of this process's slots may wait on other processes at once; a call from
    /// another slot runs here instead. (A slot that waits already may send more calls.)
    pub remote_limit: usize,
    /// The execution slot the caller holds: its execution, or the one it runs inside.
    pub slot: String,
    /// A queued call no execution has started within this long is taken back and run here.
    pub take_back_after: Duration,
}

/// What to call, as the caller asks.
pub struct Request {
    pub key: FunctionKey,
    pub items: Vec<Args>,
    pub timeout: Duration,
    pub idempotency_key: Option<String>,
    /// The n8n execution making the call.
    pub parent: Option<ExecutionRef>,
    /// The name of the workflow the scope names, when the caller knows it (for messages).
    pub scope_name: Option<String>,
    /// None: only Function triggers run it (callers outside n8n).
    pub policy: Option<Policy>,
    /// The workflow calling, checked against the function's caller policy. None: a caller
    /// outside n8n, which only functions that any workflow may call let in.
    pub caller: Option<Caller>,
}

impl Request {
    /// A call that only Function triggers run, with no idempotency key.
    pub fn new(key: FunctionKey, items: Vec<Args>, timeout: Duration) -> Self {
        Self { key, items, timeout, idempotency_key: None, parent: None, scope_name: None, policy: None, caller: None }
    }
}

/// Calls a function and waits for its answer, also while its execution is parked; only
/// Function triggers run it.
pub async fn call(calling: Calling, request: Request) -> Result<Value> {
    let mut outgoing = Outgoing::new(calling, Request { policy: None, ..request });
    let mut step = outgoing.next().await?;
    loop {
        step = match step {
            Step::Value(value) => return Ok(value),
            Step::Parked(_) => outgoing.wait_in_place("").await?,
            Step::Run(_) => return Err(EngineError::Internal("A call without a policy was handed back to run".into())),
        };
    }
}
