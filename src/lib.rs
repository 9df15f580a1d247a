//! n8n-nodes-functions' core: function calls between n8n workflows over Redis Streams
//! (queue mode) or in process memory (regular mode). `js` is the napi surface; every
//! other module is engine code with no napi types, testable with `cargo test`.

pub mod access;
pub mod backend;
pub mod call;
pub mod config;
pub mod engine;
pub mod error;
pub mod held;
pub mod keys;
pub mod observe;
pub mod params;
pub mod protocol;
pub mod registry;
pub mod running;
pub mod serve;

#[cfg(not(feature = "without-node"))]
pub mod js;
