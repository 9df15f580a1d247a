//! What callers read when a run of their call could not run or did not answer: one
//! wording per outcome, whoever ran the call.

use crate::config::{Settings, Target};
use crate::error::EngineError;
use crate::protocol::CALLER_RUNNER_PREFIX;

/// A call that waited in the stream until its caller no longer waited.
pub const PAST_DEADLINE: &str =
    "The call waited past its deadline before a Function trigger could take it; it was not run.";

pub fn newer_protocol(version: u32) -> String {
    format!("the call was sent by a newer version of n8n-nodes-functions (protocol {version}); update the package on every n8n process")
}

/// A call whose definition changed while it waited, and no longer takes its arguments.
pub fn changed_while_waiting(refusal: &EngineError) -> String {
    format!("the function changed while the call waited. {refusal}")
}

/// A call whose runs were taken over after their processes died, `runs` times.
pub fn stopped_too_often(runs: u32, settings: &Settings) -> String {
    format!(
        "the process running it stopped {runs} time{} before it returned{}",
        plural(runs),
        dead_letter_note(settings)
    )
}

/// The error of a call whose last attempt failed (its `runs`-th run).
pub fn exhausted(reason: String, runs: u32, settings: &Settings) -> String {
    match runs {
        1 => reason,
        runs => format!("{reason} (it failed {runs} times{})", dead_letter_note(settings)),
    }
}

/// Where a runner is, for messages: "process 4711 on host n8n-worker-1".
pub fn describe_runner(runner: &str) -> String {
    let name = runner.strip_prefix(CALLER_RUNNER_PREFIX).unwrap_or(runner);
    let mut parts = name.split(':');
    match (parts.next(), parts.next()) {
        (Some(host), Some(pid)) => format!("process {pid} on host {host}"),
        _ => format!("'{name}'"),
    }
}

/// Where an exhausted call went, for its error: Redis keeps dead letters, memory does not.
fn dead_letter_note(settings: &Settings) -> &'static str {
    match settings.target {
        Target::Memory => "",
        Target::Redis { .. } => "; the call was moved to the dead letters",
    }
}

fn plural(count: u32) -> &'static str {
    if count == 1 {
        ""
    } else {
        "s"
    }
}
