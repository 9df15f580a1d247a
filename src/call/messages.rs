//! What a caller is told when its call could not be answered: a function that is not
//! there, not active, or too slow, and where the call stuck.

use std::time::Duration;

use crate::backend::Backend;
use crate::error::EngineError;
use crate::keys::FunctionKey;
use crate::protocol::{now_ms, workflow_label, FunctionDef, CALLER_RUNNER_PREFIX, DEFAULT_MAX_ATTEMPTS, GLOBAL_SCOPE};
use crate::runs::describe_runner;

/// The answer of a call whose caller was stopped (n8n's Stop) while it waited.
pub const CALLER_STOPPED: &str = "its caller's execution was stopped while it waited for the answer";

/// The definition messages describe when the caller knows none: what the key tells.
pub fn placeholder(key: &FunctionKey) -> FunctionDef {
    FunctionDef {
        name: key.name.clone(),
        scope: key.scope.clone(),
        description: String::new(),
        parameters: Vec::new(),
        workflow_id: if key.scope == GLOBAL_SCOPE { String::new() } else { key.scope.clone() },
        workflow_name: String::new(),
        node_name: String::new(),
        max_attempts: DEFAULT_MAX_ATTEMPTS,
        start_node: None,
        access: Default::default(),
    }
}

/// No trigger has served the function lately: deactivated, or not beating since `last_seen`.
pub fn inactive(def: &FunctionDef, deactivated: bool, last_seen: Option<u64>) -> EngineError {
    if deactivated {
        return EngineError::FunctionInactive(def.deactivated_message());
    }
    EngineError::FunctionInactive(format!(
        "The {} is not active: no Function trigger has run it {}. Activate workflow {} (or start n8n's main process) and call again.",
        def.describe(),
        match last_seen {
            Some(seen) => format!("for {}", ago(now_ms().saturating_sub(seen))),
            None => "yet".to_string(),
        },
        workflow_label(&def.workflow_name, &def.workflow_id)
    ))
}

/// The call's deadline passed. `picked_up`: whether a Function trigger took it (None: not
/// known); `runner`: the process whose execution was running it, if one had started.
pub fn timeout(def: &FunctionDef, timeout: Duration, picked_up: Option<bool>, runner: Option<&str>) -> String {
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

/// A caller that cannot park (`reason`) may not wait in place either: its process already
/// has every slot it can spare waiting on other processes (`remote_limit`).
pub fn cannot_wait(def: &FunctionDef, reason: &str, remote_limit: usize) -> String {
    let reason = if reason.is_empty() { String::new() } else { format!(" {reason}") };
    format!(
        "The {} is waiting (its execution parked at a Wait, an approval or a form), and this caller cannot park meanwhile:{reason} Waiting would hold a worker slot, and {} of this worker's slots already wait like that: a parked execution needs a free slot to resume in, so one more would risk that none ever frees.",
        def.describe(),
        remote_limit
    )
}

/// A caller that joined an idempotent call in flight timed out: that call still runs.
pub fn joined_timeout(def: &FunctionDef, timeout_after: Duration, runner: Option<&str>) -> String {
    format!(
        "{} A call with the same idempotency key is still running; calling again with that key waits for it.",
        timeout(def, timeout_after, Some(true), runner)
    )
}

/// No such function: names the functions of its scope, so a typo is easy to see.
pub async fn not_found(backend: &dyn Backend, key: &FunctionKey, scope_name: Option<&str>) -> EngineError {
    let others = backend.list(Some(&key.scope)).await.unwrap_or_default();
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
        let never = timeout(&def, Duration::from_millis(1500), Some(false), None);
        assert!(never.contains("within 1.5 s: no running Function trigger took the call"), "{never}");
        let queued = timeout(&def, Duration::from_secs(30), Some(true), None);
        let waiting = "within 30 s: a Function trigger took the call, but its execution has not reached Return from Function; it had not started yet, waiting for a free worker slot";
        assert!(queued.contains(waiting), "{queued}");
        let running = timeout(&def, Duration::from_secs(30), Some(true), Some("worker-2:4711:ab12cd34"));
        assert!(
            running.contains("not reached Return from Function; it was running in process 4711 on host worker-2"),
            "{running}"
        );
        let here = timeout(&def, Duration::from_secs(30), Some(true), Some("caller:main:12:ab12cd34"));
        assert!(here.contains("the caller ran it in its own n8n process (process 12 on host main)"), "{here}");
    }

    #[test]
    fn ages_read_naturally() {
        assert_eq!(ago(5_000), "5 s");
        assert_eq!(ago(600_000), "10 min");
        assert_eq!(ago(3 * 86_400_000), "3 days");
    }
}
