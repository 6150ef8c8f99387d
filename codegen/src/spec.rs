//! Loading an OpenAPI document (YAML or JSON) into a `serde_json::Value`.
//!
//! Everything downstream (stripping, normalisation, progenitor) works on JSON
//! values, so the loader is the only place that knows about YAML.

use serde_json::{Map, Value};

/// Parses YAML (a superset of JSON) into a JSON value.
///
/// Mapping keys that YAML reads as numbers or booleans (`200:` instead of
/// `'200':`) become strings, as OpenAPI means them.
pub fn parse(text: &str) -> Result<Value, String> {
    let yaml: serde_norway::Value =
        serde_norway::from_str(text).map_err(|e| format!("the spec is not valid YAML/JSON: {e}"))?;
    yaml_to_json(yaml)
}

fn yaml_to_json(yaml: serde_norway::Value) -> Result<Value, String> {
    use serde_norway::Value as Y;
    Ok(match yaml {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::from(i)
            } else if let Some(u) = n.as_u64() {
                Value::from(u)
            } else {
                let f = n.as_f64().unwrap_or(f64::NAN);
                serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)
            }
        }
        Y::String(s) => Value::String(s),
        Y::Sequence(items) => Value::Array(items.into_iter().map(yaml_to_json).collect::<Result<_, _>>()?),
        Y::Mapping(m) => {
            let mut out = Map::new();
            for (k, v) in m {
                let key = match k {
                    Y::String(s) => s,
                    Y::Number(n) => n.to_string(),
                    Y::Bool(b) => b.to_string(),
                    other => return Err(format!("unsupported mapping key {other:?}")),
                };
                out.insert(key, yaml_to_json(v)?);
            }
            Value::Object(out)
        }
        Y::Tagged(t) => yaml_to_json(t.value)?,
    })
}

/// Renders a JSON value as YAML. With an insertion-ordered map (serde_json's
/// `preserve_order`) the output is a pure function of the input.
pub fn to_yaml(value: &Value) -> Result<String, String> {
    serde_norway::to_string(value).map_err(|e| format!("cannot render YAML: {e}"))
}
