//! Glue of `wit/text.wit` over `src/text.rs`.

use super::exports::memkit::core::text;
use super::Memkit;

impl text::Guest for Memkit {
    fn swap_case(s: String) -> String {
        crate::text::swap_case(s)
    }
}
