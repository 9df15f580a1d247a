//! The JS face of `observe/`: status, the event feed and dead letters, for the
//! `n8n-functions` command-line tool (and anything else that watches functions).

use std::sync::Arc;
use std::time::Duration;

use napi::bindgen_prelude::PromiseRaw;
use napi::Env;
use napi_derive::napi;
use serde_json::Value;
use tokio::sync::Mutex;
use tokio_util::sync::CancellationToken;

use super::client::FunctionsClient;
use super::errors::{Code, IntoJs};
use super::observe_types::{DeadLetter, EventBatch, FunctionStatus};
use super::promises;
use crate::config;
use crate::engine::Engine;
use crate::error::{EngineError, Result};
use crate::observe::feed::Watcher;
use crate::observe::redis_feed::Deployment;
use crate::observe::{dead, status};

/// Status and dead letters live in Redis; regular mode keeps everything inside n8n's process.
fn deployment(engine: &Engine) -> Result<&Arc<Deployment>> {
    engine.deployment().ok_or_else(|| {
        EngineError::InvalidOptions(
            "No Redis is configured, so functions live in memory inside one n8n process (regular mode), where nothing outside it can see them. Set N8N_FUNCTIONS_REDIS_URL (or EXECUTIONS_MODE=queue with n8n's QUEUE_BULL_REDIS_* settings) as the n8n processes have it.".into(),
        )
    })
}

#[napi]
impl FunctionsClient {
    /// Every registered function with its consumers, open calls, dead letters and `problems`
    /// (empty when healthy). Redis only.
    #[napi]
    pub fn status<'env>(&self, env: &'env Env) -> napi::Result<PromiseRaw<'env, Vec<FunctionStatus>>, Code> {
        let engine = self.engine().clone();
        promises::promise(env, async move {
            let statuses = status::status(engine.backend().as_ref(), deployment(&engine).js()?).await.js()?;
            Ok(statuses.into_iter().map(Into::into).collect())
        })
    }

    /// Follows the event feed from now on, or from `from` (a batch's `cursor`).
    #[napi]
    pub fn watch<'env>(
        &self,
        env: &'env Env,
        from: Option<String>,
    ) -> napi::Result<PromiseRaw<'env, EventWatcher>, Code> {
        let engine = self.engine().clone();
        promises::promise(env, async move {
            let watcher = engine.feed().watch(from).await.js()?;
            Ok(EventWatcher { watcher: Arc::new(Mutex::new(watcher)), cancel: CancellationToken::new() })
        })
    }

    /// The function's oldest `count` (default 100) dead letters, without their arguments.
    #[napi]
    pub fn dead_letters<'env>(
        &self,
        env: &'env Env,
        scope: String,
        name: String,
        count: Option<u32>,
    ) -> napi::Result<PromiseRaw<'env, Vec<DeadLetter>>, Code> {
        let engine = self.engine().clone();
        promises::promise(env, async move {
            let key = Engine::key(&scope, &name).js()?;
            let letters = dead::list(deployment(&engine).js()?, &key, count.unwrap_or(100) as usize).await.js()?;
            Ok(letters.into_iter().map(Into::into).collect())
        })
    }

    /// One dead letter, with its call's arguments.
    #[napi]
    pub fn dead_letter<'env>(
        &self,
        env: &'env Env,
        scope: String,
        name: String,
        id: String,
    ) -> napi::Result<PromiseRaw<'env, DeadLetter>, Code> {
        let engine = self.engine().clone();
        promises::promise(env, async move {
            let key = Engine::key(&scope, &name).js()?;
            Ok(dead::show(deployment(&engine).js()?, &key, &id).await.js()?.into())
        })
    }

    /// Sends a dead letter's call again and resolves with the function's value; then the
    /// dead letter is gone. A call that fails again rejects and keeps it.
    #[napi]
    pub fn retry_dead_letter<'env>(
        &self,
        env: &'env Env,
        scope: String,
        name: String,
        id: String,
        timeout_ms: Option<u32>,
    ) -> napi::Result<PromiseRaw<'env, Value>, Code> {
        let engine = self.engine().clone();
        let timeout = timeout_ms.map_or(config::DEFAULT_TIMEOUT, |ms| Duration::from_millis(ms.into()));
        promises::promise(env, async move {
            let key = Engine::key(&scope, &name).js()?;
            deployment(&engine).js()?;
            engine.retry_dead_letter(&key, &id, timeout).await.js()
        })
    }

    /// Drops the given dead letters, or all of the function's; resolves with how many.
    #[napi]
    pub fn purge_dead_letters<'env>(
        &self,
        env: &'env Env,
        scope: String,
        name: String,
        ids: Option<Vec<String>>,
    ) -> napi::Result<PromiseRaw<'env, u32>, Code> {
        let engine = self.engine().clone();
        promises::promise(env, async move {
            let key = Engine::key(&scope, &name).js()?;
            let purged = dead::purge(deployment(&engine).js()?, &key, &ids.unwrap_or_default()).await.js()?;
            Ok(purged as u32)
        })
    }
}

/// A reader of the event feed; each `next()` blocks until events come.
#[napi]
pub struct EventWatcher {
    watcher: Arc<Mutex<Watcher>>,
    cancel: CancellationToken,
}

#[napi]
impl EventWatcher {
    /// Resolves with the next events (at least one) and the cursor to read on from;
    /// with no events once closed.
    #[napi]
    pub fn next<'env>(&self, env: &'env Env) -> napi::Result<PromiseRaw<'env, EventBatch>, Code> {
        let (watcher, cancel) = (self.watcher.clone(), self.cancel.clone());
        promises::promise(env, async move {
            let mut watcher = watcher.lock().await;
            Ok(watcher.next(&cancel).await.js()?.into())
        })
    }

    /// Stops watching (idempotent): a pending `next()` resolves with no events.
    #[napi]
    pub fn close(&self) {
        self.cancel.cancel();
    }
}
