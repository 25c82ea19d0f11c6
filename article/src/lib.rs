//! memkit-article: the tutorial article's examples as a WebAssembly component of their own,
//! beside memkit's data plane (`memkit:article` in `article/wit/`).
//!
//! `people`, `text`, `floats` and `points` are each the plain-Rust core of the WIT interface of
//! that name; the out-of-memory policy, the error type and the memory snapshot are
//! `memkit-alloc`'s, the same as memkit's (re-exported as `alloc` and `error`), so this
//! component never traps either. All of it compiles and is tested natively. `component`
//! (`src/component/`) is the wasm-only binding layer.

pub(crate) use memkit_alloc as alloc;
pub use memkit_alloc::{error, Error};

pub mod floats;
pub mod people;
pub mod points;
pub mod text;

#[cfg(target_arch = "wasm32")]
mod component;
