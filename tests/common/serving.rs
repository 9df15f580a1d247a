//! Stand-ins for a Function trigger in the engine's tests.

use std::future::Future;
use std::sync::Arc;

use n8n_nodes_functions::serve::{IncomingCall, Served};

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
