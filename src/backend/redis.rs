//! The Redis Streams backend (queue mode): a stream and a consumer group per function,
//! one Lua script per step so each step is atomic, Pub/Sub only to save latency. Every key
//! a script touches belongs to one function, so on a Redis Cluster each step runs on the
//! node of that function's slot; reads across functions go to each function's node.

mod batch;
pub(crate) mod connect;
mod inbox;
mod reader;
mod replies;

use std::collections::HashMap;
use std::time::Duration;

use async_trait::async_trait;
use redis::streams::StreamRangeReply;
use redis::{FromRedisValue, RedisResult, Value};
use tokio::sync::OnceCell;

use self::batch::{Batcher, Lua, ScriptCall};
use self::connect::{Servers, Shared};
use self::inbox::Inbox;
use self::reader::RedisReader;
use self::replies::SendReply;
use super::{Backend, Beat, DeadLetter, Delivered, GaveUp, Placement, Reader, Sent, Start, TakeBack, Waiting};
use crate::config::{Settings, Target};
use crate::error::{EngineError, Result};
use crate::keys::{FunctionKey, Keys, GROUP};
use crate::protocol::{
    now_ms, Call, CallContext, ExecutionRef, Expired, FunctionDef, FunctionInfo, ParkedCaller, Reply, Resume,
    CALLER_RUNNER_PREFIX, PARKED_KEPT_AFTER_DEADLINE_MS, PARKED_PAST_DEADLINE,
};
use crate::registry;

/// How long writing a dead letter is tried again while Redis is out.
const DEAD_LETTER_RETRY_MS: u64 = 5_000;

/// Entries a deactivation reads and answers per round trip.
const UNSTARTED_PAGE: usize = 200;

/// Consumers silent for this long are forgotten (their name only; calls stay claimable).
const FORGET_CONSUMERS_AFTER_MS: u64 = 24 * 3600 * 1000;

/// Loads a script of `redis/scripts/` by its name.
macro_rules! script {
    ($name:literal) => {
        Lua::new(concat!($name, ".lua"), include_str!(concat!("redis/scripts/", $name, ".lua")))
    };
}

struct Scripts {
    register: Lua,
    send: Lua,
    answer: Lua,
    give_up: Lua,
    beat: Lua,
    release: Lua,
    take_back: Lua,
    start: Lua,
    keep: Lua,
    deactivate: Lua,
    answer_unstarted: Lua,
    parked: Lua,
    park_caller: Lua,
    expire_parked: Lua,
}

impl Scripts {
    fn new() -> Self {
        Self {
            register: script!("register"),
            send: script!("send"),
            answer: script!("answer"),
            give_up: script!("give_up"),
            beat: script!("beat"),
            release: script!("release"),
            take_back: script!("take_back"),
            start: script!("start"),
            keep: script!("keep"),
            deactivate: script!("deactivate"),
            answer_unstarted: script!("answer_unstarted"),
            parked: script!("parked"),
            park_caller: script!("park_caller"),
            expire_parked: script!("expire_parked"),
        }
    }
}

pub struct RedisBackend {
    settings: Settings,
    keys: Keys,
    servers: Servers,
    address: String,
    client_id: String,
    shared: OnceCell<Shared>,
    batcher: OnceCell<Batcher>,
    inbox: OnceCell<Inbox>,
    scripts: Scripts,
}

impl RedisBackend {
    /// No I/O: connections open on first use.
    pub fn new(settings: Settings) -> Result<Self> {
        let Target::Redis { urls, cluster, .. } = &settings.target else {
            return Err(EngineError::Internal("RedisBackend needs a Redis target".into()));
        };
        let address = settings.address();
        let servers = Servers::open(urls, *cluster, &address, settings.tls_ca_file.as_deref())?;
        Ok(Self {
            keys: Keys::new(&settings.key_prefix),
            servers,
            address,
            client_id: uuid::Uuid::new_v4().simple().to_string(),
            shared: OnceCell::new(),
            batcher: OnceCell::new(),
            inbox: OnceCell::new(),
            scripts: Scripts::new(),
            settings,
        })
    }

    fn error(&self, error: redis::RedisError) -> EngineError {
        connect::engine_error(error, &self.address)
    }

    async fn shared(&self) -> Result<Shared> {
        self.shared_raw().await.map_err(|e| self.error(e))
    }

    async fn shared_raw(&self) -> RedisResult<Shared> {
        self.shared.get_or_try_init(|| self.servers.shared()).await.cloned()
    }

    async fn inbox_raw(&self) -> RedisResult<&Inbox> {
        let shared = self.shared_raw().await?;
        let nodes = || self.servers.seeds().to_vec();
        self.inbox.get_or_try_init(|| Inbox::open(nodes(), self.keys.inbox(&self.client_id), shared)).await
    }

    async fn inbox(&self) -> Result<&Inbox> {
        self.inbox_raw().await.map_err(|e| self.error(e))
    }

    /// The hot path's commands go through the batcher, on the shared connection.
    async fn batcher(&self) -> RedisResult<&Batcher> {
        let shared = self.shared_raw().await?;
        Ok(self.batcher.get_or_init(|| async { Batcher::new(shared) }).await)
    }

    /// Runs a script; its reply is decoded by `replies`.
    async fn run_raw(&self, call: &ScriptCall<'_>) -> RedisResult<Value> {
        self.batcher().await?.run(call).await
    }

    async fn run(&self, call: &ScriptCall<'_>) -> Result<Value> {
        self.run_raw(call).await.map_err(|e| self.error(e))
    }

    async fn query<T: FromRedisValue>(&self, command: &redis::Cmd) -> Result<T> {
        self.batcher().await.map_err(|e| self.error(e))?.query(command.clone()).await.map_err(|e| self.error(e))
    }

    /// Runs `step` again while Redis is unreachable or still loading its data (a restart, a
    /// network blink), with backoff, until `until` (epoch ms): a step of a call is safe to
    /// repeat (call ids and the first answer winning), and a short outage must not fail a
    /// call that still has time. Past `until` the last error is the answer.
    async fn until<T, F, Fut>(&self, until: u64, step: F) -> Result<T>
    where
        F: Fn() -> Fut,
        Fut: std::future::Future<Output = RedisResult<T>>,
    {
        let mut delay = Duration::from_millis(20);
        loop {
            match step().await {
                Ok(value) => return Ok(value),
                Err(error) if connect::is_transient(&error) && now_ms() + delay.as_millis() as u64 <= until => {
                    tokio::time::sleep(delay).await;
                    delay = (delay * 2).min(Duration::from_millis(500));
                }
                Err(error) => return Err(self.error(error)),
            }
        }
    }

    /// `answer.lua`; `ended`: a run ended without answering (see `Backend::answer_ended`).
    async fn store_answer(&self, context: &CallContext, reply: &Reply, ended: bool) -> Result<bool> {
        let key = context.key()?;
        let json = serde_json::to_string(reply).map_err(|e| EngineError::Internal(e.to_string()))?;
        let json = &json;
        let stored = self
            .until(retry_window(context.deadline), || async {
                self.run_raw(
                    ScriptCall::new(&self.scripts.answer)
                        .key(self.keys.reply(&key, &context.call_id))
                        .key(self.keys.calls(&key))
                        .key(self.keys.watchers(&key, &context.call_id))
                        .key(self.keys.runner(&key, &context.call_id))
                        .key(self.keys.caller(&key, &context.call_id))
                        .key(self.keys.resumes(&key))
                        .key(self.keys.parked(&key, &context.call_id))
                        .key(self.keys.parked_calls(&key))
                        .key(self.keys.execution(&key, &context.call_id))
                        .arg(json)
                        .arg(self.settings.reply_ttl.as_millis() as u64)
                        .arg(GROUP)
                        .arg(&context.entry_id)
                        .arg(&context.reply_to)
                        .arg(&context.call_id)
                        .arg(if context.is_idempotent() { "1" } else { "0" })
                        .arg(if ended { "1" } else { "0" })
                        .arg(CALLER_RUNNER_PREFIX)
                        .arg(context.runner.as_deref().unwrap_or("")),
                )
                .await
            })
            .await?;
        replies::done(self.scripts.answer.name, stored)
    }

    /// One page of a deactivated function's calls that no execution runs, from stream id
    /// `from`: entries nobody took, and entries the closed `consumer` held.
    async fn unstarted_page(&self, key: &FunctionKey, consumer: &str, from: &str) -> Result<UnstartedPage> {
        let calls = self.keys.calls(key);
        let range: StreamRangeReply = self
            .until(now_ms() + DEAD_LETTER_RETRY_MS, || async {
                let command =
                    redis::cmd("XRANGE").arg(&calls).arg(from).arg("+").arg("COUNT").arg(UNSTARTED_PAGE).clone();
                self.batcher().await?.query(command).await
            })
            .await?;
        let (Some(first), Some(last)) = (range.ids.first(), range.ids.last()) else {
            return Ok(UnstartedPage { unstarted: Vec::new(), next: None });
        };
        let pending: Vec<(String, String, u64, u64)> = self
            .until(now_ms() + DEAD_LETTER_RETRY_MS, || async {
                let command = redis::cmd("XPENDING")
                    .arg(&calls)
                    .arg(GROUP)
                    .arg(&first.id)
                    .arg(&last.id)
                    .arg(UNSTARTED_PAGE)
                    .clone();
                self.batcher().await?.query(command).await
            })
            .await?;
        let holders: HashMap<String, String> = pending.into_iter().map(|(id, holder, ..)| (id, holder)).collect();
        let unstarted = range
            .ids
            .iter()
            .filter(|entry| holders.get(&entry.id).is_none_or(|holder| holder == consumer))
            .map(|entry| {
                let call = replies::delivered(entry.id.clone(), entry.map.get("call"), 1).call.ok();
                Unstarted { entry_id: entry.id.clone(), call: call.map(|call| (call.id, call.reply_to)) }
            })
            .collect();
        let next = (range.ids.len() == UNSTARTED_PAGE).then(|| format!("({}", last.id));
        Ok(UnstartedPage { unstarted, next })
    }

    /// `answer_unstarted.lua` over one page of `unstarted_page`.
    async fn answer_unstarted(
        &self,
        key: &FunctionKey,
        consumer: &str,
        reply: &str,
        calls: &[Unstarted],
    ) -> Result<()> {
        let mut invocation = ScriptCall::new(&self.scripts.answer_unstarted);
        invocation.key(self.keys.definition(key)).key(self.keys.calls(key));
        for (call_id, _) in calls.iter().filter_map(|entry| entry.call.as_ref()) {
            invocation
                .key(self.keys.reply(key, call_id))
                .key(self.keys.watchers(key, call_id))
                .key(self.keys.running(key, call_id))
                .key(self.keys.runner(key, call_id));
        }
        invocation.arg(GROUP).arg(consumer).arg(reply).arg(self.settings.reply_ttl.as_millis() as u64);
        for entry in calls {
            let (call_id, channel) =
                entry.call.as_ref().map_or(("", ""), |(id, channel)| (id.as_str(), channel.as_str()));
            invocation.arg(&entry.entry_id).arg(call_id).arg(channel);
        }
        let invocation = &invocation;
        let answered = self.until(now_ms() + DEAD_LETTER_RETRY_MS, || async { self.run_raw(invocation).await }).await?;
        replies::done(self.scripts.answer_unstarted.name, answered).map(|_| ())
    }

    /// `expire_parked.lua` for one parked call past its deadline: the execution to stop, when
    /// the timeout became its answer (and the execution is known).
    async fn expire_parked(&self, key: &FunctionKey, call_id: &str) -> Result<Option<Option<ExecutionRef>>> {
        let timeout = json_of(&Reply::timed_out(PARKED_PAST_DEADLINE))?;
        let expired = self
            .run(
                ScriptCall::new(&self.scripts.expire_parked)
                    .key(self.keys.reply(key, call_id))
                    .key(self.keys.parked(key, call_id))
                    .key(self.keys.parked_calls(key))
                    .key(self.keys.caller(key, call_id))
                    .key(self.keys.resumes(key))
                    .arg(call_id)
                    .arg(timeout)
                    .arg(self.settings.reply_ttl.as_millis() as u64),
            )
            .await?;
        replies::expire_parked(expired)
    }

    /// Forgets functions: their registry entry and every key of theirs but those of single
    /// calls (which expire): definition, consumers, calls, resumes, parked calls, dead letters.
    async fn retire(&self, keys: &[FunctionKey]) -> Result<()> {
        if keys.is_empty() {
            return Ok(());
        }
        // Each function's keys on its own node; on one server the batcher sends them in one write.
        let mut commands = Vec::new();
        for key in keys {
            commands.push(redis::cmd("HDEL").arg(self.keys.registry()).arg(key.as_string()).clone());
            commands.push(
                redis::cmd("DEL")
                    .arg(self.keys.definition(key))
                    .arg(self.keys.consumers(key))
                    .arg(self.keys.calls(key))
                    .arg(self.keys.dead_letters(key))
                    .arg(self.keys.resumes(key))
                    .arg(self.keys.parked_calls(key))
                    .clone(),
            );
        }
        self.query_all::<i64>(commands).await.map(|_| ())
    }

    /// Independent commands, sent together, each to the node of its key.
    async fn query_all<T: FromRedisValue>(&self, commands: Vec<redis::Cmd>) -> Result<Vec<T>> {
        let batcher = self.batcher().await.map_err(|e| self.error(e))?;
        let replies = futures_util::future::join_all(commands.into_iter().map(|command| batcher.query::<T>(command)));
        replies.await.into_iter().collect::<RedisResult<Vec<T>>>().map_err(|e| self.error(e))
    }

    /// Definitions and newest heartbeats of many functions, in one pipelined round trip.
    async fn infos(&self, keys: &[FunctionKey]) -> Result<Vec<Option<FunctionInfo>>> {
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        let mut commands = Vec::with_capacity(keys.len() * 2);
        for key in keys {
            commands.push(redis::cmd("HMGET").arg(self.keys.definition(key)).arg("json").arg("stoppedAt").clone());
            commands
                .push(redis::cmd("ZREVRANGE").arg(self.keys.consumers(key)).arg(0).arg(0).arg("WITHSCORES").clone());
        }
        let replies: Vec<Value> = self.query_all(commands).await?;
        let mut out = Vec::with_capacity(keys.len());
        for pair in replies.chunks(2) {
            let (json, stopped_at): (Option<String>, Option<u64>) =
                FromRedisValue::from_redis_value(pair[0].clone()).unwrap_or_default();
            let newest: Vec<(String, f64)> = FromRedisValue::from_redis_value(pair[1].clone()).unwrap_or_default();
            let def = json.and_then(|j| serde_json::from_str::<FunctionDef>(&j).ok());
            let newest_beat = newest.first().map(|(_, score)| *score as u64);
            out.push(def.map(|def| registry::info(def, newest_beat, stopped_at, &self.settings)));
        }
        Ok(out)
    }
}

/// Calls of a deactivated function that no execution runs, one page at a time.
struct UnstartedPage {
    unstarted: Vec<Unstarted>,
    /// Where the next page starts, if there may be one.
    next: Option<String>,
}

struct Unstarted {
    entry_id: String,
    /// Its call's id and its caller's channel, when the entry holds a readable call.
    call: Option<(String, String)>,
}

/// Until when a step of a call is tried again while Redis is out: its caller's deadline,
/// and a moment more for steps taken at or after it (a timeout to store, a late report).
fn retry_window(deadline: u64) -> u64 {
    deadline.max(now_ms() + 2_000)
}

/// How long what a parked call leaves in Redis lives: until its deadline, and a while more
/// for the answer to be read by its caller once woken.
fn parked_ttl_ms(deadline: u64) -> u64 {
    deadline.saturating_sub(now_ms()) + PARKED_KEPT_AFTER_DEADLINE_MS
}

fn json_of<T: serde::Serialize>(value: &T) -> Result<String> {
    serde_json::to_string(value).map_err(|e| EngineError::Internal(e.to_string()))
}

/// How long a runner key lives: until the call's deadline, and a minute more for a
/// trigger's execution that starts late to find it.
fn runner_ttl_ms(deadline: u64) -> u64 {
    deadline.saturating_sub(now_ms()) + 60_000
}

#[async_trait]
impl Backend for RedisBackend {
    fn settings(&self) -> &Settings {
        &self.settings
    }

    async fn register(&self, def: &FunctionDef, consumer: &str) -> Result<()> {
        let key = FunctionKey::new(&def.scope, &def.name)?;
        if let Some(Some(existing)) = self.infos(std::slice::from_ref(&key)).await?.pop() {
            registry::check_claim(&existing, def)?;
        }
        // A renamed function must not linger under its old name.
        let owners: HashMap<String, String> = self.query(redis::cmd("HGETALL").arg(self.keys.registry())).await?;
        let owner = def.owner();
        let retired: Vec<FunctionKey> = owners
            .iter()
            .filter(|(k, o)| **o == owner && **k != key.as_string())
            .filter_map(|(k, _)| FunctionKey::parse(k))
            .collect();
        self.retire(&retired).await?;
        let json = serde_json::to_string(def).map_err(|e| EngineError::Internal(e.to_string()))?;
        let registered = self
            .run(
                ScriptCall::new(&self.scripts.register)
                    .key(self.keys.definition(&key))
                    .key(self.keys.consumers(&key))
                    .key(self.keys.calls(&key))
                    .key(self.keys.resumes(&key))
                    .arg(def.version())
                    .arg(json)
                    .arg(consumer)
                    .arg(now_ms())
                    .arg(GROUP),
            )
            .await?;
        replies::done(self.scripts.register.name, registered)?;
        self.query::<i64>(redis::cmd("HSET").arg(self.keys.registry()).arg(key.as_string()).arg(owner)).await?;
        Ok(())
    }

    async fn deregister(&self, key: &FunctionKey, consumer: &str) -> Result<()> {
        let mut pipe = redis::pipe();
        pipe.cmd("ZREM").arg(self.keys.consumers(key)).arg(consumer).ignore();
        pipe.cmd("HSET").arg(self.keys.definition(key)).arg("stoppedAt").arg(now_ms()).ignore();
        pipe.atomic();
        let mut connection = self.shared().await?;
        pipe.query_async::<()>(&mut connection).await.map_err(|e| self.error(e))
    }

    async fn deactivate(&self, key: &FunctionKey, consumer: &str, closed_at: u64, reply: &Reply) -> Result<bool> {
        let marked = self
            .until(now_ms() + DEAD_LETTER_RETRY_MS, || async {
                self.run_raw(
                    ScriptCall::new(&self.scripts.deactivate)
                        .key(self.keys.definition(key))
                        .key(self.keys.consumers(key))
                        .arg(closed_at)
                        .arg(now_ms()),
                )
                .await
            })
            .await?;
        if !replies::done(self.scripts.deactivate.name, marked)? {
            return Ok(false);
        }
        // No call can be queued from now on (send.lua refuses them): answer those waiting.
        let json = serde_json::to_string(reply).map_err(|e| EngineError::Internal(e.to_string()))?;
        let mut from = "-".to_string();
        loop {
            let page = self.unstarted_page(key, consumer, &from).await?;
            if !page.unstarted.is_empty() {
                self.answer_unstarted(key, consumer, &json, &page.unstarted).await?;
            }
            match page.next {
                Some(next) => from = next,
                None => return Ok(true),
            }
        }
    }

    async fn describe(&self, key: &FunctionKey) -> Result<Option<FunctionInfo>> {
        Ok(self.infos(std::slice::from_ref(key)).await?.pop().flatten())
    }

    async fn list(&self, scope: Option<&str>) -> Result<Vec<FunctionInfo>> {
        let names: Vec<String> = self.query(redis::cmd("HKEYS").arg(self.keys.registry())).await?;
        let keys: Vec<FunctionKey> =
            names.iter().filter_map(|n| FunctionKey::parse(n)).filter(|k| scope.is_none_or(|s| k.scope == s)).collect();
        let infos = self.infos(&keys).await?;
        // Gone for good (no definition left, or no trigger for N8N_FUNCTIONS_RETIRE_AFTER_DAYS):
        // retired here, so no list shows them again.
        let (mut list, gone): (Vec<_>, Vec<_>) = keys
            .into_iter()
            .zip(infos)
            .partition(|(_, info)| info.as_ref().is_some_and(|info| !registry::retired(info, &self.settings)));
        let gone: Vec<FunctionKey> = gone.into_iter().map(|(key, _)| key).collect();
        if !gone.is_empty() {
            self.retire(&gone).await?;
        }
        let mut list: Vec<FunctionInfo> = list.drain(..).filter_map(|(_, info)| info).collect();
        registry::sort(&mut list);
        Ok(list)
    }

    async fn reply_to(&self) -> Result<String> {
        Ok(self.inbox().await?.channel.clone())
    }

    async fn send(
        &self,
        key: &FunctionKey,
        call: &Call,
        json: &str,
        version: &str,
        idempotent: bool,
        placement: Placement<'_>,
    ) -> Result<Sent> {
        let inbox = self.until(call.deadline, || self.inbox_raw()).await?;
        let awaited = inbox.expect(&call.id, self.keys.reply(key, &call.id), self.keys.parked(key, &call.id));
        let outcome = self
            .until(call.deadline, || async {
                // An idempotent call counts as in flight until its caller's deadline.
                let running_ttl = call.deadline.saturating_sub(now_ms()) + 1000;
                self.run_raw(
                    ScriptCall::new(&self.scripts.send)
                        .key(self.keys.definition(key))
                        .key(self.keys.consumers(key))
                        .key(self.keys.calls(key))
                        .key(self.keys.reply(key, &call.id))
                        .key(self.keys.running(key, &call.id))
                        .key(self.keys.watchers(key, &call.id))
                        .key(self.keys.runner(key, &call.id))
                        .arg(version)
                        .arg(now_ms())
                        .arg(self.settings.inactive_after().as_millis() as u64)
                        .arg(GROUP)
                        .arg(json)
                        .arg(if idempotent { "1" } else { "0" })
                        .arg(&inbox.channel)
                        .arg(running_ttl)
                        .arg(match placement {
                            Placement::Queue => "",
                            Placement::Here { runner } => runner,
                        }),
                )
                .await
            })
            .await;
        let sent = match outcome.and_then(replies::send) {
            Ok(SendReply::Queued { entry_id }) => return Ok(Sent::Queued { entry_id, awaited }),
            Ok(SendReply::Here) => return Ok(Sent::Here { awaited }),
            Ok(SendReply::Joined) => return Ok(Sent::Joined { awaited }),
            Ok(SendReply::Answered(stored)) => Ok(Sent::Answered(stored)),
            Ok(SendReply::Stale(def)) => Ok(Sent::Stale(def)),
            Ok(SendReply::Missing) => Ok(Sent::Missing),
            Ok(SendReply::Inactive { last_seen, deactivated }) => Ok(Sent::Inactive { last_seen, deactivated }),
            Err(error) => Err(error),
        };
        // Not waiting after all: this caller's place in the inbox goes.
        drop(awaited);
        inbox.forget(&call.id);
        sent
    }

    async fn give_up(
        &self,
        key: &FunctionKey,
        call: &Call,
        entry_id: &str,
        outcome: &Reply,
        who: Waiting,
    ) -> Result<GaveUp> {
        if let Some(inbox) = self.inbox.get() {
            inbox.forget(&call.id);
        }
        let timeout = json_of(outcome)?;
        let timeout = &timeout;
        let gave_up = self
            .until(retry_window(call.deadline), || async {
                self.run_raw(
                    ScriptCall::new(&self.scripts.give_up)
                        .key(self.keys.reply(key, &call.id))
                        .key(self.keys.calls(key))
                        .key(self.keys.running(key, &call.id))
                        .key(self.keys.runner(key, &call.id))
                        .key(self.keys.parked_calls(key))
                        .arg(timeout)
                        .arg(self.settings.reply_ttl.as_millis() as u64)
                        .arg(GROUP)
                        .arg(entry_id)
                        .arg(who.name())
                        .arg(&call.id)
                        .arg(now_ms()),
                )
                .await
            })
            .await?;
        replies::give_up(gave_up)
    }

    async fn take_back(
        &self,
        key: &FunctionKey,
        call: &Call,
        entry_id: &str,
        runner: &str,
        version: &str,
        progress_since: u64,
    ) -> Result<TakeBack> {
        let call_id = &call.id;
        let taken = self
            .run(
                ScriptCall::new(&self.scripts.take_back)
                    .key(self.keys.runner(key, call_id))
                    .key(self.keys.calls(key))
                    .key(self.keys.reply(key, call_id))
                    .key(self.keys.consumers(key))
                    .key(self.keys.definition(key))
                    .arg(runner)
                    .arg(entry_id)
                    .arg(GROUP)
                    .arg(runner_ttl_ms(call.deadline))
                    .arg(now_ms().saturating_sub(self.settings.stale_after().as_millis() as u64))
                    .arg(version)
                    .arg(progress_since),
            )
            .await?;
        replies::take_back(taken)
    }

    async fn start(&self, context: &CallContext, runner: &str, execution: Option<&ExecutionRef>) -> Result<Start> {
        let key = context.key()?;
        let execution = execution.map(json_of).transpose()?.unwrap_or_default();
        let execution = &execution;
        let started = self
            .until(retry_window(context.deadline), || async {
                self.run_raw(
                    ScriptCall::new(&self.scripts.start)
                        .key(self.keys.runner(&key, &context.call_id))
                        .key(self.keys.calls(&key))
                        .key(self.keys.reply(&key, &context.call_id))
                        .key(self.keys.definition(&key))
                        .key(self.keys.execution(&key, &context.call_id))
                        .arg(runner)
                        .arg(&context.entry_id)
                        .arg(GROUP)
                        .arg(runner_ttl_ms(context.deadline))
                        .arg(now_ms())
                        .arg(execution),
                )
                .await
            })
            .await?;
        replies::start(started)
    }

    async fn keep(&self, key: &FunctionKey, runner: &str, entry_ids: &[String]) -> Result<Vec<String>> {
        if entry_ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut invocation = ScriptCall::new(&self.scripts.keep);
        invocation.key(self.keys.calls(key)).arg(GROUP).arg(runner);
        for id in entry_ids {
            invocation.arg(id);
        }
        replies::entry_ids(self.run(&invocation).await?)
    }

    async fn answer(&self, context: &CallContext, reply: &Reply) -> Result<bool> {
        self.store_answer(context, reply, false).await
    }

    async fn answer_ended(&self, context: &CallContext, reply: &Reply) -> Result<bool> {
        self.store_answer(context, reply, true).await
    }

    async fn parked(&self, context: &CallContext, execution: Option<&ExecutionRef>) -> Result<bool> {
        let key = context.key()?;
        let execution = execution.map(json_of).transpose()?.unwrap_or_default();
        let execution = &execution;
        let parked = self
            .until(retry_window(context.deadline), || async {
                self.run_raw(
                    ScriptCall::new(&self.scripts.parked)
                        .key(self.keys.reply(&key, &context.call_id))
                        .key(self.keys.parked(&key, &context.call_id))
                        .key(self.keys.parked_calls(&key))
                        .key(self.keys.execution(&key, &context.call_id))
                        .key(self.keys.watchers(&key, &context.call_id))
                        .key(self.keys.calls(&key))
                        .arg(&context.call_id)
                        .arg(context.deadline)
                        .arg(parked_ttl_ms(context.deadline))
                        .arg(&context.reply_to)
                        .arg(execution)
                        .arg(if context.is_idempotent() { "1" } else { "0" })
                        .arg(GROUP)
                        .arg(&context.entry_id)
                        .arg(now_ms()),
                )
                .await
            })
            .await?;
        replies::done(self.scripts.parked.name, parked)
    }

    async fn park_caller(&self, context: &CallContext, caller: &ParkedCaller) -> Result<Option<Reply>> {
        let key = context.key()?;
        let caller = json_of(caller)?;
        let parked = self
            .until(retry_window(context.deadline), || async {
                self.run_raw(
                    ScriptCall::new(&self.scripts.park_caller)
                        .key(self.keys.reply(&key, &context.call_id))
                        .key(self.keys.caller(&key, &context.call_id))
                        .arg(&caller)
                        .arg(parked_ttl_ms(context.deadline)),
                )
                .await
            })
            .await?;
        replies::park_caller(parked)
    }

    async fn resumed(&self, key: &FunctionKey, resumes: &[Resume]) -> Result<()> {
        let entry_ids: Vec<&str> = resumes.iter().map(|resume| resume.entry_id.as_str()).collect();
        if entry_ids.is_empty() {
            return Ok(());
        }
        let stream = self.keys.resumes(key);
        let mut pipe = redis::pipe();
        pipe.cmd("XACK").arg(&stream).arg(GROUP).arg(&entry_ids).ignore();
        pipe.cmd("XDEL").arg(&stream).arg(&entry_ids).ignore();
        pipe.atomic();
        let pipe = &pipe;
        self.until(now_ms() + DEAD_LETTER_RETRY_MS, || async {
            let mut connection = self.shared_raw().await?;
            pipe.query_async::<()>(&mut connection).await
        })
        .await
    }

    async fn is_answered(&self, context: &CallContext) -> Result<bool> {
        let key = context.key()?;
        let exists = redis::cmd("EXISTS").arg(self.keys.reply(&key, &context.call_id)).clone();
        self.until(retry_window(context.deadline), || async {
            self.batcher().await?.query::<bool>(exists.clone()).await
        })
        .await
    }

    async fn stored_answer(&self, context: &CallContext) -> Result<Option<Reply>> {
        let key = context.key()?;
        let json: Option<String> = self.query(redis::cmd("GET").arg(self.keys.reply(&key, &context.call_id))).await?;
        Ok(json.and_then(|json| serde_json::from_str(&json).ok()))
    }

    async fn retry(&self, key: &FunctionKey, consumer: &str, context: &CallContext, attempt: u32) -> Result<()> {
        // Keeps Redis's delivery count equal to the runs, so a consumer taking the call
        // over after a crash counts this run too.
        let mut command = redis::cmd("XCLAIM");
        command.arg(self.keys.calls(key)).arg(GROUP).arg(consumer).arg(0).arg(&context.entry_id);
        command.arg("RETRYCOUNT").arg(attempt).arg("JUSTID");
        self.until(retry_window(context.deadline), || async {
            self.batcher().await?.query::<Vec<String>>(command.clone()).await
        })
        .await
        .map(|_| ())
    }

    async fn beat(&self, key: &FunctionKey, consumer: &str) -> Result<Beat> {
        let now = now_ms();
        let mut invocation = ScriptCall::new(&self.scripts.beat);
        invocation
            .key(self.keys.consumers(key))
            .key(self.keys.calls(key))
            .arg(consumer)
            .arg(now)
            .arg(GROUP)
            .arg(self.settings.stale_after().as_millis() as u64)
            .arg(now.saturating_sub(FORGET_CONSUMERS_AFTER_MS));
        invocation.key(self.keys.resumes(key)).key(self.keys.parked_calls(key));
        let beaten = replies::beat(self.run(&invocation).await?)?;
        let mut expired = Vec::new();
        for call_id in beaten.expired {
            if let Some(Some(execution)) = self.expire_parked(key, &call_id).await? {
                expired.push(Expired { call_id, execution });
            }
        }
        Ok(Beat { reclaimed: beaten.calls, resumes: beaten.resumes, expired })
    }

    async fn release(&self, key: &FunctionKey, consumer: &str, calls: Vec<Delivered>) -> Result<()> {
        if calls.is_empty() {
            return Ok(());
        }
        let mut invocation = ScriptCall::new(&self.scripts.release);
        invocation
            .key(self.keys.calls(key))
            .arg(GROUP)
            .arg(consumer)
            .arg(self.settings.stale_after().as_millis() as u64 + 1);
        for delivered in &calls {
            invocation.arg(&delivered.entry_id);
        }
        replies::done(self.scripts.release.name, self.run(&invocation).await?).map(|_| ())
    }

    async fn dead_letter(&self, key: &FunctionKey, letter: &DeadLetter<'_>) -> Result<()> {
        let call = letter.call.map(|call| serde_json::to_string(call).unwrap_or_default()).unwrap_or_default();
        let entry_id = letter.entry_id;
        let mut pipe = redis::pipe();
        pipe.cmd("XADD")
            .arg(self.keys.dead_letters(key))
            .arg("MAXLEN")
            .arg("~")
            .arg(10_000)
            .arg("*")
            .arg("entry")
            .arg(entry_id)
            .arg("reason")
            .arg(letter.reason)
            .arg("call")
            .arg(call)
            .ignore();
        if !entry_id.is_empty() {
            pipe.cmd("XACK").arg(self.keys.calls(key)).arg(GROUP).arg(entry_id).ignore();
            pipe.cmd("XDEL").arg(self.keys.calls(key)).arg(entry_id).ignore();
        }
        pipe.atomic();
        let pipe = &pipe;
        self.until(now_ms() + DEAD_LETTER_RETRY_MS, || async {
            let mut connection = self.shared_raw().await?;
            pipe.query_async::<()>(&mut connection).await
        })
        .await
    }

    async fn reader(&self, key: &FunctionKey, consumer: &str) -> Result<Box<dyn Reader>> {
        Ok(Box::new(RedisReader::new(
            self.servers.clone(),
            self.shared().await?,
            [self.keys.calls(key), self.keys.resumes(key)],
            consumer.to_string(),
            self.address.clone(),
        )))
    }
}
