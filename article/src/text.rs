//! The `text` interface: ASCII case swapping over UTF-8, byte by byte.
//!
//! Only bytes `a..=z` and `A..=Z` change, and they change into each other, so every other
//! byte, including each byte of a multi-byte UTF-8 sequence (all >= 0x80), is left as it is
//! and the string stays valid UTF-8 of the same length.

/// Swaps the case of ASCII letters in place and returns the same allocation. Cost: O(n),
/// one pass; no allocation, no copy.
pub fn swap_case(mut s: String) -> String {
    // SAFETY: `swap_ascii_case` changes only ASCII letters, into ASCII letters, so the bytes
    // remain valid UTF-8.
    swap_ascii_case(unsafe { s.as_bytes_mut() });
    s
}

/// Swaps the case of ASCII letters in `bytes`. Branch-free so that LLVM vectorises it. Cost:
/// O(n), one pass in place; no allocation.
pub fn swap_ascii_case(bytes: &mut [u8]) {
    for b in bytes {
        // `b | 0x20` folds upper case onto lower case; only letters then land in 'a'..='z'.
        let is_letter = (*b | 0x20).wrapping_sub(b'a') < 26;
        *b ^= (is_letter as u8) << 5;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn swaps_ascii_letters_only() {
        assert_eq!(swap_case("Hello, World! 123".into()), "hELLO, wORLD! 123");
        assert_eq!(swap_case("@[`{".into()), "@[`{");
        assert_eq!(swap_case(String::new()), "");
    }

    #[test]
    fn leaves_non_ascii_unchanged() {
        assert_eq!(
            swap_case("Grüße, ÄÖÜ ß 你好 ǅ".into()),
            "gRüßE, ÄÖÜ ß 你好 ǅ"
        );
    }

    proptest! {
        #[test]
        fn matches_char_wise_reference(s in any::<String>()) {
            let expected: String = s
                .chars()
                .map(|c| match c {
                    'a'..='z' => c.to_ascii_uppercase(),
                    'A'..='Z' => c.to_ascii_lowercase(),
                    _ => c,
                })
                .collect();
            prop_assert_eq!(swap_case(s), expected);
        }

        #[test]
        fn is_an_involution(s in any::<String>()) {
            prop_assert_eq!(swap_case(swap_case(s.clone())), s);
        }
    }
}
