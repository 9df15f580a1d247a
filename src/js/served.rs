//! `ServedFunction`: the JS face of a `serve::Served` consumer.

use std::sync::Arc;

use napi::bindgen_prelude::PromiseRaw;
use napi::Env;
use napi_derive::napi;

use super::errors::{Code, IntoJs};
use super::promises;
use super::types::{CallContext, IncomingCall, ParkedWork};
use crate::engine::Engine;
use crate::serve::{Closing, Served};

/// A function being served: hands out its calls until closed.
#[napi]
pub struct ServedFunction {
    engine: Arc<Engine>,
    served: Arc<Served>,
}

impl ServedFunction {
    pub fn new(engine: Arc<Engine>, served: Served) -> Self {
        Self { engine, served: Arc::new(served) }
    }
}

#[napi]
impl ServedFunction {
    /// The function's key, "<scope>/<name>".
    #[napi(getter)]
    pub fn key(&self) -> String {
        self.served.key.as_string()
    }

    /// Waits for calls and resolves with all that are ready (at least one); an empty array once closed.
    #[napi]
    pub fn next<'env>(&self, env: &'env Env) -> napi::Result<PromiseRaw<'env, Vec<IncomingCall>>, Code> {
        let served = self.served.clone();
        promises::promise(env, async move { Ok(served.next().await.into_iter().map(IncomingCall::from).collect()) })
    }

    /// Waits for work on parked calls of this function: callers to wake ("resume") and
    /// executions past their call's deadline to stop ("expired"); an empty array once closed.
    #[napi]
    pub fn next_parked<'env>(&self, env: &'env Env) -> napi::Result<PromiseRaw<'env, Vec<ParkedWork>>, Code> {
        let served = self.served.clone();
        promises::promise(
            env,
            async move { Ok(served.next_parked().await.into_iter().map(ParkedWork::from).collect()) },
        )
    }

    /// These resumes are done: their callers were woken, or cannot be any more. One not
    /// reported is handed out again later.
    #[napi]
    pub fn resumed<'env>(&self, env: &'env Env, resumes: Vec<ParkedWork>) -> napi::Result<PromiseRaw<'env, ()>, Code> {
        let served = self.served.clone();
        let resumes: Vec<_> = resumes.into_iter().filter_map(ParkedWork::into_resume).collect();
        promises::promise(env, async move { served.resumed(&resumes).await.js() })
    }

    /// The execution of a call parked (a Wait, an approval, a form): its callers hear of
    /// it, and may park too. False when the call has its answer already.
    #[napi]
    pub fn parked<'env>(&self, env: &'env Env, context: CallContext) -> napi::Result<PromiseRaw<'env, bool>, Code> {
        let engine = self.engine.clone();
        promises::promise(env, async move { engine.parked(&context.into(), None).await.js() })
    }

    /// The execution of a call has ended, failed with `error` if it did. If nothing answered
    /// the call, a failed execution runs again while the function allows more attempts, and
    /// otherwise the call is answered with the error (or "ended without reaching Return from
    /// Function"). True if this answered it. It may be reported after `close()`.
    #[napi]
    pub fn finished<'env>(
        &self,
        env: &'env Env,
        context: CallContext,
        error: Option<String>,
    ) -> napi::Result<PromiseRaw<'env, bool>, Code> {
        let engine = self.engine.clone();
        promises::promise(env, async move { engine.finished(&context.into(), error).await.js() })
    }

    /// Stops consuming at once (idempotent); resolves when the consumer has stopped and its
    /// connection is closed. `deactivated`: the function's workflow was deactivated (not
    /// its process shutting down), so unless a trigger of it starts again within a
    /// heartbeat, calls fail at once, and those waiting are told so.
    #[napi(ts_return_type = "Promise<void>")]
    pub fn close<'env>(&self, env: &'env Env, deactivated: Option<bool>) -> napi::Result<PromiseRaw<'env, ()>, Code> {
        let closing = if deactivated.unwrap_or(false) { Closing::Deactivated } else { Closing::Restarting };
        let served = self.served.clone();
        promises::promise(env, async move { served.close(closing).await.js() })
    }
}
