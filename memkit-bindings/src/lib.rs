//! memkit's WIT and the Rust bindings of its interfaces, for a WebAssembly component that
//! imports memkit: `cargo add memkit-bindings`, and no copy of memkit's WIT in your crate.
//!
//! The crate binds a world that imports every interface the `memkit` world exports (with the
//! `async` feature, `memkit-async`'s `streams` too); each is a module under
//! [`memkit::core`], named as wit-bindgen names it: `memkit:core/records@0.4.0` is
//! [`memkit::core::records`]. Calling them is calling the memkit component your component is
//! composed with (`wac plug`, or `cargo xtask compose` in memkit's repository).
//!
//! When your own exports use memkit's types (an error that holds a `decode-error`), your WIT
//! `use`s them from `memkit:core`. [`generate!`] runs [`wit_bindgen::generate!`] on your WIT
//! with memkit's found here and its interfaces mapped to these modules, so your bindings and
//! these share one set of types. Your crate needs `memkit-bindings` and nothing else: the
//! macro uses the wit-bindgen this crate re-exports (0.63.0, with the `realloc` allocator
//! a component's exports need).
//!
//! # Examples
//!
//! A component whose `check` interface returns memkit's `decode-error`, with its WIT inline
//! (in a crate of its own, it would more often be `wit/world.wit`, and `path` its default).
//! Built as a `cdylib` for `wasm32-unknown-unknown`, then made a component.
//!
//! ```
//! memkit_bindings::generate!({
//!     inline: "
//!         package example:check;
//!
//!         interface check {
//!             use memkit:core/records@0.4.0.{checksum-kind, decode-error};
//!             count-records: func(%stream: list<u8>, kind: checksum-kind) -> result<u32, decode-error>;
//!         }
//!
//!         world checker {
//!             import memkit:core/records@0.4.0;
//!             export check;
//!         }
//!     ",
//!     world: "checker",
//!     with: {
//!         "memkit:core/types@0.4.0": memkit_bindings::memkit::core::types,
//!         "memkit:core/records@0.4.0": memkit_bindings::memkit::core::records,
//!     },
//! });
//!
//! use memkit_bindings::memkit::core::records::{ChecksumKind, DecodeError, RecordReader};
//!
//! struct Checker;
//! export!(Checker);
//!
//! impl exports::example::check::check::Guest for Checker {
//!     fn count_records(stream: Vec<u8>, kind: ChecksumKind) -> Result<u32, DecodeError> {
//!         let reader = RecordReader::new(kind, 16 << 20);
//!         let records = reader.feed(&stream)?.len() as u32;
//!         reader.finish()?;
//!         Ok(records)
//!     }
//! }
//! # fn main() {}
//! ```
//!
//! Only imports, no WIT of your own: `use` the modules and call them.
//!
//! ```no_run
//! use memkit_bindings::memkit::core::checksums::{digest, Algorithm};
//!
//! let crc32c = digest(Algorithm::Crc32c, b"123456789");
//! ```

/// The wit-bindgen that [`generate!`] expands to, so that a consumer needs no dependency of
/// its own on it.
pub use wit_bindgen;

include!(concat!(env!("OUT_DIR"), "/bindings.rs"));
