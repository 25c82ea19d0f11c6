//! Many tenants in one process: one compiled memkit, pre-linked once ([`MemkitPre`]), and a
//! `Store` per tenant instantiated from wasmtime's pooling allocator, each capped in memory
//! (`StoreLimits`) and in time (fuel), so one tenant cannot take another's memory or CPU and a
//! trap ends only the tenant that caused it.

use std::time::Duration;

use wasmtime::component::{Component, Linker};
use wasmtime::{
    Config, Engine, InstanceAllocationStrategy, PoolingAllocationConfig, Store, StoreLimits,
    StoreLimitsBuilder,
};

use crate::{component_path, Memkit, MemkitPre, MemoryInfo, MIB};

/// How a fleet of tenants is sized.
#[derive(Debug, Clone, Copy)]
pub struct Fleet {
    /// Tenants alive at once (the pool's slots).
    pub tenants: u32,
    /// The linear memory each may grow to, in bytes.
    pub memory_per_tenant: usize,
    /// The fuel each call of a tenant may burn (wasmtime's unit: about one wasm instruction).
    pub fuel_per_call: u64,
}

impl Default for Fleet {
    fn default() -> Self {
        Self {
            tenants: 1000,
            memory_per_tenant: 16 * MIB,
            fuel_per_call: 1_000_000_000,
        }
    }
}

/// The engine and memkit, compiled and linked once for every tenant.
pub struct Tenants {
    pub engine: Engine,
    pre: MemkitPre<Tenant>,
    fleet: Fleet,
}

/// One tenant's store data: its limits.
pub struct Tenant {
    limits: StoreLimits,
}

/// One tenant's instance of memkit in its own store.
pub struct TenantInstance {
    pub store: Store<Tenant>,
    pub api: Memkit,
}

impl Tenants {
    /// A pool of `fleet.tenants` slots, each with `fleet.memory_per_tenant` of memory at most.
    pub fn new(fleet: Fleet) -> wasmtime::Result<Self> {
        let mut pool = PoolingAllocationConfig::new();
        // A memkit instance holds one memory and at most a few core instances and tables
        // (wit-component's layout); the slots are sized with room for them.
        pool.total_component_instances(fleet.tenants)
            .total_core_instances(fleet.tenants * 4)
            .total_memories(fleet.tenants)
            .total_tables(fleet.tenants * 4)
            .max_memory_size(fleet.memory_per_tenant);
        let mut config = Config::new();
        config
            .allocation_strategy(InstanceAllocationStrategy::Pooling(pool))
            // Reserve only what a tenant may use (not wasm's 4 GiB each): ten thousand slots
            // then fit in the address space, at the cost of explicit bounds checks.
            .memory_reservation(fleet.memory_per_tenant as u64)
            .memory_guard_size(0)
            .consume_fuel(true)
            .concurrency_support(false);
        let engine = Engine::new(&config)?;
        let component = Component::from_file(&engine, component_path())?;
        let pre = MemkitPre::new(Linker::new(&engine).instantiate_pre(&component)?)?;
        Ok(Self { engine, pre, fleet })
    }

    /// A new tenant: a store with its memory cap and fuel, and an instance from the pool.
    pub fn tenant(&self) -> wasmtime::Result<TenantInstance> {
        let mut store = self.store();
        let api = self.pre.instantiate(&mut store)?;
        Ok(TenantInstance { store, api })
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
        self.api.memkit_core_memory().call_info(&mut self.store)
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
