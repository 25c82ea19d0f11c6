//! Vectorised `f32` sine, cosine and tangent: four lanes at a time, in place over a slice.
//!
//! wasm has no transcendental instructions, so the scalar loop calls libm once per element.
//! These kernels do four elements per step with plain SIMD arithmetic:
//!
//! 1. **Range reduction.** `k = round(x · 2/π)` (ties to even, by adding and subtracting
//!    1.5·2²³), then `r = x − k·π/2` by Cody–Waite with π/2 split into four `f32` parts, the
//!    first three of at most 11 significant bits, so that `k·Pᵢ` is exact for `|k| < 2¹³`
//!    and the first two subtractions are exact. The third is split into `r_hi + r_lo`
//!    (Fast2Sum) and `k·P4` goes into `r_lo`, so `r` carries about 48 bits and
//!    π/2 − (P1+P2+P3+P4) < 2⁻⁶³. That keeps `r` accurate relative to itself where `x` is
//!    closest to a multiple of π/2, i.e. at the zeros of sin and cos and the poles of tan.
//! 2. **Polynomials** on |r| ≤ π/4 (fitted to 0.79, the rounding margin of `k`):
//!    `sin r = r + r³·S(r²)` with S of degree 3 and `cos r = 1 − r²/2 + r⁴·C(r²)` with C of
//!    degree 2, minimax for relative error with `f32` coefficients (error below 2⁻³²), `r_lo`
//!    folded in to first order. Each result is kept as an unrounded pair `hi − m`.
//! 3. **Quadrant.** `k mod 4` picks sin or cos of `r` and the sign. `tan` is `sin r / cos r`
//!    or `−cos r / sin r` from the same reduction: rounding both to `f32` first and dividing
//!    in `f32` measures 2.2 ulp, so the two pairs are widened to `f64` lanes (where `hi − m`
//!    is exact), divided there and rounded once. Everything else is `f32`.
//!
//! **`tan_cos_sin`** (the buffer's `process`) is one kernel of its own, not the three in turn.
//! The composition depends on `x` only through sin²x, which is sin²r for `k` even and cos²r
//! for `k` odd: so after the same `k` and `r` it is a function of `v = r²` and the parity of
//! `k`, tan(cos(sin r)) or tan(cos(cos r)), each a minimax polynomial in `v − c` (degree 10
//! for the even case, whose nearest singularity is a pole at `v ≈ −0.82`, and degree 7 for the
//! odd one; relative error below 2⁻²⁹ with `f32` coefficients; `c` is placed where both
//! functions are within 5·10⁻⁴ ulp of an `f32`, so the constant terms are all but exact). Each
//! lane takes its coefficients with two bit operations on the parity mask. The result is
//! never near zero (it lies in [0.6, 1.56]) and its slope in `r` is at most 1.02, so an
//! absolute error of `r` near 2⁻²⁵ is enough: `k·P4` is added to `k·P3` and `r` is a single
//! `f32`. About 60 operations per four lanes, against about 160 for sin, cos and tan in turn.
//!
//! On wasm with `simd128` each step is one `core::arch::wasm32` instruction; elsewhere
//! `lanes` is a portable `[f32; 4]` doing the same IEEE operations in the same order. Rust
//! never contracts `a * b + c` into a fused multiply-add, so the two paths are bit-identical
//! and the native tests prove the wasm results.
//!
//! **Accuracy.** The error is `|got − ref| / ulp(ref)`, `ref` being the `f64` function of the
//! exact `f32` input and `ulp(v)` the spacing of `f32`s in the binade of `|v|` (2⁻¹⁴⁹ below
//! the normal range). For **every** `f32` with `|x| ≤` [`REDUCTION_LIMIT`], sin, cos and tan
//! are within **2 ulp**, with nothing excluded as ill-conditioned: not the results near zero
//! of sin and cos away from 0, nor tan next to its poles (the reduction resolves the closest
//! approach of any `f32` in range to a multiple of π/2). Measured over every `f32` in range:
//! sin 0.93, cos 0.93, tan 1.28 ulp (0.87, 0.78, 1.17 on [−π, π]). `tan_cos_sin` is held to
//! 3 ulp against the same composition in `f64` and measures 1.57 (never rounding the
//! intermediate sin and cos helps: the scalar libm loop, rounding each step, measures 2.2).
//! The normal tests check a dense sample (every 4099th `f32`, and every `f32` near 0, ±π/4,
//! ±π/2, ±3π/4 and ±π); the `#[ignore]`d `exhaustive_within_bound` walks every `f32` in
//! range (`cargo test --release --lib trig -- --ignored --nocapture`, a few minutes).
//!
//! **Outside that range** (`|x| >` [`REDUCTION_LIMIT`], NaN, ±∞) an element falls back to the
//! scalar `f32::sin`/`cos`/`tan` (`x.sin().cos().tan()` for `tan_cos_sin`), so NaN and ∞ give
//! NaN. `sin(−0) = tan(−0) = −0`.

/// Largest `|x|` the vector reduction handles; beyond it elements take the scalar path.
/// Here `|k| ≤ 7823 < 2¹³`, so every `k·Pᵢ` stays exact.
pub const REDUCTION_LIMIT: f32 = 12288.0;

/// 2/π rounded to `f32`.
const FRAC_2_PI: f32 = f32::from_bits(0x3f22_f983);
/// 1.5·2²³: adding and subtracting it rounds `|y| < 2²²` to the nearest integer, ties to even,
/// and leaves `k mod 4` in the low mantissa bits of the sum.
const ROUNDER: f32 = 12_582_912.0;
/// π/2 = P1 + P2 + P3 + P4 + O(2⁻⁶³); P1..P3 have at most 11 significant bits.
const P1: f32 = f32::from_bits(0x3fc9_0000); // 1.5703125
const P2: f32 = f32::from_bits(0x39fd_a000); // 4.837512969970703e-4
const P3: f32 = f32::from_bits(0x33a2_2000); // 7.549533620476723e-8
const P4: f32 = f32::from_bits(0x2c34_611a); // 2.5633440682570896e-12
/// sin r ≈ r + r·z·(S0 + z·(S1 + z·(S2 + z·S3))), z = r².
const S0: f32 = f32::from_bits(0xbe2a_aaab); // -0.16666667
const S1: f32 = f32::from_bits(0x3c08_88ba); // 8.3333794e-3
const S2: f32 = f32::from_bits(0xb950_2c87); // -1.9853014e-4
const S3: f32 = f32::from_bits(0x363e_0487); // 2.8314842e-6
/// cos r ≈ 1 − z/2 + z²·(C0 + z·(C1 + z·C2)).
const C0: f32 = f32::from_bits(0x3d2a_aaa5); // 4.1666646e-2
const C1: f32 = f32::from_bits(0xbab6_060f); // -1.3887304e-3
const C2: f32 = f32::from_bits(0x37cc_f19b); // 2.4431201e-5
/// tan(cos(sin x)) ≈ E(u) for `k` even and O(u) for `k` odd, u = r² − TCS_C; E and O are
/// E0 + E1·u + … + E10·u¹⁰ and O0 + … + O7·u⁷ (O8..O10 are zero).
const TCS_C: f32 = f32::from_bits(0x3e9f_1663); // 0.31071767
const TCS_EVEN: [f32; 11] = [
    f32::from_bits(0x3f95_addb), // 1.1693681
    f32::from_bits(0xbf68_d273), // -0.9094612
    f32::from_bits(0x3f4d_6ba1), // 0.80242354
    f32::from_bits(0xbf2c_d1e4), // -0.6750777
    f32::from_bits(0x3f19_5ee7), // 0.59910434
    f32::from_bits(0xbf09_21c0), // -0.53567123
    f32::from_bits(0x3ef5_68ba), // 0.47931463
    f32::from_bits(0xbed7_e962), // -0.42170244
    f32::from_bits(0x3ec1_2a08), // 0.3772738
    f32::from_bits(0xbed8_6ef8), // -0.42272162
    f32::from_bits(0x3ec2_8b7a), // 0.37997037
];
const TCS_ODD: [f32; 8] = [
    f32::from_bits(0x3f47_19bd), // 0.7777365
    f32::from_bits(0x3f12_48da), // 0.5714241
    f32::from_bits(0xbc20_fed0), // -9.826377e-3
    f32::from_bits(0xbcc9_6fc5), // -2.4589429e-2
    f32::from_bits(0xbc6b_09c0), // -1.4345586e-2
    f32::from_bits(0x390d_c795), // 1.3521158e-4
    f32::from_bits(0x3a96_04a5), // 1.1445476e-3
    f32::from_bits(0x3a14_608a), // 5.660137e-4
];

const SIGN: u32 = 0x8000_0000;

/// x → sin x for every element.
pub fn sin(data: &mut [f32]) {
    map(data, sin4, f32::sin);
}

/// x → cos x for every element.
pub fn cos(data: &mut [f32]) {
    map(data, cos4, f32::cos);
}

/// x → tan x for every element.
pub fn tan(data: &mut [f32]) {
    map(data, tan4, f32::tan);
}

/// x → tan(cos(sin x)) for every element, in one pass: the composition as a function of the
/// reduced argument (see the module documentation), with the scalar `x.sin().cos().tan()` for
/// elements outside the vector range. (The three kernels in turn took 4.7–5.0 ns per element
/// on wasm and 4.6 natively; this one takes 1.4 and 1.3.)
pub fn tan_cos_sin(data: &mut [f32]) {
    map(data, tan_cos_sin4, |x| x.sin().cos().tan());
}

/// Runs `kernel` over `data` four at a time (a short tail is padded with zeros), then
/// recomputes with `scalar` every element the kernel does not cover.
#[inline(always)]
fn map(data: &mut [f32], kernel: impl Fn(lanes::V) -> lanes::V, scalar: impl Fn(f32) -> f32) {
    let (blocks, tail) = data.as_chunks_mut::<4>();
    for block in blocks {
        run(block, &kernel, &scalar);
    }
    if !tail.is_empty() {
        let mut block = [0.0; 4];
        block[..tail.len()].copy_from_slice(tail);
        run(&mut block, &kernel, &scalar);
        tail.copy_from_slice(&block[..tail.len()]);
    }
}

#[inline(always)]
fn run(block: &mut [f32; 4], kernel: impl Fn(lanes::V) -> lanes::V, scalar: impl Fn(f32) -> f32) {
    let x = lanes::load(block);
    let all_in_range = lanes::all_abs_le(x, REDUCTION_LIMIT);
    lanes::store(kernel(x), block);
    if !all_in_range {
        // Rare: large, infinite or NaN inputs. Recompute just those lanes.
        let before = lanes::to_array(x);
        for (y, x) in block.iter_mut().zip(before) {
            if !in_range(x) {
                *y = scalar(x);
            }
        }
    }
}

/// Whether the vector reduction covers `x` (false for NaN and ±∞).
fn in_range(x: f32) -> bool {
    x.abs() <= REDUCTION_LIMIT
}

/// sin r and cos r of the reduced argument, each as an unevaluated difference `hi − m` with
/// `|m|` well below `|hi|`, and the sum whose low bits hold `k mod 4`.
struct Reduced {
    sin_hi: lanes::V,
    sin_m: lanes::V,
    cos_hi: lanes::V,
    cos_m: lanes::V,
    q: lanes::V,
}

#[inline(always)]
fn reduce(x: lanes::V) -> Reduced {
    use lanes::*;
    let t = add(mul(x, splat(FRAC_2_PI)), splat(ROUNDER));
    let k = sub(t, splat(ROUNDER));
    let a = sub(x, mul(k, splat(P1)));
    let a = sub(a, mul(k, splat(P2)));
    let p3 = mul(k, splat(P3));
    let hi = sub(a, p3);
    // −r_lo: the rounding error of `hi` (Fast2Sum, exact) less k·P4. Kept negated so that
    // x = −0 gives sin = −0.
    let neg_lo = sub(mul(k, splat(P4)), sub(sub(a, hi), p3));
    let z = mul(hi, hi);
    // sin r = hi + lo + hi·z·S(z) = hi − (−lo − hi·z·S(z)).
    let s_poly = add(splat(S2), mul(z, splat(S3)));
    let s_poly = mul(z, add(splat(S0), mul(z, add(splat(S1), mul(z, s_poly)))));
    let sin_m = sub(neg_lo, mul(hi, s_poly));
    // cos r = 1 − z/2 + z²·C(z) − hi·lo = w − ((z/2 − (1 − w)) − z²·C(z) + hi·lo), where
    // w = 1 − z/2 rounded and z/2 − (1 − w) is its rounding error, exactly.
    let half_z = mul(splat(0.5), z);
    let w = sub(splat(1.0), half_z);
    let c_poly = mul(
        mul(z, z),
        add(splat(C0), mul(z, add(splat(C1), mul(z, splat(C2))))),
    );
    let cos_m = sub(
        sub(half_z, sub(splat(1.0), w)),
        add(c_poly, mul(hi, neg_lo)),
    );
    Reduced {
        sin_hi: hi,
        sin_m,
        cos_hi: w,
        cos_m,
        q: t,
    }
}

#[inline(always)]
fn sin4(x: lanes::V) -> lanes::V {
    use lanes::*;
    let r = reduce(x);
    let (s, c) = (sub(r.sin_hi, r.sin_m), sub(r.cos_hi, r.cos_m));
    // k mod 4 = 0: sin r, 1: cos r, 2: −sin r, 3: −cos r.
    let odd = odd_mask(r.q);
    xor(select(odd, c, s), and(shl::<30>(r.q), splat_bits(SIGN)))
}

#[inline(always)]
fn cos4(x: lanes::V) -> lanes::V {
    use lanes::*;
    let r = reduce(x);
    let (s, c) = (sub(r.sin_hi, r.sin_m), sub(r.cos_hi, r.cos_m));
    // k mod 4 = 0: cos r, 1: −sin r, 2: −cos r, 3: sin r.
    let odd = odd_mask(r.q);
    let sign = and(shl::<30>(add_bits(r.q, splat_bits(1))), splat_bits(SIGN));
    xor(select(odd, s, c), sign)
}

#[inline(always)]
fn tan4(x: lanes::V) -> lanes::V {
    use lanes::*;
    let r = reduce(x);
    // k even: sin r / cos r; odd: −cos r / sin r. Rounding sin r and cos r to f32 before
    // dividing costs up to 2.2 ulp, so the quotient of the unrounded `hi − m` pairs is taken
    // in f64 (where each difference is exact) and rounded once.
    let odd = odd_mask(r.q);
    div_pairs_signed(
        select(odd, r.cos_hi, r.sin_hi),
        select(odd, r.cos_m, r.sin_m),
        select(odd, r.sin_hi, r.cos_hi),
        select(odd, r.sin_m, r.cos_m),
        and(odd, splat_bits(SIGN)),
    )
}

#[inline(always)]
fn tan_cos_sin4(x: lanes::V) -> lanes::V {
    use lanes::*;
    // k and r = x − k·π/2 as in `reduce`, but r as one f32: k·P4 joins the exact k·P3 (their
    // sum is below 2⁻¹⁰ and rounds by at most 2⁻³⁵) and the last subtraction rounds once.
    let t = add(mul(x, splat(FRAC_2_PI)), splat(ROUNDER));
    let k = sub(t, splat(ROUNDER));
    let a = sub(x, mul(k, splat(P1)));
    let a = sub(a, mul(k, splat(P2)));
    let r = sub(a, add(mul(k, splat(P3)), mul(k, splat(P4))));
    let u = sub(mul(r, r), splat(TCS_C));
    // The coefficient i of this lane's polynomial: even ^ ((even ^ odd) & odd_mask).
    let odd = odd_mask(t);
    let coef = |i: usize| {
        let even = TCS_EVEN[i];
        match TCS_ODD.get(i) {
            Some(o) => xor(
                splat(even),
                and(odd, splat_bits(even.to_bits() ^ o.to_bits())),
            ),
            None => andnot(splat(even), odd),
        }
    };
    // c0 + u·(c1 + u·q), q = c2 + … + c10·u⁸ by Estrin's scheme: the chain is short, and
    // the last two steps, whose rounding errors count most, stay in Horner form.
    let u2 = mul(u, u);
    let u4 = mul(u2, u2);
    let q23 = add(coef(2), mul(coef(3), u));
    let q45 = add(coef(4), mul(coef(5), u));
    let q67 = add(coef(6), mul(coef(7), u));
    let q89 = add(coef(8), mul(coef(9), u));
    let q6_10 = add(add(q67, mul(q89, u2)), mul(coef(10), u4));
    let q = add(add(q23, mul(q45, u2)), mul(q6_10, u4));
    add(coef(0), mul(u, add(coef(1), mul(u, q))))
}

/// All ones in the lanes whose `k` is odd.
#[inline(always)]
fn odd_mask(q: lanes::V) -> lanes::V {
    lanes::shr_arith::<31>(lanes::shl::<31>(q))
}

/// Four `f32` lanes and the operations the kernels use, one `wasm32` SIMD instruction each.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod lanes {
    use core::arch::wasm32::*;

    pub type V = v128;

    #[inline(always)]
    pub fn load(block: &[f32; 4]) -> V {
        // SAFETY: `block` is 16 readable bytes; `v128_load` has no alignment requirement.
        unsafe { v128_load(block.as_ptr().cast::<v128>()) }
    }
    #[inline(always)]
    pub fn store(v: V, block: &mut [f32; 4]) {
        // SAFETY: `block` is 16 writable bytes; `v128_store` has no alignment requirement.
        unsafe { v128_store(block.as_mut_ptr().cast::<v128>(), v) }
    }
    #[inline(always)]
    pub fn to_array(v: V) -> [f32; 4] {
        [
            f32x4_extract_lane::<0>(v),
            f32x4_extract_lane::<1>(v),
            f32x4_extract_lane::<2>(v),
            f32x4_extract_lane::<3>(v),
        ]
    }
    #[inline(always)]
    pub fn splat(x: f32) -> V {
        f32x4_splat(x)
    }
    #[inline(always)]
    pub fn splat_bits(x: u32) -> V {
        u32x4_splat(x)
    }
    #[inline(always)]
    pub fn add(a: V, b: V) -> V {
        f32x4_add(a, b)
    }
    #[inline(always)]
    pub fn sub(a: V, b: V) -> V {
        f32x4_sub(a, b)
    }
    #[inline(always)]
    pub fn mul(a: V, b: V) -> V {
        f32x4_mul(a, b)
    }
    #[inline(always)]
    pub fn and(a: V, b: V) -> V {
        v128_and(a, b)
    }
    #[inline(always)]
    pub fn xor(a: V, b: V) -> V {
        v128_xor(a, b)
    }
    /// `a & !b`.
    #[inline(always)]
    pub fn andnot(a: V, b: V) -> V {
        v128_andnot(a, b)
    }
    /// `a` where `mask` is set, else `b`.
    #[inline(always)]
    pub fn select(mask: V, a: V, b: V) -> V {
        v128_bitselect(a, b, mask)
    }
    #[inline(always)]
    pub fn add_bits(a: V, b: V) -> V {
        i32x4_add(a, b)
    }
    #[inline(always)]
    pub fn shl<const N: u32>(a: V) -> V {
        i32x4_shl(a, N)
    }
    #[inline(always)]
    pub fn shr_arith<const N: u32>(a: V) -> V {
        i32x4_shr(a, N)
    }
    /// `(a_hi − a_m) / (b_hi − b_m)` in `f64`, rounded to `f32`, its bits xor `sign`.
    #[inline(always)]
    pub fn div_pairs_signed(a_hi: V, a_m: V, b_hi: V, b_m: V, sign: V) -> V {
        let high_half = |v: V| i32x4_shuffle::<2, 3, 2, 3>(v, v);
        let wide = |hi: V, m: V| {
            (
                f64x2_sub(f64x2_promote_low_f32x4(hi), f64x2_promote_low_f32x4(m)),
                f64x2_sub(
                    f64x2_promote_low_f32x4(high_half(hi)),
                    f64x2_promote_low_f32x4(high_half(m)),
                ),
            )
        };
        let (a_low, a_high) = wide(a_hi, a_m);
        let (b_low, b_high) = wide(b_hi, b_m);
        // Each demotion leaves zeros in lanes 2 and 3; the halves are joined with an `or`
        // that needs those zeros, which keeps LLVM from merging the two demotions into one
        // 4-lane demotion that it can only do lane by lane.
        let low = f32x4_demote_f64x2_zero(f64x2_div(a_low, b_low));
        let high = f32x4_demote_f64x2_zero(f64x2_div(a_high, b_high));
        v128_xor(v128_or(low, i64x2_shuffle::<1, 0>(high, high)), sign)
    }
    /// Whether `|x| <= limit` in every lane (false where a lane is NaN).
    #[inline(always)]
    pub fn all_abs_le(x: V, limit: f32) -> bool {
        i32x4_all_true(f32x4_le(f32x4_abs(x), f32x4_splat(limit)))
    }
}

/// Four `f32` lanes and the operations the kernels use: the portable twin of the wasm
/// module, the same IEEE operation per lane.
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
mod lanes {
    #[derive(Clone, Copy)]
    pub struct V([f32; 4]);

    #[inline(always)]
    fn map2(a: V, b: V, f: impl Fn(f32, f32) -> f32) -> V {
        V([
            f(a.0[0], b.0[0]),
            f(a.0[1], b.0[1]),
            f(a.0[2], b.0[2]),
            f(a.0[3], b.0[3]),
        ])
    }
    #[inline(always)]
    fn bits1(a: V, f: impl Fn(u32) -> u32) -> V {
        V(a.0.map(|x| f32::from_bits(f(x.to_bits()))))
    }
    #[inline(always)]
    fn bits2(a: V, b: V, f: impl Fn(u32, u32) -> u32) -> V {
        map2(a, b, |x, y| f32::from_bits(f(x.to_bits(), y.to_bits())))
    }

    #[inline(always)]
    pub fn load(block: &[f32; 4]) -> V {
        V(*block)
    }
    #[inline(always)]
    pub fn store(v: V, block: &mut [f32; 4]) {
        *block = v.0;
    }
    #[inline(always)]
    pub fn to_array(v: V) -> [f32; 4] {
        v.0
    }
    #[inline(always)]
    pub fn splat(x: f32) -> V {
        V([x; 4])
    }
    #[inline(always)]
    pub fn splat_bits(x: u32) -> V {
        V([f32::from_bits(x); 4])
    }
    #[inline(always)]
    pub fn add(a: V, b: V) -> V {
        map2(a, b, |x, y| x + y)
    }
    #[inline(always)]
    pub fn sub(a: V, b: V) -> V {
        map2(a, b, |x, y| x - y)
    }
    #[inline(always)]
    pub fn mul(a: V, b: V) -> V {
        map2(a, b, |x, y| x * y)
    }
    #[inline(always)]
    pub fn and(a: V, b: V) -> V {
        bits2(a, b, |x, y| x & y)
    }
    #[inline(always)]
    pub fn xor(a: V, b: V) -> V {
        bits2(a, b, |x, y| x ^ y)
    }
    /// `a & !b`.
    #[inline(always)]
    pub fn andnot(a: V, b: V) -> V {
        bits2(a, b, |x, y| x & !y)
    }
    /// `a` where `mask` is set, else `b`.
    #[inline(always)]
    pub fn select(mask: V, a: V, b: V) -> V {
        let picked = bits2(a, mask, |x, m| x & m);
        let other = bits2(b, mask, |y, m| y & !m);
        bits2(picked, other, |x, y| x | y)
    }
    #[inline(always)]
    pub fn add_bits(a: V, b: V) -> V {
        bits2(a, b, u32::wrapping_add)
    }
    #[inline(always)]
    pub fn shl<const N: u32>(a: V) -> V {
        bits1(a, |x| x << N)
    }
    #[inline(always)]
    pub fn shr_arith<const N: u32>(a: V) -> V {
        bits1(a, |x| ((x as i32) >> N) as u32)
    }
    /// `(a_hi − a_m) / (b_hi − b_m)` in `f64`, rounded to `f32`, its bits xor `sign`.
    #[inline(always)]
    pub fn div_pairs_signed(a_hi: V, a_m: V, b_hi: V, b_m: V, sign: V) -> V {
        let lane = |i: usize| {
            let a = f64::from(a_hi.0[i]) - f64::from(a_m.0[i]);
            let b = f64::from(b_hi.0[i]) - f64::from(b_m.0[i]);
            f32::from_bits(((a / b) as f32).to_bits() ^ sign.0[i].to_bits())
        };
        V([lane(0), lane(1), lane(2), lane(3)])
    }
    /// Whether `|x| <= limit` in every lane (false where a lane is NaN).
    #[inline(always)]
    pub fn all_abs_le(x: V, limit: f32) -> bool {
        x.0.iter().all(|v| v.abs() <= limit)
    }
}

#[cfg(test)]
mod tests {
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
}
