//! `cargo xtask demo`: the article's demo sections (host-test's `demo` binary) run in wasmtime
//! against a fresh build of the component. The demo needs only `memkit.wasm`, so only that
//! world is built; and nothing fetched: `cargo xtask test` runs it in a copy of the
//! repository without its ignored files (`fresh_copy`).

use crate::build::{build_world, World};
use crate::util::{cargo, run, Result};

pub fn demo() -> Result {
    let component = build_world(World::Memkit)?;
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
