//! Any bytes given to `deserialize` give a record or a typed error; a record re-serializes to
//! exactly the input.
#![no_main]

use libfuzzer_sys::fuzz_target;
use memkit::records::{BinaryRecord, ChecksumKind};

fuzz_target!(|data: &[u8]| {
    for kind in [ChecksumKind::Sum32, ChecksumKind::Crc32c] {
        if let Ok(record) = BinaryRecord::deserialize(data.to_vec(), kind) {
            assert_eq!(record.serialize().unwrap(), data);
            assert_eq!(record.payload().len() + 24, data.len());
        }
    }
});
