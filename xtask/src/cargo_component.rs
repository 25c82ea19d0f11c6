//! `cargo xtask cargo-component`: the alternative build, with cargo-component, checked against
//! `cargo xtask build`'s and run through the host tests.

use std::process::Command;

use crate::build::{build, component_surface, with_built_components};
use crate::util::{cargo, run, target_dir, workspace_root, Result, WASM_TARGET};

/// The cargo-component version `cargo xtask cargo-component` installs and uses.
const CARGO_COMPONENT_VERSION: &str = "0.21.1";

/// Builds memkit with `cargo component build --release --target wasm32-unknown-unknown`,
/// installing cargo-component when missing, checks the result as [`build`] does (no imports,
/// the same exports) and runs the host tests against it. README ("Building with
/// cargo-component") says why `cargo xtask build` stays the supported build.
pub fn cargo_component() -> Result {
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
    let ours = std::fs::read(build()?)?;
    let expected = component_surface(&ours)?;
    surface.require_no_imports("cargo component's build")?;
    if surface.exports != expected.exports {
        return Err(format!("cargo component built other exports: {:?}", surface.exports).into());
    }
    eprintln!(
        "xtask: cargo component wrote {} ({:.1} KiB; `cargo xtask build`'s: {:.1} KiB), \
         imports: none, the same exports",
        built.display(),
        component.len() as f64 / 1024.0,
        ours.len() as f64 / 1024.0
    );
    // The streams tests run on `cargo xtask build`'s memkit-async: cargo-component builds the
    // `memkit` world only.
    run(with_built_components(&mut cargo())
        .args(["test", "--release", "--package", "host-test"])
        .env("MEMKIT_WASM", &built))
}
