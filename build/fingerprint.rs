//! The fingerprint of the vendored spec that `generated/authlete_api.rs`
//! records in its first line: `build.rs` compares it, `cargo xtask
//! generate` writes it (through `authlete_codegen::checked_in::files`).
//! Not a security measure: it catches a spec changed without `generate`.

/// What precedes the fingerprint in the generated source's first line
/// (`authlete_codegen::checked_in::FINGERPRINT_MARK`).
const MARK: &str = "spec fingerprint ";

/// 64-bit FNV-1a over the spec's and the retained file's bytes, carriage
/// returns left out so a checkout with CRLF line ends agrees.
pub fn fingerprint(spec_text: &str, retained_text: Option<&str>) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let parts = [spec_text.as_bytes(), b"\xff", retained_text.unwrap_or("").as_bytes()];
    for byte in parts.into_iter().flatten().copied().filter(|b| *b != b'\r') {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("fnv1a64:{hash:016x}")
}

/// The fingerprint a generated source's first line records.
#[allow(dead_code)]
pub fn recorded(first_line: &str) -> Option<&str> {
    let rest = &first_line[first_line.find(MARK)? + MARK.len()..];
    rest.split(')').next()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fingerprint_follows_both_inputs_and_ignores_line_ends() {
        let a = fingerprint("openapi: 3.0.0\n", None);
        assert_eq!(a, fingerprint("openapi: 3.0.0\r\n", Some("")));
        assert_ne!(a, fingerprint("openapi: 3.0.1\n", None));
        assert_ne!(a, fingerprint("openapi: 3.0.0\n", Some("paths: {}\n")));
        // The separator keeps a byte moved from one input to the other apart.
        assert_ne!(fingerprint("ab", Some("c")), fingerprint("a", Some("bc")));
        assert_eq!(a.len(), "fnv1a64:".len() + 16);
    }

    #[test]
    fn a_line_without_the_mark_records_nothing() {
        assert_eq!(recorded("pub mod types {}"), None);
        assert_eq!(recorded("// x (spec fingerprint fnv1a64:00): y"), Some("fnv1a64:00"));
    }
}
