//! The status of every function of a deployment, read from Redis in one round trip per
//! function: its definition, its consumers and their heartbeats, the calls in its stream
//! and how old they are, its dead letters, and what is wrong.

use redis::streams::{StreamPendingCountReply, StreamRangeReply};
use redis::AsyncCommands;
use serde_json::Value;

use super::redis_feed::Deployment;
use crate::backend::Backend;
use crate::error::Result;
use crate::keys::{FunctionKey, GROUP};
use crate::protocol::{now_ms, Call, ExecutionRef, FunctionDef, ParkedCaller};

/// Calls listed per function (the oldest); the counts cover all of them.
const CALLS_SHOWN: usize = 100;
/// As long as a silent consumer stays in a function's set (backend/redis.rs forgets it after a day).
const LOST_MARK_TTL_MS: u64 = 24 * 3600 * 1000;

#[derive(Debug)]
pub struct FunctionStatus {
    pub scope: String,
    pub name: String,
    pub workflow_id: String,
    pub workflow_name: String,
    pub node_name: String,
    /// "name: type" per parameter, "?" marking optional ones.
    pub parameters: Vec<String>,
    pub live: bool,
    pub deactivated: bool,
    pub consumers: Vec<ConsumerStatus>,
    /// Calls in the stream: not yet answered.
    pub open_calls: u64,
    /// Of those, calls a Function trigger has taken (their executions may be running).
    pub in_flight: u64,
    /// The oldest open calls, oldest first.
    pub calls: Vec<CallStatus>,
    pub dead_letters: u64,
    /// Calls whose executions parked (a Wait, an approval, a form), soonest deadline first.
    pub parked: Vec<ParkedStatus>,
    /// What needs someone's attention; empty when healthy.
    pub problems: Vec<String>,
}

#[derive(Debug)]
pub struct ConsumerStatus {
    pub name: String,
    pub last_beat: u64,
    pub live: bool,
}

#[derive(Debug)]
pub struct ParkedStatus {
    pub call_id: String,
    /// Epoch ms when its caller stops waiting.
    pub deadline: u64,
    /// Since when (epoch ms), when known.
    pub parked_at: Option<u64>,
    /// The parked execution of the function (what the call waits on).
    pub execution: Option<ExecutionRef>,
    /// The caller's execution, when the caller parked too.
    pub caller: Option<ExecutionRef>,
}

#[derive(Debug)]
pub struct CallStatus {
    pub call_id: String,
    pub entry_id: String,
    pub age_ms: u64,
    pub deadline: u64,
    /// The consumer holding it, when a Function trigger took it.
    pub held_by: Option<String>,
    pub deliveries: u64,
}

/// Every consumer of a function with its last heartbeat (epoch ms).
pub async fn consumers(deployment: &Deployment, key: &FunctionKey) -> Result<Vec<(String, u64)>> {
    let mut connection = deployment.connection().await?;
    let beats: Vec<(String, f64)> =
        connection.zrange_withscores(deployment.keys.consumers(key), 0, -1).await.map_err(|e| deployment.error(e))?;
    Ok(beats.into_iter().map(|(name, at)| (name, at as u64)).collect())
}

/// Marks `consumer`'s death as reported; true for the one process that marks it first.
pub async fn mark_lost(deployment: &Deployment, key: &FunctionKey, consumer: &str) -> Result<bool> {
    let mut connection = deployment.connection().await?;
    let marked: Option<String> = redis::cmd("SET")
        .arg(deployment.keys.lost(key, consumer))
        .arg(1)
        .arg("NX")
        .arg("PX")
        .arg(LOST_MARK_TTL_MS)
        .query_async(&mut connection)
        .await
        .map_err(|e| deployment.error(e))?;
    Ok(marked.is_some())
}

pub async fn status(backend: &dyn Backend, deployment: &Deployment) -> Result<Vec<FunctionStatus>> {
    let mut statuses = Vec::new();
    for info in backend.list(None).await? {
        let Ok(key) = FunctionKey::new(&info.def.scope, &info.def.name) else { continue };
        statuses.push(function_status(backend, deployment, &key, info.def, info.live).await?);
    }
    Ok(statuses)
}

async fn function_status(
    backend: &dyn Backend,
    deployment: &Deployment,
    key: &FunctionKey,
    def: FunctionDef,
    live: bool,
) -> Result<FunctionStatus> {
    let keys = &deployment.keys;
    let calls_key = keys.calls(key);
    let mut pipe = redis::pipe();
    pipe.cmd("ZRANGE").arg(keys.consumers(key)).arg(0).arg(-1).arg("WITHSCORES");
    pipe.cmd("XLEN").arg(&calls_key);
    pipe.cmd("XRANGE").arg(&calls_key).arg("-").arg("+").arg("COUNT").arg(CALLS_SHOWN);
    pipe.cmd("XLEN").arg(keys.dead_letters(key));
    pipe.cmd("HEXISTS").arg(keys.definition(key)).arg("deactivatedAt");
    pipe.cmd("ZRANGE").arg(keys.parked_calls(key)).arg(0).arg(CALLS_SHOWN - 1).arg("WITHSCORES");
    let mut connection = deployment.connection().await?;
    let replies: Vec<redis::Value> = pipe.query_async(&mut connection).await.map_err(|e| deployment.error(e))?;
    let value = |i: usize| replies.get(i).cloned().unwrap_or(redis::Value::Nil);
    let beats: Vec<(String, f64)> = redis::from_redis_value(value(0)).unwrap_or_default();
    let open_calls: u64 = redis::from_redis_value(value(1)).unwrap_or(0);
    let entries: StreamRangeReply = redis::from_redis_value(value(2)).unwrap_or_default();
    let dead_letters: u64 = redis::from_redis_value(value(3)).unwrap_or(0);
    let deactivated: bool = redis::from_redis_value(value(4)).unwrap_or(false);
    let parked_calls: Vec<(String, f64)> = redis::from_redis_value(value(5)).unwrap_or_default();
    let (in_flight, pending) = held_calls(&mut connection, &calls_key).await;
    let parked = parked_status(&mut connection, deployment, key, parked_calls).await;

    let now = now_ms();
    let stale_before = now.saturating_sub(backend.settings().stale_after().as_millis() as u64);
    let consumers: Vec<ConsumerStatus> = beats
        .into_iter()
        .map(|(name, at)| ConsumerStatus { live: at as u64 >= stale_before, name, last_beat: at as u64 })
        .collect();
    let calls: Vec<CallStatus> = entries
        .ids
        .iter()
        .map(|entry| {
            let call = entry.get::<String>("call").and_then(|json| serde_json::from_str::<Call>(&json).ok());
            let held = pending.ids.iter().find(|p| p.id == entry.id);
            let sent_at = entry.id.split('-').next().and_then(|ms| ms.parse::<u64>().ok()).unwrap_or(now);
            CallStatus {
                call_id: call.as_ref().map(|c| c.id.clone()).unwrap_or_default(),
                entry_id: entry.id.clone(),
                age_ms: now.saturating_sub(sent_at),
                deadline: call.as_ref().map_or(0, |c| c.deadline),
                held_by: held.map(|p| p.consumer.clone()),
                deliveries: held.map_or(0, |p| p.times_delivered as u64),
            }
        })
        .collect();

    let mut problems = Vec::new();
    if open_calls > 0 && !consumers.iter().any(|c| c.live) {
        problems.push(format!(
            "{open_calls} call{} waiting and no live Function trigger: activate workflow {} or start n8n's main process",
            plural(open_calls),
            crate::protocol::workflow_label(&def.workflow_name, &def.workflow_id)
        ));
    }
    let overdue = calls.iter().filter(|c| c.deadline > 0 && c.deadline < now).count() as u64;
    if overdue > 0 {
        problems.push(format!(
            "{overdue} call{} past {} deadline still in the stream",
            plural(overdue),
            if overdue == 1 { "its" } else { "their" }
        ));
    }
    Ok(FunctionStatus {
        scope: def.scope.clone(),
        name: def.name.clone(),
        workflow_id: def.workflow_id.clone(),
        workflow_name: def.workflow_name.clone(),
        node_name: def.node_name.clone(),
        parameters: def
            .parameters
            .iter()
            .map(|p| format!("{}{}: {}", p.name, if p.required { "" } else { "?" }, p.kind.name()))
            .collect(),
        live,
        deactivated,
        consumers,
        open_calls,
        in_flight,
        calls,
        dead_letters,
        parked,
        problems,
    })
}

/// What each parked call waits on (its parked execution) and who waits for it (a caller that
/// parked too): one round trip for all of them.
async fn parked_status(
    connection: &mut crate::backend::redis::connect::Shared,
    deployment: &Deployment,
    key: &FunctionKey,
    calls: Vec<(String, f64)>,
) -> Vec<ParkedStatus> {
    if calls.is_empty() {
        return Vec::new();
    }
    let mut pipe = redis::pipe();
    for (call_id, _) in &calls {
        pipe.cmd("GET").arg(deployment.keys.parked(key, call_id));
        pipe.cmd("GET").arg(deployment.keys.caller(key, call_id));
    }
    let found: Vec<Option<String>> = pipe.query_async(connection).await.unwrap_or_default();
    calls
        .into_iter()
        .enumerate()
        .map(|(index, (call_id, deadline))| {
            let marker = found.get(2 * index).cloned().flatten().and_then(|j| serde_json::from_str::<Value>(&j).ok());
            let caller =
                found.get(2 * index + 1).cloned().flatten().and_then(|j| serde_json::from_str::<ParkedCaller>(&j).ok());
            ParkedStatus {
                call_id,
                deadline: deadline as u64,
                parked_at: marker.as_ref().and_then(|m| m["parkedAt"].as_u64()),
                execution: marker
                    .and_then(|m| serde_json::from_value::<ExecutionRef>(m).ok())
                    .filter(|e| !e.execution_id.is_empty()),
                caller: caller.map(|caller| caller.execution),
            }
        })
        .collect()
}

/// How many of the stream's calls consumers hold, and the oldest of them. A stream whose
/// group is gone answers XPENDING with an error: nobody holds anything then.
async fn held_calls(
    connection: &mut crate::backend::redis::connect::Shared,
    calls_key: &str,
) -> (u64, StreamPendingCountReply) {
    let summary: redis::RedisResult<(u64, redis::Value, redis::Value, redis::Value)> =
        redis::cmd("XPENDING").arg(calls_key).arg(GROUP).query_async(connection).await;
    let count = summary.map(|(count, ..)| count).unwrap_or(0);
    if count == 0 {
        return (0, StreamPendingCountReply::default());
    }
    let held = connection.xpending_count(calls_key, GROUP, "-", "+", CALLS_SHOWN).await.unwrap_or_default();
    (count, held)
}

fn plural(count: u64) -> &'static str {
    if count == 1 {
        ""
    } else {
        "s"
    }
}
