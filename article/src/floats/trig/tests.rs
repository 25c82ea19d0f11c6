//! The kernels against `f64` references: a dense sample, edge values, properties, and the
//! `#[ignore]`d walk over every `f32` in range.

use super::*;
use proptest::prelude::*;
use std::f32::consts::PI;

/// The bound every kernel keeps for `|x| <=` [`REDUCTION_LIMIT`].
const MAX_ULP: f64 = 2.0;
/// The bound for tan(cos(sin x)) against the same composition in f64 (measured: 1.57). A
/// chain of rounded steps amplifies each rounding in the next (tan' = 1 + tan² ≈ 2 there):
/// the scalar libm loop measures 2.2.
const MAX_ULP_PROCESS: f64 = 3.0;

/// The spacing of `f32`s in the binade of `|v|` (2⁻¹⁴⁹ below the normal range).
fn ulp(v: f64) -> f64 {
    let exponent = ((v.abs().to_bits() >> 52) & 0x7ff) as i32 - 1023;
    2f64.powi(exponent.max(-126) - 23)
}

/// `|got − want| / ulp(want)`; 0 when both are NaN, infinite when only one is.
fn ulp_error(got: f32, want: f64) -> f64 {
    if got.is_nan() || want.is_nan() {
        return if got.is_nan() && want.is_nan() {
            0.0
        } else {
            f64::INFINITY
        };
    }
    if f64::from(got) == want {
        return 0.0;
    }
    (f64::from(got) - want).abs() / ulp(want)
}

type Kernel = fn(&mut [f32]);

/// A kernel, its f64 reference and bound, and what it computes out of range.
#[derive(Clone, Copy)]
struct Case {
    name: &'static str,
    kernel: Kernel,
    reference: fn(f64) -> f64,
    bound: f64,
    out_of_range: fn(f32) -> f32,
}

const CASES: [Case; 4] = [
    Case {
        name: "sin",
        kernel: sin,
        reference: f64::sin,
        bound: MAX_ULP,
        out_of_range: f32::sin,
    },
    Case {
        name: "cos",
        kernel: cos,
        reference: f64::cos,
        bound: MAX_ULP,
        out_of_range: f32::cos,
    },
    Case {
        name: "tan",
        kernel: tan,
        reference: f64::tan,
        bound: MAX_ULP,
        out_of_range: f32::tan,
    },
    Case {
        name: "tan(cos(sin))",
        kernel: tan_cos_sin,
        reference: |x| x.sin().cos().tan(),
        bound: MAX_ULP_PROCESS,
        out_of_range: |x| x.sin().cos().tan(),
    },
];

/// The largest error of `case` over `inputs`, and where.
fn worst(case: Case, inputs: &[f32]) -> (f64, f32) {
    let mut out = inputs.to_vec();
    (case.kernel)(&mut out);
    inputs
        .iter()
        .zip(&out)
        .map(|(&x, &y)| (ulp_error(y, (case.reference)(f64::from(x))), x))
        .fold((0.0, 0.0), max_by_error)
}

fn max_by_error(a: (f64, f32), b: (f64, f32)) -> (f64, f32) {
    if b.0 > a.0 {
        b
    } else {
        a
    }
}

/// Every `step`-th bit pattern in `[from, to]` (non-negative floats), with both signs.
fn walk(from: f32, to: f32, step: u32) -> Vec<f32> {
    (from.to_bits()..=to.to_bits())
        .step_by(step as usize)
        .flat_map(|b| [f32::from_bits(b), -f32::from_bits(b)])
        .collect()
}

/// All 2·`radius` bit patterns around `centre`, with both signs.
fn around(centre: f32, radius: u32) -> Vec<f32> {
    walk(
        f32::from_bits(centre.to_bits() - radius),
        f32::from_bits(centre.to_bits() + radius),
        1,
    )
}

/// The normal run's sample: every 4099th f32 in [−π, π] (about 530 000), every f32 within
/// 2048 bit patterns of 0 (so the subnormals near 0), π/4, π/2, 3π/4 and π (the quadrant
/// boundaries, the zeros of sin and cos and the poles of tan), and every 4099th f32 from π
/// to the reduction limit.
fn dense_sample() -> Vec<f32> {
    let mut xs = walk(0.0, PI, 4099);
    xs.extend(walk(0.0, f32::from_bits(4096), 1));
    for centre in [PI / 4.0, PI / 2.0, 3.0 * PI / 4.0, PI] {
        xs.extend(around(centre, 2048));
    }
    xs.extend(walk(PI, REDUCTION_LIMIT, 4099));
    xs
}

fn check_dense(case: Case) {
    let (err, x) = worst(case, &dense_sample());
    assert!(
        err <= case.bound,
        "{}: {err:.3} ulp at x = {x:e}",
        case.name
    );
}

#[test]
fn sin_dense_sample_within_bound() {
    check_dense(CASES[0]);
}

#[test]
fn cos_dense_sample_within_bound() {
    check_dense(CASES[1]);
}

#[test]
fn tan_dense_sample_within_bound() {
    check_dense(CASES[2]);
}

#[test]
fn process_dense_sample_within_bound() {
    check_dense(CASES[3]);
}

/// Every f32 with |x| ≤ the reduction limit (2.4·10⁹ values), on all cores. Run with
/// `cargo test --release --lib trig -- --ignored --nocapture` (minutes in release).
#[test]
#[ignore = "exhaustive: run in release"]
fn exhaustive_within_bound() {
    let top = REDUCTION_LIMIT.to_bits();
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()) as u32;
    let chunk = top / threads + 1;
    let results: Vec<[(f64, f32); 4]> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|t| {
                scope.spawn(move || {
                    let mut worst_here = [(0.0, 0.0); 4];
                    let (lo, hi) = (t * chunk, ((t + 1) * chunk).min(top + 1));
                    let mut start = lo;
                    while start < hi {
                        let end = start.saturating_add(1 << 16).min(hi);
                        let xs: Vec<f32> = (start..end)
                            .flat_map(|b| [f32::from_bits(b), -f32::from_bits(b)])
                            .collect();
                        for (slot, case) in worst_here.iter_mut().zip(CASES) {
                            *slot = max_by_error(*slot, worst(case, &xs));
                        }
                        start = end;
                    }
                    worst_here
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().unwrap()).collect()
    });
    for (i, case) in CASES.iter().enumerate() {
        let (err, x) = results.iter().map(|r| r[i]).fold((0.0, 0.0), max_by_error);
        let name = case.name;
        println!("{name}: max {err:.4} ulp at x = {x:e} over |x| <= {REDUCTION_LIMIT}");
        assert!(err <= case.bound, "{name}: {err:.3} ulp at x = {x:e}");
    }
}

#[test]
fn signed_zero_nan_and_infinity() {
    let xs = [0.0, -0.0, f32::NAN, f32::INFINITY, f32::NEG_INFINITY];
    let run_on = |kernel: Kernel, xs: [f32; 5]| {
        let mut out = xs;
        kernel(&mut out);
        out
    };
    let run = |kernel: Kernel| run_on(kernel, xs);
    let s = run(sin);
    let c = run(cos);
    let t = run(tan);
    let p = run(tan_cos_sin);
    assert_eq!(s[0].to_bits(), 0f32.to_bits());
    assert_eq!(s[1].to_bits(), (-0f32).to_bits());
    assert_eq!(t[0].to_bits(), 0f32.to_bits());
    assert_eq!(t[1].to_bits(), (-0f32).to_bits());
    assert_eq!((c[0], c[1]), (1.0, 1.0));
    assert_eq!((p[0], p[1]), (1f32.tan(), 1f32.tan()));
    for out in [s, c, t, p] {
        assert!(out[2..].iter().all(|y| y.is_nan()), "{out:?}");
    }
    // Tiny inputs: sin x = tan x = x, cos x = 1, down to the smallest subnormal.
    let xs = [f32::from_bits(1), -f32::MIN_POSITIVE, 1e-20, -3e-5, 2.4e-4];
    let run = |kernel: Kernel| run_on(kernel, xs);
    for (y, x) in run(sin).iter().zip(xs) {
        assert!(ulp_error(*y, f64::from(x).sin()) <= 0.5, "sin {x:e}");
    }
    for (y, x) in run(tan).iter().zip(xs) {
        assert!(ulp_error(*y, f64::from(x).tan()) <= 0.5, "tan {x:e}");
    }
    assert!(run(cos).iter().all(|&y| y == 1.0));
}

#[test]
fn large_arguments_take_the_scalar_path() {
    let above = f32::from_bits(REDUCTION_LIMIT.to_bits() + 1);
    let xs = [above, -above, 1e5, -3e7, 1e30, f32::MAX, -f32::MAX, 16384.0];
    for case in CASES {
        let mut out = xs;
        (case.kernel)(&mut out);
        for (y, x) in out.iter().zip(xs) {
            let want = (case.out_of_range)(x);
            assert_eq!(y.to_bits(), want.to_bits(), "{} x = {x:e}", case.name);
        }
    }
    // The limit itself is still the vector path, and within bound.
    for case in CASES {
        let (err, x) = worst(case, &[REDUCTION_LIMIT, -REDUCTION_LIMIT]);
        assert!(
            err <= case.bound,
            "{}: {err:.3} ulp at x = {x:e}",
            case.name
        );
    }
}

/// Each element's result does not depend on its neighbours, its lane or the tail.
#[test]
fn tails_and_mixed_blocks_match_one_at_a_time() {
    let values = [
        0.5f32,
        -2.0,
        3.0,
        1e6,
        f32::NAN,
        7.25,
        -0.0,
        1.5707964,
        100.0,
        -9.5,
        0.1,
    ];
    for Case { kernel, .. } in CASES {
        let alone: Vec<u32> = values
            .iter()
            .map(|&x| {
                let mut one = [x];
                kernel(&mut one);
                one[0].to_bits()
            })
            .collect();
        for len in 0..=values.len() {
            for start in 0..values.len() - len + 1 {
                let mut buf = values[start..start + len].to_vec();
                kernel(&mut buf);
                let got: Vec<u32> = buf.iter().map(|y| y.to_bits()).collect();
                assert_eq!(got, alone[start..start + len]);
            }
        }
    }
}

proptest! {
    #[test]
    fn any_input_is_within_bound_or_scalar(values in proptest::collection::vec(any::<f32>(), 0..40)) {
        for case in CASES {
            let mut out = values.clone();
            (case.kernel)(&mut out);
            let name = case.name;
            for (&y, &x) in out.iter().zip(&values) {
                if x.is_nan() || x.is_infinite() {
                    prop_assert!(y.is_nan(), "{name}({x:e}) = {y:e}");
                } else if x.abs() > REDUCTION_LIMIT {
                    prop_assert_eq!(y.to_bits(), (case.out_of_range)(x).to_bits());
                } else {
                    let err = ulp_error(y, (case.reference)(f64::from(x)));
                    prop_assert!(err <= case.bound, "{name}({x:e}) = {y:e}: {err:.3} ulp");
                }
            }
        }
    }

    #[test]
    fn moderate_inputs_are_within_bound(values in proptest::collection::vec(-20.0f32..20.0, 0..40)) {
        for case in CASES {
            let (err, x) = worst(case, &values);
            prop_assert!(err <= case.bound, "{}: {err:.3} ulp at x = {x:e}", case.name);
        }
    }
}
