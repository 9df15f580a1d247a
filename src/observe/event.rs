//! One event of a call's or a function's life, as the feed carries it. Never holds
//! arguments, values or connection details: only names, ids and error texts.

use serde::{Deserialize, Serialize};

use crate::protocol::now_ms;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EventKind {
    /// A Function trigger started serving the function (or registered it again after Redis came back).
    Served,
    /// A Function trigger stopped serving it.
    Stopped,
    /// Its workflow was deactivated: calls fail at once from now on.
    Deactivated,
    /// A caller sent a call; `message` says when it is not queued for a trigger (it runs in
    /// its caller's process, or joined an idempotent call in flight).
    Queued,
    /// A Function trigger took the call from the stream.
    PickedUp,
    /// An execution began to run the call (`who`: the process running it).
    Started,
    /// The caller took its call back to run it itself (no worker slot freed in time).
    TakenBack,
    /// The execution running the call parked (a Wait, an approval, a form): `who` is it.
    Parked,
    /// The caller parked its own execution until the answer comes: `who` is it.
    CallerParked,
    /// A parked caller was woken with the answer.
    Resumed,
    /// The call was answered with a value.
    Returned,
    /// The call was answered with an error.
    Failed,
    /// The call's deadline passed before it was answered.
    TimedOut,
    /// A call held by a process that stopped beating was taken over to run again.
    Reclaimed,
    /// The call went to the function's dead letters.
    DeadLettered,
    /// A consumer of the function stopped beating (its process died or lost Redis).
    HeartbeatLost,
}

impl EventKind {
    pub fn name(self) -> &'static str {
        match self {
            Self::Served => "served",
            Self::Stopped => "stopped",
            Self::Deactivated => "deactivated",
            Self::Queued => "queued",
            Self::PickedUp => "picked-up",
            Self::Started => "started",
            Self::TakenBack => "taken-back",
            Self::Parked => "parked",
            Self::CallerParked => "caller-parked",
            Self::Resumed => "resumed",
            Self::Returned => "returned",
            Self::Failed => "failed",
            Self::TimedOut => "timed-out",
            Self::Reclaimed => "reclaimed",
            Self::DeadLettered => "dead-lettered",
            Self::HeartbeatLost => "heartbeat-lost",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Event {
    /// Epoch ms, by the clock of the process that recorded it.
    pub at: u64,
    pub kind: EventKind,
    /// "<scope>/<name>".
    pub function: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call_id: Option<String>,
    /// The consumer or process concerned ("host:pid:id").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub who: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attempt: Option<u32>,
    /// The error of a failed call, the reason of a dead letter, how a call was placed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

impl Event {
    pub fn new(kind: EventKind, function: impl Into<String>) -> Self {
        Self { at: now_ms(), kind, function: function.into(), call_id: None, who: None, attempt: None, message: None }
    }

    pub fn call(mut self, call_id: impl Into<String>) -> Self {
        self.call_id = Some(call_id.into());
        self
    }

    pub fn who(mut self, who: impl Into<String>) -> Self {
        self.who = Some(who.into());
        self
    }

    pub fn attempt(mut self, attempt: Option<u32>) -> Self {
        self.attempt = attempt;
        self
    }

    pub fn message(mut self, message: impl Into<String>) -> Self {
        self.message = Some(message.into());
        self
    }
}

/// Events as they come off the feed, with where to read on from.
#[derive(Debug, Default)]
pub struct EventBatch {
    pub events: Vec<Event>,
    /// Pass back to the next read to get what came after.
    pub cursor: String,
}
