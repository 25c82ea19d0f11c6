//! `cargo xtask test`: every check, in order, stopping at the first failure.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use crate::build::{build, with_built_components};
use crate::js::{transpile, transpile_composed};
use crate::util::{
    cargo, ensure_wasmtime_cli, ensure_wkg, js_dir, run, workspace_root, Result, WASIP2_TARGET,
    WASM_TARGET,
};
use crate::{bench, compose, figures, fresh_copy, python, registry};

pub fn test(quick: bool) -> Result {
    let mut steps = Steps::default();
    let result = if quick {
        run_quick_steps(&mut steps)
    } else {
        run_steps(&mut steps)
    };
    steps.finish();
    if quick && result.is_ok() {
        eprintln!(
            "xtask: the quick loop leaves out the fresh-copy demo, the registry, the \
             compositions and their host tests, clippy of the examples, memkit-bindings' \
             tests, pytest, jco and the Node and browser tests, `wasmtime serve` and the \
             benchmark smoke: `cargo xtask test` runs them all (as CI does)"
        );
    }
    result
}

/// The loop for a change to the component: what checks memkit itself, nothing that needs the
/// registry, the examples or JavaScript.
fn run_quick_steps(steps: &mut Steps) -> Result {
    let mut step = |name: &'static str| steps.start(name);
    step("format");
    format()?;
    // A change to the component changes its figures: the quick loop writes them (commit them
    // with the change), the full command checks them.
    step("component build (and its figures written into BENCHMARKS.md)");
    build()?;
    figures::write()?;
    step("clippy (native, and the components for wasm)");
    clippy_native()?;
    run(cargo()
        .args(["clippy", "--target", WASM_TARGET])
        .args(packages(COMPONENT_CRATES))
        .args(DENY_WARNINGS))?;
    step("native core tests (and xtask's own)");
    run(cargo().arg("test").args(packages(CORE_CRATES)))?;
    step("host tests in wasmtime (memkit, memkit-async's streams; not the compositions)");
    host_tests(&["--", "--skip", "composed::"])
}

const DENY_WARNINGS: [&str; 3] = ["--", "-D", "warnings"];

/// The crates whose native tests both loops run: the components' cores, what they share, and
/// xtask.
const CORE_CRATES: &[&str] = &[
    "memkit",
    "memkit-alloc",
    "memkit-article",
    "memkit-components",
    "xtask",
];

/// The components' crates, which clippy checks for wasm in both loops.
const COMPONENT_CRATES: &[&str] = &["memkit", "memkit-article"];

/// `--package <name>` for each of `names`.
fn packages(names: &[&str]) -> Vec<String> {
    names
        .iter()
        .flat_map(|name| ["--package".to_string(), name.to_string()])
        .collect()
}

fn format() -> Result {
    run(cargo().args(["fmt", "--all", "--", "--check"]))
}

/// Builds both components and fails when BENCHMARKS.md's figures of them are stale.
fn build_and_check_figures() -> Result<PathBuf> {
    let component = build()?;
    figures::check()?;
    Ok(component)
}

fn clippy_native() -> Result {
    run(cargo()
        .args(["clippy", "--workspace", "--all-targets"])
        .args(DENY_WARNINGS))
}

/// host-test's tests against the components `build` wrote; `extra` goes to `cargo test`.
fn host_tests(extra: &[&str]) -> Result {
    run(with_built_components(&mut cargo())
        .args(["test", "--release", "--package", "host-test"])
        .args(extra))
}

/// The steps in order; `step` starts the next one (and ends the one before).
fn run_steps(steps: &mut Steps) -> Result {
    let mut step = |name: &'static str| steps.start(name);
    step("format");
    format()?;
    step("component build (and its figures in BENCHMARKS.md)");
    let component = build_and_check_figures()?;
    step("the demo, built and run from a copy of the repository without its ignored files");
    fresh_copy::demo(&component)?;
    step("wkg (installed when missing)");
    ensure_wkg()?;
    // Before anything compiles the examples: their WIT dependencies come from the registry.
    step(
        "registry: publish, the examples' WIT fetched and the components pulled from it, versions",
    );
    let registry = registry::publish_and_consume()?;
    registry::check_versions(&registry)?;
    drop(registry);
    step("clippy (native and wasm)");
    clippy_native()?;
    run(cargo()
        .args(["clippy", "--target", WASM_TARGET])
        .args(packages(COMPONENT_CRATES))
        .args(["--package", "record-check", "--package", "memkit-bindings"])
        .args(DENY_WARNINGS))?;
    run(cargo()
        .args([
            "clippy",
            "--package",
            "record-service",
            "--target",
            WASIP2_TARGET,
        ])
        .args(DENY_WARNINGS))?;
    step("native core tests (and xtask's own, memkit-bindings' packaging and doc example)");
    run(cargo()
        .arg("test")
        .args(packages(CORE_CRATES))
        .args(["--package", "memkit-bindings"]))?;
    step("composition: the pulled memkit plugged into examples/record-check, record-service (0.3 and 0.2) and python-guest");
    let composed_record_check = compose::compose_built(&registry::pulled_dir())?;
    step("host tests in wasmtime (memkit, memkit-async's streams, and the compositions)");
    host_tests(&[])?;
    step("Python host (wasmtime-py, pytest)");
    run(
        with_built_components(&mut Command::new(python::tool("python")))
            .args(["-m", "pytest", "-q", "examples/python-host"])
            .current_dir(workspace_root()),
    )?;
    step("JavaScript package (jco), and the composed record-check for Node");
    transpile(&component)?;
    transpile_composed(&composed_record_check)?;
    step("chromium for the browser tests (installed when missing)");
    ensure_chromium()?;
    step("wasmtime-cli for `wasmtime serve` (installed when missing)");
    ensure_wasmtime_cli()?;
    step("benchmark harnesses once each, no timing (the baseline is also the page's)");
    bench::smoke(&component)?;
    step("Node and browser tests (and both builds of the composed record-service under wasmtime serve)");
    run(Command::new("node")
        .args(["--test", "test/"])
        .current_dir(js_dir()))?;
    Ok(())
}

/// How long each step took, printed at the end (also when a step fails): what a first run on
/// a bare machine spends installing, and where a warm run's time goes.
#[derive(Default)]
struct Steps {
    done: Vec<(&'static str, Duration)>,
    current: Option<(&'static str, Instant)>,
}

impl Steps {
    fn start(&mut self, name: &'static str) {
        self.end_current();
        eprintln!("\nxtask: ── {name} ──");
        self.current = Some((name, Instant::now()));
    }

    fn end_current(&mut self) {
        if let Some((name, started)) = self.current.take() {
            self.done.push((name, started.elapsed()));
        }
    }

    fn finish(&mut self) {
        self.end_current();
        eprintln!("\nxtask: time by step");
        for (name, took) in &self.done {
            eprintln!("xtask: {:>7.1} s  {name}", took.as_secs_f64());
        }
    }
}

/// Debian's Chromium, which the browser tests drive through playwright-core.
const CHROMIUM: &str = "/usr/bin/chromium";

/// Installs Debian's chromium when it is missing (the browser tests need a real browser).
fn ensure_chromium() -> Result {
    if Path::new(CHROMIUM).exists() {
        return Ok(());
    }
    run(Command::new("apt-get").arg("update"))?;
    run(Command::new("apt-get")
        .args(["install", "-y", "--no-install-recommends", "chromium"])
        .env("DEBIAN_FRONTEND", "noninteractive"))
}
