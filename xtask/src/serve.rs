//! `cargo xtask serve`: the demo page, `web/`, served on 127.0.0.1 after a full build.

use std::process::Command;

use crate::js::js;
use crate::util::{js_dir, run, workspace_root, Result};

/// Builds everything (the package, and the article's module for the benchmark panel) and
/// serves `web/` on `port` until interrupted.
pub fn serve(port: u16) -> Result {
    js()?;
    crate::baseline::build(&workspace_root())?;
    run(Command::new("node")
        .arg(js_dir().join("scripts/serve.mjs"))
        .arg(workspace_root().join("web"))
        .arg(port.to_string()))
}
