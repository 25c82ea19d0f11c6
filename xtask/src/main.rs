//! Build automation for memkit, run as `cargo xtask <command>`.
//!
//! Each command is a small function that prints what it runs and stops at the first failure
//! with the reason.

use std::env;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

mod compose;
mod jco_glue;
mod python;
#[cfg(test)]
mod readme;

type Result<T = ()> = std::result::Result<T, Box<dyn std::error::Error>>;

const WASM_TARGET: &str = "wasm32-unknown-unknown";
const USAGE: &str = "usage: cargo xtask <command>

commands:
  build   build the component into target/memkit.wasm (zero imports, validated)
  demo    build, then run the article's demo sections in wasmtime
  test    every check: fmt, clippy, native core tests, component build, host tests,
          Node tests and browser tests (installs npm packages and chromium when missing)
  js      transpile the component with jco into js/dist (and web/memkit for the demo page),
          and pack the npm package into target/memkit-<version>.tgz
  serve [port]    build everything and serve web/ on 127.0.0.1 (default port 8080)
  bench   print the tables of BENCHMARKS.md: memkit against plain JS in Node, the served
          record-service under load (20 000 requests, 8 in flight), the many-tenants host
  cargo-component  the alternative build: `cargo component build --release` of memkit
          (installs cargo-component 0.21.1 when missing), checked like `build` and run through
          the host tests; not part of `test` (the install takes about 5 minutes)
  compose build memkit and the examples that import it (a Rust and a Python component) and
          plug memkit into each with wac-graph: target/composed/<name>.wasm
  fuzz [seconds]  fuzz the record decoder and reader with cargo-fuzz (default 60 s each)
  fuzz-host [seconds]  build, then call the component at random in wasmtime, squeezing its
          memory, and check every answer against a model (default 60 s)";

fn main() -> ExitCode {
    let args: Vec<String> = env::args().skip(1).collect();
    let started = Instant::now();
    let result = match args.first().map(String::as_str) {
        Some("build") => build().map(|_| ()),
        Some("demo") => demo(),
        Some("test") => test(),
        Some("fuzz") => fuzz(args.get(1).map(String::as_str)),
        Some("fuzz-host") => fuzz_host(args.get(1).map(String::as_str)),
        Some("js") => js(),
        Some("bench") => bench(),
        Some("cargo-component") => cargo_component(),
        Some("compose") => build()
            .and_then(|memkit| compose::compose_with(&memkit))
            .map(drop),
        Some("serve") => serve(args.get(1).map(String::as_str).unwrap_or("8080")),
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => {
            eprintln!("xtask: done in {:.1} s", started.elapsed().as_secs_f64());
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("xtask: error: {error}");
            ExitCode::FAILURE
        }
    }
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace")
        .to_path_buf()
}

fn target_dir() -> PathBuf {
    env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target"))
}

/// Where `build` writes the component.
fn component_path() -> PathBuf {
    target_dir().join("memkit.wasm")
}

fn cargo() -> Command {
    let mut command = Command::new(env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    command.current_dir(workspace_root());
    command
}

/// Runs `command`, echoing it first; fails when it does not exit successfully.
fn run(command: &mut Command) -> Result {
    let shown = format!(
        "{} {}",
        command.get_program().to_string_lossy(),
        command
            .get_args()
            .map(|a| a.to_string_lossy())
            .collect::<Vec<_>>()
            .join(" ")
    );
    eprintln!("xtask: $ {shown}");
    let status = command
        .status()
        .map_err(|e| format!("cannot start `{shown}`: {e}"))?;
    if !status.success() {
        return Err(format!("`{shown}` failed ({status})").into());
    }
    Ok(())
}

/// Installs the wasm target through rustup when it is missing (the pinned toolchain file
/// usually has done so already).
fn ensure_wasm_target() -> Result {
    ensure_target(WASM_TARGET)
}

/// Installs a rustup target when it is missing.
fn ensure_target(target: &str) -> Result {
    let installed = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .current_dir(workspace_root())
        .output()
        .map_err(|e| format!("cannot run rustup: {e}"))?;
    if !String::from_utf8_lossy(&installed.stdout)
        .lines()
        .any(|t| t.trim() == target)
    {
        run(Command::new("rustup")
            .args(["target", "add", target])
            .current_dir(workspace_root()))?;
    }
    Ok(())
}

/// Builds the core module, makes it a component, validates it, refuses it if it imports
/// anything, and writes `target/memkit.wasm`.
fn build() -> Result<PathBuf> {
    ensure_wasm_target()?;
    run(cargo().args([
        "build",
        "--package",
        "memkit",
        "--profile",
        "component",
        "--target",
        WASM_TARGET,
    ]))?;
    let module_path = target_dir()
        .join(WASM_TARGET)
        .join("component")
        .join("memkit.wasm");
    let module = std::fs::read(&module_path)
        .map_err(|e| format!("cannot read {}: {e}", module_path.display()))?;
    let component = componentize(&module)?;
    let surface = component_surface(&component)?;
    surface.require_no_imports("the component")?;
    let path = component_path();
    std::fs::write(&path, &component)?;
    eprintln!(
        "xtask: wrote {} ({:.1} KiB, core module {:.1} KiB), imports: none, exports: {}",
        path.display(),
        component.len() as f64 / 1024.0,
        module.len() as f64 / 1024.0,
        surface.exports.join(", ")
    );
    Ok(path)
}

/// The top-level imports and exports of a component.
struct Surface {
    imports: Vec<String>,
    exports: Vec<String>,
}

impl Surface {
    /// The contract's zero-imports rule, for the component named `what`.
    fn require_no_imports(&self, what: &str) -> Result {
        if self.imports.is_empty() {
            return Ok(());
        }
        Err(format!(
            "{what} must import nothing, but imports: {}",
            self.imports.join(", ")
        )
        .into())
    }

    /// The imports as a list for a log line: "none" when there are none.
    fn imports_shown(&self) -> String {
        if self.imports.is_empty() {
            "none".to_string()
        } else {
            self.imports.join(", ")
        }
    }
}

/// The wasmtime-cli that serves the composed record-service: the host tests' wasmtime.
const WASMTIME_CLI_VERSION: &str = "48.0.8";

/// Installs `wasmtime` (for `wasmtime serve`) with `cargo install --locked` when the one on
/// the PATH is missing or another version. The build takes about 10 minutes on 2 cores, once:
/// it lands in cargo's bin directory, outside the project, so later clones find it.
fn ensure_wasmtime_cli() -> Result {
    let installed = Command::new("wasmtime")
        .arg("--version")
        .output()
        .map(|out| String::from_utf8_lossy(&out.stdout).contains(WASMTIME_CLI_VERSION))
        .unwrap_or(false);
    if !installed {
        run(Command::new("cargo").args([
            "install",
            "--locked",
            &format!("wasmtime-cli@{WASMTIME_CLI_VERSION}"),
        ]))?;
    }
    Ok(())
}

/// The cargo-component version `cargo xtask cargo-component` installs and uses.
const CARGO_COMPONENT_VERSION: &str = "0.21.1";

/// Builds memkit with `cargo component build --release --target wasm32-unknown-unknown`,
/// installing cargo-component when missing, checks the result as [`build`] does (no imports,
/// the same exports) and runs the host tests against it. README ("Building with
/// cargo-component") says why `cargo xtask build` stays the supported build.
fn cargo_component() -> Result {
    ensure_wasm_target()?;
    let installed = Command::new("cargo")
        .args(["component", "--version"])
        .output()
        .map(|out| String::from_utf8_lossy(&out.stdout).contains(CARGO_COMPONENT_VERSION))
        .unwrap_or(false);
    if !installed {
        run(Command::new("cargo").args([
            "install",
            "--locked",
            &format!("cargo-component@{CARGO_COMPONENT_VERSION}"),
        ]))?;
    }
    run(Command::new("cargo")
        .args(["component", "build", "--release", "--target", WASM_TARGET])
        .args(["--package", "memkit"])
        .current_dir(workspace_root()))?;
    let built = target_dir()
        .join(WASM_TARGET)
        .join("release")
        .join("memkit.wasm");
    let component = std::fs::read(&built)?;
    let surface = component_surface(&component)?;
    let expected = component_surface(&std::fs::read(build()?)?)?;
    surface.require_no_imports("cargo component's build")?;
    if surface.exports != expected.exports {
        return Err(format!("cargo component built other exports: {:?}", surface.exports).into());
    }
    eprintln!(
        "xtask: cargo component wrote {} ({:.1} KiB), imports: none, the same exports",
        built.display(),
        component.len() as f64 / 1024.0
    );
    run(cargo()
        .args(["test", "--release", "--package", "host-test"])
        .env("MEMKIT_WASM", &built))
}

/// A core module built with wit-bindgen made a component (its WIT is embedded in a custom
/// section), validated.
fn componentize(module: &[u8]) -> Result<Vec<u8>> {
    Ok(wit_component::ComponentEncoder::default()
        .module(module)?
        .validate(true)
        .encode()?)
}

fn component_surface(component: &[u8]) -> Result<Surface> {
    use wasmparser::{Parser, Payload};
    let mut surface = Surface {
        imports: Vec::new(),
        exports: Vec::new(),
    };
    let mut depth = 0usize;
    for payload in Parser::new(0).parse_all(component) {
        match payload? {
            // Nested modules and components have their own sections; only the outermost
            // component's imports are what a host must provide.
            Payload::ModuleSection { .. } | Payload::ComponentSection { .. } => depth += 1,
            Payload::End(_) => depth = depth.saturating_sub(1),
            Payload::ComponentImportSection(imports) if depth == 0 => {
                for import in imports {
                    surface.imports.push(import?.name.name.to_string());
                }
            }
            Payload::ComponentExportSection(exports) if depth == 0 => {
                for export in exports {
                    surface.exports.push(export?.name.name.to_string());
                }
            }
            _ => {}
        }
    }
    Ok(surface)
}

fn demo() -> Result {
    let component = build()?;
    run(cargo()
        .args([
            "run",
            "--quiet",
            "--release",
            "--package",
            "host-test",
            "--bin",
            "demo",
        ])
        .env("MEMKIT_WASM", component))
}

fn test() -> Result {
    let step = |name: &str| eprintln!("\nxtask: ── {name} ──");
    step("format");
    run(cargo().args(["fmt", "--all", "--", "--check"]))?;
    step("clippy (native and wasm)");
    run(cargo().args([
        "clippy",
        "--workspace",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ]))?;
    ensure_wasm_target()?;
    run(cargo().args([
        "clippy",
        "--package",
        "memkit",
        "--package",
        "record-check",
        "--target",
        WASM_TARGET,
        "--",
        "-D",
        "warnings",
    ]))?;
    run(cargo().args([
        "clippy",
        "--package",
        "record-service",
        "--target",
        "wasm32-wasip2",
        "--",
        "-D",
        "warnings",
    ]))?;
    step("native core tests (and xtask's own)");
    run(cargo().args(["test", "--package", "memkit", "--package", "xtask"]))?;
    step("component build");
    let component = build()?;
    step("composition: memkit plugged into examples/record-check and examples/python-guest");
    let composed_record_check = compose::compose_with(&component)?;
    step("host tests in wasmtime (memkit, and the compositions)");
    run(cargo()
        .args(["test", "--release", "--package", "host-test"])
        .env("MEMKIT_WASM", &component))?;
    step("Python host (wasmtime-py, pytest)");
    run(Command::new(python::tool("python"))
        .args(["-m", "pytest", "-q", "examples/python-host"])
        .env("MEMKIT_WASM", &component)
        .current_dir(workspace_root()))?;
    step("JavaScript package (jco), and the composed record-check for Node");
    transpile(&component)?;
    transpile_composed(&composed_record_check)?;
    ensure_chromium()?;
    ensure_wasmtime_cli()?;
    step("Node and browser tests (and the composed record-service under wasmtime serve)");
    run(Command::new("node")
        .args(["--test", "test/"])
        .current_dir(js_dir()))?;
    Ok(())
}

fn js_dir() -> PathBuf {
    workspace_root().join("js")
}

/// Installs the JS package's pinned devDependencies (jco, playwright-core) from
/// `js/package-lock.json` when they are missing or older than the lock file.
fn ensure_npm_packages() -> Result {
    let installed = js_dir().join("node_modules/.package-lock.json");
    let lock = js_dir().join("package-lock.json");
    let modified = |path: &Path| std::fs::metadata(path).and_then(|m| m.modified()).ok();
    let fresh = matches!((modified(&installed), modified(&lock)), (Some(i), Some(l)) if i >= l);
    if !fresh {
        run(Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(js_dir()))?;
    }
    Ok(())
}

/// Builds the component and makes the JS package of it.
/// Builds and transpiles the package, then packs it as a user would get it:
/// `target/memkit-<version>.tgz` (`npm install <that file>` in any project).
fn js() -> Result {
    transpile(&build()?)?;
    run(Command::new("npm")
        .args(["pack", "--silent", "--pack-destination"])
        .arg(target_dir())
        .current_dir(js_dir()))
}

/// Transpiles `component` with the pinned jco into `js/dist`, and copies that into
/// `web/memkit` so the demo page is self-contained static files.
fn transpile(component: &Path) -> Result {
    ensure_npm_packages()?;
    let dist = js_dir().join("dist");
    if dist.exists() {
        std::fs::remove_dir_all(&dist)?;
    }
    run(Command::new(js_dir().join("node_modules/.bin/jco"))
        .arg("transpile")
        .arg(component)
        .args(["--out-dir", "dist", "--name", "memkit"])
        .current_dir(js_dir()))?;
    let glue = dist.join("memkit.js");
    let patched = jco_glue::patch(&std::fs::read_to_string(&glue)?)?;
    std::fs::write(&glue, patched.text)?;
    eprintln!(
        "xtask: js/dist/memkit.js patched: {} resource-list bindings made `let`, ASCII fast path in utf8Encode, readable error messages",
        patched.resource_list_bindings
    );
    // The hand-written modules of the package (Web Streams adapters) go next to the glue.
    for file in ["streams.js", "streams.d.ts"] {
        std::fs::copy(js_dir().join("src").join(file), dist.join(file))?;
    }
    let web_copy = workspace_root().join("web/memkit");
    if web_copy.exists() {
        std::fs::remove_dir_all(&web_copy)?;
    }
    copy_dir(&dist, &web_copy)?;
    eprintln!("xtask: js/dist and web/memkit hold the package");
    Ok(())
}

/// Transpiles the composed record-check with the same jco into `js/dist-composed/record-check`
/// (for `js/test/composed.test.mjs`): a composition works in JS as memkit itself does. The
/// glue is used as jco writes it (no patches: the test calls only `check`).
fn transpile_composed(component: &Path) -> Result {
    let out = js_dir().join("dist-composed/record-check");
    if out.exists() {
        std::fs::remove_dir_all(&out)?;
    }
    run(Command::new(js_dir().join("node_modules/.bin/jco"))
        .arg("transpile")
        .arg(component)
        .arg("--out-dir")
        .arg(&out)
        .args(["--name", "record-check"])
        .current_dir(js_dir()))
}

fn copy_dir(from: &Path, to: &Path) -> Result {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), target)?;
        }
    }
    Ok(())
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

/// Builds the package and runs the benchmark table in Node (the same scenarios as the page).
/// The benchmarks whose tables BENCHMARKS.md holds: memkit against plain JS in Node, the
/// served record-service under load, and the many-tenants host.
fn bench() -> Result {
    js()?;
    run(Command::new("node")
        .arg("bench/run.mjs")
        .current_dir(js_dir()))?;
    compose::compose_with(&component_path())?;
    ensure_wasmtime_cli()?;
    run(Command::new("node")
        .args(["bench/serve.mjs", "20000", "8"])
        .current_dir(js_dir()))?;
    run(cargo().args([
        "run",
        "--release",
        "--package",
        "host-test",
        "--bin",
        "tenants",
    ]))
}

/// Builds everything and serves `web/` until interrupted.
fn serve(port: &str) -> Result {
    js()?;
    run(Command::new("node")
        .arg(js_dir().join("scripts/serve.mjs"))
        .arg(workspace_root().join("web"))
        .arg(port))
}

/// The cargo-fuzz targets in `fuzz/`.
const FUZZ_TARGETS: [&str; 2] = ["decode_record", "record_reader"];

/// A command's `[seconds]` argument: 60 when absent.
fn seconds_arg(command: &str, seconds: Option<&str>) -> Result<u32> {
    match seconds {
        None => Ok(60),
        Some(s) => s
            .parse()
            .map_err(|_| format!("{command}: seconds must be a whole number, got {s:?}").into()),
    }
}

/// Runs each fuzz target for a bounded time with cargo-fuzz (nightly, AddressSanitizer),
/// installing cargo-fuzz and the nightly toolchain when missing, and prints how many
/// executions each ran.
fn fuzz(seconds: Option<&str>) -> Result {
    let seconds = seconds_arg("fuzz", seconds)?;
    // The rustup proxy, not `$CARGO`: only the proxy understands `+nightly`.
    let rustup_cargo = || {
        let mut command = Command::new("cargo");
        command.current_dir(workspace_root());
        command
    };
    let has_nightly = Command::new("rustup")
        .args(["run", "nightly", "rustc", "--version"])
        .output()
        .is_ok_and(|out| out.status.success());
    if !has_nightly {
        run(Command::new("rustup").args([
            "toolchain",
            "install",
            "nightly",
            "--profile",
            "minimal",
        ]))?;
    }
    let has_cargo_fuzz = rustup_cargo()
        .args(["fuzz", "--version"])
        .output()
        .is_ok_and(|out| out.status.success());
    if !has_cargo_fuzz {
        run(rustup_cargo().args(["install", "cargo-fuzz", "--locked"]))?;
    }
    for target in FUZZ_TARGETS {
        eprintln!("xtask: fuzzing {target} for {seconds} s …");
        let max_time = format!("-max_total_time={seconds}");
        let mut command = rustup_cargo();
        command.args(["+nightly", "fuzz", "run", target, "--", &max_time]);
        let output = command.output()?;
        let log = String::from_utf8_lossy(&output.stderr);
        if !output.status.success() {
            eprintln!("{log}");
            return Err(format!("fuzz target {target} failed (see the log above)").into());
        }
        let done = log
            .lines()
            .rev()
            .find(|line| line.starts_with("Done "))
            .unwrap_or("(libFuzzer printed no summary)");
        eprintln!("xtask: {target}: {done}, no crash");
    }
    Ok(())
}

/// Builds the component and runs the stateful driver (host-test's `fuzz-host`) against it in
/// wasmtime for `seconds`: random calls to every WIT function, with memory squeezed at times,
/// each answer checked against a model. Fails on the first finding, with the seed to replay.
fn fuzz_host(seconds: Option<&str>) -> Result {
    let seconds = seconds_arg("fuzz-host", seconds)?.to_string();
    let component = build()?;
    run(cargo()
        .args([
            "run",
            "--release",
            "-p",
            "host-test",
            "--bin",
            "fuzz-host",
            "--",
            &seconds,
        ])
        .env("MEMKIT_WASM", component))
}
