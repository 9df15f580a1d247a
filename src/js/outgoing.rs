//! `OutgoingCall`: the JS face of a `call::Outgoing`, for callers that may run the call
//! in their own process.

use std::sync::Arc;

use napi::bindgen_prelude::PromiseRaw;
use napi::Env;
use napi_derive::napi;
use tokio::sync::Mutex;
use tokio_util::sync::CancellationToken;

use super::errors::{Code, IntoJs};
use super::promises;
use super::types::{CallContext, CallStep, ExecutionRef, ParkedCaller};
use crate::call::Outgoing;

/// One call from its sending to its answer; see `FunctionsClient.begin`.
#[napi]
pub struct OutgoingCall {
    outgoing: Arc<Mutex<Outgoing>>,
    stopper: CancellationToken,
}

impl OutgoingCall {
    pub fn new(outgoing: Outgoing) -> Self {
        let stopper = outgoing.stopper();
        Self { outgoing: Arc::new(Mutex::new(outgoing)), stopper }
    }
}

#[napi]
impl OutgoingCall {
    /// Sends the call (the first time) and resolves with the answer (`done`), or with a call
    /// to `run` in this process; after running it, report with `ran()`.
    #[napi]
    pub fn next<'env>(&self, env: &'env Env) -> napi::Result<PromiseRaw<'env, CallStep>, Code> {
        let outgoing = self.outgoing.clone();
        promises::promise(env, async move { outgoing.lock().await.next().await.map(CallStep::from).js() })
    }

    /// The function's execution that answered the call, once it has its answer (value or
    /// error), when the answer named one; null before, and for answers from no execution.
    #[napi(getter)]
    pub fn answered_by(&self) -> Option<ExecutionRef> {
        let outgoing = self.outgoing.try_lock().ok()?;
        outgoing.answered_by().cloned().map(ExecutionRef::from)
    }

    /// The caller was stopped (n8n's Stop): the call stops waiting at once, and is answered
    /// with that (its function's late answer is refused; a parked execution of it is
    /// stopped). A pending `next()` or `waitInPlace()` rejects.
    #[napi]
    pub fn stop(&self) {
        self.stopper.cancel();
    }

    /// The call as the caller's node records it, once sent (to read its answer after parking).
    #[napi(getter)]
    pub fn context(&self) -> Option<CallContext> {
        let outgoing = self.outgoing.try_lock().ok()?;
        outgoing.context().cloned().map(CallContext::from)
    }

    /// The run handed out by `next()` parked (its `execution` waits at a Wait, an approval,
    /// a form). Resolves with `parked` (then `park()` or `waitInPlace()`), or with the answer.
    #[napi]
    pub fn ran_parked<'env>(
        &self,
        env: &'env Env,
        execution: Option<ExecutionRef>,
    ) -> napi::Result<PromiseRaw<'env, CallStep>, Code> {
        let outgoing = self.outgoing.clone();
        promises::promise(env, async move {
            outgoing.lock().await.ran_parked(execution.map(Into::into)).await.map(CallStep::from).js()
        })
    }

    /// Parks the caller while the function's execution waits: once the call is answered, the
    /// function's trigger wakes the caller through `caller.resumeUrl`. False when the call has
    /// its answer already (then `next()` resolves with it, and the caller need not park).
    #[napi]
    pub fn park<'env>(&self, env: &'env Env, caller: ParkedCaller) -> napi::Result<PromiseRaw<'env, bool>, Code> {
        let outgoing = self.outgoing.clone();
        promises::promise(env, async move { outgoing.lock().await.park(caller.into()).await.js() })
    }

    /// Waits for the answer although the function's execution parked, holding this
    /// execution's worker slot: rejected at once (CALLER_CANNOT_WAIT) when this process may
    /// not let one more slot wait. `reason`: why the caller cannot park, for that message.
    #[napi]
    pub fn wait_in_place<'env>(
        &self,
        env: &'env Env,
        reason: String,
    ) -> napi::Result<PromiseRaw<'env, CallStep>, Code> {
        let outgoing = self.outgoing.clone();
        promises::promise(
            env,
            async move { outgoing.lock().await.wait_in_place(&reason).await.map(CallStep::from).js() },
        )
    }

    /// The run handed out by `next()` has ended (`error`: why it failed). Resolves with the
    /// answer, or with the call to run again when the function allows another attempt.
    #[napi]
    pub fn ran<'env>(&self, env: &'env Env, error: Option<String>) -> napi::Result<PromiseRaw<'env, CallStep>, Code> {
        let outgoing = self.outgoing.clone();
        promises::promise(env, async move { outgoing.lock().await.ran(error).await.map(CallStep::from).js() })
    }
}
