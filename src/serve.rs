//! The consumer of one served function: reads its calls as they arrive, beats to show
//! it is alive, takes over calls of dead consumers, and hands calls to JS through
//! `next()`. `close()` stops it at once and gives back what it took but never started.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::access;
use crate::backend::{Backend, Delivered, Reader};
use crate::config::{Settings, Target};
use crate::error::Result;
use crate::held::{HeldCalls, Released};
use crate::keys::FunctionKey;
use crate::params;
use crate::protocol::{now_ms, Args, Call, CallContext, Caller, FunctionDef, Reply, PROTOCOL_VERSION};

/// Calls read per round trip.
const READ_COUNT: usize = 64;
/// Calls waiting for JS to take them; beyond this the consumer stops reading and leaves
/// calls in Redis for other consumers.
const HANDOFF_CAPACITY: usize = 1024;

pub const NO_RETURN: &str = "its execution ended without reaching a Return from Function node";

/// A call ready for the Function trigger to emit.
#[derive(Debug, Clone)]
pub struct IncomingCall {
    pub context: CallContext,
    pub items: Vec<Args>,
    pub attempt: u32,
    /// Who sent it, kept for when the call goes back to its stream or to the dead letters.
    pub caller: Option<Caller>,
}

/// Why a served function stops.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Closing {
    /// Its process is shutting down (n8n restarting): calls wait in the stream for the
    /// function's next trigger.
    Restarting,
    /// Its workflow was deactivated: unless a trigger of the function starts again within a
    /// heartbeat (n8n republishing the workflow), calls fail at once from then on, and the
    /// calls waiting are told so.
    Deactivated,
}

pub struct Served {
    pub key: FunctionKey,
    consumer: String,
    backend: Arc<dyn Backend>,
    calls: tokio::sync::Mutex<mpsc::Receiver<IncomingCall>>,
    /// Where retried calls go back in line for JS.
    handoff: mpsc::Sender<IncomingCall>,
    max_attempts: u32,
    /// What callers hear once the function's workflow was deactivated.
    deactivated_message: String,
    held: Arc<HeldCalls>,
    cancel: CancellationToken,
    task: Mutex<Option<JoinHandle<()>>>,
    closed: tokio::sync::OnceCell<()>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

pub async fn serve(backend: Arc<dyn Backend>, held: Arc<HeldCalls>, def: FunctionDef) -> Result<Served> {
    params::check_definition(&def)?;
    let key = FunctionKey::new(&def.scope, &def.name)?;
    let consumer = consumer_name();
    backend.register(&def, &consumer).await?;
    let reader = backend.reader(&key, &consumer).await?;
    let (handoff, calls) = mpsc::channel(HANDOFF_CAPACITY);
    let cancel = CancellationToken::new();
    let max_attempts = def.max_attempts;
    let deactivated_message = def.deactivated_message();
    let consuming = Consuming {
        backend: backend.clone(),
        def,
        key: key.clone(),
        consumer: consumer.clone(),
        held: held.clone(),
        handoff: handoff.clone(),
        cancel: cancel.clone(),
    };
    let task = tokio::spawn(consuming.run(reader));
    Ok(Served {
        key,
        consumer,
        backend,
        calls: tokio::sync::Mutex::new(calls),
        handoff,
        max_attempts,
        deactivated_message,
        held,
        cancel,
        task: Mutex::new(Some(task)),
        closed: tokio::sync::OnceCell::new(),
    })
}

impl Served {
    /// Waits for at least one call; an empty list once closed.
    pub async fn next(&self) -> Vec<IncomingCall> {
        let mut calls = self.calls.lock().await;
        let first = tokio::select! {
            _ = self.cancel.cancelled() => return Vec::new(),
            call = calls.recv() => match call { Some(call) => call, None => return Vec::new() },
        };
        let mut batch = vec![first];
        while batch.len() < READ_COUNT {
            match calls.try_recv() {
                Ok(call) => batch.push(call),
                Err(_) => break,
            }
        }
        batch
    }

    /// The call's execution ended. If nothing answered it: a failed execution (`error`)
    /// runs it again while attempts are left, then sends it to the dead letters; an
    /// execution that ended without returning is answered with that at once. True if this
    /// answered the call.
    pub async fn finished(&self, context: &CallContext, error: Option<String>) -> Result<bool> {
        context.check()?;
        let held = match self.held.release_run(&context.call_id, context.attempt) {
            Released::Stale => return Ok(false), // an earlier run's end: the call runs again already
            Released::Held(held) => Some(*held),
            Released::Unknown => None,
        };
        if held.as_ref().is_some_and(|held| held.answered) {
            return Ok(false);
        }
        let held = held.map(|held| held.call);
        // A caller may have taken the call back from this execution to run it itself:
        // `answer_ended` leaves such a call alone.
        let Some(reason) = error.filter(|e| !e.trim().is_empty()) else {
            return self.backend.answer_ended(context, &Reply::failed(NO_RETURN)).await;
        };
        let Some(call) = held else {
            return self.backend.answer_ended(context, &Reply::failed(reason)).await;
        };
        // Answered from another process (in queue mode Return from Function runs on a
        // worker): the caller has its answer, so the call neither runs again nor is dead.
        if self.backend.is_answered(context).await? {
            return Ok(false);
        }
        if call.attempt >= self.max_attempts {
            let entry =
                Delivered { entry_id: context.entry_id.clone(), attempt: call.attempt, call: Ok(to_call(&call)) };
            let reason = exhausted(reason, call.attempt, self.backend.settings());
            self.backend.dead_letter(&self.key, &entry, &reason).await?;
            return self.backend.answer_ended(context, &Reply::failed(reason)).await;
        }
        if self.cancel.is_cancelled() || call.context.deadline <= now_ms() {
            return self.backend.answer_ended(context, &Reply::failed(reason)).await;
        }
        let mut again = IncomingCall { attempt: call.attempt + 1, ..call };
        again.context.attempt = Some(again.attempt);
        self.backend.retry(&self.key, &self.consumer, &again.context, again.attempt).await?;
        self.held.hold(&self.consumer, again.clone());
        if self.handoff.send(again).await.is_err() {
            // Closed meanwhile: the call was not started again, so it fails with this reason.
            self.held.release(&context.call_id);
            return self.backend.answer_ended(context, &Reply::failed(reason)).await;
        }
        Ok(false)
    }

    /// Stops consuming (idempotent) and resolves once the consumer has stopped, returned
    /// what it never handed out, and left the function's live consumers. `Deactivated`
    /// then retires the function a heartbeat later, in the background.
    pub async fn close(&self, closing: Closing) -> Result<()> {
        self.cancel.cancel();
        let closed_at = now_ms();
        let mut first = false;
        self.closed
            .get_or_try_init(|| async {
                first = true;
                let task = lock(&self.task).take();
                if let Some(task) = task {
                    let _ = task.await;
                }
                let mut unstarted = Vec::new();
                let mut calls = self.calls.lock().await;
                calls.close();
                while let Ok(call) = calls.try_recv() {
                    self.held.release(&call.context.call_id);
                    unstarted.push(Delivered {
                        entry_id: call.context.entry_id.clone(),
                        attempt: call.attempt,
                        call: Ok(to_call(&call)),
                    });
                }
                self.backend.release(&self.key, &self.consumer, unstarted).await?;
                self.backend.deregister(&self.key, &self.consumer).await
            })
            .await?;
        if first && closing == Closing::Deactivated {
            let (backend, key, consumer) = (self.backend.clone(), self.key.clone(), self.consumer.clone());
            let reply = Reply::inactive(self.deactivated_message.clone());
            tokio::spawn(async move {
                tokio::time::sleep(backend.settings().heartbeat).await;
                let _ = backend.deactivate(&key, &consumer, closed_at, &reply).await;
            });
        }
        Ok(())
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        self.cancel.cancel();
        self.held.release_all(&self.consumer);
    }
}

fn to_call(call: &IncomingCall) -> Call {
    Call {
        v: call.context.v,
        id: call.context.call_id.clone(),
        items: call.items.clone(),
        deadline: call.context.deadline,
        reply_to: call.context.reply_to.clone(),
        parent: call.context.parent.clone(),
        caller: call.caller.clone(),
    }
}

/// Where an exhausted call went, for its error: Redis keeps dead letters, memory does not.
fn dead_letter_note(settings: &Settings) -> &'static str {
    match settings.target {
        Target::Memory => "",
        Target::Redis { .. } => "; the call was moved to the dead letters",
    }
}

/// The error of a call whose last attempt failed (its `runs`-th run).
pub(crate) fn exhausted(reason: String, runs: u32, settings: &Settings) -> String {
    match runs {
        1 => reason,
        runs => format!("{reason} (it failed {runs} times{})", dead_letter_note(settings)),
    }
}

fn plural(count: u32) -> &'static str {
    if count == 1 {
        ""
    } else {
        "s"
    }
}

/// Unique per served function (or engine) and process, "host:pid:random"; readable in
/// XINFO output, and in timeouts that say where a call was running.
pub(crate) fn consumer_name() -> String {
    let host = std::fs::read_to_string("/etc/hostname")
        .ok()
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "n8n".into());
    let id = uuid::Uuid::new_v4().simple().to_string();
    format!("{host}:{}:{}", std::process::id(), &id[..8])
}

struct Consuming {
    backend: Arc<dyn Backend>,
    def: FunctionDef,
    key: FunctionKey,
    consumer: String,
    held: Arc<HeldCalls>,
    handoff: mpsc::Sender<IncomingCall>,
    cancel: CancellationToken,
}

impl Consuming {
    async fn run(self, reader: Box<dyn Reader>) {
        let this = Arc::new(self);
        let (deliveries, mut delivered) = mpsc::channel::<Vec<Delivered>>(4);
        let reading = tokio::spawn(this.clone().read(reader, deliveries));
        let mut heartbeat = tokio::time::interval(this.backend.settings().heartbeat);
        heartbeat.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut leftovers = Vec::new();
        loop {
            tokio::select! {
                biased;
                _ = this.cancel.cancelled() => break,
                Some(batch) = delivered.recv() => {
                    for entry in batch {
                        if let Some(unstarted) = this.hand_out(entry).await {
                            leftovers.push(unstarted);
                        }
                    }
                }
                _ = heartbeat.tick() => {
                    if let Ok(beat) = this.backend.beat(&this.key, &this.consumer).await {
                        for entry in beat.reclaimed {
                            if let Some(unstarted) = this.hand_out(entry).await {
                                leftovers.push(unstarted);
                            }
                        }
                    }
                }
            }
        }
        leftovers.extend(reading.await.unwrap_or_default());
        while let Ok(batch) = delivered.try_recv() {
            leftovers.extend(batch);
        }
        let _ = this.backend.release(&this.key, &this.consumer, leftovers).await;
    }

    /// Reads until cancelled; returns what the last read brought after cancellation.
    async fn read(
        self: Arc<Self>,
        mut reader: Box<dyn Reader>,
        deliveries: mpsc::Sender<Vec<Delivered>>,
    ) -> Vec<Delivered> {
        let mut backoff = Duration::from_millis(100);
        loop {
            match reader.read(READ_COUNT, &self.cancel).await {
                Ok(batch) if self.cancel.is_cancelled() => return batch,
                Ok(batch) => {
                    backoff = Duration::from_millis(100);
                    if batch.is_empty() {
                        continue;
                    }
                    tokio::select! {
                        sent = deliveries.send(batch) => if let Err(unsent) = sent { return unsent.0 },
                        _ = self.cancel.cancelled() => return Vec::new(),
                    }
                }
                Err(_) => {
                    // Redis restarted or the network blinked: wait, then register again,
                    // which also restores a definition or group that Redis lost.
                    tokio::select! {
                        _ = tokio::time::sleep(backoff) => {}
                        _ = self.cancel.cancelled() => return Vec::new(),
                    }
                    backoff = (backoff * 2).min(Duration::from_secs(5));
                    let _ = self.backend.register(&self.def, &self.consumer).await;
                }
            }
        }
    }

    /// Hands a call to JS, or answers it right away when it cannot run. Returns the call
    /// when the consumer is closing before JS could take it.
    async fn hand_out(&self, entry: Delivered) -> Option<Delivered> {
        let call = match &entry.call {
            Ok(call) => call.clone(),
            Err(reason) => {
                let _ = self.backend.dead_letter(&self.key, &entry, reason).await;
                return None;
            }
        };
        let context = CallContext {
            v: PROTOCOL_VERSION,
            call_id: call.id.clone(),
            function: self.key.as_string(),
            entry_id: entry.entry_id.clone(),
            reply_to: call.reply_to.clone(),
            deadline: call.deadline,
            runner: None,
            parent: call.parent.clone(),
            attempt: Some(entry.attempt),
        };
        if call.v > PROTOCOL_VERSION {
            let reason = format!("the call was sent by a newer version of n8n-nodes-functions (protocol {}); update the package on every n8n process", call.v);
            let _ = self.backend.answer(&context, &Reply::failed(reason)).await;
            return None;
        }
        if entry.attempt > self.def.max_deliveries() {
            let runs = entry.attempt - 1;
            let reason = format!(
                "the process running it stopped {runs} time{} before it returned{}",
                plural(runs),
                dead_letter_note(self.backend.settings())
            );
            let _ = self.backend.dead_letter(&self.key, &entry, &reason).await;
            let _ = self.backend.answer(&context, &Reply::failed(reason)).await;
            return None;
        }
        if call.deadline <= now_ms() {
            let _ = self
                .backend
                .answer(
                    &context,
                    &Reply::timed_out(
                        "The call waited past its deadline before a Function trigger could take it; it was not run.",
                    ),
                )
                .await;
            return None;
        }
        // The definition may have changed while the call waited: this consumer's own
        // definition decides, and adds the defaults of parameters the caller did not know.
        let Call { items, caller, .. } = call;
        let items = match access::admit(&self.def, caller.as_ref(), items) {
            Ok(items) => items,
            Err(wrong) => {
                let reason = format!("the function changed while the call waited. {wrong}");
                let _ = self.backend.answer(&context, &Reply::failed(reason)).await;
                return None;
            }
        };
        let incoming = IncomingCall { context, items, attempt: entry.attempt, caller };
        self.held.hold(&self.consumer, incoming.clone());
        tokio::select! {
            sent = self.handoff.send(incoming) => match sent {
                Ok(()) => None,
                Err(_) => { self.held.release(&call.id); Some(entry) }
            },
            _ = self.cancel.cancelled() => { self.held.release(&call.id); Some(entry) }
        }
    }
}
