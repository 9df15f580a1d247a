//! The napi surface: JS types in, engine calls out, errors mapped. No engine logic here.

pub(crate) mod client;
pub(crate) mod errors;
pub(crate) mod metrics;
pub(crate) mod observe;
pub(crate) mod observe_types;
pub(crate) mod outgoing;
mod promises;
mod runtime;
pub(crate) mod served;
pub(crate) mod types;
