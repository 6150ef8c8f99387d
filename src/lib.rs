//! Rust client for the Authlete API.

pub mod generated;
pub mod models;
mod transport;
