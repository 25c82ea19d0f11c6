//! Call cost: what one call into the component costs in wasmtime, and where that time goes.
//!
//! The floor is a call of an empty core wasm function. memkit's own core module (extracted
//! from the component, instantiated alone with its resource intrinsics stubbed) gives the
//! same guest function, `[method]byte-buffer.len`, called without the component model; the
//! difference to the component call is the component layer's share. Variants of the call
//! path (bindgen, `TypedFunc`, `Func` with `Val`s, host-test's `Host`) and of the `Config`
//! show what else matters.

use std::hint::black_box;

use host_test::exports::memkit::core::checksums::Algorithm;
use host_test::{component_path, Host, Memkit, Own, Owned};
use wasmtime::component::{Component, Func, Instance, Linker, ResourceAny, TypedFunc, Val};
use wasmtime::{Config, Engine, Inlining, Module, Store};

use crate::measure::{format_ns, format_stat, verdict, Series, Stat, Timer};

/// A resource method call should cost at most this many nanoseconds.
const TARGET_NS: f64 = 100.0;

/// A core module of two functions: `empty: [] -> []` and `id: [i32] -> [i32]`.
const TINY_MODULE: &[u8] = &[
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version 1
    0x01, 0x09, 0x02, 0x60, 0x00, 0x00, 0x60, 0x01, 0x7f, 0x01, 0x7f, // types
    0x03, 0x03, 0x02, 0x00, 0x01, // functions: type 0, type 1
    0x07, 0x0e, 0x02, 0x05, b'e', b'm', b'p', b't', b'y', 0x00, 0x00, 0x02, b'i', b'd', 0x00,
    0x01, // exports
    0x0a, 0x09, 0x02, 0x02, 0x00, 0x0b, 0x04, 0x00, 0x20, 0x00, 0x0b, // code
];

/// `byte-buffer.len` as a typed function: a borrowed handle in, a `u32` back.
type LenFunc = TypedFunc<(ResourceAny,), (u32,)>;

const BYTES: &str = "memkit:core/bytes@0.4.0";

/// The component instantiated in a plain `Store<()>` of an engine with some `Config`.
struct Env {
    store: Store<()>,
    api: Memkit,
    buf: ResourceAny,
    len_typed: LenFunc,
    len_func: Func,
}

impl Env {
    fn new(configure: impl FnOnce(&mut Config)) -> wasmtime::Result<Self> {
        let mut config = Config::new();
        configure(&mut config);
        let engine = Engine::new(&config)?;
        let component = Component::from_file(&engine, component_path())?;
        let mut store = Store::new(&engine, ());
        let instance = Linker::new(&engine).instantiate(&mut store, &component)?;
        let api = Memkit::new(&mut store, &instance)?;
        let buf = api
            .memkit_core_bytes()
            .byte_buffer()
            .call_constructor(&mut store, 0)?;
        let (len_typed, len_func) = len_funcs(&mut store, &instance)?;
        Ok(Self {
            store,
            api,
            buf,
            len_typed,
            len_func,
        })
    }

    fn len(&mut self) -> u32 {
        self.api
            .memkit_core_bytes()
            .byte_buffer()
            .call_len(&mut self.store, self.buf)
            .unwrap()
    }

    fn len_typed(&mut self) -> u32 {
        self.len_typed.call(&mut self.store, (self.buf,)).unwrap().0
    }

    fn len_dynamic(&mut self) -> u32 {
        let mut results = [Val::Bool(false)];
        self.len_func
            .call(&mut self.store, &[Val::Resource(self.buf)], &mut results)
            .unwrap();
        match results {
            [Val::U32(len)] => len,
            other => panic!("byte-buffer.len returned {other:?}"),
        }
    }

    fn info(&mut self) -> u64 {
        self.api
            .memkit_core_memory()
            .call_info(&mut self.store)
            .unwrap()
            .pages
            .into()
    }

    fn digest_empty(&mut self) -> Vec<u8> {
        self.api
            .memkit_core_checksums()
            .call_digest(&mut self.store, Algorithm::Crc32, &[])
            .unwrap()
    }
}

/// `byte-buffer.len` looked up by name: as a `TypedFunc` and as an untyped `Func`.
fn len_funcs(store: &mut Store<()>, instance: &Instance) -> wasmtime::Result<(LenFunc, Func)> {
    let missing = || wasmtime::format_err!("no {BYTES}#[method]byte-buffer.len export");
    let interface = instance
        .get_export_index(&mut *store, None, BYTES)
        .ok_or_else(missing)?;
    let len = instance
        .get_export_index(&mut *store, Some(&interface), "[method]byte-buffer.len")
        .ok_or_else(missing)?;
    let typed = instance.get_typed_func(&mut *store, len)?;
    let func = instance.get_func(&mut *store, len).ok_or_else(missing)?;
    Ok((typed, func))
}

/// Core wasm, no component model: the tiny module, and memkit's own core module alone.
struct Core {
    store: Store<()>,
    empty: wasmtime::TypedFunc<(), ()>,
    id: wasmtime::TypedFunc<i32, i32>,
    len: wasmtime::TypedFunc<i32, i32>,
    info: wasmtime::TypedFunc<(), i32>,
    /// The byte buffer's rep (its pointer in linear memory): what the component model passes
    /// to the core function for a `borrow<byte-buffer>`.
    rep: i32,
}

impl Core {
    fn new(engine: &Engine) -> wasmtime::Result<Self> {
        let mut store = Store::new(engine, ());
        let tiny = Module::new(engine, TINY_MODULE)?;
        let tiny = wasmtime::Linker::new(engine).instantiate(&mut store, &tiny)?;
        let empty = tiny.get_typed_func(&mut store, "empty")?;
        let id = tiny.get_typed_func(&mut store, "id")?;

        let memkit = Module::new(engine, main_core_module(&std::fs::read(component_path())?)?)?;
        let mut linker = wasmtime::Linker::new(engine);
        // The only imports are the resource intrinsics of memkit's own resources. Stubbed,
        // a handle is its rep: `[resource-new]` and `[resource-rep]` return their argument.
        for import in memkit.imports() {
            let (module, name) = (import.module(), import.name());
            if name.starts_with("[resource-drop]") {
                linker.func_wrap(module, name, |_: i32| {})?;
            } else if name.starts_with("[resource-new]") || name.starts_with("[resource-rep]") {
                linker.func_wrap(module, name, |x: i32| x)?;
            } else {
                wasmtime::bail!("memkit's core module imports {module}::{name}, not stubbed");
            }
        }
        let memkit = linker.instantiate(&mut store, &memkit)?;
        let rep = memkit
            .get_typed_func::<i32, i32>(&mut store, &format!("{BYTES}#[constructor]byte-buffer"))?
            .call(&mut store, 0)?;
        let len = memkit.get_typed_func(&mut store, &format!("{BYTES}#[method]byte-buffer.len"))?;
        let info = memkit.get_typed_func(&mut store, "memkit:core/memory@0.4.0#info")?;
        Ok(Self {
            store,
            empty,
            id,
            len,
            info,
            rep,
        })
    }
}

/// The largest core module of a component binary: memkit's code (the others are the small
/// shims `wasm-tools component new` adds). Reads only the top-level sections: a component is
/// the preamble `\0asm` + version 0x0d + layer 1, then `id, size (LEB128), contents`, and
/// core module sections (id 1) hold a whole core module.
fn main_core_module(component: &[u8]) -> wasmtime::Result<&[u8]> {
    if component.get(..8) != Some(b"\0asm\x0d\x00\x01\x00") {
        wasmtime::bail!("not a component binary");
    }
    let mut at = 8;
    let mut largest: &[u8] = &[];
    while at < component.len() {
        let id = component[at];
        at += 1;
        let (mut size, mut shift) = (0usize, 0);
        loop {
            let byte = *component
                .get(at)
                .ok_or_else(|| wasmtime::format_err!("truncated component"))?;
            at += 1;
            size |= usize::from(byte & 0x7f) << shift;
            shift += 7;
            if byte < 0x80 {
                break;
            }
        }
        let contents = component
            .get(at..at + size)
            .ok_or_else(|| wasmtime::format_err!("truncated component"))?;
        if id == 1 && contents.len() > largest.len() {
            largest = contents;
        }
        at += size;
    }
    Ok(largest)
}

/// Every environment the call-cost measurements use.
struct Envs {
    // `host_buf` before `host`: the guard drops first, then the `Host` releases it and
    // checks for leaks.
    host_buf: Owned,
    host: Host,
    base: Env,
    variants: Vec<(&'static str, Env)>,
    core: Core,
    native: memkit::bytes::ByteBuffer,
}

type Runner = Box<dyn FnMut(&mut Envs, u64)>;

fn each<R>(mut call: impl FnMut(&mut Envs) -> R + 'static) -> Runner {
    Box::new(move |envs, n| {
        for _ in 0..n {
            black_box(call(envs));
        }
    })
}

/// A row of the call-cost table.
struct Row {
    what: String,
    run: Runner,
    series: Series,
}

fn row(what: impl Into<String>, run: Runner) -> Row {
    Row {
        what: what.into(),
        run,
        series: Series::default(),
    }
}

pub fn run(timer: &Timer, rounds: usize) -> wasmtime::Result<()> {
    eprintln!("calls: compiling the component for each Config (and memkit's core module)");
    let mut host = Host::new();
    let host_buf = host
        .api
        .memkit_core_bytes()
        .byte_buffer()
        .call_constructor(&mut host.store, 0)?
        .owned(&host.store);
    // Host's config: concurrency support off, everything else wasmtime's default.
    let base = Env::new(|c| {
        c.concurrency_support(false);
    })?;
    let variants = vec![
        (
            "wasmtime's default (`concurrency_support(true)`)",
            Env::new(|_| {})?,
        ),
        (
            "Host's + `signals_based_traps(false)`",
            Env::new(|c| {
                c.concurrency_support(false).signals_based_traps(false);
            })?,
        ),
        (
            "Host's + `compiler_inlining(Inlining::Yes)`",
            Env::new(|c| {
                c.concurrency_support(false)
                    .compiler_inlining(Inlining::Yes);
            })?,
        ),
    ];
    let core = Core::new(base.store.engine())?;
    let mut envs = Envs {
        host_buf,
        host,
        base,
        variants,
        core,
        native: memkit::bytes::ByteBuffer::with_capacity_hint(0),
    };
    verify(&mut envs);

    let mut rows = vec![
        row(
            "native `ByteBuffer::len` (the memkit rlib)",
            each(|e| black_box(&e.native).len()),
        ),
        row(
            "core wasm: empty function `[] -> []` (`TypedFunc`)",
            each(|e| e.core.empty.call(&mut e.core.store, ()).unwrap()),
        ),
        row(
            "core wasm: `[i32] -> [i32]` identity",
            each(|e| e.core.id.call(&mut e.core.store, 7).unwrap()),
        ),
        row(
            "core wasm: memkit's `[method]byte-buffer.len`, its core module alone",
            each(|e| e.core.len.call(&mut e.core.store, e.core.rep).unwrap()),
        ),
        row(
            "core wasm: memkit's `memory.info` (returns a pointer)",
            each(|e| e.core.info.call(&mut e.core.store, ()).unwrap()),
        ),
        row(
            "component: `memory.info` (free function, 8-field record back)",
            each(|e| e.base.info()),
        ),
        row(
            "component: `checksums.digest(crc32, [])` (free function, list in and out)",
            each(|e| e.base.digest_empty()),
        ),
        row(
            "component: `byte-buffer.len` (resource method, bindgen)",
            each(|e| e.base.len()),
        ),
        row(
            "component: `byte-buffer.len` via `get_typed_func`",
            each(|e| e.base.len_typed()),
        ),
        row(
            "component: `byte-buffer.len` via `Func::call` with `Val`s",
            each(|e| e.base.len_dynamic()),
        ),
        row(
            "component: `byte-buffer.len` through host-test's `Host` (as the jobs)",
            each(|e| {
                let buf = *e.host_buf;
                let api = e.host.api.clone();
                api.memkit_core_bytes()
                    .byte_buffer()
                    .call_len(&mut e.host.store, buf)
                    .unwrap()
            }),
        ),
    ];
    let first_variant = rows.len();
    let variant_names: Vec<&str> = envs.variants.iter().map(|(name, _)| *name).collect();
    for (i, (name, _)) in envs.variants.iter().enumerate() {
        rows.push(row(
            format!("`byte-buffer.len`, {name}"),
            each(move |e| e.variants[i].1.len()),
        ));
        rows.push(row(
            format!("`memory.info`, {name}"),
            each(move |e| e.variants[i].1.info()),
        ));
    }

    for round in 0..rounds {
        // Rotate the order each round, so no row always runs first.
        let len = rows.len();
        for k in 0..len {
            let row = &mut rows[(k + round * 3) % len];
            timer.measure(&mut row.series, &mut |n| (row.run)(&mut envs, n));
        }
        eprintln!("calls: round {}/{rounds}", round + 1);
    }
    drop(envs); // the Host's leak check

    let stats: Vec<Stat> = rows.iter().map(|r| r.series.stat()).collect();
    println!("### Call cost\n");
    println!(
        "One call each, in a plain `Store<()>` of an engine with host-test's `Config` \
         (`concurrency_support(false)`) unless the row says otherwise.\n"
    );
    println!("| call | time per call |");
    println!("|---|---|");
    for (row, stat) in rows.iter().zip(&stats).take(first_variant) {
        println!("| {} | {} |", row.what, format_stat(*stat));
    }
    println!();

    let m = |i: usize| stats[i].median;
    let (empty, core_len, core_info, info, len, typed, dynamic, via_host) =
        (m(1), m(3), m(4), m(5), m(7), m(8), m(9), m(10));
    println!("#### Where the time of `byte-buffer.len` goes\n");
    println!("Differences of the medians above; each part is a difference of two measurements.\n");
    println!("| part | ns | share |");
    println!("|---|---|---|");
    let part = |what: &str, ns: f64| {
        println!("| {what} | {} | {:.0} % |", format_ns(ns), ns / len * 100.0);
    };
    part(
        "wasmtime's host → wasm entry and exit (the empty core function)",
        empty,
    );
    part(
        "memkit's `len` in core wasm (its core export − the empty function)",
        core_len - empty,
    );
    part(
        "the component layer: wasmtime's work around the core call (component `len` − \
         core `len`)",
        len - core_len,
    );
    println!(
        "| **component `byte-buffer.len` (bindgen)** | **{}** | 100 % |",
        format_ns(len)
    );
    println!();
    println!(
        "- `get_typed_func` instead of bindgen: {:+.1} ns (bindgen makes the same `TypedFunc` \
         unchecked on each call).",
        typed - len
    );
    println!(
        "- untyped `Func::call` with `Val`s: {:+.1} ns (type-checked and boxed values on each call).",
        dynamic - len
    );
    println!(
        "- through host-test's `Host`: {:+.1} ns (`HostStore::as_context_mut` first empties the \
         drop queue of `Owned` guards).",
        via_host - len
    );
    println!(
        "- `memory.info`, a free function with no handle: component {} vs core {}, so {:+.1} ns \
         of component layer too; the layer is mostly per call, and the borrowed handle of `len` \
         adds {:+.1} ns to it.",
        format_ns(info),
        format_ns(core_info),
        info - core_info,
        (len - core_len) - (info - core_info)
    );
    println!(
        "- Inside the component layer: `perf record ./target/release/memkit-bench-wasmtime \
         --only calls`, then `perf report --no-children`."
    );
    println!(
        "- Target: a resource method call ≤ {TARGET_NS:.0} ns: {} ({} in a plain store, {} \
         through `Host`).\n",
        verdict(timer.smoke, len.max(via_host) <= TARGET_NS),
        format_ns(len),
        format_ns(via_host)
    );

    println!("#### Config knobs\n");
    println!(
        "| config | `byte-buffer.len` | vs Host's config | `memory.info` | vs Host's config |"
    );
    println!("|---|---|---|---|---|");
    println!(
        "| Host's: `concurrency_support(false)` | {} | — | {} | — |",
        format_stat(stats[7]),
        format_stat(stats[5])
    );
    for (i, name) in variant_names.iter().enumerate() {
        let s = &stats[first_variant + 2 * i..][..2];
        println!(
            "| {name} | {} | {:+.1} ns | {} | {:+.1} ns |",
            format_stat(s[0]),
            s[0].median - len,
            format_stat(s[1]),
            s[1].median - info
        );
    }
    println!();
    Ok(())
}

/// Every way of calling returns the same answers.
fn verify(e: &mut Envs) {
    let lens = [
        e.base.len(),
        e.base.len_typed(),
        e.base.len_dynamic(),
        e.core.len.call(&mut e.core.store, e.core.rep).unwrap() as u32,
        e.native.len(),
    ];
    assert_eq!(lens, [0; 5], "byte-buffer.len by each path");
    for (name, env) in &mut e.variants {
        assert_eq!(env.len(), 0, "byte-buffer.len, {name}");
        assert!(env.info() >= 1, "memory.info, {name}");
    }
    assert!(e.base.info() >= 1);
    assert_eq!(e.base.digest_empty(), [0; 4]);
    assert_eq!(e.core.id.call(&mut e.core.store, 7).unwrap(), 7);
    e.core.empty.call(&mut e.core.store, ()).unwrap();
    assert!(e.core.info.call(&mut e.core.store, ()).unwrap() > 0);
    eprintln!("ok - calls agree");
}
