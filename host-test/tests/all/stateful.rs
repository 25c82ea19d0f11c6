use std::time::Duration;

use host_test::stateful::{fuzz, Report, Settings};

/// Runs `seeds` seeds from `first_seed` within `budget` and fails with the first finding,
/// which names the seed that replays it (`cargo run --release -p host-test --bin fuzz-host --
/// 10 <seed>`).
fn run(first_seed: u64, seeds: u64, budget: Duration, operations_per_seed: u64) -> Report {
    let settings = Settings {
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
    let report = run(1, u64::MAX, Duration::from_secs(3), 5000);
    eprintln!("{report}");
    // A release build makes over 300 000 calls a second; the floor only shows the run worked.
    assert!(report.calls >= 20_000, "too few calls: {report}");
    assert!(report.seeds >= 2, "too few seeds: {report}");
    assert!(report.squeezes > 0, "never squeezed: {report}");
    assert!(
        report.out_of_memory_answers > 0,
        "no call ran out of memory: {report}"
    );
    assert_eq!(report.uncalled(), Vec::<&str>::new(), "{report}");
}

#[test]
fn a_seed_replays_the_same_calls() {
    let once = run(7, 1, Duration::from_secs(60), 1500);
    let again = run(7, 1, Duration::from_secs(60), 1500);
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
