//! Hosts `memkit.wasm` (or `memkit-async.wasm`) and `memkit-article.wasm` in wasmtime: the one
//! place that compiles and instantiates them, shared by the host tests and the demo.
//!
//! [`Host`] owns a store with an instance of memkit and one of the article's component side
//! by side, as the demo page runs them, and the typed bindings of each (`api`, `article`).
//! Compilation happens once per process and component; each `Host` holds fresh instances. The
//! `memkit-async` world includes `memkit`, so a `Host` of either has the same bindings;
//! [`streams`] adds those of `streams`. A `Host` is also a leak guard: when it is dropped (and
//! the test has not already failed) it asserts that each component's allocator is back to the
//! used bytes and live allocations it had right after instantiation. Handles a test receives are put under an [`Owned`] guard
//! (`call(...)?.owned(&h.store)`), which releases them.

use std::cell::RefCell;
use std::path::PathBuf;
use std::rc::Rc;
use std::sync::OnceLock;

use wasmtime::component::{Accessor, Component, Instance, Linker, ResourceAny};
use wasmtime::{
    AsContext, AsContextMut, Config, Engine, Store, StoreContext, StoreContextMut, StoreLimits,
    StoreLimitsBuilder,
};

wasmtime::component::bindgen!({
    path: "../wit",
    world: "memkit",
    additional_derives: [PartialEq],
});

/// Bindings of the article's component (`memkit:article/article`). Its `memkit:core/types` and
/// `memkit:core/memory` are generated again here, as types of their own:
/// [`article::Error`] and [`article::MemoryInfo`].
pub mod article {
    wasmtime::component::bindgen!({
        path: "../article/wit",
        world: "memkit:article/article",
        additional_derives: [PartialEq],
    });

    pub use exports::memkit::article::{floats, people, points, text};
    pub use exports::memkit::core::memory::MemoryInfo;
    pub use exports::memkit::core::types::{Error, LimitExceeded, OutOfBounds};
}

pub use memkit_components;
use memkit_components::Component as Built;

pub mod composed;
pub mod stateful;
pub mod streams;
pub mod tenants;

pub use exports::memkit::core::memory::MemoryInfo;
pub use exports::memkit::core::types::{Error, LimitExceeded, OutOfBounds};

pub const MIB: usize = 1 << 20;

/// The store's data: only the memory limits. (Send, as `run_concurrent` needs.)
pub struct State {
    limits: StoreLimits,
}

/// One instance of memkit and one of the article's component, in their own store.
///
/// Its fields borrow apart, so a test holds an interface's accessors from `api` (or `article`)
/// while it passes `&mut h.store` to calls: `let bytes = h.api.memkit_core_bytes().byte_buffer();`.
pub struct Host {
    /// The store, with the instances' helpers and their leak guard.
    pub store: HostStore,
    /// The typed bindings of memkit's instance.
    pub api: Rc<Memkit>,
    /// The typed bindings of the article's instance.
    pub article: Rc<article::Article>,
    /// The instance itself, for bindings of more than the `memkit` world
    /// ([`streams::Streams::of`]).
    pub instance: Instance,
}

/// A memkit store that knows its instance: the leak guard and the drop queue of [`Owned`]
/// handles. Every call made through it (`&mut h.store`) first drops the handles whose guards
/// have gone out of scope, so a handle is released before anything could observe it.
pub struct HostStore {
    store: Store<State>,
    api: Rc<Memkit>,
    article: Rc<article::Article>,
    baseline: MemoryInfo,
    article_baseline: article::MemoryInfo,
    /// Handles whose [`Owned`] guard was dropped, waiting for the next use of the store.
    released: Rc<RefCell<Vec<ResourceAny>>>,
    /// Set by [`HostStore::skip_leak_check`].
    unusable: bool,
}

/// A resource handle that the host owns and that releases itself: when the guard goes out of
/// scope the component's destructor runs (on the next use of the store, or when the `Host`
/// is dropped). Dereferences to the [`ResourceAny`] that calls take.
#[must_use = "an Owned handle is released as soon as it is dropped"]
pub struct Owned {
    handle: ResourceAny,
    released: Rc<RefCell<Vec<ResourceAny>>>,
}

impl std::ops::Deref for Owned {
    type Target = ResourceAny;
    fn deref(&self) -> &ResourceAny {
        &self.handle
    }
}

impl Drop for Owned {
    fn drop(&mut self) {
        self.released.borrow_mut().push(self.handle);
    }
}

/// `handle.owned(&h.store)`: puts a handle the host received under an [`Owned`] guard.
pub trait Own {
    fn owned(self, store: &HostStore) -> Owned;
}

impl Own for ResourceAny {
    fn owned(self, store: &HostStore) -> Owned {
        Owned {
            handle: self,
            released: store.released.clone(),
        }
    }
}

/// Every `checksums.algorithm`, in WIT order.
pub const ALGORITHMS: [exports::memkit::core::checksums::Algorithm; 5] = {
    use exports::memkit::core::checksums::Algorithm;
    [
        Algorithm::Crc32,
        Algorithm::Crc32c,
        Algorithm::Crc64Nvme,
        Algorithm::Sha256,
        Algorithm::Md5,
    ]
};

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

/// Where the component of the `memkit` world is: `$MEMKIT_WASM`, else `target/memkit.wasm` in
/// the workspace (written by `cargo xtask build`).
pub fn component_path() -> PathBuf {
    World::Memkit.component_path()
}

/// Where a component a host runs is: its environment variable (`MEMKIT_WASM`, …, set by
/// `cargo xtask test`), else `target/<name>.wasm` in the workspace.
pub fn path_of(component: Built) -> PathBuf {
    component.path_for_host(&PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target"))
}

/// Which of memkit's worlds a [`Host`] runs (beside the article's component, always).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub enum World {
    /// `memkit`: synchronous; `target/memkit.wasm`. What most hosts run.
    #[default]
    Memkit,
    /// `memkit-async`: `memkit` plus `streams` (component-model async, so wasmtime's
    /// concurrency support must be on); `target/memkit-async.wasm`.
    MemkitAsync,
}

impl World {
    /// Every world.
    pub const ALL: [World; 2] = [World::Memkit, World::MemkitAsync];

    /// Its component.
    pub fn component(self) -> Built {
        match self {
            World::Memkit => Built::Memkit,
            World::MemkitAsync => Built::MemkitAsync,
        }
    }

    /// The world's WIT name, also its component's file name.
    pub fn name(self) -> &'static str {
        self.component().name()
    }

    /// Where its component is ([`path_of`]).
    pub fn component_path(self) -> PathBuf {
        path_of(self.component())
    }
}

/// An engine and what is compiled in it: memkit's component of one world, and the article's.
pub(crate) struct Compiled {
    pub engine: Engine,
    pub memkit: Component,
    pub article: Component,
}

/// The engine and compiled components, once per process for each world and setting of
/// wasmtime's concurrency support (which `memkit-async` needs on).
pub(crate) fn compiled(world: World, concurrency: bool) -> &'static Compiled {
    static CELLS: [OnceLock<Compiled>; 3] = [OnceLock::new(), OnceLock::new(), OnceLock::new()];
    let cell = match (world, concurrency) {
        (World::Memkit, false) => &CELLS[0],
        (World::Memkit, true) => &CELLS[1],
        (World::MemkitAsync, true) => &CELLS[2],
        (World::MemkitAsync, false) => {
            panic!("memkit-async uses component-model async: concurrency support must be on")
        }
    };
    cell.get_or_init(|| {
        let mut config = Config::new();
        // memkit uses no component-model async, and without it each call does less
        // bookkeeping: in wasmtime 50 a resource method call costs about 165 ns with it off
        // and 515 ns with it on, a pooled instantiation 7.0 and 8.4 µs (BENCHMARKS.md).
        config.concurrency_support(concurrency);
        let engine = Engine::new(&config).expect("wasmtime engine");
        let load = |path: PathBuf| {
            Component::from_file(&engine, &path).unwrap_or_else(|e| {
                panic!(
                    "cannot load {} ({e}); run `cargo xtask build` first",
                    path.display()
                )
            })
        };
        Compiled {
            memkit: load(world.component_path()),
            article: load(path_of(Built::Article)),
            engine,
        }
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
        Self::instantiate(World::Memkit, bytes, concurrency)
    }

    /// A fresh instance of `world`'s component whose memory may not grow past `bytes` (with
    /// concurrency support on for `memkit-async`, off for `memkit`).
    pub fn of_world(world: World, bytes: usize) -> Self {
        Self::instantiate(world, bytes, world == World::MemkitAsync)
    }

    fn instantiate(world: World, bytes: usize, concurrency: bool) -> Self {
        let compiled = compiled(world, concurrency);
        let engine = &compiled.engine;
        // The limit is of each linear memory: memkit's and the article's each get `bytes`.
        let limits = StoreLimitsBuilder::new().memory_size(bytes).build();
        let mut store = Store::new(engine, State { limits });
        store.limiter(|state| &mut state.limits);
        let linker = Linker::new(engine);
        // The `memkit` bindings fit either component: `memkit-async` exports all of `memkit`.
        let instance = linker
            .instantiate(&mut store, &compiled.memkit)
            .expect("memkit instantiates with no imports");
        let api = Memkit::new(&mut store, &instance).expect("memkit exports the memkit world");
        let article = article::Article::instantiate(&mut store, &compiled.article, &linker)
            .expect("the article's component instantiates with no imports");
        let baseline = api
            .memkit_core_memory()
            .call_info(&mut store)
            .expect("memory.info never traps");
        let article_baseline = article
            .memkit_core_memory()
            .call_info(&mut store)
            .expect("memory.info never traps");
        let (api, article) = (Rc::new(api), Rc::new(article));
        let store = HostStore {
            store,
            api: api.clone(),
            article: article.clone(),
            baseline,
            article_baseline,
            released: Rc::default(),
            unusable: false,
        };
        Self {
            store,
            api,
            article,
            instance,
        }
    }
}

impl HostStore {
    /// Runs the destructors of the handles whose [`Owned`] guards were dropped.
    fn release_dropped(&mut self) {
        let released = std::mem::take(&mut *self.released.borrow_mut());
        for handle in released {
            self.drop_resource(handle);
        }
    }

    /// `memory.info()` of memkit's instance.
    pub fn memory_info(&mut self) -> MemoryInfo {
        self.release_dropped();
        self.api
            .memkit_core_memory()
            .call_info(&mut self.store)
            .expect("memory.info never traps")
    }

    /// `memory.info()` of the article's instance.
    pub fn article_memory_info(&mut self) -> article::MemoryInfo {
        self.release_dropped();
        self.article
            .memkit_core_memory()
            .call_info(&mut self.store)
            .expect("memory.info never traps")
    }

    /// Fills both components' heaps to their last bytes with caller-sized reservations, which
    /// leaves each allocator's emergency reserve intact (caller-sized requests never touch
    /// it): memkit's with byte buffers, the article's with float buffers. Needs a memory limit
    /// ([`Host::with_memory_limit`]), else it fills 4 GiB each. Returns the buffers that hold
    /// the memory; [`HostStore::release`] gives it back.
    pub fn squeeze(&mut self) -> Squeezed {
        self.release_dropped();
        let (api, article) = (self.api.clone(), self.article.clone());
        let bytes = api.memkit_core_bytes().byte_buffer();
        let memkit = fill(
            &mut self.store,
            |store| bytes.call_constructor(store, 0),
            |store, holder, size| match bytes.call_reserve(store, holder, size)? {
                Ok(()) => Ok(true),
                Err(Error::OutOfMemory(_)) => Ok(false),
                Err(other) => panic!("reserve: {other:?}"),
            },
            1,
        );
        let floats = article.memkit_article_floats().float_buffer();
        let article = fill(
            &mut self.store,
            |store| floats.call_constructor(store, 0),
            |store, holder, size| match floats.call_reserve(store, holder, size)? {
                Ok(()) => Ok(true),
                Err(article::Error::OutOfMemory(_)) => Ok(false),
                Err(other) => panic!("reserve: {other:?}"),
            },
            4,
        );
        Squeezed { memkit, article }
    }

    /// Gives back what [`HostStore::squeeze`] took.
    pub fn release(&mut self, squeezed: Squeezed) {
        for holder in squeezed.memkit.into_iter().chain(squeezed.article) {
            self.drop_resource(holder);
        }
    }

    /// Takes the leak check's baselines again, now: after a one-time allocation that is not
    /// the component's to give back ([`streams::Streams::of`]).
    pub(crate) fn take_baseline(&mut self) {
        self.baseline = self.memory_info();
        self.article_baseline = self.article_memory_info();
    }

    /// Skips the leak check when the `Host` is dropped: for a test that leaves the instance
    /// unusable, or that shows a leak the host makes (not the component).
    pub fn skip_leak_check(&mut self) {
        self.unusable = true;
    }

    /// Asserts that wasmtime refuses every further call into this store ("cannot enter
    /// component instance"), as wasmtime 50 does after any failed call, a failed argument
    /// lowering included, and skips the leak check, which can no longer run.
    pub fn assert_poisoned(&mut self) {
        let refused = self
            .api
            .memkit_core_memory()
            .call_info(&mut self.store)
            .expect_err("the store refuses calls");
        assert!(
            format!("{refused:?}").contains("cannot enter component instance"),
            "{refused:?}"
        );
        self.skip_leak_check();
    }

    /// Runs `work` in the store's event loop (`run_concurrent`, for component-model async
    /// calls) on this thread, until it is done; see [`streams::block_on`] for what happens when
    /// nothing is left that could make progress.
    pub fn run_concurrent<R>(
        &mut self,
        work: impl AsyncFnOnce(&Accessor<State>) -> R,
    ) -> wasmtime::Result<R> {
        self.release_dropped();
        streams::block_on(self.store.run_concurrent(work))?
    }

    /// Drops a handle the host owns now, running the component's destructor: for handles
    /// held as plain [`ResourceAny`] (the stateful fuzz), where [`Owned`] would not fit.
    pub fn drop_resource(&mut self, resource: ResourceAny) {
        resource
            .resource_drop(&mut self.store)
            .expect("a resource destructor never traps");
    }
}

impl AsContext for HostStore {
    type Data = State;
    fn as_context(&self) -> StoreContext<'_, State> {
        self.store.as_context()
    }
}

impl AsContextMut for HostStore {
    fn as_context_mut(&mut self) -> StoreContextMut<'_, State> {
        self.release_dropped();
        self.store.as_context_mut()
    }
}

/// The buffers that hold the squeezed heaps (see [`HostStore::squeeze`]).
#[must_use = "give the memory back with HostStore::release"]
pub struct Squeezed {
    memkit: Vec<ResourceAny>,
    article: Vec<ResourceAny>,
}

/// Fills a heap with holders made by `make`, each then grown by `reserve(holder, units)` (which
/// says whether it fitted) by the largest power of two of units that still fits, down to one
/// unit of `unit_bytes`. The holders are made first, while there is room for their handles;
/// at most two of each size can fit, so 64 holders always suffice.
fn fill(
    store: &mut Store<State>,
    make: impl Fn(&mut Store<State>) -> wasmtime::Result<ResourceAny>,
    reserve: impl Fn(&mut Store<State>, ResourceAny, u32) -> wasmtime::Result<bool>,
    unit_bytes: u32,
) -> Vec<ResourceAny> {
    let holders: Vec<ResourceAny> = (0..64).map(|_| make(store).expect("constructor")).collect();
    let mut next = 0;
    for bits in (0..31 - unit_bytes.trailing_zeros()).rev() {
        while next < holders.len() {
            if !reserve(store, holders[next], 1 << bits).expect("reserve never traps") {
                break;
            }
            next += 1;
        }
    }
    holders
}

impl Default for Host {
    fn default() -> Self {
        Self::new()
    }
}

impl Drop for HostStore {
    fn drop(&mut self) {
        if std::thread::panicking() || self.unusable {
            return;
        }
        let now = self.memory_info();
        assert_eq!(
            (now.used_bytes, now.live_allocations),
            (self.baseline.used_bytes, self.baseline.live_allocations),
            "leak: memkit holds more than it did after instantiation"
        );
        let now = self.article_memory_info();
        assert_eq!(
            (now.used_bytes, now.live_allocations),
            (
                self.article_baseline.used_bytes,
                self.article_baseline.live_allocations
            ),
            "leak: the article's component holds more than it did after instantiation"
        );
    }
}
