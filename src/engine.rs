//! One engine per connection setting per process: the backend plus the definitions
//! callers validated against. Clients with the same settings share it, so a process
//! holds one set of connections however many nodes use them.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex, MutexGuard};

use serde_json::Value;

use crate::backend::memory::MemoryBackend;
use crate::backend::redis::RedisBackend;
use crate::backend::{Backend, Start};
use crate::call::{self, Outgoing, Request};
use crate::config::{Settings, Target};
use crate::error::{EngineError, Result};
use crate::held::HeldCalls;
use crate::keys::FunctionKey;
use crate::observe::feed::Feed;
use crate::observe::metrics::{self, Metrics};
use crate::observe::observed::ObservedBackend;
use crate::observe::redis_feed::Deployment;
use crate::protocol::{CallContext, ExecutionRef, FunctionDef, FunctionInfo, Reply};
use crate::running::Running;
use crate::serve::{self, Served};

pub struct Engine {
    backend: Arc<dyn Backend>,
    definitions: Mutex<HashMap<FunctionKey, Arc<KnownDefinition>>>,
    held: Arc<HeldCalls>,
    /// Calls whose executions run in this process.
    running: Arc<Running>,
    /// The runner name this process's callers use when they run their own calls.
    caller_runner: String,
    /// Where this engine's events go (observe/); `deployment` is its Redis view, if any.
    feed: Arc<Feed>,
    deployment: Option<Arc<Deployment>>,
    /// Where its calls are counted; None while metrics are off (observe/metrics.rs).
    metrics: Option<&'static Metrics>,
}

/// A definition callers in this process validate against, with its version worked out once.
pub(crate) struct KnownDefinition {
    pub def: FunctionDef,
    pub version: String,
}

static ENGINES: LazyLock<Mutex<HashMap<String, Arc<Engine>>>> = LazyLock::new(Default::default);

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The process's engine for these settings, made on first use. No I/O.
pub fn shared(settings: Settings) -> Result<Arc<Engine>> {
    let mut engines = lock(&ENGINES);
    if let Some(engine) = engines.get(&settings.engine_id()) {
        return Ok(engine.clone());
    }
    let id = settings.engine_id();
    let engine = Arc::new(Engine::new(settings)?);
    engines.insert(id, engine.clone());
    Ok(engine)
}

impl Engine {
    pub fn new(settings: Settings) -> Result<Self> {
        let deployment = Deployment::new(&settings)?;
        let feed = Arc::new(Feed::new(&settings, deployment.clone()));
        let backend: Arc<dyn Backend> = match settings.target {
            Target::Memory => Arc::new(MemoryBackend::new(settings)),
            Target::Redis { .. } => Arc::new(RedisBackend::new(settings)?),
        };
        let metrics = metrics::for_engine(deployment.as_ref());
        let backend = ObservedBackend::wrap(backend, feed.clone(), metrics);
        let runner = serve::consumer_name();
        Ok(Self {
            running: Running::new(backend.clone(), runner.clone()),
            caller_runner: format!("{}{runner}", call::CALLER_RUNNER_PREFIX),
            backend,
            definitions: Mutex::default(),
            held: Arc::default(),
            feed,
            deployment,
            metrics,
        })
    }

    pub fn feed(&self) -> &Arc<Feed> {
        &self.feed
    }

    /// The Redis this engine's functions live in; None in memory mode.
    pub fn deployment(&self) -> Option<&Arc<Deployment>> {
        self.deployment.as_ref()
    }

    pub fn metrics(&self) -> Option<&'static Metrics> {
        self.metrics
    }

    pub fn backend(&self) -> &Arc<dyn Backend> {
        &self.backend
    }

    pub fn settings(&self) -> &Settings {
        self.backend.settings()
    }

    pub async fn serve(&self, def: FunctionDef) -> Result<Served> {
        serve::serve(self.backend.clone(), self.held.clone(), def).await
    }

    /// Calls a function; calls with the same `idempotency_key` share one run and one answer.
    pub async fn call(self: &Arc<Self>, request: Request) -> Result<Value> {
        call::call(self.clone(), request).await
    }

    /// A call that may be handed back for this process to run (see `call::Outgoing`).
    pub fn outgoing(self: &Arc<Self>, request: Request) -> Outgoing {
        Outgoing::new(self.clone(), request)
    }

    /// The function's key for a call, as JS names it.
    pub fn key(scope: &str, name: &str) -> Result<FunctionKey> {
        FunctionKey::new(scope, name).map_err(|e| EngineError::InvalidArguments(e.to_string()))
    }

    /// An execution begins to run a call (the Function node's first step): `Run` unless the
    /// caller took the call back, another execution runs it, or it has its answer already.
    pub async fn start(&self, context: &CallContext) -> Result<Start> {
        context.check()?;
        if context.runner.as_deref() == Some(self.caller_runner.as_str()) {
            return Ok(Start::Run); // this process's caller runs its own call
        }
        let started = self.backend.start(context, self.running.runner()).await?;
        if started == Start::Run {
            self.running.add(context.key()?, context.entry_id.clone(), context.call_id.clone());
        }
        Ok(started)
    }

    pub async fn respond(&self, context: &CallContext, value: Value) -> Result<bool> {
        self.respond_from(context, value, None).await
    }

    /// Answers with a value, from the function's `execution` when n8n recorded one (the
    /// caller links its node to it).
    pub async fn respond_from(
        &self,
        context: &CallContext,
        value: Value,
        execution: Option<ExecutionRef>,
    ) -> Result<bool> {
        context.check()?;
        let reply = Reply { execution, ..Reply::value(value) };
        let size = serde_json::to_string(&reply).map(|j| j.len()).unwrap_or(0);
        let limit = self.settings().max_payload_bytes;
        if size > limit {
            let message = format!(
                "the value it returned is {size} bytes of JSON, over the limit of {limit} bytes (N8N_FUNCTIONS_MAX_PAYLOAD_BYTES)"
            );
            self.answer(context, &Reply::failed(message.clone())).await?;
            return Err(EngineError::PayloadTooLarge(format!(
                "The function's return value is too large: {message}. Return less data, or raise the limit on every n8n process."
            )));
        }
        self.answer(context, &reply).await
    }

    pub async fn fail(&self, context: &CallContext, message: &str) -> Result<bool> {
        self.fail_from(context, message, None).await
    }

    pub async fn fail_from(
        &self,
        context: &CallContext,
        message: &str,
        execution: Option<ExecutionRef>,
    ) -> Result<bool> {
        context.check()?;
        self.answer(context, &Reply { execution, ..Reply::failed(message) }).await
    }

    /// The answer stored for a call, if any (to tell a refused Return from Function why).
    pub async fn stored_answer(&self, context: &CallContext) -> Result<Option<Reply>> {
        context.check()?;
        self.backend.stored_answer(context).await
    }

    async fn answer(&self, context: &CallContext, reply: &Reply) -> Result<bool> {
        let stored = self.backend.answer(context, reply).await?;
        if stored {
            self.held.mark_answered(&context.call_id);
        }
        self.running.forget(&context.key()?, &context.call_id);
        Ok(stored)
    }

    pub async fn list(&self, scope: Option<&str>) -> Result<Vec<FunctionInfo>> {
        self.backend.list(scope).await
    }

    pub async fn describe(&self, scope: &str, name: &str) -> Result<Option<FunctionInfo>> {
        match FunctionKey::new(scope, name) {
            Ok(key) => self.backend.describe(&key).await,
            Err(_) => Ok(None),
        }
    }

    pub(crate) fn held(&self) -> &HeldCalls {
        &self.held
    }

    /// The runner name of this process's callers running their own calls.
    pub(crate) fn caller_runner(&self) -> &str {
        &self.caller_runner
    }

    pub(crate) fn known_definition(&self, key: &FunctionKey) -> Option<Arc<KnownDefinition>> {
        lock(&self.definitions).get(key).cloned()
    }

    pub(crate) fn remember_definition(&self, key: &FunctionKey, def: FunctionDef) -> Arc<KnownDefinition> {
        let known = Arc::new(KnownDefinition { version: def.version(), def });
        lock(&self.definitions).insert(key.clone(), known.clone());
        known
    }

    pub(crate) fn forget_definition(&self, key: &FunctionKey) {
        lock(&self.definitions).remove(key);
    }
}
