//! How a secret prints: `<redacted N chars>`, never its value. The generated
//! `Debug` of every type with a secret field goes through [`Redacted`] (rule
//! `secrets_redacted_in_debug`); so can hand-written ones.

use std::fmt;

/// Prints the value it wraps without showing it: text as
/// `<redacted N chars>`, inside `Some(..)`, `Ok(..)` or a list as the
/// derive would show them; JSON as `<redacted>`.
pub(crate) struct Redacted<'a, T: ?Sized>(pub &'a T);

impl<T: Shape + ?Sized> fmt::Debug for Redacted<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.redacted(f)
    }
}

/// The shapes a secret field has.
pub(crate) trait Shape {
    fn redacted(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result;
}

impl Shape for str {
    fn redacted(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "<redacted {} chars>", self.chars().count())
    }
}

impl Shape for String {
    fn redacted(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.as_str().redacted(f)
    }
}

impl<T: Shape> Shape for Option<T> {
    fn redacted(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Some(v) => f.debug_tuple("Some").field(&Redacted(v)).finish(),
            None => f.write_str("None"),
        }
    }
}

impl<T: Shape> Shape for Vec<T> {
    fn redacted(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter().map(Redacted)).finish()
    }
}

/// A builder's field: the value, or the message of a field left unset
/// (which is no secret).
impl<T: Shape, E: fmt::Debug> Shape for Result<T, E> {
    fn redacted(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Ok(v) => f.debug_tuple("Ok").field(&Redacted(v)).finish(),
            Err(e) => f.debug_tuple("Err").field(e).finish(),
        }
    }
}

impl Shape for serde_json::Value {
    fn redacted(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            serde_json::Value::String(s) => s.redacted(f),
            serde_json::Value::Null => f.write_str("Null"),
            _ => f.write_str("<redacted>"),
        }
    }
}

/// The fields a type does not know (`extra`): their names, not their values.
impl<K: fmt::Debug, V: Shape> Shape for std::collections::BTreeMap<K, V> {
    fn redacted(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter().map(|(k, v)| (k, Redacted(v)))).finish()
    }
}

impl Shape for serde_json::Map<String, serde_json::Value> {
    fn redacted(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter().map(|(k, v)| (k, Redacted(v)))).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::Redacted;

    #[test]
    fn secrets_print_their_shape_and_length_only() {
        assert_eq!(format!("{:?}", Redacted("s3cr3t")), "<redacted 6 chars>");
        assert_eq!(format!("{:?}", Redacted(&Some("é".to_string()))), "Some(<redacted 1 chars>)");
        assert_eq!(format!("{:?}", Redacted(&None::<String>)), "None");
        let unset: Result<Option<String>, String> = Err("no value supplied for password".into());
        assert_eq!(format!("{:?}", Redacted(&unset)), r#"Err("no value supplied for password")"#);
        assert_eq!(format!("{:?}", Redacted(&vec!["ab".to_string()])), "[<redacted 2 chars>]");
        assert_eq!(format!("{:?}", Redacted(&serde_json::json!({"k": "secret"}))), "<redacted>");
        let extra = std::collections::BTreeMap::from([("newToken".to_string(), serde_json::json!("abc"))]);
        assert_eq!(format!("{:?}", Redacted(&extra)), r#"{"newToken": <redacted 3 chars>}"#);
    }
}
