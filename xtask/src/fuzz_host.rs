//! `cargo xtask fuzz-host`: the stateful fuzz of the whole component in wasmtime.

use crate::build::{build, with_built_components};
use crate::util::{cargo, run, Result};

/// Builds the components and runs the stateful driver (host-test's `fuzz-host`) against each of
/// memkit's worlds in wasmtime for `seconds`, `memkit`'s then `memkit-async`'s (which adds
/// `streams`), each beside the article's component: random
/// calls to every WIT function, with memory squeezed at times, each answer checked against a
/// model. Fails on the first finding, with the seed to replay.
pub fn fuzz_host(seconds: u32) -> Result {
    let seconds = seconds.to_string();
    build()?;
    for world in ["memkit", "memkit-async"] {
        run(with_built_components(&mut cargo()).args([
            "run",
            "--release",
            "-p",
            "host-test",
            "--bin",
            "fuzz-host",
            "--",
            "--world",
            world,
            &seconds,
        ]))?;
    }
    Ok(())
}
