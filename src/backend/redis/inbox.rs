//! One Pub/Sub channel per client process where answers arrive, dispatched to the
//! waiting calls by id. One connection serves any number of calls in flight. The stored
//! reply stays the source of truth: after a reconnect every waiting call looks its
//! reply up, so a notification lost while disconnected loses nothing.
//!
//! On a Redis Cluster the channel is an ordinary one: PUBLISH reaches subscribers on every
//! node, so the inbox listens on one node of the settings and moves to the next when that
//! node goes away (docs/ARCHITECTURE.md says why not sharded Pub/Sub).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use futures_util::StreamExt;
use redis::aio::PubSub;
use redis::{Client, RedisResult};
use tokio::sync::oneshot;

use super::connect::Shared;
use crate::protocol::Reply;

/// The callers waiting for one call: several when callers joined an idempotent call.
struct Waiter {
    reply_key: String,
    txs: Vec<oneshot::Sender<Reply>>,
}

type Waiters = Arc<Mutex<HashMap<String, Waiter>>>;

/// Rounds of looking up replies after a reconnect (about 8 s with the backoff).
const RECHECK_ROUNDS: usize = 12;

pub struct Inbox {
    pub channel: String,
    waiters: Waiters,
}

impl Inbox {
    /// Subscribes before returning, so no answer to a call sent afterwards is missed.
    /// `nodes`: where it may listen, in order of preference.
    pub async fn open(nodes: Vec<Client>, channel: String, shared: Shared) -> RedisResult<Self> {
        let mut node = 0;
        let pubsub = subscribe(&nodes, &mut node, &channel).await?;
        let waiters = Waiters::default();
        tokio::spawn(listen(nodes, node, channel.clone(), pubsub, waiters.clone(), shared));
        Ok(Self { channel, waiters })
    }

    pub fn expect(&self, call_id: &str, reply_key: String) -> oneshot::Receiver<Reply> {
        let (tx, rx) = oneshot::channel();
        lock(&self.waiters).entry(call_id.to_string()).or_insert(Waiter { reply_key, txs: Vec::new() }).txs.push(tx);
        rx
    }

    /// Forgets the callers of `call_id` that stopped waiting (dropped their receiver).
    pub fn forget(&self, call_id: &str) {
        let mut waiters = lock(&self.waiters);
        if let Some(waiter) = waiters.get_mut(call_id) {
            waiter.txs.retain(|tx| !tx.is_closed());
            if waiter.txs.is_empty() {
                waiters.remove(call_id);
            }
        }
    }
}

fn lock(waiters: &Waiters) -> MutexGuard<'_, HashMap<String, Waiter>> {
    waiters.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Subscribes on the first node that answers, starting at `nodes[*node]`; `node` is left
/// at the one that did.
async fn subscribe(nodes: &[Client], node: &mut usize, channel: &str) -> RedisResult<PubSub> {
    let mut tries = nodes.len();
    loop {
        let attempt = async {
            let mut pubsub = nodes[*node % nodes.len()].get_async_pubsub().await?;
            pubsub.subscribe(channel).await?;
            Ok(pubsub)
        };
        match attempt.await {
            Ok(pubsub) => return Ok(pubsub),
            Err(error) if tries <= 1 => return Err(error),
            Err(_) => {
                tries -= 1;
                *node = (*node + 1) % nodes.len();
            }
        }
    }
}

/// Runs for the life of the process: hears answers, reconnects when the connection drops
/// (to the next node, on a cluster).
async fn listen(
    nodes: Vec<Client>,
    mut node: usize,
    channel: String,
    mut pubsub: PubSub,
    waiters: Waiters,
    shared: Shared,
) {
    loop {
        {
            let mut messages = pubsub.on_message();
            while let Some(message) = messages.next().await {
                if let Some((call_id, reply)) = parse(message.get_payload_bytes()) {
                    deliver(&waiters, call_id, reply);
                }
            }
        }
        let mut delay = Duration::from_millis(50);
        node += 1;
        pubsub = loop {
            tokio::time::sleep(delay).await;
            match subscribe(&nodes, &mut node, &channel).await {
                Ok(pubsub) => break pubsub,
                Err(_) => delay = (delay * 2).min(Duration::from_secs(2)),
            }
        };
        recheck(&waiters, &shared).await;
    }
}

fn parse(payload: &[u8]) -> Option<(&str, Reply)> {
    let text = std::str::from_utf8(payload).ok()?;
    let (call_id, json) = text.split_once(' ')?;
    Some((call_id, serde_json::from_str(json).ok()?))
}

fn deliver(waiters: &Waiters, call_id: &str, reply: Reply) {
    if let Some(waiter) = lock(waiters).remove(call_id) {
        for tx in waiter.txs {
            let _ = tx.send(reply.clone());
        }
    }
}

/// Looks up the stored replies of every waiting call, for answers sent while deaf. One GET
/// per call (pipelined), since on a cluster the replies of different functions live on
/// different nodes; a lookup that fails (a node still failing over) is tried again for a
/// few seconds, after which the caller's deadline still finds the stored reply.
async fn recheck(waiters: &Waiters, shared: &Shared) {
    let mut waiting: Vec<(String, String)> =
        lock(waiters).iter().map(|(id, w)| (id.clone(), w.reply_key.clone())).collect();
    let mut delay = Duration::from_millis(50);
    for _ in 0..RECHECK_ROUNDS {
        let mut failed = Vec::new();
        for chunk in waiting.chunks(200) {
            let lookups = chunk.iter().map(|(_, key)| async move {
                redis::cmd("GET").arg(key).query_async::<Option<String>>(&mut shared.clone()).await
            });
            for (waiter, json) in chunk.iter().zip(futures_util::future::join_all(lookups).await) {
                match json {
                    Ok(json) => {
                        if let Some(reply) = json.and_then(|j| serde_json::from_str(&j).ok()) {
                            deliver(waiters, &waiter.0, reply);
                        }
                    }
                    Err(_) => failed.push(waiter.clone()),
                }
            }
        }
        if failed.is_empty() {
            return;
        }
        waiting = failed;
        tokio::time::sleep(delay).await;
        delay = (delay * 2).min(Duration::from_secs(1));
    }
}
