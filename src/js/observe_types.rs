//! The plain objects of `observe.rs`, as JS sees them (index.d.ts is generated from these).

use napi_derive::napi;
use serde_json::Value;

use super::types::ExecutionRef;
use crate::observe::{dead, event, status};

/// One event of a call's or a function's life (see docs/ARCHITECTURE.md, "Event feed").
#[napi(object)]
pub struct FunctionEvent {
    /// Epoch ms, by the recording process's clock.
    pub at: f64,
    /// served, stopped, deactivated, queued, picked-up, started, taken-back, parked,
    /// caller-parked, resumed, returned,
    /// failed, timed-out, reclaimed, dead-lettered or heartbeat-lost.
    pub kind: String,
    /// "<scope>/<name>".
    pub function: String,
    pub call_id: Option<String>,
    /// The consumer or process concerned ("host:pid:id").
    pub who: Option<String>,
    pub attempt: Option<u32>,
    /// The error of a failed call, the reason of a dead letter, how a call was placed.
    pub message: Option<String>,
}

#[napi(object)]
pub struct EventBatch {
    pub events: Vec<FunctionEvent>,
    /// Pass to `watch(from)` to read on from here.
    pub cursor: String,
}

#[napi(object)]
pub struct FunctionStatus {
    pub scope: String,
    pub name: String,
    pub workflow_id: String,
    pub workflow_name: String,
    pub node_name: String,
    /// "name: type" per parameter, "name?: type" when optional.
    pub parameters: Vec<String>,
    /// A Function trigger beat recently.
    pub live: bool,
    /// Its workflow was deactivated.
    pub deactivated: bool,
    pub consumers: Vec<ConsumerStatus>,
    /// Calls not yet answered (in the function's stream).
    pub open_calls: f64,
    /// Of those, the calls a Function trigger has taken.
    pub in_flight: f64,
    /// The oldest open calls (at most 100), oldest first.
    pub calls: Vec<CallStatus>,
    pub dead_letters: f64,
    /// Calls whose executions parked (a Wait, an approval, a form), soonest deadline first.
    pub parked: Vec<ParkedCallStatus>,
    /// What needs attention: calls waiting with no live trigger, calls past their deadline.
    pub problems: Vec<String>,
}

#[napi(object)]
pub struct ConsumerStatus {
    /// "host:pid:id" of the Function trigger.
    pub name: String,
    /// Epoch ms of its last heartbeat.
    pub last_beat: f64,
    pub live: bool,
}

#[napi(object)]
pub struct ParkedCallStatus {
    pub call_id: String,
    /// Epoch ms when its caller stops waiting.
    pub deadline: f64,
    /// Since when it is parked (epoch ms), when known.
    pub parked_at: Option<f64>,
    /// The function's parked execution: what the call waits on.
    pub execution: Option<ExecutionRef>,
    /// The caller's execution, when it parked too.
    pub caller: Option<ExecutionRef>,
}

#[napi(object)]
pub struct CallStatus {
    pub call_id: String,
    pub entry_id: String,
    pub age_ms: f64,
    /// Epoch ms when its caller stops waiting.
    pub deadline: f64,
    /// The consumer that took it, if one did.
    pub held_by: Option<String>,
    pub deliveries: f64,
}

#[napi(object)]
pub struct DeadLetter {
    pub id: String,
    /// Epoch ms when it was written.
    pub at: f64,
    pub reason: String,
    pub call_id: Option<String>,
    /// The call's argument sets, one per item (`deadLetter` only).
    pub items: Option<Vec<Value>>,
}

impl From<event::Event> for FunctionEvent {
    fn from(e: event::Event) -> Self {
        Self {
            at: e.at as f64,
            kind: e.kind.name().to_string(),
            function: e.function,
            call_id: e.call_id,
            who: e.who,
            attempt: e.attempt,
            message: e.message,
        }
    }
}

impl From<event::EventBatch> for EventBatch {
    fn from(batch: event::EventBatch) -> Self {
        Self { events: batch.events.into_iter().map(Into::into).collect(), cursor: batch.cursor }
    }
}

impl From<status::FunctionStatus> for FunctionStatus {
    fn from(s: status::FunctionStatus) -> Self {
        Self {
            scope: s.scope,
            name: s.name,
            workflow_id: s.workflow_id,
            workflow_name: s.workflow_name,
            node_name: s.node_name,
            parameters: s.parameters,
            live: s.live,
            deactivated: s.deactivated,
            consumers: s
                .consumers
                .into_iter()
                .map(|c| ConsumerStatus { name: c.name, last_beat: c.last_beat as f64, live: c.live })
                .collect(),
            open_calls: s.open_calls as f64,
            in_flight: s.in_flight as f64,
            calls: s
                .calls
                .into_iter()
                .map(|c| CallStatus {
                    call_id: c.call_id,
                    entry_id: c.entry_id,
                    age_ms: c.age_ms as f64,
                    deadline: c.deadline as f64,
                    held_by: c.held_by,
                    deliveries: c.deliveries as f64,
                })
                .collect(),
            dead_letters: s.dead_letters as f64,
            parked: s
                .parked
                .into_iter()
                .map(|p| ParkedCallStatus {
                    call_id: p.call_id,
                    deadline: p.deadline as f64,
                    parked_at: p.parked_at.map(|at| at as f64),
                    execution: p.execution.map(Into::into),
                    caller: p.caller.map(Into::into),
                })
                .collect(),
            problems: s.problems,
        }
    }
}

impl From<dead::DeadLetter> for DeadLetter {
    fn from(d: dead::DeadLetter) -> Self {
        Self {
            id: d.id,
            at: d.at as f64,
            reason: d.reason,
            call_id: d.call_id,
            items: d.items.map(|items| items.into_iter().map(Value::Object).collect()),
        }
    }
}
