//! `cargo xtask compose`: memkit plugged into the components in `examples/` that import it
//! (record-check, record-service on wasi:http 0.3 and 0.2; python-guest, which imports the
//! article's component too),
//! with the `wac-graph` library (what `wac plug` does), each result validated and written to
//! `target/composed/<name>.wasm`. The examples are built as their users build them: their WIT
//! dependencies fetched and memkit's components pulled from a registry (see `registry`).

use std::path::{Path, PathBuf};
use std::process::Command;

use wac_graph::types::{ItemKind, Package};
use wac_graph::{CompositionGraph, EncodeOptions};

use crate::build::{build, component_surface, componentize, Component};
use crate::util::{cargo, run, target_dir, workspace_root, Result, WASIP2_TARGET, WASM_TARGET};
use crate::{python, registry};

/// A component that imports memkit, and what its composition may import.
struct Consumer {
    /// The file name in `target/composed/`, without `.wasm`.
    name: &'static str,
    /// Its package name in the composition graph.
    package: &'static str,
    /// The components plugged in, in order: `memkit-async` for a consumer of `streams`, else
    /// the synchronous `memkit`, which hosts without component-model async can run; and
    /// `memkit-article` for a consumer of the article's interfaces.
    plugs: &'static [Component],
    /// Whether the composition must import nothing (else it may import WASI).
    self_contained: bool,
}

const RECORD_CHECK: Consumer = Consumer {
    name: "record-check",
    package: "memkit:record-check",
    plugs: &[Component::Memkit],
    self_contained: true,
};

/// The wasi:http 0.3 service, which hands request bodies to memkit's `streams`.
const RECORD_SERVICE: Consumer = Consumer {
    name: "record-service",
    package: "memkit:record-service",
    plugs: &[Component::MemkitAsync],
    self_contained: false,
};

/// The same service on wasi:http 0.2.
const RECORD_SERVICE_P2: Consumer = Consumer {
    name: "record-service-p2",
    package: "memkit:record-service",
    plugs: &[Component::Memkit],
    self_contained: false,
};

const PYTHON_GUEST: Consumer = Consumer {
    name: "python-guest",
    package: "memkit:python-guest",
    // The article's first: the consumer's export uses its `json-error`.
    plugs: &[Component::Article, Component::Memkit],
    self_contained: false,
};

/// Where the composition of `name` is written.
fn composed_path(name: &str) -> PathBuf {
    target_dir().join("composed").join(format!("{name}.wasm"))
}

/// Builds memkit, then composes it with every consumer as [`compose_from_registry`] does.
pub fn compose() -> Result {
    build()?;
    compose_from_registry().map(drop)
}

/// [`compose_built`] with what a local registry gave: the examples' WIT fetched and memkit's
/// components pulled, after the components `cargo xtask build` wrote were published there.
pub fn compose_from_registry() -> Result<PathBuf> {
    drop(registry::publish_and_consume()?);
    compose_built(&registry::pulled_dir())
}

/// Builds every consumer, composes each with the components it plugs in, found in
/// `memkit_dir` (`<name>.wasm`, as `cargo xtask build` and the pull name them) and writes the
/// results; returns the composed record-check's path (the one `cargo xtask test` transpiles).
pub fn compose_built(memkit_dir: &Path) -> Result<PathBuf> {
    let record_check = plug_and_write(&RECORD_CHECK, memkit_dir, &build_record_check()?)?;
    let (service, service_p2) = build_record_service()?;
    plug_and_write(&RECORD_SERVICE, memkit_dir, &service)?;
    plug_and_write(&RECORD_SERVICE_P2, memkit_dir, &service_p2)?;
    plug_and_write(&PYTHON_GUEST, memkit_dir, &build_python_guest()?)?;
    Ok(record_check)
}

/// `examples/record-check`, a Rust component, built like memkit and made a component.
fn build_record_check() -> Result<Vec<u8>> {
    run(cargo().args([
        "build",
        "--package",
        "record-check",
        "--profile",
        "component",
        "--target",
        WASM_TARGET,
    ]))?;
    let module = target_dir()
        .join(WASM_TARGET)
        .join("component")
        .join("record_check.wasm");
    componentize(&std::fs::read(&module)?)
}

/// `examples/record-service`, a wasi:http service: its library on wasi:http 0.3 and its
/// binary `record-service-p2` on 0.2, each a component that rustc links for `wasm32-wasip2`.
fn build_record_service() -> Result<(Vec<u8>, Vec<u8>)> {
    run(cargo().args([
        "build",
        "--package",
        "record-service",
        "--profile",
        "component",
        "--target",
        WASIP2_TARGET,
    ]))?;
    let dir = target_dir().join(WASIP2_TARGET).join("component");
    Ok((
        std::fs::read(dir.join("record_service.wasm"))?,
        std::fs::read(dir.join("record-service-p2.wasm"))?,
    ))
}

/// `examples/python-guest`, a Python component, built by componentize-py from its WIT and
/// the memkit WIT fetched into its `wit/deps`.
fn build_python_guest() -> Result<Vec<u8>> {
    python::ensure_venv()?;
    let example = workspace_root().join("examples/python-guest");
    let out = target_dir().join("python-guest.wasm");
    run(Command::new(python::tool("componentize-py"))
        .arg("--wit-path")
        .arg(example.join("wit"))
        .args(["--world", "python-guest", "componentize", "app"])
        .arg("--python-path")
        .arg(&example)
        .arg("--output")
        .arg(&out))?;
    Ok(std::fs::read(&out)?)
}

/// What `wac_graph::plug` does with several plugs (each export of a plug that the consumer
/// imports becomes that import, taken from the first plug that has it; the consumer's exports
/// become the composition's), and two things more:
/// - the memkit interfaces plugged in are exported too, with those they `use`. A consumer
///   whose own exports use memkit's types (record-check's `check-error` holds a
///   `decode-error`) needs it: an exported interface may only refer to types the component
///   exports or imports, and plain `plug` leaves them internal ("instance not valid to be
///   used as export");
/// - a type the consumer's world `use`s from memkit (python-guest's `json-error`) is taken
///   from the memkit interface that defines it. Plain `plug` leaves it an import of the
///   composition, rebuilt from its structure, and a type whose structure names another
///   (`json-error`'s `invalid-document`) cannot be imported so ("type not valid to be used
///   as import").
fn plug_reexporting(
    graph: &mut CompositionGraph,
    plugs: &[wac_graph::PackageId],
    socket: wac_graph::PackageId,
) -> Result {
    let socket_type = &graph.types()[graph[socket].ty()];
    let socket_imports: Vec<String> = socket_type.imports.keys().cloned().collect();
    let socket_exports: Vec<String> = socket_type.exports.keys().cloned().collect();
    let imported_types: Vec<String> = socket_type
        .imports
        .iter()
        .filter(|(_, kind)| matches!(kind, ItemKind::Type(_)))
        .map(|(name, _)| name.clone())
        .collect();
    let instances: Vec<_> = plugs.iter().map(|plug| graph.instantiate(*plug)).collect();
    let consumer = graph.instantiate(socket);
    // Each plug's interfaces the consumer imports are plugged in and exported. The exported
    // interfaces refer to types of the interfaces they `use` (`types.error`,
    // `checksums.expected-digest` in `chunks`); a consumer that calls none of the functions
    // that need one does not import that interface (record-service reads frames, whose errors
    // are `decode-error`), so it is exported from its plug too. All in each plug's own export
    // order, where an interface comes after those it uses, as an export must. A name two plugs
    // export (`memkit:core/types`) can be exported once: a later plug's interface that uses it
    // is plugged in but not exported (the consumer's own exports must then not use its types;
    // put the plug whose types they use first).
    let mut exported: Vec<(String, usize)> = Vec::new();
    let mut plugged_any = false;
    for (index, (plug, instance)) in plugs.iter().zip(&instances).enumerate() {
        let plug_exports = graph.types()[graph[*plug].ty()].exports.clone();
        let plugged: Vec<String> = socket_imports
            .iter()
            .filter(|name| {
                plug_exports.contains_key(*name) && !exported.iter().any(|(n, _)| n == *name)
            })
            .cloned()
            .collect();
        plugged_any |= !plugged.is_empty();
        let taken_by_another =
            |name: &String| exported.iter().any(|(n, by)| n == name && *by != index);
        let mut to_export: Vec<String> = Vec::new();
        for name in &plugged {
            let used = interfaces_used_by(std::slice::from_ref(name))?;
            if !used.iter().any(&taken_by_another) {
                to_export.push(name.clone());
                to_export.extend(used);
            }
        }
        for name in plug_exports.keys() {
            let is_plugged = plugged.contains(name);
            let exports_it = to_export.contains(name) && !exported.iter().any(|(n, _)| n == name);
            if !is_plugged && !exports_it {
                continue;
            }
            let export = graph.alias_instance_export(*instance, name)?;
            if is_plugged {
                graph.set_instantiation_argument(consumer, name, export)?;
            }
            if exports_it {
                graph.export(export, name)?;
                exported.push((name.clone(), index));
            }
        }
    }
    if !plugged_any {
        return Err("the consumer imports nothing that its plugs export".into());
    }
    // A decoded component does not say which interface a world-level type came from, only
    // its name: the plugged interface that exports a type of that name gives it (wac checks
    // that the types agree).
    for name in &imported_types {
        let mut defining = Vec::new();
        for (plug, instance) in plugs.iter().zip(&instances) {
            let plug_exports = &graph.types()[graph[*plug].ty()].exports;
            for interface in &socket_imports {
                if matches!(plug_exports.get(interface), Some(ItemKind::Instance(id))
                    if graph.types()[*id].exports.contains_key(name))
                {
                    defining.push((*instance, interface.clone()));
                }
            }
        }
        if let [(instance, interface)] = defining.as_slice() {
            let interface = graph.alias_instance_export(*instance, interface)?;
            let ty = graph.alias_instance_export(interface, name)?;
            graph.set_instantiation_argument(consumer, name, ty)?;
        }
    }
    for name in &socket_exports {
        let export = graph.alias_instance_export(consumer, name)?;
        graph.export(export, name)?;
    }
    Ok(())
}

/// The memkit interfaces that `interfaces` (`memkit:core/<name>@<version>`,
/// `memkit:article/…`) `use` types of, directly or through others, read from `article/wit`
/// (whose `deps/core` is `wit/`).
fn interfaces_used_by(interfaces: &[String]) -> Result<Vec<String>> {
    let mut resolve = wit_parser::Resolve::default();
    resolve.push_dir(workspace_root().join(Component::Article.wit_dir()))?;
    let by_name: std::collections::BTreeMap<String, wit_parser::InterfaceId> = resolve
        .interfaces
        .iter()
        .filter_map(|(id, _)| Some((resolve.id_of(id)?, id)))
        .collect();
    let mut used = std::collections::BTreeSet::new();
    let mut pending: Vec<wit_parser::InterfaceId> = interfaces
        .iter()
        .filter_map(|name| by_name.get(name).copied())
        .collect();
    while let Some(id) = pending.pop() {
        for dep in resolve.interface_direct_deps(id) {
            if let Some(name) = resolve.id_of(dep) {
                if used.insert(name) {
                    pending.push(dep);
                }
            }
        }
    }
    Ok(used.into_iter().collect())
}

/// Plugs the exports of the consumer's plugs (from `memkit_dir`) into its imports, checks the
/// result and writes it.
fn plug_and_write(consumer: &Consumer, memkit_dir: &Path, component: &[u8]) -> Result<PathBuf> {
    let mut graph = CompositionGraph::new();
    let mut plugs = Vec::new();
    for plug in consumer.plugs {
        let bytes = std::fs::read(plug.path_in(memkit_dir))?;
        let package = format!("memkit:{}", plug.name());
        let package = Package::from_bytes(&package, None, bytes, graph.types_mut())?;
        plugs.push(graph.register_package(package)?);
    }
    let socket = Package::from_bytes(consumer.package, None, component, graph.types_mut())?;
    let socket = graph.register_package(socket)?;
    plug_reexporting(&mut graph, &plugs, socket)?;
    // wac validates what it encodes; the project's own (newer) validator checks it again.
    let composed = graph.encode(EncodeOptions::default()).map_err(|error| {
        // The cause (a validation message) is in the error's source chain.
        let mut text = format!("{}: composing: {error}", consumer.name);
        let mut cause = std::error::Error::source(&error);
        while let Some(inner) = cause {
            text.push_str(&format!(": {inner}"));
            cause = inner.source();
        }
        text
    })?;
    wasmparser::Validator::new_with_features(wasmparser::WasmFeatures::all())
        .validate_all(&composed)?;
    let surface = component_surface(&composed)?;
    if surface
        .imports
        .iter()
        .any(|name| name.starts_with("memkit:core/") || name.starts_with("memkit:article/"))
    {
        return Err(format!("{}: memkit is still imported after plugging", consumer.name).into());
    }
    if consumer.self_contained {
        surface.require_no_imports(&format!("{} composed with memkit", consumer.name))?;
    }
    let path = composed_path(consumer.name);
    std::fs::create_dir_all(path.parent().unwrap_or(Path::new(".")))?;
    std::fs::write(&path, &composed)?;
    eprintln!(
        "xtask: wrote {} ({:.1} KiB; the consumer alone {:.1} KiB), imports: {}, exports: {}",
        path.display(),
        composed.len() as f64 / 1024.0,
        component.len() as f64 / 1024.0,
        surface.imports_shown(),
        surface.exports.join(", ")
    );
    Ok(path)
}
