//! Functions no trigger has served for a long time (N8N_FUNCTIONS_RETIRE_AFTER_DAYS) are
//! retired: lists no longer show them, and Redis no longer keeps their keys. Against the
//! real Redis (REDIS_URL) and the memory backend.

mod common;

use std::sync::Arc;
use std::time::Duration;

use n8n_nodes_functions::config::{self, Options};
use n8n_nodes_functions::protocol::{FunctionDef, GLOBAL_SCOPE};
use n8n_nodes_functions::Closing;
use n8n_nodes_functions::Engine;

fn redis_url() -> String {
    std::env::var("REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into())
}

/// An engine whose functions retire after 500 ms without a trigger (heartbeat 100 ms).
fn engine(url: Option<String>, prefix: &str) -> Arc<Engine> {
    let options = Options { url, key_prefix: Some(prefix.to_string()), ..Default::default() };
    let mut settings =
        config::resolve(&options, |name| (name == "N8N_FUNCTIONS_HEARTBEAT_MS").then(|| "100".into())).unwrap();
    settings.retire_after = Some(Duration::from_millis(500));
    Arc::new(Engine::new(settings).unwrap())
}

fn def(name: &str) -> FunctionDef {
    FunctionDef {
        name: name.into(),
        scope: GLOBAL_SCOPE.into(),
        description: String::new(),
        parameters: vec![],
        workflow_id: format!("wf-{name}"),
        workflow_name: "Old".into(),
        node_name: name.into(),
        max_attempts: 1,
        start_node: None,
        access: Default::default(),
    }
}

async fn names(engine: &Engine) -> Vec<String> {
    engine.list(None).await.unwrap().into_iter().map(|info| info.def.name).collect()
}

async fn long_unserved_functions_are_retired(url: Option<String>) {
    let prefix = format!("rust-test:{}:", &uuid::Uuid::new_v4().simple().to_string()[..8]);
    let engine = engine(url.clone(), &prefix);
    let gone = engine.serve(def("gone")).await.unwrap();
    gone.close(Closing::Restarting).await.unwrap();
    let served = engine.serve(def("served")).await.unwrap();
    assert_eq!(names(&engine).await, ["gone", "served"], "a function stopped a moment ago is still listed");

    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(names(&engine).await, ["served"], "{url:?}: the one unserved for longer than the limit is retired");
    if let Some(url) = url {
        let mut redis = redis::Client::open(url).unwrap().get_multiplexed_async_connection().await.unwrap();
        let keys: Vec<String> =
            redis::cmd("KEYS").arg(format!("{prefix}fn:{{__global__/gone}}:*")).query_async(&mut redis).await.unwrap();
        assert!(keys.is_empty(), "its keys are gone: {keys:?}");
        let registry: Vec<String> =
            redis::cmd("HKEYS").arg(format!("{prefix}registry")).query_async(&mut redis).await.unwrap();
        assert_eq!(registry, ["__global__/served"]);
    }
    served.close(Closing::Restarting).await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn retired_redis() {
    long_unserved_functions_are_retired(Some(redis_url())).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn retired_memory() {
    long_unserved_functions_are_retired(None).await;
}
