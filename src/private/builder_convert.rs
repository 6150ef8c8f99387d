//! Converting a struct builder into its type (used by generated code; rule
//! `linear_builder_conversions` in `codegen/rewrite.rs`).
//!
//! typify's conversion moves each field out with `?`, and every `?` is an
//! exit that drops the fields not moved yet: code quadratic in the field
//! count. Generated conversions instead ask [`first_error`] before moving
//! anything, then move every field with [`checked`].

/// The first field that failed to convert, in field order: each field's
/// error, if any, with the message for a required field left unset (rule
/// `unset_messages_without_strings`: such a field holds an empty error, so
/// that no message is allocated on the way to a successful conversion).
#[doc(hidden)]
pub fn first_error(fields: &[(Option<&String>, &'static str)]) -> Option<String> {
    fields.iter().find_map(|(e, unset)| e.map(|e| unset_or(e.clone(), unset)))
}

/// `error`, or `unset` when `error` is the empty placeholder of a required
/// field left unset.
#[doc(hidden)]
pub fn unset_or(error: String, unset: &'static str) -> String {
    if error.is_empty() {
        unset.to_string()
    } else {
        error
    }
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
