//! Calls whose functions park (a Wait, an approval, a form): the caller hears it and parks
//! too, the answer wakes it through its resume URL (handed to the function's trigger), a
//! parked call is never taken over and run again, its deadline times it out and hands its
//! parked execution over to be stopped, and a caller that cannot park may wait in place
//! only while its process has a slot to spare. Against the real Redis (REDIS_URL) and the
//! memory backend, which must agree.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::serving::collect_calls;
use n8n_nodes_functions::config::{self, Options};
use n8n_nodes_functions::keys::FunctionKey;
use n8n_nodes_functions::protocol::{ExecutionRef, FunctionDef, IncomingCall, ParkedCaller, GLOBAL_SCOPE};
use n8n_nodes_functions::{Closing, Engine, Outgoing, ParkedWork, Policy, Request, Served, Start, Step};
use serde_json::json;

fn redis_url() -> String {
    std::env::var("REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into())
}

#[derive(Clone, Copy, Debug)]
enum Kind {
    Redis,
    Memory,
}

/// A fresh engine (its own key prefix) with a 100 ms heartbeat.
fn engine(kind: Kind) -> Arc<Engine> {
    let url = match kind {
        Kind::Redis => Some(redis_url()),
        Kind::Memory => None,
    };
    let prefix = format!("rust-test:{}:", &uuid::Uuid::new_v4().simple().to_string()[..8]);
    let options = Options { url, key_prefix: Some(prefix), ..Default::default() };
    let settings = config::resolve(&options, |name| (name == "N8N_FUNCTIONS_HEARTBEAT_MS").then(|| "100".into()));
    Arc::new(Engine::new(settings.unwrap()).unwrap())
}

fn def(name: &str) -> FunctionDef {
    FunctionDef {
        name: name.into(),
        scope: GLOBAL_SCOPE.into(),
        description: String::new(),
        parameters: Vec::new(),
        workflow_id: "wfApprove".into(),
        workflow_name: "Approve".into(),
        node_name: name.into(),
        max_attempts: 1,
        start_node: Some(json!({"name": name, "type": "n8n-nodes-functions.functionTrigger", "typeVersion": 1})),
        access: Default::default(),
    }
}

fn execution(id: &str) -> ExecutionRef {
    ExecutionRef { execution_id: id.into(), workflow_id: "wfApprove".into() }
}

fn caller(id: &str) -> ParkedCaller {
    ParkedCaller {
        resume_url: format!("http://n8n.test/webhook-waiting/{id}?signature=s"),
        execution: ExecutionRef { execution_id: id.into(), workflow_id: "wfCaller".into() },
    }
}

fn request(name: &str, timeout: Duration, policy: Option<Policy>) -> Request {
    let key = FunctionKey::new(GLOBAL_SCOPE, name).unwrap();
    Request { policy, ..Request::new(key, vec![Default::default()], timeout) }
}

fn policy(remote_limit: usize) -> Policy {
    Policy { remote_limit, slot: uuid::Uuid::new_v4().to_string(), take_back_after: Duration::from_secs(60) }
}

/// The first call `served`'s trigger takes (collected, not run).
async fn first_call(served: &Arc<Served>) -> IncomingCall {
    let calls = collect_calls(served.clone());
    for _ in 0..100 {
        if let Some(call) = calls.lock().unwrap().first().cloned() {
            return call;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("no call reached the function's trigger");
}

/// The next parked work of `served`, within 5 s.
async fn next_parked(served: &Served) -> Vec<ParkedWork> {
    tokio::time::timeout(Duration::from_secs(5), served.next_parked()).await.expect("no parked work within 5 s")
}

/// Sends a call, has its trigger's execution start and park, and returns the caller at `Step::Parked`.
async fn parked_call(engine: &Arc<Engine>, served: &Arc<Served>, timeout: Duration) -> (Outgoing, IncomingCall) {
    let mut outgoing = engine.outgoing(request("approve", timeout, Some(policy(10))));
    let waiting = tokio::spawn(async move {
        let step = outgoing.next().await;
        (step, outgoing)
    });
    let call = first_call(served).await;
    assert_eq!(engine.start(&call.context, Some(&execution("41"))).await.unwrap(), Start::Run);
    assert!(engine.parked(&call.context, None).await.unwrap(), "the call has no answer yet");
    let (step, outgoing) = waiting.await.unwrap();
    match step.unwrap() {
        Step::Parked(parked) => assert_eq!(parked, execution("41"), "the caller hears which execution parked"),
        step => panic!("expected word that the execution parked, got {step:?}"),
    }
    (outgoing, call)
}

async fn a_parked_caller_is_woken_with_the_answer(kind: Kind) {
    let engine = engine(kind);
    let served = Arc::new(engine.serve(def("approve")).await.unwrap());
    let (mut outgoing, call) = parked_call(&engine, &served, Duration::from_secs(30)).await;
    assert!(outgoing.park(caller("7")).await.unwrap(), "{kind:?}: nothing answered yet, so the caller parks");
    let context = outgoing.context().unwrap().clone();
    drop(outgoing); // the caller's execution is parked: nothing of it waits in this process

    assert!(engine.respond(&call.context, json!({"approved": true}), None).await.unwrap());
    let work = next_parked(&served).await;
    let [ParkedWork::Resume(resume)] = work.as_slice() else { panic!("{kind:?}: expected one resume, got {work:?}") };
    assert_eq!(resume.caller, caller("7"), "{kind:?}: the trigger learns how to wake the caller");
    assert_eq!(resume.call_id, call.context.call_id);
    let answer = engine.stored_answer(&context).await.unwrap().expect("the answer is kept for the parked caller");
    assert_eq!(answer.value, Some(json!({"approved": true})));
    served.resumed(std::slice::from_ref(resume)).await.unwrap();
    served.close(Closing::Restarting).await.unwrap();
}

async fn a_call_answered_before_its_caller_parks_is_not_parked(kind: Kind) {
    let engine = engine(kind);
    let served = Arc::new(engine.serve(def("approve")).await.unwrap());
    let (mut outgoing, call) = parked_call(&engine, &served, Duration::from_secs(30)).await;
    assert!(engine.respond(&call.context, json!("fast"), None).await.unwrap());
    assert!(!outgoing.park(caller("8")).await.unwrap(), "{kind:?}: answered meanwhile: no need to park");
    match outgoing.next().await.unwrap() {
        Step::Value(value) => assert_eq!(value, json!("fast")),
        step => panic!("{kind:?}: expected the answer, got {step:?}"),
    }
    let nothing = tokio::time::timeout(Duration::from_millis(300), served.next_parked()).await;
    assert!(nothing.is_err(), "{kind:?}: no caller to wake");
    served.close(Closing::Restarting).await.unwrap();
}

async fn a_caller_that_cannot_park_waits_in_place_with_a_slot_to_spare(kind: Kind) {
    let engine = engine(kind);
    let served = Arc::new(engine.serve(def("approve")).await.unwrap());
    // Room for one more waiting slot: it waits, and gets the answer.
    let (mut outgoing, call) = parked_call(&engine, &served, Duration::from_secs(30)).await;
    let answering = {
        let (engine, context) = (engine.clone(), call.context.clone());
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(200)).await;
            engine.respond(&context, json!("approved"), None).await.unwrap()
        })
    };
    match outgoing.wait_in_place("its webhook answers with the value").await.unwrap() {
        Step::Value(value) => assert_eq!(value, json!("approved"), "{kind:?}"),
        step => panic!("{kind:?}: expected the answer, got {step:?}"),
    }
    assert!(answering.await.unwrap());
    served.close(Closing::Restarting).await.unwrap();
}

async fn a_parked_call_past_its_deadline_times_out_wakes_its_caller_and_hands_its_execution_over_to_stop(kind: Kind) {
    let engine = engine(kind);
    let served = Arc::new(engine.serve(def("approve")).await.unwrap());
    let (mut outgoing, call) = parked_call(&engine, &served, Duration::from_millis(1500)).await;
    assert!(outgoing.park(caller("9")).await.unwrap());
    let context = outgoing.context().unwrap().clone();
    drop(outgoing);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let mut work = next_parked(&served).await;
    if work.len() < 2 {
        work.extend(next_parked(&served).await);
    }
    let expired: Vec<_> =
        work.iter().filter_map(|w| if let ParkedWork::Expired(e) = w { Some(e) } else { None }).collect();
    let resumes: Vec<_> =
        work.iter().filter_map(|w| if let ParkedWork::Resume(r) = w { Some(r) } else { None }).collect();
    assert_eq!(expired.len(), 1, "{kind:?}: {work:?}");
    assert_eq!(expired[0].execution, execution("41"), "{kind:?}: the parked execution, to stop");
    assert_eq!(resumes.len(), 1, "{kind:?}: the parked caller is woken with the timeout: {work:?}");
    assert_eq!(resumes[0].caller, caller("9"));
    let answer = engine.stored_answer(&context).await.unwrap().expect("the timeout is the answer");
    assert_eq!(answer.kind_name(), "timeout", "{kind:?}");
    let late = engine.respond(&call.context, json!("too late"), None).await.unwrap();
    assert!(!late, "{kind:?}: a Return from Function after the deadline is refused");
    served.close(Closing::Restarting).await.unwrap();
}

async fn a_run_here_that_parks_tells_its_caller(kind: Kind) {
    let engine = engine(kind);
    let served = Arc::new(engine.serve(def("approve")).await.unwrap());
    let mut outgoing = engine.outgoing(request("approve", Duration::from_secs(30), Some(policy(0))));
    let Step::Run(here) = outgoing.next().await.unwrap() else {
        panic!("{kind:?}: past the remote limit it runs here")
    };
    assert_eq!(engine.start(&here.call.context, None).await.unwrap(), Start::Run);
    match outgoing.ran_parked(Some(execution("43"))).await.unwrap() {
        Step::Parked(parked) => assert_eq!(parked, execution("43")),
        step => panic!("{kind:?}: expected word that the run parked, got {step:?}"),
    }
    // Past the remote limit, waiting in place is refused at once.
    let refused = outgoing.wait_in_place("its webhook answers with the value.").await.unwrap_err();
    assert_eq!(refused.code(), "CALLER_CANNOT_WAIT", "{kind:?}: {refused}");
    assert!(refused.to_string().contains("its webhook answers with the value."), "{refused}");
    served.close(Closing::Restarting).await.unwrap();
}

async fn a_caller_that_stops_waiting_has_the_parked_execution_stopped(kind: Kind) {
    let engine = engine(kind);
    let served = Arc::new(engine.serve(def("approve")).await.unwrap());
    let (mut outgoing, call) = parked_call(&engine, &served, Duration::from_millis(800)).await;
    let refused = outgoing.wait_in_place("").await.unwrap_err();
    assert_eq!(refused.code(), "CALL_TIMEOUT", "{kind:?}: {refused}");
    let work = next_parked(&served).await;
    let [ParkedWork::Expired(expired)] = work.as_slice() else { panic!("{kind:?}: expected one expiry, got {work:?}") };
    assert_eq!(expired.execution, execution("41"), "{kind:?}: nobody waits for the parked execution: stop it");
    assert!(!engine.respond(&call.context, json!("late"), None).await.unwrap(), "{kind:?}: its answer is refused");
    served.close(Closing::Restarting).await.unwrap();
}

async fn a_caller_stopped_while_it_waits_answers_the_call_with_that(kind: Kind) {
    let engine = engine(kind);
    let served = Arc::new(engine.serve(def("approve")).await.unwrap());
    let (mut outgoing, call) = parked_call(&engine, &served, Duration::from_secs(30)).await;
    let stopper = outgoing.stopper();
    let waiting = tokio::spawn(async move { outgoing.wait_in_place("").await });
    tokio::time::sleep(Duration::from_millis(200)).await;
    stopper.cancel();
    let stopped = tokio::time::timeout(Duration::from_secs(5), waiting).await.expect("stops at once").unwrap();
    assert_eq!(stopped.unwrap_err().code(), "FUNCTION_FAILED", "{kind:?}");
    let answer = engine.stored_answer(&call.context).await.unwrap().expect("answered with the stop");
    assert!(answer.error.unwrap().message.contains("caller's execution was stopped"), "{kind:?}");
    let work = next_parked(&served).await;
    assert!(
        matches!(work.as_slice(), [ParkedWork::Expired(_)]),
        "{kind:?}: its parked execution is stopped too: {work:?}"
    );
    served.close(Closing::Restarting).await.unwrap();
}

#[tokio::test]
async fn a_caller_stopped_while_it_waits_answers_the_call_with_that_on_redis() {
    a_caller_stopped_while_it_waits_answers_the_call_with_that(Kind::Redis).await;
}

#[tokio::test]
async fn a_caller_stopped_while_it_waits_answers_the_call_with_that_in_memory() {
    a_caller_stopped_while_it_waits_answers_the_call_with_that(Kind::Memory).await;
}

#[tokio::test]
async fn a_caller_that_stops_waiting_has_the_parked_execution_stopped_on_redis() {
    a_caller_that_stops_waiting_has_the_parked_execution_stopped(Kind::Redis).await;
}

#[tokio::test]
async fn a_caller_that_stops_waiting_has_the_parked_execution_stopped_in_memory() {
    a_caller_that_stops_waiting_has_the_parked_execution_stopped(Kind::Memory).await;
}

#[tokio::test]
async fn a_parked_caller_is_woken_with_the_answer_on_redis() {
    a_parked_caller_is_woken_with_the_answer(Kind::Redis).await;
}

#[tokio::test]
async fn a_parked_caller_is_woken_with_the_answer_in_memory() {
    a_parked_caller_is_woken_with_the_answer(Kind::Memory).await;
}

#[tokio::test]
async fn a_call_answered_before_its_caller_parks_is_not_parked_on_redis() {
    a_call_answered_before_its_caller_parks_is_not_parked(Kind::Redis).await;
}

#[tokio::test]
async fn a_call_answered_before_its_caller_parks_is_not_parked_in_memory() {
    a_call_answered_before_its_caller_parks_is_not_parked(Kind::Memory).await;
}

#[tokio::test]
async fn a_caller_that_cannot_park_waits_in_place_with_a_slot_to_spare_on_redis() {
    a_caller_that_cannot_park_waits_in_place_with_a_slot_to_spare(Kind::Redis).await;
}

#[tokio::test]
async fn a_caller_that_cannot_park_waits_in_place_with_a_slot_to_spare_in_memory() {
    a_caller_that_cannot_park_waits_in_place_with_a_slot_to_spare(Kind::Memory).await;
}

#[tokio::test]
async fn a_parked_call_past_its_deadline_times_out_on_redis() {
    a_parked_call_past_its_deadline_times_out_wakes_its_caller_and_hands_its_execution_over_to_stop(Kind::Redis).await;
}

#[tokio::test]
async fn a_parked_call_past_its_deadline_times_out_in_memory() {
    a_parked_call_past_its_deadline_times_out_wakes_its_caller_and_hands_its_execution_over_to_stop(Kind::Memory).await;
}

#[tokio::test]
async fn a_run_here_that_parks_tells_its_caller_on_redis() {
    a_run_here_that_parks_tells_its_caller(Kind::Redis).await;
}

#[tokio::test]
async fn a_run_here_that_parks_tells_its_caller_in_memory() {
    a_run_here_that_parks_tells_its_caller(Kind::Memory).await;
}
