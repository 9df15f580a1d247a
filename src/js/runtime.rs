//! The tokio runtime behind every async napi method and every batched promise.

use std::future::Future;
use std::sync::OnceLock;

use napi_derive::module_init;
use tokio::runtime::Handle;

static RUNTIME: OnceLock<Handle> = OnceLock::new();

/// One worker thread: every connection, the consumers and the callers' tasks share it, so
/// a reply read from Redis wakes its waiting task on the same thread instead of handing it
/// across threads (napi's default runtime has a worker per core). The JS thread does the
/// rest of the work; on the 2-core machines n8n often runs on, more workers only add
/// thread switches.
#[module_init]
fn init() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .thread_name("n8n-functions")
        .enable_all()
        .build()
        .expect("cannot start the tokio runtime of n8n-nodes-functions");
    let _ = RUNTIME.set(runtime.handle().clone());
    napi::bindgen_prelude::create_custom_tokio_runtime(runtime);
}

pub fn spawn<F: Future<Output = ()> + Send + 'static>(work: F) {
    RUNTIME.get().expect("the addon's module initialisation starts the runtime").spawn(work);
}
