//! The in-process backend for n8n's regular mode: the same semantics as Redis with
//! plain data structures. All Function triggers, callers and returns of one process
//! share one instance per key prefix.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

use async_trait::async_trait;
use tokio::sync::{oneshot, Notify};
use tokio_util::sync::CancellationToken;

use super::{
    Awaited, Backend, Beat, DeadLetter, Delivered, GaveUp, Placement, Reader, Reading, Sent, Start, TakeBack, Waiting,
};
use crate::config::Settings;
use crate::error::Result;
use crate::keys::FunctionKey;
use crate::protocol::{
    now_ms, Call, CallContext, ExecutionRef, Expired, FunctionDef, FunctionInfo, ParkedCaller, Reply, Resume,
    CALLER_RUNNER_PREFIX, PARKED_KEPT_AFTER_DEADLINE_MS, PARKED_PAST_DEADLINE,
};
use crate::registry;

pub struct MemoryBackend {
    settings: Settings,
    state: Arc<Mutex<State>>,
}

#[derive(Default)]
struct State {
    functions: HashMap<FunctionKey, Function>,
    /// Callers waiting, by call id (several for an idempotent call others joined): for the
    /// answer, and to hear that the call's execution parked.
    waiters: HashMap<String, Vec<Waiter>>,
    /// The n8n execution running a call, as its start recorded it.
    executions: HashMap<String, ExecutionRef>,
    /// Calls whose executions parked: the function, the execution and the call's deadline.
    parked: HashMap<String, (FunctionKey, ExecutionRef, u64)>,
    /// Calls whose callers parked: the function, how to wake the caller, and until when.
    callers: HashMap<String, (FunctionKey, ParkedCaller, u64)>,
    /// Idempotent calls sent and not answered.
    running: std::collections::HashSet<String>,
    /// Who runs a call's execution, by call id: the runner that started it, or its caller.
    runners: HashMap<String, String>,
    /// Stored answers by call id, with the order they expire in.
    replies: HashMap<String, Reply>,
    expiry: VecDeque<(Instant, String)>,
}

/// A caller waiting for a call: for its answer, and to hear once that its execution parked.
type Waiter = (oneshot::Sender<Reply>, Option<oneshot::Sender<ExecutionRef>>);

struct Function {
    def: Option<(FunctionDef, String)>,
    consumers: HashMap<String, u64>,
    stopped_at: Option<u64>,
    /// Its workflow was deactivated: calls fail at once until a trigger registers again.
    deactivated: bool,
    /// When a call of it last started (epoch ms).
    started_at: Option<u64>,
    queue: VecDeque<Call>,
    /// Calls handed out and not answered: whether a consumer took a call.
    taken: HashMap<String, u32>,
    /// Answered calls whose callers parked, to wake.
    resumes: VecDeque<Resume>,
    arrived: Arc<Notify>,
}

impl Function {
    fn newest_beat(&self) -> Option<u64> {
        self.consumers.values().max().copied()
    }

    fn new() -> Self {
        Self {
            def: None,
            consumers: HashMap::new(),
            stopped_at: None,
            deactivated: false,
            started_at: None,
            queue: VecDeque::new(),
            taken: HashMap::new(),
            resumes: VecDeque::new(),
            arrived: Arc::new(Notify::new()),
        }
    }
}

impl MemoryBackend {
    pub fn new(settings: Settings) -> Self {
        Self { settings, state: Arc::default() }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        lock(&self.state)
    }

    fn info(&self, function: &Function) -> Option<FunctionInfo> {
        let (def, _) = function.def.as_ref()?;
        Some(registry::info(def.clone(), function.newest_beat(), function.stopped_at, &self.settings))
    }
}

fn lock(state: &Mutex<State>) -> MutexGuard<'_, State> {
    // A panic elsewhere must not take every later call down with it.
    state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl State {
    fn function(&mut self, key: &FunctionKey) -> &mut Function {
        self.functions.entry(key.clone()).or_insert_with(Function::new)
    }

    /// Stores the first answer of a call; false if one is there already.
    fn store(&mut self, call_id: &str, reply: &Reply, ttl: std::time::Duration) -> bool {
        let now = Instant::now();
        while self.expiry.front().is_some_and(|(at, _)| *at <= now) {
            if let Some((_, id)) = self.expiry.pop_front() {
                self.replies.remove(&id);
            }
        }
        if self.replies.contains_key(call_id) {
            return false;
        }
        let mut ttl = ttl;
        self.replies.insert(call_id.to_string(), reply.clone());
        self.running.remove(call_id);
        self.runners.remove(call_id);
        self.executions.remove(call_id);
        self.parked.remove(call_id);
        if let Some((key, caller, until)) = self.callers.remove(call_id) {
            // Kept for its parked caller, which reads it once woken.
            ttl = ttl.max(std::time::Duration::from_millis(until.saturating_sub(now_ms())));
            let function = self.function(&key);
            function.resumes.push_back(Resume { entry_id: String::new(), call_id: call_id.to_string(), caller });
            function.arrived.notify_one();
        }
        self.expiry.push_back((now + ttl, call_id.to_string()));
        for (waiter, _) in self.waiters.remove(call_id).unwrap_or_default() {
            let _ = waiter.send(reply.clone());
        }
        true
    }
}

#[async_trait]
impl Backend for MemoryBackend {
    fn settings(&self) -> &Settings {
        &self.settings
    }

    async fn register(&self, def: &FunctionDef, consumer: &str) -> Result<()> {
        let key = FunctionKey::new(&def.scope, &def.name)?;
        let mut state = self.state();
        if let Some(existing) = state.functions.get(&key).and_then(|f| self.info(f)) {
            registry::check_claim(&existing, def)?;
        }
        for (other, function) in state.functions.iter_mut() {
            if other != &key && function.def.as_ref().is_some_and(|(d, _)| d.owner() == def.owner()) {
                function.def = None;
            }
        }
        let now = now_ms();
        let function = state.function(&key);
        function.def = Some((def.clone(), def.version()));
        function.consumers.insert(consumer.to_string(), now);
        function.deactivated = false;
        Ok(())
    }

    async fn deregister(&self, key: &FunctionKey, consumer: &str) -> Result<()> {
        if let Some(function) = self.state().functions.get_mut(key) {
            function.consumers.remove(consumer);
            function.stopped_at = Some(now_ms());
        }
        Ok(())
    }

    async fn deactivate(&self, key: &FunctionKey, _consumer: &str, closed_at: u64, reply: &Reply) -> Result<bool> {
        let mut state = self.state();
        let function = state.function(key);
        if function.newest_beat().is_some_and(|beat| beat > closed_at) {
            return Ok(false);
        }
        function.deactivated = true;
        // Every call no execution runs: queued, or handed to the trigger and not started.
        let mut unstarted: Vec<String> = function.queue.drain(..).map(|call| call.id).collect();
        let handed: Vec<String> = function.taken.drain().map(|(id, _)| id).collect();
        unstarted.extend(handed.into_iter().filter(|id| !state.runners.contains_key(id)));
        let ttl = self.settings.reply_ttl;
        for id in unstarted {
            state.store(&id, reply, ttl);
        }
        Ok(true)
    }

    async fn describe(&self, key: &FunctionKey) -> Result<Option<FunctionInfo>> {
        Ok(self.state().functions.get(key).and_then(|f| self.info(f)))
    }

    async fn list(&self, scope: Option<&str>) -> Result<Vec<FunctionInfo>> {
        let mut state = self.state();
        let retired: Vec<FunctionKey> = state
            .functions
            .iter()
            .filter(|(_, f)| self.info(f).is_some_and(|info| registry::retired(&info, &self.settings)))
            .map(|(key, _)| key.clone())
            .collect();
        for key in retired {
            state.functions.remove(&key);
        }
        let mut list: Vec<FunctionInfo> = state
            .functions
            .iter()
            .filter(|(key, _)| scope.is_none_or(|s| key.scope == s))
            .filter_map(|(_, f)| self.info(f))
            .collect();
        registry::sort(&mut list);
        Ok(list)
    }

    async fn reply_to(&self) -> Result<String> {
        Ok("memory".into())
    }

    async fn send(
        &self,
        key: &FunctionKey,
        call: &Call,
        _json: &str,
        version: &str,
        idempotent: bool,
        placement: Placement<'_>,
    ) -> Result<Sent> {
        let mut state = self.state();
        let Some(function) = state.functions.get_mut(key) else { return Ok(Sent::Missing) };
        let Some((def, current)) = &function.def else { return Ok(Sent::Missing) };
        if current != version {
            return Ok(Sent::Stale(def.clone()));
        }
        let last_seen = function.newest_beat().max(function.stopped_at);
        if function.deactivated {
            return Ok(Sent::Inactive { last_seen, deactivated: true });
        }
        if registry::inactive_for_good(last_seen, &self.settings) {
            return Ok(Sent::Inactive { last_seen, deactivated: false });
        }
        if idempotent {
            if let Some(stored) = state.replies.get(&call.id) {
                return Ok(Sent::Answered(stored.clone()));
            }
        }
        let (tx, reply) = oneshot::channel();
        let (parked_tx, parked) = oneshot::channel();
        state.waiters.entry(call.id.clone()).or_default().push((tx, Some(parked_tx)));
        let awaited = Awaited { reply, parked };
        if idempotent && !state.running.insert(call.id.clone()) {
            return Ok(Sent::Joined { awaited });
        }
        if let Placement::Here { runner } = placement {
            state.runners.insert(call.id.clone(), runner.to_string());
            return Ok(Sent::Here { awaited });
        }
        let function = state.function(key);
        function.queue.push_back(call.clone());
        function.arrived.notify_one();
        Ok(Sent::Queued { entry_id: String::new(), awaited })
    }

    async fn give_up(
        &self,
        key: &FunctionKey,
        call: &Call,
        _entry_id: &str,
        outcome: &Reply,
        who: Waiting,
    ) -> Result<GaveUp> {
        let mut state = self.state();
        if let Some(reply) = state.replies.get(&call.id) {
            return Ok(GaveUp::Answered(reply.clone()));
        }
        let runner = state.runners.get(&call.id).cloned();
        if who == Waiting::Joined {
            return Ok(GaveUp::TimedOut { picked_up: true, runner });
        }
        let function = state.function(key);
        let queued = function.queue.iter().position(|c| c.id == call.id);
        if let Some(index) = queued {
            function.queue.remove(index);
        }
        if who == Waiting::Sender {
            function.taken.remove(&call.id);
            state.waiters.remove(&call.id);
            let ttl = self.settings.reply_ttl;
            // Nobody waits for a parked execution of it any more: stopped at the next beat.
            let parked = state.parked.remove(&call.id);
            state.store(&call.id, outcome, ttl);
            if let Some((key, execution, _)) = parked {
                state.parked.insert(call.id.clone(), (key, execution, now_ms()));
            }
        } else if queued.is_some() {
            state.running.remove(&call.id);
        }
        Ok(GaveUp::TimedOut { picked_up: queued.is_none(), runner })
    }

    async fn take_back(
        &self,
        key: &FunctionKey,
        call: &Call,
        _entry_id: &str,
        runner: &str,
        version: &str,
        progress_since: u64,
    ) -> Result<TakeBack> {
        let mut state = self.state();
        if let Some(reply) = state.replies.get(&call.id) {
            return Ok(TakeBack::Answered(reply.clone()));
        }
        if let Some(current) = state.runners.get(&call.id) {
            return Ok(TakeBack::Started { runner: current.clone() });
        }
        let live = state.functions.get(key).and_then(|f| self.info(f)).is_some_and(|info| info.live);
        if !live {
            return Ok(TakeBack::Unserved);
        }
        let function = state.function(key);
        if function.started_at.is_some_and(|at| at >= progress_since) {
            return Ok(TakeBack::Progressing);
        }
        function.queue.retain(|queued| queued.id != call.id);
        function.taken.remove(&call.id);
        let changed = function.def.as_ref().filter(|(_, current)| current != version).map(|(def, _)| def.clone());
        state.runners.insert(call.id.clone(), runner.to_string());
        Ok(TakeBack::Taken { changed })
    }

    async fn start(&self, context: &CallContext, runner: &str, execution: Option<&ExecutionRef>) -> Result<Start> {
        let mut state = self.state();
        if state.replies.contains_key(&context.call_id) {
            return Ok(Start::Answered);
        }
        // One process: a runner never dies alone, so one that has the call keeps it.
        match state.runners.get(&context.call_id) {
            Some(current) if current != runner => Ok(Start::Elsewhere),
            _ => {
                state.runners.insert(context.call_id.clone(), runner.to_string());
                if let Some(execution) = execution {
                    state.executions.insert(context.call_id.clone(), execution.clone());
                }
                if let Ok(key) = context.key() {
                    state.function(&key).started_at = Some(now_ms());
                }
                Ok(Start::Run)
            }
        }
    }

    async fn keep(&self, _key: &FunctionKey, _runner: &str, entry_ids: &[String]) -> Result<Vec<String>> {
        Ok(entry_ids.to_vec())
    }

    async fn answer(&self, context: &CallContext, reply: &Reply) -> Result<bool> {
        let mut state = self.state();
        if let Ok(key) = context.key() {
            state.function(&key).taken.remove(&context.call_id);
        }
        Ok(state.store(&context.call_id, reply, self.settings.reply_ttl))
    }

    async fn answer_ended(&self, context: &CallContext, reply: &Reply) -> Result<bool> {
        let taken_back = self.state().runners.get(&context.call_id).is_some_and(|runner| {
            runner.starts_with(CALLER_RUNNER_PREFIX) && Some(runner.as_str()) != context.runner.as_deref()
        });
        if taken_back {
            return Ok(false);
        }
        self.answer(context, reply).await
    }

    async fn parked(&self, context: &CallContext, execution: Option<&ExecutionRef>) -> Result<bool> {
        let mut state = self.state();
        if state.replies.contains_key(&context.call_id) {
            return Ok(false);
        }
        let execution = execution
            .cloned()
            .or_else(|| state.executions.get(&context.call_id).cloned())
            .unwrap_or(ExecutionRef { execution_id: String::new(), workflow_id: String::new() });
        state.parked.insert(context.call_id.clone(), (context.key()?, execution.clone(), context.deadline));
        for (_, parked) in state.waiters.get_mut(&context.call_id).into_iter().flatten() {
            if let Some(parked) = parked.take() {
                let _ = parked.send(execution.clone());
            }
        }
        Ok(true)
    }

    async fn park_caller(&self, context: &CallContext, caller: &ParkedCaller) -> Result<Option<Reply>> {
        let mut state = self.state();
        if let Some(reply) = state.replies.get(&context.call_id) {
            return Ok(Some(reply.clone()));
        }
        let until = context.deadline + PARKED_KEPT_AFTER_DEADLINE_MS;
        state.callers.insert(context.call_id.clone(), (context.key()?, caller.clone(), until));
        Ok(None)
    }

    async fn resumed(&self, _key: &FunctionKey, _resumes: &[Resume]) -> Result<()> {
        Ok(()) // taken off the function's queue when read
    }

    async fn is_answered(&self, context: &CallContext) -> Result<bool> {
        Ok(self.state().replies.contains_key(&context.call_id))
    }

    async fn stored_answer(&self, context: &CallContext) -> Result<Option<Reply>> {
        Ok(self.state().replies.get(&context.call_id).cloned())
    }

    async fn retry(&self, key: &FunctionKey, _consumer: &str, context: &CallContext, attempt: u32) -> Result<()> {
        self.state().function(key).taken.insert(context.call_id.clone(), attempt);
        Ok(())
    }

    async fn beat(&self, key: &FunctionKey, consumer: &str) -> Result<Beat> {
        let now = now_ms();
        let mut state = self.state();
        state.function(key).consumers.insert(consumer.to_string(), now);
        // Consumers share this process's fate: nobody dies alone, so nothing to reclaim. Calls
        // whose deadline passed while parked are timed out, and their executions stopped.
        let past: Vec<(String, ExecutionRef)> = state
            .parked
            .iter()
            .filter(|(_, (of, _, deadline))| of == key && *deadline <= now)
            .map(|(id, (_, execution, _))| (id.clone(), execution.clone()))
            .collect();
        let mut expired = Vec::new();
        let ttl = self.settings.reply_ttl;
        for (call_id, execution) in past {
            state.parked.remove(&call_id);
            state.store(&call_id, &Reply::timed_out(PARKED_PAST_DEADLINE), ttl);
            if !execution.execution_id.is_empty() {
                expired.push(Expired { call_id, execution });
            }
        }
        Ok(Beat { expired, ..Beat::default() })
    }

    async fn release(&self, key: &FunctionKey, _consumer: &str, calls: Vec<Delivered>) -> Result<()> {
        let mut state = self.state();
        let function = state.function(key);
        for delivered in calls.into_iter().rev() {
            if let Ok(call) = delivered.call {
                function.taken.remove(&call.id);
                function.queue.push_front(call);
                function.arrived.notify_one();
            }
        }
        Ok(())
    }

    async fn dead_letter(&self, _key: &FunctionKey, _letter: &DeadLetter<'_>) -> Result<()> {
        // Memory never holds an entry it cannot read.
        Ok(())
    }

    async fn reader(&self, key: &FunctionKey, _consumer: &str) -> Result<Box<dyn Reader>> {
        let arrived = self.state().function(key).arrived.clone();
        Ok(Box::new(MemoryReader { state: self.state.clone(), key: key.clone(), arrived }))
    }
}

/// Reads one function's queue.
struct MemoryReader {
    state: Arc<Mutex<State>>,
    key: FunctionKey,
    arrived: Arc<Notify>,
}

impl MemoryReader {
    fn take(&self, count: usize) -> Reading {
        let mut state = lock(&self.state);
        let function = state.function(&self.key);
        let mut reading = Reading::default();
        while reading.calls.len() < count {
            let Some(call) = function.queue.pop_front() else { break };
            let attempt = function.taken.entry(call.id.clone()).or_insert(0);
            *attempt += 1;
            reading.calls.push(Delivered { entry_id: String::new(), attempt: *attempt, call: Ok(call) });
        }
        let resumes = function.resumes.len().min(count);
        reading.resumes.extend(function.resumes.drain(..resumes));
        if !function.queue.is_empty() || !function.resumes.is_empty() {
            // Leave a wake-up for the next reader: more are waiting.
            function.arrived.notify_one();
        }
        reading
    }
}

#[async_trait]
impl Reader for MemoryReader {
    async fn read(&mut self, count: usize, cancel: &CancellationToken) -> Result<Reading> {
        loop {
            let arrived = self.arrived.notified();
            let taken = self.take(count);
            if !taken.calls.is_empty() || !taken.resumes.is_empty() {
                return Ok(taken);
            }
            tokio::select! {
                _ = cancel.cancelled() => return Ok(Reading::default()),
                _ = arrived => {}
            }
        }
    }
}
