//! One call to one operation: the [`Request`] being prepared, its
//! transport (token, timeouts, retries, body cap, tracing), its URL, the
//! decoding of its answer into a [`Response`], and [`Pages`] of a list.

// For generated code: a spec revision may have no operation that answers
// in one of these ways (no streamed body, say).
#[allow(dead_code)]
pub(crate) mod decode;
mod pages;
mod request;
pub(crate) mod transport;
// Unused in a build whose operation groups have no path parameter (or no operation).
#[cfg_attr(not(feature = "full"), allow(dead_code))]
pub(crate) mod url;

pub use pages::{Items, Paged, PagedItems, Pages};
pub use request::{operations, ApiOperation, ErrorBody, Operation, Request, Response};
