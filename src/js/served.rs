//! `ServedFunction`: the JS face of a `serve::Served` consumer.

use std::sync::Arc;

use napi::bindgen_prelude::PromiseRaw;
use napi::Env;
use napi_derive::napi;

use super::errors::IntoJs;
use super::promises;
use super::types::{CallContext, IncomingCall};
use crate::serve::{Closing, Served};

/// A function being served: hands out its calls until closed.
#[napi]
pub struct ServedFunction {
    served: Arc<Served>,
}

impl ServedFunction {
    pub fn new(served: Served) -> Self {
        Self { served: Arc::new(served) }
    }
}

#[napi]
impl ServedFunction {
    /// The function's key, "<scope>/<name>".
    #[napi(getter)]
    pub fn key(&self) -> String {
        self.served.key.as_string()
    }

    /// Waits for calls and resolves with all that are ready (at least one); an empty array once closed.
    #[napi]
    pub fn next<'env>(&self, env: &'env Env) -> napi::Result<PromiseRaw<'env, Vec<IncomingCall>>> {
        let served = self.served.clone();
        promises::promise(env, async move { Ok(served.next().await.into_iter().map(IncomingCall::from).collect()) })
    }

    /// The execution of a call has ended. If nothing answered the call, it is answered with
    /// `error` (or a generic "ended without reaching Return from Function"). True if this answered it.
    #[napi]
    pub fn finished<'env>(
        &self,
        env: &'env Env,
        context: CallContext,
        error: Option<String>,
    ) -> napi::Result<PromiseRaw<'env, bool>> {
        let served = self.served.clone();
        promises::promise(env, async move { served.finished(&context.into(), error).await.js() })
    }

    /// Stops consuming at once (idempotent); resolves when the consumer has stopped and its
    /// connection is closed. `deactivated`: the function's workflow was deactivated (not
    /// its process shutting down), so unless a trigger of it starts again within a
    /// heartbeat, calls fail at once, and those waiting are told so.
    #[napi]
    pub async fn close(&self, deactivated: Option<bool>) -> napi::Result<()> {
        let closing = if deactivated.unwrap_or(false) { Closing::Deactivated } else { Closing::Restarting };
        self.served.close(closing).await.js()
    }
}
