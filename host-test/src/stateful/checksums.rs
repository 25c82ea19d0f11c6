//! checksums: digests and combine as free functions, and hashers modelled by the core's own
//! `Hasher` compiled natively (its digests are held to published vectors by the core's tests).

use memkit::checksums as core;

use super::{Interface, Live, MAX_LIVE, Operation, Resource, Run, Step, Target, pick, show_bytes};
use crate::exports::memkit::core::checksums::Algorithm;
use crate::Error;
use crate::ALGORITHMS as ALL;


/// The core's algorithm for the bindings' one.
pub(super) fn native(algorithm: Algorithm) -> core::Algorithm {
    match algorithm {
        Algorithm::Crc32 => core::Algorithm::Crc32,
        Algorithm::Crc32c => core::Algorithm::Crc32c,
        Algorithm::Crc64Nvme => core::Algorithm::Crc64Nvme,
        Algorithm::Sha256 => core::Algorithm::Sha256,
        Algorithm::Md5 => core::Algorithm::Md5,
    }
}

/// The digest the model gives.
pub(super) fn model_digest(algorithm: Algorithm, data: &[u8]) -> Vec<u8> {
    core::digest(native(algorithm), data)
}

impl Run {
    pub(super) fn algorithm(&mut self) -> Algorithm {
        ALL[self.rng.usize(..ALL.len())]
    }

    fn checksums_digest(&mut self) -> Step<bool> {
        let algorithm = self.algorithm();
        let data = self.payload()?;
        self.begin(format!("checksums.digest({algorithm:?}, {})", show_bytes(&data)));
        let got = self.call("checksums.digest", |s, m| {
            m.memkit_core_checksums().call_digest(s, algorithm, &data)
        })?;
        let want = model_digest(algorithm, &data);
        ensure!(got == want, "digest {got:02x?}, the model says {want:02x?}");
        Ok(true)
    }

    /// Two pieces' digests combined: of the pieces (CRCs agree with the whole), of the wrong
    /// length, or of a hash (both `invalid`).
    fn checksums_combine(&mut self) -> Step<bool> {
        let algorithm = self.algorithm();
        let first = self.payload()?;
        let second = self.payload()?;
        let mut a = model_digest(algorithm, &first);
        let b = model_digest(algorithm, &second);
        if self.rng.u32(..6) == 0 {
            let len = self.rng.usize(..a.len() + 2);
            a.resize(len, 0);
        }
        let is_crc = matches!(
            algorithm,
            Algorithm::Crc32 | Algorithm::Crc32c | Algorithm::Crc64Nvme
        );
        let want = if is_crc && a.len() == b.len() {
            Ok(())
        } else {
            Err(Error::Invalid("combine: ".into()))
        };
        let len = second.len() as u64;
        self.begin(format!(
            "checksums.combine({algorithm:?}, {a:02x?}, {b:02x?}, {len})"
        ));
        let got = self.call("checksums.combine", |s, m| {
            m.memkit_core_checksums().call_combine(s, algorithm, &a, &b, len)
        })?;
        if let Some(combined) = self.judge(got, &want, 0)? {
            let whole = model_digest(algorithm, &[first, second].concat());
            ensure!(
                combined == whole,
                "combine gave {combined:02x?}, the digest of the whole is {whole:02x?}"
            );
        }
        Ok(true)
    }

    fn hasher_constructor(&mut self) -> Step<bool> {
        if self.handles.hashers.len() >= MAX_LIVE {
            return Ok(false);
        }
        let algorithm = self.algorithm();
        self.begin(format!("hasher.constructor({algorithm:?})"));
        let handle = self.call("hasher.constructor", |s, m| {
            m.memkit_core_checksums().hasher().call_constructor(s, algorithm)
        })?;
        let model = core::Hasher::new(native(algorithm));
        self.handles.hashers.push(Live { handle, model });
        Ok(true)
    }

    fn hasher_update(&mut self) -> Step<bool> {
        let Some((i, h)) = pick(&mut self.rng, &self.handles.hashers) else {
            return Ok(false);
        };
        let data = self.payload()?;
        self.begin(format!("hasher.update({}) of #{i}", show_bytes(&data)));
        self.call("hasher.update", |s, m| {
            m.memkit_core_checksums().hasher().call_update(s, h, &data)
        })?;
        self.handles.hashers[i].model.update(&data);
        Ok(true)
    }

    fn hasher_digest(&mut self) -> Step<bool> {
        let Some((i, h)) = pick(&mut self.rng, &self.handles.hashers) else {
            return Ok(false);
        };
        let want = self.handles.hashers[i].model.digest();
        self.begin(format!("hasher.digest() of #{i} (model: {want:02x?})"));
        let got = self.call("hasher.digest", |s, m| {
            m.memkit_core_checksums().hasher().call_digest(s, h)
        })?;
        ensure!(got == want, "digest {got:02x?}, the model says {want:02x?}");
        Ok(true)
    }

    fn hasher_bytes_hashed(&mut self) -> Step<bool> {
        let Some((i, h)) = pick(&mut self.rng, &self.handles.hashers) else {
            return Ok(false);
        };
        let want = self.handles.hashers[i].model.bytes_hashed();
        self.begin(format!("hasher.bytes-hashed() of #{i} (model: {want})"));
        let got = self.call("hasher.bytes-hashed", |s, m| {
            m.memkit_core_checksums().hasher().call_bytes_hashed(s, h)
        })?;
        ensure!(got == want, "bytes-hashed is {got}, the model says {want}");
        Ok(true)
    }

    fn hasher_reset(&mut self) -> Step<bool> {
        let Some((i, h)) = pick(&mut self.rng, &self.handles.hashers) else {
            return Ok(false);
        };
        self.begin(format!("hasher.reset() of #{i}"));
        self.call("hasher.reset", |s, m| {
            m.memkit_core_checksums().hasher().call_reset(s, h)
        })?;
        self.handles.hashers[i].model.reset();
        Ok(true)
    }

    /// Saves a hasher, then restores the state (now and then altered, cut short or foreign):
    /// a whole state goes on as the hasher, any other is `invalid`.
    fn hasher_save_and_restore(&mut self) -> Step<bool> {
        if self.handles.hashers.len() >= MAX_LIVE {
            return Ok(false);
        }
        let Some((i, h)) = pick(&mut self.rng, &self.handles.hashers) else {
            return Ok(false);
        };
        self.begin(format!("hasher.save() of #{i}"));
        let mut state = self.call("hasher.save", |s, m| {
            m.memkit_core_checksums().hasher().call_save(s, h)
        })?;
        let model = self.handles.hashers[i].model.clone();
        ensure!(
            state == model.save(),
            "save gave {state:02x?}, the model's state is {:02x?}",
            model.save()
        );
        let whole = match self.rng.u32(..8) {
            0 => {
                let at = self.rng.usize(..state.len());
                state[at] ^= self.rng.u8(1..);
                false
            }
            1 => {
                state.truncate(self.rng.usize(..state.len()));
                false
            }
            2 => {
                state = self.payload()?;
                core::Hasher::restore(&state).is_ok()
            }
            _ => true,
        };
        let want = if whole {
            Ok(())
        } else {
            Err(Error::Invalid("not a saved hasher state".into()))
        };
        self.begin(format!("hasher.restore({})", show_bytes(&state)));
        let got = self.call("hasher.restore", |s, m| {
            m.memkit_core_checksums().hasher().call_restore(s, &state)
        })?;
        if let Some(handle) = self.judge(got, &want, 64)? {
            self.handles.hashers.push(Live { handle, model });
        }
        Ok(true)
    }
}

/// checksums: the free functions, and the hasher resource.
pub(super) const INTERFACE: Interface = Interface {
    target: Target::Memkit,
    resources: &[Resource {
        name: "hasher",
        live: |handles| &mut handles.hashers,
    }],
    operations: &[
        Operation::new(&["checksums.digest"], Run::checksums_digest, 3),
        Operation::new(&["checksums.combine"], Run::checksums_combine, 2),
        Operation::new(&["hasher.constructor"], Run::hasher_constructor, 2),
        Operation::new(&["hasher.update"], Run::hasher_update, 4),
        Operation::new(&["hasher.digest"], Run::hasher_digest, 2),
        Operation::new(&["hasher.bytes-hashed"], Run::hasher_bytes_hashed, 1),
        Operation::new(&["hasher.reset"], Run::hasher_reset, 1),
        Operation::new(
            &["hasher.save", "hasher.restore"],
            Run::hasher_save_and_restore,
            2,
        ),
    ],
};
