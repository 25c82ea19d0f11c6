//! The wasmtime harness: memkit's component (`target/memkit.wasm`, from `cargo xtask build`)
//! hosted in wasmtime against the same core compiled natively (the `memkit` rlib).
//!
//! ```text
//! cargo run --release -p memkit-bench-wasmtime -- [--rounds N] [--smoke] [--only SECTION]
//! ```
//!
//! Markdown tables on stdout, progress on stderr:
//! 1. the eight jobs of the Node harness (bench/node/jobs.js), component vs native;
//! 2. bulk transfer (`from-list` + `take`) vs two native `memcpy`s, in GB/s;
//! 3. call cost, from the empty core wasm call up to a component resource method, and the
//!    `Config` knobs that could change it;
//! 4. instantiation, plain and pooled, against a floor component.
//!
//! Every time is the median of `--rounds` (default 7) interleaved rounds, each round's time
//! the median of 5 batches sized to about 20 ms; the range is the fastest and slowest round.
//! Ratios compare medians of the same run. Before timing, every job runs once each way and
//! the results must agree (same bytes, same float bits, same JSON, same pool counters).
//! `--smoke` does only that plus one call per measurement, on tiny inputs: it checks that the
//! harness works (`cargo xtask test` runs it) and says nothing about speed.

mod bulk;
mod calls;
mod instantiate;
mod jobs;
mod measure;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use measure::Timer;

const USAGE: &str =
    "usage: memkit-bench-wasmtime [--rounds N] [--smoke] [--only jobs|bulk|calls|instantiate]";

fn main() -> wasmtime::Result<()> {
    let started = Instant::now();
    let mut smoke = false;
    let mut rounds = 7;
    let mut only: Option<String> = None;
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
            "--only" => {
                only = args
                    .next()
                    .filter(|s| ["jobs", "bulk", "calls", "instantiate"].contains(&s.as_str()));
                if only.is_none() {
                    wasmtime::bail!("--only takes jobs, bulk, calls or instantiate");
                }
            }
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(());
            }
            other => wasmtime::bail!("unknown argument {other:?}\n{USAGE}"),
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
    let section = |name: &str| only.as_deref().is_none_or(|only| only == name);
    if section("jobs") {
        jobs::run(&timer, rounds)?;
    }
    if section("bulk") {
        bulk::run(&timer, rounds)?;
    }
    if section("calls") {
        calls::run(&timer, rounds)?;
    }
    if section("instantiate") {
        instantiate::run(&timer, rounds)?;
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
         memkit rlib, release profile, this host's baseline target features",
        component.display()
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

/// The version of `package` in the workspace's Cargo.lock.
fn locked_version(manifest: &Path, package: &str) -> String {
    let lock = std::fs::read_to_string(manifest.join("../../Cargo.lock")).unwrap_or_default();
    let entry = format!("name = \"{package}\"\nversion = \"");
    lock.split_once(&entry)
        .and_then(|(_, rest)| rest.split_once('"'))
        .map_or_else(|| "(version unknown)".into(), |(v, _)| v.to_string())
}

/// The 1, 5 and 15 minute load averages of /proc/loadavg: how busy the machine was.
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|| "unknown".into())
}
