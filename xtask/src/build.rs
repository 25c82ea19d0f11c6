//! `cargo xtask build`: memkit's core module, once for each world, made a component with its
//! description, license, source and version (from Cargo.toml), validated, refused if it
//! imports anything, and written to `target/memkit.wasm` and
//! `target/memkit-async.wasm`; and the reading of a component's
//! imports and exports that the other commands check with.

use std::path::PathBuf;

use crate::figures::Figures;
use crate::publish::PackageMetadata;
use crate::util::{cargo, run, target_dir, Result, WASM_TARGET};

/// Where `build` writes the component of the synchronous world `memkit`.
pub fn component_path() -> PathBuf {
    World::Memkit.component_path()
}

/// The worlds `build` builds, each from the same crate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum World {
    /// `memkit`: synchronous, what jco transpiles and most hosts run.
    Memkit,
    /// `memkit-async`: `memkit` plus `interface streams` (WASI 0.3 streams), for hosts with
    /// component-model async. Built with the crate's `memkit-async` feature.
    MemkitAsync,
}

impl World {
    /// Every world, in build order.
    pub const ALL: [World; 2] = [World::Memkit, World::MemkitAsync];

    /// The world's WIT name, which is also its component's file name.
    pub fn name(self) -> &'static str {
        match self {
            World::Memkit => "memkit",
            World::MemkitAsync => "memkit-async",
        }
    }

    /// `target/<name>.wasm`.
    pub fn component_path(self) -> PathBuf {
        target_dir().join(format!("{}.wasm", self.name()))
    }
}

/// Where `build` writes the component of the `memkit-async` world.
pub fn async_component_path() -> PathBuf {
    World::MemkitAsync.component_path()
}

/// Builds both worlds' components (see [`build_world`]) and returns the path of `memkit`'s.
pub fn build() -> Result<PathBuf> {
    for world in World::ALL {
        build_world(world)?;
    }
    Ok(component_path())
}

/// Builds `world`'s core module, makes it a component, validates it, refuses it if it imports
/// anything, and writes `target/<world>.wasm`.
pub fn build_world(world: World) -> Result<PathBuf> {
    let mut command = cargo();
    command.args([
        "build",
        "--package",
        "memkit",
        "--profile",
        "component",
        "--target",
        WASM_TARGET,
    ]);
    if world == World::MemkitAsync {
        command.args(["--features", "memkit-async"]);
    }
    // Panic locations name the source files of the crates.io dependencies by their path under
    // cargo's home: without this, the component's bytes (and the figures in the docs) would
    // depend on where CARGO_HOME lies. Appended to `.cargo/config.toml`'s rustflags.
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cargo")))
        .ok_or("neither CARGO_HOME nor HOME is set")?;
    command.args([
        "--config",
        &format!(
            "target.{WASM_TARGET}.rustflags=[\"--remap-path-prefix={}=/cargo\"]",
            cargo_home.display()
        ),
    ]);
    run(&mut command)?;
    // Both builds write the same file: it is read at once, before the other build runs.
    let module_path = target_dir()
        .join(WASM_TARGET)
        .join("component")
        .join("memkit.wasm");
    let module = std::fs::read(&module_path)
        .map_err(|e| format!("cannot read {}: {e}", module_path.display()))?;
    // The metadata that `wkg publish` makes OCI annotations of, and hosts can read.
    let component = PackageMetadata::read()?.add_to(world.name(), &componentize(&module)?)?;
    let surface = component_surface(&component)?;
    surface.require_no_imports(&format!("the {} component", world.name()))?;
    let path = world.component_path();
    std::fs::write(&path, &component)?;
    let figures = Figures::of(&component)?;
    eprintln!(
        "xtask: wrote {} ({:.1} KiB; memkit's core module in it {:.1} KiB), imports: none, \
         exports: {}",
        path.display(),
        figures.component_bytes as f64 / 1024.0,
        figures.core_module_bytes as f64 / 1024.0,
        surface.exports.join(", ")
    );
    Ok(path)
}

/// The top-level imports and exports of a component.
pub struct Surface {
    pub imports: Vec<String>,
    pub exports: Vec<String>,
}

impl Surface {
    /// The contract's zero-imports rule, for the component named `what`.
    pub fn require_no_imports(&self, what: &str) -> Result {
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
    pub fn imports_shown(&self) -> String {
        if self.imports.is_empty() {
            "none".to_string()
        } else {
            self.imports.join(", ")
        }
    }
}

/// A core module built with wit-bindgen made a component (its WIT is embedded in a custom
/// section), validated.
pub fn componentize(module: &[u8]) -> Result<Vec<u8>> {
    Ok(wit_component::ComponentEncoder::default()
        .module(module)?
        .validate(true)
        .encode()?)
}

pub fn component_surface(component: &[u8]) -> Result<Surface> {
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
