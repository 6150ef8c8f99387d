//! Decoding that survives upstream's type slips (used by generated code).
//!
//! Every generated object type that keeps unknown fields decodes each of its
//! fields through [`Field`]: a value of the expected JSON kind decodes as
//! usual; a string holding a number or a boolean is read as one (`"42"` for
//! an integer field, `"true"` for a boolean); anything else is not an error:
//! the typed field is left unset, the raw JSON is kept in the type's `extra`
//! map under the field's wire name (so a read-modify-write sends it back as
//! it came), and a `tracing` warning names the type and the field, never the
//! value. Arrays are checked element by element, maps entry by entry.
//!
//! Only a body that is not JSON, whose top level is not the expected shape,
//! or that lacks a field the spec marks required, is
//! [`Error::Decode`](crate::Error::Decode). Requests are not affected: this
//! is about reading.

use std::collections::{BTreeMap, HashMap};
use std::marker::PhantomData;

use serde::de::value::{MapAccessDeserializer, SeqAccessDeserializer};
use serde::de::{DeserializeOwned, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

/// A field as read: a value of its type, or the raw JSON that did not fit.
#[doc(hidden)]
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Field<T> {
    /// Absent (or `null`).
    #[default]
    Missing,
    /// The value fit the type.
    Ok(T),
    /// It did not; kept as received (boxed: a rare case should not make
    /// every field wider).
    Raw(Box<Value>),
}

/// How a type reads each kind of JSON value. The defaults go through
/// `serde_json::Value` (rare types only); the common types read directly.
#[doc(hidden)]
pub trait Lenient: DeserializeOwned + Serialize {
    /// From a JSON boolean.
    fn from_bool(v: bool) -> Option<Self> {
        serde_json::from_value(Value::Bool(v)).ok()
    }
    /// From a JSON integer that fits `i64`.
    fn from_i64(v: i64) -> Option<Self> {
        serde_json::from_value(Value::from(v)).ok()
    }
    /// From a JSON integer beyond `i64`.
    fn from_u64(v: u64) -> Option<Self> {
        serde_json::from_value(Value::from(v)).ok()
    }
    /// From a JSON number with a fraction or exponent.
    fn from_f64(v: f64) -> Option<Self> {
        serde_json::from_value(Value::from(v)).ok()
    }
    /// From a JSON string.
    fn from_str(v: &str) -> Option<Self> {
        serde_json::from_value(Value::from(v)).ok()
    }
    /// From an owned JSON string (what a buffered object hands over): the
    /// types that keep the text take it without copying.
    fn from_string(v: String) -> Result<Self, String> {
        Self::from_str(&v).ok_or(v)
    }
    /// From a JSON array.
    fn from_seq<'de, A: SeqAccess<'de>>(seq: A) -> Result<Field<Self>, A::Error> {
        let raw = Value::deserialize(SeqAccessDeserializer::new(seq))?;
        Ok(fit(raw))
    }
    /// From a JSON object.
    fn from_map<'de, A: MapAccess<'de>>(map: A) -> Result<Field<Self>, A::Error> {
        let raw = Value::deserialize(MapAccessDeserializer::new(map))?;
        Ok(fit(raw))
    }
}

/// `raw` as a `T`, or kept raw.
fn fit<T: DeserializeOwned>(raw: Value) -> Field<T> {
    match T::deserialize(&raw) {
        Ok(v) => Field::Ok(v),
        Err(_) => Field::Raw(Box::new(raw)),
    }
}

fn or_raw<T>(v: Option<T>, raw: impl FnOnce() -> Value) -> Field<T> {
    match v {
        Some(v) => Field::Ok(v),
        None => Field::Raw(Box::new(raw())),
    }
}

struct FieldVisitor<T>(PhantomData<T>);

impl<'de, T: Lenient> Visitor<'de> for FieldVisitor<T> {
    type Value = Field<T>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Field<T>, E> {
        Ok(or_raw(T::from_bool(v), || Value::Bool(v)))
    }
    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Field<T>, E> {
        Ok(or_raw(T::from_i64(v), || Value::from(v)))
    }
    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Field<T>, E> {
        Ok(or_raw(T::from_u64(v), || Value::from(v)))
    }
    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Field<T>, E> {
        Ok(or_raw(T::from_f64(v), || Value::from(v)))
    }
    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Field<T>, E> {
        Ok(or_raw(T::from_str(v), || Value::from(v)))
    }
    fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Field<T>, E> {
        Ok(match T::from_string(v) {
            Ok(t) => Field::Ok(t),
            Err(v) => Field::Raw(Box::new(Value::String(v))),
        })
    }
    fn visit_unit<E: serde::de::Error>(self) -> Result<Field<T>, E> {
        // `null` is "absent" for a field.
        Ok(Field::Missing)
    }
    fn visit_none<E: serde::de::Error>(self) -> Result<Field<T>, E> {
        self.visit_unit()
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Field<T>, D::Error> {
        Field::<T>::deserialize(d)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Field<T>, A::Error> {
        T::from_seq(seq)
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Field<T>, A::Error> {
        T::from_map(map)
    }
}

impl<'de, T: Lenient> Deserialize<'de> for Field<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(FieldVisitor(PhantomData))
    }
}

impl Lenient for String {
    fn from_str(v: &str) -> Option<Self> {
        Some(v.to_string())
    }
    fn from_string(v: String) -> Result<Self, String> {
        Ok(v)
    }
    fn from_bool(_: bool) -> Option<Self> {
        None
    }
    fn from_i64(_: i64) -> Option<Self> {
        None
    }
    fn from_u64(_: u64) -> Option<Self> {
        None
    }
    fn from_f64(_: f64) -> Option<Self> {
        None
    }
}

impl Lenient for bool {
    fn from_bool(v: bool) -> Option<Self> {
        Some(v)
    }
    fn from_str(v: &str) -> Option<Self> {
        match v {
            "true" => Some(true),
            "false" => Some(false),
            _ => None,
        }
    }
    fn from_i64(_: i64) -> Option<Self> {
        None
    }
    fn from_u64(_: u64) -> Option<Self> {
        None
    }
    fn from_f64(_: f64) -> Option<Self> {
        None
    }
}

macro_rules! integer {
    ($($t:ty),*) => {$(
        impl Lenient for $t {
            fn from_i64(v: i64) -> Option<Self> {
                <$t>::try_from(v).ok()
            }
            fn from_u64(v: u64) -> Option<Self> {
                <$t>::try_from(v).ok()
            }
            fn from_f64(v: f64) -> Option<Self> {
                // 3.0 is an integer; 3.5 is not.
                (v.fract() == 0.0 && v >= <$t>::MIN as f64 && v <= <$t>::MAX as f64).then(|| v as $t)
            }
            fn from_str(v: &str) -> Option<Self> {
                v.trim().parse().ok()
            }
            fn from_bool(_: bool) -> Option<Self> {
                None
            }
        }
    )*};
}
integer!(i8, i16, i32, i64, u8, u16, u32, u64);

macro_rules! float {
    ($($t:ty),*) => {$(
        impl Lenient for $t {
            fn from_i64(v: i64) -> Option<Self> {
                Some(v as $t)
            }
            fn from_u64(v: u64) -> Option<Self> {
                Some(v as $t)
            }
            fn from_f64(v: f64) -> Option<Self> {
                Some(v as $t)
            }
            fn from_str(v: &str) -> Option<Self> {
                v.trim().parse::<$t>().ok().filter(|f| f.is_finite())
            }
            fn from_bool(_: bool) -> Option<Self> {
                None
            }
        }
    )*};
}
float!(f32, f64);

impl Lenient for Value {
    fn from_seq<'de, A: SeqAccess<'de>>(seq: A) -> Result<Field<Self>, A::Error> {
        Value::deserialize(SeqAccessDeserializer::new(seq)).map(Field::Ok)
    }
    fn from_map<'de, A: MapAccess<'de>>(map: A) -> Result<Field<Self>, A::Error> {
        Value::deserialize(MapAccessDeserializer::new(map)).map(Field::Ok)
    }
}

impl Lenient for serde_json::Map<String, Value> {
    fn from_map<'de, A: MapAccess<'de>>(map: A) -> Result<Field<Self>, A::Error> {
        Self::deserialize(MapAccessDeserializer::new(map)).map(Field::Ok)
    }
}

/// Raw JSON of a collection in which some entries did not fit: the ones
/// that did are written back as they decoded.
fn to_raw<T: Serialize>(field: Field<T>) -> Value {
    match field {
        Field::Ok(v) => serde_json::to_value(v).unwrap_or(Value::Null),
        Field::Raw(raw) => *raw,
        Field::Missing => Value::Null,
    }
}

impl<E: Lenient> Lenient for Vec<E> {
    fn from_seq<'de, A: SeqAccess<'de>>(mut seq: A) -> Result<Field<Self>, A::Error> {
        // The common case: every entry fits, straight into the vector.
        let mut items: Vec<E> = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
        let first_raw = loop {
            match seq.next_element::<Field<E>>()? {
                None => return Ok(Field::Ok(items)),
                Some(Field::Ok(v)) => items.push(v),
                Some(Field::Raw(raw)) => break *raw,
                Some(Field::Missing) => break Value::Null,
            }
        };
        // One did not: the whole list is kept raw, entries that fit written back.
        let mut raw: Vec<Value> = items.into_iter().map(|v| to_raw(Field::Ok(v))).collect();
        raw.push(first_raw);
        while let Some(item) = seq.next_element::<Field<E>>()? {
            raw.push(to_raw(item));
        }
        Ok(Field::Raw(Box::new(Value::Array(raw))))
    }
}

macro_rules! string_map {
    ($($map:ident),*) => {$(
        impl<V: Lenient> Lenient for $map<String, V> {
            fn from_map<'de, A: MapAccess<'de>>(mut map: A) -> Result<Field<Self>, A::Error> {
                let mut entries: Vec<(String, Field<V>)> = Vec::new();
                while let Some((k, v)) = map.next_entry::<String, Field<V>>()? {
                    entries.push((k, v));
                }
                if entries.iter().all(|(_, v)| matches!(v, Field::Ok(_))) {
                    return Ok(Field::Ok(
                        entries
                            .into_iter()
                            .filter_map(|(k, v)| match v {
                                Field::Ok(v) => Some((k, v)),
                                _ => None,
                            })
                            .collect(),
                    ));
                }
                Ok(Field::Raw(Box::new(Value::Object(entries.into_iter().map(|(k, v)| (k, to_raw(v))).collect()))))
            }
        }
    )*};
}
string_map!(BTreeMap, HashMap);

impl<T: Lenient> Lenient for Box<T> {
    fn from_bool(v: bool) -> Option<Self> {
        T::from_bool(v).map(Box::new)
    }
    fn from_i64(v: i64) -> Option<Self> {
        T::from_i64(v).map(Box::new)
    }
    fn from_u64(v: u64) -> Option<Self> {
        T::from_u64(v).map(Box::new)
    }
    fn from_f64(v: f64) -> Option<Self> {
        T::from_f64(v).map(Box::new)
    }
    fn from_str(v: &str) -> Option<Self> {
        T::from_str(v).map(Box::new)
    }
    fn from_seq<'de, A: SeqAccess<'de>>(seq: A) -> Result<Field<Self>, A::Error> {
        Ok(boxed(T::from_seq(seq)?))
    }
    fn from_map<'de, A: MapAccess<'de>>(map: A) -> Result<Field<Self>, A::Error> {
        Ok(boxed(T::from_map(map)?))
    }
}

fn boxed<T>(f: Field<T>) -> Field<Box<T>> {
    match f {
        Field::Ok(v) => Field::Ok(Box::new(v)),
        Field::Raw(r) => Field::Raw(r),
        Field::Missing => Field::Missing,
    }
}

/// Any other type, read through `serde_json::Value` (generated code wraps a
/// field in it when its type has no `Lenient` impl; the vendored spec has
/// none such today).
#[allow(dead_code)]
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ViaValue<T>(pub T);

impl<T: DeserializeOwned + Serialize> Lenient for ViaValue<T> {}

/// A key of the object being decoded: the index of one of its fields, or
/// the name of a key it does not know (copied only then).
#[doc(hidden)]
pub enum Key {
    /// The field at this index of the type's own numbering.
    Known(usize),
    /// A key the type does not know, for its `extra`.
    Unknown(String),
}

/// Reads an object's key with the type's own `index` (generated: the
/// field's number for its wire name), so a known key is never copied.
#[doc(hidden)]
pub struct KeySeed<F>(pub F);

impl<'de, F: FnOnce(&str) -> Option<usize>> DeserializeSeed<'de> for KeySeed<F> {
    type Value = Key;

    #[inline]
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Key, D::Error> {
        d.deserialize_identifier(KeyVisitor(self.0))
    }
}

struct KeyVisitor<F>(F);

impl<'de, F: FnOnce(&str) -> Option<usize>> Visitor<'de> for KeyVisitor<F> {
    type Value = Key;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a field name")
    }
    #[inline]
    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Key, E> {
        Ok(match (self.0)(v) {
            Some(i) => Key::Known(i),
            None => Key::Unknown(v.to_owned()),
        })
    }
    #[inline]
    fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Key, E> {
        Ok(match (self.0)(&v) {
            Some(i) => Key::Known(i),
            None => Key::Unknown(v),
        })
    }
}

/// Reads the value of a known field into its slot. A field given twice
/// with a value both times is an error, as with serde's derive; a `null`
/// reads as absent, so a second value after it is taken.
#[doc(hidden)]
#[inline]
pub fn read<'de, A: MapAccess<'de>, T: Lenient>(
    map: &mut A,
    slot: &mut Field<T>,
    wire_name: &'static str,
) -> Result<(), A::Error> {
    if !matches!(slot, Field::Missing) {
        return Err(serde::de::Error::duplicate_field(wire_name));
    }
    *slot = map.next_value()?;
    Ok(())
}

/// Keeps the value of an unknown key, as received.
#[doc(hidden)]
#[inline]
pub fn keep<'de, A: MapAccess<'de>>(
    map: &mut A,
    extra: &mut serde_json::Map<String, Value>,
    name: String,
) -> Result<(), A::Error> {
    let value: Value = map.next_value()?;
    extra.insert(name, value);
    Ok(())
}

/// The typed value of an optional field; a value that did not fit goes to
/// the object's `extra` under its wire name.
#[doc(hidden)]
#[inline]
pub fn optional<T>(
    field: Field<T>,
    extra: &mut serde_json::Map<String, Value>,
    type_name: &'static str,
    wire_name: &'static str,
) -> Option<T> {
    match field {
        Field::Missing => None,
        Field::Ok(v) => Some(v),
        Field::Raw(raw) => {
            keep_unfit(extra, type_name, wire_name, *raw);
            None
        }
    }
}

#[cold]
fn keep_unfit(
    extra: &mut serde_json::Map<String, Value>,
    type_name: &'static str,
    wire_name: &'static str,
    raw: Value,
) {
    unfit(type_name, wire_name);
    extra.insert(wire_name.to_string(), raw);
}

/// The typed value of a required field, or why there is none.
#[doc(hidden)]
#[inline]
// A spec whose lists and maps are all optional does not call it.
#[allow(dead_code)]
pub fn required<T, E: serde::de::Error>(
    field: Field<T>,
    type_name: &'static str,
    wire_name: &'static str,
) -> Result<T, E> {
    match field {
        Field::Ok(v) => Ok(v),
        Field::Raw(_) => {
            Err(E::custom(format_args!("{type_name}.{wire_name}: a required field does not fit its type")))
        }
        Field::Missing => Err(E::missing_field(wire_name)),
    }
}

fn unfit(type_name: &'static str, wire_name: &str) {
    #[cfg(feature = "tracing")]
    tracing::warn!(
        target: "authlete",
        r#type = type_name,
        field = wire_name,
        "a field of Authlete's answer does not fit its type: left unset, kept raw in `extra`"
    );
    #[cfg(not(feature = "tracing"))]
    let _ = (type_name, wire_name);
}

/// `T::deserialize` on a map, for generated object types (whose own
/// decoding is lenient field by field).
#[doc(hidden)]
pub fn object_from_map<'de, T: DeserializeOwned, A: MapAccess<'de>>(map: A) -> Result<Field<T>, A::Error> {
    T::deserialize(MapAccessDeserializer::new(map)).map(Field::Ok)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn read<T: Lenient>(v: Value) -> Field<T> {
        // (`null` reads as Missing.)
        serde_json::from_value(v).unwrap()
    }

    /// An object decoded the way rule `lenient_decoding` generates it.
    #[derive(Debug, PartialEq)]
    struct Object {
        count: Option<i64>,
        name: Option<String>,
        extra: serde_json::Map<String, Value>,
    }

    impl<'de> Deserialize<'de> for Object {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct V;
            impl<'de> Visitor<'de> for V {
                type Value = Object;
                fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    f.write_str("an object (Object)")
                }
                fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Object, A::Error> {
                    fn index(key: &str) -> Option<usize> {
                        match key.len() {
                            4 => match key {
                                "name" => Some(1),
                                _ => None,
                            },
                            5 => match key {
                                "count" => Some(0),
                                _ => None,
                            },
                            _ => None,
                        }
                    }
                    let mut kept = serde_json::Map::new();
                    let (mut count, mut name) = (Field::<i64>::Missing, Field::<String>::Missing);
                    while let Some(key) = map.next_key_seed(KeySeed(index))? {
                        match key {
                            Key::Known(0) => super::read(&mut map, &mut count, "count")?,
                            Key::Known(1) => super::read(&mut map, &mut name, "name")?,
                            Key::Known(_) => {
                                map.next_value::<serde::de::IgnoredAny>()?;
                            }
                            Key::Unknown(k) => keep(&mut map, &mut kept, k)?,
                        }
                    }
                    Ok(Object {
                        count: optional(count, &mut kept, "Object", "count"),
                        name: optional(name, &mut kept, "Object", "name"),
                        extra: kept,
                    })
                }
            }
            d.deserialize_map(V)
        }
    }

    #[test]
    fn keys_are_matched_escaped_or_not_and_the_rest_is_kept() {
        // `\u0063ount` is `count`: serde_json hands over an unescaped copy.
        let o: Object = serde_json::from_str(r#"{"\u0063ount": "7", "nam": 1, "name": ["x"]}"#).unwrap();
        assert_eq!(o.count, Some(7));
        assert_eq!(o.name, None);
        assert_eq!(o.extra, json!({"nam": 1, "name": ["x"]}).as_object().unwrap().clone());
        // From a `Value` (what buffered nested objects go through) too.
        let o: Object = serde_json::from_value(json!({"count": 3, "other": null})).unwrap();
        assert_eq!((o.count, o.extra.get("other")), (Some(3), Some(&Value::Null)));
    }

    #[test]
    fn a_field_given_twice_is_an_error_unless_first_null_and_a_non_object_is_one() {
        let e = serde_json::from_str::<Object>(r#"{"count": 1, "count": 2}"#).unwrap_err();
        assert!(e.to_string().contains("duplicate field `count`"), "{e}");
        // `null` is absent: the value after it is the field's.
        let o: Object = serde_json::from_str(r#"{"count": null, "count": 2}"#).unwrap();
        assert_eq!(o.count, Some(2));
        let e = serde_json::from_str::<Object>("[1]").unwrap_err();
        assert!(e.to_string().contains("expected an object (Object)"), "{e}");
    }

    #[test]
    fn numbers_and_booleans_in_strings_are_read() {
        assert_eq!(read::<i64>(json!("42")), Field::Ok(42));
        assert_eq!(read::<i32>(json!(" -7 ")), Field::Ok(-7));
        assert_eq!(read::<f64>(json!("2.5")), Field::Ok(2.5));
        assert_eq!(read::<bool>(json!("true")), Field::Ok(true));
        assert_eq!(read::<i64>(json!(3.0)), Field::Ok(3));
    }

    #[test]
    fn what_does_not_fit_is_kept_raw() {
        assert_eq!(read::<i64>(json!("forty-two")), Field::Raw(Box::new(json!("forty-two"))));
        assert_eq!(read::<i64>(json!(3.5)), Field::Raw(Box::new(json!(3.5))));
        assert_eq!(read::<u8>(json!(300)), Field::Raw(Box::new(json!(300))));
        assert_eq!(read::<String>(json!({"a": 1})), Field::Raw(Box::new(json!({"a": 1}))));
        assert_eq!(read::<bool>(json!("yes")), Field::Raw(Box::new(json!("yes"))));
        assert_eq!(read::<f64>(json!("NaN")), Field::Raw(Box::new(json!("NaN"))));
    }

    #[test]
    fn collections_are_checked_entry_by_entry() {
        assert_eq!(read::<Vec<i64>>(json!([1, "2"])), Field::Ok(vec![1, 2]));
        assert_eq!(read::<Vec<i64>>(json!([1, "x", 3])), Field::Raw(Box::new(json!([1, "x", 3]))));
        assert_eq!(read::<Vec<String>>(json!("one")), Field::Raw(Box::new(json!("one"))));
        let m: Field<BTreeMap<String, bool>> = read(json!({"a": "true", "b": false}));
        assert_eq!(m, Field::Ok(BTreeMap::from([("a".into(), true), ("b".into(), false)])));
        assert_eq!(read::<BTreeMap<String, bool>>(json!({"a": 1})), Field::Raw(Box::new(json!({"a": 1}))));
    }
}
