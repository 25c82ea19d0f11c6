//! The `checksums` interface: the digests that transfer protocols carry, in one call or a piece
//! at a time, resumable from a saved state, and (for the CRCs) combinable.
//!
//! | algorithm | what carries it | digest |
//! |---|---|---|
//! | CRC-32 (ISO-HDLC, the zlib/gzip/zip CRC) | S3 `x-amz-checksum-crc32`, gzip, zip | 4 bytes |
//! | CRC-32C (Castagnoli) | S3 `-crc32c`, iSCSI, GCS, ext4 | 4 bytes |
//! | CRC-64/NVME | S3 `-crc64nvme` | 8 bytes |
//! | SHA-256 | S3 `-sha256`, tus `Upload-Checksum` | 32 bytes |
//! | MD5 | `Content-MD5` | 16 bytes |
//!
//! A digest is always its big-endian bytes, the form the headers carry (in base64).
//!
//! The CRCs come from the `crc` crate (slice-by-16 tables built at compile time) and the hashes
//! from RustCrypto's `sha2` and `md-5`. Written here is only what no maintained crate offers
//! for these: combining two CRCs ([`combine`]) and the envelope of a saved state
//! ([`Hasher::save`]).
//!
//! Invariants: a [`Hasher`]'s digest is always the one-shot [`digest`] of every byte it has
//! been given since it was made or reset; a state restored from [`Hasher::save`] goes on as
//! the hasher it was saved from would have; [`combine`] of the CRCs of `a` and `b` is the CRC
//! of `a ‖ b`.

use crc::{Algorithm as CrcAlgorithm, Crc, Table};
use md5::Md5;
use sha2::digest::common::hazmat::SerializableState;
use sha2::digest::Digest;
use sha2::Sha256;

use crate::error::Error;

/// A digest algorithm. Mirrors WIT `checksums.algorithm`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Algorithm {
    /// CRC-32/ISO-HDLC: the CRC of zlib, gzip, zip and PNG.
    Crc32,
    /// CRC-32C (Castagnoli, CRC-32/ISCSI).
    Crc32c,
    /// CRC-64/NVME (the NVMe specification's CRC, S3's `crc64nvme`).
    Crc64Nvme,
    /// SHA-256 (FIPS 180-4).
    Sha256,
    /// MD5 (RFC 1321). Broken for signatures; still what `Content-MD5` carries.
    Md5,
}

impl Algorithm {
    /// Every algorithm, in WIT order.
    pub const ALL: [Algorithm; 5] = [
        Algorithm::Crc32,
        Algorithm::Crc32c,
        Algorithm::Crc64Nvme,
        Algorithm::Sha256,
        Algorithm::Md5,
    ];

    /// The length of a digest in bytes: 4, 4, 8, 32, 16.
    pub const fn digest_len(self) -> usize {
        match self {
            Algorithm::Crc32 | Algorithm::Crc32c => 4,
            Algorithm::Crc64Nvme => 8,
            Algorithm::Sha256 => 32,
            Algorithm::Md5 => 16,
        }
    }

    /// The WIT name: `crc32`, `crc32c`, `crc64-nvme`, `sha256`, `md5`.
    pub const fn name(self) -> &'static str {
        match self {
            Algorithm::Crc32 => "crc32",
            Algorithm::Crc32c => "crc32c",
            Algorithm::Crc64Nvme => "crc64-nvme",
            Algorithm::Sha256 => "sha256",
            Algorithm::Md5 => "md5",
        }
    }

    /// The algorithm's tag in a saved state (its WIT case index).
    const fn tag(self) -> u8 {
        match self {
            Algorithm::Crc32 => 0,
            Algorithm::Crc32c => 1,
            Algorithm::Crc64Nvme => 2,
            Algorithm::Sha256 => 3,
            Algorithm::Md5 => 4,
        }
    }

    fn from_tag(tag: u8) -> Option<Self> {
        Algorithm::ALL.into_iter().find(|a| a.tag() == tag)
    }

    /// The CRC's parameters, for the three CRCs.
    const fn crc(self) -> Option<&'static CrcAlgorithm<u64>> {
        match self {
            Algorithm::Crc32 => Some(&CRC_32_ISO_HDLC_64),
            Algorithm::Crc32c => Some(&CRC_32_ISCSI_64),
            Algorithm::Crc64Nvme => Some(&crc::CRC_64_NVME),
            Algorithm::Sha256 | Algorithm::Md5 => None,
        }
    }
}

/// CRC-32/ISO-HDLC with slice-by-16 tables.
pub(crate) const CRC32: Crc<u32, Table<16>> = Crc::<u32, Table<16>>::new(&crc::CRC_32_ISO_HDLC);
/// CRC-32C with slice-by-16 tables.
pub(crate) const CRC32C: Crc<u32, Table<16>> = Crc::<u32, Table<16>>::new(&crc::CRC_32_ISCSI);
/// CRC-64/NVME with slice-by-16 tables.
const CRC64_NVME: Crc<u64, Table<16>> = Crc::<u64, Table<16>>::new(&crc::CRC_64_NVME);

/// The 32-bit CRCs' parameters widened to `u64`, so that [`combine`]'s arithmetic is written
/// once for every width.
const CRC_32_ISO_HDLC_64: CrcAlgorithm<u64> = widen(&crc::CRC_32_ISO_HDLC);
const CRC_32_ISCSI_64: CrcAlgorithm<u64> = widen(&crc::CRC_32_ISCSI);

const fn widen(a: &CrcAlgorithm<u32>) -> CrcAlgorithm<u64> {
    CrcAlgorithm {
        width: a.width,
        poly: a.poly as u64,
        init: a.init as u64,
        refin: a.refin,
        refout: a.refout,
        xorout: a.xorout as u64,
        check: a.check as u64,
        residue: a.residue as u64,
    }
}

/// The CRC-32C of `bytes`. Cost: O(n), table-driven; no allocation.
pub fn crc32c(bytes: &[u8]) -> u32 {
    CRC32C.checksum(bytes)
}

/// The digest of `data` with `algorithm`, big-endian. Cost: O(n); one allocation of at most 32
/// bytes (small enough that it never fails gracefully: it may draw on the reserve).
pub fn digest(algorithm: Algorithm, data: &[u8]) -> Vec<u8> {
    let mut hasher = Hasher::new(algorithm);
    hasher.update(data);
    hasher.digest()
}

/// A running digest. A CRC's state is the CRC of what it has seen (each update resumes the
/// table algorithm from it); a hash's state is the crate's hasher.
#[derive(Debug, Clone)]
pub struct Hasher {
    state: State,
    bytes_hashed: u64,
}

#[derive(Debug, Clone)]
enum State {
    Crc32(u32),
    Crc32c(u32),
    Crc64Nvme(u64),
    Sha256(Sha256),
    Md5(Md5),
}

/// The version of the saved-state envelope (see [`Hasher::save`]).
const STATE_VERSION: u8 = 1;
/// The envelope's first bytes: "memkit hasher".
const STATE_MAGIC: [u8; 3] = *b"mkh";
/// Magic, version, algorithm tag, bytes hashed.
const STATE_HEAD: usize = STATE_MAGIC.len() + 1 + 1 + 8;
/// The CRC-32C at the end of the envelope.
const STATE_CHECK: usize = 4;

impl Hasher {
    /// A hasher of nothing yet. Cost: O(1); no allocation.
    pub fn new(algorithm: Algorithm) -> Self {
        let state = match algorithm {
            Algorithm::Crc32 => State::Crc32(CRC32.checksum(&[])),
            Algorithm::Crc32c => State::Crc32c(CRC32C.checksum(&[])),
            Algorithm::Crc64Nvme => State::Crc64Nvme(CRC64_NVME.checksum(&[])),
            Algorithm::Sha256 => State::Sha256(Sha256::new()),
            Algorithm::Md5 => State::Md5(Md5::new()),
        };
        Hasher {
            state,
            bytes_hashed: 0,
        }
    }

    /// The algorithm.
    pub fn algorithm(&self) -> Algorithm {
        match self.state {
            State::Crc32(_) => Algorithm::Crc32,
            State::Crc32c(_) => Algorithm::Crc32c,
            State::Crc64Nvme(_) => Algorithm::Crc64Nvme,
            State::Sha256(_) => Algorithm::Sha256,
            State::Md5(_) => Algorithm::Md5,
        }
    }

    /// Hashes `data` after what came before. Cost: O(n); no allocation.
    pub fn update(&mut self, data: &[u8]) {
        match &mut self.state {
            State::Crc32(crc) => *crc = resume_32(&CRC32, *crc, data),
            State::Crc32c(crc) => *crc = resume_32(&CRC32C, *crc, data),
            State::Crc64Nvme(crc) => {
                let mut digest =
                    CRC64_NVME.digest_with_initial(register_init_64(&crc::CRC_64_NVME, *crc));
                digest.update(data);
                *crc = digest.finalize();
            }
            State::Sha256(hasher) => hasher.update(data),
            State::Md5(hasher) => hasher.update(data),
        }
        self.bytes_hashed = self.bytes_hashed.wrapping_add(data.len() as u64);
    }

    /// The digest of everything hashed so far, big-endian; hashing can go on. Cost: O(1) for a
    /// CRC, one final block for a hash; one allocation of at most 32 bytes.
    pub fn digest(&self) -> Vec<u8> {
        match &self.state {
            State::Crc32(crc) | State::Crc32c(crc) => crc.to_be_bytes().to_vec(),
            State::Crc64Nvme(crc) => crc.to_be_bytes().to_vec(),
            State::Sha256(hasher) => hasher.clone().finalize().to_vec(),
            State::Md5(hasher) => hasher.clone().finalize().to_vec(),
        }
    }

    /// The CRC so far as a number; 0 for a hash.
    fn crc_value(&self) -> u64 {
        match self.state {
            State::Crc32(crc) | State::Crc32c(crc) => u64::from(crc),
            State::Crc64Nvme(crc) => crc,
            State::Sha256(_) | State::Md5(_) => 0,
        }
    }

    /// How many bytes have been hashed since the hasher was made or reset (wrapping past
    /// `u64::MAX`, which no transfer reaches). Cost: O(1).
    pub fn bytes_hashed(&self) -> u64 {
        self.bytes_hashed
    }

    /// Starts again from nothing, with the same algorithm. Cost: O(1).
    pub fn reset(&mut self) {
        *self = Hasher::new(self.algorithm());
    }

    /// The state, to be given to [`restore`](Self::restore) later, maybe in another instance:
    ///
    /// `"mkh"`, version (1), algorithm (its WIT case index), bytes hashed (u64 big-endian), the
    /// algorithm's state (a CRC: its value, big-endian; a hash: the crate's serialized state,
    /// with its partial block), and a CRC-32C of all of that, big-endian.
    ///
    /// Cost: O(1); one allocation of at most 128 bytes (small enough that it never fails
    /// gracefully: it may draw on the reserve, as a digest does).
    pub fn save(&self) -> Vec<u8> {
        let inner = self.inner_state();
        let mut state = Vec::with_capacity(STATE_HEAD + inner.len() + STATE_CHECK);
        state.extend_from_slice(&STATE_MAGIC);
        state.push(STATE_VERSION);
        state.push(self.algorithm().tag());
        state.extend_from_slice(&self.bytes_hashed.to_be_bytes());
        state.extend_from_slice(&inner);
        let check = crc32c(&state);
        state.extend_from_slice(&check.to_be_bytes());
        debug_assert!(state.len() <= 128);
        state
    }

    /// The algorithm's own state, as [`save`](Self::save) writes it.
    fn inner_state(&self) -> InnerState {
        let mut inner = InnerState::default();
        match &self.state {
            State::Crc32(crc) | State::Crc32c(crc) => inner.extend(&crc.to_be_bytes()),
            State::Crc64Nvme(crc) => inner.extend(&crc.to_be_bytes()),
            State::Sha256(hasher) => inner.extend(&hasher.serialize()),
            State::Md5(hasher) => inner.extend(&hasher.serialize()),
        }
        inner
    }

    /// A hasher that goes on from a state [`save`](Self::save) wrote. Cost: O(1); no
    /// allocation.
    ///
    /// # Errors
    /// [`Error::Invalid`] when `state` is not one: of the wrong length, with another magic,
    /// version or algorithm, a check that does not match, or a hash state the crate refuses.
    /// A state that is not whole is never taken for one.
    pub fn restore(state: &[u8]) -> Result<Self, Error> {
        let invalid = |why: &str| Error::Invalid(format!("not a saved hasher state: {why}"));
        if state.len() < STATE_HEAD + STATE_CHECK {
            return Err(invalid("too short"));
        }
        let (body, check) = state.split_at(state.len() - STATE_CHECK);
        if body[..STATE_MAGIC.len()] != STATE_MAGIC {
            return Err(invalid("it does not start with \"mkh\""));
        }
        if body[3] != STATE_VERSION {
            return Err(invalid(&format!(
                "version {} (this memkit reads version {STATE_VERSION})",
                body[3]
            )));
        }
        let Some(algorithm) = Algorithm::from_tag(body[4]) else {
            return Err(invalid(&format!("unknown algorithm {}", body[4])));
        };
        if crc32c(body).to_be_bytes() != check {
            return Err(invalid("its check does not match (the state was altered)"));
        }
        let bytes_hashed = u64::from_be_bytes(body[5..STATE_HEAD].try_into().expect("8 bytes"));
        let inner = &body[STATE_HEAD..];
        let wrong_length = || invalid(&format!("{} bytes of {algorithm:?} state", inner.len()));
        let state = match algorithm {
            Algorithm::Crc32 => State::Crc32(u32::from_be_bytes(
                inner.try_into().map_err(|_| wrong_length())?,
            )),
            Algorithm::Crc32c => State::Crc32c(u32::from_be_bytes(
                inner.try_into().map_err(|_| wrong_length())?,
            )),
            Algorithm::Crc64Nvme => State::Crc64Nvme(u64::from_be_bytes(
                inner.try_into().map_err(|_| wrong_length())?,
            )),
            Algorithm::Sha256 => State::Sha256(
                Sha256::deserialize(inner.try_into().map_err(|_| wrong_length())?)
                    .map_err(|_| invalid("the SHA-256 state is malformed"))?,
            ),
            Algorithm::Md5 => State::Md5(
                Md5::deserialize(inner.try_into().map_err(|_| wrong_length())?)
                    .map_err(|_| invalid("the MD5 state is malformed"))?,
            ),
        };
        Ok(Hasher {
            state,
            bytes_hashed,
        })
    }
}

/// A saved state's inner part, on the stack: the largest (SHA-256's) is under 128 bytes.
struct InnerState {
    bytes: [u8; 128],
    len: usize,
}

impl Default for InnerState {
    fn default() -> Self {
        InnerState {
            bytes: [0; 128],
            len: 0,
        }
    }
}

impl InnerState {
    fn extend(&mut self, more: &[u8]) {
        self.bytes[self.len..self.len + more.len()].copy_from_slice(more);
        self.len += more.len();
    }
}

impl std::ops::Deref for InnerState {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        &self.bytes[..self.len]
    }
}

/// A 32-bit reflected CRC of what came before (`crc`, as `finalize` gave it), continued over
/// `data`.
fn resume_32(table: &Crc<u32, Table<16>>, crc: u32, data: &[u8]) -> u32 {
    let algorithm = widen(table.algorithm);
    let mut digest = table.digest_with_initial(register_init_64(&algorithm, u64::from(crc)) as u32);
    digest.update(data);
    digest.finalize()
}

/// The `initial` that makes `crc`'s `digest_with_initial` resume from a CRC value: the register
/// holds `value ^ xorout` (a reflected CRC is not reflected again at the end), and
/// `digest_with_initial` reflects its argument as it does the algorithm's `init`.
const fn register_init_64(algorithm: &CrcAlgorithm<u64>, value: u64) -> u64 {
    let register = value ^ algorithm.xorout;
    register.reverse_bits() >> (64 - algorithm.width)
}

/// The CRC of `a ‖ b` from `first` = CRC(`a`), `second` = CRC(`b`) and `second_len` =
/// len(`b`), for the three CRCs: big-endian digests in, a big-endian digest out.
///
/// A CRC register is linear over GF(2): processing `b` from a register `r` gives
/// `r·x^(8·len b) ⊕ R(0, b)`. With `init` equal to `xorout`, as in all three, that makes
/// `CRC(a‖b) = CRC(a)·x^(8·len b) mod P ⊕ CRC(b)`. The multiplication is zlib's `multmodp`
/// and the power its `x2nmodp` (Mark Adler, zlib `crc32.c`, `crc32_combine`), for any width,
/// with the powers x^(2^k) squared as needed rather than read from a 32-entry table (which
/// suits only polynomials for which x^(2^32) = x). Cost: O(64 · width) bit steps; no
/// allocation beyond the digest.
///
/// # Errors
/// [`Error::Invalid`] for SHA-256 and MD5 (hashes do not combine), and for a digest that is
/// not the algorithm's length.
pub fn combine(
    algorithm: Algorithm,
    first: &[u8],
    second: &[u8],
    second_len: u64,
) -> Result<Vec<u8>, Error> {
    let Some(crc) = algorithm.crc() else {
        return Err(Error::Invalid(format!(
            "combine: {algorithm:?} is a hash, and only CRCs combine"
        )));
    };
    let len = algorithm.digest_len();
    for (name, digest) in [("first", first), ("second", second)] {
        if digest.len() != len {
            return Err(Error::Invalid(format!(
                "combine: {name} is {} bytes; a {algorithm:?} digest is {len}",
                digest.len()
            )));
        }
    }
    let value = |digest: &[u8]| {
        digest
            .iter()
            .fold(0u64, |acc, &byte| (acc << 8) | u64::from(byte))
    };
    let combined = combine_values(crc, value(first), value(second), second_len);
    Ok(combined.to_be_bytes()[8 - len..].to_vec())
}

/// [`combine`] on values. Only reflected CRCs whose `init` equals `xorout` are asked for.
fn combine_values(crc: &CrcAlgorithm<u64>, first: u64, second: u64, second_len: u64) -> u64 {
    debug_assert!(crc.refin && crc.refout && crc.init == crc.xorout);
    let field = Gf2Poly::new(crc);
    field.multiply(field.x_to_the_8n(second_len), first) ^ second
}

/// Arithmetic modulo a CRC's polynomial, on values in its reflected bit order (x^0 in the
/// highest of `width` bits).
struct Gf2Poly {
    /// The polynomial without its x^width term, reflected.
    poly: u64,
    /// x^0: the highest of the `width` bits.
    one: u64,
}

impl Gf2Poly {
    fn new(crc: &CrcAlgorithm<u64>) -> Self {
        Gf2Poly {
            poly: crc.poly.reverse_bits() >> (64 - crc.width),
            one: 1 << (crc.width - 1),
        }
    }

    /// `a·b mod P`.
    fn multiply(&self, a: u64, mut b: u64) -> u64 {
        let mut product = 0;
        let mut bit = self.one;
        while bit != 0 {
            if a & bit != 0 {
                product ^= b;
            }
            bit >>= 1;
            // b·x: one shift in reflected order, reduced by P when x^(width-1) falls off.
            b = if b & 1 != 0 {
                (b >> 1) ^ self.poly
            } else {
                b >> 1
            };
        }
        product
    }

    /// `x^(8·n) mod P`, by squaring: x^(2^k) for k = 3, 4, … multiplied in for each bit of n.
    fn x_to_the_8n(&self, mut n: u64) -> u64 {
        let mut power = self.one; // x^0
        let mut square = self.one >> 8; // x^8
        while n != 0 {
            if n & 1 != 0 {
                power = self.multiply(square, power);
            }
            n >>= 1;
            if n != 0 {
                square = self.multiply(square, square);
            }
        }
        power
    }
}

/// What a digest should be. Mirrors WIT `checksums.expected-digest`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpectedDigest {
    /// The algorithm.
    pub algorithm: Algorithm,
    /// The digest, big-endian, of the algorithm's length.
    pub digest: Vec<u8>,
}

impl ExpectedDigest {
    /// An expectation of the CRC-32C `crc`.
    pub fn crc32c(crc: u32) -> Self {
        ExpectedDigest {
            algorithm: Algorithm::Crc32c,
            digest: crc.to_be_bytes().to_vec(),
        }
    }

    /// Refuses a digest that is not the algorithm's length. Cost: O(1).
    ///
    /// # Errors
    /// [`Error::Invalid`] naming both lengths.
    pub fn validate(&self) -> Result<(), Error> {
        let len = self.algorithm.digest_len();
        if self.digest.len() != len {
            return Err(Error::Invalid(format!(
                "expected digest: a {} digest is {len} bytes, this one {}",
                self.algorithm.name(),
                self.digest.len()
            )));
        }
        Ok(())
    }

    /// Compares `actual` (a digest of the same algorithm) with the expected one.
    ///
    /// # Errors
    /// [`Error::Invalid`] `"<algorithm> mismatch: expected 0x…, computed 0x…"` (both in hex).
    pub fn compare(&self, actual: &[u8]) -> Result<(), Error> {
        if actual == self.digest.as_slice() {
            return Ok(());
        }
        Err(Error::Invalid(format!(
            "{} mismatch: expected 0x{}, computed 0x{}",
            self.algorithm.name(),
            Hex(&self.digest),
            Hex(actual)
        )))
    }

    /// [`compare`](Self::compare)s the digest of `data`. Cost: O(n).
    ///
    /// # Errors
    /// As [`compare`](Self::compare).
    pub fn check(&self, data: &[u8]) -> Result<(), Error> {
        let mut hasher = Hasher::new(self.algorithm);
        hasher.update(data);
        self.compare(&hasher.digest())
    }
}

/// Bytes as lowercase hex, for messages.
struct Hex<'a>(&'a [u8]);

impl std::fmt::Display for Hex<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.iter().try_for_each(|byte| write!(f, "{byte:02x}"))
    }
}

/// The CRC of a payload of known length that is filled in piece by piece, in any order: the
/// bytes not yet given count as zeros. When every byte is in, [`crc`](Self::crc) is the CRC of
/// the payload, with no pass over it.
///
/// A CRC is affine in its input: for a message `M` of `n` bytes, `CRC(M) = L(M) ⊕ CRC(0ⁿ)`,
/// where `L` is the CRC with neither `init` nor `xorout` (linear over GF(2)). A piece `P` at
/// offset `o` adds `L(P)·x^(8·r)` to `L(M)`, `r` being the bytes after it; the bytes before it
/// add nothing. Each byte must be given once (a repeat would cancel itself).
#[derive(Debug, Clone)]
pub struct PositionalCrc {
    algorithm: Algorithm,
    len: u64,
    /// `L` of the payload so far.
    linear: u64,
}

impl PositionalCrc {
    /// For a payload of `len` bytes; `None` for a hash. Cost: O(1).
    pub fn new(algorithm: Algorithm, len: u64) -> Option<Self> {
        algorithm.crc()?;
        Some(PositionalCrc {
            algorithm,
            len,
            linear: 0,
        })
    }

    /// Adds `piece`, which lands at `offset` (`offset + piece.len() <= len`). Cost: O(piece)
    /// table-driven, plus O(64·width·log len) bit steps; no allocation.
    pub fn add(&mut self, offset: u64, piece: &[u8]) {
        let crc = self.algorithm.crc().expect("made for a CRC");
        let after = self.len - offset - piece.len() as u64;
        debug_assert!(offset + piece.len() as u64 <= self.len);
        let mut raw = Hasher::new(self.algorithm);
        // Resuming from the CRC whose register is 0 runs the table algorithm without `init`.
        raw.state = match raw.state {
            State::Crc32(_) => State::Crc32(crc.xorout as u32),
            State::Crc32c(_) => State::Crc32c(crc.xorout as u32),
            State::Crc64Nvme(_) => State::Crc64Nvme(crc.xorout),
            hash => hash,
        };
        raw.update(piece);
        let linear_of_piece = raw.crc_value() ^ crc.xorout;
        let field = Gf2Poly::new(crc);
        self.linear ^= field.multiply(field.x_to_the_8n(after), linear_of_piece);
    }

    /// The CRC of the payload, big-endian: unfilled bytes count as zeros. Cost: O(64·width·log
    /// len) bit steps; one allocation of the digest.
    pub fn crc(&self) -> Vec<u8> {
        let crc = self.algorithm.crc().expect("made for a CRC");
        let field = Gf2Poly::new(crc);
        let init_register = crc.init.reverse_bits() >> (64 - crc.width);
        let of_zeros = field.multiply(field.x_to_the_8n(self.len), init_register) ^ crc.xorout;
        let value = self.linear ^ of_zeros;
        value.to_be_bytes()[8 - self.algorithm.digest_len()..].to_vec()
    }
}

#[cfg(test)]
mod tests;
