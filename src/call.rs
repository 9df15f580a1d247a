//! Calling a function: validate against its current definition, send, wait for the
//! answer until the deadline, and explain every way that can fail.
//!
//! A caller inside n8n can also run the call itself, in its own process, when waiting for
//! another process could starve its worker (`Policy`): a caller keeps its worker slot
//! while it waits, and the function's execution needs a slot of its own. Such a call is
//! either never queued (this process already has as many calls waiting on other processes
//! as its worker can spare slots for), or taken back when no execution has started it in
//! time. Either way the caller's `next()` hands the call to JS to run (`Step::Run`), and
//! `ran()` reports how that run ended.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex, MutexGuard};
use std::time::Duration;

use serde_json::Value;
use tokio::sync::oneshot;
use tokio::time::Instant;

use crate::access;
use crate::backend::{GaveUp, Placement, Sent, TakeBack, Waiting};
use crate::engine::{Engine, KnownDefinition};
use crate::error::{EngineError, Result};
use crate::keys::FunctionKey;
use crate::observe::metrics::CallMeter;
use crate::protocol::{
    now_ms, workflow_label, Args, Call, CallContext, Caller, ExecutionRef, FunctionDef, Reply, GLOBAL_SCOPE,
    PROTOCOL_VERSION,
};
use crate::serve::{IncomingCall, NO_RETURN};

/// The longest wait a call may ask for.
const MAX_TIMEOUT: Duration = Duration::from_secs(24 * 3600);
/// Longest idempotency key accepted, in bytes.
const MAX_IDEMPOTENCY_KEY: usize = 1024;
/// Names the ids of idempotent calls: the same function and key always give the same id.
const IDEMPOTENT_CALLS: uuid::Uuid = uuid::Uuid::from_u128(0x6e38_6e2d_6675_6e63_7469_6f6e_732d_6964);
/// Runner names of callers running their own calls start with this (see `answer.lua`).
pub const CALLER_RUNNER_PREFIX: &str = "caller:";

/// The execution slots of this process that a caller holds while it waits for another
/// process to run its calls, with how many calls each waits for. Worker slots belong to the
/// process, so this counts across every engine of it.
static SLOTS_WAITING: LazyLock<Mutex<HashMap<String, usize>>> = LazyLock::new(Default::default);

fn slots_waiting() -> MutexGuard<'static, HashMap<String, usize>> {
    SLOTS_WAITING.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Counts one call in `SLOTS_WAITING` while it lives.
struct WaitingOnOthers {
    slot: String,
}

impl WaitingOnOthers {
    /// Counts a call of `slot` if the slot already waits, or if another slot may wait:
    /// false when the call must run here instead.
    fn enter(slot: &str, remote_limit: usize) -> Option<Self> {
        let mut slots = slots_waiting();
        if !slots.contains_key(slot) && slots.len() >= remote_limit {
            return None;
        }
        *slots.entry(slot.to_string()).or_insert(0) += 1;
        Some(Self { slot: slot.to_string() })
    }
}

impl Drop for WaitingOnOthers {
    fn drop(&mut self) {
        let mut slots = slots_waiting();
        if let Some(count) = slots.get_mut(&self.slot) {
            *count -= 1;
            if *count == 0 {
                slots.remove(&self.slot);
            }
        }
    }
}

/// When a caller runs a call itself rather than wait for another process to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    /// How many of this process's slots may wait on other processes at once; a call from
    /// another slot runs here instead. (A slot that waits already may send more calls.)
    pub remote_limit: usize,
    /// The execution slot the caller holds: its execution, or the one it runs inside.
    pub slot: String,
    /// A queued call no execution has started within this long is taken back and run here.
    pub take_back_after: Duration,
}

/// What a caller does next.
#[derive(Debug)]
pub enum Step {
    /// The function's answer.
    Value(Value),
    /// Run this call in this process now, then report with `ran()`.
    Run(Box<HereCall>),
}

/// A call for its caller to run: the function's workflow, started at its Function node.
#[derive(Debug, Clone)]
pub struct HereCall {
    pub call: IncomingCall,
    pub workflow_id: String,
    /// The Function node (n8n's `INode`) that published the definition.
    pub start_node: Value,
}

/// What to call, as the caller asks.
pub struct Request {
    pub key: FunctionKey,
    pub items: Vec<Args>,
    pub timeout: Duration,
    pub idempotency_key: Option<String>,
    /// The n8n execution making the call.
    pub parent: Option<ExecutionRef>,
    /// The name of the workflow the scope names, when the caller knows it (for messages).
    pub scope_name: Option<String>,
    /// None: only Function triggers run it (callers outside n8n).
    pub policy: Option<Policy>,
    /// The workflow calling, checked against the function's caller policy. None: a caller
    /// outside n8n, which only functions that any workflow may call let in.
    pub caller: Option<Caller>,
}

impl Request {
    /// A call that only Function triggers run, with no idempotency key.
    pub fn new(key: FunctionKey, items: Vec<Args>, timeout: Duration) -> Self {
        Self { key, items, timeout, idempotency_key: None, parent: None, scope_name: None, policy: None, caller: None }
    }
}

/// One call from its sending to its answer.
pub struct Outgoing {
    engine: Arc<Engine>,
    request: Request,
    state: State,
    /// The function's execution that answered, when the answer named one.
    answered_by: Option<ExecutionRef>,
    meter: CallMeter,
}

/// Sent, waiting for the answer.
struct Pending {
    call: Call,
    /// Stream entry ("" when never queued or taken back).
    entry_id: String,
    who: Waiting,
    reply: oneshot::Receiver<Reply>,
    def: FunctionDef,
    /// The definition version the call was sent with.
    version: String,
}

enum State {
    New,
    /// Queued for a Function trigger; `take_back_at` while no execution is known to run it.
    Queued {
        pending: Pending,
        take_back_at: Option<Instant>,
        counted: Option<WaitingOnOthers>,
    },
    /// Handed to JS to run here (`attempt` counts the runs).
    RunningHere {
        pending: Pending,
        attempt: u32,
    },
    /// Waiting for an answer that no longer depends on this process's runs.
    Waiting {
        pending: Pending,
    },
    Done,
}

/// The call's id: random (UUID version 4), or derived from its idempotency key (version 5)
/// so that every caller with the same key for the same function meets the same call.
/// `CallContext::is_idempotent` tells the two apart by that version.
fn call_id(key: &FunctionKey, idempotency_key: Option<&str>) -> Result<String> {
    let Some(idempotency_key) = idempotency_key else { return Ok(uuid::Uuid::new_v4().simple().to_string()) };
    if idempotency_key.is_empty() || idempotency_key.len() > MAX_IDEMPOTENCY_KEY {
        return Err(EngineError::InvalidArguments(format!(
            "The idempotency key of the call to function '{}' must be 1 to {MAX_IDEMPOTENCY_KEY} bytes long, got {}.",
            key.name,
            idempotency_key.len()
        )));
    }
    let name = format!("{}\n{idempotency_key}", key.as_string());
    Ok(uuid::Uuid::new_v5(&IDEMPOTENT_CALLS, name.as_bytes()).simple().to_string())
}

/// Calls a function and waits for its answer; only Function triggers run it.
pub async fn call(engine: Arc<Engine>, request: Request) -> Result<Value> {
    let mut outgoing = Outgoing::new(engine, Request { policy: None, ..request });
    match outgoing.next().await? {
        Step::Value(value) => Ok(value),
        Step::Run(_) => Err(EngineError::Internal("A call without a policy was handed back to run".into())),
    }
}

impl Outgoing {
    /// No I/O: the call is sent by the first `next()`.
    pub fn new(engine: Arc<Engine>, request: Request) -> Self {
        let meter = CallMeter::start(engine.metrics(), &request.key);
        Self { engine, request, state: State::New, answered_by: None, meter }
    }

    /// Sends the call (the first time) and waits: resolves with the answer, or with the
    /// call for this process to run.
    pub async fn next(&mut self) -> Result<Step> {
        let step = self.advance().await;
        self.meter.saw(step.as_ref().map(|step| matches!(step, Step::Value(_))));
        step
    }

    async fn advance(&mut self) -> Result<Step> {
        loop {
            match std::mem::replace(&mut self.state, State::Done) {
                State::New => {
                    if let Some(step) = self.send().await? {
                        return Ok(step);
                    }
                }
                State::Queued { pending, take_back_at, counted } => {
                    return self.wait_queued(pending, take_back_at, counted).await;
                }
                State::RunningHere { pending, .. } | State::Waiting { pending } => {
                    return self.wait(pending).await.map(Step::Value);
                }
                State::Done => {
                    return Err(EngineError::Internal(format!(
                        "The call to function '{}' is over; make a new call.",
                        self.request.key.name
                    )))
                }
            }
        }
    }

    /// The run `next()` handed out has ended, failed with `error` if it did. Resolves with
    /// the answer, or with the call to run again (the function allows more attempts).
    pub async fn ran(&mut self, error: Option<String>) -> Result<Step> {
        let step = self.run_ended(error).await;
        self.meter.saw(step.as_ref().map(|step| matches!(step, Step::Value(_))));
        step
    }

    async fn run_ended(&mut self, error: Option<String>) -> Result<Step> {
        let State::RunningHere { pending, attempt } = std::mem::replace(&mut self.state, State::Done) else {
            return self.advance().await;
        };
        let context = self.context(&pending.call);
        let answered_here = self.engine.held().release(&context.call_id).is_some_and(|held| held.answered);
        if answered_here || self.engine.backend().is_answered(&context).await? {
            return self.wait(pending).await.map(Step::Value);
        }
        let backend = self.engine.backend().clone();
        let reply = match error.filter(|e| !e.trim().is_empty()) {
            None => Reply::failed(NO_RETURN),
            Some(reason) if attempt >= pending.def.max_attempts => {
                let reason = crate::serve::exhausted(reason, attempt, backend.settings());
                let entry =
                    crate::backend::Delivered { entry_id: String::new(), attempt, call: Ok(pending.call.clone()) };
                backend.dead_letter(&self.request.key, &entry, &reason).await?;
                Reply::failed(reason)
            }
            Some(_) if pending.call.deadline > now_ms() => {
                self.meter.retried();
                let step = self.hand_out(&pending, attempt + 1);
                self.state = State::RunningHere { pending, attempt: attempt + 1 };
                return Ok(step);
            }
            Some(reason) => Reply::failed(reason),
        };
        backend.answer(&context, &reply).await?;
        self.wait(pending).await.map(Step::Value)
    }

    /// Validates and sends; `Some(step)` when the caller runs the call itself.
    async fn send(&mut self) -> Result<Option<Step>> {
        let Request { key, items, timeout, idempotency_key, parent, policy, caller, .. } = &self.request;
        let timeout = *timeout;
        if timeout.is_zero() || timeout > MAX_TIMEOUT {
            return Err(EngineError::InvalidOptions(format!(
                "The timeout must be between 1 ms and 24 h, got {} ms.",
                timeout.as_millis()
            )));
        }
        if items.is_empty() {
            return Err(EngineError::InvalidArguments(format!(
                "The call to function '{}' has no items to send.",
                key.name
            )));
        }
        let backend = self.engine.backend().clone();
        let deadline = now_ms() + timeout.as_millis() as u64;
        let reply_to = backend.reply_to().await?;
        let id = call_id(key, idempotency_key.as_deref())?;
        let idempotent = idempotency_key.is_some();
        let mut known = self.engine.known_definition(key);
        // The definition this process remembers may be old: arguments it refuses are checked
        // again against the current one before the caller hears they are wrong.
        let mut remembered = known.is_some();
        // The second round only happens when the definition changed since this process last
        // saw it; a third means it is changing right now, and the call is simply sent.
        for _ in 0..3 {
            let (version, checked) = match &known {
                Some(known) => match access::admit(&known.def, caller.as_ref(), items.clone()) {
                    Ok(checked) => (known.version.clone(), checked),
                    Err(_) if remembered => (String::new(), items.clone()),
                    Err(refused) => return Err(refused),
                },
                None => (String::new(), items.clone()),
            };
            remembered = false;
            let call = Call {
                v: PROTOCOL_VERSION,
                id: id.clone(),
                items: checked,
                deadline,
                reply_to: reply_to.clone(),
                parent: parent.clone(),
                caller: caller.clone(),
            };
            let json = serde_json::to_string(&call).map_err(|e| EngineError::Internal(e.to_string()))?;
            let limit = backend.settings().max_payload_bytes;
            if json.len() > limit {
                return Err(EngineError::PayloadTooLarge(format!(
                    "The call to function '{}' is {} bytes of JSON, over the limit of {limit} bytes (N8N_FUNCTIONS_MAX_PAYLOAD_BYTES). Send less data per call, or raise the limit on every n8n process.",
                    key.name,
                    json.len()
                )));
            }
            // A caller runs a function itself only when it knows the function's node, that is
            // when it validated against the current definition.
            let runnable_here = known.as_ref().is_some_and(|k| k.def.start_node.is_some() && !version.is_empty());
            let policy = policy.as_ref().filter(|_| runnable_here);
            let counted = policy.map(|policy| WaitingOnOthers::enter(&policy.slot, policy.remote_limit));
            let here = matches!(counted, Some(None));
            let placement =
                if here { Placement::Here { runner: self.engine.caller_runner() } } else { Placement::Queue };
            let who = if idempotent { Waiting::IdempotentSender } else { Waiting::Sender };
            let sent = backend.send(key, &call, &json, &version, idempotent, placement).await?;
            let pending = |entry_id: String, who: Waiting, reply: oneshot::Receiver<Reply>, def: FunctionDef| Pending {
                call: call.clone(),
                entry_id,
                who,
                reply,
                def,
                version: version.clone(),
            };
            match sent {
                Sent::Queued { entry_id, reply } => {
                    self.state = State::Queued {
                        pending: pending(entry_id, who, reply, described(known, key)),
                        take_back_at: policy.map(|policy| Instant::now() + policy.take_back_after),
                        counted: counted.flatten(),
                    };
                    return Ok(None);
                }
                Sent::Here { reply } => {
                    let pending = pending(String::new(), who, reply, described(known, key));
                    let step = self.hand_out(&pending, 1);
                    self.state = State::RunningHere { pending, attempt: 1 };
                    return Ok(Some(step));
                }
                Sent::Joined { reply } => {
                    self.state = State::Waiting {
                        pending: pending(String::new(), Waiting::Joined, reply, described(known, key)),
                    };
                    return Ok(None);
                }
                Sent::Answered(reply) => return self.conclude(reply).map(|v| Some(Step::Value(v))),
                Sent::Stale(def) => {
                    known = Some(self.engine.remember_definition(key, def));
                    continue;
                }
                Sent::Missing => {
                    self.engine.forget_definition(key);
                    return Err(not_found(&self.engine, key, self.request.scope_name.as_deref()).await);
                }
                Sent::Inactive { deactivated: true, .. } => {
                    return Err(EngineError::FunctionInactive(described(known, key).deactivated_message()));
                }
                Sent::Inactive { last_seen, .. } => {
                    let def = described(known, key);
                    return Err(EngineError::FunctionInactive(format!(
                        "The {} is not active: no Function trigger has run it {}. Activate workflow {} (or start n8n's main process) and call again.",
                        def.describe(),
                        match last_seen {
                            Some(seen) => format!("for {}", ago(now_ms().saturating_sub(seen))),
                            None => "yet".to_string(),
                        },
                        workflow_label(&def.workflow_name, &def.workflow_id)
                    )));
                }
            }
        }
        Err(EngineError::Internal(format!(
            "The definition of function '{}' kept changing while calling it; call again.",
            key.name
        )))
    }

    /// Waits for a queued call; takes it back when no execution started it in time.
    async fn wait_queued(
        &mut self,
        mut pending: Pending,
        mut take_back_at: Option<Instant>,
        counted: Option<WaitingOnOthers>,
    ) -> Result<Step> {
        let deadline = deadline_instant(pending.call.deadline);
        while let Some(at) = take_back_at.filter(|at| *at < deadline) {
            tokio::select! {
                reply = &mut pending.reply => return self.settle(pending, reply.ok()).await.map(Step::Value),
                _ = tokio::time::sleep_until(at) => {}
            }
            let caller = self.engine.caller_runner().to_string();
            let backend = self.engine.backend().clone();
            // Calls of the function that started since this wait began: its executions move.
            let progress_since = now_ms().saturating_sub(self.take_back_after().as_millis() as u64);
            let taken = backend
                .take_back(
                    &self.request.key,
                    &pending.call,
                    &pending.entry_id,
                    &caller,
                    &pending.version,
                    progress_since,
                )
                .await;
            match taken {
                Ok(TakeBack::Taken { changed }) => {
                    drop(counted);
                    pending.entry_id = String::new();
                    if let Some(def) = changed {
                        // Changed while the call waited: the current definition decides, as
                        // a trigger's does for the calls it takes.
                        pending.def = self.engine.remember_definition(&self.request.key, def).def.clone();
                        match access::admit(&pending.def, pending.call.caller.as_ref(), pending.call.items.clone()) {
                            Ok(items) => pending.call.items = items,
                            Err(wrong) => {
                                let reason = format!("the function changed while the call waited. {wrong}");
                                backend.answer(&self.context(&pending.call), &Reply::failed(reason)).await?;
                                return self.wait(pending).await.map(Step::Value);
                            }
                        }
                    }
                    let step = self.hand_out(&pending, 1);
                    self.state = State::RunningHere { pending, attempt: 1 };
                    return Ok(step);
                }
                Ok(TakeBack::Started { .. }) => take_back_at = None,
                // Waiting for its trigger to come back, not for a slot: look again later.
                Ok(TakeBack::Unserved | TakeBack::Progressing) => {
                    take_back_at = Some(Instant::now() + self.take_back_after())
                }
                Ok(TakeBack::Answered(reply)) => {
                    return self.conclude(reply).map(Step::Value);
                }
                // Redis is out for a moment: the call stays queued; look again shortly.
                Err(_) => take_back_at = Some(Instant::now() + Duration::from_millis(250)),
            }
        }
        drop(counted);
        self.wait(pending).await.map(Step::Value)
    }

    /// Waits for the answer until the deadline.
    async fn wait(&mut self, mut pending: Pending) -> Result<Value> {
        let deadline = deadline_instant(pending.call.deadline);
        let reply = match tokio::time::timeout_at(deadline, &mut pending.reply).await {
            Ok(reply) => reply.ok(),
            Err(_) => None,
        };
        self.settle(pending, reply).await
    }

    /// The answer, or at the deadline what `give_up` finds.
    async fn settle(&mut self, pending: Pending, reply: Option<Reply>) -> Result<Value> {
        if let Some(reply) = reply {
            return self.conclude(reply);
        }
        let key = &self.request.key;
        let timeout = self.request.timeout;
        let message = timeout_message(&pending.def, timeout, None, None);
        let who = pending.who;
        match self.engine.backend().give_up(key, &pending.call, &pending.entry_id, &message, who).await? {
            GaveUp::Answered(reply) => self.conclude(reply),
            GaveUp::TimedOut { runner, .. } if who == Waiting::Joined => Err(EngineError::CallTimeout(format!(
                "{} A call with the same idempotency key is still running; calling again with that key waits for it.",
                timeout_message(&pending.def, timeout, Some(true), runner.as_deref())
            ))),
            GaveUp::TimedOut { picked_up, runner } => Err(EngineError::CallTimeout(timeout_message(
                &pending.def,
                timeout,
                Some(picked_up),
                runner.as_deref(),
            ))),
        }
    }

    /// The function's execution that answered, once the call has its answer.
    pub fn answered_by(&self) -> Option<&ExecutionRef> {
        self.answered_by.as_ref()
    }

    /// What the caller gets from the answer.
    fn conclude(&mut self, reply: Reply) -> Result<Value> {
        self.answered_by = reply.execution.clone();
        reply.into_result(&self.request.key.name)
    }

    fn take_back_after(&self) -> Duration {
        self.request.policy.as_ref().map_or(Duration::from_secs(1), |policy| policy.take_back_after)
    }

    /// The call as JS runs it here: its items and a context that says this caller runs it.
    fn hand_out(&self, pending: &Pending, attempt: u32) -> Step {
        let mut context = self.context(&pending.call);
        context.runner = Some(self.engine.caller_runner().to_string());
        context.attempt = Some(attempt);
        let incoming =
            IncomingCall { context, items: pending.call.items.clone(), attempt, caller: pending.call.caller.clone() };
        self.engine.held().hold(self.engine.caller_runner(), incoming.clone());
        Step::Run(Box::new(HereCall {
            call: incoming,
            workflow_id: pending.def.workflow_id.clone(),
            start_node: pending.def.start_node.clone().unwrap_or(Value::Null),
        }))
    }

    fn context(&self, call: &Call) -> CallContext {
        CallContext {
            v: PROTOCOL_VERSION,
            call_id: call.id.clone(),
            function: self.request.key.as_string(),
            entry_id: String::new(),
            reply_to: call.reply_to.clone(),
            deadline: call.deadline,
            runner: None,
            parent: call.parent.clone(),
            attempt: None,
        }
    }
}

impl Drop for Outgoing {
    fn drop(&mut self) {
        if let State::RunningHere { pending, .. } = &self.state {
            self.engine.held().release(&pending.call.id);
        }
    }
}

fn deadline_instant(deadline: u64) -> Instant {
    Instant::now() + Duration::from_millis(deadline.saturating_sub(now_ms()))
}

/// The definition that error messages describe: the known one, or what the key tells.
fn described(known: Option<Arc<KnownDefinition>>, key: &FunctionKey) -> FunctionDef {
    known.map(|known| known.def.clone()).unwrap_or_else(|| placeholder(key))
}

fn placeholder(key: &FunctionKey) -> FunctionDef {
    FunctionDef {
        name: key.name.clone(),
        scope: key.scope.clone(),
        description: String::new(),
        parameters: Vec::new(),
        workflow_id: if key.scope == GLOBAL_SCOPE { String::new() } else { key.scope.clone() },
        workflow_name: String::new(),
        node_name: String::new(),
        max_attempts: crate::protocol::DEFAULT_MAX_ATTEMPTS,
        start_node: None,
        access: Default::default(),
    }
}

/// Where a runner is, for messages: "process 4711 on host n8n-worker-1".
fn describe_runner(runner: &str) -> String {
    let name = runner.strip_prefix(CALLER_RUNNER_PREFIX).unwrap_or(runner);
    let mut parts = name.split(':');
    match (parts.next(), parts.next()) {
        (Some(host), Some(pid)) => format!("process {pid} on host {host}"),
        _ => format!("'{name}'"),
    }
}

fn timeout_message(def: &FunctionDef, timeout: Duration, picked_up: Option<bool>, runner: Option<&str>) -> String {
    let seconds = format!("{:.1}", timeout.as_secs_f64()).trim_end_matches(".0").to_string();
    let head = format!("The {} did not answer within {seconds} s", def.describe());
    let workflow = workflow_label(&def.workflow_name, &def.workflow_id);
    let stuck = format!("Check the executions of workflow {workflow} for a slow or stuck node, or raise the timeout.");
    match (picked_up, runner) {
        (_, Some(runner)) if runner.starts_with(CALLER_RUNNER_PREFIX) => format!(
            "{head}: the caller ran it in its own n8n process ({}), and its execution has not reached Return from Function. {stuck}",
            describe_runner(runner)
        ),
        (_, Some(runner)) => format!(
            "{head}: a Function trigger took the call, but its execution has not reached Return from Function; it was running in {}. {stuck}",
            describe_runner(runner)
        ),
        (Some(true) | None, None) => format!(
            "{head}: a Function trigger took the call, but its execution has not reached Return from Function; it had not started yet, waiting for a free worker slot. Check that the workers are running and not all busy with long executions, or raise the timeout."
        ),
        (Some(false), None) => format!(
            "{head}: no running Function trigger took the call. Check that workflow {workflow} is active and that n8n's main process and workers are running."
        ),
    }
}

async fn not_found(engine: &Engine, key: &FunctionKey, scope_name: Option<&str>) -> EngineError {
    let others = engine.backend().list(Some(&key.scope)).await.unwrap_or_default();
    let names: Vec<String> = others.iter().map(|f| format!("'{}'", f.def.name)).collect();
    let place = if key.scope == GLOBAL_SCOPE {
        format!("No global function '{}' is defined", key.name)
    } else {
        let name =
            others.first().map(|f| f.def.workflow_name.clone()).or(scope_name.map(String::from)).unwrap_or_default();
        format!("No function '{}' is defined in workflow {}", key.name, workflow_label(&name, &key.scope))
    };
    let known = match (names.is_empty(), key.scope == GLOBAL_SCOPE) {
        (true, true) => "there are no global functions yet".to_string(),
        (true, false) => "none is defined there yet".to_string(),
        (false, true) => format!("global functions: {}", names.join(", ")),
        (false, false) => format!("defined there: {}", names.join(", ")),
    };
    EngineError::FunctionNotFound(format!(
        "{place} ({known}). Check the function's name, and that the workflow defining it was activated at least once."
    ))
}

fn ago(ms: u64) -> String {
    let seconds = ms / 1000;
    match seconds {
        0..=119 => format!("{seconds} s"),
        120..=7199 => format!("{} min", seconds / 60),
        7200..=172_799 => format!("{} h", seconds / 3600),
        _ => format!("{} days", seconds / 86_400),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timeouts_say_where_the_call_stuck() {
        let def = placeholder(&FunctionKey::new("wf9", "slow").unwrap());
        let never = timeout_message(&def, Duration::from_millis(1500), Some(false), None);
        assert!(never.contains("within 1.5 s: no running Function trigger took the call"), "{never}");
        let queued = timeout_message(&def, Duration::from_secs(30), Some(true), None);
        let waiting = "within 30 s: a Function trigger took the call, but its execution has not reached Return from Function; it had not started yet, waiting for a free worker slot";
        assert!(queued.contains(waiting), "{queued}");
        let running = timeout_message(&def, Duration::from_secs(30), Some(true), Some("worker-2:4711:ab12cd34"));
        assert!(
            running.contains("not reached Return from Function; it was running in process 4711 on host worker-2"),
            "{running}"
        );
        let here = timeout_message(&def, Duration::from_secs(30), Some(true), Some("caller:main:12:ab12cd34"));
        assert!(here.contains("the caller ran it in its own n8n process (process 12 on host main)"), "{here}");
    }

    #[test]
    fn only_idempotent_calls_can_have_joined_callers() {
        let key = FunctionKey::new("__global__", "add").unwrap();
        let context = |call_id: String| crate::protocol::CallContext {
            v: PROTOCOL_VERSION,
            call_id,
            function: key.as_string(),
            entry_id: String::new(),
            reply_to: "inbox".into(),
            deadline: 0,
            runner: None,
            parent: None,
            attempt: None,
        };
        assert!(!context(call_id(&key, None).unwrap()).is_idempotent());
        assert!(context(call_id(&key, Some("order-17")).unwrap()).is_idempotent());
        assert!(!context("not-a-uuid".into()).is_idempotent());
    }

    #[test]
    fn ages_read_naturally() {
        assert_eq!(ago(5_000), "5 s");
        assert_eq!(ago(600_000), "10 min");
        assert_eq!(ago(3 * 86_400_000), "3 days");
    }
}
