//! Hosts `memkit.wasm` in wasmtime: the one place that compiles and instantiates it, shared by
//! the host tests and the demo.
//!
//! [`Host`] owns a store and the typed bindings. Compilation happens once per process; each
//! `Host` is a fresh instance. A `Host` is also a leak guard: when it is dropped (and the test
//! has not already failed) it asserts that the component's allocator is back to the used bytes
//! and live allocations it had right after instantiation, so every resource a test creates
//! must be dropped with [`Host::drop_resource`].

use std::path::PathBuf;
use std::rc::Rc;
use std::sync::OnceLock;

use wasmtime::component::{Component, Linker, ResourceAny};
use wasmtime::{Config, Engine, Store, StoreLimits, StoreLimitsBuilder};

wasmtime::component::bindgen!({
    path: "../wit",
    world: "memkit",
    additional_derives: [PartialEq],
});

pub mod composed;
pub mod stateful;
pub mod tenants;

pub use exports::memkit::core::memory::MemoryInfo;
pub use exports::memkit::core::types::{Error, LimitExceeded, OutOfBounds};

pub const MIB: usize = 1 << 20;

/// The store's data: only the memory limits.
pub struct State {
    limits: StoreLimits,
}

/// One instance of memkit in its own store.
pub struct Host {
    pub store: Store<State>,
    /// Shared so that a test can hold an interface's accessors (`let api = h.api.clone()`,
    /// then `api.memkit_core_bytes()…`) while it also calls `&mut self` helpers such as
    /// [`Host::drop_resource`].
    pub api: Rc<Memkit>,
    baseline: MemoryInfo,
    /// Set by [`Host::skip_leak_check`].
    unusable: bool,
}

/// CRC-32C computed bit by bit on the host: a reference independent of the component's
/// table-driven implementation, as an uploader would compute it.
pub fn crc32c(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in data {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0x82F6_3B78
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// Where the component is: `$MEMKIT_WASM`, else `target/memkit.wasm` in the workspace
/// (written by `cargo xtask build`).
pub fn component_path() -> PathBuf {
    std::env::var_os("MEMKIT_WASM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/memkit.wasm"))
}

/// The engine and compiled component, once per process for each setting of wasmtime's
/// concurrency support.
fn compiled(concurrency: bool) -> &'static (Engine, Component) {
    static WITHOUT: OnceLock<(Engine, Component)> = OnceLock::new();
    static WITH: OnceLock<(Engine, Component)> = OnceLock::new();
    let cell = if concurrency { &WITH } else { &WITHOUT };
    cell.get_or_init(|| {
        let mut config = Config::new();
        // memkit uses no component-model async; without it each call does less bookkeeping,
        // and a refused argument fails only its call (see README, "When memory runs out").
        config.concurrency_support(concurrency);
        let engine = Engine::new(&config).expect("wasmtime engine");
        let path = component_path();
        let component = Component::from_file(&engine, &path).unwrap_or_else(|e| {
            panic!(
                "cannot load {} ({e}); run `cargo xtask build` first",
                path.display()
            )
        });
        (engine, component)
    })
}

impl Host {
    /// A fresh instance with no memory limit beyond wasm's 4 GiB.
    pub fn new() -> Self {
        Self::with_memory_limit(usize::MAX)
    }

    /// A fresh instance whose linear memory may not grow past `bytes`.
    pub fn with_memory_limit(bytes: usize) -> Self {
        Self::with_options(bytes, false)
    }

    /// A fresh instance whose memory may not grow past `bytes`, in an engine with wasmtime's
    /// concurrency support (component-model async bookkeeping) on or off.
    pub fn with_options(bytes: usize, concurrency: bool) -> Self {
        let (engine, component) = compiled(concurrency);
        let limits = StoreLimitsBuilder::new().memory_size(bytes).build();
        let mut store = Store::new(engine, State { limits });
        store.limiter(|state| &mut state.limits);
        let api = Memkit::instantiate(&mut store, component, &Linker::new(engine))
            .expect("memkit instantiates with no imports");
        let baseline = api
            .memkit_core_memory()
            .call_info(&mut store)
            .expect("memory.info never traps");
        Self {
            store,
            api: Rc::new(api),
            baseline,
            unusable: false,
        }
    }

    /// `memory.info()` of this instance.
    pub fn memory_info(&mut self) -> MemoryInfo {
        self.api
            .memkit_core_memory()
            .call_info(&mut self.store)
            .expect("memory.info never traps")
    }

    /// Fills the component's heap to its last bytes with caller-sized reservations, which
    /// leaves the allocator's emergency reserve intact (caller-sized requests never touch
    /// it). Needs a memory limit ([`Host::with_memory_limit`]), else it fills 4 GiB. Returns
    /// the buffers that hold the memory; [`Host::release`] gives it back.
    pub fn squeeze(&mut self) -> Squeezed {
        let api = self.api.clone();
        let bytes = api.memkit_core_bytes().byte_buffer();
        // The holders are made first, while there is room for their handles; then each takes
        // the largest power of two that still fits, from 1 GiB down to 1 byte (at most two of
        // each size can fit, so 64 holders always suffice).
        let holders: Vec<ResourceAny> = (0..64)
            .map(|_| {
                bytes
                    .call_constructor(&mut self.store, 0)
                    .expect("constructor")
            })
            .collect();
        let mut next = 0;
        for bits in (0..31).rev() {
            while next < holders.len() {
                let fits = bytes
                    .call_reserve(&mut self.store, holders[next], 1 << bits)
                    .expect("reserve never traps");
                match fits {
                    Ok(()) => next += 1,
                    Err(Error::OutOfMemory(_)) => break,
                    Err(other) => panic!("reserve: {other:?}"),
                }
            }
        }
        Squeezed(holders)
    }

    /// Gives back what [`Host::squeeze`] took.
    pub fn release(&mut self, squeezed: Squeezed) {
        for holder in squeezed.0 {
            self.drop_resource(holder);
        }
    }

    /// Skips the leak check when the `Host` is dropped: for a test that leaves the instance
    /// unusable, or that shows a leak the host makes (not the component).
    pub fn skip_leak_check(&mut self) {
        self.unusable = true;
    }

    /// Drops a resource handle the host owns, running the component's destructor.
    pub fn drop_resource(&mut self, resource: ResourceAny) {
        resource
            .resource_drop(&mut self.store)
            .expect("a resource destructor never traps");
    }
}

/// The buffers that hold a squeezed heap (see [`Host::squeeze`]).
#[must_use = "give the memory back with Host::release"]
pub struct Squeezed(Vec<ResourceAny>);

impl Default for Host {
    fn default() -> Self {
        Self::new()
    }
}

impl Drop for Host {
    fn drop(&mut self) {
        if std::thread::panicking() || self.unusable {
            return;
        }
        let now = self.memory_info();
        assert_eq!(
            (now.used_bytes, now.live_allocations),
            (self.baseline.used_bytes, self.baseline.live_allocations),
            "leak: the component holds more than it did after instantiation"
        );
    }
}
