//! A seeded, stateful random driver: it calls memkit and the article's component through
//! wasmtime the way a long-lived, careless host would, and checks that neither component ever
//! traps and that both agree with a model.
//!
//! A run of one seed holds live handles of every resource memkit exports, each with a model of
//! what it holds, and calls random operations on them, and the free functions, with arguments
//! biased to edge values (0, 1, len-1, len, len+1, u32::MAX, empty lists, NaN and infinities,
//! malformed JSON, corrupted records). Every answer is judged against the model:
//!
//! - an `Err` from wasmtime (a trap, a refused entry) is a finding, and ends the seed;
//! - so is an answer the model does not allow;
//! - a failed call must leave the model as it was (a call that fails changes nothing), except
//!   where the contract says otherwise (a record reader fails for good on its first bad record).
//!
//! The driver also *squeezes* the instance ([`HostStore::squeeze`](crate::HostStore::squeeze): memory filled to its last bytes,
//! the reserve intact) and later releases it. While squeezed, a call that may allocate may
//! answer `out-of-memory` (also as `json-error`'s case of that name, or `missing`'s first gap
//! alone) instead of the model's value, and must then change nothing. memory.wit promises a
//! typed answer only to a call that starts with the reserve intact, so while squeezed the
//! driver squeezes again whenever an earlier call drew the reserve. A list that does not fit in
//! memory fails the host's lowering of its call (memory.wit), so lists passed while squeezed
//! stay within 4 KiB (what may use the reserve), and large ones only go when memory has room.
//! Out of a squeeze, `out-of-memory` is accepted only when the heap is near the cap for what
//! the call asks.
//!
//! Every few hundred operations and at the end of a seed, every handle is dropped and the
//! allocator must be back to the used bytes and live allocations of a fresh instance.
//!
//! A run is a pure function of its seed: replaying a seed replays the same calls. The model of
//! each interface, and its operations, are in the submodule named for it, which ends with its
//! `INTERFACE`: the component that exports it, each operation with the WIT functions it drives
//! and its weight, and the resources whose handles it keeps. Adding an interface is adding its
//! file and its name to `interfaces!` below, in the list of the world that exports it. A run
//! drives one of memkit's worlds ([`Settings::world`]), `memkit` or `memkit-async` (which adds
//! the `streams` interface, whose calls run in wasmtime's event loop, `crate::streams`), and
//! the article's component beside it in the same store ([`Host`]); an operation's answers are
//! judged against the memory of the component it calls. What the driver must reach is read
//! from the components themselves ([`exports`]), so the tests name every exported function
//! that no operation drives
//! ([`undriven_functions`]) or that a run did not call ([`Report::uncalled`]), every function
//! an operation names that memkit does not export ([`unexported_functions`]), and every
//! exported resource whose handles the driver does not keep ([`unheld_resources`]).

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::fmt;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::{Duration, Instant};

use fastrand::Rng;
use wasmtime::component::types::ComponentItem;
use wasmtime::component::ResourceAny;
use wasmtime::Engine;

use crate::article::{points::Point3d, Article};
use crate::streams::Streams;
use crate::{
    article, Error, Host, HostStore, Memkit, MemoryInfo, OutOfBounds, Squeezed, World, MIB,
};

use bytes::BytesModel;
use chunks::AssemblerModel;
use floats::FloatsModel;
use points::PointPoolModel;
use pools::BufferPoolModel;
use records::{ReaderModel, RecordModel};

/// The memory cap of every run's instance.
pub const MEMORY_LIMIT: usize = 16 * MIB;

/// Operations between two checks that dropping every handle gives all memory back.
const DROP_ALL_EVERY: u64 = 500;
/// Live handles of one resource kind a run keeps at most.
const MAX_LIVE: usize = 12;
/// Operations remembered for a finding's report.
const RECENT: usize = 16;
/// The largest argument that may draw on the component's reserve (memory.wit); while squeezed,
/// every list the driver passes stays within it.
const SMALL_ARGUMENT: usize = 4096;
/// One list in this many is large (never while squeezed).
const LARGE_ONE_IN: u32 = 200;
/// The largest list the driver passes.
const MAX_LARGE: usize = 3 * MIB;
/// The allocator's emergency reserve (memory.wit).
const RESERVE_BYTES: u64 = 65536;

/// What to run: seeds `first_seed`, `first_seed + 1`, … until `seeds` have run or `budget`
/// is spent.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The world whose component is driven.
    pub world: World,
    pub first_seed: u64,
    /// The most seeds to run (`u64::MAX`: as many as the budget allows).
    pub seeds: u64,
    /// Wall-clock time for the whole run; the seed running when it ends stops there.
    pub budget: Duration,
    /// Operations of one seed (each one or a few calls).
    pub operations_per_seed: u64,
}

/// What a run did and found.
#[derive(Debug, Default, Clone)]
pub struct Report {
    /// The world whose component was driven.
    pub world: World,
    /// Seeds started.
    pub seeds: u64,
    /// Calls into the component made by the driver (not counting those of `HostStore::squeeze`).
    pub calls: u64,
    /// Calls per WIT function (named as in [`exports`]), dropped handles (`resource.drop`), and
    /// the driver's own steps (`driver.*`).
    pub operations: BTreeMap<&'static str, u64>,
    /// Answers that said memory ran out.
    pub out_of_memory_answers: u64,
    /// Times the driver squeezed the instance (not counting squeezes again after a call drew
    /// the reserve).
    pub squeezes: u64,
    /// What went wrong; the run stops at the first.
    pub findings: Vec<Finding>,
    /// Wall-clock time of the run so far.
    pub elapsed: Duration,
}

impl Report {
    /// The functions memkit exports that the run has not called yet.
    pub fn uncalled(&self) -> Vec<String> {
        exports(self.world)
            .functions
            .into_iter()
            .filter(|f| !self.operations.contains_key(f.as_str()))
            .collect()
    }

    fn count(&mut self, operation: &'static str) {
        *self.operations.entry(operation).or_default() += 1;
    }
}

impl Report {
    /// Calls made per second of the run.
    pub fn calls_per_second(&self) -> f64 {
        self.calls as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let seconds = self.elapsed.as_secs_f64();
        writeln!(
            f,
            "{}: {} seeds, {} calls in {seconds:.1} s ({:.0} calls/s), {} squeezes, {} out-of-memory answers, {} findings",
            self.world.name(),
            self.seeds,
            self.calls,
            self.calls_per_second(),
            self.squeezes,
            self.out_of_memory_answers,
            self.findings.len()
        )?;
        for (operation, count) in &self.operations {
            writeln!(f, "  {operation:<28} {count}")?;
        }
        Ok(())
    }
}

/// A trap, or an answer the model does not allow.
#[derive(Debug, Clone)]
pub struct Finding {
    pub seed: u64,
    /// The operation's number within its seed, from 0.
    pub operation: u64,
    /// The operation and its arguments.
    pub call: String,
    /// wasmtime's error, or how the answer differs from the model.
    pub error: String,
    /// The operations before it, oldest first.
    pub recent: Vec<String>,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "seed {}, operation {}: {}",
            self.seed, self.operation, self.call
        )?;
        writeln!(f, "  {}", self.error.replace('\n', "\n  "))?;
        writeln!(f, "  operations before it, oldest first:")?;
        for call in &self.recent {
            writeln!(f, "    {call}")?;
        }
        Ok(())
    }
}

/// Runs seeds one after another until enough have run, the budget is spent or a finding stops
/// the run.
/// `progress` is called about once a second with the report so far.
pub fn fuzz(settings: &Settings, progress: &mut dyn FnMut(&Report)) -> Report {
    let started = Instant::now();
    let deadline = started + settings.budget;
    let mut report = Report {
        world: settings.world,
        ..Report::default()
    };
    let mut ticker = Ticker {
        started,
        last: started,
        progress,
    };
    let mut seed = settings.first_seed;
    while report.seeds < settings.seeds && Instant::now() < deadline && report.findings.is_empty() {
        report.seeds += 1;
        run_seed(
            settings.world,
            seed,
            settings.operations_per_seed,
            deadline,
            &mut report,
            &mut ticker,
        );
        seed = seed.wrapping_add(1);
    }
    report.elapsed = started.elapsed();
    report
}

/// Calls the progress callback about once a second.
struct Ticker<'p> {
    started: Instant,
    last: Instant,
    progress: &'p mut dyn FnMut(&Report),
}

impl Ticker<'_> {
    fn tick(&mut self, report: &mut Report) {
        let now = Instant::now();
        if now - self.last >= Duration::from_secs(1) {
            self.last = now;
            report.elapsed = now - self.started;
            (self.progress)(report);
        }
    }
}

fn run_seed(
    world: World,
    seed: u64,
    operations: u64,
    deadline: Instant,
    report: &mut Report,
    ticker: &mut Ticker<'_>,
) {
    let mut host = Host::of_world(world, MEMORY_LIMIT);
    let streams = (world == World::MemkitAsync).then(|| Streams::of(&mut host));
    let fresh = host.store.memory_info();
    let article_fresh = host.store.article_memory_info();
    let mut run = Run {
        rng: Rng::with_seed(seed),
        world,
        target: Target::Memkit,
        host,
        streams,
        report: std::mem::take(report),
        baseline: (fresh.used_bytes, fresh.live_allocations),
        article_baseline: (article_fresh.used_bytes, article_fresh.live_allocations),
        squeezed: None,
        handles: Handles::default(),
        number: 0,
        drives: &[],
        recent: VecDeque::with_capacity(RECENT + 1),
    };
    let outcome = run.operate(operations, deadline, ticker);
    *report = std::mem::take(&mut run.report);
    let Err(failure) = outcome else {
        return; // `run.host` drops here, and asserts once more that nothing leaked.
    };
    let (kind, text) = match failure {
        Failure::Host(text) => ("wasmtime error", text),
        Failure::Model(text) => ("the model disagrees", text),
    };
    let call = run.recent.pop_back().unwrap_or_default();
    report.findings.push(Finding {
        seed,
        operation: run.number,
        call,
        error: format!("{kind}: {text}"),
        recent: run.recent.drain(..).collect(),
    });
    // After a trap the instance cannot be entered again, and after a disagreement its state is
    // not what the model says: its leak check on drop would only add noise.
    std::mem::forget(run.host);
}

/// Why a step of a run stopped it.
enum Failure {
    /// wasmtime returned an error: a trap, or an instance that cannot be entered.
    Host(String),
    /// The component answered something the model does not allow.
    Model(String),
}

type Step<T = ()> = Result<T, Failure>;

/// Stops the run with a model disagreement unless `$cond` holds.
macro_rules! ensure {
    ($cond:expr, $($why:tt)+) => {
        if !$cond {
            return Err($crate::stateful::Failure::Model(format!($($why)+)));
        }
    };
}

// ---------------------------------------------------------------------------------------------
// What the driver reaches: each interface's operations and resources, and what memkit exports.

/// Declares the module of each WIT interface the driver reaches and gathers their
/// [`Interface`]s, by the world that exports them: an interface is added by its file and its
/// name here. (`memory` is exported by both components: its module declares an interface for
/// each.)
macro_rules! interfaces {
    (
        memkit: [$($memkit:ident),* $(,)?],
        memkit_async: [$($memkit_async:ident),* $(,)?],
        article: [$($article:ident),* $(,)?] $(,)?
    ) => {
        $(mod $memkit;)*
        $(mod $memkit_async;)*
        $(mod $article;)*

        /// The interfaces of the `memkit` world, which `memkit-async` includes.
        const MEMKIT: &[&Interface] = &[$(&$memkit::INTERFACE),*];
        /// The interfaces `memkit-async` adds.
        const MEMKIT_ASYNC_ADDS: &[&Interface] = &[$(&$memkit_async::INTERFACE),*];
        /// The interfaces of the article's component.
        const ARTICLE: &[&Interface] = &[&memory::ARTICLE_INTERFACE, $(&$article::INTERFACE),*];
    };
}

interfaces! {
    memkit: [bytes, checksums, chunks, memory, pools, records],
    memkit_async: [streams],
    article: [floats, people, points, text],
}

/// Every interface the driver reaches beside `world`'s, in a fixed order.
fn interfaces(world: World) -> impl Iterator<Item = &'static Interface> {
    let adds = match world {
        World::Memkit => &[][..],
        World::MemkitAsync => MEMKIT_ASYNC_ADDS,
    };
    MEMKIT.iter().chain(adds).chain(ARTICLE).copied()
}

/// Which of a [`Host`]'s two components an interface's operations call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    Memkit,
    Article,
}

/// What the driver does with one WIT interface: declared as `INTERFACE` at the end of the
/// module named for it.
struct Interface {
    /// The component whose interface it is.
    target: Target,
    /// The resources it exports, and where the driver keeps their live handles.
    resources: &'static [Resource],
    /// Its operations.
    operations: &'static [Operation],
}

/// One kind of step the driver chooses at random.
struct Operation {
    /// The WIT functions it may call, named as in [`exports`]. [`Run::call`] panics on a call
    /// to one not named here: that the operations drive every function is checked on these.
    drives: &'static [&'static str],
    /// The step: `Ok(false)` when it does not apply now (no handle of its kind, or too many),
    /// so that another is chosen.
    run: fn(&mut Run) -> Step<bool>,
    /// How often it is chosen, relative to the weights of the others.
    weight: u32,
}

impl Operation {
    const fn new(
        drives: &'static [&'static str],
        run: fn(&mut Run) -> Step<bool>,
        weight: u32,
    ) -> Self {
        Self {
            drives,
            run,
            weight,
        }
    }
}

/// The driver's own steps: they call the component only for the driver (`resource.drop`,
/// `memory.info`), never a WIT function for an operation.
const DRIVER_OPERATIONS: &[Operation] = &[
    Operation::new(&[], Run::drop_one, 10),
    Operation::new(&[], Run::drop_all_op, 1),
    Operation::new(&[], Run::squeeze, 1),
    Operation::new(&[], Run::unsqueeze, 2),
];

/// Every operation of a run beside `world`, with the component it calls, in a fixed order: a
/// seed's random choices index into it. (The driver's own steps are memkit's: they squeeze
/// and drop for both.)
fn every_operation(world: World) -> impl Iterator<Item = (Target, &'static Operation)> {
    interfaces(world)
        .flat_map(|interface| interface.operations.iter().map(|op| (interface.target, op)))
        .chain(DRIVER_OPERATIONS.iter().map(|op| (Target::Memkit, op)))
}

/// Every WIT function an operation on `world`'s component drives.
fn driven_functions(world: World) -> BTreeSet<&'static str> {
    every_operation(world)
        .flat_map(|(_, operation)| operation.drives)
        .copied()
        .collect()
}

/// A resource whose handles the driver keeps.
struct Resource {
    /// Its WIT name.
    name: &'static str,
    /// Its live handles among all of a run's.
    live: fn(&mut Handles) -> &mut dyn LiveHandles,
}

/// Every resource of `world` whose handles the driver keeps, in a fixed order.
fn every_resource(world: World) -> impl Iterator<Item = &'static Resource> {
    interfaces(world).flat_map(|interface| interface.resources)
}

/// What memkit's component of a world and the article's export, read from their types. A name
/// both export (`memory.info`) is one name.
#[derive(Debug, Default)]
pub struct Exports {
    /// Every function, named as the driver names it: `text.swap-case` for a function of an
    /// interface, `byte-buffer.len` for a method or static function of a resource, and
    /// `byte-buffer.constructor` for its constructor.
    pub functions: BTreeSet<String>,
    /// Every resource, by its WIT name.
    pub resources: BTreeSet<String>,
}

/// What the component of `world` ([`World::component_path`]) and the article's export.
pub fn exports(world: World) -> Exports {
    let compiled = crate::compiled(world, world == World::MemkitAsync);
    let mut exports = Exports::default();
    for component in [&compiled.memkit, &compiled.article] {
        let mut own = Exports::default();
        for (name, export) in component.component_type().exports(&compiled.engine) {
            own.add(&compiled.engine, None, name, export.ty);
        }
        exports.functions.extend(own.functions);
        exports.resources.extend(own.resources);
    }
    exports
}

impl Exports {
    /// Adds the export `name` of `interface` (`None`: of the component itself).
    fn add(&mut self, engine: &Engine, interface: Option<&str>, name: &str, item: ComponentItem) {
        match item {
            ComponentItem::ComponentInstance(instance) => {
                let interface = interface_name(name);
                for (name, export) in instance.exports(engine) {
                    self.add(engine, Some(interface), name, export.ty);
                }
            }
            ComponentItem::ComponentFunc(_) => {
                let function = function_name(interface, name);
                assert!(
                    self.functions.insert(function.clone()),
                    "two exported functions are both named {function}"
                );
            }
            ComponentItem::Resource(_) => {
                self.resources.insert(name.to_string());
            }
            // Nothing a host calls.
            ComponentItem::Type(_)
            | ComponentItem::CoreFunc(_)
            | ComponentItem::Module(_)
            | ComponentItem::Component(_) => {}
        }
    }
}

/// `bytes` for the instance `memkit:core/bytes@<version>`.
fn interface_name(instance: &str) -> &str {
    let path = instance.split_once('/').map_or(instance, |(_, path)| path);
    path.split_once('@').map_or(path, |(name, _)| name)
}

/// The driver's name for the exported function `name`: the component model names a
/// resource's functions `[constructor]byte-buffer`, `[method]byte-buffer.len` and
/// `[static]byte-buffer.from-list`, an interface's by themselves (`swap-case`).
fn function_name(interface: Option<&str>, name: &str) -> String {
    if let Some(resource) = name.strip_prefix("[constructor]") {
        return format!("{resource}.constructor");
    }
    if let Some(function) = name
        .strip_prefix("[method]")
        .or_else(|| name.strip_prefix("[static]"))
    {
        return function.to_string();
    }
    match interface {
        Some(interface) => format!("{interface}.{name}"),
        None => name.to_string(),
    }
}

/// The functions `world`'s component exports that no operation drives.
pub fn undriven_functions(world: World) -> Vec<String> {
    compare(exports(world).functions, driven_functions(world)).0
}

/// The functions operations on `world`'s component drive that it does not export.
pub fn unexported_functions(world: World) -> Vec<&'static str> {
    compare(exports(world).functions, driven_functions(world)).1
}

/// The resources `world`'s component exports whose handles the driver does not keep: it would
/// never hold, pass or drop one.
pub fn unheld_resources(world: World) -> Vec<String> {
    compare(exports(world).resources, held_resources(world)).0
}

/// The resources the driver keeps handles of that `world`'s component does not export.
pub fn unexported_resources(world: World) -> Vec<&'static str> {
    compare(exports(world).resources, held_resources(world)).1
}

fn held_resources(world: World) -> BTreeSet<&'static str> {
    every_resource(world)
        .map(|resource| resource.name)
        .collect()
}

/// The names only memkit exports, and the names only the driver declares.
fn compare(
    exported: BTreeSet<String>,
    declared: BTreeSet<&'static str>,
) -> (Vec<String>, Vec<&'static str>) {
    let only_exported = exported
        .iter()
        .filter(|name| !declared.contains(name.as_str()))
        .cloned()
        .collect();
    let only_declared = declared
        .into_iter()
        .filter(|name| !exported.contains(*name))
        .collect();
    (only_exported, only_declared)
}

// ---------------------------------------------------------------------------------------------
// Live handles, each with the model of what it holds (in the module of its interface).

/// A handle the host owns and the model of what it holds.
struct Live<M> {
    handle: ResourceAny,
    model: M,
}

/// The live handles of a run, by resource; each interface's [`Resource`]s say which are its.
#[derive(Default)]
struct Handles {
    bytes: Vec<Live<BytesModel>>,
    floats: Vec<Live<FloatsModel>>,
    assemblers: Vec<Live<AssemblerModel>>,
    records: Vec<Live<RecordModel>>,
    readers: Vec<Live<ReaderModel>>,
    buffer_pools: Vec<Live<BufferPoolModel>>,
    points: Vec<Live<Point3d>>,
    point_pools: Vec<Live<PointPoolModel>>,
    hashers: Vec<Live<memkit::checksums::Hasher>>,
}

/// The live handles of one resource, whatever the model of each.
trait LiveHandles {
    fn count(&self) -> usize;
    /// Removes handle `i`, and its model.
    fn take(&mut self, i: usize) -> ResourceAny;
    /// Removes every handle, and their models.
    fn take_all(&mut self) -> Vec<ResourceAny>;
}

impl<M> LiveHandles for Vec<Live<M>> {
    fn count(&self) -> usize {
        self.len()
    }

    fn take(&mut self, i: usize) -> ResourceAny {
        self.swap_remove(i).handle
    }

    fn take_all(&mut self) -> Vec<ResourceAny> {
        self.drain(..).map(|live| live.handle).collect()
    }
}

impl Handles {
    fn take_all(&mut self, world: World) -> Vec<ResourceAny> {
        every_resource(world)
            .flat_map(|resource| (resource.live)(self).take_all())
            .collect()
    }

    /// Removes one handle of a random resource: the resource's name and the handle.
    fn take_random(&mut self, world: World, rng: &mut Rng) -> Option<(&'static str, ResourceAny)> {
        let resources: Vec<&Resource> = every_resource(world).collect();
        for _ in 0..16 {
            let resource = resources[rng.usize(..resources.len())];
            let live = (resource.live)(self);
            if live.count() > 0 {
                let i = rng.usize(..live.count());
                return Some((resource.name, live.take(i)));
            }
        }
        None
    }
}

/// A random live handle of a kind: its index and the handle.
fn pick<M>(rng: &mut Rng, live: &[Live<M>]) -> Option<(usize, ResourceAny)> {
    (!live.is_empty()).then(|| {
        let i = rng.usize(..live.len());
        (i, live[i].handle)
    })
}

// ---------------------------------------------------------------------------------------------
// Judging answers.

/// An error answer of a memkit call, as the model judges it.
trait Refusal: fmt::Debug {
    /// Whether it says memory ran out.
    fn is_out_of_memory(&self) -> bool;
    /// Whether it is the refusal the model expects.
    fn agrees_with(&self, want: &Self) -> bool;
}

impl Refusal for Error {
    fn is_out_of_memory(&self) -> bool {
        matches!(self, Error::OutOfMemory(_))
    }

    /// An `invalid` text need only contain the model's.
    fn agrees_with(&self, want: &Self) -> bool {
        match (self, want) {
            (Error::Invalid(got), Error::Invalid(part)) => got.contains(part.as_str()),
            _ => self == want,
        }
    }
}

impl Refusal for article::Error {
    fn is_out_of_memory(&self) -> bool {
        matches!(self, article::Error::OutOfMemory(_))
    }

    /// An `invalid` text need only contain the model's.
    fn agrees_with(&self, want: &Self) -> bool {
        match (self, want) {
            (article::Error::Invalid(got), article::Error::Invalid(part)) => {
                got.contains(part.as_str())
            }
            _ => self == want,
        }
    }
}

fn same_f64(a: f64, b: f64) -> bool {
    a == b || (a.is_nan() && b.is_nan())
}

/// Whether `got` is `want` up to summation order: NaN and infinities exactly, finite values
/// within a relative error of the magnitudes summed (`scale`).
fn close(got: f64, want: f64, scale: f64) -> bool {
    if want.is_nan() || want.is_infinite() {
        return same_f64(got, want);
    }
    got.is_finite() && (got - want).abs() <= 1e-9 * scale.abs() + 1e-300
}

// ---------------------------------------------------------------------------------------------
// Describing arguments for a finding's report.

fn show_bytes(data: &[u8]) -> String {
    let head: Vec<String> = data.iter().take(8).map(|b| format!("{b:02x}")).collect();
    let more = if data.len() > 8 { " …" } else { "" };
    format!("[{} bytes: {}{more}]", data.len(), head.join(" "))
}

/// A debug rendering cut to a readable length.
fn clip(text: String) -> String {
    const MAX: usize = 400;
    if text.len() <= MAX {
        return text;
    }
    let mut end = MAX;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}… ({} bytes)", &text[..end], text.len())
}

// ---------------------------------------------------------------------------------------------
// Random arguments, biased to edges.

/// An offset or length over `len` elements: 0, 1, len-1, len, len+1, u32::MAX, u32::MAX-1,
/// or anything from 0 to len.
fn edge(rng: &mut Rng, len: u32) -> u32 {
    match rng.u32(..12) {
        0 => 0,
        1 => 1,
        2 => len.saturating_sub(1),
        3 => len,
        4 => len.saturating_add(1),
        5 => u32::MAX,
        6 => u32::MAX - 1,
        _ => rng.u32(..=len),
    }
}

fn random_bytes(rng: &mut Rng, len: usize) -> Vec<u8> {
    let mut data = vec![0u8; len];
    match rng.u32(..4) {
        0 => {}
        1 => data.fill(rng.u8(..)),
        2 => data.iter_mut().enumerate().for_each(|(i, b)| *b = i as u8),
        _ => rng.fill(&mut data),
    }
    data
}

// ---------------------------------------------------------------------------------------------
// One seed's run.

struct Run {
    rng: Rng,
    world: World,
    /// The component the operation running calls, whose memory judges its answers.
    target: Target,
    host: Host,
    /// The `streams` interface of `host`, on `memkit-async` only.
    streams: Option<Streams>,
    /// The report of the whole run, held while this seed runs.
    report: Report,
    /// `used-bytes` and `live-allocations` of memkit's fresh instance.
    baseline: (u64, u64),
    /// The same of the article's.
    article_baseline: (u64, u64),
    squeezed: Option<Squeezed>,
    handles: Handles,
    /// The number of the operation running.
    number: u64,
    /// The WIT functions the operation running drives.
    drives: &'static [&'static str],
    /// The last operations, the running one last.
    recent: VecDeque<String>,
}

impl Run {
    fn operate(&mut self, operations: u64, deadline: Instant, ticker: &mut Ticker<'_>) -> Step {
        let choices: Vec<(Target, &Operation)> = every_operation(self.world).collect();
        let total_weight: u32 = choices.iter().map(|(_, operation)| operation.weight).sum();
        for number in 0..operations {
            if Instant::now() >= deadline {
                break;
            }
            self.number = number;
            if number > 0 && number % DROP_ALL_EVERY == 0 {
                self.begin("driver.drop-all (periodic)".into());
                self.drop_all()?;
            }
            if self.squeezed.is_some() {
                self.keep_reserve()?;
            }
            loop {
                let mut choice = self.rng.u32(..total_weight);
                let (target, operation) = choices
                    .iter()
                    .find(|(_, operation)| {
                        let here = choice < operation.weight;
                        choice = choice.saturating_sub(operation.weight);
                        here
                    })
                    .expect("a weight covers the choice");
                self.drives = operation.drives;
                self.target = *target;
                if (operation.run)(self)? {
                    break;
                }
            }
            ticker.tick(&mut self.report);
        }
        self.begin("driver.drop-all (end of seed)".into());
        self.drop_all()
    }

    /// Records the operation about to run, with its arguments.
    fn begin(&mut self, call: String) {
        if self.recent.len() == RECENT + 1 {
            self.recent.pop_front();
        }
        self.recent.push_back(call);
    }

    /// Calls the component for the operation running, which must drive `function` (the WIT
    /// function, named as in [`exports`]): a call its declaration leaves out panics, since the
    /// check that every exported function is driven reads the declarations.
    fn call<T>(
        &mut self,
        function: &'static str,
        f: impl FnOnce(&mut HostStore, &Memkit) -> wasmtime::Result<T>,
    ) -> Step<T> {
        assert!(
            self.drives.contains(&function),
            "an operation that drives {:?} called {function}: add it to the operation's `drives`",
            self.drives
        );
        self.call_for_driver(function, f)
    }

    /// [`call`](Self::call) for a function of the article's component.
    fn call_article<T>(
        &mut self,
        function: &'static str,
        f: impl FnOnce(&mut HostStore, &Article) -> wasmtime::Result<T>,
    ) -> Step<T> {
        let article = self.host.article.clone();
        self.call(function, |store, _| f(store, &article))
    }

    /// [`call`](Self::call) for a function of `streams`, which only `memkit-async` exports.
    fn call_streams<T>(
        &mut self,
        function: &'static str,
        f: impl FnOnce(&mut HostStore, &Streams) -> wasmtime::Result<T>,
    ) -> Step<T> {
        let streams = self
            .streams
            .clone()
            .expect("streams operations run on memkit-async only");
        self.call(function, |store, _| f(store, &streams))
    }

    /// Calls the component for the driver itself, whatever operation runs (`memory.info` to
    /// judge an answer, `resource.drop`): counts the call under `function` and turns a wasmtime
    /// error into a finding.
    fn call_for_driver<T>(
        &mut self,
        function: &'static str,
        f: impl FnOnce(&mut HostStore, &Memkit) -> wasmtime::Result<T>,
    ) -> Step<T> {
        self.report.calls += 1;
        self.report.count(function);
        let api = self.host.api.clone();
        f(&mut self.host.store, &api).map_err(|e| Failure::Host(format!("{function}: {e:?}")))
    }

    /// Runs a `Host` helper that panics when the component traps, turning the panic into a
    /// finding.
    fn guard<T>(&mut self, f: impl FnOnce(&mut Host) -> T) -> Step<T> {
        catch_unwind(AssertUnwindSafe(|| f(&mut self.host))).map_err(|panic| {
            let text = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            Failure::Host(format!("a Host helper panicked: {text}"))
        })
    }

    /// `memory.info` of the component the operation running calls.
    fn memory_info(&mut self) -> Step<MemoryInfo> {
        self.memory_info_of(self.target)
    }

    fn memory_info_of(&mut self, target: Target) -> Step<MemoryInfo> {
        match target {
            Target::Memkit => {
                self.call_for_driver("memory.info", |s, m| m.memkit_core_memory().call_info(s))
            }
            Target::Article => {
                let article = self.host.article.clone();
                let info = self.call_for_driver("memory.info", |s, _| {
                    article.memkit_core_memory().call_info(s)
                })?;
                Ok(memkit_info(info))
            }
        }
    }

    /// Judges the answer of a call that can fail against the model's `want`.
    ///
    /// `Some(value)` when it succeeded as the model says: the caller checks the value and
    /// applies the call to the model. `None` when it failed as the model says, or ran out of
    /// memory where that is allowed: the model stays as it was. `need` is what the call may
    /// allocate in bytes, 0 when it allocates nothing a caller sized (then out-of-memory is
    /// never allowed).
    fn judge<T: fmt::Debug, E: Refusal>(
        &mut self,
        got: Result<T, E>,
        want: &Result<(), E>,
        need: u64,
    ) -> Step<Option<T>> {
        let error = match got {
            Ok(value) if want.is_ok() => return Ok(Some(value)),
            Ok(value) => {
                return Err(Failure::Model(clip(format!(
                    "expected {want:?}, got Ok({value:?})"
                ))))
            }
            Err(error) => error,
        };
        if error.is_out_of_memory() {
            self.report.out_of_memory_answers += 1;
        }
        if let Err(refusal) = want {
            if error.agrees_with(refusal) {
                return Ok(None);
            }
        }
        if error.is_out_of_memory() && need > 0 && self.may_run_out(need)? {
            return Ok(None);
        }
        Err(Failure::Model(clip(format!(
            "expected {want:?}, got Err({error:?})"
        ))))
    }

    /// Whether a call that may allocate `need` bytes can be refused for lack of memory: always
    /// while squeezed, else only when that much (twice, for growth) does not fit under the cap.
    fn may_run_out(&mut self, need: u64) -> Step<bool> {
        if self.squeezed.is_some() {
            return Ok(true);
        }
        let info = self.memory_info()?;
        Ok(info.used_bytes + info.reserve_bytes + 2 * need + MIB as u64 > MEMORY_LIMIT as u64)
    }

    /// Whether a list of `bytes` can be passed without crowding memory (the model then still
    /// expects every call on it to succeed).
    fn roomy(&mut self, bytes: u64) -> Step<bool> {
        let info = self.memory_info()?;
        Ok(
            info.used_bytes + info.reserve_bytes + 4 * bytes + 2 * MIB as u64
                <= MEMORY_LIMIT as u64,
        )
    }

    /// A list length: mostly small, some up to 4 KiB, rarely (never while squeezed, and only
    /// when memory has room) up to a few MiB.
    fn size(&mut self) -> Step<usize> {
        let small = match self.rng.u32(..20) {
            0 => 0,
            1 => 1,
            2..=9 => self.rng.usize(..=64),
            10..=16 => self.rng.usize(..=512),
            _ => self.rng.usize(..=SMALL_ARGUMENT),
        };
        if self.squeezed.is_none() && self.rng.u32(..LARGE_ONE_IN) == 0 {
            let bits = self.rng.u32(12..22);
            let large = self.rng.usize(1 << bits..2 << bits).min(MAX_LARGE);
            if self.roomy(large as u64)? {
                return Ok(large);
            }
        }
        Ok(small)
    }

    /// How much of a list of `len` bytes the driver may pass now. A list that does not fit in
    /// memory fails the host's lowering of the call (memory.wit), so a large one is cut to
    /// 4 KiB unless memory has room, and while squeezed every one is (a list of at most 4 KiB
    /// may use the reserve).
    fn list_room(&mut self, len: usize) -> Step<usize> {
        if len <= SMALL_ARGUMENT {
            return Ok(len);
        }
        if self.squeezed.is_none() && self.roomy(len as u64)? {
            return Ok(len);
        }
        Ok(SMALL_ARGUMENT)
    }

    fn payload(&mut self) -> Step<Vec<u8>> {
        let len = self.size()?;
        Ok(random_bytes(&mut self.rng, len))
    }

    /// A capacity hint: small, or more than memory can hold.
    fn capacity_hint(&mut self) -> u32 {
        match self.rng.u32(..8) {
            0 => 0,
            1 => 1,
            2 => 64,
            3 => u32::MAX,
            4 => u32::MAX - 1,
            5 => 1 << 30,
            _ => self.rng.u32(..=SMALL_ARGUMENT as u32),
        }
    }

    // --- driver steps -------------------------------------------------------------------------

    /// Drops every handle and checks that the allocator is back where a fresh instance was.
    fn drop_all(&mut self) -> Step {
        self.report.count("driver.drop-all");
        if let Some(held) = self.squeezed.take() {
            self.guard(|host| host.store.release(held))?;
        }
        for handle in self.handles.take_all(self.world) {
            self.call_for_driver("resource.drop", |s, _| handle.resource_drop(s))?;
        }
        for (target, baseline) in [
            (Target::Memkit, self.baseline),
            (Target::Article, self.article_baseline),
        ] {
            let info = self.memory_info_of(target)?;
            ensure!(
                (info.used_bytes, info.live_allocations) == baseline,
                "leak in {target:?}: with every handle dropped, used-bytes and live-allocations are ({}, {}), a fresh instance had {baseline:?}",
                info.used_bytes,
                info.live_allocations,
            );
            // The reserve is taken on the first allocation, so a fresh instance may not hold
            // it yet.
            ensure!(
                info.reserve_bytes == RESERVE_BYTES || info.peak_used_bytes == 0,
                "{target:?}: with every handle dropped, the reserve is not retaken: {info:?}"
            );
        }
        Ok(())
    }

    fn drop_all_op(&mut self) -> Step<bool> {
        self.begin("driver.drop-all".into());
        self.drop_all()?;
        Ok(true)
    }

    fn drop_one(&mut self) -> Step<bool> {
        let Some((kind, handle)) = self.handles.take_random(self.world, &mut self.rng) else {
            return Ok(false);
        };
        self.begin(format!("drop a {kind}"));
        self.call_for_driver("resource.drop", |s, _| handle.resource_drop(s))?;
        Ok(true)
    }

    fn squeeze(&mut self) -> Step<bool> {
        if self.squeezed.is_some() {
            return Ok(false);
        }
        self.begin("driver.squeeze".into());
        self.report.count("driver.squeeze");
        self.report.squeezes += 1;
        self.squeezed = Some(self.guard(|host| host.store.squeeze())?);
        Ok(true)
    }

    fn unsqueeze(&mut self) -> Step<bool> {
        let Some(held) = self.squeezed.take() else {
            return Ok(false);
        };
        self.begin("driver.unsqueeze".into());
        self.report.count("driver.unsqueeze");
        self.guard(|host| host.store.release(held))?;
        Ok(true)
    }

    /// A call is promised a typed answer only when it starts with the reserve intact
    /// (memory.wit); when an earlier call drew it, the heap is emptied and squeezed again.
    fn keep_reserve(&mut self) -> Step {
        if self.memory_info_of(Target::Memkit)?.reserve_bytes == RESERVE_BYTES
            && self.memory_info_of(Target::Article)?.reserve_bytes == RESERVE_BYTES
        {
            return Ok(());
        }
        self.begin("driver.squeeze again (a call drew the reserve)".into());
        self.report.count("driver.squeeze-again");
        let held = self.squeezed.take().expect("squeezed");
        self.guard(|host| host.store.release(held))?;
        for target in [Target::Memkit, Target::Article] {
            let info = self.memory_info_of(target)?;
            ensure!(
                info.reserve_bytes == RESERVE_BYTES,
                "{target:?}: the reserve is not retaken once the squeeze is released: {info:?}"
            );
        }
        self.squeezed = Some(self.guard(|host| host.store.squeeze())?);
        Ok(())
    }
}

/// The article's `memory-info`, the same record, as memkit's bindings type it.
fn memkit_info(info: article::MemoryInfo) -> MemoryInfo {
    MemoryInfo {
        pages: info.pages,
        total_bytes: info.total_bytes,
        used_bytes: info.used_bytes,
        free_bytes: info.free_bytes,
        peak_used_bytes: info.peak_used_bytes,
        live_allocations: info.live_allocations,
        reserve_bytes: info.reserve_bytes,
        reserve_draws: info.reserve_draws,
    }
}

/// `offset..offset + len` when it lies inside `0..size`, else the out-of-bounds error.
fn in_bounds(offset: u32, len: u32, size: u32) -> Result<std::ops::Range<usize>, OutOfBounds> {
    match offset.checked_add(len) {
        Some(end) if end <= size => Ok(offset as usize..end as usize),
        _ => Err(OutOfBounds { offset, len, size }),
    }
}
