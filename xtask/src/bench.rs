//! `cargo xtask bench`: the benchmarks whose tables BENCHMARKS.md holds. The side-by-side
//! harnesses (bench/node and bench/wasmtime, each with its digest tables apart) write their
//! tables into BENCHMARKS.md between markers, with the machine, the versions and the command;
//! the load and tenants figures are printed for the sections written by hand.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::build::{component_path, with_built_components};
use crate::js::{ensure_npm_packages, js};
use crate::util::{
    cargo, ensure_wasmtime_cli, js_dir, replace_between, run, workspace_root, Result,
};
use crate::{baseline, compose};

/// Rounds of the side-by-side harnesses: enough for stable medians of round medians, about a
/// minute each here.
const ROUNDS: &str = "7";

/// All of it, or with `digests_only` the two digest tables (`cargo xtask bench --digests`).
pub fn bench(digests_only: bool) -> Result {
    let root = workspace_root();
    js()?;
    let component = component_path();
    let rounds = ["--rounds", ROUNDS];
    // (marker, table); the digests and the streams have their own sections, so the wasmtime
    // table skips them.
    let mut tables = Vec::new();
    if !digests_only {
        let pkg = baseline::build(&root)?;
        tables.push((
            "node",
            output(node_harness("run.mjs", &rounds)?.env("MEMKIT_BASELINE_PKG", &pkg))?,
        ));
        tables.push((
            "wasmtime",
            wasmtime_harness(
                &component,
                &[&rounds[..], &["--skip", "digests", "--skip", "streams"]].concat(),
            )?,
        ));
        tables.push((
            "streams-wasmtime",
            wasmtime_harness(&component, &[&rounds[..], &["--only", "streams"]].concat())?,
        ));
    }
    tables.push((
        "digests-node",
        output(&mut node_harness("digests.mjs", &rounds)?)?,
    ));
    tables.push((
        "digests-wasmtime",
        wasmtime_harness(&component, &[&rounds[..], &["--only", "digests"]].concat())?,
    ));
    let heading = format!(
        "Command: `cargo xtask bench{}`, {} on {} ({} cores), Node {}, {}.",
        if digests_only { " --digests" } else { "" },
        today()?,
        cpu_model(),
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        version_of(Command::new("node").arg("--version"))?,
        version_of(Command::new("rustc").arg("--version"))?,
    );
    let path = root.join("BENCHMARKS.md");
    let mut text = std::fs::read_to_string(&path)?;
    for (marker, table) in &tables {
        text = replace_between(
            &text,
            &format!("bench:{marker}"),
            &format!("{heading}\n\n{table}"),
        )
        .map_err(|e| format!("BENCHMARKS.md: {e}"))?;
    }
    std::fs::write(&path, text)?;
    eprintln!(
        "xtask: wrote the side-by-side tables into {}",
        path.display()
    );
    if digests_only {
        return Ok(());
    }

    compose::compose_from_registry()?;
    ensure_wasmtime_cli()?;
    run(Command::new("node")
        .args(["serve.mjs", "20000", "8", "500"])
        .current_dir(node_bench_dir()))?;
    run(cargo().args([
        "run",
        "--release",
        "--package",
        "host-test",
        "--bin",
        "tenants",
    ]))
}

/// Runs each harness once, checking that memkit and its yardsticks agree, with no timing:
/// seconds, so that `cargo xtask test` keeps the harnesses from rotting.
pub fn smoke(component: &Path) -> Result {
    let pkg = baseline::build(&workspace_root())?;
    run(Command::new("node")
        .arg(workspace_root().join("bench/baseline/smoke.mjs"))
        .arg(&pkg))?;
    print!(
        "{}",
        output(node_harness("run.mjs", &["--smoke"])?.env("MEMKIT_BASELINE_PKG", &pkg))?
    );
    print!(
        "{}",
        output(&mut node_harness("digests.mjs", &["--smoke"])?)?
    );
    print!("{}", wasmtime_harness(component, &["--smoke"])?);
    Ok(())
}

/// `bench/node`, whose package.json links the `memkit` package in `js/`.
fn node_bench_dir() -> PathBuf {
    workspace_root().join("bench/node")
}

/// The benchmark's jobs (`bench/node/jobs.js`), which the Node harnesses import and the demo
/// page's benchmark panel gets a copy of (`crate::js`).
pub fn jobs_module() -> PathBuf {
    node_bench_dir().join("jobs.js")
}

/// `node <script> <args>` in bench/node (`run.mjs`, the jobs; `digests.mjs`, the digests),
/// after installing its pinned packages: memkit linked from `js/`, and the digests' peers.
fn node_harness(script: &str, args: &[&str]) -> Result<Command> {
    let dir = node_bench_dir();
    ensure_npm_packages(&dir)?;
    debug_assert!(js_dir().join("dist/memkit.js").exists());
    let mut command = Command::new("node");
    command.arg(script).args(args).current_dir(dir);
    Ok(command)
}

/// The wasmtime harness over `component`; returns what it printed.
fn wasmtime_harness(component: &Path, args: &[&str]) -> Result<String> {
    output(
        with_built_components(&mut cargo())
            .args([
                "run",
                "--release",
                "--package",
                "memkit-bench-wasmtime",
                "--",
            ])
            .args(args)
            .env("MEMKIT_WASM", component),
    )
}

/// Runs `command` with its progress (stderr) shown and returns its stdout.
fn output(command: &mut Command) -> Result<String> {
    eprintln!("xtask: $ {command:?}");
    let out = command.stderr(Stdio::inherit()).output()?;
    if !out.status.success() {
        return Err(format!("{command:?} failed: {}", out.status).into());
    }
    Ok(String::from_utf8(out.stdout)?)
}

fn version_of(command: &mut Command) -> Result<String> {
    Ok(output(command)?.trim().to_string())
}

fn today() -> Result<String> {
    version_of(Command::new("date").arg("+%Y-%m-%d"))
}

/// The CPU's model name, from /proc/cpuinfo.
fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find_map(|line| line.strip_prefix("model name"))
                .map(|rest| rest.trim_start_matches([' ', '\t', ':']).to_string())
        })
        .unwrap_or_else(|| "an unknown CPU".into())
}
