//! A function's workflow deactivated on purpose is not a crash: calls made after it fail at
//! once saying so, calls waiting for it are told at once, and an execution already running
//! finishes. A trigger started again within a heartbeat (n8n publishing the workflow anew)
//! is no deactivation. Against the real Redis (REDIS_URL) and the memory backend.

mod common;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::serving::{answer_every_call, collect_calls};
use n8n_nodes_functions::config::{self, Options};
use n8n_nodes_functions::error::EngineError;
use n8n_nodes_functions::protocol::IncomingCall;
use n8n_nodes_functions::protocol::{FunctionDef, GLOBAL_SCOPE};
use n8n_nodes_functions::Closing;
use n8n_nodes_functions::Engine;
use n8n_nodes_functions::Start;
use serde_json::{json, Value};

#[derive(Clone, Copy, Debug)]
enum Kind {
    Redis,
    Memory,
}

const HEARTBEAT: Duration = Duration::from_millis(100);

fn engine(kind: Kind) -> Arc<Engine> {
    let url = match kind {
        Kind::Redis => Some(std::env::var("REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into())),
        Kind::Memory => None,
    };
    let prefix = format!("rust-test:{}:", &uuid::Uuid::new_v4().simple().to_string()[..8]);
    let options = Options { url, key_prefix: Some(prefix), ..Default::default() };
    let settings = config::resolve(&options, |name| (name == "N8N_FUNCTIONS_HEARTBEAT_MS").then(|| "100".into()));
    Arc::new(Engine::new(settings.unwrap()).unwrap())
}

fn def() -> FunctionDef {
    FunctionDef {
        name: "greet".into(),
        scope: GLOBAL_SCOPE.into(),
        description: String::new(),
        parameters: vec![],
        workflow_id: "wfGreet".into(),
        workflow_name: "Greetings".into(),
        node_name: "greet".into(),
        max_attempts: 1,
        start_node: None,
        access: Default::default(),
    }
}

fn call(engine: &Arc<Engine>) -> tokio::task::JoinHandle<Result<Value, EngineError>> {
    let engine = engine.clone();
    tokio::spawn(async move {
        engine.call(common::request("greet", vec![Default::default()], Duration::from_secs(10))).await
    })
}

async fn handed_out(calls: &Mutex<Vec<IncomingCall>>, count: usize) {
    let started = Instant::now();
    while calls.lock().unwrap().len() < count {
        assert!(started.elapsed() < Duration::from_secs(5), "the trigger did not take {count} call(s)");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

fn assert_deactivated(outcome: Result<Value, EngineError>, kind: Kind) {
    let error = outcome.expect_err("the call must fail");
    assert_eq!(error.code(), "FUNCTION_INACTIVE", "{kind:?}: {error}");
    assert_eq!(
        error.to_string(),
        "The global function 'greet' is not active: its workflow 'Greetings' (id wfGreet) was deactivated. Activate it and call again.",
        "{kind:?}"
    );
}

async fn calls_waiting_and_calls_after_are_told_at_once(kind: Kind) {
    let engine = engine(kind);
    let served = Arc::new(engine.serve(def()).await.unwrap());
    let handed = collect_calls(served.clone());
    let waiting = call(&engine);
    handed_out(&handed, 1).await; // its execution waits for a slot
    served.close(Closing::Deactivated).await.unwrap();
    let during_grace = call(&engine); // queued: nobody reads it any more
    let started = Instant::now();
    assert_deactivated(waiting.await.unwrap(), kind);
    assert_deactivated(during_grace.await.unwrap(), kind);
    assert!(started.elapsed() < Duration::from_secs(2), "{kind:?}: told after {:?}", started.elapsed());

    let after = Instant::now();
    assert_deactivated(call(&engine).await.unwrap(), kind);
    assert!(after.elapsed() < Duration::from_millis(500), "{kind:?}: a call after it took {:?}", after.elapsed());

    // The late execution of the waiting call runs nothing.
    let late = handed.lock().unwrap().pop().unwrap();
    assert_eq!(engine.start(&late.context, None).await.unwrap(), Start::Answered, "{kind:?}");
}

async fn a_running_execution_still_answers(kind: Kind) {
    let engine = engine(kind);
    let served = Arc::new(engine.serve(def()).await.unwrap());
    let handed = collect_calls(served.clone());
    let caller = call(&engine);
    handed_out(&handed, 1).await;
    let running = handed.lock().unwrap().pop().unwrap();
    assert_eq!(engine.start(&running.context, None).await.unwrap(), Start::Run);
    served.close(Closing::Deactivated).await.unwrap();
    tokio::time::sleep(HEARTBEAT * 3).await;
    assert!(engine.respond(&running.context, json!("hello"), None).await.unwrap());
    assert_eq!(caller.await.unwrap().unwrap(), json!("hello"), "{kind:?}");
}

async fn published_anew_within_a_heartbeat_is_no_deactivation(kind: Kind) {
    let engine = engine(kind);
    let old = engine.serve(def()).await.unwrap();
    old.close(Closing::Deactivated).await.unwrap();
    let new = Arc::new(engine.serve(def()).await.unwrap());
    answer_every_call(engine.clone(), new.clone(), json!("hi"));
    tokio::time::sleep(HEARTBEAT * 3).await;
    assert_eq!(call(&engine).await.unwrap().unwrap(), json!("hi"), "{kind:?}");
    new.close(Closing::Restarting).await.unwrap();
}

async fn active_again_after_a_deactivation(kind: Kind) {
    let engine = engine(kind);
    engine.serve(def()).await.unwrap().close(Closing::Deactivated).await.unwrap();
    tokio::time::sleep(HEARTBEAT * 3).await;
    assert_deactivated(call(&engine).await.unwrap(), kind);
    let again = Arc::new(engine.serve(def()).await.unwrap());
    answer_every_call(engine.clone(), again.clone(), json!("back"));
    assert_eq!(call(&engine).await.unwrap().unwrap(), json!("back"), "{kind:?}");
    again.close(Closing::Restarting).await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn told_at_once_redis() {
    calls_waiting_and_calls_after_are_told_at_once(Kind::Redis).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn told_at_once_memory() {
    calls_waiting_and_calls_after_are_told_at_once(Kind::Memory).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn running_execution_answers_redis() {
    a_running_execution_still_answers(Kind::Redis).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn running_execution_answers_memory() {
    a_running_execution_still_answers(Kind::Memory).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn published_anew_redis() {
    published_anew_within_a_heartbeat_is_no_deactivation(Kind::Redis).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn published_anew_memory() {
    published_anew_within_a_heartbeat_is_no_deactivation(Kind::Memory).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn active_again_redis() {
    active_again_after_a_deactivation(Kind::Redis).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn active_again_memory() {
    active_again_after_a_deactivation(Kind::Memory).await;
}
