//! The event feed of one engine: `emit` never waits and never fails (a call must not
//! slow down or break because someone watches it); watchers block until events come.

use std::sync::Arc;

use tokio_util::sync::CancellationToken;

use super::event::{Event, EventBatch};
use super::memory_feed::{MemoryFeed, MemoryWatcher};
use super::redis_feed::{Deployment, RedisWatcher, RedisWriter};
use crate::config::{Settings, Target};
use crate::error::{EngineError, Result};

pub enum Feed {
    /// N8N_FUNCTIONS_EVENTS_MAX_LEN=0.
    Off,
    /// Regular mode: the feed lives in this process.
    Memory(MemoryFeed),
    /// Queue mode: a capped stream per deployment, written in batches by a task of its own.
    Redis { deployment: Arc<Deployment>, writer: RedisWriter },
}

impl Feed {
    /// No I/O.
    pub fn new(settings: &Settings, deployment: Option<Arc<Deployment>>) -> Self {
        match (&settings.target, deployment) {
            _ if settings.events_max_len == 0 => Self::Off,
            (Target::Redis { .. }, Some(deployment)) => {
                let writer = RedisWriter::new(deployment.clone(), settings.events_max_len);
                Self::Redis { deployment, writer }
            }
            _ => Self::Memory(MemoryFeed::new(settings.events_max_len)),
        }
    }

    pub fn is_on(&self) -> bool {
        !matches!(self, Self::Off)
    }

    pub fn emit(&self, event: Event) {
        match self {
            Self::Off => {}
            Self::Memory(feed) => feed.push(event),
            Self::Redis { writer, .. } => writer.push(event),
        }
    }

    /// Follows the feed from now on (`from`: a cursor of an earlier batch, to read on from there).
    pub async fn watch(&self, from: Option<String>) -> Result<Watcher> {
        match self {
            Self::Off => Err(EngineError::InvalidOptions(
                "The event feed is off (N8N_FUNCTIONS_EVENTS_MAX_LEN=0): unset it, or set it above 0, on the n8n processes to record events.".into(),
            )),
            Self::Memory(feed) => Ok(Watcher::Memory(feed.watch(from))),
            Self::Redis { deployment, .. } => Ok(Watcher::Redis(Box::new(RedisWatcher::new(deployment.clone(), from).await?))),
        }
    }
}

pub enum Watcher {
    Memory(MemoryWatcher),
    Redis(Box<RedisWatcher>),
}

impl Watcher {
    /// Waits for the next events (at least one); an empty batch once `cancel` fires.
    pub async fn next(&mut self, cancel: &CancellationToken) -> Result<EventBatch> {
        match self {
            Self::Memory(watcher) => Ok(watcher.next(cancel).await),
            Self::Redis(watcher) => watcher.next(cancel).await,
        }
    }
}
