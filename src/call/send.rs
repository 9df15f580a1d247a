//! Sending a call: its arguments are checked against the definition this process knows,
//! and the send script queues it only while that is still the stored one; otherwise the
//! current definition comes back and decides. A caller that may run calls itself is told
//! here whether this one runs in its own process.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::oneshot;

use super::definitions::KnownDefinition;
use super::messages;
use super::slots::WaitingOnOthers;
use super::{Calling, Request};
use crate::access;
use crate::backend::{Awaited, Placement, Sent, Waiting};
use crate::error::{EngineError, Result};
use crate::keys::FunctionKey;
use crate::protocol::{now_ms, Call, ExecutionRef, FunctionDef, Reply, PROTOCOL_VERSION};

/// The longest wait a call may ask for: a call whose function waits for a person (an
/// approval over a weekend, a form) may wait days, parked, at no cost.
const MAX_TIMEOUT: Duration = Duration::from_secs(31 * 24 * 3600);
/// Longest idempotency key accepted, in bytes.
const MAX_IDEMPOTENCY_KEY: usize = 1024;
/// Names the ids of idempotent calls: the same function and key always give the same id.
const IDEMPOTENT_CALLS: uuid::Uuid = uuid::Uuid::from_u128(0x6e38_6e2d_6675_6e63_7469_6f6e_732d_6964);

/// A sent call waiting for its answer.
pub struct Pending {
    pub call: Call,
    /// Stream entry ("" when never queued, or taken back).
    pub entry_id: String,
    pub who: Waiting,
    pub reply: oneshot::Receiver<Reply>,
    /// Word that the function's execution parked; None once heard.
    pub parked: Option<oneshot::Receiver<ExecutionRef>>,
    /// The definition the call was checked against (or what its key tells).
    pub def: FunctionDef,
    /// The definition version the call was sent with ("" when none was known).
    pub version: String,
}

/// What sending did.
pub enum Sending {
    /// Queued for the function's Function triggers; counted as waiting on others.
    Queued { pending: Pending, counted: Option<WaitingOnOthers> },
    /// Not queued: the caller runs it in its own process.
    Here(Pending),
    /// An idempotent call with the same key is in flight: waiting for its answer.
    Joined(Pending),
    /// An idempotent call with the same key was answered already.
    Answered(Reply),
}

pub async fn send(calling: &Calling, request: &Request) -> Result<Sending> {
    let Request { key, items, timeout, idempotency_key, parent, policy, caller, .. } = request;
    check(request)?;
    let backend = &calling.backend;
    let deadline = now_ms() + timeout.as_millis() as u64;
    let reply_to = backend.reply_to().await?;
    let id = call_id(key, idempotency_key.as_deref())?;
    let idempotent = idempotency_key.is_some();
    let who = if idempotent { Waiting::IdempotentSender } else { Waiting::Sender };
    let mut known = calling.definitions.get(key);
    // The definition this process remembers may be old: arguments it refuses are checked
    // again against the current one before the caller hears they are wrong.
    let mut remembered = known.is_some();
    // A second round only happens when the definition changed since this process last saw
    // it; a third means it is changing right now, and the call is simply sent.
    for _ in 0..3 {
        let (version, checked) = match &known {
            Some(known) => match access::admit(&known.def, caller.as_ref(), items.clone()) {
                Ok(checked) => (known.version.clone(), checked),
                Err(_) if remembered => (String::new(), items.clone()),
                Err(refused) => return Err(refused),
            },
            None => (String::new(), items.clone()),
        };
        remembered = false;
        let call = Call {
            v: PROTOCOL_VERSION,
            id: id.clone(),
            items: checked,
            deadline,
            reply_to: reply_to.clone(),
            parent: parent.clone(),
            caller: caller.clone(),
        };
        let json = serialized(&call, key, backend.settings().max_payload_bytes)?;
        // A caller runs a function itself only when it validated against the current
        // definition, which names the function's node.
        let runnable_here = known.as_ref().is_some_and(|k| k.def.start_node.is_some() && !version.is_empty());
        let counted = policy
            .as_ref()
            .filter(|_| runnable_here)
            .map(|policy| WaitingOnOthers::enter(&policy.slot, policy.remote_limit));
        let placement = match counted {
            Some(None) => Placement::Here { runner: calling.runs.caller_runner() },
            _ => Placement::Queue,
        };
        let sent = backend.send(key, &call, &json, &version, idempotent, placement).await?;
        let pending = |entry_id: String, who: Waiting, awaited: Awaited| Pending {
            call: call.clone(),
            entry_id,
            who,
            reply: awaited.reply,
            parked: Some(awaited.parked),
            def: described(known.as_ref(), key),
            version: version.clone(),
        };
        return match sent {
            Sent::Queued { entry_id, awaited } => {
                Ok(Sending::Queued { pending: pending(entry_id, who, awaited), counted: counted.flatten() })
            }
            Sent::Here { awaited } => Ok(Sending::Here(pending(String::new(), who, awaited))),
            Sent::Joined { awaited } => Ok(Sending::Joined(pending(String::new(), Waiting::Joined, awaited))),
            Sent::Answered(reply) => Ok(Sending::Answered(reply)),
            Sent::Stale(def) => {
                known = Some(calling.definitions.remember(key, def));
                continue;
            }
            Sent::Missing => {
                calling.definitions.forget(key);
                Err(messages::not_found(backend.as_ref(), key, request.scope_name.as_deref()).await)
            }
            Sent::Inactive { deactivated, last_seen } => {
                Err(messages::inactive(&described(known.as_ref(), key), deactivated, last_seen))
            }
        };
    }
    Err(EngineError::Internal(format!(
        "The definition of function '{}' kept changing while calling it; call again.",
        key.name
    )))
}

/// Refuses what no call can be made with: a timeout out of bounds, no items.
fn check(request: &Request) -> Result<()> {
    if request.timeout.is_zero() || request.timeout > MAX_TIMEOUT {
        return Err(EngineError::InvalidOptions(format!(
            "The timeout must be between 1 ms and 31 days, got {} ms.",
            request.timeout.as_millis()
        )));
    }
    if request.items.is_empty() {
        return Err(EngineError::InvalidArguments(format!(
            "The call to function '{}' has no items to send.",
            request.key.name
        )));
    }
    Ok(())
}

/// The call as the stream holds it, within the payload limit.
fn serialized(call: &Call, key: &FunctionKey, limit: usize) -> Result<String> {
    let json = serde_json::to_string(call).map_err(|e| EngineError::Internal(e.to_string()))?;
    if json.len() > limit {
        return Err(EngineError::PayloadTooLarge(format!(
            "The call to function '{}' is {} bytes of JSON, over the limit of {limit} bytes (N8N_FUNCTIONS_MAX_PAYLOAD_BYTES). Send less data per call, or raise the limit on every n8n process.",
            key.name,
            json.len()
        )));
    }
    Ok(json)
}

/// The definition that error messages describe: the known one, or what the key tells.
fn described(known: Option<&Arc<KnownDefinition>>, key: &FunctionKey) -> FunctionDef {
    known.map(|known| known.def.clone()).unwrap_or_else(|| messages::placeholder(key))
}

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::CallContext;

    #[test]
    fn only_idempotent_calls_can_have_joined_callers() {
        let key = FunctionKey::new("__global__", "add").unwrap();
        let context = |call_id: String| CallContext {
            v: PROTOCOL_VERSION,
            call_id,
            function: key.as_string(),
            entry_id: String::new(),
            reply_to: "inbox".into(),
            deadline: 0,
            runner: None,
            parent: None,
            attempt: None,
        };
        assert!(!context(call_id(&key, None).unwrap()).is_idempotent());
        assert!(context(call_id(&key, Some("order-17")).unwrap()).is_idempotent());
        assert!(!context("not-a-uuid".into()).is_idempotent());
    }
}
