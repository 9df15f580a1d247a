//! `FunctionsClient`: the JS face of an `engine::Engine`.

use std::sync::Arc;
use std::time::Duration;

use napi::bindgen_prelude::PromiseRaw;
use napi::Env;
use napi_derive::napi;
use serde_json::Value;

use super::errors::{Code, IntoJs};
use super::outgoing::OutgoingCall;
use super::promises;
use super::served::ServedFunction;
use super::types::{
    CallContext, CallRequest, CallerIdentity, ClientOptions, ExecutionRef, FunctionDefinition, FunctionInfo, RunHere,
    StoredAnswer,
};
use crate::access;
use crate::backend::Start;
use crate::call::{Policy, Request};
use crate::config::{self, Target};
use crate::engine::{self, Engine};
use crate::error::{Result, CODES};
use crate::protocol::Caller;

/// Every code `error.code` may hold on an error of the engine.
#[napi]
pub fn error_codes() -> Vec<String> {
    CODES.iter().map(|code| code.to_string()).collect()
}

/// The engine's request for a JS one. A timeout that is not a finite number of ms maps to
/// one out of bounds, which sending refuses with INVALID_OPTIONS.
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
    pub fn new(options: Option<ClientOptions>) -> napi::Result<Self, Code> {
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
    pub fn serve<'env>(
        &self,
        env: &'env Env,
        definition: FunctionDefinition,
    ) -> napi::Result<PromiseRaw<'env, ServedFunction>, Code> {
        let def = definition.into_engine();
        let engine = self.engine.clone();
        promises::promise(env, async move {
            let served = engine.serve(def.js()?).await.js()?;
            Ok(ServedFunction::new(engine, served))
        })
    }

    /// Validates the arguments, sends the call and resolves with the value the function returned.
    #[napi]
    pub fn call<'env>(&self, env: &'env Env, request: CallRequest) -> napi::Result<PromiseRaw<'env, Value>, Code> {
        let request = engine_request(request, None).js();
        let engine = self.engine.clone();
        promises::promise(env, async move { engine.call(request?).await.js() })
    }

    /// A call that this process may be asked to run itself (no I/O yet): `next()` sends it.
    /// With `runHere`, a call that would leave too many calls of this process waiting on
    /// other processes, or that no execution started in time, is handed back to run here.
    #[napi]
    pub fn begin(&self, request: CallRequest, run_here: Option<RunHere>) -> napi::Result<OutgoingCall, Code> {
        let request = engine_request(request, run_here.map(RunHere::into_policy)).js()?;
        Ok(OutgoingCall::new(self.engine.outgoing(request)))
    }

    /// An execution begins to run the call it was started for (the Function node's first
    /// step): "run", or "elsewhere" when its caller took the call back or another execution
    /// runs it, or "answered" when it has its answer already (answered or timed out).
    #[napi]
    pub fn start<'env>(
        &self,
        env: &'env Env,
        context: CallContext,
        execution: Option<ExecutionRef>,
    ) -> napi::Result<PromiseRaw<'env, String>, Code> {
        let engine = self.engine.clone();
        let execution = execution.map(crate::protocol::ExecutionRef::from);
        promises::promise(env, async move {
            Ok(match engine.start(&context.into(), execution.as_ref()).await.js()? {
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
    ) -> napi::Result<PromiseRaw<'env, bool>, Code> {
        let engine = self.engine.clone();
        let execution = execution.map(Into::into);
        promises::promise(env, async move { engine.respond(&context.into(), value, execution).await.js() })
    }

    /// Answers a call with an error the caller raises. False when the call was already answered.
    #[napi]
    pub fn fail<'env>(
        &self,
        env: &'env Env,
        context: CallContext,
        message: String,
        execution: Option<ExecutionRef>,
    ) -> napi::Result<PromiseRaw<'env, bool>, Code> {
        let engine = self.engine.clone();
        let execution = execution.map(Into::into);
        promises::promise(env, async move { engine.fail(&context.into(), &message, execution).await.js() })
    }

    /// The call's stored answer (its value, or its error and kind), or null when it has none:
    /// what a caller woken after parking reads.
    #[napi(ts_return_type = "Promise<StoredAnswer | null>")]
    pub fn stored_answer<'env>(
        &self,
        env: &'env Env,
        context: CallContext,
    ) -> napi::Result<PromiseRaw<'env, Option<StoredAnswer>>, Code> {
        let engine = self.engine.clone();
        promises::promise(env, async move {
            let key = crate::protocol::CallContext::from(context);
            let reply = engine.stored_answer(&key).await.js()?;
            Ok(reply.map(|reply| StoredAnswer::of(reply, &key.function)))
        })
    }

    /// How the call was answered, if it was: "value", "failed", "timeout" (its caller stopped
    /// waiting) or "inactive" (its function was deactivated); null when it has no answer.
    #[napi(ts_return_type = "Promise<string | null>")]
    pub fn answer_of<'env>(
        &self,
        env: &'env Env,
        context: CallContext,
    ) -> napi::Result<PromiseRaw<'env, Option<String>>, Code> {
        let engine = self.engine.clone();
        promises::promise(env, async move {
            let reply = engine.stored_answer(&context.into()).await.js()?;
            Ok(reply.map(|reply| reply.kind_name().to_string()))
        })
    }

    /// Registered functions, of one scope or of all; with `caller`, only those it may call.
    #[napi]
    pub fn list<'env>(
        &self,
        env: &'env Env,
        scope: Option<String>,
        caller: Option<CallerIdentity>,
    ) -> napi::Result<PromiseRaw<'env, Vec<FunctionInfo>>, Code> {
        let engine = self.engine.clone();
        let caller: Option<Caller> = caller.map(Into::into);
        promises::promise(env, async move {
            let listed = engine.list(scope.as_deref()).await.js()?;
            Ok(listed
                .into_iter()
                .filter(|info| caller.as_ref().is_none_or(|caller| access::allows(&info.def.access, Some(caller))))
                .map(FunctionInfo::from)
                .collect())
        })
    }

    /// One registered function, or null.
    #[napi(ts_return_type = "Promise<FunctionInfo | null>")]
    pub fn describe<'env>(
        &self,
        env: &'env Env,
        scope: String,
        name: String,
    ) -> napi::Result<PromiseRaw<'env, Option<FunctionInfo>>, Code> {
        let engine = self.engine.clone();
        promises::promise(env, async move { Ok(engine.describe(&scope, &name).await.js()?.map(FunctionInfo::from)) })
    }
}
