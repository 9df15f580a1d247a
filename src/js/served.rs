//! `ServedFunction`: the JS face of a `serve::Served` consumer.

use std::sync::Arc;

use napi_derive::napi;

use super::errors::IntoJs;
use super::types::{CallContext, IncomingCall};
use crate::serve::Served;

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
    pub async fn next(&self) -> Vec<IncomingCall> {
        self.served.next().await.into_iter().map(IncomingCall::from).collect()
    }

    /// The execution of a call has ended. If nothing answered the call, it is answered with
    /// `error` (or a generic "ended without reaching Return from Function"). True if this answered it.
    #[napi]
    pub async fn finished(&self, context: CallContext, error: Option<String>) -> napi::Result<bool> {
        self.served.finished(&context.into(), error).await.js()
    }

    /// Stops consuming at once (idempotent); resolves when the consumer has stopped and its connection is closed.
    #[napi]
    pub async fn close(&self) -> napi::Result<()> {
        self.served.close().await.js()
    }
}
