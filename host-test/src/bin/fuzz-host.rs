//! `fuzz-host [--world memkit|memkit-async] <seconds> [first-seed]`: runs the stateful driver
//! (`host_test::stateful`) on the world's component (`memkit` unless told) over seeds
//! `first-seed`, `first-seed + 1`, … for that long, printing progress about once a second and
//! a summary. Exits non-zero on a finding, with the command that replays it. Without a first
//! seed it starts from one taken from the clock, so that each run explores new seeds.

use std::process::ExitCode;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use host_test::stateful::{fuzz, Report, Settings};
use host_test::World;

/// Operations of one seed: long enough to reach deep states, short enough that many seeds run.
const OPERATIONS_PER_SEED: u64 = 20_000;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (world, seconds, first_seed) = match parse(&args) {
        Ok(parsed) => parsed,
        Err(why) => {
            eprintln!(
                "fuzz-host: {why}\nusage: fuzz-host [--world memkit|memkit-async] <seconds> [first-seed]"
            );
            return ExitCode::from(2);
        }
    };
    let settings = Settings {
        world,
        first_seed,
        seeds: u64::MAX,
        budget: Duration::from_secs(seconds),
        operations_per_seed: OPERATIONS_PER_SEED,
    };
    println!(
        "fuzz-host: {} for {seconds} s from seed {first_seed}, {OPERATIONS_PER_SEED} operations a seed",
        world.component_path().display()
    );
    let report = fuzz(&settings, &mut |report| println!("{}", progress(report)));
    println!("\n{report}");
    if let Some(finding) = report.findings.first() {
        println!("FINDING\n{finding}");
        println!(
            "replay: cargo run --release -p host-test --bin fuzz-host -- --world {} {seconds} {}",
            world.name(),
            finding.seed
        );
        return ExitCode::FAILURE;
    }
    let uncalled = report.uncalled();
    if !uncalled.is_empty() {
        println!("not called in this run: {}", uncalled.join(", "));
    }
    println!("no findings");
    ExitCode::SUCCESS
}

fn parse(args: &[String]) -> Result<(World, u64, u64), String> {
    let (world, args) = match args {
        [flag, name, rest @ ..] if flag == "--world" => {
            let world = World::ALL
                .into_iter()
                .find(|world| world.name() == name)
                .ok_or_else(|| format!("no world named {name:?}"))?;
            (world, rest)
        }
        _ => (World::Memkit, args),
    };
    let seconds = match args.first() {
        Some(s) => s
            .parse()
            .map_err(|_| format!("seconds must be a whole number, got {s:?}"))?,
        None => return Err("how many seconds?".into()),
    };
    let first_seed = match args.get(1) {
        Some(s) => s
            .parse()
            .map_err(|_| format!("first-seed must be a whole number, got {s:?}"))?,
        None => SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |since| since.as_secs()),
    };
    if args.len() > 2 {
        return Err(format!("unexpected arguments: {:?}", &args[2..]));
    }
    Ok((world, seconds, first_seed))
}

fn progress(report: &Report) -> String {
    let seconds = report.elapsed.as_secs_f64();
    format!(
        "{seconds:6.1} s  seeds {:>5}  calls {:>10}  {:>8.0} calls/s  squeezes {:>5}  out-of-memory answers {:>7}",
        report.seeds,
        report.calls,
        report.calls_per_second(),
        report.squeezes,
        report.out_of_memory_answers
    )
}
