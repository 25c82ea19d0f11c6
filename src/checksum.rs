//! The two checksums a record can carry.
//!
//! `sum32` is the article's checksum (the wrapping sum of every byte): cheap, but blind to
//! reordered bytes. CRC-32C ([`crate::checksums`]) detects every burst error up to 32 bits.

use crate::checksums::CRC32C;

/// The article's checksum: the wrapping sum of every byte. Cost: O(n); no allocation.
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
pub fn sum32(bytes: &[u8]) -> u32 {
    portable_sum32(bytes)
}

/// The article's checksum with wasm SIMD: 16 bytes a step, widened pairwise into four u32
/// lanes. LLVM vectorises the portable fold only 4 bytes a step on wasm (checked in the
/// disassembly), so this one loop is written with intrinsics. Cost: O(n); no allocation.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
pub fn sum32(bytes: &[u8]) -> u32 {
    use core::arch::wasm32::*;
    let (blocks, tail) = bytes.as_chunks::<16>();
    let tail = portable_sum32(tail);
    let mut lanes = u32x4_splat(0);
    for block in blocks {
        // SAFETY: `block` is 16 readable bytes; `v128_load` has no alignment requirement.
        let v = unsafe { v128_load(block.as_ptr().cast::<v128>()) };
        // Adds wrap, so the lane sums agree with the portable sum modulo 2^32.
        lanes = i32x4_add(
            lanes,
            u32x4_extadd_pairwise_u16x8(u16x8_extadd_pairwise_u8x16(v)),
        );
    }
    [
        u32x4_extract_lane::<0>(lanes),
        u32x4_extract_lane::<1>(lanes),
        u32x4_extract_lane::<2>(lanes),
        u32x4_extract_lane::<3>(lanes),
    ]
    .iter()
    .fold(tail, |acc, &lane| acc.wrapping_add(lane))
}

fn portable_sum32(bytes: &[u8]) -> u32 {
    bytes
        .iter()
        .fold(0u32, |acc, &b| acc.wrapping_add(u32::from(b)))
}

/// Which checksum a record carries. Mirrors WIT `records.checksum-kind`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChecksumKind {
    /// The wrapping u32 sum of every byte ([`sum32`]): cheap, blind to reordered bytes.
    Sum32,
    /// CRC-32C (Castagnoli, [`crc32c`](crate::checksums::crc32c)).
    Crc32c,
}

impl ChecksumKind {
    /// The checksum over `header ++ payload`, without concatenating them. Cost: O(n) in
    /// their total length; no allocation.
    pub fn checksum(self, header: &[u8], payload: &[u8]) -> u32 {
        match self {
            ChecksumKind::Sum32 => sum32(header).wrapping_add(sum32(payload)),
            ChecksumKind::Crc32c => {
                let mut digest = CRC32C.digest();
                digest.update(header);
                digest.update(payload);
                digest.finalize()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checksums::crc32c;

    #[test]
    fn checksums_cover_header_then_payload() {
        let (header, payload) = (b"0123456789abcdef", b"payload");
        let whole = [&header[..], &payload[..]].concat();
        assert_eq!(
            ChecksumKind::Crc32c.checksum(header, payload),
            crc32c(&whole)
        );
        assert_eq!(ChecksumKind::Sum32.checksum(header, payload), sum32(&whole));
    }

    #[test]
    fn sum32_wraps() {
        let bytes = vec![0xFF; (u32::MAX / 0xFF) as usize + 2];
        assert_eq!(sum32(&bytes), 0xFFu32.wrapping_mul(bytes.len() as u32));
    }
}
