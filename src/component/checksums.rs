//! Glue of `wit/checksums.wit` over `src/checksums.rs`.

use super::exports::memkit::core::checksums;
use super::{Memkit, Rep, Result};
use crate::alloc::room_for_handle;
use crate::checksums::{Algorithm, ExpectedDigest, Hasher};

impl checksums::Guest for Memkit {
    type Hasher = Rep<Hasher>;

    fn digest(algorithm: checksums::Algorithm, data: Vec<u8>) -> Vec<u8> {
        crate::checksums::digest(algorithm.into(), &data)
    }
    fn combine(
        algorithm: checksums::Algorithm,
        first: Vec<u8>,
        second: Vec<u8>,
        second_len: u64,
    ) -> Result<Vec<u8>> {
        Ok(crate::checksums::combine(
            algorithm.into(),
            &first,
            &second,
            second_len,
        )?)
    }
}

impl checksums::GuestHasher for Rep<Hasher> {
    fn new(algorithm: checksums::Algorithm) -> Self {
        Rep::new(Hasher::new(algorithm.into()))
    }
    fn update(&self, data: Vec<u8>) {
        self.get_mut().update(&data)
    }
    fn digest(&self) -> Vec<u8> {
        self.get().digest()
    }
    fn bytes_hashed(&self) -> u64 {
        self.get().bytes_hashed()
    }
    fn reset(&self) {
        self.get_mut().reset()
    }
    fn save(&self) -> Vec<u8> {
        self.get().save()
    }
    fn restore(state: Vec<u8>) -> Result<checksums::Hasher> {
        let hasher = Hasher::restore(&state)?;
        room_for_handle::<Self>()?;
        Ok(checksums::Hasher::new(Rep::new(hasher)))
    }
}

impl From<checksums::Algorithm> for Algorithm {
    fn from(algorithm: checksums::Algorithm) -> Self {
        match algorithm {
            checksums::Algorithm::Crc32 => Algorithm::Crc32,
            checksums::Algorithm::Crc32c => Algorithm::Crc32c,
            checksums::Algorithm::Crc64Nvme => Algorithm::Crc64Nvme,
            checksums::Algorithm::Sha256 => Algorithm::Sha256,
            checksums::Algorithm::Md5 => Algorithm::Md5,
        }
    }
}

impl From<checksums::ExpectedDigest> for ExpectedDigest {
    fn from(expected: checksums::ExpectedDigest) -> Self {
        ExpectedDigest {
            algorithm: expected.algorithm.into(),
            digest: expected.digest,
        }
    }
}
