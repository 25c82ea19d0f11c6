//! Instantiation: a fresh `Store` and an instance of memkit from an `InstancePre`, against its
//! floor in the same run: a component whose one core instance has a one-page memory and
//! nothing else. Each with wasmtime's default (on-demand) allocator and with the pooling
//! allocator of the many-tenants host.

use std::hint::black_box;

use host_test::component_path;
use wasmtime::component::{Component, InstancePre, Linker};
use wasmtime::{Config, Engine, InstanceAllocationStrategy, PoolingAllocationConfig, Store};

use crate::measure::{format_stat, verdict, Series, Stat, Timer};

/// Pooled memkit should instantiate in at most this many times the floor's time.
const TARGET_RATIO: f64 = 2.0;

/// The floor: a component (layer 1) holding one core module with a one-page memory, and one
/// core instance of it. Nothing is exported; wasmtime still makes the instance and its memory.
const FLOOR_COMPONENT: &[u8] = &[
    0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00, // magic, component version, layer 1
    0x01, 0x0d, // core module section, 13 bytes
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // core magic, version 1
    0x05, 0x03, 0x01, 0x00, 0x01, // memory section: one memory, min 1 page, no max
    0x02, 0x04, 0x01, 0x00, 0x00,
    0x00, // core instance section: instantiate module 0, no args
];

/// How the engine allocates instances.
#[derive(Clone, Copy)]
enum Allocator {
    OnDemand,
    Pooling,
}

/// A memory cap like the tenants' (host-test's `Fleet` default).
const MEMORY_PER_INSTANCE: usize = 16 << 20;

fn engine(allocator: Allocator, concurrency: bool) -> wasmtime::Result<Engine> {
    let mut config = Config::new();
    config.concurrency_support(concurrency);
    if let Allocator::Pooling = allocator {
        // As host-test's tenants: a slot per instance, the reservation the size of the cap.
        let mut pool = PoolingAllocationConfig::new();
        pool.total_component_instances(8)
            .total_core_instances(32)
            .total_memories(8)
            .total_tables(32)
            .max_memory_size(MEMORY_PER_INSTANCE);
        config
            .allocation_strategy(InstanceAllocationStrategy::Pooling(pool))
            .memory_reservation(MEMORY_PER_INSTANCE as u64)
            .memory_guard_size(0);
    }
    Engine::new(&config)
}

/// A pre-linked component and its engine: each call of `instantiate` makes a store and an
/// instance, then drops both (the pool slot is reused).
struct Subject {
    pre: InstancePre<()>,
}

impl Subject {
    fn new(engine: &Engine, component: &Component) -> wasmtime::Result<Self> {
        let pre = Linker::new(engine).instantiate_pre(component)?;
        Ok(Self { pre })
    }

    fn instantiate(&self) {
        let mut store = Store::new(self.pre.engine(), ());
        black_box(self.pre.instantiate(&mut store).unwrap());
    }
}

struct Row {
    what: &'static str,
    subject: Subject,
    series: Series,
}

pub fn run(timer: &Timer, rounds: usize) -> wasmtime::Result<()> {
    eprintln!("instantiate: compiling memkit and the floor for each allocator");
    let memkit = std::fs::read(component_path())?;
    let mut rows = Vec::new();
    for (what, allocator, concurrency, bytes) in [
        (
            "floor, on-demand allocator",
            Allocator::OnDemand,
            false,
            FLOOR_COMPONENT,
        ),
        (
            "memkit, on-demand allocator",
            Allocator::OnDemand,
            false,
            &memkit[..],
        ),
        (
            "floor, pooling allocator",
            Allocator::Pooling,
            false,
            FLOOR_COMPONENT,
        ),
        (
            "memkit, pooling allocator",
            Allocator::Pooling,
            false,
            &memkit[..],
        ),
        (
            "memkit, pooling allocator, concurrency support on",
            Allocator::Pooling,
            true,
            &memkit[..],
        ),
    ] {
        let engine = engine(allocator, concurrency)?;
        let component = Component::new(&engine, bytes)?;
        rows.push(Row {
            what,
            subject: Subject::new(&engine, &component)?,
            series: Series::default(),
        });
    }
    for row in &rows {
        row.subject.instantiate(); // each instantiates (and memkit's pre is memkit's)
    }
    eprintln!("ok - every subject instantiates");

    for round in 0..rounds {
        let len = rows.len();
        for k in 0..len {
            let row = &mut rows[(k + round) % len];
            let subject = &row.subject;
            timer.measure(&mut row.series, &mut |n| {
                for _ in 0..n {
                    subject.instantiate();
                }
            });
        }
        eprintln!("instantiate: round {}/{rounds}", round + 1);
    }

    let stats: Vec<Stat> = rows.iter().map(|r| r.series.stat()).collect();
    println!("### Instantiation\n");
    println!(
        "`Store::new` + `InstancePre::instantiate` + drop, from an `InstancePre` made once; \
         `concurrency_support(false)` unless the row says otherwise. The floor is a component \
         whose one core instance has a one-page memory and nothing else. Pooling: host-test's \
         tenants' settings (a 16 MiB memory reservation, no guard).\n"
    );
    println!("| instance | time | vs the floor, same allocator |");
    println!("|---|---|---|");
    for (i, (row, stat)) in rows.iter().zip(&stats).enumerate() {
        let floor = if i < 2 { stats[0] } else { stats[2] };
        println!(
            "| {} | {} | {:.1}× |",
            row.what,
            format_stat(*stat),
            stat.median / floor.median
        );
    }
    let pooled_ratio = stats[3].median / stats[2].median;
    println!(
        "\n- Target: pooled memkit ≤ {TARGET_RATIO:.0}× the floor: {} ({pooled_ratio:.1}×).\n",
        verdict(timer.smoke, pooled_ratio <= TARGET_RATIO)
    );
    Ok(())
}
