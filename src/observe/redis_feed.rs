//! The event feed on Redis: one capped stream per deployment (`{prefix}events`). Each entry
//! holds the events of one write (field `e`, a JSON array): a writer task gathers what a
//! process recorded within `GATHER` of its first event (and while its previous write was on
//! the wire) and sends it as one `XADD`, so a busy process adds at most a few hundred
//! commands a second to Redis, however many calls it makes. Watchers follow the stream with
//! `XREAD BLOCK` on a connection of their own: nothing is polled.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use redis::aio::MultiplexedConnection;
use redis::streams::{StreamReadOptions, StreamReadReply};
use redis::{AsyncCommands, Client};
use tokio::sync::{mpsc, OnceCell};
use tokio_util::sync::CancellationToken;

use super::event::{Event, EventBatch};
use crate::backend::redis::connect;
use crate::config::Settings;
use crate::error::{EngineError, Result};
use crate::keys::Keys;

/// Events waiting for the writer; past this, new events are dropped rather than held.
const QUEUE_CAPACITY: usize = 10_000;
/// Most events in one stream entry.
const BATCH: usize = 512;
/// How long the writer gathers events before it writes: what a watcher waits at most, beyond
/// the round trips.
const GATHER: Duration = Duration::from_millis(20);
/// A watcher's blocking read returns after this long without events, so a connection that
/// died silently is noticed; it sends nothing else.
const WATCH_BLOCK_MS: usize = 10_000;

/// One deployment's keys on its Redis (one server or a cluster), for the feed, status and
/// dead letters.
pub struct Deployment {
    servers: connect::Servers,
    pub keys: Keys,
    pub address: String,
    shared: OnceCell<connect::Shared>,
}

impl Deployment {
    /// No I/O. None in memory mode.
    pub fn new(settings: &Settings) -> Result<Option<Arc<Self>>> {
        let crate::config::Target::Redis { urls, cluster, .. } = &settings.target else { return Ok(None) };
        let address = settings.address();
        let servers = connect::Servers::open(urls, *cluster, &address, settings.tls_ca_file.as_deref())?;
        Ok(Some(Arc::new(Self { servers, keys: Keys::new(&settings.key_prefix), address, shared: OnceCell::new() })))
    }

    pub fn error(&self, error: redis::RedisError) -> EngineError {
        connect::engine_error(error, &self.address)
    }

    /// The deployment's auto-reconnecting connection for observing (not the calls' own);
    /// on a cluster it routes each command to the node of its key's slot.
    pub async fn connection(&self) -> Result<connect::Shared> {
        self.shared.get_or_try_init(|| self.servers.shared()).await.cloned().map_err(|e| self.error(e))
    }
}

pub struct RedisWriter {
    deployment: Arc<Deployment>,
    max_len: usize,
    /// Started on the first event, inside the engine's runtime.
    queue: OnceLock<mpsc::Sender<Event>>,
}

impl RedisWriter {
    pub fn new(deployment: Arc<Deployment>, max_len: usize) -> Self {
        Self { deployment, max_len, queue: OnceLock::new() }
    }

    pub fn push(&self, event: Event) {
        let queue = self.queue.get_or_init(|| {
            let (sender, receiver) = mpsc::channel(QUEUE_CAPACITY);
            if let Ok(runtime) = tokio::runtime::Handle::try_current() {
                runtime.spawn(write(self.deployment.clone(), self.max_len, receiver));
            }
            sender
        });
        // A full queue (Redis down or slow) drops the event: calls never wait for the feed.
        let _ = queue.try_send(event);
    }
}

async fn write(deployment: Arc<Deployment>, max_len: usize, mut queue: mpsc::Receiver<Event>) {
    let key = deployment.keys.events();
    let mut batch = Vec::with_capacity(BATCH);
    // The stream is capped by entries and an entry holds a batch: the cap in entries follows
    // the batches written so far, so the stream keeps about `max_len` events.
    let (mut written, mut entries) = (0usize, 0usize);
    while queue.recv_many(&mut batch, BATCH).await > 0 {
        tokio::time::sleep(GATHER).await;
        while batch.len() < BATCH {
            match queue.try_recv() {
                Ok(event) => batch.push(event),
                Err(_) => break,
            }
        }
        let json = serde_json::to_string(&batch);
        written += batch.len();
        entries += 1;
        batch.clear();
        let Ok(json) = json else { continue };
        let Ok(mut connection) = deployment.connection().await else { continue };
        let cap = (max_len * entries / written).max(1);
        let mut command = redis::cmd("XADD");
        command.arg(&key).arg("MAXLEN").arg("~").arg(cap).arg("*").arg("e").arg(json);
        // Lost while Redis is out: the feed reports what it can, the calls' own keys are the truth.
        let _ = command.query_async::<redis::Value>(&mut connection).await;
    }
}

pub struct RedisWatcher {
    deployment: Arc<Deployment>,
    /// Stream id read up to.
    cursor: String,
    /// The node read from: the server, or the cluster node that owns the feed's slot.
    node: Client,
    connection: Option<MultiplexedConnection>,
}

impl RedisWatcher {
    /// From now on: after the newest entry now (rather than XREAD's "$", which would skip
    /// what is written between two reads); or after `from`.
    pub async fn new(deployment: Arc<Deployment>, from: Option<String>) -> Result<Self> {
        let cursor = match from {
            Some(cursor) => cursor,
            None => newest_id(&deployment).await?,
        };
        let node = deployment.servers.seeds()[0].clone();
        Ok(Self { deployment, cursor, node, connection: None })
    }

    pub async fn next(&mut self, cancel: &CancellationToken) -> Result<EventBatch> {
        loop {
            if cancel.is_cancelled() {
                return Ok(EventBatch { events: Vec::new(), cursor: self.cursor.clone() });
            }
            let mut connection = match self.connection.take() {
                Some(connection) => connection,
                None => connect::blocking(&self.node).await.map_err(|e| self.deployment.error(e))?,
            };
            let options = StreamReadOptions::default().block(WATCH_BLOCK_MS).count(BATCH);
            let (keys, cursors) = ([self.deployment.keys.events()], [self.cursor.clone()]);
            let read = tokio::select! {
                // Dropping the connection ends the read in Redis too.
                _ = cancel.cancelled() => return Ok(EventBatch { events: Vec::new(), cursor: self.cursor.clone() }),
                read = connection.xread_options::<_, _, Option<StreamReadReply>>(&keys, &cursors, &options) => read,
            };
            // On a cluster, another node names the one that owns the feed's slot: read there.
            let moved_to = read
                .as_ref()
                .err()
                .and_then(|e| e.redirect_node())
                .and_then(|(addr, _slot)| self.deployment.servers.node(addr));
            if let Some(node) = moved_to {
                self.node = node;
                continue;
            }
            let reply = read.map_err(|e| self.deployment.error(e))?;
            self.connection = Some(connection);
            let mut events = Vec::new();
            for entry in reply.into_iter().flat_map(|r| r.keys).flat_map(|k| k.ids) {
                self.cursor = entry.id.clone();
                if let Some(json) = entry.get::<String>("e") {
                    events.extend(serde_json::from_str::<Vec<Event>>(&json).unwrap_or_default());
                }
            }
            if !events.is_empty() {
                return Ok(EventBatch { events, cursor: self.cursor.clone() });
            }
        }
    }
}

async fn newest_id(deployment: &Deployment) -> Result<String> {
    let mut connection = deployment.connection().await?;
    let newest: redis::streams::StreamRangeReply =
        connection.xrevrange_count(deployment.keys.events(), "+", "-", 1).await.map_err(|e| deployment.error(e))?;
    Ok(newest.ids.first().map_or_else(|| "0-0".to_string(), |entry| entry.id.clone()))
}
