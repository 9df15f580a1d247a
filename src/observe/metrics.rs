//! Metrics for n8n's Prometheus endpoint (`N8N_METRICS=true`): per function, how calls ended
//! and how long their callers waited, by outcome (the caller's side), and how the runs this
//! process gave answers for ended (the serving side). Counted where the facts are, in atomics, and
//! read as one `snapshot()` when n8n is scraped; the queues' gauges are read from Redis then
//! (`queues.rs`).
//!
//! Off until the process turns them on (`enable`: TypeScript does, when n8n serves metrics
//! and its registry was found). An engine made while they are off carries no recorder, so
//! none of its steps pays anything; the nodes turn metrics on before they make an engine.
//!
//! Labels stay bounded: a function is "scope/name" (as the registry names it), never a call
//! id or an argument; past `MAX_FUNCTIONS` names, the rest count under `OTHER_FUNCTIONS`.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering::Relaxed};
use std::sync::{Arc, LazyLock, Mutex, MutexGuard, RwLock};
use std::time::Instant;

use super::redis_feed::Deployment;
use crate::error::EngineError;
use crate::keys::FunctionKey;
use crate::protocol::{Reply, ReplyKind};

/// Upper bounds (seconds) of the call-duration histogram: from a 1 ms call inside one Redis
/// to a day-long wait for an approval (the longest timeout a call may have).
pub const DURATION_BUCKETS: [f64; 20] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0, 900.0, 3600.0,
    14_400.0, 86_400.0,
];

/// Distinct function labels kept per process; more would only be names nobody defined.
const MAX_FUNCTIONS: usize = 1000;
/// The label the functions past `MAX_FUNCTIONS` share (no real "scope/name" looks like it).
pub const OTHER_FUNCTIONS: &str = "(other)";

/// How a call ended, as its caller saw it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallOutcome {
    /// The function returned a value.
    Returned,
    /// The function raised an error, or its execution ended without returning.
    Failed,
    /// No answer before the caller's deadline.
    TimedOut,
    /// Not sent: wrong arguments, a caller its policy does not allow, too large, bad options.
    Refused,
    /// Nothing serves the function: not defined, or its workflow is not active.
    Inactive,
    /// Redis could not be reached.
    Unavailable,
    /// A fault of the package itself.
    Error,
    /// The function's execution parked, and its caller parked too: the answer wakes it,
    /// maybe in another process.
    Parked,
}

impl CallOutcome {
    pub const ALL: [Self; 8] = [
        Self::Returned,
        Self::Failed,
        Self::TimedOut,
        Self::Refused,
        Self::Inactive,
        Self::Unavailable,
        Self::Error,
        Self::Parked,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Self::Returned => "returned",
            Self::Failed => "failed",
            Self::TimedOut => "timed_out",
            Self::Refused => "refused",
            Self::Inactive => "inactive",
            Self::Unavailable => "unavailable",
            Self::Error => "error",
            Self::Parked => "parked",
        }
    }

    pub fn of(error: &EngineError) -> Self {
        match error {
            EngineError::FunctionFailed(_) => Self::Failed,
            EngineError::CallTimeout(_) => Self::TimedOut,
            EngineError::FunctionNotFound(_) | EngineError::FunctionInactive(_) => Self::Inactive,
            EngineError::RedisUnavailable(_) => Self::Unavailable,
            EngineError::InvalidArguments(_)
            | EngineError::CallerNotAllowed(_)
            | EngineError::PayloadTooLarge(_)
            | EngineError::InvalidOptions(_)
            | EngineError::InvalidDefinition(_)
            | EngineError::InvalidCallContext(_)
            | EngineError::CallerCannotWait(_) => Self::Refused,
            EngineError::Internal(_) => Self::Error,
        }
    }
}

/// How a run of a call ended, on the side that ran it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunOutcome {
    /// Answered with a value.
    Returned,
    /// Answered with an error (its last attempt failed, or it ended without returning).
    Failed,
    /// Found past its caller's deadline and answered so, without running.
    TimedOut,
    /// Failed with attempts left: it runs again.
    Retried,
}

impl RunOutcome {
    pub const ALL: [Self; 4] = [Self::Returned, Self::Failed, Self::TimedOut, Self::Retried];

    pub fn name(self) -> &'static str {
        match self {
            Self::Returned => "returned",
            Self::Failed => "failed",
            Self::TimedOut => "timed_out",
            Self::Retried => "retried",
        }
    }

    /// The outcome an answer stands for (a deactivation's answers are not runs: none).
    pub fn of(reply: &Reply) -> Option<Self> {
        match reply.error.as_ref().map(|error| error.kind) {
            None => Some(Self::Returned),
            Some(ReplyKind::Timeout) => Some(Self::TimedOut),
            Some(ReplyKind::Inactive) => None,
            Some(ReplyKind::Failed) => Some(Self::Failed),
        }
    }
}

/// One function's counts in this process.
#[derive(Default)]
struct Counts {
    /// Set once this process called the function: its caller-side series are shown.
    called: AtomicBool,
    /// Set once this process served or ran it: its serving-side series are shown.
    served: AtomicBool,
    /// The calls that ended, per `CallOutcome::ALL`.
    calls: [Durations; CallOutcome::ALL.len()],
    in_flight: AtomicI64,
    runs: [AtomicU64; RunOutcome::ALL.len()],
    reclaimed: AtomicU64,
    dead_lettered: AtomicU64,
}

/// How long calls took, in the buckets of `DURATION_BUCKETS` (not cumulative; the last one
/// is +Inf), and in all.
#[derive(Default)]
struct Durations {
    buckets: [AtomicU64; DURATION_BUCKETS.len() + 1],
    micros: AtomicU64,
}

impl Durations {
    fn observe(&self, seconds: f64) {
        let bucket = DURATION_BUCKETS.iter().position(|bound| seconds <= *bound).unwrap_or(DURATION_BUCKETS.len());
        self.buckets[bucket].fetch_add(1, Relaxed);
        self.micros.fetch_add((seconds * 1e6) as u64, Relaxed);
    }

    fn snapshot(&self) -> DurationSnapshot {
        let mut total = 0;
        let buckets = self
            .buckets
            .iter()
            .map(|bucket| {
                total += bucket.load(Relaxed);
                total
            })
            .collect();
        DurationSnapshot { buckets, seconds: self.micros.load(Relaxed) as f64 / 1e6 }
    }
}

/// The process's counts, by function.
#[derive(Default)]
pub struct Metrics {
    functions: RwLock<HashMap<String, Arc<Counts>>>,
    /// The Redis deployments of the engines made while metrics were on (queue gauges).
    deployments: Mutex<Vec<Arc<Deployment>>>,
}

static ON: AtomicBool = AtomicBool::new(false);
static METRICS: LazyLock<Metrics> = LazyLock::new(Metrics::default);

/// Turns metrics on for the engines made from now on (idempotent).
pub fn enable() {
    ON.store(true, Relaxed);
}

/// The recorder of a new engine: None while metrics are off. Remembers its Redis, if any,
/// for the queue gauges.
pub fn for_engine(deployment: Option<&Arc<Deployment>>) -> Option<&'static Metrics> {
    if !ON.load(Relaxed) {
        return None;
    }
    if let Some(deployment) = deployment {
        lock(&METRICS.deployments).push(deployment.clone());
    }
    Some(&METRICS)
}

/// The process's metrics, when they are on (read at scrape time).
pub fn recorder() -> Option<&'static Metrics> {
    ON.load(Relaxed).then_some(&*METRICS)
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Metrics {
    fn counts(&self, function: &str) -> Arc<Counts> {
        let functions = self.functions.read().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(counts) = functions.get(function) {
            return counts.clone();
        }
        drop(functions);
        let mut functions = self.functions.write().unwrap_or_else(|poisoned| poisoned.into_inner());
        let label = if functions.len() < MAX_FUNCTIONS { function } else { OTHER_FUNCTIONS };
        functions.entry(label.to_string()).or_default().clone()
    }

    /// This process serves the function or runs its calls: its serving-side series start at 0.
    pub fn serving(&self, function: &str) {
        self.counts(function).served.store(true, Relaxed);
    }

    /// A run of a call of `function` ended so (this process gave the answer, or retries it).
    pub fn ran(&self, function: &str, outcome: RunOutcome) {
        let counts = self.counts(function);
        counts.served.store(true, Relaxed);
        counts.runs[outcome as usize].fetch_add(1, Relaxed);
    }

    /// Calls held by processes that stopped beating, taken over by this one.
    pub fn reclaimed(&self, function: &str, calls: usize) {
        let counts = self.counts(function);
        counts.served.store(true, Relaxed);
        counts.reclaimed.fetch_add(calls as u64, Relaxed);
    }

    /// This process moved a call to the function's dead letters.
    pub fn dead_lettered(&self, function: &str) {
        let counts = self.counts(function);
        counts.served.store(true, Relaxed);
        counts.dead_lettered.fetch_add(1, Relaxed);
    }

    /// Every function's counts at this moment.
    pub fn snapshot(&self) -> Vec<FunctionSnapshot> {
        let functions = self.functions.read().unwrap_or_else(|poisoned| poisoned.into_inner());
        let mut snapshot: Vec<FunctionSnapshot> =
            functions.iter().map(|(function, counts)| counts.snapshot(function)).collect();
        snapshot.sort_by(|a, b| a.function.cmp(&b.function));
        snapshot
    }

    /// The deployments whose queues to read (one per engine made while metrics were on).
    pub fn deployments(&self) -> Vec<Arc<Deployment>> {
        lock(&self.deployments).clone()
    }
}

/// One function's counts, as read at one moment.
#[derive(Debug, Clone, PartialEq)]
pub struct FunctionSnapshot {
    pub function: String,
    /// None when this process never called the function.
    pub caller: Option<CallerSnapshot>,
    /// None when this process never served or ran it.
    pub serving: Option<ServingSnapshot>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CallerSnapshot {
    /// The calls that ended, per `CallOutcome::ALL`.
    pub calls: Vec<DurationSnapshot>,
    pub in_flight: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DurationSnapshot {
    /// Cumulative, per `DURATION_BUCKETS` then +Inf: the last is the number of calls.
    pub buckets: Vec<u64>,
    /// All their durations added up.
    pub seconds: f64,
}

impl DurationSnapshot {
    pub fn count(&self) -> u64 {
        self.buckets.last().copied().unwrap_or(0)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ServingSnapshot {
    /// Per `RunOutcome::ALL`.
    pub runs: Vec<u64>,
    pub reclaimed: u64,
    pub dead_lettered: u64,
}

impl Counts {
    fn snapshot(&self, function: &str) -> FunctionSnapshot {
        let caller = self.called.load(Relaxed).then(|| CallerSnapshot {
            calls: self.calls.iter().map(Durations::snapshot).collect(),
            in_flight: self.in_flight.load(Relaxed).max(0),
        });
        let serving = self.served.load(Relaxed).then(|| ServingSnapshot {
            runs: self.runs.iter().map(|count| count.load(Relaxed)).collect(),
            reclaimed: self.reclaimed.load(Relaxed),
            dead_lettered: self.dead_lettered.load(Relaxed),
        });
        FunctionSnapshot { function: function.to_string(), caller, serving }
    }
}

/// One call from its caller's side, from the moment it is made to its answer: in flight
/// meanwhile, then counted by outcome and timed. Does nothing when metrics are off.
pub struct CallMeter {
    /// The function's counts and when the call was made; None while metrics are off.
    counting: Option<(Arc<Counts>, Instant)>,
}

impl CallMeter {
    pub fn start(metrics: Option<&Metrics>, key: &FunctionKey) -> Self {
        let counting = metrics.map(|metrics| {
            let counts = metrics.counts(&key.as_string());
            counts.called.store(true, Relaxed);
            counts.in_flight.fetch_add(1, Relaxed);
            (counts, Instant::now())
        });
        Self { counting }
    }

    /// What a step of the call came to: `Ok(true)` the answer, `Ok(false)` not over yet (it
    /// runs in this process), or the error its caller gets. Counts the call's end once.
    pub fn saw(&mut self, step: std::result::Result<bool, &EngineError>) {
        let outcome = match step {
            Ok(false) => return,
            Ok(true) => CallOutcome::Returned,
            Err(error) => CallOutcome::of(error),
        };
        let Some((counts, started)) = self.counting.take() else { return };
        counts.calls[outcome as usize].observe(started.elapsed().as_secs_f64());
        counts.in_flight.fetch_sub(1, Relaxed);
    }

    /// The caller parked: its call's end is not this process's to see.
    pub fn parked(&mut self) {
        let Some((counts, started)) = self.counting.take() else { return };
        counts.calls[CallOutcome::Parked as usize].observe(started.elapsed().as_secs_f64());
        counts.in_flight.fetch_sub(1, Relaxed);
    }

    /// The caller ran the call itself and that run failed with attempts left.
    pub fn retried(&self) {
        if let Some((counts, _)) = &self.counting {
            counts.served.store(true, Relaxed);
            counts.runs[RunOutcome::Retried as usize].fetch_add(1, Relaxed);
        }
    }
}

impl Drop for CallMeter {
    /// A call dropped before its end (its caller went away) is no longer in flight.
    fn drop(&mut self) {
        if let Some((counts, _)) = &self.counting {
            counts.in_flight.fetch_sub(1, Relaxed);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(name: &str) -> FunctionKey {
        FunctionKey::new("__global__", name).unwrap()
    }

    fn of<'a>(snapshot: &'a [FunctionSnapshot], function: &str) -> &'a FunctionSnapshot {
        snapshot.iter().find(|f| f.function == function).unwrap()
    }

    #[test]
    fn a_call_counts_once_by_its_outcome_and_leaves_the_flight() {
        let metrics = Metrics::default();
        let mut call = CallMeter::start(Some(&metrics), &key("add"));
        let mut other = CallMeter::start(Some(&metrics), &key("add"));
        let caller = |m: &Metrics| of(&m.snapshot(), "__global__/add").caller.clone().unwrap();
        assert_eq!(caller(&metrics).in_flight, 2);
        call.saw(Ok(false)); // runs here: not over
        assert_eq!(caller(&metrics).in_flight, 2);
        call.saw(Ok(true));
        call.saw(Err(&EngineError::CallTimeout("late".into()))); // over already: ignored
        drop(call);
        other.saw(Err(&EngineError::FunctionInactive("off".into())));
        drop(other);
        let seen = caller(&metrics);
        assert_eq!(seen.in_flight, 0);
        assert_eq!(seen.calls.iter().map(DurationSnapshot::count).collect::<Vec<_>>(), vec![1, 0, 0, 0, 1, 0, 0, 0]);
        assert_eq!(seen.calls[0].buckets[0], 1, "an instant call falls in the 1 ms bucket");
    }

    #[test]
    fn a_parked_call_counts_as_parked_and_leaves_the_flight() {
        let metrics = Metrics::default();
        let mut call = CallMeter::start(Some(&metrics), &key("approve"));
        call.parked();
        call.saw(Ok(true)); // its end is another process's to see: ignored here
        drop(call);
        let seen = of(&metrics.snapshot(), "__global__/approve").caller.clone().unwrap();
        assert_eq!(seen.in_flight, 0);
        let counts: Vec<u64> = seen.calls.iter().map(DurationSnapshot::count).collect();
        assert_eq!(counts, vec![0, 0, 0, 0, 0, 0, 0, 1]);
    }

    #[test]
    fn a_call_dropped_unanswered_leaves_the_flight_uncounted() {
        let metrics = Metrics::default();
        drop(CallMeter::start(Some(&metrics), &key("gone")));
        let seen = of(&metrics.snapshot(), "__global__/gone").caller.clone().unwrap();
        assert_eq!((seen.in_flight, seen.calls.iter().map(DurationSnapshot::count).sum::<u64>()), (0, 0));
    }

    #[test]
    fn off_records_nothing() {
        let mut call = CallMeter::start(None, &key("add"));
        call.saw(Ok(true));
        assert!(call.counting.is_none());
    }

    #[test]
    fn sides_show_only_where_this_process_took_part() {
        let metrics = Metrics::default();
        metrics.serving("wf1/served");
        metrics.ran("wf1/served", RunOutcome::Retried);
        metrics.dead_lettered("wf1/served");
        let snapshot = metrics.snapshot();
        let served = of(&snapshot, "wf1/served");
        assert!(served.caller.is_none());
        let serving = served.serving.clone().unwrap();
        assert_eq!((serving.runs, serving.dead_lettered), (vec![0, 0, 0, 1], 1));
    }

    #[test]
    fn names_past_the_limit_share_one_label() {
        let metrics = Metrics::default();
        for i in 0..MAX_FUNCTIONS + 5 {
            metrics.serving(&format!("wf/f{i}"));
        }
        let snapshot = metrics.snapshot();
        assert_eq!(snapshot.len(), MAX_FUNCTIONS + 1);
        assert!(snapshot.iter().any(|f| f.function == OTHER_FUNCTIONS));
    }

    #[test]
    fn outcomes_follow_the_error_codes() {
        assert_eq!(CallOutcome::of(&EngineError::FunctionNotFound(String::new())), CallOutcome::Inactive);
        assert_eq!(CallOutcome::of(&EngineError::InvalidArguments(String::new())), CallOutcome::Refused);
        assert_eq!(CallOutcome::of(&EngineError::RedisUnavailable(String::new())), CallOutcome::Unavailable);
        assert_eq!(RunOutcome::of(&Reply::timed_out("late")), Some(RunOutcome::TimedOut));
        assert_eq!(RunOutcome::of(&Reply::inactive("off")), None);
    }
}
