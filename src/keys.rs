//! Every Redis key and channel name, in one place. A function's keys share the hash tag
//! `{<scope>/<name>}` so they live in one cluster slot and one script can touch them all.

use crate::error::{EngineError, Result};

/// The consumer group every function's stream is read through.
pub const GROUP: &str = "functions";

/// A function's identity: "<scope>/<name>", scope = workflow id or "__global__".
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FunctionKey {
    pub scope: String,
    pub name: String,
}

impl FunctionKey {
    pub fn new(scope: &str, name: &str) -> Result<Self> {
        let name = name.trim();
        if name.is_empty() {
            return Err(EngineError::InvalidDefinition("The function name is empty: give the function a name.".into()));
        }
        if scope.is_empty() {
            return Err(EngineError::InvalidDefinition(format!(
                "Function '{name}' has no scope: use the workflow id for a local function or \"__global__\"."
            )));
        }
        for (what, text) in [("name", name), ("scope", scope)] {
            if let Some(bad) = text.chars().find(|c| matches!(c, '{' | '}') || c.is_control()) {
                return Err(EngineError::InvalidDefinition(format!(
                    "The function {what} '{text}' contains {bad:?}: curly braces and control characters are not allowed."
                )));
            }
        }
        if scope.contains('/') {
            return Err(EngineError::InvalidDefinition(format!(
                "The function scope '{scope}' contains '/', which is not allowed."
            )));
        }
        Ok(Self { scope: scope.to_string(), name: name.to_string() })
    }

    pub fn parse(text: &str) -> Option<Self> {
        let (scope, name) = text.split_once('/')?;
        Self::new(scope, name).ok()
    }

    pub fn as_string(&self) -> String {
        format!("{}/{}", self.scope, self.name)
    }
}

/// Key names under one deployment prefix.
#[derive(Debug, Clone)]
pub struct Keys {
    prefix: String,
}

impl Keys {
    pub fn new(prefix: &str) -> Self {
        Self { prefix: prefix.to_string() }
    }

    fn function(&self, key: &FunctionKey, what: &str) -> String {
        format!("{}fn:{{{}/{}}}:{what}", self.prefix, key.scope, key.name)
    }

    /// Stream of pending calls (consumer group `GROUP`).
    pub fn calls(&self, key: &FunctionKey) -> String {
        self.function(key, "calls")
    }

    /// Hash: `version` and `json` of the definition; `stoppedAt` when its last consumer
    /// stopped, `deactivatedAt` while its workflow is deactivated, `startedAt` when a call
    /// of it last started.
    pub fn definition(&self, key: &FunctionKey) -> String {
        self.function(key, "def")
    }

    /// Sorted set: consumer name → epoch ms of its last heartbeat.
    pub fn consumers(&self, key: &FunctionKey) -> String {
        self.function(key, "consumers")
    }

    /// String with a TTL: the stored reply of one call.
    pub fn reply(&self, key: &FunctionKey, call_id: &str) -> String {
        self.function(key, &format!("reply:{call_id}"))
    }

    /// Marker of an idempotent call in flight (callers with the same key wait for it).
    pub fn running(&self, key: &FunctionKey, call_id: &str) -> String {
        self.function(key, &format!("running:{call_id}"))
    }

    /// String with a TTL: who runs the call's execution (the process an execution started
    /// it in, or its caller when it took the call back to run it itself).
    pub fn runner(&self, key: &FunctionKey, call_id: &str) -> String {
        self.function(key, &format!("runner:{call_id}"))
    }

    /// Set of the inbox channels of callers that joined an idempotent call in flight.
    pub fn watchers(&self, key: &FunctionKey, call_id: &str) -> String {
        self.function(key, &format!("watchers:{call_id}"))
    }

    /// String with a TTL: the n8n execution running the call, as its start recorded it.
    pub fn execution(&self, key: &FunctionKey, call_id: &str) -> String {
        self.function(key, &format!("execution:{call_id}"))
    }

    /// String with a TTL (the deadline): the execution running the call parked (JSON).
    pub fn parked(&self, key: &FunctionKey, call_id: &str) -> String {
        self.function(key, &format!("parked:{call_id}"))
    }

    /// Sorted set: call id → deadline of the calls whose executions are parked.
    pub fn parked_calls(&self, key: &FunctionKey) -> String {
        self.function(key, "parked")
    }

    /// String with a TTL (the deadline): the caller parked too, and how to wake it (JSON).
    pub fn caller(&self, key: &FunctionKey, call_id: &str) -> String {
        self.function(key, &format!("caller:{call_id}"))
    }

    /// Stream (group `GROUP`) of answered calls whose callers parked, for the function's
    /// triggers to wake them.
    pub fn resumes(&self, key: &FunctionKey) -> String {
        self.function(key, "resumes")
    }

    /// Set once a consumer's lost heartbeat was reported on the event feed.
    pub fn lost(&self, key: &FunctionKey, consumer: &str) -> String {
        self.function(key, &format!("lost:{consumer}"))
    }

    /// Stream of calls that could not be run.
    pub fn dead_letters(&self, key: &FunctionKey) -> String {
        self.function(key, "dead")
    }

    /// Hash: function key → owner (workflow id and node name), for listing and renames.
    pub fn registry(&self) -> String {
        format!("{}registry", self.prefix)
    }

    /// Stream of the deployment's events (observe/): capped, read by watchers.
    pub fn events(&self) -> String {
        format!("{}events", self.prefix)
    }

    /// Pub/Sub channel where one client process hears its replies.
    pub fn inbox(&self, client_id: &str) -> String {
        format!("{}inbox:{client_id}", self.prefix)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn function_keys_share_one_hash_tag() {
        let keys = Keys::new("p:");
        let key = FunctionKey::new("wf1", "add numbers").unwrap();
        assert_eq!(keys.calls(&key), "p:fn:{wf1/add numbers}:calls");
        assert_eq!(keys.reply(&key, "c1"), "p:fn:{wf1/add numbers}:reply:c1");
        assert_eq!(keys.definition(&key), "p:fn:{wf1/add numbers}:def");
    }

    #[test]
    fn names_that_would_break_the_hash_tag_are_refused() {
        let error = FunctionKey::new("wf1", "a}b").unwrap_err().to_string();
        assert!(error.contains("curly braces"), "{error}");
        assert!(FunctionKey::new("wf1", "  ").is_err());
    }

    #[test]
    fn parse_splits_at_the_first_slash() {
        let key = FunctionKey::parse("__global__/a/b").unwrap();
        assert_eq!((key.scope.as_str(), key.name.as_str()), ("__global__", "a/b"));
        assert!(FunctionKey::parse("nope").is_none());
    }
}
