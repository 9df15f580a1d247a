//! What functions are doing, for the people who run them: every call's life as events on
//! a feed (a capped Redis stream per deployment, or in memory), the status of every
//! function, and the dead letters. The engine records events through `ObservedBackend`,
//! which wraps whichever backend runs the calls, so the call path itself stays unchanged;
//! the same wrapper and the callers' `CallMeter` count calls for n8n's metrics.

pub mod dead;
pub mod event;
pub mod feed;
mod memory_feed;
pub mod metrics;
pub(crate) mod observed;
pub mod queues;
pub mod redis_feed;
pub mod status;
