//! memkit: byte and float buffers, chunked uploads, checksummed binary records, JSON records,
//! pools, text transforms and memory introspection as a WebAssembly component.
//!
//! `bytes`, `chunks`, `floats`, `memory`, `people`, `pools`, `records` and `text` are each the
//! plain-Rust core of the WIT interface of that name in `wit/`, and `error` that of `types`;
//! `checksum` is a helper they share, and `alloc` the out-of-memory policy (the counting
//! allocator, its reserve, the fallible helpers, how arguments are placed). All of it compiles
//! and is tested natively. `component` (`src/component/`) is the wasm-only binding layer that
//! converts WIT types and delegates to the core, nothing more.

pub mod alloc;
pub mod bytes;
pub mod checksum;
pub mod checksums;
pub mod chunks;
pub mod error;
pub mod floats;
pub mod memory;
pub mod people;
pub mod pools;
pub mod records;
pub mod streams;
pub mod text;

#[cfg(target_arch = "wasm32")]
mod component;

pub use error::Error;
