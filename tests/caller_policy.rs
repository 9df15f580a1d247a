//! Who may call a function (n8n's "This workflow can be called by"): a refused caller hears
//! why before anything is sent or run, whether the call would be queued or run by the
//! caller itself; a caller outside n8n only reaches functions anyone may call; and a
//! call that waited while the function was served anew with a stricter policy is refused
//! by the trigger taking it. Against the real Redis (REDIS_URL) and the memory backend.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use common::serving::each_call;
use n8n_nodes_functions::config::{self, Options};
use n8n_nodes_functions::keys::FunctionKey;
use n8n_nodes_functions::protocol::{Access, Caller, CallerPolicy, FunctionDef, GLOBAL_SCOPE};
use n8n_nodes_functions::Engine;
use n8n_nodes_functions::{Closing, Served};
use n8n_nodes_functions::{Policy, Request};
use serde_json::{json, Value};

fn engines() -> Vec<(&'static str, Arc<Engine>)> {
    let prefix = format!("rust-test:{}:", &uuid::Uuid::new_v4().simple().to_string()[..8]);
    let url = std::env::var("REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into());
    [("redis", Some(url)), ("memory", None)]
        .into_iter()
        .map(|(kind, url)| {
            let options = Options { url, key_prefix: Some(prefix.clone()), ..Default::default() };
            (kind, Arc::new(Engine::new(config::resolve(&options, |_| None).unwrap()).unwrap()))
        })
        .collect()
}

fn payroll(policy: CallerPolicy, caller_ids: &[&str]) -> FunctionDef {
    FunctionDef {
        name: "payroll".into(),
        scope: GLOBAL_SCOPE.into(),
        description: String::new(),
        parameters: vec![],
        workflow_id: "wfPayroll".into(),
        workflow_name: "Payroll".into(),
        node_name: "payroll".into(),
        max_attempts: 1,
        start_node: Some(json!({"name": "payroll", "type": "n8n-nodes-functions.functionTrigger", "typeVersion": 1})),
        access: Access {
            policy,
            caller_ids: caller_ids.iter().map(|id| id.to_string()).collect(),
            project_id: "pOwner".into(),
            project_name: "Olga Owner <olga@example.com>".into(),
        },
    }
}

fn owner_workflow() -> Caller {
    Caller { workflow_id: "wfOwnerReport".into(), workflow_name: "Owner report".into(), project_id: "pOwner".into() }
}

fn member_workflow() -> Caller {
    Caller { workflow_id: "wfMemberReport".into(), workflow_name: "Member report".into(), project_id: "pMember".into() }
}

/// Serves `def`, answers every call with "paid", and counts the calls its trigger ran.
async fn serve_counting(engine: &Arc<Engine>, def: FunctionDef) -> (Arc<Served>, Arc<AtomicUsize>) {
    let served = Arc::new(engine.serve(def).await.unwrap());
    let ran = Arc::new(AtomicUsize::new(0));
    let (engine, counter) = (engine.clone(), ran.clone());
    each_call(served.clone(), move |_, call| {
        let (engine, counter) = (engine.clone(), counter.clone());
        async move {
            counter.fetch_add(1, Ordering::SeqCst);
            engine.respond(&call.context, json!("paid"), None).await.unwrap();
        }
    });
    (served, ran)
}

fn request(caller: Option<Caller>) -> Request {
    let key = FunctionKey::new(GLOBAL_SCOPE, "payroll").unwrap();
    Request { caller, ..Request::new(key, vec![Default::default()], Duration::from_secs(5)) }
}

async fn call(engine: &Arc<Engine>, caller: Option<Caller>) -> Result<Value, String> {
    engine.call(request(caller)).await.map_err(|e| format!("{}: {e}", e.code()))
}

#[tokio::test(flavor = "multi_thread")]
async fn each_policy_lets_in_exactly_the_callers_n8n_would() {
    for (kind, engine) in engines() {
        let cases: [(CallerPolicy, &[&str], bool, bool); 5] = [
            (CallerPolicy::WorkflowsFromSameOwner, &[], true, false),
            (CallerPolicy::Any, &[], true, true),
            (CallerPolicy::None, &[], false, false),
            (CallerPolicy::WorkflowsFromAList, &["wfMemberReport"], false, true),
            (CallerPolicy::WorkflowsFromAList, &[], false, false),
        ];
        for (policy, listed, owner_may, member_may) in cases {
            let (served, ran) = serve_counting(&engine, payroll(policy, listed)).await;
            for (caller, allowed) in [(owner_workflow(), owner_may), (member_workflow(), member_may)] {
                let who = caller.workflow_name.clone();
                let outcome = call(&engine, Some(caller)).await;
                match allowed {
                    true => assert_eq!(outcome, Ok(json!("paid")), "{kind} {policy:?}: {who}"),
                    false => {
                        let error = outcome.expect_err(&format!("{kind} {policy:?}: {who} must be refused"));
                        assert!(error.starts_with("CALLER_NOT_ALLOWED: Workflow '"), "{error}");
                        assert!(error.contains(&who), "names the caller: {error}");
                        assert!(error.contains("'Payroll' (id wfPayroll)"), "names the function's workflow: {error}");
                        assert!(error.contains("Olga Owner <olga@example.com>"), "names its project: {error}");
                        assert!(error.contains(policy.label()), "names the policy: {error}");
                        assert!(error.contains("\"This workflow can be called by\""), "says what to change: {error}");
                    }
                }
            }
            let allowed = [owner_may, member_may].iter().filter(|may| **may).count();
            assert_eq!(ran.load(Ordering::SeqCst), allowed, "{kind} {policy:?}: a refused call never runs");
            served.close(Closing::Restarting).await.unwrap();
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_caller_outside_n8n_reaches_only_functions_anyone_may_call() {
    for (kind, engine) in engines() {
        let (served, ran) = serve_counting(&engine, payroll(CallerPolicy::WorkflowsFromSameOwner, &[])).await;
        let error = call(&engine, None).await.unwrap_err();
        assert!(error.starts_with("CALLER_NOT_ALLOWED: A caller outside n8n"), "{kind}: {error}");
        assert!(error.contains("\"Any workflow\""), "{kind}: {error}");
        assert_eq!(ran.load(Ordering::SeqCst), 0);
        served.close(Closing::Restarting).await.unwrap();

        let (served, _) = serve_counting(&engine, payroll(CallerPolicy::Any, &[])).await;
        assert_eq!(call(&engine, None).await, Ok(json!("paid")), "{kind}");
        served.close(Closing::Restarting).await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_caller_that_would_run_the_call_itself_is_refused_before_it_runs() {
    for (kind, engine) in engines() {
        let (served, _) = serve_counting(&engine, payroll(CallerPolicy::WorkflowsFromSameOwner, &[])).await;
        // A remote limit of 0: an admitted call would be handed to this process to run.
        let policy =
            Policy { remote_limit: 0, slot: uuid::Uuid::new_v4().to_string(), take_back_after: Duration::from_secs(1) };
        let mut outgoing = engine.outgoing(Request { policy: Some(policy), ..request(Some(member_workflow())) });
        let Err(error) = outgoing.next().await else { panic!("{kind}: a refused caller was handed the call") };
        assert_eq!(error.code(), "CALLER_NOT_ALLOWED", "{kind}: {error}");
        served.close(Closing::Restarting).await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_call_that_waited_through_a_stricter_policy_is_refused_by_the_trigger() {
    for (kind, engine) in engines() {
        let open = engine.serve(payroll(CallerPolicy::Any, &[])).await.unwrap();
        open.close(Closing::Restarting).await.unwrap();
        // Admitted by the open policy, queued while no trigger runs.
        let waiting = {
            let engine = engine.clone();
            tokio::spawn(async move { call(&engine, Some(member_workflow())).await })
        };
        tokio::time::sleep(Duration::from_millis(300)).await;
        let (strict, ran) = serve_counting(&engine, payroll(CallerPolicy::WorkflowsFromSameOwner, &[])).await;
        let error = waiting.await.unwrap().unwrap_err();
        assert!(error.contains("the function changed while the call waited"), "{kind}: {error}");
        assert!(error.contains("Workflow 'Member report' (id wfMemberReport) may not call"), "{kind}: {error}");
        assert_eq!(ran.load(Ordering::SeqCst), 0, "{kind}: the refused call never ran");
        assert_eq!(call(&engine, Some(owner_workflow())).await, Ok(json!("paid")), "{kind}");
        strict.close(Closing::Restarting).await.unwrap();
    }
}
