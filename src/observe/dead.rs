//! A function's dead letters (`fn:{scope/name}:dead`): calls that could not be run, or
//! failed every attempt. Listed, shown, or dropped (`Engine::retry_dead_letter` sends one
//! again).

use redis::streams::{StreamId, StreamRangeReply};
use redis::AsyncCommands;

use super::redis_feed::Deployment;
use crate::error::{EngineError, Result};
use crate::keys::FunctionKey;
use crate::protocol::{Args, Call};

#[derive(Debug)]
pub struct DeadLetter {
    /// The dead letter's own stream id.
    pub id: String,
    /// Epoch ms when it was written.
    pub at: u64,
    /// Why the call could not be answered by the function.
    pub reason: String,
    pub call_id: Option<String>,
    /// The call's arguments, one set per item; only when shown, not when listed.
    pub items: Option<Vec<Args>>,
}

fn read(entry: &StreamId, with_items: bool) -> DeadLetter {
    let call = entry.get::<String>("call").and_then(|json| serde_json::from_str::<Call>(&json).ok());
    DeadLetter {
        id: entry.id.clone(),
        at: entry.id.split('-').next().and_then(|ms| ms.parse().ok()).unwrap_or(0),
        reason: entry.get("reason").unwrap_or_default(),
        call_id: call.as_ref().map(|c| c.id.clone()),
        items: call.filter(|_| with_items).map(|c| c.items),
    }
}

/// The oldest `count` dead letters, oldest first.
pub async fn list(deployment: &Deployment, key: &FunctionKey, count: usize) -> Result<Vec<DeadLetter>> {
    let mut connection = deployment.connection().await?;
    let entries: StreamRangeReply = connection
        .xrange_count(deployment.keys.dead_letters(key), "-", "+", count)
        .await
        .map_err(|e| deployment.error(e))?;
    Ok(entries.ids.iter().map(|entry| read(entry, false)).collect())
}

/// One dead letter with its call's arguments.
pub async fn show(deployment: &Deployment, key: &FunctionKey, id: &str) -> Result<DeadLetter> {
    let mut connection = deployment.connection().await?;
    let entries: StreamRangeReply = connection
        .xrange(deployment.keys.dead_letters(key), id, id)
        .await
        .map_err(|e| bad_id(deployment, key, id, e))?;
    entries.ids.first().map(|entry| read(entry, true)).ok_or_else(|| not_found(key, id))
}

/// Drops the given dead letters, or all of the function's when `ids` is empty; returns how many.
pub async fn purge(deployment: &Deployment, key: &FunctionKey, ids: &[String]) -> Result<u64> {
    let mut connection = deployment.connection().await?;
    let stream = deployment.keys.dead_letters(key);
    if ids.is_empty() {
        let (count, _): (u64, u64) = redis::pipe()
            .cmd("XLEN")
            .arg(&stream)
            .cmd("DEL")
            .arg(&stream)
            .atomic()
            .query_async(&mut connection)
            .await
            .map_err(|e| deployment.error(e))?;
        return Ok(count);
    }
    connection.xdel(&stream, ids).await.map_err(|e| bad_id(deployment, key, &ids.join(", "), e))
}

fn not_found(key: &FunctionKey, id: &str) -> EngineError {
    EngineError::InvalidArguments(format!(
        "Function '{}' has no dead letter {id}: list them with `dead list {}`.",
        key.as_string(),
        key.as_string()
    ))
}

/// Redis refuses ids that are not stream ids ("ERR Invalid stream ID").
fn bad_id(deployment: &Deployment, key: &FunctionKey, id: &str, error: redis::RedisError) -> EngineError {
    if error.code() == Some("ERR") {
        return EngineError::InvalidArguments(format!(
            "'{id}' is not a dead letter id (they look like 1764590000000-0): list them with `dead list {}`.",
            key.as_string()
        ));
    }
    deployment.error(error)
}
