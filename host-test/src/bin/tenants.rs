//! Figures of the many-tenants host (host_test::tenants), as a markdown table: instantiation
//! time per tenant with the pooling allocator against on-demand allocation (both from an
//! `InstancePre`), the lookup of an interface at its first use, linear memory of an idle
//! tenant, and ten thousand live tenants.
//!   cargo run --release -p host-test --bin tenants      (after cargo xtask build)

use std::time::{Duration, Instant};

use host_test::exports::memkit::core::checksums::Algorithm;
use host_test::tenants::{instantiation_time, Fleet, Tenants};
use host_test::{component_path, MIB};
use wasmtime::component::{Component, Linker};
use wasmtime::{Config, Engine, Store};

/// Resident memory of this process, in bytes (Linux).
fn resident_bytes() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: u64 = statm
        .split_whitespace()
        .nth(1)
        .and_then(|p| p.parse().ok())
        .unwrap_or(0);
    pages * 4096
}

/// Median instantiation from an `InstancePre` with wasmtime's default (on-demand) allocator.
fn on_demand_instantiation(count: u32) -> wasmtime::Result<Duration> {
    let mut config = Config::new();
    config.concurrency_support(false);
    let engine = Engine::new(&config)?;
    let component = Component::from_file(&engine, component_path())?;
    let pre = Linker::new(&engine).instantiate_pre(&component)?;
    let mut times = Vec::new();
    for _ in 0..count {
        let started = Instant::now();
        let mut store = Store::new(&engine, ());
        let instance = pre.instantiate(&mut store)?;
        times.push(started.elapsed());
        drop((instance, store));
    }
    times.sort();
    Ok(times[times.len() / 2])
}

/// Median time of a tenant's first use of `records`: its functions looked up and type-checked.
fn first_use_of_records(tenants: &Tenants, count: u32) -> wasmtime::Result<Duration> {
    let mut times = Vec::new();
    for _ in 0..count {
        let mut tenant = tenants.tenant()?;
        let started = Instant::now();
        let records = tenant.records()?;
        times.push(started.elapsed());
        drop((records, tenant));
    }
    times.sort();
    Ok(times[times.len() / 2])
}

/// Median time of making a tenant's `Store` alone (limits and fuel, no instance).
fn store_alone(tenants: &Tenants, count: u32) -> Duration {
    let mut times = Vec::new();
    for _ in 0..count {
        let started = Instant::now();
        let store = tenants.store();
        times.push(started.elapsed());
        drop(store);
    }
    times.sort();
    times[times.len() / 2]
}

fn main() -> wasmtime::Result<()> {
    let tenants = Tenants::new(Fleet {
        tenants: 10_000,
        memory_per_tenant: 4 * MIB,
        fuel_per_call: 100_000_000,
        ..Fleet::default()
    })?;
    let pooled = instantiation_time(&tenants, 5_000)?;
    let on_demand = on_demand_instantiation(5_000)?;
    let store = store_alone(&tenants, 5_000);
    let records = first_use_of_records(&tenants, 5_000)?;
    let mut idle = tenants.tenant()?;
    let idle_pages = idle.memory_info()?.pages;
    drop(idle);

    let before = resident_bytes();
    let started = Instant::now();
    let mut live = Vec::with_capacity(10_000);
    for _ in 0..10_000 {
        live.push(tenants.tenant()?);
    }
    let start_all = started.elapsed();
    for tenant in &mut live {
        tenant
            .checksums()?
            .call_digest(&mut tenant.store, Algorithm::Crc32, b"x")?;
    }
    let resident = resident_bytes().saturating_sub(before);
    drop(live);

    println!("| figure | value |");
    println!("|---|---|");
    println!("| instantiation, pooling allocator + InstancePre (median of 5000) | {pooled:.1?} |");
    println!(
        "| instantiation, on-demand allocator + InstancePre (median of 5000) | {on_demand:.1?} |"
    );
    println!("| of which a tenant's Store alone (limits, fuel; median of 5000) | {store:.1?} |");
    println!(
        "| a tenant's first use of `records` (its functions looked up; median of 5000) | \
         {records:.1?} |"
    );
    println!(
        "| linear memory of an idle tenant | {idle_pages} page ({} KiB) |",
        idle_pages * 64
    );
    println!(
        "| 10 000 tenants started | {start_all:.0?} ({:.1?} each) |",
        start_all / 10_000
    );
    println!(
        "| resident memory of 10 000 tenants after one call each | {} MiB ({:.1} KiB each) |",
        resident / (1 << 20),
        resident as f64 / 1024.0 / 10_000.0
    );
    Ok(())
}
