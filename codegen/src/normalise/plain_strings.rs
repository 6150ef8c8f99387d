//! Spec rule `plain_strings` (see ARCHITECTURE.md for why, beside the other rules).

use serde_json::Value;

/// String schemas keep their values as `String`: `format`s that typify maps
/// to other types (chrono, uuid, std::net) and `pattern`s (checked with
/// regress) are dropped. What Authlete sends is never refused for its
/// formatting, and a revision that adds such a format still builds.
pub fn plain_strings(spec: &mut Value, log: &mut Vec<String>) {
    let mut count = 0;
    super::for_each_object(spec, &mut |map| {
        if map.get("type").and_then(Value::as_str) == Some("string") {
            if map.get("format").and_then(Value::as_str).is_some_and(|f| TYPED_STRING_FORMATS.contains(&f)) {
                map.remove("format");
                count += 1;
            }
            if map.remove("pattern").is_some() {
                count += 1;
            }
        }
    });
    if count > 0 {
        log.push(format!("{count} string format/pattern constraints kept as plain strings"));
    }
}

/// String formats typify turns into types of other crates or strict parsers.
const TYPED_STRING_FORMATS: &[&str] = &["date-time", "date", "uuid", "ip", "ipv4", "ipv6"];

#[cfg(test)]
mod tests {
    use super::*;
    #[allow(unused_imports)]
    use crate::normalise::test_support::*;
    #[allow(unused_imports)]
    use serde_json::json;

    #[test]
    fn formats_needing_other_crates_stay_strings() {
        let mut spec = json!({"components": {"schemas": {"t": {"type": "object", "properties": {
            "at": {"type": "string", "format": "date-time"},
            "id": {"type": "string", "format": "uuid", "pattern": "^[a-f0-9-]+$"},
            "uri": {"type": "string", "format": "uri"},
            "n": {"type": "integer", "format": "int64"}
        }}}}});
        let mut log = vec![];
        plain_strings(&mut spec, &mut log);
        let p = &spec["components"]["schemas"]["t"]["properties"];
        assert_eq!(p["at"], json!({"type": "string"}));
        assert_eq!(p["id"], json!({"type": "string"}));
        assert_eq!(p["uri"]["format"], "uri", "formats typify keeps as String stay");
        assert_eq!(p["n"]["format"], "int64");
        assert_eq!(log.len(), 1);
    }
}
