//! Faults against the real Redis (REDIS_URL, default redis://127.0.0.1:6379): entries that
//! are not calls, calls from a newer version or past their deadline, consumers that die
//! holding calls, executions that fail. Every accepted call is answered; nothing stops the
//! consumer.

mod common;

use common::serving::each_call;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use n8n_nodes_functions::config::{self, Options};
use n8n_nodes_functions::error::EngineError;
use n8n_nodes_functions::protocol::{now_ms, FunctionDef, Param, ParamType, GLOBAL_SCOPE};
use n8n_nodes_functions::Engine;
use n8n_nodes_functions::{Closing, Served};
use redis::aio::MultiplexedConnection;
use serde_json::{json, Value};

fn redis_url() -> String {
    std::env::var("REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into())
}

struct Fixture {
    engine: Arc<Engine>,
    prefix: String,
    redis: MultiplexedConnection,
}

async fn fixture(vars: &[(&str, &str)]) -> Fixture {
    let prefix = format!("rust-test:{}:", &uuid::Uuid::new_v4().simple().to_string()[..8]);
    let options = Options { url: Some(redis_url()), key_prefix: Some(prefix.clone()), ..Default::default() };
    let vars: Vec<(String, String)> = vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    let settings =
        config::resolve(&options, |name| vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())).unwrap();
    let redis = redis::Client::open(redis_url()).unwrap().get_multiplexed_async_connection().await.unwrap();
    Fixture { engine: Arc::new(Engine::new(settings).unwrap()), prefix, redis }
}

fn def(name: &str, max_attempts: u32) -> FunctionDef {
    FunctionDef {
        name: name.into(),
        scope: GLOBAL_SCOPE.into(),
        description: String::new(),
        parameters: vec![Param {
            name: "a".into(),
            kind: ParamType::Number,
            required: true,
            default: None,
            description: String::new(),
        }],
        workflow_id: "wfTest".into(),
        workflow_name: "Test".into(),
        node_name: name.into(),
        max_attempts,
        start_node: None,
        access: Default::default(),
    }
}

fn args(value: Value) -> Vec<serde_json::Map<String, Value>> {
    vec![value.as_object().unwrap().clone()]
}

/// Answers every call with `{a, attempt}` and records the attempts it saw.
fn answer_all(engine: Arc<Engine>, served: Arc<Served>) -> Arc<Mutex<Vec<u32>>> {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let record = seen.clone();
    each_call(served, move |_, call| {
        let (engine, record) = (engine.clone(), record.clone());
        async move {
            record.lock().unwrap().push(call.attempt);
            let value = json!({"a": call.items[0]["a"], "attempt": call.attempt});
            engine.respond(&call.context, value, None).await.unwrap();
        }
    });
    seen
}

/// Calls `name` with {a: 1} (30 s timeout) while the test goes on.
fn call_in_background(engine: &Arc<Engine>, name: &'static str) -> tokio::task::JoinHandle<Result<Value, EngineError>> {
    let engine = engine.clone();
    tokio::spawn(
        async move { engine.call(common::request(name, args(json!({"a": 1})), Duration::from_secs(30))).await },
    )
}

async fn xlen(redis: &mut MultiplexedConnection, key: &str) -> i64 {
    redis::cmd("XLEN").arg(key).query_async(redis).await.unwrap()
}

async fn stored_reply(redis: &mut MultiplexedConnection, prefix: &str, name: &str, call_id: &str) -> Option<Value> {
    let key = format!("{prefix}fn:{{__global__/{name}}}:reply:{call_id}");
    let text: Option<String> = redis::cmd("GET").arg(key).query_async(redis).await.unwrap();
    text.map(|t| serde_json::from_str(&t).unwrap())
}

async fn eventually<F: AsyncFnMut() -> bool>(limit: Duration, mut check: F) -> bool {
    let started = Instant::now();
    while started.elapsed() < limit {
        if check().await {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    false
}

#[tokio::test(flavor = "multi_thread")]
async fn entries_that_cannot_run_are_answered_or_dead_lettered_and_the_consumer_keeps_serving() {
    let mut f = fixture(&[]).await;
    let served = Arc::new(f.engine.serve(def("add", 3)).await.unwrap());
    let seen = answer_all(f.engine.clone(), served.clone());
    let calls = format!("{}fn:{{__global__/add}}:calls", f.prefix);
    let dead = format!("{}fn:{{__global__/add}}:dead", f.prefix);
    let reply_to = format!("{}inbox:nobody", f.prefix);
    let newer =
        json!({"v": 99, "id": "newer", "items": [{"a": 1}], "deadline": now_ms() + 60_000, "replyTo": reply_to});
    let expired = json!({"v": 1, "id": "expired", "items": [{"a": 1}], "deadline": now_ms() - 1, "replyTo": reply_to});
    let bad_entries: Vec<Vec<(&str, String)>> = vec![
        vec![("other", "field".into())],
        vec![("call", "not json".into())],
        vec![("call", "{\"v\":1}".into())],
        vec![("call", newer.to_string())],
        vec![("call", expired.to_string())],
    ];
    for fields in &bad_entries {
        let mut command = redis::cmd("XADD");
        command.arg(&calls).arg("*");
        for (field, value) in fields {
            command.arg(field).arg(value);
        }
        let _: String = command.query_async(&mut f.redis).await.unwrap();
    }
    let drained = eventually(Duration::from_secs(5), async || xlen(&mut f.redis, &calls).await == 0).await;
    assert!(drained, "the bad entries were not all taken off the calls stream");
    assert_eq!(xlen(&mut f.redis, &dead).await, 3, "three entries are not calls at all");
    let newer_reply = stored_reply(&mut f.redis, &f.prefix, "add", "newer").await.unwrap();
    assert!(newer_reply["error"]["message"].as_str().unwrap().contains("newer version of n8n-nodes-functions"));
    let expired_reply = stored_reply(&mut f.redis, &f.prefix, "add", "expired").await.unwrap();
    assert_eq!(expired_reply["error"]["kind"], "timeout");
    assert!(seen.lock().unwrap().is_empty(), "no bad entry may reach the function");

    let value = f.engine.call(common::request("add", args(json!({"a": 7})), Duration::from_secs(5))).await.unwrap();
    assert_eq!(value, json!({"a": 7, "attempt": 1}));
    served.close(Closing::Restarting).await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_call_held_by_a_consumer_that_died_is_taken_over_within_seconds() {
    let f = fixture(&[("N8N_FUNCTIONS_HEARTBEAT_MS", "100")]).await;
    let dying = f.engine.serve(def("add", 3)).await.unwrap();
    let call = call_in_background(&f.engine, "add");
    let taken = tokio::time::timeout(Duration::from_secs(5), dying.next()).await.unwrap();
    assert_eq!(taken.len(), 1);
    let survivor = Arc::new(f.engine.serve(def("add", 3)).await.unwrap());
    // The holder dies: it stops beating and never answers (no close(), no release).
    let died = Instant::now();
    drop(dying);
    let _seen = answer_all(f.engine.clone(), survivor.clone());
    let value = call.await.unwrap().unwrap();
    assert_eq!(value, json!({"a": 1, "attempt": 2}));
    println!("taken over and answered {:?} after the holder died (heartbeat 100 ms)", died.elapsed());
    assert!(died.elapsed() < Duration::from_secs(5), "taken over after {:?}", died.elapsed());
    survivor.close(Closing::Restarting).await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failed_execution_runs_again_then_goes_to_the_dead_letters_and_the_caller_is_told() {
    let mut f = fixture(&[]).await;
    let served = Arc::new(f.engine.serve(def("flaky", 2)).await.unwrap());
    let attempts = Arc::new(Mutex::new(Vec::new()));
    let record = attempts.clone();
    each_call(served.clone(), move |served, call| {
        record.lock().unwrap().push(call.attempt);
        async move {
            served.finished(&call.context, Some("node 'HTTP' failed: 503".into())).await.unwrap();
        }
    });
    let error =
        f.engine.call(common::request("flaky", args(json!({"a": 1})), Duration::from_secs(10))).await.unwrap_err();
    assert_eq!(
        error,
        EngineError::FunctionFailed(
            "Function 'flaky' failed: node 'HTTP' failed: 503 (it failed 2 times; the call was moved to the dead letters)"
                .into()
        )
    );
    assert_eq!(*attempts.lock().unwrap(), vec![1, 2]);
    let dead = format!("{}fn:{{__global__/flaky}}:dead", f.prefix);
    assert_eq!(xlen(&mut f.redis, &dead).await, 1);
    served.close(Closing::Restarting).await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn an_execution_that_ends_without_returning_is_not_run_again() {
    let f = fixture(&[]).await;
    let served = Arc::new(f.engine.serve(def("quiet", 3)).await.unwrap());
    let runs = Arc::new(Mutex::new(0));
    let count = runs.clone();
    each_call(served.clone(), move |served, call| {
        *count.lock().unwrap() += 1;
        async move {
            served.finished(&call.context, None).await.unwrap();
        }
    });
    let error =
        f.engine.call(common::request("quiet", args(json!({"a": 1})), Duration::from_secs(10))).await.unwrap_err();
    assert!(error.to_string().contains("without reaching a Return from Function node"), "{error}");
    assert_eq!(*runs.lock().unwrap(), 1);
    served.close(Closing::Restarting).await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn payloads_over_the_limit_are_refused_naming_the_limit() {
    let f = fixture(&[("N8N_FUNCTIONS_MAX_PAYLOAD_BYTES", "2000")]).await;
    let served = Arc::new(f.engine.serve(FunctionDef { parameters: vec![], ..def("echo", 1) }).await.unwrap());
    let _seen = answer_all(f.engine.clone(), served.clone());
    let big = "x".repeat(3000);
    let error =
        f.engine.call(common::request("echo", args(json!({"a": big})), Duration::from_secs(5))).await.unwrap_err();
    assert_eq!(error.code(), "PAYLOAD_TOO_LARGE");
    assert!(error.to_string().contains("over the limit of 2000 bytes (N8N_FUNCTIONS_MAX_PAYLOAD_BYTES)"), "{error}");
    served.close(Closing::Restarting).await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_live_consumer_keeps_a_long_call_from_being_taken_over() {
    let f = fixture(&[("N8N_FUNCTIONS_HEARTBEAT_MS", "100")]).await;
    let holder = f.engine.serve(def("slow", 3)).await.unwrap();
    let call = call_in_background(&f.engine, "slow");
    let taken = tokio::time::timeout(Duration::from_secs(5), holder.next()).await.unwrap();
    let other = Arc::new(f.engine.serve(def("slow", 3)).await.unwrap());
    let stolen = answer_all(f.engine.clone(), other.clone());
    // Ten stale windows (3 heartbeats each) pass while the holder runs the call.
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert!(stolen.lock().unwrap().is_empty(), "a live holder's call was taken over");
    f.engine.respond(&taken[0].context, json!("done by the holder"), None).await.unwrap();
    assert_eq!(call.await.unwrap().unwrap(), json!("done by the holder"));
    holder.close(Closing::Restarting).await.unwrap();
    other.close(Closing::Restarting).await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn after_redis_restarts_calls_flow_again_without_extra_connections_or_consumers() {
    let mut redis = common::PrivateRedis::start(&["--appendonly", "yes", "--appendfsync", "always"], false);
    let url = format!("redis://127.0.0.1:{}", redis.port);
    let options = Options { url: Some(url.clone()), key_prefix: Some("restart:".into()), ..Default::default() };
    let settings = config::resolve(&options, |_| None).unwrap();
    let engine = Arc::new(Engine::new(settings).unwrap());
    let served = Arc::new(engine.serve(def("add", 3)).await.unwrap());
    let _seen = answer_all(engine.clone(), served.clone());
    let call = |a: i64| {
        let engine = engine.clone();
        async move { engine.call(common::request("add", args(json!({"a": a})), Duration::from_secs(5))).await }
    };
    assert_eq!(call(1).await.unwrap()["a"], 1);
    let mut admin = redis::Client::open(url.as_str()).unwrap().get_multiplexed_async_connection().await.unwrap();
    let clients = |list: String| list.lines().filter(|l| !l.contains("cmd=client")).count();
    let before = clients(redis::cmd("CLIENT").arg("LIST").query_async(&mut admin).await.unwrap());

    let crashed = Instant::now();
    redis.crash_and_restart();
    let recovered = eventually(Duration::from_secs(15), async || call(2).await.is_ok()).await;
    assert!(recovered, "calls did not flow again within 15 s of the restart");
    println!("calls flow again {:?} after Redis was killed and restarted", crashed.elapsed());
    // Every connection came back once: the shared one, the inbox and the blocking reader.
    let mut admin = redis::Client::open(url.as_str()).unwrap().get_multiplexed_async_connection().await.unwrap();
    let after = eventually(Duration::from_secs(5), async || {
        let list: String = redis::cmd("CLIENT").arg("LIST").query_async(&mut admin).await.unwrap();
        clients(list) == before
    })
    .await;
    assert!(after, "the number of client connections changed after the restart");
    let consumers: Vec<redis::Value> = redis::cmd("XINFO")
        .arg("CONSUMERS")
        .arg("restart:fn:{__global__/add}:calls")
        .arg("functions")
        .query_async(&mut admin)
        .await
        .unwrap();
    assert_eq!(consumers.len(), 1, "one consumer, not one more per reconnect");
    served.close(Closing::Restarting).await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn answered_calls_leave_only_an_answer_that_expires() {
    let mut f = fixture(&[("N8N_FUNCTIONS_REPLY_TTL_SECONDS", "60")]).await;
    let served = Arc::new(f.engine.serve(def("add", 3)).await.unwrap());
    let _seen = answer_all(f.engine.clone(), served.clone());
    for a in 0..20 {
        f.engine.call(common::request("add", args(json!({"a": a})), Duration::from_secs(5))).await.unwrap();
    }
    let calls = format!("{}fn:{{__global__/add}}:calls", f.prefix);
    assert_eq!(xlen(&mut f.redis, &calls).await, 0, "answered entries are deleted from the stream");
    let replies: Vec<String> = redis::cmd("KEYS")
        .arg(format!("{}fn:{{__global__/add}}:reply:*", f.prefix))
        .query_async(&mut f.redis)
        .await
        .unwrap();
    assert_eq!(replies.len(), 20);
    for reply in replies {
        let ttl: i64 = redis::cmd("PTTL").arg(&reply).query_async(&mut f.redis).await.unwrap();
        assert!(ttl > 0 && ttl <= 60_000, "{reply} expires in {ttl} ms");
    }
    served.close(Closing::Restarting).await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_calls_stream_deleted_under_a_served_function_comes_back_with_the_next_call() {
    let mut f = fixture(&[]).await;
    let served = Arc::new(f.engine.serve(def("add", 3)).await.unwrap());
    let _seen = answer_all(f.engine.clone(), served.clone());
    assert_eq!(
        f.engine.call(common::request("add", args(json!({"a": 1})), Duration::from_secs(5))).await.unwrap()["a"],
        1
    );
    let calls = format!("{}fn:{{__global__/add}}:calls", f.prefix);
    let _: i64 = redis::cmd("DEL").arg(&calls).query_async(&mut f.redis).await.unwrap();
    let answer = f.engine.call(common::request("add", args(json!({"a": 2})), Duration::from_secs(10))).await;
    assert_eq!(answer.unwrap()["a"], 2, "the call after the stream was deleted is answered");
    served.close(Closing::Restarting).await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn an_execution_failing_after_it_returned_is_neither_run_again_nor_dead_lettered() {
    // Returned from this process (regular mode) and from another one (queue mode, where
    // Return from Function runs on a worker and the trigger on main).
    for answered_elsewhere in [false, true] {
        returns_then_fails(answered_elsewhere).await;
    }
}

async fn returns_then_fails(answered_elsewhere: bool) {
    let mut f = fixture(&[]).await;
    let served = Arc::new(f.engine.serve(def("returns-then-fails", 1)).await.unwrap());
    let reports = Arc::new(Mutex::new(Vec::new()));
    let answering =
        if answered_elsewhere { Arc::new(Engine::new(f.engine.settings().clone()).unwrap()) } else { f.engine.clone() };
    let record = reports.clone();
    each_call(served.clone(), move |served, call| {
        let (engine, record) = (answering.clone(), record.clone());
        async move {
            engine.respond(&call.context, json!({"ok": call.attempt}), None).await.unwrap();
            let failure = Some("a node after the return failed".to_string());
            let answered = served.finished(&call.context, failure).await.unwrap();
            record.lock().unwrap().push(answered);
        }
    });
    let value =
        f.engine.call(common::request("returns-then-fails", args(json!({"a": 1})), Duration::from_secs(5))).await;
    assert_eq!(value.unwrap(), json!({"ok": 1}));
    assert!(eventually(Duration::from_secs(2), async || reports.lock().unwrap().len() == 1).await);
    assert_eq!(*reports.lock().unwrap(), vec![false], "the failure answered nothing: the call had its answer");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(reports.lock().unwrap().len(), 1, "the call did not run again");
    let dead = format!("{}fn:{{__global__/returns-then-fails}}:dead", f.prefix);
    assert_eq!(xlen(&mut f.redis, &dead).await, 0, "nothing went to the dead letters");
    served.close(Closing::Restarting).await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn calls_keep_flowing_after_redis_forgets_the_scripts() {
    // A Redis of its own: SCRIPT FLUSH would disturb every other user of the shared one.
    let redis = common::PrivateRedis::start(&[], false);
    let url = format!("redis://127.0.0.1:{}", redis.port);
    let options = Options { url: Some(url.clone()), key_prefix: Some("flush:".into()), ..Default::default() };
    let engine = Arc::new(Engine::new(config::resolve(&options, |_| None).unwrap()).unwrap());
    let served = Arc::new(engine.serve(def("add", 3)).await.unwrap());
    let _seen = answer_all(engine.clone(), served.clone());
    let call = |a: i64| engine.call(common::request("add", args(json!({"a": a})), Duration::from_secs(5)));
    assert_eq!(call(1).await.unwrap()["a"], 1);
    let mut admin = redis::Client::open(url.as_str()).unwrap().get_multiplexed_async_connection().await.unwrap();
    let _: () = redis::cmd("SCRIPT").arg("FLUSH").query_async(&mut admin).await.unwrap();
    let answers = futures_util::future::join_all((2..12).map(call)).await;
    for (a, answer) in (2..12).zip(answers) {
        assert_eq!(answer.unwrap()["a"], a, "call {a} after SCRIPT FLUSH");
    }
    served.close(Closing::Restarting).await.unwrap();
}
