//! What the binding layers of both components share (`src/component/` of `memkit` and of
//! `memkit-article`): the representation of their resources, and [`shared_glue!`], the glue of
//! the two interfaces both export, `memkit:core/types` (the error conversions) and
//! `memkit:core/memory`. wit-bindgen generates each component's own types for these, so the
//! glue is written once here and expanded in each.

use std::cell::{Ref, RefCell, RefMut};

/// The representation of every resource: its core value in a `RefCell`, because wit-bindgen
/// hands methods `&self`. A component is single-threaded and no method re-enters another, so
/// no borrow can clash (two shared borrows, as in `dot` of a buffer with itself, are fine).
pub struct Rep<T>(RefCell<T>);

impl<T> Rep<T> {
    pub fn new(value: T) -> Self {
        Self(RefCell::new(value))
    }

    pub fn get(&self) -> Ref<'_, T> {
        self.0.borrow()
    }

    pub fn get_mut(&self) -> RefMut<'_, T> {
        self.0.borrow_mut()
    }

    pub fn into_inner(self) -> T {
        self.0.into_inner()
    }
}

/// The glue of `memkit:core/types` and `memkit:core/memory` for the component `$component`,
/// whose generated modules for them are `$types` and `$memory`: `error` to and from
/// [`Error`](crate::Error), and `memory.info` over the counting allocator.
#[macro_export]
macro_rules! shared_glue {
    (component: $component:ty, types: $types:path, memory: $memory:path $(,)?) => {
        use $memory as memory_bindings;
        use $types as types_bindings;

        impl memory_bindings::Guest for $component {
            fn info() -> memory_bindings::MemoryInfo {
                let info = $crate::memory_info();
                memory_bindings::MemoryInfo {
                    pages: info.pages,
                    total_bytes: info.total_bytes,
                    used_bytes: info.used_bytes,
                    free_bytes: info.free_bytes,
                    peak_used_bytes: info.peak_used_bytes,
                    live_allocations: info.live_allocations,
                    reserve_bytes: info.reserve_bytes,
                    reserve_draws: info.reserve_draws,
                }
            }
        }

        impl From<$crate::Error> for types_bindings::Error {
            fn from(error: $crate::Error) -> Self {
                use types_bindings::{Error, LimitExceeded, OutOfBounds};
                match error {
                    $crate::Error::OutOfBounds { offset, len, size } => {
                        Error::OutOfBounds(OutOfBounds { offset, len, size })
                    }
                    $crate::Error::TooLarge { requested, limit } => {
                        Error::TooLarge(LimitExceeded { requested, limit })
                    }
                    $crate::Error::OutOfMemory(bytes) => Error::OutOfMemory(bytes),
                    $crate::Error::Invalid(why) => Error::Invalid(why),
                }
            }
        }

        impl From<types_bindings::Error> for $crate::Error {
            fn from(error: types_bindings::Error) -> Self {
                use types_bindings::{Error, LimitExceeded, OutOfBounds};
                match error {
                    Error::OutOfBounds(OutOfBounds { offset, len, size }) => {
                        $crate::Error::OutOfBounds { offset, len, size }
                    }
                    Error::TooLarge(LimitExceeded { requested, limit }) => {
                        $crate::Error::TooLarge { requested, limit }
                    }
                    Error::OutOfMemory(bytes) => $crate::Error::OutOfMemory(bytes),
                    Error::Invalid(why) => $crate::Error::Invalid(why),
                }
            }
        }
    };
}
