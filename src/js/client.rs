//! `FunctionsClient`: the JS face of an `engine::Engine`.

use std::sync::Arc;
use std::time::Duration;

use napi::bindgen_prelude::PromiseRaw;
use napi::Env;
use napi_derive::napi;
use serde_json::Value;

use super::errors::IntoJs;
use super::outgoing::OutgoingCall;
use super::promises;
use super::served::ServedFunction;
use super::types::{
    CallContext, CallRequest, CallerIdentity, ClientOptions, ExecutionRef, FunctionDefinition, FunctionInfo, RunHere,
};
use crate::access;
use crate::backend::Start;
use crate::call::{Policy, Request};
use crate::config::{self, Target};
use crate::engine::{self, Engine};
use crate::error::Result;
use crate::protocol::Caller;

/// The engine's request for a JS one; a timeout given as a non-number counts as none.
fn engine_request(request: CallRequest, policy: Option<Policy>) -> Result<Request> {
    let timeout = match request.timeout_ms {
        Some(ms) if ms.is_finite() && ms >= 0.0 => Duration::from_millis(ms as u64),
        Some(ms) => Duration::from_millis(if ms.is_nan() { 0 } else { ms.max(0.0) as u64 }),
        None => config::DEFAULT_TIMEOUT,
    };
    Ok(Request {
        key: Engine::key(&request.scope, &request.name)?,
        items: request.items,
        timeout,
        idempotency_key: request.idempotency_key,
        parent: request.parent.map(Into::into),
        scope_name: request.scope_name,
        policy,
        caller: request.caller.map(Into::into),
    })
}

/// One connection setting's client: serves, calls and answers functions.
#[napi]
pub struct FunctionsClient {
    engine: Arc<Engine>,
}

impl FunctionsClient {
    /// For the client's other faces (`observe.rs`).
    pub(crate) fn engine(&self) -> &Arc<Engine> {
        &self.engine
    }
}

#[napi]
impl FunctionsClient {
    /// No I/O happens here: Redis is reached on first use. Clients with the same resolved
    /// connection and key prefix share one engine (and its connections) per process.
    #[napi(constructor)]
    pub fn new(options: Option<ClientOptions>) -> napi::Result<Self> {
        let options = options.map(ClientOptions::into_engine).unwrap_or_default();
        let settings = config::resolve(&options, |name| std::env::var(name).ok()).js()?;
        Ok(Self { engine: engine::shared(settings).js()? })
    }

    /// "memory" or "redis".
    #[napi(getter)]
    pub fn backend(&self) -> String {
        match self.engine.settings().target {
            Target::Memory => "memory".into(),
            Target::Redis { .. } => "redis".into(),
        }
    }

    /// Where calls travel, without secrets, and which setting chose it.
    #[napi(getter)]
    pub fn address(&self) -> String {
        self.engine.settings().address()
    }

    /// Registers the definition and starts consuming its calls.
    #[napi]
    pub async fn serve(&self, definition: FunctionDefinition) -> napi::Result<ServedFunction> {
        let def = definition.into_engine().js()?;
        Ok(ServedFunction::new(self.engine.serve(def).await.js()?))
    }

    /// Validates the arguments, sends the call and resolves with the value the function returned.
    #[napi]
    pub fn call<'env>(&self, env: &'env Env, request: CallRequest) -> napi::Result<PromiseRaw<'env, Value>> {
        let request = engine_request(request, None).js();
        let engine = self.engine.clone();
        promises::promise(env, async move { engine.call(request?).await.js() })
    }

    /// A call that this process may be asked to run itself (no I/O yet): `next()` sends it.
    /// With `runHere`, a call that would leave too many calls of this process waiting on
    /// other processes, or that no execution started in time, is handed back to run here.
    #[napi]
    pub fn begin(&self, request: CallRequest, run_here: Option<RunHere>) -> napi::Result<OutgoingCall> {
        let request = engine_request(request, run_here.map(RunHere::into_policy)).js()?;
        Ok(OutgoingCall::new(self.engine.outgoing(request)))
    }

    /// An execution begins to run the call it was started for (the Function node's first
    /// step): "run", or "elsewhere" when its caller took the call back or another execution
    /// runs it, or "answered" when it has its answer already (answered or timed out).
    #[napi]
    pub fn start<'env>(&self, env: &'env Env, context: CallContext) -> napi::Result<PromiseRaw<'env, String>> {
        let engine = self.engine.clone();
        promises::promise(env, async move {
            Ok(match engine.start(&context.into()).await.js()? {
                Start::Run => "run",
                Start::Elsewhere => "elsewhere",
                Start::Answered => "answered",
            }
            .to_string())
        })
    }

    /// Answers a call with a value, from the function's `execution` if n8n recorded one (the
    /// caller's node links to it). False when the call was already answered (the first answer wins).
    #[napi]
    pub fn respond<'env>(
        &self,
        env: &'env Env,
        context: CallContext,
        value: Value,
        execution: Option<ExecutionRef>,
    ) -> napi::Result<PromiseRaw<'env, bool>> {
        let engine = self.engine.clone();
        let execution = execution.map(Into::into);
        promises::promise(env, async move { engine.respond_from(&context.into(), value, execution).await.js() })
    }

    /// Answers a call with an error the caller raises. False when the call was already answered.
    #[napi]
    pub fn fail<'env>(
        &self,
        env: &'env Env,
        context: CallContext,
        message: String,
        execution: Option<ExecutionRef>,
    ) -> napi::Result<PromiseRaw<'env, bool>> {
        let engine = self.engine.clone();
        let execution = execution.map(Into::into);
        promises::promise(env, async move { engine.fail_from(&context.into(), &message, execution).await.js() })
    }

    /// How the call was answered, if it was: "value", "failed", "timeout" (its caller stopped
    /// waiting) or "inactive" (its function was deactivated); null when it has no answer.
    #[napi]
    pub async fn answer_of(&self, context: CallContext) -> napi::Result<Option<String>> {
        let reply = self.engine.stored_answer(&context.into()).await.js()?;
        Ok(reply.map(|reply| match reply.error {
            None => "value".to_string(),
            Some(error) => error.kind,
        }))
    }

    /// Registered functions, of one scope or of all; with `caller`, only those it may call.
    #[napi]
    pub async fn list(&self, scope: Option<String>, caller: Option<CallerIdentity>) -> napi::Result<Vec<FunctionInfo>> {
        let caller: Option<Caller> = caller.map(Into::into);
        let listed = self.engine.list(scope.as_deref()).await.js()?;
        Ok(listed
            .into_iter()
            .filter(|info| caller.as_ref().is_none_or(|caller| access::allows(&info.def.access, Some(caller))))
            .map(FunctionInfo::from)
            .collect())
    }

    /// One registered function, or null.
    #[napi]
    pub async fn describe(&self, scope: String, name: String) -> napi::Result<Option<FunctionInfo>> {
        Ok(self.engine.describe(&scope, &name).await.js()?.map(FunctionInfo::from))
    }
}
