//! One trait, two implementations: Redis Streams (queue mode, many processes) and
//! in-process memory (regular mode). Both keep the same semantics: the first answer to a
//! call wins, a stored answer outlives the caller's wait, calls wait for a consumer.

use async_trait::async_trait;
use tokio::sync::oneshot;
use tokio_util::sync::CancellationToken;

use crate::config::Settings;
use crate::error::Result;
use crate::keys::FunctionKey;
use crate::protocol::{
    Call, CallContext, ExecutionRef, Expired, FunctionDef, FunctionInfo, ParkedCaller, Reply, Resume,
};

pub mod memory;
pub mod redis;

/// A call handed to a consumer.
#[derive(Debug)]
pub struct Delivered {
    /// Stream entry id ("" in memory).
    pub entry_id: String,
    /// The call, or why the entry could not be read as one.
    pub call: std::result::Result<Call, String>,
    /// How often it has been handed out, this time included.
    pub attempt: u32,
}

/// A call on its way to the dead letters.
#[derive(Debug, Clone, Copy)]
pub struct DeadLetter<'a> {
    /// Its stream entry, "" when it has none (a caller ran it).
    pub entry_id: &'a str,
    /// The call, when its entry could be read as one.
    pub call: Option<&'a Call>,
    /// Its runs so far.
    pub attempt: u32,
    pub reason: &'a str,
}

/// Who runs a call: a Function trigger (through the function's stream) or its caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placement<'a> {
    /// Queued in the function's stream for its Function triggers.
    Queue,
    /// Not queued: the caller runs it in its own process, as `runner`.
    Here { runner: &'a str },
}

/// What the caller of a sent call waits on: its answer, and word that the function's
/// execution parked (a Wait, an approval, a form), for the caller to park as well.
pub struct Awaited {
    pub reply: oneshot::Receiver<Reply>,
    pub parked: oneshot::Receiver<ExecutionRef>,
}

/// The outcome of sending a call.
pub enum Sent {
    Queued {
        entry_id: String,
        awaited: Awaited,
    },
    /// Registered for the caller to run (`Placement::Here`).
    Here {
        awaited: Awaited,
    },
    /// Idempotent: a call with the same key is in flight; this waits for its answer.
    Joined {
        awaited: Awaited,
    },
    /// Idempotent: a call with the same key was answered already.
    Answered(Reply),
    /// The stored definition changed since the caller validated: check again with this one.
    Stale(FunctionDef),
    Missing,
    /// No Function trigger has beaten for longer than the inactivity limit, or its
    /// workflow was deactivated (`deactivated`).
    Inactive {
        last_seen: Option<u64>,
        deactivated: bool,
    },
}

/// Who gives up on a call at its deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Waiting {
    /// The caller that sent an ordinary call: its timeout becomes the call's answer.
    Sender,
    /// The caller that sent an idempotent call: a call still running is left to answer
    /// later callers with the same key; one nobody took is withdrawn.
    IdempotentSender,
    /// A caller that joined an idempotent call in flight: it only stops waiting.
    Joined,
}

impl Waiting {
    pub fn name(self) -> &'static str {
        match self {
            Self::Sender => "sender",
            Self::IdempotentSender => "idempotent",
            Self::Joined => "joined",
        }
    }
}

/// What the caller learns when its deadline has passed.
#[derive(Debug)]
pub enum GaveUp {
    /// An answer arrived at the last moment.
    Answered(Reply),
    /// No answer; `picked_up` tells whether a Function trigger ever took the call, and
    /// `runner` which process was running its execution, if one had started.
    TimedOut { picked_up: bool, runner: Option<String> },
}

/// What a caller learns when it asks for its queued call back.
#[derive(Debug)]
pub enum TakeBack {
    /// Nobody started it: it is the caller's to run, and no trigger's execution will.
    /// `changed`: the definition now stored, when it is not the one the call was sent with.
    Taken {
        changed: Option<FunctionDef>,
    },
    /// An execution started it (`runner` names where); the caller keeps waiting.
    Started {
        runner: String,
    },
    /// No Function trigger is live (n8n's main process restarting): the call stays queued.
    Unserved,
    /// Another call of the function started since the caller began to wait: its executions
    /// get slots, so the call stays queued for its turn.
    Progressing,
    Answered(Reply),
}

/// What an execution learns when it starts a call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Start {
    /// This execution runs the call.
    Run,
    /// Another runs it: the caller took it back, or another execution holds it.
    Elsewhere,
    /// It has its answer already (answered, or its caller gave up).
    Answered,
}

/// What a heartbeat brings back.
#[derive(Default)]
pub struct Beat {
    /// Calls held by consumers that stopped beating, now ours to run.
    pub reclaimed: Vec<Delivered>,
    /// Parked callers to wake that consumers which stopped beating had taken.
    pub resumes: Vec<Resume>,
    /// Calls whose deadline passed while their executions were parked: now timed out.
    pub expired: Vec<Expired>,
}

/// What one blocking read of a consumer brings.
#[derive(Default)]
pub struct Reading {
    pub calls: Vec<Delivered>,
    /// Answered calls whose callers parked, to wake.
    pub resumes: Vec<Resume>,
}

#[async_trait]
pub trait Backend: Send + Sync {
    fn settings(&self) -> &Settings;

    /// Stores the definition, retires names this node used before, marks `consumer` alive.
    async fn register(&self, def: &FunctionDef, consumer: &str) -> Result<()>;

    /// `consumer` stopped: it no longer counts as alive. Its calls stay claimable.
    async fn deregister(&self, key: &FunctionKey, consumer: &str) -> Result<()>;

    /// `consumer` closed at `closed_at` (epoch ms) because its workflow was deactivated:
    /// unless a trigger of the function started since, calls fail at once from now on, and
    /// every call no execution runs is answered with `reply`. True if it was deactivated.
    async fn deactivate(&self, key: &FunctionKey, consumer: &str, closed_at: u64, reply: &Reply) -> Result<bool>;

    async fn describe(&self, key: &FunctionKey) -> Result<Option<FunctionInfo>>;

    async fn list(&self, scope: Option<&str>) -> Result<Vec<FunctionInfo>>;

    /// Where this process hears answers: the `reply_to` of the calls it sends.
    async fn reply_to(&self) -> Result<String>;

    /// Sends `call` (`json` is its serialized form) if the stored definition still has
    /// `version`. The reply waiter is in place before the call can be seen. An
    /// `idempotent` call whose id is in flight or answered is not sent again.
    async fn send(
        &self,
        key: &FunctionKey,
        call: &Call,
        json: &str,
        version: &str,
        idempotent: bool,
        placement: Placement<'_>,
    ) -> Result<Sent>;

    /// The caller takes its queued call back to run it as `runner`, unless an execution
    /// started it already, no trigger is live, or a call of the function started since
    /// `progress_since` (epoch ms). A taken call leaves the stream: no
    /// trigger's execution runs it.
    async fn take_back(
        &self,
        key: &FunctionKey,
        call: &Call,
        entry_id: &str,
        runner: &str,
        version: &str,
        progress_since: u64,
    ) -> Result<TakeBack>;

    /// An execution started by a Function trigger begins to run the call, in the process
    /// whose executions hold their calls as `runner`; `execution` is that n8n execution.
    async fn start(&self, context: &CallContext, runner: &str, execution: Option<&ExecutionRef>) -> Result<Start>;

    /// The execution running the call parked (`execution`, or the one its start recorded):
    /// kept until the call's deadline, and its callers are told. False when the call has
    /// its answer already.
    async fn parked(&self, context: &CallContext, execution: Option<&ExecutionRef>) -> Result<bool>;

    /// The caller of a call parks its own execution, to be woken through `caller` once the
    /// call has its answer. The answer, when it has one already (then nothing is recorded).
    async fn park_caller(&self, context: &CallContext, caller: &ParkedCaller) -> Result<Option<Reply>>;

    /// The callers of these resumes were woken (or cannot be any more): they are done.
    async fn resumed(&self, key: &FunctionKey, resumes: &[Resume]) -> Result<()>;

    /// Keeps the calls `runner` runs from looking abandoned; returns the entries it still holds.
    async fn keep(&self, key: &FunctionKey, runner: &str, entry_ids: &[String]) -> Result<Vec<String>>;

    /// The caller stops waiting (its deadline passed, or it was stopped): takes a last look
    /// for the answer and, as `who` says, makes sure an unanswered call is never run late and
    /// stores `outcome` (its timeout) as its answer.
    async fn give_up(
        &self,
        key: &FunctionKey,
        call: &Call,
        entry_id: &str,
        outcome: &Reply,
        who: Waiting,
    ) -> Result<GaveUp>;

    /// Stores the answer, wakes the caller and acknowledges the call, in one step.
    /// False when the call was answered already.
    async fn answer(&self, context: &CallContext, reply: &Reply) -> Result<bool>;

    /// Like `answer`, for a run that ended without answering the call: it leaves the call
    /// alone when a caller other than the run's own (`context.runner`) took it back to run
    /// it itself.
    async fn answer_ended(&self, context: &CallContext, reply: &Reply) -> Result<bool>;

    /// Proves `consumer` alive, keeps the calls it holds and takes over calls whose holders
    /// (consumers, or the processes running their executions) died.
    async fn beat(&self, key: &FunctionKey, consumer: &str) -> Result<Beat>;

    /// Whether the call has an answer stored.
    async fn is_answered(&self, context: &CallContext) -> Result<bool>;

    /// The answer stored for the call, if any.
    async fn stored_answer(&self, context: &CallContext) -> Result<Option<Reply>>;

    /// Records that `consumer` runs the call again (its `attempt`-th run), keeping it held.
    async fn retry(&self, key: &FunctionKey, consumer: &str, context: &CallContext, attempt: u32) -> Result<()>;

    /// Gives calls this consumer took but never started back to the function's other consumers.
    async fn release(&self, key: &FunctionKey, consumer: &str, calls: Vec<Delivered>) -> Result<()>;

    /// Moves a call that cannot be run to the function's dead-letter stream.
    async fn dead_letter(&self, key: &FunctionKey, letter: &DeadLetter<'_>) -> Result<()>;

    /// Opens the blocking reader of one consumer.
    async fn reader(&self, key: &FunctionKey, consumer: &str) -> Result<Box<dyn Reader>>;
}

#[async_trait]
pub trait Reader: Send {
    /// Waits for new calls and resumes (at most `count` of each); returns what it has,
    /// possibly nothing, as soon as `cancel` fires, without leaving a read behind that
    /// could swallow a call.
    async fn read(&mut self, count: usize, cancel: &CancellationToken) -> Result<Reading>;
}
