//! `cargo xtask build`: the core module of each component (`memkit` twice, once for each of its
//! worlds, and `memkit-article`), made a component with its description, license, source and
//! version (from its Cargo.toml), validated, refused if it imports anything, and written to
//! `target/memkit.wasm`, `target/memkit-async.wasm` and `target/memkit-article.wasm`; and the
//! reading of a component's imports and exports that the other commands check with.

use std::path::PathBuf;
use std::process::Command;

use crate::figures::Figures;
use crate::publish::PackageMetadata;
use crate::util::{cargo, run, target_dir, Result, WASM_TARGET};

pub use memkit_components::Component;

/// Where `build` writes `component`: `target/<name>.wasm`.
pub fn built(component: Component) -> PathBuf {
    component.path_in(&target_dir())
}

/// Where `build` writes the component of the synchronous world `memkit`.
pub fn component_path() -> PathBuf {
    built(Component::Memkit)
}

/// Where `build` writes the component of the `memkit-async` world.
pub fn async_component_path() -> PathBuf {
    built(Component::MemkitAsync)
}

/// Builds every component (see [`build_component`]) and returns the path of `memkit`'s.
pub fn build() -> Result<PathBuf> {
    for component in Component::ALL {
        build_component(component)?;
    }
    Ok(component_path())
}

/// `command` with the environment variable of each component set to the file `build` wrote,
/// so that a host run by it (the host tests, the demo, the benchmarks) runs those files.
pub fn with_built_components(command: &mut Command) -> &mut Command {
    for component in Component::ALL {
        command.env(component.env_var(), built(component));
    }
    command
}

/// Builds `component`'s core module, makes it a component, validates it, refuses it if it
/// imports anything, and writes `target/<name>.wasm`.
pub fn build_component(component: Component) -> Result<PathBuf> {
    let mut command = cargo();
    command.args([
        "build",
        "--package",
        component.package(),
        "--profile",
        "component",
        "--target",
        WASM_TARGET,
    ]);
    for feature in component.features() {
        command.args(["--features", feature]);
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
    // memkit's two builds write the same file: it is read at once, before the other runs.
    let module_path = target_dir()
        .join(WASM_TARGET)
        .join("component")
        .join(component.module_file());
    let module = std::fs::read(&module_path)
        .map_err(|e| format!("cannot read {}: {e}", module_path.display()))?;
    // The metadata that `wkg publish` makes OCI annotations of, and hosts can read.
    let bytes =
        PackageMetadata::read(component)?.add_to(component.name(), &componentize(&module)?)?;
    let surface = component_surface(&bytes)?;
    surface.require_no_imports(&format!("the {} component", component.name()))?;
    let path = built(component);
    std::fs::write(&path, &bytes)?;
    let figures = Figures::of(&bytes)?;
    eprintln!(
        "xtask: wrote {} ({:.1} KiB; its core module {:.1} KiB), imports: none, \
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The packages `component`'s crate links for wasm, as `cargo tree` lists them (not the
    /// proc-macros that run at build time, wit-bindgen's among them, which read the WIT with
    /// serde).
    fn wasm_dependencies(component: Component) -> Vec<String> {
        let out = cargo()
            .args([
                "tree",
                "--package",
                component.package(),
                "--target",
                WASM_TARGET,
            ])
            .args([
                "--edges",
                "normal,no-proc-macro",
                "--prefix",
                "none",
                "--format",
                "{p}",
            ])
            .output()
            .expect("cargo tree runs");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout)
            .expect("UTF-8")
            .lines()
            .filter_map(|line| line.split_whitespace().next().map(str::to_string))
            .collect()
    }

    /// The data plane has no JSON in it: no serde anywhere in its dependency tree, where the
    /// article's component has it.
    #[test]
    fn the_data_plane_has_no_serde_and_the_article_has() {
        let memkit = wasm_dependencies(Component::Memkit);
        assert!(memkit.contains(&"memkit-alloc".to_string()), "{memkit:?}");
        let serde: Vec<&String> = memkit.iter().filter(|p| p.starts_with("serde")).collect();
        assert!(serde.is_empty(), "memkit builds on {serde:?}");
        let article = wasm_dependencies(Component::Article);
        assert!(article.iter().any(|p| p == "serde_json"), "{article:?}");
    }
}
