//! Stand-ins for a Function trigger in the engine's tests.

use std::future::Future;
use std::sync::{Arc, Mutex};

use n8n_nodes_functions::protocol::IncomingCall;
use n8n_nodes_functions::Engine;
use n8n_nodes_functions::Served;
use serde_json::Value;

/// Runs `handle` on every call `served` hands out, one after the other, until it is closed.
pub fn each_call<F, Fut>(served: Arc<Served>, handle: F)
where
    F: Fn(Arc<Served>, IncomingCall) -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send,
{
    tokio::spawn(async move {
        loop {
            let calls = served.next().await;
            if calls.is_empty() {
                return;
            }
            for call in calls {
                handle(served.clone(), call).await;
            }
        }
    });
}

/// Answers every call `served` hands out with `value`, from `engine`.
pub fn answer_every_call(engine: Arc<Engine>, served: Arc<Served>, value: Value) {
    each_call(served, move |_, call| {
        let (engine, value) = (engine.clone(), value.clone());
        async move {
            engine.respond(&call.context, value, None).await.unwrap();
        }
    });
}

/// Collects the calls `served` hands out without running them: their executions wait for
/// a worker slot.
pub fn collect_calls(served: Arc<Served>) -> Arc<Mutex<Vec<IncomingCall>>> {
    let calls = Arc::new(Mutex::new(Vec::new()));
    let into = calls.clone();
    each_call(served, move |_, call| {
        let into = into.clone();
        async move { into.lock().unwrap().push(call) }
    });
    calls
}
