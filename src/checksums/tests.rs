//! Published check values and test vectors (none computed here), and properties of combine
//! and save/restore against one-shot digests.

use super::*;
use proptest::prelude::*;

fn hex(digest: &[u8]) -> String {
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// The CRC catalogue's check values (the CRC of the ASCII "123456789").
#[test]
fn crcs_give_the_catalogue_check_values() {
    assert_eq!(hex(&digest(Algorithm::Crc32, b"123456789")), "cbf43926");
    assert_eq!(hex(&digest(Algorithm::Crc32c, b"123456789")), "e3069283");
    assert_eq!(
        hex(&digest(Algorithm::Crc64Nvme, b"123456789")),
        "ae8b14860a799888"
    );
}

/// RFC 3720 (iSCSI), appendix B.4: CRC-32C examples.
#[test]
fn crc32c_gives_rfc_3720_b4_values() {
    let incrementing: Vec<u8> = (0..32).collect();
    let decrementing: Vec<u8> = (0..32).rev().collect();
    let cases: [(&[u8], u32); 4] = [
        (&[0; 32], 0x8A91_36AA),
        (&[0xFF; 32], 0x62A8_AB43),
        (&incrementing, 0x46DD_794E),
        (&decrementing, 0x113F_DB5C),
    ];
    for (data, crc) in cases {
        assert_eq!(digest(Algorithm::Crc32c, data), crc.to_be_bytes());
    }
}

/// FIPS 180-4's examples (NIST's "SHA256.pdf" example values).
#[test]
fn sha256_gives_the_fips_180_4_examples() {
    assert_eq!(
        hex(&digest(Algorithm::Sha256, b"abc")),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
    assert_eq!(
        hex(&digest(
            Algorithm::Sha256,
            b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
        )),
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
    );
    let mut hasher = Hasher::new(Algorithm::Sha256);
    for _ in 0..1000 {
        hasher.update(&[b'a'; 1000]);
    }
    assert_eq!(
        hex(&hasher.digest()),
        "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"
    );
}

/// RFC 1321's test suite (appendix A.5).
#[test]
fn md5_gives_the_rfc_1321_suite() {
    let cases: [(&[u8], &str); 7] = [
        (b"", "d41d8cd98f00b204e9800998ecf8427e"),
        (b"a", "0cc175b9c0f1b6a831c399e269772661"),
        (b"abc", "900150983cd24fb0d6963f7d28e17f72"),
        (b"message digest", "f96b697d7cb7938d525a2f31aaf161d0"),
        (
            b"abcdefghijklmnopqrstuvwxyz",
            "c3fcd3d76192e4007dfb496cca67e13b",
        ),
        (
            b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
            "d174ab98d277d9f5a5611c2c9f419d9f",
        ),
        (
            b"12345678901234567890123456789012345678901234567890123456789012345678901234567890",
            "57edf4a22be3c955ac49da2e2107b67a",
        ),
    ];
    for (data, md5) in cases {
        assert_eq!(hex(&digest(Algorithm::Md5, data)), md5);
    }
}

#[test]
fn digests_have_the_algorithms_lengths() {
    for algorithm in Algorithm::ALL {
        assert_eq!(digest(algorithm, b"x").len(), algorithm.digest_len());
        assert_eq!(
            Hasher::new(algorithm).digest().len(),
            algorithm.digest_len()
        );
    }
}

#[test]
fn hashes_do_not_combine_and_lengths_are_checked() {
    for algorithm in [Algorithm::Sha256, Algorithm::Md5] {
        let d = digest(algorithm, b"a");
        assert!(matches!(
            combine(algorithm, &d, &d, 1),
            Err(Error::Invalid(_))
        ));
    }
    let crc = digest(Algorithm::Crc32c, b"a");
    assert!(matches!(
        combine(Algorithm::Crc32c, &crc, &crc[..3], 1),
        Err(Error::Invalid(_))
    ));
    assert!(matches!(
        combine(Algorithm::Crc64Nvme, &crc, &crc, 1),
        Err(Error::Invalid(_))
    ));
}

#[test]
fn combining_with_an_empty_second_part_gives_the_first() {
    for algorithm in [Algorithm::Crc32, Algorithm::Crc32c, Algorithm::Crc64Nvme] {
        let a = digest(algorithm, b"123456789");
        let empty = digest(algorithm, b"");
        assert_eq!(combine(algorithm, &a, &empty, 0).unwrap(), a);
    }
}

#[test]
fn a_state_that_is_not_whole_is_invalid() {
    let mut hasher = Hasher::new(Algorithm::Sha256);
    hasher.update(b"some bytes");
    let state = hasher.save();
    let invalid = |state: &[u8]| matches!(Hasher::restore(state), Err(Error::Invalid(_)));
    assert!(invalid(&[]));
    assert!(invalid(&state[..state.len() - 1]), "truncated");
    for at in 0..state.len() {
        let mut altered = state.clone();
        altered[at] ^= 0x01;
        assert!(invalid(&altered), "byte {at} altered");
    }
    let mut longer = state.clone();
    longer.push(0);
    assert!(invalid(&longer));
    // A state of another memkit hasher is fine; a SHA-256 digest is not a state.
    assert!(Hasher::restore(&state).is_ok());
    assert!(invalid(&hasher.digest()));
}

#[test]
fn reset_starts_again() {
    for algorithm in Algorithm::ALL {
        let mut hasher = Hasher::new(algorithm);
        hasher.update(b"before");
        hasher.reset();
        hasher.update(b"after");
        assert_eq!(hasher.digest(), digest(algorithm, b"after"));
        assert_eq!(hasher.bytes_hashed(), 5);
    }
}

fn any_algorithm() -> impl Strategy<Value = Algorithm> {
    prop::sample::select(Algorithm::ALL.to_vec())
}

fn any_crc() -> impl Strategy<Value = Algorithm> {
    prop::sample::select(vec![
        Algorithm::Crc32,
        Algorithm::Crc32c,
        Algorithm::Crc64Nvme,
    ])
}

#[test]
fn a_mismatch_names_both_digests_in_hex() {
    let expected = ExpectedDigest::crc32c(0xE306_9283);
    assert_eq!(expected.check(b"123456789"), Ok(()));
    assert_eq!(
        expected.check(b"123456780"),
        Err(Error::Invalid(format!(
            "crc32c mismatch: expected 0xe3069283, computed 0x{}",
            hex(&digest(Algorithm::Crc32c, b"123456780"))
        )))
    );
    let short = ExpectedDigest {
        algorithm: Algorithm::Sha256,
        digest: vec![0; 31],
    };
    assert!(matches!(short.validate(), Err(Error::Invalid(_))));
}

proptest! {
    #[test]
    fn a_positional_crc_of_pieces_in_any_order_is_the_crc_of_the_whole(
        algorithm in any_crc(),
        data in prop::collection::vec(any::<u8>(), 0..3000),
        cuts in prop::collection::vec(0usize..3000, 0..10),
        order in any::<u64>(),
    ) {
        let mut cuts: Vec<usize> = cuts.into_iter().map(|c| c.min(data.len())).collect();
        cuts.push(0);
        cuts.push(data.len());
        cuts.sort_unstable();
        let mut pieces: Vec<(usize, usize)> = cuts.windows(2).map(|w| (w[0], w[1])).collect();
        // Some order of the pieces, chosen by `order`.
        pieces.sort_by_key(|&(from, _)| (from as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ order);
        let mut crc = PositionalCrc::new(algorithm, data.len() as u64).unwrap();
        for (from, to) in pieces {
            crc.add(from as u64, &data[from..to]);
        }
        prop_assert_eq!(crc.crc(), digest(algorithm, &data));
    }


    #[test]
    fn combine_agrees_with_the_digest_of_the_whole(
        algorithm in any_crc(),
        a in prop::collection::vec(any::<u8>(), 0..600),
        b in prop::collection::vec(any::<u8>(), 0..600),
    ) {
        let whole = [&a[..], &b[..]].concat();
        let combined = combine(
            algorithm,
            &digest(algorithm, &a),
            &digest(algorithm, &b),
            b.len() as u64,
        ).unwrap();
        prop_assert_eq!(combined, digest(algorithm, &whole));
    }

    #[test]
    fn updates_in_pieces_agree_with_one_shot(
        algorithm in any_algorithm(),
        data in prop::collection::vec(any::<u8>(), 0..2000),
        cuts in prop::collection::vec(0usize..2000, 0..8),
    ) {
        let mut cuts: Vec<usize> = cuts.into_iter().map(|c| c.min(data.len())).collect();
        cuts.sort_unstable();
        let mut hasher = Hasher::new(algorithm);
        let mut from = 0;
        for cut in cuts.into_iter().chain([data.len()]) {
            hasher.update(&data[from..cut]);
            // `digest` does not end the hashing.
            prop_assert_eq!(hasher.digest(), digest(algorithm, &data[..cut]));
            from = cut;
        }
        prop_assert_eq!(hasher.bytes_hashed(), data.len() as u64);
    }

    #[test]
    fn a_restored_state_goes_on_as_the_saved_hasher(
        algorithm in any_algorithm(),
        before in prop::collection::vec(any::<u8>(), 0..300),
        after in prop::collection::vec(any::<u8>(), 0..300),
    ) {
        let mut saved = Hasher::new(algorithm);
        saved.update(&before);
        let mut restored = Hasher::restore(&saved.save()).unwrap();
        prop_assert_eq!(restored.algorithm(), algorithm);
        prop_assert_eq!(restored.bytes_hashed(), before.len() as u64);
        restored.update(&after);
        let whole = [&before[..], &after[..]].concat();
        prop_assert_eq!(restored.digest(), digest(algorithm, &whole));
    }
}
