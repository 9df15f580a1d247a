//! n8n-nodes-functions' core: function calls between n8n workflows over Redis Streams
//! (queue mode) or in process memory (regular mode). `js` is the napi surface; every
//! other module is engine code with no napi types, testable with `cargo test`.
//!
//! The modules form a tree (`tests/module_tree.rs` fails on a cycle): `protocol` and `keys`
//! are what processes agree on; `params`, `access` and `registry` the rules both backends
//! and both sides of a call apply; `backend` stores and moves calls; `runs` owns the runs
//! of calls in this process; `serve` (the Function trigger's side) and `call` (the
//! caller's) build on those; `engine` holds one of each per connection setting; `observe`
//! watches it all.

mod access;
mod backend;
mod call;
pub mod config;
pub mod engine;
pub mod error;
pub mod keys;
pub mod observe;
mod params;
pub mod protocol;
mod registry;
mod runs;
mod serve;

#[cfg(not(feature = "without-node"))]
mod js;

pub use backend::Start;
pub use call::{HereCall, Outgoing, Policy, Request, Step};
pub use engine::Engine;
pub use serve::{Closing, ParkedWork, Served};
