//! Where values sit in linear memory under the canonical ABI on wasm32 (the Component Model's
//! `CanonicalABI.md`, its `elem_size` and `alignment`): what the bindings' own copies of lists
//! take, described once, field by field, instead of as sizes counted by hand in each glue file.

/// The size and alignment of one value in linear memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AbiLayout {
    /// Bytes, a multiple of `align` (so it is also the stride of a list of these).
    pub size: usize,
    /// A power of two.
    pub align: usize,
}

/// A `u32` (and any 32-bit value: `s32`, `f32`, a handle).
pub const U32: AbiLayout = AbiLayout { size: 4, align: 4 };
/// A `f64` (and `u64`, `s64`).
pub const F64: AbiLayout = AbiLayout { size: 8, align: 8 };
/// A `list<T>`: a 32-bit pointer and a 32-bit length.
pub const LIST: AbiLayout = AbiLayout { size: 8, align: 4 };
/// A `string`: placed like a list of bytes.
pub const STRING: AbiLayout = LIST;

/// A `record` of `fields`, in order: each field at the next multiple of its alignment, the
/// record aligned as its most aligned field, and its size rounded up to that alignment.
pub const fn record(fields: &[AbiLayout]) -> AbiLayout {
    let mut size: usize = 0;
    let mut align: usize = 1;
    let mut i = 0;
    while i < fields.len() {
        let field = fields[i];
        size = size.next_multiple_of(field.align) + field.size;
        if field.align > align {
            align = field.align;
        }
        i += 1;
    }
    AbiLayout {
        size: size.next_multiple_of(align),
        align,
    }
}

/// A list argument that the bindings copy into a Rust vector before the export runs: a list of
/// `element`s whose Rust type is not laid out as the ABI places it (wit-bindgen adopts a list
/// in place, with `Vec::from_raw_parts`, only when every bit pattern of its element is valid
/// and the element holds no resource or tuple; a list of records with strings is copied). The
/// copy is an allocation that cannot fail gracefully, so room for it is held when the list is
/// placed ([`crate::place_argument`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CopiedList {
    /// One element as the host places it.
    pub element: AbiLayout,
    /// One element of the Rust vector it is copied into (`size_of` of the generated type).
    pub copy_bytes: usize,
}

impl CopiedList {
    /// The bytes of the copy of a list placed as `len` bytes aligned to `align`, if it may be
    /// a list of these: the allocation's alignment is the element's and `len` a whole number of
    /// elements. `cabi_realloc` is told no more than that, so a list of other elements of that
    /// alignment whose length happens to be such a multiple is taken for one of these.
    pub const fn copy_of(&self, align: usize, len: usize) -> Option<usize> {
        if align == self.element.align && len.is_multiple_of(self.element.size) {
            Some(len / self.element.size * self.copy_bytes)
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_are_laid_out_as_the_canonical_abi_says() {
        // `records.frame`: two lists and a u32.
        assert_eq!(record(&[LIST, LIST, U32]), AbiLayout { size: 20, align: 4 });
        // `points.point3d` (the article's): three f64.
        assert_eq!(record(&[F64, F64, F64]), AbiLayout { size: 24, align: 8 });
        // Padding after a u32 before an f64, and at the end up to the record's alignment.
        assert_eq!(record(&[U32, F64]), AbiLayout { size: 16, align: 8 });
        assert_eq!(record(&[F64, U32]), AbiLayout { size: 16, align: 8 });
        assert_eq!(record(&[]), AbiLayout { size: 0, align: 1 });
    }

    #[test]
    fn a_copied_list_is_recognised_by_alignment_and_whole_elements() {
        let person = CopiedList {
            element: record(&[STRING, U32, STRING]),
            copy_bytes: 28,
        };
        assert_eq!(person.copy_of(4, 200), Some(280));
        assert_eq!(person.copy_of(4, 0), Some(0));
        assert_eq!(person.copy_of(4, 204), None, "not whole persons");
        assert_eq!(person.copy_of(8, 200), None, "not a person's alignment");
        assert_eq!(person.copy_of(1, 200), None, "bytes or a string");
    }
}
