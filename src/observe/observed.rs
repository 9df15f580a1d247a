//! `ObservedBackend`: the backend the engine uses, recording what each step of a call did:
//! on the feed as events, and in the process's metrics as counts (`metrics.rs`). It wraps
//! either backend and changes nothing about the steps themselves.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, MutexGuard};

use async_trait::async_trait;
use tokio_util::sync::CancellationToken;

use super::event::{Event, EventKind};
use super::feed::Feed;
use super::metrics::{Metrics, RunOutcome};
use super::status;
use crate::backend::{
    Backend, Beat, DeadLetter, Delivered, GaveUp, Placement, Reader, Reading, Sent, Start, TakeBack, Waiting,
};
use crate::config::{Settings, Target};
use crate::error::Result;
use crate::keys::FunctionKey;
use crate::protocol::{
    now_ms, Call, CallContext, ExecutionRef, FunctionDef, FunctionInfo, ParkedCaller, Reply, ReplyKind, Resume,
};

/// Consumers are checked for lost heartbeats every this many beats (one command).
const LOST_CHECK_EVERY: u32 = 3;

pub struct ObservedBackend {
    inner: Arc<dyn Backend>,
    feed: Arc<Feed>,
    metrics: Option<&'static Metrics>,
    /// Per function: the stopped consumers this process has seen (reported by it or another),
    /// and beats since the last check.
    consumers: Mutex<HashMap<FunctionKey, (HashSet<String>, u32)>>,
}

impl ObservedBackend {
    /// `inner` itself when the feed and metrics are both off: no cost at all then.
    pub fn wrap(inner: Arc<dyn Backend>, feed: Arc<Feed>, metrics: Option<&'static Metrics>) -> Arc<dyn Backend> {
        if !feed.is_on() && metrics.is_none() {
            return inner;
        }
        Arc::new(Self { inner, feed, metrics, consumers: Mutex::default() })
    }

    fn consumers(&self) -> MutexGuard<'_, HashMap<FunctionKey, (HashSet<String>, u32)>> {
        self.consumers.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn answered(&self, context: &CallContext, reply: &Reply) {
        if let (Some(metrics), Some(outcome)) = (self.metrics, RunOutcome::of(reply)) {
            metrics.ran(&context.function, outcome);
        }
        let event = match &reply.error {
            None => Event::new(EventKind::Returned, &context.function),
            Some(error) if error.kind == ReplyKind::Timeout => {
                Event::new(EventKind::TimedOut, &context.function).message(&error.message)
            }
            Some(error) => Event::new(EventKind::Failed, &context.function).message(&error.message),
        };
        self.feed.emit(event.call(&context.call_id).attempt(context.attempt));
    }

    /// Reports consumers whose heartbeats stopped (their process died or lost Redis), each
    /// once for the whole deployment: checked every few beats by every live consumer, and
    /// reported by whichever first marks the death in Redis. A consumer that stopped cleanly
    /// left the set and is not reported.
    async fn check_heartbeats(&self, key: &FunctionKey) {
        let Feed::Redis { deployment, .. } = self.feed.as_ref() else { return };
        let due = {
            let mut consumers = self.consumers();
            let (_, beats) = consumers.entry(key.clone()).or_default();
            *beats += 1;
            *beats % LOST_CHECK_EVERY == 1
        };
        if !due {
            return;
        }
        let Ok(beats) = status::consumers(deployment, key).await else { return };
        let stale_before = now_ms().saturating_sub(self.settings().stale_after().as_millis() as u64);
        let stale: HashSet<String> =
            beats.into_iter().filter(|(_, at)| *at < stale_before).map(|(name, _)| name).collect();
        let unseen: Vec<String> = {
            let mut consumers = self.consumers();
            let (seen, _) = consumers.entry(key.clone()).or_default();
            let unseen = stale.difference(seen).cloned().collect();
            *seen = stale; // forgotten consumers leave it too
            unseen
        };
        for name in unseen {
            if status::mark_lost(deployment, key, &name).await.unwrap_or(false) {
                self.feed.emit(Event::new(EventKind::HeartbeatLost, key.as_string()).who(name));
            }
        }
    }

    /// Memory keeps no dead letters: a call "dead-lettered" there only failed.
    fn keeps_dead_letters(&self) -> bool {
        matches!(self.settings().target, Target::Redis { .. })
    }
}

#[async_trait]
impl Backend for ObservedBackend {
    fn settings(&self) -> &Settings {
        self.inner.settings()
    }

    async fn register(&self, def: &FunctionDef, consumer: &str) -> Result<()> {
        self.inner.register(def, consumer).await?;
        let key = format!("{}/{}", def.scope, def.name);
        if let Some(metrics) = self.metrics {
            metrics.serving(&key);
        }
        self.feed.emit(Event::new(EventKind::Served, key).who(consumer));
        Ok(())
    }

    async fn deregister(&self, key: &FunctionKey, consumer: &str) -> Result<()> {
        self.inner.deregister(key, consumer).await?;
        self.feed.emit(Event::new(EventKind::Stopped, key.as_string()).who(consumer));
        Ok(())
    }

    async fn deactivate(&self, key: &FunctionKey, consumer: &str, closed_at: u64, reply: &Reply) -> Result<bool> {
        let deactivated = self.inner.deactivate(key, consumer, closed_at, reply).await?;
        if deactivated {
            self.feed.emit(Event::new(EventKind::Deactivated, key.as_string()).who(consumer));
        }
        Ok(deactivated)
    }

    async fn describe(&self, key: &FunctionKey) -> Result<Option<FunctionInfo>> {
        self.inner.describe(key).await
    }

    async fn list(&self, scope: Option<&str>) -> Result<Vec<FunctionInfo>> {
        self.inner.list(scope).await
    }

    async fn reply_to(&self) -> Result<String> {
        self.inner.reply_to().await
    }

    async fn send(
        &self,
        key: &FunctionKey,
        call: &Call,
        json: &str,
        version: &str,
        idempotent: bool,
        placement: Placement<'_>,
    ) -> Result<Sent> {
        let sent = self.inner.send(key, call, json, version, idempotent, placement).await?;
        let queued = Event::new(EventKind::Queued, key.as_string()).call(&call.id);
        match &sent {
            Sent::Queued { .. } => self.feed.emit(queued),
            Sent::Here { .. } => self.feed.emit(queued.message("runs in its caller's process")),
            Sent::Joined { .. } => self.feed.emit(queued.message("joined the call in flight with its idempotency key")),
            _ => {}
        }
        Ok(sent)
    }

    async fn take_back(
        &self,
        key: &FunctionKey,
        call: &Call,
        entry_id: &str,
        runner: &str,
        version: &str,
        progress_since: u64,
    ) -> Result<TakeBack> {
        let taken = self.inner.take_back(key, call, entry_id, runner, version, progress_since).await?;
        if matches!(taken, TakeBack::Taken { .. }) {
            self.feed.emit(Event::new(EventKind::TakenBack, key.as_string()).call(&call.id).who(runner));
        }
        Ok(taken)
    }

    async fn start(&self, context: &CallContext, runner: &str, execution: Option<&ExecutionRef>) -> Result<Start> {
        let started = self.inner.start(context, runner, execution).await?;
        if started == Start::Run {
            if let Some(metrics) = self.metrics {
                metrics.serving(&context.function);
            }
            let event = Event::new(EventKind::Started, &context.function).call(&context.call_id);
            self.feed.emit(event.who(runner).attempt(context.attempt));
        }
        Ok(started)
    }

    async fn keep(&self, key: &FunctionKey, runner: &str, entry_ids: &[String]) -> Result<Vec<String>> {
        self.inner.keep(key, runner, entry_ids).await
    }

    async fn give_up(
        &self,
        key: &FunctionKey,
        call: &Call,
        entry_id: &str,
        outcome: &Reply,
        who: Waiting,
    ) -> Result<GaveUp> {
        let gave_up = self.inner.give_up(key, call, entry_id, outcome, who).await?;
        if matches!(gave_up, GaveUp::TimedOut { .. }) && who != Waiting::Joined {
            let message = outcome.error.as_ref().map(|error| error.message.as_str()).unwrap_or_default();
            self.feed.emit(Event::new(EventKind::TimedOut, key.as_string()).call(&call.id).message(message));
        }
        Ok(gave_up)
    }

    async fn answer(&self, context: &CallContext, reply: &Reply) -> Result<bool> {
        let stored = self.inner.answer(context, reply).await?;
        if stored {
            self.answered(context, reply);
        }
        Ok(stored)
    }

    async fn answer_ended(&self, context: &CallContext, reply: &Reply) -> Result<bool> {
        let stored = self.inner.answer_ended(context, reply).await?;
        if stored {
            self.answered(context, reply);
        }
        Ok(stored)
    }

    async fn beat(&self, key: &FunctionKey, consumer: &str) -> Result<Beat> {
        let beat = self.inner.beat(key, consumer).await?;
        if let Some(metrics) = self.metrics.filter(|_| !beat.reclaimed.is_empty()) {
            metrics.reclaimed(&key.as_string(), beat.reclaimed.len());
        }
        for entry in &beat.reclaimed {
            let mut event =
                Event::new(EventKind::Reclaimed, key.as_string()).who(consumer).attempt(Some(entry.attempt));
            if let Ok(call) = &entry.call {
                event = event.call(&call.id);
            }
            self.feed.emit(event);
        }
        self.check_heartbeats(key).await;
        Ok(beat)
    }

    async fn parked(&self, context: &CallContext, execution: Option<&ExecutionRef>) -> Result<bool> {
        let parked = self.inner.parked(context, execution).await?;
        if parked {
            let mut event = Event::new(EventKind::Parked, &context.function).call(&context.call_id);
            if let Some(execution) = execution {
                event = event.who(&execution.execution_id);
            }
            self.feed.emit(event.attempt(context.attempt));
        }
        Ok(parked)
    }

    async fn park_caller(&self, context: &CallContext, caller: &ParkedCaller) -> Result<Option<Reply>> {
        let answered = self.inner.park_caller(context, caller).await?;
        if answered.is_none() {
            let event = Event::new(EventKind::CallerParked, &context.function).call(&context.call_id);
            self.feed.emit(event.who(&caller.execution.execution_id));
        }
        Ok(answered)
    }

    async fn resumed(&self, key: &FunctionKey, resumes: &[Resume]) -> Result<()> {
        self.inner.resumed(key, resumes).await?;
        for resume in resumes {
            let event = Event::new(EventKind::Resumed, key.as_string()).call(&resume.call_id);
            self.feed.emit(event.who(&resume.caller.execution.execution_id));
        }
        Ok(())
    }

    async fn is_answered(&self, context: &CallContext) -> Result<bool> {
        self.inner.is_answered(context).await
    }

    async fn stored_answer(&self, context: &CallContext) -> Result<Option<Reply>> {
        self.inner.stored_answer(context).await
    }

    async fn retry(&self, key: &FunctionKey, consumer: &str, context: &CallContext, attempt: u32) -> Result<()> {
        self.inner.retry(key, consumer, context, attempt).await?;
        if let Some(metrics) = self.metrics {
            metrics.ran(&context.function, RunOutcome::Retried);
        }
        Ok(())
    }

    async fn release(&self, key: &FunctionKey, consumer: &str, calls: Vec<Delivered>) -> Result<()> {
        self.inner.release(key, consumer, calls).await
    }

    async fn dead_letter(&self, key: &FunctionKey, letter: &DeadLetter<'_>) -> Result<()> {
        self.inner.dead_letter(key, letter).await?;
        if !self.keeps_dead_letters() {
            return Ok(());
        }
        if let Some(metrics) = self.metrics {
            metrics.dead_lettered(&key.as_string());
        }
        let mut event =
            Event::new(EventKind::DeadLettered, key.as_string()).attempt(Some(letter.attempt)).message(letter.reason);
        if let Some(call) = letter.call {
            event = event.call(&call.id);
        }
        self.feed.emit(event);
        Ok(())
    }

    async fn reader(&self, key: &FunctionKey, consumer: &str) -> Result<Box<dyn Reader>> {
        let inner = self.inner.reader(key, consumer).await?;
        if !self.feed.is_on() {
            return Ok(inner); // reading is counted by no metric
        }
        Ok(Box::new(ObservedReader {
            inner,
            feed: self.feed.clone(),
            function: key.as_string(),
            consumer: consumer.to_string(),
        }))
    }
}

struct ObservedReader {
    inner: Box<dyn Reader>,
    feed: Arc<Feed>,
    function: String,
    consumer: String,
}

#[async_trait]
impl Reader for ObservedReader {
    async fn read(&mut self, count: usize, cancel: &CancellationToken) -> Result<Reading> {
        let reading = self.inner.read(count, cancel).await?;
        for entry in &reading.calls {
            if let Ok(call) = &entry.call {
                let event = Event::new(EventKind::PickedUp, &self.function).call(&call.id);
                self.feed.emit(event.who(&self.consumer).attempt(Some(entry.attempt)));
            }
        }
        Ok(reading)
    }
}
