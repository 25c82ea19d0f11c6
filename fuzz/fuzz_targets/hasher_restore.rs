//! Any bytes given to `Hasher::restore` give a hasher or `invalid`, never a panic; a restored
//! hasher saves back exactly the bytes it came from, and goes on hashing like any other.
#![no_main]

use libfuzzer_sys::fuzz_target;
use memkit::checksums::Hasher;
use memkit::Error;

fuzz_target!(|data: &[u8]| {
    match Hasher::restore(data) {
        Ok(mut hasher) => {
            assert_eq!(hasher.save(), data);
            hasher.update(data);
            assert_eq!(hasher.digest().len(), hasher.algorithm().digest_len());
        }
        Err(error) => assert!(matches!(error, Error::Invalid(_)), "{error:?}"),
    }
});
