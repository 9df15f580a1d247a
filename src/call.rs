//! Calling a function: validate against its current definition, send, wait for the
//! answer until the deadline, and explain every way that can fail.

use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;

use crate::backend::{GaveUp, Sent, Waiting};
use crate::engine::{Engine, KnownDefinition};
use crate::error::{EngineError, Result};
use crate::keys::FunctionKey;
use crate::params;
use crate::protocol::{now_ms, workflow_label, Args, Call, FunctionDef, GLOBAL_SCOPE, PROTOCOL_VERSION};

/// The longest wait a call may ask for.
const MAX_TIMEOUT: Duration = Duration::from_secs(24 * 3600);
/// Longest idempotency key accepted, in bytes.
const MAX_IDEMPOTENCY_KEY: usize = 1024;
/// Names the ids of idempotent calls: the same function and key always give the same id.
const IDEMPOTENT_CALLS: uuid::Uuid = uuid::Uuid::from_u128(0x6e38_6e2d_6675_6e63_7469_6f6e_732d_6964);

/// The call's id: random (UUID version 4), or derived from its idempotency key (version 5)
/// so that every caller with the same key for the same function meets the same call.
/// `CallContext::is_idempotent` tells the two apart by that version.
fn call_id(key: &FunctionKey, idempotency_key: Option<&str>) -> Result<String> {
    let Some(idempotency_key) = idempotency_key else { return Ok(uuid::Uuid::new_v4().simple().to_string()) };
    if idempotency_key.is_empty() || idempotency_key.len() > MAX_IDEMPOTENCY_KEY {
        return Err(EngineError::InvalidArguments(format!(
            "The idempotency key of the call to function '{}' must be 1 to {MAX_IDEMPOTENCY_KEY} bytes long, got {}.",
            key.name,
            idempotency_key.len()
        )));
    }
    let name = format!("{}\n{idempotency_key}", key.as_string());
    Ok(uuid::Uuid::new_v5(&IDEMPOTENT_CALLS, name.as_bytes()).simple().to_string())
}

pub async fn call(
    engine: &Engine,
    key: FunctionKey,
    items: Vec<Args>,
    timeout: Duration,
    idempotency_key: Option<&str>,
) -> Result<Value> {
    if timeout.is_zero() || timeout > MAX_TIMEOUT {
        return Err(EngineError::InvalidOptions(format!(
            "The timeout must be between 1 ms and 24 h, got {} ms.",
            timeout.as_millis()
        )));
    }
    if items.is_empty() {
        return Err(EngineError::InvalidArguments(format!(
            "The call to function '{}' has no items to send.",
            key.name
        )));
    }
    let backend = engine.backend();
    let deadline = now_ms() + timeout.as_millis() as u64;
    let reply_to = backend.reply_to().await?;
    let id = call_id(&key, idempotency_key)?;
    let idempotent = idempotency_key.is_some();
    let mut known = engine.known_definition(&key);
    // The definition this process remembers may be old: arguments it refuses are checked
    // again against the current one before the caller hears they are wrong.
    let mut remembered = known.is_some();
    // The second round only happens when the definition changed since this process last
    // saw it; a third means it is changing right now, and the call is simply sent.
    for _ in 0..3 {
        let (version, checked) = match &known {
            Some(known) => match params::validate(&known.def, items.clone()) {
                Ok(checked) => (known.version.clone(), checked),
                Err(_) if remembered => (String::new(), items.clone()),
                Err(wrong) => return Err(wrong),
            },
            None => (String::new(), items.clone()),
        };
        remembered = false;
        let call = Call { v: PROTOCOL_VERSION, id: id.clone(), items: checked, deadline, reply_to: reply_to.clone() };
        let json = serde_json::to_string(&call).map_err(|e| EngineError::Internal(e.to_string()))?;
        let limit = backend.settings().max_payload_bytes;
        if json.len() > limit {
            return Err(EngineError::PayloadTooLarge(format!(
                "The call to function '{}' is {} bytes of JSON, over the limit of {limit} bytes (N8N_FUNCTIONS_MAX_PAYLOAD_BYTES). Send less data per call, or raise the limit on every n8n process.",
                key.name,
                json.len()
            )));
        }
        let (entry_id, reply, who) = match backend.send(&key, &call, &json, &version, idempotent).await? {
            Sent::Queued { entry_id, reply } if idempotent => (entry_id, reply, Waiting::IdempotentSender),
            Sent::Queued { entry_id, reply } => (entry_id, reply, Waiting::Sender),
            Sent::Joined { reply } => (String::new(), reply, Waiting::Joined),
            Sent::Answered(reply) => return reply.into_result(&key.name),
            Sent::Stale(def) => {
                known = Some(engine.remember_definition(&key, def));
                continue;
            }
            Sent::Missing => {
                engine.forget_definition(&key);
                return Err(not_found(engine, &key).await);
            }
            Sent::Inactive { last_seen } => {
                let def = described(known, &key);
                return Err(EngineError::FunctionInactive(format!(
                    "The {} is not active: no Function trigger has run it {}. Activate workflow {} (or start n8n's main process) and call again.",
                    def.describe(),
                    match last_seen {
                        Some(seen) => format!("for {}", ago(now_ms().saturating_sub(seen))),
                        None => "yet".to_string(),
                    },
                    workflow_label(&def.workflow_name, &def.workflow_id)
                )));
            }
        };
        if let Ok(Ok(reply)) = tokio::time::timeout(timeout, reply).await {
            return reply.into_result(&key.name);
        }
        let def = described(known, &key);
        let message = timeout_message(&def, timeout, None);
        return match backend.give_up(&key, &call, &entry_id, &message, who).await? {
            GaveUp::Answered(reply) => reply.into_result(&key.name),
            GaveUp::TimedOut { .. } if who == Waiting::Joined => Err(EngineError::CallTimeout(format!(
                "{} A call with the same idempotency key is still running; calling again with that key waits for it.",
                timeout_message(&def, timeout, Some(true))
            ))),
            GaveUp::TimedOut { picked_up } => {
                Err(EngineError::CallTimeout(timeout_message(&def, timeout, Some(picked_up))))
            }
        };
    }
    Err(EngineError::Internal(format!(
        "The definition of function '{}' kept changing while calling it; call again.",
        key.name
    )))
}

/// The definition that error messages describe: the known one, or what the key tells.
fn described(known: Option<Arc<KnownDefinition>>, key: &FunctionKey) -> FunctionDef {
    known.map(|known| known.def.clone()).unwrap_or_else(|| placeholder(key))
}

fn placeholder(key: &FunctionKey) -> FunctionDef {
    FunctionDef {
        name: key.name.clone(),
        scope: key.scope.clone(),
        description: String::new(),
        parameters: Vec::new(),
        workflow_id: if key.scope == GLOBAL_SCOPE { String::new() } else { key.scope.clone() },
        workflow_name: String::new(),
        node_name: String::new(),
        max_attempts: crate::protocol::DEFAULT_MAX_ATTEMPTS,
    }
}

fn timeout_message(def: &FunctionDef, timeout: Duration, picked_up: Option<bool>) -> String {
    let seconds = format!("{:.1}", timeout.as_secs_f64()).trim_end_matches(".0").to_string();
    let head = format!("The {} did not answer within {seconds} s", def.describe());
    let workflow = workflow_label(&def.workflow_name, &def.workflow_id);
    match picked_up {
        Some(true) | None => format!(
            "{head}: a Function trigger took the call, but its execution has not reached Return from Function. Check the executions of workflow {workflow} for a slow or stuck node; in queue mode the execution may also still wait for a free worker slot (raise the workers' --concurrency). Or raise the timeout."
        ),
        Some(false) => format!(
            "{head}: no running Function trigger took the call. Check that workflow {workflow} is active and that n8n's main process and workers are running."
        ),
    }
}

async fn not_found(engine: &Engine, key: &FunctionKey) -> EngineError {
    let others = engine.backend().list(Some(&key.scope)).await.unwrap_or_default();
    let names: Vec<String> = others.iter().map(|f| format!("'{}'", f.def.name)).collect();
    let place = if key.scope == GLOBAL_SCOPE {
        format!("No global function '{}' is defined", key.name)
    } else {
        let name = others.first().map(|f| f.def.workflow_name.clone()).unwrap_or_default();
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
    fn timeouts_say_whether_the_call_was_picked_up() {
        let def = placeholder(&FunctionKey::new("wf9", "slow").unwrap());
        let never = timeout_message(&def, Duration::from_millis(1500), Some(false));
        assert!(never.contains("within 1.5 s: no running Function trigger took the call"), "{never}");
        let taken = timeout_message(&def, Duration::from_secs(30), Some(true));
        assert!(taken.contains("within 30 s: a Function trigger took the call"), "{taken}");
    }

    #[test]
    fn only_idempotent_calls_can_have_joined_callers() {
        let key = FunctionKey::new("__global__", "add").unwrap();
        let context = |call_id: String| crate::protocol::CallContext {
            v: PROTOCOL_VERSION,
            call_id,
            function: key.as_string(),
            entry_id: String::new(),
            reply_to: "inbox".into(),
            deadline: 0,
        };
        assert!(!context(call_id(&key, None).unwrap()).is_idempotent());
        assert!(context(call_id(&key, Some("order-17")).unwrap()).is_idempotent());
        assert!(!context("not-a-uuid".into()).is_idempotent());
    }

    #[test]
    fn ages_read_naturally() {
        assert_eq!(ago(5_000), "5 s");
        assert_eq!(ago(600_000), "10 min");
        assert_eq!(ago(3 * 86_400_000), "3 days");
    }
}
