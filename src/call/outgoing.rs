//! One call from its sending to its answer: `next()` sends it and waits, handing the call
//! back to JS when the caller must run it itself; `ran()` reports such a run's end, which
//! `Runs` decides on as it does for every run.

use std::time::Duration;

use serde_json::Value;
use tokio::time::Instant;

use super::messages;
use super::send::{self, Pending, Sending};
use super::slots::WaitingOnOthers;
use super::{Calling, Request};
use crate::backend::{GaveUp, TakeBack, Waiting};
use crate::error::{EngineError, Result};
use crate::observe::metrics::CallMeter;
use crate::protocol::{now_ms, CallContext, ExecutionRef, IncomingCall, Reply, PROTOCOL_VERSION};
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
    /// The function's execution that answered, when the answer named one.
    answered_by: Option<ExecutionRef>,
    meter: CallMeter,
}

enum State {
    New,
    /// Handed to JS to run here as `run`.
    RunningHere(Box<(Pending, IncomingCall)>),
    /// Answered, or waiting in a `next()` that resolves with the answer.
    Done,
}

impl Outgoing {
    /// No I/O: the call is sent by the first `next()`.
    pub fn new(calling: Calling, request: Request) -> Self {
        let meter = CallMeter::start(calling.metrics, &request.key);
        Self { calling, request, state: State::New, answered_by: None, meter }
    }

    /// Sends the call (the first time) and waits: resolves with the answer, or with the
    /// call for this process to run.
    pub async fn next(&mut self) -> Result<Step> {
        let step = self.advance().await;
        self.meter.saw(step.as_ref().map(|step| matches!(step, Step::Value(_))));
        step
    }

    async fn advance(&mut self) -> Result<Step> {
        match std::mem::replace(&mut self.state, State::Done) {
            State::New => match send::send(&self.calling, &self.request).await? {
                Sending::Queued { pending, counted } => {
                    let take_back_at = self.request.policy.as_ref().map(|p| Instant::now() + p.take_back_after);
                    self.wait_queued(pending, take_back_at, counted).await
                }
                Sending::Here(pending) => Ok(self.hand_out(pending, 1)),
                Sending::Joined(pending) => self.wait(pending).await.map(Step::Value),
                Sending::Answered(reply) => self.conclude(reply).map(Step::Value),
            },
            State::RunningHere(running) => self.wait(running.0).await.map(Step::Value),
            State::Done => Err(EngineError::Internal(format!(
                "The call to function '{}' is over; make a new call.",
                self.request.key.name
            ))),
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
        let State::RunningHere(running) = std::mem::replace(&mut self.state, State::Done) else {
            return self.advance().await;
        };
        let (pending, run) = *running;
        match self.calling.runs.ended(&run.context, error).await? {
            Ended::Again(again) => {
                self.meter.retried();
                Ok(self.run_again(pending, *again))
            }
            Ended::Over { .. } => self.wait(pending).await.map(Step::Value),
        }
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
        self.wait(pending).await.map(Step::Value)
    }

    /// Runs a call taken back from the stream here; when the definition changed while it
    /// waited, the current one decides, as a trigger's does for the calls it takes.
    async fn run_taken_back(
        &mut self,
        mut pending: Pending,
        changed: Option<crate::protocol::FunctionDef>,
    ) -> Result<Step> {
        pending.entry_id = String::new();
        if let Some(def) = changed {
            pending.def = self.calling.definitions.remember(&self.request.key, def).def.clone();
            let context = self.context(&pending.call);
            let caller = pending.call.caller.clone();
            let admitted = self
                .calling
                .runs
                .admit_items(&pending.def, &context, caller.as_ref(), pending.call.items.clone())
                .await?;
            let Some(items) = admitted else { return self.wait(pending).await.map(Step::Value) };
            pending.call.items = items;
        }
        Ok(self.hand_out(pending, 1))
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
        let (key, timeout, def, who) = (&self.request.key, self.request.timeout, &pending.def, pending.who);
        let message = messages::timeout(def, timeout, None, None);
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

    fn take_back_after(&self) -> Duration {
        self.request.policy.as_ref().map_or(TAKE_BACK_AFTER, |policy| policy.take_back_after)
    }

    /// Hands the call to JS to run here, as its `attempt`-th run.
    fn hand_out(&mut self, pending: Pending, attempt: u32) -> Step {
        let mut context = self.context(&pending.call);
        context.runner = Some(self.calling.runs.caller_runner().to_string());
        context.attempt = Some(attempt);
        let run =
            IncomingCall { context, items: pending.call.items.clone(), attempt, caller: pending.call.caller.clone() };
        self.calling.runs.hand_out(run.clone(), Holder::Caller, pending.def.max_attempts);
        self.run_again(pending, run)
    }

    /// Gives JS `run` (held by `Runs` already) to run here.
    fn run_again(&mut self, pending: Pending, run: IncomingCall) -> Step {
        let step = Step::Run(Box::new(HereCall {
            call: run.clone(),
            workflow_id: pending.def.workflow_id.clone(),
            start_node: pending.def.start_node.clone().unwrap_or(Value::Null),
        }));
        self.state = State::RunningHere(Box::new((pending, run)));
        step
    }

    fn context(&self, call: &crate::protocol::Call) -> CallContext {
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

fn deadline_instant(deadline: u64) -> Instant {
    Instant::now() + Duration::from_millis(deadline.saturating_sub(now_ms()))
}
