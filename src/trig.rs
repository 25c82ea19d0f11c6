//! Vectorised `f32` sine, cosine and tangent: four lanes at a time, in place over a slice.
//!
//! wasm has no transcendental instructions, so the scalar loop calls libm once per element.
//! These kernels do four elements per step with plain SIMD arithmetic:
//!
//! 1. **Range reduction.** `k = round(x · 2/π)` (ties to even, by adding and subtracting
//!    1.5·2²³), then `r = x − k·π/2` by Cody–Waite with π/2 split into four `f32` parts, the
//!    first three of at most 11 significant bits, so that `k·Pᵢ` is exact for `|k| < 2¹³`
//!    and every subtraction but the last is exact. The last one is split into
//!    `r_hi + r_lo` (Fast2Sum), so `r` carries about 48 bits. π/2 − (P1+P2+P3+P4) is
//!    below 2⁻⁶³, which keeps `r` accurate relative to itself even where x lies within 2⁻²⁸
//!    of a multiple of π/2 (the results near zero of sin, cos and the poles of tan).
//! 2. **Polynomials** on |r| ≤ π/4 (fitted to 0.79 for the rounding margin of `k`):
//!    `sin r = r + r³·S(r²)` with S of degree 3 and `cos r = 1 − r²/2 + r⁴·C(r²)` with C of
//!    degree 2, minimax for relative error with `f32` coefficients (relative error below
//!    2⁻³²), `r_lo` folded in as the first-order term.
//! 3. **Quadrant.** `k mod 4` picks sin or cos of `r` and the sign; `tan = sin r / cos r`
//!    or `−cos r / sin r` from the same reduction.
//!
//! Everything is `f32` (no `f64` lanes). On wasm with `simd128` each step is one
//! `core::arch::wasm32` `f32x4`/`v128` instruction; elsewhere [`lanes`] is a portable
//! `[f32; 4]` that performs the same IEEE operations in the same order. Rust never contracts
//! `a * b + c` into a fused multiply-add, so the two paths give bit-identical results and the
//! native tests prove the wasm ones.
//!
//! **Accuracy.** Error is `|got − ref| / ulp(ref)` where `ref` is the `f64` function of the
//! exact `f32` input and `ulp(v)` is the spacing of `f32`s in the binade of `|v|` (2⁻¹⁴⁹ for
//! subnormals). For every `f32` with `|x| ≤` [`REDUCTION_LIMIT`], sin, cos and tan are within
//! **2 ulp**, with nothing excluded: no exception near the zeros of sin and cos or the poles
//! of tan (which for `f32` inputs are never closer than the reduction resolves). The normal
//! tests check a dense sample and the neighbourhoods of 0, ±π/4, ±π/2, ±3π/4 and ±π; the
//! `#[ignore]`d `exhaustive_*` tests walk every `f32` in range (release: `cargo test --release
//! --lib trig -- --ignored`).
//!
//! **Outside the range**: `|x| >` [`REDUCTION_LIMIT`], NaN and ±∞ fall back, per element, to
//! the scalar `f32::sin`/`cos`/`tan` (so NaN and ∞ give NaN). `sin(−0) = tan(−0) = −0`.

/// Largest `|x|` the vector reduction handles; beyond it elements take the scalar path.
/// At 6000, `|k| ≤ 3820 < 2¹³` keeps every `k·Pᵢ` exact with margin.
pub const REDUCTION_LIMIT: f32 = 6000.0;

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

/// x → tan(cos(sin x)) for every element, in one pass (the intermediate values stay in
/// registers; they lie in [−1, 1], so only `x` needs the range check).
pub fn tan_cos_sin(data: &mut [f32]) {
    map(data, |v| tan4(cos4(sin4(v))), |x| x.sin().cos().tan());
}

/// Runs `kernel` over `data` four at a time (a short tail is padded with zeros), then
/// recomputes with `scalar` every element the kernel does not cover.
#[inline(always)]
fn map(data: &mut [f32], kernel: impl Fn(lanes::V) -> lanes::V, scalar: impl Fn(f32) -> f32) {
    let mut blocks = data.chunks_exact_mut(4);
    for block in &mut blocks {
        let block: &mut [f32; 4] = block.try_into().expect("chunks of 4");
        run(block, &kernel, &scalar);
    }
    let tail = blocks.into_remainder();
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

/// sin r and cos r of the reduced argument, and the sum whose low bits hold `k mod 4`.
#[inline(always)]
fn sin_cos_reduced(x: lanes::V) -> (lanes::V, lanes::V, lanes::V) {
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
    // sin r = hi + lo + hi·z·S(z): hi − (−lo − hi·z·S(z)).
    let poly = mul(z, add(splat(S0), mul(z, add(splat(S1), mul(z, add(splat(S2), mul(z, splat(S3))))))));
    let s = sub(hi, sub(neg_lo, mul(hi, poly)));
    // cos r = 1 − z/2 + z²·C(z) − hi·lo, with the rounding error of 1 − z/2 recovered.
    let half_z = mul(splat(0.5), z);
    let w = sub(splat(1.0), half_z);
    let poly = mul(mul(z, z), add(splat(C0), mul(z, add(splat(C1), mul(z, splat(C2))))));
    let c = add(w, add(sub(sub(splat(1.0), w), half_z), add(poly, mul(hi, neg_lo))));
    (s, c, t)
}

#[inline(always)]
fn sin4(x: lanes::V) -> lanes::V {
    use lanes::*;
    let (s, c, q) = sin_cos_reduced(x);
    // k mod 4 = 0: sin r, 1: cos r, 2: −sin r, 3: −cos r.
    let odd = odd_mask(q);
    xor(select(odd, c, s), and(shl::<30>(q), splat_bits(SIGN)))
}

#[inline(always)]
fn cos4(x: lanes::V) -> lanes::V {
    use lanes::*;
    let (s, c, q) = sin_cos_reduced(x);
    // k mod 4 = 0: cos r, 1: −sin r, 2: −cos r, 3: sin r.
    let odd = odd_mask(q);
    let sign = and(shl::<30>(add_bits(q, splat_bits(1))), splat_bits(SIGN));
    xor(select(odd, s, c), sign)
}

#[inline(always)]
fn tan4(x: lanes::V) -> lanes::V {
    use lanes::*;
    let (s, c, q) = sin_cos_reduced(x);
    // k even: sin r / cos r; odd: −cos r / sin r.
    let odd = odd_mask(q);
    let ratio = div(select(odd, c, s), select(odd, s, c));
    xor(ratio, and(odd, splat_bits(SIGN)))
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
    pub fn div(a: V, b: V) -> V {
        f32x4_div(a, b)
    }
    #[inline(always)]
    pub fn and(a: V, b: V) -> V {
        v128_and(a, b)
    }
    #[inline(always)]
    pub fn xor(a: V, b: V) -> V {
        v128_xor(a, b)
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
        V([f(a.0[0], b.0[0]), f(a.0[1], b.0[1]), f(a.0[2], b.0[2]), f(a.0[3], b.0[3])])
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
    pub fn div(a: V, b: V) -> V {
        map2(a, b, |x, y| x / y)
    }
    #[inline(always)]
    pub fn and(a: V, b: V) -> V {
        bits2(a, b, |x, y| x & y)
    }
    #[inline(always)]
    pub fn xor(a: V, b: V) -> V {
        bits2(a, b, |x, y| x ^ y)
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
    /// Whether `|x| <= limit` in every lane (false where a lane is NaN).
    #[inline(always)]
    pub fn all_abs_le(x: V, limit: f32) -> bool {
        x.0.iter().all(|v| v.abs() <= limit)
    }
}
