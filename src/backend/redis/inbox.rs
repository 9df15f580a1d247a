//! One Pub/Sub channel per client process where answers arrive, dispatched to the
//! waiting calls by id, with word that a call's execution parked. One connection serves
//! any number of calls in flight. The stored reply (and the parked marker) stay the source
//! of truth: after a reconnect every waiting call looks them up, so a notification lost
//! while disconnected loses nothing.
//!
//! On a Redis Cluster the channel is an ordinary one: PUBLISH reaches subscribers on every
//! node, but through the cluster bus, which adds milliseconds. So the inbox listens on every
//! node of the settings: the node that ran the answer delivers it at once, the others' copies
//! are ignored, and a node that goes away costs nothing while the others listen
//! (docs/ARCHITECTURE.md says why not sharded Pub/Sub).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use futures_util::StreamExt;
use redis::aio::PubSub;
use redis::{Client, RedisResult};
use tokio::sync::oneshot;

use super::connect::Shared;
use crate::backend::Awaited;
use crate::protocol::{ExecutionRef, Notice, Reply};

/// The callers waiting for one call: several when callers joined an idempotent call.
struct Waiter {
    reply_key: String,
    parked_key: String,
    txs: Vec<oneshot::Sender<Reply>>,
    /// Told once, when the call's execution parks.
    parked: Vec<oneshot::Sender<ExecutionRef>>,
}

type Waiters = Arc<Mutex<HashMap<String, Waiter>>>;

/// Rounds of looking up replies after a reconnect (about 8 s with the backoff).
const RECHECK_ROUNDS: usize = 12;

pub struct Inbox {
    pub channel: String,
    waiters: Waiters,
}

impl Inbox {
    /// Subscribes before returning, on one node at least, so no answer to a call sent
    /// afterwards is missed. `nodes`: where it listens, one listener per node.
    pub async fn open(nodes: Vec<Client>, channel: String, shared: Shared) -> RedisResult<Self> {
        let mut node = 0;
        let pubsub = subscribe(&nodes, &mut node, &channel).await?;
        let waiters = Waiters::default();
        for other in 1..nodes.len() {
            let listener = listen(nodes.clone(), other, channel.clone(), None, waiters.clone(), shared.clone());
            tokio::spawn(listener);
        }
        tokio::spawn(listen(nodes, node, channel.clone(), Some(pubsub), waiters.clone(), shared));
        Ok(Self { channel, waiters })
    }

    pub fn expect(&self, call_id: &str, reply_key: String, parked_key: String) -> Awaited {
        let (tx, reply) = oneshot::channel();
        let (parked_tx, parked) = oneshot::channel();
        let mut waiters = lock(&self.waiters);
        let waiter = waiters.entry(call_id.to_string()).or_insert(Waiter {
            reply_key,
            parked_key,
            txs: Vec::new(),
            parked: Vec::new(),
        });
        waiter.txs.push(tx);
        waiter.parked.push(parked_tx);
        Awaited { reply, parked }
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
/// (to the next node, on a cluster, when its own does not answer). Without `pubsub` it
/// subscribes first.
async fn listen(
    nodes: Vec<Client>,
    mut node: usize,
    channel: String,
    mut pubsub: Option<PubSub>,
    waiters: Waiters,
    shared: Shared,
) {
    loop {
        if let Some(pubsub) = pubsub.as_mut() {
            let mut messages = pubsub.on_message();
            while let Some(message) = messages.next().await {
                hear(&waiters, message.get_payload_bytes());
            }
            node += 1;
        }
        let mut delay = Duration::from_millis(50);
        pubsub = Some(loop {
            tokio::time::sleep(delay).await;
            match subscribe(&nodes, &mut node, &channel).await {
                Ok(pubsub) => break pubsub,
                Err(_) => delay = (delay * 2).min(Duration::from_secs(2)),
            }
        });
        recheck(&waiters, &shared).await;
    }
}

/// "<callId> <notice json>": read only for a call still waiting (on a cluster every node
/// delivers its copy).
fn hear(waiters: &Waiters, payload: &[u8]) {
    let Some((call_id, json)) = std::str::from_utf8(payload).ok().and_then(|text| text.split_once(' ')) else {
        return;
    };
    if !lock(waiters).contains_key(call_id) {
        return;
    }
    match serde_json::from_str(json) {
        Ok(Notice::Answer(reply)) => deliver(waiters, call_id, reply),
        Ok(Notice::Parked { parked }) => tell_parked(waiters, call_id, parked),
        Err(_) => {}
    }
}

/// Tells the callers of `call_id` that its execution parked; they keep waiting for the answer.
fn tell_parked(waiters: &Waiters, call_id: &str, execution: ExecutionRef) {
    if let Some(waiter) = lock(waiters).get_mut(call_id) {
        for tx in waiter.parked.drain(..) {
            let _ = tx.send(execution.clone());
        }
    }
}

fn deliver(waiters: &Waiters, call_id: &str, reply: Reply) {
    if let Some(waiter) = lock(waiters).remove(call_id) {
        for tx in waiter.txs {
            let _ = tx.send(reply.clone());
        }
    }
}

/// Looks up the stored replies (and parked markers) of every waiting call, for what was
/// sent while deaf. One GET each (pipelined), since on a cluster the replies of different
/// functions live on different nodes; a lookup that fails (a node still failing over) is
/// tried again for a few seconds, after which the caller's deadline still finds the stored
/// reply.
async fn recheck(waiters: &Waiters, shared: &Shared) {
    let mut waiting: Vec<(String, String, String)> =
        lock(waiters).iter().map(|(id, w)| (id.clone(), w.reply_key.clone(), w.parked_key.clone())).collect();
    let mut delay = Duration::from_millis(50);
    for _ in 0..RECHECK_ROUNDS {
        let mut failed = Vec::new();
        for chunk in waiting.chunks(200) {
            let lookups = chunk.iter().map(|(_, reply_key, parked_key)| async move {
                redis::cmd("MGET")
                    .arg(reply_key)
                    .arg(parked_key)
                    .query_async::<(Option<String>, Option<String>)>(&mut shared.clone())
                    .await
            });
            for (waiter, found) in chunk.iter().zip(futures_util::future::join_all(lookups).await) {
                match found {
                    Ok((reply, parked)) => {
                        if let Some(reply) = reply.and_then(|j| serde_json::from_str(&j).ok()) {
                            deliver(waiters, &waiter.0, reply);
                        } else if let Some(parked) = parked.and_then(|j| serde_json::from_str(&j).ok()) {
                            tell_parked(waiters, &waiter.0, parked);
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
