//! The consumer of one served function: reads its calls as they arrive, beats to show
//! it is alive, takes over calls of dead consumers, and hands calls to JS through
//! `next()`. `close()` stops it at once and gives back what it took but never started.
//! What happens to a call it hands out is the engine's `Runs`' to decide. For calls whose
//! executions parked it also hands out, through `next_parked()`, the callers to wake once
//! answered and the executions to stop once past their deadline.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::backend::{Backend, Delivered, Reader};
use crate::error::Result;
use crate::keys::FunctionKey;
use crate::params;
use crate::protocol::{now_ms, CallContext, Expired, FunctionDef, IncomingCall, Reply, Resume};
use crate::runs::{Ended, Holder, Runs};

/// Calls read per round trip.
const READ_COUNT: usize = 64;
/// Calls waiting for JS to take them; beyond this the consumer stops reading and leaves
/// calls in Redis for other consumers.
const HANDOFF_CAPACITY: usize = 1024;

/// What a Function trigger does for parked calls of its function.
#[derive(Debug, Clone)]
pub enum ParkedWork {
    /// The call has its answer: wake its parked caller, then report `resumed`.
    Resume(Resume),
    /// The call's deadline passed while its execution was parked: stop that execution.
    Expired(Expired),
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
    parked_work: tokio::sync::Mutex<mpsc::UnboundedReceiver<ParkedWork>>,
    /// What callers hear once the function's workflow was deactivated.
    deactivated_message: String,
    runs: Arc<Runs>,
    cancel: CancellationToken,
    task: Mutex<Option<JoinHandle<()>>>,
    closed: tokio::sync::OnceCell<()>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

pub async fn serve(backend: Arc<dyn Backend>, runs: Arc<Runs>, def: FunctionDef) -> Result<Served> {
    params::check_definition(&def)?;
    let key = FunctionKey::new(&def.scope, &def.name)?;
    let consumer = crate::runs::process_name();
    backend.register(&def, &consumer).await?;
    let reader = backend.reader(&key, &consumer).await?;
    let (handoff, calls) = mpsc::channel(HANDOFF_CAPACITY);
    let (parked, parked_work) = mpsc::unbounded_channel();
    let cancel = CancellationToken::new();
    let deactivated_message = def.deactivated_message();
    let consuming = Consuming {
        backend: backend.clone(),
        def,
        key: key.clone(),
        holder: Holder::Consumer { name: consumer.clone(), handoff, closing: cancel.clone() },
        consumer: consumer.clone(),
        runs: runs.clone(),
        parked,
        cancel: cancel.clone(),
    };
    let task = tokio::spawn(consuming.run(reader));
    Ok(Served {
        key,
        consumer,
        backend,
        calls: tokio::sync::Mutex::new(calls),
        parked_work: tokio::sync::Mutex::new(parked_work),
        deactivated_message,
        runs,
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

    /// Waits for work on parked calls (callers to wake, executions to stop); an empty list
    /// once closed. What is not reported `resumed` is handed out again later (to this or
    /// another trigger of the function).
    pub async fn next_parked(&self) -> Vec<ParkedWork> {
        let mut work = self.parked_work.lock().await;
        let first = tokio::select! {
            _ = self.cancel.cancelled() => return Vec::new(),
            next = work.recv() => match next { Some(next) => next, None => return Vec::new() },
        };
        let mut batch = vec![first];
        while let Ok(next) = work.try_recv() {
            batch.push(next);
        }
        batch
    }

    /// These parked callers were woken, or cannot be any more: their resumes are done.
    pub async fn resumed(&self, resumes: &[Resume]) -> Result<()> {
        self.backend.resumed(&self.key, resumes).await
    }

    /// The call's execution ended (see `Runs::ended`). True if this answered the call.
    pub async fn finished(&self, context: &CallContext, error: Option<String>) -> Result<bool> {
        Ok(matches!(self.runs.ended(context, error).await?, Ended::Over { answered_now: true }))
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
                    self.runs.take_back(&call.context.call_id);
                    unstarted.push(Delivered {
                        entry_id: call.context.entry_id.clone(),
                        attempt: call.attempt,
                        call: Ok(call.to_call()),
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
        self.runs.release_consumer(&self.consumer);
    }
}

struct Consuming {
    backend: Arc<dyn Backend>,
    def: FunctionDef,
    key: FunctionKey,
    consumer: String,
    /// This consumer, as the runs it hands out name it.
    holder: Holder,
    runs: Arc<Runs>,
    /// Where resumes and expired parked calls go for JS.
    parked: mpsc::UnboundedSender<ParkedWork>,
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
                        this.hand_out_parked(beat.resumes, beat.expired);
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
                // Resumes read as the consumer closes stay in Redis for the next one.
                Ok(reading) if self.cancel.is_cancelled() => return reading.calls,
                Ok(reading) => {
                    backoff = Duration::from_millis(100);
                    self.hand_out_parked(reading.resumes, Vec::new());
                    let batch = reading.calls;
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

    /// Hands JS the parked callers to wake and the parked executions to stop.
    fn hand_out_parked(&self, resumes: Vec<Resume>, expired: Vec<Expired>) {
        let work = resumes.into_iter().map(ParkedWork::Resume).chain(expired.into_iter().map(ParkedWork::Expired));
        for next in work {
            let _ = self.parked.send(next);
        }
    }

    /// Hands a call to JS, or answers it right away when it cannot run. Returns the call
    /// when the consumer is closing before JS could take it.
    async fn hand_out(&self, entry: Delivered) -> Option<Delivered> {
        let (entry_id, attempt) = (entry.entry_id.clone(), entry.attempt);
        let incoming = self.runs.admit(&self.key, &self.def, entry).await?;
        let call_id = incoming.context.call_id.clone();
        let Holder::Consumer { handoff, .. } = &self.holder else { return None };
        self.runs.hand_out(incoming.clone(), self.holder.clone(), self.def.max_attempts);
        let unstarted = || {
            self.runs.take_back(&call_id);
            Some(Delivered { entry_id, attempt, call: Ok(incoming.to_call()) })
        };
        tokio::select! {
            sent = handoff.send(incoming.clone()) => match sent {
                Ok(()) => None,
                Err(_) => unstarted(),
            },
            _ = self.cancel.cancelled() => unstarted(),
        }
    }
}
