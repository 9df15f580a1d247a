//! What each Lua script answers, decoded in one place. A reply of a shape this version does
//! not know (a script of another version loaded under the same hash cannot happen, but a
//! bug can) is an `INTERNAL` error that names the script and the reply, never a default
//! outcome.

use std::collections::HashMap;

use redis::{FromRedisValue, Value};
use serde::de::DeserializeOwned;

use crate::backend::{Delivered, GaveUp, Start, TakeBack};
use crate::error::{EngineError, Result};
use crate::protocol::{Call, ExecutionRef, FunctionDef, ParkedCaller, Reply, Resume};

/// What `send.lua` did with a call.
#[derive(Debug)]
pub enum SendReply {
    Queued { entry_id: String },
    Here,
    Joined,
    Answered(Reply),
    Stale(FunctionDef),
    Missing,
    Inactive { last_seen: Option<u64>, deactivated: bool },
}

pub fn send(reply: Value) -> Result<SendReply> {
    let parts = strings("send.lua", &reply)?;
    let parts: Vec<&str> = parts.iter().map(String::as_str).collect();
    Ok(match parts.as_slice() {
        ["queued", entry_id] => SendReply::Queued { entry_id: entry_id.to_string() },
        ["here"] => SendReply::Here,
        ["joined"] => SendReply::Joined,
        ["answered", json] => SendReply::Answered(json_of("send.lua", &reply, json)?),
        ["stale", json] => SendReply::Stale(json_of("send.lua", &reply, json)?),
        ["missing"] => SendReply::Missing,
        ["inactive", last_seen] => SendReply::Inactive { last_seen: epoch_ms(last_seen), deactivated: false },
        ["inactive", last_seen, "deactivated"] => {
            SendReply::Inactive { last_seen: epoch_ms(last_seen), deactivated: true }
        }
        _ => return Err(unexpected("send.lua", &reply)),
    })
}

pub fn give_up(reply: Value) -> Result<GaveUp> {
    let parts = strings("give_up.lua", &reply)?;
    let parts: Vec<&str> = parts.iter().map(String::as_str).collect();
    Ok(match parts.as_slice() {
        ["answered", json] => GaveUp::Answered(json_of("give_up.lua", &reply, json)?),
        ["timeout", picked_up @ ("0" | "1"), runner] => GaveUp::TimedOut {
            picked_up: *picked_up == "1",
            runner: Some(runner.to_string()).filter(|r| !r.is_empty()),
        },
        _ => return Err(unexpected("give_up.lua", &reply)),
    })
}

pub fn take_back(reply: Value) -> Result<TakeBack> {
    let parts = strings("take_back.lua", &reply)?;
    let parts: Vec<&str> = parts.iter().map(String::as_str).collect();
    Ok(match parts.as_slice() {
        ["answered", json] => TakeBack::Answered(json_of("take_back.lua", &reply, json)?),
        ["started", runner] => TakeBack::Started { runner: runner.to_string() },
        ["unserved"] => TakeBack::Unserved,
        ["progressing"] => TakeBack::Progressing,
        ["taken"] => TakeBack::Taken { changed: None },
        ["taken", json] => TakeBack::Taken { changed: Some(json_of("take_back.lua", &reply, json)?) },
        _ => return Err(unexpected("take_back.lua", &reply)),
    })
}

pub fn start(reply: Value) -> Result<Start> {
    match String::from_redis_value(reply.clone()).as_deref() {
        Ok("run") => Ok(Start::Run),
        Ok("elsewhere") => Ok(Start::Elsewhere),
        Ok("answered") => Ok(Start::Answered),
        _ => Err(unexpected("start.lua", &reply)),
    }
}

/// A script that answers 1 when it did its work and 0 when there was nothing to do.
pub fn done(script: &str, reply: Value) -> Result<bool> {
    match reply {
        Value::Int(1) => Ok(true),
        Value::Int(0) => Ok(false),
        other => Err(unexpected(script, &other)),
    }
}

/// The entries `keep.lua` still holds.
pub fn entry_ids(reply: Value) -> Result<Vec<String>> {
    strings("keep.lua", &reply)
}

/// What `beat.lua` brings: calls and resumes taken over from consumers that stopped
/// (`{id, fields, deliveries}` each), and the parked calls whose deadline passed.
pub struct Beaten {
    pub calls: Vec<Delivered>,
    pub resumes: Vec<Resume>,
    pub expired: Vec<String>,
}

pub fn beat(reply: Value) -> Result<Beaten> {
    type Claimed = Vec<(String, Value, u32)>;
    let (calls, resumes, expired): (Claimed, Claimed, Vec<String>) =
        FromRedisValue::from_redis_value(reply.clone()).map_err(|_| unexpected("beat.lua", &reply))?;
    let fields =
        |fields: Value| -> HashMap<String, Value> { FromRedisValue::from_redis_value(fields).unwrap_or_default() };
    Ok(Beaten {
        calls: calls.into_iter().map(|(id, map, attempt)| delivered(id, fields(map).get("call"), attempt)).collect(),
        resumes: resumes.into_iter().filter_map(|(id, map, _)| resume(id, &fields(map))).collect(),
        expired,
    })
}

/// A resume from its stream entry; None for an entry that is not one (it is dropped).
pub fn resume(entry_id: String, fields: &HashMap<String, Value>) -> Option<Resume> {
    let text = |name: &str| fields.get(name).and_then(|value| String::from_redis_value(value.clone()).ok());
    let caller: ParkedCaller = serde_json::from_str(&text("caller")?).ok()?;
    Some(Resume { entry_id, call_id: text("call")?, caller })
}

/// What `park_caller.lua` did: the stored answer when the call had one (nothing parked).
pub fn park_caller(reply: Value) -> Result<Option<Reply>> {
    let parts = strings("park_caller.lua", &reply)?;
    let parts: Vec<&str> = parts.iter().map(String::as_str).collect();
    match parts.as_slice() {
        ["parked"] => Ok(None),
        ["answered", json] => Ok(Some(json_of("park_caller.lua", &reply, json)?)),
        _ => Err(unexpected("park_caller.lua", &reply)),
    }
}

/// What `expire_parked.lua` did: the parked execution to stop, when the timeout became the
/// call's answer (None also when it was unknown).
pub fn expire_parked(reply: Value) -> Result<Option<Option<ExecutionRef>>> {
    let parts = strings("expire_parked.lua", &reply)?;
    let parts: Vec<&str> = parts.iter().map(String::as_str).collect();
    match parts.as_slice() {
        ["answered"] => Ok(None),
        ["expired", json] => {
            Ok(Some(serde_json::from_str::<ExecutionRef>(json).ok().filter(|e| !e.execution_id.is_empty())))
        }
        _ => Err(unexpected("expire_parked.lua", &reply)),
    }
}

/// A delivery from a stream entry's `call` field (an entry that is not a call is delivered
/// with why, for the dead letters).
pub fn delivered(entry_id: String, field: Option<&Value>, attempt: u32) -> Delivered {
    let call = match field {
        None => Err("the entry has no 'call' field".to_string()),
        Some(value) => match String::from_redis_value(value.clone()) {
            Err(_) => Err("the 'call' field is not text".to_string()),
            Ok(json) => serde_json::from_str::<Call>(&json).map_err(|e| format!("the 'call' field is not a call: {e}")),
        },
    };
    Delivered { entry_id, call, attempt }
}

fn strings(script: &str, reply: &Value) -> Result<Vec<String>> {
    Vec::<String>::from_redis_value(reply.clone()).map_err(|_| unexpected(script, reply))
}

fn json_of<T: DeserializeOwned>(script: &str, reply: &Value, json: &str) -> Result<T> {
    serde_json::from_str(json).map_err(|_| unexpected(script, reply))
}

/// A heartbeat's epoch ms as the scripts report it: negative when never seen.
fn epoch_ms(text: &str) -> Option<u64> {
    text.parse::<f64>().ok().filter(|ms| *ms >= 0.0).map(|ms| ms as u64)
}

fn unexpected(script: &str, reply: &Value) -> EngineError {
    EngineError::Internal(format!(
        "The Redis script {script} answered {}, which this version of n8n-nodes-functions cannot read. Make sure every n8n process runs the same version of the package.",
        shown(reply)
    ))
}

/// A reply as a person reads it, cut short.
fn shown(reply: &Value) -> String {
    fn write(value: &Value, out: &mut String) {
        match value {
            Value::Nil => out.push_str("nil"),
            Value::Int(number) => out.push_str(&number.to_string()),
            Value::BulkString(bytes) => out.push_str(&format!("{:?}", String::from_utf8_lossy(bytes))),
            Value::SimpleString(text) => out.push_str(&format!("{text:?}")),
            Value::Okay => out.push_str("OK"),
            Value::Array(values) => {
                out.push('[');
                for (index, value) in values.iter().enumerate() {
                    if index > 0 {
                        out.push_str(", ");
                    }
                    write(value, out);
                }
                out.push(']');
            }
            other => out.push_str(&format!("{other:?}")),
        }
    }
    let mut out = String::new();
    write(reply, &mut out);
    if out.len() > 200 {
        let cut = (0..=200).rev().find(|index| out.is_char_boundary(*index)).unwrap_or(0);
        out.truncate(cut);
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(value: &str) -> Value {
        Value::BulkString(value.as_bytes().to_vec())
    }

    fn array(values: &[&str]) -> Value {
        Value::Array(values.iter().map(|value| text(value)).collect())
    }

    fn internal_naming(error: EngineError, script: &str, reply: &str) {
        let message = error.to_string();
        assert_eq!(error.code(), "INTERNAL", "{message}");
        assert!(message.contains(script) && message.contains(reply), "{message}");
    }

    #[test]
    fn every_script_reply_is_read_as_its_outcome() {
        assert!(
            matches!(send(array(&["queued", "1-0"])).unwrap(), SendReply::Queued { entry_id } if entry_id == "1-0")
        );
        assert!(matches!(
            send(array(&["inactive", "-1"])).unwrap(),
            SendReply::Inactive { last_seen: None, deactivated: false }
        ));
        assert!(matches!(
            send(array(&["inactive", "17", "deactivated"])).unwrap(),
            SendReply::Inactive { last_seen: Some(17), deactivated: true }
        ));
        assert!(matches!(take_back(array(&["taken"])).unwrap(), TakeBack::Taken { changed: None }));
        assert!(matches!(
            give_up(array(&["timeout", "1", ""])).unwrap(),
            GaveUp::TimedOut { picked_up: true, runner: None }
        ));
        assert_eq!(start(text("elsewhere")).unwrap(), Start::Elsewhere);
        assert!(done("answer.lua", Value::Int(1)).unwrap());
    }

    #[test]
    fn an_unknown_reply_is_internal_and_names_the_script() {
        internal_naming(send(array(&["sent", "1-0"])).unwrap_err(), "send.lua", "[\"sent\", \"1-0\"]");
        internal_naming(send(array(&["stale", "{not json"])).unwrap_err(), "send.lua", "stale");
        internal_naming(take_back(array(&["taken", "1", "2"])).unwrap_err(), "take_back.lua", "taken");
        internal_naming(take_back(Value::Int(3)).unwrap_err(), "take_back.lua", "3");
        internal_naming(give_up(array(&["timeout", "maybe", ""])).unwrap_err(), "give_up.lua", "maybe");
        internal_naming(start(text("ran")).unwrap_err(), "start.lua", "ran");
        internal_naming(done("answer.lua", Value::Int(2)).unwrap_err(), "answer.lua", "2");
        internal_naming(beat(Value::Int(1)).err().unwrap(), "beat.lua", "1");
        internal_naming(park_caller(array(&["waiting"])).unwrap_err(), "park_caller.lua", "waiting");
        internal_naming(expire_parked(array(&["gone"])).unwrap_err(), "expire_parked.lua", "gone");
    }
}
