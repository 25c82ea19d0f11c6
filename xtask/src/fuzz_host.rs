//! `cargo xtask fuzz-host`: the stateful fuzz of the whole component in wasmtime.

use crate::build::{build, World};
use crate::util::{cargo, run, Result};

/// Builds the components and runs the stateful driver (host-test's `fuzz-host`) against each in
/// wasmtime for `seconds`, `memkit`'s then `memkit-async`'s (which adds `streams`): random
/// calls to every WIT function, with memory squeezed at times, each answer checked against a
/// model. Fails on the first finding, with the seed to replay.
pub fn fuzz_host(seconds: u32) -> Result {
    let seconds = seconds.to_string();
    build()?;
    for world in World::ALL {
        run(cargo()
            .args([
                "run",
                "--release",
                "-p",
                "host-test",
                "--bin",
                "fuzz-host",
                "--",
                "--world",
                world.name(),
                &seconds,
            ])
            .env("MEMKIT_WASM", World::Memkit.component_path())
            .env("MEMKIT_ASYNC_WASM", World::MemkitAsync.component_path()))?;
    }
    Ok(())
}
