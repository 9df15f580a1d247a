//! What crosses process boundaries: function definitions, calls, replies and the call
//! context. Every payload carries the protocol version `v`.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::error::{EngineError, Result};

pub const PROTOCOL_VERSION: u32 = 1;

/// Runner names of callers running their own calls start with this: an execution of a
/// trigger that ended leaves such a call alone (`answer.lua` is given it).
pub const CALLER_RUNNER_PREFIX: &str = "caller:";

/// The answer of a call whose deadline passed while its execution was parked.
pub const PARKED_PAST_DEADLINE: &str =
    "The call's deadline passed while the function's execution was waiting (parked at a Wait, an approval or a form); that execution was stopped.";

/// How long past its deadline what a parked call leaves (its answer above all) is kept, for
/// its parked caller to read once woken.
pub const PARKED_KEPT_AFTER_DEADLINE_MS: u64 = 24 * 3600 * 1000;

/// Why a call failed whose execution ended without answering it.
pub const NO_RETURN: &str = "its execution ended without reaching a Return from Function node";

/// The scope of functions callable from every workflow.
pub const GLOBAL_SCOPE: &str = "__global__";

/// Argument values of one item, by parameter name.
pub type Args = Map<String, Value>;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ParamType {
    String,
    Number,
    Boolean,
    Object,
    Array,
    Any,
}

impl ParamType {
    pub fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "string" => Self::String,
            "number" => Self::Number,
            "boolean" => Self::Boolean,
            "object" => Self::Object,
            "array" => Self::Array,
            "any" => Self::Any,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::String => "string",
            Self::Number => "number",
            Self::Boolean => "boolean",
            Self::Object => "object",
            Self::Array => "array",
            Self::Any => "any",
        }
    }

    pub fn accepts(self, value: &Value) -> bool {
        match self {
            Self::String => value.is_string(),
            Self::Number => value.is_number(),
            Self::Boolean => value.is_boolean(),
            Self::Object => value.is_object(),
            Self::Array => value.is_array(),
            Self::Any => true,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Param {
    pub name: String,
    #[serde(rename = "type")]
    pub kind: ParamType,
    #[serde(default)]
    pub required: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<Value>,
    #[serde(default)]
    pub description: String,
}

/// A function as its Function trigger declares it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FunctionDef {
    pub name: String,
    pub scope: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub parameters: Vec<Param>,
    pub workflow_id: String,
    #[serde(default)]
    pub workflow_name: String,
    #[serde(default)]
    pub node_name: String,
    /// How many times a call may run when its executions fail (1: a failed execution is
    /// not run again, as n8n's own retries are off by default). Then dead letters. A call
    /// whose process died is taken over and run again besides, up to `MAX_TAKEOVERS` times.
    #[serde(default = "default_max_attempts")]
    pub max_attempts: u32,
    /// The Function node as n8n describes it (its `INode`): what a caller puts first on the
    /// stack of an execution it runs in its own process. None: only its trigger runs calls.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_node: Option<Value>,
    /// Who may call it, as its workflow's settings said when it was served.
    #[serde(default)]
    pub access: Access,
}

/// n8n's "This workflow can be called by" (`settings.callerPolicy`), the workflow's project
/// and its list of callers: what `access::check` compares a caller with.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Access {
    pub policy: CallerPolicy,
    /// The workflows `workflowsFromAList` lets in (n8n's `settings.callerIds`, split).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub caller_ids: Vec<String>,
    /// The project that owns the function's workflow.
    #[serde(default)]
    pub project_id: String,
    /// Its name, for messages.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub project_name: String,
}

/// The values of n8n's `callerPolicy`. A definition that does not say (served through the
/// client API outside n8n) lets anyone call it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum CallerPolicy {
    #[default]
    Any,
    None,
    WorkflowsFromSameOwner,
    WorkflowsFromAList,
}

impl CallerPolicy {
    pub fn parse(text: &str) -> Option<Self> {
        serde_json::from_value(Value::String(text.to_string())).ok()
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Any => "any",
            Self::None => "none",
            Self::WorkflowsFromSameOwner => "workflowsFromSameOwner",
            Self::WorkflowsFromAList => "workflowsFromAList",
        }
    }

    /// What n8n's workflow settings call it.
    pub fn label(self) -> &'static str {
        match self {
            Self::Any => "Any workflow",
            Self::None => "No other workflows",
            Self::WorkflowsFromSameOwner => "Only workflows in the same project",
            Self::WorkflowsFromAList => "Selected workflows",
        }
    }
}

pub const DEFAULT_MAX_ATTEMPTS: u32 = 1;

/// How many times a call is taken over and run again after the process running it died,
/// beyond its attempts: at least once, but a call that kills every process running it
/// must stop somewhere.
pub const MAX_TAKEOVERS: u32 = 3;

impl FunctionDef {
    /// The most deliveries a call may have: its attempts, and the takeovers after a crash.
    pub fn max_deliveries(&self) -> u32 {
        self.max_attempts.saturating_add(MAX_TAKEOVERS)
    }
}

fn default_max_attempts() -> u32 {
    DEFAULT_MAX_ATTEMPTS
}

impl FunctionDef {
    /// What a caller hears when the function's workflow was deactivated.
    pub fn deactivated_message(&self) -> String {
        format!(
            "The {} is not active: its workflow {} was deactivated. Activate it and call again.",
            self.describe(),
            workflow_label(&self.workflow_name, &self.workflow_id)
        )
    }

    /// A stable fingerprint of what callers validate against: the same definition gives
    /// the same version in every process, so caches never churn for nothing.
    pub fn version(&self) -> String {
        let text = serde_json::to_string(self).unwrap_or_default();
        // FNV-1a, 64 bit: tiny, deterministic, good enough to tell definitions apart.
        let mut hash: u64 = 0xcbf29ce484222325;
        for byte in text.as_bytes() {
            hash ^= u64::from(*byte);
            hash = hash.wrapping_mul(0x100000001b3);
        }
        format!("{hash:016x}")
    }

    /// Who owns the name: a rename of the node's function must retire the old name.
    pub fn owner(&self) -> String {
        format!("{}\n{}", self.workflow_id, self.node_name)
    }

    pub fn describe(&self) -> String {
        if self.scope == GLOBAL_SCOPE {
            format!("global function '{}'", self.name)
        } else {
            format!("function '{}' of workflow {}", self.name, workflow_label(&self.workflow_name, &self.workflow_id))
        }
    }
}

pub fn workflow_label(name: &str, id: &str) -> String {
    if name.is_empty() {
        format!("'{id}'")
    } else {
        format!("'{name}' (id {id})")
    }
}

/// A registered function as a caller or a dropdown sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct FunctionInfo {
    pub def: FunctionDef,
    /// A running Function trigger beat recently.
    pub live: bool,
    /// Epoch ms of the newest heartbeat seen, if any.
    pub last_seen: Option<u64>,
}

/// One call, as it sits in the function's stream.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Call {
    pub v: u32,
    pub id: String,
    /// One argument set per item the function's execution starts with.
    pub items: Vec<Args>,
    /// Epoch ms after which the caller no longer waits.
    pub deadline: u64,
    /// The caller's inbox channel.
    pub reply_to: String,
    /// The n8n execution that made the call, to link the two executions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<ExecutionRef>,
    /// Who calls: the workflow and project the function's policy is checked against again
    /// by the trigger that takes the call. None: a caller outside n8n.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caller: Option<Caller>,
}

/// The workflow making a call, and its project, as n8n told the caller's node.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Caller {
    pub workflow_id: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub workflow_name: String,
    pub project_id: String,
}

/// An n8n execution, as n8n links a parent and a sub-execution.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExecutionRef {
    pub execution_id: String,
    pub workflow_id: String,
}

/// What Return from Function needs to answer a call; travels in `item.json._functionCall`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CallContext {
    pub v: u32,
    pub call_id: String,
    /// The function's key, "<scope>/<name>".
    pub function: String,
    /// The stream entry holding the call ("" in the memory backend).
    pub entry_id: String,
    pub reply_to: String,
    pub deadline: u64,
    /// Set when the caller runs the call in its own process: who it is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub runner: Option<String>,
    /// The caller's execution.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<ExecutionRef>,
    /// Which run of the call this is (1 for the first): the end of an earlier run, reported
    /// late (a process that died, its execution found crashed long after), changes nothing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attempt: Option<u32>,
}

impl CallContext {
    /// The function the call is for.
    pub fn key(&self) -> Result<crate::keys::FunctionKey> {
        crate::keys::FunctionKey::parse(&self.function).ok_or_else(|| {
            EngineError::InvalidCallContext(format!("The call context names no function ('{}').", self.function))
        })
    }

    /// Whether other callers may have joined the call: idempotent calls, and only they,
    /// have name-based ids (UUID version 5, made by `call::call`).
    pub fn is_idempotent(&self) -> bool {
        uuid::Uuid::try_parse(&self.call_id).is_ok_and(|id| id.get_version_num() == 5)
    }

    pub fn check(&self) -> Result<()> {
        let broken = |what: &str| {
            Err(EngineError::InvalidCallContext(format!(
                "The call context (_functionCall) is damaged: {what}. Keep the _functionCall field that the Function trigger put on the item unchanged."
            )))
        };
        if self.v > PROTOCOL_VERSION {
            return Err(EngineError::InvalidCallContext(format!(
                "The call context (_functionCall) has protocol version {}, newer than this package understands ({PROTOCOL_VERSION}). Update n8n-nodes-functions on every n8n process.",
                self.v
            )));
        }
        if self.call_id.is_empty() {
            return broken("callId is empty");
        }
        if self.key().is_err() {
            return broken("function is not '<scope>/<name>'");
        }
        if self.reply_to.is_empty() {
            return broken("replyTo is empty");
        }
        Ok(())
    }
}

/// A run of a call, as JS receives it: a Function trigger emits it, or a caller runs it.
#[derive(Debug, Clone)]
pub struct IncomingCall {
    pub context: CallContext,
    /// The validated argument sets, defaults applied: one per item to emit.
    pub items: Vec<Args>,
    /// Which run this is (1 for the first).
    pub attempt: u32,
    /// Who sent it, kept for when the call goes back to its stream or to the dead letters.
    pub caller: Option<Caller>,
}

impl IncomingCall {
    /// The call as it sits in the stream.
    pub fn to_call(&self) -> Call {
        Call {
            v: self.context.v,
            id: self.context.call_id.clone(),
            items: self.items.clone(),
            deadline: self.context.deadline,
            reply_to: self.context.reply_to.clone(),
            parent: self.context.parent.clone(),
            caller: self.caller.clone(),
        }
    }
}

/// A caller that parked its execution while its function's execution waits: how to wake
/// it when the call has its answer. Stored with the call until its deadline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ParkedCaller {
    /// n8n's signed URL that resumes the caller's execution (`$execution.resumeUrl`).
    pub resume_url: String,
    /// The caller's execution.
    pub execution: ExecutionRef,
}

/// What a caller's inbox hears about one of its calls: the answer, or that the function's
/// execution parked (a Wait, an approval, a form) and the caller may park too.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Notice {
    Parked { parked: ExecutionRef },
    Answer(Reply),
}

/// An answered call whose caller parked, to be woken by the function's trigger.
#[derive(Debug, Clone, PartialEq)]
pub struct Resume {
    /// Its entry in the function's resumes stream, acknowledged once the caller was woken.
    pub entry_id: String,
    pub call_id: String,
    pub caller: ParkedCaller,
}

/// A call whose deadline passed while its function's execution was parked: the answer is
/// the timeout now, and that execution is to be stopped.
#[derive(Debug, Clone, PartialEq)]
pub struct Expired {
    pub call_id: String,
    pub execution: ExecutionRef,
}

/// The answer to a call: stored under the call's reply key (the source of truth) and
/// published to the caller's inbox.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Reply {
    pub v: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<ReplyError>,
    /// The function's execution that answered, when n8n recorded one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub execution: Option<ExecutionRef>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReplyError {
    pub message: String,
    pub kind: ReplyKind,
}

/// Why a call has no value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ReplyKind {
    /// Its caller's deadline passed.
    Timeout,
    /// Its workflow was deactivated before the call ran.
    Inactive,
    /// The function raised, or its execution ended without returning (and any kind a newer
    /// version of the package may add).
    #[serde(other)]
    Failed,
}

impl ReplyKind {
    pub fn name(self) -> &'static str {
        match self {
            Self::Failed => "failed",
            Self::Timeout => "timeout",
            Self::Inactive => "inactive",
        }
    }
}

impl Reply {
    pub fn value(value: Value) -> Self {
        Self { v: PROTOCOL_VERSION, value: Some(value), error: None, execution: None }
    }

    pub fn failed(message: impl Into<String>) -> Self {
        Self::error(ReplyKind::Failed, message)
    }

    pub fn timed_out(message: impl Into<String>) -> Self {
        Self::error(ReplyKind::Timeout, message)
    }

    /// The function's workflow was deactivated: its callers get FUNCTION_INACTIVE.
    pub fn inactive(message: impl Into<String>) -> Self {
        Self::error(ReplyKind::Inactive, message)
    }

    fn error(kind: ReplyKind, message: impl Into<String>) -> Self {
        Self {
            v: PROTOCOL_VERSION,
            value: None,
            error: Some(ReplyError { message: message.into(), kind }),
            execution: None,
        }
    }

    /// "value", or the kind of error: how a call was answered, for JS.
    pub fn kind_name(&self) -> &'static str {
        self.error.as_ref().map_or("value", |error| error.kind.name())
    }

    /// What the caller gets: the value, or the error it raises.
    pub fn into_result(self, function: &str) -> Result<Value> {
        let Some(error) = self.error else { return Ok(self.value.unwrap_or(Value::Null)) };
        Err(match error.kind {
            ReplyKind::Timeout => EngineError::CallTimeout(error.message),
            ReplyKind::Inactive => EngineError::FunctionInactive(error.message),
            ReplyKind::Failed => {
                EngineError::FunctionFailed(format!("Function '{function}' failed: {}", error.message))
            }
        })
    }
}

pub fn now_ms() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn def() -> FunctionDef {
        FunctionDef {
            name: "add".into(),
            scope: GLOBAL_SCOPE.into(),
            description: String::new(),
            parameters: vec![Param {
                name: "a".into(),
                kind: ParamType::Number,
                required: true,
                default: None,
                description: String::new(),
            }],
            workflow_id: "w1".into(),
            workflow_name: "Math".into(),
            node_name: "add".into(),
            max_attempts: DEFAULT_MAX_ATTEMPTS,
            start_node: None,
            access: Default::default(),
        }
    }

    #[test]
    fn version_changes_with_the_definition_only() {
        let a = def();
        let mut b = def();
        assert_eq!(a.version(), b.version());
        b.parameters[0].required = false;
        assert_ne!(a.version(), b.version());
    }

    #[test]
    fn reply_round_trips_and_maps_errors() {
        let text = serde_json::to_string(&Reply::value(json!({"sum": 5}))).unwrap();
        let back: Reply = serde_json::from_str(&text).unwrap();
        assert_eq!(back.into_result("add").unwrap(), json!({"sum": 5}));
        let failed = Reply::failed("boom").into_result("add").unwrap_err();
        assert_eq!(failed, EngineError::FunctionFailed("Function 'add' failed: boom".into()));
        assert_eq!(Reply::timed_out("late").into_result("add").unwrap_err().code(), "CALL_TIMEOUT");
    }

    #[test]
    fn an_error_kind_from_a_newer_version_reads_as_failed() {
        let reply: Reply = serde_json::from_str(r#"{"v":1,"error":{"message":"m","kind":"cancelled"}}"#).unwrap();
        assert_eq!(reply.kind_name(), "failed");
    }

    #[test]
    fn call_context_from_a_newer_version_is_refused_with_what_to_do() {
        let context = CallContext {
            v: PROTOCOL_VERSION + 1,
            call_id: "c".into(),
            function: "__global__/add".into(),
            entry_id: String::new(),
            reply_to: "inbox".into(),
            deadline: 0,
            runner: None,
            parent: None,
            attempt: None,
        };
        let message = context.check().unwrap_err().to_string();
        assert!(message.contains("Update n8n-nodes-functions"), "{message}");
    }
}
