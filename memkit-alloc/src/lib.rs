//! The out-of-memory policy that memkit's components share (`memkit`, the data plane, and
//! `memkit-article`, the article's examples), in one place: each answers every call with a
//! value or a typed error, also when linear memory is full, and never traps for want of
//! memory. Beside the policy, what it answers with: [`error`] (the `types` interface's
//! `error`, and the range check behind `out-of-bounds`) and [`memory`] (the `memory`
//! interface's snapshot). A plain-Rust library: compiled into each component, and tested
//! natively.
//!
//! # The argument
//! Every allocation is one of two kinds.
//!
//! 1. **Caller-sized** (a buffer's growth, a copy out, JSON, a list a call returns, a large
//!    argument): made with `try_reserve`/`try_reserve_exact` through the helpers of
//!    [`try_alloc`] (re-exported here), inside a [`fallible`] scope. A failure is
//!    `out-of-memory`, and the call changes nothing. These requests never touch the reserve,
//!    and fail while it is not intact.
//! 2. **Cannot fail gracefully** (a resource's box, an error's text, a small list the bindings
//!    lower, a small argument): Rust would abort if the heap refused them. The
//!    [`CountingAllocator`] holds a reserve of [`RESERVE_BYTES`] aside; such a request that the
//!    heap cannot serve draws the reserve and is served from its space. The reserve is retaken
//!    on the next allocation or free that the heap allows.
//!
//! So a call that starts with the reserve intact cannot trap as long as what it allocates of
//! the second kind totals under [`RESERVE_BYTES`]. What keeps that total small:
//!
//! - the binding layer asks for room before the bindings' own large allocations: the lowered
//!   copy of a returned list of records ([`make_room`] with its [`abi`] size), a handle's box
//!   ([`room_for_handle`], for the calls that can answer `out-of-memory`);
//! - arguments are placed by [`place_argument`] (the body of `cabi_realloc`): up to
//!   [`SMALL_ARGUMENT_BYTES`] from the reserve if need be, larger ones only with the reserve
//!   intact, and a list the bindings copy into a Rust vector only with room held for that
//!   copy ([`CountingAllocator::hold_for_lift`]). A list the bindings adopt in place
//!   (`Vec::from_raw_parts`: bytes, numbers, records of numbers) needs only its own room. An
//!   argument that cannot be placed fails the host's lowering of the call, before memkit runs;
//! - a value converted between the core's type and the bindings' is moved into a vector
//!   reserved beforehand, never collected into one whose allocation is left to `collect`.
//!
//! Each guarantee rests on what std promises: `try_reserve` reports failure, `Vec::push` does
//! not allocate while capacity suffices, a `Vec` of capacity 1 is allocated with the layout of
//! one element, and wit-bindgen boxes a resource as an `Option` of its representation.

pub mod abi;
mod argument;
mod counting;
pub mod error;
pub mod glue;
pub mod memory;
mod scope;
mod try_alloc;

#[cfg(target_arch = "wasm32")]
mod global;

pub use argument::{place_argument, SMALL_ARGUMENT_BYTES};
pub use counting::{Counters, CountingAllocator, RESERVE_BYTES};
#[cfg(target_arch = "wasm32")]
pub use global::{allocator, memory_info, room_for_handle};
pub use scope::fallible;
pub use try_alloc::*;

pub use error::Error;
