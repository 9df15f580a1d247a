//! The blocking reader of one consumer: `XREADGROUP ... BLOCK` on a connection of its
//! own, so it wakes the moment a call is added. Cancelling unblocks it with
//! `CLIENT UNBLOCK` and still collects what the read returns, so no call is swallowed.

use std::time::Duration;

use async_trait::async_trait;
use redis::aio::{ConnectionManager, MultiplexedConnection};
use redis::streams::StreamReadReply;
use redis::{Client, Value};
use tokio_util::sync::CancellationToken;

use super::connect;
use crate::backend::{Delivered, Reader};
use crate::error::{EngineError, Result};
use crate::keys::GROUP;

/// Redis's own timeout for one blocking read: only bounds how long a dead connection can
/// go unnoticed; a call wakes the read at once.
const BLOCK: Duration = Duration::from_secs(30);

pub struct RedisReader {
    pub client: Client,
    pub shared: ConnectionManager,
    pub stream: String,
    pub consumer: String,
    pub address: String,
    /// The blocking connection and its server-side client id, opened on first read.
    pub connection: Option<(MultiplexedConnection, i64)>,
}

impl RedisReader {
    async fn connection(&mut self) -> Result<(MultiplexedConnection, i64)> {
        if let Some(open) = &self.connection {
            return Ok(open.clone());
        }
        let mut connection =
            connect::blocking(&self.client).await.map_err(|e| connect::engine_error(e, &self.address))?;
        let id: i64 = redis::cmd("CLIENT")
            .arg("ID")
            .query_async(&mut connection)
            .await
            .map_err(|e| connect::engine_error(e, &self.address))?;
        self.connection = Some((connection.clone(), id));
        Ok((connection, id))
    }
}

#[async_trait]
impl Reader for RedisReader {
    async fn read(&mut self, count: usize, cancel: &CancellationToken) -> Result<Vec<Delivered>> {
        if cancel.is_cancelled() {
            return Ok(Vec::new());
        }
        let (mut connection, client_id) = self.connection().await?;
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
            .arg(&self.stream)
            .arg(">");
        let read = command.query_async::<Option<StreamReadReply>>(&mut connection);
        tokio::pin!(read);
        let result = tokio::select! {
            result = &mut read => result,
            _ = cancel.cancelled() => {
                // The read may not have reached Redis yet when we unblock it: repeat until
                // it returns, and give up on it (dropping the connection) after 2 s.
                let mut shared = self.shared.clone();
                let mut result = Ok(None);
                for _ in 0..40 {
                    let _: redis::RedisResult<Value> = redis::cmd("CLIENT").arg("UNBLOCK").arg(client_id).query_async(&mut shared).await;
                    if let Ok(done) = tokio::time::timeout(Duration::from_millis(50), &mut read).await {
                        result = done;
                        break;
                    }
                }
                result
            }
        };
        match result {
            Ok(reply) => Ok(entries(reply)),
            Err(error) => {
                // A broken connection is replaced on the next read; NOGROUP means the
                // stream was deleted under us: the caller re-registers.
                self.connection = None;
                if error.code() == Some("NOGROUP") {
                    return Err(EngineError::Internal(format!(
                        "The calls stream {} lost its consumer group",
                        self.stream
                    )));
                }
                Err(connect::engine_error(error, &self.address))
            }
        }
    }
}

fn entries(reply: Option<StreamReadReply>) -> Vec<Delivered> {
    let Some(reply) = reply else { return Vec::new() };
    reply
        .keys
        .into_iter()
        .flat_map(|key| key.ids)
        .map(|entry| super::delivered(entry.id, entry.map.get("call"), 1))
        .collect()
}
