//! The napi surface: JS types in, engine calls out, errors mapped. No engine logic here.

pub mod client;
pub mod errors;
pub mod metrics;
pub mod observe;
pub mod observe_types;
pub mod outgoing;
mod promises;
mod runtime;
pub mod served;
pub mod types;
