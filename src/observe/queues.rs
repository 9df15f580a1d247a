//! The queue gauges of every function of a deployment, read from Redis when n8n is scraped:
//! the calls in its stream, how long the oldest has waited, its dead letters. Two round
//! trips however many functions there are (the registry, then one pipeline per function,
//! all sent at once), bounded by `READ_TIMEOUT`, and kept for `FRESH_FOR`, so scrapes cost
//! Redis at most one read per few seconds per process.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock};
use std::time::{Duration, Instant};

use futures_util::future::join_all;
use redis::streams::StreamRangeReply;

use super::metrics::Metrics;
use super::redis_feed::Deployment;
use crate::error::Result;
use crate::keys::FunctionKey;
use crate::protocol::now_ms;

/// A read this recent is shown again rather than made anew.
const FRESH_FOR: Duration = Duration::from_secs(5);
/// A scrape never waits longer than this for Redis; the gauges are left out then.
const READ_TIMEOUT: Duration = Duration::from_secs(2);

/// One function's queue, as Redis holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueGauges {
    /// "scope/name".
    pub function: String,
    /// Calls sent and not answered yet: waiting for an execution, or running in one.
    pub open_calls: u64,
    /// How long ago the oldest of them was sent (0 with none).
    pub oldest_age_ms: u64,
    pub dead_letters: u64,
}

/// A read, and when it was made.
type Read = (Instant, Arc<Vec<QueueGauges>>);

static LAST_READ: LazyLock<tokio::sync::Mutex<Option<Read>>> = LazyLock::new(Default::default);

/// The queues of every function of the deployments metrics know, fresh within `FRESH_FOR`.
/// A deployment that cannot be read in time is left out (its gauges are absent, not zero).
pub async fn gauges(metrics: &Metrics) -> Arc<Vec<QueueGauges>> {
    let mut last = LAST_READ.lock().await; // concurrent scrapes share one read
    if let Some((_, gauges)) = last.as_ref().filter(|(at, _)| at.elapsed() < FRESH_FOR) {
        return gauges.clone();
    }
    let reads = metrics.deployments().into_iter().map(|deployment| async move {
        tokio::time::timeout(READ_TIMEOUT, read(&deployment)).await.ok().and_then(|read| read.ok())
    });
    let mut merged: HashMap<String, QueueGauges> = HashMap::new();
    // Engines of one Redis under two settings see the same queues: the larger reading wins.
    for gauges in join_all(reads).await.into_iter().flatten().flatten() {
        match merged.get_mut(&gauges.function) {
            Some(seen) => {
                seen.open_calls = seen.open_calls.max(gauges.open_calls);
                seen.oldest_age_ms = seen.oldest_age_ms.max(gauges.oldest_age_ms);
                seen.dead_letters = seen.dead_letters.max(gauges.dead_letters);
            }
            None => {
                merged.insert(gauges.function.clone(), gauges);
            }
        }
    }
    let mut gauges: Vec<QueueGauges> = merged.into_values().collect();
    gauges.sort_by(|a, b| a.function.cmp(&b.function));
    let gauges = Arc::new(gauges);
    *last = Some((Instant::now(), gauges.clone()));
    gauges
}

/// Every registered function's queue in one deployment.
pub async fn read(deployment: &Deployment) -> Result<Vec<QueueGauges>> {
    let keys = &deployment.keys;
    let connection = deployment.connection().await?;
    let names: Vec<String> = redis::cmd("HKEYS")
        .arg(keys.registry())
        .query_async(&mut connection.clone())
        .await
        .map_err(|e| deployment.error(e))?;
    let functions: Vec<FunctionKey> = names.iter().filter_map(|name| FunctionKey::parse(name)).collect();
    // One pipeline per function: its keys share a slot, so each goes whole to its node.
    let reads = functions.iter().map(|key| {
        let mut connection = connection.clone();
        let mut pipe = redis::pipe();
        pipe.cmd("XLEN").arg(keys.calls(key));
        pipe.cmd("XRANGE").arg(keys.calls(key)).arg("-").arg("+").arg("COUNT").arg(1);
        pipe.cmd("XLEN").arg(keys.dead_letters(key));
        async move { pipe.query_async::<(u64, StreamRangeReply, u64)>(&mut connection).await }
    });
    let now = now_ms();
    let mut gauges = Vec::with_capacity(functions.len());
    for (key, read) in functions.iter().zip(join_all(reads).await) {
        let (open_calls, oldest, dead_letters) = read.map_err(|e| deployment.error(e))?;
        let sent_at = oldest.ids.first().and_then(|entry| entry.id.split('-').next()?.parse::<u64>().ok());
        gauges.push(QueueGauges {
            function: key.as_string(),
            open_calls,
            oldest_age_ms: sent_at.map_or(0, |at| now.saturating_sub(at)),
            dead_letters,
        });
    }
    Ok(gauges)
}
