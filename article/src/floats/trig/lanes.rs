//! Four `f32` lanes and the operations the trig kernels use: on wasm with `simd128`, one
//! `core::arch::wasm32` instruction each; elsewhere a portable `[f32; 4]` doing the same IEEE
//! operation per lane, in the same order, so the two are bit-identical (see `trig.rs`).

/// Four `f32` lanes and the operations the kernels use, one `wasm32` SIMD instruction each.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod simd128 {
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
mod portable {
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

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
pub use simd128::*;

#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
pub use portable::*;
