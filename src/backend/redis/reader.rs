//! The blocking reader of one consumer: `XREADGROUP ... BLOCK` on a connection of its
//! own, over the function's calls and its resumes, so it wakes the moment either is added. Cancelling unblocks it with
//! `CLIENT UNBLOCK` and still collects what the read returns, so no call is swallowed.
//! On a Redis Cluster the connection goes to the node that owns the stream's slot: the
//! read follows the MOVED answer of any other node, so it moves when the slot moves (a
//! failover, a resharding), and starts over from the nodes of the settings when its node
//! goes away.

use std::time::Duration;

use async_trait::async_trait;
use redis::aio::{ConnectionLike, MultiplexedConnection};
use redis::streams::StreamReadReply;
use redis::{Client, Value};
use tokio_util::sync::CancellationToken;

use super::connect::{self, Servers, Shared};
use crate::backend::{Reader, Reading};
use crate::error::{EngineError, Result};
use crate::keys::GROUP;

/// Redis's own timeout for one blocking read: only bounds how long a dead connection can
/// go unnoticed; a call wakes the read at once.
const BLOCK: Duration = Duration::from_secs(30);

/// Redirects followed in one read: one finds the owner; more only while slots move.
const MOST_REDIRECTS: usize = 5;

pub struct RedisReader {
    servers: Servers,
    shared: Shared,
    /// The function's calls stream and its resumes stream (one slot: one read).
    streams: [String; 2],
    consumer: String,
    address: String,
    /// The node read from: the server, or the cluster node last known to own the slot.
    node: Client,
    /// Which of the settings' nodes to start over from when `node` goes away.
    next_seed: usize,
    /// The blocking connection and its server-side client id, opened on first read.
    connection: Option<(MultiplexedConnection, i64)>,
}

impl RedisReader {
    pub fn new(servers: Servers, shared: Shared, streams: [String; 2], consumer: String, address: String) -> Self {
        let node = servers.seeds()[0].clone();
        Self { servers, shared, streams, consumer, address, node, next_seed: 1, connection: None }
    }

    async fn connection(&mut self) -> redis::RedisResult<(MultiplexedConnection, i64)> {
        if let Some(open) = &self.connection {
            return Ok(open.clone());
        }
        let mut connection = connect::blocking(&self.node).await?;
        let id: i64 = redis::cmd("CLIENT").arg("ID").query_async(&mut connection).await?;
        self.connection = Some((connection.clone(), id));
        Ok((connection, id))
    }

    /// The node is gone (or never answered): start over from the next node of the settings.
    fn next_node(&mut self) {
        let seeds = self.servers.seeds();
        self.node = seeds[self.next_seed % seeds.len()].clone();
        self.next_seed += 1;
    }

    /// One blocking read on `connection`; cancelling unblocks it and takes what it returns.
    async fn read_on(
        &self,
        mut connection: MultiplexedConnection,
        client_id: i64,
        count: usize,
        cancel: &CancellationToken,
    ) -> redis::RedisResult<Option<StreamReadReply>> {
        let mut command = redis::cmd("XREADGROUP");
        command
            .arg("GROUP")
            .arg(GROUP)
            .arg(&self.consumer)
            .arg("COUNT")
            .arg(count)
            .arg("BLOCK")
            .arg(BLOCK.as_millis() as u64)
            .arg("STREAMS")
            .arg(&self.streams)
            .arg(">")
            .arg(">");
        let read = command.query_async::<Option<StreamReadReply>>(&mut connection);
        tokio::pin!(read);
        tokio::select! {
            result = &mut read => result,
            _ = cancel.cancelled() => self.cancel(client_id, &mut read).await,
        }
    }

    /// Unblocks the read on the node it waits on.
    async fn cancel(
        &self,
        client_id: i64,
        read: &mut (impl std::future::Future<Output = redis::RedisResult<Option<StreamReadReply>>> + Unpin),
    ) -> redis::RedisResult<Option<StreamReadReply>> {
        match &self.shared {
            Shared::Server(_) => unblock(Some(self.shared.clone()), client_id, read).await,
            // The shared cluster connection would route CLIENT UNBLOCK to any node.
            Shared::Cluster(_) => unblock(connect::blocking(&self.node).await.ok(), client_id, read).await,
        }
    }
}

/// The read may not have reached Redis yet when we unblock it: repeat until it returns,
/// and give up on it (dropping the connection) after 2 s.
async fn unblock<C: ConnectionLike>(
    mut via: Option<C>,
    client_id: i64,
    read: &mut (impl std::future::Future<Output = redis::RedisResult<Option<StreamReadReply>>> + Unpin),
) -> redis::RedisResult<Option<StreamReadReply>> {
    for _ in 0..40 {
        if let Some(via) = via.as_mut() {
            let _: redis::RedisResult<Value> =
                redis::cmd("CLIENT").arg("UNBLOCK").arg(client_id).query_async(via).await;
        }
        if let Ok(done) = tokio::time::timeout(Duration::from_millis(50), &mut *read).await {
            return done;
        }
    }
    Ok(None)
}

#[async_trait]
impl Reader for RedisReader {
    async fn read(&mut self, count: usize, cancel: &CancellationToken) -> Result<Reading> {
        let mut redirects = 0;
        loop {
            if cancel.is_cancelled() {
                return Ok(Reading::default());
            }
            let result = match self.connection().await {
                Ok((connection, client_id)) => self.read_on(connection, client_id, count, cancel).await,
                Err(error) => Err(error),
            };
            let error = match result {
                Ok(reply) => return Ok(self.entries(reply)),
                Err(error) => error,
            };
            // A broken connection is replaced on the next read.
            self.connection = None;
            if let Some(owner) = error.redirect_node().and_then(|(node, _)| self.servers.node(node)) {
                if redirects < MOST_REDIRECTS {
                    redirects += 1;
                    self.node = owner;
                    continue;
                }
            }
            // NOGROUP means the stream was deleted under us: the caller re-registers.
            if error.code() == Some("NOGROUP") {
                return Err(EngineError::Internal(format!(
                    "The stream {} lost its consumer group",
                    self.streams.join(" or ")
                )));
            }
            if connect::is_connection_problem(&error) {
                self.next_node();
            }
            return Err(connect::engine_error(error, &self.address));
        }
    }
}

impl RedisReader {
    /// The calls and the resumes a read brought.
    fn entries(&self, reply: Option<StreamReadReply>) -> Reading {
        let mut reading = Reading::default();
        for stream in reply.map(|reply| reply.keys).unwrap_or_default() {
            let resumes = stream.key == self.streams[1];
            for entry in stream.ids {
                if resumes {
                    reading.resumes.extend(super::replies::resume(entry.id, &entry.map));
                } else {
                    reading.calls.push(super::replies::delivered(entry.id, entry.map.get("call"), 1));
                }
            }
        }
        reading
    }
}
