//! `cargo xtask fuzz-host`: the stateful fuzz of the whole component in wasmtime.

use crate::build::build;
use crate::util::{cargo, run, Result};

/// Builds the component and runs the stateful driver (host-test's `fuzz-host`) against it in
/// wasmtime for `seconds`: random calls to every WIT function, with memory squeezed at times,
/// each answer checked against a model. Fails on the first finding, with the seed to replay.
pub fn fuzz_host(seconds: u32) -> Result {
    let seconds = seconds.to_string();
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
