//! `cargo xtask js`: the npm packages, `memkit` in `js/` and `memkit-article` in `article/js/`:
//! each component transpiled with the pinned jco into `dist` for Node and `dist/browser` for
//! browsers (see [`transpile`]; both glues patched alike, see `jco_glue`), the hand-written
//! modules of `js/src` beside memkit's (and its error messages beside the article's), packed
//! into `target/memkit-<version>.tgz` and `target/memkit-article-<version>.tgz`; and the demo
//! page's copies of the browser builds (`web/memkit`, `web/memkit-article`) and of the
//! benchmark's jobs (`web/bench`), and its transpile of the `memkit-async` world
//! (`web/memkit-async`, by a newer jco; see [`transpile_async_for_page`]).

use std::path::Path;
use std::process::Command;

use crate::build::{async_component_path, build, built, Component};
use crate::util::{copy_dir, js_dir, run, target_dir, workspace_root, Result};
use crate::{bench, jco_glue};

/// Builds and transpiles the packages, then packs each as a user would get it:
/// `target/memkit-<version>.tgz` and `target/memkit-article-<version>.tgz` (`npm install <that
/// file>` in any project).
pub fn js() -> Result {
    transpile(&build()?)?;
    for dir in [js_dir(), article_js_dir()] {
        run(Command::new("npm")
            .args(["pack", "--silent", "--pack-destination"])
            .arg(target_dir())
            .current_dir(dir))?;
    }
    Ok(())
}

/// The article's npm package.
pub fn article_js_dir() -> std::path::PathBuf {
    workspace_root().join("article/js")
}

/// Installs the pinned npm packages of `dir` (the JS package's jco and playwright-core, the
/// bundlers of its bundler test, the Node benchmark's peers) from its `package-lock.json` when they are missing or older than
/// the lock file.
pub fn ensure_npm_packages(dir: &Path) -> Result {
    let installed = dir.join("node_modules/.package-lock.json");
    let lock = dir.join("package-lock.json");
    let modified = |path: &Path| std::fs::metadata(path).and_then(|m| m.modified()).ok();
    let fresh = matches!((modified(&installed), modified(&lock)), (Some(i), Some(l)) if i >= l);
    if !fresh {
        run(Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(dir))?;
    }
    Ok(())
}

/// Transpiles `component` with the pinned jco twice, adds the files of `js/src` to each, and
/// gives the demo page its copies (see [`copy_into_page`]) and its transpile of the async world
/// (see [`transpile_async_for_page`]; [`build`] wrote `target/memkit-async.wasm` beside
/// `component`). Also installs the bundlers that `js/test/bundlers.test.mjs` builds with.
///
/// - `js/dist`, for Node (package.json's `default` condition) and the package's types: jco's
///   glue reads the `.wasm` with `node:fs/promises` when it runs in Node, else `fetch`es it.
/// - `js/dist/browser` (the `browser` condition), by `--no-nodejs-compat`: the glue only
///   `fetch`es, so no bundler meets a `node:` import (webpack 5 refuses one). Its own copy of
///   the `.wasm` and of every module, so that a browser's imports stay in one directory and
///   load each module once; no types (the `types` condition names those of `js/dist`).
pub fn transpile(component: &Path) -> Result {
    ensure_npm_packages(&js_dir().join("test/bundlers"))?;
    let browser = transpile_package(component, &js_dir(), "memkit", jco_glue::MEMKIT_GLUE)?;
    let src = js_dir().join("src");
    copy_hand_written(&src, &js_dir().join("dist"), Files::All)?;
    copy_hand_written(&src, &browser, Files::Modules)?;
    let article_browser = transpile_package(
        &built(Component::Article),
        &article_js_dir(),
        "memkit-article",
        jco_glue::ARTICLE_GLUE,
    )?;
    copy_hand_written(&src, &article_js_dir().join("dist"), Files::ErrorsOnly)?;
    copy_hand_written(&src, &article_browser, Files::ErrorsOnlyModules)?;
    copy_into_page(&browser, &article_browser)?;
    transpile_async_for_page(&async_component_path())
}

/// Transpiles `component` with the pinned jco (the one in `js/`) into the package in `dir` as
/// `name`: `dir/dist` and `dir/dist/browser`, each glue patched with `patches`. Returns the
/// browser build's directory.
fn transpile_package(
    component: &Path,
    dir: &Path,
    name: &str,
    patches: &[jco_glue::Patch],
) -> Result<std::path::PathBuf> {
    ensure_npm_packages(&js_dir())?;
    let dist = dir.join("dist");
    if dist.exists() {
        std::fs::remove_dir_all(&dist)?;
    }
    let browser = dist.join("browser");
    for (out, options) in [
        (&dist, &[][..]),
        (&browser, &["--no-nodejs-compat", "--no-typescript"][..]),
    ] {
        run(Command::new(js_dir().join("node_modules/.bin/jco"))
            .arg("transpile")
            .arg(component)
            .arg("--out-dir")
            .arg(out)
            .args(["--name", name])
            .args(options)
            .current_dir(dir))?;
        patch_glue(&out.join(format!("{name}.js")), patches)?;
    }
    Ok(browser)
}

/// The `memkit-async` world (memkit plus `streams` over `stream<u8>`) for the demo page's
/// streams section, in `web/memkit-async`: jco 1.12 cannot read a component with streams, so
/// this takes the jco pinned in `js/jco-async` (1.35). Its glue runs a component-model async
/// runtime over JSPI (`WebAssembly.Suspending`/`promising`), so it loads only where JSPI is
/// (Chromium 137+; not Node 20), and the page imports it only there. `--async-mode jspi` is
/// what jco documents for async components; for this one (no imports) 1.35 writes the same glue
/// with or without it. The npm package stays on the synchronous world and jco 1.12.
fn transpile_async_for_page(component: &Path) -> Result {
    let dir = js_dir().join("jco-async");
    ensure_npm_packages(&dir)?;
    let out = workspace_root().join("web/memkit-async");
    if out.exists() {
        std::fs::remove_dir_all(&out)?;
    }
    run(Command::new(dir.join("node_modules/.bin/jco"))
        .arg("transpile")
        .arg(component)
        .arg("--out-dir")
        .arg(&out)
        .args(["--name", "memkit-async", "--async-mode", "jspi", "--quiet"])
        .current_dir(&dir))
}

/// The demo page is static files in `web/`, so it gets copies of what it imports from outside:
/// the packages' browser builds (`dist/browser` into `web/memkit` and `web/memkit-article`)
/// and, for its benchmark panel, the benchmark's jobs (`bench/node/jobs.js` into `web/bench/`),
/// which the packages do not ship. All are rewritten on every build and never edited in
/// `web/`.
fn copy_into_page(browser_build: &Path, article_browser_build: &Path) -> Result {
    let web = workspace_root().join("web");
    let package_copy = web.join("memkit");
    let article_copy = web.join("memkit-article");
    let bench_copy = web.join("bench");
    for copy in [&package_copy, &article_copy, &bench_copy] {
        if copy.exists() {
            std::fs::remove_dir_all(copy)?;
        }
    }
    copy_dir(browser_build, &package_copy)?;
    copy_dir(article_browser_build, &article_copy)?;
    let jobs = bench::jobs_module();
    std::fs::create_dir_all(&bench_copy)?;
    std::fs::copy(
        &jobs,
        bench_copy.join(jobs.file_name().ok_or("jobs.js has no name")?),
    )?;
    eprintln!(
        "xtask: js/dist and article/js/dist hold the packages, web/memkit and web/memkit-article their browser builds, web/bench the benchmark's jobs"
    );
    Ok(())
}

/// Which files of `js/src` a build takes.
#[derive(Clone, Copy, PartialEq)]
enum Files {
    /// Every file: the modules and their types.
    All,
    /// The modules alone (`.js`), for a build whose types are another's.
    Modules,
    /// The error messages (`errors` and its types, and the `record-layout` module it
    /// imports): what the article's package shares with memkit's.
    ErrorsOnly,
    /// The same, the modules alone.
    ErrorsOnlyModules,
}

impl Files {
    fn takes(self, path: &Path) -> bool {
        let module = path.extension().is_some_and(|ext| ext == "js");
        let stem = path
            .file_name()
            .and_then(|name| name.to_str())
            .and_then(|name| name.split('.').next())
            .unwrap_or_default();
        // `errors` with its types; `record-layout`, which it imports, as a module only (the
        // article's package exports no `record-layout` whose types a user could reach).
        let shared = stem == "errors" || (stem == "record-layout" && module);
        match self {
            Files::All => true,
            Files::Modules => module,
            Files::ErrorsOnly => shared,
            Files::ErrorsOnlyModules => shared && module,
        }
    }
}

/// The hand-written modules of the package (`js/src`: the Web Streams adapters and the rest)
/// go next to the glue, the files of `src` that `files` names into `dist`. A name jco already
/// wrote in `dist` is an error rather than a silent replacement of the generated file.
fn copy_hand_written(src: &Path, dist: &Path, files: Files) -> Result {
    let mut names = Vec::new();
    for entry in std::fs::read_dir(src)? {
        let entry = entry?;
        if !files.takes(&entry.path()) {
            continue;
        }
        let to = dist.join(entry.file_name());
        let name = entry.file_name().to_string_lossy().into_owned();
        if to.exists() {
            return Err(format!(
                "js/src/{name} would replace the {name} that jco wrote in js/dist: rename it"
            )
            .into());
        }
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &to)?;
        } else {
            std::fs::copy(entry.path(), &to)?;
        }
        names.push(name);
    }
    names.sort();
    eprintln!(
        "xtask: js/src copied into {}: {}",
        dist.strip_prefix(workspace_root())
            .unwrap_or(dist)
            .display(),
        names.join(", ")
    );
    Ok(())
}

/// Applies `patches` to the glue jco wrote at `path`.
fn patch_glue(path: &Path, patches: &[jco_glue::Patch]) -> Result {
    let patched = jco_glue::patch(&std::fs::read_to_string(path)?, patches)?;
    std::fs::write(path, patched.text)?;
    eprintln!(
        "xtask: {} patched: {}",
        path.strip_prefix(workspace_root())
            .unwrap_or(path)
            .display(),
        patched.applied.join(", ")
    );
    Ok(())
}

/// Transpiles the composed record-check with the same jco into `js/dist-composed/record-check`
/// (for `js/test/composed.test.mjs`): a composition works in JS as memkit itself does. Its
/// glue gets the patches that apply to it ([`jco_glue::COMPOSED_GLUE`]) and takes
/// `describeError` from the package, as a user's would; so [`transpile`] comes first.
pub fn transpile_composed(component: &Path) -> Result {
    let out = js_dir().join("dist-composed/record-check");
    if out.exists() {
        std::fs::remove_dir_all(&out)?;
    }
    run(Command::new(js_dir().join("node_modules/.bin/jco"))
        .arg("transpile")
        .arg(component)
        .arg("--out-dir")
        .arg(&out)
        .args(["--name", "record-check"])
        .current_dir(js_dir()))?;
    patch_glue(&out.join("record-check.js"), jco_glue::COMPOSED_GLUE)
}
