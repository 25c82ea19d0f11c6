//! Glue of `article/wit/text.wit` over `article/src/text.rs`.

use super::exports::memkit::article::text;
use super::Article;

impl text::Guest for Article {
    fn swap_case(s: String) -> String {
        crate::text::swap_case(s)
    }
}
