//! The runs of calls in this process, and their one owner. A run is handed to JS by a
//! Function trigger's consumer (`serve`) or by a caller that runs its own call (`call`);
//! an execution here may start a run that another process handed out. Whoever started the
//! execution, `Runs` decides what its end means: answered already, failed, run again,
//! dead-lettered. The wording of every such outcome is in `wording.rs`.

mod held;
mod keep;
mod wording;

use std::sync::Arc;

use crate::access;
use crate::backend::{Backend, DeadLetter, Delivered, Start};
use crate::config::Settings;
use crate::error::Result;
use crate::keys::FunctionKey;
use crate::protocol::{
    now_ms, Args, CallContext, Caller, ExecutionRef, FunctionDef, IncomingCall, ParkedCaller, Reply,
    CALLER_RUNNER_PREFIX, NO_RETURN, PROTOCOL_VERSION,
};

pub use self::held::Holder;
use self::held::{HeldRun, HeldRuns, Released};
use self::keep::Running;
pub use self::wording::describe_runner;

/// What the end of a run leaves to do.
#[derive(Debug)]
pub enum Ended {
    /// Nothing: the call has its answer (`answered_now`: this end gave it).
    Over { answered_now: bool },
    /// The call runs again. A caller hands this run out itself; a consumer's run went back
    /// in line for its Function trigger already.
    Again(Box<IncomingCall>),
}

pub struct Runs {
    backend: Arc<dyn Backend>,
    held: HeldRuns,
    /// The calls whose executions run in this process, kept fresh by its heartbeat.
    running: Arc<Running>,
    /// The runner name of this process's callers running their own calls.
    caller_runner: String,
}

impl Runs {
    pub fn new(backend: Arc<dyn Backend>) -> Arc<Self> {
        let runner = process_name();
        Arc::new(Self {
            caller_runner: format!("{CALLER_RUNNER_PREFIX}{runner}"),
            running: Running::new(backend.clone(), runner),
            backend,
            held: HeldRuns::default(),
        })
    }

    pub fn settings(&self) -> &Settings {
        self.backend.settings()
    }

    /// Who this process's callers are when they run their own calls.
    pub fn caller_runner(&self) -> &str {
        &self.caller_runner
    }

    /// A call a consumer read, ready to hand to JS; None when it cannot run, which this
    /// answers (and dead-letters where it must): unreadable, from a newer protocol, run too
    /// often, past its deadline, or refused by the definition the consumer serves now.
    pub async fn admit(&self, key: &FunctionKey, def: &FunctionDef, entry: Delivered) -> Option<IncomingCall> {
        let call = match entry.call {
            Ok(call) => call,
            Err(reason) => {
                let letter =
                    DeadLetter { entry_id: &entry.entry_id, call: None, attempt: entry.attempt, reason: &reason };
                let _ = self.backend.dead_letter(key, &letter).await;
                return None;
            }
        };
        let context = CallContext {
            v: PROTOCOL_VERSION,
            call_id: call.id.clone(),
            function: key.as_string(),
            entry_id: entry.entry_id.clone(),
            reply_to: call.reply_to.clone(),
            deadline: call.deadline,
            runner: None,
            parent: call.parent.clone(),
            attempt: Some(entry.attempt),
        };
        let refusal = if call.v > PROTOCOL_VERSION {
            Some(Reply::failed(wording::newer_protocol(call.v)))
        } else if entry.attempt > def.max_deliveries() {
            let reason = wording::stopped_too_often(entry.attempt - 1, self.settings());
            let letter =
                DeadLetter { entry_id: &entry.entry_id, call: Some(&call), attempt: entry.attempt, reason: &reason };
            let _ = self.backend.dead_letter(key, &letter).await;
            Some(Reply::failed(reason))
        } else if call.deadline <= now_ms() {
            Some(Reply::timed_out(wording::PAST_DEADLINE))
        } else {
            None
        };
        if let Some(reply) = refusal {
            let _ = self.backend.answer(&context, &reply).await;
            return None;
        }
        let caller = call.caller;
        let items = self.admit_items(def, &context, caller.as_ref(), call.items).await.ok().flatten()?;
        Some(IncomingCall { context, items, attempt: entry.attempt, caller })
    }

    /// The arguments the definition `def` lets a call that waited run with (its defaults
    /// applied): the function may have changed meanwhile. None when it refuses them, and
    /// then the call is answered with why.
    pub async fn admit_items(
        &self,
        def: &FunctionDef,
        context: &CallContext,
        caller: Option<&Caller>,
        items: Vec<Args>,
    ) -> Result<Option<Vec<Args>>> {
        match access::admit(def, caller, items) {
            Ok(items) => Ok(Some(items)),
            Err(wrong) => {
                self.backend.answer(context, &Reply::failed(wording::changed_while_waiting(&wrong))).await?;
                Ok(None)
            }
        }
    }

    /// JS is given the run: its end is reported through `ended`.
    pub fn hand_out(&self, call: IncomingCall, holder: Holder, max_attempts: u32) {
        self.held.hold(HeldRun { call, holder, max_attempts, answered: false });
    }

    /// Forgets a run handed out that will not be reported (its holder is closing).
    pub fn take_back(&self, call_id: &str) {
        self.held.release(call_id);
    }

    /// Forgets the runs a consumer handed out: it is gone.
    pub fn release_consumer(&self, consumer: &str) {
        self.held.release_consumer(consumer);
    }

    /// An execution (`execution`, when n8n gave it an id) begins to run its call (the
    /// Function node's first step): `Run` unless the caller took the call back, another
    /// execution runs it, or it has its answer.
    pub async fn start(&self, context: &CallContext, execution: Option<&ExecutionRef>) -> Result<Start> {
        context.check()?;
        if context.runner.as_deref() == Some(self.caller_runner.as_str()) {
            return Ok(Start::Run); // this process's caller runs its own call
        }
        let started = self.backend.start(context, self.running.runner(), execution).await?;
        if started == Start::Run {
            self.running.add(context.key()?, context.entry_id.clone(), context.call_id.clone());
        }
        Ok(started)
    }

    /// The execution running the call parked (a Wait, an approval, a form): not an end, so
    /// the run stays held; its callers hear of it and may park too. `execution`: the
    /// parked execution, when the reporter knows it (else the one its start recorded).
    /// False when the call has its answer already.
    pub async fn parked(&self, context: &CallContext, execution: Option<&ExecutionRef>) -> Result<bool> {
        context.check()?;
        let parked = self.backend.parked(context, execution).await?;
        // Nobody holds a parked call: its execution's end is no trigger's to report any more,
        // and its stream entry is gone (no takeover may run it again while it waits).
        self.held.release(&context.call_id);
        self.running.forget(&context.key()?, &context.call_id);
        Ok(parked)
    }

    /// The call's caller parks its own execution (see `Backend::park_caller`).
    pub async fn park_caller(&self, context: &CallContext, caller: &ParkedCaller) -> Result<Option<Reply>> {
        context.check()?;
        self.backend.park_caller(context, caller).await
    }

    /// Answers the call; false when it had its answer already (the first answer wins).
    pub async fn answer(&self, context: &CallContext, reply: &Reply) -> Result<bool> {
        context.check()?;
        let stored = self.backend.answer(context, reply).await?;
        if stored {
            self.held.mark_answered(&context.call_id);
        }
        self.running.forget(&context.key()?, &context.call_id);
        Ok(stored)
    }

    /// A run ended, failed with `error` if it did. Unless something answered the call: an
    /// execution that ended without returning answers it with that; a failed one runs again
    /// while the function allows more attempts and the caller still waits, and after the
    /// last attempt goes to the dead letters. The call's caller hears the error at once.
    pub async fn ended(&self, context: &CallContext, error: Option<String>) -> Result<Ended> {
        context.check()?;
        let held = match self.held.release_run(&context.call_id, context.attempt) {
            Released::Stale => return Ok(Ended::Over { answered_now: false }), // an earlier run's end
            Released::Held(held) => Some(*held),
            Released::Unknown => None,
        };
        if held.as_ref().is_some_and(|held| held.answered) {
            return Ok(Ended::Over { answered_now: false });
        }
        let Some(reason) = error.filter(|e| !e.trim().is_empty()) else {
            return self.conclude(context, NO_RETURN.to_string()).await;
        };
        let Some(run) = held else { return self.conclude(context, reason).await };
        // Answered from another process (in queue mode Return from Function runs on a worker):
        // the caller has its answer, so the call neither runs again nor is dead.
        if self.backend.is_answered(context).await? {
            return Ok(Ended::Over { answered_now: false });
        }
        let attempt = run.call.attempt;
        if attempt >= run.max_attempts {
            let reason = wording::exhausted(reason, attempt, self.settings());
            let call = run.call.to_call();
            let letter = DeadLetter { entry_id: &context.entry_id, call: Some(&call), attempt, reason: &reason };
            self.backend.dead_letter(&context.key()?, &letter).await?;
            return self.conclude(context, reason).await;
        }
        let closing = matches!(&run.holder, Holder::Consumer { closing, .. } if closing.is_cancelled());
        if closing || run.call.context.deadline <= now_ms() {
            return self.conclude(context, reason).await;
        }
        self.run_again(run, reason).await
    }

    /// Hands out the run after `run` (its holder takes it: a consumer from its line, a caller
    /// directly); a consumer that closed meanwhile leaves the call failed with `reason`.
    async fn run_again(&self, run: HeldRun, reason: String) -> Result<Ended> {
        let HeldRun { call, holder, max_attempts, .. } = run;
        let mut again = IncomingCall { attempt: call.attempt + 1, ..call };
        again.context.attempt = Some(again.attempt);
        let call_id = again.context.call_id.clone();
        if let Holder::Consumer { name, .. } = &holder {
            // Keeps Redis's delivery count equal to the runs, for a consumer taking it over.
            self.backend.retry(&again.context.key()?, name, &again.context, again.attempt).await?;
        }
        self.hand_out(again.clone(), holder.clone(), max_attempts);
        if let Holder::Consumer { handoff, .. } = holder {
            if handoff.send(again.clone()).await.is_err() {
                self.held.release(&call_id);
                return self.conclude(&again.context, reason).await;
            }
        }
        Ok(Ended::Again(Box::new(again)))
    }

    /// Answers the call with the failure of its run, unless a caller other than the one
    /// that ran it took the call back to run it itself.
    async fn conclude(&self, context: &CallContext, reason: String) -> Result<Ended> {
        let answered_now = self.backend.answer_ended(context, &Reply::failed(reason)).await?;
        if answered_now {
            self.running.forget(&context.key()?, &context.call_id);
        }
        Ok(Ended::Over { answered_now })
    }
}

/// Unique per served function (or engine) and process, "host:pid:random"; readable in
/// XINFO output, and in timeouts that say where a call was running.
pub fn process_name() -> String {
    let host = std::fs::read_to_string("/etc/hostname")
        .ok()
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "n8n".into());
    let id = uuid::Uuid::new_v4().simple().to_string();
    format!("{host}:{}:{}", std::process::id(), &id[..8])
}
