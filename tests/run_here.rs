//! Callers that run their own calls (worker slots): a call past the remote limit is never
//! queued, a queued call no execution started in time is taken back, an execution that
//! started keeps its call, a trigger's late execution of a taken-back call runs nothing,
//! and a call whose runner died is run again. Against the real Redis (REDIS_URL) and the
//! memory backend, which must agree.

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use common::serving::{collect_calls, each_call};
use n8n_nodes_functions::config::{self, Options};
use n8n_nodes_functions::keys::FunctionKey;
use n8n_nodes_functions::protocol::IncomingCall;
use n8n_nodes_functions::protocol::{FunctionDef, Param, ParamType, DEFAULT_MAX_ATTEMPTS, GLOBAL_SCOPE};
use n8n_nodes_functions::Closing;
use n8n_nodes_functions::Engine;
use n8n_nodes_functions::Start;
use n8n_nodes_functions::{Outgoing, Policy, Request, Step};
use serde_json::{json, Value};

fn redis_url() -> String {
    std::env::var("REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into())
}

#[derive(Clone, Copy, Debug)]
enum Kind {
    Redis,
    Memory,
}

/// A fresh engine (its own key prefix) with a 100 ms heartbeat, so takeovers are quick.
fn engine(kind: Kind, prefix: &str) -> Arc<Engine> {
    let url = match kind {
        Kind::Redis => Some(redis_url()),
        Kind::Memory => None,
    };
    let options = Options { url, key_prefix: Some(prefix.to_string()), ..Default::default() };
    let settings = config::resolve(&options, |name| (name == "N8N_FUNCTIONS_HEARTBEAT_MS").then(|| "100".into()));
    Arc::new(Engine::new(settings.unwrap()).unwrap())
}

fn prefix() -> String {
    format!("rust-test:{}:", &uuid::Uuid::new_v4().simple().to_string()[..8])
}

fn def(name: &str, max_attempts: u32) -> FunctionDef {
    FunctionDef {
        name: name.into(),
        scope: GLOBAL_SCOPE.into(),
        description: String::new(),
        parameters: vec![Param {
            name: "a".into(),
            kind: ParamType::Number,
            required: false,
            default: Some(json!(1)),
            description: String::new(),
        }],
        workflow_id: "wfTest".into(),
        workflow_name: "Test".into(),
        node_name: name.into(),
        max_attempts,
        start_node: Some(json!({"name": name, "type": "n8n-nodes-functions.functionTrigger", "typeVersion": 1})),
        access: Default::default(),
    }
}

fn request(name: &str, a: i64, policy: Policy) -> Request {
    let key = FunctionKey::new(GLOBAL_SCOPE, name).unwrap();
    let items = vec![json!({"a": a}).as_object().unwrap().clone()];
    Request { policy: Some(policy), ..Request::new(key, items, Duration::from_secs(10)) }
}

/// Each call from a slot of its own (tests run side by side in one process).
fn policy(remote_limit: usize, take_back_ms: u64) -> Policy {
    let slot = uuid::Uuid::new_v4().to_string();
    Policy { remote_limit, slot, take_back_after: Duration::from_millis(take_back_ms) }
}

/// The call handed to this process to run, or a panic saying what came instead.
fn run_of(step: Step) -> IncomingCall {
    match step {
        Step::Run(here) => {
            assert_eq!(here.workflow_id, "wfTest");
            assert_eq!(here.start_node["type"], "n8n-nodes-functions.functionTrigger");
            here.call
        }
        Step::Value(value) => panic!("expected a call to run here, got the value {value}"),
        Step::Parked(execution) => panic!("expected a call to run here, got word that {execution:?} parked"),
    }
}

fn value_of(step: Step) -> Value {
    match step {
        Step::Value(value) => value,
        Step::Run(here) => panic!("expected the answer, got a call to run (attempt {})", here.call.attempt),
        Step::Parked(execution) => panic!("expected the answer, got word that {execution:?} parked"),
    }
}

/// What an execution of the function does with a call: start it, answer `{doubled}` if it runs.
async fn execute(engine: &Engine, call: &IncomingCall) -> Start {
    let started = engine.start(&call.context, None).await.unwrap();
    if started == Start::Run {
        let doubled = call.items[0]["a"].as_i64().unwrap() * 2;
        engine.respond(&call.context, json!({ "doubled": doubled }), None).await.unwrap();
    }
    started
}

async fn past_the_remote_limit_a_call_runs_in_the_callers_process(kind: Kind) {
    let engine = engine(kind, &prefix());
    let served = Arc::new(engine.serve(def("double", DEFAULT_MAX_ATTEMPTS)).await.unwrap());
    let queued = collect_calls(served.clone());
    let mut outgoing: Outgoing = engine.outgoing(request("double", 21, policy(0, 1000)));
    let call = run_of(outgoing.next().await.unwrap());
    assert_eq!(call.context.runner.as_deref().map(|r| r.starts_with("caller:")), Some(true), "{:?}", call.context);
    assert_eq!(call.attempt, 1);
    assert_eq!(execute(&engine, &call).await, Start::Run, "the caller's own execution runs its call");
    assert_eq!(value_of(outgoing.ran(None).await.unwrap()), json!({"doubled": 42}));
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(queued.lock().unwrap().is_empty(), "{kind:?}: a call run here is never queued for the trigger");
    served.close(Closing::Restarting).await.unwrap();
}

async fn a_call_no_execution_started_in_time_is_taken_back_and_its_late_execution_runs_nothing(kind: Kind) {
    let engine = engine(kind, &prefix());
    let served = Arc::new(engine.serve(def("double", DEFAULT_MAX_ATTEMPTS)).await.unwrap());
    let queued = collect_calls(served.clone());
    let mut outgoing = engine.outgoing(request("double", 5, policy(10, 200)));
    let started = Instant::now();
    let call = run_of(outgoing.next().await.unwrap());
    assert!(started.elapsed() >= Duration::from_millis(190), "taken back after {:?}", started.elapsed());
    assert_eq!(queued.lock().unwrap().len(), 1, "{kind:?}: the trigger had taken the call");
    assert_eq!(execute(&engine, &call).await, Start::Run);
    assert_eq!(value_of(outgoing.ran(None).await.unwrap()), json!({"doubled": 10}));

    // The trigger's execution gets its slot at last: it must not run the call, and its end
    // must not answer it a second time.
    let late = queued.lock().unwrap().pop().unwrap();
    assert_eq!(engine.start(&late.context, None).await.unwrap(), Start::Answered, "{kind:?}");
    assert!(!served.finished(&late.context, None).await.unwrap(), "{kind:?}: nothing answered twice");
    served.close(Closing::Restarting).await.unwrap();
}

async fn a_call_stays_queued_while_the_functions_executions_are_starting(kind: Kind) {
    let engine = engine(kind, &prefix());
    let served = Arc::new(engine.serve(def("double", DEFAULT_MAX_ATTEMPTS)).await.unwrap());
    let queued = collect_calls(served.clone());
    let started = Instant::now();
    let mut waiting = engine.outgoing(request("double", 1, policy(10, 300)));
    let behind = tokio::spawn(async move { (waiting.next().await, waiting) });
    // Another call of the function gets a slot while this one waits: slots are moving.
    let other = engine.outgoing(request("double", 2, policy(10, 300)));
    let other = tokio::spawn(async move {
        let mut other = other;
        other.next().await
    });
    while queued.lock().unwrap().len() < 2 {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    tokio::time::sleep(Duration::from_millis(150)).await;
    let first = queued.lock().unwrap().iter().find(|call| call.items[0]["a"] == 2).cloned().unwrap();
    assert_eq!(execute(&engine, &first).await, Start::Run);
    let (step, _) = behind.await.unwrap();
    run_of(step.unwrap());
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_millis(550),
        "{kind:?}: taken back after {waited:?}, while executions were starting"
    );
    assert_eq!(value_of(other.await.unwrap().unwrap()), json!({"doubled": 4}));
    served.close(Closing::Restarting).await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn queued_while_executions_start_redis() {
    a_call_stays_queued_while_the_functions_executions_are_starting(Kind::Redis).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn queued_while_executions_start_memory() {
    a_call_stays_queued_while_the_functions_executions_are_starting(Kind::Memory).await;
}

async fn a_late_execution_of_a_call_its_caller_still_runs_ends_without_answering_it(kind: Kind) {
    let engine = engine(kind, &prefix());
    let served = Arc::new(engine.serve(def("double", DEFAULT_MAX_ATTEMPTS)).await.unwrap());
    let queued = collect_calls(served.clone());
    let mut outgoing = engine.outgoing(request("double", 4, policy(10, 100)));
    let call = run_of(outgoing.next().await.unwrap());
    let late = queued.lock().unwrap().pop().unwrap();
    // The caller's run is still going when the trigger's execution starts and ends.
    assert_eq!(engine.start(&late.context, None).await.unwrap(), Start::Elsewhere, "{kind:?}");
    assert!(!served.finished(&late.context, None).await.unwrap(), "{kind:?}: not answered with 'no return'");
    assert_eq!(execute(&engine, &call).await, Start::Run);
    assert_eq!(value_of(outgoing.ran(None).await.unwrap()), json!({"doubled": 8}));
    served.close(Closing::Restarting).await.unwrap();
}

async fn an_execution_that_started_keeps_its_call(kind: Kind) {
    let engine = engine(kind, &prefix());
    let served = Arc::new(engine.serve(def("double", DEFAULT_MAX_ATTEMPTS)).await.unwrap());
    let runner = engine.clone();
    each_call(served.clone(), move |_, call| {
        let engine = runner.clone();
        async move {
            tokio::spawn(async move {
                let started = engine.start(&call.context, None).await.unwrap();
                assert_eq!(started, Start::Run);
                tokio::time::sleep(Duration::from_millis(600)).await; // longer than the take-back wait
                let doubled = call.items[0]["a"].as_i64().unwrap() * 2;
                engine.respond(&call.context, json!({ "doubled": doubled }), None).await.unwrap();
            });
        }
    });
    let mut outgoing = engine.outgoing(request("double", 8, policy(10, 100)));
    assert_eq!(value_of(outgoing.next().await.unwrap()), json!({"doubled": 16}), "{kind:?}");
    served.close(Closing::Restarting).await.unwrap();
}

async fn a_failed_run_here_runs_again_then_fails_with_its_reason(kind: Kind) {
    let engine = engine(kind, &prefix());
    let served = Arc::new(engine.serve(def("flaky", 2)).await.unwrap());
    let mut outgoing = engine.outgoing(request("flaky", 1, policy(0, 1000)));
    let first = run_of(outgoing.next().await.unwrap());
    let second = run_of(outgoing.ran(Some("boom (node \"Code\")".into())).await.unwrap());
    assert_eq!((first.attempt, second.attempt), (1, 2));
    assert_eq!(second.context.call_id, first.context.call_id);
    let error = outgoing.ran(Some("boom (node \"Code\")".into())).await.unwrap_err().to_string();
    assert!(error.contains("Function 'flaky' failed: boom (node \"Code\") (it failed 2 times"), "{kind:?}: {error}");

    let mut ended = engine.outgoing(request("flaky", 1, policy(0, 1000)));
    run_of(ended.next().await.unwrap());
    let error = ended.ran(None).await.unwrap_err().to_string();
    assert!(error.contains("ended without reaching a Return from Function node"), "{kind:?}: {error}");
    served.close(Closing::Restarting).await.unwrap();
}

async fn a_call_taken_back_after_its_function_changed_runs_as_the_new_definition_says(kind: Kind) {
    let engine = engine(kind, &prefix());
    let old = Arc::new(engine.serve(def("double", DEFAULT_MAX_ATTEMPTS)).await.unwrap());
    let queued = collect_calls(old.clone());
    let mut outgoing = engine.outgoing(request("double", 2, policy(10, 300)));
    let waiting = tokio::spawn(async move { (outgoing.next().await, outgoing) });
    while queued.lock().unwrap().is_empty() {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    // Published anew with a parameter more, while the call waits for a slot.
    let mut changed = def("double", DEFAULT_MAX_ATTEMPTS);
    changed.parameters.push(Param {
        name: "factor".into(),
        kind: ParamType::Number,
        required: false,
        default: Some(json!(3)),
        description: String::new(),
    });
    changed.start_node.as_mut().unwrap()["parameters"] = json!({"version": 2});
    let new = engine.serve(changed).await.unwrap();
    let (step, _outgoing) = waiting.await.unwrap();
    match step.unwrap() {
        Step::Run(here) => {
            assert_eq!(Value::Object(here.call.items[0].clone()), json!({"a": 2, "factor": 3}), "{kind:?}");
            assert_eq!(here.start_node["parameters"], json!({"version": 2}), "{kind:?}: the new Function node");
        }
        step => panic!("{kind:?}: expected the call back, got {step:?}"),
    }
    new.close(Closing::Restarting).await.unwrap();
    old.close(Closing::Restarting).await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn taken_back_after_a_change_redis() {
    a_call_taken_back_after_its_function_changed_runs_as_the_new_definition_says(Kind::Redis).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn taken_back_after_a_change_memory() {
    a_call_taken_back_after_its_function_changed_runs_as_the_new_definition_says(Kind::Memory).await;
}

async fn a_call_waiting_for_its_trigger_to_restart_stays_queued_for_it(kind: Kind) {
    let engine = engine(kind, &prefix());
    let first = engine.serve(def("double", DEFAULT_MAX_ATTEMPTS)).await.unwrap();
    first.close(Closing::Restarting).await.unwrap(); // n8n's main process restarting: no trigger is live
    let waiting = {
        let engine = engine.clone();
        tokio::spawn(async move {
            let mut outgoing = engine.outgoing(request("double", 7, policy(10, 100)));
            (outgoing.next().await, outgoing)
        })
    };
    tokio::time::sleep(Duration::from_millis(400)).await; // several take-back waits
    assert!(!waiting.is_finished(), "{kind:?}: with no trigger live, the call was taken back");
    let restarted = Arc::new(engine.serve(def("double", DEFAULT_MAX_ATTEMPTS)).await.unwrap());
    let runner = engine.clone();
    each_call(restarted.clone(), move |_, call| {
        let engine = runner.clone();
        async move {
            execute(&engine, &call).await;
        }
    });
    let (step, mut outgoing) = tokio::time::timeout(Duration::from_secs(5), waiting).await.unwrap().unwrap();
    // Once the trigger is back, its execution or (if that did not start within the take-back
    // wait) the caller runs the call: either way it is answered once.
    let value = match step.unwrap() {
        Step::Value(value) => value,
        Step::Run(here) => {
            execute(&engine, &here.call).await;
            value_of(outgoing.ran(None).await.unwrap())
        }
        Step::Parked(execution) => panic!("nothing parks here, yet {execution:?} did"),
    };
    assert_eq!(value, json!({"doubled": 14}), "{kind:?}");
    restarted.close(Closing::Restarting).await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn waiting_for_a_restarting_trigger_redis() {
    a_call_waiting_for_its_trigger_to_restart_stays_queued_for_it(Kind::Redis).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn waiting_for_a_restarting_trigger_memory() {
    a_call_waiting_for_its_trigger_to_restart_stays_queued_for_it(Kind::Memory).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn past_the_remote_limit_a_call_runs_in_the_callers_process_redis() {
    past_the_remote_limit_a_call_runs_in_the_callers_process(Kind::Redis).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn past_the_remote_limit_a_call_runs_in_the_callers_process_memory() {
    past_the_remote_limit_a_call_runs_in_the_callers_process(Kind::Memory).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn taken_back_redis() {
    a_call_no_execution_started_in_time_is_taken_back_and_its_late_execution_runs_nothing(Kind::Redis).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn taken_back_memory() {
    a_call_no_execution_started_in_time_is_taken_back_and_its_late_execution_runs_nothing(Kind::Memory).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn late_execution_while_the_caller_runs_redis() {
    a_late_execution_of_a_call_its_caller_still_runs_ends_without_answering_it(Kind::Redis).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn late_execution_while_the_caller_runs_memory() {
    a_late_execution_of_a_call_its_caller_still_runs_ends_without_answering_it(Kind::Memory).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn started_execution_keeps_its_call_redis() {
    an_execution_that_started_keeps_its_call(Kind::Redis).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn started_execution_keeps_its_call_memory() {
    an_execution_that_started_keeps_its_call(Kind::Memory).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn failed_run_here_redis() {
    a_failed_run_here_runs_again_then_fails_with_its_reason(Kind::Redis).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn failed_run_here_memory() {
    a_failed_run_here_runs_again_then_fails_with_its_reason(Kind::Memory).await;
}

/// A process running a call's execution dies (its engine is dropped: no more heartbeats):
/// the trigger takes the call over within a few heartbeats and another execution runs it.
#[tokio::test(flavor = "multi_thread")]
async fn the_call_of_a_process_that_died_mid_run_runs_again_elsewhere() {
    let prefix = prefix();
    let main = engine(Kind::Redis, &prefix);
    let served = Arc::new(main.serve(def("double", DEFAULT_MAX_ATTEMPTS)).await.unwrap());
    let queued = collect_calls(served.clone());
    let caller = main.clone();
    let waiting = tokio::spawn(async move {
        let key = FunctionKey::new(GLOBAL_SCOPE, "double").unwrap();
        let items = vec![json!({"a": 3}).as_object().unwrap().clone()];
        caller.call(Request::new(key, items, Duration::from_secs(10))).await
    });
    let first = loop {
        if let Some(call) = queued.lock().unwrap().pop() {
            break call;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    };
    {
        let doomed_worker = engine(Kind::Redis, &prefix);
        assert_eq!(doomed_worker.start(&first.context, None).await.unwrap(), Start::Run);
        tokio::time::sleep(Duration::from_millis(250)).await; // it beats a few times, then dies
    }
    let started = Instant::now();
    let again = loop {
        if let Some(call) = queued.lock().unwrap().pop() {
            break call;
        }
        assert!(started.elapsed() < Duration::from_secs(5), "the dead worker's call was not taken over");
        tokio::time::sleep(Duration::from_millis(10)).await;
    };
    assert_eq!(again.context.call_id, first.context.call_id);
    assert_eq!(again.attempt, 2);
    // n8n finds the dead worker's execution crashed much later: that run's end changes nothing.
    let late_report = served.finished(&first.context, Some("The function's execution crashed".into())).await.unwrap();
    assert!(!late_report, "the crashed run's end must not answer the call that runs again");
    let second_worker = engine(Kind::Redis, &prefix);
    assert_eq!(execute(&second_worker, &again).await, Start::Run, "the takeover runs the call again");
    assert_eq!(waiting.await.unwrap().unwrap(), json!({"doubled": 6}));
    served.close(Closing::Restarting).await.unwrap();
}
