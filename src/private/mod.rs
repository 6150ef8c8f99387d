//! What only the generated code uses: tolerant decoding, builder
//! conversions, and how secrets print.

pub(crate) mod builder_convert;
pub(crate) mod lenient;
pub(crate) mod redact;
