//! Promises settled in batches. napi's `async fn` gives every promise a threadsafe
//! function of its own, so each settled promise cost the JS thread a wake-up and a
//! callback of its own. Here the promises of one JS thread share one threadsafe function:
//! results gather in a queue, and one wake-up of the JS thread settles all that are ready.

use std::cell::RefCell;
use std::ffi::c_void;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::ptr;
use std::sync::{Arc, Mutex, MutexGuard};

use futures_util::FutureExt;
use napi::bindgen_prelude::{PromiseRaw, ToNapiValue};
use napi::{check_status, sys, Env, JsError};

use super::errors::{self, Code};
use super::runtime;
use crate::error::EngineError;

/// Turns a result into its JS value, on the JS thread.
type Settle = Box<dyn FnOnce(sys::napi_env) -> napi::Result<sys::napi_value> + Send>;

struct Ready {
    /// The promise's `napi_deferred`, only ever used on its JS thread.
    deferred: usize,
    outcome: napi::Result<Settle, Code>,
}

/// Results waiting for their JS thread, and the threadsafe function that wakes it.
struct Queue {
    wake: usize,
    ready: Mutex<Pending>,
}

#[derive(Default)]
struct Pending {
    results: Vec<Ready>,
    /// The environment is gone, and the threadsafe function with it.
    closed: bool,
}

impl Queue {
    fn lock(&self) -> MutexGuard<'_, Pending> {
        self.ready.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Only the first result of a batch wakes the JS thread; later ones join it.
    fn push(&self, ready: Ready) {
        let mut pending = self.lock();
        if pending.closed {
            return;
        }
        pending.results.push(ready);
        if pending.results.len() == 1 {
            unsafe {
                sys::napi_call_threadsafe_function(
                    self.wake as sys::napi_threadsafe_function,
                    ptr::null_mut(),
                    sys::ThreadsafeFunctionCallMode::nonblocking,
                )
            };
        }
    }
}

/// A JS thread's queue, and how many of its promises are unsettled: while any is, the
/// threadsafe function keeps the thread's event loop alive, as napi's own promises do.
struct JsThread {
    env: sys::napi_env,
    queue: Arc<Queue>,
    unsettled: usize,
}

thread_local! {
    static JS_THREAD: RefCell<Option<JsThread>> = const { RefCell::new(None) };
}

/// Runs `work` on the runtime and returns a promise settled with its result.
pub fn promise<'env, T, F>(env: &'env Env, work: F) -> napi::Result<PromiseRaw<'env, T>, Code>
where
    T: ToNapiValue + Send + 'static,
    F: Future<Output = napi::Result<T, Code>> + Send + 'static,
{
    let env = env.raw();
    let mut deferred = ptr::null_mut();
    let mut promise = ptr::null_mut();
    check_status!(unsafe { sys::napi_create_promise(env, &mut deferred, &mut promise) }).map_err(errors::from_napi)?;
    let queue = settle_later(env).map_err(errors::from_napi)?;
    let deferred = deferred as usize;
    runtime::spawn(async move {
        // A panic must still settle the promise: an unsettled one keeps Node running forever.
        let result = AssertUnwindSafe(work).catch_unwind().await.unwrap_or_else(|_| {
            Err(errors::to_js(EngineError::Internal("the addon failed unexpectedly; please report it".into())))
        });
        let outcome = result.map(|value| Box::new(move |env| unsafe { T::to_napi_value(env, value) }) as Settle);
        queue.push(Ready { deferred, outcome });
    });
    Ok(PromiseRaw::new(env, promise))
}

/// Counts one more unsettled promise on this JS thread; returns the thread's queue.
fn settle_later(env: sys::napi_env) -> napi::Result<Arc<Queue>> {
    JS_THREAD.with(|cell| {
        let mut thread = cell.borrow_mut();
        if thread.as_ref().is_none_or(|t| t.env != env) {
            *thread = Some(JsThread { env, queue: Arc::new(open_queue(env)?), unsettled: 0 });
        }
        let thread = thread.as_mut().expect("set above");
        if thread.unsettled == 0 {
            check_status!(unsafe { sys::napi_ref_threadsafe_function(env, thread.queue.wake as _) })?;
        }
        thread.unsettled += 1;
        Ok(thread.queue.clone())
    })
}

fn open_queue(env: sys::napi_env) -> napi::Result<Queue> {
    let name = "n8n-nodes-functions";
    let mut resource_name = ptr::null_mut();
    check_status!(unsafe {
        sys::napi_create_string_utf8(env, name.as_ptr().cast(), name.len() as isize, &mut resource_name)
    })?;
    let mut wake = ptr::null_mut();
    check_status!(unsafe {
        sys::napi_create_threadsafe_function(
            env,
            ptr::null_mut(),
            ptr::null_mut(),
            resource_name,
            0,
            1,
            ptr::null_mut(),
            None,
            ptr::null_mut(),
            Some(settle_ready),
            &mut wake,
        )
    })?;
    check_status!(unsafe { sys::napi_unref_threadsafe_function(env, wake) })?;
    check_status!(unsafe { sys::napi_add_env_cleanup_hook(env, Some(forget_js_thread), ptr::null_mut()) })?;
    Ok(Queue { wake: wake as usize, ready: Mutex::default() })
}

/// The threadsafe function's callback, on the JS thread: settles every ready promise.
unsafe extern "C" fn settle_ready(env: sys::napi_env, _: sys::napi_value, _: *mut c_void, _: *mut c_void) {
    if env.is_null() {
        return; // the environment is going away
    }
    let Some((queue, wake)) =
        JS_THREAD.with(|cell| cell.borrow().as_ref().filter(|t| t.env == env).map(|t| (t.queue.clone(), t.queue.wake)))
    else {
        return;
    };
    let ready = std::mem::take(&mut queue.lock().results);
    let settled = ready.len();
    for Ready { deferred, outcome } in ready {
        let deferred = deferred as sys::napi_deferred;
        match outcome.and_then(|settle| settle(env).map_err(errors::from_napi)) {
            Ok(value) => unsafe { sys::napi_resolve_deferred(env, deferred, value) },
            Err(error) => unsafe { sys::napi_reject_deferred(env, deferred, JsError::from(error).into_value(env)) },
        };
    }
    JS_THREAD.with(|cell| {
        if let Some(thread) = cell.borrow_mut().as_mut() {
            thread.unsettled = thread.unsettled.saturating_sub(settled);
            if thread.unsettled == 0 {
                unsafe { sys::napi_unref_threadsafe_function(env, wake as _) };
            }
        }
    });
}

unsafe extern "C" fn forget_js_thread(_: *mut c_void) {
    if let Some(thread) = JS_THREAD.with(|cell| cell.borrow_mut().take()) {
        thread.queue.lock().closed = true;
    }
}
