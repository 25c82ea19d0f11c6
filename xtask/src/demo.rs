//! `cargo xtask demo`: the article's demo sections (host-test's `demo` binary) run in wasmtime
//! against a fresh build of the component.

use crate::build::build;
use crate::util::{cargo, run, Result};

pub fn demo() -> Result {
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
