//! The wasmtime harness: memkit's component (`target/memkit.wasm`, from `cargo xtask build`)
//! hosted in wasmtime against the same core compiled natively (the `memkit` rlib).
//!
//! ```text
//! cargo run --release -p memkit-bench-wasmtime -- [--rounds N] [--smoke] [--only SECTION | --skip SECTION]
//! ```
//!
//! Markdown tables on stdout, progress on stderr:
//! 1. the eight jobs of the Node harness (bench/node/jobs.js), component vs native;
//! 2. bulk transfer (`from-list` + `take`) vs two native `memcpy`s, in GB/s;
//! 3. call cost, from the empty core wasm call up to a component resource method, and the
//!    `Config` knobs that could change it;
//! 4. instantiation, plain and pooled, against a floor component;
//! 5. digests: each algorithm of `checksums` over 16 MiB, against native with and without
//!    SHA-NI (it builds `bench/native-digests` for the latter, see `digests`);
//! 6. stream throughput: `memkit-async.wasm`'s `streams` functions over a 64 MiB input
//!    against the same work fed in 64 KiB pieces (`target/memkit-async.wasm`, or
//!    `$MEMKIT_ASYNC_WASM`).
//!
//! Every time is the median of `--rounds` (default 7) interleaved rounds, each round's time
//! the median of 5 batches sized to about 20 ms; the range is the fastest and slowest round.
//! Ratios compare medians of the same run. Before timing, every job runs once each way and
//! the results must agree (same bytes, same float bits, same JSON, same pool counters).
//! `--smoke` does only that plus one call per measurement, on tiny inputs: it checks that the
//! harness works (`cargo xtask test` runs it) and says nothing about speed.

mod bulk;
mod calls;
mod digests;
mod instantiate;
mod jobs;
mod measure;
mod streams;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use measure::Timer;

/// A section: it measures over `rounds` interleaved rounds and prints its table.
type Section = fn(&Timer, usize) -> wasmtime::Result<()>;

/// The sections by name, in the order they run.
const SECTIONS: [(&str, Section); 6] = [
    ("jobs", jobs::run),
    ("bulk", bulk::run),
    ("calls", calls::run),
    ("instantiate", instantiate::run),
    ("digests", digests::run),
    ("streams", streams::run),
];

fn usage() -> String {
    let names: Vec<&str> = SECTIONS.iter().map(|(name, _)| *name).collect();
    format!(
        "usage: memkit-bench-wasmtime [--rounds N] [--smoke] [--only SECTION | --skip SECTION...]\n\
         SECTION: {}",
        names.join(", ")
    )
}

fn main() -> wasmtime::Result<()> {
    let started = Instant::now();
    let mut smoke = false;
    let mut rounds = 7;
    let mut only: Option<String> = None;
    let mut skip: Vec<String> = Vec::new();
    let section_arg = |arg: &str, value: Option<String>| {
        value
            .filter(|s| SECTIONS.iter().any(|(name, _)| name == s))
            .ok_or_else(|| wasmtime::format_err!("{arg} takes a section\n{}", usage()))
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--smoke" => smoke = true,
            "--rounds" => {
                rounds = args
                    .next()
                    .and_then(|n| n.parse().ok())
                    .filter(|&n| n > 0)
                    .ok_or_else(|| wasmtime::format_err!("--rounds takes a positive number"))?;
            }
            "--only" => only = Some(section_arg("--only", args.next())?),
            "--skip" => skip.push(section_arg("--skip", args.next())?),
            "-h" | "--help" => {
                println!("{}", usage());
                return Ok(());
            }
            other => wasmtime::bail!("unknown argument {other:?}\n{}", usage()),
        }
    }
    if smoke {
        rounds = 1;
    }
    let timer = Timer {
        smoke,
        samples: 5,
        sample: Duration::from_millis(20),
    };

    environment(rounds, smoke);
    for (name, run) in SECTIONS {
        if only.as_deref().is_none_or(|only| only == name) && !skip.iter().any(|s| s == name) {
            run(&timer, rounds)?;
        }
    }
    println!(
        "Run took {:.1} s{}; load average at the end: {}.",
        started.elapsed().as_secs_f64(),
        if smoke { " (--smoke)" } else { "" },
        load_average()
    );
    Ok(())
}

/// What the numbers were measured on and with.
fn environment(rounds: usize, smoke: bool) {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find_map(|l| l.strip_prefix("model name")?.split_once(':'))
                .map(|(_, model)| model.trim().to_string())
        })
        .unwrap_or_else(|| "unknown (no /proc/cpuinfo)".into());
    let threads = std::thread::available_parallelism().map_or(0, |n| n.get());
    // The pinned toolchain of the workspace (rust-toolchain.toml), which built this binary.
    let rustc = Command::new("rustc")
        .arg("--version")
        .current_dir(manifest)
        .output()
        .ok()
        .filter(|out| out.status.success())
        .map(|out| String::from_utf8_lossy(&out.stdout).trim().to_string())
        .unwrap_or_else(|| "rustc: not found".into());
    let component = host_test::component_path();
    let size = std::fs::metadata(&component).map_or(0, |m| m.len());
    let async_component = host_test::World::MemkitAsync.component_path();
    let async_size = std::fs::metadata(&async_component).map_or(0, |m| m.len());

    println!(
        "- CPU: {cpu}, {threads} hardware threads available to this process; load average at \
         the start: {} (other work on the machine slows every row alike, not the ratios alone)",
        load_average()
    );
    println!(
        "- wasmtime {} (Cranelift), {rustc}",
        locked_version(manifest, "wasmtime")
    );
    println!(
        "- component: {} ({size} bytes; wasm32 + simd128, LTO, `cargo xtask build`); native: the \
         memkit rlib, release profile, this host's baseline target features; the streams \
         section: {} ({async_size} bytes)",
        component.display(),
        async_component.display()
    );
    if smoke {
        println!("- --smoke: tiny inputs, one call per measurement; checks agreement, not speed\n");
    } else {
        println!(
            "- {rounds} interleaved rounds; each cell: median of the round medians (fastest–slowest \
             round); ratios: medians of the same run, lower is better for times\n"
        );
    }
}

/// The version of `package` in the workspace's Cargo.lock (the first one listed, when the
/// workspace builds several).
fn locked_version(manifest: &Path, package: &str) -> String {
    let lock = std::fs::read_to_string(manifest.join("../../Cargo.lock")).unwrap_or_default();
    let entry = format!("name = \"{package}\"\nversion = \"");
    lock.split_once(&entry)
        .and_then(|(_, rest)| rest.split_once('"'))
        .map_or_else(|| "(version unknown)".into(), |(v, _)| v.to_string())
}

/// The version of `package` that the memkit crate uses, from the workspace's Cargo.lock: a
/// dependency names its version there when the workspace builds more than one (as it does
/// sha2, whose 0.10 wasmtime uses).
fn memkit_dependency_version(manifest: &Path, package: &str) -> String {
    let lock = std::fs::read_to_string(manifest.join("../../Cargo.lock")).unwrap_or_default();
    let named = lock
        .split_once("name = \"memkit\"\n")
        .and_then(|(_, rest)| rest.split_once("\n\n"))
        .and_then(|(entry, _)| {
            let prefix = format!("\"{package} ");
            entry.lines().find_map(|line| {
                let version = line.trim().strip_prefix(&prefix)?;
                Some(version.trim_end_matches(['"', ',']).to_string())
            })
        });
    named.unwrap_or_else(|| locked_version(manifest, package))
}

/// The 1, 5 and 15 minute load averages of /proc/loadavg: how busy the machine was.
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|| "unknown".into())
}
