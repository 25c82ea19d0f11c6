//! Hosts the compositions `cargo xtask compose` writes (`target/composed/<name>.wasm`): memkit
//! plugged into a component that imports it. The Rust one imports nothing; the Python one
//! imports WASI p2 (componentize-py's runtime), which [`PythonGuest::new`] provides.

use std::path::PathBuf;
use std::sync::OnceLock;

use wasmtime::component::{Component, Linker, ResourceTable};
use wasmtime::{Config, Engine, Store};
use wasmtime_wasi::{WasiCtx, WasiCtxView, WasiView};

/// Bindings of `examples/record-check`'s world, whose `wit/` holds only its own package:
/// memkit's is the repository's `wit/`.
pub mod record_check {
    wasmtime::component::bindgen!({
        path: ["../wit", "../examples/record-check/wit"],
        world: "memkit:record-check/record-check",
        additional_derives: [PartialEq],
    });
}

/// Bindings of `examples/python-guest`'s world. Its `wit/deps` is fetched from a registry and
/// git-ignored, so the bindings read memkit's and the article's WIT from the repository
/// (`article/wit`, whose `deps/core` is `wit/`) and only the world's own file: host-test (and
/// the demo in it) builds on a fresh clone.
pub mod python_guest {
    wasmtime::component::bindgen!({
        path: ["../article/wit", "../examples/python-guest/wit/world.wit"],
        world: "memkit:python-guest/python-guest",
        additional_derives: [PartialEq],
    });
}

/// `target/composed/<name>.wasm` (written by `cargo xtask compose`).
pub fn composed_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../target/composed")
        .join(format!("{name}.wasm"))
}

fn load(engine: &Engine, name: &str) -> Component {
    let path = composed_path(name);
    Component::from_file(engine, &path).unwrap_or_else(|e| {
        panic!(
            "cannot load {} ({e}); run `cargo xtask compose` first",
            path.display()
        )
    })
}

/// The composed record-check, instantiated in its own store with no imports at all.
pub struct RecordCheck {
    pub store: Store<()>,
    pub api: record_check::RecordCheck,
}

impl RecordCheck {
    pub fn new() -> Self {
        static COMPILED: OnceLock<(Engine, Component)> = OnceLock::new();
        let (engine, component) = COMPILED.get_or_init(|| {
            let mut config = Config::new();
            config.concurrency_support(false);
            let engine = Engine::new(&config).expect("wasmtime engine");
            let component = load(&engine, "record-check");
            (engine, component)
        });
        let mut store = Store::new(engine, ());
        // An empty linker: the composition needs nothing from its host.
        let api =
            record_check::RecordCheck::instantiate(&mut store, component, &Linker::new(engine))
                .expect("the composed record-check instantiates with no imports");
        Self { store, api }
    }
}

impl Default for RecordCheck {
    fn default() -> Self {
        Self::new()
    }
}

/// The store's data for the Python component: WASI's context and resource table.
pub struct Wasi {
    ctx: WasiCtx,
    table: ResourceTable,
}

impl WasiView for Wasi {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.ctx,
            table: &mut self.table,
        }
    }
}

/// The composed Python component, instantiated with WASI p2 (no files, no network, no
/// environment: an empty `WasiCtx`).
pub struct PythonGuest {
    pub store: Store<Wasi>,
    pub api: python_guest::PythonGuest,
}

impl PythonGuest {
    pub fn new() -> Self {
        static COMPILED: OnceLock<(Engine, Component, Linker<Wasi>)> = OnceLock::new();
        let (engine, component, linker) = COMPILED.get_or_init(|| {
            let engine = Engine::new(&Config::new()).expect("wasmtime engine");
            let started = std::time::Instant::now();
            let component = load(&engine, "python-guest");
            // Shown with `--nocapture`: compiling the 18 MB component dominates its first use.
            eprintln!("python-guest compiled in {:?}", started.elapsed());
            let mut linker = Linker::new(&engine);
            wasmtime_wasi::p2::add_to_linker_sync(&mut linker).expect("WASI p2 links");
            (engine, component, linker)
        });
        let wasi = Wasi {
            ctx: WasiCtx::builder().build(),
            table: ResourceTable::new(),
        };
        let mut store = Store::new(engine, wasi);
        let api = python_guest::PythonGuest::instantiate(&mut store, component, linker)
            .expect("the composed python-guest instantiates with WASI");
        Self { store, api }
    }
}

impl Default for PythonGuest {
    fn default() -> Self {
        Self::new()
    }
}
