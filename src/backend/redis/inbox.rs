//! One Pub/Sub channel per client process where answers arrive, dispatched to the
//! waiting calls by id. One connection serves any number of calls in flight. The stored
//! reply stays the source of truth: after a reconnect every waiting call looks its
//! reply up, so a notification lost while disconnected loses nothing.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use futures_util::StreamExt;
use redis::aio::{ConnectionManager, PubSub};
use redis::{Client, RedisResult};
use tokio::sync::oneshot;

use crate::protocol::Reply;

/// The callers waiting for one call: several when callers joined an idempotent call.
struct Waiter {
    reply_key: String,
    txs: Vec<oneshot::Sender<Reply>>,
}

type Waiters = Arc<Mutex<HashMap<String, Waiter>>>;

pub struct Inbox {
    pub channel: String,
    waiters: Waiters,
}

impl Inbox {
    /// Subscribes before returning, so no answer to a call sent afterwards is missed.
    pub async fn open(client: Client, channel: String, shared: ConnectionManager) -> RedisResult<Self> {
        let pubsub = subscribe(&client, &channel).await?;
        let waiters = Waiters::default();
        tokio::spawn(listen(client, channel.clone(), pubsub, waiters.clone(), shared));
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

async fn subscribe(client: &Client, channel: &str) -> RedisResult<PubSub> {
    let mut pubsub = client.get_async_pubsub().await?;
    pubsub.subscribe(channel).await?;
    Ok(pubsub)
}

/// Runs for the life of the process: hears answers, reconnects when the connection drops.
async fn listen(client: Client, channel: String, mut pubsub: PubSub, waiters: Waiters, mut shared: ConnectionManager) {
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
        pubsub = loop {
            tokio::time::sleep(delay).await;
            match subscribe(&client, &channel).await {
                Ok(pubsub) => break pubsub,
                Err(_) => delay = (delay * 2).min(Duration::from_secs(2)),
            }
        };
        recheck(&waiters, &mut shared).await;
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

/// Looks up the stored replies of every waiting call, for answers sent while deaf.
async fn recheck(waiters: &Waiters, shared: &mut ConnectionManager) {
    let waiting: Vec<(String, String)> =
        lock(waiters).iter().map(|(id, w)| (id.clone(), w.reply_key.clone())).collect();
    for chunk in waiting.chunks(200) {
        let keys: Vec<&str> = chunk.iter().map(|(_, key)| key.as_str()).collect();
        let Ok(stored) = redis::cmd("MGET").arg(&keys).query_async::<Vec<Option<String>>>(shared).await else { return };
        for ((call_id, _), json) in chunk.iter().zip(stored) {
            if let Some(reply) = json.and_then(|j| serde_json::from_str(&j).ok()) {
                deliver(waiters, call_id, reply);
            }
        }
    }
}
