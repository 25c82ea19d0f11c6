//! Timing: batches sized to a sample time, the median of a few samples per round, and the
//! median, fastest and slowest of the per-round medians across interleaved rounds.

use std::time::{Duration, Instant};

/// How each measurement is taken.
pub struct Timer {
    /// `--smoke`: one call per measurement, no warm-up, no calibration.
    pub smoke: bool,
    /// Batches timed per measurement; the measurement is their median.
    pub samples: usize,
    /// How long one batch should take; the batch size is doubled until it does.
    pub sample: Duration,
}

/// The measurements of one contestant across rounds.
#[derive(Default)]
pub struct Series {
    /// Calls per batch, found in the first round and kept for the others (0: not yet).
    batch: u64,
    /// Nanoseconds per call: each round's median.
    rounds: Vec<f64>,
}

/// Median, fastest and slowest round, in nanoseconds per call.
#[derive(Clone, Copy, Debug)]
pub struct Stat {
    pub median: f64,
    pub min: f64,
    pub max: f64,
}

impl Timer {
    /// Times `run(n)`, which does the job `n` times, and adds this round's nanoseconds per
    /// call to `series`.
    pub fn measure(&self, series: &mut Series, run: &mut dyn FnMut(u64)) {
        if self.smoke {
            series.rounds.push(time(run, 1));
            return;
        }
        run(1); // warm-up: caches and branch predictors after the other contestant
        if series.batch == 0 {
            let mut batch = 1;
            while time(run, batch) * (batch as f64) < self.sample.as_nanos() as f64
                && batch < 1 << 24
            {
                batch *= 2;
            }
            series.batch = batch;
        }
        let per_call: Vec<f64> = (0..self.samples).map(|_| time(run, series.batch)).collect();
        series.rounds.push(median(&per_call));
    }
}

impl Series {
    /// Adds a round's nanoseconds per call measured elsewhere (another process).
    pub fn record(&mut self, ns_per_call: f64) {
        self.rounds.push(ns_per_call);
    }

    pub fn stat(&self) -> Stat {
        Stat {
            median: median(&self.rounds),
            min: self.rounds.iter().copied().fold(f64::INFINITY, f64::min),
            max: self.rounds.iter().copied().fold(0.0, f64::max),
        }
    }
}

/// Nanoseconds per call of `run(n)`.
fn time(run: &mut dyn FnMut(u64), n: u64) -> f64 {
    let start = Instant::now();
    run(n);
    start.elapsed().as_nanos() as f64 / n as f64
}

pub fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let mid = sorted.len() / 2;
    if sorted.len() % 2 == 1 {
        sorted[mid]
    } else {
        (sorted[mid - 1] + sorted[mid]) / 2.0
    }
}

/// A duration in the unit that reads best.
pub fn format_ns(ns: f64) -> String {
    if ns < 1e3 {
        format!("{ns:.1} ns")
    } else if ns < 1e6 {
        format!("{:.1} µs", ns / 1e3)
    } else {
        format!("{:.2} ms", ns / 1e6)
    }
}

/// `median (fastest–slowest)`.
pub fn format_stat(stat: Stat) -> String {
    format!(
        "{} ({}–{})",
        format_ns(stat.median),
        format_ns(stat.min),
        format_ns(stat.max)
    )
}

/// "met" or "missed"; "—" under `--smoke`, whose times mean nothing.
pub fn verdict(smoke: bool, met: bool) -> &'static str {
    match (smoke, met) {
        (true, _) => "—",
        (false, true) => "met",
        (false, false) => "missed",
    }
}
