//! The JS face of `observe/metrics.rs` and `observe/queues.rs`: the nodes turn metrics on
//! when n8n serves them, and read them when n8n is scraped.

use napi_derive::napi;

use crate::observe::metrics::{self, CallOutcome, DurationSnapshot, RunOutcome, DURATION_BUCKETS};
use crate::observe::queues;

/// Counts calls in every client made from now on, for n8n's Prometheus endpoint. Clients
/// made before count nothing. There is no turning it off: the process's setting decides.
#[napi]
pub fn enable_metrics() {
    metrics::enable();
}

/// Every function's counts in this process at this moment; no functions while metrics are off.
#[napi]
pub fn metrics_snapshot() -> MetricsSnapshot {
    let functions = metrics::recorder().map(|recorder| recorder.snapshot()).unwrap_or_default();
    MetricsSnapshot {
        duration_buckets: DURATION_BUCKETS.to_vec(),
        functions: functions
            .into_iter()
            .map(|function| FunctionMetrics {
                function: function.function,
                calls: function.caller.map(|caller| CallMetrics {
                    outcomes: CallOutcome::ALL
                        .iter()
                        .zip(caller.calls)
                        .map(|(outcome, durations)| CallOutcomeMetrics::new(outcome.name(), durations))
                        .collect(),
                    in_flight: caller.in_flight as f64,
                }),
                serving: function.serving.map(|serving| ServingMetrics {
                    executions: RunOutcome::ALL
                        .iter()
                        .zip(serving.runs)
                        .map(|(outcome, count)| OutcomeCount { outcome: outcome.name().into(), count: count as f64 })
                        .collect(),
                    reclaimed: serving.reclaimed as f64,
                    dead_lettered: serving.dead_lettered as f64,
                }),
            })
            .collect(),
    }
}

/// The queues of every function in the Redis of the clients made while metrics were on: one
/// read (two round trips) per few seconds, shared by the scrapes meanwhile. A Redis that
/// does not answer within 2 s is left out. Empty while metrics are off, and in regular mode.
#[napi]
pub async fn queue_metrics() -> Vec<QueueMetrics> {
    let Some(recorder) = metrics::recorder() else { return Vec::new() };
    queues::gauges(recorder)
        .await
        .iter()
        .map(|queue| QueueMetrics {
            function: queue.function.clone(),
            open_calls: queue.open_calls as f64,
            oldest_age_seconds: queue.oldest_age_ms as f64 / 1000.0,
            dead_letters: queue.dead_letters as f64,
        })
        .collect()
}

#[napi(object)]
pub struct MetricsSnapshot {
    /// Upper bounds (seconds) of the call-duration buckets; +Inf follows them.
    pub duration_buckets: Vec<f64>,
    pub functions: Vec<FunctionMetrics>,
}

#[napi(object)]
pub struct FunctionMetrics {
    /// "<scope>/<name>", or "(other)" for the functions past the first 1,000.
    pub function: String,
    /// Set once this process called the function.
    pub calls: Option<CallMetrics>,
    /// Set once this process served the function or ran one of its calls.
    pub serving: Option<ServingMetrics>,
}

#[napi(object)]
pub struct CallMetrics {
    /// returned, failed, timed_out, refused, inactive, unavailable, error.
    pub outcomes: Vec<CallOutcomeMetrics>,
    /// Calls made and not ended yet.
    pub in_flight: f64,
}

#[napi(object)]
pub struct CallOutcomeMetrics {
    pub outcome: String,
    pub count: f64,
    /// Cumulative counts per `durationBuckets` bound, then +Inf (equal to `count`).
    pub buckets: Vec<f64>,
    /// Their durations added up, in seconds.
    pub sum_seconds: f64,
}

impl CallOutcomeMetrics {
    fn new(outcome: &str, durations: DurationSnapshot) -> Self {
        Self {
            outcome: outcome.into(),
            count: durations.count() as f64,
            buckets: durations.buckets.iter().map(|&count| count as f64).collect(),
            sum_seconds: durations.seconds,
        }
    }
}

#[napi(object)]
pub struct ServingMetrics {
    /// returned, failed, timed_out, retried.
    pub executions: Vec<OutcomeCount>,
    /// Calls of processes that stopped beating, taken over here.
    pub reclaimed: f64,
    /// Calls this process moved to the dead letters.
    pub dead_lettered: f64,
}

#[napi(object)]
pub struct OutcomeCount {
    pub outcome: String,
    pub count: f64,
}

#[napi(object)]
pub struct QueueMetrics {
    pub function: String,
    /// Calls sent and not answered yet: waiting for an execution or running in one.
    pub open_calls: f64,
    /// How long ago the oldest of them was sent; 0 with none.
    pub oldest_age_seconds: f64,
    pub dead_letters: f64,
}
