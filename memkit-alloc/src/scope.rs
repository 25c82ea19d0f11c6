//! The fallible scope: whether the allocation being made is a caller-sized request (which
//! must fail rather than eat into the reserve) or one that cannot fail gracefully.
//!
//! The depth is per thread. The component has one thread, where `thread_local!` costs what a
//! static does; natively, `cargo test` runs tests on several threads, and a global depth
//! would let one test's scope fail another test's infallible allocation.

use std::cell::Cell;

thread_local! {
    /// How many [`fallible`] scopes are open on this thread. Const-initialised and without a
    /// destructor, so reading it from inside the global allocator allocates nothing.
    static DEPTH: Cell<u32> = const { Cell::new(0) };
}

/// Runs `f` as a caller-sized request: the allocations it makes never draw on the reserve,
/// and fail (so `try_reserve` reports out-of-memory) unless the reserve is held intact. Every
/// helper in [the crate's docs](crate) that reserves a caller-chosen size runs in one. Scopes nest, and
/// a panic inside `f` still closes the scope.
pub fn fallible<T>(f: impl FnOnce() -> T) -> T {
    struct Close;
    impl Drop for Close {
        fn drop(&mut self) {
            DEPTH.with(|depth| depth.set(depth.get() - 1));
        }
    }
    DEPTH.with(|depth| depth.set(depth.get() + 1));
    let _close = Close;
    f()
}

/// True inside a [`fallible`] scope on this thread.
pub(crate) fn in_fallible_scope() -> bool {
    DEPTH.with(|depth| depth.get() > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_nest_and_close() {
        assert!(!in_fallible_scope());
        fallible(|| {
            assert!(in_fallible_scope());
            fallible(|| assert!(in_fallible_scope()));
            assert!(in_fallible_scope());
        });
        assert!(!in_fallible_scope());
    }

    #[test]
    fn a_scope_on_one_thread_is_not_seen_on_another() {
        fallible(|| {
            let elsewhere = std::thread::spawn(in_fallible_scope).join().unwrap();
            assert!(!elsewhere, "another thread's allocations stay infallible");
        });
    }

    #[test]
    fn a_panic_closes_the_scope() {
        let caught = std::panic::catch_unwind(|| fallible(|| panic!("inside")));
        assert!(caught.is_err());
        assert!(!in_fallible_scope());
    }
}
