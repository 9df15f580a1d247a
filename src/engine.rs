//! One engine per connection setting per process: the backend, the runs of calls in this
//! process, and the definitions callers validated against. Clients with the same settings
//! share it, so a process holds one set of connections however many nodes use them.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex, MutexGuard};
use std::time::Duration;

use serde_json::Value;

use crate::backend::memory::MemoryBackend;
use crate::backend::redis::RedisBackend;
use crate::backend::{Backend, Start};
use crate::call::{self, Calling, Definitions, Outgoing, Request};
use crate::config::{Settings, Target};
use crate::error::{EngineError, Result};
use crate::keys::FunctionKey;
use crate::observe::dead;
use crate::observe::feed::Feed;
use crate::observe::metrics::{self, Metrics};
use crate::observe::observed::ObservedBackend;
use crate::observe::redis_feed::Deployment;
use crate::protocol::{CallContext, ExecutionRef, FunctionDef, FunctionInfo, Reply};
use crate::runs::{Ended, Runs};
use crate::serve::{self, Served};

pub struct Engine {
    backend: Arc<dyn Backend>,
    runs: Arc<Runs>,
    definitions: Arc<Definitions>,
    /// Where this engine's events go (observe/); `deployment` is its Redis view, if any.
    feed: Arc<Feed>,
    deployment: Option<Arc<Deployment>>,
    /// Where its calls are counted; None while metrics are off (observe/metrics.rs).
    metrics: Option<&'static Metrics>,
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
        Ok(Self { runs: Runs::new(backend.clone()), backend, definitions: Arc::default(), feed, deployment, metrics })
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

    /// The function's key for a call, as JS names it.
    pub fn key(scope: &str, name: &str) -> Result<FunctionKey> {
        FunctionKey::new(scope, name).map_err(|e| EngineError::InvalidArguments(e.to_string()))
    }

    pub async fn serve(&self, def: FunctionDef) -> Result<Served> {
        serve::serve(self.backend.clone(), self.runs.clone(), def).await
    }

    /// Calls a function; calls with the same `idempotency_key` share one run and one answer.
    pub async fn call(&self, request: Request) -> Result<Value> {
        call::call(self.calling(), request).await
    }

    /// A call that may be handed back for this process to run (see `call::Outgoing`).
    pub fn outgoing(&self, request: Request) -> Outgoing {
        Outgoing::new(self.calling(), request)
    }

    fn calling(&self) -> Calling {
        Calling {
            backend: self.backend.clone(),
            runs: self.runs.clone(),
            definitions: self.definitions.clone(),
            metrics: self.metrics,
        }
    }

    /// An execution begins to run the call it was started for (see `Runs::start`).
    pub async fn start(&self, context: &CallContext, execution: Option<&ExecutionRef>) -> Result<Start> {
        self.runs.start(context, execution).await
    }

    /// The execution running the call parked (see `Runs::parked`).
    pub async fn parked(&self, context: &CallContext, execution: Option<&ExecutionRef>) -> Result<bool> {
        self.runs.parked(context, execution).await
    }

    /// Answers with a value, from the function's `execution` when n8n recorded one (the
    /// caller links its node to it). False when the call had its answer already.
    pub async fn respond(&self, context: &CallContext, value: Value, execution: Option<ExecutionRef>) -> Result<bool> {
        let reply = Reply { execution, ..Reply::value(value) };
        let size = serde_json::to_string(&reply).map(|j| j.len()).unwrap_or(0);
        let limit = self.settings().max_payload_bytes;
        if size > limit {
            let message = format!(
                "the value it returned is {size} bytes of JSON, over the limit of {limit} bytes (N8N_FUNCTIONS_MAX_PAYLOAD_BYTES)"
            );
            self.runs.answer(context, &Reply::failed(message.clone())).await?;
            return Err(EngineError::PayloadTooLarge(format!(
                "The function's return value is too large: {message}. Return less data, or raise the limit on every n8n process."
            )));
        }
        self.runs.answer(context, &reply).await
    }

    /// Answers with an error the caller raises. False when the call had its answer already.
    pub async fn fail(&self, context: &CallContext, message: &str, execution: Option<ExecutionRef>) -> Result<bool> {
        self.runs.answer(context, &Reply { execution, ..Reply::failed(message) }).await
    }

    /// A run of the call ended (see `Runs::ended`); true if this answered the call.
    pub async fn finished(&self, context: &CallContext, error: Option<String>) -> Result<bool> {
        Ok(matches!(self.runs.ended(context, error).await?, Ended::Over { answered_now: true }))
    }

    /// The answer stored for a call, if any (to tell a refused Return from Function why).
    pub async fn stored_answer(&self, context: &CallContext) -> Result<Option<Reply>> {
        context.check()?;
        self.backend.stored_answer(context).await
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

    /// Sends a dead letter's call again, as a new call with a new deadline, and waits for
    /// its answer. Answered with a value, the dead letter is removed; a call that fails
    /// again keeps it.
    pub async fn retry_dead_letter(&self, key: &FunctionKey, id: &str, timeout: Duration) -> Result<Value> {
        let deployment = self.deployment.as_ref().ok_or_else(|| {
            EngineError::InvalidOptions(
                "Dead letters are kept in Redis only; this engine keeps calls in memory.".into(),
            )
        })?;
        let letter = dead::show(deployment, key, id).await?;
        let Some(items) = letter.items else {
            return Err(EngineError::InvalidArguments(format!(
                "Dead letter {id} of function '{}' holds no readable call ({}), so it cannot be sent again; drop it with purge.",
                key.as_string(),
                letter.reason
            )));
        };
        let value = self.call(Request::new(key.clone(), items, timeout)).await?;
        dead::purge(deployment, key, &[id.to_string()]).await?;
        Ok(value)
    }
}
