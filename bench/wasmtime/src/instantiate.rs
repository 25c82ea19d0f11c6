//! Instantiation: a fresh `Store` and an instance of memkit from an `InstancePre`, against its
//! floor in the same run: a component whose one core instance has a one-page memory and
//! nothing else. Each with wasmtime's default (on-demand) allocator and with the pooling
//! allocator of the many-tenants host.

use std::hint::black_box;

use host_test::tenants::{self, Fleet};
use host_test::{component_path, MemkitPre};
use wasmtime::component::{Component, InstancePre, Linker};
use wasmtime::{Config, Engine, Store};

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
    // core instance section, 4 bytes: one instance, instantiating module 0 with no arguments
    0x02, 0x04, 0x01, 0x00, 0x00, 0x00,
];

/// How the engine allocates and resets instances.
#[derive(Clone, Copy)]
enum Allocator {
    OnDemand,
    /// host-test's tenants' pool (`host_test::tenants::config`), a slot per instance.
    Tenants,
    /// The same pool giving every page of a freed slot back to the kernel (wasmtime's
    /// default, and the tenants' pool before `Fleet::keep_resident`).
    TenantsNothingResident,
}

fn engine(allocator: Allocator, concurrency: bool) -> wasmtime::Result<Engine> {
    let fleet = |keep_resident| Fleet {
        tenants: 8,
        keep_resident,
        ..Fleet::default()
    };
    let mut config = match allocator {
        Allocator::OnDemand => Config::new(),
        Allocator::Tenants => tenants::config(&fleet(Fleet::default().keep_resident)),
        Allocator::TenantsNothingResident => tenants::config(&fleet(0)),
    };
    config.concurrency_support(concurrency);
    Engine::new(&config)
}

/// A pre-linked component: each call of `instantiate` makes a store and an instance, then
/// drops both (a pool slot is reused).
struct Subject {
    pre: InstancePre<()>,
    /// Instantiates through bindgen's `MemkitPre`, as host-test's `Host` does: it also looks
    /// up and type-checks every export, once per instance.
    bindgen: Option<MemkitPre<()>>,
    /// The tenants' engines consume fuel: their stores need some to run the start functions.
    fuel: bool,
}

impl Subject {
    fn new(
        engine: &Engine,
        component: &Component,
        fuel: bool,
        bindgen: bool,
    ) -> wasmtime::Result<Self> {
        let pre = Linker::new(engine).instantiate_pre(component)?;
        let bindgen = bindgen.then(|| MemkitPre::new(pre.clone())).transpose()?;
        Ok(Self { pre, bindgen, fuel })
    }

    fn instantiate(&self) {
        let mut store = Store::new(self.pre.engine(), ());
        if self.fuel {
            store.set_fuel(u64::MAX).unwrap();
        }
        match &self.bindgen {
            Some(pre) => {
                black_box(pre.instantiate(&mut store).unwrap());
            }
            None => {
                black_box(self.pre.instantiate(&mut store).unwrap());
            }
        }
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
    for (what, allocator, concurrency, bytes, bindgen) in [
        (
            "floor, on-demand allocator",
            Allocator::OnDemand,
            false,
            FLOOR_COMPONENT,
            false,
        ),
        (
            "memkit, on-demand allocator",
            Allocator::OnDemand,
            false,
            &memkit[..],
            false,
        ),
        (
            "floor, the tenants' pool",
            Allocator::Tenants,
            false,
            FLOOR_COMPONENT,
            false,
        ),
        (
            "memkit, the tenants' pool",
            Allocator::Tenants,
            false,
            &memkit[..],
            false,
        ),
        (
            "floor, the tenants' pool, nothing kept resident",
            Allocator::TenantsNothingResident,
            false,
            FLOOR_COMPONENT,
            false,
        ),
        (
            "memkit, the tenants' pool, nothing kept resident",
            Allocator::TenantsNothingResident,
            false,
            &memkit[..],
            false,
        ),
        (
            "memkit, the tenants' pool, concurrency support on",
            Allocator::Tenants,
            true,
            &memkit[..],
            false,
        ),
        (
            "memkit, the tenants' pool, through bindgen's `MemkitPre` (every export looked up)",
            Allocator::Tenants,
            false,
            &memkit[..],
            true,
        ),
    ] {
        let engine = engine(allocator, concurrency)?;
        let component = Component::new(&engine, bytes)?;
        rows.push(Row {
            what,
            subject: Subject::new(
                &engine,
                &component,
                !matches!(allocator, Allocator::OnDemand),
                bindgen,
            )?,
            series: Series::default(),
        });
    }
    for row in &rows {
        row.subject.instantiate();
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
         tenants' `Config` (a slot per instance, a 16 MiB memory reservation and no guard, \
         fuel on, the first 64 KiB of a freed slot's memory and tables reset in place).\n"
    );
    println!("| instance | time | vs the floor, same allocator |");
    println!("|---|---|---|");
    // Each memkit row's floor: the floor row just above it (same allocator settings); the
    // last rows (concurrency on, bindgen) compare with the tenants' pool's floor.
    let floor_of = |i: usize| match i {
        0 | 1 => 0,
        2 | 3 | 6 | 7 => 2,
        _ => 4,
    };
    for (i, (row, stat)) in rows.iter().zip(&stats).enumerate() {
        println!(
            "| {} | {} | {:.1}× |",
            row.what,
            format_stat(*stat),
            stat.median / stats[floor_of(i)].median
        );
    }
    let pooled_ratio = stats[3].median / stats[2].median;
    println!(
        "\n- Target: pooled memkit ≤ {TARGET_RATIO:.0}× the floor: {} ({pooled_ratio:.1}×).\n",
        verdict(timer.smoke, pooled_ratio <= TARGET_RATIO)
    );
    Ok(())
}
