//! The plain objects JS passes in and gets back, and their conversion to engine types.

use napi_derive::napi;
use serde_json::{Map, Value};

use std::time::Duration;

use crate::call;
use crate::config;
use crate::error::{EngineError, Result};
use crate::protocol::{self, Param, ParamType};

#[napi(object)]
pub struct ClientOptions {
    /// redis:// or rediss:// URL; several, comma-separated, name the nodes of a Redis Cluster. Wins over everything else.
    pub url: Option<String>,
    /// Connection fields of the "Functions Redis" credential; used when `url` is absent.
    pub credential: Option<RedisCredential>,
    /// Prefix of every key (default N8N_FUNCTIONS_KEY_PREFIX or "n8n-functions:").
    pub key_prefix: Option<String>,
}

#[napi(object)]
pub struct RedisCredential {
    pub host: Option<String>,
    pub port: Option<u32>,
    pub database: Option<u32>,
    pub user: Option<String>,
    pub password: Option<String>,
    pub tls: Option<bool>,
}

#[napi(object)]
pub struct ParameterSpec {
    pub name: String,
    /// "string" | "number" | "boolean" | "object" | "array" | "any"
    #[napi(js_name = "type")]
    pub kind: String,
    pub required: Option<bool>,
    /// Used when the caller leaves the parameter out.
    pub default: Option<Value>,
    pub description: Option<String>,
}

#[napi(object)]
pub struct FunctionDefinition {
    pub name: String,
    /// Workflow id for a local function, "__global__" for a global one.
    pub scope: String,
    pub description: Option<String>,
    pub parameters: Vec<ParameterSpec>,
    pub workflow_id: String,
    pub workflow_name: Option<String>,
    pub node_name: Option<String>,
    /// How many times a call may run when its executions fail; default 1. (A call whose
    /// process died is taken over and run again besides.)
    pub max_attempts: Option<u32>,
    /// The Function node as n8n describes it (`this.getNode()`): a caller inside n8n puts it
    /// first in an execution it runs in its own process. Without it only triggers run calls.
    pub start_node: Option<Value>,
    /// Who may call it; without it, any caller may.
    pub access: Option<FunctionAccess>,
}

/// n8n's sub-workflow caller policy of the function's workflow ("This workflow can be
/// called by"), checked as n8n checks it for Execute Workflow.
#[napi(object)]
pub struct FunctionAccess {
    /// "any" | "none" | "workflowsFromSameOwner" | "workflowsFromAList"
    pub policy: String,
    /// The workflow ids "workflowsFromAList" lets in.
    pub caller_ids: Option<Vec<String>>,
    /// The project of the function's workflow.
    pub project_id: String,
    pub project_name: Option<String>,
}

/// The workflow making a call: what the function's caller policy is checked against.
#[napi(object)]
pub struct CallerIdentity {
    pub workflow_id: String,
    pub workflow_name: Option<String>,
    /// The project of the caller's workflow.
    pub project_id: String,
}

#[napi(object)]
pub struct FunctionInfo {
    pub key: String,
    pub name: String,
    pub scope: String,
    pub description: String,
    pub parameters: Vec<ParameterSpec>,
    pub workflow_id: String,
    pub workflow_name: String,
    pub node_name: String,
    pub max_attempts: u32,
    /// A Function trigger is running for it now.
    pub live: bool,
    /// Epoch ms of the last heartbeat of a running trigger, if any was seen.
    pub last_seen: Option<f64>,
    /// Its caller policy ("any" | "none" | "workflowsFromSameOwner" | "workflowsFromAList").
    pub caller_policy: String,
}

/// Everything Return from Function needs to answer a call; travels as `item.json._functionCall`.
#[napi(object)]
pub struct CallContext {
    /// Protocol version.
    pub v: u32,
    pub call_id: String,
    /// The function's key, "<scope>/<name>".
    pub function: String,
    /// The call's stream entry id ("" in the memory backend).
    pub entry_id: String,
    /// Where the caller waits for the answer.
    pub reply_to: String,
    /// Epoch milliseconds after which the caller has given up.
    pub deadline: f64,
    /// Set when the caller runs the call in its own process: who it is.
    pub runner: Option<String>,
    /// The caller's execution, to link the two executions.
    pub parent: Option<ExecutionRef>,
    /// Which run of the call this is (1 for the first).
    pub attempt: Option<u32>,
}

/// An n8n execution, as n8n links a parent and a sub-execution.
#[napi(object)]
#[derive(Clone)]
pub struct ExecutionRef {
    pub execution_id: String,
    pub workflow_id: String,
}

#[napi(object)]
pub struct CallRequest {
    /// Workflow id for a local function, "__global__" for a global one.
    pub scope: String,
    pub name: String,
    /// One argument set per item the function's execution starts with (by parameter name):
    /// one element for an ordinary call, several for "call once with all items".
    pub items: Vec<Map<String, Value>>,
    /// Default 30000.
    pub timeout_ms: Option<f64>,
    /// Calls to the same function with the same key share one run and its answer: a call
    /// made while the first runs waits for it; one made after gets the stored answer.
    pub idempotency_key: Option<String>,
    /// The n8n execution making the call.
    pub parent: Option<ExecutionRef>,
    /// The name of the workflow `scope` names, when the caller knows it (for messages).
    pub scope_name: Option<String>,
    /// The workflow calling. Without it the call is from outside n8n, and only functions
    /// whose caller policy is "any" take it.
    pub caller: Option<CallerIdentity>,
}

/// When a caller runs a call in its own process instead of waiting for another to.
#[napi(object)]
pub struct RunHere {
    /// How many of this process's execution slots may wait on other processes at once; a
    /// call from another slot runs here. (A worker with `c` slots can spare `c - 1`.)
    pub remote_limit: u32,
    /// The execution slot the caller holds (its execution id, or the one it runs inside).
    pub slot: String,
    /// A queued call that no execution has started within this long is taken back and
    /// run here (default 1000).
    pub take_back_after_ms: Option<f64>,
}

/// What a caller does next: the function's `value`, a call to `run` in this process, or
/// word that the function's execution `parked`.
#[napi(object)]
pub struct CallStep {
    /// True when `value` is the answer (it may be null).
    pub done: bool,
    pub value: Option<Value>,
    /// The call to run here: start workflow `workflowId` at `startNode` with its items.
    pub run: Option<IncomingCall>,
    pub workflow_id: Option<String>,
    /// The Function node (n8n's `INode`) to start the function's workflow at.
    pub start_node: Option<Value>,
    /// The function's execution parked (a Wait, an approval, a form): `park()` the
    /// caller, or `waitInPlace()`.
    pub parked: Option<ExecutionRef>,
}

/// A call's answer as stored: the value, or the error its caller raises (`code`, `message`).
#[napi(object)]
pub struct StoredAnswer {
    /// "value", "failed", "timeout" or "inactive".
    pub kind: String,
    pub value: Option<Value>,
    /// The engine's error code the caller gets, and its message.
    pub code: Option<String>,
    pub message: Option<String>,
    /// The function's execution that answered, when n8n recorded one.
    pub execution: Option<ExecutionRef>,
}

impl StoredAnswer {
    /// What a caller of `function` gets from `reply`.
    pub fn of(reply: protocol::Reply, function: &str) -> Self {
        let kind = reply.kind_name().to_string();
        let execution = reply.execution.clone().map(ExecutionRef::from);
        let name =
            crate::keys::FunctionKey::parse(function).map(|key| key.name).unwrap_or_else(|| function.to_string());
        match reply.into_result(&name) {
            Ok(value) => Self { kind, value: Some(value), code: None, message: None, execution },
            Err(error) => Self {
                kind,
                value: None,
                code: Some(error.code().to_string()),
                message: Some(error.to_string()),
                execution,
            },
        }
    }
}

/// A caller that parked its execution until its call is answered.
#[napi(object)]
pub struct ParkedCaller {
    /// n8n's signed URL that resumes the caller's execution (`$execution.resumeUrl`).
    pub resume_url: String,
    pub execution: ExecutionRef,
}

/// Work a Function trigger does for parked calls of its function (`nextParked()`).
#[napi(object)]
pub struct ParkedWork {
    /// "resume": wake `caller` (its call has its answer), then report `resumed()`.
    /// "expired": the call's deadline passed while `execution` was parked: stop it.
    pub kind: String,
    pub call_id: String,
    /// Its entry in the resumes stream ("resume"), for `resumed()`.
    pub entry_id: Option<String>,
    pub caller: Option<ParkedCaller>,
    pub execution: Option<ExecutionRef>,
}

#[napi(object)]
pub struct IncomingCall {
    pub context: CallContext,
    /// The validated argument sets, defaults applied: one per item to emit.
    pub items: Vec<Map<String, Value>>,
    /// 1 for the first delivery.
    pub attempt: u32,
}

impl ClientOptions {
    pub fn into_engine(self) -> config::Options {
        config::Options {
            url: self.url,
            key_prefix: self.key_prefix,
            credential: self.credential.map(|c| config::Credential {
                host: c.host,
                port: c.port,
                database: c.database,
                user: c.user,
                password: c.password,
                tls: c.tls,
            }),
        }
    }
}

impl FunctionDefinition {
    pub fn into_engine(self) -> Result<protocol::FunctionDef> {
        let parameters = self
            .parameters
            .into_iter()
            .map(|p| {
                let kind = ParamType::parse(&p.kind).ok_or_else(|| {
                    EngineError::InvalidDefinition(format!(
                        "Parameter '{}' of function '{}' has the type '{}': use string, number, boolean, object, array or any.",
                        p.name, self.name, p.kind
                    ))
                })?;
                Ok(Param { name: p.name.trim().to_string(), kind, required: p.required.unwrap_or(false), default: p.default, description: p.description.unwrap_or_default() })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(protocol::FunctionDef {
            name: self.name.trim().to_string(),
            scope: self.scope,
            description: self.description.unwrap_or_default(),
            parameters,
            workflow_id: self.workflow_id,
            workflow_name: self.workflow_name.unwrap_or_default(),
            node_name: self.node_name.unwrap_or_default(),
            max_attempts: self.max_attempts.unwrap_or(protocol::DEFAULT_MAX_ATTEMPTS),
            start_node: self.start_node.filter(|node| node.is_object()),
            access: self.access.map(FunctionAccess::into_engine).transpose()?.unwrap_or_default(),
        })
    }
}

impl FunctionAccess {
    fn into_engine(self) -> Result<protocol::Access> {
        let policy = protocol::CallerPolicy::parse(&self.policy).ok_or_else(|| {
            EngineError::InvalidDefinition(format!(
                "The caller policy '{}' is unknown: use any, none, workflowsFromSameOwner or workflowsFromAList.",
                self.policy
            ))
        })?;
        Ok(protocol::Access {
            policy,
            caller_ids: self.caller_ids.unwrap_or_default(),
            project_id: self.project_id,
            project_name: self.project_name.unwrap_or_default(),
        })
    }
}

impl From<CallerIdentity> for protocol::Caller {
    fn from(c: CallerIdentity) -> Self {
        Self {
            workflow_id: c.workflow_id,
            workflow_name: c.workflow_name.unwrap_or_default(),
            project_id: c.project_id,
        }
    }
}

impl From<protocol::FunctionInfo> for FunctionInfo {
    fn from(info: protocol::FunctionInfo) -> Self {
        let def = info.def;
        Self {
            key: format!("{}/{}", def.scope, def.name),
            parameters: def
                .parameters
                .into_iter()
                .map(|p| ParameterSpec {
                    name: p.name,
                    kind: p.kind.name().to_string(),
                    required: Some(p.required),
                    default: p.default,
                    description: Some(p.description),
                })
                .collect(),
            name: def.name,
            scope: def.scope,
            description: def.description,
            workflow_id: def.workflow_id,
            workflow_name: def.workflow_name,
            node_name: def.node_name,
            max_attempts: def.max_attempts,
            caller_policy: def.access.policy.name().to_string(),
            live: info.live,
            last_seen: info.last_seen.map(|s| s as f64),
        }
    }
}

impl From<protocol::CallContext> for CallContext {
    fn from(c: protocol::CallContext) -> Self {
        Self {
            v: c.v,
            call_id: c.call_id,
            function: c.function,
            entry_id: c.entry_id,
            reply_to: c.reply_to,
            deadline: c.deadline as f64,
            runner: c.runner,
            parent: c.parent.map(ExecutionRef::from),
            attempt: c.attempt,
        }
    }
}

impl From<protocol::ExecutionRef> for ExecutionRef {
    fn from(e: protocol::ExecutionRef) -> Self {
        Self { execution_id: e.execution_id, workflow_id: e.workflow_id }
    }
}

impl From<ExecutionRef> for protocol::ExecutionRef {
    fn from(e: ExecutionRef) -> Self {
        Self { execution_id: e.execution_id, workflow_id: e.workflow_id }
    }
}

impl From<CallContext> for protocol::CallContext {
    fn from(c: CallContext) -> Self {
        Self {
            v: c.v,
            call_id: c.call_id,
            function: c.function,
            entry_id: c.entry_id,
            reply_to: c.reply_to,
            deadline: c.deadline.max(0.0) as u64,
            runner: c.runner,
            parent: c.parent.map(protocol::ExecutionRef::from),
            attempt: c.attempt,
        }
    }
}

impl From<protocol::IncomingCall> for IncomingCall {
    fn from(call: protocol::IncomingCall) -> Self {
        Self { context: call.context.into(), items: call.items, attempt: call.attempt }
    }
}

impl From<call::Step> for CallStep {
    fn from(step: call::Step) -> Self {
        match step {
            call::Step::Value(value) => {
                Self { done: true, value: Some(value), run: None, workflow_id: None, start_node: None, parked: None }
            }
            call::Step::Parked(execution) => Self {
                done: false,
                value: None,
                run: None,
                workflow_id: None,
                start_node: None,
                parked: Some(execution.into()),
            },
            call::Step::Run(here) => {
                let here = *here;
                Self {
                    done: false,
                    value: None,
                    run: Some(here.call.into()),
                    workflow_id: Some(here.workflow_id),
                    start_node: Some(here.start_node),
                    parked: None,
                }
            }
        }
    }
}

impl RunHere {
    pub fn into_policy(self) -> call::Policy {
        let ms = self.take_back_after_ms.filter(|ms| ms.is_finite() && *ms >= 0.0).unwrap_or(1000.0);
        call::Policy {
            remote_limit: self.remote_limit as usize,
            slot: self.slot,
            take_back_after: Duration::from_millis(ms as u64),
        }
    }
}

impl From<ParkedCaller> for protocol::ParkedCaller {
    fn from(caller: ParkedCaller) -> Self {
        Self { resume_url: caller.resume_url, execution: caller.execution.into() }
    }
}

impl From<protocol::ParkedCaller> for ParkedCaller {
    fn from(caller: protocol::ParkedCaller) -> Self {
        Self { resume_url: caller.resume_url, execution: caller.execution.into() }
    }
}

impl From<crate::serve::ParkedWork> for ParkedWork {
    fn from(work: crate::serve::ParkedWork) -> Self {
        match work {
            crate::serve::ParkedWork::Resume(resume) => Self {
                kind: "resume".into(),
                call_id: resume.call_id,
                entry_id: Some(resume.entry_id),
                caller: Some(resume.caller.into()),
                execution: None,
            },
            crate::serve::ParkedWork::Expired(expired) => Self {
                kind: "expired".into(),
                call_id: expired.call_id,
                entry_id: None,
                caller: None,
                execution: Some(expired.execution.into()),
            },
        }
    }
}

impl ParkedWork {
    /// The resume this reports done, if it is one.
    pub fn into_resume(self) -> Option<protocol::Resume> {
        Some(protocol::Resume { entry_id: self.entry_id?, call_id: self.call_id, caller: self.caller?.into() })
    }
}
