//! Converting a struct builder into its type (used by generated code; rule
//! `linear_builder_conversions` in `codegen/rewrite.rs`).
//!
//! typify's conversion moves each field out with `?`, and every `?` is an
//! exit that drops the fields not moved yet: code quadratic in the field
//! count. Generated conversions instead ask [`first_error`] before moving
//! anything, then move every field with [`checked`].

/// The first field that failed to convert, in field order.
#[doc(hidden)]
pub fn first_error(fields: &[Option<&String>]) -> Option<String> {
    fields.iter().find_map(|e| e.cloned())
}

/// A field already known to hold a value.
#[doc(hidden)]
#[inline]
pub fn checked<T>(field: Result<T, String>) -> T {
    match field {
        Ok(value) => value,
        // `first_error` returned every error before any field is moved.
        Err(_) => unreachable!("builder field errors are returned before conversion"),
    }
}
