//! One call from its sending to its answer: `next()` sends it and waits, handing the call
//! back to JS when the caller must run it itself; `ran()` reports such a run's end, which
//! `Runs` decides on as it does for every run. When the function's execution parks (a
//! Wait, an approval, a form), the caller hears it (`Step::Parked`) and either parks its
//! own execution (`park()`) or waits in place (`wait_in_place()`), holding its slot.

use std::time::Duration;

use serde_json::Value;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use super::messages;
use super::send::{self, Pending, Sending};
use super::slots::WaitingOnOthers;
use super::{Calling, Request};
use crate::backend::{GaveUp, TakeBack, Waiting};
use crate::error::{EngineError, Result};
use crate::observe::metrics::CallMeter;
use crate::protocol::{
    now_ms, CallContext, ExecutionRef, FunctionDef, IncomingCall, ParkedCaller, Reply, PROTOCOL_VERSION,
};
use crate::runs::{Ended, Holder};

/// How long a queued call waits for an execution to start it before it is taken back,
/// when the caller's policy does not say.
const TAKE_BACK_AFTER: Duration = Duration::from_secs(1);
/// How soon a take-back is tried again while Redis is out for a moment.
const TAKE_BACK_RETRY: Duration = Duration::from_millis(250);

/// What a caller does next.
#[derive(Debug)]
pub enum Step {
    /// The function's answer.
    Value(Value),
    /// Run this call in this process now, then report with `ran()`.
    Run(Box<HereCall>),
    /// The function's execution parked: `park()` the caller, or `wait_in_place()`.
    Parked(ExecutionRef),
}

/// A call for its caller to run: the function's workflow, started at its Function node.
#[derive(Debug, Clone)]
pub struct HereCall {
    pub call: IncomingCall,
    pub workflow_id: String,
    /// The Function node (n8n's `INode`) that published the definition.
    pub start_node: Value,
}

pub struct Outgoing {
    calling: Calling,
    request: Request,
    state: State,
    /// The call as the caller's node records it, once sent.
    context: Option<CallContext>,
    /// The function's execution that answered, when the answer named one.
    answered_by: Option<ExecutionRef>,
    meter: CallMeter,
    /// Fired when the caller is stopped (n8n's Stop): the call stops waiting at once.
    stopped: CancellationToken,
}

enum State {
    New,
    /// Handed to JS to run here as `run`.
    RunningHere(Box<(Pending, IncomingCall)>),
    /// The function's execution parked; the caller decides.
    Parked(Box<Pending>),
    /// Answered, parked with its caller, or waiting in a `next()` that resolves with the answer.
    Done,
}

impl Outgoing {
    /// No I/O: the call is sent by the first `next()`.
    pub fn new(calling: Calling, request: Request) -> Self {
        let meter = CallMeter::start(calling.metrics, &request.key);
        let stopped = CancellationToken::new();
        Self { calling, request, state: State::New, context: None, answered_by: None, meter, stopped }
    }

    /// What stops the call's wait when fired (its caller was stopped): the call is then
    /// answered with that, so its function's late answer is refused and a parked execution
    /// of it is stopped. The token is shared, so it can be fired while a step awaits.
    pub fn stopper(&self) -> CancellationToken {
        self.stopped.clone()
    }

    /// Sends the call (the first time) and waits: resolves with the answer, with the call
    /// for this process to run, or with word that the function's execution parked.
    pub async fn next(&mut self) -> Result<Step> {
        let step = self.advance().await;
        self.seen(step)
    }

    async fn advance(&mut self) -> Result<Step> {
        match std::mem::replace(&mut self.state, State::Done) {
            State::New => {
                let sending = send::send(&self.calling, &self.request).await?;
                match sending {
                    Sending::Queued { pending, counted } => {
                        self.context = Some(self.context_of(&pending));
                        let take_back_at = self.request.policy.as_ref().map(|p| Instant::now() + p.take_back_after);
                        self.wait_queued(pending, take_back_at, counted).await
                    }
                    Sending::Here(pending) => {
                        self.context = Some(self.context_of(&pending));
                        Ok(self.hand_out(pending, 1))
                    }
                    Sending::Joined(pending) => {
                        self.context = Some(self.context_of(&pending));
                        self.wait(pending, None).await
                    }
                    Sending::Answered(reply) => self.conclude(reply).map(Step::Value),
                }
            }
            State::RunningHere(running) => self.wait(running.0, None).await,
            State::Parked(pending) => self.wait(*pending, None).await,
            State::Done => Err(self.over()),
        }
    }

    /// The run `next()` handed out has ended, failed with `error` if it did. Resolves with
    /// the answer, or with the call to run again (the function allows more attempts).
    pub async fn ran(&mut self, error: Option<String>) -> Result<Step> {
        let step = self.run_ended(error).await;
        self.seen(step)
    }

    /// Counts the call's end, when `step` is one (its answer, or its error).
    fn seen(&mut self, step: Result<Step>) -> Result<Step> {
        self.meter.saw(step.as_ref().map(|step| matches!(step, Step::Value(_))));
        step
    }

    async fn run_ended(&mut self, error: Option<String>) -> Result<Step> {
        let State::RunningHere(running) = std::mem::replace(&mut self.state, State::Done) else {
            return self.advance().await;
        };
        let (pending, run) = *running;
        match self.calling.runs.ended(&run.context, error).await? {
            Ended::Again(again) => {
                self.meter.retried();
                Ok(self.give_run(pending, *again))
            }
            Ended::Over { .. } => self.wait(pending, None).await,
        }
    }

    /// The run `next()` handed out parked (its `execution` waits at a Wait, an approval, a
    /// form): `Step::Parked`, or the answer when it has one already.
    pub async fn ran_parked(&mut self, execution: Option<ExecutionRef>) -> Result<Step> {
        let State::RunningHere(running) = std::mem::replace(&mut self.state, State::Done) else {
            return self.next().await;
        };
        let (mut pending, run) = *running;
        if !self.calling.runs.parked(&run.context, execution.as_ref()).await? {
            let answered = self.wait(pending, None).await; // answered meanwhile
            return self.seen(answered);
        }
        pending.parked = None;
        let execution =
            execution.unwrap_or_else(|| ExecutionRef { execution_id: String::new(), workflow_id: String::new() });
        self.state = State::Parked(Box::new(pending));
        Ok(Step::Parked(execution))
    }

    /// The caller parks its own execution while the function's waits: the answer wakes it
    /// through `caller.resume_url`. False when the call has its answer already (then
    /// `next()` resolves with it, and nothing is parked).
    pub async fn park(&mut self, caller: ParkedCaller) -> Result<bool> {
        let State::Parked(pending) = std::mem::replace(&mut self.state, State::Done) else {
            return Err(EngineError::Internal(format!(
                "The call to function '{}' cannot park: its function's execution has not parked.",
                self.request.key.name
            )));
        };
        let context = self.context_of(&pending);
        match self.calling.runs.park_caller(&context, &caller).await? {
            None => {
                self.meter.parked();
                Ok(true)
            }
            Some(reply) => {
                self.state = State::Parked(pending);
                self.answered_by = reply.execution.clone();
                Ok(false)
            }
        }
    }

    /// The caller waits for the answer of a call whose function's execution parked, holding
    /// its slot. Refused at once (CALLER_CANNOT_WAIT) when this process may not let one more
    /// slot wait on other processes: a parked execution resumes in a slot of its own, and
    /// slots that all wait would never free one. `reason`: why the caller cannot park.
    pub async fn wait_in_place(&mut self, reason: &str) -> Result<Step> {
        let State::Parked(pending) = std::mem::replace(&mut self.state, State::Done) else {
            return self.next().await;
        };
        let counted = match &self.request.policy {
            None => None,
            Some(policy) => match WaitingOnOthers::enter(&policy.slot, policy.remote_limit) {
                Some(counted) => Some(counted),
                None => {
                    let refusal = messages::cannot_wait(&pending.def, reason, policy.remote_limit);
                    // Nobody waits for the call now: its timeout stands as the answer.
                    let _ = self.settle(*pending, None).await;
                    return self.seen(Err(EngineError::CallerCannotWait(refusal)));
                }
            },
        };
        let answered = self.wait(*pending, counted).await;
        self.seen(answered)
    }

    /// The call as the caller's node records it (to read its answer after parking).
    pub fn context(&self) -> Option<&CallContext> {
        self.context.as_ref()
    }

    /// The function's execution that answered, once the call has its answer.
    pub fn answered_by(&self) -> Option<&ExecutionRef> {
        self.answered_by.as_ref()
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
                Ok(execution) = parked(&mut pending.parked) => return Ok(self.parked(pending, execution)),
                _ = self.stopped.cancelled() => return self.stop(pending).await,
                _ = tokio::time::sleep_until(at) => {}
            }
            // Calls of the function that started since this wait began: its executions move.
            let progress_since = now_ms().saturating_sub(self.take_back_after().as_millis() as u64);
            let taken = self
                .calling
                .backend
                .take_back(
                    &self.request.key,
                    &pending.call,
                    &pending.entry_id,
                    self.calling.runs.caller_runner(),
                    &pending.version,
                    progress_since,
                )
                .await;
            take_back_at = match taken {
                Ok(TakeBack::Taken { changed }) => {
                    drop(counted);
                    return self.run_taken_back(pending, changed).await;
                }
                Ok(TakeBack::Started { .. }) => None,
                // Waiting for its trigger to come back, not for a slot: look again later.
                Ok(TakeBack::Unserved | TakeBack::Progressing) => Some(Instant::now() + self.take_back_after()),
                Ok(TakeBack::Answered(reply)) => return self.conclude(reply).map(Step::Value),
                // Redis is out for a moment: the call stays queued; look again shortly.
                Err(_) => Some(Instant::now() + TAKE_BACK_RETRY),
            };
        }
        drop(counted);
        self.wait(pending, None).await
    }

    /// Runs a call taken back from the stream here; when the definition changed while it
    /// waited, the current one decides, as a trigger's does for the calls it takes.
    async fn run_taken_back(&mut self, mut pending: Pending, changed: Option<FunctionDef>) -> Result<Step> {
        pending.entry_id = String::new();
        if let Some(def) = changed {
            pending.def = self.calling.definitions.remember(&self.request.key, def).def.clone();
            let context = self.context_of(&pending);
            let caller = pending.call.caller.clone();
            let admitted = self
                .calling
                .runs
                .admit_items(&pending.def, &context, caller.as_ref(), pending.call.items.clone())
                .await?;
            let Some(items) = admitted else { return self.wait(pending, None).await };
            pending.call.items = items;
        }
        Ok(self.hand_out(pending, 1))
    }

    /// Waits for the answer until the deadline, or for word that the function's execution
    /// parked; `counted` counts this slot as waiting meanwhile.
    async fn wait(&mut self, mut pending: Pending, counted: Option<WaitingOnOthers>) -> Result<Step> {
        let deadline = deadline_instant(pending.call.deadline);
        let reply = tokio::select! {
            reply = &mut pending.reply => reply.ok(),
            Ok(execution) = parked(&mut pending.parked) => return Ok(self.parked(pending, execution)),
            _ = self.stopped.cancelled() => return self.stop(pending).await,
            _ = tokio::time::sleep_until(deadline) => None,
        };
        drop(counted);
        self.settle(pending, reply).await.map(Step::Value)
    }

    /// The caller was stopped: it stops waiting, and the call is answered with that.
    async fn stop(&mut self, pending: Pending) -> Result<Step> {
        let outcome = Reply::failed(messages::CALLER_STOPPED);
        let key = &self.request.key;
        match self.calling.backend.give_up(key, &pending.call, &pending.entry_id, &outcome, pending.who).await? {
            GaveUp::Answered(reply) => self.conclude(reply).map(Step::Value),
            GaveUp::TimedOut { .. } => Err(EngineError::FunctionFailed(format!(
                "The call to function '{}' was stopped with its caller's execution.",
                key.name
            ))),
        }
    }

    /// The function's execution parked: the caller decides (`park` or `wait_in_place`).
    fn parked(&mut self, mut pending: Pending, execution: ExecutionRef) -> Step {
        pending.parked = None;
        self.state = State::Parked(Box::new(pending));
        Step::Parked(execution)
    }

    /// The answer, or at the deadline what `give_up` finds.
    async fn settle(&mut self, pending: Pending, reply: Option<Reply>) -> Result<Value> {
        if let Some(reply) = reply {
            return self.conclude(reply);
        }
        let (key, timeout, def, who) = (&self.request.key, self.request.timeout, &pending.def, pending.who);
        let message = Reply::timed_out(messages::timeout(def, timeout, None, None));
        match self.calling.backend.give_up(key, &pending.call, &pending.entry_id, &message, who).await? {
            GaveUp::Answered(reply) => self.conclude(reply),
            GaveUp::TimedOut { runner, .. } if who == Waiting::Joined => {
                Err(EngineError::CallTimeout(messages::joined_timeout(def, timeout, runner.as_deref())))
            }
            GaveUp::TimedOut { picked_up, runner } => {
                Err(EngineError::CallTimeout(messages::timeout(def, timeout, Some(picked_up), runner.as_deref())))
            }
        }
    }

    /// What the caller gets from the answer.
    fn conclude(&mut self, reply: Reply) -> Result<Value> {
        self.answered_by = reply.execution.clone();
        reply.into_result(&self.request.key.name)
    }

    fn over(&self) -> EngineError {
        EngineError::Internal(format!("The call to function '{}' is over; make a new call.", self.request.key.name))
    }

    fn take_back_after(&self) -> Duration {
        self.request.policy.as_ref().map_or(TAKE_BACK_AFTER, |policy| policy.take_back_after)
    }

    /// Hands the call to JS to run here, as its `attempt`-th run.
    fn hand_out(&mut self, pending: Pending, attempt: u32) -> Step {
        let mut context = self.context_of(&pending);
        context.runner = Some(self.calling.runs.caller_runner().to_string());
        context.attempt = Some(attempt);
        let run =
            IncomingCall { context, items: pending.call.items.clone(), attempt, caller: pending.call.caller.clone() };
        self.calling.runs.hand_out(run.clone(), Holder::Caller, pending.def.max_attempts);
        self.give_run(pending, run)
    }

    /// Gives JS `run` (held by `Runs` already) to run here.
    fn give_run(&mut self, pending: Pending, run: IncomingCall) -> Step {
        let step = Step::Run(Box::new(HereCall {
            call: run.clone(),
            workflow_id: pending.def.workflow_id.clone(),
            start_node: pending.def.start_node.clone().unwrap_or(Value::Null),
        }));
        self.state = State::RunningHere(Box::new((pending, run)));
        step
    }

    /// The call's context as this caller knows it.
    fn context_of(&self, pending: &Pending) -> CallContext {
        let call = &pending.call;
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
        if let State::RunningHere(running) = &self.state {
            self.calling.runs.take_back(&running.1.context.call_id);
        }
    }
}

/// Word that the function's execution parked, or never, once heard.
async fn parked(
    receiver: &mut Option<tokio::sync::oneshot::Receiver<ExecutionRef>>,
) -> std::result::Result<ExecutionRef, tokio::sync::oneshot::error::RecvError> {
    match receiver {
        Some(receiver) => receiver.await,
        None => std::future::pending().await,
    }
}

/// When the wall-clock `deadline` (ms) has passed on this process's clock. A millisecond is
/// added because `now_ms` truncates: the wait never ends before the caller's timeout.
fn deadline_instant(deadline: u64) -> Instant {
    Instant::now() + Duration::from_millis((deadline + 1).saturating_sub(now_ms()))
}
