//! Many tenants in one process: one compiled memkit, pre-linked once (an `InstancePre`), and a
//! `Store` per tenant instantiated from wasmtime's pooling allocator, each capped in memory
//! (`StoreLimits`) and in time (fuel), so one tenant cannot take another's memory or CPU and a
//! trap ends only the tenant that caused it. A tenant looks up memkit's functions one
//! interface at a time, at the interface's first use: in wasmtime 50 looking up every
//! export of a new instance (bindgen's `MemkitPre::instantiate`) costs more than the
//! instance itself (BENCHMARKS.md, "Where pooled instantiation goes").

use std::cell::OnceCell;
use std::sync::Arc;
use std::time::Duration;

use wasmtime::component::{Component, Instance, InstancePre, Linker};
use wasmtime::{
    Config, Enabled, Engine, InstanceAllocationStrategy, PoolingAllocationConfig, Store,
    StoreLimits, StoreLimitsBuilder,
};

use crate::exports::memkit::core::{bytes, checksums, chunks, memory, pools, records};
use crate::{component_path, MemoryInfo, MIB};

/// How a fleet of tenants is sized.
#[derive(Debug, Clone, Copy)]
pub struct Fleet {
    /// Tenants alive at once (the pool's slots).
    pub tenants: u32,
    /// The linear memory each may grow to, in bytes.
    pub memory_per_tenant: usize,
    /// The fuel each call of a tenant may burn (wasmtime's unit: about one wasm instruction).
    pub fuel_per_call: u64,
    /// Bytes of each slot's memory and of each of its tables that a freed slot resets in place
    /// (only the pages that were written, found with Linux's `PAGEMAP_SCAN`) instead of
    /// giving back to the kernel, so the next tenant in the slot takes no page faults there.
    /// 0 gives every page back (wasmtime's default).
    pub keep_resident: usize,
}

impl Default for Fleet {
    fn default() -> Self {
        Self {
            tenants: 1000,
            memory_per_tenant: 16 * MIB,
            fuel_per_call: 1_000_000_000,
            // An idle memkit instance's one 64 KiB page. Measured (bench/wasmtime,
            // instantiation): about 40 % off a pooled instantiation (11.5 → 7.0 µs), the
            // `madvise` of a freed slot and the page faults that follow, among them those of
            // the table that wit-component's fixup module fills at every instantiation. It
            // costs resident memory for slots that are free: `Engine::release_idle_pool_memory`
            // gives it back.
            keep_resident: 64 << 10,
        }
    }
}

/// The engine's configuration for `fleet`: wasmtime's pooling allocator with a slot per
/// tenant, each memory capped and reserved at the tenant's size, fuel on.
pub fn config(fleet: &Fleet) -> Config {
    let mut pool = PoolingAllocationConfig::new();
    // A memkit instance holds one memory and at most a few core instances and tables
    // (wit-component's layout); the slots are sized with room for them.
    pool.total_component_instances(fleet.tenants)
        .total_core_instances(fleet.tenants * 4)
        .total_memories(fleet.tenants)
        .total_tables(fleet.tenants * 4)
        .max_memory_size(fleet.memory_per_tenant);
    if fleet.keep_resident > 0 {
        pool.linear_memory_keep_resident(fleet.keep_resident)
            .table_keep_resident(fleet.keep_resident)
            .pagemap_scan(Enabled::Auto);
    }
    let mut config = Config::new();
    config
        .allocation_strategy(InstanceAllocationStrategy::Pooling(pool))
        // Reserve only what a tenant may use (not wasm's 4 GiB each): ten thousand slots
        // then fit in the address space, at the cost of explicit bounds checks.
        .memory_reservation(fleet.memory_per_tenant as u64)
        .memory_guard_size(0)
        .consume_fuel(true)
        .concurrency_support(false);
    config
}

/// The engine and memkit, compiled and linked once for every tenant.
pub struct Tenants {
    pub engine: Engine,
    pre: InstancePre<Tenant>,
    indices: Arc<ExportIndices>,
    fleet: Fleet,
}

/// One tenant's store data: its limits.
pub struct Tenant {
    limits: StoreLimits,
}

/// One tenant's instance of memkit in its own store. Its interfaces come from the methods
/// named after them (`bytes()`, `chunks()`, …).
pub struct TenantInstance {
    pub store: Store<Tenant>,
    instance: Instance,
    indices: Arc<ExportIndices>,
    loaded: Loaded,
}

/// Declares, for each of memkit's interfaces with functions: where its functions are among
/// the exports (found once for every tenant), the tenant's copy of them (looked up and
/// type-checked at the interface's first use), and the `TenantInstance` method that gives it.
macro_rules! interfaces_looked_up_at_first_use {
    ($($interface:ident),* $(,)?) => {
        struct ExportIndices {
            $($interface: $interface::GuestIndices,)*
        }

        impl ExportIndices {
            fn new(pre: &InstancePre<Tenant>) -> wasmtime::Result<Self> {
                Ok(Self {
                    $($interface: $interface::GuestIndices::new(pre)?,)*
                })
            }
        }

        #[derive(Default)]
        struct Loaded {
            $($interface: OnceCell<$interface::Guest>,)*
        }

        impl TenantInstance {
            $(
                #[doc = concat!(
                    "memkit's `", stringify!($interface), "` interface in this tenant ",
                    "(its functions are looked up at the first call of this method)."
                )]
                pub fn $interface(&mut self) -> wasmtime::Result<$interface::Guest> {
                    if let Some(guest) = self.loaded.$interface.get() {
                        return Ok(guest.clone());
                    }
                    let guest = self.indices.$interface.load(&mut self.store, &self.instance)?;
                    Ok(self.loaded.$interface.get_or_init(|| guest).clone())
                }
            )*
        }
    };
}

// Every interface of the `memkit` world that has functions (`types` has none). A new one
// must be added here before tenants can call it; the compiler says so at the first use.
interfaces_looked_up_at_first_use!(memory, bytes, chunks, records, pools, checksums);

impl Tenants {
    /// A pool of `fleet.tenants` slots, each with `fleet.memory_per_tenant` of memory at most.
    pub fn new(fleet: Fleet) -> wasmtime::Result<Self> {
        let engine = Engine::new(&config(&fleet))?;
        let component = Component::from_file(&engine, component_path())?;
        let pre = Linker::new(&engine).instantiate_pre(&component)?;
        let indices = Arc::new(ExportIndices::new(&pre)?);
        Ok(Self {
            engine,
            pre,
            indices,
            fleet,
        })
    }

    /// A new tenant: a store with its memory cap and fuel, and an instance from the pool.
    pub fn tenant(&self) -> wasmtime::Result<TenantInstance> {
        let mut store = self.store();
        let instance = self.pre.instantiate(&mut store)?;
        Ok(TenantInstance {
            store,
            instance,
            indices: self.indices.clone(),
            loaded: Loaded::default(),
        })
    }

    /// A tenant's store, before it holds an instance: its memory cap and its fuel.
    pub fn store(&self) -> Store<Tenant> {
        let limits = StoreLimitsBuilder::new()
            .memory_size(self.fleet.memory_per_tenant)
            .build();
        let mut store = Store::new(&self.engine, Tenant { limits });
        store.limiter(|tenant| &mut tenant.limits);
        store
            .set_fuel(self.fleet.fuel_per_call)
            .expect("fuel is enabled in this engine");
        store
    }
}

impl TenantInstance {
    /// `memory.info()` of this tenant.
    pub fn memory_info(&mut self) -> wasmtime::Result<MemoryInfo> {
        self.memory()?.call_info(&mut self.store)
    }
}

/// Median time of one `tenant()` over `count` instantiations (each dropped at once).
pub fn instantiation_time(tenants: &Tenants, count: u32) -> wasmtime::Result<Duration> {
    let mut times = Vec::with_capacity(count as usize);
    for _ in 0..count {
        let started = std::time::Instant::now();
        let tenant = tenants.tenant()?;
        times.push(started.elapsed());
        drop(tenant);
    }
    times.sort();
    Ok(times[times.len() / 2])
}
