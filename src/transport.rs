//! What the generated client needs from us on every request.

#[derive(Clone, Debug, Default)]
pub struct Transport {}

impl progenitor_client::ClientHooks<Transport> for crate::generated::Client {}
