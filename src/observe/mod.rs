//! What functions are doing, for the people who run them: every call's life as events on
//! a feed (a capped Redis stream per deployment, or in memory), the status of every
//! function, and the dead letters. The engine records events through `ObservedBackend`,
//! which wraps whichever backend runs the calls, so the call path itself stays unchanged.

pub mod dead;
pub mod event;
pub mod feed;
mod memory_feed;
pub(crate) mod observed;
pub mod redis_feed;
pub mod status;
