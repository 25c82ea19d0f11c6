//! `cargo xtask demo`: the article's demo sections (host-test's `demo` binary) run in wasmtime
//! against a fresh build of the components it shows, `memkit.wasm` and `memkit-article.wasm`
//! (not `memkit-async.wasm`, which it does not use); and nothing fetched: `cargo xtask test`
//! runs it in a copy of the repository without its ignored files (`fresh_copy`).

use crate::build::{build_component, built, Component};
use crate::util::{cargo, run, Result};

pub fn demo() -> Result {
    let shown = [Component::Memkit, Component::Article];
    for component in shown {
        build_component(component)?;
    }
    let mut command = cargo();
    for component in shown {
        command.env(component.env_var(), built(component));
    }
    run(command.args([
        "run",
        "--quiet",
        "--release",
        "--package",
        "host-test",
        "--bin",
        "demo",
    ]))
}
