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
#[derive(Clone, Copy, PartialEq)]
enum Allocator {
    OnDemand,
    /// host-test's tenants' pool (`host_test::tenants::config`), a slot per instance.
    Tenants,
    /// The same pool giving every page of a freed slot back to the kernel (wasmtime's
    /// default, and the tenants' pool before `Fleet::keep_resident`).
    TenantsNothingResident,
}

impl Allocator {
    fn label(self) -> &'static str {
        match self {
            Allocator::OnDemand => "on-demand allocator",
            Allocator::Tenants => "the tenants' pool",
            Allocator::TenantsNothingResident => "the tenants' pool, nothing kept resident",
        }
    }

    /// The tenants' engines consume fuel: their stores need some to run the start functions.
    fn consumes_fuel(self) -> bool {
        self != Allocator::OnDemand
    }
}

/// What is instantiated.
#[derive(Clone, Copy, PartialEq)]
enum What {
    Floor,
    Memkit,
    /// memkit through bindgen's `MemkitPre`, as host-test's `Host` does: it also looks up and
    /// type-checks every export, once per instance.
    MemkitThroughBindgen,
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
    /// Set for [`What::MemkitThroughBindgen`].
    bindgen: Option<MemkitPre<()>>,
    fuel: bool,
}

impl Subject {
    fn new(
        engine: &Engine,
        component: &Component,
        what: What,
        fuel: bool,
    ) -> wasmtime::Result<Self> {
        let pre = Linker::new(engine).instantiate_pre(component)?;
        let bindgen = (what == What::MemkitThroughBindgen)
            .then(|| MemkitPre::new(pre.clone()))
            .transpose()?;
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
    what: What,
    allocator: Allocator,
    concurrency: bool,
    subject: Subject,
    series: Series,
}

impl Row {
    /// "memkit, the tenants' pool, concurrency support on", and so on.
    fn label(&self) -> String {
        let what = match self.what {
            What::Floor => "floor",
            What::Memkit | What::MemkitThroughBindgen => "memkit",
        };
        let mut label = format!("{what}, {}", self.allocator.label());
        if self.concurrency {
            label.push_str(", concurrency support on");
        }
        if self.what == What::MemkitThroughBindgen {
            label.push_str(", through bindgen's `MemkitPre` (every export looked up)");
        }
        label
    }
}

pub fn run(timer: &Timer, rounds: usize) -> wasmtime::Result<()> {
    eprintln!("instantiate: compiling memkit and the floor for each allocator");
    let memkit = std::fs::read(component_path())?;
    let mut rows = Vec::new();
    for (what, allocator, concurrency) in [
        (What::Floor, Allocator::OnDemand, false),
        (What::Memkit, Allocator::OnDemand, false),
        (What::Floor, Allocator::Tenants, false),
        (What::Memkit, Allocator::Tenants, false),
        (What::Floor, Allocator::TenantsNothingResident, false),
        (What::Memkit, Allocator::TenantsNothingResident, false),
        (What::Memkit, Allocator::Tenants, true),
        (What::MemkitThroughBindgen, Allocator::Tenants, false),
    ] {
        let engine = engine(allocator, concurrency)?;
        let bytes = match what {
            What::Floor => FLOOR_COMPONENT,
            What::Memkit | What::MemkitThroughBindgen => &memkit[..],
        };
        let component = Component::new(&engine, bytes)?;
        rows.push(Row {
            what,
            allocator,
            concurrency,
            subject: Subject::new(&engine, &component, what, allocator.consumes_fuel())?,
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
    // Each row against the floor with the same allocator (and concurrency support off).
    let floor = |allocator: Allocator| {
        rows.iter()
            .zip(&stats)
            .find(|(row, _)| row.what == What::Floor && row.allocator == allocator)
            .map(|(_, stat)| stat.median)
            .expect("each allocator has a floor row")
    };
    for (row, stat) in rows.iter().zip(&stats) {
        println!(
            "| {} | {} | {:.1}× |",
            row.label(),
            format_stat(*stat),
            stat.median / floor(row.allocator)
        );
    }
    let pooled = rows
        .iter()
        .zip(&stats)
        .find(|(row, _)| {
            row.what == What::Memkit && row.allocator == Allocator::Tenants && !row.concurrency
        })
        .map(|(_, stat)| stat.median)
        .expect("a row of memkit in the tenants' pool");
    let pooled_ratio = pooled / floor(Allocator::Tenants);
    println!(
        "\n- Target: pooled memkit ≤ {TARGET_RATIO:.0}× the floor: {} ({pooled_ratio:.1}×).\n",
        verdict(timer.smoke, pooled_ratio <= TARGET_RATIO)
    );
    Ok(())
}
