//! memkit: the data plane of `memkit:core` as a WebAssembly component — byte buffers,
//! chunked transfer, binary records, digests, buffer pools, streams and memory introspection.
//!
//! `bytes`, `checksums`, `chunks`, `pools`, `records` and `streams` are each the plain-Rust
//! core of the WIT interface of that name in `wit/`; `checksum` is a helper they share. The
//! out-of-memory policy (the counting allocator, its reserve, the fallible helpers, how
//! arguments are placed), the `types` interface's error and the `memory` interface's snapshot
//! come from `memkit-alloc`, which the article's component (`article/`) shares, and are
//! re-exported here as `alloc`, `error` and `memory`. All of it compiles and is tested natively.
//! `component` (`src/component/`) is the wasm-only binding layer that converts WIT types and
//! delegates to the core, nothing more.

pub use memkit_alloc as alloc;
pub use memkit_alloc::{error, memory, Error};

pub mod bytes;
pub mod checksum;
pub mod checksums;
pub mod chunks;
pub mod pools;
pub mod records;
pub mod streams;

#[cfg(target_arch = "wasm32")]
mod component;
