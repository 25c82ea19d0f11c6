//! memkit: byte and float buffers, text transforms and memory introspection as a WebAssembly
//! component.
//!
//! Each module is the plain-Rust core of one WIT interface in `wit/`: it compiles and is
//! tested natively. `component` is the wasm-only binding layer that converts WIT types and
//! delegates to the core, nothing more.

pub mod bytes;
pub mod checksum;
pub mod chunks;
pub mod error;
pub mod fallible;
pub mod floats;
pub mod memory;
pub mod people;
pub mod pools;
pub mod records;
pub mod text;
/// The SIMD sin, cos and tan kernels behind `floats`.
mod trig;

#[cfg(target_arch = "wasm32")]
mod component;

pub use error::Error;
