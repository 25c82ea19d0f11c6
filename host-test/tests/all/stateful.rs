use std::time::Duration;

use host_test::stateful::{
    exports, fuzz, undriven_functions, unexported_functions, unexported_resources,
    unheld_resources, Report, Settings,
};
use host_test::World;

/// Runs `seeds` seeds from `first_seed` of `world`'s component within `budget` and fails with
/// the first finding, which names the seed that replays it (`cargo run --release -p host-test
/// --bin fuzz-host -- 10 <seed>`, with `--world memkit-async` for that world).
fn run(
    world: World,
    first_seed: u64,
    seeds: u64,
    budget: Duration,
    operations_per_seed: u64,
) -> Report {
    let settings = Settings {
        world,
        first_seed,
        seeds,
        budget,
        operations_per_seed,
    };
    let report = fuzz(&settings, &mut |_| {});
    if let Some(finding) = report.findings.first() {
        panic!("{finding}\n{report}");
    }
    report
}

#[test]
fn random_calls_with_memory_squeezed_never_trap_and_agree_with_the_model() {
    // Fixed seeds 1, 2, 3, … of 5000 operations each, for about 3 seconds.
    let report = run(World::Memkit, 1, u64::MAX, Duration::from_secs(3), 5000);
    assert_a_full_run(&report, 20_000);
}

/// The same on `memkit-async.wasm`, whose `streams` calls each run wasmtime's event loop
/// until memkit's tasks have ended.
#[test]
fn random_calls_with_streams_on_memkit_async_never_trap_and_agree_with_the_model() {
    let report = run(
        World::MemkitAsync,
        1,
        u64::MAX,
        Duration::from_secs(3),
        5000,
    );
    assert_a_full_run(&report, 5_000);
}

/// A run made `least_calls` calls or more, on two seeds or more, squeezed memory, got
/// out-of-memory answers, and called every function the component exports.
fn assert_a_full_run(report: &Report, least_calls: u64) {
    eprintln!("{report}");
    // A release build makes over 300 000 calls a second; the floor only shows the run worked.
    assert!(report.calls >= least_calls, "too few calls: {report}");
    assert!(report.seeds >= 2, "too few seeds: {report}");
    assert!(report.squeezes > 0, "never squeezed: {report}");
    assert!(
        report.out_of_memory_answers > 0,
        "no call ran out of memory: {report}"
    );
    assert_eq!(
        report.uncalled(),
        Vec::<String>::new(),
        "exported functions this run did not call\n{report}"
    );
}

#[test]
fn a_seed_replays_the_same_calls() {
    for world in World::ALL {
        assert_a_seed_replays(world);
    }
}

fn assert_a_seed_replays(world: World) {
    let once = run(world, 7, 1, Duration::from_secs(60), 1500);
    let again = run(world, 7, 1, Duration::from_secs(60), 1500);
    assert_eq!(once.seeds, 1);
    assert_eq!(
        (
            once.calls,
            &once.operations,
            once.out_of_memory_answers,
            once.squeezes
        ),
        (
            again.calls,
            &again.operations,
            again.out_of_memory_answers,
            again.squeezes
        )
    );
}

#[test]
fn every_exported_function_has_an_operation() {
    for world in World::ALL {
        let exported = exports(world).functions;
        eprintln!("{} exports {} functions", world.name(), exported.len());
        assert!(
            exported.contains("memory.info") && exported.contains("byte-buffer.constructor"),
            "the exports read from the component miss what memkit certainly has: {exported:?}"
        );
        assert_eq!(
            undriven_functions(world),
            Vec::<String>::new(),
            "functions {} exports that no operation drives: add each to an operation in the \
             `INTERFACE` of host-test/src/stateful/<interface>.rs",
            world.name()
        );
    }
    assert!(
        exports(World::MemkitAsync)
            .functions
            .contains("streams.read-records"),
        "memkit-async exports streams"
    );
}

#[test]
fn every_function_an_operation_drives_is_exported() {
    for world in World::ALL {
        assert_eq!(
            unexported_functions(world),
            Vec::<&str>::new(),
            "functions operations drive that {} does not export",
            world.name()
        );
    }
}

#[test]
fn the_driver_keeps_handles_of_every_exported_resource_and_no_other() {
    for world in World::ALL {
        assert_eq!(
            unheld_resources(world),
            Vec::<String>::new(),
            "resources {} exports whose handles the driver never holds (nor drops)",
            world.name()
        );
        assert_eq!(
            unexported_resources(world),
            Vec::<&str>::new(),
            "resources the driver keeps handles of that {} does not export",
            world.name()
        );
    }
}
