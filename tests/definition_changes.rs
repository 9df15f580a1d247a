//! A function's definition changes while callers know the old one (its workflow was saved
//! with a new parameter): the current definition decides, on both sides of a call.

mod common;

use std::sync::Arc;
use std::time::Duration;

use n8n_nodes_functions::config::{self, Options};
use n8n_nodes_functions::protocol::{FunctionDef, Param, ParamType, GLOBAL_SCOPE};
use n8n_nodes_functions::Closing;
use n8n_nodes_functions::Engine;
use serde_json::{json, Value};

use common::serving::each_call;

fn engine() -> Arc<Engine> {
    let url = std::env::var("REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into());
    let prefix = format!("rust-test:{}:", &uuid::Uuid::new_v4().simple().to_string()[..8]);
    let options = Options { url: Some(url), key_prefix: Some(prefix), ..Default::default() };
    Arc::new(Engine::new(config::resolve(&options, |_| None).unwrap()).unwrap())
}

fn param(name: &str, required: bool, default: Option<Value>) -> Param {
    Param { name: name.into(), kind: ParamType::String, required, default, description: String::new() }
}

fn greet(parameters: Vec<Param>) -> FunctionDef {
    FunctionDef {
        name: "greet".into(),
        scope: GLOBAL_SCOPE.into(),
        description: String::new(),
        parameters,
        workflow_id: "wfGreet".into(),
        workflow_name: "Greet".into(),
        node_name: "greet".into(),
        max_attempts: 1,
        start_node: None,
        access: Default::default(),
    }
}

/// Serves `def` and answers each call with the arguments its execution starts with.
async fn serve_echo(engine: &Arc<Engine>, def: FunctionDef) -> Arc<n8n_nodes_functions::Served> {
    let served = Arc::new(engine.serve(def).await.unwrap());
    let engine = engine.clone();
    each_call(served.clone(), move |_, call| {
        let engine = engine.clone();
        async move {
            engine.respond(&call.context, Value::Object(call.items[0].clone()), None).await.unwrap();
        }
    });
    served
}

async fn call(engine: &Arc<Engine>, args: Value) -> Result<Value, String> {
    let items = vec![args.as_object().unwrap().clone()];
    engine.call(common::request("greet", items, Duration::from_secs(5))).await.map_err(|e| e.to_string())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_caller_that_knew_the_old_definition_may_pass_a_new_parameter() {
    let engine = engine();
    let v1 = serve_echo(&engine, greet(vec![param("name", true, None)])).await;
    assert_eq!(call(&engine, json!({"name": "Ada"})).await.unwrap(), json!({"name": "Ada"}));
    v1.close(Closing::Restarting).await.unwrap();
    let v2 = serve_echo(&engine, greet(vec![param("name", true, None), param("punctuation", false, Some(json!("!")))]))
        .await;
    let answer = call(&engine, json!({"name": "Ada", "punctuation": "?"})).await.unwrap();
    assert_eq!(answer, json!({"name": "Ada", "punctuation": "?"}));
    let wrong = call(&engine, json!({"name": "Ada", "exclamation": true})).await.unwrap_err();
    assert!(wrong.contains("unknown parameter 'exclamation'"), "{wrong}");
    v2.close(Closing::Restarting).await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_call_that_waited_through_a_change_gets_the_new_defaults_or_a_clear_error() {
    let engine = engine();
    let v1 = engine.serve(greet(vec![param("name", true, None)])).await.unwrap();
    v1.close(Closing::Restarting).await.unwrap();
    // Sent while no trigger runs, checked against the old definition.
    let waiting = {
        let engine = engine.clone();
        tokio::spawn(async move { call(&engine, json!({"name": "Queued"})).await })
    };
    tokio::time::sleep(Duration::from_millis(300)).await;
    let v2 = serve_echo(&engine, greet(vec![param("name", true, None), param("salutation", false, Some(json!("Hi")))]))
        .await;
    assert_eq!(waiting.await.unwrap().unwrap(), json!({"name": "Queued", "salutation": "Hi"}));
    v2.close(Closing::Restarting).await.unwrap();

    let waiting = {
        let engine = engine.clone();
        tokio::spawn(async move { call(&engine, json!({"name": "Queued"})).await })
    };
    tokio::time::sleep(Duration::from_millis(300)).await;
    let v3 = serve_echo(&engine, greet(vec![param("name", true, None), param("title", true, None)])).await;
    let error = waiting.await.unwrap().unwrap_err();
    assert!(error.contains("the function changed while the call waited"), "{error}");
    assert!(error.contains("required parameter 'title' is missing"), "{error}");
    v3.close(Closing::Restarting).await.unwrap();
}
