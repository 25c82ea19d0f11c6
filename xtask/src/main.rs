//! Build automation for memkit, run as `cargo xtask <command>`.
//!
//! The command line is declared once, as [`Task`]: each variant is a command, its doc comment
//! the command's help and its fields the command's typed arguments, so the help cannot drift
//! from what runs. Each command lives in its own module (`compose` for `compose`, `fuzz_host`
//! for `fuzz-host`, …), what they share in `util`. A command prints what it runs and stops at
//! the first failure with the reason.

use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, Subcommand};

mod baseline;
mod bench;
#[cfg(test)]
mod bindings_crate;
mod build;
mod cargo_component;
mod compose;
mod demo;
mod figures;
mod fresh_copy;
mod fuzz;
mod fuzz_host;
mod jco_glue;
mod js;
mod publish;
mod python;
#[cfg(test)]
mod readme;
mod registry;
mod serve;
mod test;
mod util;
#[cfg(test)]
mod versions;

/// Build automation for memkit.
#[derive(Parser)]
#[command(
    name = "cargo xtask",
    bin_name = "cargo xtask",
    arg_required_else_help = true
)]
struct Xtask {
    #[command(subcommand)]
    task: Task,
}

/// The commands. The first paragraph of a doc comment is the command's line in
/// `cargo xtask --help`; all of it is `cargo xtask <command> --help`, kept as written.
#[derive(Subcommand)]
enum Task {
    /// Build the components into target/memkit.wasm and target/memkit-async.wasm (zero imports, validated)
    ///
    /// Then writes their figures (sizes, memory at start, data, exported functions) into
    /// BENCHMARKS.md, "Build figures"; `cargo xtask test` fails when those are stale.
    #[command(verbatim_doc_comment)]
    Build,
    /// Build memkit.wasm, then run the article's demo sections in wasmtime
    Demo,
    /// Every check, from fmt and clippy to the Node and browser tests
    ///
    /// In order: fmt, component build (its figures in BENCHMARKS.md checked), the demo built
    /// and run from a copy of the repository without its ignored files, a local OCI registry
    /// (memkit published to it, the examples' WIT fetched and the components pulled from it
    /// with wkg, a second publish of the same version refused, a newer version resolved;
    /// stopped after), clippy (native and wasm), native core tests (and xtask's own, with
    /// memkit-bindings' packaging and doc example), composition (with the pulled components),
    /// host tests in wasmtime (memkit and the compositions), pytest over the Python host, the
    /// JS package (jco), Node and browser tests (and both builds of the composed
    /// record-service under `wasmtime serve`). Installs what is missing: the rustup targets,
    /// wkg, docker-registry, the npm packages, chromium, the Python tools and wasmtime-cli.
    ///
    /// With --quick, the loop for a change to the component: fmt, component build (its
    /// figures written into BENCHMARKS.md, not checked), clippy (native, and memkit for wasm), the native tests of memkit and xtask,
    /// and the host tests of the component in wasmtime (without the compositions); then it
    /// names what it left out.
    #[command(verbatim_doc_comment)]
    Test {
        /// Only the quick loop (a few minutes warm); the full command is what CI runs
        #[arg(long)]
        quick: bool,
    },
    /// Transpile the component with jco into js/dist and pack the npm package
    ///
    /// js/dist gets the glue (patched) and every file of js/src, and is copied into web/memkit
    /// for the demo page; the package is packed into target/memkit-<version>.tgz.
    #[command(verbatim_doc_comment)]
    Js,
    /// Build everything and serve web/ on 127.0.0.1
    Serve {
        /// The port to listen on
        #[arg(default_value_t = 8080)]
        port: u16,
    },
    /// Print the tables of BENCHMARKS.md
    ///
    /// memkit against the article's module and plain JS in Node, the component against its core
    /// compiled natively in wasmtime, the digests against their peers in both (these tables
    /// are written into BENCHMARKS.md), the served record-service under load (its wasi:http
    /// 0.3 build against its 0.2 one, 1 KiB and 1 MiB bodies, 8 in flight), the many-tenants
    /// host.
    #[command(verbatim_doc_comment)]
    Bench {
        /// Only the two digest tables (Node and wasmtime), about two minutes
        #[arg(long)]
        digests: bool,
    },
    /// Build the article's wasm-bindgen module, the benchmark's yardstick, into target/baseline/pkg
    ///
    /// Installs the wasm-bindgen-cli that bench/baseline's wasm-bindgen pin needs when it is
    /// missing (once; BENCHMARKS.md, "First run", gives how long the installs take).
    #[command(verbatim_doc_comment)]
    Baseline,
    /// The alternative build, with cargo-component, checked like `build` (not in `test`)
    ///
    /// `cargo component build --release` of memkit (installs the pinned cargo-component when
    /// missing, once), checked like `build` (no imports, the same exports) and run
    /// through the host tests.
    #[command(verbatim_doc_comment)]
    CargoComponent,
    /// Plug memkit into the examples that import it: target/composed/<name>.wasm
    ///
    /// Builds memkit, publishes it to a local OCI registry (docker-registry on 127.0.0.1,
    /// stopped after), fetches the examples' WIT dependencies and pulls the components from
    /// it with wkg, builds the examples that import memkit (Rust and Python components) and
    /// plugs the pulled memkit into each with wac-graph: `memkit-async.wasm` into the wasi:http
    /// 0.3 record-service, `memkit.wasm` into the others.
    #[command(verbatim_doc_comment)]
    Compose,
    /// Publish memkit to an OCI registry with wkg: the WIT package and both components
    ///
    /// Builds and validates the components, then publishes `memkit:core@<version>` (the WIT
    /// package, both worlds) and the components `memkit:memkit@<version>` and
    /// `memkit:memkit-async@<version>` (OCI references `<registry>/memkit/memkit:<version>`…),
    /// each with its description, license, source and version from Cargo.toml, each refused if
    /// it does not validate; wkg refuses a version the registry already has. wkg reads the
    /// registry's protocol and credentials from its own configuration (`$WKG_CONFIG_FILE` or
    /// ~/.config/wasm-pkg/config.toml). Installs the pinned wkg when missing.
    #[command(verbatim_doc_comment)]
    Publish {
        /// The registry, as `host[:port]`
        #[arg(long)]
        registry: String,
    },
    /// Fuzz the record decoder and reader with cargo-fuzz
    ///
    /// Each target for SECONDS. Installs cargo-fuzz and a nightly toolchain when missing.
    #[command(verbatim_doc_comment)]
    Fuzz {
        /// How long to fuzz each target
        #[arg(default_value_t = 60)]
        seconds: u32,
    },
    /// Call the components at random in wasmtime and check every answer against a model
    ///
    /// Builds the components, then runs host-test's stateful driver for SECONDS on each
    /// (memkit.wasm, then memkit-async.wasm with its streams): random calls to every WIT
    /// function, with memory squeezed at times. Fails on the first finding, with the seed
    /// to replay.
    #[command(verbatim_doc_comment)]
    FuzzHost {
        /// How long to fuzz
        #[arg(default_value_t = 60)]
        seconds: u32,
    },
}

fn main() -> ExitCode {
    let task = Xtask::parse().task;
    let started = Instant::now();
    let result = util::ensure_toolchain_file().and_then(|()| match task {
        Task::Build => build::build().and_then(|_| figures::write()),
        Task::Demo => demo::demo(),
        Task::Test { quick } => test::test(quick),
        Task::Js => js::js(),
        Task::Serve { port } => serve::serve(port),
        Task::Bench { digests } => bench::bench(digests),
        Task::Baseline => baseline::build(&util::workspace_root()).map(drop),
        Task::CargoComponent => cargo_component::cargo_component(),
        Task::Compose => compose::compose(),
        Task::Publish { registry } => publish::publish(&registry),
        Task::Fuzz { seconds } => fuzz::fuzz(seconds),
        Task::FuzzHost { seconds } => fuzz_host::fuzz_host(seconds),
    });
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

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    #[test]
    fn the_command_line_is_well_formed() {
        Xtask::command().debug_assert();
    }

    #[test]
    fn arguments_and_defaults() {
        let task = |args: &[&str]| {
            Xtask::try_parse_from(["xtask"].iter().chain(args))
                .map(|xtask| xtask.task)
                .map_err(|error| error.kind())
        };
        assert!(matches!(task(&["serve"]), Ok(Task::Serve { port: 8080 })));
        assert!(matches!(
            task(&["serve", "9000"]),
            Ok(Task::Serve { port: 9000 })
        ));
        assert!(matches!(task(&["fuzz"]), Ok(Task::Fuzz { seconds: 60 })));
        assert!(matches!(
            task(&["fuzz", "5"]),
            Ok(Task::Fuzz { seconds: 5 })
        ));
        assert!(matches!(
            task(&["fuzz-host"]),
            Ok(Task::FuzzHost { seconds: 60 })
        ));
        assert!(matches!(
            task(&["fuzz-host", "3"]),
            Ok(Task::FuzzHost { seconds: 3 })
        ));
        assert!(matches!(
            task(&["cargo-component"]),
            Ok(Task::CargoComponent)
        ));
        assert!(matches!(task(&["baseline"]), Ok(Task::Baseline)));
        assert!(matches!(task(&["test"]), Ok(Task::Test { quick: false })));
        assert!(matches!(
            task(&["test", "--quick"]),
            Ok(Task::Test { quick: true })
        ));
        assert_eq!(
            task(&["fuzz", "a minute"]).err(),
            Some(clap::error::ErrorKind::ValueValidation)
        );
        assert_eq!(
            task(&["frobnicate"]).err(),
            Some(clap::error::ErrorKind::InvalidSubcommand)
        );
    }

    /// README's "Layout" block lists the commands on its `xtask/` line: all of them.
    #[test]
    fn readme_lists_every_command() {
        let readme = std::fs::read_to_string(util::workspace_root().join("README.md")).unwrap();
        let line = readme
            .lines()
            .find(|line| line.starts_with("xtask/"))
            .expect("README's Layout block has an xtask/ line");
        let listed: Vec<&str> = line
            .split_once("cargo xtask")
            .expect("the xtask/ line lists `cargo xtask` commands")
            .1
            .split('|')
            .map(str::trim)
            .collect();
        let commands: Vec<String> = Xtask::command()
            .get_subcommands()
            .map(|command| command.get_name().to_string())
            .collect();
        assert_eq!(listed, commands, "README's xtask/ line: {line}");
    }
}
